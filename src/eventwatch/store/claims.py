"""Reading claims and quotes: the :class:`Store` methods for them (a mixin of :class:`Store`).

Claims come ordered by their date (the as-of date, else the article's publication day; undated
last), then article id, then position in the article; quotes by the article's publication time,
then article id and position. Reads stream from a cursor, like events.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from eventwatch.errors import QueryError, StoreError
from eventwatch.records import Claim, Quote
from eventwatch.store import codec
from eventwatch.store.claim_exports import (
    CLAIM_EXPORTERS,
    CLAIM_FLAT_COLUMNS,
    QUOTE_EXPORTERS,
    QUOTE_FLAT_COLUMNS,
    ClaimPair,
    QuotePair,
    claim_flat_row,
    quote_flat_row,
)
from eventwatch.store.estimates import ClaimGroup, group_claims
from eventwatch.store.query import (
    CLAIM_ORDER,
    QUOTE_ORDER,
    ClaimQuery,
    QuoteQuery,
    Sql,
    claim_where,
    fts_error,
    paging,
    quote_where,
)
from eventwatch.store.reading import ARTICLE_REF, article_ref, stream

if TYPE_CHECKING:
    import pandas as pd

_CLAIMS = "claims AS c JOIN articles AS a ON a.id = c.article_id"
_QUOTES = "quotes AS q JOIN articles AS a ON a.id = q.article_id"


def _claim_pair(row: sqlite3.Row) -> ClaimPair:
    return codec.decode_claim(row), article_ref(row)


def _quote_pair(row: sqlite3.Row) -> QuotePair:
    return codec.decode_quote(row), article_ref(row)


def _select(
    columns: str, source: str, sql: Sql, order: str, query: ClaimQuery | QuoteQuery
) -> tuple[str, list[Any]]:
    tail, params = paging(query.limit, query.offset)
    return f"SELECT {columns} FROM {source}{sql.where}{order}{tail}", [*sql.params, *params]


class ClaimsMixin:
    """Claim and quote reads over the store's connection."""

    _conn: sqlite3.Connection
    path: Path

    # ------------------------------------------------------------------ plumbing
    def _check_match(self, fts: str, text: str | None) -> None:
        if text is None:
            return
        try:
            self._conn.execute(
                f"SELECT rowid FROM {fts} WHERE {fts} MATCH ? LIMIT 1", (text,)
            ).fetchall()
        except sqlite3.OperationalError as exc:
            raise fts_error(exc, text) from None

    def _execute(self, what: str, text: str, params: list[Any]) -> sqlite3.Cursor:
        try:
            return self._conn.execute(text, params)
        except sqlite3.OperationalError as exc:
            raise StoreError(f"cannot read {what} from {self.path}: {exc}") from exc

    def _claim_sql(self, query: ClaimQuery, columns: str) -> tuple[str, list[Any]]:
        self._check_match("claims_fts", query.text)
        return _select(columns, _CLAIMS, claim_where(query), CLAIM_ORDER, query)

    def _quote_sql(self, query: QuoteQuery, columns: str) -> tuple[str, list[Any]]:
        self._check_match("quotes_fts", query.text)
        return _select(columns, _QUOTES, quote_where(query), QUOTE_ORDER, query)

    def _claim_cursor(self, query: ClaimQuery, columns: str) -> sqlite3.Cursor:
        return self._execute("claims", *self._claim_sql(query, columns))

    def _quote_cursor(self, query: QuoteQuery, columns: str) -> sqlite3.Cursor:
        return self._execute("quotes", *self._quote_sql(query, columns))

    def _count(self, what: str, text: str, params: list[Any]) -> int:
        row = self._execute(what, f"SELECT count(*) FROM ({text})", params).fetchone()
        return int(row[0])

    # ------------------------------------------------------------------ claims
    def claims(self, query: ClaimQuery | None = None) -> Iterator[Claim]:
        """Claims matching ``query``, ordered by date (as-of, else publication), article id and
        position; streamed. The query is checked when this is called."""
        cursor = self._claim_cursor(query or ClaimQuery(), "c.*")
        return stream(cursor, codec.decode_claim, self.path)

    def claim_pairs(self, query: ClaimQuery | None = None) -> Iterator[ClaimPair]:
        """``(Claim, ArticleRef)`` pairs: each matching claim with what it cites of its article
        (url, outlet, title, publication time...); streamed, in the order of :meth:`claims`."""
        cursor = self._claim_cursor(query or ClaimQuery(), f"c.*, {ARTICLE_REF}")
        return stream(cursor, _claim_pair, self.path)

    def count_claims(self, query: ClaimQuery | None = None) -> int:
        """How many claims :meth:`claims` yields (limit and offset included)."""
        return self._count("claims", *self._claim_sql(query or ClaimQuery(), "c.seq"))

    def estimates(self, query: ClaimQuery | None = None) -> list[ClaimGroup]:
        """Matching claims grouped by (subject, indicator), in date order, contradictions marked
        (see :mod:`eventwatch.store.estimates`)."""
        return group_claims(self.claim_pairs(query))

    def claims_dataframe(self, query: ClaimQuery | None = None) -> pd.DataFrame:
        """Matching claims as a pandas DataFrame, one flat row per claim (the CSV columns).

        ``date`` and ``as_of`` are datetime columns (NaT when unknown); ``value``, ``low`` and
        ``high`` are floats (NaN when not stated); ``approximate`` and ``prior`` booleans.
        """
        import pandas as pd

        rows = (claim_flat_row(c, ref) for c, ref in self.claim_pairs(query))
        frame = pd.DataFrame.from_records(rows, columns=list(CLAIM_FLAT_COLUMNS))
        for name in ("date", "as_of"):
            frame[name] = pd.to_datetime(frame[name], errors="coerce")
        for name in ("value", "low", "high", "place_lat", "place_lon", "place_confidence"):
            frame[name] = frame[name].astype("float64")
        frame["confidence"] = frame["confidence"].astype("float64")
        for name in ("place_geonameid", "evidence_start", "evidence_end", "span_start", "span_end"):
            frame[name] = frame[name].astype("Int64")
        for name in ("approximate", "prior"):
            frame[name] = frame[name].astype("bool")
        return frame

    def export_claims(self, fmt: str, out: TextIO, query: ClaimQuery | None = None) -> int:
        """Write matching claims to ``out`` as ``json`` (nested JSON Lines) or ``csv`` (flat
        rows); returns the number written."""
        writer = CLAIM_EXPORTERS.get(fmt)
        if writer is None:
            known = ", ".join(CLAIM_EXPORTERS)
            raise QueryError(f"claims cannot be exported as {fmt!r}; formats: {known}")
        return writer(self.claim_pairs(query), out)

    # ------------------------------------------------------------------ quotes
    def quotes(self, query: QuoteQuery | None = None) -> Iterator[Quote]:
        """Quotes matching ``query``, ordered by publication, article id and position;
        streamed."""
        cursor = self._quote_cursor(query or QuoteQuery(), "q.*")
        return stream(cursor, codec.decode_quote, self.path)

    def quote_pairs(self, query: QuoteQuery | None = None) -> Iterator[QuotePair]:
        """``(Quote, ArticleRef)`` pairs, in the order of :meth:`quotes`; streamed."""
        cursor = self._quote_cursor(query or QuoteQuery(), f"q.*, {ARTICLE_REF}")
        return stream(cursor, _quote_pair, self.path)

    def count_quotes(self, query: QuoteQuery | None = None) -> int:
        """How many quotes :meth:`quotes` yields (limit and offset included)."""
        return self._count("quotes", *self._quote_sql(query or QuoteQuery(), "q.seq"))

    def quotes_dataframe(self, query: QuoteQuery | None = None) -> pd.DataFrame:
        """Matching quotes as a pandas DataFrame, one flat row per quote (the CSV columns);
        ``date`` (the publication day) is a datetime column."""
        import pandas as pd

        rows = (quote_flat_row(q, ref) for q, ref in self.quote_pairs(query))
        frame = pd.DataFrame.from_records(rows, columns=list(QUOTE_FLAT_COLUMNS))
        frame["date"] = pd.to_datetime(frame["date"], errors="coerce")
        for name in ("content_start", "content_end", "evidence_start", "evidence_end"):
            frame[name] = frame[name].astype("Int64")
        frame["confidence"] = frame["confidence"].astype("float64")
        return frame

    def export_quotes(self, fmt: str, out: TextIO, query: QuoteQuery | None = None) -> int:
        """Write matching quotes to ``out`` as ``json`` (nested JSON Lines) or ``csv``; returns
        the number written."""
        writer = QUOTE_EXPORTERS.get(fmt)
        if writer is None:
            known = ", ".join(QUOTE_EXPORTERS)
            raise QueryError(f"quotes cannot be exported as {fmt!r}; formats: {known}")
        return writer(self.quote_pairs(query), out)

    # ------------------------------------------------------------------ summary
    def _said_summary(self) -> dict[str, Any]:
        conn = self._conn

        def counts(sql: str) -> dict[str, int]:
            return {str(k): int(n) for k, n in conn.execute(sql).fetchall()}

        return {
            "claims": int(conn.execute("SELECT count(*) FROM claims").fetchone()[0]),
            "claims_by_indicator": counts(
                "SELECT indicator, count(*) FROM claims GROUP BY 1 ORDER BY 2 DESC, 1"
            ),
            "quotes": int(conn.execute("SELECT count(*) FROM quotes").fetchone()[0]),
            "quotes_by_kind": counts(
                "SELECT kind, count(*) FROM quotes GROUP BY 1 ORDER BY 2 DESC, 1"
            ),
        }
