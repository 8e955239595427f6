"""re3d: entity precision/recall/F1 for organisations, locations, people and nationalities.

Gold: ``re3d/re3d_combined.jsonl`` (Dstl's Relationship and Entity Extraction Evaluation
Dataset; one document per line with character-offset entities and an IBCC ``confidence``).
Predictions: what eventwatch outputs for an article, its resolved actors and places, each given
one re3d type by the mapping in ``data/re3d.yaml`` (documented in ``docs/eval/re3d.md``). The
spaCy md NER (``doc.ents``) is scored in the same run as a reference row.

Two match rules, both reported: *exact* (same start, end and type) and *overlap* (same type,
at least one character in common, each gold and each predicted mention used once, largest
overlap first). Micro averages pool the four types.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from eventwatch.errors import DataFileError
from eventwatch.evaluate.base import (
    DatasetResult,
    EvalContext,
    Miss,
    SpanScore,
    gold_article,
    read_jsonl,
)
from eventwatch.records import Article

FOLDER = "re3d"
GOLD_FILE = "re3d_combined.jsonl"
RULES = ("exact", "overlap")
SYSTEMS = ("eventwatch", "spacy_md")
REFERENCE_MODEL = "md"


# ------------------------------------------------------------------------------------ mapping
class Re3dMapping(BaseModel):
    """Schema of ``data/re3d.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    min_confidence: float = Field(ge=0, le=1)
    types: list[str] = Field(min_length=1)
    actor_kinds: dict[str, str]
    demonym_type: str | None = None
    acting_country_type: str | None = None
    flat: bool = True
    spacy_labels: dict[str, str]
    pronouns: frozenset[str] = frozenset()
    max_misses: int = Field(40, ge=0)
    window_chars: int = Field(70, ge=0)

    @model_validator(mode="after")
    def _known_types(self) -> Re3dMapping:
        used = {*self.actor_kinds.values(), *self.spacy_labels.values()}
        used |= {t for t in (self.demonym_type, self.acting_country_type) if t}
        if unknown := sorted(used - set(self.types)):
            raise ValueError(f"types {unknown} are not in `types`")
        return self


def parse_mapping(text: str, source: str = "re3d.yaml") -> Re3dMapping:
    try:
        return Re3dMapping.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise DataFileError(f"{source}: {exc}") from exc


@cache
def load_mapping() -> Re3dMapping:
    """The packaged mapping (read once)."""
    ref = resources.files("eventwatch.evaluate") / "data" / "re3d.yaml"
    return parse_mapping(ref.read_text(encoding="utf-8"))


# -------------------------------------------------------------------------------- gold data
@dataclass(frozen=True, slots=True)
class Mention:
    """A typed character span ``[start, end)`` of a document's text."""

    start: int
    end: int
    type: str
    text: str


@dataclass(slots=True)
class GoldDoc:
    doc_id: str
    title: str
    text: str
    entities: list[Mention] = field(default_factory=list)


def read_gold(path: Path, mapping: Re3dMapping) -> list[GoldDoc]:
    """Documents with their entities of the scored types at ``min_confidence`` or above."""
    wanted = set(mapping.types)

    def document(row: dict[str, Any]) -> GoldDoc:
        doc = GoldDoc(row["doc_id"], row.get("title") or "", row["text"])
        for ent in row.get("entities", []):
            if ent["type"] in wanted and ent["confidence"] >= mapping.min_confidence:
                value = ent.get("value") or doc.text[ent["begin"] : ent["end"]]
                doc.entities.append(Mention(ent["begin"], ent["end"], ent["type"], value))
        return doc

    return read_jsonl(path, "a re3d document", document)


# -------------------------------------------------------------------------------- predictions
def offset_map(source: str, target: str) -> list[int]:
    """For every offset of ``source`` (and its end), the matching offset in ``target``.

    The pipeline normalises whitespace and control characters, so an article's text can differ
    from the gold text; unchanged stretches map exactly, changed ones to their start.
    """
    if source == target:
        return list(range(len(source) + 1))
    out = [0] * (len(source) + 1)
    matcher = SequenceMatcher(None, source, target, autojunk=False)
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        for k in range(i1, i2):
            out[k] = j1 + (k - i1) if tag == "equal" else j1
    out[len(source)] = len(target)
    return out


def project(mentions: Iterable[Mention], offsets: Sequence[int], text: str) -> list[Mention]:
    """Mentions of an article's text moved onto the gold text."""
    out = []
    for m in mentions:
        start, end = offsets[m.start], offsets[max(m.end - 1, m.start)] + 1
        out.append(Mention(start, end, m.type, text[start:end]))
    return out


def eventwatch_mentions(
    article: Article, mapping: Re3dMapping, demonyms: frozenset[str]
) -> list[Mention]:
    """One re3d type per body span from the article's places and actors (see the YAML)."""
    typed: dict[tuple[int, int], Mention] = {}
    for place in article.places:
        if place.span is not None and place.span.field == "body":
            typed[(place.span.start, place.span.end)] = Mention(
                place.span.start, place.span.end, "Location", place.span.text
            )
    acting = {
        (a.span.start, a.span.end)
        for event in article.events
        for a in (event.actor, event.recipient)
        if a is not None and a.span is not None and a.span.field == "body"
    }
    for actor in article.actors:
        span = actor.span
        kind = mapping.actor_kinds.get(actor.kind)
        if span is None or span.field != "body" or kind is None:
            continue
        key = (span.start, span.end)
        if actor.kind == "country" and mapping.demonym_type and actor.text in demonyms:
            kind = mapping.demonym_type
        elif actor.kind == "country" and mapping.acting_country_type and key in acting:
            kind = mapping.acting_country_type
        elif actor.kind == "country" and key in typed:
            continue  # a country named as a place: the place says Location already
        typed[key] = Mention(span.start, span.end, kind, span.text)
    mentions = sorted(typed.values(), key=lambda m: (m.start, m.end))
    return outermost(mentions) if mapping.flat else mentions


def outermost(mentions: Sequence[Mention]) -> list[Mention]:
    """The mentions not lying inside a longer one ("Iraq" in "the Iraq people")."""
    return [
        m
        for m in mentions
        if not any(
            o is not m
            and o.start <= m.start
            and m.end <= o.end
            and o.end - o.start > m.end - m.start
            for o in mentions
        )
    ]


def spacy_mentions(doc: Any, mapping: Re3dMapping) -> list[Mention]:
    """``doc.ents`` mapped to re3d types (unmapped labels dropped)."""
    return [
        Mention(ent.start_char, ent.end_char, mapping.spacy_labels[ent.label_], ent.text)
        for ent in doc.ents
        if ent.label_ in mapping.spacy_labels
    ]


def country_demonyms(extra_files: Iterable[Path] = ()) -> frozenset[str]:
    """Surface forms the actor dictionary reads as demonyms ("Syrian", "Iraqi")."""
    from eventwatch.actors.dictionary import load_dictionary

    dictionary = load_dictionary(tuple(extra_files))
    return frozenset(s for s, t in dictionary.names.items() if t.form == "demonym")


# ------------------------------------------------------------------------------------ matching
def match_exact(gold: Sequence[Mention], predicted: Sequence[Mention]) -> list[tuple[int, int]]:
    """Pairs (gold index, predicted index) with the same start, end and type."""
    where = {(m.start, m.end, m.type): i for i, m in enumerate(predicted)}
    pairs = []
    for g, m in enumerate(gold):
        if (p := where.pop((m.start, m.end, m.type), None)) is not None:
            pairs.append((g, p))
    return pairs


def match_overlap(gold: Sequence[Mention], predicted: Sequence[Mention]) -> list[tuple[int, int]]:
    """One-to-one pairs of the same type sharing characters, largest overlap first."""
    options = []
    for g, gm in enumerate(gold):
        for p, pm in enumerate(predicted):
            common = min(gm.end, pm.end) - max(gm.start, pm.start)
            if gm.type == pm.type and common > 0:
                options.append((-common, g, p))
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, g, p in sorted(options):
        if g not in used_g and p not in used_p:
            used_g.add(g)
            used_p.add(p)
            pairs.append((g, p))
    return pairs


MATCHERS = {"exact": match_exact, "overlap": match_overlap}


@dataclass
class Tally:
    """Span scores per (gold set, rule, type) for one system."""

    types: Sequence[str]
    scores: dict[tuple[str, str, str], SpanScore] = field(default_factory=dict)

    def add(self, subset: str, gold: Sequence[Mention], predicted: Sequence[Mention]) -> None:
        for rule in RULES:
            pairs = MATCHERS[rule](gold, predicted)
            for kind in self.types:
                tp = sum(1 for g, _ in pairs if gold[g].type == kind)
                n_pred = sum(1 for m in predicted if m.type == kind)
                n_gold = sum(1 for m in gold if m.type == kind)
                self.score(subset, rule, kind).add(tp, n_pred, n_gold)
                self.score(subset, rule, "micro").add(tp, n_pred, n_gold)

    def score(self, subset: str, rule: str, kind: str) -> SpanScore:
        return self.scores.setdefault((subset, rule, kind), SpanScore())

    def rows(self, system: str) -> list[dict[str, Any]]:
        return [
            {"system": system, "gold": subset, "rule": rule, "type": kind,
             "gold_n": s.gold, "predicted": s.predicted, "tp": s.tp,
             "precision": s.precision, "recall": s.recall, "f1": s.f1}
            for (subset, rule, kind), s in self.scores.items()
        ]  # fmt: skip


# -------------------------------------------------------------------------------------- misses
@dataclass
class MissBook:
    """Unmatched mentions (overlap rule) grouped by string: how often and a first example."""

    window: int
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    first: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    def add(self, doc: GoldDoc, gold: Sequence[Mention], predicted: Sequence[Mention]) -> None:
        pairs = match_overlap(gold, predicted)
        free_g = [gold[i] for i in sorted(set(range(len(gold))) - {g for g, _ in pairs})]
        free_p = [predicted[i] for i in sorted(set(range(len(predicted))) - {p for _, p in pairs})]
        for m in free_g:
            other = next((p for p in free_p if p.start < m.end and m.start < p.end), None)
            got = f"{other.type}: {other.text}" if other else "nothing"
            self._note(doc, m, f"{m.type}: {m.text}", got)
        for m in free_p:
            if not any(g.start < m.end and m.start < g.end for g in free_g):
                self._note(doc, m, "nothing", f"{m.type}: {m.text}")

    def _note(self, doc: GoldDoc, m: Mention, expected: str, got: str) -> None:
        key = (expected, got)
        self.counts[key] += 1
        if key not in self.first:
            start, end = max(0, m.start - self.window), min(len(doc.text), m.end + self.window)
            snippet = " ".join(doc.text[start:end].split())
            self.first[key] = (doc.doc_id, f"…{snippet}…")

    def misses(self, limit: int) -> list[Miss]:
        out = []
        for key, count in self.counts.most_common(limit):
            item, text = self.first[key]
            out.append(Miss(item, text, key[0], f"{key[1]} (×{count})", severity=float(count)))
        return out

    def missed_names(self, types: Iterable[str], limit: int) -> list[dict[str, Any]]:
        """The gold strings of ``types`` most often not found at all (for the actor team)."""
        wanted = tuple(f"{t}: " for t in types)
        rows = [
            {"expected": exp, "count": n}
            for (exp, got), n in self.counts.most_common()
            if got == "nothing" and exp.startswith(wanted)
        ]
        return rows[:limit]


# ------------------------------------------------------------------------------------ evaluate
def named_only(mentions: Iterable[Mention], pronouns: frozenset[str]) -> list[Mention]:
    return [m for m in mentions if m.text.strip().lower() not in pronouns]


def evaluate(ctx: EvalContext) -> DatasetResult:
    """Score eventwatch's actors and places, and the spaCy md NER, against re3d."""
    from eventwatch.nlp import load_pipeline

    mapping = load_mapping()
    docs = ctx.take(read_gold(ctx.path(FOLDER, GOLD_FILE), mapping))
    articles = [gold_article(f"re3d:{d.doc_id}", d.text, title=d.title) for d in docs]
    coded = ctx.code(articles, "re3d")
    demonyms = country_demonyms(ctx.settings.actors.extra_files)
    nlp = load_pipeline(REFERENCE_MODEL)
    baseline = nlp.pipe((a.text for a in coded), batch_size=16)
    tallies = {s: Tally(mapping.types) for s in SYSTEMS}
    book = MissBook(mapping.window_chars)
    for doc, article, spacy_doc in zip(docs, coded, baseline, strict=True):
        offsets = offset_map(article.text, doc.text)
        predicted = {
            "eventwatch": project(
                eventwatch_mentions(article, mapping, demonyms), offsets, doc.text
            ),
            "spacy_md": project(spacy_mentions(spacy_doc, mapping), offsets, doc.text),
        }
        named = named_only(doc.entities, mapping.pronouns)
        for system, mentions in predicted.items():
            tallies[system].add("all", doc.entities, mentions)
            tallies[system].add("named", named, mentions)
        book.add(doc, named, predicted["eventwatch"])
    return build_result(docs, tallies, book, mapping)


def build_result(
    docs: Sequence[GoldDoc],
    tallies: dict[str, Tally],
    book: MissBook,
    mapping: Re3dMapping,
) -> DatasetResult:
    result = DatasetResult(FOLDER, "re3d entities (organisations, locations, people)")
    result.records = sum(len(d.entities) for d in docs)
    ours, ref = tallies["eventwatch"], tallies["spacy_md"]
    for kind in [*mapping.types, "micro"]:
        _add_metrics(result, kind, ours, ref)
    result.tables["entities"] = ours.rows("eventwatch") + ref.rows("spacy_md")
    named_types = [t for t in mapping.types if t != "Location"]
    result.tables["missed_actor_names"] = book.missed_names(named_types, 40)
    result.misses = book.misses(mapping.max_misses)
    result.notes = _notes(docs, mapping)
    return result


def _add_metrics(result: DatasetResult, kind: str, ours: Tally, ref: Tally) -> None:
    name = kind.lower()
    label = "micro-average" if kind == "micro" else kind
    wanted = [("all", "overlap", m) for m in ("precision", "recall", "f1")]
    wanted += [("all", "exact", "f1"), ("named", "overlap", "f1")]
    if kind == "micro":
        wanted += [("all", "exact", "precision"), ("all", "exact", "recall")]
    for subset, rule, measure in wanted:
        score, base = ours.score(subset, rule, kind), ref.score(subset, rule, kind)
        suffix = "_named" if subset == "named" else ""
        theirs = getattr(base, measure)
        result.add(
            f"{name}_{measure}_{rule}{suffix}",
            f"{label} {measure} ({rule} match{', named gold only' if suffix else ''})",
            getattr(score, measure),
            n=score.gold,
            reference=f"spaCy md NER: {theirs:.2f}" if theirs is not None else None,
        )


def _notes(docs: Sequence[GoldDoc], mapping: Re3dMapping) -> list[str]:
    counts = Counter(m.type for d in docs for m in d.entities)
    pronouns = sum(
        1 for d in docs for m in d.entities if m.text.strip().lower() in mapping.pronouns
    )
    per_type = ", ".join(f"{t} {counts[t]}" for t in mapping.types)
    return [
        f"Gold: {len(docs)} documents, entities with IBCC confidence ≥ {mapping.min_confidence} "
        f"({per_type}); {pronouns} of them are pronouns or 'here'/'there' (left out of the "
        "'named' figures and of the misses).",
        "Ours: places → Location; people → Person; institutions, IGOs, groups and sector nouns "
        "→ Organisation; a country actor → Nationality when written as a demonym, Organisation "
        "when coded as an event's actor or recipient, Location otherwise (docs/eval/re3d.md).",
        "Exact = same start, end and type; overlap = same type sharing a character, one-to-one. "
        "Reference: spaCy md doc.ents (ORG, GPE+LOC, PERSON, NORP) on the same texts.",
    ]
