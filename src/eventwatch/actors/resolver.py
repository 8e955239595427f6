"""The actor resolver: actor mentions of an article from its parsed Docs.

Built once per process (the dictionary and its matchers take well under a second), then called
for every article: ``resolve`` runs two PhraseMatchers over the already-parsed Docs and
assembles the hits in Python; it never re-parses.

Per Doc: dictionary hits -> candidates (:mod:`eventwatch.actors.mentions`,
:mod:`eventwatch.actors.people`) -> the longest non-overlapping candidates. Per article, in
reading order (title, then body): people are registered, PERSON entities and bare surnames are
resolved against them, and definite descriptions ("the group") take the most recent actor of
the kinds they may refer to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from spacy.tokens import Doc

from eventwatch.actors.dictionary import ActorDictionary, load_dictionary
from eventwatch.actors.matching import PhraseIndex
from eventwatch.actors.mentions import Candidate, DocAssembler, select, spread_coordination
from eventwatch.actors.people import PeopleRegister, link_appositions
from eventwatch.config import ActorSettings
from eventwatch.records import Actor, Article, Span, TextField

# A registered surname is recognised whatever its tag: the model often tags an unfamiliar name
# at the start of a sentence as a common noun ("Prasetyo met ...").
PERSON_DEPS_FOR_SURNAME = ("PROPN", "NOUN")


class ActorResolver:
    """Resolves actor mentions. One instance serves many articles (it keeps no article state)."""

    def __init__(self, dictionary: ActorDictionary) -> None:
        self.dictionary = dictionary
        self.index = PhraseIndex(dictionary)
        self.particles = set(dictionary.rules.name_particles)

    @classmethod
    def from_settings(cls, settings: ActorSettings | None = None) -> ActorResolver:
        settings = settings or ActorSettings()
        return cls(load_dictionary(tuple(Path(p) for p in settings.extra_files)))

    # ------------------------------------------------------------------ public
    def resolve(self, article: Article, docs: Sequence[tuple[TextField, Doc]]) -> list[Actor]:
        """Actor mentions of ``article``, in reading order, non-overlapping within each field."""
        parts = [(fld, doc, self.mentions(doc)) for fld, doc in docs]
        register = PeopleRegister()
        for _, _, kept in parts:
            for cand in kept:
                if cand.person_name and not cand.pending_person:
                    register.add(cand, self.particles)
        places = {c.name for _, _, kept in parts for c in kept if c.place_like}
        actors: list[Actor] = []
        recent: list[Actor] = []  # actors in reading order, for back-references
        for fld, doc, kept in parts:
            kept = kept + self._surnames(doc, kept, register)
            kept.sort(key=lambda c: c.start)
            for cand in kept:
                actor = self._finish(doc, fld, cand, register, recent, places)
                if actor is None:
                    continue
                actors.append(actor)
                if not cand.reference:  # a reference repeats its antecedent: no new recency
                    recent.append(actor)
        return actors

    def mentions(self, doc: Doc) -> list[Candidate]:
        """The selected candidates of one Doc, before article-level resolution."""
        if len(doc) == 0:
            return []
        assembler = DocAssembler(doc, self.index.find(doc), self.dictionary)
        kept = select(assembler.candidates())
        spread_coordination(doc, kept, self.dictionary)
        link_appositions(doc, kept)
        return kept

    # ------------------------------------------------------------------ article level
    def _surnames(
        self, doc: Doc, kept: list[Candidate], register: PeopleRegister
    ) -> list[Candidate]:
        """Tokens that repeat the name of a person introduced earlier ("Obeidi told reporters")."""
        if not register.by_key:
            return []
        taken = {i for c in kept for i in range(c.start, c.end)}
        found: list[Candidate] = []
        conf = self.dictionary.rules.confidence.surname
        for tok in doc:
            if tok.i in taken or tok.pos_ not in PERSON_DEPS_FOR_SURNAME or not tok.is_title:
                continue
            person = register.known(tok.text)
            if person is None:
                continue
            start = tok.i
            while (
                start >= 2
                and doc[start - 1].text == "-"
                and doc[start - 2].lower_ in (self.particles)
            ):
                start -= 2
            if any(i in taken for i in range(start, tok.i)):
                start = tok.i
            at = replace(person, start=start, end=tok.i + 1, head=tok.i, alias=tok.text, links=[])
            found.append(register.as_person(person, at, conf))
        return found

    def _finish(
        self,
        doc: Doc,
        fld: TextField,
        cand: Candidate,
        register: PeopleRegister,
        recent: list[Actor],
        places: set[str],
    ) -> Actor | None:
        conf = self.dictionary.rules.confidence
        if cand.reference:
            antecedent = _latest(recent, cand.reference, cand.reference_sectors)
            if antecedent is not None:
                return replace(
                    antecedent,
                    text=doc[cand.start : cand.end].text,
                    span=_span(doc, fld, cand.start, cand.end),
                    matched_alias=cand.alias,
                    confidence=round(antecedent.confidence * conf.reference, 3),
                )
            return self._actor(doc, fld, cand.fallback) if cand.fallback else None
        if cand.links:
            person = cand.links[0]
            canonical = register.find(person.person_name) or person
            linked = replace(canonical, start=cand.start, end=cand.end, alias=cand.alias)
            linked.confidence = min(person.confidence, cand.confidence + 0.2)
            return self._actor(doc, fld, linked)
        if cand.person_name:
            known = register.find(cand.person_name)
            if cand.pending_person and known is not None:
                cand = register.as_person(known, cand, conf.surname)
            elif cand.pending_person and cand.name in places:
                return None
            elif known is not None and known is not cand:
                cand = _adopt(cand, known)
        return self._actor(doc, fld, cand)

    @staticmethod
    def _actor(doc: Doc, fld: TextField, cand: Candidate) -> Actor:
        text = doc[cand.start : cand.end].text
        return Actor(
            name=cand.name,
            code=cand.code,
            country=cand.country,
            sector=cand.sector,
            kind=cand.kind or "other",
            text=text,
            span=_span(doc, fld, cand.start, cand.end),
            matched_alias=cand.alias,
            confidence=round(cand.confidence, 3),
        )


def _adopt(cand: Candidate, known: Candidate) -> Candidate:
    """A second titled mention of a known person keeps the fuller name and fills gaps."""
    country = cand.country or known.country
    sector = cand.sector or known.sector
    return replace(
        cand,
        name=known.name if len(known.person_name) > len(cand.person_name) else cand.name,
        country=country,
        sector=sector,
        code=cand.code if cand.country else known.code or f"{country or ''}{sector or ''}",
    )


def _latest(recent: list[Actor], kinds: Iterable[str], sectors: Iterable[str]) -> Actor | None:
    """The most recent actor of any of ``kinds`` (and of ``sectors``, when given)."""
    wanted, wanted_sectors = set(kinds), set(sectors)
    for actor in reversed(recent):
        if actor.kind in wanted and (not wanted_sectors or actor.sector in wanted_sectors):
            return actor
    return None


def _span(doc: Doc, fld: TextField, start: int, end: int) -> Span:
    chars = doc[start:end]
    return Span(chars.start_char, chars.end_char, chars.text, fld)
