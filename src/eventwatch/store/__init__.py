"""Storage: the SQLite store, event, claim and quote queries, and exports.

>>> from eventwatch.store import Store, EventQuery, ClaimQuery
>>> with Store.open("eventwatch.db") as store:                      # doctest: +SKIP
...     store.write(article)
...     for event in store.events(EventQuery(type="ASSAULT", country="SDN")):
...         print(event.date.value, event.evidence.text)
...     for claim in store.claims(ClaimQuery(indicator="fighters", subject="islamic state")):
...         print(claim.quantity.text, claim.claimant_text)
"""

from __future__ import annotations

from eventwatch.store.claim_exports import (
    CLAIM_EXPORTERS,
    CLAIM_FLAT_COLUMNS,
    QUOTE_EXPORTERS,
    QUOTE_FLAT_COLUMNS,
)
from eventwatch.store.estimates import (
    ClaimGroup,
    Estimate,
    bounds,
    contradicts,
    describe,
    group_claims,
)
from eventwatch.store.exports import EXPORTERS, FLAT_COLUMNS, ArticleRef
from eventwatch.store.migrations import MIGRATIONS, Migration, Migrations
from eventwatch.store.query import ClaimQuery, EventQuery, QuoteQuery, indicator_names
from eventwatch.store.sqlite import ArticleInfo, RunInfo, Store, WriteResult
from eventwatch.store.stories import StoryInfo, StoryQuery

EXPORT_FORMATS: tuple[str, ...] = tuple(EXPORTERS)
CLAIM_EXPORT_FORMATS: tuple[str, ...] = tuple(CLAIM_EXPORTERS)
QUOTE_EXPORT_FORMATS: tuple[str, ...] = tuple(QUOTE_EXPORTERS)

__all__ = [
    "CLAIM_EXPORT_FORMATS",
    "CLAIM_FLAT_COLUMNS",
    "EXPORT_FORMATS",
    "FLAT_COLUMNS",
    "MIGRATIONS",
    "QUOTE_EXPORT_FORMATS",
    "QUOTE_FLAT_COLUMNS",
    "ArticleInfo",
    "ArticleRef",
    "ClaimGroup",
    "ClaimQuery",
    "Estimate",
    "EventQuery",
    "Migration",
    "Migrations",
    "QuoteQuery",
    "RunInfo",
    "Store",
    "StoryInfo",
    "StoryQuery",
    "WriteResult",
    "bounds",
    "contradicts",
    "describe",
    "group_claims",
    "indicator_names",
]
