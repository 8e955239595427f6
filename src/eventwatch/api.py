"""The Python API: analyse one text, open a store, look at events, claims and quotes as
DataFrames, and at claimed numbers side by side.

>>> import eventwatch
>>> article = eventwatch.analyze("Rebels attacked an army base near Goma on Monday.",
...                              title="Rebels attack army base", published="2026-05-12")
>>> [(e.event_type, e.modality) for e in article.events]  # doctest: +SKIP
[('ASSAULT', 'asserted')]
>>> article.claims, article.quotes  # doctest: +SKIP
>>> eventwatch.claims_frame("eventwatch.db", indicator="fighters", subject="islamic state")
...                                                                # doctest: +SKIP
>>> for group in eventwatch.estimates("eventwatch.db", indicator="killed"):  # doctest: +SKIP
...     for e in group.estimates:
...         print(e.day, e.claim.quantity.text, e.claim.claimant_text, e.conflicts)
>>> eventwatch.events_frame("eventwatch.db", once=True)   # each happening once  # doctest: +SKIP
>>> eventwatch.stories_frame("eventwatch.db", min_articles=2)               # doctest: +SKIP
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventwatch.config import Settings, load_settings
from eventwatch.ingest.articles import finalize, new_article
from eventwatch.pipeline import Pipeline
from eventwatch.records import Article
from eventwatch.store import (
    ClaimGroup,
    ClaimQuery,
    EventQuery,
    QuoteQuery,
    Store,
    StoryInfo,
    StoryQuery,
)

if TYPE_CHECKING:
    import pandas as pd


@lru_cache(maxsize=2)
def _pipeline(settings_json: str) -> Pipeline:
    return Pipeline(Settings.model_validate_json(settings_json))


def analyze(
    text: str,
    *,
    title: str = "",
    published: Any = None,
    url: str | None = None,
    outlet: str | None = None,
    settings: Settings | None = None,
) -> Article:
    """Code one article and return it with its actors, places, focus, events, claims and
    quotes.

    ``published`` may be a datetime or a string (ISO 8601, RFC 822, "5 March 2026"...); it
    anchors relative dates ("on Monday"). The article is not stored. The pipeline is built on the
    first call and reused. A text in a language not in ``ingest.languages``, or shorter than
    ``ingest.min_chars``, comes back with status "skipped" and the reason; one that makes a stage
    fail comes back "failed" with the stage and the error.
    """
    settings = settings or load_settings()
    article = new_article(
        source="<analyze>", title=title, text=text, url=url, outlet=outlet, published=published
    )
    article = finalize(article, settings.ingest)
    return _pipeline(settings.model_dump_json()).process([article])[0]


def open_store(path: str | Path | None = None) -> Store:
    """Open (creating if needed) the store at ``path`` (default: the configured one)."""
    return Store.open(path or load_settings().store.path)


def events_frame(path: str | Path | None = None, **filters: Any) -> pd.DataFrame:
    """Events of the store at ``path`` as a pandas DataFrame, one flat row per event.

    ``filters`` are :class:`eventwatch.store.EventQuery` fields (actor, type, country, modality,
    since, until, text, story, happening, ...); ``once=True`` gives each happening once (its
    first report) with its ``reports`` and ``outlets``.
    """
    with open_store(path) as store:
        return store.dataframe(EventQuery(**filters))


def claims_frame(path: str | Path | None = None, **filters: Any) -> pd.DataFrame:
    """Claims of the store at ``path`` as a pandas DataFrame, one flat row per claim.

    ``filters`` are :class:`eventwatch.store.ClaimQuery` fields (subject, indicator, place,
    claimant, since, until, text, article, limit, offset).
    """
    with open_store(path) as store:
        return store.claims_dataframe(ClaimQuery(**filters))


def quotes_frame(path: str | Path | None = None, **filters: Any) -> pd.DataFrame:
    """Quotes of the store at ``path`` as a pandas DataFrame, one flat row per quote.

    ``filters`` are :class:`eventwatch.store.QuoteQuery` fields (speaker, text, since, until,
    article, limit, offset).
    """
    with open_store(path) as store:
        return store.quotes_dataframe(QuoteQuery(**filters))


def estimates(path: str | Path | None = None, **filters: Any) -> list[ClaimGroup]:
    """Claims of the store at ``path`` grouped by (subject, indicator), in date order, with
    the estimates that contradict each other marked (never averaged): what ``eventwatch claims``
    prints. ``filters`` as for :func:`claims_frame`.
    """
    with open_store(path) as store:
        return store.estimates(ClaimQuery(**filters))


def stories_frame(path: str | Path | None = None, **filters: Any) -> pd.DataFrame:
    """Stories of the store at ``path`` as a pandas DataFrame, one row per story: id, label,
    first and last seen, articles, outlets, events, happenings, keywords.

    ``filters`` are :class:`eventwatch.store.StoryQuery` fields (text, since, until,
    min_articles, min_outlets, order, limit).
    """
    with open_store(path) as store:
        return store.stories_dataframe(StoryQuery(**filters))


def story(story_id: str, path: str | Path | None = None) -> StoryInfo | None:
    """One story of the store at ``path`` with its articles (the link and why each joined) and
    its happenings (most reported first); None when there is no such story."""
    with open_store(path) as store:
        return store.story(story_id)
