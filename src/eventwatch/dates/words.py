"""The calendar words of ``eventwatch/data/dates.yaml``: the schema, the loader, the word tables
the rules read and the regular-expression pieces built from them."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from eventwatch.errors import DataFileError
from eventwatch.records import Precision

DAY: Final = Precision.DAY.value
WEEK: Final = Precision.WEEK.value
MONTH: Final = Precision.MONTH.value
YEAR: Final = Precision.YEAR.value
PRECISIONS: Final = (DAY, WEEK, MONTH, YEAR)  # finest first

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
STEPS: Final = (
    dict.fromkeys(PAST_WORDS, -1) | dict.fromkeys(NEXT_WORDS, 1) | dict.fromkeys(THIS_WORDS, 0)
)  # qualifier -> periods from the reference date ("last" -1, "this" 0, "next" 1)
PROSPECTIVE_HEADS: Final = WORDS.prospective_heads
FUTURE_AUX: Final = WORDS.future_auxiliaries
BOUND_PREPS: Final = WORDS.bound_prepositions
NOUN_DATE_PREPS: Final = WORDS.noun_date_prepositions
EXTEND_LEFT: Final = WORDS.extend_left

# regular-expression alternations of the words (longest first, so "sept" before "sep")
MONTH_RE: Final = "|".join(sorted(MONTHS, key=len, reverse=True))
WEEKDAY_RE: Final = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
NUM_RE: Final = "|".join(
    [r"\d{1,3}", *sorted([*NUMBERS, *VAGUE_NUMBERS], key=len, reverse=True)]
).replace(" ", r"\s")
UNIT_RE: Final = rf"({'|'.join(UNIT_PRECISION)})s?"  # one group: the unit
