"""Claims and quotes in the store: round trips, replacement, the v1 -> v2 upgrade, queries,
exports, DataFrames and the side-by-side grouping of estimates with their contradictions.

Every record is built by hand (no model): fictional wire news written for these tests.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from eventwatch.errors import QueryError, StoreError
from eventwatch.records import (
    Actor,
    Article,
    Claim,
    EventDate,
    Indicator,
    Place,
    Quantity,
    Quote,
    Span,
    Status,
    content_id,
    stable_id,
)
from eventwatch.store import (
    CLAIM_FLAT_COLUMNS,
    MIGRATIONS,
    QUOTE_FLAT_COLUMNS,
    ClaimQuery,
    EventQuery,
    Migrations,
    QuoteQuery,
    Store,
    bounds,
    codec,
    describe,
    group_claims,
)
from eventwatch.store.sqlite import _insert_sql

DOC = (Path(__file__).resolve().parents[1] / "docs" / "store.md").read_text(encoding="utf-8")

# ---------------------------------------------------------------------------- builders
JUNE_TITLE = "Estimates of rebel strength in North Kivu diverge"
JUNE = (
    "GOMA, June 3 (Test Wire) - Independent analysts estimate the M23 rebels have anywhere from "
    "20,000 to 32,000 fighters in North Kivu. "
    "Army officers said on Monday the group had about 17,500 armed members. "
    "Earlier estimates had put the rebels' strength at 3,000 fighters. "
    '"We will not negotiate under fire," the army spokesman told reporters. '
    "More than 200,000 people have fled the fighting since January, the UN refugee agency said."
)
JULY_TITLE = "UN panel says M23 holds 40 percent of North Kivu"
JULY = (
    "GOMA, July 15 (Test Wire) - The M23 rebels now field about 21,000 fighters, a United Nations "
    "panel of experts said in a report released on Monday. "
    "The panel said the group controls 40 percent of North Kivu province."
)

M23 = Actor("M23", "CODREB", "COD", "REB", "group", "M23 rebels")
ARMY = Actor("Congolese army", "CODMIL", "COD", "MIL", "sector", "Army officers")
UNHCR = Actor("UNHCR", "IGOUNOREF", None, "IGO", "igo", "the UN refugee agency")
PANEL = Actor("United Nations", "IGOUNO", None, "IGO", "igo", "a United Nations panel of experts")
KIVU = Place(
    "North Kivu", "North Kivu", 206938, "admin1", "COD", "North Kivu", -0.5, 29.0, "admin1", 0.8
)
GOMA = Place("Goma", "Goma", 216281, "city", "COD", "North Kivu", -1.68, 29.22, "city", 0.9)
GISENYI = Place("Gisenyi", "Gisenyi", 201521, "city", "RWA", "Western", -1.70, 29.26, "city", 0.9)


def _span(text: str, piece: str, after: int = 0) -> Span:
    start = text.index(piece, after)
    return Span(start, start + len(piece), piece, "body")


def _sentence(text: str, piece: str) -> Span:
    at = text.index(piece)
    start = max(text.rfind(". ", 0, at), text.rfind("- ", 0, at)) + 2
    end = text.find(". ", at)
    end = len(text) if end < 0 else end + 1
    return Span(start, end, text[start:end], "body")


def _qty(text: str, qualifier: str, value: float | None = None, **kw: object) -> Quantity:
    low = kw.pop("low", value if qualifier in {"exact", "approx", "at_least"} else None)
    high = kw.pop("high", value if qualifier in {"exact", "approx", "at_most"} else None)
    return Quantity(value, low, high, qualifier, qualifier == "approx", text, **kw)  # type: ignore[arg-type]


def claim(art: Article, words: str, indicator: str, quantity: Quantity, **kw: object) -> Claim:
    span = _span(art.text, words)
    return Claim(
        id=stable_id(art.id, "claim", span.start),
        article_id=art.id,
        indicator=indicator,
        quantity=quantity,
        unit=kw.pop("unit", "people"),  # type: ignore[arg-type]
        evidence=_sentence(art.text, words),
        span=span,
        **kw,  # type: ignore[arg-type]
    )


def quote(art: Article, content: str, kind: str, speaker_text: str, **kw: object) -> Quote:
    body = _span(art.text, content)
    mention = _span(art.text, speaker_text)
    evidence = _sentence(art.text, content)
    if mention.end > evidence.end:  # "..., the agency said." ends the sentence
        evidence = Span(evidence.start, mention.end + 1, art.text[evidence.start : mention.end + 1])
    return Quote(
        id=stable_id(art.id, "quote", body.start),
        article_id=art.id,
        kind=kind,
        content=body,
        evidence=evidence,
        speaker=kw.pop("speaker", None),  # type: ignore[arg-type]
        speaker_text=speaker_text,
        cue=kw.pop("cue", "say"),  # type: ignore[arg-type]
        speaker_span=mention,
        **kw,  # type: ignore[arg-type]
    )


def june() -> Article:
    art = Article(
        id=content_id(JUNE_TITLE, JUNE), text=JUNE, title=JUNE_TITLE, status=Status.CODED,
        url="https://wire.example/2024/06/03/m23-strength", outlet="Test Wire",
        published=datetime(2024, 6, 3, 8, 0, tzinfo=UTC), language="en", source="wire/june.txt",
    )  # fmt: skip
    monday = EventDate(date(2024, 6, 3), "day", "text", "on Monday")
    art.claims = [
        claim(art, "anywhere from 20,000 to 32,000", Indicator.FIGHTERS,
              _qty("anywhere from 20,000 to 32,000", "range", low=20_000, high=32_000),
              subject=M23, place=KIVU, claimant_text="Independent analysts", hedges=["estimate"]),
        claim(art, "about 17,500", Indicator.FIGHTERS, _qty("about 17,500", "approx", 17_500),
              subject=M23, claimant=ARMY, claimant_text="Army officers", hedges=["about"],
              as_of=monday),
        claim(art, "3,000", Indicator.FIGHTERS, _qty("3,000", "exact", 3_000), subject=M23,
              prior=True),
        claim(art, "More than 200,000", Indicator.DISPLACED,
              _qty("More than 200,000", "at_least", 200_000), claimant=UNHCR,
              claimant_text="the UN refugee agency"),
    ]  # fmt: skip
    art.quotes = [
        quote(art, "We will not negotiate under fire", "direct", "the army spokesman",
              speaker=ARMY, cue="tell"),
        quote(art, "More than 200,000 people have fled the fighting since January", "reported",
              "the UN refugee agency", speaker=UNHCR),
    ]  # fmt: skip
    return art


def july() -> Article:
    art = Article(
        id=content_id(JULY_TITLE, JULY), text=JULY, title=JULY_TITLE, status=Status.CODED,
        url="https://wire.example/2024/07/15/un-panel", outlet="Test Wire",
        published=datetime(2024, 7, 15, 12, 30, tzinfo=UTC), language="en", source="wire/july.txt",
    )  # fmt: skip
    monday = EventDate(date(2024, 7, 15), "day", "text", "on Monday")
    art.claims = [
        claim(art, "about 21,000", Indicator.FIGHTERS, _qty("about 21,000", "approx", 21_000),
              subject=M23, claimant=PANEL, claimant_text="a United Nations panel of experts",
              as_of=monday),
        claim(art, "40 percent", Indicator.TERRITORY_SHARE, _qty("40 percent", "exact", 40),
              unit="percent", subject=M23, place=KIVU, claimant=PANEL, claimant_text="The panel"),
    ]  # fmt: skip
    art.quotes = [
        quote(
            art,
            "the group controls 40 percent of North Kivu province",
            "reported",
            "The panel",
            speaker=PANEL,
        ),
    ]
    return art


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "claims.db") as opened:
        yield opened


@pytest.fixture
def filled(store: Store) -> Store:
    store.write(june())
    store.write(july())
    return store


def _values(store: Store, query: ClaimQuery) -> list[str]:
    return [c.quantity.text for c in store.claims(query)]


# ---------------------------------------------------------------------------- writing
def test_the_builders_point_at_their_words() -> None:
    for art in (june(), july()):
        for c in art.claims:
            assert art.span_text(c.span) == c.span.text == c.quantity.text
            assert art.span_text(c.evidence) == c.evidence.text
            assert c.evidence.start <= c.span.start < c.span.end <= c.evidence.end
        for q in art.quotes:
            assert art.span_text(q.content) == q.content.text
            assert q.speaker_span is not None and art.span_text(q.speaker_span) == q.speaker_text
            assert q.evidence.start <= q.content.start and q.content.end <= q.evidence.end


def test_claims_and_quotes_round_trip(store: Store) -> None:
    original = june()
    result = store.write(original)
    assert (result.action, result.claims, result.quotes) == ("inserted", 4, 2)
    back = store.article(original.id)
    assert back is not None
    assert back.claims == original.claims
    assert back.quotes == original.quotes
    assert back == original
    assert back.claims[1].as_of == EventDate(date(2024, 6, 3), "day", "text", "on Monday")
    assert back.claims[2].prior is True and back.claims[2].as_of is None
    assert isinstance(back.claims[0].quantity.approximate, bool)
    assert store.write(june()).action == "unchanged"


def test_rewriting_an_article_replaces_its_claims_and_quotes(tmp_path: Path, store: Store) -> None:
    store.write(june())
    recoded = june()
    recoded.claims = recoded.claims[1:2]
    recoded.quotes = []
    result = store.write(recoded)
    assert (result.action, result.claims, result.quotes) == ("replaced", 1, 0)
    assert store.article(recoded.id) == recoded
    assert store.count_claims() == 1
    assert store.count_quotes() == 0
    assert store.count_claims(ClaimQuery(text="analysts")) == 0  # the index follows the rows
    assert store.count_claims(ClaimQuery(text="officers")) == 1
    assert store.count_quotes(QuoteQuery(text="negotiate")) == 0


def test_deleting_an_article_deletes_its_claims_and_quotes(filled: Store) -> None:
    with filled._transaction() as conn:
        conn.execute("DELETE FROM articles WHERE id = ?", (june().id,))
    assert filled.count_claims() == 2
    assert filled.count_quotes() == 1
    assert filled.count_claims(ClaimQuery(text="analysts")) == 0


def test_an_article_without_claims_keeps_its_earlier_fingerprint() -> None:
    """Articles coded before claims existed are not rewritten by a re-run that finds none."""
    art = june()
    art.claims, art.quotes = [], []
    rows = codec.encode_article(art)
    assert rows.fingerprint == codec._fingerprint(rows.article, rows.events, rows.actors,
                                                   rows.places)  # fmt: skip
    assert codec.encode_article(june()).fingerprint != rows.fingerprint


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: dataclasses.replace(c, article_id="another"), "article_id"),
        (lambda c: dataclasses.replace(c, quantity=40), "Quantity"),
        (lambda c: dataclasses.replace(c, confidence=math.nan), "finite"),
        (lambda c: dataclasses.replace(c, quantity=dataclasses.replace(c.quantity, low=math.inf)),
         "finite"),
        (lambda c: dataclasses.replace(c, prior="yes"), "true or false"),
    ],
)  # fmt: skip
def test_a_bad_claim_fails_its_article_alone(store: Store, change: object, message: str) -> None:
    bad = june()
    bad.claims[0] = change(bad.claims[0])  # type: ignore[operator]
    results = store.write_many([bad, july()])
    assert results[0].action == "error" and message in (results[0].error or "")
    with pytest.raises(StoreError, match=message):
        store.write(bad)
    assert store.status_of(bad.id) is None
    assert results[1].action == "inserted"
    assert store.count_claims(ClaimQuery(article=july().id)) == 2


def test_a_claim_missing_a_not_null_field_leaves_nothing_behind(store: Store) -> None:
    bad = july()
    bad.claims[1].indicator = None  # type: ignore[assignment]
    with pytest.raises(StoreError):
        store.write(bad)
    assert store.status_of(bad.id) is None
    assert store.count_claims() == 0 and store.count_quotes() == 0


# ---------------------------------------------------------------------------- migration
def _v1_only() -> Migrations:
    registry = Migrations()
    first = next(iter(MIGRATIONS))
    registry(first.version, first.name)(first.fn)
    return registry


def _schema(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
        ).fetchall()
    finally:
        conn.close()
    return [(t, n, " ".join(s.split())) for t, n, s in rows]


def _write_v1(path: Path, article: Article) -> None:
    """A database as eventwatch wrote it before claims: migration 1 only, the article's rows
    inserted with the columns version 1 has."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        _v1_only().apply(conn)
        rows = codec.encode_article(article)
        now = "2024-06-03T09:00:00+00:00"
        values = {**rows.article, "fingerprint": rows.fingerprint, "run_id": None,
                  "ingested_at": now, "updated_at": now}  # fmt: skip
        conn.execute(_insert_sql("articles", values), values)
        later = ("outlets", "reports", "happening_id", "happening_reason")  # version 5
        events = [
            {**{k: v for k, v in e.items() if k not in later}, "sources": e["outlets"]}
            for e in rows.events
        ]
        if events:
            conn.executemany(_insert_sql("events", events[0]), events)
        conn.executemany(_insert_sql("actors", codec.ACTOR_ROW_COLUMNS), rows.actors)
        conn.executemany(_insert_sql("places", codec.PLACE_ROW_COLUMNS), rows.places)
    finally:
        conn.close()


def test_a_version_1_database_upgrades_in_place(tmp_path: Path) -> None:
    old = tmp_path / "v1.db"
    before = june()
    before.claims, before.quotes = [], []
    before.places, before.focus = [KIVU, GOMA], GOMA
    _write_v1(old, before)
    assert {n for _, n, _ in _schema(old)} >= {"articles", "events"}
    assert "claims" not in {n for _, n, _ in _schema(old)}
    with Store.open(old) as store:
        assert store.schema_version == MIGRATIONS.latest == 5
        assert store.article(before.id) == before  # nothing lost, no claims yet
        assert store.write(before).action == "unchanged"  # same fingerprint as before
        assert store.write(june()).action == "replaced"
        assert store.count_claims() == 4 and store.count_quotes() == 2
        assert store.count_claims(ClaimQuery(text="analysts")) == 1
    fresh = tmp_path / "fresh.db"
    Store.open(fresh).close()
    assert _schema(old) == _schema(fresh)
    conn = sqlite3.connect(old)
    assert conn.execute("SELECT version, name FROM schema_migrations ORDER BY 1").fetchall() == [
        (1, "initial_schema"),
        (2, "claims_and_quotes"),
        (3, "claim_counted"),
        (4, "near_duplicates"),
        (5, "stories_and_happenings"),
    ]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
    conn.close()


def test_a_version_1_database_is_refused_read_only(tmp_path: Path) -> None:
    old = tmp_path / "v1.db"
    _write_v1(old, july())
    with pytest.raises(StoreError, match="current schema"):
        Store.open(old, read_only=True)


def test_the_claims_views_join_the_article(filled: Store, tmp_path: Path) -> None:
    conn = sqlite3.connect(filled.path)
    rows = conn.execute(
        "SELECT quantity_text, date, claimant_code, article_outlet FROM claims_flat "
        "WHERE indicator = 'fighters' ORDER BY date, article_id, ord"
    ).fetchall()
    assert rows[0] == ("anywhere from 20,000 to 32,000", "2024-06-03", None, "Test Wire")
    assert rows[-1] == ("about 21,000", "2024-07-15", "IGOUNO", "Test Wire")
    hedges = conn.execute(
        "SELECT h.value FROM claims AS c, json_each(c.hedges) AS h ORDER BY c.seq"
    ).fetchall()
    assert hedges == [("estimate",), ("about",)]
    speakers = conn.execute("SELECT speaker_code FROM quotes_flat ORDER BY seq").fetchall()
    assert speakers == [("CODMIL",), ("IGOUNOREF",), ("IGOUNO",)]
    conn.close()


# ---------------------------------------------------------------------------- queries
ALL_CLAIMS = ["anywhere from 20,000 to 32,000", "about 17,500", "3,000", "More than 200,000",
              "about 21,000", "40 percent"]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (ClaimQuery(), ALL_CLAIMS),
        (ClaimQuery(subject="m23"), [v for v in ALL_CLAIMS if v != "More than 200,000"]),
        (ClaimQuery(subject="CODREB", indicator="territory_share"), ["40 percent"]),
        (ClaimQuery(indicator="fighters", claimant="army"), ["about 17,500"]),
        (ClaimQuery(claimant="analysts"), ["anywhere from 20,000 to 32,000"]),  # as written
        (ClaimQuery(claimant="igo"), ["More than 200,000", "about 21,000", "40 percent"]),
        (ClaimQuery(indicators=["displaced", "TERRITORY-SHARE"]),
         ["More than 200,000", "40 percent"]),
        (ClaimQuery(place="north kivu"), ["anywhere from 20,000 to 32,000", "40 percent"]),
        (ClaimQuery(place="206938"), ["anywhere from 20,000 to 32,000", "40 percent"]),
        (ClaimQuery(place="cod"), ["anywhere from 20,000 to 32,000", "40 percent"]),
        (ClaimQuery(place="Goma"), []),
        (ClaimQuery(since="2024-07-01"), ["about 21,000", "40 percent"]),
        (ClaimQuery(until=date(2024, 6, 3)), ALL_CLAIMS[:4]),  # as-of, else published
        (ClaimQuery(text="refugee"), ["More than 200,000"]),
        (ClaimQuery(text='"panel of experts"'), ["about 21,000"]),
        (ClaimQuery(article=july().id), ["about 21,000", "40 percent"]),
        (ClaimQuery(article_id=july().id, limit=1), ["about 21,000"]),
        (ClaimQuery(limit=2, offset=1), ["about 17,500", "3,000"]),
        (ClaimQuery(limit=0), []),
    ],
)  # fmt: skip
def test_each_claim_filter(filled: Store, query: ClaimQuery, expected: list[str]) -> None:
    assert _values(filled, query) == expected
    assert filled.count_claims(query) == len(expected)


def test_a_country_name_matches_claims_anywhere_in_it(store: Store) -> None:
    art = june()
    art.places = [Place("Congo", "Democratic Republic of the Congo", 203312, "country", "COD",
                        None, -2.5, 23.5, "country", 0.9)]  # fmt: skip
    store.write(art)
    expected = ["anywhere from 20,000 to 32,000"]
    assert _values(store, ClaimQuery(place="Democratic Republic of the Congo")) == expected
    assert _values(store, ClaimQuery(place="congo")) == expected
    assert _values(store, ClaimQuery(place="Rwanda")) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (QuoteQuery(), ["We will not negotiate under fire",
                        "More than 200,000 people have fled the fighting since January",
                        "the group controls 40 percent of North Kivu province"]),
        (QuoteQuery(speaker="army spokesman"), ["We will not negotiate under fire"]),
        (QuoteQuery(speaker="igounoref"),
         ["More than 200,000 people have fled the fighting since January"]),
        (QuoteQuery(text="negotiat*"), ["We will not negotiate under fire"]),
        (QuoteQuery(text="Kivu"), ["the group controls 40 percent of North Kivu province"]),
        (QuoteQuery(text="reporters"), []),  # the attribution is not what was said
        (QuoteQuery(since="2024-07-01"), ["the group controls 40 percent of North Kivu province"]),
        (QuoteQuery(until="2024-06-30", limit=1), ["We will not negotiate under fire"]),
        (QuoteQuery(article=june().id, offset=1),
         ["More than 200,000 people have fled the fighting since January"]),
    ],
)  # fmt: skip
def test_each_quote_filter(filled: Store, query: QuoteQuery, expected: list[str]) -> None:
    assert [q.content.text for q in filled.quotes(query)] == expected
    assert filled.count_quotes(query) == len(expected)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"indicator": "fighter"}, "did you mean 'fighters'"),
        ({"indicator": "casualties"}, "known: fighters, troops"),
        ({"indicators": ["killed", ""]}, "non-empty"),
        ({"subject": " "}, "subject"),
        ({"since": "last week"}, "not a date"),
        ({"since": "2024-08-01", "until": "2024-07-01"}, "is after"),
        ({"limit": -1}, "limit"),
        ({"article": ""}, "article"),
        ({"article": "abc", "article_id": "def"}, "two different ids"),
    ],
)
def test_invalid_claim_queries_are_query_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(QueryError, match=message):
        ClaimQuery(**kwargs)  # type: ignore[arg-type]


def test_invalid_quote_queries_and_full_text_errors(filled: Store) -> None:
    with pytest.raises(QueryError, match="speaker"):
        QuoteQuery(speaker="")
    with pytest.raises(QueryError, match="offset"):
        QuoteQuery(offset=-2)
    with pytest.raises(QueryError, match="full-text query"):
        filled.claims(ClaimQuery(text='"unclosed'))
    with pytest.raises(QueryError, match="full-text query"):
        filled.count_quotes(QuoteQuery(text="AND"))


def test_claims_are_streamed(filled: Store) -> None:
    stream = filled.claims()
    first = next(stream)
    assert first.quantity.text == "anywhere from 20,000 to 32,000"
    stream.close()
    assert filled.count_claims() == 6  # the connection is free again


def test_summary_counts_claims_and_quotes(filled: Store) -> None:
    summary = filled.summary()
    assert (summary["claims"], summary["quotes"]) == (6, 3)
    assert summary["claims_by_indicator"] == {"fighters": 4, "displaced": 1, "territory_share": 1}
    assert summary["quotes_by_kind"] == {"reported": 2, "direct": 1}
    assert summary["events"] == 0 and filled.count_events(EventQuery()) == 0


# ---------------------------------------------------------------------------- estimates
def test_estimates_are_grouped_by_subject_and_indicator(filled: Store) -> None:
    groups = filled.estimates()
    keys = [(g.subject.name if g.subject else None, g.indicator) for g in groups]
    assert keys == [("M23", "fighters"), ("M23", "territory_share"), (None, "displaced")]
    fighters = groups[0]
    assert [e.claim.quantity.text for e in fighters.estimates] == [
        "anywhere from 20,000 to 32,000", "about 17,500", "3,000", "about 21,000",
    ]  # fmt: skip
    assert [e.day for e in fighters.estimates] == [date(2024, 6, 3)] * 3 + [date(2024, 7, 15)]


def test_contradicting_estimates_are_marked_side_by_side(filled: Store) -> None:
    fighters = filled.estimates(ClaimQuery(indicator="fighters"))[0]
    marks = {e.claim.quantity.text: e.conflicts for e in fighters.estimates}
    assert marks == {
        "anywhere from 20,000 to 32,000": (2, 3),  # ~17,500 is below the range
        "about 17,500": (1, 3),
        "3,000": (1, 2, 4),  # the earlier estimate, far below every later one
        "about 21,000": (3,),  # inside the range, and within 10% of ~17,500's margin
    }
    assert fighters.conflicting
    share = filled.estimates(ClaimQuery(indicator="territory_share"))[0]
    assert not share.conflicting


def test_the_same_claimant_on_the_same_day_is_not_a_contradiction() -> None:
    art = july()
    art.claims[0] = dataclasses.replace(art.claims[0], quantity=_qty("900", "exact", 900))
    other = dataclasses.replace(art.claims[0], id="x", quantity=_qty("5,000", "exact", 5000))
    ref = _ref(art)
    [group] = group_claims([(art.claims[0], ref), (other, ref)])
    assert [e.conflicts for e in group.estimates] == [(), ()]
    later = dataclasses.replace(other, as_of=EventDate(date(2024, 8, 1), "day", "text", None))
    [group] = group_claims([(art.claims[0], ref), (later, ref)])
    assert [e.conflicts for e in group.estimates] == [(2,), (1,)]


def test_different_countries_or_units_never_contradict() -> None:
    art = july()
    ref = _ref(art)
    base = dataclasses.replace(art.claims[0], place=KIVU)
    elsewhere = dataclasses.replace(base, id="y", place=GISENYI, claimant=None,
                                    quantity=_qty("300", "exact", 300))  # fmt: skip
    share = dataclasses.replace(base, id="z", unit="percent", claimant=None,
                                quantity=_qty("5 percent", "exact", 5))  # fmt: skip
    [group] = group_claims([(base, ref), (elsewhere, ref), (share, ref)])
    assert [e.conflicts for e in group.estimates] == [(), (), ()]


def test_a_city_of_the_same_country_does_not_separate_estimates() -> None:
    """A claim's place may be the story's dateline city: within one country it is compared."""
    art = july()
    ref = _ref(art)
    base = dataclasses.replace(art.claims[0], place=KIVU)
    in_goma = dataclasses.replace(base, id="y", place=GOMA, claimant=None,
                                  quantity=_qty("300", "exact", 300))  # fmt: skip
    [group] = group_claims([(base, ref), (in_goma, ref)])
    assert all(e.conflicts for e in group.estimates)


@pytest.mark.parametrize(
    ("quantity", "unit", "text", "interval"),
    [
        (_qty("anywhere from 20,000 to 32,000", "range", low=20_000, high=32_000), "people",
         "20,000–32,000 (range)", (20_000, 32_000)),
        (_qty("about 17,500", "approx", 17_500), "people", "~17,500 (approx)", (15_750, 19_250)),
        (_qty("at least 20", "at_least", 20), "people", "≥20 (at least)", (20, math.inf)),
        (_qty("up to 5,000", "at_most", 5_000), "people", "≤5,000 (at most)", (-math.inf, 5_000)),
        (_qty("40 percent", "exact", 40), "percent", "40% (exact)", (40, 40)),
        (_qty("$2.5 billion", "exact", 2.5e9), "USD", "2,500,000,000 USD (exact)",
         (2.5e9, 2.5e9)),
        (_qty("1,250.5 square kilometres", "exact", 1250.5), "km2", "1,250.5 km2 (exact)",
         (1250.5, 1250.5)),
        (_qty("hundreds", "vague", low=200, high=999, label="hundreds"), "people",
         "200–999 (hundreds)", (200, 999)),
        (_qty("a large crowd", "vague", label="large"), "people", "large", None),
    ],
)  # fmt: skip
def test_describe_and_bounds(
    quantity: Quantity, unit: str, text: str, interval: tuple[float, float] | None
) -> None:
    assert describe(quantity, unit) == text
    got = bounds(quantity)
    if interval is None:
        assert got is None
    else:
        assert got == pytest.approx(interval)


def _ref(art: Article):  # type: ignore[no-untyped-def]
    from eventwatch.store import ArticleRef

    published = art.published.isoformat() if art.published else None
    return ArticleRef(art.id, art.url, art.outlet, art.title, published, art.language, "2024")


# ---------------------------------------------------------------------------- exports
def test_claims_csv_is_flat_and_complete(filled: Store) -> None:
    buffer = io.StringIO()
    assert filled.export_claims("csv", buffer) == 6
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert tuple(rows[0]) == CLAIM_FLAT_COLUMNS
    first = rows[0]
    assert first["normalized"] == "20,000–32,000 (range)"
    assert (first["low"], first["high"], first["value"]) == ("20000.0", "32000.0", "")
    assert (first["date"], first["as_of"], first["claimant_as_written"]) == (
        "2024-06-03", "", "Independent analysts",
    )  # fmt: skip
    assert (first["approximate"], first["prior"], first["hedges"]) == ("false", "false", "estimate")
    assert (first["url"], first["outlet"]) == ("https://wire.example/2024/06/03/m23-strength",
                                               "Test Wire")  # fmt: skip
    assert first["published"] == "2024-06-03T08:00:00+00:00"
    assert rows[2]["prior"] == "true"
    assert [r["claimant_code"] for r in rows] == ["", "CODMIL", "", "IGOUNOREF", "IGOUNO", "IGOUNO"]
    art = june()
    assert art.text[int(first["span_start"]) : int(first["span_end"])] == first["span_text"]


def test_claims_json_lines_are_nested(filled: Store) -> None:
    buffer = io.StringIO()
    assert filled.export_claims("json", buffer, ClaimQuery(indicator="fighters")) == 4
    records = [json.loads(line) for line in buffer.getvalue().splitlines()]
    second = records[1]
    assert second["quantity"] == {"value": 17500.0, "low": 17500.0, "high": 17500.0,
                                  "qualifier": "approx", "approximate": True,
                                  "text": "about 17,500", "label": None}  # fmt: skip
    assert second["claimant"]["code"] == "CODMIL"
    assert second["claimant"]["entity_text"] == "Army officers"
    assert second["subject"]["name"] == "M23"
    assert second["as_of"] == {"date": "2024-06-03", "precision": "day", "source": "text",
                               "text": "on Monday"}  # fmt: skip
    assert second["cite_info"]["url"] == "https://wire.example/2024/06/03/m23-strength"
    assert second["cite_info"]["publication"] == "Test Wire"
    assert second["evidence"]["text"].startswith("Army officers said on Monday")
    assert records[0]["place"]["name"] == "North Kivu"
    assert records[2]["prior"] is True and records[2]["claimant"] is None
    assert second["coder"].startswith("eventwatch ")


def test_quotes_exports(filled: Store) -> None:
    buffer = io.StringIO()
    assert filled.export_quotes("csv", buffer) == 3
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert tuple(rows[0]) == QUOTE_FLAT_COLUMNS
    assert [(r["speaker_code"], r["cue"], r["kind"]) for r in rows] == [
        ("CODMIL", "tell", "direct"),
        ("IGOUNOREF", "say", "reported"),
        ("IGOUNO", "say", "reported"),
    ]
    assert rows[0]["speaker_as_written"] == "the army spokesman"
    assert rows[0]["date"] == "2024-06-03"
    buffer = io.StringIO()
    assert filled.export_quotes("json", buffer, QuoteQuery(speaker="panel")) == 1
    [record] = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert record["content"]["text"] == "the group controls 40 percent of North Kivu province"
    assert record["speaker"]["code"] == "IGOUNO"
    assert record["speaker_span"]["text"] == "The panel"
    assert record["cite_info"]["article_id"] == july().id


@pytest.mark.parametrize("fmt", ["plover-json", "geojson", "xml"])
def test_claims_and_quotes_refuse_event_formats(filled: Store, fmt: str) -> None:
    with pytest.raises(QueryError, match="json, csv"):
        filled.export_claims(fmt, io.StringIO())
    with pytest.raises(QueryError, match="json, csv"):
        filled.export_quotes(fmt, io.StringIO())


def test_dataframes_are_typed(filled: Store) -> None:
    frame = filled.claims_dataframe(ClaimQuery(subject="M23"))
    assert list(frame.columns) == list(CLAIM_FLAT_COLUMNS)
    assert len(frame) == 5
    assert str(frame["date"].dtype).startswith("datetime64")
    assert frame["as_of"].isna().tolist() == [True, False, True, False, True]
    assert frame["value"].isna().tolist()[0] and frame.loc[1, "value"] == 17_500
    assert frame["prior"].tolist() == [False, False, True, False, False]
    assert str(frame["place_geonameid"].dtype) == "Int64"
    quotes = filled.quotes_dataframe()
    assert list(quotes.columns) == list(QUOTE_FLAT_COLUMNS)
    assert quotes["speaker_code"].tolist() == ["CODMIL", "IGOUNOREF", "IGOUNO"]
    assert str(quotes["content_start"].dtype) == "Int64"
    assert filled.claims_dataframe(ClaimQuery(indicator="killed")).empty


def test_every_claim_and_quote_column_is_documented(filled: Store) -> None:
    for column in (*CLAIM_FLAT_COLUMNS, *QUOTE_FLAT_COLUMNS):
        assert f"`{column}`" in DOC, f"docs/store.md: column {column} undocumented"
    buffer = io.StringIO()
    filled.export_claims("json", buffer)
    filled.export_quotes("json", buffer)
    for line in buffer.getvalue().splitlines():
        for key, value in json.loads(line).items():
            assert f"`{key}`" in DOC, f"docs/store.md: JSON field {key} undocumented"
            if isinstance(value, dict) and key not in {"subject", "claimant", "speaker", "place"}:
                for sub in value:
                    assert f"`{key}.{sub}`" in DOC, f"docs/store.md: {key}.{sub} undocumented"
    for table in ("claims", "quotes", "claims_flat", "quotes_flat", "claims_fts", "quotes_fts"):
        assert f"`{table}`" in DOC


def test_the_package_level_api(filled: Store) -> None:
    import eventwatch

    frame = eventwatch.claims_frame(filled.path, indicator="fighters", claimant="army")
    assert frame["quantity_text"].tolist() == ["about 17,500"]
    quotes = eventwatch.quotes_frame(filled.path, speaker="panel")
    assert quotes["cue"].tolist() == ["say"]
    [group] = eventwatch.estimates(filled.path, indicator="fighters")
    assert [e.conflicts for e in group.estimates] == [(2, 3), (1, 3), (1, 2, 4), (3,)]
    assert eventwatch.Claim is Claim and eventwatch.Quote is Quote
    with pytest.raises(QueryError, match="unknown indicator"):
        eventwatch.claims_frame(filled.path, indicator="tanks")


def test_what_a_claim_counts_round_trips(tmp_path: Path) -> None:
    art = july()
    art.claims[0].counted = "hardcore members"
    with Store.open(tmp_path / "c.db") as store:
        store.write(art)
        [first, *_] = store.claims(ClaimQuery())
    assert first.counted == "hardcore members"
