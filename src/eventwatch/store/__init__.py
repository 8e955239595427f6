"""Storage: the SQLite store, event queries and exports.

>>> from eventwatch.store import Store, EventQuery
>>> with Store.open("eventwatch.db") as store:                      # doctest: +SKIP
...     store.write(article)
...     for event in store.events(EventQuery(type="ASSAULT", country="SDN")):
...         print(event.date.value, event.evidence.text)
"""

from __future__ import annotations

from eventwatch.store.exports import EXPORTERS, FLAT_COLUMNS, ArticleRef
from eventwatch.store.migrations import MIGRATIONS, Migration, Migrations
from eventwatch.store.query import EventQuery
from eventwatch.store.sqlite import ArticleInfo, RunInfo, Store, WriteResult

EXPORT_FORMATS: tuple[str, ...] = tuple(EXPORTERS)

__all__ = [
    "EXPORT_FORMATS",
    "FLAT_COLUMNS",
    "MIGRATIONS",
    "ArticleInfo",
    "ArticleRef",
    "EventQuery",
    "Migration",
    "Migrations",
    "RunInfo",
    "Store",
    "WriteResult",
]
