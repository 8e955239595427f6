"""The event coder: PLOVER events from the dependency parse, the lexicon and the mentions.

For every sentence, each token that the lexicon knows as an event word becomes a candidate:
a verb ("attacked", "offered to send"), or an event noun governed by a light verb ("launched an
attack"), by a modality word ("the option of military action") or subject of a verb such as
"took effect". The clause gives the actor (subject, or the "by" agent of a passive), the
recipient (the object or the preposition the type expects), the place (the toponym attached to
the clause, else the sentence, else the article's focus) and the date (the date expression of
the clause, else the publication date). Modality and attribution come from the words that
govern the trigger (:mod:`eventwatch.events.modality`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from spacy.tokens import Doc, Span, Token

from eventwatch.config import EventSettings
from eventwatch.events.lexicon import Entry, Lexicon, load_lexicon
from eventwatch.events.modality import ModalityReader, speaker_token
from eventwatch.events.syntax import (
    agent_of,
    argument_tokens,
    child,
    direct_objects,
    is_passive,
    number_value,
    object_words,
    prep_objects,
    subjects,
)
from eventwatch.records import (
    Actor,
    Article,
    Event,
    EventDate,
    Modality,
    Place,
    TextField,
    stable_id,
)
from eventwatch.records import Span as TextSpan

# prepositions that attach a place to a clause ("in Rome", "into Syria", "near Mosul")
PLACE_PREPS = {
    "in", "at", "near", "into", "outside", "across", "around", "inside", "throughout", "on",
    "from", "to", "toward", "towards", "over", "along", "through", "within", "off", "between",
}  # fmt: skip
KIND_PRIORITY = {"group": 0, "igo": 1, "person": 2, "institution": 3, "country": 4, "sector": 5}
DATE_CONFIDENCE = {"text": 0.9, "publication": 0.5, "none": 0.0}
PRONOUNS = {"it", "they", "he", "she", "its", "their", "them", "him", "her"}


@dataclass(slots=True)
class _Mentions:
    """Actor and place mentions of one doc, indexed by token."""

    actors: dict[int, Actor] = field(default_factory=dict)
    places: dict[int, Place] = field(default_factory=dict)

    @classmethod
    def build(cls, doc: Doc, fld: TextField, article: Article) -> _Mentions:
        out = cls()
        for table, mentions in ((out.actors, article.actors), (out.places, article.places)):
            for m in mentions:
                if m.span is None or m.span.field != fld:
                    continue
                span = doc.char_span(m.span.start, m.span.end, alignment_mode="expand")
                if span is None:
                    continue
                for t in span:
                    table.setdefault(t.i, m)  # type: ignore[arg-type]
        return out

    def actors_in(self, tokens: Iterable[Token]) -> list[Actor]:
        seen: dict[int, Actor] = {}
        for t in tokens:
            a = self.actors.get(t.i)
            if a is not None:
                seen.setdefault(id(a), a)
        return list(seen.values())

    def place_in(self, tokens: Iterable[Token]) -> Place | None:
        for t in tokens:
            p = self.places.get(t.i)
            if p is not None:
                return p
        return None


@dataclass(slots=True)
class _Trigger:
    token: Token  # the event word
    clause: Token  # the verb whose arguments we read (the trigger itself for verbs)
    entry: Entry
    is_noun: bool


@dataclass(slots=True)
class _ArticleState:
    """What the coder remembers while reading one article (pronoun antecedents)."""

    last_actor: Actor | None = None
    last_person: Actor | None = None


class EventCoder:
    """Codes PLOVER events from parsed sentences. One instance serves many articles."""

    def __init__(self, lexicon: Lexicon, settings: EventSettings | None = None) -> None:
        self.lex = lexicon
        self.settings = settings or EventSettings()
        self.modality = ModalityReader(lexicon)
        self.modality_words = set(self.modality.verbs) | set(self.modality.nouns)
        cues = sorted(lexicon.context_cues, key=len, reverse=True)
        self._cue_re = re.compile(r"\b(" + "|".join(re.escape(c) for c in cues) + r")\b", re.I)

    @classmethod
    def from_settings(cls, settings: EventSettings) -> EventCoder:
        return cls(load_lexicon(tuple(settings.extra_lexicons)), settings)

    # ------------------------------------------------------------------ public
    def code(self, article: Article, docs: Sequence[tuple[TextField, Doc]]) -> list[Event]:
        state = _ArticleState()
        events: list[Event] = []
        for fld, doc in docs:
            mentions = _Mentions.build(doc, fld, article)
            for sent in doc.sents:
                events.extend(self._code_sentence(article, fld, sent, mentions, state))
        return events

    # ------------------------------------------------------------------ triggers
    def triggers(self, sent: Span) -> list[_Trigger]:
        out: list[_Trigger] = []
        for tok in sent:
            if tok.pos_ == "VERB" and tok.dep_ != "amod":
                entry = self._verb_entry(tok)
                if entry is not None:
                    out.append(_Trigger(tok, tok, entry, False))
            elif tok.pos_ in ("NOUN", "PROPN"):
                found = self._noun_entry(tok)
                if found is not None:
                    out.append(_Trigger(tok, found[1], found[0], True))
        return out

    def _verb_entry(self, tok: Token) -> Entry | None:
        lemma = tok.lemma_.lower()
        lemma = self.lex.irregular.get(lemma, lemma)
        keys = [f"{lemma} {c.lower_}" for c in tok.children if c.dep_ in ("prt", "prep")]
        keys.append(lemma)
        objects: set[str] | None = None
        for key in keys:
            for entry in self.lex.verbs.get(key, ()):
                if objects is None:
                    objects = object_words(tok)
                if entry.not_objects and objects & set(entry.not_objects):
                    continue
                matched = bool(objects & set(entry.objects))
                if entry.embedded:
                    if matched or self._embeds(tok, entry.embedded):
                        return entry
                elif not entry.objects or matched:
                    return entry
        return None

    def _embeds(self, tok: Token, types: list[str]) -> bool:
        for c in tok.children:
            if c.dep_ in ("xcomp", "ccomp") and c.pos_ == "VERB":
                entry = self._verb_entry(c)
                if entry is not None and entry.type in types:
                    return True
        return False

    def _noun_entry(self, tok: Token) -> tuple[Entry, Token] | None:
        entries = self.lex.nouns.get(tok.lemma_.lower())
        if not entries:
            return None
        mods = {c.lower_ for c in tok.children if c.dep_ in ("compound", "amod", "nmod")}
        entry = next(
            (e for e in entries if not e.compounds or mods & set(e.compounds)),
            None,
        )
        if entry is None:
            return None
        clause = self._noun_governor(tok)
        return (entry, clause) if clause is not None else None

    def _noun_governor(self, tok: Token) -> Token | None:
        """The verb through which an event noun is coded, or None when the noun is only
        mentioned (e.g. "the attack" as a topic)."""
        head = tok.head
        lemma = head.lemma_.lower()
        if tok.dep_ in ("dobj", "nsubjpass", "attr", "oprd") and head.pos_ in ("VERB", "AUX"):
            if lemma in self.lex.light_verbs or lemma in self.modality.verbs:
                return head
        if tok.dep_ == "nsubj" and head.pos_ == "VERB" and lemma in self.lex.noun_subject_verbs:
            return head
        if tok.dep_ == "pobj" and head.dep_ == "prep":
            gov = head.head
            if gov.pos_ in ("NOUN", "PROPN") and gov.lemma_.lower() in self.modality.nouns:
                return _verb_above(gov) or gov
            if gov.pos_ == "VERB" and gov.lemma_.lower() in ("agree", "commit", "resort"):
                return gov
        return None

    # ------------------------------------------------------------------ sentences
    def _code_sentence(
        self,
        article: Article,
        fld: TextField,
        sent: Span,
        mentions: _Mentions,
        state: _ArticleState,
    ) -> list[Event]:
        events: list[Event] = []
        for trig in self.triggers(sent):
            events.extend(self._build(article, fld, sent, trig, mentions, state))
        merged = _merge(events)
        for ev in merged:
            if ev.actor is not None and ev.actor.kind != "other":
                state.last_actor = ev.actor
        for actor in mentions.actors_in(sent):
            if actor.kind == "person":
                state.last_person = actor
        return merged

    def _build(
        self,
        article: Article,
        fld: TextField,
        sent: Span,
        trig: _Trigger,
        mentions: _Mentions,
        state: _ArticleState,
    ) -> list[Event]:
        tok, clause, entry = trig.token, trig.clause, trig.entry
        actor_toks, recipient_tok = self._arguments(trig)
        actors = [self._actor(t, mentions, state) for t in actor_toks] or [None]
        actors = [a for a in actors if a is not None] or [None]
        recipient = self._actor(recipient_tok, mentions, state) if recipient_tok else None
        cue = self.modality.read(tok, clause)
        date = self._date(sent, clause, article.published)
        modality, mod_conf = cue.modality, cue.confidence
        if modality == Modality.ASSERTED and self._historical(date, article.published):
            modality, mod_conf = Modality.HISTORICAL, 0.7
        place, place_conf = self._place(trig, recipient_tok, sent, mentions, article)
        speaker_tok = speaker_token(tok, sent, self.lex.speech_verbs)
        speaker = self._actor(speaker_tok, mentions, state) if speaker_tok is not None else None
        mode = entry.mode
        if entry.type == "THREATEN" and mode is None:
            mode = self._threat_mode(tok)
        sizes = self._sizes(trig, entry)
        contexts = sorted(set(entry.contexts) | self._contexts(sent))
        start = sent.start_char
        evidence = TextSpan(start, sent.end_char, sent.text, fld)
        trigger_span = TextSpan(tok.idx, tok.idx + len(tok.text), tok.text, fld)
        out: list[Event] = []
        for actor in actors:
            same = actor is not None and recipient is not None and actor.code == recipient.code
            if same and actor.code and actor.name == recipient.name:  # type: ignore[union-attr]
                recipient = None
            conf = {
                "type": round(entry.confidence * (0.85 if trig.is_noun else 1.0), 3),
                "actor": actor.confidence if actor else 0.0,
                "recipient": recipient.confidence if recipient else 0.0,
                "place": round(place_conf, 3),
                "date": 0.9
                if date.source == "text"
                else 0.5
                if date.source == "publication"
                else 0.0,
                "modality": mod_conf,
            }
            out.append(
                Event(
                    id=stable_id(article.id, fld, tok.idx, entry.type, actor.code if actor else ""),
                    article_id=article.id,
                    event_type=entry.type,
                    mode=mode,
                    contexts=contexts,
                    actor=actor,
                    recipient=recipient,
                    place=place,
                    date=date,
                    modality=modality,
                    evidence=evidence,
                    trigger=trigger_span,
                    attributed_to=speaker,
                    confidence=conf,
                    **sizes,
                )
            )
        return out

    # ------------------------------------------------------------------ arguments
    def _arguments(self, trig: _Trigger) -> tuple[list[Token], Token | None]:
        """Actor tokens and the recipient token of a trigger."""
        tok, clause = trig.token, trig.clause
        roles = self.lex.roles.get(trig.entry.type, ["dobj"])
        if trig.is_noun:
            agent = agent_of(tok) or child(tok, "poss")
            actors = [agent] if agent is not None else []
            if not actors and tok.dep_ not in ("nsubj", "nsubjpass"):
                actors = subjects(clause, self.lex.object_control)
            recipient = _first_role(tok, [r for r in roles if r not in ("dobj", "dative")])
            if recipient is None and tok.dep_ == "nsubj" and clause is not tok:
                recipient = _first_role(clause, ["dobj"])
            return actors, recipient
        if is_passive(tok):
            agent = agent_of(tok)
            patient = child(tok, "nsubjpass")
            if patient is None and tok.dep_ == "acl":
                patient = tok.head
            rest = [r for r in roles if r != "dobj"]
            return ([agent] if agent is not None else []), patient or _first_role(tok, rest)
        actors = subjects(tok, self.lex.object_control)
        return actors, _first_role(tok, roles)

    def _actor(self, tok: Token | None, mentions: _Mentions, state: _ArticleState) -> Actor | None:
        if tok is None:
            return None
        if tok.lower_ in PRONOUNS and tok.pos_ == "PRON":
            antecedent = state.last_person if tok.lower_ in ("he", "she", "him", "her") else None
            antecedent = antecedent or state.last_actor
            if antecedent is None:
                return None
            return replace(antecedent, confidence=round(antecedent.confidence * 0.6, 3))
        found = mentions.actors_in(argument_tokens(tok))
        if not found:
            if tok.pos_ == "PROPN" or tok.ent_type_ in ("ORG", "NORP", "PERSON"):
                left = min(t.i for t in argument_tokens(tok))
                text = tok.doc[left : tok.i + 1].text
                return Actor(text, "", None, None, "other", text, None, None, 0.3)
            return None
        head_hit = mentions.actors.get(tok.i)
        best = head_hit or min(found, key=lambda a: KIND_PRIORITY.get(a.kind, 9))
        if best.country is None and best.kind == "sector":
            country = next((a.country for a in found if a is not best and a.country), None)
            if country is not None:
                sector = best.sector or ""
                return replace(best, country=country, code=country + sector, confidence=0.8)
        return best

    # ------------------------------------------------------------------ place, date, sizes
    def _place(
        self,
        trig: _Trigger,
        recipient_tok: Token | None,
        sent: Span,
        mentions: _Mentions,
        article: Article,
    ) -> tuple[Place | None, float]:
        for head in dict.fromkeys([trig.token, trig.clause]):
            for c in head.children:
                if c.dep_ == "prep" and c.lower_ in PLACE_PREPS:
                    place = mentions.place_in(c.subtree)
                    if place is not None:
                        return place, place.confidence * 0.95
                if c.dep_ in ("dobj", "nsubjpass", "advmod", "npadvmod"):
                    place = mentions.place_in(argument_tokens(c))
                    if place is not None:
                        return place, place.confidence * 0.9
        if recipient_tok is not None:
            place = mentions.place_in(recipient_tok.subtree)
            if place is not None:
                return place, place.confidence * 0.85
        in_sentence = [mentions.places[t.i] for t in sent if t.i in mentions.places]
        if in_sentence:
            nearest = min(
                in_sentence, key=lambda p: abs((p.span.start if p.span else 0) - trig.token.idx)
            )
            return nearest, nearest.confidence * 0.7
        if article.focus is not None:
            return article.focus, article.focus.confidence * 0.4
        return None, 0.0

    def _date(self, sent: Span, clause: Token, published: datetime | None) -> EventDate:
        from eventwatch.dates import find_event_date

        return find_event_date(sent, clause, published)

    def _historical(self, date: EventDate, published: datetime | None) -> bool:
        if date.source != "text" or date.value is None or published is None:
            return False
        years = self.settings.historical_years
        return (published.date() - date.value).days > 365 * years if years else False

    def _threat_mode(self, tok: Token) -> str | None:
        for c in tok.children:
            if c.dep_ in ("xcomp", "ccomp", "dobj"):
                entry = self._verb_entry(c) if c.pos_ == "VERB" else None
                if entry is None and c.pos_ == "NOUN":
                    found = self.lex.nouns.get(c.lemma_.lower())
                    entry = found[0] if found else None
                if entry is not None:
                    return self.lex.threaten_modes.get(entry.type)
        return None

    def _sizes(self, trig: _Trigger, entry: Entry) -> dict[str, int]:
        if entry.size is None or trig.is_noun:
            return {}
        tok = trig.token
        patients = [child(tok, "nsubjpass")] if is_passive(tok) else direct_objects(tok)
        total = 0
        for patient in patients:
            if patient is None:
                continue
            value = number_value(patient, self.lex.number_words)
            if value is None:
                num = child(patient, "nummod")
                value = number_value(num, self.lex.number_words) if num is not None else None
            if value is not None:
                total += value
        return {entry.size: total} if total else {}

    def _contexts(self, sent: Span) -> set[str]:
        return {self.lex.context_cues[m.lower()] for m in self._cue_re.findall(sent.text)}


def _first_role(tok: Token, roles: list[str]) -> Token | None:
    for role in roles:
        if role == "dobj":
            found = child(tok, "dobj")
        elif role == "dative":
            found = child(tok, "dative")
            if found is not None and found.pos_ == "ADP":
                found = child(found, "pobj")
        else:
            found = next(prep_objects(tok, role), None)
        if found is not None:
            return found
    return None


def _verb_above(tok: Token) -> Token | None:
    current = tok
    while current.dep_ != "ROOT":
        current = current.head
        if current.pos_ in ("VERB", "AUX") and current.dep_ not in ("prep", "pcomp"):
            return current
    return current if current.pos_ in ("VERB", "AUX") else None


def _merge(events: list[Event]) -> list[Event]:
    """One sentence, one happening per (type, actor, modality): "militants attacked the base,
    killing five soldiers" is one ASSAULT with its recipient and its dead."""
    out: dict[tuple[str, str, str], Event] = {}
    for ev in events:
        key = (ev.event_type, ev.actor.name if ev.actor else "", ev.modality)
        kept = out.get(key)
        if kept is None:
            out[key] = ev
            continue
        kept.recipient = kept.recipient or ev.recipient
        if kept.place is None or (ev.place and ev.confidence["place"] > kept.confidence["place"]):
            kept.place, kept.confidence["place"] = ev.place, ev.confidence["place"]
        if kept.date.source != "text" and ev.date.source == "text":
            kept.date = ev.date
        kept.mode = kept.mode or ev.mode
        kept.dead = kept.dead or ev.dead
        kept.injured = kept.injured or ev.injured
        kept.arrested = kept.arrested or ev.arrested
        kept.contexts = sorted(set(kept.contexts) | set(ev.contexts))
    return list(out.values())
