"""Stories: articles grouped by the happening they report, built incrementally.

:class:`StoryClusterer` takes :class:`~eventwatch.stories.features.StoryDoc` records one at a
time (``add``). Each is compared with a few candidate stories and joins the one it links to best
when that link reaches ``threshold``; otherwise it starts a new story. Nothing is recomputed
over the whole collection: a story keeps running sums over its members (their term and entity
vectors, the sum of their pairwise similarities, who they are about, their dates and places,
outlets) that each new member updates. Two local repairs follow an addition:

* **split**: when a story reaches a checkpoint size (``split_from``, then ``split_growth``
  times larger, up to ``max_split_size``), its members are clustered again bottom-up with the
  same link (:mod:`eventwatch.stories.cluster_split`); a story that greedy assignment built
  from two happenings (the second one's first report arrived when only the first existed)
  comes apart;
* **merge**: the story the article went into is merged with a candidate story it now links to
  at the threshold (two halves of one happening that started apart).

**Similarity of two articles**: ``text_weight`` x the cosine of their TF-IDF vectors (IDF kept
up to date as articles arrive; headline and lead words weigh more) + ``entity_weight`` x the
cosine of their entity vectors (people, organisations, places, names; weighted by salience and
rarity) + ``embedding_weight`` x the cosine of MiniLM embeddings when the documents carry them
(weights normalised to sum to one), multiplied by a *compatibility factor*, because two
happenings of the same kind differ in who, when and where:

* protagonist: each article's main person (its most salient ``per:`` entity) should be named by
  the other; each one that is not costs ``protagonist_penalty / 2``;
* date: 1 within ``date_window_days``, falling to ``1 - date_penalty`` at ``date_far_days``;
  an undated article whose latest named year lies ``year_hint_gap`` years or more before the
  other's date loses ``year_hint_penalty`` (it is most likely an older report);
* time told in the lead: leads naming different weekdays, months or years (the first of each
  in the first 300 characters: when the happening took place) lose ``weekday_penalty``,
  ``month_penalty``, ``year_penalty``;
* place: ``1 - place_penalty`` when the focus places lie more than ``place_far_km`` apart.

**Link of an article or story A to a story B**: the average of that similarity over all pairs
(one member from each side; average linkage does not drift with story size), divided by the
geometric mean of the two sides' *coherence* (their own average internal similarity, shrunk
towards ``prior_coherence`` while pairs are few, never below it). A report of the same
happening is about as similar to the story as its members are to each other (link near 1 or
above); a report of another happening of the same kind shares the kind's vocabulary but not its
particulars (link well below 1). Sums of vectors give the average similarity exactly; the
factors are averaged over pairs from per-story counts (members' protagonists, names, dates,
places), assuming they vary independently of the similarity.

**Candidates.** An inverted index maps the heaviest keys (terms and entities) of each member to
its story. A new article looks up its own ``index_keys`` heaviest keys; keys already in more
than ``max_postings`` stories are too common to tell stories apart and are skipped; the stories
hit are ranked by the summed weights of the keys they share and only the first
``max_candidates`` are scored. The work per article is bounded, whatever the number of stories.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from eventwatch.records import stable_id
from eventwatch.stories.features import PlacePoint, StoryDoc

if TYPE_CHECKING:
    import numpy as np

Vector = dict[str, float]
EventTuple = tuple[str, str | None, str | None, int | None]


class ClusterSettings(BaseModel):
    """The clusterer's knobs; ``docs/stories.md`` says how the defaults were chosen."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float = Field(0.55, ge=0, description="least link to join or merge a story")
    text_weight: float = Field(0.7, ge=0, description="weight of the TF-IDF cosine")
    entity_weight: float = Field(0.3, ge=0, description="weight of the entity cosine")
    embedding_weight: float = Field(0.0, ge=0, description="weight of the embedding cosine")
    prior_coherence: float = Field(0.25, gt=0, le=1, description="coherence of a lone article")
    prior_pairs: float = Field(1.0, ge=0, description="pseudo-pairs behind the prior coherence")
    protagonist_penalty: float = Field(0.4, ge=0, le=1, description="main people differ")
    date_window_days: int = Field(60, ge=0, description="dates this close are compatible")
    date_far_days: int = Field(730, ge=1, description="dates this far apart: full penalty")
    date_penalty: float = Field(0.5, ge=0, le=1, description="similarity lost at date_far_days")
    weekday_penalty: float = Field(0.0, ge=0, le=1, description="lead weekdays differ (off)")
    month_penalty: float = Field(0.0, ge=0, le=1, description="lead months differ (off)")
    year_penalty: float = Field(0.5, ge=0, le=1, description="lead years differ")
    year_hint_penalty: float = Field(
        0.5, ge=0, le=1, description="an undated article's latest year long before a date"
    )
    year_hint_gap: int = Field(2, ge=1, description="years between them that cost the penalty")
    place_far_km: float = Field(800.0, gt=0, description="focus places farther apart differ")
    place_penalty: float = Field(0.0, ge=0, le=1, description="similarity lost when they do")
    doc_terms: int = Field(150, ge=1, description="heaviest terms kept of an article")
    story_terms: int = Field(300, ge=1, description="heaviest terms kept of a story")
    index_keys: int = Field(25, ge=1, description="keys of an article used to find candidates")
    max_postings: int = Field(500, ge=1, description="keys in more stories are not looked up")
    max_candidates: int = Field(30, ge=1, description="stories scored per article")
    max_merges: int = Field(3, ge=0, description="merges tried after an article joins")
    merge_candidates: int = Field(10, ge=1, description="stories scored for a merge")
    split_from: int = Field(4, ge=2, description="story size of the first split check")
    split_growth: float = Field(1.4, gt=1, description="next check at this many times the size")
    max_split_size: int = Field(64, ge=2, description="larger stories are no longer re-read")


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where :meth:`StoryClusterer.add` put an article, and why."""

    story_id: str  # the article's story after the repairs
    score: float  # link to the story joined (1.0 for a new story)
    reasons: tuple[str, ...]
    created: bool = False
    merged: tuple[str, ...] = ()  # stories absorbed after the article joined
    split: tuple[str, ...] = ()  # stories split off the one it joined


@dataclass(frozen=True, slots=True)
class Link:
    """An article-story (or story-story) link and its parts."""

    score: float
    average: float  # average pairwise similarity, compatibility included
    text: float  # average pairwise text cosine
    entities: float  # average pairwise entity cosine
    factor: float  # average compatibility (protagonist x date x place)


@dataclass(slots=True)
class Profile:
    """Running sums over one or more articles: what links compare."""

    size: int = 0
    terms: Vector = field(default_factory=dict)  # sum of members' unit TF-IDF vectors
    entities: Vector = field(default_factory=dict)  # sum of members' unit entity vectors
    embedding: list[float] | None = None  # sum of members' unit embeddings
    internal: float = 0.0  # sum over member pairs of similarity x compatibility
    named: Counter[str] = field(default_factory=Counter)  # members naming each entity
    protagonists: Counter[str] = field(default_factory=Counter)  # members' main person
    dates: Counter[date] = field(default_factory=Counter)  # members' dates
    focus: Counter[PlacePoint] = field(default_factory=Counter)  # members' focus places
    times: Counter[str] = field(default_factory=Counter)  # members' lead weekday/month/year
    hints: Counter[int] = field(default_factory=Counter)  # undated members' latest year named

    @property
    def pairs(self) -> int:
        return self.size * (self.size - 1) // 2


@dataclass(frozen=True, slots=True)
class Member:
    """One article of a story, packed small, kept (until the story is too large to re-read)
    so that the story can be split: keys share the story's strings, weights are float32."""

    article_id: str
    title: str
    outlet: str | None
    events: tuple[EventTuple, ...]
    terms: tuple[str, ...]
    term_weights: array[float]
    entities: tuple[str, ...]
    entity_weights: array[float]
    named: tuple[str, ...]
    protagonist: str | None
    day: date | None
    focus: PlacePoint | None
    embedding: array[float] | None
    times: tuple[str, ...] = ()  # the weekday, month and year its lead names
    hint: int | None = None  # without a date: the latest year it names

    @classmethod
    def of(cls, doc: StoryDoc, p: Profile) -> Member:
        return cls(
            doc.id,
            doc.title,
            doc.outlet,
            _event_keys(doc),
            tuple(p.terms),
            array("f", p.terms.values()),
            tuple(p.entities),
            array("f", p.entities.values()),
            tuple(p.named),
            next(iter(p.protagonists), None),
            next(iter(p.dates), None),
            next(iter(p.focus), None),
            array("f", p.embedding) if p.embedding is not None else None,
            tuple(p.times),
            next(iter(p.hints), None),
        )

    def profile(self) -> Profile:
        """The one-article profile again."""
        return Profile(
            size=1,
            terms=dict(zip(self.terms, self.term_weights, strict=True)),
            entities=dict(zip(self.entities, self.entity_weights, strict=True)),
            embedding=list(self.embedding) if self.embedding is not None else None,
            named=Counter(self.named),
            protagonists=Counter([self.protagonist] if self.protagonist else []),
            dates=Counter([self.day] if self.day else []),
            focus=Counter([self.focus] if self.focus else []),
            times=Counter(self.times),
            hints=Counter([self.hint] if self.hint is not None else []),
        )


@dataclass(slots=True)
class Story:
    """A group of articles about one happening."""

    id: str
    title: str  # the headline of its first article
    profile: Profile = field(default_factory=Profile)
    outlets: Counter[str] = field(default_factory=Counter)
    article_ids: list[str] = field(default_factory=list)
    events: Counter[EventTuple] = field(default_factory=Counter)
    members: list[Member] | None = field(default_factory=list)  # None once too large
    next_check: int = 0

    @property
    def size(self) -> int:
        return self.profile.size

    @property
    def first_seen(self) -> date | None:
        return min(self.profile.dates) if self.profile.dates else None

    @property
    def last_seen(self) -> date | None:
        return max(self.profile.dates) if self.profile.dates else None

    def keywords(self, n: int = 4) -> list[str]:
        """The heaviest terms and the names most members mention (places left out: their
        keys are GeoNames ids)."""
        words = [w for w, _ in heapq.nlargest(n, self.profile.terms.items(), key=_by_weight)]
        ranked = sorted(self.profile.named.items(), key=lambda kv: (-kv[1], kv[0]))
        names = [k.split(":", 1)[1] for k, _ in ranked if not k.startswith("geo:")]
        return words + [name for name in names[:n] if name not in words]

    @property
    def label(self) -> str:
        """The first article's headline, else its keywords."""
        return self.title or ", ".join(self.keywords())


@dataclass(slots=True)
class ClusterStats:
    articles: int = 0
    comparisons: int = 0  # links computed (article-story and story-story)
    lookups: int = 0  # posting lists read
    merges: int = 0
    splits: int = 0


class StoryClusterer:
    """Incremental story clustering (see the module docstring)."""

    def __init__(self, settings: ClusterSettings | None = None) -> None:
        self.settings = settings or ClusterSettings()
        self.stories: dict[str, Story] = {}
        self.df: Counter[str] = Counter()  # articles per term / entity key
        self.n_docs = 0
        self.index: dict[str, list[str]] = {}  # key -> stories holding it
        self.stats = ClusterStats()
        self._alias: dict[str, str] = {}  # merged story -> the story it went into
        self._home: dict[str, str] = {}  # article -> story

    # ------------------------------------------------------------------------------ public
    def add(self, doc: StoryDoc) -> Assignment:
        """Put ``doc`` in the story it links to best, or in a new one; then repair locally.
        An article already added (same id) is not added again."""
        if doc.id in self._home:
            return Assignment(self._home[doc.id], 1.0, ("already added",))
        self._count(doc)
        mine = self.profile(doc)
        member = Member.of(doc, mine)
        best: tuple[Link, Story] | None = None
        for story in self._candidates(mine):
            link = self.link(mine, story.profile)
            if best is None or link.score > best[0].score:
                best = (link, story)
        if best is None or best[0].score < self.settings.threshold:
            story = Story(id=self._new_id(doc.id), title=doc.title)
            self.stories[story.id] = story
            self._absorb(story, member, mine, None)
            why = (
                f"best candidate linked {best[0].score:.3f} < {self.settings.threshold:.3f}"
                if best is not None
                else "no candidate story shares a key"
            )
            return Assignment(story.id, 1.0, (why,), created=True)
        link, story = best
        self._absorb(story, member, mine, link)
        reasons = self._why(link, story, mine)
        parts = self._maybe_split(story)
        siblings = {part.id for part in parts}
        merged: list[str] = []
        for part in parts:
            if part.id in self.stories:
                merged += self._repair(part, avoid=siblings)
        split = tuple(p.id for p in parts[1:])
        home = self.story_of(doc.id)
        return Assignment(home, round(link.score, 4), reasons, False, tuple(merged), split)

    def add_all(self, docs: Iterable[StoryDoc]) -> list[Assignment]:
        return [self.add(doc) for doc in docs]

    def resolve(self, story_id: str) -> str:
        """The story a (possibly merged) story id now lives in."""
        while story_id in self._alias:
            story_id = self._alias[story_id]
        return story_id

    def story_of(self, article_id: str) -> str:
        """The story an article is in now (splits and merges may have moved it)."""
        return self._home[article_id]

    def membership(self) -> dict[str, str]:
        """Article id -> story id, for every article added."""
        return dict(self._home)

    # --------------------------------------------------------------------------- weighting
    def idf(self, key: str) -> float:
        return math.log((self.n_docs + 1) / (self.df[key] + 1)) + 1.0

    def _count(self, doc: StoryDoc) -> None:
        self.n_docs += 1
        self.stats.articles += 1
        self.df.update(set(doc.terms) | set(doc.entities))

    def profile(self, doc: StoryDoc) -> Profile:
        """A one-article profile: unit vectors weighted with the current IDF."""
        s = self.settings
        terms = {t: (1.0 + math.log(c)) * self.idf(t) for t, c in doc.terms.items() if c > 0}
        terms = _unit(dict(heapq.nlargest(s.doc_terms, terms.items(), key=_by_weight)))
        ents = {e: w * self.idf(e) for e, w in doc.entities.items() if w > 0}
        people = [(w, e) for e, w in ents.items() if e.startswith("per:")]
        return Profile(
            size=1,
            terms=terms,
            entities=_unit(ents),
            embedding=_unit_dense(doc.embedding) if doc.embedding is not None else None,
            named=Counter(doc.entities.keys()),
            protagonists=Counter([max(people)[1]]) if people else Counter(),
            dates=Counter([doc.anchor]) if doc.anchor is not None else Counter(),
            focus=Counter([doc.focus]) if doc.focus is not None else Counter(),
            times=Counter(doc.lead_times),
            hints=Counter([max(doc.years)] if doc.anchor is None and doc.years else []),
        )

    # ------------------------------------------------------------------------------- links
    def similarity_sum(self, a: Profile, b: Profile) -> tuple[float, float, float]:
        """Sums over all member pairs (one from each side): combined, text, entity."""
        s = self.settings
        text = _dot(a.terms, b.terms)
        ents = _dot(a.entities, b.entities)
        parts = [(s.text_weight, text), (s.entity_weight, ents)]
        if s.embedding_weight and a.embedding is not None and b.embedding is not None:
            emb = sum(x * y for x, y in zip(a.embedding, b.embedding, strict=True))
            parts.append((s.embedding_weight, emb))
        total = sum(w for w, _ in parts) or 1.0
        return sum(w * v for w, v in parts) / total, text, ents

    def coherence(self, internal: float, size: int) -> float:
        """Average internal similarity, shrunk towards the prior while pairs are few."""
        s = self.settings
        pairs = size * (size - 1) / 2
        shrunk = (internal + s.prior_pairs * s.prior_coherence) / (pairs + s.prior_pairs)
        return max(s.prior_coherence, shrunk)

    def link(self, a: Profile, b: Profile) -> Link:
        """How well ``a`` (an article or a story) fits ``b`` (see the module docstring)."""
        self.stats.comparisons += 1
        pairs = a.size * b.size
        combined, text, ents = self.similarity_sum(a, b)
        factor = self.compatibility(a, b)
        average = combined * factor / pairs
        norm = math.sqrt(self.coherence(a.internal, a.size) * self.coherence(b.internal, b.size))
        return Link(average / norm, average, text / pairs, ents / pairs, factor)

    def compatibility(self, a: Profile, b: Profile) -> float:
        """The protagonist, date and place factors, each averaged over member pairs."""
        factor = self.protagonist_factor(a, b) * self.date_factor(a, b) * self.time_factor(a, b)
        return factor * self.place_factor(a, b) if self.settings.place_penalty else factor

    def protagonist_factor(self, a: Profile, b: Profile) -> float:
        """1 - penalty x (share of pairs where one side's main person is not named by the
        other, counted from each side) / 2."""
        misses = sum(n * (b.size - b.named[p]) for p, n in a.protagonists.items())
        misses += sum(n * (a.size - a.named[p]) for p, n in b.protagonists.items())
        return 1.0 - self.settings.protagonist_penalty * misses / (2 * a.size * b.size)

    def date_factor(self, a: Profile, b: Profile) -> float:
        """The date factor averaged over pairs; a pair without both dates counts 1, unless
        one side is undated and the latest year it names lies ``year_hint_gap`` years or more
        before the other side's date (it is most likely an older report)."""
        lost = 0.0
        if a.dates and b.dates:
            lost += sum(
                na * nb * (1.0 - self._date_pair(da, db))
                for da, na in a.dates.items()
                for db, nb in b.dates.items()
            )
        if self.settings.year_hint_penalty:
            lost += self._hint_loss(a.dates, b.hints) + self._hint_loss(b.dates, a.hints)
        return 1.0 - lost / (a.size * b.size)

    def _hint_loss(self, dates: Counter[date], hints: Counter[int]) -> float:
        s = self.settings
        if not dates or not hints:
            return 0.0
        far = sum(
            nd * nh
            for d, nd in dates.items()
            for y, nh in hints.items()
            if d.year - y >= s.year_hint_gap
        )
        return s.year_hint_penalty * far

    def time_factor(self, a: Profile, b: Profile) -> float:
        """1 - the penalty of each kind (weekday, month, year) x the share of pairs whose leads
        both name one of that kind and name different ones."""
        if not a.times or not b.times:
            return 1.0
        s = self.settings
        lost = 0.0
        for kind, penalty in (("wd", s.weekday_penalty), ("mo", s.month_penalty),
                              ("yr", s.year_penalty)):  # fmt: skip
            if not penalty:
                continue
            both = _kind_count(a.times, kind) * _kind_count(b.times, kind)
            same = sum(n * b.times[k] for k, n in a.times.items() if k.startswith(kind))
            lost += penalty * (both - same)
        return max(0.0, 1.0 - lost / (a.size * b.size))

    def _date_pair(self, x: date, y: date) -> float:
        s = self.settings
        gap = abs((x - y).days)
        if gap <= s.date_window_days:
            return 1.0
        span = max(1, s.date_far_days - s.date_window_days)
        return 1.0 - s.date_penalty * min(1.0, (gap - s.date_window_days) / span)

    def place_factor(self, a: Profile, b: Profile) -> float:
        """The place factor averaged over pairs; a pair without both places counts 1."""
        far = sum(
            na * nb
            for pa, na in a.focus.items()
            for pb, nb in b.focus.items()
            if _far(pa, pb, self.settings.place_far_km)
        )
        return 1.0 - self.settings.place_penalty * far / (a.size * b.size)

    # -------------------------------------------------------------------------- candidates
    def _candidates(self, p: Profile, exclude: str | None = None) -> list[Story]:
        """Stories sharing ``p``'s heaviest keys, best first, at most ``max_candidates``."""
        hits: dict[str, float] = {}
        for key, weight in self._keys(p):
            postings = self.index.get(key)
            if not postings or len(postings) > self.settings.max_postings:
                continue
            self.stats.lookups += 1
            for story_id in {self.resolve(sid) for sid in postings}:
                if story_id != exclude and story_id in self.stories:
                    hits[story_id] = hits.get(story_id, 0.0) + weight
        ranked = sorted(hits, key=lambda sid: (-hits[sid], sid))
        return [self.stories[sid] for sid in ranked[: self.settings.max_candidates]]

    def _keys(self, p: Profile) -> list[tuple[str, float]]:
        """The ``index_keys`` heaviest terms and entities of a profile."""
        t_norm = math.sqrt(sum(w * w for w in p.terms.values())) or 1.0
        e_norm = math.sqrt(sum(w * w for w in p.entities.values())) or 1.0
        keyed = [(t, w / t_norm) for t, w in p.terms.items()]
        keyed += [(e, w / e_norm) for e, w in p.entities.items()]
        return heapq.nlargest(self.settings.index_keys, keyed, key=_by_weight)

    def _index(self, story_id: str, p: Profile) -> None:
        for key, _ in self._keys(p):
            postings = self.index.setdefault(key, [])
            if len(postings) <= self.settings.max_postings and story_id not in postings[-8:]:
                postings.append(story_id)

    # ----------------------------------------------------------------------------- updates
    def _absorb(self, story: Story, member: Member, mine: Profile, link: Link | None) -> None:
        cross = link.average * story.size if link is not None else 0.0
        self._fold(story.profile, mine, cross)
        self._add_member(story, member)
        self._index(story.id, mine)

    def _add_member(self, story: Story, member: Member) -> None:
        if member.outlet:
            story.outlets[member.outlet] += 1
        story.article_ids.append(member.article_id)
        story.events.update(member.events)
        self._home[member.article_id] = story.id
        if story.members is not None:
            story.members.append(member)
            if len(story.members) > self.settings.max_split_size:
                story.members = None  # established: no longer re-read

    def _fold(self, into: Profile, other: Profile, cross: float) -> None:
        """Add ``other``'s sums to ``into`` (``cross``: their summed pairwise similarity)."""
        into.internal += other.internal + cross
        into.size += other.size
        _add(into.terms, other.terms)
        if len(into.terms) > self.settings.story_terms:
            kept = heapq.nlargest(self.settings.story_terms, into.terms.items(), key=_by_weight)
            into.terms = dict(kept)
        _add(into.entities, other.entities)
        into.named.update(other.named)
        into.protagonists.update(other.protagonists)
        into.dates.update(other.dates)
        into.focus.update(other.focus)
        into.times.update(other.times)
        into.hints.update(other.hints)
        if other.embedding is not None:
            base = into.embedding or [0.0] * len(other.embedding)
            into.embedding = [x + y for x, y in zip(base, other.embedding, strict=True)]

    def _repair(self, story: Story, avoid: set[str]) -> list[str]:
        """Merge ``story`` with the stories it now links to at the threshold (at most
        ``max_merges``; never with the ``avoid`` ones); returns the ids of those absorbed."""
        absorbed: list[str] = []
        for _ in range(self.settings.max_merges):
            best: tuple[Link, Story] | None = None
            others = self._candidates(story.profile, exclude=story.id)
            for other in others[: self.settings.merge_candidates]:
                if other.id in avoid:
                    continue
                link = self.link(story.profile, other.profile)
                if best is None or link.score > best[0].score:
                    best = (link, other)
            if best is None or best[0].score < self.settings.threshold:
                break
            story, gone = self._merge(story, best[1], best[0])
            absorbed.append(gone.id)
        return absorbed

    def _merge(self, a: Story, b: Story, link: Link) -> tuple[Story, Story]:
        """Merge the smaller (or younger) story into the other; returns (kept, gone)."""
        keep, gone = (a, b) if (a.size, b.id) >= (b.size, a.id) else (b, a)
        self._fold(keep.profile, gone.profile, link.average * a.size * b.size)
        keep.outlets.update(gone.outlets)
        keep.article_ids.extend(gone.article_ids)
        keep.events.update(gone.events)
        for article_id in gone.article_ids:
            self._home[article_id] = keep.id
        if keep.members is None or gone.members is None:
            keep.members = None
        else:
            keep.members.extend(gone.members)
            if len(keep.members) > self.settings.max_split_size:
                keep.members = None
        del self.stories[gone.id]
        self._alias[gone.id] = keep.id
        self.stats.merges += 1
        return keep, gone

    # ------------------------------------------------------------------------------ splits
    def _maybe_split(self, story: Story) -> list[Story]:
        """Re-read ``story``'s members at checkpoint sizes; split it when they fall apart.
        Returns the story and any parts split off it (largest first)."""
        from eventwatch.stories.cluster_split import partition, weighted_pairs

        s = self.settings
        members = story.members
        if members is None or story.size < max(s.split_from, story.next_check):
            return [story]
        story.next_check = math.ceil(story.size * s.split_growth)
        profiles = [m.profile() for m in members]
        sims = weighted_pairs(profiles, self.similarity_sum, self.compatibility)
        groups = partition(sims, threshold=s.threshold, coherence=self.coherence)
        if len(groups) < 2:
            return [story]
        self.stats.splits += 1
        groups.sort(key=lambda g: (-len(g), g[0]))
        parts = [self._rebuild(story, members, groups[0], sims, keep_id=True)]
        parts += [self._rebuild(story, members, g, sims, keep_id=False) for g in groups[1:]]
        return parts

    def _rebuild(
        self,
        old: Story,
        members: list[Member],
        group: list[int],
        sims: np.ndarray,
        *,
        keep_id: bool,
    ) -> Story:
        from eventwatch.stories.cluster_split import internal_sum

        chosen = [members[i] for i in group]
        story_id, title = old.id, old.title
        if not keep_id:
            story_id, title = self._new_id(chosen[0].article_id), chosen[0].title
            self._alias.pop(story_id, None)
        story = Story(id=story_id, title=title, next_check=old.next_check)
        for member in chosen:
            profile = member.profile()
            self._fold(story.profile, profile, 0.0)
            self._add_member(story, member)
            if not keep_id:
                self._index(story_id, profile)
        story.profile.internal = internal_sum(sims, group)
        self.stories[story.id] = story
        return story

    def _new_id(self, article_id: str) -> str:
        """A story id from its first article's id (another one if that is taken)."""
        story_id, n = stable_id("story", article_id), 0
        while story_id in self.stories:
            n += 1
            story_id = stable_id("story", article_id, n)
        return story_id

    def _why(self, link: Link, story: Story, mine: Profile) -> tuple[str, ...]:
        reasons = [
            f"link {link.score:.3f}: average similarity {link.average:.3f} "
            f"(text {link.text:.2f}, entities {link.entities:.2f}, compatibility "
            f"{link.factor:.2f})"
        ]
        b = story.profile
        shared = sorted((w * b.entities[e], e) for e, w in mine.entities.items() if e in b.entities)
        if shared:
            reasons.append("shared entities: " + ", ".join(e for _, e in shared[::-1][:3]))
        reasons.append(f"story {story.label!r}: {story.size} articles")
        return tuple(reasons)


# ------------------------------------------------------------------------------------ helpers
def _event_keys(doc: StoryDoc) -> tuple[EventTuple, ...]:
    return tuple((e.type, e.actor, e.recipient, e.place) for e in doc.events)


def _kind_count(times: Counter[str], kind: str) -> int:
    return sum(n for key, n in times.items() if key.startswith(kind))


def _by_weight(item: tuple[str, float]) -> tuple[float, str]:
    return item[1], item[0]


def _unit(vector: Vector) -> Vector:
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {k: w / norm for k, w in vector.items()} if norm else {}


def _unit_dense(values: Sequence[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in values))
    return [x / norm for x in values] if norm else [0.0] * len(values)


def _dot(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[k] for k, w in a.items() if k in b)


def _add(into: Vector, other: Vector) -> None:
    for k, w in other.items():
        into[k] = into.get(k, 0.0) + w


def _far(a: PlacePoint, b: PlacePoint, km: float) -> bool:
    """Two places are far apart when neither contains the other and their centres lie more
    than ``km`` apart (or, without coordinates, in different countries)."""
    from eventwatch.places.gazetteer import distance_km

    if a.geonameid == b.geonameid:
        return False
    if a.feature == "country" or b.feature == "country":
        return a.country != b.country
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return a.country != b.country
    return distance_km(a.lat, a.lon, b.lat, b.lon) > km
