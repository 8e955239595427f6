"""Who speaks: the speaker word of a cue verb, and the actor it stands for.

The speaker word is the cue verb's subject ("one US official said"), found through relative
clauses ("the commander, who said"), coordination ("arrived and said"), participles ("...,
saying") and "was quoted as saying"; or the "by" agent of a passive cue. The actor is the
mention from ``article.actors`` that covers the word, else one covering its modifiers ("US
official"), its possessor ("the ministry's spokesman") or the object of "for/of/from"
("a spokesman for the Iraqi Defense Ministry"). A personal pronoun stands for the latest person
actor mentioned before it, "they"/"it" for the latest other actor.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Token

from eventwatch.events.syntax import agent_of, argument_tokens, child
from eventwatch.nlp import doc_sents
from eventwatch.quotes.cues import Cues
from eventwatch.records import Actor, Article, Span, TextField

RELATIVE_PRONOUNS = {"who", "which", "that"}
# dependencies through which a subject-less cue verb shares the subject of the verb above it
SHARED_SUBJECT_DEPS = {"conj", "xcomp", "advcl", "pcomp", "prep"}
MAX_CLIMB = 4
SPEAKER_MODIFIERS = {"compound", "amod", "nmod", "poss", "appos", "npadvmod"}


@dataclass(slots=True, frozen=True)
class _Mention:
    actor: Actor
    start: int
    person: bool
    plural: bool  # "officials", "the rebels": never "it"
    subject: bool  # the mention is (or heads) a clause's subject
    sentence: int  # index of its sentence in the doc


@dataclass(slots=True)
class Mentions:
    """The actor mentions of one doc, indexed by token and listed in text order."""

    field: TextField
    by_token: dict[int, Actor] = field(default_factory=dict)
    ordered: list[_Mention] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    sent_starts: list[int] = field(default_factory=list)

    @classmethod
    def build(cls, doc: Doc, fld: TextField, article: Article) -> Mentions:
        out = cls(fld, sent_starts=[s.start_char for s in doc_sents(doc)])
        mine = [a for a in article.actors if a.span is not None and a.span.field == fld]
        for actor in sorted(mine, key=lambda a: a.span.start if a.span else 0):
            assert actor.span is not None
            span = doc.char_span(actor.span.start, actor.span.end, alignment_mode="expand")
            if span is None:
                continue
            for t in span:
                out.by_token.setdefault(t.i, actor)
            root = span.root
            out.ordered.append(
                _Mention(
                    actor,
                    actor.span.start,
                    actor.kind == "person",
                    root.tag_ in ("NNS", "NNPS"),
                    _is_subject(root),
                    out.sentence_of(root.idx),
                )
            )
            out.starts.append(actor.span.start)
        return out

    def sentence_of(self, char: int) -> int:
        return max(0, bisect_right(self.sent_starts, char) - 1)

    def antecedent(self, pronoun: Token, *, person: bool) -> Actor | None:
        """What a pronoun speaker stands for: the latest fitting subject of its sentence or the
        two before, else the latest fitting mention. "it" never stands for a plural."""
        singular = pronoun.lower_ == "it"
        before = [
            m
            for m in self.ordered[: bisect_left(self.starts, pronoun.idx)]
            if m.person == person and not (singular and m.plural)
        ]
        here = self.sentence_of(pronoun.idx)
        for m in reversed(before):
            if m.subject and here - m.sentence <= 2:
                return m.actor
        return before[-1].actor if before else None


def _is_subject(root: Token) -> bool:
    current = root
    for _ in range(3):
        if current.dep_ in ("nsubj", "nsubjpass"):
            return True
        if current.dep_ not in ("compound", "amod", "poss", "nmod", "appos"):
            return False
        current = current.head
    return False


@dataclass(slots=True, frozen=True)
class Speaker:
    """A resolved speaker: the words as written, the actor, and how it was found."""

    text: str
    span: Span
    actor: Actor | None
    how: str  # actor | pronoun | unresolved


def speaker_word(cue: Token, cues: Cues) -> tuple[Token | None, bool]:
    """The word that names who speaks through ``cue``, and whether ``cue`` is an impersonal
    passive ("it was reported that": no speaker, but speech all the same)."""
    current = cue
    for _ in range(MAX_CLIMB):
        subj = child(current, "nsubj", "csubj")
        if subj is not None:
            if subj.lower_ in RELATIVE_PRONOUNS and current.dep_ == "relcl":
                return current.head, False
            return subj, False
        passive = child(current, "nsubjpass")
        agent = agent_of(current)
        if agent is not None and (passive is not None or current.tag_ == "VBN"):
            return agent, False
        if passive is not None:
            if current.lemma_.lower() in cues.direct | cues.speech and (
                current.i != cue.i or _as_saying(current, cues)
            ):
                return passive, False  # "he was quoted as saying", "was reported as saying"
            return None, current.i == cue.i  # "it was reported that", "they were told that"
        if current.i == cue.i and child(cue, "auxpass") is not None:
            return None, True  # "after being told that ...": whoever told is not named
        if current.dep_ == "acl":  # "a statement saying", "issued a statement saying"
            if current.tag_ != "VBG":
                return None, False
            noun = current.head
            if noun.dep_ != "dobj":
                return noun, False
            current = noun.head
            continue
        if current.dep_ not in SHARED_SUBJECT_DEPS or current.head.i == current.i:
            return None, False
        outer = current.head.head
        if (
            current.dep_ == "conj"
            and current.head.dep_ == "ccomp"
            and outer.lemma_.lower() in cues.speech
        ):
            current = outer  # "X denied that Y attacked and said ...": misattached to "attacked"
            continue
        current = current.head
    return None, False


def _as_saying(verb: Token, cues: Cues) -> bool:
    """'was quoted as saying': the passive subject of ``verb`` is the one who says."""
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ == "as":
            pcomp = child(prep, "pcomp")
            if pcomp is not None and pcomp.lemma_.lower() in cues.speech:
                return True
    return False


class SpeakerResolver:
    """Turns a speaker word into a :class:`Speaker`."""

    def __init__(self, cues: Cues) -> None:
        self.cues = cues

    def resolve(self, word: Token, mentions: Mentions) -> Speaker:
        phrase = _phrase(word)
        text, span = _phrase_span(phrase, mentions.field)
        lower = word.lower_
        if word.pos_ == "PRON":
            actor = None
            if lower in self.cues.person_pronouns:
                actor = mentions.antecedent(word, person=True)
            elif lower in self.cues.group_pronouns:
                actor = mentions.antecedent(word, person=False)
            if actor is not None:
                actor = replace(actor, confidence=round(actor.confidence * 0.7, 3))
            return Speaker(text, span, actor, "pronoun" if actor is not None else "unresolved")
        actor = self._actor(word, mentions, depth=0)
        return Speaker(text, span, actor, "actor" if actor is not None else "unresolved")

    def _actor(self, word: Token, mentions: Mentions, depth: int) -> Actor | None:
        hit = mentions.by_token.get(word.i)
        if hit is not None:
            return hit
        for mod in word.children:  # "US official", "Iraqi officials", "the ministry's spokesman"
            if mod.dep_ in SPEAKER_MODIFIERS and mod.i < word.i:
                hit = mentions.by_token.get(mod.i)
                if hit is not None:
                    return hit
        for c in word.children:  # "a spokesman for the ministry", "estimates by the Pentagon"
            if c.dep_ in ("prep", "agent") and c.lower_ in self.cues.speaker_preps and depth < 2:
                pobj = child(c, "pobj")
                if pobj is not None:
                    hit = self._actor(pobj, mentions, depth + 1)
                    if hit is not None:
                        return hit
        for c in word.children:  # "John Kirby, a Pentagon spokesman"
            if c.dep_ == "appos" and depth < 2:
                hit = self._actor(c, mentions, depth + 1)
                if hit is not None:
                    return hit
        return None


def _phrase(word: Token) -> list[Token]:
    """The speaker phrase: the word's own argument phrase plus coordinated speakers ("Kerry and
    Lavrov"), as one run of tokens."""
    tokens = argument_tokens(word)
    for conj in word.conjuncts:
        if conj.i > word.i:
            tokens.extend(argument_tokens(conj))
    return sorted(tokens, key=lambda t: t.i)


def _phrase_span(tokens: list[Token], fld: TextField) -> tuple[str, Span]:
    doc = tokens[0].doc
    first, last = tokens[0].i, tokens[-1].i
    while last > first and (doc[last].is_punct or doc[last].is_space):
        last -= 1
    while first < last and (doc[first].is_punct or doc[first].is_space):
        first += 1
    start, end = doc[first].idx, doc[last].idx + len(doc[last])
    text = doc[first : last + 1].text  # not doc.text, which joins the whole doc
    return text, Span(start, end, text, fld)
