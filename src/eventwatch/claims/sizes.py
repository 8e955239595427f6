"""Event sizes from claims: a dead, injured or arrested claim sizes the event of its sentence."""

from __future__ import annotations

from dataclasses import replace

from eventwatch.records import Article, Claim, Event


def with_event_sizes(claims: list[Claim], article: Article) -> list[Claim]:
    """Link each dead, injured or arrested claim to the event of its sentence it sizes, and
    give that event the size when it has none yet."""
    sizes = {"killed": "dead", "injured": "injured", "arrested": "arrested"}
    linked: list[Claim] = []
    for claim in claims:
        field = sizes.get(claim.indicator)
        event = _event_for(claim, article) if field else None
        if event is None:
            linked.append(claim)
            continue
        q = claim.quantity  # a stated number sizes an event; "dozens" does not
        size = q.value if q.value is not None else (q.low if q.qualifier == "range" else None)
        if getattr(event, field) is None and size is not None and claim.modality == "asserted":
            setattr(event, field, int(size))
        linked.append(replace(claim, event_id=event.id))
    return linked


def _event_for(claim: Claim, article: Article) -> Event | None:
    same = [e for e in article.events if e.evidence == claim.evidence]
    if not same:
        return None
    violent = ("ASSAULT", "COERCE", "PROTEST")
    wanted = {"killed": violent, "injured": violent, "arrested": ("COERCE",)}[claim.indicator]
    fitting = [e for e in same if e.event_type in wanted]
    return fitting[0] if fitting else None
