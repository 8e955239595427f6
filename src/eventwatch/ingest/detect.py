"""Which reader handles an input: by a forced format, the file extension or the Content-Type,
and by sniffing the first bytes.

Detection never reads more than :data:`~eventwatch.ingest.normalize.SNIFF_BYTES` bytes, so it
works on streams (stdin, a JSONL file of any size) without consuming them.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable
from pathlib import PurePosixPath

from eventwatch.errors import ConfigError

FORMATS: tuple[str, ...] = ("text", "html", "feed", "jsonl", "json", "csv", "tsv")
"""The format names a caller may force (``fmt=``)."""

EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
}
COMPRESSED_SUFFIX = ".gz"
GZIP_MAGIC = b"\x1f\x8b"

_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:rdf)[\s>]", re.I)
_HTML_ROOT = re.compile(r"<!doctype\s+html|<html[\s>]", re.I)
_HTML_MARKERS = re.compile(r"<(?:head|body|article|main|p|div|h1|title)[\s>]", re.I)
_DELIMITERS = ("\t", ",", ";", "|")
_COLUMN_NAME = re.compile(r"^[\w][\w .:-]{0,63}$")
_MAX_COLUMN_WORDS = 4


def check_format(fmt: str | None) -> str | None:
    """``fmt`` lower-cased, if it is one of :data:`FORMATS`; raises :class:`ConfigError`."""
    if fmt is None:
        return None
    name = fmt.strip().lower()
    if name not in FORMATS:
        raise ConfigError(f"unknown input format {fmt!r}: use one of {', '.join(FORMATS)}")
    return name


def strip_compression(name: str) -> str:
    """``name`` without a trailing ``.gz``."""
    if name.lower().endswith(COMPRESSED_SUFFIX):
        return name[: -len(COMPRESSED_SUFFIX)]
    return name


def format_from_name(name: str) -> str | None:
    """The format a file name or URL path announces by its extension (``.gz`` looked through),
    or None."""
    suffix = PurePosixPath(strip_compression(name).replace("\\", "/")).suffix.lower()
    return EXTENSIONS.get(suffix)


def _prefix_text(prefix: bytes) -> str:
    """The sniffed bytes as text (BOM dropped; UTF-16 decoded when it has a BOM)."""
    if prefix.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return prefix.decode("utf-16", errors="replace")
    if prefix.startswith(codecs.BOM_UTF8):
        prefix = prefix[len(codecs.BOM_UTF8) :]
    return prefix.decode("utf-8", errors="replace")


def _is_json_lines(text: str) -> bool:
    """Whether the text's first line is a complete JSON object (a JSON-lines document)."""
    first = text.split("\n", 1)[0].strip()
    if not first.startswith("{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except (ValueError, RecursionError):
        return False


def _markup_format(text: str) -> str:
    """``feed`` when a feed root comes before any HTML root, else ``html`` (an XML document
    that is neither is tried as a feed, to fail with the feed parser's reason)."""
    head = text[:4096]
    feed, page = _FEED_ROOT.search(head), _HTML_ROOT.search(head)
    if feed and (page is None or feed.start() < page.start()):
        return "feed"
    if page or _HTML_MARKERS.search(head):
        return "html"
    return "feed" if head.startswith("<?xml") else "html"


def _is_column_name(name: str) -> bool:
    return bool(_COLUMN_NAME.match(name)) and len(name.split()) <= _MAX_COLUMN_WORDS


def _table_format(text: str, text_names: Iterable[str]) -> str | None:
    """``csv``/``tsv`` when the first line is a header naming one of ``text_names`` and the next
    line is not blank (a title line is followed by a blank line)."""
    first_line, _, rest = text.partition("\n")
    if rest and not rest.split("\n", 1)[0].strip():
        return None
    wanted = {name.casefold() for name in text_names}
    for delimiter in _DELIMITERS:
        columns = [c.strip().strip("\"'").casefold() for c in first_line.split(delimiter)]
        if len(columns) < 2 or not all(_is_column_name(c) for c in columns):
            continue
        if wanted & set(columns):
            return "tsv" if delimiter == "\t" else "csv"
    return None


def sniff_format(prefix: bytes, text_names: Iterable[str] = ("text",)) -> str:
    """The format of a document starting with ``prefix``; ``text`` when nothing else fits.

    Markup is a feed (an ``<rss>``, ``<feed>`` or ``<rdf:RDF>`` root) or HTML; ``[`` starts a JSON
    document, ``{`` JSON lines when the first line is a whole object (else a JSON document); a
    first line of delimited column names including a text column, followed by a row, is CSV/TSV.
    """
    text = _prefix_text(prefix).lstrip()
    if text.startswith("<"):
        return _markup_format(text)
    if text.startswith("["):
        return "json"
    if text.startswith("{"):
        return "jsonl" if _is_json_lines(text) else "json"
    return _table_format(text.replace("\r\n", "\n"), text_names) or "text"


def refine_format(declared: str, sniffed: str) -> str:
    """Correct a format announced by an extension or a Content-Type with what the content shows:
    JSON lines in a ``.json`` file, an XHTML page served as XML, a feed served as HTML."""
    if declared == "json" and sniffed == "jsonl":
        return "jsonl"
    if declared in ("feed", "html") and sniffed in ("feed", "html"):
        return sniffed
    return declared


def delimiter_for(fmt: str, prefix: bytes) -> str:
    """The CSV delimiter: a tab for TSV, else the likeliest of ``, ; |`` in the header line."""
    if fmt == "tsv":
        return "\t"
    header = _prefix_text(prefix).split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","
