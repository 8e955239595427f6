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


# Version 1. Column groups are spelled out once here; a later migration must not import them
# (it would change when they change): copy what it needs.
_SPAN = "{p}start INTEGER, {p}end INTEGER, {p}text TEXT, {p}field TEXT"
_ACTOR = (
    "{p}name TEXT, {p}code TEXT, {p}country TEXT, {p}sector TEXT, {p}kind TEXT, {p}text TEXT, "
    "{p}matched_alias TEXT, {p}confidence REAL, "
    "{p}span_start INTEGER, {p}span_end INTEGER, {p}span_text TEXT, {p}span_field TEXT"
)
_PLACE = (
    "{p}text TEXT, {p}name TEXT, {p}geonameid INTEGER, {p}feature TEXT, {p}country TEXT, "
    "{p}admin1 TEXT, {p}lat REAL, {p}lon REAL, {p}precision TEXT, {p}confidence REAL, "
    "{p}candidates TEXT, "
    "{p}span_start INTEGER, {p}span_end INTEGER, {p}span_text TEXT, {p}span_field TEXT"
)


def _cols(template: str, prefix: str) -> str:
    return template.format(p=prefix)


def _fts_triggers(table: str, columns: tuple[str, ...], key: str = "seq") -> tuple[str, ...]:
    """Triggers that keep an external-content FTS5 table ``{table}_fts`` in step with ``table``."""
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    fts = f"{table}_fts"
    insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.{key}, {new});"
    delete = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.{key}, {old});"
    return (
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {cols} ON {table} "
        f"BEGIN {delete} {insert} END",
    )


_V1: tuple[str, ...] = (
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started TEXT NOT NULL, finished TEXT,
        version TEXT NOT NULL, model TEXT,
        settings TEXT NOT NULL DEFAULT '{}', sources TEXT NOT NULL DEFAULT '[]',
        counts TEXT NOT NULL DEFAULT '{}')""",
    """CREATE TABLE articles (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        url TEXT, outlet TEXT, title TEXT NOT NULL DEFAULT '', published TEXT, language TEXT,
        text TEXT NOT NULL, status TEXT NOT NULL, reason TEXT, source TEXT,
        meta TEXT NOT NULL DEFAULT '{}',
        fingerprint TEXT NOT NULL,
        run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        ingested_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    f"""CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
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
        {_cols(_SPAN, "evidence_")},
        {_cols(_SPAN, "trigger_")},
        story_id TEXT, sources INTEGER NOT NULL DEFAULT 1,
        UNIQUE (article_id, ord))""",
    """CREATE TABLE copies (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        source TEXT NOT NULL, url TEXT, outlet TEXT, published TEXT,
        run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (article_id, source))""",
    f"""CREATE TABLE actors (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        {_cols(_ACTOR, "")},
        PRIMARY KEY (article_id, ord))""",
    f"""CREATE TABLE places (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        ord INTEGER,
        is_focus INTEGER NOT NULL DEFAULT 0,
        {_cols(_PLACE, "")},
        UNIQUE (article_id, ord))""",
    "CREATE UNIQUE INDEX places_focus ON places(article_id) WHERE is_focus = 1",
    "CREATE INDEX events_id ON events(id)",
    "CREATE INDEX events_order ON events(date, article_id, ord)",
    "CREATE INDEX events_type ON events(event_type, date)",
    "CREATE INDEX events_actor_country ON events(actor_country)",
    "CREATE INDEX events_recipient_country ON events(recipient_country)",
    "CREATE INDEX events_place_country ON events(place_country)",
    "CREATE INDEX events_story ON events(story_id) WHERE story_id IS NOT NULL",
    "CREATE INDEX articles_status ON articles(status)",
    "CREATE INDEX articles_source ON articles(source)",
    "CREATE INDEX articles_published ON articles(published)",
    """CREATE VIEW events_flat AS
        SELECT e.*, a.url AS article_url, a.outlet AS article_outlet,
               a.title AS article_title, a.published AS article_published,
               a.language AS article_language
        FROM events AS e JOIN articles AS a ON a.id = e.article_id""",
    """CREATE VIRTUAL TABLE events_fts USING fts5(
        evidence_text, content='events', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2')""",
    *_fts_triggers("events", ("evidence_text",)),
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2')""",
    *_fts_triggers("articles", ("title", "text")),
)


@MIGRATIONS(1, "initial_schema")
def _initial_schema(conn: sqlite3.Connection) -> None:
    """Runs, articles (and every source each was read from), events, actor and place mentions,
    and the two full-text indexes."""
    run_script(conn, _V1)


# Version 2: claims and quotes. The column groups are copied from version 1 (not imported), as
# the note above asks: this migration must create the same columns forever.
_V2_SPAN = "{p}start INTEGER, {p}end INTEGER, {p}text TEXT, {p}field TEXT"
_V2_ACTOR = (
    "{p}name TEXT, {p}code TEXT, {p}country TEXT, {p}sector TEXT, {p}kind TEXT, {p}text TEXT, "
    "{p}matched_alias TEXT, {p}confidence REAL, "
    "{p}span_start INTEGER, {p}span_end INTEGER, {p}span_text TEXT, {p}span_field TEXT"
)
_V2_PLACE = (
    "{p}text TEXT, {p}name TEXT, {p}geonameid INTEGER, {p}feature TEXT, {p}country TEXT, "
    "{p}admin1 TEXT, {p}lat REAL, {p}lon REAL, {p}precision TEXT, {p}confidence REAL, "
    "{p}candidates TEXT, "
    "{p}span_start INTEGER, {p}span_end INTEGER, {p}span_text TEXT, {p}span_field TEXT"
)


def _v2(template: str, prefix: str) -> str:
    return template.format(p=prefix)


def _v2_fts(table: str, columns: tuple[str, ...]) -> tuple[str, ...]:
    """The FTS5 table ``{table}_fts`` over ``columns`` and the triggers that keep it in step."""
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    fts = f"{table}_fts"
    insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.seq, {new});"
    delete = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.seq, {old});"
    return (
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', content_rowid='seq', "
        "tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {cols} ON {table} "
        f"BEGIN {delete} {insert} END",
    )


_V2: tuple[str, ...] = (
    f"""CREATE TABLE claims (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        indicator TEXT NOT NULL,
        value REAL, low REAL, high REAL, qualifier TEXT NOT NULL,
        approximate INTEGER NOT NULL DEFAULT 0, quantity_text TEXT NOT NULL, label TEXT,
        unit TEXT NOT NULL,
        {_v2(_V2_ACTOR, "subject_")},
        {_v2(_V2_PLACE, "place_")},
        {_v2(_V2_ACTOR, "claimant_")},
        claimant_as_written TEXT,
        hedges TEXT NOT NULL DEFAULT '[]',
        prior INTEGER NOT NULL DEFAULT 0,
        as_of TEXT, as_of_precision TEXT, as_of_source TEXT, as_of_text TEXT,
        event_id TEXT,
        modality TEXT NOT NULL,
        confidence REAL,
        {_v2(_V2_SPAN, "evidence_")},
        {_v2(_V2_SPAN, "span_")},
        UNIQUE (article_id, ord))""",
    f"""CREATE TABLE quotes (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        kind TEXT NOT NULL,
        {_v2(_V2_ACTOR, "speaker_")},
        speaker_as_written TEXT,
        {_v2(_V2_SPAN, "speaker_mention_")},
        cue TEXT,
        confidence REAL,
        {_v2(_V2_SPAN, "content_")},
        {_v2(_V2_SPAN, "evidence_")},
        UNIQUE (article_id, ord))""",
    "CREATE INDEX claims_id ON claims(id)",
    "CREATE INDEX claims_indicator ON claims(indicator, as_of)",
    "CREATE INDEX claims_as_of ON claims(as_of)",
    "CREATE INDEX claims_subject_code ON claims(subject_code)",
    "CREATE INDEX claims_claimant_code ON claims(claimant_code)",
    "CREATE INDEX claims_place_country ON claims(place_country)",
    "CREATE INDEX claims_event ON claims(event_id) WHERE event_id IS NOT NULL",
    "CREATE INDEX quotes_id ON quotes(id)",
    "CREATE INDEX quotes_speaker_code ON quotes(speaker_code)",
    "CREATE INDEX places_country_names ON places(name, text, country) WHERE feature = 'country'",
    """CREATE VIEW claims_flat AS
        SELECT c.*, coalesce(c.as_of, substr(a.published, 1, 10)) AS date,
               a.url AS article_url, a.outlet AS article_outlet,
               a.title AS article_title, a.published AS article_published,
               a.language AS article_language
        FROM claims AS c JOIN articles AS a ON a.id = c.article_id""",
    """CREATE VIEW quotes_flat AS
        SELECT q.*, a.url AS article_url, a.outlet AS article_outlet,
               a.title AS article_title, a.published AS article_published,
               a.language AS article_language
        FROM quotes AS q JOIN articles AS a ON a.id = q.article_id""",
    *_v2_fts("claims", ("evidence_text",)),
    *_v2_fts("quotes", ("content_text",)),
)


@MIGRATIONS(2, "claims_and_quotes")
def _claims_and_quotes(conn: sqlite3.Connection) -> None:
    """Claims (attributed numbers) and quotes (who said what), their full-text indexes, and the
    ``claims_flat`` / ``quotes_flat`` views."""
    run_script(conn, _V2)


@MIGRATIONS(3, "claim_counted")
def _claim_counted(conn: sqlite3.Connection) -> None:
    """What a claim counts, as written ("hardcore members", "fatalities"): ``claims.counted``."""
    conn.execute("ALTER TABLE claims ADD COLUMN counted TEXT")


@MIGRATIONS(4, "near_duplicates")
def _near_duplicates(conn: sqlite3.Connection) -> None:
    """Near-duplicate articles: each coded article's MinHash signature (in the order they were
    added, to rebuild the index) and the links of copies to their original."""
    run_script(conn, (
        """CREATE TABLE article_signatures (
            seq INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE,
            signature BLOB NOT NULL)""",
        """CREATE TABLE near_duplicates (
            article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            original_id TEXT NOT NULL,
            similarity REAL NOT NULL,
            containment REAL NOT NULL,
            reason TEXT NOT NULL)""",
        "CREATE INDEX near_duplicates_original ON near_duplicates(original_id)",
    ))  # fmt: skip


_V5: tuple[str, ...] = (
    # an event is a report of a happening: the happening's counts sit on every report of it
    "ALTER TABLE events RENAME COLUMN sources TO outlets",
    "ALTER TABLE events ADD COLUMN reports INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE events ADD COLUMN happening_id TEXT",
    "ALTER TABLE events ADD COLUMN happening_reason TEXT",
    "CREATE INDEX events_happening ON events(happening_id) WHERE happening_id IS NOT NULL",
    """CREATE TABLE happenings (
        id TEXT PRIMARY KEY,
        event_id TEXT NOT NULL,
        article_id TEXT NOT NULL,
        event_type TEXT NOT NULL, mode TEXT, modality TEXT NOT NULL,
        country TEXT NOT NULL,
        week INTEGER NOT NULL,
        first_date TEXT, last_date TEXT,
        dead INTEGER,
        reports INTEGER NOT NULL DEFAULT 1,
        outlets INTEGER NOT NULL DEFAULT 1,
        updated_at TEXT NOT NULL)""",
    "CREATE INDEX happenings_key ON happenings(event_type, country, week)",
    """CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        first_seen TEXT, last_seen TEXT,
        articles INTEGER NOT NULL,
        outlets INTEGER NOT NULL,
        keywords TEXT NOT NULL DEFAULT '[]',
        state BLOB NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    "CREATE INDEX stories_last_seen ON stories(last_seen)",
    """CREATE TABLE story_articles (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        story_id TEXT NOT NULL,
        score REAL NOT NULL,
        reasons TEXT NOT NULL DEFAULT '[]',
        added_at TEXT NOT NULL)""",
    "CREATE INDEX story_articles_story ON story_articles(story_id)",
    """CREATE TABLE story_keys (
        key TEXT NOT NULL, story_id TEXT NOT NULL,
        PRIMARY KEY (key, story_id)) WITHOUT ROWID""",
    "CREATE INDEX story_keys_story ON story_keys(story_id)",
    "CREATE TABLE story_terms (key TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE story_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


@MIGRATIONS(5, "stories_and_happenings")
def _stories_and_happenings(conn: sqlite3.Connection) -> None:
    """Happenings (the events of many reports counted once: ``happenings``, and on every event
    its ``happening_id``, why it joined, and the happening's ``reports`` and ``outlets``; the
    old ``sources`` column becomes ``outlets``) and stories (``stories`` with the clusterer's
    running state, ``story_articles``, and the clusterer's index: ``story_keys``,
    ``story_terms``, ``story_meta``)."""
    run_script(conn, _V5)
