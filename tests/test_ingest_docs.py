"""docs/ingest.md keeps up with the code: formats, extensions, settings and field names."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwatch.config import IngestSettings
from eventwatch.ingest import FORMATS
from eventwatch.ingest.detect import EXTENSIONS
from eventwatch.ingest.fetch import CONTENT_KINDS
from eventwatch.ingest.tabular import FieldMap

DOC = (Path(__file__).resolve().parents[1] / "docs" / "ingest.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_documented(fmt: str) -> None:
    assert f"| `{fmt}` |" in DOC


@pytest.mark.parametrize("extension", sorted(EXTENSIONS))
def test_every_extension_is_documented(extension: str) -> None:
    assert f"`{extension}`" in DOC


@pytest.mark.parametrize("setting", sorted(IngestSettings.model_fields))
def test_every_setting_is_documented(setting: str) -> None:
    assert f"`{setting}`" in DOC


def test_every_fallback_field_name_is_documented() -> None:
    fields = FieldMap.from_settings(IngestSettings())
    names = {*fields.text, *fields.title, *fields.url, *fields.published, *fields.outlet}
    missing = sorted(n for n in names | set(fields.external_id) if f"`{n}`" not in DOC)
    assert not missing


def test_every_content_type_is_documented() -> None:
    missing = sorted(t for t in CONTENT_KINDS if t.split("/")[1] not in DOC)
    assert not missing
