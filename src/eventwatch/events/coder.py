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
from functools import cache
from itertools import pairwise

from spacy.tokens import Doc, Span, Token

from eventwatch.config import EventSettings
from eventwatch.dates import find_event_date
from eventwatch.events.casualties import casualties
from eventwatch.events.derived import (
    joint_events,
    phrasal_lemma,
    same_actor,
    stated_event,
    statement_of,
)
from eventwatch.events.lexicon import Entry, Lexicon, load_lexicon
from eventwatch.events.modality import ModalityCue, ModalityReader, speaker_token
from eventwatch.events.syntax import (
    CLAUSE_DEPS,
    agent_of,
    argument_tokens,
    child,
    direct_objects,
    governing_chain,
    is_passive,
    number_value,
    object_words,
    prep_objects,
    subjects,
)
from eventwatch.nlp import doc_sents
from eventwatch.places.gazetteer import DISTRICT_KM, distance_km
from eventwatch.places.knowledge import packaged_knowledge
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
# named entities that stand for an actor not in the dictionary (kind "other")
UNKNOWN_ACTOR_ENTS = ("ORG", "NORP", "PERSON", "GPE")
LOCATIVE_PREPS = PLACE_PREPS - {"of", "from", "to", "between", "over", "on"}
# types that are statements: a condition attached to them belongs to what they announce
VERBAL_TYPES = {"THREATEN", "REQUEST", "REJECT", "ACCUSE", "SUPPORT"}
# a count in brackets closing a tally sentence ("split across 2 events (3).")
_CLOSING_COUNT = re.compile(r"\((\d{1,5})\)\W*$")
# types whose events can carry dead and injured counts
VIOLENT_TYPES = {"ASSAULT", "COERCE", "PROTEST"}
PRECISION_RANK = {"city": 0, "admin2": 1, "admin1": 2, "country": 3, "continent": 4}
DATE_CONFIDENCE = {"text": 0.9, "publication": 0.5, "none": 0.0}
PRONOUNS = {"his", "it", "they", "he", "she", "its", "their", "them", "him", "her"}


@dataclass(slots=True)
class Mentions:
    """Actor and place mentions of one doc, indexed by token."""

    actors: dict[int, Actor] = field(default_factory=dict)
    places: dict[int, Place] = field(default_factory=dict)

    @classmethod
    def build(cls, doc: Doc, fld: TextField, article: Article) -> Mentions:
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

    def inside_actor(self, tok: Token, place: Place) -> bool:
        """A toponym that only qualifies an actor ("Congo's army", "the Iraqi army"), or a
        country that says whose an actor is ("military forces of India and Pakistan")."""
        actor = self.actors.get(tok.i)
        if (
            actor is not None
            and actor.span is not None
            and place.span is not None
            and actor.span.end - actor.span.start > place.span.end - place.span.start
        ):
            return True
        if place.precision != "country":
            return False
        seen = 0
        while tok.dep_ == "conj" and tok.head is not tok and seen < 4:
            tok, seen = tok.head, seen + 1
        of = tok.head
        return (
            tok.dep_ == "pobj"
            and of.lower_ == "of"
            and of.head.pos_ in ("NOUN", "PROPN")
            and of.head.i in self.actors
        )

    def place_in(self, tokens: Iterable[Token]) -> Place | None:
        """The most precise place named among ``tokens`` ("in Afghanistan's Khost province" is
        Khost), the first one among equals."""
        found = [
            self.places[t.i]
            for t in tokens
            if t.i in self.places
            and not self.inside_actor(t, self.places[t.i])
            and not _demonym(t, self.places[t.i])  # "the house of a Cuban pastor": whose
        ]
        if not found:
            return None
        return min(found, key=lambda p: PRECISION_RANK.get(p.precision, len(PRECISION_RANK)))


@dataclass(slots=True)
class _Trigger:
    token: Token  # the event word
    clause: Token  # the verb whose arguments we read (the trigger itself for verbs)
    entry: Entry
    is_noun: bool
    addressee: Token | None = None  # "X said Y must ...": Y, the recipient of the demand


@dataclass(slots=True)
class ArticleState:
    """What the coder remembers while reading one article (pronoun antecedents)."""

    last_actor: Actor | None = None
    last_person: Actor | None = None
    last_violent: Event | None = None  # the latest asserted violent event (casualty tallies)


class EventCoder:
    """Codes PLOVER events from parsed sentences. One instance serves many articles."""

    def __init__(self, lexicon: Lexicon, settings: EventSettings | None = None) -> None:
        self.lex = lexicon
        self.settings = settings or EventSettings()
        self.modality = ModalityReader(lexicon)
        self._demand = Entry(lemma="<must>", type="REQUEST", confidence=0.6)
        cues = sorted(lexicon.context_cues, key=len, reverse=True)
        self._cue_re = re.compile(r"\b(" + "|".join(re.escape(c) for c in cues) + r")\b", re.I)

    @classmethod
    def from_settings(cls, settings: EventSettings) -> EventCoder:
        return cls(load_lexicon(tuple(settings.extra_lexicons)), settings)

    # ------------------------------------------------------------------ public
    def code(self, article: Article, docs: Sequence[tuple[TextField, Doc]]) -> list[Event]:
        state = ArticleState()
        events: list[Event] = []
        for fld, doc in docs:
            mentions = Mentions.build(doc, fld, article)
            for sent in doc_sents(doc):
                events.extend(self._code_sentence(article, fld, sent, mentions, state))
        return _drop_headline_repeats(events)

    # ------------------------------------------------------------------ triggers
    def triggers(self, sent: Span) -> list[_Trigger]:
        out: list[_Trigger] = []
        for tok in sent:
            if tok.pos_ == "VERB" and tok.dep_ != "amod":
                entry = self.verb_entry(tok)
                if entry is not None:
                    out.append(_Trigger(tok, tok, entry, False))
                elif (demanded := self._obligation(tok)) is not None:
                    out.append(_Trigger(tok, tok, self._demand, False, demanded))
            elif tok.pos_ in ("NOUN", "PROPN"):
                found = self._noun_entry(tok)
                if found is not None:
                    out.append(_Trigger(tok, found[1], found[0], True))
        return out

    def _obligation(self, tok: Token) -> Token | None:
        """ "X said/declared that Y must Z": a demand of X on Y (CAMEO 10). Returns Y."""
        if tok.lemma_.lower() not in self.lex.speech_verbs:
            return None
        for c in tok.children:
            if c.dep_ != "ccomp" or not any(
                a.dep_ == "aux" and a.lower_ in self.lex.statements.obligation_modals
                for a in c.children
            ):
                continue
            subject = child(c, "nsubj")
            if subject is not None and subject.pos_ != "PRON":
                return subject
        return None

    def lemma(self, tok: Token) -> str:
        """The token's lemma, with the lemmatizer's known slips mended ("staged" -> "stag")."""
        lemma = tok.lemma_.lower()
        return self.lex.irregular.get(lemma, lemma)

    def verb_entry(self, tok: Token) -> Entry | None:
        lemma = self.lemma(tok)
        keys = [f"{lemma} {c.lower_}" for c in tok.children if c.dep_ in ("prt", "prep")]
        keys.append(lemma)
        objects: set[str] | None = None
        for key in keys:
            for entry in self.lex.verbs.get(key, ()):
                if objects is None:
                    objects = object_words(tok)
                if entry.not_objects and objects & set(entry.not_objects):
                    continue
                if entry.not_complements and _complements(tok) & set(entry.not_complements):
                    continue
                if entry.not_subjects and _subject_words(tok) & set(entry.not_subjects):
                    continue
                if entry.governs and not self._governs(tok, entry):
                    continue
                if entry.not_governs and not objects and _clause_child(tok, entry.not_governs):
                    continue
                matched = bool(objects & set(entry.objects))
                if entry.embedded:
                    if matched or self._embeds(tok, entry.embedded):
                        return entry
                elif not entry.objects or matched:
                    return entry
        return None

    def _governs(self, tok: Token, entry: Entry) -> bool:
        assert entry.governs is not None
        governed = _clause_child(tok, entry.governs)
        return governed and not (entry.not_embedded and self._embeds(tok, entry.not_embedded))

    def _embeds(self, tok: Token, types: list[str]) -> bool:
        """Does ``tok`` govern an action of ``types`` ("warned *of retaliation*", "gathered *to
        demand* ...": complements and purpose clauses)?"""
        for c in tok.children:
            purpose = c.dep_ == "advcl" and any(a.lower_ == "to" for a in c.children)
            if (c.dep_ in ("xcomp", "ccomp") or purpose) and c.pos_ == "VERB":
                entry = self.verb_entry(c)
                if entry is not None and entry.type in types:
                    return True
        return False

    def _noun_entry(self, tok: Token) -> tuple[Entry, Token] | None:
        entries = self._noun_entries(tok)
        if not entries:
            return None
        mods = {c.lower_ for c in tok.children if c.dep_ in ("compound", "amod", "nmod")}
        entry = next(
            (e for e in entries if not e.compounds or mods & set(e.compounds)),
            None,
        )
        if entry is None:
            return None
        return (entry, clause) if (clause := self._noun_governor(self._host(tok))) else None

    def _noun_entries(self, tok: Token) -> list[Entry]:
        """Entries of an event noun; "projectiles/explosions" tries each alternative."""
        lemma = tok.lemma_.lower()
        entries = self.lex.nouns.get(lemma)
        if entries or "/" not in lemma:
            return entries or []
        for part in lemma.split("/"):
            found = self.lex.nouns.get(part) or self.lex.nouns.get(part.removesuffix("s"))
            if found:
                return found
        return []

    def _host(self, tok: Token) -> Token:
        """The noun whose governor codes ``tok``: a generic noun it qualifies ("a *mediation*
        effort"), a counting noun ("a total of 12 *explosions*") or an amount of money ("$50
        million in *aid*"), else itself."""
        if tok.dep_ == "compound" and self.lemma(tok.head) in self.lex.carrier_nouns:
            return tok.head
        prep = tok.head
        counted = tok.dep_ == "pobj" and prep.lower_ == "of" and prep.head.pos_ == "NOUN"
        if counted and self.lemma(prep.head) in self.lex.quantity_nouns:
            return prep.head
        amount = prep.head
        if tok.dep_ == "pobj" and prep.lower_ == "in" and amount.ent_type_ == "MONEY":
            return amount  # "announced $50 million in aid"
        return tok

    def _noun_governor(self, tok: Token) -> Token | None:
        """The verb through which an event noun is coded, or None when the noun is only
        mentioned (e.g. "the attack" as a topic)."""
        head = tok.head
        lemma = self.lemma(head)
        if lemma in self.lex.not_governing:
            return None
        governs = lemma in self.lex.light_verbs or lemma in self.modality.verbs
        if tok.dep_ in ("dobj", "nsubjpass", "attr", "oprd") and head.pos_ in ("VERB", "AUX"):
            return head if governs else None
        if tok.dep_ == "nsubj" and head.pos_ == "VERB" and lemma in self.lex.noun_subject_verbs:
            return head
        if tok.dep_ == "pobj" and head.dep_ == "prep":
            gov = head.head
            if gov.pos_ in ("NOUN", "PROPN") and gov.lemma_.lower() in self.modality.nouns:
                return _verb_above(gov) or gov
            if gov.pos_ == "VERB" and self.lemma(gov) in self.lex.prep_governors:
                return gov
            if self._claimed(tok) is not None:
                return gov.head  # "claimed responsibility for the attack"
        return None

    def _claimed(self, noun: Token) -> Token | None:
        """The verb of "claimed/denied responsibility *for* ``noun``", if that is its frame."""
        prep = noun.head
        if noun.dep_ != "pobj" or prep.lower_ != "for":
            return None
        resp = prep.head
        verb = resp.head
        framed = (
            resp.dep_ == "dobj"
            and resp.lemma_.lower() in self.lex.responsibility_nouns
            and verb.pos_ == "VERB"
            and self.lemma(verb) in self.lex.responsibility_verbs
        )
        return verb if framed else None

    # ------------------------------------------------------------------ sentences
    def _code_sentence(
        self,
        article: Article,
        fld: TextField,
        sent: Span,
        mentions: Mentions,
        state: ArticleState,
    ) -> list[Event]:
        events: list[Event] = []
        for trig in self.triggers(sent):
            built = self._build(article, fld, sent, trig, mentions, state)
            if trig.is_noun and _is_reference(trig.token, built):
                continue  # "the attack", "the meeting": a mention of an event told elsewhere
            if trig.is_noun and self._claims_earlier(trig, built, events, state):
                continue  # "X claimed responsibility for the attack": the attack told before
            events.extend(built)
        merged = _merge(events)
        for ev in merged:  # "blew up power lines near Kabul": after joint actions and merging
            if ev.recipient is None and ev.event_type in self.lex.place_recipient_last_types:
                ev.recipient = _place_actor(ev.place, ev.confidence["place"], ev.actor)
                ev.confidence["recipient"] = ev.recipient.confidence if ev.recipient else 0.0
            implied = self.lex.implicit_actors.get(ev.event_type)
            if ev.actor is None and implied is not None:  # "a protest was held in Zagreb"
                implicit = Actor(implied.name, implied.sector, None, implied.sector, "sector", "",
                                 None, None, 0.5)  # fmt: skip
                ev.actor = situate(implicit, ev.place, article) or implicit
                ev.confidence["actor"] = ev.actor.confidence
        self._count_casualties(sent, merged, state)
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
        mentions: Mentions,
        state: ArticleState,
    ) -> list[Event]:
        tok, entry = trig.token, trig.entry
        actor_toks, recipient_toks = self._arguments(trig)
        if self._natural_cause(trig, actor_toks):
            return []  # "an earthquake killed 20", "killed in a road accident"
        actors: list[Actor | None] = [
            a for t in actor_toks for a in self._actors_of(t, mentions, state)
        ] or [None]
        recipient, recipient_tok = self._recipient(recipient_toks, mentions, state)
        if recipient is None and recipient_tok is not None and entry.type in self.lex.victim_types:
            recipient = self._victim(recipient_tok, fld)  # "a man was abducted"
        modality, mod_conf, date, cue = self._modality_and_date(trig, sent, article)
        place, place_conf = self._place(trig, recipient_tok, sent, mentions, article)
        speaker_tok = speaker_token(tok, sent, self.lex.speech_verbs)
        speaker = self.actor_of(speaker_tok, mentions, state) if speaker_tok is not None else None
        recipient = situate(recipient, place, article)
        if recipient is None and entry.type in self.lex.place_recipient_types:
            recipient = _place_actor(place, place_conf, None)  # "deployed troops in Lebanon"
        speaker = situate(speaker, None, article)
        base = Event(
            id="",
            article_id=article.id,
            event_type=entry.type,
            mode=self._mode(trig),
            contexts=sorted(set(entry.contexts) | self._contexts(sent)),
            actor=None,
            recipient=recipient,
            place=place,
            date=date,
            modality=modality,
            evidence=sentence_span(sent, fld),
            trigger=TextSpan(tok.idx, tok.idx + len(tok.text), tok.text, fld),
            attributed_to=speaker,
            confidence={
                "type": round(entry.confidence * (0.85 if trig.is_noun else 1.0), 3),
                "recipient": recipient.confidence if recipient else 0.0,
                "place": round(place_conf, 3),
                "date": DATE_CONFIDENCE[date.source],
                "modality": mod_conf,
            },
            **self._sizes(trig, entry),
        )
        events = [self._with_actor(base, actor, article, tok) for actor in actors]
        if trig.is_noun and len(events) == 2 and _parties(tok):  # "a truce between X and Y"
            first, second = events
            first.recipient, second.recipient = second.actor, first.actor
        aimed_at_object = (
            recipient_tok is not None and recipient_tok.dep_ == "dobj" and recipient_tok.head == tok
        )
        events = joint_events(self.lex, self.lemma(trig.token), entry.type, events, article,
                              object_recipient=aimed_at_object)  # fmt: skip
        said = statement_of(self.lex.statements, entry.type, cue, trig.clause)
        if said is not None:
            kind, word = said
            events += [stated_event(ev, kind, word, sent, article) for ev in events]
        return events

    def _claims_earlier(
        self, trig: _Trigger, built: list[Event], sentence: list[Event], state: ArticleState
    ) -> bool:
        """ "X claimed responsibility for *the* attack": a definite noun names the latest
        violent event told before (earlier in the sentence, else in the article), which gets X
        as its actor when it had none."""
        told = [e for e in sentence if e.event_type in VIOLENT_TYPES
                and e.modality == Modality.ASSERTED]  # fmt: skip
        earlier = told[-1] if told else state.last_violent
        definite = any(c.dep_ == "det" and c.lower_ in ("the", "this", "that", "these", "those")
                       for c in trig.token.children)  # fmt: skip
        if not definite or earlier is None or self._claimed(trig.token) is None:
            return False
        claimants = [e.actor for e in built if e.modality == Modality.ASSERTED]
        claimant = next((a for a in claimants if a is not None), None)
        if earlier.actor is None and claimant is not None:
            earlier.actor = claimant
            earlier.confidence["actor"] = round(claimant.confidence * 0.8, 3)
        return True

    def _count_casualties(self, sent: Span, events: list[Event], state: ArticleState) -> None:
        """Dead and injured stated in the sentence go to its first asserted violent event, or,
        in a sentence that only counts ("2 fatalities were reported"), to the article's latest
        one. A count read from the sentence outranks the one read from the trigger's object."""
        violent = [e for e in events if e.event_type in VIOLENT_TYPES
                   and e.modality == Modality.ASSERTED]  # fmt: skip
        if violent:
            state.last_violent = violent[0]
        count = casualties(sent, self.lex.number_words)
        restated = any(self.lemma(t) in self.lex.restating_verbs for t in sent)
        dead = count.dead
        if dead is None and restated:  # "Fatalities are split across 2 events (3)."
            closing = _CLOSING_COUNT.search(sent.text)
            dead = int(closing.group(1)) if closing else None
        if dead is None and count.injured is None:
            return
        target = violent[0] if violent else (state.last_violent if not events else None)
        if target is None:
            return
        if dead is not None:  # a restated tally ("coded as 0") corrects the earlier count
            keep = violent or restated
            target.dead = dead if keep else max(dead, target.dead or 0)
        if count.injured is not None:
            target.injured = count.injured if violent else max(count.injured, target.injured or 0)

    def _with_actor(self, base: Event, actor: Actor | None, article: Article, tok: Token) -> Event:
        """One event of ``base``'s kind for ``actor`` (several subjects: several events)."""
        actor = situate(actor, None, article)
        event = replace(base, contexts=list(base.contexts), confidence=dict(base.confidence))
        event.actor = actor
        recipient = event.recipient
        if actor is not None and recipient is not None and same_actor(actor, recipient):
            event.recipient = None  # "X and Y clashed": no one is their own recipient
            event.confidence["recipient"] = 0.0
        event.confidence["actor"] = actor.confidence if actor else 0.0
        code = actor.code if actor else ""
        event.id = stable_id(article.id, base.evidence.field, tok.idx, base.event_type, code)
        return event

    def _modality_and_date(
        self, trig: _Trigger, sent: Span, article: Article
    ) -> tuple[str, float, EventDate, ModalityCue]:
        """Modality (from the governing words, the trigger word itself, and the date), date and
        the cue that decided the modality.

        A date read from the text that lies well before publication makes an asserted event
        historical; one after publication makes it planned ("is due to visit on Wednesday").
        """
        verbal = trig.entry.type in VERBAL_TYPES
        cue = self.modality.read(trig.token, trig.clause, verbal=verbal)
        modality, confidence = cue.modality, cue.confidence
        if modality == Modality.ASSERTED and trig.entry.modality is not None:
            modality, confidence = trig.entry.modality, 0.75
        future = modality in (Modality.PLANNED, Modality.THREATENED, Modality.HYPOTHETICAL)
        date = find_event_date(sent, trig.clause, article.published, future=future)
        if modality == Modality.ASSERTED and date.source == "text" and date.value is not None:
            if self._historical(date, article.published):
                modality, confidence = Modality.HISTORICAL, 0.7
            elif article.published is not None and date.value > article.published.date():
                modality, confidence = Modality.PLANNED, 0.6
        return modality, confidence, date, cue

    def _mode(self, trig: _Trigger) -> str | None:
        """The entry's mode, unless words of the clause name a more specific one."""
        entry = trig.entry
        mode = entry.mode
        if entry.type == "THREATEN" and mode is None:
            return self._threat_mode(trig.token)
        cues = self.lex.mode_cues.get(entry.type)
        if not cues:
            return mode
        ranks = [m for m, _ in cues]
        if mode is not None and mode not in ranks:
            return mode  # a mode no cue names ("abducted", "beheaded") is the word's own
        # the action asked for or refused decides first: "asked Iraq to withdraw its troops"
        # is a demand to yield, though "troops" is also a cue of assistance
        actions = {phrasal_lemma(c) for c in trig.token.children
                   if c.dep_ in ("xcomp", "ccomp") and c.pos_ == "VERB"}  # fmt: skip
        for words in (actions, _clause_words(trig)):
            for cue_mode, cue_words in cues:
                if words & cue_words:
                    if mode is None or ranks.index(cue_mode) < ranks.index(mode):
                        return cue_mode
                    return mode
        return mode

    def _natural_cause(self, trig: _Trigger, actor_toks: list[Token]) -> bool:
        """Whether a natural force or an accident did it: its doer ("floods destroyed homes",
        "destroyed by a wildfire"), or, with no doer, the cause the verb names ("killed in a
        road accident", "died in floods"; ``natural_causes`` in the lexicon)."""
        causes = self.lex.natural_causes

        def natural(t: Token) -> bool:
            return t.lemma_.lower() in causes or t.lower_ in causes

        if actor_toks:
            return all(natural(t) for t in actor_toks)
        if trig.is_noun:
            return False
        return any(
            obj.dep_ == "pobj" and natural(obj)
            for prep in trig.token.children
            if prep.dep_ == "prep" and prep.lower_ in ("in", "by", "from")  # not "during"
            for obj in prep.children
        )

    # ------------------------------------------------------------------ arguments
    def _arguments(self, trig: _Trigger) -> tuple[list[Token], list[Token]]:
        """Actor tokens and the recipient candidates of a trigger, best first."""
        tok, clause = trig.token, trig.clause
        roles = trig.entry.roles or self.lex.roles.get(trig.entry.type, ["dobj"])
        if trig.is_noun:
            agent = self._noun_agent(tok)
            if agent is not None and agent.pos_ == "PRON" and clause is not tok:
                # "Israel mounted its invasion": the possessive is the clause's subject
                agent = next(iter(subjects(clause, self.lex.object_control,
                                           self.lex.prep_control)), agent)  # fmt: skip
            actors = [agent] if agent is not None else _parties(tok)
            witness = self.lemma(clause) in self.lex.witness_verbs  # "monitors observed shots"
            if not actors and tok.dep_ not in ("nsubj", "nsubjpass") and not witness:
                actors = subjects(clause, self.lex.object_control, self.lex.prep_control)
            preps = [r for r in roles if r not in ("dobj", "dative")]
            recipients = _roles(tok, preps)
            if tok.dep_ == "nsubj" and clause is not tok:
                recipients += _roles(clause, ["dobj"])
            if clause is not tok:  # "staged rallies in Gaza *against* the leader"
                recipients += _roles(clause, preps)
            if clause is not tok and tok.dep_ == "dobj" and "dative" in roles:
                recipients += _roles(clause, ["dative"])  # "gave the rebels an ultimatum"
            for c in tok.children:  # "a threat to cut aid *to Niger*"
                if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB":
                    entry = self.verb_entry(c)
                    own = self.lex.roles.get(entry.type, []) if entry is not None else []
                    recipients += _roles(c, [*own, *preps])
            if trig.entry.type == "PROTEST":  # "a hunger strike to protest X's decision"
                heads = [tok] if clause is tok else [tok, clause]
                recipients += [o for h in heads for o in _purpose_objects(h)]
            return actors, recipients
        if trig.addressee is not None:
            return subjects(tok, self.lex.object_control, self.lex.prep_control), [trig.addressee]
        if trig.entry.giver is not None:  # "received weapons from the government"
            givers = list(prep_objects(tok, trig.entry.giver))
            return givers, subjects(tok, self.lex.object_control, self.lex.prep_control)
        if is_passive(tok):
            return self._passive_arguments(trig, roles)
        actors = []
        for subj in subjects(tok, self.lex.object_control, self.lex.prep_control):
            if subj.lemma_.lower() in self.lex.nouns:  # "an attack killed 11": the attack's actor
                agent = self._noun_agent(subj)
                actors.extend([agent] if agent is not None else [])
            else:
                actors.append(subj)
        purposes = _purpose_objects(tok) if trig.entry.type == "PROTEST" else []
        return actors, _roles(tok, roles) + purposes + self._indirect_recipients(tok, roles)

    def _victim(self, tok: Token, fld: TextField) -> Actor | None:
        """Civilians, for a person named by a plain noun (``victim_nouns``)."""
        if self.lemma(tok) not in self.lex.victim_nouns and tok.lower_ not in self.lex.victim_nouns:
            return None
        span = TextSpan(tok.idx, tok.idx + len(tok.text), tok.text, fld)
        return Actor("civilians", "CVL", None, "CVL", "sector", tok.text, span, None, 0.6)

    def _noun_agent(self, noun: Token) -> Token | None:
        """Who carries out an event noun: "an attack *by* X", "*X's* attack", "a *U.S.* strike"."""
        agent = agent_of(noun) or child(noun, "poss")
        if agent is not None:
            return agent
        modifiers = [c for c in noun.children if c.dep_ in ("compound", "amod", "nmod")]
        # "Israeli tank shelling": the demonym may qualify the compound ("tank")
        modifiers += [g for c in modifiers if c.dep_ == "compound" for g in c.children
                      if g.dep_ in ("amod", "compound")]  # fmt: skip
        for c in modifiers:
            if c.i < noun.i and (c.ent_type_ in ("GPE", "NORP", "ORG") or c.pos_ == "PROPN"):
                return c
        return None

    def _passive_arguments(
        self, trig: _Trigger, roles: list[str]
    ) -> tuple[list[Token], list[Token]]:
        """ "X was attacked by Y": Y acts on X. With no agent, troops that "were sent" are the
        actor of their own mobilisation (their country sent them)."""
        tok = trig.token
        agent = agent_of(tok)
        patient = child(tok, "nsubjpass")
        if patient is None and tok.dep_ == "acl":
            patient = tok.head
        rest = _roles(tok, [r for r in roles if r != "dobj"])
        if agent is None:  # "killed in Israeli shelling": the shelling's agent
            agent = next((a for prep in ("in", "during") for noun in prep_objects(tok, prep)
                          if (self._event_word(noun) or self._event_word(_gerund_after(noun)))
                          and (a := self._noun_agent(noun)) is not None), None)  # fmt: skip
        if agent is None and patient is not None and trig.entry.type == "MOBILIZE":
            return [patient], rest
        return ([agent] if agent is not None else []), ([patient] if patient else []) + rest

    def _event_word(self, tok: Token | None) -> bool:
        """An event noun, or a gerund of an event verb ("a shooting")."""
        return tok is not None and (
            self.lemma(tok) in self.lex.nouns or self.lemma(tok) in self.lex.verbs
        )

    def _indirect_recipients(self, tok: Token, roles: list[str]) -> list[Token]:
        """Recipients the verb reaches through its object ("fired a water cannon *at* X") or
        through the action it announces ("threatened to attack X")."""
        preps = [r for r in roles if r not in ("dobj", "dative")]
        found: list[Token] = []
        for obj in direct_objects(tok):
            found += _roles(obj, preps)
            for named in prep_objects(obj, "of"):  # "recaptured the town of X *from* Y"
                found += _roles(named, preps)
        for c in tok.children:
            if c.dep_ in ("xcomp", "ccomp") and c.pos_ in ("VERB", "AUX"):
                entry = self.verb_entry(c)
                found += _roles(c, self.lex.roles.get(entry.type, ["dobj"]) if entry else preps)
        return found

    def _recipient(
        self, candidates: list[Token], mentions: Mentions, state: ArticleState
    ) -> tuple[Actor | None, Token | None]:
        """The first candidate that names an actor (an instrument or "himself" does not), else
        the first whose owner does: the country of "Israeli changes" or "French mediation"."""
        for tok in candidates:
            if tok.lower_.endswith(("self", "selves")):
                continue
            actor = self.actor_of(tok, mentions, state)
            if actor is not None:
                return actor, tok
        for tok in candidates:  # "rejected Israeli changes", "opposed to French mediation"
            owner = self._noun_agent(tok) if tok.pos_ == "NOUN" else None
            actor = self.actor_of(owner, mentions, state) if owner is not None else None
            if actor is not None:
                return actor, owner
        return None, (candidates[0] if candidates else None)

    def actor_of(self, tok: Token | None, mentions: Mentions, state: ArticleState) -> Actor | None:
        """The actor an argument word stands for: a pronoun's antecedent, the dictionary
        mention in the word's phrase, or an unknown named entity (kind "other")."""
        if tok is None:
            return None
        if tok.lower_ in PRONOUNS and tok.pos_ == "PRON":
            return self._antecedent(tok, mentions, state)
        found = mentions.actors_in(_own_phrase(tok))
        if not found:
            if tok.i in mentions.places or tok.lower_ in _place_units():
                return None  # "sent to Tal Afar": a destination; "Maungdaw District": a place
            if tok.ent_type_ in UNKNOWN_ACTOR_ENTS or (tok.pos_ == "PROPN" and not tok.ent_type_):
                left = min(t.i for t in argument_tokens(tok))
                ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
                # the whole name when the parser heads it inside ("non-Muslims": "non")
                text = ent.text if ent is not None else tok.doc[left : tok.i + 1].text
                return Actor(text, "", None, None, "other", text, None, None, 0.3)
            return None
        head_hit = mentions.actors.get(tok.i)
        best = head_hit or min(found, key=lambda a: KIND_PRIORITY.get(a.kind, 9))
        if best.kind != "sector" or best.country is not None:
            return best
        owner = self._owner(tok, mentions, state)  # "its fighters", "Iraq's army"
        if owner is not None and owner.kind in ("group", "igo"):
            return replace(owner, confidence=round(min(owner.confidence, best.confidence), 3))
        country = owner.country if owner is not None else None
        country = country or next((a.country for a in found if a is not best and a.country), None)
        if country is not None:
            sector = best.sector or ""
            return replace(best, country=country, code=country + sector, confidence=0.8)
        return best

    def _actors_of(self, tok: Token, mentions: Mentions, state: ArticleState) -> list[Actor]:
        """The actors an argument word stands for: one, or one per country of conjoined
        qualifiers ("US and British activists", "Russian and Syrian warplanes")."""
        actor = self.actor_of(tok, mentions, state)
        if actor is None or actor.kind != "sector" or actor.country is None:
            return [actor] if actor is not None else []
        quals = [c for c in tok.children if c.i < tok.i and c.dep_ in ("amod", "compound", "nmod")]
        countries = {
            a.country: a
            for q in quals
            for t in (q, *q.conjuncts)
            if (a := mentions.actors.get(t.i)) is not None and a.country is not None
        }
        if len(countries) < 2 or actor.country not in countries:
            return [actor]
        sector = actor.sector or ""
        return [replace(actor, country=c, code=c + sector,
                        name=actor.name.replace(countries[actor.country].name, a.name, 1))
                for c, a in countries.items()]  # fmt: skip

    def _owner(self, tok: Token, mentions: Mentions, state: ArticleState) -> Actor | None:
        """The actor a role belongs to: its possessor ("its", "al-Shabaab's")."""
        poss = child(tok, "poss")
        if poss is None or (poss.i in mentions.actors and mentions.actors[poss.i].kind == "sector"):
            return None
        if poss.pos_ == "PRON":
            return self._antecedent(poss, mentions, state)
        return mentions.actors.get(poss.i)

    def _antecedent(self, pron: Token, mentions: Mentions, state: ArticleState) -> Actor | None:
        """What a pronoun stands for: the speaker that reports its clause ("M23 said it had
        withdrawn"), else the last person (he, she) or the last actor of an event."""
        for verb in governing_chain(pron):
            if verb.pos_ in ("VERB", "AUX") and verb.lemma_.lower() in self.lex.speech_verbs:
                subj = child(verb, "nsubj")
                # "M23 said it had withdrawn"; not a quote's speaker ("they can kill," X said)
                if subj is not None and subj.i < pron.i and subj.pos_ != "PRON":
                    speaker = mentions.actors.get(subj.i) or next(
                        iter(mentions.actors_in(argument_tokens(subj))), None
                    )
                    if speaker is not None and (speaker.kind == "person") == _personal(pron):
                        return replace(speaker, confidence=round(speaker.confidence * 0.8, 3))
                break
        antecedent = state.last_person if _personal(pron) else None
        antecedent = antecedent or state.last_actor
        if antecedent is None:
            return None
        return replace(antecedent, confidence=round(antecedent.confidence * 0.6, 3))

    # ------------------------------------------------------------------ place, date, sizes
    def _place(
        self,
        trig: _Trigger,
        recipient_tok: Token | None,
        sent: Span,
        mentions: Mentions,
        article: Article,
    ) -> tuple[Place | None, float]:
        for head in dict.fromkeys([trig.token, trig.clause]):
            for c in head.children:
                if c.dep_ == "prep" and (c.lower_ in PLACE_PREPS or self._on_a_trip(c)):
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
        named = [
            (t, mentions.places[t.i])
            for t in sent
            if t.i in mentions.places and not mentions.inside_actor(t, mentions.places[t.i])
        ]
        # where the sentence says where ("..., in Nahri Saraj district, Helmand") comes first;
        # then names that are neither a demonym ("Israeli shelling"), a country qualifying a
        # noun ("by a US drone strike") nor a home ("a UK-based group"): those say whose, not
        # where
        homes = {id(p) for t, p in named if _based(t)}
        in_sentence = _innermost([p for t, p in named if _located(t)]) or [
            p
            for t, p in named
            if not _demonym(t, p) and not _qualifies_a_noun(t) and id(p) not in homes
        ]
        if in_sentence:
            nearest = min(
                in_sentence, key=lambda p: abs((p.span.start if p.span else 0) - trig.token.idx)
            )
            return nearest, nearest.confidence * 0.7
        if article.focus is not None:
            return article.focus, article.focus.confidence * 0.4
        return None, 0.0

    def _on_a_trip(self, prep: Token) -> bool:
        """ "during a visit to Beirut", "amid a tour of Mali": the journey's destination is
        where the clause happened."""
        return prep.lower_ in ("during", "amid") and any(
            c.dep_ == "pobj" and c.lemma_.lower() in self.lex.trip_nouns for c in prep.children
        )

    def _historical(self, date: EventDate, published: datetime | None) -> bool:
        if date.source != "text" or date.value is None or published is None:
            return False
        years = self.settings.historical_years
        return (published.date() - date.value).days > 365 * years if years else False

    def _threat_mode(self, tok: Token) -> str | None:
        for c in tok.children:
            if c.dep_ in ("xcomp", "ccomp", "dobj"):
                entry = self.verb_entry(c) if c.pos_ == "VERB" else None
                if entry is None and c.pos_ == "NOUN":
                    found = self.lex.nouns.get(c.lemma_.lower())
                    entry = found[0] if found else None
                if entry is not None:
                    return self.lex.threaten_modes.get(entry.type)
        return None

    def _sizes(self, trig: _Trigger, entry: Entry) -> dict[str, int]:
        """Dead, injured or arrested: the number of the patient of a verb that counts them
        ("killing 11 soldiers", "63 people were arrested", "shot dead a protester")."""
        if trig.is_noun:
            return {}
        tok = trig.token
        size = entry.size
        if size is None and entry.type == "ASSAULT" and _says_dead(tok):
            size = "dead"
        if size is None:
            return {}
        patients = [child(tok, "nsubjpass")] if is_passive(tok) else direct_objects(tok)
        total = 0
        for patient in patients:
            if patient is None:
                continue
            value = number_value(patient, self.lex.number_words)
            if value is None:
                num = child(patient, "nummod")
                value = number_value(num, self.lex.number_words) if num is not None else None
            det = child(patient, "det")
            if value is None and patient.tag_ == "NN" and det is not None:
                value = 1 if det.lower_ in ("a", "an", "one") else None
            if value is not None:
                total += value
        return {size: total} if total else {}

    def _contexts(self, sent: Span) -> set[str]:
        return {self.lex.context_cues[m.lower()] for m in self._cue_re.findall(sent.text)}


def sentence_span(sent: Span, fld: TextField) -> TextSpan:
    """The sentence's offsets and text without the blank lines around it."""
    text = sent.text
    start = sent.start_char + (len(text) - len(text.lstrip()))
    text = text.strip()
    return TextSpan(start, start + len(text), text, fld)


def _is_reference(noun: Token, events: list[Event]) -> bool:
    """A definite event noun with no actor and no recipient ("the attack", "the meeting")
    refers to an event told elsewhere; "fighting broke out" or "an attack killed" tell one."""
    if any(e.actor is not None or e.recipient is not None for e in events):
        return False
    return any(c.dep_ in ("det", "poss") and c.lower_ != "a" and c.lower_ != "an"
               for c in noun.children)  # fmt: skip


def _parties(noun: Token) -> list[Token]:
    """The two sides of "a ceasefire between X and Y", "clashes between X and Y"."""
    for obj in prep_objects(noun, "between"):
        sides = [obj, *obj.conjuncts]
        return sides if len(sides) == 2 else []
    return []


def _own_phrase(tok: Token) -> list[Token]:
    """An argument's phrase without its locative modifiers: "a police station in northern
    Nigeria" names the police, not Nigeria."""
    out: list[Token] = []
    stack = [tok]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(
            c
            for c in t.children
            if c.dep_ not in CLAUSE_DEPS and not (c.dep_ == "prep" and c.lower_ in LOCATIVE_PREPS)
        )
    return out


def _subject_words(verb: Token) -> set[str]:
    return {
        w for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") for w in (c.lower_, c.lemma_)
    }


def _complements(verb: Token) -> set[str]:
    """Lemmas of the actions a verb governs ("asked not to be named" -> {"name"})."""
    return {c.lemma_.lower() for c in verb.children if c.dep_ in ("xcomp", "ccomp")}


def _drop_headline_repeats(events: list[Event]) -> list[Event]:
    """A headline restates the body's news: its events count only when the body has no event
    of that type with a compatible actor."""
    body = [e for e in events if e.evidence.field == "body"]
    kept = []
    for event in events:
        if event.evidence.field == "title" and any(
            b.event_type == event.event_type
            and (event.actor is None or b.actor is None or b.actor.code == event.actor.code)
            for b in body
        ):
            continue
        kept.append(event)
    return kept


def _personal(pron: Token) -> bool:
    return pron.lower_ in ("he", "she", "him", "her", "his")


def _says_dead(verb: Token) -> bool:
    """ "shot dead", "was beaten to death", "stabbed to death"."""
    for c in verb.children:
        if c.lower_ == "dead" and c.dep_ in ("advmod", "oprd", "acomp", "xcomp", "dobj", "amod"):
            return True
        if c.dep_ == "dobj" and any(g.lower_ == "dead" and g.i < c.i for g in c.children):
            return True  # "shot dead two farmers", parsed as "dead farmers"
        if c.dep_ == "prep" and c.lower_ == "to" and any(g.lower_ == "death" for g in c.children):
            return True
    return False


PURPOSE_PREPS = ("against", "of", "over", "at", "for", "from")


def _purpose_objects(head: Token) -> list[Token]:
    """What a protest is against, read from its purpose: "struck to protest (against) the
    government's decision", "rallied calling for independence from Iraq", "in protest of the
    arrests", "to show their disapproval of X's policies"."""
    found: list[Token] = []
    for c in head.children:
        if c.dep_ in ("advcl", "xcomp", "acl") and c.pos_ == "VERB":
            found += [g for g in c.children if g.dep_ == "dobj"]
            found += [o for prep in PURPOSE_PREPS for o in prep_objects(c, prep)]
            found += [o for g in c.children if g.dep_ == "dobj"
                      for prep in PURPOSE_PREPS for o in prep_objects(g, prep)]  # fmt: skip
        elif c.dep_ == "prep" and c.lower_ == "in":
            for noun in c.children:
                if noun.dep_ == "pobj" and noun.lemma_ == "protest":
                    found += [o for prep in PURPOSE_PREPS for o in prep_objects(noun, prep)]
    return found


def _located(tok: Token) -> bool:
    """Whether a locative preposition governs ``tok``, also through the names of a chain or a
    list ("in Nahri Saraj district, Helmand", "near Tripoli and Derna"), or stands right before
    it with no object of its own (a misparse)."""
    seen = 0
    while tok.dep_ in ("conj", "appos", "compound", "npadvmod") and tok.head is not tok:
        tok, seen = tok.head, seen + 1
        if seen > 4:
            return False
    if tok.dep_ == "pobj" and tok.head.lower_ in PLACE_PREPS:
        return True
    # "in Salvador, Bahia, workers did ...": the parser left "in" without its object and hung
    # the name on the subject; the preposition written right before it still governs it
    prev = tok.doc[tok.i - 1] if tok.i > 0 else None
    return (
        prev is not None
        and prev.lower_ in PLACE_PREPS
        and prev.dep_ == "prep"
        and not any(c.dep_ == "pobj" for c in prev.children)
    )


def _demonym(tok: Token, place: Place) -> bool:
    """A nationality word naming its country ("Cuban", "Israeli"), not a name the model
    labels NORP ("Helmand")."""
    if place.precision not in ("country", "continent"):
        return False
    return tok.ent_type_ == "NORP" or tok.pos_ == "ADJ"


def _innermost(places: list[Place]) -> list[Place]:
    """Leave out a country or region that contains another of ``places``: in "in Tejupilco,
    Mexico" the place is Tejupilco."""

    def contains(outer: Place, inner: Place) -> bool:
        if outer.country is None or inner.country != outer.country or inner is outer:
            return False
        if outer.precision == "country":
            return inner.precision != "country"
        if outer.precision == "admin2":  # a district holds the towns near its own town
            return inner.precision == "city" and _km(outer, inner) <= DISTRICT_KM
        return outer.precision == "admin1" and inner.admin1 == outer.name

    return [p for p in places if not any(contains(p, q) for q in places)]


def _km(a: Place, b: Place) -> float:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return float("inf")
    return distance_km(a.lat, a.lon, b.lat, b.lon)


def _qualifies_a_noun(tok: Token) -> bool:
    """ "a US drone strike", "Pakistan military personnel": a name modifying a common noun
    says whose, not where."""
    return tok.dep_ in ("compound", "nmod", "amod") and tok.head.pos_ == "NOUN"


def _based(tok: Token) -> bool:
    """ "a UK-based group", "a New York based charity": the home of an organisation, not
    where the event happened (``home_words`` in ``data/places.yaml``)."""
    homes = _home_words()
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return tok.head.lower_ in homes or (nxt is not None and nxt.lower_ in homes)


@cache
def _home_words() -> frozenset[str]:
    return frozenset(w.lower() for w in packaged_knowledge().home_words)


@cache
def _place_units() -> frozenset[str]:
    """The unit words of place names ("district", "state", "township"; ``data/places.yaml``):
    an unknown name headed by one is a place the gazetteer lacks, not an actor."""
    k = packaged_knowledge()
    return frozenset((*k.admin_cues, *k.city_cues, *k.subdivision_cues))


def _place_actor(place: Place | None, confidence: float, actor: Actor | None) -> Actor | None:
    """The country where an action is aimed, as its recipient ("imposed a curfew in Abidjan":
    Ivory Coast), when the clause itself names a place in that country (not the article focus)
    and it is not the actor's own country."""
    if place is None or place.country is None or confidence < 0.6:
        return None
    # inferred, not named as the recipient: no span of its own (the place has it)
    country = Actor(place.name, place.country, place.country, None, "country", place.text,
                    None, None, round(confidence * 0.8, 3))  # fmt: skip
    return None if actor is not None and same_actor(actor, country) else country


def situate(actor: Actor | None, place: Place | None, article: Article) -> Actor | None:
    """Give a country to a sector role or a person that has none ("police", "the army",
    "Defense Minister X"). Wire style names foreign actors with their country ("U.S. Secretary
    of State", "Chadian troops"); unqualified ones belong to the country the story is about, its
    focus. A target ("killing 11 soldiers in X") takes the country of the event's ``place``
    first; callers pass no place for doers and speakers, who may come from abroad."""
    if actor is None or actor.country is not None or actor.kind not in ("sector", "person"):
        return actor
    if actor.sector in (None, "IGO", "MED", "NGO"):
        return actor
    country = (place.country if place else None) or (
        article.focus.country if article.focus else None
    )
    if country is None:
        return actor
    code = country + (actor.sector or "")
    return replace(actor, country=country, code=code, confidence=round(actor.confidence * 0.7, 3))


def _clause_words(trig: _Trigger) -> set[str]:
    """Lower-case words, lemmas and two-word phrases of the trigger's clause."""
    head = trig.clause if trig.clause is not trig.token else trig.token
    tokens = sorted({*head.subtree, *trig.token.subtree}, key=lambda t: t.i)
    words = {t.lower_ for t in tokens} | {t.lemma_.lower() for t in tokens}
    words.update(f"{a.lower_} {b.lower_}" for a, b in pairwise(tokens))
    return words


def _roles(tok: Token, roles: list[str]) -> list[Token]:
    """The words filling ``roles`` (dobj, dative, a preposition, or "that": the subject of the
    clause a verb reports, "alleged *that France* was aware") of ``tok``, in role order."""
    found: list[Token] = []
    for role in roles:
        if role in ("dobj", "dative"):
            for c in tok.children:
                if c.dep_ == role:
                    found.append(child(c, "pobj") or c if c.pos_ == "ADP" else c)
        elif role == "that":
            found.extend(s for c in tok.children if _that_clause(c)
                         for s in c.children if s.dep_ in ("nsubj", "nsubjpass"))  # fmt: skip
        else:
            found.extend(prep_objects(tok, role))
    return found


def _gerund_after(noun: Token) -> Token | None:
    """The gerund the parser split from its compound ("Israeli *tank* | *shelling*": "tank"
    the object of "in", "shelling" a clause of its own), if any."""
    doc = noun.doc
    if noun.i + 1 >= len(doc) or noun.pos_ != "NOUN":
        return None
    nxt = doc[noun.i + 1]
    split = nxt.tag_ == "VBG" and nxt.dep_ == "advcl" and nxt.head.i == noun.head.head.i
    return nxt if split else None


def _clause_child(verb: Token, dep: str) -> bool:
    """Does ``verb`` govern a verb clause by ``dep``?"""
    return any(c.dep_ == dep and c.pos_ in ("VERB", "AUX") for c in verb.children)


def _that_clause(c: Token) -> bool:
    """A clause a word reports or demands: a verb's complement ("alleged that France was
    aware"), or a clause "that" opens after a noun ("its demand that Egypt reopen ...")."""
    if c.dep_ == "ccomp":
        return True
    return c.dep_ == "acl" and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)


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
    out: list[Event] = []
    for ev in events:
        kept = next((k for k in out if _same_happening(k, ev)), None)
        if kept is None:
            out.append(ev)
            continue
        if kept.actor is None and ev.actor is not None:
            kept.actor, kept.confidence["actor"] = ev.actor, ev.confidence["actor"]
        kept.recipient = kept.recipient or ev.recipient
        if kept.place is None and ev.place is not None:  # the first (main) clause's place wins
            kept.place, kept.confidence["place"] = ev.place, ev.confidence["place"]
        if kept.date.source != "text" and ev.date.source == "text":
            kept.date = ev.date
        kept.mode = kept.mode or ev.mode
        kept.dead = kept.dead or ev.dead
        kept.injured = kept.injured or ev.injured
        kept.arrested = kept.arrested or ev.arrested
        kept.contexts = sorted(set(kept.contexts) | set(ev.contexts))
    return out


def _same_happening(a: Event, b: Event) -> bool:
    """Same type, actor (or one of them without an actor) and modality, and modes that do not
    conflict ("arrested three suspects and seized weapons" are two happenings; "attacked the
    base, killing five" one)."""
    if (a.event_type, a.modality) != (b.event_type, b.modality):
        return False
    if (a.actor.name if a.actor else "") != (b.actor.name if b.actor else ""):
        # "was killed in a shooting by an armed man": the agentless clause and the one that
        # names the doer are one happening when they are placed alike
        if a.actor is not None and b.actor is not None:
            return False
        if a.place is not None and b.place is not None and a.place.name != b.place.name:
            return False
    if a.recipient is not None and b.recipient is not None and a.recipient.name != b.recipient.name:
        return a.trigger != b.trigger  # one word, several recipients: kept apart
    return a.mode is None or b.mode is None or a.mode == b.mode
