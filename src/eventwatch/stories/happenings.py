"""Happenings kept in the store: each coded event filed under the happening it reports.

:class:`HappeningLinker` runs :class:`~eventwatch.stories.merge.EventMerger` over the events
of each batch a run stores. The merger's candidates for an event are the happenings of its
type and country in its week and the two next to it; the linker reads just those from the
store (table ``happenings`` and the first report's event), so the work per event does not grow
with the store. It then writes, in one transaction: the new happenings, each event's
``happening_id`` and why it joined (``happening_reason``), and for every happening that gained
a report its counts, also copied onto each of its events: ``reports`` (articles reporting it)
and ``outlets`` (independent outlets: a near-duplicate copy of an article already among the
reports adds a report, not an outlet).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eventwatch.records import Article, Event, Status
from eventwatch.stories.merge import EventMerger, Happening, Report, candidate_keys, index_key

if TYPE_CHECKING:
    from eventwatch.store import Store

DEFAULT_CACHE = 20_000  # happenings kept decoded between batches


@dataclass(slots=True)
class HappeningChanges:
    """What one batch changed, as :meth:`Store.save_happenings` writes it."""

    created: list[dict[str, Any]] = field(default_factory=list)  # rows of ``happenings``
    filed: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    # (event id, article id, happening id, reason)
    touched: set[str] = field(default_factory=set)  # happenings whose counts to recompute


class HappeningLinker:
    """Files the events of stored batches under happenings (see the module docstring)."""

    def __init__(
        self,
        store: Store,
        *,
        days: int = 2,
        near_km: float = 25.0,
        toll_ratio: float = 0.5,
        cache: int = DEFAULT_CACHE,
    ) -> None:
        self.store = store
        self.days = days
        self.near_km = near_km
        self.toll_ratio = toll_ratio
        self.cache = cache
        self._known: dict[str, Happening] = {}  # happenings read or made in this run

    def link_batch(self, articles: Iterable[Article], copies: Mapping[str, str]) -> int:
        """File the events of the coded ``articles`` (already stored); ``copies`` maps a
        near-duplicate article to its original. Returns how many events joined an earlier
        happening (an event that starts one is not counted)."""
        reports = [
            (event, article)
            for article in articles
            if article.status == Status.CODED
            for event in article.events
        ]
        if not reports:
            return 0
        merger = EventMerger(days=self.days, near_km=self.near_km, toll_ratio=self.toll_ratio)
        keys = sorted({key for event, _ in reports for key in candidate_keys(event)})
        for happening in self._candidates(keys):
            merger.restore(happening)
        changes = HappeningChanges()
        joined = 0
        for event, article in reports:
            report = Report(event.id, article.id, article.outlet, copies.get(article.id))
            decision = merger.add(event, report)
            happening = decision.happening
            reason = "; ".join(decision.reasons) if decision.merged else None
            if not decision.merged:
                changes.created.append(_row(happening.id, event))
            joined += decision.merged
            changes.filed.append((event.id, article.id, happening.id, reason))
            changes.touched.add(happening.id)
            event.happening_id, event.happening_reason = happening.id, reason
        self.store.save_happenings(changes)
        if len(self._known) > self.cache:
            self._known.clear()
        for happening_id in changes.touched:  # the store has their reports and reasons now
            happening = merger.happenings[happening_id]
            happening.reports.clear()
            happening.explanation.clear()
            self._known[happening_id] = happening
        return joined

    def forget(self) -> None:
        """Drop the happenings read so far (after the store changed them behind our back)."""
        self._known.clear()

    def _candidates(self, keys: list[tuple[str, str, int]]) -> list[Happening]:
        """The happenings filed under ``keys``, their first reports decoded once per run."""
        ids = self.store.happening_ids(keys)
        todo = [i for i in ids if i not in self._known]
        for happening_id, event, dead in self.store.happenings_by_id(todo):
            self._known[happening_id] = Happening(happening_id, event, [], [], dead)
        return [self._known[i] for i in ids if i in self._known]


def _row(happening_id: str, event: Event) -> dict[str, Any]:
    kind, country, week = index_key(event)
    day = event.date.value.isoformat() if event.date.value is not None else None
    return {
        "id": happening_id,
        "event_id": event.id,
        "article_id": event.article_id,
        "event_type": kind,
        "mode": event.mode,
        "modality": str(event.modality),
        "country": country,
        "week": week,
        "first_date": day,
        "last_date": day,
        "dead": event.dead,
    }
