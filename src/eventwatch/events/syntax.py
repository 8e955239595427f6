"""Dependency-parse helpers: who is the subject of a verb, what are its objects.

These follow spaCy's English (ClearNLP-style) labels: nsubj, nsubjpass, dobj, dative, agent,
prep/pobj, xcomp, ccomp, conj, relcl, acl, advcl.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

# clauses and coordinated material that do not belong to an argument's own phrase
CLAUSE_DEPS = {"relcl", "acl", "ccomp", "advcl", "conj", "cc", "punct", "parataxis", "xcomp"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom", "whose"}
CONTROL_PREPS = {"of", "for", "from"}  # "accused X of", "blamed X for", "prevented X from"


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


def subjects(
    verb: Token, object_control: set[str], prep_control: set[str] = frozenset()
) -> list[Token]:
    """The subject(s) of ``verb``, following control, coordination and relative clauses.

    "X offered to send troops" -> X for "send"; "X urged Y to withdraw" and "X called on Y to
    withdraw" -> Y for "withdraw"; "X accused Y of shelling" -> Y for "shelling" (``prep_control``
    verbs); "X attacked A and killed B" -> X for "killed"; "militants who attacked" -> militants;
    "X is due to visit" -> X; "X is scheduled to attend" -> X; "X has no plans to send" -> X.
    """
    seen: set[int] = set()
    current: Token = verb
    raised = False  # reached through an infinitive: "X is scheduled to attend" -> X attends
    while current.i not in seen:
        seen.add(current.i)
        subj = child(current, "nsubj", "csubj")
        if subj is None and raised:
            subj = child(current, "nsubjpass")
        if subj is not None:
            if subj.lower_ in RELATIVE_PRONOUNS and current.dep_ == "relcl":
                return [current.head]
            return [subj, *subj.conjuncts]
        if current.dep_ == "relcl" or (current.dep_ == "acl" and current.tag_ == "VBG"):
            return [current.head]
        head = current.head
        raised = current.dep_ == "xcomp"
        if raised:
            controller = _controller(head, object_control)
            if controller is not None:
                return [controller]
        elif current.dep_ == "pcomp" and head.dep_ == "prep" and head.lower_ in CONTROL_PREPS:
            governor = head.head
            if governor.lemma_.lower() in prep_control:
                obj = child(governor, "dobj", "nsubjpass")
                if obj is not None:
                    return [obj]
            # "accused *the army* of torturing": the parser hangs "of" on the object
            verb = governor.head
            if governor.dep_ == "dobj" and verb.lemma_.lower() in prep_control:
                return [governor]
        elif current.dep_ == "acl":  # "plans to send": the planner sends
            if head.dep_ not in ("dobj", "attr", "oprd"):
                return []
            head = head.head
        elif current.dep_ not in ("conj", "advcl", "pcomp", "prep", "acomp"):
            return []
        current = head
    return []


def _controller(verb: Token, object_control: set[str]) -> Token | None:
    """The object that controls an infinitive under ``verb`` ("urged Y to", "called on Y to")."""
    if verb.lemma_.lower() not in object_control:
        return None
    obj = child(verb, "dobj")
    if obj is not None:
        return obj
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in ("on", "upon"):
            return child(prep, "pobj")
    return None


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
    """The integer a number token stands for ("12", "1,200", "five", "sixty-three"), else
    None."""
    text = token.lower_.replace(",", "")
    if text.isdigit():
        return int(text)
    if text in words:
        value = words[text]
        doc, i = token.doc, token.i
        if value < 10 and i >= 2 and doc[i - 1].text == "-":  # "Sixty-three": three tokens
            tens = words.get(doc[i - 2].lower_)
            if tens is not None and tens >= 20 and tens % 10 == 0:
                return tens + value
        return value
    if "-" in text:  # "sixty-three" as one token
        tens_word, _, unit_word = text.partition("-")
        tens, unit = words.get(tens_word), words.get(unit_word)
        if tens is not None and unit is not None and tens >= 20 and unit < 10:
            return tens + unit
    return None
