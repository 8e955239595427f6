"""Modality and attribution of an event from the words that govern its trigger.

Modality is read bottom-up along the chain of predicates that embed the trigger: the first cue
decides. "does not want to use ground forces" -> negated (neg on "want"); "offered to send" ->
planned; "the option of military action" -> hypothetical; "threatened to retaliate" ->
threatened; "denied that its forces had shelled" -> negated; "could impose" -> hypothetical;
"will send" -> planned; "said it would send" -> planned (future in the past, not a condition).
The chain stops at a verb of saying: "officials said X attacked" stays asserted and the
speaker becomes ``attributed_to``.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import takewhile

from spacy.tokens import Span, Token

from eventwatch.events.lexicon import Lexicon
from eventwatch.events.syntax import child, governing_chain
from eventwatch.records import Modality


@dataclass(slots=True, frozen=True)
class ModalityCue:
    modality: str
    confidence: float
    cue: str | None  # the word that decided it
    token: Token | None = None  # that word in the parse


ASSERTED = ModalityCue(Modality.ASSERTED, 0.7, None)


class ModalityReader:
    def __init__(self, lexicon: Lexicon) -> None:
        m = lexicon.modality
        self.verbs: dict[str, str] = {}
        for modality, words in (
            (Modality.NEGATED, m.negated),
            (Modality.THREATENED, m.threatened),
            (Modality.HYPOTHETICAL, m.hypothetical),
            (Modality.PLANNED, m.planned),
        ):
            for word in words:
                self.verbs.setdefault(word, modality)
        self.nouns: dict[str, str] = {}
        for modality, words in (
            (Modality.NEGATED, m.negated_nouns),
            (Modality.THREATENED, m.threatened_nouns),
            (Modality.HYPOTHETICAL, m.hypothetical_nouns),
            (Modality.PLANNED, m.planned_nouns),
        ):
            for word in words:
                self.nouns.setdefault(word, modality)
        for word in m.requested_nouns:
            self.nouns.setdefault(word, Modality.HYPOTHETICAL)
        self.requested = set(m.requested_nouns)
        self.modal_hyp = set(m.modal_hypothetical)
        self.modal_plan = set(m.modal_planned)
        self.marks = set(m.conditional_marks)
        self.negators = set(m.negators)
        self.speech = lexicon.speech_verbs

    def read(self, trigger: Token, clause: Token, *, verbal: bool = False) -> ModalityCue:
        """Modality of the event triggered by ``trigger`` whose clause verb is ``clause``.

        ``verbal``: the event is itself a statement (a threat, a demand): a condition attached
        to it ("threatened to attack if the drills went ahead") belongs to what is threatened,
        not to the threat.
        """
        requested: list[ModalityCue] = []

        def decisive(cue: ModalityCue | None) -> ModalityCue | None:
            """A request noun ("calls to send peacekeepers") decides only when nothing above
            it does: "dismissed an appeal to lay down arms" is a refusal."""
            token = cue.token if cue is not None else None
            if token is not None and token.pos_ == "NOUN" and token.lemma_ in self.requested:
                requested.append(cue)  # type: ignore[arg-type]
                return None
            return cue

        cue = self._own(trigger, is_trigger=True, conditions=not verbal)
        if cue is None and clause is not trigger:
            # a noun between the trigger and its clause: "renewed *calls* for talks"
            between = takewhile(lambda t: t.i != clause.i, governing_chain(trigger))
            cue = next((c for t in between if t.pos_ in ("NOUN", "PROPN")
                        and (c := decisive(self._lexical(t)))), None)  # fmt: skip
            cue = cue or self._own(clause, is_trigger=False)
            if cue is None:
                cue = self._lexical(clause)
        if cue is not None:
            return cue
        start = clause if clause is not trigger else trigger
        below = start
        for token in governing_chain(start):
            if token.lemma_.lower() in self.speech and token.pos_ in ("VERB", "AUX"):
                break
            cue = self._own(token, is_trigger=False)
            # a word of intent governs its complements, not the verbs conjoined to it:
            # "helped to plan and carry out killings" (the killings were carried out)
            if cue is None and not (below.dep_ == "conj" and below.head.i == token.i):
                cue = decisive(self._lexical(token))
            infinitive = below.dep_ in ("advcl", "xcomp") and child(below, "aux") is not None
            if cue is None and infinitive:
                cue = decisive(self._object_noun(token))
            if cue is not None:
                return cue
            below = token
        return requested[0] if requested else ASSERTED

    def _own(
        self, token: Token, *, is_trigger: bool, conditions: bool = True
    ) -> ModalityCue | None:
        """Cues on the token itself: negation, modal auxiliaries, conditional marks."""
        for c in token.children:
            if c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ == "never"):
                return ModalityCue(Modality.NEGATED, 0.9, c.text, c)
        for c in token.children:
            if c.dep_ == "aux" and c.lower_ in self.modal_hyp:
                if c.lower_ == "would":  # future in the past: "said/warned it would strike"
                    reporter = self._reporter(token)
                    if reporter is not None:
                        warned = self.verbs.get(reporter.lemma_.lower()) == Modality.THREATENED
                        return ModalityCue(
                            Modality.THREATENED if warned else Modality.PLANNED, 0.75, c.text, c
                        )
                return ModalityCue(Modality.HYPOTHETICAL, 0.8, c.text, c)
            if c.dep_ == "aux" and c.lower_ in self.modal_plan:
                return ModalityCue(Modality.PLANNED, 0.8, c.text, c)
            if conditions and c.dep_ == "mark" and c.lower_ in self.marks:
                return ModalityCue(Modality.HYPOTHETICAL, 0.8, c.text, c)
        for c in token.children:
            if conditions and c.dep_ == "advcl" and child(c, "mark") is not None:
                mark = child(c, "mark")
                if mark is not None and mark.lower_ in ("if", "unless"):
                    return ModalityCue(Modality.HYPOTHETICAL, 0.6, mark.text, mark)
        if is_trigger:
            for c in token.children:
                if c.dep_ in ("dobj", "nsubjpass", "nsubj") and any(
                    d.dep_ == "det" and d.lower_ in self.negators for d in c.children
                ):
                    return ModalityCue(Modality.NEGATED, 0.8, "no", c)
        return None

    def _lexical(self, token: Token) -> ModalityCue | None:
        """A governing predicate that sets modality ("offered", "denied", "option")."""
        lemma = token.lemma_.lower()
        phrasal = _phrasal(token)
        if token.pos_ in ("VERB", "AUX", "ADJ"):
            modality = self.verbs.get(phrasal) or self.verbs.get(lemma)
            if modality is not None:
                return ModalityCue(modality, 0.85, token.text, token)
        elif token.pos_ in ("NOUN", "PROPN"):
            modality = self.nouns.get(lemma)
            if modality is not None:
                if any(c.dep_ == "det" and c.lower_ in self.negators for c in token.children):
                    return ModalityCue(Modality.NEGATED, 0.8, token.text, token)  # "no plans"
                return ModalityCue(modality, 0.8, token.text, token)
        return None

    def _object_noun(self, verb: Token) -> ModalityCue | None:
        """The cue of a noun object whose infinitive the parser hung on the verb: "faces
        pressure from Congress *to help* Iran" (the help is asked for, not given)."""
        for c in verb.children:
            if c.dep_ == "dobj" and c.pos_ == "NOUN":
                return self._lexical(c)
        return None

    def _reporter(self, token: Token) -> Token | None:
        """The verb of saying that reports ``token``'s clause, if any."""
        return next(
            (
                t
                for t in governing_chain(token)
                if t.lemma_.lower() in self.speech and t.pos_ in ("VERB", "AUX")
            ),
            None,
        )


def _phrasal(token: Token) -> str:
    for c in token.children:
        if c.dep_ == "prt":
            return f"{token.lemma_.lower()} {c.lower_}"
    return token.lemma_.lower()


def speaker_token(trigger: Token, sentence: Span, speech: set[str]) -> Token | None:
    """The subject of the verb of saying that reports this event, if any.

    "X attacked Y, officials said" / "officials said X attacked Y" / "according to officials".
    """
    chain = [trigger, *governing_chain(trigger)]
    for token in chain[1:]:
        if token.lemma_.lower() in speech and token.pos_ in ("VERB", "AUX"):
            return child(token, "nsubj")
    for token in chain:
        for c in token.children:
            if c.dep_ in ("parataxis", "ccomp", "advcl") and c.lemma_.lower() in speech:
                subj = child(c, "nsubj")
                if subj is not None:
                    return subj
    for token in sentence:
        if token.lower_ == "according" and token.dep_ == "prep":
            to = child(token, "prep")
            if to is not None:
                return child(to, "pobj")
    return None
