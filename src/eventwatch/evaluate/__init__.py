"""Measure eventwatch on third-party gold standards (``eventwatch eval``, ``make eval``).

Each dataset lives in a folder of the data root (default ``../shared/data`` next to the
repository, ``$EVENTWATCH_EVAL_DATA`` or ``--data``); a missing folder is skipped with a message.
The label mappings between each dataset and eventwatch are documented in ``docs/evaluation.md``.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from eventwatch.config import Settings
from eventwatch.evaluate.base import DatasetResult, EvalContext

if TYPE_CHECKING:
    from eventwatch.pipeline import Pipeline

# name -> (folder, "module:function"); imported only when the dataset is evaluated. An empty
# folder: the data ship inside the package, so the dataset never skips.
DATASETS: dict[str, tuple[str, str]] = {
    "plover_gsr": ("plover_gsr", "eventwatch.evaluate.plover:evaluate"),
    "petrarch_cameo": ("petrarch_cameo", "eventwatch.evaluate.petrarch:evaluate"),
    "acled_rpanlilio_2020": ("acled_rpanlilio_2020", "eventwatch.evaluate.acled:evaluate"),
    "geowebnews": ("geowebnews", "eventwatch.evaluate.geo:evaluate_geowebnews"),
    "lgl": ("lgl", "eventwatch.evaluate.geo:evaluate_lgl"),
    "re3d": ("re3d", "eventwatch.evaluate.re3d:evaluate"),
    "ecbplus": ("ecbplus", "eventwatch.evaluate.ecbplus:evaluate"),
    # written by us and bundled with the package (no folder under the data root)
    "claims_cases": ("", "eventwatch.evaluate.cases:evaluate"),
    "neardup": ("", "eventwatch.evaluate.neardup:evaluate"),
}


def default_root() -> Path:
    """``$EVENTWATCH_EVAL_DATA``, else ``shared/data`` beside the repository (or the cwd)."""
    if env := os.environ.get("EVENTWATCH_EVAL_DATA"):
        return Path(env)
    repo = Path(__file__).resolve().parents[3]  # src/eventwatch/evaluate -> repository
    for base in (repo, Path.cwd()):
        candidate = base.parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return repo.parent / "shared" / "data"


def evaluate(
    names: Iterable[str],
    *,
    root: Path,
    settings: Settings,
    limit: int | None = None,
    progress: Callable[[str, int], Callable[[int], None]] | None = None,
    pipeline: Pipeline | None = None,
) -> list[DatasetResult]:
    """Evaluate the named datasets (unknown names raise ``KeyError``); missing ones are
    returned with ``skipped`` set. ``pipeline`` (default: built from ``settings`` when first
    needed) codes the texts."""
    ctx = EvalContext(root=root, settings=settings, limit=limit, progress=progress)
    ctx.pipeline = pipeline
    results = []
    for name in names:
        folder, target = DATASETS[name]
        if folder and not (root / folder).is_dir():
            results.append(DatasetResult(name, name, skipped=f"no folder {root / folder}"))
            continue
        module, func = target.split(":")
        run = getattr(importlib.import_module(module), func)
        started = time.perf_counter()
        result: DatasetResult = run(ctx)
        result.name, result.seconds = name, time.perf_counter() - started
        if ctx.failed:  # a text the pipeline failed on scores as coded with nothing: say so
            result.add("failed_texts", "texts the pipeline failed on", len(ctx.failed),
                       unit="count")  # fmt: skip
            result.notes += [f"failed: {line}" for line in ctx.failed[:5]]
            ctx.failed = []
        results.append(result)
    return results


__all__ = ["DATASETS", "DatasetResult", "EvalContext", "default_root", "evaluate"]
