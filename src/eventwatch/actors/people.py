"""People: titled names, bare titles, PERSON entities and the article's register of people.

* A title introduces a person: "Defense Minister Karim Haddad", "Brigadier General Saad
  al-Obeidi", "U.S. Secretary of State John Kerry", "King Hassan of Morocco". The sector comes
  from the title (data: ``titles.yaml``); the country from a country word before the title
  ("Iraqi", "U.S.", "Iraq's"), from "of <country>" after the name, or from an appositive
  ("Karim Haddad, Iraq's defence minister"). Titles that say nothing by themselves ("spokesman",
  "leader") take sector and country from the words before them ("Pentagon spokesman",
  "Hamas leader") or from "for/of X" ("a spokesman for the army").
* A title without a name is a person too when the title is specific ("the defence minister").
* A PERSON entity with no title is resolved against the people already introduced in the
  article (by full name or surname: "Haddad said", "Obeidi told reporters"), else it is an
  unknown person with low confidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span

from eventwatch.actors.matching import Hit
from eventwatch.actors.mentions import (
    NOUNS,
    RANK_PERSON,
    RANK_PERSON_ENT,
    RANK_TITLE,
    Candidate,
)

if TYPE_CHECKING:
    from eventwatch.actors.mentions import DocAssembler

MAX_NAME_TOKENS = 5
AFFILIATION_PREPS = ("for", "of", "with", "at")
NOT_NAMES = ("GPE", "NORP", "ORG", "DATE", "TIME", "LOC", "FAC", "CARDINAL", "ORDINAL")


class PeopleFinder:
    """Person candidates of one Doc."""

    def __init__(self, asm: DocAssembler) -> None:
        self.asm = asm
        self.doc: Doc = asm.doc
        self.index = asm.index
        self.rules = asm.rules
        self.conf = asm.conf
        self.particles = set(self.rules.name_particles)
        self.persons = [e for e in self.doc.ents if e.label_ == "PERSON"]

    def candidates(self) -> list[Candidate]:
        out: list[Candidate] = []
        for hits in self.index.by_start.values():
            for hit in hits:
                if hit.role == "title":
                    found = self._titled(hit)
                    if found is not None:
                        out.append(found)
        out.extend(self._pending(ent) for ent in self.persons if _name_like(ent))
        return out

    # ------------------------------------------------------------------ titled people
    def _titled(self, hit: Hit) -> Candidate | None:
        doc, title = self.doc, hit.target
        start = self._portfolio_start(hit)
        before = self.index.ending(start, "title")  # "Army spokesman Colonel X": one person
        base, start = self._base_before(before.start if before is not None else start)
        if base is None and before is not None:
            start = before.start
        name = self._name_after(hit.end)
        end = name[1] if name else hit.end
        of_base = self._of_entity(end)
        if of_base is not None:
            base, end = base or of_base, of_base.end
        title_sector = title.sector or (before.target.sector if before is not None else None)
        if base is None:
            base = self._affiliation(hit)
            if base is not None and base.role == "sector":
                title_sector = None  # "president of the company": the company's sector
            elif base is None and self._belongs_elsewhere(hit):
                title_sector = None  # "vice president of a conservation group": not a state's
        if name is None and not (title.bare or base is not None):
            return None
        country, sector, code = self._affiliation_fields(base, title_sector)
        if name is not None and country is None:  # "President Joe Biden": a known person
            known = self._first_hit(name[0], name[1])
            entity = known.target.entity if known is not None else None
            if entity is not None and entity.kind == "person":
                country, sector, code = entity.country, entity.sector, entity.code
        title_text = doc[hit.start : hit.end].text
        if name is not None:
            person = doc[name[0] : name[1]]
            return Candidate(
                start, end, RANK_PERSON, "person", person.text, code, country, sector,
                self.conf.titled_person, title_text, head=name[1] - 1, base="titled",
                person_name=tuple(t.text for t in person), title=title_text,
            )  # fmt: skip
        entity = base.target.entity if base is not None else None
        organisation = entity is not None and entity.kind in ("igo", "group", "institution")
        if organisation and base is not None and base.target.form != "capital":
            assert entity is not None
            # an unnamed spokesman or leader speaks for the organisation: code it as such
            return Candidate(
                start, end, RANK_TITLE, entity.kind, entity.name, entity.code, entity.country,
                entity.sector, self.conf.bare_title, title_text, head=hit.end - 1,
                base="title", title=title_text,
            )  # fmt: skip
        label = self._bare_name(base, title_text.lower())
        return Candidate(
            start, end, RANK_TITLE, "person", label, code, country, sector,
            self.conf.bare_title, title_text, head=hit.end - 1, base="title", title=title_text,
        )  # fmt: skip

    def _portfolio_start(self, hit: Hit) -> int:
        """Capitalised words before a capitalised title belong to it ("Oil Minister")."""
        doc, j = self.doc, hit.start - 1
        if not doc[hit.start].is_title:
            return hit.start
        steps = 0
        while j >= 0 and steps < 4:
            tok = doc[j]
            if self.index.ending(j + 1, "entity") is not None:
                break
            portfolio = tok.is_title and tok.pos_ in NOUNS and tok.ent_type_ not in NOT_NAMES[:2]
            if not (portfolio or (tok.lower_ == "and" and j > 0 and doc[j - 1].is_title)):
                break
            if tok.ent_type_ == "PERSON":
                break
            j, steps = j - 1, steps + 1
        start = j + 1
        while start < hit.start and doc[start].lower_ == "and":
            start += 1
        return start

    def _base_before(self, start: int) -> tuple[Hit | None, int]:
        """A country word, IGO, group, institution or sector noun right before the title."""
        doc, j = self.doc, start - 1
        skipped = 0
        while (
            j >= 0
            and skipped < 2
            and doc[j].is_alpha
            and (doc[j].lower_ in self.asm.modifiers or (doc[j].pos_ == "ADJ" and doc[j].is_lower))
        ):
            j, skipped = j - 1, skipped + 1
        if j < 0:
            return None, start
        if doc[j].text in ("'s", "'"):
            hit = self.index.ending(j, "entity", ("name", "exact", "capital"))
        else:
            hit = (
                self.index.ending(j + 1, "entity", ("name", "exact", "demonym", "capital"))
                or self.index.ending(j + 1, "sector")
                or self.index.ending(j + 1, "ethnic")
            )
        if hit is None:
            return None, start
        return hit, hit.start

    def _name_after(self, k: int) -> tuple[int, int] | None:
        """The name right after a title: a PERSON entity, else a run of capitalised PROPNs."""
        doc = self.doc
        if k >= len(doc):
            return None
        for ent in self.persons:
            if ent.start <= k < ent.end:
                return k, ent.end
        end = k
        while end < len(doc) and end - k < MAX_NAME_TOKENS:
            tok = doc[end]
            # NER often tags an unfamiliar name as ORG: accept an ORG that begins with the name
            # (never one that swallows the title, as in "General Motors")
            org_name = (
                tok.ent_type_ == "ORG" and doc[k].ent_iob_ == "B" and doc[k].ent_type_ == "ORG"
            )
            if (tok.ent_type_ in NOT_NAMES and not org_name) or self.index.covered(end):
                break
            particle = tok.lower_ in self.particles and end + 1 < len(doc) and end > k
            if not (particle or (tok.pos_ == "PROPN" and tok.is_title)):
                break
            end += 1
        while end > k and not doc[end - 1].is_title:
            end -= 1
        return (k, end) if end > k else None

    def _of_entity(self, end: int) -> Hit | None:
        """ "King Hassan of Morocco", "the president of Armenia"."""
        doc = self.doc
        if end + 1 >= len(doc) or doc[end].lower_ != "of":
            return None
        j = end + 1 + (doc[end + 1].lower_ == "the")
        return self.index.starting(j, "entity", ("name", "exact"))

    def _affiliation(self, hit: Hit) -> Hit | None:
        """ "a spokesman for the army's Nineveh command": the first actor word after for/of."""
        head = self.doc[hit.end - 1]
        for prep in head.children:
            if prep.dep_ != "prep" or prep.lower_ not in AFFILIATION_PREPS:
                continue
            for obj in prep.children:
                if obj.dep_ != "pobj":
                    continue
                found = self._first_hit(obj.left_edge.i, obj.right_edge.i + 1)
                if found is not None:
                    return found
        return None

    def _belongs_elsewhere(self, hit: Hit) -> bool:
        """The title is "of/at/for" something that is no known actor."""
        head = self.doc[hit.end - 1]
        return any(
            prep.dep_ == "prep" and prep.lower_ in AFFILIATION_PREPS
            for prep in head.children
            if any(c.dep_ == "pobj" for c in prep.children)
        )

    def _first_hit(self, start: int, end: int) -> Hit | None:
        for role in ("entity", "sector"):
            for i in range(start, end):
                hit = self.index.starting(i, role)
                if hit is not None and hit.end <= end and hit.target.form != "people":
                    return hit
        return None

    def _affiliation_fields(
        self, base: Hit | None, title_sector: str | None
    ) -> tuple[str | None, str | None, str]:
        """Country, sector and code of a person from the title and what it belongs to."""
        entity = base.target.entity if base is not None else None
        if entity is not None and entity.kind in ("igo", "group"):
            return entity.country, entity.sector, entity.code
        country = entity.country if entity is not None else None
        sector = title_sector
        if sector is None and base is not None:
            sector = entity.sector if entity is not None else base.target.sector
        if sector is None and entity is not None and entity.kind == "country":
            sector = self.rules.country_title_sector
        return country, sector, f"{country or ''}{sector or ''}"

    def _bare_name(self, base: Hit | None, title: str) -> str:
        entity = base.target.entity if base is not None else None
        if entity is None:
            return title
        if entity.kind == "country" or (base is not None and base.target.form == "capital"):
            known = self.asm.d.countries.get(entity.country or "")
            return f"{known.name if known else entity.name} {title}"
        return f"{entity.name} {title}"

    # ------------------------------------------------------------------ other names
    def _pending(self, ent: Span) -> Candidate:
        if len(ent) > 1 and ent[-1].text in ("'s", "'"):  # "Richard Collier's"
            ent = ent[:-1]
        return Candidate(
            ent.start, ent.end, RANK_PERSON_ENT, "person", ent.text, "", None, None,
            self.conf.unknown_person, ent.text, head=ent.end - 1, base="person-ent",
            person_name=tuple(t.text for t in ent), pending_person=True,
            place_like=self._place_like(ent),
        )  # fmt: skip

    def _place_like(self, ent: Span) -> bool:
        root = ent.root
        if root.dep_ != "pobj":
            return False
        prep = root.head.lower_
        if prep in self.rules.place_preps:
            return True
        return prep == "of" and root.head.head.lemma_.lower() in self.rules.place_nouns


def _name_like(ent: Span) -> bool:
    return any(t.is_title for t in ent) and len(ent.text) > 1


def link_appositions(doc: Doc, kept: list[Candidate]) -> None:
    """A named person and a bare title in apposition are one person: "Karim Haddad, Iraq's
    defence minister" / "Brigadier General Saad al-Obeidi, a spokesman for the army"."""
    titles = [c for c in kept if c.base == "title"]
    if not titles:
        return
    named = [c for c in kept if c.person_name]
    for person in named:
        for title in titles:
            if not _apposed(doc, person, title):
                continue
            merged = _merge_person(person, title)
            person.country, person.sector, person.code = merged
            if person.pending_person:
                person.pending_person = False
                person.place_like = False
                person.confidence = max(person.confidence, title.confidence + 0.2)
                person.base = "titled"
                person.title = title.title
            title.links.append(person)


def _apposed(doc: Doc, a: Candidate, b: Candidate) -> bool:
    ha, hb = doc[a.head], doc[b.head]
    return (ha.dep_ == "appos" and b.start <= ha.head.i < b.end) or (
        hb.dep_ == "appos" and a.start <= hb.head.i < a.end
    )


def _merge_person(person: Candidate, title: Candidate) -> tuple[str | None, str | None, str]:
    country = person.country or title.country
    sector = person.sector or title.sector
    own_code = person.code == f"{person.country or ''}{person.sector or ''}"
    code = f"{country or ''}{sector or ''}" if own_code else person.code
    return country, sector, code


@dataclass(slots=True)
class PeopleRegister:
    """The people an article introduces, found again by full name or surname."""

    by_key: dict[str, Candidate] = field(default_factory=dict)

    def add(self, person: Candidate, particles: set[str]) -> None:
        tokens = [t for t in person.person_name if t not in particles and t not in ("'s", "'")]
        if not tokens:
            return
        for key in (" ".join(person.person_name), tokens[-1]):
            held = self.by_key.get(key)
            if held is None or len(held.person_name) < len(person.person_name):
                self.by_key[key] = person

    def find(self, tokens: tuple[str, ...]) -> Candidate | None:
        if not tokens:
            return None
        return self.by_key.get(" ".join(tokens)) or self.by_key.get(tokens[-1])

    def known(self, text: str) -> Candidate | None:
        return self.by_key.get(text)

    @staticmethod
    def as_person(found: Candidate, at: Candidate, confidence: float) -> Candidate:
        return replace(
            found, start=at.start, end=at.end, head=at.head, alias=at.alias,
            confidence=min(found.confidence, confidence), pending_person=False, links=[],
        )  # fmt: skip
