"""Candidate ranking: which gazetteer entry each toponym of an article names.

Mentions that share a name key form a :class:`Group` (one sense per article: every "Tripoli"
of a story is the same Tripoli). Each candidate of a group gets a score in log10-population
units (:class:`Weights`):

* a prior by feature type: a country's name is the country, a region is worth a city of two
  million, a city its population;
* a bonus when the name as written is the entry's main name rather than an alternate one;
* the article's **country context**: demonyms, named countries, the dateline (counted three
  times) and, in a second pass, the places resolved in the first; each group is scored against
  the context of the *other* groups (leave one out), so a name does not vouch for itself;
* the **admin1 context** ("in Nineveh province ... Tal Afar");
* a **qualifier** ("Tripoli, Lebanon", "Paris, Texas"), and cue words ("province", "the town of").

Scores become probabilities with a softmax, so confidence reflects the margin between the best
candidate and the others.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from eventwatch.places.gazetteer import Entry, Gazetteer
from eventwatch.places.mentions import CountryHint, Mention
from eventwatch.places.normalize import similarity, skeleton

FEATURE_WEIGHT = {"country": 1.0, "admin1": 0.8, "admin2": 0.7, "city": 0.6, "continent": 0.0}


@dataclass(frozen=True, slots=True)
class Weights:
    """Ranking weights, in log10-population units."""

    population: float = 1.0  # per log10 of a city's population
    country_prior: float = 7.5  # a country counts as a city of 10**7.5
    admin1_floor: float = 5.0  # a region counts as a city of its country's population over
    admin1_ceiling: float = 7.0  # its number of regions, within these bounds
    admin2_floor: float = 4.0  # a district likewise, over its country's number of districts
    admin2_ceiling: float = 5.5
    continent_prior: float = 8.5
    seat_prior: float = 3.7  # GeoNames admin seats listed without a population
    primary_name: float = 1.5  # the name as written is the entry's main name, or a spelling
    # of it (``_spelling``: "Odessa" is Odesa's)
    prominence: float = 0.5  # per log10 of the number of names GeoNames knows a place by
    foreign_alias: float = 1.5  # the name is an alternate name unlike the main one ("Salisbury"
    # for Harare): a translation or a historical name, rarely what news means
    alias_similarity: float = 0.7  # below this similarity an alternate name is "unlike"
    capital: float = 1.0  # national capitals are news places (when named by their main name)
    context: float = 3.0  # times the share of the article's country evidence
    neighbours: float = 0.5  # times the share of the evidence for neighbouring countries
    admin_context: float = 2.0  # times the share of the article's admin1 evidence
    qualifier: float = 4.0  # "Paris, Texas": candidates in Texas
    qualifier_miss: float = 2.0  # ... and those elsewhere
    qualified_inside: float = 3.0  # "Minna (Chanchaga LGA, Niger)": the Niger that holds Minna
    admin_cue: float = 3.0  # "Raqqa province"
    city_cue: float = 1.5  # "the town of Tal Afar"
    same_name_admin: float = 2.0  # a bare name shared by a region and a city of it is the city
    demonym_weight: float = 0.7  # context weight of one demonym
    outlet_weight: float = 2.0  # context weight of the outlet's country (its address)
    dateline_weight: float = 3.0  # context weight of the dateline place
    smoothing: float = 0.5  # added to the context total: one weak hint is not certainty


@dataclass(slots=True)
class Group:
    """The mentions of one name in one article and their ranked candidates."""

    key: str
    mentions: list[Mention]
    candidates: tuple[int, ...]
    qualifiers: list[tuple[int, ...]] = field(default_factory=list)
    qualified: list[tuple[int, ...]] = field(default_factory=list)  # of the names it qualifies
    admin_cue: float = 0.0  # share of the mentions written with a region cue ("province")
    city_cue: float = 0.0  # ... with a town cue ("the town of")
    dateline: bool = False
    demonym: bool = False  # "Russian jets": its evidence is already counted as a hint
    ranked: list[tuple[int, float]] = field(default_factory=list)  # (entry, probability)

    @property
    def best(self) -> int | None:
        return self.ranked[0][0] if self.ranked else None

    @property
    def probability(self) -> float:
        return self.ranked[0][1] if self.ranked else 0.0


def make_groups(mentions: Iterable[Mention]) -> list[Group]:
    """Group mentions by name key; merge their cues and qualifiers, and give each qualifier
    the candidates of the names it qualifies."""
    mentions = list(mentions)
    by_key: dict[str, Group] = {}
    for m in mentions:
        group = by_key.get(m.key)
        if group is None:
            group = by_key[m.key] = Group(m.key, [], m.candidates)
        group.mentions.append(m)
        if m.candidates != group.candidates:
            group.candidates = tuple(dict.fromkeys((*group.candidates, *m.candidates)))
        if m.qualifier is not None:
            group.qualifiers.append(m.qualifier.candidates)
        group.dateline |= m.source == "dateline"
    for m in mentions:
        owner = by_key.get(m.qualifier.key) if m.qualifier is not None else None
        if owner is not None and m.candidates:
            owner.qualified.append(m.candidates)
    for group in by_key.values():
        group.demonym = all(m.source == "demonym" for m in group.mentions)
        group.admin_cue = sum(m.admin_cue for m in group.mentions) / len(group.mentions)
        group.city_cue = sum(m.city_cue for m in group.mentions) / len(group.mentions)
    return list(by_key.values())


@dataclass(slots=True)
class _Context:
    """Country and admin1 evidence, with each group's own share kept for leave-one-out."""

    country: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    admin: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    own_country: dict[str, dict[str, float]] = field(default_factory=dict)
    own_admin: dict[str, dict[tuple[str, str], float]] = field(default_factory=dict)

    def add(self, owner: str, entry: Entry, weight: float) -> None:
        if entry.country is None or weight <= 0:
            return
        self.country[entry.country] += weight
        self.own_country.setdefault(owner, defaultdict(float))[entry.country] += weight
        if entry.feature in ("admin1", "admin2", "city") and entry.admin1:
            admin_weight = weight if entry.feature == "admin1" else weight * 0.5
            key = (entry.country, entry.admin1)
            self.admin[key] += admin_weight
            self.own_admin.setdefault(owner, defaultdict(float))[key] += admin_weight

    def add_country(self, code: str, weight: float) -> None:
        self.country[code] += weight

    def shares(
        self, owner: str, smoothing: float
    ) -> tuple[dict[str, float], dict[tuple[str, str], float]]:
        own_c = self.own_country.get(owner, {})
        own_a = self.own_admin.get(owner, {})
        countries = {c: w - own_c.get(c, 0.0) for c, w in self.country.items()}
        admins = {a: w - own_a.get(a, 0.0) for a, w in self.admin.items()}
        total_c = sum(countries.values()) + smoothing
        total_a = sum(admins.values()) + smoothing
        return (
            {c: w / total_c for c, w in countries.items() if w > 1e-9},
            {a: w / total_a for a, w in admins.items() if w > 1e-9},
        )


class Ranker:
    """Scores and ranks the candidates of an article's groups."""

    def __init__(self, gazetteer: Gazetteer, weights: Weights | None = None) -> None:
        self.gaz = gazetteer
        self.w = weights or Weights()

    def rank(self, groups: list[Group], hints: list[CountryHint]) -> None:
        """Rank every group in place: a first pass on named countries, demonyms and the
        dateline, a second pass that adds the places resolved in the first."""
        context = self._initial_context(groups, hints)
        for group in groups:
            self._rank_group(group, context)
        context = self._resolved_context(groups, hints)
        for group in groups:
            self._rank_group(group, context)

    # ------------------------------------------------------------------ context
    def _hint_context(self, hints: list[CountryHint]) -> _Context:
        context = _Context()
        for hint in hints:
            weight = self.w.outlet_weight if hint.outlet else self.w.demonym_weight
            for code in hint.countries:
                context.add_country(code, weight / len(hint.countries))
        return context

    def _initial_context(self, groups: list[Group], hints: list[CountryHint]) -> _Context:
        context = self._hint_context(hints)
        for group in groups:
            if group.demonym:
                continue
            entries = [self.gaz.entries[i] for i in group.candidates]
            countries = [e for e in entries if e.feature == "country"]
            admins = [e for e in entries if e.feature == "admin1"]
            chosen = countries or (admins if len({e.country for e in admins}) == 1 else [])
            weight = len(group.mentions) * (3.0 if group.dateline else 1.0)
            for e in chosen:
                context.add(group.key, e, weight / len(chosen))
        return context

    def _resolved_context(self, groups: list[Group], hints: list[CountryHint]) -> _Context:
        context = self._hint_context(hints)
        for group in groups:
            if group.best is None or group.demonym:
                continue
            entry = self.gaz.entries[group.best]
            weight = FEATURE_WEIGHT[entry.feature] * group.probability * len(group.mentions)
            if group.dateline:
                weight = max(weight, self.w.dateline_weight * group.probability)
            context.add(group.key, entry, weight)
        return context

    # ------------------------------------------------------------------ scoring
    def _rank_group(self, group: Group, context: _Context) -> None:
        countries, admins = context.shares(group.key, self.w.smoothing)
        scores = [(i, self.score(i, group, countries, admins)) for i in group.candidates]
        top = max(s for _, s in scores)
        exp = [(i, math.exp(s - top)) for i, s in scores]
        total = sum(v for _, v in exp)
        group.ranked = sorted(((i, v / total) for i, v in exp), key=lambda x: -x[1])

    def score(
        self,
        index: int,
        group: Group,
        countries: dict[str, float],
        admins: dict[tuple[str, str], float],
    ) -> float:
        """The score of one candidate of a group (higher is better)."""
        w, entry = self.w, self.gaz.entries[index]
        score = self._prior(entry) + w.prominence * math.log10(1 + entry.names)
        primary = self.gaz.primary_keys[index]
        if primary == group.key or _spelling(primary, group.key):
            score += w.primary_name + (w.capital if entry.capital else 0.0)
        elif entry.feature == "city" and similarity(group.key, primary) < w.alias_similarity:
            score -= w.foreign_alias
        if entry.country is not None:
            near = sum(countries.get(n, 0.0) for n in self.gaz.neighbours.get(entry.country, ()))
            score += w.context * (countries.get(entry.country, 0.0) + w.neighbours * near)
            if entry.feature in ("city", "admin2") and entry.admin1:
                score += w.admin_context * admins.get((entry.country, entry.admin1), 0.0)
        if group.qualifiers:
            inside = any(self.gaz.within(index, q) for q in group.qualifiers)
            score += w.qualifier if inside else -w.qualifier_miss
        holds = (
            bool(group.qualified)
            and entry.feature in ("admin1", "admin2", "country")
            and any(
                c != index and self.gaz.within(c, (index,)) for cs in group.qualified for c in cs
            )
        )
        if holds:
            score += w.qualified_inside
        return score + self._cues(index, entry, group, holds)

    def _prior(self, entry: Entry) -> float:
        w = self.w
        if entry.feature == "country":
            return w.country_prior
        if entry.feature == "admin1":
            typical = self.gaz.admin1_population.get(entry.country or "", 0.0)
            prior = math.log10(typical) if typical > 0 else w.admin1_floor
            return min(max(prior, w.admin1_floor), w.admin1_ceiling)
        if entry.feature == "admin2":
            typical = self.gaz.admin2_population.get(entry.country or "", 0.0)
            prior = math.log10(typical) if typical > 0 else w.admin2_floor
            return min(max(prior, w.admin2_floor), w.admin2_ceiling)
        if entry.feature == "continent":
            return w.continent_prior
        if entry.population <= 0:
            return w.seat_prior
        return w.population * math.log10(entry.population)

    def _cues(self, index: int, entry: Entry, group: Group, holds: bool) -> float:
        """Cue words; and a bare name shared by a region and a city of it is the city, unless
        the region holds a town the name qualifies ("Coatzacoalcos, Veracruz")."""
        w, score = self.w, 0.0
        if entry.feature in ("admin1", "admin2"):
            score += w.admin_cue * group.admin_cue - w.city_cue * group.city_cue
            if not holds and self._has_city_inside(entry, group):
                score -= w.same_name_admin * (1.0 - group.admin_cue)
        elif entry.feature == "city":
            score += w.city_cue * group.city_cue - w.admin_cue / 3 * group.admin_cue
        return score

    def _has_city_inside(self, region: Entry, group: Group) -> bool:
        """Whether a city candidate of the group lies in this region (Raqqa in Raqqa)."""
        for i in group.candidates:
            e = self.gaz.entries[i]
            if e.feature != "city" or (e.country, e.admin1) != (region.country, region.admin1):
                continue
            if region.feature == "admin1" or e.admin2 == region.admin2:
                return True
        return False


def _spelling(primary: str, key: str) -> bool:
    """The same words spelt apart only in doubled letters or a final "h" ("odessa" / "odesa");
    a dropped article makes another name ("beni" is not "el beni")."""
    return primary.count(" ") == key.count(" ") and skeleton(primary) == skeleton(key)
