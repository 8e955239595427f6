"""Time and memory of the stories stages as the number of articles grows (issue 6).

A stream of N synthetic wire-style articles is generated deterministically (``--seed``):
sentences of pseudo-words drawn from a skewed vocabulary, with names (capitalised words) and
numbers, a quarter of the sentences taken from a shared pool of wire formulas (so that articles
of one kind overlap as real ones do), and a share of near-duplicates (``--copies``): an earlier
article cut, reworded or re-paragraphed, published soon after it. Each stage of :data:`STAGES`
takes the stream in order; for each N it runs in a fresh interpreter, which reports the seconds,
the time per article over all and over the last tenth (flat when the cost does not grow with
N), and the peak resident memory above the interpreter's baseline (the articles are generated
as they are consumed, never held).

    python benchmarks/stories_scale.py [--sizes 1000 10000 100000] [--stages neardup]
                                       [--write docs/benchmarks.md]

A stage is a function ``(articles: Iterable[Synthetic]) -> dict`` returning counts to show; add
one to :data:`STAGES` to time it the same way.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from eventwatch.evaluate.report import machine, update_section
from eventwatch.records import Actor, Event, EventDate, Place, Span, stable_id
from eventwatch.stories.merge import EventMerger, Report
from eventwatch.stories.neardup import NearDuplicateIndex

MARK = "stories-scale"
SYLLABLES = ("ka", "ro", "mi", "ten", "bar", "lo", "su", "dra", "vel", "no", "sha", "tor", "ri",
             "ma", "zen", "qui", "dor", "fa", "lem", "bo", "gan", "sa", "ul", "vi", "tek", "oro",
             "nal", "pe")  # fmt: skip
VOCABULARY = 30_000  # lower-case words, drawn with weight 1 / (rank + 10)
NAMES = 8_000  # capitalised words
FORMULAS = 2_000  # shared sentences ("security officials said on ...")
FORMULA_SHARE = 0.25
COPY_WINDOW = 2_000  # a copy is made of one of the last articles


@dataclass(frozen=True, slots=True)
class Synthetic:
    """One generated article; ``copy_of`` is the article it was made from (the truth)."""

    id: str
    title: str
    text: str
    outlet: str
    published: datetime
    copy_of: str | None


class Generator:
    """Deterministic synthetic articles (numpy's generator, fixed seed)."""

    def __init__(self, seed: int, copies: float) -> None:
        self.rng = np.random.default_rng(seed)
        self.copies = copies
        self.words = self._invent(VOCABULARY, lower=True)
        weights = 1.0 / (np.arange(VOCABULARY) + 10.0)
        self.cumulative = np.cumsum(weights / weights.sum())
        self.names = self._invent(NAMES, lower=False)
        self.formulas = [self._sentence() for _ in range(FORMULAS)]
        self.outlets = [f"Outlet {i}" for i in range(200)]

    def _invent(self, count: int, *, lower: bool) -> list[str]:
        seen: dict[str, None] = {}
        while len(seen) < count:
            size = int(self.rng.integers(1, 5))  # 28 + 28**2 + ... words can be made
            word = "".join(SYLLABLES[i] for i in self.rng.integers(0, len(SYLLABLES), size))
            seen[word if lower else word.capitalize()] = None
        return list(seen)

    def _sentence(self) -> str:
        count = int(self.rng.integers(10, 26))
        picks = np.searchsorted(self.cumulative, self.rng.random(count))
        words = [self.words[min(i, VOCABULARY - 1)] for i in picks]
        for _ in range(int(self.rng.integers(0, 3))):
            spot = int(self.rng.integers(1, count))
            words[spot] = self.names[int(self.rng.integers(0, NAMES))]
        if self.rng.random() < 0.4:
            words[int(self.rng.integers(1, count))] = str(int(self.rng.integers(2, 5000)))
        return " ".join(words).capitalize() + "."

    def _body(self) -> list[list[str]]:
        paragraphs = []
        for _ in range(int(self.rng.integers(5, 11))):
            sentences = []
            for _ in range(int(self.rng.integers(1, 4))):
                if self.rng.random() < FORMULA_SHARE:
                    sentences.append(self.formulas[int(self.rng.integers(0, FORMULAS))])
                else:
                    sentences.append(self._sentence())
            paragraphs.append(sentences)
        return paragraphs

    def _copy(self, paragraphs: list[list[str]]) -> list[list[str]]:
        """Cut to 40-90% of the paragraphs, or 3% of the words swapped, or one sentence out."""
        how = self.rng.random()
        if how < 0.4:
            keep = max(1, round(len(paragraphs) * self.rng.uniform(0.4, 0.9)))
            return paragraphs[:keep]
        if how < 0.7:
            out = []
            for p in paragraphs:
                words = " ".join(p).split()
                for _ in range(max(1, len(words) * 3 // 100)):
                    words[int(self.rng.integers(0, len(words)))] = self.words[
                        int(self.rng.integers(0, 500))
                    ]
                out.append([" ".join(words)])
            return out
        out = [list(p) for p in paragraphs]
        longest = max(range(len(out)), key=lambda i: len(out[i]))
        if len(out[longest]) > 1:
            del out[longest][-1]
        return out

    def articles(self, count: int) -> Iterator[Synthetic]:
        recent: list[tuple[str, list[list[str]]]] = []
        start = datetime(2026, 1, 1, tzinfo=UTC)
        for n in range(count):
            copy_of = None
            if recent and self.rng.random() < self.copies:
                copy_of, source = recent[int(self.rng.integers(0, len(recent)))]
                paragraphs = self._copy(source)
            else:
                paragraphs = self._body()
                recent.append((f"a{n:07d}", paragraphs))
                recent = recent[-COPY_WINDOW:] if len(recent) > 2 * COPY_WINDOW else recent
            title = self._sentence()[:80]
            text = "\n\n".join(" ".join(p) for p in paragraphs)
            outlet = self.outlets[int(self.rng.integers(0, len(self.outlets)))]
            published = start + timedelta(minutes=3 * n)
            yield Synthetic(f"a{n:07d}", title, text, outlet, published, copy_of)


# ------------------------------------------------------------------------------------ stages
def neardup_stage(articles: Iterable[Synthetic]) -> dict[str, Any]:
    """Add every article to one :class:`NearDuplicateIndex`; count links against the truth."""
    index = NearDuplicateIndex()
    links = right = copies = 0
    for article in articles:
        found = index.add(article.id, article.title, article.text)
        copies += article.copy_of is not None
        links += found is not None
        right += found is not None and found.original_id == article.copy_of
    return {
        "copies": copies,
        "links": links,
        "precision": round(right / links, 4) if links else None,
        "recall": round(right / copies, 4) if copies else None,
        "index_mb": round(index.nbytes / 2**20, 1),
        "compared_per_article": round(index.compared / max(1, len(index)), 1),
    }


def _synthetic_event(source: str, n: int, published: datetime) -> Event:
    """A deterministic event for article ``source`` (its copies get the same one): one of 4
    types, 300 actors, 2,000 cities in 50 countries, on the day of publication."""
    key = int(stable_id(source, n)[:8], 16)
    city = key % 2000
    country, lat, lon = f"C{city % 50:02d}", (city % 90) * 1.0, (city // 90) * 1.0
    place = Place(f"c{city}", f"c{city}", city, "city", country, "A1", lat, lon, "city", 0.9)
    actor = Actor(f"g{key % 300}", f"G{key % 300:03d}", None, "REB", "group", "g")
    span = Span(0, 1, "x", "body")
    return Event(
        id=stable_id(source, n, "event"), article_id=source,
        event_type=("ASSAULT", "PROTEST", "COERCE", "CONSULT")[key % 4], mode=None, contexts=[],
        actor=actor, recipient=None, place=place,
        date=EventDate(published.date(), "day", "text"), modality="asserted",
        evidence=span, trigger=span,
    )  # fmt: skip


def merge_stage(articles: Iterable[Synthetic]) -> dict[str, Any]:
    """Two events per article into one :class:`EventMerger` (a copy repeats its original's
    events, which must join them); count happenings, joins and comparisons."""
    merger = EventMerger()
    events = joined = copies_joined = 0
    for article in articles:
        source = article.copy_of or article.id
        for n in range(2):
            event = _synthetic_event(source, n, article.published)
            event.id, event.article_id = stable_id(article.id, n), article.id
            decision = merger.add(event, Report(event.id, article.id, article.outlet,
                                                article.copy_of))  # fmt: skip
            events += 1
            joined += decision.merged
            copies_joined += decision.merged and article.copy_of is not None
    return {
        "events": events,
        "happenings": len(merger.happenings),
        "joined": joined,
        "copies_joined": copies_joined,
        "compared_per_event": round(merger.comparisons / max(1, events), 1),
    }


def stored_stage(articles: Iterable[Synthetic], batch: int = 64) -> dict[str, Any]:
    """What ``eventwatch run`` does after the pipeline, against a SQLite file: each batch of
    coded articles (two synthetic events each, as in ``merge``) is written, its events are
    filed under happenings read from the store, and its articles are placed in stories by the
    store-backed clusterer (:class:`StoryBook`). Writing the articles is timed apart
    (*write s*) and left out of the stage's seconds."""
    import tempfile

    from eventwatch.records import Article, Status
    from eventwatch.store import Store
    from eventwatch.stories.features import build_doc
    from eventwatch.stories.happenings import HappeningLinker
    from eventwatch.stories.persist import StoryBook

    writing = writing_tail = 0.0  # the write time overall, and once the last tenth began
    joined = placed = 0
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "scale.db") as store:
        linker, book = HappeningLinker(store), StoryBook(store)
        chunk: list[Article] = []

        def flush() -> None:
            nonlocal writing, writing_tail, joined, placed
            started = time.perf_counter()
            store.write_many(chunk)
            spent = time.perf_counter() - started
            writing += spent
            if getattr(articles, "tail_started", None) is not None:
                writing_tail += spent
            copies = {a.id: c for a in chunk if (c := a.meta.get("copy_of"))}
            joined += linker.link_batch(chunk, copies)
            placed += sum(not a.created for a in book.add_docs(build_doc(a) for a in chunk))
            chunk.clear()

        for item in articles:
            source = item.copy_of or item.id
            events = [_synthetic_event(source, n, item.published) for n in range(2)]
            for n, event in enumerate(events):
                event.id, event.article_id = stable_id(item.id, n), item.id
            chunk.append(Article(
                id=item.id, text=item.text, title=item.title, outlet=item.outlet,
                published=item.published, status=Status.CODED, language="en", events=events,
                meta={"copy_of": item.copy_of} if item.copy_of else {},
            ))  # fmt: skip
            if len(chunk) >= batch:
                flush()
        if chunk:
            flush()
        stories = store.count_stories()
        size_mb = (Path(tmp) / "scale.db").stat().st_size / 2**20
    return {
        "write_s": round(writing, 1),
        "happenings_joined": joined,
        "stories": stories,
        "joined_a_story": placed,
        "links_per_article": round(book.stats.comparisons / max(1, book.stats.articles), 1),
        "db_mb": round(size_mb, 1),
        "_exclude_seconds": writing,
        "_exclude_tail_seconds": writing_tail,
    }


STAGES: dict[str, Callable[[Iterable[Synthetic]], dict[str, Any]]] = {
    "neardup": neardup_stage,
    "merge": merge_stage,
    "stored": stored_stage,
}


# ------------------------------------------------------------------------------------ measuring
def resident_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 2**20


class Timed:
    """The article stream, with the time spent generating it kept apart (overall and over the
    last tenth) and the time at which the last tenth began."""

    def __init__(self, stream: Iterator[Synthetic], size: int) -> None:
        self.stream, self.tail_from = stream, size - max(1, size // 10)
        self.generating = self.generating_tail = 0.0
        self.tail_started: float | None = None

    def __iter__(self) -> Iterator[Synthetic]:
        for n in itertools.count():
            if n == self.tail_from:
                self.tail_started = time.perf_counter()
            started = time.perf_counter()
            article = next(self.stream, None)
            spent = time.perf_counter() - started
            self.generating += spent
            self.generating_tail += spent if n >= self.tail_from else 0.0
            if article is None:
                return
            yield article


def measure(stage: str, size: int, seed: int, copies: float) -> dict[str, Any]:
    """Run one stage over ``size`` articles in this process: seconds and time per article
    (generation excluded) and peak memory (MB above the resident size before the stage)."""
    stream = Timed(Generator(seed, copies).articles(size), size)
    baseline = resident_mb()
    started = time.perf_counter()
    counts = STAGES[stage](stream)
    ended = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    excluded = counts.pop("_exclude_seconds", 0.0)  # time a stage reports as not its own
    excluded_tail = counts.pop("_exclude_tail_seconds", 0.0)
    seconds = ended - started - stream.generating - excluded
    tail = size - stream.tail_from
    tail_seconds = ended - (stream.tail_started or started) - stream.generating_tail
    tail_seconds -= excluded_tail
    return {
        "stage": stage,
        "size": size,
        "seconds": seconds,
        "ms_per_article": 1000 * seconds / size,
        "ms_per_article_last_tenth": 1000 * tail_seconds / tail,
        "generating_seconds": stream.generating,
        "peak_mb_above_baseline": peak - baseline,
        "counts": counts,
    }


def run_child(stage: str, size: int, seed: int, copies: float) -> dict[str, Any]:
    code = (
        f"import json, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
        f"import stories_scale as s; "
        f"print(json.dumps(s.measure({stage!r}, {size}, {seed}, {copies})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| stage | articles | seconds | ms/article | ms/article, last tenth | peak MB "
        "| what the stage reports |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        counts = ", ".join(f"{key.replace('_', ' ')} {value:,}" if isinstance(value, int)
                           else f"{key.replace('_', ' ')} {value}"
                           for key, value in r["counts"].items())  # fmt: skip
        lines.append(
            f"| {r['stage']} | {r['size']:,} | {r['seconds']:.1f} | {r['ms_per_article']:.2f} "
            f"| {r['ms_per_article_last_tenth']:.2f} | {r['peak_mb_above_baseline']:.0f} "
            f"| {counts} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--stages", nargs="+", default=list(STAGES), choices=list(STAGES))
    parser.add_argument("--copies", type=float, default=0.1, help="share of near-duplicates")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    rows = []
    for stage in args.stages:
        for size in sorted(args.sizes):
            row = run_child(stage, size, args.seed, args.copies)
            print(f"{stage} {size:,}: {row['seconds']:.1f} s", file=sys.stderr)
            rows.append(row)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [
            f"<!-- {MARK}:start -->",
            f"Measured {stamp} on {machine()}, one process per row. Synthetic wire-style "
            f"articles (seed {args.seed}, {args.copies:.0%} near-duplicates of a recent article: "
            "cut, reworded or a sentence dropped; a quarter of the sentences from a shared pool "
            "of formulas). Seconds exclude generating the articles; *last tenth*: the time per "
            "article over the last 10% added, which stays flat when the cost does not grow with "
            "the index; *peak MB*: peak resident memory above the interpreter's baseline; "
            "neardup reports the MB of its arrays (*index mb*), the candidate pairs the LSH "
            "bands gave for checking per article (*compared per article*), the links made and "
            "their precision and recall against the injected copies; merge files two synthetic "
            "events per article (4 types, 300 actors, 2,000 cities in 50 countries; a copy "
            "repeats its original's events) and reports the happenings, the joins (those of "
            "copies apart) and the happenings compared per event (the (type, country, week) "
            "index keeps it flat); stored does what `eventwatch run` does after the pipeline, "
            "against a SQLite file, in batches of 64: files the same events under happenings "
            "read from the store and places each article in a story with the store-backed "
            "clusterer, writing what changed (the time to write the articles themselves, "
            "*write s*, is left out); it reports the stories, the articles that joined one, "
            "the story links computed per article and the size of the database file.",
            "",
            *table(rows),
            "",
            "Command: `" + " ".join(["python", "benchmarks/stories_scale.py", *sys.argv[1:]]) + "`",
            f"<!-- {MARK}:end -->",
        ]
    )
    print(text)
    if args.write:
        update_section(args.write, MARK, "Stories at scale", text)


if __name__ == "__main__":
    main()
