"""What one report's claims add up to: the dead a report states, the size of its crowd.

A report often restates a count ("killing 3 people... 3 fatalities") or corrects it at its
end ("Fatalities coded as 0"). :func:`reported_total` reads it the way an editor would: a
closing tally (a sentence that counts with a casualty noun: "2 fatalities", "the death toll
rose to 12") is the report's own total, the last one winning; without one, the clauses'
counts add up across sentences (each sentence already adds up its distinct victims). Only
asserted, current claims count: an earlier estimate, a threat or a denial states no total.
"""

from __future__ import annotations

from collections.abc import Iterable

from eventwatch.records import Claim, Quantity

TALLY_WORDS = ("fatalit", "death", "dead", "bod", "toll", "corpse", "casualt", "injur",
               "wounded")  # fmt: skip


def amount(quantity: Quantity) -> float | None:
    """One number for a quantity: its value, else the bound it states ("more than 600": 600),
    else the middle of a range; None for vague words."""
    if quantity.value is not None:
        return quantity.value
    if quantity.label is not None:
        return None
    if quantity.low is not None and quantity.high is not None:
        return (quantity.low + quantity.high) / 2
    return quantity.low if quantity.low is not None else quantity.high


def is_tally(claim: Claim) -> bool:
    """A count stated with a casualty noun ("3 fatalities", "the toll"), not a victim."""
    counted = (claim.counted or "").lower().split()
    return bool(counted) and counted[-1].startswith(TALLY_WORDS)


def current(claims: Iterable[Claim], indicator: str) -> list[Claim]:
    """The report's own, asserted, current claims of ``indicator``."""
    return [
        c for c in claims
        if c.indicator == indicator and c.modality == "asserted" and not c.prior
    ]  # fmt: skip


def reported_total(claims: Iterable[Claim], indicator: str = "killed") -> int | None:
    """The total of ``indicator`` a report states (see the module docstring); None: none
    stated with a number."""
    chosen = current(claims, indicator)
    sentences: dict[tuple[str, int], list[Claim]] = {}
    for claim in chosen:
        sentences.setdefault((claim.evidence.field, claim.evidence.start), []).append(claim)
    tallies: list[float] = []
    clauses: list[float] = []
    for group in sentences.values():
        values = [v for v in (amount(c.quantity) for c in group) if v is not None]
        if not values:
            continue
        if all(is_tally(c) for c in group):
            tallies.append(sum(values))
        else:
            clauses.append(sum(values))
    if tallies:
        return int(tallies[-1])
    return int(sum(clauses)) if clauses else None


def first_claim(claims: Iterable[Claim], indicator: str) -> Claim | None:
    """The report's first asserted, current claim of ``indicator`` (its lead figure)."""
    chosen = current(claims, indicator)
    return min(chosen, key=lambda c: (c.evidence.field == "title", c.span.start), default=None)
