"""The Python API: analyse one text, open a store, look at events as a DataFrame.

>>> import eventwatch
>>> article = eventwatch.analyze("Rebels attacked an army base near Goma on Monday.",
...                              title="Rebels attack army base", published="2026-05-12")
>>> [(e.event_type, e.modality) for e in article.events]  # doctest: +SKIP
[('ASSAULT', 'asserted')]
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventwatch.config import Settings, load_settings
from eventwatch.ingest.articles import finalize, new_article
from eventwatch.pipeline import Pipeline
from eventwatch.records import Article
from eventwatch.store import EventQuery, Store

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
    """Code one article and return it with its actors, places, focus and events.

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
    since, until, text, ...).
    """
    with open_store(path) as store:
        return store.dataframe(EventQuery(**filters))
