"""Claims side by side: estimates grouped by (subject, indicator), in date order, with the ones
that contradict each other marked, never averaged.

Each claim states bounds: "20,000 to 32,000" is [20,000, 32,000], "at least 20" is [20, ∞),
"up to 5,000" is (−∞, 5,000], "12" is [12, 12]; an approximate value ("about 17,500") is widened
by :data:`APPROX_MARGIN` on either side. Two claims of one group **conflict** when they count in
the same unit, are not about two different countries, come from different claimants or dates, and
their bounds do not overlap. A vague amount without bounds ("a large crowd") never conflicts.

>>> from eventwatch.store import ClaimQuery, Store, describe, group_claims
>>> with Store.open("eventwatch.db") as store:                      # doctest: +SKIP
...     for group in group_claims(store.claim_pairs(ClaimQuery(indicator="fighters"))):
...         for estimate in group.estimates:
...             print(estimate.number, describe(estimate.claim), estimate.conflicts)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from eventwatch.records import Actor, Claim, Indicator, Place, Qualifier, Quantity
from eventwatch.store.exports import ArticleRef

#: Share of an approximate value ("about 100") taken as its margin on either side.
APPROX_MARGIN = 0.10

_QUALIFIER_WORDS: dict[str, str] = {
    Qualifier.EXACT.value: "exact",
    Qualifier.APPROX.value: "approx",
    Qualifier.AT_LEAST.value: "at least",
    Qualifier.AT_MOST.value: "at most",
    Qualifier.RANGE.value: "range",
    Qualifier.VAGUE.value: "vague",
}
_INDICATOR_ORDER = {i.value: n for n, i in enumerate(Indicator)}


@dataclass(frozen=True, slots=True)
class Estimate:
    """One claim in its group: its date, its number in the group (from 1) and the numbers of
    the estimates of the same group it contradicts."""

    claim: Claim
    ref: ArticleRef
    day: date | None  # the claim's as-of date, else the article's publication day
    number: int
    conflicts: tuple[int, ...] = ()


@dataclass(slots=True)
class ClaimGroup:
    """The estimates of one indicator for one subject (None: the claims with no subject)."""

    subject: Actor | None
    indicator: str
    estimates: list[Estimate] = field(default_factory=list)

    @property
    def conflicting(self) -> bool:
        return any(e.conflicts for e in self.estimates)


# ---------------------------------------------------------------------------- numbers
def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _unit_suffix(unit: str | None) -> str:
    if not unit or unit == "people":
        return ""
    return "%" if unit == "percent" else f" {unit}"


def _first(*values: float | None) -> float | None:
    return next((v for v in values if v is not None), None)


def _amount(quantity: Quantity, suffix: str) -> str:
    low, high, value = quantity.low, quantity.high, quantity.value
    floor, ceiling = _first(low, value), _first(high, value)
    if quantity.qualifier == Qualifier.AT_LEAST and floor is not None:
        return f"≥{_number(floor)}{suffix}"
    if quantity.qualifier == Qualifier.AT_MOST and ceiling is not None:
        return f"≤{_number(ceiling)}{suffix}"
    if value is not None:
        return f"{'~' if quantity.approximate else ''}{_number(value)}{suffix}"
    if low is not None and high is not None:
        span = _number(low) if low == high else f"{_number(low)}–{_number(high)}"
        return span + suffix
    if low is not None:
        return f"≥{_number(low)}{suffix}"
    if high is not None:
        return f"≤{_number(high)}{suffix}"
    return quantity.label or quantity.text


def describe(claim_or_quantity: Claim | Quantity, unit: str | None = None) -> str:
    """The amount normalised, with how it was stated: ``20,000–32,000 (range)``,
    ``~17,500 (approx)``, ``≥20 (at least)``, ``40% (exact)``, ``200–999 (hundreds)``."""
    if isinstance(claim_or_quantity, Claim):
        quantity, unit = claim_or_quantity.quantity, claim_or_quantity.unit
    else:
        quantity = claim_or_quantity
    qualifier = str(quantity.qualifier)
    how = quantity.label or _QUALIFIER_WORDS.get(qualifier, qualifier)
    amount = _amount(quantity, _unit_suffix(unit))
    return amount if amount == how else f"{amount} ({how})"


def bounds(quantity: Quantity) -> tuple[float, float] | None:
    """The interval a quantity states (open ends are infinite), or None when it states none."""
    low, high, value = quantity.low, quantity.high, quantity.value
    if low is None and high is None:
        if value is None:
            return None
        if quantity.qualifier == Qualifier.AT_LEAST:
            low = value
        elif quantity.qualifier == Qualifier.AT_MOST:
            high = value
        else:
            low = high = value
    lo = -math.inf if low is None else float(low)
    hi = math.inf if high is None else float(high)
    if quantity.approximate:
        lo -= abs(lo) * APPROX_MARGIN if math.isfinite(lo) else 0.0
        hi += abs(hi) * APPROX_MARGIN if math.isfinite(hi) else 0.0
    return lo, hi


# ---------------------------------------------------------------------------- conflicts
def claimant_key(claim: Claim) -> str | None:
    """Who stands behind a claim: the resolved claimant, else the words as written, else None
    (unattributed)."""
    if claim.claimant is not None:
        return f"{claim.claimant.code}|{claim.claimant.name}".casefold()
    return " ".join(claim.claimant_text.split()).casefold() if claim.claimant_text else None


def _place_key(place: Place | None) -> str | None:
    """The country a claim is about: claims about two countries ("fighters in Iraq", "in
    Syria") count different things; within one country a city may be the story's dateline, not
    the claim's scope, so it does not separate them; a continent names no country."""
    return place.country if place is not None else None


def contradicts(a: Estimate, b: Estimate) -> bool:
    """Whether two estimates of one group contradict each other (see the module doc)."""
    if a.claim.unit != b.claim.unit:
        return False
    place_a, place_b = _place_key(a.claim.place), _place_key(b.claim.place)
    if place_a is not None and place_b is not None and place_a != place_b:
        return False
    if claimant_key(a.claim) == claimant_key(b.claim) and a.day == b.day:
        return False
    first, second = bounds(a.claim.quantity), bounds(b.claim.quantity)
    if first is None or second is None:
        return False
    return first[1] < second[0] or second[1] < first[0]


def claim_day(claim: Claim, ref: ArticleRef) -> date | None:
    """The claim's as-of date, else the day its article was published."""
    if claim.as_of is not None and claim.as_of.value is not None:
        return claim.as_of.value
    if ref.published:
        try:
            return date.fromisoformat(ref.published[:10])
        except ValueError:
            return None
    return None


def _subject_key(subject: Actor | None) -> tuple[str, str]:
    if subject is None:
        return ("", "")
    return (subject.code or "", subject.name.casefold())


def group_claims(pairs: Iterable[tuple[Claim, ArticleRef]]) -> list[ClaimGroup]:
    """Claims grouped by (subject, indicator), each group in the order the claims came (the
    store gives them by date), with the contradictions marked. Groups are ordered by subject
    name (claims without a subject last), then indicator."""
    groups: dict[tuple[tuple[str, str], str], ClaimGroup] = {}
    for claim, ref in pairs:
        key = (_subject_key(claim.subject), str(claim.indicator))
        group = groups.setdefault(key, ClaimGroup(claim.subject, str(claim.indicator)))
        number = len(group.estimates) + 1
        group.estimates.append(Estimate(claim, ref, claim_day(claim, ref), number))
    for group in groups.values():
        _mark(group)
    return sorted(groups.values(), key=_group_order)


def _mark(group: ClaimGroup) -> None:
    items = group.estimates
    found: list[list[int]] = [[] for _ in items]
    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            if contradicts(a, items[j]):
                found[i].append(items[j].number)
                found[j].append(a.number)
    group.estimates = [
        Estimate(e.claim, e.ref, e.day, e.number, tuple(hits))
        for e, hits in zip(items, found, strict=True)
    ]


def _group_order(group: ClaimGroup) -> tuple[bool, str, int, str]:
    name = group.subject.name.casefold() if group.subject is not None else ""
    return (
        group.subject is None,
        name,
        _INDICATOR_ORDER.get(group.indicator, len(_INDICATOR_ORDER)),
        group.indicator,
    )
