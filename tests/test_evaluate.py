"""The evaluation harness: metrics, label maps, floors, the registry and ``eventwatch eval``.

The gold-shaped files here are written by us in the layout of the real datasets; the real
gold standards are read only by ``make eval``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language
from typer.testing import CliRunner

from eventwatch.cli import app
from eventwatch.config import load_settings
from eventwatch.evaluate import DATASETS, evaluate
from eventwatch.evaluate.base import Confusion, DatasetResult, Metric, SpanScore, distance_km
from eventwatch.evaluate.codes import (
    cameo_to_plover,
    code_matches,
    main_event,
    read_cameo_table,
    sectors_of,
)
from eventwatch.evaluate.report import check_floors, markdown, raised_floors
from eventwatch.pipeline import Pipeline
from eventwatch.records import Actor, Event, EventDate, Span

runner = CliRunner()


# ------------------------------------------------------------------------------------ metrics
def test_confusion_scores_by_hand() -> None:
    c = Confusion()
    for gold, pred in [("A", "A"), ("A", "B"), ("B", "B"), ("B", None)]:
        c.add(gold, pred)
    rows = c.per_label()
    assert rows["A"]["precision"] == 1.0 and rows["A"]["recall"] == 0.5
    assert rows["B"]["precision"] == 0.5 and rows["B"]["recall"] == 0.5
    assert c.macro_f1() == pytest.approx((2 / 3 + 0.5) / 2)
    assert c.accuracy() == 0.5
    # micro: 2 right of 3 answered (precision), of 4 items (recall)
    assert c.micro_f1() == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    matrix = {row["gold"]: row for row in c.matrix()}
    assert matrix["B"]["-"] == 1 and matrix["A"]["B"] == 1


def test_perfect_classification_scores_one() -> None:
    c = Confusion()
    for label in ("AGREE", "ASSAULT", "PROTEST", "AGREE"):
        c.add(label, label)
    assert c.macro_f1() == c.micro_f1() == c.accuracy() == 1.0


def test_span_score_and_distance() -> None:
    s = SpanScore()
    s.add(3, 4, 6)
    assert (s.precision, s.recall) == (0.75, 0.5)
    assert s.f1 == pytest.approx(0.6)
    # Paris - London is about 344 km
    assert distance_km(48.8566, 2.3522, 51.5074, -0.1278) == pytest.approx(344, abs=3)


# ------------------------------------------------------------------------------------ codes
def _actor(country: str | None, sector: str | None, kind: str = "country") -> Actor:
    return Actor(name="x", code=country or "X", country=country, sector=sector, kind=kind,
                 text="x")  # fmt: skip


def test_actor_codes_match_on_country_and_sector() -> None:
    assert code_matches("USAGOV", _actor("USA", "GOV"))
    assert not code_matches("USAGOV", _actor("RUS", "GOV"))
    assert code_matches("IGOUNO", _actor(None, "IGO", kind="igo"))
    assert code_matches("---REB", None)  # unknown country in the gold matches anything
    assert not code_matches("USA", None)
    assert sectors_of("IRQGOVMIL") == ["GOV", "MIL"]
    assert sectors_of("USA") == []


def test_cameo_table_reading(tmp_path: Path) -> None:
    table = tmp_path / "table.txt"
    table.write_text(
        "# header\n08: CONCEDE\n080: CONCEDE,   ,  # Yield\n08: RETREAT\n"
        "084: RETREAT,   ,  # Return\n19: ASSAULT\n193: ASSAULT, firearms, military # Fight\n",
        encoding="utf-8",
    )
    parsed = read_cameo_table(table)
    assert parsed["193"] == ("ASSAULT", "firearms")
    assert cameo_to_plover("0841", parsed) == "RETREAT"  # longest listed prefix
    assert cameo_to_plover("08", parsed) == "CONCEDE"  # a root listed twice: the first wins
    assert cameo_to_plover("1951", parsed) == "ASSAULT"
    assert cameo_to_plover("02", parsed) is None


def _event(etype: str, start: int, modality: str = "asserted") -> Event:
    span = Span(start, start + 4, "word")
    return Event(id=f"e{start}", article_id="a", event_type=etype, mode=None, contexts=[],
                 actor=None, recipient=None, place=None, date=EventDate(None, "day", "none"),
                 modality=modality, evidence=span, trigger=span)  # fmt: skip


def test_main_event_is_the_first_asserted() -> None:
    events = [_event("THREATEN", 30), _event("AGREE", 10, "planned"), _event("ASSAULT", 50)]
    assert main_event(events).event_type == "THREATEN"
    assert main_event([_event("AGREE", 10, "planned")]).event_type == "AGREE"
    assert main_event([]) is None


# ------------------------------------------------------------------------------------ floors
def _result(value: float) -> DatasetResult:
    r = DatasetResult("plover_gsr", "t", records=10)
    r.metrics.append(Metric("macro_f1", "macro", value, n=10, target=0.8))
    return r


def test_floors_fail_below_and_only_go_up() -> None:
    floors = {"plover_gsr": {"macro_f1": 0.5}}
    assert check_floors([_result(0.6)], floors) == []
    assert "below its floor" in check_floors([_result(0.4)], floors)[0]
    # one item of ten (0.1) is a larger margin than 0.01
    assert raised_floors([_result(0.7)], floors)["plover_gsr"]["macro_f1"] == pytest.approx(0.6)
    assert raised_floors([_result(0.3)], floors) == floors  # never lowered
    skipped = DatasetResult("plover_gsr", "t", skipped="no folder")
    assert check_floors([skipped], floors) == []


def test_markdown_lists_targets() -> None:
    text = markdown([_result(0.6)])
    assert "| plover_gsr | macro | 0.600 | 0.800 | **not met** |" in text


# ------------------------------------------------------------------------------------ datasets
def test_missing_datasets_are_skipped(tmp_path: Path) -> None:
    external = [name for name, (folder, _) in DATASETS.items() if folder]
    results = evaluate(external, root=tmp_path, settings=load_settings(environ={}))
    assert [r.name for r in results] == external
    assert all(r.skipped and "no folder" in r.skipped for r in results)
    assert "claims_cases" in DATASETS and "claims_cases" not in external  # bundled: never skips


def test_eval_command_with_no_data(tmp_path: Path) -> None:
    floors = tmp_path / "floors.json"
    floors.write_text('{"plover_gsr": {"macro_f1": 0.9}}', encoding="utf-8")
    result = runner.invoke(app, ["eval", "--data", str(tmp_path), "--floors", str(floors)])
    assert result.exit_code == 0, result.output
    assert "skipped" in result.output
    bad = runner.invoke(app, ["eval", "nonsense", "--data", str(tmp_path)])
    assert bad.exit_code == 2


GSR = [  # our own sentences, in the record layout of the PLOVER GSR
    {"id": "G1", "date": "2000-01-01", "event": "FIGHT", "text":
     "Rebels attacked an army base near the border on Monday.",
     "source": [{"code": "---", "sector": "REB"}], "target": [{"code": "---", "sector": "MIL"}]},
    {"id": "G2", "date": "2000-01-01", "event": "AGREE", "text":
     "France and Germany agreed to share intelligence on smuggling networks.",
     "source": [{"code": "FRA", "sector": "GOV"}]},
]  # fmt: skip
PETR = [
    {"id": "P1", "date": "20150301", "text": "Police arrested 12 protesters in Caracas on Sunday.",
     "events": [{"source": "VENCOP", "target": "VENOPP", "eventcode": "173"}], "noevents": False},
    {"id": "P2", "date": "20150301", "text": "The weather was mild across the capital.",
     "events": [], "noevents": True},
]  # fmt: skip


@pytest.mark.model
def test_plover_and_petrarch_on_our_own_records(tmp_path: Path, nlp: Language) -> None:
    (tmp_path / "plover_gsr").mkdir()
    (tmp_path / "petrarch_cameo").mkdir()
    with (tmp_path / "plover_gsr" / "plover_gsr.jsonl").open("w") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in GSR)
    with (tmp_path / "petrarch_cameo" / "petr2_gsr_validation.jsonl").open("w") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in PETR)
    (tmp_path / "plover_gsr" / "CAMEO2PLOVER-2021.txt").write_text(
        "17: COERCE\n173: COERCE, arrest, legal # Arrest\n", encoding="utf-8"
    )
    settings = load_settings(environ={})
    pipeline = Pipeline(settings, nlp=nlp)
    names = ["plover_gsr", "petrarch_cameo"]
    plover, petrarch = evaluate(names, root=tmp_path, settings=settings, pipeline=pipeline)
    assert plover.records == 2 and petrarch.records == 2
    assert plover.metric("macro_f1").value == 1.0  # FIGHT is today's ASSAULT
    assert plover.metric("actor_country").value == 1.0
    assert petrarch.metric("triple_recall").value == 1.0
    assert petrarch.metric("triple_precision").value == 1.0


def test_the_floors_file_names_known_datasets_and_metrics() -> None:
    """The committed floors gate real metrics: a typo would silently gate nothing."""
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "floors.json"
    floors = json.loads(path.read_text(encoding="utf-8"))
    assert set(floors) <= set(DATASETS)
    for values in floors.values():
        assert values and all(0.0 <= v <= 1.0 for v in values.values())
    assert floors["plover_gsr"]["macro_f1"] >= 0.5
    results = json.loads((path.parent / "eval.json").read_text(encoding="utf-8"))["datasets"]
    for name, values in floors.items():
        keys = {m["key"] for m in results[name]["metrics"]}
        assert set(values) <= keys, f"{name}: floors for unknown metrics {set(values) - keys}"
