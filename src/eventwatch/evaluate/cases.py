"""Claims and quotes: precision and recall on our own hand-written test set (issue 5).

Gold: ``data/claims_cases.yaml`` inside the package (short wire-news texts written by the
eventwatch team for this set, with every numeric claim and every quote marked, and decoy numbers
that are not claims). Predictions: ``Article.claims`` and ``Article.quotes`` as the configured
pipeline outputs them. The rules are documented in ``docs/eval/claims.md``.

:func:`score` is a pure function of (gold cases, coded articles), so the rules can be tested
without the pipeline; :func:`evaluate` is the registry's entry point.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from eventwatch.errors import DataFileError
from eventwatch.evaluate.base import (
    Confusion,
    DatasetResult,
    EvalContext,
    Miss,
    f1,
    gold_article,
    ratio,
)
from eventwatch.ingest.normalize import normalize_text, normalize_title
from eventwatch.records import (
    Actor,
    Article,
    Claim,
    Indicator,
    Qualifier,
    Quantity,
    Quote,
    QuoteKind,
    Span,
)

NAME = "claims_cases"
DATA_FILE = "claims_cases.yaml"
PRECISION_TARGET = 0.90
RECALL_TARGET = 0.85

VagueLabel = Literal[
    "a few", "several", "dozens", "scores", "hundreds", "thousands", "tens of thousands",
    "hundreds of thousands", "millions", "large", "small",
]  # fmt: skip
# qualifier -> (low given, high given) for a gold claim stated as a bound or a range
BOUNDS = {
    Qualifier.AT_LEAST: (True, False),
    Qualifier.AT_MOST: (False, True),
    Qualifier.RANGE: (True, True),
}


# ------------------------------------------------------------------------------------ schema
class GoldClaim(BaseModel):
    """One claimed number: its indicator, the number as stated, whose it is, who says it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    indicator: Indicator
    value: float | None = None
    low: float | None = None
    high: float | None = None
    label: VagueLabel | None = None
    qualifier: Qualifier | None = None
    unit: str | None = None
    subject: str | None  # verbatim; None = the text names nobody
    claimant: str | None  # verbatim; None = unattributed
    prior: bool = False
    as_of: str | None = Field(None, pattern=r"^\d{4}(-\d{2}){0,2}$")

    @model_validator(mode="after")
    def _one_number(self) -> GoldClaim:
        forms = (
            self.value is not None,
            self.low is not None or self.high is not None,
            self.label is not None,
        )
        if sum(forms) != 1:
            raise ValueError("give exactly one of `value`, `low`/`high` or `label`")
        q = self.qualifier
        if q in BOUNDS and (self.low is not None, self.high is not None) != BOUNDS[q]:
            raise ValueError(
                f"qualifier {q} needs {'low and high' if q == 'range' else 'one bound'}"
            )
        if q in (Qualifier.EXACT, Qualifier.APPROX) and self.value is None:
            raise ValueError(f"qualifier {q} needs `value`")
        if q == Qualifier.VAGUE and self.label is None:
            raise ValueError("qualifier vague needs `label`")
        return self

    @property
    def key(self) -> tuple[object, ...]:
        return (self.indicator, self.value, self.low, self.high, self.label)

    def describe(self) -> str:
        who = f"subject={self.subject!r}, claimant={self.claimant!r}"
        return f"{self.indicator} {number_words(self)}{' (prior)' if self.prior else ''}; {who}"


class GoldQuote(BaseModel):
    """Something said: how, by whom, with which cue, and what (verbatim)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: QuoteKind
    speaker: str | None
    cue: str | None = None
    content: str = Field(min_length=3)


class Case(BaseModel):
    """A short article with every claim and quote in it, and its decoy numbers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    published: date
    title: str = ""
    text: str = Field(min_length=1)
    claims: list[GoldClaim] = []
    quotes: list[GoldQuote] = []
    decoys: list[str] = []  # numbers in the text that are not claims

    @model_validator(mode="after")
    def _verbatim(self) -> Case:
        if self.text != normalize_text(self.text) or self.title != normalize_title(self.title):
            raise ValueError("title and text must be normalised (single spaces, no control chars)")
        strings = [s for c in self.claims for s in (c.subject, c.claimant) if s]
        strings += [s for q in self.quotes for s in (q.speaker, q.content) if s]
        if missing := [s for s in [*strings, *self.decoys] if s not in self.text]:
            raise ValueError(f"not in the text: {missing}")
        if twice := [q.content for q in self.quotes if self.text.count(q.content) > 1]:
            raise ValueError(f"quote content found more than once: {twice}")
        keys = [c.key for c in self.claims]
        if len(keys) != len(set(keys)):
            raise ValueError("two claims with the same indicator and number: ambiguous match")
        return self

    @property
    def is_decoy(self) -> bool:
        return bool(self.decoys)


def parse_cases(text: str, source: str = DATA_FILE) -> list[Case]:
    try:
        cases = TypeAdapter(list[Case]).validate_python(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise DataFileError(f"{source}: {exc}") from exc
    ids = Counter(c.id for c in cases)
    if dupes := sorted(i for i, n in ids.items() if n > 1):
        raise DataFileError(f"{source}: duplicate case ids {dupes}")
    return cases


@cache
def load_cases() -> tuple[Case, ...]:
    """The packaged test set (read and validated once)."""
    ref = resources.files("eventwatch.evaluate") / "data" / DATA_FILE
    return tuple(parse_cases(ref.read_text(encoding="utf-8")))


# ------------------------------------------------------------------------------------ numbers
def same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def numbers_agree(gold: GoldClaim, quantity: Quantity) -> bool:
    """Gold value = predicted value (or low = high = value); gold bounds = predicted bounds;
    gold vague label = predicted label."""
    if gold.label is not None:
        return quantity.label == gold.label
    if gold.value is not None:
        if quantity.value is not None:
            return same(quantity.value, gold.value)
        return same(quantity.low, gold.value) and same(quantity.high, gold.value)
    return same(quantity.low, gold.low) and same(quantity.high, gold.high)


def number_words(gold: GoldClaim) -> str:
    if gold.label is not None:
        return repr(gold.label)
    if gold.value is not None:
        return f"{gold.value:g}"
    return f"[{_g(gold.low)}, {_g(gold.high)}]"


def _g(number: float | None) -> str:
    return "" if number is None else f"{number:g}"


# ------------------------------------------------------------------------------------ actors
_ARTICLE = re.compile(r"^(?:the|a|an)\s+")
_EDGES = " ,;:\"'“”‘’()"


def _norm(words: str) -> str:
    return _ARTICLE.sub("", " ".join(words.lower().split())).strip(_EDGES)


def strings_agree(gold: str, predicted: str) -> bool:
    """One contains the other as whole words (case-insensitive, leading the/a/an ignored)."""
    a, b = _norm(gold), _norm(predicted)
    if not a or not b:
        return False
    inner, outer = (a, b) if len(a) <= len(b) else (b, a)
    return re.search(rf"(?<!\w){re.escape(inner)}(?!\w)", outer) is not None


def overlaps(span: Span, where: Iterable[tuple[int, int]]) -> bool:
    """Whether a body span shares a character with any of the ``[start, end)`` stretches."""
    return span.field == "body" and any(s < span.end and span.start < e for s, e in where)


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    out, start = [], text.find(needle)
    while needle and start >= 0:
        out.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return out


def actor_matches(
    gold: str, article: Article, spans: Iterable[Span | None], strings: Iterable[str | None]
) -> bool:
    """A span overlapping any occurrence of ``gold`` in its field, or agreeing strings."""
    for span in spans:
        if span is None:
            continue
        source = article.title if span.field == "title" else article.text
        where = occurrences(source, gold)
        if any(s < span.end and span.start < e for s, e in where):
            return True
    return any(strings_agree(gold, s) for s in strings if s)


def actor_words(actor: Actor | None, text: str | None = None) -> str | None:
    if actor is None:
        return text
    written = text or actor.text
    return written if _norm(written) == _norm(actor.name) else f"{written} ({actor.name})"


# ------------------------------------------------------------------------------------ tallies
@dataclass
class Attribution:
    """Subject, claimant or speaker on matched pairs. Gold ``None`` means "nobody"."""

    correct: int = 0  # gold given, prediction given, they agree
    predicted: int = 0  # pairs with a prediction
    gold: int = 0  # pairs with a gold string
    gold_none: int = 0
    none_right: int = 0  # gold nobody, predicted nobody

    def add(self, gold: str | None, predicted: bool, right: bool) -> bool:
        """Count one pair; True when the pair is correct (agreeing, or both nobody)."""
        self.predicted += predicted
        if gold is None:
            self.gold_none += 1
            self.none_right += not predicted
            return not predicted
        self.gold += 1
        self.correct += right and predicted
        return right and predicted

    @property
    def precision(self) -> float | None:
        return ratio(self.correct, self.predicted)

    @property
    def recall(self) -> float | None:
        return ratio(self.correct, self.gold)

    @property
    def none_accuracy(self) -> float | None:
        return ratio(self.none_right, self.gold_none)


@dataclass
class Share:
    right: int = 0
    n: int = 0

    def add(self, right: bool) -> None:
        self.right += right
        self.n += 1

    @property
    def value(self) -> float | None:
        return ratio(self.right, self.n)


@dataclass
class Tally:
    """Everything counted over the cases."""

    gold_claims: int = 0
    predicted_claims: int = 0
    matched_claims: int = 0
    confused_claims: int = 0  # number right, indicator wrong
    subject: Attribution = field(default_factory=Attribution)
    claimant: Attribution = field(default_factory=Attribution)
    prior: Share = field(default_factory=Share)
    qualifier: Share = field(default_factory=Share)
    unit: Share = field(default_factory=Share)
    as_of: Share = field(default_factory=Share)
    indicators: Confusion = field(default_factory=Confusion)
    per_indicator: dict[str, Counter[str]] = field(default_factory=dict)
    per_qualifier: dict[str, Counter[str]] = field(default_factory=dict)
    decoys: int = 0
    decoys_hit: int = 0
    decoy_claims: int = 0
    gold_quotes: int = 0
    predicted_quotes: int = 0
    matched_quotes: int = 0
    speaker: Attribution = field(default_factory=Attribution)
    cue: Share = field(default_factory=Share)
    kind: Share = field(default_factory=Share)
    per_kind: dict[str, Counter[str]] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)

    def count(self, table: dict[str, Counter[str]], key: str, what: str) -> None:
        table.setdefault(key, Counter())[what] += 1


# ------------------------------------------------------------------------------------ claims
def text_order(claims: Sequence[Claim]) -> list[Claim]:
    return sorted(claims, key=lambda c: (c.span.field != "title", c.span.start, c.span.end))


def match_claims(
    gold: Sequence[GoldClaim], predicted: Sequence[Claim]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """One-to-one, greedy in text order: (gold, predicted) pairs with the same indicator and
    agreeing numbers, then pairs of the leftovers whose numbers agree but indicators differ."""
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    confused: list[tuple[int, int]] = []
    for out, same_indicator in ((pairs, True), (confused, False)):
        done = {g for g, _ in pairs}
        for g, gc in enumerate(gold):
            if g in done:
                continue
            for p, pc in enumerate(predicted):
                if p in used or not numbers_agree(gc, pc.quantity):
                    continue
                if (pc.indicator == gc.indicator) == same_indicator:
                    out.append((g, p))
                    used.add(p)
                    break
    return pairs, confused


def describe_claim(claim: Claim) -> str:
    q = claim.quantity
    subject = actor_words(claim.subject)
    claimant = actor_words(claim.claimant, claim.claimant_text)
    return (
        f"{claim.indicator} {q.text!r} (value={q.value}, low={q.low}, high={q.high}, "
        f"label={q.label}){' (prior)' if claim.prior else ''}; "
        f"subject={subject!r}, claimant={claimant!r}"
    )


def score_claims(case: Case, article: Article, tally: Tally) -> None:
    predicted = text_order(article.claims)
    pairs, confused = match_claims(case.claims, predicted)
    tally.gold_claims += len(case.claims)
    tally.predicted_claims += len(predicted)
    tally.matched_claims += len(pairs)
    tally.confused_claims += len(confused)
    for gc in case.claims:
        tally.count(tally.per_indicator, str(gc.indicator), "gold")
        tally.count(tally.per_qualifier, str(gc.qualifier or "-"), "gold")
    for pc in predicted:
        tally.count(tally.per_indicator, str(pc.indicator), "predicted")
    for g, p in pairs:
        score_pair(case, article, case.claims[g], predicted[p], tally)
    for g, p in confused:
        gold, pred = case.claims[g], predicted[p]
        tally.indicators.add(str(gold.indicator), str(pred.indicator))
        tally.misses.append(Miss(case.id, case.text, gold.describe(), describe_claim(pred), 2.5))
    answered = {g for g, _ in pairs} | {g for g, _ in confused}
    for g, gold in enumerate(case.claims):
        if g not in answered:
            tally.indicators.add(str(gold.indicator), None)
            tally.misses.append(Miss(case.id, case.text, gold.describe(), "no claim", 3.0))
    used = {p for _, p in pairs} | {p for _, p in confused}
    score_decoys(case, article, [c for i, c in enumerate(predicted) if i not in used], tally)


def subject_right(gold: GoldClaim, pred: Claim, article: Article) -> bool:
    sub = pred.subject
    if gold.subject is None or sub is None:
        return False
    return actor_matches(gold.subject, article, [sub.span], [sub.text, sub.name])


def claimant_right(gold: GoldClaim, pred: Claim, article: Article) -> bool:
    who = pred.claimant
    if gold.claimant is None or (who is None and not pred.claimant_text):
        return False
    spans = [who.span] if who is not None else []
    words = [pred.claimant_text, *((who.text, who.name) if who is not None else ())]
    return actor_matches(gold.claimant, article, spans, words)


def score_pair(case: Case, article: Article, gold: GoldClaim, pred: Claim, tally: Tally) -> None:
    """The fields of a matched claim: indicator, qualifier, unit, prior, as-of, subject,
    claimant (a wrong subject or claimant is a miss)."""
    tally.indicators.add(str(gold.indicator), str(pred.indicator))
    tally.count(tally.per_indicator, str(gold.indicator), "matched")
    tally.count(tally.per_qualifier, str(gold.qualifier or "-"), "matched")
    tally.prior.add(pred.prior == gold.prior)
    if gold.qualifier is not None:
        tally.qualifier.add(pred.quantity.qualifier == gold.qualifier)
    if gold.unit is not None:
        tally.unit.add(pred.unit == gold.unit)
    if gold.as_of is not None:
        when = pred.as_of.value if pred.as_of is not None else None
        tally.as_of.add(when is not None and when.isoformat().startswith(gold.as_of))
    about = f"of {gold.describe()}"
    sub_ok = subject_right(gold, pred, article)
    if not tally.subject.add(gold.subject, pred.subject is not None, sub_ok):
        got = f"subject {actor_words(pred.subject)!r}"
        tally.misses.append(Miss(case.id, case.text, f"subject {gold.subject!r} {about}", got))
    claimed = pred.claimant is not None or bool(pred.claimant_text)
    if not tally.claimant.add(gold.claimant, claimed, claimant_right(gold, pred, article)):
        got = f"claimant {actor_words(pred.claimant, pred.claimant_text)!r}"
        tally.misses.append(Miss(case.id, case.text, f"claimant {gold.claimant!r} {about}", got))


def score_decoys(case: Case, article: Article, spurious: Sequence[Claim], tally: Tally) -> None:
    """Unmatched predictions are misses; those on a decoy number are counted apart."""
    spots = {d: occurrences(article.text, d) for d in case.decoys}
    tally.decoys += len(case.decoys)
    hit: set[str] = set()
    for claim in spurious:
        on = [d for d, where in spots.items() if overlaps(claim.span, where)]
        hit.update(on)
        tally.decoy_claims += bool(on)
        expected = f"no claim (decoy {on[0]!r})" if on else "no claim"
        severity = 3.0 if on else 2.0
        tally.misses.append(Miss(case.id, case.text, expected, describe_claim(claim), severity))
    tally.decoys_hit += len(hit)


# ------------------------------------------------------------------------------------ quotes
def common_chars(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Characters shared by two spans when that is at least half of the shorter, else 0."""
    common = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return common if common > 0 and 2 * common >= shorter else 0


def match_quotes(
    gold: Sequence[tuple[int, int]], predicted: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """One-to-one, gold in text order, each taking the free prediction overlapping it most."""
    used: set[int] = set()
    pairs = []
    for g in sorted(range(len(gold)), key=lambda i: gold[i]):
        free = [(common_chars(gold[g], span), p) for p, span in enumerate(predicted)]
        common, best = max([(c, p) for c, p in free if p not in used], default=(0, -1))
        if common > 0:
            used.add(best)
            pairs.append((g, best))
    return pairs


def describe_quote(quote: Quote) -> str:
    speaker = actor_words(quote.speaker, quote.speaker_text)
    return f"{quote.kind} by {speaker!r} ({quote.cue}): {quote.content.text!r}"


def describe_gold_quote(quote: GoldQuote) -> str:
    return f"{quote.kind} by {quote.speaker!r} ({quote.cue}): {quote.content!r}"


def score_quotes(case: Case, article: Article, tally: Tally) -> None:
    gold_spans = [occurrences(article.text, q.content)[:1] or [(-1, -1)] for q in case.quotes]
    gold = [spans[0] for spans in gold_spans]
    predicted = [q for q in article.quotes if q.content.field == "body"]
    pairs = match_quotes(gold, [(q.content.start, q.content.end) for q in predicted])
    tally.gold_quotes += len(case.quotes)
    tally.predicted_quotes += len(article.quotes)
    tally.matched_quotes += len(pairs)
    for gq in case.quotes:
        tally.count(tally.per_kind, str(gq.kind), "gold")
    for g, p in pairs:
        gq, pq = case.quotes[g], predicted[p]
        tally.count(tally.per_kind, str(gq.kind), "matched")
        tally.cue.add(pq.cue == gq.cue)
        tally.kind.add(pq.kind == gq.kind)
        said = pq.speaker is not None or bool(pq.speaker_text)
        spans = [pq.speaker_span, pq.speaker.span if pq.speaker else None]
        words = [pq.speaker_text, *((pq.speaker.text, pq.speaker.name) if pq.speaker else ())]
        right = gq.speaker is not None and said and actor_matches(gq.speaker, article, spans, words)
        if not tally.speaker.add(gq.speaker, said, right):
            expected, got = describe_gold_quote(gq), describe_quote(pq)
            tally.misses.append(Miss(case.id, case.text, expected, got, 1.0))
    matched_g, matched_p = {g for g, _ in pairs}, {p for _, p in pairs}
    for g, gq in enumerate(case.quotes):
        if g not in matched_g:
            tally.misses.append(Miss(case.id, case.text, describe_gold_quote(gq), "no quote", 2.0))
    spurious = [q for q in article.quotes if q.content.field != "body"]
    spurious += [q for p, q in enumerate(predicted) if p not in matched_p]
    for pq in spurious:
        tally.misses.append(Miss(case.id, case.text, "no quote", describe_quote(pq), 1.5))


# ------------------------------------------------------------------------------------ scoring
def score(cases: Sequence[Case], articles: Sequence[Article]) -> DatasetResult:
    """Score coded ``articles`` (in the order of ``cases``) against the gold cases."""
    if len(cases) != len(articles):
        raise ValueError(f"{len(cases)} cases but {len(articles)} articles")
    tally = Tally()
    for case, article in zip(cases, articles, strict=True):
        score_claims(case, article, tally)
        score_quotes(case, article, tally)
    return build_result(cases, tally)


# (key, label, value, n, target)
Row = tuple[str, str, float | None, int, float | None]
P, R = PRECISION_TARGET, RECALL_TARGET


def claim_rows(t: Tally) -> list[Row]:
    value_p = ratio(t.matched_claims, t.predicted_claims)
    value_r = ratio(t.matched_claims, t.gold_claims)
    rows: list[Row] = [
        ("claim_value_precision", "claim value precision", value_p, t.predicted_claims, P),
        ("claim_value_recall", "claim value recall", value_r, t.gold_claims, R),
        ("claim_value_f1", "claim value F1", f1(value_p, value_r), t.gold_claims, None),
    ]
    for key, att in (("subject", t.subject), ("claimant", t.claimant)):
        rows += [
            (f"claim_{key}_precision", f"claim {key} precision (matched claims)",
             att.precision, att.predicted, P),
            (f"claim_{key}_recall", f"claim {key} recall (matched claims)",
             att.recall, att.gold, R),
            (f"claim_{key}_none_accuracy", f"claim {key}: none predicted where gold has none",
             att.none_accuracy, att.gold_none, None),
        ]  # fmt: skip
    number_right = t.matched_claims + t.confused_claims
    rows.append(
        (
            "claim_indicator_accuracy",
            "claim indicator accuracy (number matched)",
            ratio(t.matched_claims, number_right),
            number_right,
            None,
        )
    )
    shares = (
        ("qualifier", "qualifier", t.qualifier),
        ("unit", "unit", t.unit),
        ("prior", "prior-estimate flag", t.prior),
        ("as_of", "as-of date", t.as_of),
    )
    for key, label, share in shares:
        rows.append(
            (
                f"claim_{key}_accuracy",
                f"claim {label} accuracy (matched claims)",
                share.value,
                share.n,
                None,
            )
        )
    rejected = 1 - t.decoys_hit / t.decoys if t.decoys else None
    rows.append(("claim_decoy_rejection", "decoy numbers left alone", rejected, t.decoys, None))
    return rows


def quote_rows(t: Tally) -> list[Row]:
    quote_p = ratio(t.matched_quotes, t.predicted_quotes)
    quote_r = ratio(t.matched_quotes, t.gold_quotes)
    sp = t.speaker
    return [
        ("quote_precision", "quote precision (content overlap)", quote_p, t.predicted_quotes, P),
        ("quote_recall", "quote recall (content overlap)", quote_r, t.gold_quotes, R),
        ("quote_f1", "quote F1", f1(quote_p, quote_r), t.gold_quotes, None),
        ("quote_speaker_precision", "quote speaker precision (matched quotes)",
         sp.precision, sp.predicted, P),
        ("quote_speaker_recall", "quote speaker recall (matched quotes)", sp.recall, sp.gold, R),
        ("quote_speaker_none_accuracy", "quote speaker: none predicted where gold has none",
         sp.none_accuracy, sp.gold_none, None),
        ("quote_cue_accuracy", "quote cue accuracy (matched quotes)", t.cue.value, t.cue.n, None),
        ("quote_kind_accuracy", "quote kind accuracy (matched quotes)", t.kind.value, t.kind.n,
         None),
    ]  # fmt: skip


def build_result(cases: Sequence[Case], t: Tally) -> DatasetResult:
    result = DatasetResult(NAME, "claims and quotes (hand-written test set)")
    result.records = t.gold_claims + t.gold_quotes
    for key, label, value, n, target in [*claim_rows(t), *quote_rows(t)]:
        result.add(key, label, value, n=n, target=target)
    result.add(
        "claim_decoy_hits",
        "claims predicted on decoy numbers",
        t.decoy_claims,
        unit="count",
        gate=False,
    )
    result.tables = build_tables(t)
    result.misses = sorted(t.misses, key=lambda m: -m.severity)
    result.notes = notes(cases, t)
    return result


def build_tables(t: Tally) -> dict[str, list[dict[str, Any]]]:
    def rows(table: dict[str, Counter[str]], name: str) -> list[dict[str, Any]]:
        out = []
        for key in sorted(table):
            c = table[key]
            row: dict[str, Any] = {name: key, "gold": c["gold"], "matched": c["matched"]}
            if name == "indicator":
                row |= {
                    "predicted": c["predicted"],
                    "precision": ratio(c["matched"], c["predicted"]),
                }
            out.append(row | {"recall": ratio(c["matched"], c["gold"])})
        return out

    return {
        "claims_by_indicator": rows(t.per_indicator, "indicator"),
        "claims_by_qualifier": rows(t.per_qualifier, "qualifier"),
        "indicator_confusion": t.indicators.matrix(),
        "quotes_by_kind": rows(t.per_kind, "kind"),
    }


def notes(cases: Sequence[Case], t: Tally) -> list[str]:
    decoy_cases = sum(c.is_decoy for c in cases)
    pure = sum(c.is_decoy and not c.claims for c in cases)
    return [
        f"Gold: {len(cases)} texts written by us, {t.gold_claims} claims, {t.gold_quotes} quotes, "
        f"{t.decoys} decoy numbers in {decoy_cases} texts ({pure} with no claim at all).",
        "A claim matches when indicator and number agree (value, low/high, or vague label), "
        "one-to-one in text order; subject, claimant and the other fields are scored on matched "
        "claims. A quote matches when the contents share at least half of the shorter one.",
        "Actors agree when the predicted span overlaps the gold words, or the predicted "
        "text/name and the gold words contain one another as whole words (docs/eval/claims.md).",
    ]


def evaluate(ctx: EvalContext) -> DatasetResult:
    """Code the packaged cases in one pipeline run and score claims and quotes."""
    cases = ctx.take(load_cases())
    articles = [
        gold_article(f"{NAME}:{c.id}", c.text, title=c.title, published=c.published.isoformat())
        for c in cases
    ]
    return score(cases, ctx.code(articles, NAME))
