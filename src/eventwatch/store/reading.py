"""Helpers every reader of the store shares: streaming rows and citing their article."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from eventwatch.errors import StoreError
from eventwatch.store.exports import ArticleRef

T = TypeVar("T")

#: The article columns a record cites, selected next to it (``articles AS a``).
ARTICLE_REF = (
    "a.url AS a_url, a.outlet AS a_outlet, a.title AS a_title, a.published AS a_published, "
    "a.language AS a_language, a.updated_at AS a_updated_at"
)


def article_ref(row: sqlite3.Row) -> ArticleRef:
    """What a row selected with :data:`ARTICLE_REF` cites of its article."""
    return ArticleRef(
        id=row["article_id"],
        url=row["a_url"],
        outlet=row["a_outlet"],
        title=row["a_title"],
        published=row["a_published"],
        language=row["a_language"],
        coded_at=row["a_updated_at"],
    )


def stream(cursor: sqlite3.Cursor, decode: Callable[[sqlite3.Row], T], path: Path) -> Iterator[T]:
    """Decode rows one at a time; a database error while reading becomes a StoreError.

    A stream dropped half-way (a consumer that stopped, say on a broken pipe) may be finalised
    after its store was closed: closing its cursor then has nothing left to do.
    """
    try:
        for row in cursor:
            yield decode(row)
    except sqlite3.Error as exc:
        raise StoreError(f"reading {path} failed: {exc}") from exc
    finally:
        with contextlib.suppress(sqlite3.ProgrammingError):
            cursor.close()
