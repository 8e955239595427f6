"""Token helpers of toponym recognition: hyphenated names, name particles, proper-noun runs.

Pure functions over spaCy tokens and spans, used by :mod:`eventwatch.places.mentions`.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from eventwatch.nlp import doc_sents
from eventwatch.places.gazetteer import Entry
from eventwatch.places.normalize import name_key

MODIFIER_DEPS = {"amod", "compound", "nmod", "nummod", "npadvmod"}
HYPHENS = {"-", "‐", "‑"}
# lower-case words that join the parts of one Romance-language name ("Santa Teresa del Tuy",
# "Cerro de Pasco", "Barra de Sao Miguel"): a name written next to one is part of a longer name
NAME_PARTICLES = {"de", "del", "da", "do", "dos", "das", "di", "du", "des", "la", "las", "los"}
CAPITAL_PARTICLES = {"De", "Del", "Dos", "Das"}
# Arabic articles written before a hyphen ("al-Qaim"): the hyphen does not join two names
HYPHEN_ARTICLES = {"al", "el", "ar", "as", "ad", "an", "at", "az", "ash", "adh", "ath", "ul"}
# lower-case words between two hyphens inside one name ("Pul-e-Charkhi", "Mazar-i-Sharif")
HYPHEN_CONNECTORS = {"e", "i", "o", "a", "u", "ul", "ud", "ur", *HYPHEN_ARTICLES}


SEPARATORS = {",", "(", ")", ";"}
WORD = re.compile(r"[^\W\d_][\w'’-]*")
# after a run of names: more names, then "and"/"or" ("Copenhagen, Hamburg, Brasov and Mannheim")
LIST_END = re.compile(r"(?:\s*,\s*[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)*\s*,?\s*(?:and|or|&)\s")


def demonym_key(text: str) -> str:
    return "demonym:" + name_key(text)


def modifies_a_noun(tok: Token) -> bool:
    """Whether ``tok`` modifies a noun to its right, directly or as the first conjunct of
    coordinated modifiers ("British and French troops")."""
    seen = 0
    while tok.dep_ == "conj" and tok.head is not tok and seen < 3:
        tok, seen = tok.head, seen + 1
    head = tok.head
    return (
        tok.dep_ in MODIFIER_DEPS
        and head.i > tok.i
        and head.pos_ in ("NOUN", "PROPN", "ADJ", "NUM")
    )


def comma_parts(ent: Span) -> list[Span]:
    """An entity split at its commas and brackets ("Tripoli, Lebanon" -> "Tripoli", "Lebanon";
    "Chatsworth (eThekwini" -> "Chatsworth", "eThekwini")."""
    parts: list[Span] = []
    start = ent.start
    for tok in ent:
        if tok.text in SEPARATORS:
            if tok.i > start:
                parts.append(ent.doc[start : tok.i])
            start = tok.i + 1
    if start < ent.end:
        parts.append(ent.doc[start : ent.end])
    return parts


def attached_hyphen(doc: Doc, i: int) -> bool:
    """Whether token ``i`` is a hyphen joining two parts of a name, with no space: both parts
    capitalised words of two letters or more, not acronyms, or a connector between two such
    words ("Pul-e-Charkhi"). "Northbrook-based", "R-Charleston" (a party and a state),
    "NATO-Russia" join no names."""
    if not bare_hyphen(doc, i):
        return False
    left, right = doc[i - 1], doc[i + 1]
    if name_part(left) and name_part(right):
        return True
    if name_part(left) and right.lower_ in HYPHEN_CONNECTORS:
        return bare_hyphen(doc, i + 2) and name_part(doc[i + 3])
    if left.lower_ in HYPHEN_CONNECTORS and name_part(right):
        return i >= 3 and bare_hyphen(doc, i - 2) and name_part(doc[i - 3])
    return False


def bare_hyphen(doc: Doc, i: int) -> bool:
    """A hyphen between two words, with no space on either side."""
    return (
        0 < i < len(doc) - 1
        and doc[i].text in HYPHENS
        and not doc[i - 1].whitespace_
        and not doc[i].whitespace_
        and doc[i - 1].is_alpha
        and doc[i + 1].is_alpha
    )


def name_part(tok: Token) -> bool:
    return tok.is_alpha and len(tok) > 1 and tok.text[:1].isupper() and not tok.text.isupper()


def hyphen_compound(span: Span) -> Span:
    """``span`` widened to the hyphenated compound it is part of ("Natal" -> "KwaZulu-Natal");
    an Arabic article before a hyphen ("Al-Qaim") is not a name of its own."""
    doc, start, end = span.doc, span.start, span.end
    while start >= 2 and attached_hyphen(doc, start - 1):
        if doc[start - 2].lower_ in HYPHEN_ARTICLES:
            break
        start -= 2
    while end + 1 < len(doc) and attached_hyphen(doc, end):
        end += 2
    return doc[start:end]


def hyphen_compounds(name: Span) -> list[Span]:
    """The hyphenated compounds inside ``name`` ("University of Wisconsin-Milwaukee" ->
    "Wisconsin-Milwaukee")."""
    doc, out, i = name.doc, [], name.start
    while i < name.end:
        if i + 1 < name.end and attached_hyphen(doc, i + 1):
            compound = hyphen_compound(doc[i : i + 1])
            out.append(compound)
            i = compound.end
        else:
            i += 1
    return out


def hyphen_pieces(compound: Span) -> list[Span]:
    """The parts of a hyphenated compound ("Kabul-Kandahar" -> "Kabul", "Kandahar")."""
    doc, pieces, start = compound.doc, [], compound.start
    for tok in compound:
        if attached_hyphen(doc, tok.i) and doc[tok.i - 1].lower_ not in HYPHEN_ARTICLES:
            if tok.i > start:
                pieces.append(doc[start : tok.i])
            start = tok.i + 1
    if start < compound.end:
        pieces.append(doc[start : compound.end])
    return pieces


def short_form(key: str, entry: Entry, primary: str) -> bool:
    """A region named by the first words of its full name ("Michoacan" for "Michoacán de
    Ocampo")."""
    return entry.feature == "admin1" and len(key) >= 6 and primary.startswith(key + " ")


def next_to_number(span: Span) -> bool:
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    return any(t is not None and t.like_num for t in (before, after))


def particle(tok: Token) -> bool:
    return tok.text in NAME_PARTICLES or tok.text in CAPITAL_PARTICLES


def sentence_starts(doc: Doc) -> set[int]:
    """Token indices that start a sentence (read once per doc: ``Token.is_sent_start`` scans
    the whole doc on every call)."""
    if not doc.has_annotation("SENT_START") and not doc.has_annotation("DEP"):
        return {0}
    return {sent.start for sent in doc_sents(doc)}


def strip_determiners(span: Span) -> Span | None:
    start, end = span.start, span.end
    if start < end and span.doc[start].lower_ == "the":
        start += 1
    if start < end and span.doc[end - 1].text in ("'s", "’s", "'", "’"):
        end -= 1
    return span.doc[start:end] if start < end else None


def capitalised_propn(tok: Token) -> bool:
    return tok.pos_ == "PROPN" and tok.text[:1].isupper() and tok.is_alpha


def small_name_token(tok: Token) -> bool:
    """A word of a name the gazetteer may lack: capitalised letters, whatever its tag."""
    return tok.is_alpha and tok.text[:1].isupper()


def name_like(span: Span) -> bool:
    """A run of capitalised proper nouns, with lower-case particles and hyphens inside
    ("Jisr al-Shughour", "Tal Afar"), ending on a capitalised word."""
    if not (span[-1].text[:1].isupper() and span[-1].is_alpha):
        return False
    for tok in span:
        if tok.is_punct and tok.text not in ("-", "'", "’"):
            return False
        if tok.is_alpha and not tok.text[:1].isupper() and len(tok) > 3:
            return False
        if tok.is_space or tok.like_num:
            return False
    return True
