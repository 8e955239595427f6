"""Parse helpers for claims: what an amount counts, the clause it belongs to, its owner.

These follow spaCy's English (ClearNLP-style) dependency labels, like
:mod:`eventwatch.events.syntax`, which they build on.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from eventwatch.claims.quantity import Amount
from eventwatch.events.casualties import CasualtyMention
from eventwatch.events.coder import Mentions
from eventwatch.events.syntax import argument_tokens, child, is_passive
from eventwatch.records import Indicator


def lemma_of(tok: Token) -> str:
    return tok.lemma_.lower()


def compound_lemma(tok: Token) -> str:
    mods = [c for c in tok.children if c.dep_ in ("compound", "amod") and c.i < tok.i]
    return f"{mods[-1].lower_} {lemma_of(tok)}" if mods else lemma_of(tok)


def of_object(tok: Token) -> Token | None:
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            pobj = child(c, "pobj")
            if pobj is not None:
                return pobj
    return None


def holder_lemma(tok: Token) -> str:
    """ "a march of 2,000 people": march."""
    if tok.dep_ == "pobj" and tok.head.lower_ == "of":
        return lemma_of(tok.head.head)
    return ""


# verbs whose subject is what their object counts ("the fighters number 2,000")
COUNTING_VERBS = {"number", "total", "reach", "exceed", "top", "swell"}


def measure_around(number: Token, measures: set[str]) -> Token | None:
    """The measure a lone number is stated for: "put the number of fighters *at 20,000*",
    "at anywhere *from 20,000 to 32,000*", "the toll rose *to 12*", "the group's strength is
    estimated *at 20,000*", "the crowd *was 5,000*"."""
    node = number
    for _ in range(5):  # up through "at anywhere from X to Y" to the verb
        if node.dep_ in ("pobj", "prep", "pcomp", "quantmod") and node.head.i != node.i:
            node = node.head
        else:
            break
    if number.dep_ == "dobj" and number.head.lemma_ in COUNTING_VERBS:
        subject = child(number.head, "nsubj")  # "its fighters numbered about 2,000"
        return subject if subject is not None and subject.pos_ != "PRON" else None
    if node.i == number.i and number.dep_ not in ("attr", "oprd"):
        return None  # the number is the verb's own object ("provided $75 million")
    verb = node if node.pos_ in ("VERB", "AUX") else node.head
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    args = [
        c
        for c in verb.children
        if c.dep_ in ("nsubj", "nsubjpass", "dobj") and c.i < number.i and c.pos_ != "PRON"
    ]

    def measure(c: Token) -> bool:
        return c.lemma_.lower() in measures

    def measured(c: Token) -> bool:
        return measure(c) and c.dep_ != "nsubj"

    for wanted in (measured, measure, lambda c: c.dep_ != "nsubj", bool):
        found = [c for c in args if wanted(c)]
        if found:
            return found[0]
    return None


def measure_of(tok: Token) -> Token | None:
    """The measure noun whose "of" phrase ``tok`` is ("the number of fighters": number)."""
    if tok.dep_ == "pobj" and tok.head.lower_ == "of":
        return tok.head.head
    return None


def has_owner(tok: Token) -> bool:
    return any(c.dep_ in ("poss",) or (c.dep_ == "prep" and c.lower_ == "of") for c in tok.children)


def clause_of(counted: Token) -> tuple[Token | None, str]:
    """The verb the counted phrase is an argument of and its role there (patient, agent)."""
    node = counted
    for _ in range(4):  # climb "of" phrases, "including" and conjunctions to the argument
        if node.dep_ == "pobj" and node.head.lower_ in ("of", "including", "among"):
            node = node.head.head
        elif node.dep_ in ("conj", "appos") and node.head.pos_ in ("NOUN", "PROPN", "NUM"):
            if node.head.ent_type_ in ("GPE", "LOC", "FAC", "DATE"):
                break  # "in La Ceiba, more than 1,000 sellers ...": a misparse, see below
            between = [t for t in node.doc[node.head.i + 1 : node.i] if t.pos_ == "VERB"]
            if between:  # "killed thousands and displaced 2 million": the verb between
                return between[-1], "patient"
            node = node.head
        else:
            break
    head = node.head
    acl = next((c for c in node.children if c.dep_ == "acl" and c.tag_ == "VBN"), None)
    argument = node.dep_ in ("nsubj", "nsubjpass", "dobj", "obj") and head.pos_ in ("VERB", "AUX")
    if acl is not None and not argument:  # "8 militants killed in an airstrike"
        return acl, "patient"
    if node.dep_ == "pobj" and head.dep_ in ("agent", "prep") and head.lower_ == "by":
        return head.head, "agent"  # "a rally attended by 5,000 people"
    if head.pos_ not in ("VERB", "AUX") or node.i == head.i:
        return stray_subject(node)
    if node.dep_ == "nsubjpass" or (node.dep_ in ("dobj", "obj") and not is_passive(head)):
        return head, "patient"
    if node.dep_ in ("nsubj",):
        return head, "agent"
    return head, "other"


def is_place(tok: Token, mentions: Mentions) -> bool:
    return tok.i in mentions.places or tok.ent_type_ in ("GPE", "LOC")


def money_objects(amount: Amount) -> list[Token]:
    """ "$250 million *of Hezbollah assets*", "*in aid for Sudan*": the nouns after money."""
    doc = amount.head.doc
    if amount.end >= len(doc) or doc[amount.end].lower_ not in ("of", "in", "for", "to"):
        return []
    pobj = child(doc[amount.end], "pobj")
    return [pobj] if pobj is not None else []


def partitive(amount: Amount, counted: Token) -> bool:
    """ "one of the protesters", "two of them": part of a group, not its size."""
    of = of_object(amount.head)
    return (
        of is not None
        and of.i == counted.i
        and any(c.dep_ in ("det", "poss") and c.lower_ not in ("a", "an") for c in counted.children)
    )


def prep_lemma(verb: Token, prep: str) -> str | None:
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ == prep:
            pobj = child(c, "pobj")
            if pobj is not None:
                return lemma_of(pobj)
    return None


def stray_subject(node: Token) -> tuple[Token | None, str]:
    """A noun the parser hung on a place before it ("in La Ceiba, Atlantida, more than 1,000
    sellers demonstrated": "sellers" read as an apposition) is the subject of the sentence's
    verb when that verb has none."""
    root = node.sent.root
    if node.dep_ not in ("appos", "ROOT", "dep", "npadvmod", "conj") or root.i <= node.i:
        return None, "other"
    if root.pos_ not in ("VERB", "AUX") or child(root, "nsubj", "nsubjpass") is not None:
        return None, "other"
    return root, ("patient" if is_passive(root) else "agent")


def result_kind(verb: Token | None) -> str | None:
    """ "were left injured", "was found dead": the state a verb leaves its patient in."""
    if verb is None:
        return None
    for c in verb.children:
        if c.dep_ in ("oprd", "acomp", "xcomp", "advcl", "ccomp"):
            if c.lower_ in ("dead",):
                return Indicator.KILLED
            if c.lower_ in ("injured", "wounded", "hurt"):
                return Indicator.INJURED
    return None


def amount_of(tok: Token, amounts: list[Amount]) -> Amount | None:
    """The amount that counts a casualty patient ("at least 12 people", "dozens")."""
    for amount in amounts:
        if amount.start <= tok.i < amount.end:
            return amount
        if amount.head.head.i == tok.i and amount.head.dep_ in ("nummod", "quantmod", "amod"):
            return amount
        of = of_object(amount.head)
        if of is not None and of.i == tok.i:
            return amount
        measure = measure_around(amount.head, set())
        if measure is not None and measure.i == tok.i:
            return amount  # "the death toll has risen to 38"
    return None


def np_range(tok: Token) -> tuple[int, int]:
    words = argument_tokens(tok)
    return words[0].i, words[-1].i + 1


def np_text(tok: Token) -> str:
    start, end = np_range(tok)
    return tok.doc[start:end].text


def counted_text(counted: Token, number_words: Span, indicator: str) -> str | None:
    if indicator == Indicator.MONEY:  # "$250 million in humanitarian aid": aid
        after = (
            number_words.doc[number_words.end] if number_words.end < len(number_words.doc) else None
        )
        if (
            after is not None
            and after.lower_ in ("in", "of", "for")
            and (obj := child(after, "pobj"))
        ):
            return np_text(obj)
        return None
    if number_words.start <= counted.i < number_words.end:
        return None  # the number stands alone ("killing 2")
    mods = [c for c in counted.lefts if c.dep_ in ("compound", "amod") and c.i >= number_words.end]
    start = min(m.left_edge.i for m in mods) if mods else counted.i  # "Boko Haram fighters"
    if counted.i >= number_words.end:  # never into the number words ("3,000 Boko Haram")
        start = max(start, number_words.end)
    return counted.doc[start : counted.i + 1].text


def restates(tally: CasualtyMention, mentions: list[CasualtyMention]) -> bool:
    """A tally whose count equals the sum of the clauses' counts of the same kind."""
    clauses = [m.value for m in mentions if m.channel == "clause" and m.kind == tally.kind]
    return bool(clauses) and sum(v for v in clauses if v is not None) == tally.value
