"""What every gold-standard evaluation shares: results, metrics, the coding context.

A dataset module exposes ``evaluate(ctx: EvalContext) -> DatasetResult``. It reads its files
under ``ctx.root / <folder>``, codes the texts with ``ctx.code`` (one shared pipeline, progress
shown) and scores what came out. Gold data are read at run time and never copied anywhere.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from eventwatch.config import Settings
from eventwatch.errors import DataFileError
from eventwatch.ingest.articles import new_article
from eventwatch.records import Article, Status

T = TypeVar("T")

EARTH_KM = 6371.0088
NEAR_KM = 161.0  # "within 100 miles": the accuracy radius of the geoparsing literature


@dataclass
class Metric:
    """One figure: ``value`` over ``n`` items, the issue's ``target`` and the field's figure."""

    key: str  # stable id used by the floors file: "macro_f1"
    label: str  # for people: "event type macro-F1"
    value: float | None
    n: int | None = None
    target: float | None = None
    reference: str | None = None  # what published tools report ("PETRARCH2: 0.43")
    unit: str = "ratio"  # ratio | km | count | seconds
    gate: bool = True  # CI keeps a floor under it (ratios where higher is better)

    @property
    def met(self) -> bool | None:
        if self.target is None or self.value is None:
            return None
        return self.value <= self.target if self.unit == "km" else self.value >= self.target


@dataclass
class Miss:
    """A gold item we got wrong, with what a person needs to see why."""

    item: str  # gold id
    text: str  # the sentence or a window of the article
    expected: str
    got: str
    severity: float = 1.0  # larger is worse; the report lists the worst first


@dataclass
class DatasetResult:
    name: str
    title: str
    records: int = 0
    seconds: float = 0.0
    metrics: list[Metric] = field(default_factory=list)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str | None = None  # why the dataset was not evaluated

    def metric(self, key: str) -> Metric | None:
        return next((m for m in self.metrics if m.key == key), None)

    def add(self, key: str, label: str, value: float | None, **kw: Any) -> Metric:
        metric = Metric(key, label, value, **kw)
        self.metrics.append(metric)
        return metric


@dataclass
class EvalContext:
    """The data root, the item limit and a lazily built pipeline shared by all datasets."""

    root: Path
    settings: Settings
    limit: int | None = None
    progress: Callable[[str, int], Callable[[int], None]] | None = None
    pipeline: Any = None  # eventwatch.pipeline.Pipeline, built on first use
    failed: list[str] = field(default_factory=list)  # "<item>: <reason>" of texts that failed

    def path(self, *parts: str) -> Path:
        return self.root.joinpath(*parts)

    def take(self, rows: Iterable[Any]) -> list[Any]:
        out = []
        for row in rows:
            if self.limit is not None and len(out) >= self.limit:
                break
            out.append(row)
        return out

    def code(self, articles: Sequence[Article], label: str = "coding") -> list[Article]:
        """Run the configured pipeline over ``articles`` (all PENDING), in input order."""
        from eventwatch.pipeline import Pipeline, process_stream

        if self.pipeline is None and self.settings.nlp.n_process <= 1:
            self.pipeline = Pipeline(self.settings)
        advance = self.progress(label, len(articles)) if self.progress else None
        out: list[Article] = []
        for batch in process_stream(articles, self.settings, self.pipeline):
            out.extend(batch)
            self.failed += [f"{a.source}: {a.reason}" for a in batch if a.status == Status.FAILED]
            if advance:
                advance(len(batch))
        return out


def gold_article(
    item: str, text: str, *, title: str = "", published: Any = None, url: str | None = None
) -> Article:
    """A PENDING English article built from a gold record, bypassing the language check
    (gold texts are English; a short sentence must not be skipped as too short)."""
    article = new_article(source=item, title=title, text=text, published=published, url=url)
    article.status, article.language = Status.PENDING, "en"
    return article


# ------------------------------------------------------------------------------------ metrics
def read_jsonl(path: Path, what: str, make: Callable[[dict[str, Any]], T]) -> list[T]:
    """``make(row)`` for each non-empty line of a JSON Lines gold file; a line that is not
    JSON, or that ``make`` cannot read, raises DataFileError naming the file, the line and
    ``what`` it should be ("an ECB+ document")."""
    out: list[T] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                out.append(make(json.loads(line)))
            except (ValueError, KeyError, TypeError) as exc:
                raise DataFileError(f"{path}:{number}: not {what} ({exc})") from exc
    return out


def ratio(hits: float, total: float) -> float | None:
    return hits / total if total else None


def f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None:
        return None
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass
class Confusion:
    """Single-label classification tallies: ``add(gold, predicted)``, ``None`` = no answer."""

    pairs: Counter[tuple[str, str | None]] = field(default_factory=Counter)

    def add(self, gold: str, predicted: str | None) -> None:
        self.pairs[(gold, predicted)] += 1

    @property
    def labels(self) -> list[str]:
        return sorted({g for g, _ in self.pairs} | {p for _, p in self.pairs if p})

    def per_label(self) -> dict[str, dict[str, float | int | None]]:
        out: dict[str, dict[str, float | int | None]] = {}
        for label in self.labels:
            tp = self.pairs[(label, label)]
            gold = sum(c for (g, _), c in self.pairs.items() if g == label)
            predicted = sum(c for (_, p), c in self.pairs.items() if p == label)
            p, r = ratio(tp, predicted), ratio(tp, gold)
            out[label] = {"gold": gold, "predicted": predicted, "tp": tp, "precision": p,
                          "recall": r, "f1": f1(p or 0.0, r or 0.0) if gold else None}  # fmt: skip
        return out

    def macro_f1(self) -> float | None:
        """Mean F1 over the labels present in the gold."""
        scores = [row["f1"] for row in self.per_label().values() if row["gold"]]
        return sum(float(s or 0.0) for s in scores) / len(scores) if scores else None

    def micro_f1(self) -> float | None:
        """Accuracy over answered items as precision, over all items as recall, their F1."""
        total = sum(self.pairs.values())
        answered = sum(c for (_, p), c in self.pairs.items() if p is not None)
        tp = sum(c for (g, p), c in self.pairs.items() if g == p)
        return f1(ratio(tp, answered) or 0.0, ratio(tp, total) or 0.0) if total else None

    def accuracy(self) -> float | None:
        total = sum(self.pairs.values())
        return ratio(sum(c for (g, p), c in self.pairs.items() if g == p), total)

    def matrix(self) -> list[dict[str, Any]]:
        """Rows of gold labels, columns of predicted labels (``-`` = no answer)."""
        columns = [*self.labels, None]
        rows = []
        for gold in sorted({g for g, _ in self.pairs}):
            row: dict[str, Any] = {"gold": gold}
            for col in columns:
                row[col or "-"] = self.pairs[(gold, col)]
            rows.append(row)
        return rows

    def table(self) -> list[dict[str, Any]]:
        return [{"label": k, **v} for k, v in self.per_label().items()]


@dataclass
class SpanScore:
    """Set-based precision/recall: ``add(true_positives, predicted, gold)``."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, tp: int, predicted: int, gold: int) -> None:
        self.tp += tp
        self.predicted += predicted
        self.gold += gold

    @property
    def precision(self) -> float | None:
        return ratio(self.tp, self.predicted)

    @property
    def recall(self) -> float | None:
        return ratio(self.tp, self.gold)

    @property
    def f1(self) -> float | None:
        return f1(self.precision, self.recall)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine)."""
    p = math.pi / 180
    dlat, dlon = (lat2 - lat1) * p, (lon2 - lon1) * p
    a = math.sin(dlat / 2) ** 2 + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def parse_day(value: str, formats: Sequence[str]) -> datetime | None:
    for fmt in formats:
        try:
            return datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
    return None
