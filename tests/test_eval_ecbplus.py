"""The ECB+ story-clustering evaluation: B-cubed, the baselines, cross-validation, the result.

No gold data and no language model: a tiny ECB+-shaped file is written here (two topics, two
happenings each, reports written for this test) and the pipeline's coding is replaced by
marking the articles coded.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from eventwatch.config import load_settings
from eventwatch.evaluate import DATASETS, evaluate
from eventwatch.evaluate import ecbplus as E
from eventwatch.evaluate.base import EvalContext
from eventwatch.records import Article, Status

REPORTS = {
    ("1", "ecb"): [
        "Quake shakes Norvik\nA strong earthquake shook the port of Norvik on Monday, "
        "toppling chimneys. Mayor Hana Ostrom said two fishermen were hurt in Norvik.",
        "Norvik earthquake hurts two\nMayor Hana Ostrom said the earthquake in Norvik "
        "damaged the harbour wall and chimneys on Monday; two fishermen were hurt.",
        "Norvik counts quake damage\nEngineers checked the Norvik harbour wall after the "
        "earthquake, Mayor Hana Ostrom said, and chimneys were toppled across the port.",
    ],
    ("1", "ecbplus"): [
        "Quake hits Caldera Bay\nAn earthquake struck Caldera Bay on Friday, cutting power "
        "to the mountain villages, governor Ruiz Tamal said. A school roof collapsed.",
        "Caldera Bay quake cuts power\nGovernor Ruiz Tamal said the Caldera Bay earthquake "
        "left mountain villages without power and a school roof collapsed on Friday.",
    ],
    ("3", "ecb"): [
        "Dockers strike in Selm\nDock workers in Selm walked out over pay on Tuesday, union "
        "leader Piet Amsel said, leaving grain ships waiting in the Selm canal.",
        "Selm dock strike halts grain\nUnion leader Piet Amsel said the Selm dock workers' "
        "pay strike kept grain ships waiting in the canal for a second day.",
    ],
    ("3", "ecbplus"): [
        "Rail strike stops Varn trains\nTrain drivers in Varn stopped work over rosters on "
        "Thursday, union head Mira Kolb said, and commuters crowded the Varn bus depot.",
        "Varn train drivers strike\nUnion head Mira Kolb said the Varn rail strike over "
        "rosters left commuters crowding the bus depot on Thursday.",
        "Varn commuters stranded by strike\nCommuters waited at the Varn bus depot as "
        "train drivers struck over rosters, union head Mira Kolb said.",
    ],
}


def write_gold(root: Path) -> Path:
    folder = root / E.FOLDER
    folder.mkdir(parents=True)
    rows = []
    for (topic, sub), texts in REPORTS.items():
        for n, text in enumerate(texts, 1):
            url = f"http://news.example/2020/0{n}/1{n}/story" if sub == "ecbplus" else None
            rows.append({"doc_id": f"{topic}_{n}{sub}", "topic": int(topic),
                         "subtopic": sub, "cluster_id": f"{topic}_{sub}", "url": url,
                         "text": text})  # fmt: skip
    path = folder / E.DOCS_FILE
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def fake_code(articles: Sequence[Article], label: str = "") -> list[Article]:
    for article in articles:
        article.status = Status.CODED
    return list(articles)


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> EvalContext:
    write_gold(tmp_path)
    context = EvalContext(root=tmp_path, settings=load_settings(environ={}))
    monkeypatch.setattr(context, "code", fake_code)
    return context


# ------------------------------------------------------------------------------------ B-cubed
def test_bcubed_of_a_perfect_clustering_is_one() -> None:
    score = E.bcubed(["x", "x", "y"], ["a", "a", "b"])
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)


def test_bcubed_of_one_big_cluster_and_of_singletons() -> None:
    merged = E.bcubed(["x", "x", "x"], ["a", "a", "b"])
    assert merged.precision == pytest.approx(5 / 9) and merged.recall == 1.0
    assert merged.f1 == pytest.approx(2 * (5 / 9) / (5 / 9 + 1))
    apart = E.bcubed(["x", "y", "z"], ["a", "a", "b"])
    assert apart.precision == 1.0 and apart.recall == pytest.approx(2 / 3)


def test_bcubed_per_item() -> None:
    items = E.bcubed_items(["x", "x", "y", "y"], ["a", "a", "a", "b"])
    assert items[0] == (1.0, pytest.approx(2 / 3))
    assert items[2] == (0.5, pytest.approx(1 / 3))
    assert items[3] == (0.5, 1.0)


# ---------------------------------------------------------------------------------- baselines
def test_tfidf_average_linkage_groups_the_close_texts() -> None:
    texts = ["dock strike in Selm port", "Selm dock strike goes on", "quake shakes Norvik"]
    cut = E.avglink(E.tfidf_matrix(texts))
    labels = cut(0.1)
    assert labels[0] == labels[1] != labels[2]
    assert len(set(cut(0.99))) == 3


def test_topics_alternate_into_halves() -> None:
    assert E.topic_halves([5, 1, 3, 1, 7]) == ({1, 5}, {3, 7})


def test_cross_validation_tunes_on_one_half_and_scores_the_other() -> None:
    gold = ["1_a", "1_a", "1_b", "3_a", "3_b", "3_b"]
    topics = [1, 1, 1, 3, 3, 3]
    seen: list[list[int]] = []

    def prepare(idx: list[int]):  # the right answer only at threshold 0.5
        seen.append(idx)
        return lambda t: [gold[i] if t == 0.5 else "all" for i in idx]

    predicted, rows = E.cross_validate(prepare, [0.4, 0.5, 0.6], topics, gold)
    assert [r["chosen"] for r in rows] == ["threshold=0.5", "threshold=0.5"]
    assert E.bcubed(predicted, gold).f1 == 1.0
    assert seen[0] == [0, 1, 2] and seen[1] == [3, 4, 5]  # tuned on topic 1, applied to 3


# ---------------------------------------------------------------------------------- evaluate
def test_evaluate_scores_stories_and_baselines(ctx: EvalContext) -> None:
    result = E.evaluate(ctx)
    assert result.records == 10
    keys = {m.key for m in result.metrics}
    assert {"bcubed_precision", "bcubed_recall", "bcubed_f1", "bcubed_f1_cv",
            "bcubed_f1_shuffled", "tfidf_avglink_bcubed_f1", "tfidf_avglink_bcubed_f1_cv",
            "topic_baseline_bcubed_f1"} <= keys  # fmt: skip
    f1 = result.metric("bcubed_f1")
    assert f1 is not None and f1.target == E.TARGET and f1.reference
    assert f1.value is not None and f1.value > 0.8  # four distinct happenings, told apart
    topic = result.metric("topic_baseline_bcubed_f1")
    assert topic is not None and topic.value is not None and topic.value < 0.8
    assert [row["topic"] for row in result.tables["per_topic"]] == [1, 3]
    assert {row["system"] for row in result.tables["thresholds"]} == {"eventwatch", "tfidf_avglink"}
    assert len(result.tables["cross_validation"]) == 4
    assert result.notes and all(len(m.text) <= E.WINDOW_CHARS + 1 for m in result.misses)


def test_a_wrong_merge_lowers_precision_and_becomes_a_miss() -> None:
    gold_docs = [E.GoldDoc(f"d{i}", 1, c, None, f"text {i}") for i, c in
                 enumerate(["1_a", "1_a", "1_b"])]  # fmt: skip
    predicted = ["s", "s", "s"]

    stub = SimpleNamespace(stories={})
    misses = E._misses(gold_docs, predicted, stub)  # type: ignore[arg-type]
    assert [m.item for m in misses] == ["d2"] and misses[0].severity > 2
    assert E.bcubed(predicted, [d.cluster for d in gold_docs]).precision < 1.0


def test_publication_date_comes_from_the_url() -> None:
    url = "http://www.news.example/2013/05/03/x"
    article = E._article(E.GoldDoc("1_1ecbplus", 1, "1_ecbplus", url, "Some text here."))
    assert article.published is not None and article.published.date() == date(2013, 5, 3)
    assert article.outlet == "news.example"
    bare = E._article(E.GoldDoc("1_1ecb", 1, "1_ecb", None, "Some text here."))
    assert bare.published is None and bare.outlet is None


def test_a_missing_folder_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(DATASETS, "ecbplus", (E.FOLDER, "eventwatch.evaluate.ecbplus:evaluate"))
    [result] = evaluate(["ecbplus"], root=tmp_path, settings=load_settings(environ={}))
    assert result.skipped and "ecbplus" in result.skipped


def test_a_malformed_gold_line_names_the_file_and_line(tmp_path) -> None:
    from eventwatch.errors import DataFileError
    from eventwatch.evaluate.ecbplus import read_gold

    path = tmp_path / "ecbplus_docs.jsonl"
    good = '{"doc_id": "1_1ecb", "topic": 1, "cluster_id": "1_ecb", "text": "A quake hit."}'
    path.write_text(good + "\n\n" + '{"doc_id": "1_2ecb", "topic": "one"}\n', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"ecbplus_docs\.jsonl:3: not an ECB\+ document"):
        read_gold(path)
    path.write_text(good + "\n", encoding="utf-8")
    (doc,) = read_gold(path)
    assert (doc.doc_id, doc.topic, doc.cluster, doc.url) == ("1_1ecb", 1, "1_ecb", None)
