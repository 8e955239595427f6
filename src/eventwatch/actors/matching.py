"""Dictionary look-up over an already-parsed Doc with two spaCy PhraseMatchers.

Names (countries, institutions, IGOs, groups) are matched on ``ORTH`` (case-sensitive: "US" the
country, never "us"); sector nouns, titles, references and community words on ``LOWER``.
Patterns are tokenised once with spaCy's blank English tokenizer: string hashes are shared by
every vocab, so the matchers work on Docs from any English pipeline without re-parsing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from eventwatch.actors.dictionary import ActorDictionary, Target


@dataclass(frozen=True, slots=True)
class Hit:
    """One dictionary match: tokens ``[start, end)`` of a Doc and what they mean."""

    start: int
    end: int
    target: Target
    surface: str

    @property
    def role(self) -> str:
        return self.target.role


class PhraseIndex:
    """Both matchers, built once per dictionary."""

    def __init__(self, dictionary: ActorDictionary) -> None:
        self.nlp = spacy.blank("en")
        self.names = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._name_keys: dict[int, str] = {}
        self._phrase_keys: dict[int, str] = {}
        self._add(self.names, self._name_keys, dictionary.names)
        self._add(self.phrases, self._phrase_keys, dictionary.phrases)
        self.dictionary = dictionary

    def _add(self, matcher: PhraseMatcher, keys: dict[int, str], table: Iterable[str]) -> None:
        surfaces = list(table)
        for surface, pattern in zip(surfaces, self.nlp.tokenizer.pipe(surfaces), strict=True):
            key = self.nlp.vocab.strings.add(surface)
            keys[key] = surface
            matcher.add(surface, [pattern])

    def find(self, doc: Doc) -> list[Hit]:
        """Every match in ``doc`` (overlapping ones included), in document order."""
        hits: list[Hit] = []
        names = self.dictionary.names
        for key, start, end in self.names(doc):
            surface = self._name_keys[key]
            hits.append(Hit(start, end, names[surface], surface))
        phrases = self.dictionary.phrases
        for key, start, end in self.phrases(doc):
            surface = self._phrase_keys[key]
            hits.extend(Hit(start, end, target, surface) for target in phrases[surface])
        hits.sort(key=lambda h: (h.start, -h.end))
        return hits
