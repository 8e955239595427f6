"""RSS and Atom feeds with feedparser: one article per entry, optionally the linked page's text."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

import feedparser

from eventwatch.config import IngestSettings
from eventwatch.errors import FormatError, IngestError
from eventwatch.ingest.articles import new_article
from eventwatch.ingest.fetch import is_url
from eventwatch.ingest.html import html_to_text
from eventwatch.ingest.normalize import normalize_title
from eventwatch.records import Article, content_id

PageFetcher = Callable[[str], Article]
"""Fetches and parses the page an entry links to (raises :class:`IngestError` on failure)."""


def _entry_article(entry: Any, source: str, outlet: str | None, index: int) -> Article:
    contents = [part.get("value", "") for part in entry.get("content", [])]
    contents.append(entry.get("summary", ""))
    body = max((html_to_text(markup) for markup in contents if markup), key=len, default="")
    published = entry.get("published") or entry.get("updated") or entry.get("created")
    return new_article(
        source=source,
        title=html_to_text(entry.get("title", "")),
        text=body,
        url=entry.get("link"),
        outlet=outlet,
        published=published,
        meta={"feed_entry": index},
    )


def _with_linked_page(article: Article, fetch_page: PageFetcher) -> Article:
    """Use the linked page's main text when it is longer than the entry's."""
    link = article.url or ""
    try:
        page = fetch_page(link)
    except IngestError as exc:
        article.meta["fetch_error"] = exc.reason
        return article
    if len(page.text) > len(article.text):
        article.text = page.text
        article.meta["text_from"] = link
        article.title = article.title or page.title
        article.published = article.published or page.published
        article.outlet = article.outlet or page.outlet
        article.id = content_id(article.title, article.text)
    return article


def parse_feed(
    data: bytes,
    source: str,
    settings: IngestSettings,
    fetch_page: PageFetcher | None = None,
    base_url: str | None = None,
) -> Iterator[Article]:
    """Articles from the entries of an RSS/Atom feed; raises :class:`FormatError` when ``data``
    is not a feed. Entry links are fetched with ``fetch_page`` when ``settings.fetch_links``;
    relative links are resolved against ``base_url`` (where the feed was fetched)."""
    headers = {"content-location": base_url} if base_url else None
    # A stream, never a string: feedparser would open a string naming a URL or a path itself.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not parsed.get("version"):
        detail = f" ({problem})" if problem else ""
        raise FormatError(source, f"not an RSS or Atom feed: no feed root element{detail}")
    if not parsed.entries and problem:
        raise FormatError(source, f"invalid feed: {problem}")
    outlet = normalize_title(html_to_text(parsed.feed.get("title", ""))) or None
    for index, entry in enumerate(parsed.entries, start=1):
        article = _entry_article(entry, source, outlet, index)
        if settings.fetch_links and fetch_page is not None and is_url(article.url or ""):
            article = _with_linked_page(article, fetch_page)
        yield article
