"""The ingest dispatcher: any mix of paths, directories, ``-`` (stdin) and URLs in, finalized
:class:`~eventwatch.records.Article` records out, one at a time.

A problem with one input (a missing path, a binary file, a 404, a malformed row) becomes a
FAILED or SKIPPED record naming the input and the reason; the run goes on. Only programming
errors propagate.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from eventwatch.config import IngestSettings
from eventwatch.errors import FormatError, IngestError
from eventwatch.ingest.articles import failed_article, finalize, skipped_article, too_large
from eventwatch.ingest.detect import (
    check_format,
    delimiter_for,
    format_from_name,
    refine_format,
    sniff_format,
    strip_compression,
)
from eventwatch.ingest.feeds import PageFetcher, parse_feed
from eventwatch.ingest.fetch import fetch_url, is_url
from eventwatch.ingest.html import decode_html, parse_html
from eventwatch.ingest.normalize import SNIFF_BYTES, binary_kind, decode_bytes
from eventwatch.ingest.normalize import guess_stream_encoding as stream_encoding
from eventwatch.ingest.sources import (
    READ_ERRORS,
    STDIN_SOURCE,
    Input,
    describe_read_error,
    stream_input,
    url_input,
    walk,
)
from eventwatch.ingest.tabular import FieldMap, iter_csv, iter_json, iter_jsonl
from eventwatch.ingest.text import parse_plain_text
from eventwatch.records import Article


def read_sources(
    sources: Iterable[str],
    settings: IngestSettings,
    stdin: IO[bytes] | None = None,
    fmt: str | None = None,
) -> Iterator[Article]:
    """Every article in ``sources``, finalized (PENDING, SKIPPED or FAILED), in input order.

    ``sources``: file paths, directories (read recursively, sorted, hidden entries skipped),
    ``-`` for ``stdin`` (``sys.stdin.buffer`` when None) and http(s) URLs. ``fmt`` forces a
    format (one of :data:`~eventwatch.ingest.detect.FORMATS`) for every input; None detects it.
    Raises :class:`~eventwatch.errors.ConfigError` at once for an unknown ``fmt``.
    """
    reader = _Reader(settings, stdin, check_format(fmt))
    return _read_all(reader, sources, settings)


def _read_all(
    reader: _Reader, sources: Iterable[str], settings: IngestSettings
) -> Iterator[Article]:
    for source in sources:
        for article in reader.read(source):
            yield finalize(article, settings)


class _Reader:
    """Reads one source at a time with fixed settings, stdin and forced format."""

    def __init__(self, settings: IngestSettings, stdin: IO[bytes] | None, fmt: str | None):
        self.settings = settings
        self.stdin = stdin
        self.fmt = fmt
        self.text_names = FieldMap.from_settings(settings).text
        self.fetch_page: PageFetcher = page_fetcher(settings)

    def read(self, source: str) -> Iterator[Article]:
        if source == "-":
            yield from self._read_stdin()
        elif is_url(source):
            yield from self._read_url(source)
        else:
            yield from self._read_path(source)

    def _read_stdin(self) -> Iterator[Article]:
        stream = self.stdin if self.stdin is not None else getattr(sys.stdin, "buffer", None)
        if stream is None:
            yield failed_article(STDIN_SOURCE, "no standard input")
            return
        try:
            found = stream_input(stream, STDIN_SOURCE)
            yield from self._read_input(found)
        except READ_ERRORS as exc:
            yield failed_article(STDIN_SOURCE, describe_read_error(exc))

    def _read_url(self, url: str) -> Iterator[Article]:
        try:
            found = url_input(url, self.settings)
            yield from self._read_input(found)
        except IngestError as exc:
            yield failed_article(exc.source, exc.reason)
        except READ_ERRORS as exc:
            yield failed_article(url, describe_read_error(exc))

    def _read_path(self, source: str) -> Iterator[Article]:
        path = Path(source)
        if not path.is_dir():  # also when it does not exist: opening it gives the reason
            yield from self._read_file(path, source, walked=False)
            return
        for found, problem in walk(path):
            if problem is not None:
                yield failed_article(str(found), problem)
            else:
                yield from self._read_file(found, str(found), walked=True)

    def _read_file(self, path: Path, source: str, walked: bool) -> Iterator[Article]:
        if walked and self.fmt is None and not _readable_name(path.name):
            suffix = Path(strip_compression(path.name)).suffix.lower()
            yield skipped_article(source, f"unsupported file type {suffix!r} in a directory")
            return
        try:
            with path.open("rb") as raw:
                info = os.fstat(raw.fileno())
                size = info.st_size if stat.S_ISREG(info.st_mode) else None
                found = stream_input(raw, source, name=path.name, size=size)
                yield from self._read_input(found)
        except READ_ERRORS as exc:
            yield failed_article(source, describe_read_error(exc))

    def _read_input(self, found: Input) -> Iterator[Article]:
        """The articles of one opened input; its own problems become records."""
        if not found.prefix:
            yield skipped_article(found.source, "empty input (0 bytes)")
            return
        kind = binary_kind(found.prefix)
        if kind is not None:
            yield failed_article(found.source, f"binary content ({kind}), not text")
            return
        try:
            yield from self._parse(found, self.fmt or self._detect(found))
        except IngestError as exc:
            yield failed_article(exc.source, exc.reason)

    def _detect(self, found: Input) -> str:
        sniffed = sniff_format(found.prefix, self.text_names)
        declared = found.declared or format_from_name(found.name)
        return refine_format(declared, sniffed) if declared else sniffed

    def _parse(self, found: Input, fmt: str) -> Iterator[Article]:
        source, settings = found.source, self.settings
        if fmt == "jsonl":
            yield from iter_jsonl(found.stream, source, settings)
            return
        if fmt in ("csv", "tsv"):
            delimiter = delimiter_for(fmt, found.prefix)
            encoding = stream_encoding(found.prefix)
            yield from iter_csv(
                found.stream, source, settings, delimiter=delimiter, encoding=encoding
            )
            return
        data = read_whole(found, settings.max_bytes)
        if fmt == "feed":
            yield from parse_feed(data, source, settings, self.fetch_page, base_url=found.url)
        elif fmt == "json":
            yield from iter_json(decode_bytes(data, source, found.charset), source, settings)
        elif fmt == "html":
            yield parse_html(decode_html(data, source, found.charset), source, url=found.url)
        else:
            text = decode_bytes(data, source, found.charset)
            yield parse_plain_text(text, source, url=found.url)


def _readable_name(name: str) -> bool:
    """Whether a file met in a directory walk is read: a known extension or none at all."""
    return format_from_name(name) is not None or not Path(strip_compression(name)).suffix


def read_whole(found: Input, max_bytes: int) -> bytes:
    """The whole content of a one-document input; raises :class:`IngestError` over
    ``max_bytes``."""
    if found.size is not None and found.size > max_bytes:
        raise IngestError(found.source, too_large(found.size, max_bytes))
    data = found.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise IngestError(found.source, too_large(None, max_bytes))
    return data


def page_fetcher(settings: IngestSettings) -> PageFetcher:
    """A fetcher of the pages feed entries link to: an HTML (or plain-text) page as an article;
    raises :class:`IngestError` when the page cannot be fetched or is not a page."""

    def fetch_page(url: str) -> Article:
        fetched = fetch_url(url, settings)
        kind = binary_kind(fetched.data[:SNIFF_BYTES])
        if kind is not None:
            raise FormatError(url, f"linked page is binary ({kind}), not a page")
        fmt = fetched.kind if fetched.kind in ("html", "text") else None
        fmt = fmt or sniff_format(fetched.data[:SNIFF_BYTES])
        if fmt == "text":
            text = decode_bytes(fetched.data, url, fetched.charset)
            return parse_plain_text(text, url, url=fetched.url)
        if fmt != "html":
            raise FormatError(url, f"linked page is {fetched.content_type}, not an HTML page")
        markup = decode_html(fetched.data, url, fetched.charset)
        return parse_html(markup, url, url=fetched.url)

    return fetch_page
