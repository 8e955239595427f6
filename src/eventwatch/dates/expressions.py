"""One date expression read by the cheap rules (no language model, no dateparser).

:func:`rules` turns an expression ("on Monday", "last week", "almost five years ago") seen from a
reference date into a :class:`Resolution` (the first day of the period and its precision), or a
:class:`Verdict` when the rules give no date. Also the small date arithmetic (:func:`floor`,
:func:`shift`) and the normalisation every expression goes through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from eventwatch.dates.words import (
    DAY,
    DAY_WORDS,
    LEAD_WORDS,
    MONTH,
    MONTH_RE,
    MONTHS,
    NEXT_WORDS,
    NUM_RE,
    NUMBERS,
    PART_OF_DAY,
    PAST_WORDS,
    PRECISIONS,
    QUALIFIERS,
    STEPS,
    THIS_WORDS,
    TRAILING_WORDS,
    UNIT_PRECISION,
    UNIT_RE,
    VAGUE_NUMBERS,
    WEEK,
    WEEKDAY_RE,
    WEEKDAYS,
    YEAR,
)

# ---------------------------------------------------------------- rule patterns (normalised text)
_IN_N_UNITS = re.compile(rf"^in (?:(?:about|around|some|just|less than|more than) )?({NUM_RE}) "
                         rf"{UNIT_RE}$")  # fmt: skip
ANCHORED = re.compile(  # "three years later", "the next day": counted from another date
    rf"(?:^|\s)(?:({NUM_RE}) )?{UNIT_RE} (later|after|afterwards|earlier|before|prior)$"
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
    r"|\bthe (?:past|last|previous|next|coming|first|final) (?:\w+ )?" + UNIT_RE + r"$"
    r"|^(?:(?:for|over|during|within|in|after|the|first|final) )*"
    + rf"(?:{NUM_RE}|\d+(?:\.\d+)?) {UNIT_RE}$"  # durations: "24 hours", "two years"
)
_DECADE = re.compile(r"^(?:early |mid |late )?(?:(\d\d\d)0|'?(\d)0)'?s$")
_RANGE = re.compile(r"^(?:between|from) (.+?) (?:and|to|until|till|through) (.+)$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH_DAY = re.compile(
    rf"^(?:(?:{WEEKDAY_RE}) )?({MONTH_RE}) (\d{{1,2}})(?: (\d{{4}}))?$"
    rf"|^(?:(?:{WEEKDAY_RE}) )?(?:the )?(\d{{1,2}}) (?:of )?({MONTH_RE})(?: (\d{{4}}))?$"
)
_MONTH_YEAR = re.compile(rf"^({MONTH_RE}) (?:of )?(\d{{4}})$")
_MONTH_REL = re.compile(rf"^(?:(\w+) )?({MONTH_RE})(?: (last|this|next) year)?$")
_YEAR = re.compile(r"^(?:the )?(?:(?:year|spring|summer|autumn|fall|winter) )?(?:of )?(\d{4})$")
_WEEKDAY = re.compile(rf"^(?:(\w+) )?({WEEKDAY_RE})$")
_UNIT_REL = re.compile(r"^(?:(\w+) )?(week|weekend|month|year)$")
_AGO = re.compile(rf"^(?:({NUM_RE}) )?{UNIT_RE} ago$")
_LOOKS_LIKE_DATE = re.compile(
    rf"\d|\b(?:{MONTH_RE}|{WEEKDAY_RE}|ago|yesterday|today|tonight|tomorrow|fortnight|"
    r"weekend|week|month|year)\b"
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


def strip_words(words: list[str], lead: frozenset[str], trail: frozenset[str]) -> list[str]:
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
    step = STEPS.get(qualifier) if qualifier else (0 if unit == "weekend" else None)
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
    if not s0 or ANCHORED.search(s0) or _NOT_A_DATE.search(s0):
        return Verdict.NOT_A_DATE
    words = s0.split()
    s1 = " ".join(strip_words(words, LEAD_WORDS, frozenset()))
    s2 = " ".join(strip_words(words, LEAD_WORDS | PART_OF_DAY, TRAILING_WORDS))
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


def absolute_only(text: str) -> Resolution | None:
    """The date of an expression that needs no reference date ("March 10, 2025", "in 2014")."""
    words = normalize(text).split()
    if not words or _NOT_A_DATE.search(" ".join(words)):
        return None
    try:
        found = _absolute(" ".join(strip_words(words, LEAD_WORDS | PART_OF_DAY, TRAILING_WORDS)))
    except ValueError:
        return None
    return found if found is not None and 1800 <= found.value.year <= 2200 else None


def anchored(text: str, anchor: Resolution) -> Resolution | None:
    """ "three years later", "two days earlier", "the next day", seen from ``anchor``."""
    m = ANCHORED.search(normalize(text))
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
