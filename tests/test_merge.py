"""Happenings: reports of one happening joined across articles, conservatively, with reasons."""

from __future__ import annotations

from datetime import date

from eventwatch.records import Actor, Event, EventDate, Place, Span
from eventwatch.stories.merge import EventMerger, Report

TAL_AFAR = Place("Tal Afar", "Tall 'Afar", 7, "city", "IRQ", "Nineveh", 36.37, 42.45, "city", 0.9)
MOSUL = Place("Mosul", "Mosul", 8, "city", "IRQ", "Nineveh", 36.34, 43.13, "city", 0.9)
NINEVEH = Place("Nineveh", "Nineveh", 9, "admin1", "IRQ", "Nineveh", 36.2, 42.6, "admin1", 0.8)
IRAQ = Place("Iraq", "Iraq", 10, "country", "IRQ", None, 33.0, 44.0, "country", 0.8)
IS = Actor("Islamic State", "IMGISL", None, "REB", "group", "Islamic State")
IRQ_MIL = Actor("Iraq military", "IRQMIL", "IRQ", "MIL", "sector", "Iraqi soldiers")
SYR_MIL = Actor("Syria military", "SYRMIL", "SYR", "MIL", "sector", "Syrian troops")


def event(
    eid: str,
    *,
    day: date = date(2026, 3, 9),
    kind: str = "ASSAULT",
    actor: Actor | None = IS,
    recipient: Actor | None = IRQ_MIL,
    place: Place | None = TAL_AFAR,
    modality: str = "asserted",
    dead: int | None = None,
    mode: str | None = None,
    precision: str = "day",
) -> Event:
    span = Span(0, 10, "evidence", "body")
    return Event(
        id=eid, article_id=f"a-{eid}", event_type=kind, mode=mode, contexts=[], actor=actor,
        recipient=recipient, place=place, date=EventDate(day, precision, "text"),
        modality=modality, evidence=span, trigger=span, dead=dead,
    )  # fmt: skip


def add(merger: EventMerger, ev: Event, outlet: str, copy_of: str | None = None):
    return merger.add(ev, Report(ev.id, ev.article_id, outlet, copy_of))


def test_reports_of_one_attack_are_one_happening_with_reasons() -> None:
    merger = EventMerger()
    first = add(merger, event("e1", dead=11), "Wire A")
    second = add(merger, event("e2", day=date(2026, 3, 10), dead=12), "Wire B")
    assert not first.merged and second.merged
    assert second.happening is first.happening
    happening = first.happening
    assert happening.report_count == 2 and happening.outlets == 2
    assert happening.dead == 12
    reasons = " ".join(second.reasons)
    assert "same type ASSAULT" in reasons and "same actor IMGISL" in reasons
    assert "same place Tall 'Afar" in reasons and "1 day(s) apart" in reasons
    assert happening.explanation[0].startswith("e2: ")


def test_a_syndicated_copy_adds_a_report_but_no_outlet() -> None:
    merger = EventMerger()
    add(merger, event("e1"), "Wire A")
    copy = add(merger, event("e2"), "Daily Paper", copy_of="a-e1")
    assert copy.merged
    assert copy.happening.report_count == 2 and copy.happening.outlets == 1


def test_conflicting_evidence_keeps_reports_apart() -> None:
    cases = [
        event("x", place=MOSUL),  # a different city, 60 km away
        event("x", recipient=SYR_MIL),  # a different target country
        event("x", day=date(2026, 3, 20)),  # eleven days later
        event("x", kind="THREATEN"),  # a threat is not the attack
        event("x", modality="negated"),  # a denial is not the attack
        event("x", dead=40),  # 40 dead against 11: two attacks
        event("x", mode="aerial"),  # against a bombing
    ]
    for other in cases:
        merger = EventMerger()
        add(merger, event("e1", dead=11, mode="explosives"), "Wire A")
        decision = add(merger, other, "Wire B")
        assert not decision.merged, other
        assert len(merger.happenings) == 2


def test_type_date_and_one_party_alone_do_not_make_a_happening() -> None:
    for actor, recipient in ((None, None), (IS, None), (None, IRQ_MIL)):
        merger = EventMerger()
        add(merger, event("e1", actor=actor, recipient=recipient, place=None), "Wire A")
        decision = add(merger, event("e2", actor=actor, recipient=recipient, place=None), "Wire B")
        assert not decision.merged


def test_a_city_and_its_region_are_compatible_but_not_an_anchor() -> None:
    merger = EventMerger()
    add(merger, event("e1"), "Wire A")
    assert add(merger, event("e2", place=NINEVEH), "Wire B").merged  # actor and recipient agree
    merger = EventMerger()
    add(merger, event("e1", recipient=None), "Wire A")
    assert not add(merger, event("e2", place=IRAQ, recipient=None), "Wire B").merged


def test_month_precise_dates_match_only_within_their_month() -> None:
    merger = EventMerger()
    add(merger, event("e1", day=date(2026, 3, 1), precision="month"), "Wire A")
    assert add(merger, event("e2", day=date(2026, 3, 2)), "Wire B").merged
    merger = EventMerger()
    add(merger, event("e1", day=date(2026, 2, 1), precision="month"), "Wire A")
    assert not add(merger, event("e2", day=date(2026, 3, 2)), "Wire B").merged


def test_candidates_come_from_the_index_not_the_whole_history() -> None:
    merger = EventMerger()
    for n in range(300):  # 300 happenings spread over 300 days
        add(merger, event(f"h{n}", day=date(2025, 1, 1).fromordinal(739000 + n)), "Wire")
    merger.comparisons = 0
    add(merger, event("probe", day=date(2025, 1, 1).fromordinal(739150)), "Wire")
    assert merger.comparisons <= 3 * 7  # the event's week and its neighbours only


def test_an_article_restating_a_happening_is_one_report() -> None:
    merger = EventMerger()
    first = event("e1")
    again = event("e2")
    again.article_id = first.article_id
    add(merger, first, "Wire A")
    decision = add(merger, again, "Wire A")
    assert decision.merged and decision.happening.report_count == 1
