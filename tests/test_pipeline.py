"""The pipeline: stages by name, one failing article alone, stage order checks, worker processes,
the Python API and the sentence boundaries the parse must respect.

Stage logic is tested on spaCy's blank English pipeline with throwaway stages (no model); the
tests that code real articles share the session ``nlp`` fixture and are marked ``model``.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

import eventwatch
from eventwatch.config import Settings, load_settings
from eventwatch.errors import ConfigError
from eventwatch.events.lexicon import load_ontology
from eventwatch.nlp import BOUNDARIES_COMPONENT, prepare
from eventwatch.pipeline import STAGES, Parse, Pipeline, process_stream
from eventwatch.records import (
    Actor,
    Article,
    Event,
    EventDate,
    Modality,
    Place,
    Span,
    Status,
    content_id,
)

POISON_COMPONENT = "eventwatch_test_poison"


@Language.component(POISON_COMPONENT)
def _poison(doc: Doc) -> Doc:
    """A parse step that cannot handle one word (stands for a tokenizer or model crash)."""
    if "xylophone" in doc.text:
        raise ValueError("cannot parse this text")
    return doc


def article(title: str, text: str, **fields: Any) -> Article:
    return Article(id=content_id(title, text), text=text, title=title, language="en", **fields)


@pytest.fixture
def blank() -> Language:
    return prepare(spacy.blank("en"))


def settings(*stages: str, **sections: Any) -> Settings:
    return load_settings(environ={}, pipeline={"stages": list(stages)}, **sections)


class Counter:
    """Sets ``meta["tokens"]``: the number of tokens in the article's docs."""

    name: ClassVar[str] = "count_tokens"
    reads: ClassVar[tuple[str, ...]] = ("docs",)
    sets: ClassVar[tuple[str, ...]] = ("meta",)

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, article: Article, parse: Parse) -> Article:
        article.meta["tokens"] = sum(len(doc) for _, doc in parse.docs)
        article.meta["fields"] = [name for name, _ in parse.docs]
        return article


class HalfDone:
    """Sets an actor mention, as a real stage would before a later one fails."""

    name: ClassVar[str] = "half_done"
    reads: ClassVar[tuple[str, ...]] = ("docs",)
    sets: ClassVar[tuple[str, ...]] = ("actors",)

    def __init__(self, settings: Settings) -> None:
        pass

    def __call__(self, article: Article, parse: Parse) -> Article:
        article.actors = [Actor("Somewhere", "XXXGOV", None, "GOV", "other", "it")]
        return article


class Exploding:
    """Fails on the articles that mention a detonator."""

    name: ClassVar[str] = "explode"
    reads: ClassVar[tuple[str, ...]] = ("docs",)
    sets: ClassVar[tuple[str, ...]] = ()

    def __init__(self, settings: Settings) -> None:
        pass

    def __call__(self, article: Article, parse: Parse) -> Article:
        if "detonator" in article.text:
            raise RuntimeError("cannot handle this article")
        return article


class NeedsWidgets:
    name: ClassVar[str] = "needs_widgets"
    reads: ClassVar[tuple[str, ...]] = ("docs", "widgets")
    sets: ClassVar[tuple[str, ...]] = ()

    def __init__(self, settings: Settings) -> None:
        pass

    def __call__(self, article: Article, parse: Parse) -> Article:
        return article


class MakesWidgets(NeedsWidgets):
    name: ClassVar[str] = "makes_widgets"
    reads: ClassVar[tuple[str, ...]] = ("docs",)
    sets: ClassVar[tuple[str, ...]] = ("widgets",)


@pytest.fixture
def stages(monkeypatch: pytest.MonkeyPatch) -> None:
    """The throwaway stages, registered for one test only (monkeypatch removes them)."""
    for stage in (Counter, HalfDone, Exploding, NeedsWidgets, MakesWidgets):
        monkeypatch.setitem(STAGES, stage.name, stage)


@pytest.fixture(autouse=True)
def _no_user_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in [k for k in os.environ if k.startswith("EVENTWATCH_")]:
        monkeypatch.delenv(key)


BATCH = [
    ("Road reopened", "Engineers reopened the mountain road to the border on Friday."),
    ("Depot raided", "Police found a detonator and two rifles in a depot on Friday."),
    ("Talks resume", "Negotiators resumed talks in the capital on Saturday, officials said."),
]


# ---------------------------------------------------------------------------- failures
def test_a_failing_stage_fails_its_article_alone(blank: Language, stages: None) -> None:
    pipeline = Pipeline(settings("count_tokens", "half_done", "explode"), nlp=blank)
    batch = [article(title, text) for title, text in BATCH]
    out = pipeline.process(batch)
    assert [a.status for a in out] == [Status.CODED, Status.FAILED, Status.CODED]
    failed = out[1]
    assert (failed.reason or "").startswith(
        "stage explode failed: RuntimeError: cannot handle this article at test_pipeline.py:"
    )
    assert (failed.actors, failed.places, failed.focus, failed.events) == ([], [], None, [])
    for good in (out[0], out[2]):
        assert good.reason is None
        assert good.meta["fields"] == ["title", "body"]
        assert good.meta["tokens"] == len(blank(good.title)) + len(blank(good.text))
        assert [a.code for a in good.actors] == ["XXXGOV"]


def test_articles_not_pending_pass_through(blank: Language, stages: None) -> None:
    pipeline = Pipeline(settings("count_tokens"), nlp=blank)
    skipped = article("Manifestation", "Des milliers de personnes ont manifesté samedi.")
    skipped.status, skipped.reason = Status.SKIPPED, "language 'fr' not in ['en']"
    failed = article("", "", status=Status.FAILED, reason="binary content (PNG), not text")
    pending = article(*BATCH[0])
    out = pipeline.process([skipped, failed, pending])
    assert [(a.status, a.reason) for a in out] == [
        (Status.SKIPPED, "language 'fr' not in ['en']"),
        (Status.FAILED, "binary content (PNG), not text"),
        (Status.CODED, None),
    ]
    assert "tokens" not in skipped.meta and "tokens" not in failed.meta


def test_a_text_the_parser_cannot_handle_fails_alone(blank: Language, stages: None) -> None:
    blank.add_pipe(POISON_COMPONENT)
    pipeline = Pipeline(settings("count_tokens"), nlp=blank)
    batch = [article(*BATCH[0]), article("Concert", "A xylophone recital was cancelled."),
             article(*BATCH[2])]  # fmt: skip
    out = pipeline.process(batch)
    assert [a.status for a in out] == [Status.CODED, Status.FAILED, Status.CODED]
    assert (out[1].reason or "").startswith("stage nlp failed: ValueError: cannot parse this text")
    assert out[0].meta["tokens"] > 0 and out[2].meta["tokens"] > 0


@pytest.mark.model
def test_failing_stage_after_real_stages(nlp: Language, stages: None) -> None:
    pipeline = Pipeline(settings("actors", "places", "events", "explode"), nlp=nlp)
    texts = [
        "Rebel fighters attacked an army base near Goma on Monday, killing four soldiers, "
        "an army spokesman said.",
        "Police arrested nine men and seized a detonator in Kano on Sunday, a police "
        "spokesman said.",
        "Kenyan police arrested 30 protesters in Nairobi on Tuesday, witnesses said.",
    ]
    batch = [article(f"Story {i}", text, published=datetime(2026, 3, 3, tzinfo=UTC))
             for i, text in enumerate(texts)]  # fmt: skip
    out = pipeline.process(batch)
    assert [a.status for a in out] == [Status.CODED, Status.FAILED, Status.CODED]
    assert out[1].reason is not None and out[1].reason.startswith("stage explode failed")
    assert (out[1].actors, out[1].places, out[1].events) == ([], [], [])
    assert out[0].events and out[2].events
    assert any(e.event_type == "ASSAULT" for e in out[0].events)
    assert any(e.event_type == "COERCE" for e in out[2].events)


# ---------------------------------------------------------------------------- configuration
def test_unknown_stage_names(blank: Language) -> None:
    with pytest.raises(ConfigError, match=r"\[E001\] unknown pipeline stage\(s\) \['gazetteer'\]"):
        Pipeline(settings("actors", "gazetteer"), nlp=blank)
    with pytest.raises(ConfigError, match=r"known stages: actors, .*events, .*places"):
        Pipeline(settings("coder"), nlp=blank)


@pytest.mark.parametrize(
    ("order", "message"),
    [
        (("events",), r"stage 'events' needs \['actors', 'places', 'focus'\]"),
        (("places", "events", "actors"), r"stage 'events' needs \['actors'\]"),
    ],
)
def test_stage_order_with_missing_inputs(
    blank: Language, order: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        Pipeline(settings(*order), nlp=blank)


def test_stage_order_of_registered_stages(blank: Language, stages: None) -> None:
    with pytest.raises(ConfigError, match=r"'needs_widgets' needs \['widgets'\]"):
        Pipeline(settings("needs_widgets", "makes_widgets"), nlp=blank)
    pipeline = Pipeline(settings("makes_widgets", "needs_widgets"), nlp=blank)
    assert [stage.name for stage in pipeline.stages] == ["makes_widgets", "needs_widgets"]


def test_registering_a_name_twice_is_refused() -> None:
    from eventwatch.pipeline import register_stage

    with pytest.raises(ValueError, match="'actors' is already registered"):
        register_stage("actors")(Counter)
    assert STAGES["actors"].__name__ == "ActorStage"


# ---------------------------------------------------------------------------- worker processes
STREAM = [
    ("Troops sent to border", "PESHAWAR, May 6 (Test Wire) - Pakistan's army sent two battalions "
     "to the Afghan border on Tuesday after clashes near Torkham, officials said."),
    ("Ministers meet", "Foreign ministers of Egypt and Jordan met in Amman on Monday to discuss "
     "aid deliveries to Gaza, the Jordanian foreign ministry said."),
    ("Protest in Dhaka", "Thousands of garment workers protested in Dhaka on Sunday to demand "
     "higher wages, police said.\n\nPolice fired tear gas to disperse the crowd."),
    ("Short note", "The weather was mild on Sunday and markets were calm, traders said."),
]  # fmt: skip


@pytest.mark.model
def test_worker_processes_give_the_same_events(
    nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    pools: list[int] = []

    def pool(workers: int, **options: Any) -> ProcessPoolExecutor:
        pools.append(workers)
        return ProcessPoolExecutor(workers, **options)

    monkeypatch.setattr("eventwatch.pipeline.ProcessPoolExecutor", pool)

    def batch() -> list[Article]:
        published = datetime(2026, 5, 7, 8, 0, tzinfo=UTC)
        return [article(title, text, published=published) for title, text in STREAM]

    local = load_settings(environ={}, nlp={"batch_size": 1})
    here = [a for b in process_stream(batch(), local, Pipeline(local, nlp=nlp)) for a in b]
    workers = load_settings(environ={}, nlp={"batch_size": 1, "n_process": 2})
    there = [a for b in process_stream(batch(), workers) for a in b]
    assert pools == [2]
    assert [a.id for a in there] == [a.id for a in batch()]  # input order kept
    assert [a.status for a in there] == [a.status for a in here] == [Status.CODED] * 4
    assert sum(len(a.events) for a in here) >= 3
    for mine, theirs in zip(here, there, strict=True):
        assert [dataclasses.asdict(e) for e in theirs.events] == [
            dataclasses.asdict(e) for e in mine.events
        ]
        assert theirs.actors == mine.actors
        assert theirs.places == mine.places
        assert theirs.focus == mine.focus


THREADS_COMPONENT = "eventwatch_test_threads"
PARSED_IN: list[str] = []


@Language.component(THREADS_COMPONENT)
def _record_thread(doc: Doc) -> Doc:
    """Notes which thread parses each doc."""
    PARSED_IN.append(threading.current_thread().name)
    return doc


def test_one_process_parses_the_next_batch_in_a_thread(blank: Language, stages: None) -> None:
    blank.add_pipe(POISON_COMPONENT)
    blank.add_pipe(THREADS_COMPONENT)
    PARSED_IN.clear()
    texts = [(f"Note {i}", f"Item {i} of the stream: {'xylophone' if i == 5 else 'drums'}.")
             for i in range(11)]  # fmt: skip
    one = settings("count_tokens", nlp={"batch_size": 3})
    batches = list(process_stream((article(t, x) for t, x in texts), one, Pipeline(one, blank)))
    assert [len(b) for b in batches] == [3, 3, 3, 2]
    out = [a for b in batches for a in b]
    assert [a.title for a in out] == [t for t, _ in texts]  # input order kept
    assert [a.status for a in out] == [Status.FAILED if i == 5 else Status.CODED
                                       for i in range(11)]  # fmt: skip
    assert all(a.meta["tokens"] == len(blank.make_doc(a.title)) + len(blank.make_doc(a.text))
               for a in out if a.status == Status.CODED)  # fmt: skip
    assert PARSED_IN and all(name.startswith("eventwatch-parse") for name in PARSED_IN)


def test_a_stream_left_early_stops_cleanly(blank: Language, stages: None) -> None:
    one = settings("count_tokens", nlp={"batch_size": 2})
    stream = process_stream((article(f"N{i}", f"Item {i}.") for i in range(10)), one,
                            Pipeline(one, blank))  # fmt: skip
    first = next(stream)
    stream.close()  # the parse running ahead is awaited, nothing is left behind
    assert [a.status for a in first] == [Status.CODED, Status.CODED]
    assert not [t for t in threading.enumerate() if t.name.startswith("eventwatch-parse")]


def test_a_parse_thread_error_reaches_the_caller(blank: Language, stages: None) -> None:
    one = settings("count_tokens", nlp={"batch_size": 2})
    pipeline = Pipeline(one, blank)

    def broken(articles: Any) -> Any:
        raise MemoryError("out of memory while parsing")

    pipeline.parse = broken  # type: ignore[method-assign]
    with pytest.raises(MemoryError, match="out of memory while parsing"):
        list(process_stream((article(f"N{i}", f"Item {i}.") for i in range(5)), one, pipeline))


# ---------------------------------------------------------------------------- the Python API
ANALYZE_TITLE = "Militants kill five soldiers in attack on Niger army post"
ANALYZE_TEXT = (
    "NIAMEY, Sept 14 (Test Wire) - Militants attacked an army post near Tillaberi in western "
    "Niger on Saturday, killing five soldiers, the defence ministry said.\n\n"
    "The ministry said troops had been sent to the area and that 12 suspects were arrested.\n\n"
    "Niger's government accused the militants of targeting civilians and soldiers alike."
)


def _check_span(article: Article, span: Span | None) -> None:
    assert isinstance(span, Span)
    assert span.field in ("title", "body")
    assert 0 <= span.start < span.end
    assert article.span_text(span) == span.text


@pytest.mark.model
def test_analyze_returns_typed_records_with_auditable_spans(nlp: Language) -> None:
    coded = eventwatch.analyze(ANALYZE_TEXT, title=ANALYZE_TITLE, published="2026-09-14T10:00Z")
    assert isinstance(coded, Article)
    assert (coded.status, coded.language) == (Status.CODED, "en")
    assert coded.published == datetime(2026, 9, 14, 10, 0, tzinfo=UTC)
    assert len(coded.events) >= 2
    types = set(load_ontology().types)
    for event in coded.events:
        assert isinstance(event, Event)
        assert event.article_id == coded.id
        assert event.event_type in types
        assert event.modality in {m.value for m in Modality}
        assert isinstance(event.date, EventDate)
        _check_span(coded, event.evidence)
        _check_span(coded, event.trigger)
        assert event.trigger.field == event.evidence.field
        assert event.evidence.start <= event.trigger.start < event.trigger.end
        assert event.trigger.end <= event.evidence.end
        for who in (event.actor, event.recipient, event.attributed_to):
            assert who is None or isinstance(who, Actor)
            if who is not None and who.span is not None:
                _check_span(coded, who.span)
        assert event.place is None or isinstance(event.place, Place)
    for mention in coded.actors:
        assert isinstance(mention, Actor)
        if mention.span is not None:
            _check_span(coded, mention.span)
    for place in coded.places:
        assert isinstance(place, Place)
        if place.span is not None:
            _check_span(coded, place.span)
    assert any(e.event_type == "ASSAULT" and e.place and e.place.country == "NER"
               for e in coded.events)  # fmt: skip


@pytest.mark.model
def test_evidence_is_the_sentence_without_surrounding_whitespace(nlp: Language) -> None:
    coded = eventwatch.analyze(ANALYZE_TEXT, title=ANALYZE_TITLE, published="2026-09-14")
    for event in coded.events:
        assert event.evidence.text == event.evidence.text.strip(), event.evidence


# ---------------------------------------------------------------------------- sentence boundaries
def _sentences(nlp: Language, text: str) -> list[str]:
    return [sent.text.strip() for sent in nlp(text).sents]


@pytest.mark.model
def test_the_boundaries_component_runs_before_the_parser(nlp: Language) -> None:
    names = nlp.pipe_names
    assert names.index(BOUNDARIES_COMPONENT) < names.index("parser")
    assert prepare(nlp).pipe_names.count(BOUNDARIES_COMPONENT) == 1  # added once


@pytest.mark.model
@pytest.mark.parametrize(
    ("dateline", "story"),
    [
        ("KABUL, May 2 (Test Wire) -", "Taliban fighters attacked a police checkpoint"),
        ("PORT-AU-PRINCE, Haiti, Oct. 3, 2026 (Test Wire) —", "Gang members set fire to"),
        ("Tripoli (Test Wire) -", "Rival militias clashed near the airport"),
        ("NEW YORK –", "The Security Council voted to extend the mission"),
    ],
)
def test_a_dateline_is_a_sentence_of_its_own(nlp: Language, dateline: str, story: str) -> None:
    text = f"{dateline} {story} on Friday, officials said. More details were not given."
    sentences = _sentences(nlp, text)
    assert sentences[0] == dateline
    assert sentences[1].startswith(story)


@pytest.mark.model
def test_a_paragraph_break_ends_a_sentence(nlp: Language) -> None:
    text = (
        "Troops entered the town of Kidal on Monday morning\n\n"
        "residents said the fighting had stopped by noon and shops reopened\n\n"
        "The army said it would hold the town."
    )
    assert _sentences(nlp, text) == [
        "Troops entered the town of Kidal on Monday morning",
        "residents said the fighting had stopped by noon and shops reopened",
        "The army said it would hold the town.",
    ]


def _starts(nlp: Language, text: str) -> list[str]:
    """The tokens the boundaries component alone marks as sentence starts (no parser)."""
    return [t.text for t in nlp(text)[1:] if t.is_sent_start]


def test_the_component_marks_datelines_and_paragraph_breaks(blank: Language) -> None:
    text = "GOMA, Oct 20 (Test Wire) - Rebels attacked a base\n\nTroops fought back on Monday."
    assert _starts(blank, text) == ["Rebels", "Troops"]
    assert _starts(blank, "Rebels attacked a base. Troops fought back.") == []
    assert _starts(blank, "The army said - in a statement - that the road was open.") == []
