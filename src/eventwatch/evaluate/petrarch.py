"""PETRARCH2's real-world validation set (``petrarch_cameo``): (source, target, event) triples.

Gold CAMEO codes become PLOVER types through the official ``CAMEO2PLOVER-2021.txt`` (read from
``plover_gsr/``); codes the table leaves out (01 public statements, 02 appeals) cannot be
compared and are left out of the gold, and counted. Each of our asserted events is one
predicted triple (actor, recipient, type): like PETRARCH, we code what was done or said, and an
announced, refused or threatened action appears as its statement (AGREE, REJECT, THREATEN).
A gold triple is found when a predicted triple has its type and both
its actors match (see ``codes.code_matches``), each predicted triple matching at most one gold.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from eventwatch.evaluate.base import DatasetResult, EvalContext, Miss, SpanScore, gold_article
from eventwatch.evaluate.codes import cameo_to_plover, code_matches, describe, read_cameo_table
from eventwatch.records import Event, Modality

TITLE = "PETRARCH2 validation (source, target, event triples)"
REFERENCE = "PETRARCH2 is the author of this gold: its own output defines it"


def _published(raw: str | None) -> datetime | None:
    try:
        return datetime.strptime(raw or "", "%Y%m%d")
    except ValueError:
        return None


def _matches(gold: dict[str, Any], event: Event, plover: str) -> bool:
    return (
        event.event_type == plover
        and code_matches(gold["source"], event.actor)
        and code_matches(gold["target"], event.recipient)
    )


def evaluate(ctx: EvalContext) -> DatasetResult:
    table_path = ctx.path("plover_gsr", "CAMEO2PLOVER-2021.txt")
    if not table_path.exists():
        return DatasetResult("petrarch_cameo", TITLE, skipped=f"no {table_path}")
    table = read_cameo_table(table_path)
    path = ctx.path("petrarch_cameo", "petr2_gsr_validation.jsonl")
    with path.open(encoding="utf-8") as fh:
        rows = [r for line in fh if line.strip() and (r := json.loads(line))["text"].strip()]
    rows = ctx.take(rows)
    articles = ctx.code(
        [gold_article(r["id"], r["text"], published=_published(r.get("date"))) for r in rows],
        label="petrarch_cameo",
    )
    result = DatasetResult("petrarch_cameo", TITLE, records=len(rows))
    triples, types, unmapped = SpanScore(), SpanScore(), 0
    for row, article in zip(rows, articles, strict=True):
        gold = []
        for g in row.get("events") or []:
            plover = cameo_to_plover(g["eventcode"], table)
            if plover is None:
                unmapped += 1
            else:
                gold.append((g, plover))
        events = [e for e in article.events if e.modality == Modality.ASSERTED]
        free = list(events)
        found = 0
        for g, plover in gold:
            hit = next((e for e in free if _matches(g, e, plover)), None)
            if hit is not None:
                free.remove(hit)
                found += 1
        triples.add(found, len(events), len(gold))
        gold_types = {p for _, p in gold}
        ours = {e.event_type for e in events}
        types.add(len(gold_types & ours), len(ours), len(gold_types))
        if found < len(gold) or len(events) > found:
            result.misses.append(_miss(row, gold, events, found))
    _report(result, triples, types, unmapped)
    return result


def _miss(row: dict[str, Any], gold: list[tuple[dict[str, Any], str]], events: list[Event],
          found: int) -> Miss:  # fmt: skip
    expected = "; ".join(f"{p} {g['source']} -> {g['target']} ({g['eventcode']})" for g, p in gold)
    got = "; ".join(describe(e) for e in events) or "no event"
    missed = len(gold) - found
    return Miss(row["id"], row["text"], expected or "no event", got,
                severity=missed + 0.5 * (len(events) - found))  # fmt: skip


def _report(result: DatasetResult, triples: SpanScore, types: SpanScore, unmapped: int) -> None:
    result.add("triple_precision", "triple precision", triples.precision, n=triples.predicted)
    result.add("triple_recall", "triple recall", triples.recall, n=triples.gold)
    result.add("triple_f1", "(source, target, event) triple F1", triples.f1, n=triples.gold,
               target=0.75, reference=REFERENCE)  # fmt: skip
    result.add("type_f1", "event type F1 per sentence (actors ignored)", types.f1, n=types.gold)
    result.notes.append(
        f"{unmapped} gold codings with CAMEO codes absent from CAMEO2PLOVER (01 statements, "
        "02 appeals) are left out; every asserted event we code counts as a predicted triple."
    )
