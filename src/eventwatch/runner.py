"""A run: read sources, code what is new, store everything, count what happened.

Every article read is stored: coded ones with their events, skipped and failed ones with their
reason, so that a failure can be listed and a re-run knows what it has seen. Articles already
coded in the store (same content-hash id) are not coded again unless ``recode`` is set: an
interrupted run started again resumes where it stopped.
"""

from __future__ import annotations

import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from eventwatch.config import Settings
from eventwatch.ingest import read_sources
from eventwatch.pipeline import Pipeline, process_stream
from eventwatch.records import Article, Status
from eventwatch.store import Store

MAX_LISTED = 50  # failures listed (with their reason) in the summary
RECENT_IDS = 100_000  # in-run duplicates are recognised among this many recent articles


@dataclass(slots=True)
class RunSummary:
    """Counts of one run. ``read`` = coded + unchanged + skipped + failed."""

    read: int = 0
    coded: int = 0
    unchanged: int = 0  # already coded in the store, not coded again
    skipped: int = 0
    failed: int = 0
    events: int = 0
    words: int = 0  # words of the articles coded in this run
    seconds: float = 0.0
    run_id: int | None = None
    failures: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    skips: Counter[str] = field(default_factory=Counter)  # reason -> count
    modalities: Counter[str] = field(default_factory=Counter)

    @property
    def failed_ratio(self) -> float:
        return self.failed / self.read if self.read else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "read": self.read,
            "coded": self.coded,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "failed": self.failed,
            "events": self.events,
            "words": self.words,
            "seconds": round(self.seconds, 3),
        }

    def count(self, article: Article, *, unchanged: bool = False) -> None:
        self.read += 1
        if unchanged:
            self.unchanged += 1
        elif article.status == Status.CODED:
            self.coded += 1
            self.events += len(article.events)
            self.words += len(article.text.split())
            self.modalities.update(str(e.modality) for e in article.events)
        elif article.status == Status.SKIPPED:
            self.skipped += 1
            self.skips[article.reason or "unknown"] += 1
        else:
            self.failed += 1
            if len(self.failures) < MAX_LISTED:
                self.failures.append((article.source or article.id, article.reason or "unknown"))


Progress = Callable[[Article], None]


def run(
    sources: Iterable[str],
    settings: Settings,
    store: Store,
    *,
    stdin: IO[bytes] | None = None,
    fmt: str | None = None,
    recode: bool = False,
    pipeline: Pipeline | None = None,
    progress: Progress | None = None,
) -> RunSummary:
    """Read ``sources``, code the new articles and write everything to ``store``."""
    started = time.perf_counter()
    summary = RunSummary()
    sources = list(sources)
    summary.run_id = store.start_run(sources=sources, settings=settings.model_dump(mode="json"))
    try:
        articles = read_sources(sources, settings.ingest, stdin=stdin, fmt=fmt)
        todo = _triage(articles, store, summary, recode, progress)  # lazy: streams
        for batch in process_stream(todo, settings, pipeline):
            store.write_many(batch, run_id=summary.run_id)
            for article in batch:
                summary.count(article)
                if progress is not None:
                    progress(article)
    finally:
        summary.seconds = time.perf_counter() - started
        if summary.run_id is not None:
            store.finish_run(summary.run_id, summary.as_dict())
    return summary


def _triage(
    articles: Iterable[Article],
    store: Store,
    summary: RunSummary,
    recode: bool,
    progress: Progress | None,
) -> Iterator[Article]:
    """Store skipped and failed articles at once; pass on the ones to code."""
    run_id = summary.run_id
    recent: OrderedDict[str, None] = OrderedDict()  # ids sent to coding, not yet stored perhaps
    for article in articles:
        if article.status == Status.PENDING:
            done = article.id in recent or (
                not recode and store.status_of(article.id) == Status.CODED
            )
            if not done:
                recent[article.id] = None
                if len(recent) > RECENT_IDS:
                    recent.popitem(last=False)
                yield article
                continue
            summary.count(article, unchanged=True)
        else:
            store.write(article, run_id=run_id)
            summary.count(article)
        if progress is not None:
            progress(article)
