"""Name keys: how a toponym as written is matched against gazetteer names.

:func:`name_key` folds case, accents, apostrophes, dots and hyphens ("Tall ‘Afar" and
"Tall 'Afar" -> "tall afar", "U.S." -> "us"). :func:`skeleton` is a looser key for
transliterated names, tried only when the exact key finds nothing ("Tal Afar" and "Tall Afar"
-> "tal afar", "Ar-Raqqah" -> "raqa").
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

_DROP = re.compile(r"[.'’‘`´ʿʾʼ]")
_SPACE = re.compile(r"[^\w]+|_")
_DOUBLE = re.compile(r"(\w)\1+")
_FINAL_H = re.compile(r"(?<=[aeiou])h\b")
# any character outside the Latin blocks (basic, supplements, extended, IPA, modifiers,
# combining marks, general punctuation): its presence makes a name non-Latin
_NON_LATIN = re.compile(
    r"[^\x00-\u024f\u02b0-\u036f\u1e00-\u1eff\u2000-\u206f\u2c60-\u2c7f\ua720-\ua7ff]"
)
_DIGIT = re.compile(r"\d")
_NOT_LETTER = re.compile(r"[\W\d_]")
_ARTICLES = {"al", "ar", "as", "ad", "an", "at", "az", "ash", "adh", "el", "ath"}


def fold(text: str) -> str:
    """Remove accents (NFKD, combining marks dropped) and fold case."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_key(text: str) -> str:
    """The exact matching key of a name."""
    key = _SPACE.sub(" ", _DROP.sub("", fold(text))).strip()
    if key.startswith("the "):
        key = key[4:]
    return key


@lru_cache(maxsize=65_536)
def skeleton(key: str) -> str:
    """A looser key derived from :func:`name_key`'s output."""
    words = key.split()
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return _FINAL_H.sub("", _DOUBLE.sub(r"\1", " ".join(words)))


def is_latin(text: str) -> bool:
    """True when every letter of ``text`` is a Latin letter."""
    return text.isascii() or _NON_LATIN.search(text) is None


def usable_alternate(name: str) -> bool:
    """Whether a GeoNames alternate name can be matched against English text.

    Kept: Latin script, at least three characters, with a capital letter. Dropped: codes (all
    capitals, up to four letters, e.g. airport codes "TIP"), names with digits, and the
    lower-case romanisations GeoNames carries ("de li bo li").
    """
    if len(name) < 3 or name == name.lower() or _DIGIT.search(name) or not is_latin(name):
        return False
    return not (name.isupper() and len(_NOT_LETTER.sub("", name)) <= 4)


@lru_cache(maxsize=65_536)
def similarity(a: str, b: str) -> float:
    """How alike two keys are (0..1): spelling variants of a name score high ("derna" /
    "darnah" 0.73), translated or historical names low ("salisbury" / "harare")."""
    return SequenceMatcher(None, a, b, autojunk=False).ratio()
