"""HTML pages: main text and metadata with trafilatura, a ``<p>`` fallback, tag stripping."""

from __future__ import annotations

import html
import logging
import re
from datetime import datetime
from html.parser import HTMLParser
from typing import Any

import trafilatura

from eventwatch.errors import FormatError
from eventwatch.ingest.articles import new_article, parse_published
from eventwatch.ingest.normalize import SNIFF_BYTES, decode_bytes, join_paragraphs, normalize_title
from eventwatch.records import Article

log = logging.getLogger(__name__)

_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
        "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip
_SKIP_TAGS = frozenset(
    ["script", "style", "noscript", "template", "svg", "iframe", "object", "canvas", "select"]
)
# htmldate: the original publication date (not the last modification), with its time of day.
_DATE_PARAMS = {
    "extensive_search": True,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}
# Meta tags (property, name or itemprop) that publishers fill with the publication time.
_DATE_META = frozenset(
    {
        "article:published_time", "og:published_time", "datepublished", "publishdate",
        "pubdate", "publish-date", "dc.date", "dc.date.issued", "dcterms.created",
        "sailthru.date", "parsely-pub-date",
    }
)  # fmt: skip
_META_TAG = re.compile(r"<meta\s[^>]*>", re.I)
_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{6,40})"')
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


class _TextCollector(HTMLParser):
    """Collect the ``<title>``, the first ``<h1>`` and the text of block elements (or only of
    ``<p>`` elements), one paragraph per block."""

    def __init__(self, paragraphs_only: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs_only = paragraphs_only
        self.paragraphs: list[str] = []
        self.title_parts: list[str] = []
        self.h1_parts: list[str] = []
        self._current: list[str] = []
        self._skip = 0
        self._in_p = 0
        self._in_title = False
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "h1":
            self._in_h1 = not self.h1_parts
        if tag in _BLOCK_TAGS:
            self._flush()
        if tag == "p":
            self._in_p += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag == "h1":
            self._in_h1 = False
        if tag in _BLOCK_TAGS:
            self._flush()
        if tag == "p":
            self._in_p = max(0, self._in_p - 1)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self.title_parts.append(data)
            return
        if self._in_h1:
            self.h1_parts.append(data)
        if self._in_p or not self.paragraphs_only:
            self._current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.paragraphs.append(text)
        self._current = []

    def close(self) -> None:
        super().close()
        self._flush()

    @property
    def title(self) -> str:
        return normalize_title("".join(self.title_parts) or "".join(self.h1_parts))


def _complete(markup: str) -> str:
    """``markup`` without a comment or tag left open at its end (a truncated page), which the
    HTML parser would otherwise hand over as text."""
    comment = markup.rfind("<!--")
    if comment > markup.rfind("-->"):
        markup = markup[:comment]
    tag = markup.rfind("<")
    return markup[:tag] if tag > markup.rfind(">") else markup


def _collect(markup: str, paragraphs_only: bool) -> _TextCollector:
    collector = _TextCollector(paragraphs_only)
    collector.feed(_complete(markup))
    collector.close()
    return collector


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, one paragraph per block element."""
    if "<" not in markup:
        return join_paragraphs([html.unescape(markup)])
    return join_paragraphs(_collect(markup, paragraphs_only=False).paragraphs)


def decode_html(data: bytes, source: str, declared: str | None = None) -> str:
    """Decode an HTML page, using a ``<meta charset>`` when no charset was declared."""
    if declared is None:
        match = _META_CHARSET.search(data[:4096])
        declared = match.group(1).decode("ascii") if match else None
    return decode_bytes(data, source, declared)


def _extract(markup: str, url: str | None) -> Any:
    try:
        return trafilatura.bare_extraction(
            markup,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            date_extraction_params=_DATE_PARAMS,
        )
    except Exception as exc:  # a trafilatura bug must not lose the page: fall back to <p>
        log.debug("trafilatura failed on %s: %s", url, exc)
        return None


def declared_date(markup: str) -> datetime | None:
    """The publication time a page declares in its meta tags or JSON-LD (``datePublished``),
    with its time of day; None when it declares none that parses."""
    head = markup[:SNIFF_BYTES]
    for tag in _META_TAG.findall(head):
        attributes = {k.lower(): v.strip("\"'") for k, v in _ATTRIBUTE.findall(tag)}
        key = attributes.get("property") or attributes.get("name") or attributes.get("itemprop")
        if (
            key
            and key.lower() in _DATE_META
            and (when := parse_published(attributes.get("content")))
        ):
            return when
    match = _JSON_LD_DATE.search(head)
    return parse_published(html.unescape(match.group(1))) if match else None


def _body_paragraphs(document: Any) -> list[str]:
    body = getattr(document, "body", None)
    if body is None:
        return []
    paragraphs: list[str] = []
    for element in body:
        items = element.findall(".//item") if element.tag == "list" else [element]
        paragraphs.extend(" ".join("".join(item.itertext()).split()) for item in items)
    return [p for p in paragraphs if p]


def _drop_title(paragraphs: list[str], title: str) -> list[str]:
    if paragraphs and normalize_title(paragraphs[0]).casefold() == title.casefold():
        return paragraphs[1:]
    return paragraphs


def parse_html(markup: str, source: str, url: str | None = None) -> Article:
    """An article from an HTML page; ``url`` is where it was fetched, if it was.

    Raises :class:`FormatError` when the page holds no text at all.
    """
    document = _extract(markup, url)
    fallback = _collect(markup, paragraphs_only=True)
    title = normalize_title(getattr(document, "title", None) or fallback.title)
    paragraphs = _drop_title(_body_paragraphs(document), title)
    if not paragraphs:
        paragraphs = fallback.paragraphs or _collect(markup, paragraphs_only=False).paragraphs
        paragraphs = _drop_title(paragraphs, title)
    if not paragraphs:
        raise FormatError(source, "no text found in HTML page")
    meta = {"author": document.author} if getattr(document, "author", None) else {}
    return new_article(
        source=source,
        title=title,
        text=join_paragraphs(paragraphs),
        url=getattr(document, "url", None) or url,
        outlet=getattr(document, "sitename", None),
        published=declared_date(markup) or getattr(document, "date", None),
        meta=meta,
    )
