"""Date expressions resolved against a reference date, and the date a story speaks from.

:class:`DateResolver` tries the cheap rules (:mod:`eventwatch.dates.expressions`) first and
:mod:`dateparser` (imported lazily) as the fallback, with a cache and counters;
:func:`resolve_expression` is its one-call form. :func:`story_date` reads the wire dateline.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import Any, TypeVar

from spacy.tokens import Doc

from eventwatch.dateline import find_dateline
from eventwatch.dates.expressions import (
    Resolution,
    Verdict,
    absolute_only,
    anchored,
    floor,
    normalize,
    rules,
    strip_words,
)
from eventwatch.dates.words import DAY, LEAD_WORDS, PRECISIONS, TRAILING_WORDS

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(slots=True)
class ResolverStats:
    """Counters for measuring the resolver (calls, cache hits, dateparser use)."""

    calls: int = 0
    cache_hits: int = 0
    by_rules: int = 0  # answered by the cheap rules (a date, or "not a date")
    dateparser_calls: int = 0
    dateparser_dates: int = 0  # dateparser calls that gave a date


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
            return absolute_only(text)
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
        found = _dateparser(" ".join(strip_words(words, LEAD_WORDS, TRAILING_WORDS)), ref, future)
        if found is None or not _plausible(found, ref, future):
            return None
        self.stats.dateparser_dates += 1
        return found

    def resolve_anchored(self, text: str, anchor: Resolution) -> Resolution | None:
        """ "three years later", "two days earlier", "the next day", seen from ``anchor``."""
        return anchored(text, anchor)


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


def doc_cached(doc: Doc, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
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
    head = doc_cached(doc, ("head",), lambda: doc[: min(len(doc), 40)].text)
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
