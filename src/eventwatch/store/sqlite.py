"""The SQLite store: one file, WAL mode, one writer and many readers.

Articles are keyed by their content-hash id. Writing an article is atomic and idempotent:

- a new id is inserted with its events, actors, places, claims and quotes;
- the same content again (same fingerprint of every stored field) changes nothing, not even a
  timestamp;
- a different version of the same id (re-coded) replaces the article's row and all its events,
  actors, places, claims and quotes in one transaction;
- a record that is not CODED (failed, skipped, pending) never replaces a CODED one.

Reads stream from a cursor: ``events()``, ``claims()``, ``quotes()`` and the exports hold one row
at a time. The claim and quote reads live in :mod:`eventwatch.store.claims`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Self, TextIO, TypedDict, TypeVar

from pydantic import BaseModel

from eventwatch.errors import QueryError, StoreError
from eventwatch.records import Article, Event, Status
from eventwatch.store import codec
from eventwatch.store.claims import ClaimsMixin
from eventwatch.store.exports import (
    EXPORTERS,
    FLAT_COLUMNS,
    Pair,
    eventwatch_version,
    flat_row,
)
from eventwatch.store.migrations import MIGRATIONS, Migrations
from eventwatch.store.query import (
    ORDER,
    EventQuery,
    Sql,
    count_arg,
    fold,
    fts_error,
    paging,
    where,
)
from eventwatch.store.reading import ARTICLE_REF, article_ref, stream
from eventwatch.store.stories import StoriesMixin

if TYPE_CHECKING:
    import pandas as pd

Action = Literal["inserted", "replaced", "unchanged", "kept", "error"]
T = TypeVar("T")

DEFAULT_BATCH = 200
# errors that concern one article's values (a NOT NULL column left empty, a value SQLite cannot
# bind, text that is not valid Unicode), not the database: that article fails alone
_DATA_ERRORS = (
    sqlite3.IntegrityError,
    sqlite3.InterfaceError,
    sqlite3.ProgrammingError,
    sqlite3.DataError,
    ValueError,
    TypeError,
)
_INFO_COLUMNS = (
    "a.id, a.status, a.reason, a.source, a.title, a.url, a.outlet, a.published, a.language, "
    "a.run_id, a.ingested_at, a.updated_at, "
    "(SELECT count(*) FROM events AS e WHERE e.article_id = a.id) AS events"
)


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What a write did to one article.

    ``action``: inserted (new id), replaced (a new version of a stored id), unchanged (the same
    content was already stored), kept (a non-coded record did not overwrite the stored coded
    one), error (this article could not be stored; ``error`` says why, nothing of it was written).
    ``events``, ``claims``, ``quotes``: records written by this call.
    """

    article_id: str
    action: Action
    events: int = 0
    error: str | None = None
    claims: int = 0
    quotes: int = 0


@dataclass(frozen=True, slots=True)
class RunInfo:
    """One recorded run (``runs`` table)."""

    id: int
    started: str
    finished: str | None
    version: str
    model: str | None
    settings: dict[str, Any] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)


class ArticleInfo(TypedDict):
    """One line of :meth:`Store.list_articles` (no text, no mentions)."""

    id: str
    status: str
    reason: str | None
    source: str | None
    title: str
    url: str | None
    outlet: str | None
    published: str | None
    language: str | None
    events: int
    run_id: int | None
    ingested_at: str
    updated_at: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _insert_sql(table: str, columns: Iterable[str]) -> str:
    cols = list(columns)
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"


_ARTICLE_TAIL = ("fingerprint", "run_id", "updated_at")
_INSERT_ARTICLE = _insert_sql("articles", (*codec.ARTICLE_COLUMNS, *_ARTICLE_TAIL, "ingested_at"))
_UPDATE_ARTICLE = (
    "UPDATE articles SET "
    + ", ".join(f"{c} = :{c}" for c in (*codec.ARTICLE_COLUMNS[1:], *_ARTICLE_TAIL))
    + " WHERE id = :id"
)
_INSERT_EVENT = _insert_sql("events", codec.EVENT_COLUMNS)
_INSERT_ACTOR = _insert_sql("actors", codec.ACTOR_ROW_COLUMNS)
_INSERT_PLACE = _insert_sql("places", codec.PLACE_ROW_COLUMNS)
_INSERT_CLAIM = _insert_sql("claims", codec.CLAIM_COLUMNS)
_INSERT_QUOTE = _insert_sql("quotes", codec.QUOTE_COLUMNS)
_CHILD_TABLES = ("events", "actors", "places", "claims", "quotes")


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _connect(path: Path, read_only: bool, timeout: float) -> sqlite3.Connection:
    if read_only and not path.exists():
        raise StoreError(f"cannot open {path} read-only: no such file")
    target = f"{path.resolve().as_uri()}?mode=ro" if read_only else str(path)
    try:
        conn = sqlite3.connect(target, timeout=timeout, isolation_level=None, uri=read_only)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() not in {"wal", "memory"}:
                raise StoreError(f"cannot put {path} in WAL mode (journal mode is {mode})")
            conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open database {path}: {exc}") from exc
    conn.create_function("ew_fold", 1, fold, deterministic=True)
    return conn


def _migrate(conn: sqlite3.Connection, path: Path, registry: Migrations, read_only: bool) -> None:
    try:
        applied = registry.applied(conn)
        newer = sorted(v for v in applied if v > registry.latest)
        if newer:
            raise StoreError(
                f"{path} has schema version {newer[-1]}, newer than this eventwatch knows "
                f"({registry.latest}): upgrade eventwatch"
            )
        pending = registry.pending(conn)
        if pending and read_only:
            raise StoreError(f"{path} is not an eventwatch database at the current schema")
        if pending:
            registry.apply(conn)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot prepare database {path}: {exc}") from exc


class Store(ClaimsMixin, StoriesMixin):
    """An eventwatch database. Open it with :meth:`Store.open`, preferably in a ``with`` block."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, read_only: bool = False) -> None:
        self._conn = conn
        self.path = path
        self.read_only = read_only

    # ------------------------------------------------------------------ life cycle
    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        read_only: bool = False,
        timeout: float = 30.0,
        migrations: Migrations = MIGRATIONS,
    ) -> Self:
        """Open (creating and migrating when needed) the database at ``path``.

        ``read_only`` opens an existing, migrated file for reading only (for readers that run
        next to a writer). ``timeout``: seconds to wait for a lock held by another connection.
        """
        path = Path(path)
        conn = _connect(path, read_only, timeout)
        try:
            _migrate(conn, path, migrations, read_only)
        except BaseException:
            conn.close()
            raise
        return cls(conn, path, read_only=read_only)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return max(MIGRATIONS.applied(self._conn), default=0)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot start writing to {self.path}: {exc}") from exc
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"write to {self.path} failed, nothing written: {exc}") from exc
            raise

    # ------------------------------------------------------------------ writing
    def write(self, article: Article, *, run_id: int | None = None) -> WriteResult:
        """Store one article with everything it carries, atomically (see the module doc).

        Raises StoreError when the article cannot be stored; nothing of it is written then.
        """
        rows = codec.encode_article(article)
        with self._transaction():
            try:
                return self._put(rows, run_id, _now())
            except _DATA_ERRORS as exc:
                raise StoreError(f"article {article.id}: {exc}") from exc

    def write_many(
        self,
        articles: Iterable[Article],
        *,
        batch_size: int = DEFAULT_BATCH,
        run_id: int | None = None,
    ) -> list[WriteResult]:
        """Store articles in batches, one transaction per batch; results in input order.

        One bad article fails alone: it gets an ``error`` result and the others are written.
        A database failure (disk full, lock timeout) raises StoreError; batches committed before
        it stay stored.
        """
        if batch_size < 1:
            raise QueryError(f"batch_size must be >= 1, got {batch_size}")
        results: list[WriteResult] = []
        for batch in _batches(articles, batch_size):
            with self._transaction() as conn:
                now = _now()
                results.extend(self._put_guarded(conn, article, run_id, now) for article in batch)
        return results

    def _put_guarded(
        self, conn: sqlite3.Connection, article: Article, run_id: int | None, now: str
    ) -> WriteResult:
        try:
            rows = codec.encode_article(article)
        except StoreError as exc:
            return WriteResult(str(article.id), "error", error=str(exc))
        conn.execute("SAVEPOINT article")
        try:
            result = self._put(rows, run_id, now)
        except _DATA_ERRORS as exc:
            conn.execute("ROLLBACK TO article")
            result = WriteResult(article.id, "error", error=f"[{StoreError.code}] {exc}")
        conn.execute("RELEASE article")
        return result

    def _put(self, rows: codec.ArticleRows, run_id: int | None, now: str) -> WriteResult:
        conn = self._conn
        aid = rows.article["id"]
        old = conn.execute(
            "SELECT status, fingerprint FROM articles WHERE id = ?", (aid,)
        ).fetchone()
        if old is not None and old["fingerprint"] == rows.fingerprint:
            return WriteResult(aid, "unchanged")
        downgrade = rows.article["status"] != Status.CODED
        if old is not None and old["status"] == Status.CODED and downgrade:
            return WriteResult(aid, "kept")
        values = {**rows.article, "fingerprint": rows.fingerprint, "run_id": run_id}
        values["updated_at"] = now
        if old is None:
            conn.execute(_INSERT_ARTICLE, {**values, "ingested_at": now})
        else:
            conn.execute(_UPDATE_ARTICLE, values)
            for table in _CHILD_TABLES:
                conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (aid,))
        conn.executemany(_INSERT_EVENT, rows.events)
        conn.executemany(_INSERT_ACTOR, rows.actors)
        conn.executemany(_INSERT_PLACE, rows.places)
        conn.executemany(_INSERT_CLAIM, rows.claims)
        conn.executemany(_INSERT_QUOTE, rows.quotes)
        self._copy(rows.article, run_id, now)
        action: Action = "inserted" if old is None else "replaced"
        return WriteResult(
            aid, action, len(rows.events), claims=len(rows.claims), quotes=len(rows.quotes)
        )

    def _copy(self, article: Mapping[str, Any], run_id: int | None, now: str) -> bool:
        cursor = self._conn.execute(
            "INSERT OR IGNORE INTO copies (article_id, source, url, outlet, published, run_id, "
            "seen_at) SELECT :id, :source, :url, :outlet, :published, :run_id, :now "
            "WHERE EXISTS (SELECT 1 FROM articles WHERE id = :id)",
            {
                "id": article["id"], "source": article["source"] or "", "url": article["url"],
                "outlet": article["outlet"], "published": article["published"],
                "run_id": run_id, "now": now,
            },
        )  # fmt: skip
        return cursor.rowcount > 0

    def record_copy(self, article: Article, *, run_id: int | None = None) -> bool:
        """Record that the stored article ``article.id`` was also read from ``article.source``
        (a syndicated copy, or the same file read again). Returns whether this source is new;
        an article that is not stored is not recorded."""
        row = codec.encode_article(article).article
        with self._transaction():
            return self._copy(row, run_id, _now())

    def copies(self, article_id: str) -> list[dict[str, Any]]:
        """Every source an article was read from (first seen first): source, url, outlet,
        published, run_id, seen_at."""
        rows = self._conn.execute(
            "SELECT source, url, outlet, published, run_id, seen_at FROM copies "
            "WHERE article_id = ? ORDER BY seen_at, rowid",
            (article_id,),
        )
        return [dict(r) for r in rows]

    # ------------------------------------------------------------------ near-duplicates
    def signatures(self, *, last: int | None = None) -> list[tuple[str, bytes]]:
        """The stored near-duplicate signatures (article id, bytes) in the order they were
        added; ``last``: only the most recent ones."""
        sql = "SELECT article_id, signature FROM article_signatures ORDER BY seq"
        if last is not None:
            sql = (f"SELECT * FROM (SELECT seq, article_id, signature FROM article_signatures "
                   f"ORDER BY seq DESC LIMIT {int(last)}) ORDER BY seq")  # fmt: skip
        return [(row["article_id"], bytes(row["signature"])) for row in self._conn.execute(sql)]

    def put_signatures(self, rows: Iterable[tuple[str, bytes, Any]]) -> None:
        """Store articles' signatures (article id, bytes, link) in one transaction; a link (an
        ``eventwatch.stories.neardup.NearDuplicate``, or None) ties a copy to its original."""
        with self._transaction() as conn:
            for article_id, signature, link in rows:
                conn.execute(
                    "INSERT OR IGNORE INTO article_signatures (article_id, signature) "
                    "VALUES (?, ?)",
                    (article_id, signature),
                )
                if link is not None:
                    conn.execute(
                        "INSERT OR REPLACE INTO near_duplicates (article_id, original_id, "
                        "similarity, containment, reason) VALUES (?, ?, ?, ?, ?)",
                        (article_id, link.original_id, link.similarity, link.containment,
                         link.reason),
                    )  # fmt: skip

    def near_duplicate_of(self, article_id: str) -> dict[str, Any] | None:
        """The original a near-duplicate article was linked to, with the similarity, the
        containment and the reason; None for an article that is nobody's copy."""
        row = self._conn.execute(
            "SELECT original_id, similarity, containment, reason FROM near_duplicates "
            "WHERE article_id = ?",
            (article_id,),
        ).fetchone()
        return dict(row) if row is not None else None

    # ------------------------------------------------------------------ runs
    def start_run(
        self,
        *,
        sources: Iterable[str] = (),
        settings: Mapping[str, Any] | BaseModel | None = None,
        model: str | None = None,
    ) -> int:
        """Record the start of a run; returns its id (for :meth:`finish_run` and writes).

        ``settings`` (a dict or the Settings object) is stored as JSON; ``model`` defaults to
        ``settings["nlp"]["model"]``.
        """
        if isinstance(settings, BaseModel):
            settings = settings.model_dump(mode="json")
        settings = dict(settings or {})
        if model is None and isinstance(settings.get("nlp"), Mapping):
            model = settings["nlp"].get("model")
        with self._transaction() as conn:
            cur = conn.execute(
                "INSERT INTO runs (started, version, model, settings, sources) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    _now(),
                    eventwatch_version(),
                    model,
                    json.dumps(settings, ensure_ascii=False, default=str),
                    json.dumps([str(s) for s in sources], ensure_ascii=False),
                ),
            )
            return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, counts: Mapping[str, Any] | None = None) -> None:
        """Record the end of run ``run_id`` with its counts (read, coded, failed, ...)."""
        with self._transaction() as conn:
            cur = conn.execute(
                "UPDATE runs SET finished = ?, counts = ? WHERE id = ?",
                (_now(), json.dumps(dict(counts or {}), default=str), run_id),
            )
            if cur.rowcount == 0:
                raise StoreError(f"no run {run_id!r} in {self.path}")

    def runs(self) -> list[RunInfo]:
        """All recorded runs, oldest first."""
        rows = self._conn.execute("SELECT * FROM runs ORDER BY id").fetchall()
        return [
            RunInfo(
                id=r["id"],
                started=r["started"],
                finished=r["finished"],
                version=r["version"],
                model=r["model"],
                settings=json.loads(r["settings"]),
                sources=json.loads(r["sources"]),
                counts=json.loads(r["counts"]),
            )
            for r in rows
        ]

    # ------------------------------------------------------------------ articles
    def status_of(self, article_id: str) -> str | None:
        """The stored status of ``article_id`` (coded, skipped, failed, pending) or None."""
        row = self._conn.execute(
            "SELECT status FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return codec.status(row["status"]) if row else None

    def article(self, article_id: str) -> Article | None:
        """The stored article with its events, actors, places, focus, claims and quotes; None if
        unknown."""
        conn = self._conn
        row = conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        events = [
            codec.decode_event(r)
            for r in conn.execute(
                "SELECT * FROM events WHERE article_id = ? ORDER BY ord", (article_id,)
            )
        ]
        actors = [
            codec.decode_actor(r, "")
            for r in conn.execute(
                "SELECT * FROM actors WHERE article_id = ? ORDER BY ord", (article_id,)
            )
        ]
        places = conn.execute(
            "SELECT * FROM places WHERE article_id = ? ORDER BY is_focus, ord", (article_id,)
        ).fetchall()
        claims = [
            codec.decode_claim(r)
            for r in conn.execute(
                "SELECT * FROM claims WHERE article_id = ? ORDER BY ord", (article_id,)
            )
        ]
        quotes = [
            codec.decode_quote(r)
            for r in conn.execute(
                "SELECT * FROM quotes WHERE article_id = ? ORDER BY ord", (article_id,)
            )
        ]
        return codec.decode_article(row, events, [a for a in actors if a], places, claims, quotes)

    def resolve_article_id(self, prefix: str) -> str:
        """The full id of the one article whose id starts with ``prefix``.

        Returns ``prefix`` unchanged when no article matches (``article()`` then gives None);
        raises QueryError when several do.
        """
        prefix = prefix.strip()
        if not prefix:
            raise QueryError("article id: empty")
        if self.status_of(prefix) is not None:
            return prefix
        rows = self._conn.execute(
            "SELECT id FROM articles WHERE substr(id, 1, ?) = ? LIMIT 5", (len(prefix), prefix)
        ).fetchall()
        if len(rows) > 1:
            raise QueryError(f"article id {prefix!r} is ambiguous: give more characters")
        return rows[0]["id"] if rows else prefix

    def list_articles(
        self, *, status: str | None = None, limit: int | None = None, offset: int = 0
    ) -> Iterator[ArticleInfo]:
        """Stored articles, most recently written first, without their text."""
        sql = Sql()
        if status is not None:
            if status not in {s.value for s in Status}:
                raise QueryError(f"status: {status!r} is not one of {[s.value for s in Status]}")
            sql.add("a.status = ?", status)
        tail, params = paging(
            count_arg(limit, "limit", allow_none=True),
            count_arg(offset, "offset", allow_none=False) or 0,
        )
        cursor = self._conn.execute(
            f"SELECT {_INFO_COLUMNS} FROM articles AS a{sql.where} "
            f"ORDER BY a.updated_at DESC, a.seq DESC{tail}",
            [*sql.params, *params],
        )
        return (ArticleInfo(**dict(r)) for r in cursor)  # type: ignore[typeddict-item]

    def search_articles(self, text: str, *, limit: int = 20) -> list[ArticleInfo]:
        """Articles whose title or text match the FTS5 query ``text``, best match first."""
        if not isinstance(text, str) or not text.strip():
            raise QueryError(f"text: expected a full-text query, got {text!r}")
        try:
            rows = self._conn.execute(
                f"SELECT {_INFO_COLUMNS} FROM articles_fts "
                "JOIN articles AS a ON a.seq = articles_fts.rowid "
                "WHERE articles_fts MATCH ? ORDER BY articles_fts.rank LIMIT ?",
                (text, count_arg(limit, "limit", allow_none=False)),
            ).fetchall()
        except sqlite3.OperationalError as exc:
            raise fts_error(exc, text) from None
        return [ArticleInfo(**dict(r)) for r in rows]  # type: ignore[typeddict-item]

    # ------------------------------------------------------------------ events
    def _check_fts(self, query: EventQuery) -> None:
        if query.text is None:
            return
        try:
            self._conn.execute(
                "SELECT rowid FROM events_fts WHERE events_fts MATCH ? LIMIT 1", (query.text,)
            ).fetchall()
        except sqlite3.OperationalError as exc:
            raise fts_error(exc, query.text) from None

    def _select(self, query: EventQuery, *, with_article: bool) -> sqlite3.Cursor:
        self._check_fts(query)
        sql = where(query)
        tail, params = paging(query.limit, query.offset)
        columns = f"e.*, {ARTICLE_REF}" if with_article else "e.*"
        join = " JOIN articles AS a ON a.id = e.article_id" if with_article else ""
        try:
            return self._conn.execute(
                f"SELECT {columns} FROM events AS e{join}{sql.where}{ORDER}{tail}",
                [*sql.params, *params],
            )
        except sqlite3.OperationalError as exc:
            raise StoreError(f"cannot read events from {self.path}: {exc}") from exc

    def events(self, query: EventQuery | None = None) -> Iterator[Event]:
        """Events matching ``query``, ordered by (date, article id, position); streamed.

        The query is checked (and a bad full-text query reported) when this is called, before
        the first event is read. Events without a date come last.
        """
        cursor = self._select(query or EventQuery(), with_article=False)
        return stream(cursor, codec.decode_event, self.path)

    def _pairs(self, query: EventQuery | None) -> Iterator[Pair]:
        cursor = self._select(query or EventQuery(), with_article=True)
        return stream(cursor, _pair, self.path)

    def count_events(self, query: EventQuery | None = None) -> int:
        """How many events ``events(query)`` yields (limit and offset included)."""
        query = query or EventQuery()
        self._check_fts(query)
        sql = where(query)
        tail, params = paging(query.limit, query.offset)
        row = self._conn.execute(
            f"SELECT count(*) FROM (SELECT e.seq FROM events AS e{sql.where}{ORDER}{tail})",
            [*sql.params, *params],
        ).fetchone()
        return int(row[0])

    def dataframe(self, query: EventQuery | None = None) -> pd.DataFrame:
        """Matching events as a pandas DataFrame, one flat row per event (the CSV columns).

        ``date`` is a datetime column (NaT when unknown); counts and GeoNames ids are
        nullable integers.
        """
        import pandas as pd

        rows = (flat_row(event, ref) for event, ref in self._pairs(query))
        frame = pd.DataFrame.from_records(rows, columns=list(FLAT_COLUMNS))
        frame["date"] = pd.to_datetime(frame["date"], errors="coerce")
        for name in (
            "place_geonameid",
            "dead",
            "injured",
            "arrested",
            "quad_code",
            "reports",
            "outlets",
        ):
            frame[name] = frame[name].astype("Int64")
        for name in ("event_scale", "place_lat", "place_lon", "place_confidence"):
            frame[name] = frame[name].astype("float64")
        return frame

    def export(self, fmt: str, out: TextIO, query: EventQuery | None = None) -> int:
        """Write matching events to ``out`` as ``plover-json`` (JSON Lines), ``csv`` or
        ``geojson``; returns the number of events (GeoJSON: features) written."""
        writer = EXPORTERS.get(fmt)
        if writer is None:
            raise QueryError(f"unknown export format {fmt!r}; known: {', '.join(EXPORTERS)}")
        return writer(self._pairs(query), out)

    # ------------------------------------------------------------------ summary
    def summary(self) -> dict[str, Any]:
        """Counts for a dashboard or a status line: articles by status, events by type,
        modality and country, date range, claims by indicator, quotes by kind, top failure
        reasons, runs."""
        conn = self._conn

        def counts(sql: str) -> dict[str, int]:
            return {str(k): int(n) for k, n in conn.execute(sql).fetchall()}

        by_status = counts("SELECT status, count(*) FROM articles GROUP BY status ORDER BY 2 DESC")
        span = conn.execute("SELECT min(date), max(date) FROM events").fetchone()
        runs = self.runs()
        return {
            "path": str(self.path),
            "schema_version": self.schema_version,
            "articles": sum(by_status.values()),
            "articles_by_status": by_status,
            "events": int(conn.execute("SELECT count(*) FROM events").fetchone()[0]),
            "events_by_type": counts(
                "SELECT event_type, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1"
            ),
            "events_by_modality": counts(
                "SELECT modality, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1"
            ),
            "events_by_actor_country": counts(
                "SELECT actor_country, count(*) FROM events WHERE actor_country IS NOT NULL "
                "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20"
            ),
            "events_by_place_country": counts(
                "SELECT place_country, count(*) FROM events WHERE place_country IS NOT NULL "
                "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20"
            ),
            "first_event_date": span[0],
            "last_event_date": span[1],
            **self._said_summary(),
            "reasons": counts(
                "SELECT status || ': ' || coalesce(reason, '?'), count(*) FROM articles "
                "WHERE status IN ('failed', 'skipped') GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20"
            ),
            "runs": len(runs),
            "last_run": _run_dict(runs[-1]) if runs else None,
        }


def _pair(row: sqlite3.Row) -> Pair:
    return codec.decode_event(row), article_ref(row)


def _run_dict(run: RunInfo) -> dict[str, Any]:
    return {
        "id": run.id,
        "started": run.started,
        "finished": run.finished,
        "version": run.version,
        "model": run.model,
        "sources": run.sources,
        "counts": run.counts,
    }
