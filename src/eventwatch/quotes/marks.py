"""Quotation marks in plain text: which characters open and close a quotation.

Works on characters only (no parse), so it can be tested on its own. Double quotes come in
three styles: straight (``"``), curly (``“ ”``) and low/guillemet (``„ “``, ``« »``). A straight
mark opens when it follows a space, a bracket, a dash or a colon and precedes a non-space; it
closes otherwise. Single quotes (``'`` and ``‘ ’``) are read as quotation marks only when they
pair up cleanly within a paragraph, outside double quotes, and never across a word
("the rebels' positions" and "don't" are apostrophes).

A quotation left open at the end of a paragraph runs to the paragraph's end: wire style opens
every paragraph of a long quotation again and closes only the last one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

OPENERS = {"“": "double", "„": "double", "«": "double", "‘": "single"}
CLOSERS = {"”": "double", "»": "double", "’": "single"}
_STRAIGHT_OPEN_AFTER = set(" \t\n([{—–-:/") | {""}
# every double quotation mark: the scan jumps from one to the next
_DOUBLE_MARKS = re.compile(
    "["
    + re.escape('"' + "".join(c for c, k in (*OPENERS.items(), *CLOSERS.items()) if k == "double"))
    + "]"
)
# a single quotation: opens before a letter (not inside a word), closes after a word or
# sentence punctuation (not before one)
_SINGLE = re.compile(
    r"(?<![\w'’])['‘](?=[A-Za-z])(?P<body>[^'‘’\n]{2,300}?)(?<=[\w.,!?])['’](?![\w'’])"
)

Style = Literal["double", "single"]


@dataclass(slots=True, frozen=True)
class Quotation:
    """One quotation: ``[start, end)`` covers the marks, ``[inner_start, inner_end)`` the words
    between them. ``closed`` is False for a quotation cut by the end of its paragraph."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool
    style: Style


def find_quotations(text: str) -> list[Quotation]:
    """All quotations of ``text``, in order, never overlapping."""
    out: list[Quotation] = []
    for start, end in _paragraphs(text):
        doubles = list(_doubles(text, start, end))
        out.extend(doubles)
        out.extend(q for q in _singles(text, start, end) if not _inside_any(q, doubles))
    return sorted(out, key=lambda q: q.start)


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in re.finditer(r"\n", text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _role(text: str, i: int) -> Literal["open", "close", "either"]:
    """Is the straight mark at ``i`` an opening or a closing one, as far as its neighbours say."""
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    opens = before in _STRAIGHT_OPEN_AFTER and after not in ("", " ", "\n", "\t")
    closes = before not in ("", " ", "\n", "\t") and (after == "" or not after.isalnum())
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "either"


def _doubles(text: str, start: int, end: int) -> Iterator[Quotation]:
    open_at: int | None = None
    for match in _DOUBLE_MARKS.finditer(text, start, end):
        i, ch = match.start(), match.group()
        if ch == '"':
            role = _role(text, i)
            if open_at is None:
                if role != "close":
                    open_at = i
                continue
            if role == "open" and text[open_at] == '"' and not _plausible_close(text, i):
                open_at = i  # the earlier mark never closed: a stray
                continue
            yield Quotation(open_at, i + 1, open_at + 1, i, True, "double")
            open_at = None
        elif OPENERS.get(ch) == "double":
            if ch == "“" and open_at is not None and text[open_at] == "„":
                yield Quotation(open_at, i + 1, open_at + 1, i, True, "double")  # „German“
                open_at = None
            else:
                open_at = i
        elif CLOSERS.get(ch) == "double" and open_at is not None:
            yield Quotation(open_at, i + 1, open_at + 1, i, True, "double")
            open_at = None
    if open_at is not None and text[open_at + 1 : end].strip():
        yield Quotation(open_at, end, open_at + 1, end, False, "double")


def _plausible_close(text: str, i: int) -> bool:
    """A straight mark that looks like an opener can still close: '"no"' glued to a word."""
    return i > 0 and not text[i - 1].isspace()


def _singles(text: str, start: int, end: int) -> Iterator[Quotation]:
    for match in _SINGLE.finditer(text, start, end):
        body = match.group("body")
        if len(body.split()) < 2:
            continue  # 'n', '90s: not a quotation
        yield Quotation(
            match.start(), match.end(), match.start("body"), match.end("body"), True, "single"
        )


def _inside_any(q: Quotation, others: list[Quotation]) -> bool:
    return any(o.start <= q.start < o.end or q.start <= o.start < q.end for o in others)
