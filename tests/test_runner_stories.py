"""A run counts a happening once across its reports, and groups the articles into stories,
incrementally across runs: the three Tal Afar examples (an original, a second outlet's own
report, a lightly edited copy) and an unrelated article."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from spacy.language import Language

from eventwatch.config import load_settings
from eventwatch.pipeline import Pipeline
from eventwatch.runner import run as run_sources
from eventwatch.store import EventQuery, Store, StoryQuery

pytestmark = pytest.mark.model

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"
FIRST_RUN = ("01-iraq-tal-afar-attack.txt", "07-kenya-fuel-tax-protest.txt")
SECOND_RUN = (
    "20-iraq-tal-afar-attack-second-outlet.txt",
    "21-iraq-tal-afar-attack-edited-copy.txt",
)


def _attack(store: Store, article_id: str):
    """The Tal Afar attack as coded from one article."""
    query = EventQuery(type="ASSAULT", article_id=article_id, modality="asserted")
    return next(e for e in store.events(query) if e.dead == 11)


def test_reports_are_counted_once_and_stories_grow_across_runs(
    nlp: Language, tmp_path: Path
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    settings = load_settings(environ={}, ingest={"fetch_links": False})
    pipeline = Pipeline(settings, nlp=nlp)
    db = tmp_path / "news.db"
    for names in (FIRST_RUN, SECOND_RUN):
        for name in names:
            shutil.copy(EXAMPLES / name, folder / name)
        with Store.open(db) as store:
            summary = run_sources([str(folder)], settings, store, pipeline=pipeline)
    assert summary.coded == 2 and summary.near_duplicates == 1
    assert summary.stories_joined == 2 and summary.stories_new == 0
    with Store.open(db) as store:
        ids = {Path(a["source"]).name: a["id"] for a in store.list_articles()}
        original = _attack(store, ids[FIRST_RUN[0]])
        assert original.reports == 3  # the original, the second outlet, the copy
        assert original.outlets == 2  # the edited copy adds no independent outlet
        assert original.happening_reason is None
        second = _attack(store, ids[SECOND_RUN[0]])
        assert second.happening_id == original.happening_id
        assert "same type ASSAULT" in (second.happening_reason or "")
        once = [e for e in store.events(EventQuery(type="ASSAULT", once=True)) if e.dead == 11]
        assert [e.id for e in once] == [original.id]
        tal_afar = {ids[n] for n in (FIRST_RUN[0], *SECOND_RUN)}
        assert len({e.story_id for e in store.events(EventQuery(type="ASSAULT"))
                    if e.article_id in tal_afar}) == 1  # fmt: skip
        (story,) = [s for s in store.stories(StoryQuery(min_articles=2))]
        assert story.articles == 3 and story.label.startswith("Islamic State attack")
        detail = store.story(story.id)
        assert detail is not None
        copy = next(m for m in detail.members if m["article_id"] == ids[SECOND_RUN[1]])
        assert copy["copy_of"] == ids[FIRST_RUN[0]]
        assert detail.top_happenings[0]["reports"] == 3
        kenya = next(e for e in store.events(EventQuery(article_id=ids[FIRST_RUN[1]])))
        assert kenya.story_id not in (None, story.id)
