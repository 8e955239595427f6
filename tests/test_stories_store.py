"""Stories and happenings kept in the store: state round trips, incremental runs that give the
stories of one run, happenings counted once with their reports and outlets.

No language model: StoryDocs, articles and events are built by hand (a synthetic stream of
made-up words for the clusterer, short reports written for these tests for the merger).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from eventwatch.records import Actor, Article, Event, EventDate, Place, Span, Status
from eventwatch.store import EventQuery, Store, StoryQuery
from eventwatch.stories.cluster import StoryClusterer
from eventwatch.stories.features import PlacePoint, StoryDoc
from eventwatch.stories.happenings import HappeningLinker
from eventwatch.stories.persist import StoryBook, decode_story, encode_story

WORDS = [f"w{i}" for i in range(400)]


def synthetic_docs(n: int, seed: int = 7) -> list[StoryDoc]:
    """``n`` reports of about n/4 made-up happenings: common words drawn with a Zipf-like
    skew, each happening's own words and people, dates near its day, a few outlets."""
    rng = random.Random(seed)
    weights = [1.0 / (i + 1) for i in range(len(WORDS))]
    happenings = []
    for h in range(max(2, n // 4)):
        own = [f"h{h}x{k}" for k in range(6)]
        people = [f"per:p{h}", f"org:o{h % 7}", f"geo:{1000 + h % 13}"]
        day = date(2026, 1, 1) + timedelta(days=rng.randrange(300))
        happenings.append((own, people, day))
    docs = []
    for i in range(n):
        own, people, day = happenings[rng.randrange(len(happenings))]
        terms: dict[str, float] = defaultdict(float)
        for word in rng.choices(WORDS, weights, k=40):
            terms[word] += 1.0
        for word in own:
            terms[word] += 2.0
        docs.append(
            StoryDoc(
                id=f"d{i:04d}",
                title=" ".join(own[:3]),
                terms=dict(terms),
                entities={e: 2.0 for e in people},
                focus=PlacePoint(1000 + i % 13, "Town", "city", "KEN", "01", -1.0, 36.8),
                published=day + timedelta(days=rng.randrange(3)),
                outlet=f"outlet{i % 5}",
            )
        )
    return docs


def partition(membership: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for article_id, story_id in membership.items():
        groups[story_id].add(article_id)
    return {frozenset(g) for g in groups.values()}


def store_articles(store: Store, docs: list[StoryDoc]) -> None:
    """The articles the story rows refer to (foreign keys)."""
    for doc in docs:
        store.write(Article(id=doc.id, text="x", title=doc.title, status=Status.CODED))


def stored_membership(store: Store) -> dict[str, str]:
    rows = store._conn.execute("SELECT article_id, story_id FROM story_articles")
    return {r[0]: r[1] for r in rows}


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "s.db") as opened:
        yield opened


def test_a_story_state_survives_encoding() -> None:
    clusterer = StoryClusterer()
    clusterer.add_all(synthetic_docs(40))
    for story in clusterer.stories.values():
        again = decode_story(encode_story(story))
        assert again.id == story.id and again.title == story.title
        assert again.profile == story.profile
        assert again.article_ids == story.article_ids and again.outlets == story.outlets
        assert again.events == story.events and again.next_check == story.next_check
        assert again.members == story.members


@pytest.mark.parametrize("batches, cache", [(1, 20_000), (5, 20_000), (7, 0), (9, 10)])
def test_stories_built_over_several_runs_are_those_of_one_pass(
    tmp_path: Path, batches: int, cache: int
) -> None:
    docs = synthetic_docs(120)
    memory = StoryClusterer()
    memory.add_all(docs)
    assert memory.stats.merges + memory.stats.splits > 0  # the repairs are exercised
    db = tmp_path / "runs.db"
    size = -(-len(docs) // batches)
    for start in range(0, len(docs), size):  # one store (and one book) per "run"
        with Store.open(db) as store:
            store_articles(store, docs[start : start + size])
            book = StoryBook(store, cache=cache)
            book.add_docs(docs[start : start + size])
    with Store.open(db) as store:
        assert partition(stored_membership(store)) == partition(memory.membership())
        stored = {s.id: s for s in store.stories(StoryQuery(min_articles=1))}
        assert set(stored) == set(memory.stories)
        for story_id, story in memory.stories.items():
            assert stored[story_id].articles == story.size
            assert stored[story_id].outlets == len(story.outlets)
        assert store.story_documents() == len(docs)


def test_an_article_placed_once_keeps_its_story(store: Store) -> None:
    docs = synthetic_docs(12)
    store_articles(store, docs)
    first = StoryBook(store).add_docs(docs)
    again = StoryBook(store).add_docs(docs[:3])
    homes = stored_membership(store)
    assert [a.story_id for a in again] == [homes[d.id] for d in docs[:3]]
    assert {a.story_id for a in first} >= {a.story_id for a in again}
    assert all(a.reasons == ("already placed by an earlier run",) for a in again)
    assert store.story_documents() == 12


def test_story_queries_filter_and_order(store: Store) -> None:
    docs = synthetic_docs(60)
    store_articles(store, docs)
    StoryBook(store).add_docs(docs)
    everything = store.stories()
    assert sum(s.articles for s in everything) == 60
    largest = store.stories(StoryQuery(order="articles"))
    assert [s.articles for s in largest] == sorted((s.articles for s in largest), reverse=True)
    big = store.stories(StoryQuery(min_articles=3))
    assert big and all(s.articles >= 3 for s in big)
    recent = store.stories(StoryQuery(since="2026-09-01"))
    assert all(s.last_seen >= "2026-09-01" for s in recent)
    detail = store.story(largest[0].id)
    assert detail is not None and len(detail.members) == largest[0].articles
    assert detail.members[0]["reasons"]
    assert store.story("nope") is None


# ------------------------------------------------------------------------------ happenings
KISUMU = Place("Kisumu", "Kisumu", 191245, "city", "KEN", "17", -0.10, 34.76, "city", 0.9)
POLICE = Actor("Kenya police", "KENCOP", "KEN", "COP", "sector", "police")
PROTESTERS = Actor("Kenya protesters", "KENPRO", "KEN", "PRO", "sector", "protesters")


def report(article_id: str, outlet: str, day: date, *, text: str, dead: int | None = None):
    """A coded article with one event: police firing on protesters in Kisumu."""
    span = Span(0, len(text), text, "body")
    event = Event(
        id=f"{article_id}-e0", article_id=article_id, event_type="ASSAULT", mode=None,
        contexts=[], actor=POLICE, recipient=PROTESTERS, place=KISUMU,
        date=EventDate(day, "day", "text"), modality="asserted", evidence=span, trigger=span,
        dead=dead,
    )  # fmt: skip
    return Article(
        id=article_id, text=text, title=text[:40], outlet=outlet, status=Status.CODED,
        published=datetime(day.year, day.month, day.day, 12), events=[event],
    )  # fmt: skip


def test_reports_of_one_happening_are_counted_once_across_batches(store: Store) -> None:
    day = date(2026, 7, 8)
    batch1 = [report("k1", "Lake Wire", day, text="Police shot two protesters in Kisumu.", dead=2)]
    batch2 = [
        report("k2", "Nyanza Post", day, text="Two protesters were shot dead by police."),
        report("k3", "Lake Wire", day + timedelta(days=1), text="Police killed two in Kisumu."),
        report("k4", "Copy Desk", day, text="Police shot two protesters in Kisumu today."),
        report("k5", "Lake Wire", day + timedelta(days=9), text="Police fire on Kisumu crowd."),
    ]
    linker = HappeningLinker(store)
    store.write_many(batch1)
    assert linker.link_batch(batch1, {}) == 0
    store.write_many(batch2)
    store._conn.execute(  # k4 is a near-duplicate of k1
        "INSERT INTO near_duplicates VALUES ('k4', 'k1', 0.9, 0.95, 'shingles')"
    )
    assert linker.link_batch(batch2, store.originals_of(["k4"])) == 3
    once = list(store.events(EventQuery(once=True)))
    assert len(once) == 2  # the Kisumu shooting, and the crowd fired on nine days later
    shooting = next(e for e in once if e.article_id == "k1")
    assert shooting.reports == 4  # k1, k2, k3 and the copy k4
    assert shooting.outlets == 2  # Lake Wire and Nyanza Post; the copy adds no outlet
    assert shooting.happening_reason is None  # the first report
    reports = list(store.events(EventQuery(happening=shooting.happening_id)))
    assert {e.article_id for e in reports} == {"k1", "k2", "k3", "k4"}
    assert all(e.reports == 4 and e.outlets == 2 for e in reports)
    joined = next(e for e in reports if e.article_id == "k3")
    assert "same place Kisumu" in joined.happening_reason
    assert "1 day(s) apart" in joined.happening_reason
    row = store._conn.execute(
        "SELECT dead, first_date, last_date FROM happenings WHERE id = ?", (shooting.happening_id,)
    ).fetchone()
    assert tuple(row) == (2, "2026-07-08", "2026-07-09")


def test_a_recoded_article_leaves_no_dangling_happening(store: Store) -> None:
    day = date(2026, 7, 8)
    first = [report("k1", "Lake Wire", day, text="Police shot two protesters in Kisumu.")]
    second = [report("k2", "Nyanza Post", day, text="Police shot two protesters in Kisumu!")]
    linker = HappeningLinker(store)
    for batch in (first, second):
        store.write_many(batch)
        linker.link_batch(batch, {})
    recoded = report("k1", "Lake Wire", day, text="Police shot two protesters in Kisumu.")
    recoded.events[0].id = "k1-e9"  # a new coding gives the event another id
    recoded.title = "changed"
    store.write(recoded)
    assert store.prune_happenings() == 1
    (row,) = store._conn.execute("SELECT event_id, article_id, reports FROM happenings")
    assert tuple(row) == ("k2-e0", "k2", 1)
    linker.link_batch([recoded], {})
    once = list(store.events(EventQuery(once=True)))
    assert len(once) == 1 and once[0].reports == 2


# ------------------------------------------------------------------------------ embeddings
def test_embeddings_asked_for_but_not_installed_are_a_clear_error(store: Store, monkeypatch):
    from eventwatch.config import load_settings
    from eventwatch.errors import ConfigError
    from eventwatch.runner import StoryLinker
    from eventwatch.stories import cluster_embed

    monkeypatch.setattr(cluster_embed, "available", lambda: False)
    settings = load_settings(environ={}, stories={"embedding_weight": 0.3})
    with pytest.raises(ConfigError, match=r"eventwatch\[embeddings\]"):
        StoryLinker(store, settings)
    assert StoryLinker(store, load_settings(environ={})).embedder is None  # off by default


def test_a_run_embeds_each_batch_once_when_asked(store: Store, monkeypatch) -> None:
    from eventwatch import runner
    from eventwatch.config import load_settings
    from eventwatch.store import WriteResult

    calls: list[int] = []

    class Fake:
        def encode(self, texts):
            calls.append(len(texts))
            return [[1.0, 0.0] if "Kisumu" in t else [0.0, 1.0] for t in texts]

    monkeypatch.setattr(runner, "_embedder", lambda: Fake())
    settings = load_settings(environ={}, stories={"embedding_weight": 0.3})
    linker = runner.StoryLinker(store, settings)
    day = date(2026, 7, 8)
    batch = [report(f"k{i}", "Lake Wire", day, text=f"Police shot protesters in Kisumu {i}.")
             for i in range(3)]  # fmt: skip
    store.write_many(batch)
    results = [WriteResult(a.id, "inserted") for a in batch]
    linker.link_batch(batch, results, runner.RunSummary())
    assert calls == [3]
    (story,) = [decode_story(store.story_state(s.id)) for s in store.stories()]
    assert story.profile.embedding is not None and story.profile.embedding[0] > 2.9


def test_a_failure_in_the_stories_step_costs_a_batch_not_the_run(store: Store, monkeypatch):
    from eventwatch import runner
    from eventwatch.config import load_settings
    from eventwatch.errors import StoreError
    from eventwatch.store import WriteResult

    linker = runner.StoryLinker(store, load_settings(environ={}))
    day = date(2026, 7, 8)
    first = [report("k1", "Lake Wire", day, text="Police shot two protesters in Kisumu.")]
    second = [report("k2", "Nyanza Post", day, text="Police shot two protesters in Kisumu!")]
    summary = runner.RunSummary()
    broken = HappeningLinker.link_batch

    def fail(self, articles, copies):
        raise StoreError("disk I/O error")

    monkeypatch.setattr(HappeningLinker, "link_batch", fail)
    store.write_many(first)
    linker.link_guarded(first, [WriteResult("k1", "inserted")], summary)
    assert len(summary.warnings) == 1 and "disk I/O error" in summary.warnings[0]
    assert "k1" in summary.warnings[0]
    monkeypatch.setattr(HappeningLinker, "link_batch", broken)
    store.write_many(second)
    linker.link_guarded(second, [WriteResult("k2", "inserted")], summary)
    assert len(summary.warnings) == 1  # the next batch is linked as usual
    assert store.story_of_articles(["k1", "k2"]).keys() == {"k2"}
    assert summary.as_dict()["warnings"] == 1
