"""Toponym recognition: the place mentions of one article, and its country evidence.

Sources, most trusted first:

* the dateline at the start of the body ("BAGHDAD, March 10 (Reuters) -", "Tripoli (AFP) -");
* spaCy GPE and LOC entities that name a gazetteer entry ("strong" mentions);
* names the NER model mislabels (PERSON "Tal Afar", ORG "Derna", FAC) and untagged proper nouns
  of the body that match a gazetteer name ("weak" mentions): they carry *evidence*
  (a locative preposition, a qualifier such as ", Lebanon", a cue word such as "province"), and
  the resolver keeps them only with enough of it. Title-case titles are never scanned this way.

Demonyms ("Iraqi", "Libyan") are collected as country evidence; those that modify a noun
("Iraqi troops", "the Libyan coast", "EU leaders") are also mentions of their country or
continent (GeoWebNews annotates them so), kept out of the country context and of the focus so
that they are not counted twice.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from eventwatch.dateline import find_dateline
from eventwatch.nlp import doc_text
from eventwatch.places import tokens as tk
from eventwatch.places.gazetteer import Gazetteer
from eventwatch.places.normalize import name_key, similarity
from eventwatch.records import TextField

STRONG_LABELS = {"GPE": 0.95, "LOC": 0.9}
WEAK_LABELS = {"PERSON", "ORG", "FAC", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"}
MAX_SCAN_TOKENS = 6  # longest token run the proper-noun scan looks up
WEAK_QUALITY = 0.7
WEAK_ALIAS_SIMILARITY = 0.7  # a weak mention matches alternate names only when this alike
DATELINE_QUALITY = 0.95
DEMONYM_QUALITY = 0.8
_ABBREVIATION = re.compile(r"^(?:[A-Z]\.){2,}$")  # "U.S.", "U.K."
NOT_NAME_LABELS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
EMBEDDING_LABELS = {"ORG", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT"}
EMBEDDED_QUALITY = 0.6
EMBEDDED_MIN_POPULATION = 100_000
QUALIFIER_NEAR_KM = 250.0  # a town "in" a region it is not in by GeoNames, but this close
QUALIFIER_GAP_WORDS = 3  # at most this many unknown names between a place and its qualifier
SMALL_SOURCE = "qualified"  # a small-tier place, found only before its qualifier
CONTAINER_LINKS = {"of", "in", "near"}  # "Palanpur area of Surat city"
NEAR_PREPS = {"near", "outside", "around"}  # prepositions of places alone
CONTAINER_KM = 50.0  # a place "of" or "near" a town lies this close to it
_REGIONS = ("admin1", "country")
_AREA_FEATURES = ("admin1", "admin2", "country")  # what a town can lie in
BARE_DISTRICT_POPULATION = 250_000  # districts this large (on average) are named bare
_SAINT_TITLES = frozenset({"st", "saint", "ste", "san", "santa", "sao", "são"})
_POSSESSIVE = ("'s", "’s")
_NAME_LINKS = ("conj", "appos", "compound", "poss")  # from a name to the noun a preposition governs


@dataclass(slots=True)
class Mention:
    """One toponym candidate in the text, before ranking."""

    start: int
    end: int
    text: str
    field: TextField
    key: str  # name_key of the name looked up
    candidates: tuple[int, ...]  # gazetteer entry indices
    source: str  # GPE, LOC, PERSON, ORG, FAC, PROPN, dateline, qualifier, given
    quality: float  # how sure we are that the words name a place at all
    strong: bool  # needs no further evidence
    loose: bool = False  # matched only through the skeleton key
    evidence: float = 0.0
    qualifier: Mention | None = None  # "Tripoli, Lebanon": the Lebanon mention
    qualifies: bool = False  # it is the qualifier of another mention ("Tripoli, Lebanon")
    admin_cue: bool = False  # "Nineveh province"
    city_cue: bool = False  # "the town of Tal Afar"
    unit_cue: bool = False  # "Rupganj Upazila", "Chanchaga LGA": a local unit word after it
    after_name: bool = False  # "Snetterton, Norfolk": a region's place, after a name
    order: int = 0  # position in the article (title first), for focus weighting

    @property
    def is_weak(self) -> bool:
        return not self.strong


@dataclass(slots=True)
class CountryHint:
    """A demonym, a mission or the outlet's country: evidence that the article concerns a
    country."""

    countries: tuple[str, ...]  # ISO2
    field: TextField
    start: int
    outlet: bool = False  # from the article's address ("thesun.co.uk"): ranking only


@dataclass(slots=True)
class Found:
    """What recognition found in one article."""

    mentions: list[Mention] = field(default_factory=list)
    hints: list[CountryHint] = field(default_factory=list)
    dateline: list[Mention] = field(default_factory=list)  # the dateline place (+ qualifier)
    # names after a locative preposition that only the small tier knows ("near Vodyane"),
    # without candidates yet: the resolver looks them up in the article's country
    unplaced: list[Mention] = field(default_factory=list)


class MentionFinder:
    """Finds place mentions and country hints in parsed text."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        k = gazetteer.knowledge
        self.strong_preps = set(k.strong_prepositions)
        self.weak_preps = set(k.weak_prepositions)
        self.admin_cues = set(k.admin_cues)
        self.city_cues = set(k.city_cues)
        self.settlements = set(k.settlement_cues)
        self.admin_of_cues = set(k.admin_of_cues)
        self.feature_cues = set(k.feature_cues)
        self.directions = set(k.direction_words)
        self.place_parts = set(k.place_parts)
        self.buildings = set(k.building_nouns)
        self.generic_nouns = {name_key(w) for w in k.generic_nouns}
        self.date_words = {name_key(w) for w in k.date_words}
        self.unit_cues = set(k.subdivision_cues)
        self.name_cues = self.admin_cues | self.city_cues | self.unit_cues
        self.place_words = self.city_cues | self.unit_cues | self.feature_cues
        self.cue_words = self.directions | self.feature_cues | self.name_cues
        self.container_units = self.name_cues | {"police"}  # "Kotwali police area of ..."
        self.regional = self.directions | {"latin"}
        self._demonym_first = {
            form.split()[0] for form in (*gazetteer.demonyms, *gazetteer.region_demonyms)
        }
        self._mission_hosts = {name: tuple(codes) for name, codes in k.mission_hosts.items()}
        names = sorted(self._mission_hosts, key=len, reverse=True)
        self._missions = (
            re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b") if names else None
        )
        self._not_names = self.gaz.common_words | self.generic_nouns | self.date_words
        self._landmarks = {name_key(name) for name in k.landmarks}  # "White House": Washington
        self._posts = {tuple(post.split()) for post in k.diplomatic_posts}
        self._post_starts = {post[0] for post in self._posts}

    # ------------------------------------------------------------------ entry point
    def find(self, docs: Sequence[tuple[TextField, Doc]]) -> Found:
        found = Found()
        for part, (fld, doc) in enumerate(docs):
            mentions: list[Mention] = []
            if fld == "body":
                found.dateline = self._dateline(doc)
                mentions.extend(found.dateline)
            taken = {i for m in mentions for i in range(m.start, m.end)}
            mentions.extend(self._entities(doc, fld, taken))
            taken = {i for m in mentions for i in range(m.start, m.end)}
            mentions.extend(self._demonym_modifiers(doc, fld, taken))
            if fld == "body":
                taken = {i for m in mentions for i in range(m.start, m.end)}
                mentions.extend(self._proper_nouns(doc, taken))
            mentions = [m for m in mentions if self._stands_alone(doc, m)]
            mentions.extend(self._small_mentions(doc, fld, mentions))
            mentions.sort(key=lambda m: m.start)
            unplaced: list[Mention] = []
            if fld == "body" and self.gaz.small is not None:
                taken = {i for m in mentions for i in range(m.start, m.end)}
                unplaced = self._unplaced(doc, taken)
            mentions = self._link_qualifiers(doc, mentions)
            starts = tk.sentence_starts(doc)
            for m in mentions:
                self._add_evidence(doc, m, starts)
            mentions = self._link_containers(doc, mentions)
            mentions = [m for m in mentions if self._gate_districts(m) and self._settled(doc, m)]
            found.mentions.extend(mentions)
            found.hints.extend(self._demonyms(doc, fld))
            found.hints.extend(self._mission_hints(doc, fld))
            found.unplaced.extend(self._written_in(doc, unplaced, mentions))
            for m in (*mentions, *unplaced):
                m.order = part  # numbered below, in the order of the text
        ordered = sorted((*found.mentions, *found.unplaced), key=lambda m: (m.order, m.start))
        for i, m in enumerate(ordered):
            m.order = i
        return found

    def mention_for(self, doc: Doc, fld: TextField, start: int, end: int) -> Mention | None:
        """A mention for given character offsets (evaluation, user-marked toponyms)."""
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return None
        mention = self._entity_part(span, fld, "GPE")
        if mention is None:
            mention = self._demonym_mention(span, fld)
        if mention is None:
            return None
        mention.start, mention.end, mention.text = start, end, doc_text(doc)[start:end]
        self._add_evidence(doc, mention, tk.sentence_starts(doc))
        return mention

    def _demonym_mention(self, span: Span, fld: TextField) -> Mention | None:
        """A demonym marked as a toponym ("Russian" in GeoWebNews) names its country."""
        rows = self._demonym_rows(span.text.strip())
        if not rows:
            return None
        return _mention(span, fld, tk.demonym_key(span.text), rows, "demonym", 0.8, True)

    def _demonym_rows(self, form: str) -> tuple[int, ...]:
        """The country (or continent) entries a demonym names ("Iraqi", "European")."""
        codes = self.gaz.demonyms.get(form, ())
        rows = tuple(self.gaz.countries[c] for c in codes if c in self.gaz.countries)
        return rows or self.gaz.region_demonyms.get(form, ())

    def _demonym_modifiers(self, doc: Doc, fld: TextField, taken: set[int]) -> list[Mention]:
        """Demonyms that modify a noun ("Russian jets", "the Syrian border", "EU leaders")
        name their country or continent. Those used as nouns ("the Syrians") and predicates
        ("he is Syrian") name people, not places: they stay country evidence only."""
        out: list[Mention] = []
        skip_to = 0
        for i, tok in enumerate(doc):
            if i < skip_to or tok.text not in self._demonym_first or tok.idx in taken:
                continue
            if tok.ent_type_ in ("GPE", "LOC", "FAC") or not tok.text[:1].isupper():
                continue  # "the French Quarter", "the British Embassy": a name of its own
            if i > 0 and tok.ent_iob_ == "I" and tk.capitalised_propn(doc[i - 1]):
                continue  # "Percy French": part of a person's or a firm's name
            if i > 0 and doc[i - 1].text[:1].isupper() and doc[i - 1].lower_ in self.regional:
                continue  # "Central American", "Latin American": a region, not the country
            span = doc[i : i + 2] if i + 1 < len(doc) else None
            if span is None or not self._demonym_rows(span.text):
                span = doc[i : i + 1]
            rows = self._demonym_rows(span.text)
            if not rows or not tk.modifies_a_noun(span[-1]):
                continue
            if self._post_at(doc, span.end):
                continue  # "the Russian Embassy": its sender, not its place
            if self._names_a_feature(doc, span.end):
                continue  # "the French Quarter", "the Persian Gulf": a name of its own
            region = self._region_named(span, fld)
            if region is not None:
                out.append(region)
                skip_to = span.end
                continue
            key = tk.demonym_key(span.text)
            out.append(_mention(span, fld, key, rows, "demonym", DEMONYM_QUALITY, True))
            skip_to = span.end
        return out

    def _names_a_feature(self, doc: Doc, i: int) -> bool:
        """Whether a capitalised unit or feature word at token i ends a name ("the French
        Quarter", "the Persian Gulf"; not "the Canadian Coast Guard")."""
        if i >= len(doc) or not doc[i].text[:1].isupper() or doc[i].lower_ not in self.place_words:
            return False
        return i + 1 == len(doc) or not doc[i + 1].text[:1].isupper()

    def _cue_word_region(self, span: Span, key: str) -> tuple[int, ...]:
        """The first-level regions named ``key`` (their own main name) when a name made of cue
        words is written as a qualifier: after a capitalised word or a unit word and a comma,
        before a closing bracket, a comma, a full stop or the end."""
        doc, start, end = span.doc, span.start, span.end
        if start < 2 or doc[start - 1].text != "," or not span[0].text[:1].isupper():
            return ()
        before = doc[start - 2]
        if not (before.text[:1].isupper() or before.lower_ in self.name_cues):
            return ()
        if end < len(doc) and doc[end].text not in (")", ",", ".", ";"):
            return ()
        entries, primary = self.gaz.entries, self.gaz.primary_keys
        return tuple(
            i for i in self.gaz.lookup(key) if entries[i].feature == "admin1" and primary[i] == key
        )

    def _post_at(self, doc: Doc, i: int) -> bool:
        """Whether a diplomatic post's word ("embassy", "high commission") starts at token i."""
        if i >= len(doc) or doc[i].lower_ not in self._post_starts:
            return False
        return any(tuple(t.lower_ for t in doc[i : i + len(post)]) == post for post in self._posts)

    def _region_named(self, span: Span, fld: TextField) -> Mention | None:
        """ "the Somali region", "Afar Region": a demonym before a region's unit word that is
        also the name of a region is that region's name, not its country."""
        nxt = span.doc[span.end] if span.end < len(span.doc) else None
        if nxt is None or nxt.lower_ not in self.admin_cues:
            return None
        entries, key = self.gaz.entries, name_key(span.text)
        regions = tuple(i for i in self.gaz.lookup(key) if entries[i].feature == "admin1")
        if not regions:
            return None
        mention = _mention(span, fld, key, regions, "LOC", STRONG_LABELS["LOC"], True)
        mention.admin_cue = True
        return mention

    # ------------------------------------------------------------------ dateline
    def _dateline(self, doc: Doc) -> list[Mention]:
        dateline = find_dateline(doc_text(doc))
        if dateline is None:
            return []
        out: list[Mention] = []
        for source, where in (("dateline", dateline.place), ("qualifier", dateline.qualifier)):
            if where is None:
                continue
            span = doc.char_span(*where, alignment_mode="expand")
            mention = span is not None and self._dateline_part(span, source)
            if not mention:
                if source == "dateline":
                    return []  # "UNITED NATIONS (AP) -": not a gazetteer place, no dateline
                continue
            mention.evidence = 3.0
            out.append(mention)
        if len(out) == 2:
            out[0].qualifier = out[1]
        return out

    def _dateline_part(self, span: Span, source: str) -> Mention | None:
        """The dateline place or its qualifier, which may be an AP state abbreviation
        ("HELENA, Mont. (AP) -")."""
        abbreviation = self.gaz.state_abbreviations.get(span.text.strip())
        if abbreviation is not None:
            key = name_key(span.text)
            return _mention(span, "body", key, (abbreviation,), source, DATELINE_QUALITY, True)
        return self._lookup(span, "body", source, DATELINE_QUALITY)

    # ------------------------------------------------------------------ entities
    def _entities(self, doc: Doc, fld: TextField, taken: set[int]) -> list[Mention]:
        out: list[Mention] = []
        done: set[int] = set()
        widened: set[int] = set()  # tokens of entities widened to a longer name (``_widen``)
        for ent in doc.ents:
            if ent.label_ not in STRONG_LABELS and ent.label_ not in WEAK_LABELS:
                continue
            if any(i in taken for i in range(ent.start_char, ent.end_char)):
                continue
            if ent.label_ == "NORP" and (fld == "title" or ent[0].text in self._demonym_first):
                continue  # "Iraqi": a demonym, counted as a hint; "Herat" (NORP): a name
            if fld == "title" and ent.label_ not in STRONG_LABELS and ent.label_ != "PERSON":
                continue
            for part in tk.comma_parts(ent):
                whole = tk.hyphen_compound(part)
                if whole.start_char in done or whole.start_char in widened:
                    continue
                done.add(whole.start_char)
                wide = self._widen(whole, taken)
                if wide is not None:
                    whole = wide
                    widened.update(t.idx for t in wide)
                found = self._entity_name(whole, fld, ent.label_)
                if not found and whole != part:  # "Mogadishu" of "Mogadishu-Wadajir"
                    found = [m for m in [self._entity_part(part, fld, ent.label_)] if m]
                out.extend(found)
        return out

    def _widen(self, name: Span, taken: set[int]) -> Span | None:
        """The longest gazetteer name of at most ``MAX_SCAN_TOKENS`` words that holds an
        entity and the capitalised words around it, when the NER model cut a name apart
        ("Toba Tek Singh" tagged as "Toba" and "Singh", "Foz do Iguacu" as "Foz" and a NORP
        "Iguacu"). Words of dates, numbers and other mentions are never taken."""
        doc = name.doc
        best: Span | None = None
        for a in range(max(0, name.start - 2), name.start + 1):
            first = doc[a]
            if not (tk.small_name_token(first) or _ABBREVIATION.match(first.text)):
                continue  # "U.S. Virgin Islands", tagged "U.S." and "Virgin Islands"
            for b in range(min(len(doc), a + MAX_SCAN_TOKENS), name.end - 1, -1):
                if b - a <= len(name) or (best is not None and b - a <= len(best)):
                    break
                span = doc[a:b]
                if not tk.name_like(span) or any(
                    t.idx in taken or t.ent_type_ in NOT_NAME_LABELS for t in span
                ):
                    continue
                if self.gaz.lookup(name_key(span.text)):
                    best = span
                    break
        return best

    def _entity_name(self, name: Span, fld: TextField, label: str) -> list[Mention]:
        """The mention an entity's part names. A hyphenated name ("KwaZulu-Natal", "Mayo-Sava")
        is one name: its parts are places of their own only when the compound modifies a noun
        ("the Kabul-Kandahar highway", "US-China talks")."""
        mention = self._entity_part(name, fld, label)
        if mention is not None:
            return [mention]
        pair = self._run_on_region(name, fld, label)
        if pair:
            return pair
        pieces = [name]  # parts of a hyphenated name are dropped later (``_stands_alone``)
        if any(tk.attached_hyphen(name.doc, t.i) for t in name) and self._joins_names(name):
            pieces = tk.hyphen_pieces(name)
        out: list[Mention] = []
        for piece in pieces:
            mention = self._entity_part(piece, fld, label) if piece is not name else None
            if mention is not None:
                out.append(mention)
            elif label in EMBEDDING_LABELS:
                out.extend(self._embedded(piece, fld))
        return out

    def _run_on_region(self, name: Span, fld: TextField, label: str) -> list[Mention]:
        """ "at Jarod village (Vadodara Gujarat)": a place name the NER model ran on into the
        region that holds it, with no comma between, is the place qualified by the region (the
        whole name being no place)."""
        if label not in ("GPE", "LOC") or len(name) < 2:
            return []
        entries, primary = self.gaz.entries, self.gaz.primary_keys
        for k in range(name.start + 1, name.end):
            region = self._entity_part(name.doc[k : name.end], fld, label)
            if region is None or any(entries[i].feature not in _REGIONS for i in region.candidates):
                continue
            place = self._entity_part(name.doc[name.start : k], fld, label)
            if place is None or place.key in self.gaz.common_words:
                continue
            # the place by its own name ("Turtle Rock" is no old name of Beloit in Rock County)
            own = tuple(i for i in place.candidates if self._alike(place.key, primary[i]))
            inside = self._inside(own, self._areas(region))
            if inside:
                place.candidates, place.qualifier, region.qualifies = inside, region, True
                return [place, region]
        return []

    def _joins_names(self, name: Span) -> bool:
        """Whether the hyphenated compounds of ``name`` join several places ("Mumbai-Agra
        highway", "Fargo-Moorhead", "Wisconsin-Milwaukee", "US-China talks") rather than being
        one name each ("Mayo-Sava", "KwaZulu-Natal", "Wal-Mart"): the parts of each compound
        are places of one country, or all of them are countries."""
        return all(self._joined(compound) for compound in tk.hyphen_compounds(name))

    def _joined(self, compound: Span) -> bool:
        shared: set[str | None] | None = None
        countries_only = True
        for piece in tk.hyphen_pieces(compound):
            entries = [self.gaz.entries[i] for i in self.gaz.lookup(name_key(piece.text))]
            countries_only &= any(e.feature == "country" for e in entries)
            codes = {e.country for e in entries}
            shared = codes if shared is None else shared & codes
        return bool(shared) or countries_only

    def _embedded(self, name: Span, fld: TextField) -> list[Mention]:
        """Places named inside the name of an organisation, a facility or an event
        ("University of Toronto", "the Zimbabwe Herald"): only countries, regions and cities of
        at least ``EMBEDDED_MIN_POPULATION`` people, which such names mostly refer to."""
        out: list[Mention] = []
        doc, i = name.doc, name.start
        # "the Embassy of the Republic of Armenia": the country is the sender; a city is the seat
        post = any(self._post_at(doc, j) for j in range(name.start, name.end))
        while i < name.end:
            mention = None
            if tk.capitalised_propn(doc[i]) or doc[i].text.isupper():
                for size in range(min(MAX_SCAN_TOKENS - 2, name.end - i), 0, -1):
                    span = doc[i : i + size]
                    if tk.name_like(span) and (mention := self._prominent(span, fld)):
                        break
            if mention is not None and post:
                entries = self.gaz.entries
                if any(entries[c].feature == "country" for c in mention.candidates):
                    mention = None  # the country's name, not a namesake town
            if mention is None:
                i += 1
                continue
            out.append(mention)
            i = doc.char_span(mention.start, mention.end, alignment_mode="expand").end  # type: ignore[union-attr]
        return out

    def _prominent(self, span: Span, fld: TextField) -> Mention | None:
        mention = self._lookup(span, fld, "embedded", EMBEDDED_QUALITY, strong=True)
        if mention is None:
            return None
        entries, primary = self.gaz.entries, self.gaz.primary_keys
        mention.candidates = tuple(
            i
            for i in mention.candidates
            if entries[i].feature in ("country", "admin1", "continent")
            # a city by its own name or a spelling of it: "the Venice Commission" is not
            # Dayton, Ohio (once called Venice); an old name such as "Peking" is left out too
            # (tried: allowing cities of a million or more cost precision, gained no recall)
            or (
                (entries[i].capital or entries[i].population >= EMBEDDED_MIN_POPULATION)
                and (self._alike(mention.key, primary[i]) or mention.key in self._landmarks)
            )
        )
        return mention if mention.candidates else None

    def _entity_part(self, part: Span, fld: TextField, label: str) -> Mention | None:
        strong = label in STRONG_LABELS
        quality = STRONG_LABELS.get(label, WEAK_QUALITY)
        abbreviation = self.gaz.state_abbreviations.get(part.text)
        if abbreviation is not None:
            return _mention(part, fld, name_key(part.text), (abbreviation,), label, quality, strong)
        mention = self._lookup(part, fld, label, quality, strong=strong, loose_ok=strong)
        if mention is not None or not strong:
            return mention
        trimmed = self._trim(part)
        if trimmed is None:
            return None
        inner, admin_cue, city_cue = trimmed
        mention = self._lookup(inner, fld, label, quality, strong=True, loose_ok=True)
        if mention is None:
            return None
        # "North Africa" is not Africa, "Morris County" not a town called Morris
        wanted = {"admin1", "admin2"} if admin_cue else {"country", "admin1", "city"}
        entries, primary, key = self.gaz.entries, self.gaz.primary_keys, mention.key
        mention.candidates = tuple(
            i
            for i in mention.candidates
            if entries[i].feature in wanted
            and (entries[i].feature != "city" or self._alike(key, primary[i]))
        )
        mention.admin_cue, mention.city_cue = admin_cue, city_cue
        return mention if mention.candidates else None

    def _trim(self, span: Span) -> tuple[Span, bool, bool] | None:
        """Drop direction words before and a cue word after a name ("northern Syria")."""
        start, end = span.start, span.end
        admin_cue = city_cue = False
        while start < end - 1 and span.doc[start].lower_ in self.directions:
            start += 1
        last = span.doc[end - 1].lower_
        if end - start > 1 and last in self.admin_cues | self.city_cues:
            admin_cue, city_cue = last in self.admin_cues, last in self.city_cues
            end -= 1
        if (start, end) == (span.start, span.end):
            return None
        return span.doc[start:end], admin_cue, city_cue

    def _lookup(
        self,
        span: Span,
        fld: TextField,
        source: str,
        quality: float,
        strong: bool = True,
        loose_ok: bool = False,
    ) -> Mention | None:
        whole = span
        span = tk.strip_determiners(span)
        if span is None:
            return None
        key = name_key(span.text)
        if span.end < whole.end and span[0].lower_.rstrip(".") in _SAINT_TITLES:
            # "St. John's" (Newfoundland's capital) is a name in its own right, "'s" and all
            saints = name_key(span.doc[span.start : whole.end].text)
            if self.gaz.lookup(saints):
                span, key = span.doc[span.start : whole.end], saints
        if all(word in self.cue_words for word in key.split()):
            # "West", "the Gulf", "West Coast", "Quarter": cue words in text; but written after
            # a place and a comma they name a region ("Aniocha South LGA, Delta", "(Baydhaba,
            # Bay)", "Gordi (Mamprugo Moaduri, North East)")
            regions = self._cue_word_region(span, key)
            if not regions:
                return None
            return _mention(span, fld, key, regions, source, quality, strong)
        letters = sum(c.isalpha() for c in span.text)
        if span.text.isupper() and (letters <= 3 or (not strong and letters <= 5)):
            # "NGO", "P.A.": an acronym names a place only when the gazetteer writes it so
            candidates = self.gaz.lookup_acronym(span.text)
            if not candidates:
                return None
            return _mention(span, fld, key, candidates, source, quality, strong)
        candidates = self.gaz.lookup(key)
        loose = False
        if not candidates and loose_ok and len(key) >= 4:
            candidates, loose = self.gaz.lookup_loose(key), True
        if not strong:  # "Chen" is an old name of Chenzhou, "Julia" of Plovdiv: not for guesses
            primary, entries = self.gaz.primary_keys, self.gaz.entries
            words = key.split()
            # a region's English name with its direction: "Lower Juba" (Jubbada Hoose)
            directed = len(words) > 1 and words[0] in self.directions
            candidates = tuple(
                i
                for i in candidates
                if self._alike(key, primary[i])
                or tk.short_form(key, entries[i], primary[i])
                or (entries[i].feature == "country" and len(words) > 1)
                or (entries[i].feature == "admin1" and directed)
            )  # a country by its full name: "the Democratic People's Republic of Korea"
        if not candidates:
            return None
        entries = self.gaz.entries
        if len(key.split()) > 1 and all(entries[i].feature == "country" for i in candidates):
            strong = True  # a country's full name is a place whatever the tag says
        mention = _mention(span, fld, key, candidates, source, quality, strong)
        mention.loose = loose
        return mention

    @staticmethod
    def _alike(key: str, primary: str) -> bool:
        """The name as written is the entry's main name or a spelling of it."""
        return key == primary or similarity(key, primary) >= WEAK_ALIAS_SIMILARITY

    # ------------------------------------------------------------------ proper nouns
    def _proper_nouns(self, doc: Doc, taken: set[int]) -> list[Mention]:
        """Body proper nouns that match a gazetteer name, outside GPE/LOC entities."""
        out: list[Mention] = []
        i, n = 0, len(doc)
        while i < n:
            tok = doc[i]
            if not tk.capitalised_propn(tok) or tok.idx in taken or tok.ent_type_:
                i += 1
                continue
            mention = None
            for size in range(min(MAX_SCAN_TOKENS, n - i), 0, -1):
                span = doc[i : i + size]
                if not tk.name_like(span) or any(t.idx in taken or t.ent_type_ for t in span):
                    continue
                mention = self._lookup(span, "body", "PROPN", WEAK_QUALITY, strong=False)
                if mention is not None:
                    break
            if mention is None:
                i += 1
                continue
            out.append(mention)
            i = doc.char_span(mention.start, mention.end, alignment_mode="expand").end  # type: ignore[union-attr]
        return out

    # ------------------------------------------------------------------ evidence
    def _link_qualifiers(self, doc: Doc, mentions: list[Mention]) -> list[Mention]:
        """ "Tripoli, Lebanon", "Paris, Texas", "Zamora, Michoacan", "Burgersfort (Sekhukhune,
        Limpopo)", "La Concordia parish, San Cristobal, Tachira state": a region or country
        written after a place, joined by commas or brackets, names where that place lies.
        Candidates outside the qualifier are dropped (those in its country are kept when none
        lies in the region itself: writers and gazetteers disagree on regions); a place with
        none inside it is a place the gazetteer lacks, and is dropped itself. A list ("Kabul,
        Kandahar and Herat") has no qualifiers. A smaller town written before a qualified town
        lies in that town (:meth:`_town_holder`)."""
        text = doc_text(doc)
        holders: dict[int, Mention] = {}
        for chain in self._chains(text, mentions):
            for i, m in enumerate(chain):
                q = next((q for q in chain[i + 1 :] if self._qualifies(q, m)), None)
                if q is not None:
                    m.qualifier, q.qualifies = q, True
            for m, n in itertools.pairwise(chain):
                if self._town_holder(m, n, text[m.end : n.start]):
                    holders[id(m)] = n
        kept: list[Mention] = []
        # last first: a qualifier is narrowed by its own qualifier before it narrows the town
        # ("La Concordia parish, San Cristobal, Tachira state": Venezuela's San Cristobal)
        for m in reversed(mentions):
            if m.source == SMALL_SOURCE:  # found inside its qualifier (``_small_mentions``)
                kept.append(m)
                continue
            if m.qualifier is not None and m.source != "dateline":
                # a large city qualifies as its region too ("Pivdenne, Donetsk")
                region = tuple(dict.fromkeys((*m.qualifier.candidates, *self._areas(m.qualifier))))
                inside = self._inside(m.candidates, region)
                if not inside:
                    inside = self._inside_other_sense(m, m.qualifier)
                if not inside:  # a small namesake of a larger place elsewhere
                    inside = self.gaz.qualified(m.key, region)
                if not inside:
                    continue
                m.candidates = inside
            holder = holders.get(id(m))
            if holder is not None:
                held = self._held(m, holder)
                if not held:
                    continue
                m.candidates = held
            kept.append(m)
        return kept[::-1]

    def _town_holder(self, m: Mention, n: Mention, gap: str) -> bool:
        """ "Barangay Poblacion, Marawi, Lanao del Sur": a town written, after a comma only,
        before a town that has a qualifier of its own, with no qualifier itself and smaller
        than every sense of that town, is a part of it (a neighbourhood, a village of its
        municipality). Its candidates far from that town go (``_held``). A list of towns
        ("Kunduz, Baghlan, Mazar-i-Sharif (Balkh)") names larger towns or regions."""
        if m.qualifier is not None or n.qualifier is None or gap.strip() != ",":
            return False
        if m.source in ("dateline", SMALL_SOURCE) or not m.candidates or not n.candidates:
            return False
        entries = self.gaz.entries
        if any(entries[i].feature != "city" for i in (*m.candidates, *n.candidates)):
            return False
        smallest = min(entries[i].population for i in n.candidates)
        return all(entries[i].population < smallest for i in m.candidates)

    def _gate_districts(self, m: Mention) -> bool:
        """Districts (second-level regions) are candidates only of a name written as one: with
        a region's unit word ("Baramulla district", "Dane County"), as the qualifier of a town
        or after a name ("Dori, Seno", "Snetterton, Norfolk"), or as the only sense of a name
        the NER model calls a place or a region written after it holds (a municipality,
        "Aral Moreira, Mato Grosso do Sul"). Elsewhere a district competes with the town or
        region of its name only when :meth:`_bare_district` allows it ("Essex"). False when
        the mention is left with no candidate."""
        entries = self.gaz.entries
        districts = [i for i in m.candidates if entries[i].feature == "admin2"]
        written = m.admin_cue or m.unit_cue or m.qualifies or m.after_name
        if not districts or written:
            return True
        others = tuple(
            i for i in m.candidates if entries[i].feature != "admin2" or self._bare_district(m, i)
        )
        if others:
            m.candidates = others
            return True
        return m.strong or m.qualifier is not None  # "Aral Moreira, Mato Grosso do Sul"

    def _settled(self, doc: Doc, m: Mention) -> bool:
        """A name written with a settlement word ("in Kandal village", "in Tipperary town")
        names a town: its region and country candidates go; with no town left, the small
        places of its name inside those regions stand in, and with none it is a place the
        gazetteer lacks. Not a name that modifies the noun ("a coastal South Carolina town",
        "the Sindh town of Larkana", "Cedar County town baseball"). False when the mention is
        left with no candidate."""
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or span.end >= len(doc) or m.source == "dateline":
            return True
        cue = doc[span.end]
        if cue.text not in self.settlements or cue.dep_ == "compound":
            return True
        if span.end + 1 < len(doc) and doc[span.end + 1].lower_ == "of":
            return True
        if span.start > 0 and doc[span.start - 1].pos_ in ("DET", "ADJ", "PRON"):
            return True
        entries = self.gaz.entries
        towns = tuple(i for i in m.candidates if entries[i].feature == "city")
        if not towns:
            areas = tuple(i for i in m.candidates if entries[i].feature != "city")
            towns = self.gaz.qualified(m.key, areas) or self.gaz.small_near(
                m.key, (i for i in areas if entries[i].feature != "country")
            )
        m.candidates = towns
        return bool(towns)

    def _bare_district(self, m: Mention, i: int) -> bool:
        """A district written with no unit word is still a candidate when the name is its own
        whole name ("Essex", not "Essex County"), no town or region of its country bears that
        name ("Manchester") and its country's districts are large (``BARE_DISTRICT_POPULATION``
        people each, on average): England's counties and France's departments are named
        bare, a Canadian county or an Australian shire is not the sense of a bare name."""
        entries = self.gaz.entries
        entry = entries[i]
        if m.key in self.gaz.common_words or self.gaz.primary_keys[i] != m.key:
            return False
        typical = self.gaz.admin2_population.get(entry.country or "", 0.0)
        if typical < BARE_DISTRICT_POPULATION:
            return False
        return not any(
            entries[j].country == entry.country and entries[j].feature != "admin2"
            for j in m.candidates
        )

    def _link_containers(self, doc: Doc, mentions: list[Mention]) -> list[Mention]:
        """ "the Nima community of Accra", "Palanpur area of Surat city", "Hamirpur village
        near Rapar town": a place written with a unit word, then "of", "in" or "near" and a
        place, lies in that place (or near it: ``CONTAINER_KM`` of a town). Its candidates
        elsewhere are dropped, small places there are looked up, and with none left it names a
        place the gazetteer lacks and is dropped itself: the event takes the place that holds
        it, not a namesake elsewhere."""
        by_start = {m.start: m for m in mentions}
        dropped: set[int] = set()
        for m in mentions:
            if m.source in ("dateline", "demonym", SMALL_SOURCE) or not m.candidates:
                continue
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            holder = self._container(doc, span, by_start) if span is not None else None
            if holder is None or holder is m:
                continue
            held = self._held(m, holder)
            if held:
                m.candidates = held
            else:
                dropped.add(id(m))
        return [m for m in mentions if id(m) not in dropped]

    def _container(self, doc: Doc, span: Span, by_start: dict[int, Mention]) -> Mention | None:
        j, units = span.end, 0
        while j < len(doc) and units < 2 and doc[j].lower_ in self.container_units:
            j, units = j + 1, units + 1
        if not units or j + 1 >= len(doc) or doc[j].lower_ not in CONTAINER_LINKS:
            return None
        k = j + 2 if doc[j + 1].lower_ == "the" else j + 1
        holder = by_start.get(doc[k].idx) if k < len(doc) else None
        if holder is None and k < len(doc):
            holder = self._region_after_unknown(doc, k, by_start)
        if holder is None or holder.source == "demonym":
            return None
        return holder if holder.strong or holder.evidence >= 1.0 else None

    def _region_after_unknown(
        self, doc: Doc, k: int, by_start: dict[int, Mention]
    ) -> Mention | None:
        """ "Islamabad area of Alishing district, Laghman": the holder is a place the gazetteer
        lacks, named with its unit word; the region or country written after it, past a comma
        or a bracket, holds both."""
        i = k
        while (
            i < len(doc) and i - k < 3 and doc[i].text[:1].isupper() and doc[i].idx not in by_start
        ):
            i += 1
        if i == k or i >= len(doc) or doc[i].lower_ not in self.name_cues:
            return None
        i += 1
        if i + 1 >= len(doc) or doc[i].text not in (",", "("):
            return None
        region = by_start.get(doc[i + 1].idx)
        if region is None or not self._areas(region):
            return None
        return region

    def _held(self, m: Mention, holder: Mention) -> tuple[int, ...]:
        """``m``'s candidates inside ``holder``'s regions or near its towns, else small places
        there."""
        gaz, entries = self.gaz, self.gaz.entries
        regions = tuple(i for i in holder.candidates if entries[i].feature in _AREA_FEATURES)
        towns = tuple(i for i in holder.candidates if entries[i].feature == "city")
        held = tuple(
            i
            for i in m.candidates
            if (regions and gaz.within(i, regions)) or gaz.near(i, towns, CONTAINER_KM)
        )
        if held:
            return held
        areas = [*regions]
        for i in towns:
            region = gaz.admin1.get((entries[i].country, entries[i].admin1))
            if region is not None:
                areas.append(region)
        small = gaz.qualified(m.key, areas) if areas else ()
        return tuple(i for i in small if gaz.within(i, regions) or gaz.near(i, towns, CONTAINER_KM))

    def _inside_other_sense(self, m: Mention, q: Mention) -> tuple[int, ...]:
        """A weak qualifier keeps only the entries it is the main name of (``_lookup``);
        "Mamfe town (Manyu, Sud-Ouest)" means Cameroon's South-West, known to GeoNames as
        "Sud-Ouest" too. The regions of its other senses that hold one of ``m``'s candidates
        join the qualifier, and those candidates are returned."""
        entries = self.gaz.entries
        others = tuple(
            i
            for i in self.gaz.lookup(q.key)
            if i not in q.candidates and entries[i].feature in _AREA_FEATURES
        )
        inside = tuple(i for i in m.candidates if self.gaz.within(i, others)) if others else ()
        if inside:
            holding = tuple(i for i in others if any(self.gaz.within(c, (i,)) for c in inside))
            q.candidates = (*q.candidates, *holding)
        return inside

    # ------------------------------------------------------------------ small tier
    def _small_mentions(self, doc: Doc, fld: TextField, mentions: list[Mention]) -> list[Mention]:
        """Names the gazetteer lacks, written before a region, a country or a large city that
        qualifies them ("in Pipri, Kaushambi (UP)", "village of Gadabo (Anzourou, Tillaberi)",
        "near Marinka, Donetsk"), looked up in the small tier inside that region only
        (``docs/places.md``, rule 16). Each comes linked to its qualifier."""
        if self.gaz.small is None or not mentions:
            return []
        owner = {c: m for m in mentions for c in range(m.start, m.end)}
        out: list[Mention] = []
        for q in mentions:
            areas = self._areas(q)
            span = doc.char_span(q.start, q.end, alignment_mode="expand") if areas else None
            if span is not None and not self._modifies_a_name(span):
                out.extend(self._small_before(doc, fld, (span.start, q, areas), owner))
        return out

    def _modifies_a_name(self, span: Span) -> bool:
        """ "Williams, U.S. Trade Representative": a capitalised word (not a unit word such as
        "State") after the name makes it part of a title, not a qualifier."""
        nxt = span.doc[span.end] if span.end < len(span.doc) else None
        return (
            nxt is not None
            and not nxt.is_sent_start
            and nxt.is_alpha
            and nxt.text[:1].isupper()
            and nxt.lower_ not in self.name_cues
        )

    def _areas(self, q: Mention) -> tuple[int, ...]:
        """The regions a qualifier names: its country and region candidates, and the region of
        its large cities ("Marinka, Donetsk": the Donetsk oblast)."""
        gaz, out = self.gaz, []
        for i in q.candidates:
            e = gaz.entries[i]
            if e.feature in _AREA_FEATURES:
                out.append(i)
            elif e.feature == "city" and (e.capital or e.population >= EMBEDDED_MIN_POPULATION):
                region = gaz.admin1.get((e.country, e.admin1))
                if region is not None:
                    out.append(region)
        return tuple(dict.fromkeys(out))

    def _small_before(
        self,
        doc: Doc,
        fld: TextField,
        target: tuple[int, Mention, tuple[int, ...]],
        owner: dict[int, Mention],
    ) -> list[Mention]:
        """Walk back from the qualifier (``target``: its first token, the mention, its areas)
        over commas, brackets, cue words and names, up to another qualifier; look up each
        unknown name inside the areas. Each gap of the chain is checked as ``_link_qualifiers``
        checks it."""
        end, q, areas = target
        out: list[Mention] = []
        nearest, i, words = q.start, end - 1, 0  # ``nearest``: the next link of the chain
        while i >= 0 and words <= QUALIFIER_GAP_WORDS:
            tok, other = doc[i], owner.get(doc[i].idx)
            if tok.text in (",", "("):
                i -= 1
            elif other is not None:
                first = doc.char_span(other.start, other.end, alignment_mode="expand")
                if first is None or self._areas(other):
                    break  # a qualifier of the names before it
                i, words, nearest = first.start - 1, 0, other.start
            elif tok.lower_ in self.name_cues:
                i, words = i - 1, words + 1
            elif tk.small_name_token(tok):
                start = _run_start(doc, i, owner)
                found = None
                glued = start > 0 and doc[start - 1].idx in owner  # "San Mateo| Atenco"
                gap = doc_text(doc)[tok.idx + len(tok.text) : nearest]
                if not glued and self._qualifier_gap(gap):
                    found = self._small_lookup(doc[start : i + 1], fld, q, areas)
                if found is None:
                    i, words = start - 1, words + 1
                    continue
                out.append(found)
                first = doc.char_span(found.start, found.end, alignment_mode="expand")
                i, words, nearest = (first.start if first else start) - 1, 0, found.start
            else:
                break
        return out

    def _small_lookup(
        self, run: Span, fld: TextField, q: Mention, areas: tuple[int, ...]
    ) -> Mention | None:
        """``run``, or its ending after leading function or unit words ("In Pipri", "Village
        Gadabo"), when it names small places inside ``areas``: a mention qualified by ``q``."""
        skip = self.gaz.common_words | self.generic_nouns | self.date_words
        for k in range(len(run)):
            if k and not (run[k - 1].is_stop or run[k - 1].lower_ in self.name_cues):
                break  # drop only leading function or unit words, not "Newmarket" of "... Road"
            span = run[k:]
            key = name_key(span.text)
            if k and tk.particle(run[k - 1]):
                continue  # "Tuxtla" of "San Andres de Tuxtla": part of a longer name
            if tk.particle(span[0]) or not key or key in skip or key.split()[0] in self.directions:
                continue
            candidates = self.gaz.qualified(key, areas)
            if candidates:
                mention = _mention(span, fld, key, candidates, SMALL_SOURCE, WEAK_QUALITY, False)
                mention.qualifier, q.qualifies = q, True
                return mention
        return None

    def _inside(self, candidates: tuple[int, ...], region: tuple[int, ...]) -> tuple[int, ...]:
        """The candidates inside one of the regions, else those of the same country near one
        of them (``QUALIFIER_NEAR_KM``: regions split or renamed, "Sorong, West Papua")."""
        inside = tuple(i for i in candidates if self.gaz.within(i, region))
        if inside:
            return inside
        entries = self.gaz.entries
        countries = {entries[i].country for i in region}
        return tuple(
            i
            for i in candidates
            if entries[i].country in countries and self.gaz.near(i, region, QUALIFIER_NEAR_KM)
        )

    def _chains(self, text: str, mentions: list[Mention]) -> list[list[Mention]]:
        """Runs of mentions joined by commas or brackets, lists left out."""
        chains: list[list[Mention]] = []
        run: list[Mention] = []
        for m in mentions:
            if m.source == "demonym":  # "Warder, Somali region": no qualifier
                continue
            gap = text[run[-1].end : m.start] if run else ""
            if run and m.field == run[-1].field and self._qualifier_gap(gap):
                run.append(m)
                continue
            if len(run) > 1 and not tk.LIST_END.match(text[run[-1].end : m.start]):
                chains.append(run)
            run = [m]
        if len(run) > 1:
            chains.append(run)
        return chains

    def _qualifier_gap(self, gap: str) -> bool:
        """Commas or an opening bracket, with at most a few names or cue words between (name
        particles aside: "San Martin Texmelucan de Labastida, Puebla"; "Burgersfort
        (Sekhukhune, Limpopo)", "La Concordia parish, San Cristobal")."""
        if "," not in gap and "(" not in gap:
            return False
        if ")" in gap or ";" in gap or "." in gap.replace("..", ""):
            return False
        words = [w for w in tk.WORD.findall(gap) if w not in tk.NAME_PARTICLES]
        if len(words) > QUALIFIER_GAP_WORDS:
            return False
        return all(w[:1].isupper() or w.lower() in self.name_cues for w in words)

    def _large_city(self, m: Mention) -> bool:
        entries, primary = self.gaz.entries, self.gaz.primary_keys
        return any(
            entries[i].feature == "city"
            and primary[i] == m.key
            and entries[i].population >= EMBEDDED_MIN_POPULATION
            for i in m.candidates
        )

    def _qualifies(self, q: Mention, m: Mention) -> bool:
        """Whether ``q`` can qualify ``m``: a region or a country qualifies a town; a name
        that may also be a region or a country is qualified only when one of its candidates
        lies inside ``q`` ("Indiana, Ill." are two states), or when it may be a town and its
        regions and countries all lie in other countries than the region or country
        ``q`` names ("Valparaiso, Zacatecas" is a Mexican town, not the Chilean region; "Foca,
        Bosnia and Herzegovina" is Bosnia's Foca, not the Turkish district). A district
        qualifies only a name with a candidate inside it ("Dori, Seno")."""
        entries = self.gaz.entries
        if not any(entries[i].feature in _REGIONS for i in q.candidates):
            districts = tuple(i for i in q.candidates if entries[i].feature == "admin2")
            if districts and any(self.gaz.within(i, districts) for i in m.candidates):
                return True
            return self._in_city_region(q, m)
        if all(entries[i].feature == "city" for i in m.candidates):
            return True
        if any(
            entries[i].feature != "country" and self.gaz.within(i, q.candidates)
            for i in m.candidates
        ):
            return True
        areas = [entries[i] for i in m.candidates if entries[i].feature in _REGIONS]
        # two countries in a row are a list ("the invasion of Kuwait, Egypt was ...")
        named = ("admin1",) if any(e.feature == "country" for e in areas) else _REGIONS
        regions = [entries[i] for i in q.candidates if entries[i].feature in named]
        return (
            bool(regions)
            and len(areas) < len(m.candidates)
            and not {e.country for e in areas} & {e.country for e in regions}
        )

    def _in_city_region(self, q: Mention, m: Mention) -> bool:
        """ "Pivdenne, Donetsk", "Elenovka, Donetsk": a large city written after a town names
        the region it gives its name to (wire and ACLED style), when the town may lie there (a
        candidate or a small place of its name inside it) or lies in no place of that country
        (one the gazetteer knows only abroad, by another name: Elenovka is an old name of Sevan,
        Armenia). Towns of that country elsewhere, and towns abroad of that very name, are
        not qualified: "Kabul, Kandahar", "Kismaayo, Lower Juba" (not Juba, South Sudan)."""
        entries = self.gaz.entries
        if not m.candidates or any(entries[i].feature != "city" for i in m.candidates):
            return False
        regions = tuple(a for a in self._areas(q) if entries[a].feature == "admin1")
        if not regions:
            return False
        if any(self.gaz.within(i, regions) for i in m.candidates):
            return True
        countries = {entries[a].country for a in regions}
        primary = self.gaz.primary_keys
        # known abroad only by another name (not "Kismaayo, Lower Juba": Kismaayo's own name)
        abroad = all(
            entries[i].country not in countries and not self._alike(m.key, primary[i])
            for i in m.candidates
        )
        return abroad or bool(self.gaz.qualified(m.key, regions))

    def _stands_alone(self, doc: Doc, m: Mention) -> bool:
        """False for a name that is not a place on its own: "the Juba river" (a natural
        feature), "Natal" of "KwaZulu-Natal", "Teresa" of "Santa Teresa del Tuy" (part of a
        longer name), "Colonia" of "Colonia Moises Saenz" (a common noun of another language
        heading a name)."""
        if m.source in ("dateline", "qualifier", "demonym"):
            return True
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            return True
        nxt = doc[span.end] if span.end < len(doc) else None
        if nxt is not None and nxt.lower_ in self.feature_cues:
            return False
        if m.key in self.generic_nouns and nxt is not None and nxt.text[:1].isupper():
            return False
        if m.key in self.date_words and tk.next_to_number(span):
            return False  # "9 May 2020": not the town of May
        if self._saints_building(span):
            return False
        return not self._inside_longer_name(span, m)

    def _saints_building(self, span: Span) -> bool:
        """ "St. Peter's Basilica", "St Mary's Hospital": a saint's name in the possessive
        before a building's word names the building, not a parish called St Peter."""
        doc, end = span.doc, span.end
        if span[0].lower_.rstrip(".") not in _SAINT_TITLES:
            return False
        if span[-1].lower_ not in _POSSESSIVE:  # "St. John's" may be read whole
            if end >= len(doc) or doc[end].lower_ not in _POSSESSIVE:
                return False
            end += 1
        return end < len(doc) and doc[end].lower_ in self.buildings

    def _inside_longer_name(self, span: Span, m: Mention) -> bool:
        doc, start, end = span.doc, span.start, span.end
        compound = tk.hyphen_compound(span)
        if (compound.start, compound.end) != (start, end) and not self._joined(compound):
            # "Mogadishu-Wadajir district": a large city before the name of its part
            return not (compound.start == start and self._large_city(m))
        if end + 1 < len(doc) and tk.particle(doc[end]) and doc[end + 1].text[:1].isupper():
            return True
        if end + 2 < len(doc) and tk.particle(doc[end]) and tk.particle(doc[end + 1]):
            return doc[end + 2].text[:1].isupper()
        countries = any(self.gaz.entries[i].feature == "country" for i in m.candidates)
        return (  # "Ecatzingo de Hidalgo", not "the Tour de France"
            not countries
            and start >= 2
            and tk.particle(doc[start - 1])
            and doc[start - 2].is_alpha
            and doc[start - 2].text[:1].isupper()
        )

    def _add_evidence(self, doc: Doc, m: Mention, sentence_starts: set[int]) -> None:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            return
        if m.qualifier is not None:
            m.evidence += 1.5
        m.after_name = self._after_a_name(span, m)
        if m.qualifies or (m.is_weak and (m.after_name or self._bracketed_after_a_place(span))):
            m.evidence += 1.0
        prev = doc[span.start - 1] if span.start > 0 else None
        nxt = doc[span.end] if span.end < len(doc) else None
        if nxt is not None and nxt.lower_ in self.admin_cues:
            m.admin_cue, m.evidence = True, m.evidence + 1.0
        elif nxt is not None and nxt.lower_ in self.city_cues:
            m.city_cue, m.evidence = True, m.evidence + 0.5
        elif nxt is not None and nxt.lower_ in self.unit_cues:
            m.unit_cue = True
        if prev is not None and prev.lower_ == "of" and span.start > 1:
            cue = doc[span.start - 2].lower_
            if cue in self.city_cues:
                m.city_cue, m.evidence = True, m.evidence + 1.0
            elif cue in self.admin_of_cues:
                m.admin_cue, m.evidence = True, m.evidence + 1.0
        m.evidence += self._preposition(span)
        if m.is_weak:
            if span.start in sentence_starts:
                m.evidence -= 0.5
            m.quality = min(0.9, WEAK_QUALITY + 0.1 * (m.evidence - 1.0))

    def _after_a_name(self, span: Span, m: Mention) -> bool:
        """ "Bhagwanpur (Uttarakhand)", "Makhanpur, Uttarakhand", "Nahri Saraj district,
        Helmand": a region written after a name that the gazetteer may lack (with the name's
        cue word, if any), in brackets or after a comma."""
        doc, i = span.doc, span.start
        if i < 2 or doc[i - 1].text not in ("(", ","):
            return False
        prev = doc[i - 2]
        if prev.lower_ in self.name_cues and i >= 3:
            prev = doc[i - 3]
        return tk.capitalised_propn(prev) and any(
            self.gaz.entries[c].feature in _AREA_FEATURES for c in m.candidates
        )

    def _bracketed_after_a_place(self, span: Span) -> bool:
        """ "the village of Bouloye-Thiouly (Dori, Seno)", "in Logobou (Logobou, Tapoa)",
        "Rupganj Upazila (Narayanganj)": the first name in brackets after a name that a cue
        word or a locative preposition marks as a place names the town or district it lies in.
        A name in brackets after a person's or an organisation's name is not taken."""
        doc, i = span.doc, span.start
        if i < 2 or doc[i - 1].text != "(":
            return False
        j = i - 2
        if doc[j].lower_ in self.name_cues:
            return j > 0 and tk.small_name_token(doc[j - 1])  # "Rupganj Upazila (": named
        if not tk.small_name_token(doc[j]):
            return False
        k = j
        while k > 0 and (tk.small_name_token(doc[k - 1]) or doc[k - 1].text in ("-", "'")):
            k -= 1
        if k == 0:
            return False
        before = doc[k - 1].lower_
        if before in self.strong_preps or before in ("at", "between"):
            return True
        return before == "of" and k >= 2 and doc[k - 2].lower_ in self.name_cues

    def _preposition(self, span: Span) -> float:
        """1 when a strong locative preposition governs the name ("into Tal Afar", also through
        coordination: "near Tripoli and Derna"), 0.5 for a weak one."""
        tok = span.root
        seen, thing = 0, False
        while tok.dep_ in _NAME_LINKS and tok.head is not tok and seen < 4:
            # "in the Airport police station", "in Noma's case": the name qualifies a thing,
            # not a place ("in Syria's north", "in Mosul's outskirts" are parts of places)
            thing = thing or (
                tok.dep_ in ("compound", "poss")
                and tok.head.pos_ == "NOUN"
                and not self._unit(tok.head)
                and tok.head.lower_ not in self.directions
                and tok.head.lemma_.lower() not in self.place_parts
            )
            tok, seen = tok.head, seen + 1
        words = []
        if tok.dep_ == "pobj":
            words.append(tok.head.lower_)
        if span.start > 0:
            words.append(span.doc[span.start - 1].lower_)
        share = 0.5 if thing else 1.0
        if any(w in self.strong_preps for w in words):
            return share
        return 0.5 * share if any(w in self.weak_preps for w in words) else 0.0

    def _unit(self, tok: Token) -> bool:
        """A place's unit or cue word ("district", "town", "area", "village")."""
        return tok.lower_ in self.container_units or tok.lemma_.lower() in self.container_units

    # ------------------------------------------------------------------ small-tier names
    def _unplaced(self, doc: Doc, taken: set[int]) -> list[Mention]:
        """ "near Vodyane", "in Koschi", "the village of Telman": a capitalised name that a
        strong locative preposition (or "village of") governs, that no mention covers and that
        only the small tier knows (after "near", "outside" or "around", even one the NER model
        tagged ORG or PERSON: "near Opytne"). It gets candidates only where the article's country is
        clear (:meth:`PlaceResolver.resolve`): a small namesake anywhere else is a guess."""
        small = self.gaz.small
        assert small is not None
        out: list[Mention] = []
        for i in range(1, len(doc)):
            tok = doc[i]
            if tok.idx in taken or not tk.small_name_token(tok):
                continue
            if not self._locative_before(doc, i):
                continue
            # an organisation or a person is "in" things ("in Congress") but not "near" them:
            # after "near" a name the model tagged ORG or PERSON may still be a village
            near = doc[i - 1].lower_ in NEAR_PREPS
            if tok.ent_type_ not in ("", "GPE", "LOC", "FAC") and not (
                near and tok.ent_type_ in ("ORG", "PERSON")
            ):
                continue
            for size in range(min(3, len(doc) - i), 0, -1):
                span = doc[i : i + size]
                if not tk.name_like(span) or any(t.idx in taken for t in span):
                    continue
                if _hyphen_after(span):  # "Kalynove-Borshchuvate" is not Kalynove
                    continue
                key = name_key(span.text)
                if not key or key in self._not_names or key.split()[0] in self.directions:
                    continue
                if small.rows(key) and not self.gaz.lookup(key):
                    m = _mention(span, "body", key, (), "unplaced", WEAK_QUALITY, False)
                    m.evidence = 1.0
                    out.append(m)
                    break
        return out

    def _written_in(
        self, doc: Doc, unplaced: list[Mention], mentions: list[Mention]
    ) -> list[Mention]:
        """Unplaced names written before a region ("near Pisky, Donetsk") get it as their
        qualifier: the small tier was searched there (``_small_mentions``) and does not hold
        them, so a namesake elsewhere in the country is not them."""
        text = doc_text(doc)
        after = sorted((m for m in mentions if m.field == "body"), key=lambda m: m.start)
        for u in unplaced:
            q = next((m for m in after if m.start >= u.end), None)
            if q is not None and self._qualifier_gap(text[u.end : q.start]) and self._areas(q):
                u.qualifier = q
        return unplaced

    def _locative_before(self, doc: Doc, i: int) -> bool:
        prev = doc[i - 1].lower_
        if prev in self.strong_preps:
            return True
        return prev == "of" and i >= 2 and doc[i - 2].lower_ in self.city_cues

    def _mission_hints(self, doc: Doc, fld: TextField) -> Iterable[CountryHint]:
        """Missions named for the country they serve ("the OSCE SMM", "AMISOM")."""
        if self._missions is None:
            return
        for match in self._missions.finditer(doc_text(doc)):
            yield CountryHint(self._mission_hosts[match.group()], fld, match.start())

    # ------------------------------------------------------------------ demonyms
    def _demonyms(self, doc: Doc, fld: TextField) -> Iterable[CountryHint]:
        demonyms = self.gaz.demonyms
        for i, tok in enumerate(doc):
            if tok.text not in self._demonym_first or not tok.text[:1].isupper():
                continue
            if i + 1 < len(doc):
                pair = f"{tok.text} {doc[i + 1].text}"
                if pair in demonyms:
                    yield CountryHint(demonyms[pair], fld, tok.idx)
                    continue
            if tok.text in demonyms and tok.ent_type_ not in ("GPE", "LOC"):
                yield CountryHint(demonyms[tok.text], fld, tok.idx)


# ---------------------------------------------------------------------- token helpers
def _mention(
    span: Span,
    fld: TextField,
    key: str,
    candidates: tuple[int, ...],
    source: str,
    quality: float,
    strong: bool,
) -> Mention:
    return Mention(
        span.start_char, span.end_char, span.text, fld, key, candidates, source, quality, strong
    )


def _run_start(doc: Doc, end: int, owner: dict[int, Mention]) -> int:
    """The first token of the name ending at token ``end``: capitalised words, with name
    particles inside ("Vertente do Lerio"), none of them part of a mention."""
    start = end
    while start > 0 and end - start < MAX_SCAN_TOKENS - 1:
        prev = doc[start - 1]
        if prev.idx in owner or not (tk.small_name_token(prev) or tk.particle(prev)):
            break
        start -= 1
    while start < end and not tk.small_name_token(doc[start]):
        start += 1
    return start


def _hyphen_after(span: Span) -> bool:
    """Whether the name goes on after a hyphen written close ("Orikhove-Donetske")."""
    doc, end = span.doc, span.end
    return (
        end + 1 < len(doc)
        and doc[end].text == "-"
        and not doc[end - 1].whitespace_
        and not doc[end].whitespace_
    )
