"""Casualty counts stated in a sentence: how many dead, how many injured.

Read from the dependency parse of one sentence (a spaCy ``Span``), in two channels:

* **clauses**: a death or injury verb and the number of its patient ("killing 2 soldiers",
  "three people were killed", "one police officer died", "the driver and two others were
  wounded", "left five dead", "a man was found dead", "shot dead a farmer");
* **tallies**: a casualty noun and its number ("resulting in 4 fatalities", "2 fatalities and 1
  injured", "fatalities coded as 10", "the death toll rose to 12", "the bodies of three men",
  "no fatalities").

Within a channel the counts of different patients add up ("2 soldiers were killed and 3
civilians died": 5); between the channels the larger wins, since a tally usually restates the
clauses ("killing 3 people, resulting in 3 fatalities": 3). A casualty word whose number is not
stated ("several", "dozens", "civilians") gives ``None``: unknown, which is not zero; "no one",
"nobody", "no fatalities" give 0.

The words are a small default vocabulary (:class:`CasualtyWords`); a caller may pass its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from spacy.tokens import Span, Token

from eventwatch.events.syntax import child, is_passive, number_value

Kind = Literal["dead", "injured"]

SINGULAR_DETS = {"a", "an", "one", "the", "this", "that", "another", "his", "her", "their", "its"}
ONE_PRONOUNS = {"he", "she", "him", "her", "himself", "herself"}
ZERO_WORDS = {"nobody", "none", "no-one"}
PLACE_ENTS = {"GPE", "LOC", "FAC"}
PREDICATE_DEPS = {"oprd", "acomp", "xcomp", "ccomp", "advmod", "dobj", "attr"}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True, slots=True)
class CasualtyWords:
    """The words that state casualties. Verbs are lemmas; nouns are lemmas of count nouns."""

    death_verbs: frozenset[str] = _words(
        "kill murder slay behead decapitate assassinate lynch massacre slaughter execute"
    )
    # verbs whose subject is the casualty ("one officer died")
    dying_verbs: frozenset[str] = frozenset({"die", "perish", "succumb", "drown"})
    injury_verbs: frozenset[str] = frozenset({"injure", "wound", "hurt", "maim"})
    # "shot dead", "beaten to death": any verb with these words as its result
    dead_results: frozenset[str] = frozenset({"dead"})
    death_nouns: frozenset[str] = frozenset(
        {"fatality", "death", "dead", "body", "corpse", "toll", "life"}
    )
    injury_nouns: frozenset[str] = frozenset({"injury", "injured", "wounded"})
    # nouns that only ever count as zero for both kinds ("no casualties")
    both_nouns: frozenset[str] = frozenset({"casualty", "victim"})
    dead_adjectives: frozenset[str] = frozenset({"dead"})
    injured_adjectives: frozenset[str] = frozenset({"injured", "wounded", "hurt"})


DEFAULT_WORDS = CasualtyWords()


@dataclass(slots=True)
class Casualties:
    """Dead and injured stated in a sentence; ``None`` = not stated (or stated without a
    number)."""

    dead: int | None = None
    injured: int | None = None

    def __bool__(self) -> bool:
        return self.dead is not None or self.injured is not None


@dataclass(slots=True)
class _Tally:
    """What one channel found: the count of each patient, by kind."""

    found: dict[Kind, dict[int, int | None]] = field(
        default_factory=lambda: {"dead": {}, "injured": {}}
    )

    def add(self, kind: Kind, key: int, value: int | None) -> None:
        known = self.found[kind].get(key)
        self.found[kind][key] = value if known is None else known

    def total(self, kind: Kind) -> int | None:
        values = self.found[kind].values()
        known = [v for v in values if v is not None]
        return sum(known) if known else None

    def mentioned(self, kind: Kind) -> bool:
        return bool(self.found[kind])


@dataclass(frozen=True, slots=True)
class CasualtyMention:
    """One counted patient or casualty word of a sentence, before the counts are combined."""

    kind: Kind
    token: Token  # the patient ("soldiers", "a man") or the casualty word ("fatalities")
    value: int | None  # None: stated without a number
    channel: Literal["clause", "tally"]


def _read(
    sent: Span, number_words: Mapping[str, int], words: CasualtyWords
) -> tuple[_Tally, _Tally]:
    reader = _Reader(number_words, words)
    clauses, tallies = _Tally(), _Tally()
    for tok in sent:
        reader.clause(tok, clauses)
        reader.tally(tok, tallies)
    return clauses, tallies


def casualty_mentions(
    sent: Span, number_words: Mapping[str, int], words: CasualtyWords = DEFAULT_WORDS
) -> list[CasualtyMention]:
    """Every dead or injured mention of ``sent`` with its own count, in text order: the parts
    that :func:`casualties` adds up (within a channel) and compares (between channels)."""
    out: list[CasualtyMention] = []
    for channel, tally in zip(("clause", "tally"), _read(sent, number_words, words), strict=True):
        for kind in ("dead", "injured"):
            for key, value in tally.found[kind].items():
                out.append(CasualtyMention(kind, sent.doc[key], value, channel))  # type: ignore[arg-type]
    return sorted(out, key=lambda m: m.token.i)


def casualties(
    sent: Span, number_words: Mapping[str, int], words: CasualtyWords = DEFAULT_WORDS
) -> Casualties:
    """The dead and injured that ``sent`` states (see the module docstring)."""
    clauses, tallies = _read(sent, number_words, words)
    out = Casualties()
    for kind in ("dead", "injured"):
        values = [v for v in (clauses.total(kind), tallies.total(kind)) if v is not None]
        setattr(out, kind, max(values) if values else None)
    return out


class _Reader:
    def __init__(self, number_words: Mapping[str, int], words: CasualtyWords) -> None:
        self.numbers = dict(number_words)
        self.words = words

    # ------------------------------------------------------------------ clauses
    def clause(self, tok: Token, tally: _Tally) -> None:
        """A verb of killing, dying or injuring, or a verb with a "dead" result."""
        if tok.pos_ not in ("VERB", "AUX") and tok.tag_ not in ("VBN", "VBD", "VBG"):
            return
        lemma = tok.lemma_.lower()
        w = self.words
        kind: Kind | None = None
        intransitive = lemma in w.dying_verbs
        if lemma in w.death_verbs or intransitive:
            kind = "dead"
        elif _has_dead_result(tok, w):  # "shot dead a farmer", "were dead", "left 5 dead"
            kind, intransitive = "dead", child(tok, "dobj") is None
        elif lemma in w.injury_verbs and not _is_adjective_use(tok):
            kind = "injured"
        if kind is None:
            return
        negated = child(tok, "neg") is not None
        patients = self._patients(tok, intransitive)
        for patient in patients:
            value = 0 if negated else self.count(patient)
            tally.add(kind, patient.i, value)
        if not patients:
            value = self._number_before(tok)
            if value is not None:  # "2 killed and 3 injured" in a list
                tally.add(kind, tok.i, value)

    def _patients(self, verb: Token, intransitive: bool) -> list[Token]:
        """Who was killed or hurt: the passive subject, the object, the dying subject; a
        coordinated verb shares its head's ("were shot and killed")."""
        current = verb
        for _ in range(3):
            if is_passive(current):
                if current.dep_ == "acl" and child(current, "nsubjpass") is None:
                    return [current.head]  # "8 militants killed in an airstrike"
                found = _people(current, ("nsubjpass",)) or _left_noun(current)
            elif intransitive or _reduced_passive(current):
                found = _people(current, ("nsubj",))
            else:
                found = _people(current, ("dobj", "obj"))
            if found:
                return found
            if current.dep_ != "conj" or current.head.pos_ not in ("VERB", "AUX"):
                return []
            current = current.head
        return []

    # ------------------------------------------------------------------ tallies
    def tally(self, tok: Token, tally: _Tally) -> None:
        """A casualty noun or adjective with its number."""
        lemma, lower, w = tok.lemma_.lower(), tok.lower_, self.words
        if lower in w.dead_adjectives or lower in w.injured_adjectives:
            kind: Kind = "dead" if lower in w.dead_adjectives else "injured"
            if tok.dep_ in PREDICATE_DEPS and tok.head.pos_ in ("VERB", "AUX"):
                return  # "left five dead", "found dead": read as a clause result
            self._adjective(tok, kind, tally)
            return
        if tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ == "compound":
            return  # "death threats", "death toll": the head noun says it
        if lemma in w.both_nouns:
            value = self._noun_count(tok)
            if value == 0:  # "no casualties": none dead, none injured
                tally.add("dead", tok.i, 0)
                tally.add("injured", tok.i, 0)
            return
        if lemma in w.death_nouns and not _is_manner(tok):
            tally.add("dead", tok.i, self._noun_count(tok))
        elif lemma in w.injury_nouns:
            tally.add("injured", tok.i, self._noun_count(tok))

    def _adjective(self, tok: Token, kind: Kind, tally: _Tally) -> None:
        """ "5 dead", "12 dead soldiers", "1 injured" (a list), "the injured"."""
        if tok.dep_ == "amod" and tok.head.pos_ in ("NOUN", "PROPN"):
            tally.add(kind, tok.head.i, self.count(tok.head))
            return
        value = self._nummod(tok)
        if value is None:
            value = self._number_before(tok)
        tally.add(kind, tok.i, value)

    def _noun_count(self, noun: Token) -> int | None:
        """The number a casualty noun states: its own ("4 fatalities", "no injuries"), the one
        it is coded or rises to ("fatalities coded as 10", "the toll rose to 12"), or its
        "of" phrase ("the bodies of three men", "the deaths of two officers")."""
        value = self._nummod(noun)
        if value is not None:
            return value
        det = child(noun, "det")
        if det is not None and det.lower_ == "no":
            return 0
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                pobj = child(prep, "pobj")
                if pobj is not None:
                    return self.count(pobj)
        head = noun.head
        if noun.lemma_.lower() == "life" and noun.dep_ == "dobj" and head.lemma_ == "lose":
            subj = child(head, "nsubj")  # "five people lost their lives"
            return self.count(subj) if subj is not None else None
        if noun.dep_ in ("nsubj", "nsubjpass") and head.pos_ in ("VERB", "AUX"):
            value = self._stated_number(head)
            if value is not None:
                return value
        if noun.dep_ in ("dobj", "nsubjpass") and child(head, "neg") is not None:
            return 0  # "did not cause fatalities"
        if noun.tag_ in ("NN", "NNP") and noun.lemma_.lower() not in ("toll", "dead", "injured"):
            return 1 if det is not None and det.lower_ in SINGULAR_DETS else None
        return None

    def _stated_number(self, verb: Token) -> int | None:
        """ "coded as 10", "rose to 12", "stands at 5", "is 4", "reached 7"."""
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ in ("as", "to", "at"):
                pobj = child(c, "pobj")
                if pobj is not None:
                    value = number_value(pobj, self.numbers)
                    if value is not None:
                        return value
            elif c.dep_ in ("attr", "dobj"):
                value = number_value(c, self.numbers)
                if value is not None:
                    return value
        return None

    # ------------------------------------------------------------------ counting
    def count(self, tok: Token) -> int | None:
        """How many people a patient phrase counts, its conjuncts added ("the driver and two
        others": 3); None when the phrase gives no number ("civilians", "dozens")."""
        values = [self._one(t) for t in (tok, *tok.conjuncts)]
        known = [v for v in values if v is not None]
        return sum(known) if known else None

    def _one(self, tok: Token) -> int | None:
        lower = tok.lower_
        det = child(tok, "det")
        if lower in ZERO_WORDS or (det is not None and det.lower_ == "no"):
            return 0  # "nobody", "no one was killed"
        value = number_value(tok, self.numbers)
        if value is not None:
            return value
        if lower in ONE_PRONOUNS:
            return 1
        value = self._nummod(tok)
        if value is not None:
            return value
        if det is not None and det.lower_ == "both":
            return 2
        if tok.tag_ in ("NN", "NNP") or tok.ent_type_ == "PERSON":
            return 1  # "a civilian", "the driver", "a former councillor", a named person
        return None

    def _nummod(self, tok: Token) -> int | None:
        for c in tok.children:
            if c.dep_ == "nummod":
                value = number_value(c, self.numbers)
                if value is not None:
                    return value
        return None

    def _number_before(self, tok: Token) -> int | None:
        """A number right before a word in a list ("2 killed and 3 injured")."""
        if tok.i == tok.sent.start:
            return None
        prev = tok.doc[tok.i - 1]
        return number_value(prev, self.numbers) if prev.pos_ == "NUM" else None


def _people(verb: Token, deps: tuple[str, ...]) -> list[Token]:
    """The verb's arguments in ``deps`` that can be people: a toponym misparsed as a subject
    ("In X municipality, Y, a man was found dead") is not a casualty."""
    found = [c for c in verb.children if c.dep_ in deps and c.ent_type_ not in PLACE_ENTS]
    if len(found) > 1 and deps != ("dobj", "obj"):
        return found[-1:]  # two subjects is a misparse: the nearest one is the verb's
    return found


def _left_noun(verb: Token) -> list[Token]:
    """A passive verb whose patient the parser attached elsewhere ("..., Nuevo Leon, a man was
    shot dead", "man" read as an apposition): the nearest noun before it in its clause."""
    for tok in reversed(verb.doc[verb.sent.start : verb.i]):
        if tok.pos_ in ("VERB",) or tok.dep_ in ("pobj", "punct"):
            break
        if tok.pos_ in ("NOUN", "PROPN", "NUM", "PRON") and tok.ent_type_ not in PLACE_ENTS:
            return [tok]
    return []


def _reduced_passive(verb: Token) -> bool:
    """Headline and list style "two soldiers killed": a killing verb with a subject, no
    auxiliary and no object."""
    if verb.tag_ not in ("VBN", "VBD") or child(verb, "nsubj") is None:
        return False
    return not any(c.dep_ in ("aux", "auxpass", "dobj", "obj") for c in verb.children)


def _has_dead_result(verb: Token, words: CasualtyWords) -> bool:
    """ "shot dead", "was found dead", "left five dead", "beaten to death"."""
    for c in verb.children:
        if c.lower_ in words.dead_results and c.dep_ in PREDICATE_DEPS | {"amod"}:
            return True
        if c.dep_ == "dobj" and any(
            g.lower_ in words.dead_results and g.i < c.i for g in c.children
        ):
            return True  # "shot dead two farmers", parsed as "dead farmers"
        if c.dep_ == "prep" and c.lower_ == "to" and any(g.lower_ == "death" for g in c.children):
            return True
    return False


def _is_adjective_use(verb: Token) -> bool:
    """ "the injured man": a modifier, counted by the noun reader."""
    return verb.dep_ == "amod"


def _is_manner(noun: Token) -> bool:
    """ "to death" in "beaten to death": the clause reader counts it."""
    return noun.lower_ == "death" and noun.dep_ == "pobj" and noun.head.lower_ == "to"


def first_known(values: Iterable[int | None]) -> int | None:
    """The first stated count among ``values`` (helper for callers combining sentences)."""
    return next((v for v in values if v is not None), None)
