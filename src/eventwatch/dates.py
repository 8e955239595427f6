"""Event dates: when did it happen, resolved from its clause against the story's date.

* :class:`DateResolver` / :func:`resolve_expression` (no language model): one expression ("on
  Monday", "last week", "almost five years ago") to a date and a precision, seen from a
  reference date. Cheap rules first; :mod:`dateparser` (imported lazily) as the fallback; cached.
* :func:`find_event_date`: the expression that belongs to an event's clause in a parsed sentence,
  resolved against the story date (the wire dateline, else the publication date); else that
  date flagged ``source="publication"``; with no publication date, ``source="none"``.

A week-precision value is the Monday that starts the week, a month's is its 1st, a year's is
January 1st. A past-tense clause never gets a date after the story date. See docs/dates.md.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Final, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from spacy.tokens import Doc, Span, Token

from eventwatch.dateline import find_dateline
from eventwatch.errors import DataFileError
from eventwatch.records import EventDate, Precision

log = logging.getLogger(__name__)
T = TypeVar("T")

DAY: Final = Precision.DAY.value
WEEK: Final = Precision.WEEK.value
MONTH: Final = Precision.MONTH.value
YEAR: Final = Precision.YEAR.value
PRECISIONS: Final = (DAY, WEEK, MONTH, YEAR)  # finest first

# ---------------------------------------------------------------- calendar words (data/dates.yaml)
_Word = Annotated[str, Field(pattern=r"^'?[a-z]+(?: [a-z]+)*$")]  # lower case, single spaces
_Words = frozenset[_Word]
_Count = Annotated[int, Field(gt=0)]
_LOADER: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # a safe loader, in C if built


class CalendarWords(BaseModel):
    """Schema of ``eventwatch/data/dates.yaml``; the file's comments say what each list is for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]
    months: list[_Word] = Field(min_length=12, max_length=12)  # January first
    weekdays: list[_Word] = Field(min_length=7, max_length=7)  # Monday first
    abbreviations: dict[_Word, _Word]  # -> the month or weekday name
    numbers: dict[_Word, _Count]
    vague_numbers: dict[_Word, _Count]
    unit_precision: dict[_Word, Literal["day", "week", "month", "year"]]
    day_words: dict[_Word, int]  # -> offset in days from the reference date
    lead_words: _Words
    part_of_day: _Words
    trailing_words: _Words
    past_words: _Words
    next_words: _Words
    this_words: _Words
    prospective_heads: _Words
    future_auxiliaries: _Words
    bound_prepositions: _Words
    noun_date_prepositions: _Words
    extend_left: _Words

    @model_validator(mode="after")
    def _abbreviations_name_a_month_or_weekday(self) -> CalendarWords:
        if unknown := set(self.abbreviations.values()) - {*self.months, *self.weekdays}:
            raise ValueError(f"abbreviations: {sorted(unknown)} name no month or weekday")
        return self

    def numbered(self, names: list[str], first: int) -> dict[str, int]:
        """Each of ``names`` and its abbreviations -> its place in ``names``, from ``first``."""
        short = self.abbreviations.items()
        return {
            word: i
            for i, name in enumerate(names, first)
            for word in (name, *(s for s, full in short if full == name))
        }


def load_calendar_words(path: Path | None = None) -> CalendarWords:
    """Read and check a calendar words file (by default the packaged one); raise
    :class:`DataFileError` naming the file and the first field that is wrong."""
    source = str(path or "eventwatch/data/dates.yaml")
    try:
        file = path or resources.files("eventwatch") / "data" / "dates.yaml"
        return CalendarWords.model_validate(yaml.load(file.read_text(encoding="utf-8"), _LOADER))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"{source}: cannot read calendar words: {exc}") from exc
    except ValidationError as exc:
        error, more = exc.errors()[0], exc.error_count() - 1
        where = ".".join(str(part) for part in error["loc"]) or "top level"
        also = f" (and {more} more errors)" if more else ""
        raise DataFileError(f"{source}: {where}: {error['msg']}{also}") from exc


WORDS: Final = load_calendar_words()
MONTHS: Final = WORDS.numbered(WORDS.months, 1)  # name or abbreviation -> 1..12
WEEKDAYS: Final = WORDS.numbered(WORDS.weekdays, 0)  # name or abbreviation -> 0 (Monday)..6
NUMBERS: Final = WORDS.numbers
VAGUE_NUMBERS: Final = WORDS.vague_numbers
UNIT_PRECISION: Final[dict[str, str]] = dict(WORDS.unit_precision)
DAY_WORDS: Final = WORDS.day_words
LEAD_WORDS: Final = WORDS.lead_words
PART_OF_DAY: Final = WORDS.part_of_day
TRAILING_WORDS: Final = PART_OF_DAY | WORDS.trailing_words
PAST_WORDS: Final = WORDS.past_words
NEXT_WORDS: Final = WORDS.next_words
THIS_WORDS: Final = WORDS.this_words
QUALIFIERS: Final = PAST_WORDS | NEXT_WORDS | THIS_WORDS
_STEPS: Final = (
    dict.fromkeys(PAST_WORDS, -1) | dict.fromkeys(NEXT_WORDS, 1) | dict.fromkeys(THIS_WORDS, 0)
)
PROSPECTIVE_HEADS: Final = WORDS.prospective_heads
FUTURE_AUX: Final = WORDS.future_auxiliaries
BOUND_PREPS: Final = WORDS.bound_prepositions
NOUN_DATE_PREPS: Final = WORDS.noun_date_prepositions

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_NUM_RE = "|".join(
    [r"\d{1,3}", *sorted([*NUMBERS, *VAGUE_NUMBERS], key=len, reverse=True)]
).replace(" ", r"\s")
_UNIT_RE = rf"({'|'.join(UNIT_PRECISION)})s?"

# ---------------------------------------------------------------- rule patterns (normalised text)
_IN_N_UNITS = re.compile(rf"^in (?:(?:about|around|some|just|less than|more than) )?({_NUM_RE}) "
                         rf"{_UNIT_RE}$")  # fmt: skip
_ANCHORED = re.compile(
    rf"(?:^|\s)(?:({_NUM_RE}) )?{_UNIT_RE} (later|after|afterwards|earlier|before|prior)$"
    r"|(?:^|\s)(the next|(?:the )?(?:following|previous|preceding)) (day|week|month|year)$"
    r"|(?:^|\s)(?:the )?(day|week|month|year) (before|after)$"
)
_NOT_A_DATE = re.compile(
    r"\d+[- ]years?[- ]old|\baged?\b|\byears? old\b"  # ages
    r"|\b(?:twen|thir|for|fif|six|seven|eigh|nine)ties\b"  # decades in words
    r"|\bcentur(?:y|ies)\b|\bdecades?\b(?! ago)|\bmillenni"
    r"|\b(?:every|each|daily|weekly|monthly|annual|annually|yearly|a year|a day|per)\b(?! ago)"
    r"|^(?:the )?(?:day|week|month|year)s?$"  # a bare unit
    r"|\brecent\b|\bsame day\b|\bthat (?:day|week|month|year)\b|\bthe time\b|\bseasons?\b"
    r"|\bthe (?:past|last|previous|next|coming|first|final) (?:\w+ )?" + _UNIT_RE + r"$"
    r"|^(?:(?:for|over|during|within|in|after|the|first|final) )*"
    + rf"(?:{_NUM_RE}|\d+(?:\.\d+)?) {_UNIT_RE}$"  # durations: "24 hours", "two years"
)
_DECADE = re.compile(r"^(?:early |mid |late )?(?:(\d\d\d)0|'?(\d)0)'?s$")
_RANGE = re.compile(r"^(?:between|from) (.+?) (?:and|to|until|till|through) (.+)$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH_DAY = re.compile(
    rf"^(?:(?:{_WEEKDAY_RE}) )?({_MONTH_RE}) (\d{{1,2}})(?: (\d{{4}}))?$"
    rf"|^(?:(?:{_WEEKDAY_RE}) )?(?:the )?(\d{{1,2}}) (?:of )?({_MONTH_RE})(?: (\d{{4}}))?$"
)
_MONTH_YEAR = re.compile(rf"^({_MONTH_RE}) (?:of )?(\d{{4}})$")
_MONTH_REL = re.compile(rf"^(?:(\w+) )?({_MONTH_RE})(?: (last|this|next) year)?$")
_YEAR = re.compile(r"^(?:the )?(?:(?:year|spring|summer|autumn|fall|winter) )?(?:of )?(\d{4})$")
_WEEKDAY = re.compile(rf"^(?:(\w+) )?({_WEEKDAY_RE})$")
_UNIT_REL = re.compile(r"^(?:(\w+) )?(week|weekend|month|year)$")
_AGO = re.compile(rf"^(?:({_NUM_RE}) )?{_UNIT_RE} ago$")
_LOOKS_LIKE_DATE = re.compile(
    rf"\d|\b(?:{_MONTH_RE}|{_WEEKDAY_RE}|ago|yesterday|today|tonight|tomorrow|fortnight|"
    r"weekend|week|month|year)\b"
)
_CALENDAR = re.compile(
    rf"\b(?:1[89]\d\d|20\d\d)|\b(?:{_MONTH_RE}|{_WEEKDAY_RE}|yesterday|today|tonight|tomorrow)\b"
    r"|later$|earlier$"
)
_TIME_OF_DAY = re.compile(
    r"\b\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)(?=\s|$|[,;)])|\b\d{1,2}:\d{2}\b"
)


class Verdict(Enum):
    """Outcome of the cheap rules when they give no date."""

    NOT_A_DATE = "not a date"  # a duration, an age, a decade...: do not ask dateparser
    UNKNOWN = "unknown"  # the rules do not know this form: ask dateparser


@dataclass(frozen=True, slots=True)
class Resolution:
    """A resolved date expression: the first day of the period and its precision."""

    value: date
    precision: str  # DAY | WEEK | MONTH | YEAR


@dataclass(slots=True)
class ResolverStats:
    """Counters for measuring the resolver (calls, cache hits, dateparser use)."""

    calls: int = 0
    cache_hits: int = 0
    by_rules: int = 0  # answered by the cheap rules (a date, or "not a date")
    dateparser_calls: int = 0
    dateparser_dates: int = 0  # dateparser calls that gave a date


# ---------------------------------------------------------------- small date arithmetic
def floor(value: date, precision: str) -> date:
    """The first day of the period of ``precision`` that contains ``value``."""
    if precision == WEEK:
        return value - timedelta(days=value.weekday())
    if precision == MONTH:
        return value.replace(day=1)
    if precision == YEAR:
        return value.replace(month=1, day=1)
    return value


def _add_months(value: date, months: int) -> date:
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    day = value.day
    while True:
        try:
            return date(year, month + 1, day)
        except ValueError:
            day -= 1  # 31 March - 1 month = 28/29 February


def shift(value: date, count: int, unit: str) -> date:
    """``value`` moved by ``count`` units (negative: into the past)."""
    if unit in ("minute", "hour"):
        step = count // (60 if unit == "minute" else 1)
        return value + timedelta(days=int(step / 24))
    if unit in ("day", "night"):
        return value + timedelta(days=count)
    if unit in ("week", "fortnight"):
        return value + timedelta(days=count * (14 if unit == "fortnight" else 7))
    if unit == "month":
        return _add_months(value, count)
    return _add_months(value, count * (120 if unit == "decade" else 12))


def _count(word: str | None) -> tuple[int, bool]:
    """The number a count word stands for, and whether it is vague ("a few", "several")."""
    if not word:
        return 3, True  # "years ago", "days later"
    word = re.sub(r"\s+", " ", word)
    if word in VAGUE_NUMBERS:
        return VAGUE_NUMBERS[word], True
    if word.isdigit():
        return int(word), False
    return NUMBERS.get(word, 1), False


def _unit_precision(unit: str, vague: bool) -> str:
    precision = UNIT_PRECISION[unit]
    if vague and precision != YEAR:  # "a few days ago" is not one known day
        precision = PRECISIONS[PRECISIONS.index(precision) + 1]
    return precision


# ---------------------------------------------------------------- normalisation
def normalize(text: str) -> str:
    """Lower-case, drop possessives, ordinals, clock times and punctuation."""
    s = text.lower().replace("’", "'").replace("‘", "'")
    s = _TIME_OF_DAY.sub(" ", re.sub(r"\([^)]*\)", " ", s))  # asides: "(as reported)"
    s = re.sub(r"(?<!\d)'s\b", "", s)  # possessive, but not "1990's"
    s = re.sub(r"\bmid-", "mid ", s)
    s = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", s)
    s = re.sub(r"[,;:()\"!?\[\]]|\.(?!\d)", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def _strip(words: list[str], lead: frozenset[str], trail: frozenset[str]) -> list[str]:
    start, end = 0, len(words)
    while start < end and words[start] in lead:
        start += 1
    while end > start and words[end - 1] in trail:
        end -= 1
    return words[start:end]


# ---------------------------------------------------------------- cheap rules
def _absolute(s: str) -> Resolution | None:
    """Forms that need no reference date: ISO, "March 10, 2025", "March 2025", "2014",
    "summer 2019". Raises ValueError for impossible dates (31 February)."""
    if m := _ISO.match(s):
        return Resolution(date(int(m[1]), int(m[2]), int(m[3])), DAY)
    m = _MONTH_DAY.match(s)
    if m and (m[3] or m[6]):
        month, day, year = (m[1], m[2], m[3]) if m[1] else (m[5], m[4], m[6])
        return Resolution(date(int(year), MONTHS[month], int(day)), DAY)
    if m := _MONTH_YEAR.match(s):
        return Resolution(date(int(m[2]), MONTHS[m[1]], 1), MONTH)
    if m := _YEAR.match(s):
        return Resolution(date(int(m[1]), 1, 1), YEAR)
    if (m := _DECADE.match(s)) and m[1]:  # "the 1990s": its first year (docs/dates.md)
        return Resolution(date(int(m[1]) * 10, 1, 1), YEAR)
    return None


def _month_day(month: int, day: int, ref: date, future: bool) -> date | None:
    """The latest (month, day) on or before ``ref``; the earliest on or after it if future."""
    step = 1 if future else -1
    for offset in range(9):  # 29 February may be up to 8 years away
        try:
            candidate = date(ref.year + step * offset, month, day)
        except ValueError:
            continue
        if (candidate >= ref) if future else (candidate <= ref):
            return candidate
    return None


def _weekday(qualifier: str | None, weekday: int, ref: date, future: bool) -> date:
    back = (ref.weekday() - weekday) % 7  # days since the latest such weekday (0 = today)
    ahead = (weekday - ref.weekday()) % 7
    if qualifier in PAST_WORDS:
        return ref - timedelta(days=back or 7)
    if qualifier in NEXT_WORDS:
        return ref + timedelta(days=ahead or 7)
    return ref + timedelta(days=ahead) if future else ref - timedelta(days=back)


def _month(
    qualifier: str | None, month: int, year_word: str | None, ref: date, future: bool
) -> date:
    if year_word is not None:  # "June last year"
        return date(ref.year + {"last": -1, "this": 0, "next": 1}[year_word], month, 1)
    if qualifier in THIS_WORDS:
        return date(ref.year, month, 1)
    if qualifier in PAST_WORDS or (qualifier is None and not future):
        ahead = month > ref.month or (qualifier in PAST_WORDS and month == ref.month)
        return date(ref.year - ahead, month, 1)
    behind = month < ref.month or (qualifier in NEXT_WORDS and month == ref.month)
    return date(ref.year + behind, month, 1)


def _unit_period(qualifier: str | None, unit: str, ref: date, future: bool) -> Resolution | None:
    """ "last week", "this month", "next year", "the weekend"."""
    step = _STEPS.get(qualifier) if qualifier else (0 if unit == "weekend" else None)
    if step is None:
        return None
    if unit == "weekend":
        saturday = _weekday(None, 5, ref, step > 0 or (step == 0 and future))
        if step < 0 and ref.weekday() >= 5:  # "last weekend" seen from a weekend day
            saturday -= timedelta(days=7)
        if step > 0 and ref.weekday() == 5:  # "next weekend" seen from a Saturday
            saturday += timedelta(days=7)
        return Resolution(floor(saturday, WEEK), WEEK)
    precision = {"week": WEEK, "month": MONTH, "year": YEAR}[unit]
    return Resolution(floor(shift(ref, step, unit), precision), precision)


def _relative(s: str, ref: date, future: bool) -> Resolution | None:
    """Forms that need the reference date: weekdays, months, "last week", "N years ago"."""
    m = _MONTH_DAY.match(s)
    if m and not (m[3] or m[6]):
        month, day = (m[1], m[2]) if m[1] else (m[5], m[4])
        found = _month_day(MONTHS[month], int(day), ref, future)
        return Resolution(found, DAY) if found else None
    if (m := _MONTH_REL.match(s)) and (m[1] is None or m[1] in QUALIFIERS):
        return Resolution(_month(m[1], MONTHS[m[2]], m[3], ref, future), MONTH)
    if (m := _WEEKDAY.match(s)) and (m[1] is None or m[1] in QUALIFIERS):
        return Resolution(_weekday(m[1], WEEKDAYS[m[2]], ref, future), DAY)
    if m := _UNIT_REL.match(s):
        return _unit_period(m[1], m[2], ref, future)
    if (m := _DECADE.match(s)) and m[2]:  # "the '90s": the latest such decade
        year = (ref.year // 100) * 100 + int(m[2]) * 10
        return Resolution(date(year - 100 if year > ref.year else year, 1, 1), YEAR)
    if m := _AGO.match(s):
        count, vague = _count(m[1])
        precision = _unit_precision(m[2], vague)
        return Resolution(floor(shift(ref, -count, m[2]), precision), precision)
    return None


def _range(start: Resolution | Verdict, end: Resolution | Verdict) -> Resolution | Verdict:
    """ "between 30 April and 2 May": the finest period that holds both ends; a range over
    several years gives its first year."""
    if not isinstance(start, Resolution) or not isinstance(end, Resolution):
        return Verdict.NOT_A_DATE
    if start.value > end.value:
        return Verdict.NOT_A_DATE
    coarsest = max(start.precision, end.precision, key=PRECISIONS.index)
    for precision in PRECISIONS[PRECISIONS.index(coarsest) :]:
        if floor(start.value, precision) == floor(end.value, precision):
            return Resolution(floor(start.value, precision), precision)
    return Resolution(floor(start.value, YEAR), YEAR)


def rules(text: str, ref: date, future: bool = False) -> Resolution | Verdict:
    """The cheap rules: a :class:`Resolution`, or a :class:`Verdict` when they give no date."""
    s0 = normalize(text)
    if len(s0) > 120:  # a sentence, not a date expression
        return Verdict.NOT_A_DATE
    if m := _IN_N_UNITS.match(s0):
        if not future:
            return Verdict.NOT_A_DATE  # "captured the town in two days": a duration
        count, vague = _count(m[1])
        precision = _unit_precision(m[2], vague)
        return Resolution(floor(shift(ref, count, m[2]), precision), precision)
    if m := _RANGE.match(s0):
        start, end = rules(m[1], ref, future), rules(m[2], ref, future)
        if (
            isinstance(start, Resolution)
            and isinstance(end, Resolution)
            and end.value < start.value
        ):
            end = rules(m[2], ref, True)  # "from March to May" seen from April: May ahead
        return _range(start, end)
    if not s0 or _ANCHORED.search(s0) or _NOT_A_DATE.search(s0):
        return Verdict.NOT_A_DATE
    words = s0.split()
    s1 = " ".join(_strip(words, LEAD_WORDS, frozenset()))
    s2 = " ".join(_strip(words, LEAD_WORDS | PART_OF_DAY, TRAILING_WORDS))
    for s in (s1, s2):
        if s in DAY_WORDS:
            return Resolution(ref + timedelta(days=DAY_WORDS[s]), DAY)
    if s2 in ("week", "month", "year") and s0.endswith("the " + s2):
        s2 = "this " + s2  # "since the start of the year"
    if not s2 or _NOT_A_DATE.search(s2):  # "about a month": a duration
        return Verdict.NOT_A_DATE
    try:
        found = _absolute(s2) or _relative(s2, ref, future)
    except ValueError:  # 31 February, year 0
        return Verdict.NOT_A_DATE
    if found is not None:
        return found
    return Verdict.UNKNOWN if _LOOKS_LIKE_DATE.search(s2) else Verdict.NOT_A_DATE


# ---------------------------------------------------------------- dateparser fallback
def _dateparser(text: str, ref: date, future: bool) -> Resolution | None:
    """Ask dateparser (imported on first use) about one expression."""
    from dateparser.date import DateDataParser

    settings: dict[str, Any] = {
        "PREFER_DATES_FROM": "future" if future else "past",
        "RELATIVE_BASE": datetime(ref.year, ref.month, ref.day, 12),
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "DATE_ORDER": "MDY",
        "PARSERS": ["relative-time", "absolute-time"],
        # an all-numeric date must be complete: "10/03" alone is not a date
        "STRICT_PARSING": bool(re.fullmatch(r"[\d/.\- ]+", text)),
    }
    try:
        data = DateDataParser(languages=["en"], settings=settings).get_date_data(text)
    except Exception:  # dateparser raises many kinds of errors on odd text
        log.debug("dateparser failed on %r", text, exc_info=True)
        return None
    if data is None or data.date_obj is None:
        return None
    precision = data.period if data.period in PRECISIONS else DAY
    return Resolution(floor(data.date_obj.date(), precision), precision)


def _plausible(found: Resolution, ref: date, future: bool) -> bool:
    return 1800 <= found.value.year <= ref.year + 20 and (future or found.value <= ref)


# ---------------------------------------------------------------- the resolver
class DateResolver:
    """Resolves date expressions, with a cache and counters; ``use_dateparser=False`` keeps to
    the cheap rules (faster, fewer forms)."""

    def __init__(self, *, use_dateparser: bool = True, cache_size: int = 8192) -> None:
        self.use_dateparser = use_dateparser
        self.stats = ResolverStats()
        self._cached = lru_cache(maxsize=cache_size)(self._resolve)

    def resolve(self, text: str, ref: date | None, future: bool = False) -> Resolution | None:
        """The date ``text`` names, seen from ``ref``; None when it names no date we can place.
        For a past expression the result is never after ``ref``. With no ``ref`` only the
        forms that need none are read ("March 10, 2025", "in 2014")."""
        if ref is None:
            return self._absolute_only(text)
        self.stats.calls += 1
        before = self._cached.cache_info().hits
        found = self._cached(text.strip(), ref, future)
        if self._cached.cache_info().hits > before:
            self.stats.cache_hits += 1
        return found

    def _resolve(self, text: str, ref: date, future: bool) -> Resolution | None:
        try:
            verdict = rules(text, ref, future)
        except (ValueError, OverflowError):
            return None
        if isinstance(verdict, Resolution):
            self.stats.by_rules += 1
            return verdict if _plausible(verdict, ref, future) else None
        if verdict is Verdict.NOT_A_DATE:
            self.stats.by_rules += 1
            return None
        if not self.use_dateparser:
            return None
        self.stats.dateparser_calls += 1
        words = normalize(text).split()
        found = _dateparser(" ".join(_strip(words, LEAD_WORDS, TRAILING_WORDS)), ref, future)
        if found is None or not _plausible(found, ref, future):
            return None
        self.stats.dateparser_dates += 1
        return found

    @staticmethod
    def _absolute_only(text: str) -> Resolution | None:
        words = normalize(text).split()
        if not words or _NOT_A_DATE.search(" ".join(words)):
            return None
        try:
            found = _absolute(" ".join(_strip(words, LEAD_WORDS | PART_OF_DAY, TRAILING_WORDS)))
        except ValueError:
            return None
        return found if found is not None and 1800 <= found.value.year <= 2200 else None

    def resolve_anchored(self, text: str, anchor: Resolution) -> Resolution | None:
        """ "three years later", "two days earlier", "the next day", seen from ``anchor``."""
        m = _ANCHORED.search(normalize(text))
        if m is None:
            return None
        count, vague = _count(m[1]) if m[2] else (1, False)
        unit = m[2] or m[5] or m[6]
        direction = (m[3] or m[4] or m[7]).split()[-1]
        sign = -1 if direction in ("earlier", "before", "prior", "previous", "preceding") else 1
        precision = _unit_precision(unit, vague)
        try:
            value = shift(anchor.value, sign * count, unit)
        except (ValueError, OverflowError):
            return None
        precision = max(precision, anchor.precision, key=PRECISIONS.index)
        return Resolution(floor(value, precision), precision)


@cache
def default_resolver() -> DateResolver:
    """The process-wide resolver (one cache for all articles)."""
    return DateResolver()


def reference_date(published: datetime | date) -> date:
    """The calendar date of a publication time, in the time zone it was given in."""
    return published.date() if isinstance(published, datetime) else published


def resolve_expression(
    text: str, published: datetime | date, *, future: bool = False
) -> tuple[date, str] | None:
    """``(date, precision)`` of a date expression seen from a publication time, or None.
    ``future=True`` reads "Monday", "in March" forwards (a future-tense clause). Never raises;
    a past expression never gets a date after ``published``."""
    found = default_resolver().resolve(text, reference_date(published), future)
    return (found.value, found.precision) if found else None


# ---------------------------------------------------------------- the story date (dateline)

_LAST_DOC = threading.local()  # per thread: the last doc read and what was read from it


def _doc_cached(doc: Doc, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """What was read from ``doc``: the coder asks once per event word, sentence after
    sentence, so each sentence and dateline is read once. Only the last doc is held."""
    if getattr(_LAST_DOC, "doc", None) is not doc:
        _LAST_DOC.doc, _LAST_DOC.values = doc, {}
    values: dict[tuple[Any, ...], Any] = _LAST_DOC.values
    if key not in values:
        values[key] = compute()
    return values[key]  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class StoryDate:
    """The date a story speaks from: its dateline's date, else its publication date."""

    value: date | None
    text: str | None = None  # the dateline's date as written, when it gave the value
    end_char: int = 0  # the dateline's end: date mentions before it are not event dates


def story_date(doc: Doc, published: datetime | date | None, resolver: DateResolver) -> StoryDate:
    """Read the wire dateline ("BAGHDAD, March 10 (Reuters) -") at the start of ``doc``."""
    ref = reference_date(published) if published is not None else None
    head = _doc_cached(doc, ("head",), lambda: doc[: min(len(doc), 40)].text)
    dateline = find_dateline(head)
    if dateline is None:
        return StoryDate(ref)
    text = dateline.date_text
    if text is None:
        return StoryDate(ref, end_char=dateline.end)
    # a dateline may be a day ahead of a UTC publication time
    found = resolver.resolve(text, ref + timedelta(days=1) if ref else None)
    if found is None:
        return StoryDate(ref, end_char=dateline.end)
    return StoryDate(found.value, text, dateline.end)


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
        rf"(?i)\b(?:(?:{_NUM_RE})\s+)?{_UNIT_RE}\s+ago\b",
        r"\b(?i:in|by|since|during|until)\s+(?P<d>(?:18|19|20)\d\d)\b",
        r"\b\d{4}-\d{2}-\d{2}\b",
    )
)
_DAYISH_TIME = re.compile(
    rf"(?i)\b(?:{_WEEKDAY_RE}|{_MONTH_RE}|yesterday|today|tonight|overnight|last night|"
    r"this (?:morning|afternoon|evening))\b"
)
_EXTEND_LEFT: Final = WORDS.extend_left


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
    while start - 1 >= sent.start and doc[start - 1].lower_ in _EXTEND_LEFT:
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
    return _doc_cached(sent.doc, key, lambda: _find_mentions(sent, skip_before))


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
        if c.found is not None or c.priority is None or not _ANCHORED.search(text):
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
        and (c.priority < 4 or c.found.precision in (DAY, WEEK))
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
