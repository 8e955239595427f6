"""Near-duplicates: precision and recall on copies and decoys generated from our own examples.

The set is built at run time from the example articles of the repository
(``examples/articles``, read with :func:`eventwatch.ingest.read_sources`) by deterministic edits
(``random.Random`` seeded with the article and the edit): each article is kept as an original,
then copied with each edit of :data:`COPY_KINDS` (a copy must be linked to it) and recast into
the decoys of :data:`DECOY_KINDS` (a different happening of the same kind, told in the same wire
phrases: it must not be linked to anything). Every text goes through one
:class:`~eventwatch.stories.neardup.NearDuplicateIndex`: the originals first, in file order,
then the copies and decoys in a fixed shuffled order. The words the edits use live in
``data/neardup.yaml``; the rules are documented in ``docs/eval/neardup.md``.

:func:`score` is a pure function of (cases, links), so the scoring can be tested without the
examples; :func:`evaluate` is the registry's entry point (it needs no language model).
"""

from __future__ import annotations

import calendar
import random
import re
import textwrap
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from eventwatch.config import IngestSettings
from eventwatch.dateline import find_dateline
from eventwatch.errors import DataFileError
from eventwatch.evaluate.base import DatasetResult, EvalContext, Miss, f1, ratio
from eventwatch.ingest import read_sources
from eventwatch.records import Status
from eventwatch.stories.neardup import NearDuplicate, NearDuplicateIndex, Signature

NAME = "neardup"
DATA_FILE = "neardup.yaml"
PRECISION_TARGET = 0.95
RECALL_TARGET = 0.95
VARIANTS = 2  # copies per edit kind and article (each with its own random draw)
DECOYS = 4  # decoys per decoy kind and article
REPLACE_NAME = 0.6  # share of the names a decoy changes (the others: same place, same actors)
MIN_WORDS = 40  # shorter examples are left out
# (containment threshold, fact threshold) reported side by side; a fact threshold of 0: the
# shingles alone decide
SWEEP = (
    (0.4, 0.8),
    (0.5, 0.8),
    (0.7, 0.8),
    (0.8, 0.8),
    (0.6, 0.0),
    (0.6, 0.5),
    (0.6, 0.7),
    (0.6, 0.9),
    (0.7, 0.0),
    (0.8, 0.0),
    (0.9, 0.0),
)
COPY_KINDS = (
    "truncated",
    "reparagraphed",
    "new_headline",
    "reworded",
    "dateline",
    "syndicated",
    "updated",
    "cut_reworded",
)
DECOY_KINDS = ("recast", "follow_up")
ORIGINAL = "original"
EXAMPLE_COPY = "example_copy"  # an example whose body repeats an earlier example's

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘]?[A-Z0-9])|(?<=[.!?][\"”’])\s+")
_NAME = re.compile(r"\b[A-Z][A-Za-z0-9-]*(?:\s+[A-Z][A-Za-z0-9-]*)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[A-Za-z]+")
_QUOTE = re.compile(r"[\"“”]")
_AGENCY = re.compile(r"\([^()]*\)")
_CALENDAR = frozenset([*calendar.day_name, *calendar.month_name[1:], "I"])
_WEEKDAYS = list(calendar.day_name)


# ------------------------------------------------------------------------------------ data
class Lexicon(BaseModel):
    """The words the edits use (``data/neardup.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    synonyms: list[tuple[str, str]] = Field(min_length=1)
    outlets: list[str] = Field(min_length=1)
    footers: list[str] = Field(min_length=1)
    headlines: list[str] = Field(min_length=1)
    number_words: list[str] = Field(min_length=2)
    syllables: list[str] = Field(min_length=4)

    def swaps(self) -> dict[str, str]:
        """Single words and their replacement, both ways."""
        pairs = [*self.synonyms, *((b, a) for a, b in self.synonyms)]
        return {a.lower(): b for a, b in pairs if " " not in a}


@cache
def load_lexicon() -> Lexicon:
    ref = resources.files("eventwatch.evaluate") / "data" / DATA_FILE
    try:
        return Lexicon.model_validate(yaml.safe_load(ref.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise DataFileError(f"{DATA_FILE}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class Case:
    """One text of the set: what it was made from and the original it must be linked to."""

    id: str
    title: str
    text: str
    kind: str  # original | example_copy | a copy kind | a decoy kind
    source: str  # the example it was made from (itself for an original)
    original: str | None  # gold: the article it copies; None = it must not be linked

    @property
    def role(self) -> str:
        if self.kind in DECOY_KINDS:
            return "decoy"
        return "original" if self.original is None else "copy"


# ------------------------------------------------------------------------------------ texts
@dataclass(frozen=True, slots=True)
class Doc:
    """An article taken apart for editing: headline, dateline, paragraphs of sentences."""

    title: str
    dateline: str
    paragraphs: tuple[tuple[str, ...], ...]
    footer: str = ""
    wrap: int | None = None

    @classmethod
    def parse(cls, title: str, text: str) -> Doc:
        found = find_dateline(text)
        head, body = (text[: found.end], text[found.end :]) if found else ("", text)
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
        split = tuple(tuple(_SENTENCE_END.split(" ".join(p.split()))) for p in paragraphs)
        return cls(title, head, split)

    def render(self) -> str:
        paragraphs = [" ".join(p) for p in self.paragraphs if p]
        if self.wrap:
            paragraphs = [textwrap.fill(p, self.wrap) for p in paragraphs]
        body = "\n\n".join(paragraphs)
        return self.dateline + body + (f"\n\n{self.footer}" if self.footer else "")

    @property
    def sentences(self) -> list[str]:
        return [s for p in self.paragraphs for s in p]


Edit = Callable[[Doc, random.Random, Lexicon], Doc]


def truncate(
    doc: Doc, rng: random.Random, lex: Lexicon, low: float = 0.4, high: float = 0.7
) -> Doc:
    """Keep the first 40-70% of the paragraphs (of the sentences for a text of one or two)."""
    share = rng.uniform(low, high)
    paragraphs = doc.paragraphs
    if len(paragraphs) >= 3:
        return replace(doc, paragraphs=paragraphs[: max(1, round(share * len(paragraphs)))])
    sentences = doc.sentences
    return replace(doc, paragraphs=(tuple(sentences[: max(1, round(share * len(sentences)))]),))


def reparagraph(doc: Doc, rng: random.Random, lex: Lexicon) -> Doc:
    """Regroup the sentences into paragraphs of one to three; half the time hard-wrapped."""
    sentences, paragraphs = doc.sentences, []
    while sentences:
        size = rng.randint(1, 3)
        paragraphs.append(tuple(sentences[:size]))
        sentences = sentences[size:]
    wrap = rng.choice([60, 72]) if rng.random() < 0.5 else None
    return replace(doc, paragraphs=tuple(paragraphs), wrap=wrap)


def retitle(doc: Doc, rng: random.Random, lex: Lexicon) -> Doc:
    """A headline of the copying outlet's own (from the lead, or the old one marked up)."""
    lead_words = doc.sentences[0].split()[: rng.randint(7, 11)] if doc.sentences else []
    lead = " ".join(lead_words).rstrip(",.;:")
    title = rng.choice(lex.headlines).format(title=doc.title, lead=lead[:1].upper() + lead[1:])
    return replace(doc, title=title)


def reword(doc: Doc, rng: random.Random, lex: Lexicon) -> Doc:
    """Swap about 4% of the words for synonyms, swap two sentences, drop one."""
    paragraphs = [list(p) for p in doc.paragraphs]
    swaps = lex.swaps()
    spots = [
        (i, j, m)
        for i, p in enumerate(paragraphs)
        for j, s in enumerate(p)
        for m in _WORD.finditer(s)
        if m[0].lower() in swaps
    ]
    total = sum(len(s.split()) for s in doc.sentences)
    chosen = rng.sample(spots, min(len(spots), max(2, round(0.04 * total))))
    for i, j, m in sorted(chosen, key=lambda spot: (spot[0], spot[1], -spot[2].start())):
        new = swaps[m[0].lower()]
        new = new[:1].upper() + new[1:] if m[0][:1].isupper() else new
        paragraphs[i][j] = paragraphs[i][j][: m.start()] + new + paragraphs[i][j][m.end() :]
    pairs = [(i, j) for i, p in enumerate(paragraphs) for j in range(len(p) - 1) if (i, j) > (0, 0)]
    if pairs:
        i, j = rng.choice(pairs)
        paragraphs[i][j], paragraphs[i][j + 1] = paragraphs[i][j + 1], paragraphs[i][j]
    droppable = [(i, j) for i, p in enumerate(paragraphs) for j in range(len(p)) if (i, j) > (0, 0)]
    if droppable:
        i, j = rng.choice(droppable)
        del paragraphs[i][j]
    return replace(doc, paragraphs=tuple(tuple(p) for p in paragraphs if p))


def restamp(doc: Doc, rng: random.Random, lex: Lexicon) -> Doc:
    """Another outlet's dateline (or none) and its footer."""
    outlet = rng.choice(lex.outlets)
    footer = rng.choice(lex.footers).format(outlet=outlet)
    if doc.dateline and rng.random() < 0.5:
        dateline = _AGENCY.sub(f"({outlet})", doc.dateline)
        dateline = dateline if dateline != doc.dateline else ""
    else:
        dateline = ""
    return replace(doc, dateline=dateline, footer=footer)


def syndicate(doc: Doc, rng: random.Random, lex: Lexicon) -> Doc:
    """What a partner site runs: its headline, its dateline, the first 60-90% of the text."""
    return restamp(retitle(truncate(doc, rng, lex, 0.6, 0.9), rng, lex), rng, lex)


def update(doc: Doc, rng: random.Random, lex: Lexicon) -> Doc:
    """A later version of the same report: one or two of its figures changed (a toll that
    rose), an "UPDATE" headline."""
    sentences = [
        (i, j)
        for i, p in enumerate(doc.paragraphs)
        for j, s in enumerate(p)
        if any(not _is_year(m[0]) for m in _NUMBER.finditer(s))
    ]
    paragraphs = [list(p) for p in doc.paragraphs]
    for i, j in rng.sample(sentences, min(len(sentences), rng.randint(1, 2))):
        sentence = paragraphs[i][j]
        m = next(m for m in _NUMBER.finditer(sentence) if not _is_year(m[0]))
        paragraphs[i][j] = sentence[: m.start()] + _changed(m[0], rng) + sentence[m.end() :]
    title = f"UPDATE {rng.randint(1, 3)}-{doc.title}"
    return replace(doc, title=title, paragraphs=tuple(tuple(p) for p in paragraphs))


def _is_year(raw: str) -> bool:
    digits = raw.replace(",", "")
    return "." in digits or (len(digits) == 4 and 1900 <= int(digits) <= 2099)


def _changed(raw: str, rng: random.Random) -> str:
    """Another number written the same way (years and decimals unchanged)."""
    if _is_year(raw):
        return raw
    value = int(raw.replace(",", ""))
    new = value + rng.randint(1, max(3, value))
    return f"{new:,}" if "," in raw else str(new)


def cut_reword(doc: Doc, rng: random.Random, lex: Lexicon) -> Doc:
    """The first 40-70% of the text, reworded: the hardest copy (Jaccard 0.3-0.6)."""
    return reword(truncate(doc, rng, lex), rng, lex)


COPY_EDITS: dict[str, Edit] = {
    "truncated": truncate,
    "reparagraphed": reparagraph,
    "new_headline": retitle,
    "reworded": reword,
    "dateline": restamp,
    "syndicated": syndicate,
    "updated": update,
    "cut_reworded": cut_reword,
}


# ------------------------------------------------------------------------------------ decoys
@dataclass
class Recaster:
    """Consistent replacements that turn one happening into another of the same kind: most
    names become invented ones (``REPLACE_NAME``), every number (but years), number word and
    weekday changes."""

    rng: random.Random
    lex: Lexicon
    names: set[str]  # words written with a capital inside a sentence somewhere in the text
    mapping: dict[str, str] = field(default_factory=dict)
    shift: int = 0  # days a weekday moves
    spelled: re.Pattern[str] = field(init=False)  # numbers written as words

    def __post_init__(self) -> None:
        self.shift = self.rng.randint(1, 6)
        words = "|".join(self.lex.number_words)
        self.spelled = re.compile(rf"\b(?:{words})\b", re.IGNORECASE)

    def __call__(self, text: str) -> str:
        text = _NAME.sub(self._name, text)
        text = self.spelled.sub(self._number_word, text)
        return _NUMBER.sub(self._number, text)

    def _number_word(self, match: re.Match[str]) -> str:
        words = self.lex.number_words
        at = words.index(match[0].lower()) + self.rng.randint(1, 3)
        new = words[at % len(words)]
        return new.capitalize() if match[0][0].isupper() else new

    def _name(self, match: re.Match[str]) -> str:
        words = match[0].split()
        if words[0] in _WEEKDAYS:
            day = _WEEKDAYS[(_WEEKDAYS.index(words[0]) + self.shift) % 7]
            return " ".join([day, *words[1:]]) if len(words) == 1 else match[0]
        if words[0] not in self.names or words[0] in _CALENDAR:
            return match[0]
        if match[0] not in self.mapping:
            replaced = self.rng.random() < REPLACE_NAME
            self.mapping[match[0]] = " ".join(map(self._invent, words)) if replaced else match[0]
        return self.mapping[match[0]]

    def _invent(self, word: str) -> str:
        if word.isupper() or any(c.isdigit() for c in word):
            return "".join(self.rng.choice("BCDFGHKLMNPRSTVZ") for _ in word)
        invented = "".join(
            self.rng.choice(self.lex.syllables) for _ in range(self.rng.randint(2, 3))
        )
        return invented.capitalize()

    def _number(self, match: re.Match[str]) -> str:
        return _changed(match[0], self.rng)


def names_in(doc: Doc) -> set[str]:
    """Capitalised words that follow another word inside a sentence: names, not sentence
    starts."""
    found: set[str] = set()
    for sentence in doc.sentences:
        for match in _NAME.finditer(sentence):
            words = match[0].split()
            found.update(words if match.start() > 0 else words[1:])
    return found


def recast(doc: Doc, rng: random.Random, lex: Lexicon, background: int = 0) -> Doc:
    """Another happening of the same kind: names, numbers and days changed, quotes (what was
    said about this happening) dropped, a third of the other sentences dropped. The last
    ``background`` paragraphs without quotes stay word for word, at the end."""
    change = Recaster(rng, lex, names_in(doc))
    plain = [i for i, p in enumerate(doc.paragraphs) if i and not any(map(_QUOTE.search, p))]
    kept_whole = plain[-background:] if background else []
    paragraphs = []
    for p, paragraph in enumerate(doc.paragraphs):
        if p in kept_whole:
            continue
        kept = [
            s
            for s_, s in enumerate(paragraph)
            if (p, s_) == (0, 0) or (not _QUOTE.search(s) and rng.random() >= 0.35)
        ]
        if kept:
            paragraphs.append(tuple(change(s) for s in kept))
    if len(paragraphs) > 3:  # two later paragraphs trade places
        i = rng.randrange(1, len(paragraphs) - 1)
        paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
    paragraphs += [doc.paragraphs[i] for i in kept_whole]
    return Doc(change(doc.title), change(doc.dateline), tuple(paragraphs))


def follow_up(doc: Doc, rng: random.Random, lex: Lexicon) -> Doc:
    """A later, different happening whose report ends with the original's background
    paragraph(s) (its last ones without quotes), word for word."""
    return recast(doc, rng, lex, background=1 if len(doc.paragraphs) < 8 else 2)


DECOY_EDITS: dict[str, Edit] = {"recast": recast, "follow_up": follow_up}


# ------------------------------------------------------------------------------------ the set
def examples_dir() -> Path:
    """``examples/articles`` of the repository holding this module (or of the cwd)."""
    repo = Path(__file__).resolve().parents[3]  # src/eventwatch/evaluate -> repository
    for base in (repo, Path.cwd()):
        if (base / "examples" / "articles").is_dir():
            return base / "examples" / "articles"
    return repo / "examples" / "articles"


def declared_copies(folder: Path) -> dict[str, str]:
    """Examples that ``expected.yaml`` (next to the articles folder) declares to be edited
    copies of another example (``copy_of:``): file name -> the original's file name."""
    path = folder.parent / "expected.yaml"
    if not path.is_file():
        return {}
    articles = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("articles") or {}
    return {name: spec["copy_of"] for name, spec in articles.items() if spec.get("copy_of")}


def read_examples(folder: Path) -> list[Case]:
    """The readable example articles, as originals, or as copies of an earlier example whose
    body they repeat or that ``expected.yaml`` says they copy (an edited copy among the
    examples: its own copies and decoys are not generated)."""
    settings = IngestSettings(fetch_links=False)
    declared = declared_copies(folder)
    cases: list[Case] = []
    seen: dict[str, str] = {}
    ids: dict[str, str] = {}  # file name -> case id
    counts: Counter[str] = Counter()
    for article in read_sources([str(folder)], settings):
        if article.status == Status.FAILED or len(article.text.split()) < MIN_WORDS:
            continue
        file_name = Path(str(article.source)).name
        name = file_name.split("-")[0]  # "17-wire-briefs.jsonl:2" -> 17
        counts[name] += 1
        case_id = f"ex{name}" + (f"#{counts[name]}" if counts[name] > 1 else "")
        ids.setdefault(file_name, case_id)
        body = " ".join(article.text.split())
        original = seen.setdefault(body, case_id)
        if original == case_id and declared.get(file_name) in ids:
            original = ids[declared[file_name]]
        kind, gold = (ORIGINAL, None) if original == case_id else (EXAMPLE_COPY, original)
        cases.append(Case(case_id, article.title, article.text, kind, original, gold))
    return cases


def generate(originals: Sequence[Case], lex: Lexicon) -> list[Case]:
    """Copies and decoys of every original, deterministic."""
    cases: list[Case] = []
    for case in originals:
        if case.kind != ORIGINAL:
            continue
        doc = Doc.parse(case.title, case.text)
        for kind, edit in COPY_EDITS.items():
            for n in range(1, VARIANTS + 1):
                made = edit(doc, random.Random(f"{case.id}:{kind}:{n}"), lex)
                cid = f"{case.id}/{kind}{n}"
                cases.append(Case(cid, made.title, made.render(), kind, case.id, case.id))
        for kind, edit in DECOY_EDITS.items():
            if kind == "follow_up" and len(doc.paragraphs) < 3:
                continue  # a brief has no background paragraph to repeat
            for n in range(1, DECOYS + 1):
                made = edit(doc, random.Random(f"{case.id}:{kind}:{n}"), lex)
                cid = f"{case.id}/{kind}{n}"
                cases.append(Case(cid, made.title, made.render(), kind, case.id, None))
    return cases


def build_set(folder: Path, limit: int | None = None) -> list[Case]:
    """The originals (the first ``limit`` examples) in file order, then their copies and
    decoys in a fixed shuffled order."""
    originals = read_examples(folder)[:limit]
    generated = generate(originals, load_lexicon())
    random.Random(NAME).shuffle(generated)
    return [*originals, *generated]


Links = dict[str, NearDuplicate | None]


def link_all(
    cases: Sequence[Case], index: NearDuplicateIndex, signatures: Sequence[Signature] | None = None
) -> Links:
    """Add every case to ``index`` in order (from ``signatures`` when given): case id -> link."""
    if signatures is None:
        return {case.id: index.add(case.id, case.title, case.text) for case in cases}
    return {c.id: index.add_signature(c.id, s) for c, s in zip(cases, signatures, strict=True)}


# ------------------------------------------------------------------------------------ scoring
@dataclass
class Tally:
    gold: int = 0  # copies (links expected)
    predicted: int = 0  # links made
    right: int = 0  # links to the expected original
    kinds: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    misses: list[Miss] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return ratio(self.right, self.predicted)

    @property
    def recall(self) -> float | None:
        return ratio(self.right, self.gold)


def tally(cases: Sequence[Case], links: Links) -> Tally:
    """Pairs: a copy must be linked to its original; anything else must not be linked."""
    t = Tally()
    for case in cases:
        link = links.get(case.id)
        got = link.original_id if link else None
        row = t.kinds[case.kind]
        row["cases"] += 1
        t.gold += case.original is not None
        t.predicted += link is not None
        if case.original is not None and got == case.original:
            t.right += 1
            row["linked"] += 1
            continue
        if link is not None:
            row["wrong"] += 1
        elif case.original is not None:
            row["missed"] += 1
        if link is not None or case.original is not None:
            t.misses.append(miss(case, link))
    return t


def miss(case: Case, link: NearDuplicate | None) -> Miss:
    expected = (
        f"copy of {case.original} ({case.kind})"
        if case.original
        else f"no link ({case.role}: {case.kind} of {case.source})"
    )
    got = f"linked to {link.original_id}: {link.reason}" if link else "no link"
    severity = 3.0 if case.role == "decoy" and link else 2.0 if link else 1.0
    return Miss(
        case.id, " ".join(f"{case.title} | {case.text}".split())[:400], expected, got, severity
    )


def kind_rows(t: Tally) -> list[dict[str, Any]]:
    order = [ORIGINAL, EXAMPLE_COPY, *COPY_KINDS, *DECOY_KINDS]
    rows = []
    for kind in sorted(t.kinds, key=lambda k: order.index(k) if k in order else len(order)):
        c = t.kinds[kind]
        copies = kind not in (ORIGINAL, *DECOY_KINDS)
        rows.append(
            {
                "kind": kind,
                "role": "copy" if copies else "must not link",
                "cases": c["cases"],
                "linked right": c["linked"],
                "linked wrong": c["wrong"],
                "missed": c["missed"],
                "recall": ratio(c["linked"], c["cases"]) if copies else None,
                "false links": None if copies else ratio(c["wrong"], c["cases"]),
            }
        )
    return rows


def score(
    cases: Sequence[Case], links: Links, sweep: Sequence[tuple[float, float, Links]] = ()
) -> DatasetResult:
    """Score ``links`` (case id -> link) against the cases; ``sweep``: the links found at
    other (threshold, fact threshold), reported as a table."""
    t = tally(cases, links)
    result = DatasetResult(NAME, "near-duplicate articles (copies and decoys of our examples)")
    result.records = len(cases)
    result.add(
        "neardup_precision",
        "near-duplicate links to the right original (precision)",
        t.precision,
        n=t.predicted,
        target=PRECISION_TARGET,
    )
    result.add(
        "neardup_recall",
        "copies linked to their original (recall)",
        t.recall,
        n=t.gold,
        target=RECALL_TARGET,
    )
    result.add("neardup_f1", "near-duplicate F1", f1(t.precision, t.recall), n=t.gold)
    decoys = [c for c in cases if c.role == "decoy"]
    false_links = sum(links.get(c.id) is not None for c in decoys)
    result.add(
        "neardup_decoy_links",
        "decoys linked (a different happening taken for a copy)",
        false_links,
        n=len(decoys),
        unit="count",
        gate=False,
    )
    result.tables["neardup_by_kind"] = kind_rows(t)
    if sweep:
        rows = []
        for threshold, facts, found in sweep:
            s = tally(cases, found)
            rows.append(
                {
                    "threshold": threshold,
                    "fact threshold": facts,
                    "precision": s.precision,
                    "recall": s.recall,
                    "f1": f1(s.precision, s.recall),
                    "decoys linked": sum(found.get(c.id) is not None for c in decoys),
                }
            )
        result.tables["neardup_thresholds"] = rows
    result.misses = sorted(t.misses, key=lambda m: -m.severity)[:40]
    return result


def evaluate(ctx: EvalContext) -> DatasetResult:
    """Generate the set from ``examples/articles`` and link it in one index (and, for the
    thresholds table, in one index per setting of :data:`SWEEP`)."""
    folder = examples_dir()
    if not folder.is_dir():
        return DatasetResult(NAME, NAME, skipped=f"no folder {folder}")
    cases = build_set(folder, ctx.limit)
    index = NearDuplicateIndex()
    signatures = [index.signature(c.title, c.text) for c in cases]
    links = link_all(cases, index, signatures)
    sweep = [
        (
            th,
            facts,
            link_all(cases, NearDuplicateIndex(threshold=th, fact_threshold=facts), signatures),
        )
        for th, facts in SWEEP
    ]
    result = score(cases, links, sweep)
    roles = Counter(c.role for c in cases)
    result.notes = [
        f"{roles['original']} example articles, {roles['copy']} copies made by "
        f"{len(COPY_KINDS)} edits (and copies among the examples), {roles['decoy']} decoys "
        "(another happening of the same kind); see docs/eval/neardup.md.",
        f"Index: containment threshold {index.threshold}, fact threshold "
        f"{index.fact_threshold}, {index.shingle}-word shingles, MinHash of {index.num_perm}, "
        f"LSH {index.bands} bands of {index.rows}.",
    ]
    return result
