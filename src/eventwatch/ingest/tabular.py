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
    "datetime", "timestamp", "created_at", "publishedAt", "datePublished", "date_published",
    "published_date", "pub_date",
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
    except RecursionError:
        return failed_article(source, "malformed record: values nested too deeply")


def _loads(text: str) -> Any:
    """``json.loads`` with the too-deep-nesting error turned into a decode error."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None


def _json_line(raw: bytes, source: str, fields: FieldMap) -> Article | None:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        line = decode_bytes(raw, source)
    line = line.strip().lstrip("\ufeff")
    if not line:
        return None
    try:
        record = _loads(line)
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


def _record_list(document: Any, fields: FieldMap) -> tuple[str, list[Any]] | None:
    """The records of a JSON document: a list, or the first list of objects inside an object
    that has no text field itself (``{"status": "ok", "articles": [...]}``)."""
    if isinstance(document, list):
        return "", document
    if isinstance(document, Mapping) and _lookup(document, fields.text) is None:
        for key, value in document.items():
            if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
                return str(key), value
    return None


def iter_json(text: str, source: str, settings: IngestSettings) -> Iterator[Article]:
    """Articles from a JSON document: one object, a list of objects (``path:[i]``) or an object
    wrapping a list of objects (``path:articles[i]``)."""
    fields = FieldMap.from_settings(settings)
    try:
        document = _loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise FormatError(source, f"malformed JSON: {exc.msg} (line {exc.lineno})") from exc
    found = _record_list(document, fields)
    if found is None:
        yield _safe_record(document, source, fields)
        return
    key, records = found
    for index, record in enumerate(records):
        yield _safe_record(record, f"{source}:{key}[{index}]", fields)


def _raise_field_limit(max_bytes: int) -> None:
    limit = min(max(csv.field_size_limit(), max_bytes + 1), 2**31 - 1)
    csv.field_size_limit(limit)


def _csv_header(reader: Any, source: str, fields: FieldMap) -> list[str]:
    """The column names; raises :class:`FormatError` when there are none or no text column."""
    try:
        header = next(reader)
    except StopIteration:
        raise FormatError(source, "empty CSV: no header row") from None
    except csv.Error as exc:
        raise FormatError(source, f"malformed CSV header: {exc}") from exc
    columns = [name.strip().lstrip("\ufeff") for name in header]
    folded = {c.casefold() for c in columns if c}
    if not folded & {name.casefold() for name in fields.text}:
        tried = ", ".join(repr(name) for name in fields.text)
        raise FormatError(source, f"no text column (tried {tried}); columns: {columns}")
    return columns


def iter_csv(
    stream: IO[bytes],
    source: str,
    settings: IngestSettings,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Iterator[Article]:
    """One article per CSV/TSV row (the first row names the columns), read one row at a time.

    A row with more or fewer fields than the header, or that the csv module rejects, fails
    alone (``path:line``, the line the row starts on). Raises :class:`FormatError` when the file
    has no header or no text column.
    """
    _raise_field_limit(settings.max_bytes)
    fields = FieldMap.from_settings(settings)
    text_stream = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    reader = csv.reader(text_stream, delimiter=delimiter)
    header = _csv_header(reader, source, fields)
    done = reader.line_num  # lines consumed so far
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if reader.line_num == done:
                return  # the reader makes no progress: give up on the rest of the file
            yield failed_article(f"{source}:{done + 1}", f"malformed CSV: {exc}")
            done = reader.line_num
            continue
        where, done = f"{source}:{done + 1}", reader.line_num
        if not row:
            continue  # a blank line
        if len(row) != len(header):
            reason = f"malformed CSV row: {len(row)} fields, the header has {len(header)}"
            yield failed_article(where, reason)
            continue
        yield _safe_record(dict(zip(header, row, strict=True)), where, fields)
