"""Language identification with py3langid, restricted to the languages news is written in.

Restricting the candidate set (the configured languages plus the major news languages) keeps
short English texts full of names from being labelled as, say, Latin or Esperanto.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Major languages of the world's news, always among the candidates.
NEWS_LANGUAGES: tuple[str, ...] = (
    "ar", "bn", "cs", "da", "de", "el", "en", "es", "fa", "fi", "fr", "he", "hi", "hu", "id",
    "it", "ja", "ko", "ms", "nl", "no", "pl", "pt", "ro", "ru", "sv", "sw", "th", "tr", "uk",
    "ur", "vi", "zh",
)  # fmt: skip
SAMPLE_CHARS = 2000


@lru_cache(maxsize=8)
def _identifier(candidates: tuple[str, ...]) -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    known = set(identifier.labels)
    identifier.set_languages([code for code in candidates if code in known])
    return identifier


def sample(title: str, text: str, size: int = SAMPLE_CHARS) -> str:
    """The part of an article that is classified: its title and the start of its body."""
    return f"{title}\n{text[:size]}"


def detect_language(text: str, allowed: Iterable[str] = ("en",)) -> str:
    """ISO 639-1 code of ``text``'s language, chosen among ``allowed`` and the news languages."""
    candidates = tuple(sorted(set(NEWS_LANGUAGES) | {code.lower() for code in allowed}))
    code, _confidence = _identifier(candidates).classify(text)
    return str(code)
