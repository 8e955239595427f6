"""The pipeline: parse, then named stages, each ``(Article, Parse) -> Article``.

After spaCy parses an article's title and body (:func:`eventwatch.nlp.parse_articles`), the
stages named in ``settings.pipeline.stages`` run in order. A stage is found by name in
:data:`STAGES`, declares what it reads and what it sets on the article, and is built once per
process from the settings. One article that makes a stage fail is marked FAILED with the reason;
the others go on.

:class:`Pipeline` codes batches in the calling process; :func:`process_stream` spreads batches
over worker processes (``nlp.n_process``) while keeping memory bounded: at most two batches per
worker are in flight, and results come back in input order.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import ClassVar, Protocol

from spacy.language import Language
from spacy.tokens import Doc

from eventwatch.config import Settings
from eventwatch.errors import ConfigError
from eventwatch.nlp import load_pipeline, parse_articles, prepare
from eventwatch.records import Article, Claim, Status, TextField


@dataclass(slots=True)
class Parse:
    """What the parse gives the stages: a spaCy doc per part of the article."""

    docs: list[tuple[TextField, Doc]]


class Stage(Protocol):
    """One step of the pipeline after the parse."""

    name: ClassVar[str]
    reads: ClassVar[tuple[str, ...]]  # Article fields (or "docs") the stage needs
    sets: ClassVar[tuple[str, ...]]  # Article fields the stage fills in

    def __call__(self, article: Article, parse: Parse) -> Article: ...


StageFactory = Callable[[Settings], Stage]
_Parsed = tuple[Article, list[tuple[TextField, Doc]] | None]  # an article and its parse
STAGES: dict[str, StageFactory] = {}


def register_stage(name: str) -> Callable[[StageFactory], StageFactory]:
    """Register a stage factory under ``name`` (``settings.pipeline.stages`` refers to it)."""

    def add(factory: StageFactory) -> StageFactory:
        if name in STAGES:
            raise ValueError(f"stage {name!r} is already registered")
        STAGES[name] = factory
        return factory

    return add


@register_stage("actors")
class ActorStage:
    """Actor mentions: countries, institutions, IGOs, groups, people, sector roles."""

    name = "actors"
    reads = ("docs",)
    sets = ("actors",)

    def __init__(self, settings: Settings) -> None:
        from eventwatch.actors import ActorResolver

        self.resolver = ActorResolver.from_settings(settings.actors)

    def __call__(self, article: Article, parse: Parse) -> Article:
        article.actors = self.resolver.resolve(article, parse.docs)
        return article


@register_stage("places")
class PlaceStage:
    """Toponyms resolved to GeoNames, and the article's focus."""

    name = "places"
    reads = ("docs",)
    sets = ("places", "focus")

    def __init__(self, settings: Settings) -> None:
        from eventwatch.places import PlaceResolver

        self.resolver = PlaceResolver.from_settings(settings.places)

    def __call__(self, article: Article, parse: Parse) -> Article:
        article.places, article.focus = self.resolver.resolve(article, parse.docs)
        return article


@register_stage("events")
class EventStage:
    """PLOVER events from the parse, the actor and place mentions and the publication date."""

    name = "events"
    reads = ("docs", "actors", "places", "focus", "published")
    sets = ("events",)

    def __init__(self, settings: Settings) -> None:
        from eventwatch.events.coder import EventCoder

        self.coder = EventCoder.from_settings(settings.events)

    def __call__(self, article: Article, parse: Parse) -> Article:
        article.events = self.coder.code(article, parse.docs)
        return article


@register_stage("quotes")
class QuoteStage:
    """Direct and reported speech with its speaker; events said inside a quote are attributed
    to its speaker."""

    name = "quotes"
    reads = ("docs", "actors", "events")
    sets = ("quotes",)

    def __init__(self, settings: Settings) -> None:
        from eventwatch.quotes import QuoteExtractor

        self.extractor = QuoteExtractor.default()

    def __call__(self, article: Article, parse: Parse) -> Article:
        from eventwatch.quotes import quote_at

        article.quotes = self.extractor.extract(article, parse.docs)
        for event in article.events:
            if event.attributed_to is None:
                ev = event.trigger
                quote = quote_at(article.quotes, ev.start, ev.end, ev.field)
                if quote is not None and quote.speaker is not None:
                    event.attributed_to = quote.speaker
        return article


@register_stage("claims")
class ClaimStage:
    """Attributed numbers; dead, injured and arrested ones size the events they belong to."""

    name = "claims"
    reads = ("docs", "actors", "places", "focus", "published", "events")
    sets = ("claims",)

    def __init__(self, settings: Settings) -> None:
        from eventwatch.claims import ClaimExtractor

        self.extractor = ClaimExtractor.from_settings(settings)

    def __call__(self, article: Article, parse: Parse) -> Article:
        from eventwatch.claims import with_event_sizes

        claims = self.extractor.extract(article, parse.docs)
        if article.quotes:
            _claims_in_quotes(claims, article)
        article.claims = with_event_sizes(claims, article)
        return article


def _claims_in_quotes(claims: list[Claim], article: Article) -> None:
    """A number said inside a quote is its speaker's claim: inside quotation marks the speaker
    outranks what the parse reads ("More than 60 were hurt, most by rubber bullets," said X);
    "we" and "I" there are the speaker too; reported speech only fills a missing claimant."""
    from eventwatch.quotes import quote_at

    for claim in claims:
        s = claim.span
        quote = quote_at(article.quotes, s.start, s.end, s.field)
        if quote is None or not (quote.speaker or quote.speaker_text):
            continue
        first_person = (claim.claimant_text or "").lower() in ("we", "i", "us")
        if claim.claimant_text is None or first_person or quote.kind == "direct":
            claim.claimant = quote.speaker
            claim.claimant_text = quote.speaker_text


def _check_order(stages: Sequence[Stage]) -> None:
    available = {"docs", "title", "text", "published", "url", "outlet", "language"}
    for stage in stages:
        missing = [field for field in stage.reads if field not in available]
        if missing:
            raise ConfigError(
                f"stage {stage.name!r} needs {missing}, which no earlier stage sets: "
                "check pipeline.stages"
            )
        available.update(stage.sets)


class Pipeline:
    """The parse and the configured stages, built once and applied to many articles."""

    def __init__(self, settings: Settings, nlp: Language | None = None) -> None:
        self.settings = settings
        self.nlp = prepare(nlp) if nlp is not None else load_pipeline(settings.nlp.model)
        unknown = [name for name in settings.pipeline.stages if name not in STAGES]
        if unknown:
            known = ", ".join(sorted(STAGES))
            raise ConfigError(f"unknown pipeline stage(s) {unknown}; known stages: {known}")
        self.stages: list[Stage] = [STAGES[name](settings) for name in settings.pipeline.stages]
        _check_order(self.stages)

    def process(self, articles: Sequence[Article]) -> list[Article]:
        """Code a batch of PENDING articles (others pass through untouched)."""
        return self.finish(articles, self.parse(articles))

    def parse(self, articles: Sequence[Article]) -> list[_Parsed]:
        """The parse of a batch's PENDING articles (the first half of :meth:`process`)."""
        todo = self._pending(articles)
        return list(zip(todo, self._parse(todo), strict=True))

    def finish(self, articles: Sequence[Article], parsed: list[_Parsed]) -> list[Article]:
        """Run the stages over a batch parsed by :meth:`parse` (the second half of
        :meth:`process`)."""
        for article, docs in parsed:
            if docs is not None:
                self._run_stages(article, Parse(docs))
        return list(articles)

    @staticmethod
    def _pending(articles: Sequence[Article]) -> list[Article]:
        return [a for a in articles if a.status == Status.PENDING]

    def _parse(self, articles: list[Article]) -> list[list[tuple[TextField, Doc]] | None]:
        size, max_chars = self.settings.nlp.batch_size, self.settings.nlp.max_chars
        try:
            return parse_articles(self.nlp, articles, batch_size=size, max_chars=max_chars)
        except Exception:  # one bad text must not fail the batch: parse one by one
            out: list[list[tuple[TextField, Doc]] | None] = []
            for article in articles:
                try:
                    out.extend(parse_articles(self.nlp, [article], max_chars=max_chars))
                except Exception as exc:
                    _fail(article, "nlp", exc)
                    out.append(None)
            return out

    def _run_stages(self, article: Article, parse: Parse) -> None:
        for stage in self.stages:
            try:
                stage(article, parse)
            except Exception as exc:
                _fail(article, stage.name, exc)
                return
        article.status = Status.CODED
        article.reason = None


def _fail(article: Article, stage: str, exc: Exception) -> None:
    """Mark ``article`` FAILED by ``stage``, dropping whatever half-done results it carries."""
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" at {where.filename.rsplit('/', 1)[-1]}:{where.lineno}" if where else ""
    article.status = Status.FAILED
    article.reason = f"stage {stage} failed: {type(exc).__name__}: {exc}{at}"
    article.actors, article.places, article.focus, article.events = [], [], None, []
    article.claims, article.quotes = [], []


# ---------------------------------------------------------------------------- worker processes
_worker: Pipeline | None = None  # one per worker process, built by _init_worker


def _init_worker(settings: Settings) -> None:
    global _worker
    _worker = Pipeline(settings)


def _work(batch: list[Article]) -> list[Article]:
    assert _worker is not None, "worker used before _init_worker"
    return _worker.process(batch)


def batched(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def process_stream(
    articles: Iterable[Article],
    settings: Settings,
    pipeline: Pipeline | None = None,
) -> Iterator[list[Article]]:
    """Code ``articles`` batch by batch, yielding each batch (in input order) when it is done.

    With ``settings.nlp.n_process`` > 1 the batches go to that many worker processes, each
    holding its own pipeline; otherwise ``pipeline`` (or a new one) codes them here.
    """
    batches = batched(articles, settings.nlp.batch_size)
    workers = settings.nlp.n_process
    if workers <= 1:
        yield from _overlapped(pipeline or Pipeline(settings), batches)
        return
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(settings,)) as pool:
        pending: list[Future[list[Article]]] = []
        for batch in batches:
            pending.append(pool.submit(_work, batch))
            if len(pending) >= 2 * workers:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


def _overlapped(pipeline: Pipeline, batches: Iterable[list[Article]]) -> Iterator[list[Article]]:
    """Code batches in this process, parsing the next batch in a thread while the stages run
    over the current one and the caller stores it.

    spaCy releases the GIL for its matrix products and most of the parser's work, so on a
    machine with a second core the stages, the writes and the story linking largely happen
    while the next batch is being parsed (``docs/benchmarks.md`` measures it). Only that thread
    uses the spaCy pipeline; at most two batches are in memory. An error in the parse thread
    is raised here, as it would be without the thread.
    """
    with ThreadPoolExecutor(1, thread_name_prefix="eventwatch-parse") as parser:
        ahead: tuple[list[Article], Future[list[_Parsed]]] | None = None
        for batch in batches:
            following = (batch, parser.submit(pipeline.parse, batch))
            if ahead is not None:
                yield pipeline.finish(ahead[0], ahead[1].result())
            ahead = following
        if ahead is not None:
            yield pipeline.finish(ahead[0], ahead[1].result())
