"""Story clustering: features read from an article, the incremental clusterer, its repairs.

No language model: articles and StoryDocs are built by hand from short wire-style reports
written for these tests.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest

from eventwatch.records import Actor, Article, Event, EventDate, Place, Span
from eventwatch.stories import cluster_embed
from eventwatch.stories.cluster import ClusterSettings, Profile, StoryClusterer
from eventwatch.stories.cluster_split import partition
from eventwatch.stories.features import (
    PlacePoint,
    StoryDoc,
    build_doc,
    date_from_url,
    fold,
    headline,
    lead_times,
    surname,
    term_counts,
    tokens,
    written_dates,
)


def story_doc(
    doc_id: str,
    title: str,
    body: str,
    *,
    people: tuple[str, ...] = (),
    places: tuple[int, ...] = (),
    published: date | None = None,
    outlet: str | None = None,
) -> StoryDoc:
    """A StoryDoc as build_doc would give it, with hand-picked entities."""
    entities = {f"per:{p}": 2.0 for p in people} | {f"geo:{g}": 1.0 for g in places}
    return StoryDoc(
        id=doc_id,
        title=title,
        terms=term_counts(title, body),
        entities=entities,
        published=published,
        outlet=outlet,
    )


FLOOD_A = (
    "Floods swept through Brennick on Tuesday after the Oska river burst its banks, "
    "mayor Ilse Varga said. Rescue crews used boats to reach families trapped on rooftops "
    "in the old town, and the regional army sent trucks with sandbags and drinking water. "
    "Varga said four people drowned in Brennick and two hundred homes were flooded."
)
FLOOD_B = (
    "Flash floods hit Tallow Creek on Sunday when the Merrin dam overflowed after days of "
    "rain, governor Paulo Anand said. Rescue teams used boats to reach families trapped on "
    "rooftops, and soldiers brought sandbags and drinking water. Anand said nine people "
    "drowned in Tallow Creek and the Merrin valley highway was closed."
)


def flood_reports() -> list[StoryDoc]:
    """Three reports of each of two floods, interleaved as they might arrive."""
    a_titles = ["Floods kill four in Brennick", "Brennick floods: four dead as Oska bursts",
                "Oska river floods Brennick old town"]  # fmt: skip
    b_titles = ["Flash floods kill nine in Tallow Creek", "Merrin dam overflows, nine drown",
                "Tallow Creek floods close valley highway"]  # fmt: skip
    docs = []
    for i in range(3):
        docs.append(story_doc(f"a{i}", a_titles[i], FLOOD_A, people=("varga",), places=(11,),
                              published=date(2019, 3, 5 + i), outlet=f"paper{i}"))  # fmt: skip
        docs.append(story_doc(f"b{i}", b_titles[i], FLOOD_B, people=("anand",), places=(22,),
                              published=date(2023, 9, 10 + i), outlet=f"wire{i}"))  # fmt: skip
    return docs


MATCH = (
    "Rovers beat United 3-1 on Saturday with two late goals from striker Dario Mens, "
    "keeping their title hopes alive. Coach Alma Reyes praised the defence."
)


# ------------------------------------------------------------------------------- features
def test_tokens_fold_plurals_and_drop_stop_words() -> None:
    assert tokens("The floods and the rescuers' boats") == ["flood", "rescuer", "boat"]
    assert fold("Casualties") == "casualty"
    assert fold("Varga's") == "varga"
    assert surname("Arcade Joseph Comeaux Jr.") == "comeaux"


def test_headline_is_a_short_first_line_when_there_is_no_title() -> None:
    article = Article(id="x", text="Dam bursts in the north\nThe dam burst on Monday.")
    assert headline(article) == ("Dam bursts in the north", "The dam burst on Monday.")
    one_line = Article(id="y", text="The dam burst on Monday, officials said.")
    assert headline(one_line) == ("", one_line.text)
    titled = Article(id="z", title="Dam bursts", text="The dam burst.\nMore follows.")
    assert headline(titled) == ("Dam bursts", titled.text)


def test_headline_words_count_more_than_body_words() -> None:
    counts = term_counts("Dam bursts", "The dam burst on Monday near the valley town.")
    assert counts["dam"] > counts["valley"]


def test_dates_from_urls_and_text() -> None:
    assert date_from_url("http://example.com/2013/05/03/news/item") == date(2013, 5, 3)
    assert date_from_url("http://example.com/news/2009/dec/07/item/") == date(2009, 12, 7)
    assert date_from_url("http://example.com/story-20130504.html") == date(2013, 5, 4)
    assert date_from_url("http://example.com/2012/03/") == date(2012, 3, 1)
    assert date_from_url("http://example.com/article/12345") is None
    assert date_from_url(None) is None
    text = "Updated July 8, 2012. The vote, set for 15 December 2013, was moved to 2014-01-20."
    assert written_dates(text) == [date(2012, 7, 8), date(2013, 12, 15), date(2014, 1, 20)]


def test_build_doc_reads_actors_places_dates_and_events() -> None:
    text = (
        "Minister Ilse Varga visited Brennick on Tuesday.\n"
        "Varga said the Oska Relief Fund would pay for new dams."
    )
    varga = Actor("Ilse Varga", "", None, None, "person", "Ilse Varga", Span(9, 19, "Ilse Varga"))
    varga2 = Actor("Varga", "", None, None, "person", "Varga", Span(50, 55, "Varga"))
    town = Place("Brennick", "Brennick", 77, "city", "XXX", None, 1.0, 2.0, "city", 0.9,
                 Span(28, 36, "Brennick"))  # fmt: skip
    event = Event("e1", "x", "CONSULT", None, [], varga, None, town,
                  EventDate(date(2021, 6, 1), "day", "text", "on Tuesday"), "asserted",
                  Span(0, 49, text[:49]), Span(20, 27, "visited"))  # fmt: skip
    article = Article(id="x", text=text, url="http://news.example/2021/06/02/dams",
                      actors=[varga, varga2], places=[town], focus=town, events=[event],
                      outlet="news.example", published=None)  # fmt: skip
    doc = build_doc(article)
    assert doc.entities["per:varga"] > 1.0  # two mentions
    assert "geo:77" in doc.entities
    assert "nam:oska relief fund" in doc.entities  # a written name no actor covers
    assert doc.published == date(2021, 6, 2) and doc.anchor == date(2021, 6, 2)
    assert date(2021, 6, 1) in doc.dates
    assert doc.focus is not None and doc.focus.geonameid == 77
    assert [e.type for e in doc.events] == ["CONSULT"]
    assert doc.title == "Minister Ilse Varga visited Brennick on Tuesday."


def test_dateline_date_is_the_anchor_without_publication_date() -> None:
    article = Article(id="x", text="Rains cut roads\nMarch 3, 2020\nRains cut roads on Monday.")
    assert build_doc(article).anchor == date(2020, 3, 3)
    late = Article(id="y", text="Rains cut roads on Monday. " * 20 + "It recalled May 1, 1999.")
    assert build_doc(late).anchor is None  # a date deep in the body is background


def test_lead_times_keep_the_first_weekday_month_and_year_of_the_lead() -> None:
    lead = (
        "Rescuers searched the Oska valley on Thursday, two days after the dam gave way in "
        "December 2019. On Friday the mayor said the May rains had weakened it."
    )
    assert lead_times(lead) == ("mo:12", "wd:thursday", "yr:2019")
    assert lead_times("Voters may go to the polls again, officials said.") == ()
    late = "Crews cleared roads. " * 20 + "The bridge had opened on Monday in March 2001."
    assert lead_times(late) == ()  # past the lead: background, not the happening's time
    doc = build_doc(Article(id="t", title="Dam gives way", text=lead))
    assert doc.lead_times == ("mo:12", "wd:thursday", "yr:2019")


# ---------------------------------------------------------------------------- clustering
def test_incremental_add_joins_a_report_of_the_same_happening() -> None:
    clusterer = StoryClusterer()
    first = clusterer.add(story_doc("a0", "Floods kill four in Brennick", FLOOD_A,
                                    people=("varga",), places=(11,)))  # fmt: skip
    second = clusterer.add(story_doc("a1", "Brennick floods: four dead", FLOOD_A,
                                     people=("varga",), places=(11,)))  # fmt: skip
    third = clusterer.add(story_doc("m0", "Rovers beat United", MATCH, people=("mens",)))
    assert first.created and not second.created
    assert second.story_id == first.story_id and second.score >= 0.55
    assert any("shared entities" in r for r in second.reasons)
    assert third.created and third.story_id != first.story_id
    assert len(clusterer.stories) == 2


def test_copies_of_one_report_make_one_story() -> None:
    clusterer = StoryClusterer()
    body = FLOOD_A
    copies = [body, body.replace("Tuesday", "Tuesday night"), body[: len(body) // 2]]
    for i, text in enumerate(copies):
        clusterer.add(story_doc(f"c{i}", "Floods kill four in Brennick", text,
                                people=("varga",), places=(11,), outlet=f"o{i}"))  # fmt: skip
    [story] = clusterer.stories.values()
    assert story.size == 3 and len(story.outlets) == 3


def test_two_floods_in_different_places_and_years_stay_apart() -> None:
    clusterer = StoryClusterer()
    for doc in flood_reports():
        clusterer.add(doc)
    groups = sorted(sorted(s.article_ids) for s in clusterer.stories.values())
    assert groups == [["a0", "a1", "a2"], ["b0", "b1", "b2"]]
    story = clusterer.stories[clusterer.story_of("a0")]
    assert story.first_seen == date(2019, 3, 5) and story.last_seen == date(2019, 3, 7)
    assert story.label == "Floods kill four in Brennick"
    assert set(story.outlets) == {"paper0", "paper1", "paper2"}


def test_same_text_far_apart_in_time_is_held_back_by_the_date_factor() -> None:
    clusterer = StoryClusterer()
    near = clusterer.profile(story_doc("x", "t", FLOOD_A, published=date(2019, 3, 5)))
    later = clusterer.profile(story_doc("y", "t", FLOOD_A, published=date(2019, 3, 20)))
    years = clusterer.profile(story_doc("z", "t", FLOOD_A, published=date(2023, 3, 5)))
    undated = clusterer.profile(story_doc("w", "t", FLOOD_A))
    assert clusterer.date_factor(near, later) == 1.0
    assert clusterer.date_factor(near, years) == pytest.approx(0.5)
    assert clusterer.date_factor(near, undated) == 1.0


def test_leads_naming_different_weekdays_or_years_are_less_compatible() -> None:
    clusterer = StoryClusterer()
    s = clusterer.settings

    def prof(doc_id: str, *times: str) -> Profile:
        return clusterer.profile(StoryDoc(id=doc_id, terms={"flood": 1.0}, lead_times=times))

    tuesday = prof("a", "wd:tuesday", "yr:2019")
    same = prof("b", "wd:tuesday")
    sunday = prof("c", "wd:sunday", "yr:2023")
    silent = prof("d")
    assert clusterer.time_factor(tuesday, same) == 1.0
    assert clusterer.time_factor(tuesday, silent) == 1.0  # nothing to compare
    assert clusterer.time_factor(tuesday, sunday) == pytest.approx(
        1 - s.weekday_penalty - s.year_penalty
    )
    story = Profile()
    clusterer._fold(story, same, 0.0)
    clusterer._fold(story, sunday, 0.0)
    # one pair of two differs in weekday; the year is named by one member only
    assert clusterer.time_factor(tuesday, story) == pytest.approx(
        1 - (s.weekday_penalty + s.year_penalty) / 2
    )


def test_an_undated_report_naming_only_old_years_is_held_back_from_a_dated_one() -> None:
    clusterer = StoryClusterer()
    dated = clusterer.profile(StoryDoc(id="a", terms={"x": 1.0}, published=date(2013, 9, 18)))
    old = clusterer.profile(StoryDoc(id="b", terms={"x": 1.0}, years=frozenset({2004, 2008})))
    recent = clusterer.profile(StoryDoc(id="c", terms={"x": 1.0}, years=frozenset({2012})))
    undated = clusterer.profile(StoryDoc(id="d", terms={"x": 1.0}))
    penalty = clusterer.settings.year_hint_penalty
    assert clusterer.date_factor(dated, old) == pytest.approx(1 - penalty)
    assert clusterer.date_factor(old, dated) == pytest.approx(1 - penalty)
    assert clusterer.date_factor(dated, recent) == 1.0  # within year_hint_gap
    assert clusterer.date_factor(dated, undated) == 1.0
    # a dated article's own years are not hints
    dated_old = StoryDoc(
        id="e", terms={"x": 1.0}, published=date(2013, 1, 2), years=frozenset({2001})
    )
    assert not clusterer.profile(dated_old).hints


def test_protagonist_factor_counts_main_people_the_other_side_never_names() -> None:
    clusterer = StoryClusterer()
    a = clusterer.profile(story_doc("a", "t", FLOOD_A, people=("varga",)))
    b = clusterer.profile(story_doc("b", "t", FLOOD_B, people=("anand",)))
    mostly_b = StoryDoc(id="m", terms={"flood": 1.0}, entities={"per:anand": 3.0, "per:varga": 1.0})
    penalty = clusterer.settings.protagonist_penalty
    assert clusterer.protagonist_factor(a, b) == pytest.approx(1 - penalty)
    assert clusterer.protagonist_factor(a, a) == 1.0
    # a's main person is named there, but that report's main person is not named in a
    assert clusterer.protagonist_factor(a, clusterer.profile(mostly_b)) == pytest.approx(
        1 - penalty / 2
    )


def test_candidates_come_from_the_index_not_from_every_story() -> None:
    settings = ClusterSettings(max_candidates=5, max_postings=20)
    clusterer = StoryClusterer(settings)
    letters = "bcdfghjklmnpqrstvwz"
    for i in range(120):  # 120 unrelated stories sharing only the word "officials"
        word = "".join(letters[(i // len(letters) ** k) % len(letters)] for k in range(3)) + "ax"
        body = f"{word} {word}qu {word}lo {word}mi officials"
        clusterer.add(story_doc(f"s{i}", f"{word} officials", body))
    assert len(clusterer.stories) > 110  # the first few may meet while the IDF is cold
    before = clusterer.stats.comparisons
    clusterer.add(story_doc("new", "officials", "officials met again"))
    assert clusterer.stats.comparisons - before == 0  # "officials" is in too many stories
    before = clusterer.stats.comparisons
    clusterer.add(story_doc("s0-copy", "officials", "officials met again, bbbax said"))
    assert 0 < clusterer.stats.comparisons - before <= settings.max_candidates


def test_clustering_is_deterministic() -> None:
    def run() -> list[tuple[str, float, bool]]:
        clusterer = StoryClusterer()
        return [(a.story_id, a.score, a.created) for a in clusterer.add_all(flood_reports())]

    assert run() == run()


def test_adding_an_article_twice_changes_nothing() -> None:
    clusterer = StoryClusterer()
    doc = story_doc("a0", "Floods kill four in Brennick", FLOOD_A)
    first = clusterer.add(doc)
    again = clusterer.add(doc)
    assert again.story_id == first.story_id and again.reasons == ("already added",)
    assert clusterer.n_docs == 1 and clusterer.stories[first.story_id].size == 1


def test_a_story_built_from_two_happenings_is_split_when_re_read() -> None:
    loose = ClusterSettings(threshold=0.55, split_from=4)
    clusterer = StoryClusterer(loose)
    docs = flood_reports()
    # force the greedy mistake: the first report of the second flood joins the first story
    clusterer.add(docs[0])
    clusterer.settings = ClusterSettings(threshold=0.0)
    clusterer.add(docs[1])
    clusterer.settings = loose
    story = clusterer.stories[clusterer.story_of("a0")]
    assert clusterer.story_of("b0") == story.id
    for doc in docs[2:]:
        clusterer.add(doc)
    assert clusterer.story_of("a0") != clusterer.story_of("b0")
    assert clusterer.stats.splits >= 1
    groups = sorted(sorted(s.article_ids) for s in clusterer.stories.values())
    assert groups == [["a0", "a1", "a2"], ["b0", "b1", "b2"]]


def test_partition_separates_two_blocks() -> None:
    sims = np.full((5, 5), 0.05)
    sims[:3, :3] = 0.6
    sims[3:, 3:] = 0.6
    np.fill_diagonal(sims, 0.0)
    groups = partition(sims, threshold=0.55, coherence=lambda internal, size: 0.25)
    assert sorted(groups) == [[0, 1, 2], [3, 4]]
    one = partition(np.full((3, 3), 0.6) - np.eye(3) * 0.6, threshold=0.55,
                    coherence=lambda internal, size: 0.25)  # fmt: skip
    assert one == [[0, 1, 2]]


def test_embeddings_add_to_the_similarity_when_weighted() -> None:
    settings = ClusterSettings(text_weight=0.0, entity_weight=0.0, embedding_weight=1.0)
    clusterer = StoryClusterer(settings)
    a = StoryDoc(id="a", terms={"alpha": 1.0}, embedding=(1.0, 0.0, 0.0))
    b = StoryDoc(id="b", terms={"alpha": 1.0, "beta": 1.0}, embedding=(0.9, 0.1, 0.0))
    c = StoryDoc(id="c", terms={"alpha": 1.0}, embedding=(0.0, 0.0, 1.0))
    first, second, third = clusterer.add_all([a, b, c])
    assert second.story_id == first.story_id
    assert third.created


def test_embedder_is_optional() -> None:
    if cluster_embed.available():
        pytest.skip("the MiniLM package is installed here")
    assert cluster_embed.load_embedder() is None


def test_profile_sums_and_coherence_prior() -> None:
    clusterer = StoryClusterer()
    assert clusterer.coherence(0.0, 1) == clusterer.settings.prior_coherence
    assert clusterer.coherence(3 * 0.9, 3) > 0.6  # three pairs at 0.9, shrunk a little
    empty = Profile()
    assert empty.pairs == 0
    assert PlacePoint(1, "x", "city", None, None, None, None).geonameid == 1
    assert datetime(2020, 1, 1).date() == date(2020, 1, 1)
