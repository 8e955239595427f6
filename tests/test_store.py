"""The SQLite store: round trips, idempotence, replacement, filters, FTS, migrations, WAL."""

from __future__ import annotations

import dataclasses
import math
import sqlite3
import tempfile
import threading
import tracemalloc
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventwatch.config import load_settings
from eventwatch.errors import QueryError, StoreError
from eventwatch.records import (
    Actor,
    Article,
    Claim,
    Event,
    EventDate,
    Place,
    PlaceCandidate,
    Quantity,
    Quote,
    Span,
    Status,
    content_id,
    stable_id,
)
from eventwatch.store import MIGRATIONS, ClaimQuery, EventQuery, Migrations, QuoteQuery, Store
from eventwatch.store.migrations import run_script

# ---------------------------------------------------------------------------- builders
TITLE = "Rebels shell army post in South Kordofan"
BODY = (
    "Rebel fighters shelled an army post outside Kadugli on Tuesday, killing four soldiers, "
    "a military spokesman said. "
    "The government in Khartoum accused the rebels of breaking a ceasefire agreed last month. "
    "Hundreds of protesters rallied in Omdurman on Wednesday to demand an end to the fighting."
)
BODY_UA = (
    "Ukraine and Poland will sign a new air-defence agreement in Warsaw next week, "
    "officials in Kyiv said on Friday. "
    "Russian forces could launch a fresh offensive near Kharkiv, Ukraine's army chief warned."
)
PUBLISHED = datetime(2024, 3, 14, 9, 30, tzinfo=UTC)


def span(text: str, piece: str, field: str = "body") -> Span:
    start = text.index(piece)
    return Span(start, start + len(piece), piece, field)  # type: ignore[arg-type]


def sentence(text: str, piece: str) -> Span:
    """The sentence of ``text`` that holds ``piece``."""
    start = text.rfind(". ", 0, text.index(piece))
    start = 0 if start < 0 else start + 2
    end = text.find(". ", start)
    end = len(text) if end < 0 else end + 1
    return Span(start, end, text[start:end], "body")


def actor(name: str, code: str, country: str | None, sector: str | None, text: str) -> Actor:
    return Actor(name, code, country, sector, "group", text, matched_alias=text.lower())


def place(text: str, name: str, gid: int, country: str, lat: float, lon: float) -> Place:
    return Place(
        text=text,
        name=name,
        geonameid=gid,
        feature="city",
        country=country,
        admin1=None,
        lat=lat,
        lon=lon,
        precision="city",
        confidence=0.82,
        candidates=[PlaceCandidate(gid, name, country, "city", 87_000, 0.82)],
    )


REBELS = actor("SPLM-N", "SDNREB", "SDN", "REB", "Rebel fighters")
ARMY = actor("Sudanese Armed Forces", "SDNMIL", "SDN", "MIL", "army")
GOV = actor("Government of Sudan", "SDNGOV", "SDN", "GOV", "The government in Khartoum")
CROWD = actor("Sudanese civilians", "SDNCVL", "SDN", "CVL", "protesters")
SPOKESMAN = actor("military spokesman", "SDNMIL", "SDN", "MIL", "a military spokesman")
KADUGLI = place("Kadugli", "Kadugli", 373141, "SDN", 11.01, 29.72)
OMDURMAN = place("Omdurman", "Omdurman", 365137, "SDN", 15.64, 32.48)
UKRAINE = actor("Ukraine", "UKRGOV", "UKR", "GOV", "Ukraine")
POLAND = actor("Poland", "POLGOV", "POL", "GOV", "Poland")
RUSSIA = actor("Russian Armed Forces", "RUSMIL", "RUS", "MIL", "Russian forces")
WARSAW = place("Warsaw", "Warszawa", 756135, "POL", 52.23, 21.01)
KHARKIV = place("Kharkiv", "Kharkiv", 706483, "UKR", 49.98, 36.25)


def event(
    art: Article,
    trigger: str,
    event_type: str,
    day: date | None,
    *,
    actor: Actor | None = None,
    recipient: Actor | None = None,
    place: Place | None = None,
    modality: str = "asserted",
    **extra: object,
) -> Event:
    trig = span(art.text, trigger)
    return Event(
        id=stable_id(art.id, "body", trig.start, event_type, actor.code if actor else ""),
        article_id=art.id,
        event_type=event_type,
        mode=extra.pop("mode", None),  # type: ignore[arg-type]
        contexts=extra.pop("contexts", []),  # type: ignore[arg-type]
        actor=actor,
        recipient=recipient,
        place=place,
        date=EventDate(day, "day", "text" if day else "none", None),
        modality=modality,
        evidence=sentence(art.text, trigger),
        trigger=trig,
        confidence={"type": 0.8, "actor": 0.9},
        **extra,  # type: ignore[arg-type]
    )


def sudan_article() -> Article:
    art = Article(
        id=content_id(TITLE, BODY),
        text=BODY,
        title=TITLE,
        url="https://news.example.org/sudan/kadugli-shelling",
        outlet="Example Wire",
        published=PUBLISHED,
        language="en",
        source="feeds/africa.jsonl:12",
        status=Status.CODED,
        meta={"section": "world", "tags": ["Sudan", "conflict"]},
    )
    art.actors = [
        dataclasses.replace(REBELS, span=span(BODY, "Rebel fighters")),
        dataclasses.replace(GOV, span=span(BODY, "The government in Khartoum")),
    ]
    art.places = [
        dataclasses.replace(KADUGLI, span=span(BODY, "Kadugli")),
        dataclasses.replace(OMDURMAN, span=span(BODY, "Omdurman")),
    ]
    art.focus = KADUGLI
    art.events = [
        event(art, "shelled", "ASSAULT", date(2024, 3, 12), actor=REBELS, recipient=ARMY,
              place=KADUGLI, mode="heavy-weapons", contexts=["military"], dead=4,
              attributed_to=SPOKESMAN),
        event(art, "accused", "ACCUSE", date(2024, 3, 14), actor=GOV, recipient=REBELS,
              mode="allege"),
        event(art, "rallied", "PROTEST", date(2024, 3, 13), actor=CROWD, place=OMDURMAN,
              mode="demo", arrested=None, injured=2),
    ]  # fmt: skip
    return art


def ukraine_article() -> Article:
    title = "Ukraine, Poland to sign air-defence pact"
    art = Article(
        id=content_id(title, BODY_UA),
        text=BODY_UA,
        title=title,
        url="https://news.example.org/europe/air-defence",
        outlet="Example Wire",
        published=datetime(2024, 5, 3, 16, 0, tzinfo=timezone(timedelta(hours=3))),
        language="en",
        source="feeds/europe.jsonl:4",
        status=Status.CODED,
    )
    art.events = [
        event(art, "sign", "AGREE", date(2024, 5, 10), actor=UKRAINE, recipient=POLAND,
              place=WARSAW, modality="planned"),
        event(art, "launch", "ASSAULT", None, actor=RUSSIA, recipient=UKRAINE, place=KHARKIV,
              modality="hypothetical"),
    ]  # fmt: skip
    return art


def failed(source: str, reason: str) -> Article:
    return Article(
        id=content_id(source, reason),
        text="",
        source=source,
        status=Status.FAILED,
        reason=reason,
    )


def dump(path: Path) -> list[str]:
    """Every row of every table, as SQL text (for 'nothing changed' checks)."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "events.db"


@pytest.fixture
def store(db: Path):
    with Store.open(db) as opened:
        yield opened


@pytest.fixture
def filled(store: Store) -> Store:
    store.write(sudan_article())
    store.write(ukraine_article())
    store.write(failed("https://news.example.org/broken", "HTTP 404"))
    return store


# ---------------------------------------------------------------------------- opening
def test_open_uses_wal_foreign_keys_and_a_busy_timeout(db: Path, store: Store) -> None:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store._conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_the_file_is_plain_sqlite(db: Path, filled: Store) -> None:
    conn = sqlite3.connect(db)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"articles", "events", "actors", "places", "runs", "schema_migrations"} <= tables
    rows = conn.execute(
        "SELECT event_type, actor_code, place_name FROM events_flat "
        "WHERE article_outlet = 'Example Wire' ORDER BY date"
    ).fetchall()
    assert ("ASSAULT", "SDNREB", "Kadugli") in rows
    contexts = conn.execute("SELECT contexts FROM events WHERE actor_code = 'SDNREB'").fetchone()
    assert contexts[0] == '["military"]'
    conn.close()


def test_migrations_are_applied_once_and_recorded(db: Path) -> None:
    Store.open(db).close()
    Store.open(db).close()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT version, name FROM schema_migrations ORDER BY 1").fetchall() == [
        (1, "initial_schema"),
        (2, "claims_and_quotes"),
        (3, "claim_counted"),
        (4, "near_duplicates"),
        (5, "stories_and_happenings"),
    ]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == MIGRATIONS.latest
    conn.close()


def test_a_new_migration_runs_once_on_an_existing_file(db: Path) -> None:
    Store.open(db).close()
    calls: list[int] = []
    registry = Migrations()
    for migration in MIGRATIONS:
        registry(migration.version, migration.name)(migration.fn)

    @registry(MIGRATIONS.latest + 1, "add_notes")
    def _add_notes(conn: sqlite3.Connection) -> None:
        calls.append(1)
        run_script(conn, ("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)",))

    for _ in range(2):
        with Store.open(db, migrations=registry) as store:
            assert store._conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
    assert calls == [1]
    conn = sqlite3.connect(db)
    versions = [v for (v,) in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]
    assert versions == [*range(1, MIGRATIONS.latest + 1), MIGRATIONS.latest + 1]
    conn.close()


def test_a_newer_database_is_refused(db: Path) -> None:
    Store.open(db).close()
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO schema_migrations VALUES (99, 'future', '2030-01-01')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store.open(db)


def test_a_file_that_is_not_a_database_gives_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not sqlite at all, just a few bytes of text\n" * 20)
    with pytest.raises(StoreError):
        Store.open(path)
    with pytest.raises(StoreError, match="no such file"):
        Store.open(tmp_path / "missing.db", read_only=True)


# ---------------------------------------------------------------------------- writing
def test_round_trip_returns_the_article_field_by_field(store: Store) -> None:
    original = sudan_article()
    result = store.write(original)
    assert (result.action, result.events) == ("inserted", 3)
    back = store.article(original.id)
    assert back is not None
    assert back.events == original.events
    assert back.actors == original.actors
    assert back.places == original.places
    assert back.focus == original.focus
    assert back == original
    assert back.published is not None and back.published.utcoffset() == timedelta(0)
    assert back.events[0].place is not None and back.events[0].place.candidates[0].population
    assert store.article("0" * 16) is None


def test_round_trip_keeps_the_publication_offset(store: Store) -> None:
    original = ukraine_article()
    store.write(original)
    back = store.article(original.id)
    assert back == original
    assert back is not None and back.published is not None
    assert back.published.utcoffset() == timedelta(hours=3)


def test_writing_the_same_article_twice_changes_nothing(db: Path, store: Store) -> None:
    store.write(sudan_article())
    store.write(failed("a.html", "empty page"))
    before = dump(db)
    assert store.write(sudan_article()).action == "unchanged"
    results = store.write_many([sudan_article(), failed("a.html", "empty page")])
    assert [r.action for r in results] == ["unchanged", "unchanged"]
    assert dump(db) == before
    assert store.count_events() == 3
    assert sum(1 for _ in store.list_articles()) == 2


def test_a_recoded_article_replaces_its_events_atomically(db: Path, store: Store) -> None:
    first = sudan_article()
    store.write(first)
    ingested = store._conn.execute("SELECT ingested_at FROM articles").fetchone()[0]
    recoded = sudan_article()
    recoded.events = recoded.events[:1]
    recoded.events[0].modality = "historical"
    recoded.actors = recoded.actors[:1]
    recoded.focus = None
    result = store.write(recoded)
    assert (result.action, result.events) == ("replaced", 1)
    assert store.article(first.id) == recoded
    assert store.count_events() == 1
    assert store.count_events(EventQuery(text="protesters")) == 0  # FTS follows the events
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM actors").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM places WHERE is_focus = 1").fetchone()[0] == 0
    assert conn.execute("SELECT ingested_at FROM articles").fetchone()[0] == ingested
    conn.close()


@pytest.mark.parametrize("status", [Status.FAILED, Status.SKIPPED, Status.PENDING])
def test_a_non_coded_record_never_overwrites_a_coded_one(store: Store, status: Status) -> None:
    coded = sudan_article()
    store.write(coded)
    worse = dataclasses.replace(sudan_article(), status=status, reason="timeout", events=[])
    assert store.write(worse).action == "kept"
    assert store.write_many([worse])[0].action == "kept"
    assert store.article(coded.id) == coded
    assert store.status_of(coded.id) == Status.CODED


def test_a_coded_record_replaces_a_failed_or_pending_one(store: Store) -> None:
    pending = dataclasses.replace(sudan_article(), status=Status.PENDING, events=[])
    store.write(pending)
    assert store.status_of(pending.id) == "pending"
    assert store.write(sudan_article()).action == "replaced"
    assert store.status_of(pending.id) == "coded"


def test_failed_and_skipped_records_keep_reason_and_source(filled: Store) -> None:
    skipped = Article(
        id=content_id("Nachrichten", "Ein Text auf Deutsch."),
        text="Ein Text auf Deutsch.",
        title="Nachrichten",
        source="inbox/de.txt",
        status=Status.SKIPPED,
        reason="language 'de' not in ['en']",
    )
    filled.write(skipped)
    rows = list(filled.list_articles(status="failed"))
    assert [(r["source"], r["reason"], r["events"]) for r in rows] == [
        ("https://news.example.org/broken", "HTTP 404", 0)
    ]
    rows = list(filled.list_articles(status="skipped"))
    assert rows[0]["reason"] == "language 'de' not in ['en']"
    assert {r["status"] for r in filled.list_articles()} == {"coded", "failed", "skipped"}
    assert len(list(filled.list_articles(limit=2))) == 2
    with pytest.raises(QueryError):
        list(filled.list_articles(status="lost"))


def test_one_bad_article_fails_alone_in_a_batch(store: Store) -> None:
    bad = ukraine_article()
    bad.events[0].confidence = {"type": math.nan}
    worse = dataclasses.replace(sudan_article(), id="feedface00000000")  # events name another id
    good = failed("x.html", "no text")
    results = store.write_many([bad, worse, good, sudan_article()], batch_size=10)
    assert [r.action for r in results] == ["error", "error", "inserted", "inserted"]
    assert results[0].error and "finite" in results[0].error
    assert results[1].error and "article_id" in results[1].error
    assert store.status_of(bad.id) is None
    assert store.status_of("feedface00000000") is None
    assert store.count_events() == 3


def test_a_write_that_fails_in_the_database_leaves_nothing_behind(store: Store) -> None:
    store.write(ukraine_article())
    broken = sudan_article()
    broken.events[2].event_type = None  # type: ignore[assignment]  # NOT NULL in the schema
    with pytest.raises(StoreError):
        store.write(broken)
    assert store.status_of(broken.id) is None
    assert store.count_events() == 2
    result = store.write_many([broken, failed("y", "z")])
    assert [r.action for r in result] == ["error", "inserted"]
    assert store.status_of(broken.id) is None
    assert store.count_events() == 2


def test_values_sqlite_cannot_take_fail_alone(store: Store) -> None:
    surrogate = dataclasses.replace(failed("s", "t"), text="broken \ud800 text")
    listed = ukraine_article()
    listed.events[1].actor = dataclasses.replace(RUSSIA, sector=["MIL"])  # type: ignore[arg-type]
    results = store.write_many([surrogate, listed, failed("u", "v")])
    assert [r.action for r in results] == ["error", "error", "inserted"]
    with pytest.raises(StoreError):
        store.write(listed)
    assert store.count_events() == 0


def test_status_of_and_resolve_article_id(filled: Store) -> None:
    art = sudan_article()
    assert filled.status_of(art.id) == Status.CODED
    assert filled.status_of("nope") is None
    assert filled.resolve_article_id(art.id[:6]) == art.id
    assert filled.resolve_article_id("zz-not-an-id") == "zz-not-an-id"
    filled.write(dataclasses.replace(failed("p", "q"), id="abc0000000000001"))
    filled.write(dataclasses.replace(failed("p", "r"), id="abc0000000000002"))
    with pytest.raises(QueryError, match="ambiguous"):
        filled.resolve_article_id("abc")


# ---------------------------------------------------------------------------- runs, summary
def test_runs_are_recorded(filled: Store) -> None:
    run_id = filled.start_run(
        sources=["feeds/africa.jsonl"], settings={"nlp": {"model": "md"}, "store": {}}
    )
    filled.write(failed("feeds/africa.jsonl:99", "bad JSON"), run_id=run_id)
    filled.finish_run(run_id, {"read": 1, "failed": 1, "seconds": 0.25})
    (run,) = filled.runs()
    assert (run.id, run.model, run.sources) == (run_id, "md", ["feeds/africa.jsonl"])
    assert run.counts == {"read": 1, "failed": 1, "seconds": 0.25}
    assert run.finished is not None and run.finished >= run.started
    assert [r["run_id"] for r in filled.list_articles(status="failed", limit=1)] == [run_id]
    with pytest.raises(StoreError, match="no run"):
        filled.finish_run(run_id + 100, {})


def test_a_run_records_the_settings_object(store: Store) -> None:
    config = load_settings(environ={})
    run_id = store.start_run(settings=config, sources=[Path("feeds.txt")])  # type: ignore[list-item]
    (run,) = store.runs()
    assert (run.id, run.model, run.finished) == (run_id, config.nlp.model, None)
    assert run.settings["nlp"]["model"] == config.nlp.model
    assert run.sources == ["feeds.txt"]


def test_summary_counts(filled: Store) -> None:
    summary = filled.summary()
    assert summary["articles"] == 3
    assert summary["articles_by_status"] == {"coded": 2, "failed": 1}
    assert summary["events"] == 5
    assert summary["events_by_type"] == {"ASSAULT": 2, "ACCUSE": 1, "AGREE": 1, "PROTEST": 1}
    assert summary["events_by_modality"]["asserted"] == 3
    assert summary["events_by_place_country"] == {"SDN": 2, "POL": 1, "UKR": 1}
    assert (summary["first_event_date"], summary["last_event_date"]) == (
        "2024-03-12",
        "2024-05-10",
    )
    assert summary["reasons"] == {"failed: HTTP 404": 1}
    assert summary["schema_version"] == MIGRATIONS.latest


# ---------------------------------------------------------------------------- queries
def types_of(store: Store, query: EventQuery) -> list[str]:
    return [e.event_type for e in store.events(query)]


def test_events_are_ordered_by_date_then_article_then_position(filled: Store) -> None:
    events = list(filled.events())
    days = [e.date.value for e in events]
    assert days == [
        date(2024, 3, 12),
        date(2024, 3, 13),
        date(2024, 3, 14),
        date(2024, 5, 10),
        None,
    ]
    assert iter(filled.events()) is not None
    stream = filled.events()
    assert next(stream).event_type == "ASSAULT"  # a lazy iterator, not a list


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (EventQuery(actor="splm"), ["ASSAULT"]),
        (EventQuery(actor="sdngov"), ["ACCUSE"]),
        (EventQuery(actor="Russian forces"), ["ASSAULT"]),
        (EventQuery(actor="GOV"), ["ACCUSE", "AGREE"]),
        (EventQuery(recipient="ukraine"), ["ASSAULT"]),
        (EventQuery(recipient="SDNREB"), ["ACCUSE"]),
        (EventQuery(type="assault"), ["ASSAULT", "ASSAULT"]),
        (EventQuery(types=["PROTEST", "AGREE"]), ["PROTEST", "AGREE"]),
        (EventQuery(country="pol"), ["AGREE"]),
        (EventQuery(country="UKR"), ["AGREE", "ASSAULT"]),
        (EventQuery(country="SDN", type="ASSAULT"), ["ASSAULT"]),
        (EventQuery(place="warszawa"), ["AGREE"]),
        (EventQuery(place="Warsaw"), ["AGREE"]),
        (EventQuery(place="365137"), ["PROTEST"]),
        (EventQuery(place="Omdur"), []),
        (EventQuery(modality="planned"), ["AGREE"]),
        (EventQuery(modalities=["hypothetical", "planned"]), ["AGREE", "ASSAULT"]),
        (EventQuery(since="2024-03-13"), ["PROTEST", "ACCUSE", "AGREE"]),
        (EventQuery(until=date(2024, 3, 13)), ["ASSAULT", "PROTEST"]),
        (EventQuery(since="2024-03-13", until="2024-03-13"), ["PROTEST"]),
        (EventQuery(article_id=content_id(TITLE, BODY), limit=2), ["ASSAULT", "PROTEST"]),
        (EventQuery(limit=2, offset=1), ["PROTEST", "ACCUSE"]),
        (EventQuery(offset=4), ["ASSAULT"]),
        (EventQuery(limit=0), []),
    ],
)
def test_each_filter(filled: Store, query: EventQuery, expected: list[str]) -> None:
    assert types_of(filled, query) == expected
    assert filled.count_events(query) == len(expected)


def test_actor_filter_folds_unicode_case(store: Store) -> None:
    art = ukraine_article()
    art.events[0].actor = actor("Türkiye", "TURGOV", "TUR", "GOV", "TÜRKIYE")
    store.write(art)
    assert types_of(store, EventQuery(actor="türkiye")) == ["AGREE"]
    assert types_of(store, EventQuery(actor="TÜRK")) == ["AGREE"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ceasefire", ["ACCUSE"]),
        ("CEASEFIRE", ["ACCUSE"]),
        ('"army post"', ["ASSAULT"]),
        ("protest*", ["PROTEST"]),
        ("Kharkiv OR Warsaw", ["AGREE", "ASSAULT"]),
        ("officials NOT Warsaw", []),
        ("NEAR(shelled Kadugli, 5)", ["ASSAULT"]),
        ('"air-defence"', ["AGREE"]),
        ("defence", ["AGREE"]),
    ],
)
def test_full_text_queries(filled: Store, text: str, expected: list[str]) -> None:
    assert types_of(filled, EventQuery(text=text)) == expected


@pytest.mark.parametrize("text", ['"army post', "AND", "air-defence", "sign:", "NEAR(a b", "(("])
def test_a_malformed_full_text_query_is_a_query_error(filled: Store, text: str) -> None:
    with pytest.raises(QueryError, match="full-text query"):
        filled.events(EventQuery(text=text))
    with pytest.raises(QueryError, match="full-text query"):
        filled.count_events(EventQuery(text=text))
    with pytest.raises(QueryError, match="full-text query"):
        filled.search_articles(text)


def test_search_articles_uses_title_and_text(filled: Store) -> None:
    hits = filled.search_articles("Kordofan")
    assert [h["id"] for h in hits] == [content_id(TITLE, BODY)]
    assert filled.search_articles("Omdurman")[0]["events"] == 3


@pytest.mark.parametrize(
    "kwargs",
    [
        {"type": "BOMBING"},
        {"types": ["ASSAULT", ""]},
        {"modality": "maybe"},
        {"country": "Iraq"},
        {"country": "IQ"},
        {"since": "yesterday"},
        {"since": "2024-05-01", "until": "2024-04-01"},
        {"until": 20240101},
        {"limit": -1},
        {"offset": -5},
        {"limit": 2.5},
        {"actor": "   "},
        {"text": ""},
    ],
)
def test_invalid_query_arguments_raise_query_error(kwargs: dict[str, object]) -> None:
    with pytest.raises(QueryError):
        EventQuery(**kwargs)  # type: ignore[arg-type]


def test_read_only_store_reads_but_refuses_writes(db: Path, filled: Store) -> None:
    with Store.open(db, read_only=True) as reader:
        assert reader.count_events() == 5
        with pytest.raises(StoreError, match="read-only"):
            reader.write(sudan_article())


def test_a_reader_sees_whole_articles_while_a_writer_writes(db: Path, store: Store) -> None:
    """WAL: a reader is never blocked and never sees an article without all its events."""
    template = sudan_article()
    articles = []
    for n in range(40):
        art = dataclasses.replace(sudan_article(), id=f"{n:016x}", events=[])
        art.events = [dataclasses.replace(e, article_id=art.id) for e in template.events]
        articles.append(art)
    done = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with Store.open(db) as own:
                for art in articles:
                    own.write(art)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=writer)
    seen: list[tuple[int, int]] = []
    with Store.open(db, read_only=True) as reader:
        thread.start()
        while not done.is_set() or len(seen) < 3:
            snapshot = reader._conn.execute(
                "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events)"
            ).fetchone()
            seen.append((snapshot[0], snapshot[1]))
        thread.join()
        assert not errors
        assert all(n_events == 3 * n_articles for n_articles, n_events in seen)
        assert reader.count_events() == 120


def test_streaming_memory_does_not_grow_with_the_result(store: Store) -> None:
    template = sudan_article()
    batch = []
    for n in range(1200):
        art = dataclasses.replace(template, id=f"{n:016x}", events=[])
        art.events = [dataclasses.replace(e, article_id=art.id) for e in template.events]
        batch.append(art)
    store.write_many(batch, batch_size=400)

    def peak(limit: int) -> int:
        tracemalloc.start()
        count = sum(1 for _ in store.events(EventQuery(limit=limit)))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert count == limit
        return top

    small, large = peak(400), peak(3600)
    assert large < 2 * small + 200_000


def test_dataframe_is_a_flat_typed_view(filled: Store) -> None:
    frame = filled.dataframe(EventQuery(type="ASSAULT"))
    assert len(frame) == 2
    assert str(frame["date"].dtype).startswith("datetime64")
    assert frame["date"].isna().tolist() == [False, True]
    assert frame["dead"].tolist()[0] == 4 and str(frame["dead"].dtype) == "Int64"
    assert frame.loc[0, "actor_code"] == "SDNREB"
    assert frame.loc[1, "place_lon"] == pytest.approx(36.25)
    assert filled.dataframe(EventQuery(type="CONCEDE")).empty


# ---------------------------------------------------------------------------- properties
_text = st.text(max_size=40)
_opt_text = st.none() | _text
_floats = st.floats(allow_nan=False, allow_infinity=False)
_ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)
_span = st.builds(Span, _ints, _ints, _text, st.sampled_from(["title", "body"]))
_actor = st.builds(
    Actor,
    name=_text,
    code=_text,
    country=_opt_text,
    sector=_opt_text,
    kind=_text,
    text=_text,
    span=st.none() | _span,
    matched_alias=_opt_text,
    confidence=_floats,
)
_candidate = st.builds(PlaceCandidate, _ints, _text, _opt_text, _text, _ints, _floats)
_place = st.builds(
    Place,
    text=_text,
    name=_text,
    geonameid=st.none() | _ints,
    feature=_text,
    country=_opt_text,
    admin1=_opt_text,
    lat=st.none() | _floats,
    lon=st.none() | _floats,
    precision=_text,
    confidence=_floats,
    span=st.none() | _span,
    candidates=st.lists(_candidate, max_size=3),
)
# real UTC offsets are whole minutes (Python 3.11 cannot read back sub-second ones)
_tz = st.none() | st.integers(-23 * 60, 23 * 60).map(lambda m: timezone(timedelta(minutes=m)))
_meta = st.dictionaries(
    _text,
    st.recursive(
        st.none() | st.booleans() | _ints | _floats | _text,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
        max_leaves=6,
    ),
    max_size=4,
)


@st.composite
def articles(draw: st.DrawFn) -> Article:
    art = Article(
        id=draw(st.text(min_size=1, max_size=20)),
        text=draw(st.text(max_size=200)),
        title=draw(_text),
        url=draw(_opt_text),
        outlet=draw(_opt_text),
        published=draw(st.none() | st.datetimes(timezones=_tz)),
        language=draw(_opt_text),
        source=draw(_opt_text),
        status=draw(st.sampled_from(list(Status))),
        reason=draw(_opt_text),
        actors=draw(st.lists(_actor, max_size=3)),
        places=draw(st.lists(_place, max_size=3)),
        focus=draw(st.none() | _place),
        meta=draw(_meta),
    )
    art.events = draw(st.lists(_events(art.id), max_size=4))
    art.claims = draw(st.lists(_claims(art.id), max_size=3))
    art.quotes = draw(st.lists(_quotes(art.id), max_size=3))
    return art


_event_date = st.builds(
    EventDate,
    st.none() | st.dates(),
    _text,
    st.sampled_from(["text", "publication", "none"]),
    _opt_text,
)
_opt_floats = st.none() | _floats
_quantity = st.builds(
    Quantity, _opt_floats, _opt_floats, _opt_floats, _text, st.booleans(), _text, _opt_text
)


def _claims(article_id: str) -> st.SearchStrategy[Claim]:
    return st.builds(
        Claim,
        id=_text,
        article_id=st.just(article_id),
        indicator=_text,
        quantity=_quantity,
        unit=_text,
        evidence=_span,
        span=_span,
        subject=st.none() | _actor,
        place=st.none() | _place,
        claimant=st.none() | _actor,
        claimant_text=_opt_text,
        hedges=st.lists(_text, max_size=3),
        prior=st.booleans(),
        as_of=st.none() | _event_date,
        event_id=_opt_text,
        modality=_text,
        confidence=_floats,
    )


def _quotes(article_id: str) -> st.SearchStrategy[Quote]:
    return st.builds(
        Quote,
        id=_text,
        article_id=st.just(article_id),
        kind=_text,
        content=_span,
        evidence=_span,
        speaker=st.none() | _actor,
        speaker_text=_opt_text,
        cue=_opt_text,
        speaker_span=st.none() | _span,
        confidence=_floats,
    )


def _events(article_id: str) -> st.SearchStrategy[Event]:
    return st.builds(
        Event,
        id=_text,
        article_id=st.just(article_id),
        event_type=_text,
        mode=_opt_text,
        contexts=st.lists(_text, max_size=3),
        actor=st.none() | _actor,
        recipient=st.none() | _actor,
        place=st.none() | _place,
        date=st.builds(
            EventDate,
            st.none() | st.dates(),
            _text,
            st.sampled_from(["text", "publication", "none"]),
            _opt_text,
        ),
        modality=_text,
        evidence=_span,
        trigger=_span,
        attributed_to=st.none() | _actor,
        dead=st.none() | _ints,
        injured=st.none() | _ints,
        arrested=st.none() | _ints,
        confidence=st.dictionaries(_text, _floats, max_size=4),
        story_id=_opt_text,
        happening_id=_opt_text,
        happening_reason=_opt_text,
        reports=_ints,
        outlets=_ints,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=articles(), second=articles())
def test_property_any_article_round_trips(first: Article, second: Article) -> None:
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "prop.db") as store:
        assert store.write(first).action == "inserted"
        assert store.article(first.id) == first
        if second.id != first.id:
            store.write(second)
            assert store.article(second.id) == second
            assert store.article(first.id) == first
        assert store.write(first).action == "unchanged"
        assert store.count_events(EventQuery(article_id=first.id)) == len(first.events)
        assert store.count_claims(ClaimQuery(article_id=first.id)) == len(first.claims)
        assert store.count_quotes(QuoteQuery(article_id=first.id)) == len(first.quotes)


@settings(max_examples=40, deadline=None)
@given(art=articles())
def test_property_recoding_replaces_everything(art: Article) -> None:
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "recode.db") as store:
        pending = dataclasses.replace(art, status=Status.PENDING, events=[], actors=[], claims=[])
        store.write(pending)
        coded = dataclasses.replace(art, status=Status.CODED)
        assert store.write(coded).action == "replaced"
        assert store.article(art.id) == coded
