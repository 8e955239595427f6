"""Amounts as written: "12", "five", "1.5 million", "anywhere from 20,000 to 32,000", "at least
700", "nearly 100", "40 percent", "$250 million", "dozens", "a large number".

:func:`find_amounts` scans a sentence's tokens (the words, not the parse, which often splits
such phrases oddly) and returns each amount with its token range, its :class:`Quantity` and its
unit. Dates, times, ordinals, ages, addresses, phone numbers and numbers that name things
("Resolution 2254", "Route 7", "the 5th Brigade") are not amounts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from eventwatch.claims.lexicon import ClaimsLexicon
from eventwatch.records import Qualifier, Quantity

NOT_AMOUNT_ENTS = {"DATE", "TIME", "ORDINAL"}
NAME_ENTS = {"GPE", "LOC", "FAC", "ORG", "PERSON", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"}
_DIGITS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$")
_HYPHEN_RANGE = re.compile(r"^(\d[\d,.]*)[-–](\d[\d,.]*)$")
_PHONE = re.compile(r"^\+?\d[\d\s().-]{6,}\d$")
DASHES = {"-", "–", "—"}
NOT_ONE = {"no", "every", "any", "each", "some", "anyone", "someone"}
RANGE_JOINERS = {"to", "and", "or", "-", "–"}


@dataclass(slots=True)
class Amount:
    """An amount found in a sentence: tokens ``[start, end)`` of the doc, the last number word
    (``head``: what the parse attaches to the counted noun) and the unit."""

    start: int
    end: int
    head: Token
    quantity: Quantity
    unit: str | None  # percent | km2 | mi2 | ha | a currency code | None (a count)


class AmountReader:
    """Finds amounts in sentences with the words of a :class:`ClaimsLexicon`."""

    def __init__(self, lexicon: ClaimsLexicon, number_words: dict[str, int]) -> None:
        self.lex = lexicon
        self.words = {k: v for k, v in number_words.items() if " " not in k}
        self.qualifiers = lexicon.qualifier_phrases()
        self.units = lexicon.unit_phrases()
        self.vague = lexicon.vague_phrases()
        self.currency_before: dict[str, str] = {}
        self.currency_after: list[tuple[tuple[str, ...], str]] = []
        for code, forms in lexicon.currencies.items():
            for form in forms:
                if (len(form) <= 3 and not form.isalpha()) or form in (code.lower(), "us$"):
                    self.currency_before[form] = code
                else:
                    self.currency_after.append((tuple(form.split()), code))
        self.currency_after.sort(key=lambda pair: -len(pair[0]))
        self.not_amounts = set(lexicon.not_amounts)
        self.not_units = set(lexicon.not_units)
        # phrases indexed by the word a match is tried from (most words start no phrase)
        self.vague_from = _index(self.vague, first=True)
        self.qualifiers_before = _index(self.qualifiers, first=False)
        self.units_from = _index(self.units + self.currency_after, first=True)
        self.starters = {*self.words, *self.vague_from, *lexicon.scales, "a", "an", "dozen"}
        self._doc: Doc | None = None
        self._lower: list[str] = []

    def _words(self, doc: Doc) -> list[str]:
        """The doc's lower-case words, computed once per doc."""
        if self._doc is not doc:
            self._doc, self._lower = doc, [t.lower_ for t in doc]
        return self._lower

    # ------------------------------------------------------------------ public
    def find(self, sent: Span) -> list[Amount]:
        out: list[Amount] = []
        lower = self._words(sent.doc)
        i = sent.start
        while i < sent.end:
            if not self._may_start(lower[i]):
                i += 1  # most words start no amount: skip them without looking closer
                continue
            found = self._vague_at(sent, i) or self._number_at(sent, i)
            if found is None:
                i += 1
                continue
            if self._is_amount(sent, found):
                out.append(found)
            i = max(found.end, i + 1)
        return out

    def _may_start(self, word: str) -> bool:
        """Can an amount start at this word? A digit, a number or vague word, "a" ("a dozen")."""
        if word[:1].isdigit() or word in self.starters:
            return True
        return "-" in word and word.partition("-")[0] in self.words  # "sixty-three"

    # ------------------------------------------------------------------ numbers
    def number(self, tok: Token) -> float | None:
        """The value of one number token ("12", "1,200", "1.5", "five", "sixty-three")."""
        text = tok.lower_
        if _DIGITS.match(text):
            return float(text.replace(",", ""))
        if text in self.words:
            return float(self.words[text])
        if "-" in text:
            tens, _, unit = text.partition("-")
            if tens in self.words and unit in self.words and self.words[unit] < 10:
                return float(self.words[tens] + self.words[unit])
        return None

    def _group(self, sent: Span, i: int) -> tuple[float, int] | None:
        """A number and its scale words from token ``i``: "1.5 million", "two hundred",
        "a thousand", "a dozen". Returns (value, end)."""
        doc = sent.doc
        tok = doc[i]
        if tok.lower_ == "one" and i > sent.start and doc[i - 1].lower_ in NOT_ONE:
            return None  # "no one", "every one"
        value = self.number(tok)
        j = i + 1
        if value is not None and j + 1 < sent.end and doc[j].text == "-":
            unit = self.words.get(doc[j + 1].lower_)
            if tok.lower_ in self.words and value % 10 == 0 and value >= 20 and unit and unit < 10:
                value, j = value + unit, j + 2  # "Twenty - three", split by the tokenizer
        if value is None:
            nxt = doc[i + 1] if i + 1 < sent.end else None
            scaled = nxt is not None and (nxt.lower_ in self.lex.scales or nxt.lower_ == "dozen")
            if tok.lower_ in ("a", "an", "one") and scaled:
                value, j = 1.0, i + 1
            if value is None:
                return None
        while j < sent.end:
            word = doc[j].lower_
            if word == "dozen":
                value *= 12
            elif word in self.lex.scales and not (word in ("m", "k") and doc[j].whitespace_ == ""):
                value *= self.lex.scales[word]
            elif word in ("m", "bn", "k") and doc[j - 1].whitespace_ == "":
                value *= self.lex.scales[word]  # "$5m", "10bn"
            else:
                break
            j += 1
        return value, j

    def _number_at(self, sent: Span, i: int) -> Amount | None:
        doc = sent.doc
        tok = doc[i]
        hyphen = _HYPHEN_RANGE.match(tok.text)
        if hyphen:
            return self._hyphen_range(sent, i, hyphen)
        group = self._group(sent, i)
        if group is None:
            return None
        value, end = group
        low, high = value, value
        qualifier = Qualifier.EXACT
        upper = self._range_end(sent, end)
        opening = self._opening(sent, i)
        if upper is not None:
            high, end = upper
            qualifier = Qualifier.RANGE
        start = i
        if opening is not None:
            words, q = opening
            if q == "range_open" and qualifier != Qualifier.RANGE:
                q = Qualifier.EXACT if words[0] != "anywhere" else Qualifier.APPROX
            start -= len(words)
            if qualifier != Qualifier.RANGE and q != "range_open":
                qualifier = Qualifier(q)
        return self._amount(sent, start, end, doc[end - 1], qualifier, low, high)

    def _hyphen_range(self, sent: Span, i: int, match: re.Match[str]) -> Amount | None:
        a, b = (m.replace(",", "") for m in match.groups())
        if a.startswith("0") or b.startswith("0"):
            return None  # "555-0199": a phone number
        try:
            low, high = float(a), float(b)
        except ValueError:
            return None
        if high <= low or (1900 <= low <= 2100 and 1900 <= high <= 2100):
            return None  # a year range, an identifier
        start = i
        opening = self._opening(sent, i)
        if opening is not None and opening[1] in ("range_open", Qualifier.APPROX):
            start -= len(opening[0])
        return self._amount(sent, start, i + 1, sent.doc[i], Qualifier.RANGE, low, high)

    def _range_end(self, sent: Span, j: int) -> tuple[float, int] | None:
        """ "20,000 to 32,000", "two or three", "50-60" (three tokens)."""
        doc = sent.doc
        if j + 1 >= sent.end or doc[j].lower_ not in RANGE_JOINERS:
            return None
        group = self._group(sent, j + 1)
        if group is None:
            return None
        return group

    def _opening(self, sent: Span, i: int) -> tuple[tuple[str, ...], str] | None:
        lower = self._words(sent.doc)
        if i <= sent.start:
            return None
        for words, qualifier in self.qualifiers_before.get(lower[i - 1], ()):
            n = len(words)
            if i - n >= sent.start and tuple(lower[i - n : i]) == words:
                return words, qualifier
        return None

    # ------------------------------------------------------------------ vague words
    def _vague_at(self, sent: Span, i: int) -> Amount | None:
        doc = sent.doc
        lower = self._words(doc)
        for words, phrase in self.vague_from.get(lower[i], ()):
            n = len(words)
            if i + n > sent.end or tuple(lower[i : i + n]) != words:
                continue
            if n == 1 and words[0] in ("several", "few") and not _before_noun(doc[i]):
                return None
            label, low, high = self.lex.vague[phrase]
            quantity = Quantity(None, low, high, Qualifier.VAGUE, True, doc[i : i + n].text, label)
            start = i
            opening = self._opening(sent, i)
            if opening is not None and opening[1] in (Qualifier.AT_LEAST, Qualifier.APPROX):
                start -= len(opening[0])  # "at least several", "about several hundred"
                quantity = Quantity(None, low, high, Qualifier.VAGUE, True,
                                    doc[start : i + n].text, label)  # fmt: skip
            return Amount(start, i + n, doc[i + n - 1], quantity, None)
        return None

    # ------------------------------------------------------------------ units and checks
    def _amount(
        self,
        sent: Span,
        start: int,
        end: int,
        head: Token,
        qualifier: str,
        low: float,
        high: float,
    ) -> Amount:
        doc = sent.doc
        unit, end = self._unit_after(sent, end)
        if unit is None and start > sent.start:
            code = self.currency_before.get(doc[start - 1].lower_)
            if code is not None:
                unit, start = code, start - 1
                opening = self._opening(sent, start) if qualifier == Qualifier.EXACT else None
                if opening is not None and opening[1] != "range_open":
                    qualifier = opening[1]  # "up to $500 million": the words before the "$"
                    start -= len(opening[0])
        head = _root(doc[start:end], head)
        value: float | None = low if qualifier != Qualifier.RANGE else None
        if qualifier == Qualifier.AT_LEAST:
            bounds = (low, None)
        elif qualifier == Qualifier.AT_MOST:
            bounds = (None, low)
        else:
            bounds = (low, high)
        approximate = qualifier not in (Qualifier.EXACT,)
        text = doc[start:end].text
        quantity = Quantity(value, bounds[0], bounds[1], str(qualifier), approximate, text)
        return Amount(start, end, head, quantity, unit)

    def _unit_after(self, sent: Span, end: int) -> tuple[str | None, int]:
        lower = self._words(sent.doc)
        if end >= sent.end:
            return None, end
        for words, unit in self.units_from.get(lower[end], ()):
            n = len(words)
            if end + n <= sent.end and tuple(lower[end : end + n]) == words:
                return unit, end + n
        return None, end

    def _is_amount(self, sent: Span, found: Amount) -> bool:
        doc = sent.doc
        if found.quantity.qualifier == Qualifier.VAGUE:
            return True
        numbers = [t for t in doc[found.start : found.end] if t.like_num]
        if any(t.ent_type_ in NOT_AMOUNT_ENTS for t in numbers) and found.unit is None:
            return False
        if any(_PHONE.match(t.text) for t in numbers) or _digit_groups(doc, found):
            return False  # "555-0199", "0803 555 0142"
        if any(t.ent_type_ in NAME_ENTS for t in numbers):
            return False  # "Colonia 20 de Noviembre", "Boeing 737", "Resolution 2254"
        if _next_to_month(doc, found.start, found.end):
            return False  # "Around 8 May", "May 8": a date the tagger missed
        if found.start > sent.start:
            before = doc[found.start - 1].lower_.rstrip(":")
            if before in self.not_amounts or before == "#":
                return False
        if found.end < sent.end and found.unit is None:
            after = doc[found.end]
            word = after.lower_
            if word in self.not_units or word.startswith("-year") or after.lemma_ in self.not_units:
                return False
            if word in DASHES and found.end + 1 < sent.end:
                nxt = doc[found.end + 1].lower_
                if nxt in self.not_units or nxt.startswith("year"):
                    return False  # "a 34-year-old"
        return not _is_ordinal_or_id(doc[found.head.i])


def _index(
    phrases: list[tuple[tuple[str, ...], str]], *, first: bool
) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Phrases (longest first) by their first word, or by their last word."""
    out: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for words, value in sorted(phrases, key=lambda pair: -len(pair[0])):
        out.setdefault(words[0] if first else words[-1], []).append((words, value))
    return out


def _digit_groups(doc: Doc, found: Amount) -> bool:
    """A number with a leading zero or next to another bare number: a phone number, a code."""
    text = doc[found.head.i].text
    if len(text) > 1 and text.startswith("0") and text.isdigit():
        return True
    for i in (found.start - 1, found.end):
        if 0 <= i < len(doc) and doc[i].text.isdigit() and doc[i].whitespace_ != "":
            return True
    return False


def _root(words: Span, default: Token) -> Token:
    """The word of an amount the parse attaches outside it ("15 - 20 residents": 15; "40
    percent of": percent; "anywhere from 20,000 to 32,000": anywhere)."""
    outside = [t for t in words if not words.start <= t.head.i < words.end or t.head.i == t.i]
    return outside[-1] if outside else default


def _before_noun(tok: Token) -> bool:
    """ "several people", "a few residents"; not "several of them said"."""
    return tok.dep_ in ("amod", "det", "nummod", "quantmod") or tok.head.pos_ in ("NOUN", "PROPN")


MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun",
          "jul", "aug", "sep", "sept", "oct", "nov", "dec"}  # fmt: skip


def _next_to_month(doc: Doc, start: int, end: int) -> bool:
    """A number right before or after a capitalised month name."""
    for i in (end, start - 1):
        if 0 <= i < len(doc) and doc[i].text[:1].isupper() and doc[i].lower_.rstrip(".") in MONTHS:
            return True
    return False


def _is_ordinal_or_id(tok: Token) -> bool:
    text = tok.lower_
    return text.endswith(("th", "st", "nd", "rd")) and text[:-2].isdigit()


def spans_overlap(a: Sequence[int], b: Sequence[int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]
