"""Exports: PLOVER JSON Lines, CSV and GeoJSON, each parsed back and checked field by field."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from eventwatch.errors import QueryError
from eventwatch.events.lexicon import load_ontology
from eventwatch.records import Actor, Article, Event, EventDate, Place, Span, Status, content_id
from eventwatch.store import EXPORT_FORMATS, FLAT_COLUMNS, EventQuery, Store

DOC = (Path(__file__).resolve().parents[1] / "docs" / "store.md").read_text(encoding="utf-8")

TITLE = "Floods force evacuations in Sindh"
SENTENCES = (
    "Pakistani troops evacuated 3,000 villagers from flooded districts near Sukkur on Sunday, "
    "the army said in a statement.",
    'Officials said the "relief effort" would continue, and aid agencies appealed for tents, '
    "food and clean water.",
    "Police in Karachi arrested 12 people after a protest over power cuts turned violent.",
)
BODY = f"{SENTENCES[0]} {SENTENCES[1]}\n{SENTENCES[2]}"


def _span(piece: str) -> Span:
    start = BODY.index(piece)
    return Span(start, start + len(piece), piece, "body")


def _sentence(piece: str) -> Span:
    return _span(next(s for s in SENTENCES if piece in s))


ARMY = Actor("Pakistan Army", "PAKMIL", "PAK", "MIL", "country", "Pakistani troops")
VILLAGERS = Actor("Pakistani civilians", "PAKCVL", "PAK", "CVL", "sector", "villagers")
AGENCIES = Actor("aid agencies", "IGONGO", None, "NGO", "group", "aid agencies")
POLICE = Actor("Pakistani police", "PAKCOP", "PAK", "COP", "sector", "Police")
SUKKUR = Place("Sukkur", "Sukkur", 1164408, "city", "PAK", "Sindh", 27.7, 68.86, "city", 0.9)
KARACHI = Place("Karachi", "Karachi", 1174872, "city", "PAK", "Sindh", 24.86, 67.01, "city", 0.95)
SINDH = Place("Sindh", "Sindh", 1164807, "admin1", "PAK", "Sindh", None, None, "admin1", 0.6)


def _event(n: int, trigger: str, kind: str, **fields: object) -> Event:
    return Event(
        id=f"ev{n:02d}",
        article_id=content_id(TITLE, BODY),
        event_type=kind,
        mode=fields.pop("mode", None),  # type: ignore[arg-type]
        contexts=fields.pop("contexts", []),  # type: ignore[arg-type]
        actor=fields.pop("actor", None),  # type: ignore[arg-type]
        recipient=fields.pop("recipient", None),  # type: ignore[arg-type]
        place=fields.pop("place", None),  # type: ignore[arg-type]
        date=fields.pop("date", EventDate(date(2024, 8, 25), "day", "text", "on Sunday")),  # type: ignore[arg-type]
        modality=fields.pop("modality", "asserted"),  # type: ignore[arg-type]
        evidence=_sentence(trigger),
        trigger=_span(trigger),
        **fields,  # type: ignore[arg-type]
    )


def flood_article() -> Article:
    art = Article(
        id=content_id(TITLE, BODY),
        text=BODY,
        title=TITLE,
        url="https://news.example.org/asia/sindh-floods",
        outlet="Example Wire",
        published=datetime(2024, 8, 26, 6, 15, tzinfo=UTC),
        language="en",
        source="feeds/asia.jsonl:7",
        status=Status.CODED,
    )
    art.events = [
        _event(1, "evacuated", "AID", actor=ARMY, recipient=VILLAGERS, place=SUKKUR,
               contexts=["disasters", "military"], attributed_to=ARMY,
               confidence={"type": 0.8, "place": 0.9}),
        _event(2, "appealed", "REQUEST", actor=AGENCIES, place=SINDH, mode="assist",
               modality="asserted", date=EventDate(None, "day", "none", None)),
        _event(3, "arrested", "COERCE", actor=POLICE, place=KARACHI, mode="arrest",
               arrested=12, contexts=["crime"]),
    ]  # fmt: skip
    return art


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "exports.db") as opened:
        opened.write(flood_article())
        opened.write(
            Article(id="f" * 16, text="", source="bad.html", status=Status.FAILED, reason="x")
        )
        yield opened


def export(store: Store, fmt: str, query: EventQuery | None = None) -> tuple[int, str]:
    out = io.StringIO()
    rows = store.export(fmt, out, query)
    return rows, out.getvalue()


# ---------------------------------------------------------------------------- PLOVER JSON
def test_plover_json_lines_parse_back_with_plover_fields(store: Store) -> None:
    rows, text = export(store, "plover-json")
    records = [json.loads(line) for line in text.splitlines()]
    assert rows == len(records) == 3
    by_id = {r["id"]: r for r in records}
    aid = by_id["ev01"]
    ontology = load_ontology()
    assert aid["event"] == "AID"
    assert (aid["quad_code"], aid["event_scale"]) == (
        ontology.types["AID"].quad,
        ontology.types["AID"].scale,
    )
    assert aid["date"] == "2024-08-25"
    assert aid["actor"]["code"] == "PAKMIL"
    assert aid["actor"]["entity_text"] == "Pakistani troops"
    assert (aid["actor"]["country"], aid["actor"]["sector"]) == ("PAK", "MIL")
    assert aid["recipient"]["code"] == "PAKCVL"
    assert aid["context"] == ["disasters", "military"]
    loc = aid["event_loc"]
    assert (loc["name"], loc["geonameid"], loc["lat"], loc["lon"]) == (
        "Sukkur",
        1164408,
        27.7,
        68.86,
    )
    assert (loc["country"], loc["admin1"], loc["feature"], loc["precision"]) == (
        "PAK",
        "Sindh",
        "city",
        "city",
    )
    start, end = aid["text_info"]["start"], aid["text_info"]["end"]
    assert BODY[start:end] == aid["event_text"]
    assert aid["event_text"].startswith("Pakistani troops evacuated")
    assert BODY[aid["text_info"]["trigger"]["start"] : aid["text_info"]["trigger"]["end"]] == (
        "evacuated"
    )
    assert aid["cite_info"] == {
        "url": "https://news.example.org/asia/sindh-floods",
        "publication": "Example Wire",
        "title": TITLE,
        "published": "2024-08-26T06:15:00+00:00",
        "language": "en",
        "article_id": content_id(TITLE, BODY),
    }
    assert re.fullmatch(r"eventwatch \S+", aid["coder"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", aid["coded_date"])
    assert aid["modality"] == "asserted"
    assert aid["attributed_to"]["name"] == "Pakistan Army"
    assert aid["confidence"] == {"type": 0.8, "place": 0.9}
    assert by_id["ev03"]["size"] == {"dead": None, "injured": None, "arrested": 12}
    assert by_id["ev02"]["date"] is None and by_id["ev02"]["recipient"] is None
    assert by_id["ev02"]["mode"] == "assist"


def test_plover_json_is_one_record_per_line_even_with_newlines_in_text(store: Store) -> None:
    _, text = export(store, "plover-json", EventQuery(type="REQUEST"))
    (line,) = text.splitlines()
    assert '"relief effort"' in json.loads(line)["event_text"]


# ---------------------------------------------------------------------------- CSV
def test_csv_has_a_header_and_one_flat_row_per_event(store: Store) -> None:
    rows, text = export(store, "csv")
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == FLAT_COLUMNS
    records = list(reader)
    assert rows == len(records) == 3
    first = records[0]
    assert (first["id"], first["event_type"], first["date"]) == ("ev01", "AID", "2024-08-25")
    assert first["contexts"] == "disasters;military"
    assert (first["place_lat"], first["place_lon"]) == ("27.7", "68.86")
    assert first["quad_code"] == str(load_ontology().types["AID"].quad)
    assert first["dead"] == ""  # None is an empty cell
    assert json.loads(first["confidence"]) == {"place": 0.9, "type": 0.8}
    assert BODY[int(first["evidence_start"]) : int(first["evidence_end"])] == first["evidence_text"]
    request = next(r for r in records if r["event_type"] == "REQUEST")
    assert '"relief effort"' in request["evidence_text"]  # quotes survive CSV quoting
    assert request["date"] == ""
    assert records[-1]["date"] == ""  # undated events come last


def test_csv_of_an_empty_selection_is_just_the_header(store: Store) -> None:
    rows, text = export(store, "csv", EventQuery(type="ASSAULT"))
    assert rows == 0
    assert list(csv.reader(io.StringIO(text))) == [list(FLAT_COLUMNS)]


# ---------------------------------------------------------------------------- GeoJSON
def test_geojson_is_a_feature_collection_of_located_events(store: Store) -> None:
    rows, text = export(store, "geojson")
    collection = json.loads(text)
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert rows == len(features) == 2  # Sindh has no coordinates
    for feature in features:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        props = feature["properties"]
        assert tuple(props) == FLAT_COLUMNS
        assert (lon, lat) == (props["place_lon"], props["place_lat"])
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert [f["properties"]["place_name"] for f in features] == ["Sukkur", "Karachi"]


def test_geojson_without_located_events_is_still_valid(store: Store) -> None:
    rows, text = export(store, "geojson", EventQuery(type="REQUEST"))
    assert rows == 0
    assert json.loads(text) == {"type": "FeatureCollection", "features": []}


# ---------------------------------------------------------------------------- common
@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_exports_honour_the_query(store: Store, fmt: str) -> None:
    rows, _ = export(store, fmt, EventQuery(actor="police", country="PAK"))
    assert rows == 1
    rows, _ = export(store, fmt, EventQuery(text="tents OR arrested", limit=1))
    assert rows == 1  # the dated arrest comes before the undated appeal, and has a point


def test_an_unknown_format_is_a_query_error(store: Store) -> None:
    with pytest.raises(QueryError, match="unknown export format"):
        store.export("xml", io.StringIO())


def test_exports_write_to_a_file(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        assert store.export("csv", handle) == 3
    with path.open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 3


def test_every_flat_column_and_plover_field_is_documented(store: Store) -> None:
    for column in FLAT_COLUMNS:
        assert f"`{column}`" in DOC, f"docs/store.md: flat column {column} undocumented"
    _, text = export(store, "plover-json")
    record = json.loads(text.splitlines()[0])
    for key, value in record.items():
        assert f"`{key}`" in DOC, f"docs/store.md: PLOVER field {key} undocumented"
        if isinstance(value, dict) and key != "confidence":  # confidence keys are open
            for sub in value:
                assert f"`{key}.{sub}`" in DOC, f"docs/store.md: {key}.{sub} undocumented"
    for fmt in EXPORT_FORMATS:
        assert f"`{fmt}`" in DOC
