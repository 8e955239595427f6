"""What a story clusterer sees of an article: :class:`StoryDoc`.

:func:`build_doc` reads a coded :class:`~eventwatch.records.Article` (the pipeline's output) and
keeps what tells one happening from another of the same kind:

* **terms**: lower-cased words without stop words, plurals folded ("quakes" -> "quake"), counted
  with the headline and the lead weighted up (``TITLE_WEIGHT``, ``LEAD_WEIGHT``); words written
  with a capital inside a sentence (names) count ``NAME_WEIGHT`` times. The clusterer weighs
  them by an IDF it maintains as articles arrive.
* **entities**: people (``per:`` + surname, so "Lohan" and "Lindsay Lohan" meet), organisations
  (``org:``), places (``geo:`` + GeoNames id) as resolved by eventwatch, and other names written
  with capitals (``nam:``: teams, companies, products the actor dictionary does not know). When an
  article was not coded, a spaCy doc's entities stand in (``doc=``).
* **dates**: the publication date (or one read from the URL, "/2013/05/03/"), the calendar dates
  the text writes in full ("May 3, 2013", "2 July 2013"), the day-precise event dates the
  pipeline resolved, the years the text mentions, and the first weekday, month and year the
  lead names (``lead_times``: when the happening took place).
* **events**: (type, actor code, recipient code, place) of each asserted event.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any

from eventwatch.records import Article, Place

TITLE_WEIGHT = 3.0  # a headline word counts three times
LEAD_WEIGHT = 2.0  # a word of the first LEAD_WORDS words of the body twice
LEAD_WORDS = 60
NAME_WEIGHT = 1.5  # a word written with a capital inside a sentence
MAX_TITLE_WORDS = 25  # a first line this short, with more lines after it, is the headline
HEADER_CHARS = 300  # a full date this close to the start is the article's own date
LEAD_TIME_CHARS = 300  # the first weekday, month and year written this close to the start
MIN_YEAR, MAX_YEAR = 1900, 2099
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_WORD = re.compile(r"[A-Za-z][A-Za-z'’&.-]*[A-Za-z0-9]|[A-Za-z]|\d+(?:[.,:/-]\d+)*[A-Za-z]*")
_CAPITALISED = re.compile(
    r"(?<![.!?:\n]\s)(?<!^)\b[A-Z][\w'’&-]*(?:\s+(?:of\s+|de\s+|the\s+)?[A-Z][\w'’&-]*)*",
    re.MULTILINE,
)
_POSSESSIVE = re.compile(r"['’]s$")
_YEAR = re.compile(r"(?<![\d/.-])(1[9]\d\d|20\d\d)(?![\d])")
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-]([A-Za-z]{3,9}|\d{1,2})(?:[/-](\d{1,2}))?(?=[/-]|$)")
_TIME_WORD = re.compile(r"(?<!\w)(?:[A-Z][a-z]+(?!\w)\.?|(?:19|20)\d\d(?!\w))")
_URL_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d\d)(0[1-9]|1[0-2])([0-2]\d|3[01])(?!\d)")


@dataclass(frozen=True, slots=True)
class PlacePoint:
    """A resolved place reduced to what compatibility needs."""

    geonameid: int
    name: str
    feature: str  # continent | country | admin1 | admin2 | city
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class EventKey:
    """An event's who-did-what-to-whom-where, without its wording."""

    type: str
    actor: str | None
    recipient: str | None
    place: int | None  # GeoNames id


@dataclass(slots=True)
class StoryDoc:
    """One article as the story clusterer sees it (see the module docstring)."""

    id: str
    title: str = ""
    terms: dict[str, float] = field(default_factory=dict)  # term -> weighted count
    entities: dict[str, float] = field(default_factory=dict)  # "per:lohan" -> salience
    places: tuple[PlacePoint, ...] = ()
    focus: PlacePoint | None = None
    published: date | None = None
    dateline: date | None = None  # a full date written in the first HEADER_CHARS of the text
    dates: tuple[date, ...] = ()  # day-precise dates: publication, written, events
    years: frozenset[int] = frozenset()
    lead_times: tuple[str, ...] = ()  # first weekday, month, year of the lead: "wd:tuesday"
    events: tuple[EventKey, ...] = ()
    outlet: str | None = None
    embedding: tuple[float, ...] | None = None

    @property
    def anchor(self) -> date | None:
        """The article's date: its publication date, else the date written in its header."""
        return self.published or self.dateline


# ------------------------------------------------------------------------------------- words
@cache
def stop_words() -> frozenset[str]:
    """spaCy's English stop words, and reporting words every news story uses."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | {"said", "says", "told", "according", "reported", "news"}


@lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """A lower-case word with a regular plural folded to its singular (cached: news repeats
    its words)."""
    word = _POSSESSIVE.sub("", word.lower()).strip(".'’-")
    if len(word) > 4 and word.isalpha():
        if word.endswith("ies"):
            return word[:-3] + "y"
        if word.endswith("s") and not word.endswith(("ss", "us", "is")):
            return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """The content words of ``text``: folded, stop words and one-letter words dropped."""
    stops = stop_words()
    out = []
    for match in _WORD.finditer(text):
        raw = match.group()
        if raw.lower() in stops:
            continue
        word = fold(raw)
        if len(word) > 1 and word not in stops and not (word.isdigit() and len(word) < 3):
            out.append(word)
    return out


def headline(article: Article) -> tuple[str, str]:
    """(headline, body without it): the title, else a short first line followed by more."""
    if article.title:
        return article.title, article.text
    first, sep, rest = article.text.partition("\n")
    if sep and rest.strip() and len(first.split()) <= MAX_TITLE_WORDS:
        return first.strip(), rest
    return "", article.text


def term_counts(title: str, body: str) -> dict[str, float]:
    """Weighted counts: headline words x3, lead words x2, names x1.5 (multiplied)."""
    names = {fold(m.group()) for m in re.finditer(r"\b[A-Z][\w'’-]+", body)} - {
        fold(m.group()) for m in re.finditer(r"(?:^|[.!?]\s+)([A-Z][\w'’-]+)", body, re.M)
    }
    counts: Counter[str] = Counter()
    for word in tokens(title):
        counts[word] += TITLE_WEIGHT
    for i, word in enumerate(tokens(body)):
        counts[word] += LEAD_WEIGHT if i < LEAD_WORDS else 1.0
    return {w: c * (NAME_WEIGHT if w in names else 1.0) for w, c in counts.items()}


# ---------------------------------------------------------------------------------- entities
def surname(name: str) -> str:
    """The last word of a person's name, without "Jr." and the like, lower case."""
    words = [_POSSESSIVE.sub("", w.strip(".,").lower()) for w in name.split()]
    words = [w for w in words if w and w not in _NAME_SUFFIXES]
    return words[-1] if words else name.lower().strip()


def actor_entities(article: Article) -> Counter[str]:
    """People by surname, organisations by name, as resolved by the actor stage."""
    keys: Counter[str] = Counter()
    for actor in article.actors:
        if actor.kind == "person" and actor.name:
            keys[f"per:{surname(actor.name)}"] += 1
        elif actor.kind in ("institution", "igo", "group") and actor.name:
            keys[f"org:{actor.name.lower()}"] += 1
    return keys


def place_entities(places: Iterable[Place]) -> Counter[str]:
    return Counter(
        f"geo:{p.geonameid}" for p in places if p.geonameid is not None and p.feature != "continent"
    )


def written_names(article: Article, surnames: frozenset[str] = frozenset()) -> Counter[str]:
    """Capitalised word sequences inside sentences that no actor or place already covers; a
    name ending in a known person's surname is that person."""
    covered = bytearray(len(article.text))  # 1 where an actor or place mention lies
    for m in [*article.actors, *article.places]:
        if m.span is not None and m.span.field == "body":
            covered[m.span.start : m.span.end] = b"\x01" * max(0, m.span.end - m.span.start)
    del covered[len(article.text) :]  # a span past the end must not grow the mask
    stops = stop_words()
    keys: Counter[str] = Counter()
    for match in _CAPITALISED.finditer(article.text):
        start, end = match.span()
        if 1 in covered[start:end]:
            continue
        raw = [w for w in match.group().split() if w.lower() not in stops]
        if raw and (last := surname(raw[-1])) in surnames:
            keys[f"per:{last}"] += 1
            continue
        words = [fold(w) for w in raw]
        words = [w for w in words if len(w) > 1 and not w.startswith("i'")]
        if words and not all(_is_calendar(w) for w in words):
            keys["nam:" + " ".join(words)] += 1
    return keys


def spacy_entities(doc: Any) -> Counter[str]:
    """Fallback for an uncoded article: a spaCy doc's people, organisations and places."""
    keys: Counter[str] = Counter()
    for ent in getattr(doc, "ents", ()):
        if ent.label_ == "PERSON":
            keys[f"per:{surname(ent.text)}"] += 1
        elif ent.label_ in ("ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT"):
            keys[f"nam:{' '.join(fold(w) for w in ent.text.split())}"] += 1
    return keys


def _is_calendar(word: str) -> bool:
    from eventwatch.dates.words import MONTHS, WEEKDAYS

    low = word.lower().strip(".")
    return low in MONTHS or low in WEEKDAYS


def entity_salience(counts: Counter[str], title: str) -> dict[str, float]:
    """1 + log(mentions), doubled for an entity whose words are in the headline."""
    head = set(tokens(title))
    out = {}
    for key, n in counts.items():
        words = key.split(":", 1)[1].split()
        boost = 2.0 if words and all(fold(w) in head for w in words) else 1.0
        out[key] = (1.0 + math.log(n)) * boost
    return out


# ------------------------------------------------------------------------------------- dates
@cache
def _full_date_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    from eventwatch.dates.words import MONTH_RE

    month = rf"(?P<month>{MONTH_RE})\.?"
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
    year = r"(?P<year>(?:19|20)\d\d)"
    return (
        re.compile(rf"\b{month}\s+{day},?\s+{year}\b", re.IGNORECASE),
        re.compile(rf"\b{day}\s+{month},?\s+{year}\b", re.IGNORECASE),
        re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
    )


def _make_date(year: str, month: str, day: str | None) -> date | None:
    from eventwatch.dates.words import MONTHS

    number = int(month) if month.isdigit() else MONTHS.get(month.lower().strip("."))
    try:
        return date(int(year), number, int(day or 1)) if number else None
    except ValueError:
        return None


def written_dates(text: str) -> list[date]:
    """Calendar dates written in full (day, month and year), in text order."""
    return [value for _, _, value in _written_dates(text)]


def _written_dates(text: str) -> list[tuple[int, int, date]]:
    """(start, end, date) of each calendar date written in full, in text order."""
    found: list[tuple[int, int, date]] = []
    for pattern in _full_date_patterns():
        for m in pattern.finditer(text):
            if (value := _make_date(m["year"], m["month"], m["day"])) is not None:
                found.append((m.start(), m.end(), value))
    return sorted(found)


def date_from_url(url: str | None) -> date | None:
    """The date in a news URL's path ("/2013/05/03/", "/2009/dec/07/", "-20130504"), if any;
    a URL that names only a year and month gives the first of the month."""
    if not url:
        return None
    if m := _URL_DATE.search(url):
        return _make_date(m[1], m[2], m[3])
    if m := _URL_COMPACT.search(url):
        return _make_date(m[1], m[2], m[3])
    return None


def mentioned_years(text: str) -> frozenset[int]:
    return frozenset(y for y in (int(m) for m in _YEAR.findall(text)) if MIN_YEAR <= y <= MAX_YEAR)


def lead_times(text: str) -> tuple[str, ...]:
    """The first weekday ("wd:friday"), month ("mo:12") and year ("yr:2013") written in the
    first ``LEAD_TIME_CHARS`` characters: when a report says its happening took place. A
    weekday or month must be written in full with a capital ("Friday", "December"); "May" is
    left out (a verb as often as a month)."""
    from eventwatch.dates.words import MONTHS

    found: dict[str, str] = {}
    for match in _TIME_WORD.finditer(text[:LEAD_TIME_CHARS]):
        word = match.group().lower().rstrip(".")
        if word.isdigit():
            found.setdefault("yr", word)
        elif word in _WEEKDAY_NAMES:
            found.setdefault("wd", word)
        elif word in MONTHS and word != "may" and (len(word) > 3 or match.group().endswith(".")):
            found.setdefault("mo", str(MONTHS[word]))
    return tuple(f"{kind}:{value}" for kind, value in sorted(found.items()))


_WEEKDAY_NAMES = frozenset(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
)


def _as_date(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


# --------------------------------------------------------------------------------- the record
def build_doc(
    article: Article,
    *,
    doc: Any = None,
    embedding: Sequence[float] | None = None,
) -> StoryDoc:
    """The :class:`StoryDoc` of a coded article (``doc``: a spaCy doc of its body, read only
    when the article carries no resolved actors or places)."""
    title, body = headline(article)
    actors = actor_entities(article)
    surnames = frozenset(k[4:] for k in actors if k.startswith("per:"))
    entities = actors + place_entities(article.places) + written_names(article, surnames)
    if doc is not None and not (article.actors or article.places):
        entities += spacy_entities(doc)
    published = _as_date(article.published) or date_from_url(article.url)
    event_dates = [
        e.date.value
        for e in article.events
        if e.date.value is not None and e.date.source == "text" and e.date.precision == "day"
    ]
    spans = _written_dates(article.text)
    written = [value for _, _, value in spans]
    header = [value for _, end, value in spans if end <= HEADER_CHARS]
    dates = ([published] if published else []) + written + event_dates
    return StoryDoc(
        id=article.id,
        title=title,
        terms=term_counts(title, body),
        entities=entity_salience(entities, title),
        places=tuple(_points(article.places)),
        focus=next(iter(_points([article.focus] if article.focus else [])), None),
        published=published,
        dateline=header[0] if header else None,
        dates=tuple(dates),
        years=mentioned_years(f"{article.title}\n{article.text}"),
        lead_times=lead_times(f"{article.title}\n{article.text}".lstrip()),
        events=tuple(_event_keys(article)),
        outlet=article.outlet,
        embedding=tuple(float(x) for x in embedding) if embedding is not None else None,
    )


def _points(places: Iterable[Place]) -> list[PlacePoint]:
    seen: dict[int, PlacePoint] = {}
    for p in places:
        if p.geonameid is not None and p.geonameid not in seen:
            seen[p.geonameid] = PlacePoint(
                p.geonameid, p.name, p.feature, p.country, p.admin1, p.lat, p.lon
            )
    return list(seen.values())


def _event_keys(article: Article) -> list[EventKey]:
    keys = {
        EventKey(
            e.event_type,
            e.actor.code if e.actor else None,
            e.recipient.code if e.recipient else None,
            e.place.geonameid if e.place else None,
        )
        for e in article.events
        if e.modality == "asserted"
    }
    return sorted(keys, key=lambda k: (k.type, k.actor or "", k.recipient or "", k.place or 0))
