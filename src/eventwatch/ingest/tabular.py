"""Records to articles: JSON lines, CSV/TSV rows and JSON documents, streamed row by row.

Fields are found by the names configured in :class:`IngestSettings` first, then by common
fallback names (``body``, ``content``, ``headline``, ``date``, ``source``...), exactly and then
case-insensitively. A dotted name (``meta.title``) reaches into nested objects.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

from eventwatch.config import IngestSettings
from eventwatch.errors import FormatError
from eventwatch.ingest.articles import failed_article, new_article, too_large
from eventwatch.ingest.normalize import decode_bytes
from eventwatch.records import Article

TEXT_FALLBACKS = ("text", "body", "content", "maintext", "article", "full_text", "story")
TITLE_FALLBACKS = ("title", "headline", "heading")
URL_FALLBACKS = ("url", "link", "href", "uri", "canonical_url", "source_url")
PUBLISHED_FALLBACKS = (
    "published", "date", "published_at", "publish_date", "date_publish", "pubdate",
    "datetime", "timestamp", "created_at",
)  # fmt: skip
OUTLET_FALLBACKS = ("outlet", "source", "source_name", "publisher", "sitename", "site_name")
ID_FALLBACKS = ("id", "_id", "article_id", "uuid", "guid")


def _names(configured: str | None, fallbacks: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([configured, *fallbacks] if configured else fallbacks))


@dataclass(frozen=True, slots=True)
class FieldMap:
    """The names looked up, in order, for each article field."""

    text: tuple[str, ...]
    title: tuple[str, ...]
    url: tuple[str, ...]
    published: tuple[str, ...]
    outlet: tuple[str, ...]
    external_id: tuple[str, ...]

    @classmethod
    def from_settings(cls, settings: IngestSettings) -> FieldMap:
        return cls(
            text=_names(settings.text_field, TEXT_FALLBACKS),
            title=_names(settings.title_field, TITLE_FALLBACKS),
            url=_names(settings.url_field, URL_FALLBACKS),
            published=_names(settings.published_field, PUBLISHED_FALLBACKS),
            outlet=_names(settings.outlet_field, OUTLET_FALLBACKS),
            external_id=_names(settings.id_field, ID_FALLBACKS),
        )


def _get(record: Mapping[str, Any], name: str) -> Any:
    value: Any = record
    for part in name.split(".") if "." in name and name not in record else [name]:
        if not isinstance(value, Mapping):
            return None
        if part in value:
            value = value[part]
        else:
            folded = {str(k).casefold(): v for k, v in value.items()}
            value = folded.get(part.casefold())
    return value


def _lookup(record: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    """The first non-empty value among ``names``; ``""`` if there are only empty ones."""
    found: Any = None
    for name in names:
        value = _get(record, name)
        if value not in (None, "", []):
            return value
        found = value if found is None else found
    return found


def _as_text(value: Any, joiner: str = "\n\n") -> str | None:
    """A string from a JSON value: lists are joined, objects give their name/title/text."""
    if value is None:
        return None
    if isinstance(value, list):
        parts = (_as_text(item, joiner) for item in value)
        return joiner.join(p for p in parts if p)
    if isinstance(value, Mapping):
        return _as_text(_lookup(value, ("name", "title", "text", "value")), joiner)
    return str(value)


def record_to_article(record: Mapping[str, Any], source: str, fields: FieldMap) -> Article:
    """An article from one record; raises :class:`FormatError` when it has no text field."""
    text = _as_text(_lookup(record, fields.text))
    if text is None:
        tried = ", ".join(repr(name) for name in fields.text)
        raise FormatError(source, f"missing text field {fields.text[0]!r} (tried {tried})")
    meta: dict[str, Any] = {}
    external_id = _lookup(record, fields.external_id)
    if external_id is not None:
        meta["external_id"] = _as_text(external_id)
    published = _lookup(record, fields.published)
    return new_article(
        source=source,
        title=_as_text(_lookup(record, fields.title), " ") or "",
        text=text,
        url=_as_text(_lookup(record, fields.url), " "),
        outlet=_as_text(_lookup(record, fields.outlet), " "),
        published=published if isinstance(published, int | float) else _as_text(published, " "),
        meta=meta,
    )


def _safe_record(record: Any, source: str, fields: FieldMap) -> Article:
    if not isinstance(record, Mapping):
        kind = type(record).__name__
        return failed_article(source, f"not a JSON object (a JSON {kind})")
    try:
        return record_to_article(record, source, fields)
    except FormatError as exc:
        return failed_article(source, exc.reason)


def _json_line(raw: bytes, source: str, fields: FieldMap) -> Article | None:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        line = decode_bytes(raw, source)
    line = line.strip().lstrip("\ufeff")
    if not line:
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return failed_article(source, f"malformed JSON: {exc.msg} (column {exc.colno})")
    return _safe_record(record, source, fields)


def iter_jsonl(stream: IO[bytes], source: str, settings: IngestSettings) -> Iterator[Article]:
    """One article per JSON line, read one line at a time; a bad line fails alone."""
    fields = FieldMap.from_settings(settings)
    limit = settings.max_bytes
    number = 0
    while raw := stream.readline(limit + 1):
        number += 1
        where = f"{source}:{number}"
        if len(raw) > limit and not raw.endswith(b"\n"):
            while (rest := stream.readline(limit + 1)) and not rest.endswith(b"\n"):
                pass  # skip the rest of the over-long line
            yield failed_article(where, too_large(None, limit))
            continue
        try:
            article = _json_line(raw, where, fields)
        except FormatError as exc:
            article = failed_article(where, exc.reason)
        if article is not None:
            yield article


def iter_json(text: str, source: str, settings: IngestSettings) -> Iterator[Article]:
    """Articles from a JSON document: one object, or a list of objects (``path:[i]``)."""
    fields = FieldMap.from_settings(settings)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(source, f"malformed JSON: {exc.msg} (line {exc.lineno})") from exc
    if isinstance(document, list):
        for index, record in enumerate(document):
            yield _safe_record(record, f"{source}:[{index}]", fields)
    else:
        yield _safe_record(document, source, fields)


def _raise_field_limit(max_bytes: int) -> None:
    limit = min(max(csv.field_size_limit(), max_bytes + 1), 2**31 - 1)
    csv.field_size_limit(limit)


def _row_line(reader: csv.DictReader[str], row: Mapping[str, Any]) -> int:
    """The line a row starts on (the reader only knows where it ends)."""
    newlines = sum(v.count("\n") for v in row.values() if isinstance(v, str))
    return reader.line_num - newlines


def iter_csv(
    stream: IO[bytes],
    source: str,
    settings: IngestSettings,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Iterator[Article]:
    """One article per CSV/TSV row (the first row names the columns); a bad row fails alone."""
    _raise_field_limit(settings.max_bytes)
    fields = FieldMap.from_settings(settings)
    text_stream = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    reader = csv.DictReader(text_stream, delimiter=delimiter)
    try:
        columns = [c for c in reader.fieldnames or [] if c]
    except csv.Error as exc:
        raise FormatError(source, f"malformed CSV header: {exc}") from exc
    folded = {c.strip().casefold() for c in columns}
    if not folded & {name.casefold() for name in fields.text}:
        raise FormatError(source, f"no text column {fields.text[0]!r}; columns: {columns}")
    last_error = -1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if reader.line_num == last_error:
                return  # the reader makes no progress: give up on the rest of the file
            last_error = reader.line_num
            yield failed_article(f"{source}:{reader.line_num}", f"malformed CSV: {exc}")
            continue
        clean = {k.strip(): v for k, v in row.items() if isinstance(k, str)}
        yield _safe_record(clean, f"{source}:{_row_line(reader, row)}", fields)
