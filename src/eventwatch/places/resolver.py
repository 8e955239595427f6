"""The places stage: toponym mentions of an article, resolved to GeoNames, and its focus.

:class:`PlaceResolver` is built once per process (the gazetteer loads once) and called per
article; ``resolve`` costs a few dictionary look-ups per proper noun.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from spacy.tokens import Doc

from eventwatch.config import PlaceSettings
from eventwatch.places.cache import load_gazetteer
from eventwatch.places.gazetteer import Entry, Gazetteer
from eventwatch.places.mentions import (
    WEAK_ALIAS_SIMILARITY,
    CountryHint,
    Found,
    Mention,
    MentionFinder,
)
from eventwatch.places.normalize import similarity
from eventwatch.places.ranking import Group, Ranker, Weights, make_groups
from eventwatch.records import Article, Place, PlaceCandidate, Precision, Span, TextField

PRECISION = {
    "country": Precision.COUNTRY.value,
    "admin1": Precision.ADMIN1.value,
    "admin2": Precision.ADMIN2.value,
    "city": Precision.CITY.value,
    "continent": "continent",
}
LARGE_CITY = 100_000  # a weak name governed by a preposition is a city this large by its name
CONTEXT_SHARE = 0.25  # country share that lets an unmarked name NER mislabelled ORG be a place
STRAY_LEADING_SHARE = 0.5  # an article this much about one country ...
STRAY_SHARE = 0.2  # ... loses weakly named towns of countries with less than this share
STRAY_STRONG_POPULATION = 100_000  # ... and smaller towns there, however they are named
# a region named only inside another name ("the Kendale Lakes Elementary School") is a stray too
STRAY_FEATURES = frozenset({"city", "admin1", "admin2"})
TITLE_WEIGHT = 2.0  # focus weight of a title mention
HINT_WEIGHT = 0.5  # focus weight of a demonym
DATELINE_WEIGHT = 1.0  # focus weight the dateline adds to its place's mention
QUALIFIER_FOCUS = 0.5  # focus weight of a mention that qualifies another ("Michoacan")
HOME_WEIGHT = 0.25  # focus weight of an organisation's home ("a UK-based group"): half a
# demonym's, for it says where the group sits, not what the story is about


class PlaceResolver:
    """Finds and resolves the toponyms of articles.

    ``max_candidates`` bounds the candidates kept on each :class:`~eventwatch.records.Place`.
    """

    def __init__(
        self, gazetteer: Gazetteer, weights: Weights | None = None, max_candidates: int = 5
    ) -> None:
        self.gazetteer = gazetteer
        self.finder = MentionFinder(gazetteer)
        self.ranker = Ranker(gazetteer, weights)
        self.max_candidates = max_candidates
        countries = [gazetteer.entries[i] for i in gazetteer.countries.values()]
        # ISO2 -> ISO3, and ISO3 -> country entry, built once: the focus vote reads them per article
        self._iso3 = {
            code: gazetteer.entries[i].iso3 or "" for code, i in gazetteer.countries.items() if code
        }
        self._country_by_iso3 = {e.iso3: e for e in reversed(countries) if e.iso3}
        k = gazetteer.knowledge
        self._generic_tlds = set(k.generic_tlds)
        self._tld_countries = {tld.lower(): code for tld, code in k.tld_countries.items()}
        homes = "|".join(re.escape(w) for w in k.home_words) or "(?!)"
        self._home = re.compile(rf"\s?-?\s?(?:{homes})\b", re.IGNORECASE)  # "UK-based"

    @classmethod
    def from_settings(
        cls,
        settings: PlaceSettings | None = None,
        *,
        admin_seats: bool = True,
        cache_dir: Path | None = None,
        disk_cache: bool = True,
    ) -> PlaceResolver:
        """A resolver over the gazetteer for ``settings`` (cities >= ``min_population``, and
        the small tier >= ``qualified_min_population`` for names a qualifier places).

        ``admin_seats`` adds the seats of administrative divisions GeoNames lists without a
        population. The gazetteer is built once per process and cached on disk in
        ``cache_dir`` (default: :func:`eventwatch.places.cache.default_cache_dir`).
        """
        settings = settings or PlaceSettings()
        gazetteer = load_gazetteer(
            settings.min_population,
            admin_seats,
            cache_dir,
            disk_cache,
            qualified_min_population=settings.qualified_min_population,
        )
        return cls(gazetteer)

    # ------------------------------------------------------------------ public API
    def resolve(
        self, article: Article, docs: Sequence[tuple[TextField, Doc]]
    ) -> tuple[list[Place], Place | None]:
        """The place mentions of an article (title first, in text order) and its focus."""
        found = self.finder.find(docs)
        found.hints.extend(self._outlet_hints(article))
        accepted = self._accept(found)
        groups = make_groups(accepted)
        self.ranker.rank(groups, found.hints)
        self._drop_strays(groups, found)
        in_country = self._in_country(groups, found)
        if in_country:
            accepted = sorted([*accepted, *in_country], key=lambda m: m.order)
            groups = make_groups(accepted)
            self.ranker.rank(groups, found.hints)
            self._drop_strays(groups, found)
        places = self._places(groups)
        return places, self._focus(article, places, found, groups)

    def resolve_spans(
        self,
        article: Article,
        docs: Sequence[tuple[TextField, Doc]],
        spans: Sequence[Span],
    ) -> list[Place | None]:
        """Resolve toponyms marked by someone else (gold annotations, a user's tagger), with
        the article's own mentions as context. ``None`` where the gazetteer has no such name."""
        found = self.finder.find(docs)
        found.hints.extend(self._outlet_hints(article))
        accepted = self._accept(found)
        by_field = dict(docs)
        given: list[Mention | None] = []
        for span in spans:
            doc = by_field.get(span.field)
            if doc is None:
                given.append(None)
            else:
                given.append(self.finder.mention_for(doc, span.field, span.start, span.end))
        groups = make_groups([*accepted, *(m for m in given if m is not None)])
        self.ranker.rank(groups, found.hints)
        by_key = {g.key: g for g in groups}
        return [None if m is None else self._place(m, by_key[m.key]) for m in given]

    def _outlet_hints(self, article: Article) -> list[CountryHint]:
        """The country of the outlet's country-code domain ("www.lmfm.ie": Ireland), if any."""
        host = urlsplit(article.url or "").hostname or ""
        tld = host.rsplit(".", 1)[-1].lower() if "." in host else ""
        if len(tld) != 2 or not tld.isalpha() or tld in self._generic_tlds:
            return []
        code = self._tld_countries.get(tld, tld.upper())
        if code not in self.gazetteer.countries:
            return []
        return [CountryHint((code,), "title", 0, outlet=True)]

    # ------------------------------------------------------------------ acceptance
    def _accept(self, found: Found) -> list[Mention]:
        """Keep strong mentions and weak ones with enough evidence; then weak ones whose name is
        already a place in this article, or whose country the article is about."""
        common = self.gazetteer.common_words
        mentions = [m for m in found.mentions if m.key not in common or m.evidence >= 1.0]
        accepted = [m for m in mentions if m.strong or m.evidence >= 1.0]
        pending = [m for m in mentions if not (m.strong or m.evidence >= 1.0)]
        if not pending:
            return accepted
        keys = {m.key for m in accepted}
        groups = make_groups(accepted)
        self.ranker.rank(groups, found.hints)
        shares = self._country_shares(groups, found)
        for m in pending:
            if m.key in keys or (
                m.source != "PERSON" and (self._supported(m, shares) or self._large_city(m))
            ):
                accepted.append(m)
        accepted.sort(key=lambda m: m.order)
        return accepted

    def _in_country(self, groups: list[Group], found: Found) -> list[Mention]:
        """The small places of the names only the small tier knows ("near Vodyane"), looked
        up inside the country the article is mostly about (a share of at least
        ``STRAY_LEADING_SHARE`` of its places and hints); none when no country leads."""
        if not found.unplaced:
            return []
        shares = self._country_shares(groups, found)
        lead = max(shares, key=shares.__getitem__, default=None)
        country = self.gazetteer.countries.get(lead) if lead is not None else None
        if country is None or shares[lead] < STRAY_LEADING_SHARE:
            return []
        out = []
        # a name written in a region that does not hold it is not a namesake elsewhere
        lacking = {m.key for m in found.unplaced if m.qualifier is not None}
        for m in found.unplaced:
            if m.key in lacking:
                continue
            candidates = self.gazetteer.qualified(m.key, (country,))
            if candidates:
                m.candidates = candidates
                out.append(m)
        return out

    def _drop_strays(self, groups: list[Group], found: Found) -> None:
        """Drop a place the article hardly concerns (its country has less than ``STRAY_SHARE``
        of the article's places and hints):

        * a town named only by weak mentions (a name the NER model did not call a place) while
          the article is mostly about another country: "the Don Samuel neighbourhood in
          Barinas" is not Don Samuel in Mexico;
        * a region or district named only weakly or inside another name, whatever the article
          is about: "the Association of German Chambers of Commerce" does not name the Isle of
          Man's parish of German, nor "Peel Regional Police" its parish of Peel;
        * a town under ``STRAY_STRONG_POPULATION`` (not a capital) or a district, however it is
          named, while the article is mostly about another country (an English local paper's
          "Overton" is not Overton County, Tennessee)."""
        shares = self._country_shares(groups, found)
        if not shares:
            return
        leading = max(shares.values()) >= STRAY_LEADING_SHARE
        entries = self.gazetteer.entries
        for group in groups:
            if group.best is None:
                continue
            entry = entries[group.best]
            if entry.feature not in STRAY_FEATURES:
                continue
            if shares.get(entry.country or "", 0.0) >= STRAY_SHARE:
                continue
            # a name inside an organisation's or building's name ("the Simon Rodriguez
            # University") is no stronger than a guess
            named = any(m.strong and not m.loose and m.source != "embedded" for m in group.mentions)
            unnamed = not named and (leading or entry.feature != "city")
            small = (
                leading
                and entry.feature != "admin1"
                and entry.population < STRAY_STRONG_POPULATION
                and not entry.capital
            )
            if unnamed or small:
                group.ranked = []

    def _country_shares(self, groups: list[Group], found: Found) -> dict[str, float]:
        weights: dict[str, float] = defaultdict(float)
        for hint in found.hints:
            for code in hint.countries:
                weights[code] += 1.0 / len(hint.countries)
        for group in groups:
            if group.best is not None and not group.demonym:
                entry = self.gazetteer.entries[group.best]
                if entry.country:
                    # a guess counts less than a named place
                    quality = sum(m.quality for m in group.mentions)
                    weights[entry.country] += quality * group.probability
        total = sum(weights.values()) + 1.0
        return {code: w / total for code, w in weights.items()}

    def _large_city(self, m: Mention) -> bool:
        """ "outside the teaching hospital of Thessaloniki" (tagged ORG): a name a preposition
        governs that is the main name (or a spelling) of a city of ``LARGE_CITY`` people or
        more is that city, even in an article that names no country."""
        if m.evidence < 0.5 or m.field == "title":
            return False
        entries, primary = self.gazetteer.entries, self.gazetteer.primary_keys
        return any(
            entries[i].feature == "city"
            and entries[i].population >= LARGE_CITY
            and similarity(m.key, primary[i]) >= WEAK_ALIAS_SIMILARITY
            for i in m.candidates
        )

    def _supported(self, m: Mention, shares: dict[str, float]) -> bool:
        """An unmarked weak name ("had taken Raqqa") is a place when one of its candidates
        lies in a country the article is about, and it does not start its sentence."""
        if m.evidence < 0 or m.field == "title":
            return False
        entries = self.gazetteer.entries
        return any(shares.get(entries[i].country or "", 0.0) >= CONTEXT_SHARE for i in m.candidates)

    # ------------------------------------------------------------------ records
    def _places(self, groups: list[Group]) -> list[Place]:
        pairs = [(m, g) for g in groups for m in g.mentions]
        pairs.sort(key=lambda pair: pair[0].order)
        return [self._place(m, g) for m, g in pairs if g.best is not None]

    def _place(self, m: Mention, group: Group) -> Place | None:
        if group.best is None:
            return None
        entry = self.gazetteer.entries[group.best]
        confidence = group.probability * m.quality * (0.8 if m.loose else 1.0)
        return self.place_from_entry(
            entry,
            text=m.text,
            confidence=confidence,
            span=Span(m.start, m.end, m.text, m.field),
            candidates=[self._candidate(i, p) for i, p in group.ranked[: self.max_candidates]],
        )

    def _candidate(self, index: int, probability: float) -> PlaceCandidate:
        e = self.gazetteer.entries[index]
        return PlaceCandidate(
            e.geonameid, e.name, e.iso3, e.feature, e.population, round(probability, 4)
        )

    @staticmethod
    def place_from_entry(
        entry: Entry,
        *,
        text: str,
        confidence: float,
        span: Span | None = None,
        candidates: list[PlaceCandidate] | None = None,
    ) -> Place:
        """A :class:`~eventwatch.records.Place` record for a gazetteer entry."""
        return Place(
            text=text,
            name=entry.name,
            geonameid=entry.geonameid,
            feature=entry.feature,
            country=entry.iso3,
            admin1=entry.admin1_name,
            lat=entry.lat,
            lon=entry.lon,
            precision=PRECISION[entry.feature],
            confidence=round(confidence, 3),
            span=span,
            candidates=candidates or [],
        )

    # ------------------------------------------------------------------ focus
    def _focus(
        self, article: Article, places: list[Place], found: Found, groups: list[Group]
    ) -> Place | None:
        """The place of the article's leading country that is mentioned most (weighted by
        position: the title and the start count more), or that country when nothing in it is.

        The dateline counts as one more mention, not as the answer: a story filed from Brussels
        or Washington is often about somewhere else."""
        dateline = {("body", m.start) for m in found.dateline[:1]}
        demonyms = {(m.field, m.start) for m in found.mentions if m.source == "demonym"}
        qualifiers = {(m.field, m.start) for m in found.mentions if m.qualifies}
        own: dict[int, float] = defaultdict(float)  # geonameid -> weighted mentions
        first: dict[int, Place] = {}
        by_country: dict[str, float] = defaultdict(float)
        length = max(len(article.text), 1)
        for p in places:
            if p.feature == "continent" or p.geonameid is None or p.span is None:
                continue
            if (p.span.field, p.span.start) in demonyms:
                continue  # counted below as a hint
            text = article.title if p.span.field == "title" else article.text
            if self._home.match(text or "", p.span.end):
                by_country[p.country or ""] += HOME_WEIGHT  # "a UK-based group": whose home
                continue
            weight = p.confidence * _position_weight(p.span, length)
            if (p.span.field, p.span.start) in qualifiers:
                weight *= QUALIFIER_FOCUS  # "Zamora, Michoacan": the town is the more precise
            if (p.span.field, p.span.start) in dateline:
                weight += DATELINE_WEIGHT * p.confidence
            own[p.geonameid] += weight
            first.setdefault(p.geonameid, p)
            by_country[p.country or ""] += weight
        iso3 = self._iso3
        for hint in found.hints:
            if hint.outlet:
                continue  # a paper's country is not what each of its stories is about
            for code in hint.countries:
                by_country[iso3.get(code, "")] += HINT_WEIGHT / len(hint.countries)
        by_country.pop("", None)
        if not by_country:
            return None
        country, weight = max(by_country.items(), key=lambda kv: kv[1])
        share = weight / sum(by_country.values())
        inside = [gid for gid in own if first[gid].country == country]
        if inside:
            best = max(inside, key=lambda gid: (own[gid], first[gid].feature != "country"))
            chosen = first[best]
            return replace(chosen, confidence=round(chosen.confidence * share, 3))
        entry = self._country_by_iso3.get(country)
        if entry is None:
            return None
        return self.place_from_entry(entry, text=entry.name, confidence=0.5 * share)


def _position_weight(span: Span, length: int) -> float:
    """Title mentions count double; body mentions count 2 at the start, 1 at the end."""
    if span.field == "title":
        return TITLE_WEIGHT
    return 1.0 + max(0.0, 1.0 - span.start / length)
