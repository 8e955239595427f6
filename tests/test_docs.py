"""The documentation must keep up with the code: every command, option and setting is documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main
from pydantic import BaseModel

from eventwatch.cli import app
from eventwatch.config import Settings

ROOT = Path(__file__).resolve().parents[1]
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
CONFIG_DOC = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")


def _commands() -> dict[str, Any]:
    """The click commands behind the Typer app (typer vendors its own click)."""
    return dict(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def _settings_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    paths: list[str] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            paths.extend(_settings_paths(annotation, f"{prefix}{name}."))
        else:
            paths.append(f"{prefix}{name}")
    return paths


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_has_a_section(name: str) -> None:
    assert re.search(rf"^## `eventwatch {name}\b", CLI_DOC, re.M), (
        f"docs/cli.md: no '## `eventwatch {name}' heading"
    )


@pytest.mark.parametrize(
    ("command", "option"),
    sorted(
        (name, opt)
        for name, cmd in _commands().items()
        for param in cmd.params
        if getattr(param, "param_type_name", "") == "option"
        for opt in param.opts
        if opt.startswith("--")
    ),
)
def test_every_option_is_documented(command: str, option: str) -> None:
    section = CLI_DOC.split(f"## `eventwatch {command}", 1)[1].split("\n## ", 1)[0]
    assert f"`{option}" in section, f"docs/cli.md, eventwatch {command}: {option} undocumented"


@pytest.mark.parametrize("path", _settings_paths(Settings))
def test_every_setting_is_documented(path: str) -> None:
    assert f"`{path}`" in CONFIG_DOC, f"docs/configuration.md: setting {path} undocumented"


def test_readme_opens_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[:1500]
    assert "make demo" in head and "make test" in head
    assert head.index("make demo") < head.index("make test")
