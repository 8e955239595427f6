"""The claims and quotes test set: the packaged cases validate, and the scoring rules hold.

No language model and no pipeline: predicted claims and quotes are built by hand.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from eventwatch.config import load_settings
from eventwatch.errors import DataFileError
from eventwatch.evaluate import cases as C
from eventwatch.evaluate.base import DatasetResult, EvalContext, gold_article
from eventwatch.records import Actor, Article, Claim, EventDate, Indicator, Quantity, Quote, Span

TEXT = (
    "Rebels killed at least 14 soldiers near Gao, army spokesman Ali Diarra said. "
    "A 45-year-old officer was among the dead. He said about 300 families had fled."
)
CASE_YAML = """
- id: t1
  published: 2020-05-04
  text: "{text}"
  claims:
    - {{indicator: killed, low: 14, qualifier: at_least, unit: people,
       subject: "soldiers", claimant: "army spokesman Ali Diarra"}}
    - {{indicator: displaced, value: 300, qualifier: approx, unit: people,
       subject: null, claimant: null}}
  quotes:
    - {{kind: reported, speaker: "army spokesman Ali Diarra", cue: say,
       content: "Rebels killed at least 14 soldiers near Gao"}}
    - {{kind: reported, speaker: "army spokesman Ali Diarra", cue: say,
       content: "about 300 families had fled"}}
  decoys: ["45-year-old"]
"""


# a decoy is a number that is not a claim: digits, or a number word
NUMBER_WORD = re.compile(r"\d|\b(?:two|three|second|third|few|millions)\b", re.I)


@pytest.fixture(scope="module")
def packaged() -> tuple[C.Case, ...]:
    return C.load_cases()


def one_case() -> C.Case:
    [case] = C.parse_cases(CASE_YAML.format(text=TEXT))
    return case


def span_of(text: str, words: str, field: str = "body") -> Span:
    start = text.index(words)
    return Span(start, start + len(words), words, field)  # type: ignore[arg-type]


def actor(text: str, words: str, name: str | None = None) -> Actor:
    return Actor(name or words, "XXX", None, None, "other", words, span=span_of(text, words))


def quantity(gold: C.GoldClaim) -> Quantity:
    if gold.value is not None:
        low = high = gold.value
    else:
        low, high = gold.low, gold.high
    qualifier = gold.qualifier or "exact"
    return Quantity(gold.value, low, high, qualifier, qualifier == "approx", "n", gold.label)


def perfect_claim(case: C.Case, gold: C.GoldClaim, index: int) -> Claim:
    """What a perfect extractor would output for ``gold`` (number spans are not gold data:
    an empty span at the start keeps text order and touches no decoy)."""
    return Claim(
        id=f"{case.id}-{index}",
        article_id=case.id,
        indicator=gold.indicator,
        quantity=quantity(gold),
        unit=gold.unit or "people",
        evidence=Span(0, len(case.text), case.text),
        span=Span(index, index, ""),
        subject=actor(case.text, gold.subject) if gold.subject else None,
        claimant=None,
        claimant_text=gold.claimant,
        prior=gold.prior,
        as_of=None if gold.as_of is None else EventDate(as_of(gold.as_of), "month", "text"),
    )


def as_of(text: str) -> date:
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


def perfect_quote(case: C.Case, gold: C.GoldQuote, index: int) -> Quote:
    speaker = actor(case.text, gold.speaker) if gold.speaker else None
    return Quote(
        id=f"{case.id}-q{index}",
        article_id=case.id,
        kind=gold.kind,
        content=span_of(case.text, gold.content),
        evidence=Span(0, len(case.text), case.text),
        speaker=speaker,
        speaker_text=gold.speaker,
        cue=gold.cue,
    )


def perfect(case: C.Case) -> Article:
    article = gold_article(case.id, case.text, title=case.title)
    article.claims = [perfect_claim(case, g, i) for i, g in enumerate(case.claims)]
    article.quotes = [perfect_quote(case, q, i) for i, q in enumerate(case.quotes)]
    return article


def value(result: DatasetResult, key: str) -> float | None:
    metric = result.metric(key)
    assert metric is not None, key
    return metric.value


# ------------------------------------------------------------------------------- the data file
def test_packaged_set_is_large_and_varied(packaged: Sequence[C.Case]) -> None:
    claims = [c for case in packaged for c in case.claims]
    quotes = [q for case in packaged for q in case.quotes]
    assert len(packaged) >= 45
    assert len(claims) >= 60 and len(quotes) >= 30
    assert sum(case.is_decoy for case in packaged) >= 12
    assert sum(case.is_decoy and not case.claims for case in packaged) >= 6
    assert {c.indicator for c in claims} == set(Indicator)
    assert {q.kind for q in quotes} == {"direct", "reported", "according"}
    assert {c.qualifier for c in claims} >= {"exact", "approx", "at_least", "at_most", "range"}
    assert any(c.prior for c in claims) and any(c.claimant is None for c in claims)


def test_every_gold_string_is_verbatim(packaged: Sequence[C.Case]) -> None:
    for case in packaged:
        strings = [s for c in case.claims for s in (c.subject, c.claimant) if s]
        strings += [s for q in case.quotes for s in (q.speaker, q.content) if s]
        assert all(s in case.text for s in [*strings, *case.decoys]), case.id
        assert all(NUMBER_WORD.search(d) for d in case.decoys), case.id


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ('subject: "soldiers"', 'subject: "sailors"', "not in the text"),
        ("low: 14,", "low: 14, value: 14,", "exactly one of"),
        ("qualifier: at_least", "qualifier: range", "needs low and high"),
        ('decoys: ["45-year-old"]', 'decoys: ["46-year-old"]', "not in the text"),
        ("indicator: killed", "indicator: wounded", "indicator"),
    ],
)
def test_loader_rejects_bad_cases(old: str, new: str, why: str) -> None:
    text = CASE_YAML.format(text=TEXT).replace(old, new)
    with pytest.raises(DataFileError, match=why):
        C.parse_cases(text)


def test_loader_rejects_duplicate_ids() -> None:
    text = CASE_YAML.format(text=TEXT)
    with pytest.raises(DataFileError, match="duplicate case ids"):
        C.parse_cases(text + text)


# ------------------------------------------------------------------------------------ scoring
def test_perfect_predictions_score_one(packaged: Sequence[C.Case]) -> None:
    result = C.score(packaged, [perfect(c) for c in packaged])
    for metric in result.metrics:
        if metric.unit == "ratio":
            assert metric.value == 1.0 or (metric.value is None and metric.n == 0), metric.key
    assert value(result, "claim_decoy_hits") == 0
    assert result.misses == []
    assert result.records == sum(len(c.claims) + len(c.quotes) for c in packaged)


def test_no_predictions_give_zero_recall(packaged: Sequence[C.Case]) -> None:
    articles = [gold_article(c.id, c.text) for c in packaged]
    result = C.score(packaged, articles)
    assert value(result, "claim_value_recall") == 0.0
    assert value(result, "quote_recall") == 0.0
    assert value(result, "claim_value_precision") is None
    assert value(result, "claim_decoy_rejection") == 1.0
    n_gold = sum(len(c.claims) + len(c.quotes) for c in packaged)
    assert len(result.misses) == n_gold


def test_wrong_subject_lowers_subject_precision_and_recall() -> None:
    case = one_case()
    article = perfect(case)
    article.claims[0].subject = actor(case.text, "Rebels")
    result = C.score([case], [article])
    assert value(result, "claim_subject_precision") == 0.0
    assert value(result, "claim_subject_recall") == 0.0
    assert value(result, "claim_value_precision") == 1.0
    assert any("subject 'soldiers'" in m.expected for m in result.misses)


def test_extra_claim_on_a_decoy_lowers_value_precision() -> None:
    case = one_case()
    article = perfect(case)
    decoy = span_of(case.text, "45")
    article.claims.append(
        Claim(
            "x",
            case.id,
            "killed",
            Quantity(45, 45, 45, "exact", False, "45"),
            "people",
            Span(0, 10, ""),
            decoy,
        )
    )
    result = C.score([case], [article])
    assert value(result, "claim_value_precision") == pytest.approx(2 / 3)
    assert value(result, "claim_value_recall") == 1.0
    assert value(result, "claim_decoy_hits") == 1
    assert value(result, "claim_decoy_rejection") == 0.0
    assert result.misses[0].expected == "no claim (decoy '45-year-old')"


def test_claimant_where_gold_has_none_lowers_claimant_precision() -> None:
    case = one_case()
    article = perfect(case)
    article.claims[1].claimant_text = "army spokesman Ali Diarra"
    result = C.score([case], [article])
    assert value(result, "claim_claimant_precision") == 0.5
    assert value(result, "claim_claimant_recall") == 1.0
    assert value(result, "claim_claimant_none_accuracy") == 0.0


def test_pronoun_claimant_counts_only_when_resolved() -> None:
    case = one_case()
    gold = case.claims[1].model_copy(update={"claimant": "army spokesman Ali Diarra"})
    case = case.model_copy(update={"claims": [case.claims[0], gold]})
    article = perfect(case)
    he = span_of(case.text, "He")
    article.claims[1].claimant_text = "He"
    assert value(C.score([case], [article]), "claim_claimant_recall") == 0.5
    article.claims[1].claimant = Actor(
        "Ali Diarra", "MLIMIL", "MLI", "MIL", "person", "He", span=he
    )
    assert value(C.score([case], [article]), "claim_claimant_recall") == 1.0


def test_bound_stated_as_exact_is_a_miss_and_indicator_confusion_is_tabled() -> None:
    case = one_case()
    article = perfect(case)
    article.claims[0].quantity = Quantity(14, 14, 14, "exact", False, "14")  # "at least" lost
    article.claims[1].indicator = "killed"  # 300 families read as dead
    result = C.score([case], [article])
    assert value(result, "claim_value_recall") == 0.0
    assert value(result, "claim_value_precision") == 0.0
    assert value(result, "claim_indicator_accuracy") == 0.0
    [displaced] = [r for r in result.tables["indicator_confusion"] if r["gold"] == "displaced"]
    assert displaced["killed"] == 1
    [killed] = [r for r in result.tables["indicator_confusion"] if r["gold"] == "killed"]
    assert killed["-"] == 1


def test_quotes_match_on_half_overlap_and_speakers_are_scored() -> None:
    case = one_case()
    article = perfect(case)
    first, second = article.quotes
    whole = span_of(case.text, "Rebels killed at least 14 soldiers near Gao, army spokesman")
    article.quotes[0] = Quote(
        "q0", case.id, "reported", whole, first.evidence, None, "Rebels", "say"
    )
    short = span_of(case.text, "families had fled")  # inside the gold content: all shared
    article.quotes[1] = Quote("q1", case.id, "direct", short, second.evidence, None, None, None)
    result = C.score([case], [article])
    assert value(result, "quote_recall") == 1.0
    assert value(result, "quote_speaker_precision") == 0.0  # "Rebels" is not the speaker
    assert value(result, "quote_speaker_recall") == 0.0
    assert value(result, "quote_kind_accuracy") == 0.5
    tiny = span_of(case.text, "near Gao, army spokesman Ali Diarra said. A 45-year-old officer")
    article.quotes[0] = Quote("q0", case.id, "reported", tiny, first.evidence, None, None, "say")
    assert value(C.score([case], [article]), "quote_recall") == 0.5


@pytest.mark.parametrize(
    ("gold", "predicted", "agree"),
    [
        ("the Gaza health ministry", "Gaza health ministry", True),
        ("U.S. officials", "officials", True),
        ("NATO's top military commander", "NATO", True),
        ("Sheikh Ahmed", "he", False),
        ("the ministry", "the", False),
        ("Islamic State", "State Department", False),
    ],
)
def test_actor_strings(gold: str, predicted: str, agree: bool) -> None:
    assert C.strings_agree(gold, predicted) is agree


class FakeContext(EvalContext):
    """Counts ``code`` calls and returns the articles as given (no pipeline)."""

    calls: int = 0

    def code(self, articles: Sequence[Article], label: str = "coding") -> list[Article]:
        self.calls += 1
        return list(articles)


def test_evaluate_codes_everything_in_one_call(packaged: Sequence[C.Case]) -> None:
    ctx = FakeContext(root=Path("/nonexistent"), settings=load_settings(environ={}), limit=10)
    result = C.evaluate(ctx)
    assert ctx.calls == 1
    assert result.name == "claims_cases"
    assert result.records == sum(len(c.claims) + len(c.quotes) for c in packaged[:10])
    assert value(result, "claim_value_recall") == 0.0
    assert {"claims_by_indicator", "indicator_confusion", "quotes_by_kind"} <= set(result.tables)
