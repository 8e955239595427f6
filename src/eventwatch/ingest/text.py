"""Plain-text articles: optional header lines, a title line, then the body.

::

    url: https://example.org/news/1
    published: 2024-03-05T10:00:00Z
    outlet: Example News

    Storm hits the coast

    A powerful storm struck ...

Header keys are case-insensitive and may come in any order, at the very top or right after the
title line. ``link`` is accepted for ``url``, ``date`` for ``published``, ``source`` for
``outlet``.
"""

from __future__ import annotations

import re

from eventwatch.ingest.articles import new_article
from eventwatch.ingest.normalize import normalize_text
from eventwatch.records import Article

HEADER_KEYS: dict[str, str] = {
    "url": "url",
    "link": "url",
    "published": "published",
    "date": "published",
    "outlet": "outlet",
    "source": "outlet",
}
HEADER_LINE = re.compile(r"^(url|link|published|date|outlet|source)[ \t]*:[ \t]*(.{0,500})$", re.I)


def _skip_blank(lines: list[str], index: int) -> int:
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def _read_headers(lines: list[str], index: int, headers: dict[str, str]) -> int:
    """Read consecutive header lines from ``index`` (blank lines between them are allowed);
    return the index of the first line that is not a header."""
    while True:
        start = _skip_blank(lines, index)
        match = HEADER_LINE.match(lines[start]) if start < len(lines) else None
        if match is None:
            return index if start == index or not headers else start
        headers.setdefault(HEADER_KEYS[match.group(1).lower()], match.group(2).strip())
        index = start + 1


def split_plain_text(raw: str) -> tuple[dict[str, str], str, str]:
    """Split a plain-text article into ``(headers, title, body)``."""
    lines = normalize_text(raw).split("\n")
    headers: dict[str, str] = {}
    index = _skip_blank(lines, _read_headers(lines, 0, headers))
    title = lines[index] if index < len(lines) else ""
    index = _skip_blank(lines, _read_headers(lines, index + 1, headers))
    body = "\n".join(lines[index:])
    return headers, title, body


def parse_plain_text(raw: str, source: str, url: str | None = None) -> Article:
    """An article from plain text; ``url`` (where it was fetched) is used when no header gives
    one."""
    headers, title, body = split_plain_text(raw)
    return new_article(
        source=source,
        title=title,
        text=body,
        url=headers.get("url") or url,
        outlet=headers.get("outlet"),
        published=headers.get("published"),
    )
