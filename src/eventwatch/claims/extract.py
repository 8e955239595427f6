"""Claims: the numbers an article states, typed by what they count, with who states them.

For each sentence, :class:`~eventwatch.claims.quantity.AmountReader` finds the amounts; the
parse gives what each counts (the noun it modifies, the "of" phrase of "hundreds of", the
measure it is put at: "put the number of fighters at 20,000") and the clause it belongs to. The
indicator comes from, in order: the unit (a currency, a share or an area of territory), a verb
whose patient the counted words are ("arrested 40 protesters": arrested), a verb whose subject
they are ("2,000 people fled": displaced; "hundreds rallied": crowd), the counted noun
("20,000 fighters", "30 airstrikes"). Dead and injured come from the casualty reader the event
coder uses for event sizes (:mod:`eventwatch.events.casualties`), one claim per counted patient
or tally. A number none of these types is not a claim.

Each claim gets its subject (whose fighters, territory, troops, dead), place, claimant, hedges,
prior-estimate flag, as-of date, the modality of its clause and its evidence span.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from eventwatch.claims.attribution import Attribution, Source
from eventwatch.claims.lexicon import ClaimsLexicon, load_claims_lexicon
from eventwatch.claims.quantity import Amount, AmountReader
from eventwatch.claims.syntax import (
    amount_of,
    clause_of,
    compound_lemma,
    counted_text,
    has_owner,
    holder_lemma,
    is_place,
    lemma_of,
    measure_around,
    measure_of,
    money_objects,
    np_range,
    np_text,
    of_object,
    partitive,
    prep_lemma,
    restates,
    result_kind,
)
from eventwatch.config import Settings
from eventwatch.dates import find_event_date
from eventwatch.events.casualties import DEFAULT_WORDS, casualty_mentions
from eventwatch.events.coder import (
    PLACE_PREPS,
    ArticleState,
    EventCoder,
    Mentions,
    sentence_span,
    situate,
)
from eventwatch.events.syntax import child, subjects
from eventwatch.nlp import doc_sents
from eventwatch.records import (
    Actor,
    Article,
    Claim,
    Indicator,
    Place,
    Qualifier,
    Quantity,
    TextField,
    stable_id,
)
from eventwatch.records import Span as TextSpan

PEOPLE_UNIT = "people"
PATIENT_INDICATORS = {"killed", "injured", "arrested", "abducted", "displaced"}
# verbs whose object is what the subject has or does ("the group has 20,000 fighters")
HAVING = {"have", "number", "boast", "field", "command", "count", "include", "comprise",
          "recruit", "train", "muster", "amass", "lead", "maintain", "keep", "control", "hold",
          "lose", "deploy", "send", "carry", "launch", "conduct", "mount", "stage", "pledge",
          "offer", "provide", "give", "announce", "approve", "impose", "freeze", "pay",
          "demand", "allocate", "donate", "commit", "seize", "capture", "retake", "occupy",
          "claim", "contribute", "dispatch", "station", "withdraw"}  # fmt: skip
KIND_RANK = {"group": 0, "igo": 1, "country": 2, "institution": 3, "person": 4, "sector": 5}
# numbers that, unowned, belong to the armed group the sentence or the story is about
GROUP_INDICATORS = {Indicator.FIGHTERS, Indicator.TERRITORY_SHARE, Indicator.TERRITORY_AREA}
# numbers whose subject is the people counted
COUNTED_PEOPLE = {Indicator.KILLED, Indicator.INJURED, Indicator.CROWD, Indicator.DISPLACED,
                  Indicator.ARRESTED, Indicator.ABDUCTED}  # fmt: skip
GENERIC_PEOPLE = {"people", "person", "persons", "others", "individuals", "individual", "one",
                  "ones", "them", "those", "they", "some", "many", "all", "crowd", "group",
                  "mob"}  # fmt: skip
CASUALTY_INDICATOR = {"dead": Indicator.KILLED, "injured": Indicator.INJURED}


@dataclass(slots=True)
class _State:
    """What the extractor remembers across the sentences of one article."""

    coder: ArticleState
    last_group: Actor | None = None


@dataclass(slots=True)
class _Found:
    """An amount with what it counts and the clause it belongs to."""

    amount: Amount | None
    indicator: str
    counted: Token  # the counted word ("fighters", "percent", the number itself)
    verb: Token | None  # the clause's verb
    span: tuple[int, int]  # token range of the number words
    quantity: Quantity
    unit: str
    patient: bool  # the counted words are the verb's patient (victims, detainees)
    nameless: bool = False  # names no one itself: its subject is the claim's before


class ClaimExtractor:
    """Finds claims in parsed articles. One instance serves many articles."""

    def __init__(self, lexicon: ClaimsLexicon, coder: EventCoder) -> None:
        self.lex = lexicon
        self.coder = coder
        self.amounts = AmountReader(lexicon, coder.lex.number_words)
        self.attribution = Attribution(lexicon, coder.lex.speech_verbs)
        self.nouns = {w: k for k, words in lexicon.nouns.items() for w in words}
        self.patient_verbs = {w: k for k, ws in lexicon.patient_verbs.items() for w in ws}
        self.agent_verbs = {w: k for k, ws in lexicon.agent_verbs.items() for w in ws}
        self.measures = set(lexicon.measures)
        self.members = set(lexicon.members)
        self.territory = set(lexicon.territory)
        self.territory_verbs = set(lexicon.territory_verbs)
        self.protest_nouns = set(lexicon.protest_nouns)
        self.crowd_light = set(lexicon.crowd_light_verbs)
        self.crowd_objects = set(lexicon.crowd_objects)
        self.crowd_people = set(lexicon.crowd_people)
        self.people_nouns = set(lexicon.people_nouns)
        self.not_subjects = (
            {w for w in lexicon.vague if " " not in w}
            | set(lexicon.estimate_nouns)
            | set(lexicon.measures)
            | set(lexicon.nouns["killed"])
            | set(lexicon.nouns["injured"])  # "7 deaths"
            | {"more", "other"}
        )
        self.money_context = set(lexicon.money_context)
        w = DEFAULT_WORDS
        self.casualty_words = (
            w.death_verbs | w.dying_verbs | w.injury_verbs | w.dead_results | w.death_nouns
            | w.injury_nouns | w.both_nouns | w.dead_adjectives | w.injured_adjectives
        )  # fmt: skip
        self._lemmas_doc: Doc | None = None
        self._lemmas: list[str] = []
        self._previous: list[_Found] = []  # the last amount typed (an article at a time)
        self._field: TextField = "body"  # the part of the article being read

    @classmethod
    def from_settings(cls, settings: Settings) -> ClaimExtractor:
        lexicon = load_claims_lexicon(tuple(str(p) for p in settings.claims.extra_lexicons))
        return cls(lexicon, EventCoder.from_settings(settings.events))

    # ------------------------------------------------------------------ public
    def extract(self, article: Article, docs: Sequence[tuple[TextField, Doc]]) -> list[Claim]:
        claims: list[Claim] = []
        state = _State(ArticleState())
        self._previous = []
        for fld, doc in docs:
            self._field = fld
            mentions = Mentions.build(doc, fld, article)
            for sent in doc_sents(doc):
                groups = state.last_group is not None or any(
                    a.kind == "group" for a in mentions.actors_in(sent)
                )
                for found in self._sentence(sent, groups):
                    claim = self._claim(article, fld, sent, found, mentions, state)
                    last = claims[-1] if claims else None
                    if (
                        claim.subject is None
                        and found.nameless
                        and last is not None
                        and last.indicator == claim.indicator
                    ):
                        claim.subject = last.subject  # "about 900,000 of them"
                    claims.append(claim)
                self._remember(sent, mentions, state)
        return _drop_headline_repeats(claims)

    # ------------------------------------------------------------------ finding
    def _sentence(self, sent: Span, groups: bool = False) -> list[_Found]:
        """The typed amounts of a sentence; ``groups``: an armed group is in the story, so
        "members" may be its strength."""
        amounts = self.amounts.find(sent)
        if not amounts and not self._tells_casualties(sent):
            return []  # most sentences state no number and no casualty
        out, used = self._casualties(sent, amounts)
        used |= {i for f in out for i in range(*f.span)}
        for amount in amounts:
            if any(i in used for i in range(amount.start, amount.end)):
                continue
            before = [f for f in out if f.span[0] < amount.start] or self._previous
            found = self._typed(sent, amount, groups, before[-1] if before else None)
            if found is not None:
                out.append(found)
        out.sort(key=lambda f: f.span[0])
        if out:
            self._previous = out[-1:]
        return out

    def _tells_casualties(self, sent: Span) -> bool:
        """Does the sentence hold a word of killing, dying or injury (looked up in the doc's
        lemmas, computed once per doc)?"""
        doc = sent.doc
        if self._lemmas_doc is not doc:
            self._lemmas_doc, self._lemmas = doc, [t.lemma_.lower() for t in doc]
        return not self.casualty_words.isdisjoint(self._lemmas[sent.start : sent.end])

    def _casualties(self, sent: Span, amounts: list[Amount]) -> tuple[list[_Found], set[int]]:
        """One claim per dead or injured patient or tally the casualty reader counts; the tally
        that only restates the clauses' count ("killing 3, resulting in 3 fatalities") is not a
        second claim."""
        mentions = [m for m in casualty_mentions(sent, self.coder.lex.number_words)
                    if m.value is not None]  # fmt: skip
        out: list[_Found] = []
        restated: set[int] = set()
        for m in mentions:
            amount = amount_of(m.token, amounts)
            if m.channel == "tally" and restates(m, mentions):
                if amount is not None:
                    restated.update(range(amount.start, amount.end))
                continue
            if amount is not None:
                quantity, span = amount.quantity, (amount.start, amount.end)
            elif not self._people(m.token, self.nouns.get(lemma_of(m.token))):
                continue  # "it hurts their prestige": no casualty
            else:
                value = float(m.value)  # type: ignore[arg-type]
                quantity = Quantity(value, value, value, Qualifier.EXACT, False, np_text(m.token))
                span = np_range(m.token)
            verb = m.token.head if m.token.head.pos_ in ("VERB", "AUX") else None
            indicator = CASUALTY_INDICATOR[m.kind]
            out.append(_Found(amount, indicator, m.token, verb, span, quantity, PEOPLE_UNIT,
                              m.channel == "clause"))  # fmt: skip
        return out, restated

    def _typed(
        self, sent: Span, amount: Amount, groups: bool, before: _Found | None
    ) -> _Found | None:
        counted = self._counted(amount)
        verb, role = clause_of(counted)
        indicator = self._indicator(sent, amount, counted, verb, role, groups)
        restating = self._restating(amount, counted, verb)
        if indicator is None and before is not None and restating:
            indicator = before.indicator  # "police counted 35,000", "an earlier figure of 31"
        if indicator is None or (indicator == Indicator.ATTACKS and amount.quantity.value == 1):
            return None  # "one attack is enough": a single attack is an event, not a count
        unit = amount.unit or ("attacks" if indicator == Indicator.ATTACKS else PEOPLE_UNIT)
        patient = role == "patient" and indicator in PATIENT_INDICATORS
        # names no one itself ("another 7.6 million", "scores more", "the turnout"): whose it
        # is comes from the claim before, when that one counts the same thing
        nameless = restating or counted.i == amount.head.i or lemma_of(counted) in self.measures
        return _Found(amount, indicator, counted, verb, (amount.start, amount.end),
                      amount.quantity, unit, patient, nameless)  # fmt: skip

    def _restating(self, amount: Amount, counted: Token, verb: Token | None) -> bool:
        """An amount that names nothing itself and restates the one told just before: a lone
        number a source counts ("while police counted 35,000"), a figure ("an earlier figure
        of 31"), a pronoun ("about 900,000 of them")."""
        if amount.unit is not None:
            return False
        lemma = lemma_of(counted)
        if counted.i == amount.head.i:  # a lone number a source counts or estimates
            return verb is not None and self.coder.lemma(verb) in self.attribution.saying
        return lemma in self.attribution.estimate_nouns or counted.lower_ in ("them", "those")

    def _counted(self, amount: Amount) -> Token:
        """The word an amount counts: "hundreds of *protesters*", "20,000 *fighters*", the
        measure's "of" noun ("the *number* of fighters at 20,000": fighters), else itself."""
        head = amount.head
        of = of_object(head)
        if of is not None:
            return self._measured(of)
        if head.dep_ in ("nummod", "quantmod", "amod", "compound", "nmod", "det") and (
            head.head.pos_ in ("NOUN", "PROPN", "ADJ") and head.head.i >= amount.end
        ):
            return self._measured(head.head)
        if head.head.lower_ == "strong" and head.head.head.pos_ in ("NOUN", "PROPN"):
            return head.head.head  # "a 1,000-strong police contingent"
        if head.dep_ == "pobj" and head.head.lower_ == "of":
            holder = head.head.head  # "a crowd of 5,000", "a force of 3,000"
            if holder.pos_ in ("NOUN", "PROPN"):
                return holder
        doc = head.doc
        if amount.quantity.label is not None and amount.end < len(doc):
            after = doc[amount.end]  # "a large number of workers" parsed apart
            pobj = child(after, "pobj") if after.lower_ == "of" else None
            if pobj is not None:
                return pobj
        measure = measure_around(head, self.measures)
        return self._measured(measure) if measure is not None else head

    def _measured(self, noun: Token) -> Token:
        doc = noun.doc
        if (
            noun.i + 2 < len(doc)
            and doc[noun.i + 1].text == "-"
            and doc[noun.i + 2].pos_ in ("NOUN", "PROPN")
        ):
            noun = doc[noun.i + 2]  # "200 ex - soldiers": soldiers
        while noun.dep_ == "compound" and noun.head.pos_ == "NOUN" and noun.head.i > noun.i:
            noun = noun.head  # "20-30 women protesters": protesters
        if noun.lemma_.lower() in self.measures:
            of = of_object(noun)
            if of is not None:
                return of
        return noun

    def _indicator(
        self,
        sent: Span,
        amount: Amount,
        counted: Token,
        verb: Token | None,
        role: str,
        groups: bool,
    ) -> str | None:
        unit = amount.unit
        if unit is not None:
            return self._unit_indicator(sent, amount, counted, verb)
        lemma = lemma_of(counted)
        noun_kind = self.nouns.get(lemma) or self.nouns.get(compound_lemma(counted))
        verb_lemma = self.coder.lemma(verb) if verb is not None else ""
        if role == "patient" and verb_lemma in self.patient_verbs:
            kind = self.patient_verbs[verb_lemma]
            if kind == Indicator.TROOPS:
                if noun_kind in (Indicator.TROOPS, Indicator.FIGHTERS):
                    return kind
            elif self._people(counted, noun_kind) or counted.i == amount.head.i:
                return kind  # "arrested 40 protesters", "scores more were detained"
        if (
            role == "patient"
            and verb_lemma == "treat"
            and prep_lemma(verb, "for") in ("injury", "wound", "burn", "injuries")
        ):
            return Indicator.INJURED  # "150 people were treated for injuries"
        described = self._participle_kind(counted)
        if described is not None:  # "17 abducted fishermen", "12 displaced families"
            return described
        if role == "agent" and verb_lemma in self.agent_verbs:
            kind = self.agent_verbs[verb_lemma]
            crowd_ok = kind != Indicator.CROWD or noun_kind in (None, Indicator.CROWD)
            if crowd_ok and not self._of_others(amount, counted):
                return kind  # not "workers of two factories protested"
        result = result_kind(verb)
        if result is not None and role == "patient":  # "were left injured", "shot dead"
            return result
        people = not self._of_others(amount, counted)
        if noun_kind is None and people and self._crowd_words(counted, verb, role):
            return Indicator.CROWD
        if noun_kind == Indicator.CROWD and self._not_a_crowd(amount, counted, verb_lemma, role):
            return None
        if holder_lemma(counted) in self.protest_nouns or lemma in self.protest_nouns:
            return Indicator.CROWD if noun_kind in (None, Indicator.CROWD) else noun_kind
        if noun_kind is not None:
            return noun_kind if lemma_of(amount.head) != lemma or noun_kind != "crowd" else None
        if lemma in self.members:  # a group's members, not a union's
            owned = verb_lemma in HAVING or has_owner(counted)
            return Indicator.FIGHTERS if owned or groups else None
        return self.lex.measure_indicators.get(lemma_of(measure_of(counted) or counted))

    def _unit_indicator(
        self, sent: Span, amount: Amount, counted: Token, verb: Token | None
    ) -> str | None:
        unit = amount.unit
        if unit in ("km2", "mi2", "ha"):
            return Indicator.TERRITORY_AREA
        if unit == "percent":
            if lemma_of(counted) in self.territory:
                return Indicator.TERRITORY_SHARE
            held = verb is not None and self.coder.lemma(verb) in self.territory_verbs
            if (
                held
                and counted.i == amount.head.i
                and any(lemma_of(t) in self.territory for t in sent)
            ):
                return Indicator.TERRITORY_SHARE  # "the group has lost 40 percent" of a territory
            return None
        window = sent.doc[max(sent.start, amount.start - 6) : min(sent.end, amount.end + 6)]
        if any(lemma_of(t) in self.money_context for t in window) or (
            verb is not None and self.coder.lemma(verb) in self.money_context
        ):
            return Indicator.MONEY
        return None

    def _crowd_words(self, counted: Token, verb: Token | None, role: str) -> bool:
        """People counted as a crowd: the subject of a protest ("hundreds rallied", "staged a
        protest", "drove to protest"), described as protesting ("protesting citizens", "who
        took to the streets"), or dispersed."""
        if verb is not None and role == "patient" and self.coder.lemma(verb) == "disperse":
            return True
        for c in counted.children:
            if c.dep_ in ("amod", "acl", "relcl") and self._protest_verb(c):
                return True
        if verb is None or role != "agent":
            return False
        if lemma_of(counted) in self.crowd_people and self._violent(verb):
            return True  # "about 500 residents set alight a tavern": a mob
        clauses = [verb, *verb.conjuncts]
        clauses += [c for v in list(clauses) for c in v.children if c.dep_ in ("advcl", "xcomp")]
        return any(self._protest_verb(v) for v in clauses)

    def _people(self, counted: Token, noun_kind: str | None) -> bool:
        """Can the counted words be people (victims, detainees)? Not "12 vehicles"."""
        if noun_kind is not None or counted.pos_ in ("NUM", "PRON") or counted.like_num:
            return True
        lemma = lemma_of(counted)
        return (
            lemma in self.people_nouns
            or lemma in self.crowd_people
            or lemma in self.members
            or counted.ent_type_ in ("NORP", "PERSON")
        )

    def _not_a_crowd(self, amount: Amount, counted: Token, verb_lemma: str, role: str) -> bool:
        """Protesters counted as something else: "six protesters were hurt", "one of the
        protesters", "the death of one demonstrator" (not "police estimated the crowd at",
        "dispersed a crowd of 5,000")."""
        if partitive(amount, counted):
            return True
        if role == "patient":
            return verb_lemma not in self.attribution.saying and verb_lemma != "disperse"
        holder = holder_lemma(counted)
        return counted.dep_ == "pobj" and holder not in self.protest_nouns and holder != "crowd"

    def _of_others(self, amount: Amount, counted: Token) -> bool:
        """ "workers of two factories", "members of 27 networks": the amount counts the "of"
        phrase of other people, not the people who act."""
        if counted.dep_ != "pobj" or counted.head.lower_ != "of":
            return False
        owner = counted.head.head
        if amount.start <= owner.i < amount.end or owner.pos_ not in ("NOUN", "PROPN"):
            return False  # "hundreds of protesters": the amount's own "of"
        return lemma_of(owner) not in self.measures and lemma_of(owner) not in ("crowd", "group")

    def _participle_kind(self, counted: Token) -> str | None:
        for c in counted.children:
            if c.dep_ not in ("amod", "acl") or c.i > counted.i or not c.lower_.endswith("ed"):
                continue  # "17 abducted fishermen", tagged VBN or JJ
            for lemma in (self.coder.lemma(c), c.lower_[:-2], c.lower_[:-1]):
                kind = self.patient_verbs.get(lemma)
                if kind is not None and kind != Indicator.TROOPS:
                    return kind
        return None

    def _violent(self, verb: Token) -> bool:
        entry = self.coder.verb_entry(verb)
        return entry is not None and entry.type in ("ASSAULT", "COERCE", "PROTEST")

    def _protest_verb(self, verb: Token) -> bool:
        lemma = self.coder.lemma(verb)
        if self.agent_verbs.get(lemma) == Indicator.CROWD:
            return True
        if lemma not in self.crowd_light:
            return False
        for c in verb.children:
            words = [c, *(g for g in c.children if g.dep_ in ("pobj", "compound"))]
            for g in list(words):
                words += [m for m in g.children if m.dep_ == "compound"]
            for w in words:
                if lemma_of(w) in self.protest_nouns or w.lower_ in self.crowd_objects:
                    return True
        return False

    # ------------------------------------------------------------------ building
    def _claim(
        self,
        article: Article,
        fld: TextField,
        sent: Span,
        found: _Found,
        mentions: Mentions,
        state: _State,
    ) -> Claim:
        doc = sent.doc
        start, end = found.span
        words = doc[start:end]
        anchor = found.counted if found.counted.i >= sent.start else doc[start]
        source = self.attribution.source(anchor, sent)
        claimant = self._claimant(source, mentions, state, article)
        clause = found.verb or anchor
        cue = self.coder.modality.read(anchor, clause, verbal=False)
        as_of = find_event_date(sent, clause, article.published)
        return Claim(
            id=stable_id(article.id, fld, words.start_char, found.indicator),
            article_id=article.id,
            indicator=str(found.indicator),
            quantity=found.quantity,
            unit=found.unit,
            evidence=sentence_span(sent, fld),
            span=TextSpan(words.start_char, words.end_char, words.text, fld),
            counted=counted_text(found.counted, words, found.indicator),
            subject=self._subject(found, mentions, state, article),
            place=self._place(found, sent, mentions, article),
            claimant=claimant,
            claimant_text=source.text if source is not None else None,
            hedges=self.attribution.hedges_of(anchor, [t.text for t in words]),
            prior=self.attribution.is_prior(anchor, source),
            as_of=as_of,
            modality=str(cue.modality),
            confidence=round(cue.confidence * (0.9 if source is not None else 0.8), 3),
        )

    def _claimant(
        self, source: Source | None, mentions: Mentions, state: _State, article: Article
    ) -> Actor | None:
        if source is None:
            return None
        actor = self.coder.actor_of(self.attribution.holder(source), mentions, state.coder)
        return situate(actor, None, article)

    def _subject(
        self, found: _Found, mentions: Mentions, state: _State, article: Article
    ) -> Actor | None:
        """Whose number: the people counted for dead, injured, detained, abducted, displaced
        and crowds ("17 fishermen", "Syrians"; none for bare "people"); otherwise the owner of
        the counted words ("its fighters", "IS fighters", "fighters of the group", "the group's
        strength"), else the subject of the clause ("the group has", "Chad sent", "donors
        pledged"), else (fighters, territory) the armed group the sentence or story is about."""
        counted = found.counted
        if found.patient or found.indicator in COUNTED_PEOPLE:
            return self._named(counted, mentions, state, article)
        candidates: list[Token] = [counted]
        measure = measure_of(counted)
        if measure is not None:
            candidates.append(measure)
        if found.indicator == Indicator.MONEY and found.amount is not None:
            candidates += money_objects(found.amount)  # "of Hezbollah assets", "for Sudan"
        territory = found.indicator in (Indicator.TERRITORY_SHARE, Indicator.TERRITORY_AREA)
        money = found.indicator == Indicator.MONEY
        owner = self._owner(candidates, mentions, state, places=not territory, recipients=not money)
        if owner is None and found.verb is not None:
            subj = self._doer(found.verb, territory)
            if subj is not None and subj.i not in range(*found.span) and subj.i != counted.i:
                owner = self._named(subj, mentions, state, article)
        if owner is None and found.indicator in GROUP_INDICATORS:
            named = [a for a in mentions.actors_in(counted.sent)
                     if a.kind == "group" and not _refers_back(a)]  # fmt: skip
            owner = named[0] if named else state.last_group
        return situate(owner, None, article) if owner is not None else None

    def _doer(self, verb: Token, passive_too: bool) -> Token | None:
        """The verb's subject, through control and coordination ("Chad offered to send 500
        troops": Chad); the passive subject too for territory ("X has been pushed out of")."""
        lex = self.coder.lex
        found = subjects(verb, lex.object_control, lex.prep_control)
        if found:
            return found[0]
        return child(verb, "nsubjpass") if passive_too else None

    def _named(
        self, tok: Token, mentions: Mentions, state: _State, article: Article
    ) -> Actor | None:
        """The actor ``tok`` names; a noun phrase no dictionary knows stands as written (kind
        "other": "fishermen", "donors"); bare "people", "others" name nobody."""
        if state.last_group is not None and _back_reference(tok):
            return state.last_group  # "the group", "it": the armed group the story is about
        lemma = lemma_of(tok)
        if tok.lower_ in GENERIC_PEOPLE or tok.like_num or {lemma, tok.lower_} & self.not_subjects:
            return None  # "people", "thousands", "an earlier figure"
        actor = self.coder.actor_of(tok, mentions, state.coder)
        if actor is not None:
            return situate(actor, None, article)
        if tok.pos_ not in ("NOUN", "PROPN") or lemma_of(tok) in self.measures:
            return None
        start, end = np_range(tok)
        words = tok.doc[start:end]
        while len(words) > 1 and (
            words[0].like_num
            or words[0].dep_ in ("det", "quantmod")
            or words[0].lower_ in ("at", "least", "than", "more")
        ):
            words = words[1:]  # fmt: skip
        span = TextSpan(words.start_char, words.end_char, words.text, self._field)
        return Actor(words.text, "", None, None, "other", words.text, span, None, 0.3)

    def _owner(
        self,
        nouns: list[Token],
        mentions: Mentions,
        state: _State,
        *,
        places: bool = True,
        recipients: bool = True,
    ) -> Actor | None:
        """An actor the counted words belong to; with ``places`` False a country or region in
        an "of" phrase is where the territory lies ("45 percent of Afghanistan"), no owner."""
        for noun in nouns:
            tokens = [c for c in noun.children if c.dep_ in ("poss", "compound", "amod", "nmod")
                      and (places or not is_place(c, mentions))]  # fmt: skip
            for prep in noun.children:
                if prep.dep_ == "acl" and prep.lemma_ == "belong":  # "assets belonging to X"
                    tokens += [g for p in prep.children for g in p.children if g.dep_ == "pobj"]
                preps = ("of", "from", "for", "to", "with") if recipients else ("of",)
                if prep.dep_ == "prep" and prep.lower_ in preps:
                    tokens += [g for g in prep.children if g.dep_ == "pobj"
                               and (places or not is_place(g, mentions))]  # fmt: skip
                if prep.dep_ == "amod" and prep.lower_ == "loyal":  # "fighters loyal to X"
                    tokens += [g for p in prep.children for g in p.children if g.dep_ == "pobj"]
            for tok in tokens:
                if state.last_group is not None and _back_reference(tok):
                    return state.last_group  # "the group's strength"
                actor = self.coder.actor_of(tok, mentions, state.coder)
                if actor is not None and _refers_back(actor) and state.last_group is not None:
                    return state.last_group
                if actor is None or (actor.kind == "sector" and actor.country is None):
                    continue
                if places or actor.kind != "country":  # "of Afghanistan's districts": where
                    return actor
        return None

    def _place(
        self, found: _Found, sent: Span, mentions: Mentions, article: Article
    ) -> Place | None:
        heads = [found.counted] + ([found.verb] if found.verb is not None else [])
        for head in heads:
            for c in head.children:
                if c.dep_ == "prep" and c.lower_ in PLACE_PREPS:
                    place = mentions.place_in(c.subtree)
                    if place is not None:
                        return place
        places = [mentions.places[t.i] for t in sent if t.i in mentions.places
                  and t.ent_type_ != "NORP" and t.pos_ != "ADJ"
                  and not mentions.inside_actor(t, mentions.places[t.i])]  # fmt: skip
        if places:
            return places[0]
        return article.focus

    def _remember(self, sent: Span, mentions: Mentions, state: _State) -> None:
        """The story's armed group (the subject of a sentence before a mere mention: "ISWAP
        has ..., the largest Islamic State affiliate"), person and main actor so far."""
        actors = mentions.actors_in(sent)
        groups = [a for a in actors if a.kind == "group" and not _refers_back(a)]
        subjects = {mentions.actors[t.i].name for t in sent
                    if t.dep_ in ("nsubj", "nsubjpass") and t.i in mentions.actors}  # fmt: skip
        if groups:
            state.last_group = next((g for g in groups if g.name in subjects), groups[0])
        for actor in actors:
            if actor.kind == "person":
                state.coder.last_person = actor
        named = [a for a in actors if a.kind in ("group", "igo", "country", "institution")]
        if named:
            best = min(named, key=lambda a: KIND_RANK.get(a.kind, 9))
            state.coder.last_actor = state.last_group if best.kind == "group" else best


BACK_REFERENCES = {"group", "militants", "insurgents", "jihadists", "organisation",
                   "organization", "movement", "militia", "outfit", "rebels"}  # fmt: skip


def _back_reference(tok: Token) -> bool:
    """ "the group", "the militants", "it": words that refer back to an actor named before."""
    if tok.lower_ == "it" and tok.pos_ == "PRON":
        return True
    det = child(tok, "det")
    return tok.lower_ in BACK_REFERENCES and det is not None and det.lower_ == "the"


def _refers_back(actor: Actor) -> bool:
    """An actor mention that is a back-reference ("the group"), resolved by the actors stage to
    the last group it named, which may be a mere modifier ("an Islamic State affiliate")."""
    words = actor.text.lower().split()
    return bool(words) and words[0] == "the" and words[-1].rstrip("'s") in BACK_REFERENCES


def _drop_headline_repeats(claims: list[Claim]) -> list[Claim]:
    """A headline claim the body repeats (same indicator and quantity) is kept once."""
    body = {(c.indicator, c.quantity.value, c.quantity.low, c.quantity.high)
            for c in claims if c.evidence.field == "body"}  # fmt: skip
    return [
        c
        for c in claims
        if c.evidence.field == "body"
        or (c.indicator, c.quantity.value, c.quantity.low, c.quantity.high) not in body
    ]
