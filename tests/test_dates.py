"""Event dates: expressions resolved against the publication date, and the clause's date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from eventwatch.dates import (
    MONTHS,
    PRECISIONS,
    UNIT_PRECISION,
    WEEKDAYS,
    DateResolver,
    Verdict,
    find_event_date,
    floor,
    load_calendar_words,
    resolve_expression,
    rules,
    shift,
)
from eventwatch.errors import DataFileError
from eventwatch.records import EventDate

WED = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)  # a Wednesday
MON = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)  # a Monday
NEW_YEAR = datetime(2026, 1, 2, 8, 0, tzinfo=UTC)  # a Friday, early January
LEAP_DAY = datetime(2024, 2, 29, 12, 0, tzinfo=UTC)


def d(text: str) -> date:
    return date.fromisoformat(text)


# ---------------------------------------------------------------- resolve_expression: the forms
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on Monday", ("2026-03-09", "day")),
        ("Monday's", ("2026-03-09", "day")),
        ("late on Monday", ("2026-03-09", "day")),
        ("Monday night", ("2026-03-09", "day")),
        ("early Tuesday", ("2026-03-10", "day")),
        ("before dawn on Tuesday", ("2026-03-10", "day")),
        ("at 10 a.m. on Tuesday", ("2026-03-10", "day")),
        ("on Wednesday", ("2026-03-11", "day")),  # the day of publication
        ("on Thursday", ("2026-03-05", "day")),  # the one before, never after
        ("last Monday", ("2026-03-09", "day")),
        ("last Wednesday", ("2026-03-04", "day")),
        ("yesterday", ("2026-03-10", "day")),
        ("yesterday morning", ("2026-03-10", "day")),
        ("today", ("2026-03-11", "day")),
        ("overnight", ("2026-03-11", "day")),
        ("last night", ("2026-03-10", "day")),
        ("the day before yesterday", ("2026-03-09", "day")),
        ("on March 10", ("2026-03-10", "day")),
        ("March 10th", ("2026-03-10", "day")),
        ("10 March", ("2026-03-10", "day")),
        ("the 10th of March", ("2026-03-10", "day")),
        ("Tuesday, March 10", ("2026-03-10", "day")),
        ("Mar. 3", ("2026-03-03", "day")),
        ("on March 12", ("2025-03-12", "day")),  # not yet this year: last year's
        ("March 10, 2025", ("2025-03-10", "day")),
        ("on 4 June 2019", ("2019-06-04", "day")),
        ("2025-03-10", ("2025-03-10", "day")),
        ("last week", ("2026-03-02", "week")),
        ("this week", ("2026-03-09", "week")),
        ("earlier this week", ("2026-03-09", "week")),
        ("over the weekend", ("2026-03-02", "week")),
        ("two weeks ago", ("2026-02-23", "week")),
        ("a fortnight ago", ("2026-02-23", "week")),
        ("a few days ago", ("2026-03-02", "week")),  # vague count: one step coarser
        ("three days ago", ("2026-03-08", "day")),
        ("in March", ("2026-03-01", "month")),
        ("early March", ("2026-03-01", "month")),
        ("mid-March", ("2026-03-01", "month")),
        ("in April", ("2025-04-01", "month")),  # the most recent April
        ("last March", ("2025-03-01", "month")),
        ("March 2025", ("2025-03-01", "month")),
        ("in June last year", ("2025-06-01", "month")),
        ("earlier this month", ("2026-03-01", "month")),
        ("last month", ("2026-02-01", "month")),
        ("late last month", ("2026-02-01", "month")),
        ("two months ago", ("2026-01-01", "month")),
        ("in 2014", ("2014-01-01", "year")),
        ("2014", ("2014-01-01", "year")),
        ("since 2019", ("2019-01-01", "year")),
        ("since the start of the year", ("2026-01-01", "year")),
        ("in the summer of 2019", ("2019-01-01", "year")),
        ("this year", ("2026-01-01", "year")),
        ("last year", ("2025-01-01", "year")),
        ("three years ago", ("2023-01-01", "year")),
        ("almost five years ago", ("2021-01-01", "year")),
        ("more than 20 years ago", ("2006-01-01", "year")),
        ("two decades ago", ("2006-01-01", "year")),
        ("the 1990s", ("1990-01-01", "year")),  # a decade: its first year (docs/dates.md)
        ("the 1990's", ("1990-01-01", "year")),
        ("in the early 2000s", ("2000-01-01", "year")),
        ("the '90s", ("1990-01-01", "year")),
        ("between 2008 and 2011", ("2008-01-01", "year")),  # ranges: the period holding both
        ("between 30 April and 2 May", ("2025-04-28", "week")),
        ("between Monday and Wednesday", ("2026-03-09", "week")),
        ("from January to March", ("2026-01-01", "year")),
        ("between March 2 and March 9", ("2026-03-01", "month")),
    ],
)
def test_past_forms(text: str, expected: tuple[str, str]) -> None:
    assert resolve_expression(text, WED) == (d(expected[0]), expected[1])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on Monday", ("2026-03-16", "day")),  # "will meet on Monday": the next one
        ("on Wednesday", ("2026-03-11", "day")),  # the day of publication
        ("next Monday", ("2026-03-16", "day")),
        ("next Wednesday", ("2026-03-18", "day")),
        ("tomorrow", ("2026-03-12", "day")),
        ("on March 12", ("2026-03-12", "day")),
        ("on March 10", ("2027-03-10", "day")),
        ("in April", ("2026-04-01", "month")),
        ("in March", ("2026-03-01", "month")),
        ("next month", ("2026-04-01", "month")),
        ("later this month", ("2026-03-01", "month")),
        ("next week", ("2026-03-16", "week")),
        ("this weekend", ("2026-03-09", "week")),
        ("in three days", ("2026-03-14", "day")),
        ("in two weeks", ("2026-03-23", "week")),
        ("next year", ("2027-01-01", "year")),
    ],
)
def test_future_forms(text: str, expected: tuple[str, str]) -> None:
    assert resolve_expression(text, WED, future=True) == (d(expected[0]), expected[1])


@pytest.mark.parametrize(
    "text",
    [
        "next week",
        "next Monday",
        "tomorrow",
        "in three days",  # in a past clause, a duration ("took the town in three days")
        "March 10, 2027",
    ],
)
def test_past_clause_never_gets_a_date_after_publication(text: str) -> None:
    assert resolve_expression(text, WED) is None


@pytest.mark.parametrize(
    "text",
    [
        "the nineties",
        "the 19th century",
        "24 hours",  # durations
        "two years",
        "for three weeks",
        "about a month",
        "the past two years",
        "over the last week",
        "33-year-old",  # ages
        "aged 45",
        "every year",  # frequencies
        "each day",
        "three years later",  # anchored to another date, not to publication
        "the next day",
        "recently",
        "in recent weeks",
        "the same day",
        "February 30",
        "February 29, 2025",
        "garbage input",
        "",
        "   ",
        "week",
    ],
)
def test_not_dates(text: str) -> None:
    assert resolve_expression(text, WED) is None


def test_same_weekday_as_publication_is_that_day() -> None:
    assert resolve_expression("on Monday", MON) == (d("2026-03-09"), "day")
    assert resolve_expression("on Monday", MON, future=True) == (d("2026-03-09"), "day")
    assert resolve_expression("last Monday", MON) == (d("2026-03-02"), "day")
    assert resolve_expression("next Monday", MON, future=True) == (d("2026-03-16"), "day")


def test_year_boundary() -> None:
    assert resolve_expression("on Monday", NEW_YEAR) == (d("2025-12-29"), "day")
    assert resolve_expression("in December", NEW_YEAR) == (d("2025-12-01"), "month")
    assert resolve_expression("on December 31", NEW_YEAR) == (d("2025-12-31"), "day")
    assert resolve_expression("last month", NEW_YEAR) == (d("2025-12-01"), "month")
    assert resolve_expression("last week", NEW_YEAR) == (d("2025-12-22"), "week")
    assert resolve_expression("this week", NEW_YEAR) == (d("2025-12-29"), "week")
    assert resolve_expression("last year", NEW_YEAR) == (d("2025-01-01"), "year")
    assert resolve_expression("in January", NEW_YEAR, future=True) == (d("2026-01-01"), "month")
    assert resolve_expression("on January 5", NEW_YEAR, future=True) == (d("2026-01-05"), "day")


def test_leap_days() -> None:
    assert resolve_expression("February 29", WED) == (d("2024-02-29"), "day")
    assert resolve_expression("Feb. 29", WED, future=True) == (d("2028-02-29"), "day")
    assert resolve_expression("yesterday", LEAP_DAY) == (d("2024-02-28"), "day")
    assert resolve_expression("today", LEAP_DAY) == (d("2024-02-29"), "day")
    assert resolve_expression("a year ago", LEAP_DAY) == (d("2023-01-01"), "year")
    assert resolve_expression("a month ago", datetime(2024, 3, 31, tzinfo=UTC)) == (
        d("2024-02-01"),
        "month",
    )
    assert shift(d("2024-02-29"), -1, "year") == d("2023-02-28")
    assert shift(d("2025-03-31"), -1, "month") == d("2025-02-28")


def test_timezone_aware_publication_uses_its_own_calendar_day() -> None:
    # 23:30 on Monday in New York is already Tuesday in UTC: the story's own day counts
    late_monday = datetime(2026, 3, 9, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert resolve_expression("today", late_monday) == (d("2026-03-09"), "day")
    assert resolve_expression("on Monday", late_monday) == (d("2026-03-09"), "day")
    assert resolve_expression("today", late_monday.astimezone(UTC)) == (d("2026-03-10"), "day")


def test_naive_datetime_and_date_are_accepted() -> None:
    assert resolve_expression("yesterday", datetime(2026, 3, 11, 9)) == (d("2026-03-10"), "day")
    assert resolve_expression("yesterday", date(2026, 3, 11)) == (d("2026-03-10"), "day")


@pytest.mark.parametrize(
    "text",
    ["\x00\x01", "on Monday " * 200, "🙂 Monday 🙂", "Monday Tuesday", "31/31/31", "9999-99-99"],
)
def test_garbage_never_raises(text: str) -> None:
    found = resolve_expression(text, WED)
    assert found is None or (found[0] <= WED.date() and found[1] in PRECISIONS)


def test_rules_tell_non_dates_from_unknown_forms() -> None:
    assert rules("two years", d("2026-03-11")) is Verdict.NOT_A_DATE
    assert rules("10/03/2025", d("2026-03-11")) is Verdict.UNKNOWN


def test_dateparser_is_the_fallback_and_results_are_cached() -> None:
    resolver = DateResolver()
    found = resolver.resolve("10/03/2025", d("2026-03-11"))  # numeric: month first
    assert found is not None and (found.value, found.precision) == (d("2025-10-03"), "day")
    assert resolver.stats.dateparser_calls == 1
    resolver.resolve("10/03/2025", d("2026-03-11"))
    resolver.resolve("on Monday", d("2026-03-11"))
    assert resolver.stats.dateparser_calls == 1
    assert resolver.stats.cache_hits == 1
    assert resolver.stats.by_rules == 1
    assert DateResolver(use_dateparser=False).resolve("10/03/2025", d("2026-03-11")) is None


def test_anchored_expressions_count_from_their_anchor() -> None:
    resolver = DateResolver()
    anchor = resolver.resolve("in 2014", d("2026-03-11"))
    assert anchor is not None
    later = resolver.resolve_anchored("three years later", anchor)
    assert later is not None and (later.value, later.precision) == (d("2017-01-01"), "year")
    day = resolver.resolve("March 4, 2025", d("2026-03-11"))
    assert day is not None
    before = resolver.resolve_anchored("the day before", day)
    assert before is not None and before.value == d("2025-03-03")
    following = resolver.resolve_anchored("the following month", day)
    assert following is not None and (following.value, following.precision) == (
        d("2025-04-01"),
        "month",
    )
    assert resolver.resolve_anchored("on Monday", day) is None


def test_floor_gives_the_first_day_of_the_period() -> None:
    assert floor(d("2026-03-11"), "week") == d("2026-03-09")
    assert floor(d("2026-03-11"), "month") == d("2026-03-01")
    assert floor(d("2026-03-11"), "year") == d("2026-01-01")
    assert floor(d("2026-03-11"), "day") == d("2026-03-11")


# ---------------------------------------------------------------- property tests
PAST_EXPRESSIONS = [
    "on Monday", "late on Sunday", "Saturday's", "yesterday", "today", "overnight", "last night",
    "last week", "this week", "over the weekend", "last month", "earlier this month", "in March",
    "in December", "on March 10", "10 March", "February 29", "on December 31", "this year",
    "last year", "in 2014", "three years ago", "almost five years ago", "a few days ago",
    "two weeks ago", "March 10, 2025", "next week", "tomorrow", "next Monday", "in two days",
    "the 1990s", "24 hours", "10/03/2025", "mid-July", "last Friday",
]  # fmt: skip
publications = st.datetimes(
    min_value=datetime(1950, 1, 1), max_value=datetime(2100, 12, 31)
).flatmap(
    lambda moment: st.integers(-12 * 60, 14 * 60).map(
        lambda minutes: moment.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    )
)


@settings(max_examples=300, deadline=None)
@given(published=publications, text=st.sampled_from(PAST_EXPRESSIONS))
def test_past_expressions_never_after_publication(published: datetime, text: str) -> None:
    found = resolve_expression(text, published)
    if found is not None:
        assert found[0] <= published.date()
        assert found[1] in PRECISIONS


@settings(max_examples=200, deadline=None)
@given(published=publications, text=st.sampled_from(PAST_EXPRESSIONS))
def test_future_expressions_have_a_known_precision(published: datetime, text: str) -> None:
    found = resolve_expression(text, published, future=True)
    assert found is None or found[1] in PRECISIONS


@settings(max_examples=300, deadline=None)
@given(published=publications, text=st.text(max_size=40))
def test_any_text_never_raises(published: datetime, text: str) -> None:
    found = resolve_expression(text, published)
    assert found is None or (found[0] <= published.date() and found[1] in PRECISIONS)


# ---------------------------------------------------------------- sentences (model-backed)
def event_date(nlp: Language, text: str, verb: str, published: datetime | None = WED) -> EventDate:
    doc = nlp(text)
    token = next(t for t in doc if t.text == verb)
    return find_event_date(token.sent, token, published)


@pytest.mark.model
def test_embedded_clause_keeps_its_own_date(nlp: Language) -> None:
    text = "The interior ministry said on Tuesday that gunmen attacked a police post on Monday."
    attacked = event_date(nlp, text, "attacked")
    assert (attacked.value, attacked.precision, attacked.source) == (d("2026-03-09"), "day", "text")
    assert attacked.text == "on Monday"
    said = event_date(nlp, text, "said")
    assert (said.value, said.text) == (d("2026-03-10"), "on Tuesday")


@pytest.mark.model
def test_reported_clause_without_a_date_takes_the_report_date(nlp: Language) -> None:
    # what was reported on Tuesday happened on Tuesday at the latest: a better guess than the
    # publication date, and below the clause's own date in priority
    text = "The army said on Tuesday that rebels had shelled two villages near the border."
    shelled = event_date(nlp, text, "shelled")
    assert (shelled.value, shelled.source, shelled.text) == (d("2026-03-10"), "text", "on Tuesday")
    trailing = "Police detained 40 people in the capital, the ministry said late on Tuesday."
    assert event_date(nlp, trailing, "detained").value == d("2026-03-10")


@pytest.mark.model
def test_future_tense_reads_weekdays_forwards(nlp: Language) -> None:
    text = "Foreign ministers from the region will meet in Nairobi on Monday to discuss the truce."
    meet = event_date(nlp, text, "meet")
    assert (meet.value, meet.source) == (d("2026-03-16"), "text")
    discuss = event_date(nlp, text, "discuss")
    assert discuss.value == d("2026-03-16")


@pytest.mark.model
def test_infinitive_after_a_threat_is_future(nlp: Language) -> None:
    text = "Union leaders threatened on Tuesday to call a general strike next week."
    threatened = event_date(nlp, text, "threatened")
    assert (threatened.value, threatened.text) == (d("2026-03-10"), "on Tuesday")
    call = event_date(nlp, text, "call")
    assert (call.value, call.precision) == (d("2026-03-16"), "week")


@pytest.mark.model
def test_sentence_with_no_date_falls_back_to_publication(nlp: Language) -> None:
    text = "Police arrested 14 protesters outside parliament, a spokesman said."
    arrested = event_date(nlp, text, "arrested")
    assert arrested == EventDate(WED.date(), "day", "publication", None)


@pytest.mark.model
def test_no_publication_date(nlp: Language) -> None:
    relative = event_date(nlp, "Gunmen attacked a bus on Monday.", "attacked", None)
    assert relative == EventDate(None, "day", "none", None)
    absolute = event_date(nlp, "The truce collapsed on March 4, 2025.", "collapsed", None)
    assert (absolute.value, absolute.source) == (d("2025-03-04"), "text")


@pytest.mark.model
def test_dateline_is_the_story_date(nlp: Language) -> None:
    # published just after midnight UTC the next day; the dateline says March 10 (a Tuesday)
    published = datetime(2026, 3, 11, 0, 20, tzinfo=UTC)
    text = (
        "NAIROBI, March 10 (Example Wire) - Gunmen kidnapped 12 pupils from a boarding school "
        "on Sunday, police said.\nThe school was closed."
    )
    kidnapped = event_date(nlp, text, "kidnapped", published)
    assert (kidnapped.value, kidnapped.text) == (d("2026-03-08"), "on Sunday")
    closed = event_date(nlp, text, "closed", published)
    assert (closed.value, closed.source, closed.text) == (
        d("2026-03-10"),
        "publication",
        "March 10",
    )


@pytest.mark.model
def test_possessive_date_dates_the_event(nlp: Language) -> None:
    killed = event_date(nlp, "Monday's bombing killed 11 people, officials said.", "killed")
    assert (killed.value, killed.source) == (d("2026-03-09"), "text")


@pytest.mark.model
def test_conjoined_and_participial_verbs_share_the_date(nlp: Language) -> None:
    stormed = "Rebels stormed the town late on Monday and looted the market, residents said."
    assert event_date(nlp, stormed, "looted").value == d("2026-03-09")
    killing = "Militants attacked a checkpoint on Sunday, killing four soldiers."
    assert event_date(nlp, killing, "killing").value == d("2026-03-08")


@pytest.mark.model
def test_finer_date_wins_over_a_superlative_scope(nlp: Language) -> None:
    text = (
        "Militants attacked army posts on Monday, killing 11 soldiers in the deadliest assault "
        "this year."
    )
    killing = event_date(nlp, text, "killing")
    assert (killing.value, killing.precision) == (d("2026-03-09"), "day")


@pytest.mark.model
def test_relative_periods_have_coarser_precision(nlp: Language) -> None:
    week = event_date(
        nlp, "The army launched an offensive against the rebels last week.", "launched"
    )
    assert (week.value, week.precision, week.text) == (d("2026-03-02"), "week", "last week")
    ago = event_date(nlp, "Almost five years ago, the militia seized the port.", "seized")
    assert (ago.value, ago.precision) == (d("2021-01-01"), "year")


@pytest.mark.model
def test_later_counts_from_the_earlier_date(nlp: Language) -> None:
    text = "The group seized the city in 2014 before troops drove it out three years later."
    drove = event_date(nlp, text, "drove")
    assert (drove.value, drove.precision) == (d("2017-01-01"), "year")
    assert event_date(nlp, text, "seized").value == d("2014-01-01")


@pytest.mark.model
def test_bounds_ages_durations_and_decades_are_not_event_dates(nlp: Language) -> None:
    after = event_date(nlp, "Police arrested five men after Sunday's attack.", "arrested")
    assert after.source == "publication"
    held = event_date(nlp, "The 33-year-old suspect was held for 24 hours.", "held")
    assert held.source == "publication"


@pytest.mark.model
def test_decades_and_ranges_date_background_events(nlp: Language) -> None:
    decade = event_date(nlp, "In the 1990s, the two countries fought a border war.", "fought")
    assert (decade.value, decade.precision, decade.source) == (d("1990-01-01"), "year", "text")
    text = "Troops from both countries clashed near the border between 2008 and 2011."
    clashed = event_date(nlp, text, "clashed")
    assert (clashed.value, clashed.precision) == (d("2008-01-01"), "year")


@pytest.mark.model
def test_statement_issued_on_a_day_dates_the_claim(nlp: Language) -> None:
    text = "The group claimed responsibility in a statement posted online late on Monday."
    claimed = event_date(nlp, text, "claimed")
    assert (claimed.value, claimed.text) == (d("2026-03-09"), "late on Monday")


# ---------------------------------------------------------------- the calendar words file
def _packaged_words() -> dict[str, Any]:
    text = (resources.files("eventwatch") / "data" / "dates.yaml").read_text(encoding="utf-8")
    words: dict[str, Any] = yaml.safe_load(text)
    return words


def test_packaged_calendar_words_load_and_build_the_tables() -> None:
    words = load_calendar_words()
    assert words.version == 1
    assert words.months[:2] == ["january", "february"] and words.weekdays[0] == "monday"
    assert [MONTHS[word] for word in ("may", "sep", "sept", "dec")] == [5, 9, 9, 12]
    assert [WEEKDAYS[word] for word in ("monday", "tues", "thurs", "sun")] == [0, 1, 3, 6]
    assert {"on", "in", "of"} <= words.lead_words  # quoted in the file: bare `on` is a boolean
    assert set(UNIT_PRECISION.values()) <= set(PRECISIONS)
    assert words.day_words["yesterday"] == -1 and words.vague_numbers["a couple of"] == 2


def _set(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda words: words.__setitem__(field, value)


def _put(field: str, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda words: words[field].__setitem__(key, value)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (_set("lead_wrods", ["on"]), "lead_wrods"),  # a misspelt list name
        (lambda words: words.pop("bound_prepositions"), "bound_prepositions"),
        (_put("unit_precision", "week", "fortnight"), "unit_precision.week"),
        (_put("numbers", "zero", 0), "numbers.zero"),
        (_put("day_words", "Tomorrow", 1), "day_words.Tomorrow"),  # not lower case
        (_set("part_of_day", ["dawn", "dusk  "]), "part_of_day"),
        (_set("months", ["january", "february"]), "months"),
        (_put("abbreviations", "xmas", "christmas"), "abbreviations"),
        (_set("version", 2), "version"),
    ],
    ids=["unknown", "missing", "precision", "zero", "case", "spaces", "months", "abbr", "version"],
)
def test_a_malformed_calendar_words_file_names_the_file_and_the_field(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], field: str
) -> None:
    words = _packaged_words()
    change(words)
    path = tmp_path / "dates.yaml"
    path.write_text(yaml.safe_dump(words, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"^\[E002\]") as caught:
        load_calendar_words(path)
    assert str(path) in str(caught.value)
    assert field in str(caught.value)


def test_an_unquoted_yaml_boolean_or_broken_yaml_is_a_data_file_error(tmp_path: Path) -> None:
    text = (resources.files("eventwatch") / "data" / "dates.yaml").read_text(encoding="utf-8")
    path = tmp_path / "dates.yaml"
    bare_on = text.replace('noun_date_prepositions: ["on",', "noun_date_prepositions: [on,")
    path.write_text(bare_on, encoding="utf-8")
    with pytest.raises(DataFileError, match="noun_date_prepositions"):
        load_calendar_words(path)  # YAML reads a bare `on` as true
    path.write_text("version: 1\nmonths: [january, february\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"dates\.yaml: cannot read calendar words"):
        load_calendar_words(path)
    with pytest.raises(DataFileError, match=r"missing\.yaml"):
        load_calendar_words(tmp_path / "missing.yaml")
