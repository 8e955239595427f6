"""Who states a number, how it is hedged, and whether it is an earlier estimate.

The claimant is read from the words that govern the number: the subject of the nearest verb of
saying or estimating above it ("defense officials said were about 17,500", "earlier estimates
had put the number at", "the ministry estimated"), the "by" agent of a passive one ("was
estimated by the UN at"), else an "according to X" in the sentence, else the speaker of the
quote the number lies in. With none of these the claim is unattributed.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from eventwatch.claims.lexicon import ClaimsLexicon
from eventwatch.events.syntax import agent_of, argument_tokens, child, governing_chain

# what "claim" takes when it claims a deed, not a number
CLAIMED_DEEDS = {"life", "attack", "responsibility", "credit", "bombing", "killing", "strike"}
EXPLETIVES = {"it", "there", "this", "that", "which", "what", "who"}


@dataclass(slots=True, frozen=True)
class Source:
    """The words that name a claimant: the head token and the phrase as written."""

    token: Token
    text: str
    cue: str  # the verb of saying, "according to", or the estimate noun


class Attribution:
    def __init__(self, lexicon: ClaimsLexicon, speech_verbs: frozenset[str] | set[str]) -> None:
        self.saying = set(speech_verbs) | set(lexicon.estimate_verbs)
        self.estimate_nouns = set(lexicon.estimate_nouns)
        self.at_verbs = set(lexicon.at_verbs)
        self.hedges = set(lexicon.hedges)
        self.prior = {w for w in lexicon.prior if " " not in w}

    # ------------------------------------------------------------------ claimant
    def source(self, anchor: Token, sent: Span) -> Source | None:
        """Who the sentence says states the number at ``anchor`` (None: nobody named)."""
        for node in (anchor, *governing_chain(anchor)):
            if node.pos_ not in ("VERB", "AUX") or node.lemma_.lower() not in self.saying:
                continue
            lemma = node.lemma_.lower()
            if lemma == "claim" and _object_lemma(node) in CLAIMED_DEEDS:
                continue  # "the attack claimed 12 lives", "the group claimed the attack"
            if lemma in self.at_verbs and not _puts_at(node):
                continue  # "put 5,000 troops on alert" is no estimate
            found = self._speaker(node, anchor)
            if found is not None:
                return found
        return self._according(sent)

    def _speaker(self, verb: Token, anchor: Token) -> Source | None:
        subj = child(verb, "nsubj")
        if subj is None and child(verb, "nsubjpass") is not None:
            subj = agent_of(verb)  # "was estimated by the UN at 5,000"
        if subj is None and verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
            subj = None  # "figures that put the toll at": the noun is the source below
        if subj is None:
            return None
        if subj.lower_ in EXPLETIVES or subj.left_edge.i <= anchor.i <= subj.right_edge.i:
            return None  # "it is estimated that", or the number is the subject itself
        return Source(subj, _phrase(subj), verb.lemma_.lower())

    def _according(self, sent: Span) -> Source | None:
        for tok in sent:
            if tok.lower_ != "according":
                continue
            to = child(tok, "prep")
            pobj = child(to, "pobj") if to is not None and to.lower_ == "to" else None
            if pobj is not None:
                return Source(pobj, _phrase(pobj), "according to")
        return None

    def holder(self, source: Source) -> Token:
        """The word of a source that can name an actor: "military" in "military estimates",
        "the Pentagon" in "the Pentagon's figures"; the head itself otherwise."""
        head = source.token
        if head.lemma_.lower() not in self.estimate_nouns:
            return head
        poss = child(head, "poss")
        if poss is not None:
            return poss
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ in ("by", "from", "of"):
                pobj = child(c, "pobj")
                if pobj is not None:
                    return pobj
        mods = [c for c in head.children if c.dep_ in ("amod", "compound", "nmod")]
        return mods[-1] if mods else head

    # ------------------------------------------------------------------ hedges, prior
    def hedges_of(self, anchor: Token, amount_words: list[str]) -> list[str]:
        found: list[str] = []
        text = " ".join(amount_words).lower()
        found += [h for h in self.hedges if " " in h and f"{text} ".startswith(f"{h} ")]
        found += [w.lower() for w in amount_words if w.lower() in self.hedges]
        for node in (anchor, *governing_chain(anchor)):
            for tok in (node, *node.children):
                if (tok.dep_ in ("nsubj", "dobj", "pobj") and tok.i != node.i) or tok.pos_ == "ADP":
                    continue  # "fighters around Lake Chad": a place, not a hedge
                word = tok.lower_
                if word in self.hedges or (tok.pos_ == "VERB" and tok.lemma_ in self.hedges):
                    found.append(word if tok.pos_ != "VERB" else tok.lemma_.lower())
        return sorted(set(found))

    def is_prior(self, anchor: Token, source: Source | None) -> bool:
        """An earlier estimate: "earlier estimates had put", "previously", "initially"."""
        nodes = [anchor, *governing_chain(anchor)]
        if source is not None:
            nodes.append(source.token)
        for node in nodes:
            subject = child(node, "nsubj") if node.pos_ in ("VERB", "AUX") else None
            near = [node, *node.children, *(subject.children if subject is not None else ())]
            for tok in near:  # "earlier estimates had put ..., including what X said were"
                if tok.lower_ in self.prior and tok.dep_ in ("amod", "advmod", "npadvmod", "nmod"):
                    return True
        if source is not None:
            verb = source.token.head
            aux = child(verb, "aux")
            return aux is not None and aux.lower_ == "had" and verb.tag_ == "VBN"
        return False


def _puts_at(verb: Token) -> bool:
    """ "put the number at 20,000", "put it closer to 200"."""
    return any(
        c.lower_ in ("at", "near", "closer", "close", "around") and c.dep_ in ("prep", "advmod")
        for c in verb.children
    )


def _object_lemma(verb: Token) -> str | None:
    obj = child(verb, "dobj")
    return obj.lemma_.lower() if obj is not None else None


def _phrase(tok: Token) -> str:
    """The words of an argument's own phrase ("defense officials", "one US official")."""
    words = argument_tokens(tok)
    return tok.doc[words[0].i : words[-1].i + 1].text.strip(" ,")
