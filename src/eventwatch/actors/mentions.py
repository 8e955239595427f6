"""Mentions of one Doc: dictionary hits assembled into candidate actor mentions.

A candidate is a token span with the actor it would be. Several candidates may cover the same
tokens ("Iraqi" the country, "Iraqi soldiers" the compound); :func:`select` keeps the longest,
non-overlapping ones. The assembly rules:

* a name, demonym or capital alone is an actor (demonyms and capitals with lower confidence;
  a capital that is the object of a locative preposition is a place, not an actor);
* a country word, an IGO, a group or a community word ("Kurdish") followed by a sector noun is
  one compound mention: "Iraqi soldiers", "U.S. defense officials", "Iraq's army",
  "the US-led coalition", "Iranian-backed militias", "UN peacekeepers", "Islamic State militants";
  so is a sector noun followed by "of" and a country ("the government of Sudan");
* a title introduces a person (:mod:`eventwatch.actors.people`);
* a definite description ("the group") is a reference, resolved later against the article.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Token

from eventwatch.actors.dictionary import ActorDictionary, Entity
from eventwatch.actors.matching import Hit

NOUNS = ("NOUN", "PROPN")
MODIFIER_POS = ("ADJ", "ADV")
NAME_LIKE_ENTS = ("ORG", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT")
MAX_MODIFIERS = 3
ARGUMENT_DEPS = ("nsubj", "nsubjpass", "dobj", "dative", "iobj", "appos", "poss", "ROOT")

# ranks: at equal length the lower rank wins
RANK_PERSON, RANK_COMPOUND, RANK_ENTITY, RANK_REFERENCE = 0, 1, 2, 3
RANK_TITLE, RANK_SECTOR, RANK_PERSON_ENT = 4, 5, 6


@dataclass(slots=True)
class Candidate:
    """A possible actor mention over tokens ``[start, end)``."""

    start: int
    end: int
    rank: int
    kind: str
    name: str
    code: str
    country: str | None
    sector: str | None
    confidence: float
    alias: str
    head: int = -1  # the token that links it to an appositive
    base: str = ""  # what the mention is built on: country | community | entity | sector | ...
    person_name: tuple[str, ...] = ()  # name tokens of a person
    title: str = ""  # the title phrase of a person
    reference: tuple[str, ...] = ()  # kinds a back-reference may refer to
    reference_sectors: tuple[str, ...] = ()  # and their sectors (empty: any)
    fallback: Candidate | None = None  # a reference's reading when nothing precedes it
    pending_person: bool = False  # a PERSON entity to look up among the article's people
    place_like: bool = False  # a PERSON entity used like a place ("near Tal Afar")
    links: list[Candidate] = field(default_factory=list)

    @property
    def length(self) -> int:
        return self.end - self.start


class HitIndex:
    """Valid hits of one Doc by start and by end token."""

    def __init__(self, hits: list[Hit]) -> None:
        self.by_start: dict[int, list[Hit]] = {}
        self.by_end: dict[int, list[Hit]] = {}
        for hit in hits:
            self.by_start.setdefault(hit.start, []).append(hit)
            self.by_end.setdefault(hit.end, []).append(hit)
        for table in (self.by_start, self.by_end):
            for group in table.values():
                group.sort(key=lambda h: -(h.end - h.start))

    def starting(self, i: int, role: str, forms: tuple[str, ...] = ()) -> Hit | None:
        for hit in self.by_start.get(i, ()):
            if hit.role == role and (not forms or hit.target.form in forms):
                return hit
        return None

    def ending(self, i: int, role: str, forms: tuple[str, ...] = ()) -> Hit | None:
        for hit in self.by_end.get(i, ()):
            if hit.role == role and (not forms or hit.target.form in forms):
                return hit
        return None

    def covered(self, i: int) -> bool:
        """Token ``i`` lies inside some hit of an entity, sector or title."""
        for start in range(max(0, i - 6), i + 1):
            for hit in self.by_start.get(start, ()):
                if hit.end > i and hit.role in ("entity", "sector", "title"):
                    return True
        return False


class DocAssembler:
    """Builds the candidates of one Doc."""

    def __init__(self, doc: Doc, hits: list[Hit], dictionary: ActorDictionary) -> None:
        self.doc = doc
        self.d = dictionary
        self.rules = dictionary.rules
        self.conf = dictionary.rules.confidence
        self.modifiers = set(self.rules.modifiers)
        self.index = HitIndex([h for h in hits if self._valid(h)])
        self.places = {
            h.start: h
            for h in hits
            if h.target.form in ("name", "exact", "capital", "region")
            and h.target.entity is not None
            and h.target.entity.country is not None
            and h.target.entity.kind in ("country", "institution")
        }

    # ------------------------------------------------------------------ validity
    def _valid(self, hit: Hit) -> bool:
        doc, last = self.doc, self.doc[hit.end - 1]
        role, form = hit.role, hit.target.form
        if role in ("sector", "title"):
            return last.pos_ in NOUNS
        if role == "reference":
            return hit.end >= len(doc) or doc[hit.end].lower_ != "of"
        if form == "exact":
            return not _shouting(doc, hit.start, hit.end)
        if form == "capital":  # all-caps dateline ("BAGHDAD, March 10")
            return not (last.is_upper and len(last.text) > 1)
        return True

    def _capital_is_actor(self, last: Token) -> bool:
        """A capital stands for its government only as an argument ("Washington said", "talks
        with Moscow"), never as a place ("in Baghdad") or a modifier ("the Juba valley")."""
        tok = last
        while tok.dep_ == "conj" and tok.head is not tok:
            tok = tok.head
        if tok.dep_ == "pobj":
            return tok.head.lower_ not in self.rules.locative_preps
        return tok.dep_ in ARGUMENT_DEPS

    def _negated(self, start: int) -> bool:
        """A country word after "pro-" or "anti-" names whom the actor supports or opposes."""
        doc = self.doc
        return (
            start >= 2
            and doc[start - 1].text == "-"
            and doc[start - 2].lower_ in self.rules.negating_prefixes
        )

    # ------------------------------------------------------------------ candidates
    def candidates(self) -> list[Candidate]:
        from eventwatch.actors.people import PeopleFinder

        out: list[Candidate] = []
        for hits in self.index.by_start.values():
            for hit in hits:
                out.extend(self._from_hit(hit))
        out.extend(PeopleFinder(self).candidates())
        return out

    def _from_hit(self, hit: Hit) -> list[Candidate]:
        found: list[Candidate] = []
        if hit.role == "entity":
            single = self._entity(hit)
            if single is not None:
                found.append(single)
            if hit.target.form != "people":
                found.extend(c for c in [self._compound(hit)] if c is not None)
        elif hit.role == "ethnic":
            found.extend(c for c in [self._compound(hit)] if c is not None)
        elif hit.role == "sector":
            found.append(self._sector(hit))
            found.extend(c for c in [self._sector_of(hit), self._sector_in(hit)] if c is not None)
        elif hit.role == "reference":
            found.append(self._reference(hit))
        return found

    def _entity(self, hit: Hit) -> Candidate | None:
        target, entity = hit.target, hit.target.entity
        assert entity is not None
        if self._negated(hit.start):
            return None
        form = target.form
        if form == "region":  # a region is a place; it gives a country only in compounds
            return None
        if form == "demonym" and self._inside_longer_name(hit):
            return None
        if form == "capital" and not self._capital_is_actor(self.doc[hit.end - 1]):
            return None
        base = "country" if entity.kind == "country" else "entity"
        if form == "people":
            return self._make(hit.start, hit.end, RANK_ENTITY, entity, "CVL", target.confidence,
                              hit.surface, base="people")  # fmt: skip
        confidence = {"exact": target.confidence, "demonym": self.conf.demonym}.get(
            form, entity.confidence
        )
        return Candidate(
            hit.start, hit.end, RANK_ENTITY, entity.kind, entity.name, entity.code,
            entity.country, entity.sector, confidence, hit.surface, head=hit.end - 1,
            base=f"{base}:{form}",
        )  # fmt: skip

    def _inside_longer_name(self, hit: Hit) -> bool:
        token = self.doc[hit.start]
        if token.ent_type_ not in NAME_LIKE_ENTS:
            return False
        for ent in self.doc.ents:
            if ent.start <= hit.start < ent.end:
                return ent.end - ent.start > hit.end - hit.start
        return False

    def _sector(self, hit: Hit) -> Candidate:
        end, sector, confidence = self._absorb(hit)
        return Candidate(
            hit.start, end, RANK_SECTOR, "sector", self.d.label(sector), sector or "", None,
            sector, confidence, hit.surface, head=end - 1, base="sector",
        )  # fmt: skip

    def _absorb(self, hit: Hit) -> tuple[int, str | None, float]:
        """A sector noun that modifies the next sector noun forms one mention with it
        ("army battalions"); one that modifies another noun is weaker ("army positions")."""
        sector, end = hit.target.sector, hit.end
        last = self.doc[end - 1]
        if last.dep_ != "compound":
            return end, sector, hit.target.confidence
        nxt = self.index.starting(end, "sector")
        if nxt is None:
            return end, sector, self.conf.modifier_noun
        merged = nxt.target.sector if sector == "GOV" else sector
        return nxt.end, merged, hit.target.confidence

    def _sector_of(self, hit: Hit) -> Candidate | None:
        """ "the government of Sudan", "forces of the African Union"."""
        doc, j = self.doc, hit.end
        if j >= len(doc) or doc[j].lower_ != "of":
            return None
        j += 1
        if j < len(doc) and doc[j].lower_ == "the":
            j += 1
        base = self.index.starting(j, "entity", ("name", "exact"))
        if base is None:
            return None
        return self._combine(base, hit, hit.start, base.end, None)

    def _sector_in(self, hit: Hit) -> Candidate | None:
        """ "police in Baghdad", "rebels in Darfur", "refugees from Syria"."""
        rule, doc = self.rules.sector_in, self.doc
        if hit.target.sector not in rule.sectors or hit.end + 1 >= len(doc):
            return None
        if any(self.index.ending(k, "entity") for k in range(max(0, hit.start - 3), hit.start + 1)):
            return None  # "US troops in Iraq": the country before the noun is the actor's
        if doc[hit.end].lower_ not in rule.preps:
            return None
        j = hit.end + 1
        while (
            j < len(doc) and j - hit.end <= 3 and (doc[j].lower_ == "the" or doc[j].pos_ == "ADJ")
        ):
            j += 1
        place = self.places.get(j)
        if place is None or place.target.entity is None:
            return None
        country = place.target.entity.country
        known = self.d.countries.get(country or "")
        sector = hit.target.sector
        name = f"{known.name} {self.d.label(sector)}" if known else self.d.label(sector)
        alias = doc[hit.start : place.end].text
        return self._plain(hit.start, place.end, name, country, sector, rule.confidence, alias,
                           "country")  # fmt: skip

    def _reference(self, hit: Hit) -> Candidate:
        inner = self.index.starting(hit.start + 1, "sector")
        fallback = self._sector(inner) if inner is not None and inner.end == hit.end else None
        return Candidate(
            hit.start, hit.end, RANK_REFERENCE, "", "", "", None, None, 0.0, hit.surface,
            head=hit.end - 1, reference=hit.target.kinds, fallback=fallback,
            reference_sectors=hit.target.sectors,
        )  # fmt: skip

    # ------------------------------------------------------------------ compounds
    def _compound(self, hit: Hit) -> Candidate | None:
        """A country word / IGO / group / community word followed by a sector noun."""
        doc, n = self.doc, len(self.doc)
        j, affix = hit.end, None
        if j < n and doc[j].text in ("'s", "'") and hit.target.form != "demonym":
            j += 1
        if j + 1 < n and doc[j].text == "-" and doc[j + 1].lower_ in self.rules.affixes:
            affix = self.rules.affixes[doc[j + 1].lower_]
            j += 2
        skipped = 0
        while j < n:
            noun = self.index.starting(j, "sector")
            if noun is not None:
                start = hit.start - 2 if self._negated(hit.start) else hit.start
                relation = "negated" if start < hit.start else affix
                return self._combine(hit, noun, start, None, relation)
            if skipped >= MAX_MODIFIERS or not self._skippable(doc[j]):
                return None
            j, skipped = j + 1, skipped + 1
        return None

    def _skippable(self, tok: Token) -> bool:
        if tok.lower_ in self.modifiers or tok.pos_ in MODIFIER_POS or tok.text == "-":
            return True
        return (
            tok.pos_ == "NOUN"
            and tok.dep_ in ("compound", "amod", "nmod")
            and tok.head.i > tok.i
            and not tok.is_title
        )

    def _combine(
        self, base: Hit, noun: Hit, start: int, end: int | None, relation: str | None
    ) -> Candidate:
        """One mention from a base (country word, entity, community) and a sector noun.
        ``relation``: None, or leader / backer / affiliate ("-led", "-backed", "-linked"), or
        negated ("pro-Iranian")."""
        noun_end, sector, confidence = self._absorb(noun)
        end = end or noun_end
        if noun_end != noun.end or self.doc[noun_end - 1].dep_ != "compound":
            confidence = self.conf.compound
        alias = self.doc[start:end].text
        entity = base.target.entity
        label = self.d.label(sector)
        if entity is None:  # a community word: "Kurdish forces"
            name = f"{self.doc[base.start : base.end].text} {label}"
            return self._plain(start, end, name, None, sector, confidence, alias, "community")
        if relation == "affiliate" and entity.kind != "country":
            confidence = self.conf.affiliate
        elif relation in ("backer", "affiliate", "negated"):
            if relation == "negated":  # "pro-Iranian militias"
                name = f"{self.doc[start].lower_}-{entity.name} {label}"
            else:  # "Iranian-backed militias"
                name = f"{entity.name}-{self.doc[base.end + 1].lower_} {label}"
            return self._plain(start, end, name, None, sector, confidence, alias, "backed")
        if entity.kind == "country" or base.target.form == "capital":
            country = entity.country
            known = self.d.countries.get(country or "")
            name = f"{known.name} {label}" if known is not None else label
            return self._plain(start, end, name, country, sector, confidence, alias, "country")
        if entity.kind == "igo" and sector not in (None, "GOV", "IGO", entity.sector):
            return Candidate(
                start, end, RANK_COMPOUND, "igo", f"{entity.name} {label}", entity.code + sector,
                None, sector, confidence, alias, head=end - 1, base="entity",
            )  # fmt: skip
        return Candidate(
            start, end, RANK_COMPOUND, entity.kind, entity.name, entity.code, entity.country,
            entity.sector, min(confidence, entity.confidence), alias, head=end - 1, base="entity",
        )  # fmt: skip

    def _plain(
        self,
        start: int,
        end: int,
        name: str,
        country: str | None,
        sector: str | None,
        confidence: float,
        alias: str,
        base: str,
    ) -> Candidate:
        code = f"{country or ''}{sector or ''}"
        return Candidate(
            start, end, RANK_COMPOUND, "sector", name, code, country, sector, confidence, alias,
            head=end - 1, base=f"compound:{base}",
        )  # fmt: skip

    def _make(
        self,
        start: int,
        end: int,
        rank: int,
        entity: Entity,
        sector: str,
        confidence: float,
        alias: str,
        base: str,
    ) -> Candidate:
        country = entity.country
        name = f"{entity.name} {self.d.label(sector)}"
        return Candidate(
            start, end, rank, "sector", name, f"{country or ''}{sector}", country, sector,
            confidence, alias, head=end - 1, base=base,
        )  # fmt: skip


def _shouting(doc: Doc, start: int, end: int) -> bool:
    """True when the words around ``[start, end)`` are in capitals too (a shouted headline)."""
    neighbours = [doc[i] for i in (start - 1, end) if 0 <= i < len(doc) and doc[i].is_alpha]
    return any(t.is_upper and len(t.text) > 1 for t in neighbours)


def select(candidates: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates: the longest first, then by rank, then leftmost."""
    taken: set[int] = set()
    kept: list[Candidate] = []
    for cand in sorted(candidates, key=lambda c: (-c.length, c.rank, c.start)):
        tokens = range(cand.start, cand.end)
        if any(i in taken for i in tokens):
            continue
        taken.update(tokens)
        kept.append(cand)
    kept.sort(key=lambda c: c.start)
    return kept


def spread_coordination(doc: Doc, kept: list[Candidate], dictionary: ActorDictionary) -> None:
    """ "Hungarian and Romanian officials": the lone country word shares the compound's sector."""
    for i in range(len(kept) - 2, -1, -1):
        lone, nxt = kept[i], kept[i + 1]
        if not lone.base.startswith("country:") or lone.country is None:
            continue
        if not (nxt.base in ("compound:country", "coordinated") and nxt.sector):
            continue
        between = [t.lower_ for t in doc[lone.end : nxt.start]]
        if between not in (["and"], [","], ["or"], [",", "and"]):
            continue
        kept[i] = replace(
            lone,
            kind="sector",
            name=f"{lone.name} {dictionary.label(nxt.sector)}",
            code=f"{lone.country}{nxt.sector}",
            sector=nxt.sector,
            confidence=nxt.confidence,
            base="coordinated",
        )
