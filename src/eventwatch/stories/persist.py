"""Stories kept in the store: the incremental clusterer across runs, without a full recompute.

:class:`StoryBook` is a :class:`~eventwatch.stories.cluster.StoryClusterer` whose state lives
in the SQLite store (tables ``stories``, ``story_articles``, ``story_keys``, ``story_terms``,
``story_meta``; ``docs/store.md``) and is read only where a new article needs it:

* the document frequencies of the article's own words and names (``story_terms``), and the
  number of articles seen (``story_meta``), for its TF-IDF weights;
* the postings of its heaviest keys (``story_keys``: which stories hold each key), to find its
  candidate stories; a key held by more than ``max_postings`` stories is not looked up, as in
  memory;
* the running sums of the few candidate stories it is compared with (``stories.state``): they
  are decoded when first compared and kept for the rest of the run, up to ``cache`` stories.

After each batch the stories that changed (joined, created, merged, split) are written back in
one transaction with the new postings, frequencies and memberships; a story merged into another
is deleted and its postings and articles move to the story that absorbed it. The work per
article stays bounded whatever the size of the store, and the stories of articles added in
several runs are those of the same articles added in one (same order, same settings).

The state of a story is plain data (JSON, zlib-compressed; weights of packed members as
float32 bytes): no pickle, so a database file from elsewhere cannot run code.
"""

from __future__ import annotations

import base64
import itertools
import json
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from eventwatch.errors import StoreError
from eventwatch.stories.cluster import (
    Assignment,
    ClusterSettings,
    Link,
    Member,
    Profile,
    Story,
    StoryClusterer,
)
from eventwatch.stories.features import PlacePoint, StoryDoc

if TYPE_CHECKING:
    from eventwatch.store import Store

STATE_FORMAT = 1  # bump when the encoding of a story's state changes
DEFAULT_CACHE = 5_000  # stories kept decoded between batches (about 45 KB each)
ALREADY_PLACED = "already placed by an earlier run"
KEYS_PER_STORY = 100  # keys' postings and frequencies kept in memory per cached story


# ------------------------------------------------------------------------------ encoding
# A story's state is its dataclasses (Story, Profile, Member) field by field, each value tagged
# by type where JSON would lose it. A field a later version adds is left at its default when an
# older state is read; a field it no longer has is ignored.
def _enc(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, PlacePoint):
        return {"p": [getattr(value, f.name) for f in fields(PlacePoint)]}
    if isinstance(value, array):
        return {"f": base64.b64encode(value.tobytes()).decode("ascii"), "k": value.typecode}
    if isinstance(value, Counter):
        return {"c": [[_enc(k), n] for k, n in value.items()]}
    if isinstance(value, dict):
        if all(type(k) is str for k in value) and all(type(v) is float for v in value.values()):
            return {"w": [list(value), list(value.values())]}  # weights: the common case
        return {"m": [[_enc(k), _enc(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"t": [_enc(v) for v in value]}
    if isinstance(value, list):
        return [_enc(v) for v in value]
    if is_dataclass(value):
        return {"o": {f.name: _enc(getattr(value, f.name)) for f in fields(value)}}
    raise TypeError(f"cannot store a {type(value).__name__} in a story's state")


def _dec(value: Any) -> Any:
    if isinstance(value, list):
        return [_dec(v) for v in value]
    if not isinstance(value, dict):
        return value
    (tag, body), *_ = value.items()
    if tag == "d":
        return date.fromisoformat(body)
    if tag == "p":
        return PlacePoint(*body)
    if tag == "f":
        values = array(value.get("k", "f"))
        values.frombytes(base64.b64decode(body))
        return values
    if tag == "c":
        return Counter({_hashable(_dec(k)): n for k, n in body})
    if tag == "w":
        return dict(zip(body[0], body[1], strict=True))
    if tag == "m":
        return {_hashable(_dec(k)): _dec(v) for k, v in body}
    if tag == "t":
        return tuple(_dec(v) for v in body)
    if tag == "o":
        return body  # a nested record: built by _record with its type
    raise StoreError(f"a stored story state holds an unknown value tag {tag!r}")


def _hashable(value: Any) -> Any:
    return tuple(_hashable(v) for v in value) if isinstance(value, list) else value


def _record(kind: type[Any], data: dict[str, Any]) -> Any:
    """An instance of the dataclass ``kind`` from its encoded fields."""
    known = {f.name for f in fields(kind)}
    return kind(**{k: _dec(v) for k, v in data.items() if k in known})


def encode_story(story: Story) -> bytes:
    """A story's state as compressed JSON."""
    state = {
        "format": STATE_FORMAT,
        "story": {f.name: _enc(getattr(story, f.name)) for f in fields(Story)
                  if f.name not in ("profile", "members")},
        "profile": {f.name: _enc(getattr(story.profile, f.name)) for f in fields(Profile)},
        "members": None if story.members is None else [
            {f.name: _enc(getattr(m, f.name)) for f in fields(Member)} for m in story.members
        ],
    }  # fmt: skip
    return zlib.compress(json.dumps(state, separators=(",", ":")).encode("utf-8"), 6)


def decode_story(data: bytes) -> Story:
    """The story :func:`encode_story` wrote."""
    try:
        state = json.loads(zlib.decompress(data))
    except (zlib.error, ValueError) as exc:
        raise StoreError(f"a stored story state cannot be read: {exc}") from exc
    if state.get("format") != STATE_FORMAT:
        raise StoreError(
            f"a story was stored in state format {state.get('format')}, this eventwatch reads "
            f"{STATE_FORMAT}: rebuild the stories (eventwatch stories --rebuild)"
        )
    story = _record(Story, state["story"])
    story.profile = _record(Profile, state["profile"])
    members = state["members"]
    story.members = None if members is None else [_record(Member, m) for m in members]
    return story


# ------------------------------------------------------------------------------ the book
class _LazyStories(dict[str, Story]):
    """The clusterer's ``stories``: decoded stories, and the ids the store is known to hold
    (from the postings read), decoded on first access."""

    def __init__(self, book: StoryBook) -> None:
        super().__init__()
        self._book = book
        self.known: set[str] = set()

    def __contains__(self, story_id: object) -> bool:
        return dict.__contains__(self, story_id) or story_id in self.known

    def __missing__(self, story_id: str) -> Story:
        if story_id not in self.known:
            raise KeyError(story_id)
        story = self._book._load(story_id)
        self[story_id] = story
        return story

    def __delitem__(self, story_id: str) -> None:
        self.known.discard(story_id)
        if dict.__contains__(self, story_id):
            dict.__delitem__(self, story_id)


@dataclass(slots=True)
class StoryChanges:
    """What one batch changed, as the store writes it (:meth:`Store.save_stories`)."""

    stories: list[dict[str, Any]] = field(default_factory=list)  # rows of ``stories``
    gone: dict[str, str] = field(default_factory=dict)  # merged story -> story it went into
    postings: list[tuple[str, str]] = field(default_factory=list)  # (key, story id)
    terms: list[tuple[str, int]] = field(default_factory=list)  # (key, document frequency)
    n_docs: int = 0
    placed: list[tuple[str, str, float, str]] = field(default_factory=list)  # new articles
    moved: dict[str, str] = field(default_factory=dict)  # article -> story, for every change


class StoryBook(StoryClusterer):
    """A story clusterer backed by a :class:`~eventwatch.store.Store` (module docstring)."""

    def __init__(
        self,
        store: Store,
        settings: ClusterSettings | None = None,
        *,
        cache: int = DEFAULT_CACHE,
    ) -> None:
        super().__init__(settings)
        self.store = store
        self.cache = cache
        self.stories = _LazyStories(self)
        self.n_docs = store.story_documents()
        self._fetched: set[str] = set()  # keys whose postings were read from the store
        self._df_read: set[str] = set()
        self._last_keys: tuple[Profile, int, list[tuple[str, float]]] | None = None
        self._reset_changes()

    def _reset_changes(self) -> None:
        self._dirty: set[str] = set()
        self._gone: dict[str, str] = {}
        self._postings: list[tuple[str, str]] = []
        self._df_dirty: set[str] = set()
        self._placed: list[tuple[str, str, float, str]] = []
        self._moved: dict[str, str] = {}

    # ---------------------------------------------------------------- public
    def add_docs(self, docs: Iterable[StoryDoc]) -> list[Assignment]:
        """Place a batch of articles and write what changed to the store (one transaction).
        Articles already placed by an earlier run keep their story."""
        docs = list(docs)
        placed = self.store.story_of_articles([d.id for d in docs])
        out: list[Assignment] = []
        for doc in docs:
            if doc.id in placed or doc.id in self._home:
                home = placed.get(doc.id) or self.story_of(doc.id)
                out.append(Assignment(home, 1.0, (ALREADY_PLACED,)))
                continue
            assignment = self.add(doc)
            self._placed.append(
                (doc.id, assignment.story_id, assignment.score, json.dumps(assignment.reasons))
            )
            out.append(assignment)
        self.flush()
        return out

    def flush(self) -> None:
        """Write the changes since the last flush; forget decoded stories past ``cache``."""
        changes = self.changes()
        if changes.stories or changes.gone or changes.placed:
            self.store.save_stories(changes)
        self._reset_changes()
        self._trim()

    def changes(self) -> StoryChanges:
        """The rows to write for what changed since the last flush."""
        gone = {g: self.resolve(g) for g in self._gone}
        rows = [self._row(self.stories[s]) for s in sorted(self._dirty) if s not in gone]
        return StoryChanges(
            stories=rows,
            gone=gone,
            postings=sorted({(k, self.resolve(s)) for k, s in self._postings}),
            terms=sorted((k, self.df[k]) for k in self._df_dirty),
            n_docs=self.n_docs,
            placed=[(a, self.story_of(a), score, why) for a, _, score, why in self._placed],
            moved={a: self.story_of(a) for a in self._moved},
        )

    # ---------------------------------------------------------------- store access
    def _load(self, story_id: str) -> Story:
        data = self.store.story_state(story_id)
        if data is None:
            raise StoreError(f"story {story_id} is indexed but not stored: rebuild the stories")
        return decode_story(data)

    def _fetch(self, keys: Iterable[str]) -> None:
        todo = [k for k in keys if k not in self._fetched]
        if not todo:
            return
        limit = self.settings.max_postings + 2
        for key, story_ids in self.store.story_postings(todo, limit=limit).items():
            mine = self.index.get(key, [])
            self.index[key] = story_ids + [s for s in mine if s not in story_ids]
            self.stories.known.update(s for s in story_ids if s not in self._gone)
        self._fetched.update(todo)

    def _trim(self) -> None:
        """Past ``cache`` decoded stories, forget the older half (first decoded or made
        first; they are decoded again if needed); past ``KEYS_PER_STORY`` x ``cache`` keys
        read, forget the postings and frequencies too. The store holds it all."""
        decoded = dict.__len__(self.stories)
        if decoded > self.cache:
            old = list(itertools.islice(dict.keys(self.stories), decoded - self.cache // 2))
            for story_id in old:
                dict.__delitem__(self.stories, story_id)  # still known: decoded on demand
        if len(self._fetched) + len(self._df_read) > KEYS_PER_STORY * self.cache:
            self.index.clear()
            self._fetched.clear()
            self.df.clear()
            self._df_read.clear()
            self._alias.clear()

    def _row(self, story: Story) -> dict[str, Any]:
        return {
            "id": story.id,
            "label": story.label,
            "first_seen": story.first_seen.isoformat() if story.first_seen else None,
            "last_seen": story.last_seen.isoformat() if story.last_seen else None,
            "articles": story.size,
            "outlets": len(story.outlets),
            "keywords": json.dumps(story.keywords(), ensure_ascii=False),
            "state": encode_story(story),
        }

    # ---------------------------------------------------------------- clusterer hooks
    def _count(self, doc: StoryDoc) -> None:
        keys = set(doc.terms) | set(doc.entities)
        todo = [k for k in keys if k not in self._df_read]
        if todo:
            self.df.update(self.store.story_frequencies(todo))
            self._df_read.update(todo)
        super()._count(doc)
        self._df_dirty.update(keys)

    def _keys(self, p: Profile) -> list[tuple[str, float]]:
        """The heaviest keys of ``p``, computed once for the hooks below and the clusterer's
        own use of them (a profile changes only by growing: its size tells a new state)."""
        last = self._last_keys
        if last is None or last[0] is not p or last[1] != p.size:
            self._last_keys = last = (p, p.size, super()._keys(p))
        return last[2]

    def _candidates(self, p: Profile, exclude: str | None = None) -> list[Story]:
        self._fetch(k for k, _ in self._keys(p))
        return super()._candidates(p, exclude)

    def _index(self, story_id: str, p: Profile) -> None:
        keys = [k for k, _ in self._keys(p)]
        self._fetch(keys)
        before = {k: len(self.index.get(k, ())) for k in keys}
        super()._index(story_id, p)
        self._postings += [(k, story_id) for k in keys if len(self.index.get(k, ())) > before[k]]

    def _add_member(self, story: Story, member: Member) -> None:
        super()._add_member(story, member)
        self._dirty.add(story.id)
        self._moved[member.article_id] = story.id

    def _merge(self, a: Story, b: Story, link: Link) -> tuple[Story, Story]:
        keep, gone = super()._merge(a, b, link)
        self._dirty.add(keep.id)
        self._dirty.discard(gone.id)
        self._gone[gone.id] = keep.id
        for article_id in gone.article_ids:
            self._moved[article_id] = keep.id
        return keep, gone

    def _new_id(self, article_id: str) -> str:
        story_id = super()._new_id(article_id)
        n = 0
        while story_id in self._gone or self.store.story_state(story_id) is not None:
            n += 1
            story_id = super()._new_id(f"{article_id}#{n}")
        return story_id
