"""PLOVER gold standard records (``plover_gsr``): one sentence, one gold event.

Scored: the event type of our main event of the sentence against the gold type (16 types,
after the README's old-to-new map), micro and macro F1, per-type precision and recall, the
confusion matrix; the actor and recipient (country, sector) of that event; dead and injured
counts where the gold gives them. See docs/evaluation.md.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from eventwatch.evaluate.base import (
    Confusion,
    DatasetResult,
    EvalContext,
    Miss,
    gold_article,
    ratio,
)
from eventwatch.evaluate.codes import ActorTally, describe, main_event, today_type
from eventwatch.records import Event

TITLE = "PLOVER GSR (event type, actor, recipient)"


def _actors(value: Any) -> list[dict[str, Any]]:
    """Gold actors: a list of {code, sector}; a few records hold a bare string instead."""
    return [a for a in value if isinstance(a, dict)] if isinstance(value, list) else []


def _gold_codes(actors: Sequence[dict[str, Any]]) -> list[str]:
    return [f"{a.get('code') or '---'}{a.get('sector') or ''}" for a in actors]


def evaluate(ctx: EvalContext) -> DatasetResult:
    path = ctx.path("plover_gsr", "plover_gsr.jsonl")
    with path.open(encoding="utf-8") as fh:
        rows = ctx.take(json.loads(line) for line in fh if line.strip())
    articles = ctx.code(
        [gold_article(r["id"], r["text"], published=r.get("date") or None) for r in rows],
        label="plover_gsr",
    )
    result = DatasetResult("plover_gsr", TITLE, records=len(rows))
    types, any_hit, none = Confusion(), 0, 0
    actor, recipient = ActorTally(), ActorTally()
    dead = [0, 0]
    for row, article in zip(rows, articles, strict=True):
        gold = today_type(row["event"], row.get("mode"))
        event = main_event(article.events)
        predicted = event.event_type if event else None
        types.add(gold, predicted)
        any_hit += any(e.event_type == gold for e in article.events)
        none += event is None
        sources, targets = _actors(row.get("source")), _actors(row.get("target"))
        actor.add(_gold_codes(sources), event.actor if event else None)
        recipient.add(_gold_codes(targets), event.recipient if event else None)
        if row.get("dead") not in (None, ""):
            dead[1] += 1
            dead[0] += event is not None and event.dead == int(row["dead"])
        if predicted != gold:
            result.misses.append(_miss(row, gold, article.events))
    _report(result, types, actor, recipient, any_hit, none, dead)
    return result


def _miss(row: dict[str, Any], gold: str, events: list[Event]) -> Miss:
    expected = f"{gold} {'+'.join(_gold_codes(_actors(row.get('source'))))}"
    expected += f" -> {'+'.join(_gold_codes(_actors(row.get('target'))))}"
    got = "; ".join(describe(e) for e in events) or "no event"
    return Miss(row["id"], row["text"], expected, got, severity=2.0 if not events else 1.0)


def _report(
    result: DatasetResult,
    types: Confusion,
    actor: ActorTally,
    recipient: ActorTally,
    any_hit: int,
    none: int,
    dead: list[int],
) -> None:
    n = result.records
    result.add("macro_f1", "event type macro-F1 (16 types)", types.macro_f1(), n=n, target=0.80,
               reference="TF-IDF/MiniLM logistic regression: about 0.30")  # fmt: skip
    result.add("micro_f1", "event type micro-F1", types.micro_f1(), n=n)
    result.add("accuracy", "event type accuracy (main event)", types.accuracy(), n=n)
    result.add("any_event_recall", "gold type among any of our events", ratio(any_hit, n), n=n)
    result.add("no_event", "sentences with no event", ratio(none, n), n=n, gate=False)
    actor.report(result, "actor", "actor")
    recipient.report(result, "recipient", "recipient")
    result.add("dead_exact", "dead count exact (where given)", ratio(dead[0], dead[1]), n=dead[1])
    result.tables["per_type"] = types.table()
    result.tables["confusion"] = types.matrix()
    result.notes.append(
        "The main event of a sentence is our first asserted event in trigger order, else our "
        "first event; a sentence with no event counts as a miss for its gold type."
    )
