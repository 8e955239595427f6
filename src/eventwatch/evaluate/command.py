"""``eventwatch eval``: measure the pipeline on the gold standards and gate on the floors."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from eventwatch.config import load_settings
from eventwatch.evaluate import DATASETS, default_root, evaluate
from eventwatch.evaluate.base import DatasetResult
from eventwatch.evaluate.report import (
    MARK,
    check_floors,
    fmt,
    load_floors,
    markdown,
    misses_text,
    raised_floors,
    to_json,
    update_section,
)

err = Console(stderr=True)
out = Console()
EXIT_BELOW_FLOOR = 4


def eval_command(
    datasets: Annotated[
        list[str] | None,
        typer.Argument(help=f"Datasets to evaluate (default all): {', '.join(DATASETS)}."),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            envvar="EVENTWATCH_EVAL_DATA",
            help="Folder holding the datasets (default ../shared/data).",
        ),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Only the first N items of each dataset.")
    ] = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Write all results (no gold text) here as JSON.")
    ] = None,
    misses: Annotated[
        Path | None,
        typer.Option("--misses", help="Write the worst misses, with their sentences, here."),
    ] = None,
    write_docs: Annotated[
        Path | None,
        typer.Option("--write-docs", help="Replace the evaluation section of this Markdown file."),
    ] = None,
    floors: Annotated[
        Path | None,
        typer.Option("--floors", help="Fail (exit 4) when a score is below its floor here."),
    ] = None,
    raise_floors: Annotated[
        bool,
        typer.Option("--raise-floors", help="Move the floors file up to today's scores."),
    ] = False,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Settings file (YAML).")
    ] = None,
) -> None:
    """Measure eventwatch on third-party gold standards (docs/evaluation.md)."""
    names = datasets or list(DATASETS)
    unknown = [n for n in names if n not in DATASETS]
    if unknown:
        raise typer.BadParameter(f"unknown dataset(s) {unknown}; known: {', '.join(DATASETS)}")
    root = data or default_root()
    settings = load_settings(config)
    with _progress() as progress:
        results = evaluate(names, root=root, settings=settings, limit=limit, progress=progress)
    _print(results)
    _write(results, limit, json_path, misses, write_docs)
    if floors is not None:
        _gate(results, floors, raise_floors and limit is None)


def _write(
    results: list[DatasetResult],
    limit: int | None,
    json_path: Path | None,
    misses: Path | None,
    write_docs: Path | None,
) -> None:
    if json_path is not None:
        payload = to_json(results, limit=limit)
        for values in payload["datasets"].values():
            values.pop("misses", None)  # gold sentences stay out of files we commit
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(payload, indent=1, default=str) + "\n", encoding="utf-8")
        err.print(f"results: {json_path.resolve()}", highlight=False)
    if misses is not None:
        misses.parent.mkdir(parents=True, exist_ok=True)
        misses.write_text(misses_text(results), encoding="utf-8")
        err.print(f"worst misses: {misses.resolve()}", highlight=False)
    if write_docs is not None:
        if all(r.skipped for r in results):
            err.print(f"{write_docs} left as it is: every dataset was skipped")
        else:
            section = f"<!-- {MARK}:start -->\n{markdown(results, limit=limit)}<!-- {MARK}:end -->"
            update_section(write_docs, MARK, "Accuracy on gold standards", section)
            err.print(f"tables: {write_docs.resolve()}", highlight=False)


def _gate(results: list[DatasetResult], floors: Path, raise_them: bool) -> None:
    current = load_floors(floors)
    failures = check_floors(results, current)
    for failure in failures:
        err.print(f"[bold red]below floor:[/] {escape(failure)}", highlight=False)
    if failures:
        raise typer.Exit(EXIT_BELOW_FLOOR)
    if raise_them:
        new = raised_floors(results, current)
        if new != current:
            floors.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            err.print(f"floors raised: {floors.resolve()}", highlight=False)
    err.print(f"every score is at or above its floor ({floors})", highlight=False)


def _print(results: list[DatasetResult]) -> None:
    table = Table(title="eventwatch eval", header_style="bold")
    for column in ("dataset", "metric", "value", "n", "target"):
        table.add_column(column, justify="right" if column in ("value", "n", "target") else "left")
    for r in results:
        if r.skipped:
            table.add_row(r.name, f"skipped: {r.skipped}", "", "", "")
            continue
        for i, m in enumerate(r.metrics):
            mark = {True: " ✓", False: " ✗", None: ""}[m.met]
            table.add_row(r.name if i == 0 else "", m.label, fmt(m.value, m.unit),
                          "" if m.n is None else str(m.n),
                          fmt(m.target, m.unit) + mark if m.target is not None else "")  # fmt: skip
        table.add_section()
    out.print(table)


@contextmanager
def _progress() -> Iterator[Callable[[str, int], Callable[[int], None]] | None]:
    if not err.is_terminal:
        yield None
        return
    columns = (TextColumn("[bold]{task.description}"), BarColumn(bar_width=None),
               MofNCompleteColumn(), TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=err, transient=True) as progress:

        def start(label: str, total: int) -> Callable[[int], None]:
            task = progress.add_task(label, total=total)
            return lambda n: progress.update(task, advance=n)

        yield start
