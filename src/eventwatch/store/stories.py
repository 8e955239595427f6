"""Stories and happenings in the store: what the incremental clusterer and the event merger
read and write (:mod:`eventwatch.stories.persist`, :mod:`eventwatch.stories.happenings`), and
the reads behind ``eventwatch stories``.

Tables (``docs/store.md``): ``stories`` (one row per story, with the clusterer's running state),
``story_articles`` (each placed article, its story, the link and why), ``story_keys`` (the
candidate index), ``story_terms`` (document frequencies), ``story_meta`` (articles seen);
``happenings`` (one row per happening, its first report and its counts) and, on ``events``,
``happening_id``, ``happening_reason``, ``reports`` and ``outlets``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventwatch.errors import QueryError
from eventwatch.records import Event
from eventwatch.store import codec
from eventwatch.store.query import Sql, count_arg, day_arg

if TYPE_CHECKING:
    import pandas as pd

    from eventwatch.stories.happenings import HappeningChanges
    from eventwatch.stories.persist import StoryChanges

CHUNK = 500  # parameters per IN (...) list
N_DOCS = "documents"  # story_meta: articles the clusterer has counted
STORY_ORDERS = ("last_seen", "articles", "outlets")
# what a story read selects: its row, and the events and happenings of its articles
_STORY_COLUMNS = (
    "s.id, s.label, s.first_seen, s.last_seen, s.articles, s.outlets, s.keywords, "
    "s.created_at, s.updated_at, "
    "(SELECT count(*) FROM events AS e WHERE e.story_id = s.id) AS events, "
    "(SELECT count(DISTINCT coalesce(e.happening_id, e.id)) FROM events AS e "
    "WHERE e.story_id = s.id) AS happenings"
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _marks(n: int) -> str:
    return ", ".join("?" * n)


@dataclass(frozen=True, slots=True)
class StoryQuery:
    """Which stories to list. ``text``: case-insensitive words of the label or keywords;
    ``since``/``until``: the story was seen in that period (last seen on or after ``since``,
    first seen on or before ``until``); ``min_articles``/``min_outlets``; ``order``: most
    recent first (``last_seen``), largest first (``articles``) or most outlets first."""

    text: str | None = None
    since: date | str | None = None
    until: date | str | None = None
    min_articles: int = 1
    min_outlets: int = 0
    order: str = "last_seen"
    limit: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "since", day_arg(self.since, "since"))
        object.__setattr__(self, "until", day_arg(self.until, "until"))
        if self.since and self.until and self.since > self.until:
            raise QueryError(f"since ({self.since}) is after until ({self.until})")
        count_arg(self.min_articles, "min_articles", allow_none=False)
        count_arg(self.min_outlets, "min_outlets", allow_none=False)
        count_arg(self.limit, "limit", allow_none=True)
        if self.order not in STORY_ORDERS:
            raise QueryError(f"order: {self.order!r}; known: {', '.join(STORY_ORDERS)}")
        if self.text is not None and not self.text.strip():
            raise QueryError("text: expected a non-empty string")

    def sql(self) -> tuple[str, list[Any]]:
        sql = Sql()
        if self.text:
            for word in self.text.split():
                sql.add("instr(ew_fold(s.label || ' ' || s.keywords), ?) > 0", word.casefold())
        if self.since:
            sql.add("s.last_seen >= ?", str(self.since))
        if self.until:
            sql.add("s.first_seen <= ?", str(self.until))
        if self.min_articles > 1:
            sql.add("s.articles >= ?", self.min_articles)
        if self.min_outlets:
            sql.add("s.outlets >= ?", self.min_outlets)
        order = {
            "last_seen": "s.last_seen IS NULL, s.last_seen DESC, s.articles DESC, s.id",
            "articles": "s.articles DESC, s.last_seen DESC, s.id",
            "outlets": "s.outlets DESC, s.articles DESC, s.id",
        }[self.order]
        tail = f" ORDER BY {order}" + (f" LIMIT {int(self.limit)}" if self.limit else "")
        return sql.where + tail, sql.params


@dataclass(slots=True)
class StoryInfo:
    """One story as ``eventwatch stories`` lists it."""

    id: str
    label: str
    first_seen: str | None
    last_seen: str | None
    articles: int
    outlets: int
    keywords: list[str]
    events: int = 0  # event reports in its articles
    happenings: int = 0  # distinct happenings among them
    created_at: str = ""
    updated_at: str = ""
    members: list[dict[str, Any]] = field(default_factory=list)  # filled by ``story()``
    top_happenings: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__slots__}  # type: ignore[attr-defined]
        if not self.members:
            out.pop("members")
            out.pop("top_happenings")
        return out


class StoriesMixin:
    """Store methods for stories and happenings (mixed into :class:`Store`)."""

    _conn: sqlite3.Connection
    path: Path

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:  # pragma: no cover
        raise NotImplementedError

    # ---------------------------------------------------------------- clusterer state
    def story_documents(self) -> int:
        """Articles the story clusterer has counted (for its IDF)."""
        row = self._conn.execute("SELECT value FROM story_meta WHERE name = ?", (N_DOCS,))
        found = row.fetchone()
        return int(found["value"]) if found else 0

    def _pairs_in(self, select: str, column: str, values: Sequence[str]) -> dict[str, Any]:
        """``select`` (two columns) ``WHERE column IN values``, in chunks: first -> second."""
        out: dict[str, Any] = {}
        for chunk in _chunks(list(values)):
            sql = f"{select} WHERE {column} IN ({_marks(len(chunk))})"
            out.update({r[0]: r[1] for r in self._conn.execute(sql, list(chunk))})
        return out

    def story_of_articles(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Article id -> story id, for the given articles already placed in a story."""
        select = "SELECT article_id, story_id FROM story_articles"
        return self._pairs_in(select, "article_id", article_ids)

    def originals_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Near-duplicate article id -> its original, for those of ``article_ids`` that are
        copies."""
        select = "SELECT article_id, original_id FROM near_duplicates"
        return self._pairs_in(select, "article_id", article_ids)

    def story_state(self, story_id: str) -> bytes | None:
        row = self._conn.execute("SELECT state FROM stories WHERE id = ?", (story_id,))
        found = row.fetchone()
        return bytes(found["state"]) if found else None

    def story_postings(self, keys: Sequence[str], *, limit: int) -> dict[str, list[str]]:
        """Key -> the stories indexed under it (at most ``limit`` of them); every key given
        is in the answer."""
        out: dict[str, list[str]] = {}
        for key in keys:
            rows = self._conn.execute(
                "SELECT story_id FROM story_keys WHERE key = ? LIMIT ?", (key, limit)
            )
            out[key] = [r[0] for r in rows]
        return out

    def story_frequencies(self, keys: Sequence[str]) -> dict[str, int]:
        """Document frequencies of the given keys (keys never seen are left out)."""
        return self._pairs_in("SELECT key, df FROM story_terms", "key", keys)

    def save_stories(self, changes: StoryChanges) -> None:
        """Write one batch's story changes in one transaction (merged stories deleted, their
        index entries and articles moved to the story that absorbed them)."""
        now = _now()
        with self._transaction() as conn:
            for gone, into in changes.gone.items():
                conn.execute(
                    "INSERT OR IGNORE INTO story_keys (key, story_id) "
                    "SELECT key, ? FROM story_keys WHERE story_id = ?",
                    (into, gone),
                )
                conn.execute("DELETE FROM story_keys WHERE story_id = ?", (gone,))
                conn.execute("DELETE FROM stories WHERE id = ?", (gone,))
            for row in changes.stories:
                conn.execute(
                    "INSERT INTO stories (id, label, first_seen, last_seen, articles, outlets, "
                    "keywords, state, created_at, updated_at) VALUES (:id, :label, "
                    ":first_seen, :last_seen, :articles, :outlets, :keywords, :state, :now, :now) "
                    "ON CONFLICT(id) DO UPDATE SET label = excluded.label, "
                    "first_seen = excluded.first_seen, last_seen = excluded.last_seen, "
                    "articles = excluded.articles, outlets = excluded.outlets, "
                    "keywords = excluded.keywords, state = excluded.state, "
                    "updated_at = excluded.updated_at",
                    {**row, "now": now},
                )
            conn.executemany(
                "INSERT OR IGNORE INTO story_keys (key, story_id) VALUES (?, ?)", changes.postings
            )
            conn.executemany(
                "INSERT INTO story_terms (key, df) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET df = excluded.df",
                changes.terms,
            )
            conn.execute(
                "INSERT OR REPLACE INTO story_meta (name, value) VALUES (?, ?)",
                (N_DOCS, str(changes.n_docs)),
            )
            conn.executemany(
                "INSERT OR REPLACE INTO story_articles (article_id, story_id, score, reasons, "
                "added_at) SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM articles WHERE id = ?)",
                [(a, s, score, why, now, a) for a, s, score, why in changes.placed],
            )
            moved = sorted(changes.moved.items())
            conn.executemany(
                "UPDATE story_articles SET story_id = ? WHERE article_id = ?",
                [(s, a) for a, s in moved],
            )
            conn.executemany(
                "UPDATE events SET story_id = ? WHERE article_id = ? AND story_id IS NOT ?",
                [(s, a, s) for a, s in moved],
            )

    def coded_article_ids(self) -> list[str]:
        """Ids of the coded articles, in the order they were first stored."""
        rows = self._conn.execute("SELECT id FROM articles WHERE status = 'coded' ORDER BY seq")
        return [r[0] for r in rows]

    def clear_stories(self) -> None:
        """Forget every story (before a rebuild): the articles and events stay."""
        with self._transaction() as conn:
            for table in ("stories", "story_articles", "story_keys", "story_terms", "story_meta"):
                conn.execute(f"DELETE FROM {table}")
            conn.execute("UPDATE events SET story_id = NULL WHERE story_id IS NOT NULL")

    def clear_happenings(self) -> None:
        """Forget every happening (before a rebuild): each event is its own report again."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM happenings")
            conn.execute(
                "UPDATE events SET happening_id = NULL, happening_reason = NULL, reports = 1, "
                "outlets = 1 WHERE happening_id IS NOT NULL"
            )

    # ---------------------------------------------------------------- happenings
    def happening_ids(self, keys: Iterable[tuple[str, str, int]]) -> list[str]:
        """Ids of the happenings filed under the given (type, country, week) keys, oldest
        first."""
        out: list[str] = []
        for kind, country, week in keys:
            rows = self._conn.execute(
                "SELECT id FROM happenings WHERE event_type = ? AND country = ? AND week = ? "
                "ORDER BY rowid",
                (kind, country, week),
            )
            out += [r[0] for r in rows]
        return out

    def happenings_by_id(self, ids: Sequence[str]) -> list[tuple[str, Event, int | None]]:
        """(happening id, its first report's event, death toll) for the given ids."""
        out: list[tuple[str, Event, int | None]] = []
        for chunk in _chunks(list(ids)):
            rows = self._conn.execute(
                "SELECT h.id AS h_id, h.dead AS h_dead, e.* FROM happenings AS h "
                "JOIN events AS e ON e.id = h.event_id AND e.article_id = h.article_id "
                f"WHERE h.id IN ({_marks(len(chunk))})",
                list(chunk),
            )
            out += [(r["h_id"], codec.decode_event(r), r["h_dead"]) for r in rows]
        return out

    def save_happenings(self, changes: HappeningChanges) -> None:
        """Write one batch's happenings, file its events, recompute the touched counts."""
        now = _now()
        with self._transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO happenings (id, event_id, article_id, event_type, mode, "
                "modality, country, week, first_date, last_date, dead, updated_at) VALUES "
                "(:id, :event_id, :article_id, :event_type, :mode, :modality, :country, :week, "
                ":first_date, :last_date, :dead, :now)",
                [{**row, "now": now} for row in changes.created],
            )
            conn.executemany(
                "UPDATE events SET happening_id = ?, happening_reason = ? "
                "WHERE id = ? AND article_id = ?",
                [(h, why, e, a) for e, a, h, why in changes.filed],
            )
            for happening_id in sorted(changes.touched):
                self._recount(conn, happening_id, now)

    def _recount(self, conn: sqlite3.Connection, happening_id: str, now: str) -> None:
        rows = conn.execute(
            "SELECT e.article_id, e.date, e.dead, a.outlet, n.original_id FROM events AS e "
            "JOIN articles AS a ON a.id = e.article_id "
            "LEFT JOIN near_duplicates AS n ON n.article_id = e.article_id "
            "WHERE e.happening_id = ?",
            (happening_id,),
        ).fetchall()
        if not rows:
            conn.execute("DELETE FROM happenings WHERE id = ?", (happening_id,))
            return
        articles = {r["article_id"] for r in rows}
        outlets = {
            r["outlet"] or f"article:{r['article_id']}"
            for r in rows
            if r["original_id"] is None or r["original_id"] not in articles
        }
        days = sorted(r["date"] for r in rows if r["date"])
        deaths = [r["dead"] for r in rows if r["dead"] is not None]
        conn.execute(
            "UPDATE happenings SET reports = ?, outlets = ?, first_date = ?, last_date = ?, "
            "dead = ?, updated_at = ? WHERE id = ?",
            (len(articles), len(outlets), days[0] if days else None,
             days[-1] if days else None, max(deaths) if deaths else None, now, happening_id),
        )  # fmt: skip
        conn.execute(
            "UPDATE events SET reports = ?, outlets = ? WHERE happening_id = ?",
            (len(articles), len(outlets), happening_id),
        )

    def prune_happenings(self) -> int:
        """Repair happenings whose first report is gone (its article was coded again): the
        earliest remaining report stands for it, or it is deleted. Returns how many."""
        rows = self._conn.execute(
            "SELECT h.id FROM happenings AS h WHERE NOT EXISTS (SELECT 1 FROM events AS e "
            "WHERE e.id = h.event_id AND e.article_id = h.article_id "
            "AND e.happening_id = h.id)"
        ).fetchall()
        if not rows:
            return 0
        now = _now()
        with self._transaction() as conn:
            for (happening_id,) in rows:
                first = conn.execute(
                    "SELECT id, article_id FROM events WHERE happening_id = ? ORDER BY seq LIMIT 1",
                    (happening_id,),
                ).fetchone()
                if first is not None:
                    conn.execute(
                        "UPDATE happenings SET event_id = ?, article_id = ? WHERE id = ?",
                        (first["id"], first["article_id"], happening_id),
                    )
                    conn.execute(
                        "UPDATE events SET happening_reason = NULL WHERE id = ? AND article_id = ?",
                        (first["id"], first["article_id"]),
                    )
                self._recount(conn, happening_id, now)
        return len(rows)

    # ---------------------------------------------------------------- reads
    def stories(self, query: StoryQuery | None = None) -> list[StoryInfo]:
        """Stories matching ``query`` with their event and happening counts."""
        query = query or StoryQuery()
        tail, params = query.sql()
        rows = self._conn.execute(f"SELECT {_STORY_COLUMNS} FROM stories AS s{tail}", params)
        return [_info(r) for r in rows]

    def resolve_story_id(self, prefix: str) -> str:
        """The full id of the one story whose id starts with ``prefix`` (else ``prefix``)."""
        rows = self._conn.execute(
            "SELECT id FROM stories WHERE id >= ? AND id < ? LIMIT 2", (prefix, prefix + "\uffff")
        ).fetchall()
        return rows[0][0] if len(rows) == 1 else prefix

    def count_stories(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM stories").fetchone()[0])

    def story(self, story_id: str) -> StoryInfo | None:
        """One story with its articles (first placed first: the link and why) and its
        happenings (most reported first)."""
        row = self._conn.execute(
            f"SELECT {_STORY_COLUMNS} FROM stories AS s WHERE s.id = ?", (story_id,)
        ).fetchone()
        if row is None:
            return None
        info = _info(row)
        members = self._conn.execute(
            "SELECT sa.article_id, sa.score, sa.reasons, sa.added_at, a.title, a.outlet, "
            "a.published, a.url, n.original_id AS copy_of FROM story_articles AS sa "
            "JOIN articles AS a ON a.id = sa.article_id "
            "LEFT JOIN near_duplicates AS n ON n.article_id = sa.article_id "
            "WHERE sa.story_id = ? ORDER BY a.published IS NULL, a.published, sa.rowid",
            (story_id,),
        )
        info.members = [{**dict(r), "reasons": json.loads(r["reasons"])} for r in members]
        top = self._conn.execute(
            "SELECT h.id, h.event_type, h.mode, h.modality, h.first_date, h.last_date, "
            "h.reports, h.outlets, h.dead, e.evidence_text, e.actor_name, e.recipient_name, "
            "e.place_name FROM happenings AS h "
            "JOIN events AS e ON e.id = h.event_id AND e.article_id = h.article_id "
            "WHERE h.id IN (SELECT DISTINCT happening_id FROM events WHERE story_id = ?) "
            "ORDER BY h.reports DESC, h.outlets DESC, h.first_date, h.id",
            (story_id,),
        )
        info.top_happenings = [dict(r) for r in top]
        return info

    def stories_dataframe(self, query: StoryQuery | None = None) -> pd.DataFrame:
        """Stories as a pandas DataFrame (one row per story; dates as datetimes)."""
        import pandas as pd

        columns = [
            "id", "label", "first_seen", "last_seen", "articles", "outlets", "events",
            "happenings", "keywords",
        ]  # fmt: skip
        rows = [{c: getattr(s, c) for c in columns} for s in self.stories(query)]
        frame = pd.DataFrame.from_records(rows, columns=columns)
        for name in ("first_seen", "last_seen"):
            frame[name] = pd.to_datetime(frame[name], errors="coerce")
        return frame


def _info(row: sqlite3.Row) -> StoryInfo:
    return StoryInfo(
        id=row["id"],
        label=row["label"],
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        articles=row["articles"],
        outlets=row["outlets"],
        keywords=json.loads(row["keywords"]),
        events=row["events"],
        happenings=row["happenings"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
