"""Event dates: when did it happen, resolved from its clause against the story's date.

* :class:`DateResolver` / :func:`resolve_expression` (no language model): one expression ("on
  Monday", "last week", "almost five years ago") to a date and a precision, seen from a
  reference date. Cheap rules first; :mod:`dateparser` (imported lazily) as the fallback; cached.
* :func:`find_event_date`: the expression that belongs to an event's clause in a parsed sentence,
  resolved against the story date (the wire dateline, else the publication date); else that
  date flagged ``source="publication"``; with no publication date, ``source="none"``.

A week-precision value is the Monday that starts the week, a month's is its 1st, a year's is
January 1st. A past-tense clause never gets a date after the story date. See docs/dates.md.

Modules: :mod:`~eventwatch.dates.words` (the calendar words of ``data/dates.yaml``),
:mod:`~eventwatch.dates.expressions` (the cheap rules for one expression),
:mod:`~eventwatch.dates.resolve` (the resolver, dateparser, the story date) and
:mod:`~eventwatch.dates.clauses` (date mentions and which one belongs to a clause).
"""

from __future__ import annotations

from eventwatch.dates.clauses import (
    DateMention,
    clause_date,
    date_mentions,
    find_event_date,
    is_future,
)
from eventwatch.dates.expressions import Resolution, Verdict, floor, normalize, rules, shift
from eventwatch.dates.resolve import (
    DateResolver,
    ResolverStats,
    StoryDate,
    default_resolver,
    reference_date,
    resolve_expression,
    story_date,
)
from eventwatch.dates.words import (
    BOUND_PREPS,
    DAY,
    DAY_WORDS,
    FUTURE_AUX,
    LEAD_WORDS,
    MONTH,
    MONTHS,
    NEXT_WORDS,
    NOUN_DATE_PREPS,
    NUMBERS,
    PART_OF_DAY,
    PAST_WORDS,
    PRECISIONS,
    PROSPECTIVE_HEADS,
    QUALIFIERS,
    THIS_WORDS,
    TRAILING_WORDS,
    UNIT_PRECISION,
    VAGUE_NUMBERS,
    WEEK,
    WEEKDAYS,
    WORDS,
    YEAR,
    CalendarWords,
    load_calendar_words,
)

__all__ = [
    "BOUND_PREPS",
    "DAY",
    "DAY_WORDS",
    "FUTURE_AUX",
    "LEAD_WORDS",
    "MONTH",
    "MONTHS",
    "NEXT_WORDS",
    "NOUN_DATE_PREPS",
    "NUMBERS",
    "PART_OF_DAY",
    "PAST_WORDS",
    "PRECISIONS",
    "PROSPECTIVE_HEADS",
    "QUALIFIERS",
    "THIS_WORDS",
    "TRAILING_WORDS",
    "UNIT_PRECISION",
    "VAGUE_NUMBERS",
    "WEEK",
    "WEEKDAYS",
    "WORDS",
    "YEAR",
    "CalendarWords",
    "DateMention",
    "DateResolver",
    "Resolution",
    "ResolverStats",
    "StoryDate",
    "Verdict",
    "clause_date",
    "date_mentions",
    "default_resolver",
    "find_event_date",
    "floor",
    "is_future",
    "load_calendar_words",
    "normalize",
    "reference_date",
    "resolve_expression",
    "rules",
    "shift",
    "story_date",
]
