"""Happenings: the events of many reports that are one happening, counted once.

An event coded from one article is a *report* of a happening. :class:`EventMerger` takes the
events of articles as they arrive and joins a report to an earlier happening when nothing in
their evidence conflicts and enough of it agrees:

* the same PLOVER type and modality (a threat and an attack are two things), modes that do not
  differ;
* dates within a window (``days``, two by default; a month- or year-precise date only within
  its own month or year);
* actors and recipients that do not conflict: the same code, or the same country where one side
  is vaguer ("police" of Kenya and the National Police Service), or one side unknown;
* places that do not conflict: the same GeoNames entry, one inside the other's country or region
  (a city and its province), or cities within ``near_km`` of each other; two different cities
  are two happenings;
* casualty counts that do not contradict: two stated death tolls more than ``toll_ratio`` apart
  (and more than two apart) keep the reports apart;
* and two anchors beyond the type and the date: the same place (or a near one) and the same
  actor or recipient, or the same actor and the same recipient. Type and date alone, or one
  party alone, do not make a happening.

Every join records why (:attr:`Happening.explanation`). A report from a near-duplicate copy of
an article already seen (a syndicated text) is kept as a report but adds no independent outlet.
Candidates are found through an index on (type, country, week), so each event is compared
with the happenings of its type, country and weeks only, never with the whole history.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eventwatch.places.gazetteer import distance_km
from eventwatch.records import Actor, Event, Place, stable_id

WEEK_DAYS = 7


@dataclass(frozen=True, slots=True)
class Report:
    """One event of one article, as evidence of a happening."""

    event_id: str
    article_id: str
    outlet: str | None
    copy_of: str | None = None  # the original article when this one is a near-duplicate


@dataclass(slots=True)
class Happening:
    """One happening and the reports of it."""

    id: str
    event: Event  # the first report's event: the happening's type, actors, place, date
    reports: list[Report] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)  # why each report joined
    dead: int | None = None

    @property
    def report_count(self) -> int:
        """Articles that report it (an article restating it twice is one report)."""
        return len({r.article_id for r in self.reports})

    @property
    def outlets(self) -> int:
        """Independent outlets: distinct outlets among the reports that are not copies (a
        report with no outlet counts as its own source)."""
        seen: set[str] = set()
        for r in self.reports:
            if r.copy_of is None:
                seen.add(r.outlet or f"article:{r.article_id}")
        return len(seen)


@dataclass(frozen=True, slots=True)
class Decision:
    """What :meth:`EventMerger.add` did with one event, and why."""

    happening: Happening
    merged: bool
    reasons: tuple[str, ...]


class EventMerger:
    """Joins reports of one happening, incrementally (see the module docstring)."""

    def __init__(self, *, days: int = 2, near_km: float = 25.0, toll_ratio: float = 0.5) -> None:
        self.days = days
        self.near_km = near_km
        self.toll_ratio = toll_ratio
        self.happenings: dict[str, Happening] = {}
        self._index: dict[tuple[str, str, int], list[str]] = {}
        self.comparisons = 0  # events compared, for the scale benchmark

    def add(self, event: Event, report: Report) -> Decision:
        """File ``event`` (reported by ``report``) under its happening, new or earlier."""
        best: tuple[int, Happening, list[str]] | None = None
        for happening in self._candidates(event):
            self.comparisons += 1
            reasons = self.agreement(happening.event, event)
            if reasons is not None and (best is None or len(reasons) > best[0]):
                best = (len(reasons), happening, reasons)
        if best is not None:
            _, happening, reasons = best
            happening.reports.append(report)
            happening.explanation.append(f"{report.event_id}: " + "; ".join(reasons))
            happening.dead = _max_known(happening.dead, event.dead)
            return Decision(happening, True, tuple(reasons))
        happening = Happening(stable_id("happening", event.id), event, [report], [], event.dead)
        self.happenings[happening.id] = happening
        for key in self._keys(event):
            self._index.setdefault(key, []).append(happening.id)
        return Decision(happening, False, ())

    def restore(self, happening: Happening) -> None:
        """Make an earlier happening (read back from a store) a candidate for new reports."""
        if happening.id in self.happenings:
            return
        self.happenings[happening.id] = happening
        for key in self._keys(happening.event):
            self._index.setdefault(key, []).append(happening.id)

    # ------------------------------------------------------------------ comparison
    def agreement(self, a: Event, b: Event) -> list[str] | None:
        """Why ``a`` and ``b`` are one happening, or None when their evidence conflicts or
        too little of it agrees."""
        if a.event_type != b.event_type or a.modality != b.modality:
            return None
        if a.mode and b.mode and a.mode != b.mode:
            return None
        days = _days_apart(a, b)
        if days is None or days > self.days:
            return None
        if _tolls_conflict(a.dead, b.dead, self.toll_ratio):
            return None
        anchors: list[str] = []
        for role, x, y in (("actor", a.actor, b.actor), ("recipient", a.recipient, b.recipient)):
            verdict = _actors(x, y)
            if verdict is False:
                return None
            if verdict:
                anchors.append(f"same {role} {verdict}")
        both_parties = len(anchors) == 2
        place = self._places(a.place, b.place)
        if place is False:
            return None
        if place:
            anchors.append(place)
        if not (both_parties or (place and anchors[:-1])):
            return None  # a place and one party, or both parties, beyond the type and date
        mode = f"/{a.mode}" if a.mode else ""
        when = "same day" if days == 0 else f"{days} day(s) apart"
        return [f"same type {a.event_type}{mode}, {a.modality}", f"dates {when}", *anchors]

    def _places(self, a: Place | None, b: Place | None) -> str | bool | None:
        """A reason when the places agree, False when they conflict, None when unknown."""
        if a is None or b is None:
            return None
        if a.geonameid is not None and a.geonameid == b.geonameid:
            return f"same place {a.name}"
        if a.country and b.country and a.country != b.country:
            return False
        cities = a.precision == "city" and b.precision == "city"
        if cities and None not in (a.lat, a.lon, b.lat, b.lon):
            km = distance_km(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]
            return f"places {km:.0f} km apart ({a.name}, {b.name})" if km <= self.near_km else False
        if a.admin1 and b.admin1 and a.admin1 != b.admin1:
            return False
        return None  # a city and its region or country: compatible, no anchor

    # ------------------------------------------------------------------ index
    def _keys(self, event: Event) -> list[tuple[str, str, int]]:
        return [index_key(event)]

    def _candidates(self, event: Event) -> list[Happening]:
        ids: list[str] = []
        for key in candidate_keys(event):
            ids += self._index.get(key, [])
        return [self.happenings[i] for i in ids]


def index_key(event: Event) -> tuple[str, str, int]:
    """(type, country, week) under which a happening is found: its first report's type, the
    country it happened in ("?" unknown) and its week number (-1 without a date)."""
    day = event.date.value
    week = day.toordinal() // WEEK_DAYS if day is not None else -1
    return event.event_type, _country(event), week


def candidate_keys(event: Event) -> list[tuple[str, str, int]]:
    """The index keys a new report's candidates are filed under (its week and the two next
    to it); none without a date."""
    kind, country, week = index_key(event)
    return [] if week < 0 else [(kind, country, w) for w in (week - 1, week, week + 1)]


def _country(event: Event) -> str:
    """The country an event happened in (its place's, else its actor's), for the index: two
    happenings in two countries are never one."""
    if event.place is not None and event.place.country:
        return event.place.country
    return (event.actor.country if event.actor is not None else None) or "?"


def _days_apart(a: Event, b: Event) -> int | None:
    x, y = a.date.value, b.date.value
    if x is None or y is None:
        return None
    coarse = {a.date.precision, b.date.precision} & {"month", "year"}
    if coarse:  # "in March": only within the same month (or year)
        same = (x.year, x.month) == (y.year, y.month) if "year" not in coarse else x.year == y.year
        return 0 if same else None
    return abs((x - y).days)


def _actors(a: Actor | None, b: Actor | None) -> str | bool | None:
    """The shared code when two actors agree, False when they conflict, None when unknown."""
    if a is None or b is None or a.kind == "other" or b.kind == "other":
        return None
    if a.code and a.code == b.code:
        return a.code
    if a.country and b.country and a.country != b.country:
        return False
    if a.sector and b.sector and a.sector != b.sector:
        return False
    return None


def _tolls_conflict(a: int | None, b: int | None, ratio: float) -> bool:
    if a is None or b is None:
        return False
    low, high = sorted((a, b))
    return high - low > 2 and low < high * ratio


def _max_known(a: int | None, b: int | None) -> int | None:
    known = [v for v in (a, b) if v is not None]
    return max(known) if known else None
