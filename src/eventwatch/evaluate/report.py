"""Evaluation results for people and machines: Markdown, JSON, the misses file, the CI floors.

The floors file (``benchmarks/floors.json``) holds, per dataset and metric, the lowest score CI
accepts. ``check_floors`` lists the metrics below their floor; ``raised_floors`` returns floors
moved up to the new scores (less a margin for run-to-run noise) and never down.
"""

from __future__ import annotations

import json
import math
import os
import platform
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eventwatch.evaluate.base import DatasetResult, Metric

MARK = "evaluation"


def machine() -> str:
    """The CPU model, the CPUs visible and the Python version."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs visible, Python {platform.python_version()}"


def update_section(path: Path, mark: str, heading: str, section: str) -> None:
    """Replace the ``<!-- mark:start -->...<!-- mark:end -->`` part of ``path`` with
    ``section`` (which carries the markers), or append it under ``heading``."""
    start, end = f"<!-- {mark}:start -->", f"<!-- {mark}:end -->"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if start in old and end in old:
        head, rest = old.split(start, 1)
        new = head + section + rest.split(end, 1)[1]
    else:
        new = old.rstrip() + f"\n\n## {heading}\n\n" + section + "\n"
    path.write_text(new, encoding="utf-8")


# ------------------------------------------------------------------------------------ formats
def fmt(value: float | None, unit: str = "ratio") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "km":
        return f"{value:,.1f} km"
    if unit in ("count", "seconds"):
        return f"{value:,.0f}" if unit == "count" else f"{value:.1f} s"
    return f"{value:.3f}"


def _met(metric: Metric) -> str:
    return {True: "met", False: "**not met**", None: ""}[metric.met]


def markdown(results: Sequence[DatasetResult], *, limit: int | None = None) -> str:
    """The results as Markdown: a summary of every metric with a target, then each dataset."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    lines = [f"Measured {stamp} on {machine()} with `eventwatch eval`"
             + (f" (first {limit} items of each dataset)" if limit else "") + "."]  # fmt: skip
    targeted = [(r, m) for r in results for m in r.metrics if m.target is not None]
    if targeted:
        lines += [
            "",
            "| dataset | metric | ours | target | | the field |",
            "|---|---|---|---|---|---|",
        ]
        for r, m in targeted:
            ours, target = fmt(m.value, m.unit), fmt(m.target, m.unit)
            lines.append(
                f"| {r.name} | {m.label} | {ours} | {target} | {_met(m)} | {m.reference or ''} |"
            )
    for r in results:
        lines += ["", f"### {r.name}: {r.title}", ""]
        if r.skipped:
            lines.append(f"Skipped: {r.skipped}.")
            continue
        lines += [f"{r.records:,} gold items, {r.seconds:.0f} s.", "",
                  "| metric | value | n |", "|---|---|---|"]  # fmt: skip
        lines += [f"| {m.label} | {fmt(m.value, m.unit)} | {m.n if m.n is not None else ''} |"
                  for m in r.metrics]  # fmt: skip
        if "per_type" in r.tables:
            lines += ["", _per_type(r.tables["per_type"])]
        if "by_region" in r.tables:
            lines += ["", "By world region (a rule that only fitted one region would show here):",
                      "", _plain(r.tables["by_region"])]  # fmt: skip
        lines += [f"\n{note}" for note in r.notes]
    return "\n".join(lines) + "\n"


def _per_type(rows: list[dict[str, Any]]) -> str:
    out = ["| type | gold | predicted | precision | recall | F1 |", "|---|---|---|---|---|---|"]
    for row in rows:
        scores = " | ".join(fmt(row[k]) for k in ("precision", "recall", "f1"))
        out.append(f"| {row['label']} | {row['gold']} | {row['predicted']} | {scores} |")
    return "\n".join(out)


def _plain(rows: list[dict[str, Any]]) -> str:
    """A table of flat rows, ratios to three decimals."""
    columns = list(rows[0]) if rows else []
    out = [
        "| " + " | ".join(c.replace("_", " ") for c in columns) + " |",
        "|---" * len(columns) + "|",
    ]
    for row in rows:
        cells = [fmt(v) if isinstance(v, float) else str(v) for v in row.values()]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def to_json(results: Sequence[DatasetResult], *, limit: int | None = None) -> dict[str, Any]:
    return {
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "limit": limit,
        "datasets": {r.name: asdict(r) for r in results},
    }


def misses_text(results: Sequence[DatasetResult], per_dataset: int = 40) -> str:
    """The worst misses of each dataset, with their text, for a person to read."""
    out = ["# eventwatch eval: the worst misses", ""]
    for r in results:
        if r.skipped or not r.misses:
            continue
        worst = sorted(r.misses, key=lambda m: -m.severity)[:per_dataset]
        out += [f"## {r.name} ({len(r.misses)} misses, the {len(worst)} worst)", ""]
        for m in worst:
            out += [f"- **{m.item}**: {m.text.strip()}", f"  - expected: {m.expected}",
                    f"  - got: {m.got}", ""]  # fmt: skip
    return "\n".join(out)


# ------------------------------------------------------------------------------------ floors
def load_floors(path: Path) -> dict[str, dict[str, float]]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def check_floors(
    results: Sequence[DatasetResult], floors: dict[str, dict[str, float]]
) -> list[str]:
    """Metrics below their floor, as messages; skipped datasets are not checked."""
    failures = []
    for r in results:
        if r.skipped:
            continue
        for key, floor in floors.get(r.name, {}).items():
            metric = r.metric(key)
            if metric is None or metric.value is None:
                failures.append(f"{r.name}.{key}: no value (floor {floor:.3f})")
            elif (metric.value > floor) if metric.unit == "km" else (metric.value < floor):
                failures.append(
                    f"{r.name}.{key}: {metric.value:.3f} is below its floor {floor:.3f}"
                )
    return failures


def raised_floors(
    results: Sequence[DatasetResult],
    floors: dict[str, dict[str, float]],
    *,
    margin: float = 0.01,
) -> dict[str, dict[str, float]]:
    """Floors moved up to each gated ratio metric's value less a margin, never lowered. The
    margin is ``margin`` or one item of the metric (1/n), whichever is larger: on a set of 60
    sentences one sentence moves a score by 0.017, which is noise, not a regression."""
    new = {name: dict(values) for name, values in floors.items()}
    for r in results:
        if r.skipped:
            continue
        for m in r.metrics:
            if not m.gate or m.value is None or m.unit != "ratio" or not m.n:
                continue
            candidate = math.floor((m.value - max(margin, 1 / m.n)) * 1000) / 1000
            old = new.setdefault(r.name, {}).get(m.key)
            if old is None or candidate > old:
                new[r.name][m.key] = max(candidate, 0.0)
    return new
