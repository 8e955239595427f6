"""The wire dateline that opens a story: "BAGHDAD, March 10 (Reuters) - ...".

One reading of it serves three stages: the parse makes it a sentence of its own (so that the city
is not taken for the subject of the first verb), the places stage takes its place (and qualifier)
as where the story is filed, and the dates stage takes its date as the story date.

Forms read: ``PLACE[, QUALIFIER][, DATE] [(AGENCY)] -`` where the place is written in capitals
("BAGHDAD", "NEW YORK", "PORT-AU-PRINCE") or, when an agency in brackets follows, in title case
("Tripoli (AFP) -"); the qualifier is a country or state ("Iraq", "Democratic Republic of
Congo"); the date is "March 10", "Sept. 22, 2026" or "10 March"; the dash is -, – or —.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = r"[A-Z][\w.'’-]*"
_CONNECTOR = r"(?:of|and|the|de|del|du|da|al)"
_PLACE = rf"{_WORD}(?:[ /-]{_WORD}){{0,4}}"
_QUALIFIER = rf"{_WORD}(?:\s(?:{_CONNECTOR}\s)?{_WORD}){{0,3}}"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_DATE = rf"(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?)"
_DATELINE = re.compile(
    rf"^\s*(?P<place>{_PLACE})"
    rf"(?:,\s*(?P<qual>{_QUALIFIER}))??"
    rf"(?:,?\s+(?P<date>{_DATE}))?"
    rf"\s*(?P<agency>\([^()\n]{{1,40}}\))?"
    r"\s*[-–—]+\s+"
)
MAX_CHARS = 200  # a dateline never runs longer


@dataclass(frozen=True, slots=True)
class Dateline:
    """Character offsets (into the body) of a dateline and of its parts."""

    end: int  # where the story proper starts
    place: tuple[int, int]
    qualifier: tuple[int, int] | None
    date: tuple[int, int] | None
    date_text: str | None


def find_dateline(text: str) -> Dateline | None:
    """The dateline at the start of ``text``, or None."""
    match = _DATELINE.match(text[:MAX_CHARS])
    if match is None:
        return None
    place = match["place"]
    if match["agency"] is None and not (place.isupper() and len(place) > 1):
        return None  # "The army said - ..." is no dateline
    return Dateline(
        end=match.end(),
        place=match.span("place"),
        qualifier=match.span("qual") if match["qual"] else None,
        date=match.span("date") if match["date"] else None,
        date_text=match["date"],
    )
