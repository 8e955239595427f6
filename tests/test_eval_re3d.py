"""The re3d entity evaluation: gold reading, the type mapping, both match rules, the result.

No gold data and no language model: tiny re3d-shaped documents are written here, and the
pipeline's output is built by hand.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace

import pytest

import eventwatch.nlp
from eventwatch.config import load_settings
from eventwatch.errors import DataFileError
from eventwatch.evaluate import evaluate
from eventwatch.evaluate import re3d as R
from eventwatch.evaluate.base import EvalContext
from eventwatch.records import Actor, Article, Event, EventDate, Place, Span

TEXT = (
    "Turkish troops shelled positions near Kobani on Sunday, "
    "Defence Minister Ayse Demir said. Sweden condemned the attack."
)


def at(text: str, words: str, after: int = 0) -> tuple[int, int]:
    start = text.index(words, after)
    return start, start + len(words)


def gold_row(doc_id: str, text: str, entities: list[tuple[str, str, float]]) -> dict[str, object]:
    ents = []
    for words, kind, confidence in entities:
        begin, end = at(text, words)
        ents.append(
            {"begin": begin, "end": end, "type": kind, "value": words, "confidence": confidence}
        )
    return {"doc_id": doc_id, "title": "", "text": text, "entities": ents, "relations": []}


GOLD = [
    ("Turkish troops", "Organisation", 1.0),
    ("Turkish", "Nationality", 0.0),  # the losing nested reading: filtered out
    ("Kobani", "Location", 0.97),
    ("Sunday", "Temporal", 1.0),  # not a scored type
    ("Defence Minister Ayse Demir", "Person", 1.0),
    ("Sweden", "Organisation", 0.9),
]


def actor(text: str, words: str, kind: str, field: str = "body") -> Actor:
    start, end = at(text, words)
    span = Span(start, end, words, field)  # type: ignore[arg-type]
    return Actor(words, "X", None, None, kind, words, span=span)


def place(text: str, words: str) -> Place:
    start, end = at(text, words)
    return Place(
        words, words, 1, "city", None, None, 0.0, 0.0, "city", 0.9, Span(start, end, words)
    )


def event(article_id: str, who: Actor, text: str) -> Event:
    whole = Span(0, len(text), text)
    return Event(
        "e1", article_id, "ACCUSE", None, [], who, None, None,
        EventDate(None, "day", "none"), "asserted", whole, whole,
    )  # fmt: skip


def perfect(article: Article) -> Article:
    text = article.text
    sweden = actor(text, "Sweden", "country")
    article.actors = [
        actor(text, "Turkish troops", "sector"),
        actor(text, "Defence Minister Ayse Demir", "person"),
        sweden,
    ]
    article.places = [place(text, "Kobani"), place(text, "Sweden")]
    article.events = [event(article.id, sweden, text)]
    return article


# ------------------------------------------------------------------------------- gold reading
def test_read_gold_keeps_scored_types_at_confidence(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(gold_row("d1", TEXT, GOLD)) + "\n", encoding="utf-8")
    [doc] = R.read_gold(path, R.load_mapping())
    assert [(m.text, m.type) for m in doc.entities] == [
        ("Turkish troops", "Organisation"),
        ("Kobani", "Location"),
        ("Defence Minister Ayse Demir", "Person"),
        ("Sweden", "Organisation"),
    ]


def test_read_gold_rejects_a_broken_line(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text('{"doc_id": "d1"}\n', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"gold\.jsonl:1"):
        R.read_gold(path, R.load_mapping())


def test_mapping_with_an_unknown_type_is_refused() -> None:
    bad = "version: 1\nmin_confidence: 0.5\ntypes: [Person]\nactor_kinds: {group: Group}\n"
    with pytest.raises(DataFileError, match="Group"):
        R.parse_mapping(bad + "spacy_labels: {}\n")


# ------------------------------------------------------------------------------------ matching
def m(start: int, end: int, kind: str) -> R.Mention:
    return R.Mention(start, end, kind, "")


def scores(gold: Sequence[R.Mention], predicted: Sequence[R.Mention]) -> R.Tally:
    tally = R.Tally(["Organisation", "Person"])
    tally.add("all", gold, predicted)
    return tally


def test_perfect_prediction_scores_one_under_both_rules() -> None:
    gold = [m(0, 10, "Organisation"), m(20, 30, "Person")]
    tally = scores(gold, list(gold))
    for rule in R.RULES:
        for kind in ("Organisation", "Person", "micro"):
            s = tally.score("all", rule, kind)
            assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)


def test_a_shorter_span_counts_for_overlap_only() -> None:
    tally = scores([m(0, 20, "Organisation")], [m(4, 20, "Organisation")])
    assert tally.score("all", "overlap", "Organisation").f1 == 1.0
    assert tally.score("all", "exact", "Organisation").f1 == 0.0


def test_a_wrong_type_costs_precision_of_one_type_and_recall_of_the_other() -> None:
    tally = scores([m(0, 10, "Organisation")], [m(0, 10, "Person")])
    assert tally.score("all", "overlap", "Person").precision == 0.0
    assert tally.score("all", "overlap", "Organisation").recall == 0.0
    assert tally.score("all", "overlap", "Organisation").precision is None  # nothing predicted


def test_overlap_matching_is_one_to_one_largest_first() -> None:
    gold = [m(0, 10, "Person"), m(12, 14, "Person")]
    predicted = [m(0, 14, "Person"), m(2, 6, "Person")]
    # the long prediction shares 10 characters with the first gold, 2 with the second:
    # it goes to the first, and the short one cannot take the first gold again
    assert R.match_overlap(gold, predicted) == [(0, 0)]
    assert R.match_overlap(gold, predicted[::-1]) == [(0, 1)]


# ------------------------------------------------------------------------------------ mapping
def test_outputs_take_one_re3d_type_each() -> None:
    article = perfect(Article(id="a1", text=TEXT))
    article.actors.append(actor(TEXT, "Turkish", "country"))  # inside "Turkish troops"
    article.places.append(place(TEXT, "Kobani"))  # a duplicate place
    mentions = R.eventwatch_mentions(article, R.load_mapping(), frozenset({"Turkish"}))
    assert [(x.text, x.type) for x in mentions] == [
        ("Turkish troops", "Organisation"),  # the nested demonym is dropped
        ("Kobani", "Location"),
        ("Defence Minister Ayse Demir", "Person"),
        ("Sweden", "Organisation"),  # acting country
    ]


def test_a_demonym_is_a_nationality_and_a_passive_country_a_place() -> None:
    text = "Swedish aid reached Kobani from Turkey."
    article = Article(id="a2", text=text)
    article.actors = [actor(text, "Swedish", "country"), actor(text, "Turkey", "country")]
    article.actors.append(actor(text, "Swedish aid", "sector", field="title"))  # not the body
    mentions = R.eventwatch_mentions(article, R.load_mapping(), frozenset({"Swedish"}))
    assert [(x.text, x.type) for x in mentions] == [
        ("Swedish", "Nationality"),
        ("Turkey", "Location"),
    ]


def test_offsets_of_normalised_text_map_back_to_the_gold_text() -> None:
    gold_text = "Rebels  entered\u00a0Idlib.\r\n\r\n\r\nPolice  said."
    article_text = "Rebels entered Idlib.\n\nPolice said."
    offsets = R.offset_map(article_text, gold_text)
    found = [R.Mention(*at(article_text, w), "X", w) for w in ("Idlib", "Police")]
    assert [x.text for x in R.project(found, offsets, gold_text)] == ["Idlib", "Police"]


# ------------------------------------------------------------------------------ whole dataset
class FakeContext(EvalContext):
    """Codes articles by a hand-written rule instead of the pipeline."""

    def code(self, articles: Sequence[Article], label: str = "coding") -> list[Article]:
        return [perfect(a) for a in articles]


def fake_nlp(labels: dict[str, str]) -> SimpleNamespace:
    def pipe(texts: Iterator[str], batch_size: int = 16) -> Iterator[SimpleNamespace]:
        for text in texts:
            ents = []
            for words, label in labels.items():
                start, end = at(text, words)
                ents.append(
                    SimpleNamespace(start_char=start, end_char=end, label_=label, text=words)
                )
            yield SimpleNamespace(ents=ents)

    return SimpleNamespace(pipe=pipe)


@pytest.fixture
def data_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "re3d"
    folder.mkdir()
    rows = [gold_row("d1", TEXT, GOLD), gold_row("d2", TEXT, GOLD)]
    (folder / "re3d_combined.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8"
    )
    spacy_labels = {"Kobani": "GPE", "Ayse Demir": "PERSON", "Sunday": "DATE"}
    monkeypatch.setattr(eventwatch.nlp, "load_pipeline", lambda name: fake_nlp(spacy_labels))
    monkeypatch.setattr(R, "country_demonyms", lambda extra=(): frozenset({"Turkish"}))
    return tmp_path


def test_perfect_output_scores_one_and_the_baseline_is_the_reference(data_root: Path) -> None:
    ctx = FakeContext(root=data_root, settings=load_settings(environ={}))
    result = R.evaluate(ctx)
    assert result.records == 8
    for key in ("micro_f1_overlap", "micro_f1_exact", "person_recall_overlap"):
        assert result.metric(key).value == 1.0  # type: ignore[union-attr]
    assert result.metric("nationality_f1_overlap").value is None  # type: ignore[union-attr]
    # spaCy found Kobani exactly, Ayse Demir inside the gold person, and no organisation
    assert result.metric("location_f1_exact").reference == "spaCy md NER: 1.00"  # type: ignore[union-attr]
    assert result.metric("person_f1_exact").reference == "spaCy md NER: 0.00"  # type: ignore[union-attr]
    assert result.metric("person_f1_overlap").reference == "spaCy md NER: 1.00"  # type: ignore[union-attr]
    assert result.misses == []


def test_a_missed_person_lowers_person_recall_and_is_listed(data_root: Path) -> None:
    class MissingMinister(FakeContext):
        def code(self, articles: Sequence[Article], label: str = "coding") -> list[Article]:
            out = super().code(articles, label)
            out[0].actors = [a for a in out[0].actors if a.kind != "person"]
            return out

    result = R.evaluate(MissingMinister(root=data_root, settings=load_settings(environ={})))
    assert result.metric("person_recall_overlap").value == 0.5  # type: ignore[union-attr]
    assert result.metric("organisation_f1_overlap").value == 1.0  # type: ignore[union-attr]
    assert result.metric("micro_recall_exact").value == 7 / 8  # type: ignore[union-attr]
    [miss] = result.misses
    assert (miss.expected, miss.severity) == ("Person: Defence Minister Ayse Demir", 1.0)
    assert "Ayse Demir" in miss.text
    assert result.tables["missed_actor_names"] == [
        {"expected": "Person: Defence Minister Ayse Demir", "count": 1}
    ]


def test_limit_applies_to_documents(data_root: Path) -> None:
    ctx = FakeContext(root=data_root, settings=load_settings(environ={}), limit=1)
    assert R.evaluate(ctx).records == 4


def test_a_missing_folder_is_skipped_by_the_registry(tmp_path: Path) -> None:
    [result] = evaluate(["re3d"], root=tmp_path, settings=load_settings(environ={}))
    assert result.skipped is not None and "re3d" in result.skipped
    assert result.metrics == []
