"""Numbered, registered schema migrations (after sqlite-utils' ``sqlite-migrate``).

A migration is a function ``fn(conn)`` registered under a version number. :meth:`Migrations.apply`
runs the ones a database has not seen yet, in version order, each in its own transaction, and
records each in the ``schema_migrations`` table (and in ``PRAGMA user_version``). Applying twice
changes nothing. A released migration is never edited: a schema change is a new, higher number.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

MigrationFn = Callable[[sqlite3.Connection], None]

MIGRATIONS_TABLE = "schema_migrations"


@dataclass(frozen=True, slots=True)
class Migration:
    """One registered schema step."""

    version: int
    name: str
    fn: MigrationFn


class Migrations:
    """An ordered registry of migrations; register with ``@registry(version)``."""

    def __init__(self) -> None:
        self._items: dict[int, Migration] = {}

    def __call__(
        self, version: int, name: str | None = None
    ) -> Callable[[MigrationFn], MigrationFn]:
        if version < 1:
            raise ValueError(f"migration versions start at 1, got {version}")
        if version in self._items:
            raise ValueError(f"migration {version} is already registered")

        def register(fn: MigrationFn) -> MigrationFn:
            self._items[version] = Migration(version, name or fn.__name__, fn)
            return fn

        return register

    def __iter__(self) -> Iterator[Migration]:
        return iter(sorted(self._items.values(), key=lambda m: m.version))

    def __len__(self) -> int:
        return len(self._items)

    @property
    def latest(self) -> int:
        """The highest registered version (0 when empty)."""
        return max(self._items, default=0)

    def applied(self, conn: sqlite3.Connection) -> dict[int, str]:
        """Versions (and names) recorded in ``conn``; empty for a new database."""
        exists = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MIGRATIONS_TABLE,)
        ).fetchone()
        if not exists:
            return {}
        rows = conn.execute(f"SELECT version, name FROM {MIGRATIONS_TABLE}").fetchall()
        return {int(version): str(name) for version, name in rows}

    def pending(self, conn: sqlite3.Connection) -> list[Migration]:
        done = self.applied(conn)
        return [m for m in self if m.version not in done]

    def apply(self, conn: sqlite3.Connection) -> list[int]:
        """Run the pending migrations in order; return the versions applied now.

        ``conn`` must be in autocommit mode (``isolation_level=None``): each migration runs inside
        its own ``BEGIN IMMEDIATE`` so that two processes opening one file never both apply it.
        """
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done: list[int] = []
        for migration in self:
            conn.execute("BEGIN IMMEDIATE")
            try:
                if migration.version not in self.applied(conn):
                    migration.fn(conn)
                    _record(conn, migration)
                    done.append(migration.version)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return done


def _record(conn: sqlite3.Connection, migration: Migration) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    conn.execute(
        f"INSERT INTO {MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, ?, ?)",
        (migration.version, migration.name, now),
    )
    conn.execute(f"PRAGMA user_version = {int(migration.version)}")


def run_script(conn: sqlite3.Connection, statements: tuple[str, ...]) -> None:
    """Execute DDL statements one by one (``executescript`` would commit the transaction)."""
    for statement in statements:
        conn.execute(statement)


#: The registry eventwatch's store applies on open.
MIGRATIONS = Migrations()

_SPAN = "{p}span_start INTEGER, {p}span_end INTEGER, {p}span_text TEXT, {p}span_field TEXT"
_ACTOR = (
    "{p}name TEXT, {p}code TEXT, {p}country TEXT, {p}sector TEXT, {p}kind TEXT, {p}text TEXT, "
    "{p}matched_alias TEXT, {p}confidence REAL, " + _SPAN
)
_PLACE = (
    "{p}text TEXT, {p}name TEXT, {p}geonameid INTEGER, {p}feature TEXT, {p}country TEXT, "
    "{p}admin1 TEXT, {p}lat REAL, {p}lon REAL, {p}precision TEXT, {p}confidence REAL, "
    "{p}candidates TEXT, " + _SPAN
)


def _cols(template: str, prefix: str) -> str:
    return template.format(p=prefix)


# Version 1 as released. Frozen: change the schema with a new migration, never by editing this.

_V1: tuple[str, ...] = (
    """CREATE TABLE articles (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        url TEXT, outlet TEXT, title TEXT NOT NULL DEFAULT '', published TEXT, language TEXT,
        text TEXT NOT NULL, status TEXT NOT NULL, reason TEXT, source TEXT,
        meta TEXT NOT NULL DEFAULT '{}',
        content_hash TEXT NOT NULL, ingested_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    f"""CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        event_type TEXT NOT NULL, mode TEXT, contexts TEXT NOT NULL DEFAULT '[]',
        {_cols(_ACTOR, "actor_")},
        {_cols(_ACTOR, "recipient_")},
        {_cols(_PLACE, "place_")},
        date TEXT, date_precision TEXT NOT NULL, date_source TEXT NOT NULL, date_text TEXT,
        modality TEXT NOT NULL,
        {_cols(_ACTOR, "attributed_to_")},
        dead INTEGER, injured INTEGER, arrested INTEGER,
        confidence TEXT NOT NULL DEFAULT '{{}}',
        evidence_start INTEGER NOT NULL, evidence_end INTEGER NOT NULL,
        evidence_field TEXT NOT NULL, evidence_text TEXT NOT NULL,
        trigger_start INTEGER NOT NULL, trigger_end INTEGER NOT NULL,
        trigger_field TEXT NOT NULL, trigger_text TEXT NOT NULL,
        story_id TEXT, sources INTEGER NOT NULL DEFAULT 1)""",
    f"""CREATE TABLE actors (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        {_cols(_ACTOR, "")},
        PRIMARY KEY (article_id, ord))""",
    f"""CREATE TABLE places (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        ord INTEGER,
        is_focus INTEGER NOT NULL DEFAULT 0,
        {_cols(_PLACE, "")})""",
    "CREATE INDEX events_article ON events(article_id, ord)",
    "CREATE INDEX events_date ON events(date)",
    "CREATE INDEX events_type ON events(event_type)",
    "CREATE INDEX places_article ON places(article_id, ord)",
    "CREATE INDEX articles_status ON articles(status)",
    "CREATE INDEX articles_published ON articles(published)",
    """CREATE VIRTUAL TABLE events_fts USING fts5(
        evidence_text, content='events', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
        INSERT INTO events_fts(rowid, evidence_text) VALUES (new.seq, new.evidence_text);
    END""",
    """CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
        INSERT INTO events_fts(events_fts, rowid, evidence_text)
        VALUES ('delete', old.seq, old.evidence_text);
    END""",
    """CREATE TRIGGER events_fts_update AFTER UPDATE ON events BEGIN
        INSERT INTO events_fts(events_fts, rowid, evidence_text)
        VALUES ('delete', old.seq, old.evidence_text);
        INSERT INTO events_fts(rowid, evidence_text) VALUES (new.seq, new.evidence_text);
    END""",
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
    END""",
    """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
    END""",
    """CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
    END""",
)


@MIGRATIONS(1, "initial_schema")
def _initial_schema(conn: sqlite3.Connection) -> None:
    """Articles, events, actor and place mentions, and the two full-text indexes."""
    run_script(conn, _V1)
