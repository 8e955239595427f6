"""The date of an event's clause: the date mentions of a sentence, which of them belongs to the
clause (by the dependency parse), resolved against the story date.

:func:`find_event_date` gives the expression that belongs to an event's clause in a parsed
sentence, resolved against the story date (the wire dateline, else the publication date); else
that date flagged ``source="publication"``; with no publication date, ``source="none"``. A
past-tense clause never gets a date after the story date. See docs/dates.md.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from spacy.tokens import Span, Token

from eventwatch.dates.expressions import ANCHORED, Resolution, floor, normalize
from eventwatch.dates.resolve import (
    DateResolver,
    StoryDate,
    default_resolver,
    doc_cached,
    reference_date,
    story_date,
)
from eventwatch.dates.words import (
    BOUND_PREPS,
    DAY,
    EXTEND_LEFT,
    FUTURE_AUX,
    MONTH_RE,
    MONTHS,
    NOUN_DATE_PREPS,
    NUM_RE,
    PRECISIONS,
    PROSPECTIVE_HEADS,
    UNIT_RE,
    WEEK,
    WEEKDAY_RE,
    WORDS,
)
from eventwatch.records import EventDate

log = logging.getLogger(__name__)

# ---------------------------------------------------------------- date mentions in a sentence
_CAP_MONTH = "|".join(name.capitalize() for name in WORDS.months)
_CAP_MONTH_ABBR = "|".join(sorted((word.capitalize() for word in MONTHS), key=len, reverse=True))
_CAP_WEEKDAY = "|".join(name.capitalize() for name in WORDS.weekdays)
_ORD = r"(?:st|nd|rd|th)?"
_FINDERS: Final = tuple(
    re.compile(p)
    for p in (
        rf"\b(?:{_CAP_WEEKDAY})(?:['’]s)?(?:,?\s+(?:{_CAP_MONTH_ABBR})\.?\s+\d{{1,2}}{_ORD}"
        r"(?:,?\s+\d{4})?)?",
        rf"\b(?:{_CAP_MONTH_ABBR})\.?\s+\d{{1,2}}{_ORD}\b(?:,?\s+\d{{4}})?",
        rf"\b\d{{1,2}}{_ORD}\s+(?:of\s+)?(?:{_CAP_MONTH})(?:\s+\d{{4}})?",
        r"\b(?i:in|by|of|since|until|during|last|next|this|early|late|mid-?)\s+"
        rf"(?P<d>(?:{_CAP_MONTH})(?:\s+\d{{4}})?)\b",
        r"(?i)\b(?:yesterday|today|tonight|overnight|last\s+night"
        r"|this\s+(?:morning|afternoon|evening))\b",
        r"(?i)\b(?:(?:earlier|later)\s+)?(?:last|this|next)\s+(?:week|weekend|month|year)\b",
        rf"(?i)\b(?:(?:{NUM_RE})\s+)?{UNIT_RE}\s+ago\b",
        r"\b(?i:in|by|since|during|until)\s+(?P<d>(?:18|19|20)\d\d)\b",
        r"\b\d{4}-\d{2}-\d{2}\b",
    )
)
_DAYISH_TIME = re.compile(
    rf"(?i)\b(?:{WEEKDAY_RE}|{MONTH_RE}|yesterday|today|tonight|overnight|last night|"
    r"this (?:morning|afternoon|evening))\b"
)
_CALENDAR = re.compile(  # a form that names a calendar date
    rf"\b(?:1[89]\d\d|20\d\d)|\b(?:{MONTH_RE}|{WEEKDAY_RE}|yesterday|today|tonight|tomorrow)\b"
    r"|later$|earlier$"
)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression in a sentence: its tokens and the words as written."""

    span: Span  # the date tokens ("Monday")
    text: str  # with its preposition and modifiers ("late on Monday")


def _char_ranges(sent: Span) -> list[tuple[int, int]]:
    """Date entities and pattern matches, overlaps merged, each match also kept on its own
    ("Sept. 14" inside the entity "Sept. 14 after three months")."""
    ranges = [
        (e.start_char, e.end_char)
        for e in sent.ents
        if e.label_ == "DATE" or (e.label_ == "TIME" and _DAYISH_TIME.search(e.text))
    ]
    base, text = sent.start_char, sent.text
    found: list[tuple[int, int]] = []
    for finder in _FINDERS:
        group = "d" if "d" in finder.groupindex else 0
        found.extend((base + m.start(group), base + m.end(group)) for m in finder.finditer(text))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges + found):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return sorted(set(merged) | set(found))


def _as_written(span: Span, sent: Span) -> str:
    doc, start = span.doc, span.start
    head = span.root.head
    if head.dep_ == "prep" and head.i == start - 1 and start - 1 >= sent.start:
        start -= 1
    while start - 1 >= sent.start and doc[start - 1].lower_ in EXTEND_LEFT:
        start -= 1
    return doc[start : span.end].text


def _find_mentions(sent: Span, skip_before: int) -> list[DateMention]:
    spans = [
        sent.doc.char_span(start, end, alignment_mode="expand")
        for start, end in _char_ranges(sent)
        if start >= skip_before
    ]
    return [
        DateMention(span, _as_written(span, sent))
        for span in spans
        if span is not None and span.start >= sent.start and span.end <= sent.end
    ]


def date_mentions(sent: Span, skip_before: int = 0) -> list[DateMention]:
    """The date expressions of a sentence: DATE entities (and day-naming TIME entities) and the
    forms the NER misses, found by pattern; those starting before ``skip_before`` (a
    dateline) are left out."""
    key = ("mentions", sent.start, sent.end, skip_before)
    return doc_cached(sent.doc, key, lambda: _find_mentions(sent, skip_before))


# ---------------------------------------------------------------- which mention is the clause's
def _is_clause_head(tok: Token) -> bool:
    return tok.pos_ == "VERB" or (tok.pos_ == "AUX" and tok.dep_ not in ("aux", "auxpass"))


def _is_aside(tok: Token) -> bool:
    """A bare adverbial verb with no subject or object ("as reported", "speaking on Monday"):
    its date belongs to the verb above it."""
    if tok.dep_ not in ("advcl", "parataxis"):
        return False
    return not any(c.dep_ in ("nsubj", "nsubjpass", "dobj", "ccomp") for c in tok.children)


def _attachment(span: Span, clause: Token) -> tuple[Token | None, str]:
    """The verb a date hangs from and how: ``direct`` ("attacked on Monday"), ``noun``
    ("Monday's attack killed", "the attack on Monday"), or ``loose``: a bound ("after
    Monday's attack", "until March") or another way through a noun ("the deadliest attack
    this year"). The verb is None when there is none."""
    kind, seen_prep = "direct", False
    prev, tok = span.root, span.root
    while tok.head.i != tok.i:
        prev, tok = tok, tok.head
        if tok.dep_ == "prep" and not seen_prep:
            seen_prep = True
            if tok.lower_ in BOUND_PREPS:
                kind = "loose"
        if tok.i == clause.i or (_is_clause_head(tok) and not _is_aside(tok)):
            return tok, kind
        if kind == "direct" and tok.pos_ in ("NOUN", "PROPN", "PRON"):
            if prev.i == span.root.i:
                attached = span.root.dep_ in ("poss", "compound", "nmod")
            else:
                attached = prev.dep_ == "prep" and prev.lower_ in NOUN_DATE_PREPS
            kind = "noun" if attached else "loose"
    return None, kind


def _linked(tok: Token, upward: bool = True) -> bool:
    """Does ``tok`` share its head's time? Conjuncts ("stormed ... and killed", "broke out in
    2023 and has killed"), participial clauses ("attacked, killing"); upward only, infinitive
    complements ("agreed on Monday to send")."""
    if tok.dep_ == "conj":
        return True
    if tok.dep_ == "xcomp":
        return upward
    return tok.dep_ == "advcl" and not any(c.dep_ == "mark" for c in tok.children)


def _up_link(tok: Token) -> Token | None:
    """The verb whose time ``tok`` shares: its head for a linked verb; for a participle or
    infinitive modifying a noun ("held a protest demanding ..."), the verb above that noun."""
    if tok.head.i == tok.i:
        return None
    if _linked(tok):
        return tok.head
    if tok.dep_ == "acl" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
        verb, kind = _attachment(tok.doc[tok.head.i : tok.head.i + 1], tok)
        return verb if kind != "loose" else None
    return None


SUBORDINATE = 6  # priority of the main clause's date for an undated subordinate clause


def _sharing(clause: Token) -> set[int]:
    """Verbs whose own dates a clause may borrow: the verbs it is linked to (conjuncts,
    participial and infinitive clauses), up and down the chain of links."""
    chain = [clause]
    while len(chain) < 4 and (up := _up_link(chain[-1])) is not None:
        chain.append(up)
    out = {t.i for t in chain}
    for base in chain:
        out.update(c.i for c in base.children if _linked(c, False) and _is_clause_head(c))
    out.discard(clause.i)
    return out


def _reporter(clause: Token) -> Token | None:
    """The verb that reports the clause ("Police arrested 63 people, the ministry said")."""
    tok: Token | None = clause
    for _ in range(4):
        if tok is None:
            return None
        if tok.dep_ in ("ccomp", "parataxis") and tok.head.i != tok.i:
            return tok.head
        tok = _up_link(tok)
    return None


def _priority(
    span: Span, clause: Token, sharing: set[int], reporter: Token | None
) -> tuple[int | None, Token | None]:
    """How strongly a mention belongs to ``clause`` (0 best; None: it belongs to another verb,
    or is not an event time) and the verb it hangs from."""
    verb, kind = _attachment(span, clause)
    if kind == "loose":
        return None, verb
    if verb is None:
        return 3, None
    if verb.i == clause.i:
        return (0 if kind == "direct" else 2), verb
    if verb.i in sharing and kind == "direct":
        return 1, verb
    if verb.dep_ == "acl":  # "a statement issued late on Monday"
        noun = verb.head  # the acl's noun, and where that noun hangs
        above, above_kind = _attachment(verb.doc[noun.i : noun.i + 1], clause)
        if above is not None and above.i == clause.i and above_kind != "loose":
            return 4, verb
    if reporter is not None and verb.i == reporter.i:  # the report's date: the latest possible
        return 5, verb
    if clause.dep_ == "advcl" and verb.i == clause.head.i and kind == "direct":
        return SUBORDINATE, verb  # "seized Kabul in August 2021 as forces completed ..."
    return None, verb


def is_future(tok: Token) -> bool:
    """Is the clause of ``tok`` in the future ("will meet", "is due to resume", "threatened to
    strike")?"""
    for _ in range(4):
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in FUTURE_AUX for c in tok.children):
            return True
        if tok.dep_ == "xcomp" and tok.head.lemma_.lower() in PROSPECTIVE_HEADS:
            return any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
        if not _linked(tok) or tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


@dataclass(slots=True)
class _Candidate:
    mention: DateMention
    priority: int | None  # None: the date belongs to another verb (it may still anchor one)
    future: bool
    found: Resolution | None = None


def _previous_anchor(sent: Span, story: StoryDate, resolver: DateResolver) -> Resolution | None:
    """The last date of the previous sentence ("... in 2011. A year later, ...")."""
    if sent.start == 0 or story.value is None:
        return None
    previous = sent.doc[sent.start - 1].sent
    mentions = date_mentions(previous, story.end_char)
    found = [resolver.resolve(m.text, story.value) for m in mentions]
    return next((f for f in reversed(found) if f is not None), None)


def _resolve_all(
    cands: list[_Candidate], sent: Span, story: StoryDate, resolver: DateResolver
) -> None:
    ref = story.value
    for c in cands:
        c.found = resolver.resolve(c.mention.text, ref, c.future)
    for c in cands:  # "three years later": seen from the nearest earlier date
        text = normalize(c.mention.text)
        if c.found is not None or c.priority is None or not ANCHORED.search(text):
            continue
        start = c.mention.span.start
        anchors = [a.found for a in cands if a.found and a.mention.span.start < start]
        anchor = anchors[-1] if anchors else _previous_anchor(sent, story, resolver)
        found = resolver.resolve_anchored(c.mention.text, anchor) if anchor else None
        if found and (c.future or ref is None or found.value <= ref):
            c.found = found


def _within(inner: Resolution, outer: Resolution) -> bool:
    """Is ``inner`` a finer date inside ``outer``'s period (Monday within "this year")?"""
    finer = PRECISIONS.index(inner.precision) < PRECISIONS.index(outer.precision)
    return finer and floor(inner.value, outer.precision) == outer.value


def _blocked(cands: list[_Candidate]) -> bool:
    """Has the clause a time of its own that we cannot place ("between 2008 and 2011", "in the
    early 2000s", "a year later" with nothing to count from)? Then it borrows no other."""
    return any(
        c.priority == 0 and c.found is None and _CALENDAR.search(normalize(c.mention.text))
        for c in cands
    )


_Usable = tuple[int, Resolution, DateMention]  # priority, resolution, mention


def _best(cands: list[_Candidate], clause: Token, latest: date | None) -> _Usable | None:
    """The clause's date: the best-attached candidate (finest, then nearest); refined by a
    finer, consistent date of the clause or of a verb it shares its time with. No date after
    ``latest`` (the story date, for a past clause); an acl's date only to the day or week."""
    usable: list[_Usable] = [
        (c.priority, c.found, c.mention)
        for c in cands
        if c.found is not None
        and c.priority is not None
        and (c.priority < 4 or c.priority == SUBORDINATE or c.found.precision in (DAY, WEEK))
        and (latest is None or c.found.value <= latest)
    ]
    if not usable or (_blocked(cands) and min(u[0] for u in usable) > 0):
        return None

    def rank(u: _Usable) -> tuple[int, int, int]:
        distance = abs(u[2].span.root.i - clause.i)
        return u[0], PRECISIONS.index(u[1].precision), distance

    best = min(usable, key=rank)
    finer = [u for u in usable if u[0] <= 2 and _within(u[1], best[1])]
    return min(finer, key=lambda u: rank(u)[1:]) if finer else best


def clause_date(
    sent: Span,
    clause: Token,
    story: StoryDate,
    resolver: DateResolver,
    future: bool | None = None,
) -> tuple[Resolution, str] | None:
    """The date expression that belongs to ``clause``, resolved, with its text; or None.
    ``future`` overrides the tense read from the parse."""
    sharing, reporter = _sharing(clause), _reporter(clause)
    cands: list[_Candidate] = []
    for mention in date_mentions(sent, skip_before=story.end_char):
        priority, verb = _priority(mention.span, clause, sharing, reporter)
        tense = is_future(verb or clause) if future is None else future
        cands.append(_Candidate(mention, priority, tense))
    if all(c.priority is None for c in cands):
        return None
    _resolve_all(cands, sent, story, resolver)
    clause_future = is_future(clause) if future is None else future
    best = _best(cands, clause, None if clause_future else story.value)
    return (best[1], best[2].text) if best else None


def _fallback(story: StoryDate) -> EventDate:
    if story.value is None:
        return EventDate(None, DAY, "none", None)
    return EventDate(story.value, DAY, "publication", story.text)


def find_event_date(
    sent: Span,
    clause: Token,
    published: datetime | date | None,
    *,
    future: bool | None = None,
    resolver: DateResolver | None = None,
) -> EventDate:
    """The date of the event whose clause is ``clause`` in ``sent``.

    The clause's own date expression (else one it shares with a conjoined or participial verb,
    else one attached to no verb) resolved against the story date; else the story date itself
    (``source="publication"``, day precision); with no publication date, ``source="none"``.
    ``future`` (e.g. from the event's modality) overrides the tense read from the parse.
    Never raises on odd text.
    """
    resolver = resolver or default_resolver()
    story = StoryDate(reference_date(published) if published is not None else None)
    found = None
    try:
        story = story_date(sent.doc, published, resolver)
        found = clause_date(sent, clause, story, resolver, future)
    except Exception:  # never fail an article over its date
        log.warning("date resolution failed in %r", sent.text[:80], exc_info=True)
    if found is None:
        return _fallback(story)
    resolution, text = found
    return EventDate(resolution.value, resolution.precision, "text", text)
