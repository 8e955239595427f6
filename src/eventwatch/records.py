"""Typed records that flow through the pipeline.

An :class:`Article` enters at ingest and leaves the pipeline carrying the mentions (actors,
places) and the :class:`Event` records coded from it. Every record that comes from text carries
a :class:`Span`: character offsets into the article's ``title`` or ``text`` (the body), so any
field can be audited against its source.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

TextField = Literal["title", "body"]


class Status(StrEnum):
    """Where an article stands after a run."""

    PENDING = "pending"  # read, not yet processed
    CODED = "coded"  # processed by the full pipeline (it may have zero events)
    SKIPPED = "skipped"  # deliberately not coded (non-English, no text); reason says why
    FAILED = "failed"  # could not be read or processed; reason says why


class Modality(StrEnum):
    """How the text presents an event: has it happened, is it planned, denied...?"""

    ASSERTED = "asserted"
    PLANNED = "planned"  # planned, offered, promised, agreed to do
    THREATENED = "threatened"
    HYPOTHETICAL = "hypothetical"  # option, possibility, condition, question
    NEGATED = "negated"  # did not happen / denied / refused
    HISTORICAL = "historical"  # background: happened long before the article's news


class Precision(StrEnum):
    """Precision of a place or a date."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    CONTINENT = "continent"
    COUNTRY = "country"
    ADMIN1 = "admin1"
    ADMIN2 = "admin2"  # a district, county, LGA...: second-level region
    CITY = "city"


@dataclass(slots=True, frozen=True)
class Span:
    """Character offsets ``[start, end)`` into ``article.title`` or ``article.text``."""

    start: int
    end: int
    text: str
    field: TextField = "body"


@dataclass(slots=True)
class Actor:
    """A resolved actor mention.

    ``code`` is CAMEO-style: country ISO3 (or an IGO/group code) followed by the PLOVER sector,
    e.g. ``USAGOV``, ``IRQMIL``, ``IMGISL`` (Islamic State), ``IGOUNO``.
    """

    name: str  # canonical name ("United States", "Islamic State", "John Kerry")
    code: str
    country: str | None  # ISO3, None for IGOs and transnational groups
    sector: str | None  # PLOVER sector: GOV, MIL, REB, IGO, CVL, ...
    kind: str  # country | institution | igo | group | person | sector | other
    text: str  # the words as written
    span: Span | None = None
    matched_alias: str | None = None
    confidence: float = 1.0


@dataclass(slots=True, frozen=True)
class PlaceCandidate:
    """One gazetteer entry considered for a toponym, with its ranking score."""

    geonameid: int
    name: str
    country: str | None
    feature: str  # country | admin1 | admin2 | city
    population: int
    score: float


@dataclass(slots=True)
class Place:
    """A resolved toponym (GeoNames)."""

    text: str  # the name as written
    name: str  # GeoNames name of the chosen entry
    geonameid: int | None
    feature: str  # continent | country | admin1 | admin2 | city
    country: str | None  # ISO3
    admin1: str | None
    lat: float | None
    lon: float | None
    precision: str  # Precision.CONTINENT | COUNTRY | ADMIN1 | ADMIN2 | CITY
    confidence: float
    span: Span | None = None
    candidates: list[PlaceCandidate] = field(default_factory=list)


@dataclass(slots=True)
class EventDate:
    """When an event happened, as resolved from its clause."""

    value: date | None
    precision: str  # Precision.DAY | WEEK | MONTH | YEAR
    source: Literal["text", "publication", "none"]
    text: str | None = None  # the date expression as written ("on Monday", "last week")


@dataclass(slots=True)
class Event:
    """One PLOVER event coded from one sentence."""

    id: str
    article_id: str
    event_type: str  # one of the 16 PLOVER types
    mode: str | None
    contexts: list[str]
    actor: Actor | None
    recipient: Actor | None
    place: Place | None
    date: EventDate
    modality: str  # Modality
    evidence: Span  # the sentence
    trigger: Span  # the word(s) that signal the event
    attributed_to: Actor | None = None
    dead: int | None = None
    injured: int | None = None
    arrested: int | None = None
    confidence: dict[str, float] = field(default_factory=dict)
    story_id: str | None = None  # the story of its article (eventwatch.stories)
    happening_id: str | None = None  # the happening it reports, counted once across reports
    happening_reason: str | None = None  # why it joined that happening (None: the first report)
    reports: int = 1  # articles reporting the happening
    outlets: int = 1  # independent outlets among them (near-duplicate copies not counted)


class Indicator(StrEnum):
    """What a claimed number counts."""

    FIGHTERS = "fighters"  # members or fighters of a group ("20,000 fighters")
    TROOPS = "troops"  # troops deployed, sent or offered
    KILLED = "killed"
    INJURED = "injured"
    ARRESTED = "arrested"
    ABDUCTED = "abducted"
    DISPLACED = "displaced"  # displaced people and refugees
    CROWD = "crowd"  # people at a protest, rally or gathering
    TERRITORY_SHARE = "territory_share"  # percent of a territory
    TERRITORY_AREA = "territory_area"  # square kilometres or miles
    ATTACKS = "attacks"  # attacks, strikes, raids
    MONEY = "money"  # aid, sanctions, ransom, funds


class Qualifier(StrEnum):
    """How a quantity is stated."""

    EXACT = "exact"  # "12"
    APPROX = "approx"  # "about 100", "some 300", "roughly"
    AT_LEAST = "at_least"  # "at least 20", "more than 600", "over 200"
    AT_MOST = "at_most"  # "up to 5,000", "nearly 100", "fewer than 10", "as many as"
    RANGE = "range"  # "between 20,000 and 32,000", "20-30"
    VAGUE = "vague"  # "dozens", "hundreds", "several", "a large crowd"


@dataclass(slots=True, frozen=True)
class Quantity:
    """A stated amount: its bounds and how it was stated.

    ``value`` is the one number stated (also for "about 100" and "at least 20"); ranges and
    vague words have none. ``low``/``high`` bound it where the words do ("at least 20": low 20;
    "up to 5,000": high 5,000; "hundreds": 200 to 999). ``label`` names a vague amount
    ("dozens", "hundreds", "large").
    """

    value: float | None
    low: float | None
    high: float | None
    qualifier: str  # Qualifier
    approximate: bool
    text: str  # as written: "anywhere from 20,000 to 32,000"
    label: str | None = None


@dataclass(slots=True)
class Claim:
    """An attributed number: who says how many of what, of whom, where and when."""

    id: str
    article_id: str
    indicator: str  # Indicator
    quantity: Quantity
    unit: str  # people | percent | km2 | mi2 | attacks | USD | EUR | GBP | ...
    evidence: Span  # the sentence
    span: Span  # the number words
    counted: str | None = None  # what is counted, as written ("hardcore members", "fatalities")
    subject: Actor | None = None  # whose fighters, whose territory, whose dead
    place: Place | None = None
    claimant: Actor | None = None  # who says so; None when unattributed or unresolved
    claimant_text: str | None = None  # the claimant as written ("military estimates")
    hedges: list[str] = field(default_factory=list)  # "about", "estimated", "reportedly"
    prior: bool = False  # an earlier estimate ("earlier estimates had put...")
    as_of: EventDate | None = None
    event_id: str | None = None  # the event whose size this is
    modality: str = "asserted"  # Modality of the clause that states it
    confidence: float = 1.0


class QuoteKind(StrEnum):
    DIRECT = "direct"  # words in quotation marks
    REPORTED = "reported"  # "X said (that) ..."
    ACCORDING = "according"  # "..., according to X"


@dataclass(slots=True)
class Quote:
    """Something a speaker said, directly or in reported speech."""

    id: str
    article_id: str
    kind: str  # QuoteKind
    content: Span  # what was said (inside the quotation marks, or the reported clause)
    evidence: Span  # the sentence(s) holding the quote and its attribution
    speaker: Actor | None  # resolved speaker; None when unresolved
    speaker_text: str | None  # the speaker as written ("one US official", "he")
    cue: str | None  # the cue verb's lemma ("say", "tell", "warn"); None for "according to"
    speaker_span: Span | None = None
    confidence: float = 1.0


@dataclass(slots=True)
class Article:
    """A news article and everything the pipeline learns about it."""

    id: str
    text: str  # body text; event evidence spans point into it
    title: str = ""
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    language: str | None = None
    source: str | None = None  # where it was read from (path, URL, feed, path:line)
    status: str = Status.PENDING
    reason: str | None = None
    actors: list[Actor] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    focus: Place | None = None  # the place the article is mostly about
    events: list[Event] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def span_text(self, span: Span) -> str:
        source = self.title if span.field == "title" else self.text
        return source[span.start : span.end]


_WS = re.compile(r"\s+")


def content_id(title: str, text: str) -> str:
    """Stable content-hash id: the same title and body always give the same id.

    Whitespace is normalised so that re-wrapped copies of one text share an id.
    """
    norm = _WS.sub(" ", f"{title}\n{text}").strip().lower()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def stable_id(*parts: object) -> str:
    """Deterministic id from any parts (used for event ids)."""
    raw = "\x1f".join(str(p) for p in parts)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]
