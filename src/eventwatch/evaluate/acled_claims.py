"""ACLED notes, read as claims: the dead and the crowd size each note states.

ACLED notes end protest records with a size tag (``[size=at least 700]``, ``[size=no
report]``): the coder's reading of the size the text gives. The tag is cut from the note before
it is coded, and compared with the first crowd claim eventwatch finds in the rest: both are read
by the same amount reader and compared on what they state (the number and whether it is a
point, a lower or an upper bound, a range, or a vague word such as "hundreds"). "no report"
is right when eventwatch finds no crowd size. Fatalities are compared with
:func:`eventwatch.claims.totals.reported_total` over the note's "killed" claims (0 when none).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from eventwatch.claims.quantity import AmountReader
from eventwatch.claims.totals import first_claim, reported_total
from eventwatch.records import Article, Qualifier, Quantity

SIZE_TAG = re.compile(r"\s*\[size=([^\]]*)\]")
NO_REPORT = "no report"
# ACLED's words for a vague size, as our labels
LABELS = {"big": "large", "massive": "large", "big number": "large", "strong": "large",
          "few": "a few", "tens": "dozens", "several tens": "dozens"}  # fmt: skip

SizeKey = tuple[str, float | str | None, float | None]


def strip_size(notes: str) -> tuple[str, str | None]:
    """The note without its size tag, and the tag's value (None when the note has none)."""
    found = SIZE_TAG.search(notes)
    if found is None:
        return notes, None
    return SIZE_TAG.sub("", notes).strip(), found.group(1).strip().lower()


def size_key(quantity: Quantity | None) -> SizeKey | None:
    """What a size states, comparable across wordings ("over 600" = "more than 600")."""
    if quantity is None:
        return None
    if quantity.label is not None:
        return ("label", quantity.label, None)
    if quantity.qualifier == Qualifier.RANGE:
        return ("range", quantity.low, quantity.high)
    if quantity.qualifier == Qualifier.AT_LEAST:
        return ("min", quantity.value, None)
    if quantity.qualifier == Qualifier.AT_MOST:
        return ("max", quantity.value, None)
    return ("point", quantity.value, None)


def gold_size_keys(tags: Iterable[str], nlp: object, reader: AmountReader) -> dict[str, SizeKey]:
    """The size each distinct tag states, read like a text ("at least 700 people")."""
    labels = {label for label, _, _ in reader.lex.vague.values()}
    out: dict[str, SizeKey] = {}
    for tag in {t for t in tags if LABELS.get(t, t) in labels}:
        out[tag] = ("label", LABELS.get(tag, tag), None)  # "large", "hundreds": a label as is
    distinct = sorted({t for t in tags if t and t != NO_REPORT and t not in out})
    texts = [f"{LABELS.get(t, t)} people protested." for t in distinct]
    for tag, doc in zip(distinct, nlp.pipe(texts), strict=True):  # type: ignore[attr-defined]
        sent = doc[:]
        found = reader.find(sent)
        key = size_key(found[0].quantity) if found else None
        if key is not None:
            out[tag] = key
    return out


@dataclass(slots=True)
class ClaimScores:
    """Hits and totals of the claims metrics over the notes."""

    hits: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)

    def mark(self, key: str, ok: bool, counted: bool = True) -> None:
        if counted:
            self.totals[key] = self.totals.get(key, 0) + 1
            self.hits[key] = self.hits.get(key, 0) + int(ok)

    def value(self, key: str) -> float | None:
        total = self.totals.get(key, 0)
        return self.hits.get(key, 0) / total if total else None


def claimed_dead(article: Article) -> int:
    return reported_total(article.claims, "killed") or 0


def claimed_size(article: Article) -> SizeKey | None:
    claim = first_claim(article.claims, "crowd")
    return size_key(claim.quantity) if claim is not None else None


def score_note(
    scores: ClaimScores,
    article: Article,
    fatalities: int,
    tag: str | None,
    gold_keys: dict[str, SizeKey],
) -> tuple[int, SizeKey | None]:
    """Mark one note; returns what eventwatch read (dead, size) for the misses file."""
    dead = claimed_dead(article)
    scores.mark("dead", dead == fatalities)
    scores.mark("dead_pos", dead == fatalities, fatalities > 0)
    size = claimed_size(article)
    if tag is not None:
        wanted = None if tag == NO_REPORT else gold_keys.get(tag, ("unread", tag, None))
        scores.mark("size", size == wanted)
        scores.mark("size_stated", size == wanted, wanted is not None)
        scores.mark("size_none", size is None, wanted is None)
    return dead, size
