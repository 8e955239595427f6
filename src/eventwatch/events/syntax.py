"""Dependency-parse helpers: who is the subject of a verb, what are its objects.

These follow spaCy's English (ClearNLP-style) labels: nsubj, nsubjpass, dobj, dative, agent,
prep/pobj, xcomp, ccomp, conj, relcl, acl, advcl.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

SUBJECTS = {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"}
# clauses and coordinated material that do not belong to an argument's own phrase
CLAUSE_DEPS = {"relcl", "acl", "ccomp", "advcl", "conj", "cc", "punct", "parataxis", "xcomp"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom", "whose"}


def is_passive(verb: Token) -> bool:
    """True for a passive verb ("were killed") or a passive participle modifier ("a convoy
    attacked by militants")."""
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return True
    return verb.dep_ == "acl" and verb.tag_ == "VBN"


def child(token: Token, *deps: str) -> Token | None:
    for c in token.children:
        if c.dep_ in deps:
            return c
    return None


def prep_objects(token: Token, prep: str) -> Iterator[Token]:
    """Objects of the prepositions ``prep`` attached to ``token`` ("sanctions *on* Russia")."""
    for c in token.children:
        if c.dep_ in ("prep", "agent", "dative") and c.lower_ == prep:
            for g in c.children:
                if g.dep_ in ("pobj", "pcomp"):
                    yield g


def agent_of(verb: Token) -> Token | None:
    """The "by X" agent of a passive verb or of an event noun."""
    for c in verb.children:
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
            pobj = child(c, "pobj")
            if pobj is not None:
                return pobj
    return None


def direct_objects(verb: Token) -> list[Token]:
    out = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
    for o in list(out):
        out.extend(o.conjuncts)
    return out


def object_words(verb: Token) -> set[str]:
    """Lemmas (and compound phrases) of a verb's objects, particles and prepositional objects,
    for matching lexicon ``objects`` constraints ("fired tear gas", "took to the streets")."""
    words: set[str] = set()
    for c in verb.children:
        if c.dep_ in ("dobj", "obj", "nsubjpass", "attr", "oprd", "dative"):
            _add_noun(words, c)
            for conj in c.conjuncts:
                _add_noun(words, conj)
        elif c.dep_ == "prt":
            words.add(c.lower_)
        elif c.dep_ in ("prep", "agent"):
            words.add(c.lower_)
            for g in c.children:
                if g.dep_ == "pobj":
                    _add_noun(words, g)
    return words


def _add_noun(words: set[str], noun: Token) -> None:
    if noun.ent_type_ in ("GPE", "LOC", "FAC"):
        words.add("<place>")
    words.add(noun.lemma_.lower())
    words.add(noun.lower_)
    mods = [c for c in noun.lefts if c.dep_ in ("compound", "amod")]
    if mods:
        words.add(" ".join(m.lower_ for m in mods[-1:]) + " " + noun.lower_)
        words.add(" ".join(m.lower_ for m in mods) + " " + noun.lower_)
    for c in noun.children:
        # "state of emergency", "hundreds of troops"
        if c.dep_ == "prep" and c.lower_ == "of":
            pobj = child(c, "pobj")
            if pobj is not None:
                words.add(f"{noun.lower_} of {pobj.lower_}")
                words.add(pobj.lemma_.lower())


def subjects(verb: Token, object_control: set[str]) -> list[Token]:
    """The subject(s) of ``verb``, following control, coordination and relative clauses.

    "X offered to send troops" -> X for "send"; "X urged Y to withdraw" -> Y for "withdraw";
    "X attacked A and killed B" -> X for "killed"; "militants who attacked" -> militants.
    """
    seen: set[int] = set()
    current: Token | None = verb
    while current is not None and current.i not in seen:
        seen.add(current.i)
        subj = child(current, "nsubj", "csubj")
        if subj is not None:
            if subj.lower_ in RELATIVE_PRONOUNS and current.dep_ == "relcl":
                return [current.head]
            return [subj, *subj.conjuncts]
        if current.dep_ == "relcl" or (current.dep_ == "acl" and current.tag_ == "VBG"):
            return [current.head]
        head = current.head
        if current.dep_ == "xcomp":
            obj = child(head, "dobj")
            if obj is not None and head.lemma_.lower() in object_control:
                return [obj]
            current = head
        elif current.dep_ in ("conj", "advcl", "pcomp") or current.dep_ == "prep":
            current = head
        else:
            return []
    return []


def argument_tokens(token: Token) -> list[Token]:
    """The tokens of an argument's own phrase: its subtree without embedded clauses and
    coordinated phrases (which are arguments of their own)."""
    out: list[Token] = []
    stack = [token]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(c for c in t.children if c.dep_ not in CLAUSE_DEPS)
    return sorted(out, key=lambda t: t.i)


def governing_chain(token: Token) -> Iterator[Token]:
    """Tokens above ``token`` through which an embedding predicate reaches it: xcomp, ccomp,
    conj, prep/pobj, dobj, advcl, acl... up to the root."""
    seen = {token.i}
    current = token
    while current.dep_ != "ROOT" and current.head.i not in seen:
        current = current.head
        seen.add(current.i)
        yield current


def number_value(token: Token, words: dict[str, int]) -> int | None:
    """The integer a number token stands for ("12", "1,200", "five"), else None."""
    text = token.lower_.replace(",", "")
    if text.isdigit():
        return int(text)
    if text in words:
        return words[text]
    return None
