"""Shared pieces of the event-coding evaluations: label maps, actor-code matching, the main
event of a sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from eventwatch.errors import DataFileError
from eventwatch.evaluate.base import DatasetResult, ratio
from eventwatch.records import Actor, Event, Modality


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _NewType(_Strict):
    type: str
    mode: str | None = None


class _CodeMatch(_Strict):
    kinds: list[str]
    sectors: list[str]


class _Labels(_Strict):
    version: int
    old_plover: dict[str, _NewType]
    old_plover_modes: dict[str, dict[str, _NewType]] = {}
    non_country_codes: dict[str, _CodeMatch]


@lru_cache(maxsize=1)
def labels() -> _Labels:
    text = resources.files("eventwatch.evaluate").joinpath("data/labels.yaml").read_text("utf-8")
    try:
        return _Labels.model_validate(yaml.safe_load(text))
    except Exception as exc:
        raise DataFileError(f"evaluate/data/labels.yaml: {exc}") from exc


def today_type(draft_type: str, draft_mode: str | None = None) -> str:
    """Today's PLOVER type of a type (and mode) of the 2016 draft the GSR is coded in."""
    by_mode = labels().old_plover_modes.get(draft_type, {})
    if draft_mode and draft_mode in by_mode:
        return by_mode[draft_mode].type
    known = labels().old_plover.get(draft_type)
    return known.type if known else draft_type


def main_event(events: list[Event]) -> Event | None:
    """The event we answer for a one-happening text: the first asserted event in the order of
    the text (headline first), else the first event."""
    ordered = sorted(events, key=lambda e: (e.trigger.field != "title", e.trigger.start))
    asserted = [e for e in ordered if e.modality == Modality.ASSERTED]
    return (asserted or ordered or [None])[0]


def describe(event: Event) -> str:
    def who(a: Actor | None) -> str:
        return f"{a.name}[{a.country or '-'}/{a.sector or '-'}]" if a else "?"

    mode = f"/{event.mode}" if event.mode else ""
    return (f"{event.event_type}{mode} {who(event.actor)} -> {who(event.recipient)} "
            f"({event.modality}, '{event.trigger.text}')")  # fmt: skip


def code_matches(gold: str, actor: Actor | None) -> bool:
    """Does our ``actor`` match the country part of a gold code ("USAGOV", "IGO", "---REB")?"""
    country = gold[:3].upper()
    if country == "---":
        return True
    if actor is None:
        return False
    special = labels().non_country_codes.get(country)
    if special is not None:
        return actor.kind in special.kinds or (actor.sector or "") in special.sectors
    return actor.country == country


_SECTOR = re.compile(r"[A-Z]{3}")


def sectors_of(gold: str) -> list[str]:
    """The 3-letter sector groups after the country part ("IRQGOVMIL" -> GOV, MIL)."""
    rest = gold[3:]
    return [s for s in _SECTOR.findall(rest.upper()) if s != "***"] if rest else []


def sector_matches(gold: str, actor: Actor | None) -> bool | None:
    """None when the gold gives no sector."""
    wanted = sectors_of(gold)
    if not wanted:
        return None
    return actor is not None and (actor.sector or "") in wanted


@dataclass
class ActorTally:
    """Country and sector agreement of one argument (actor or recipient) with gold codes."""

    items: int = 0
    country: int = 0
    sector_items: int = 0
    sector: int = 0
    both: int = 0

    def add(self, gold_codes: list[str], ours: Actor | None) -> None:
        if not gold_codes:
            return
        self.items += 1
        hit = any(code_matches(c, ours) and c[:3] != "---" for c in gold_codes) or (
            all(c[:3] == "---" for c in gold_codes) and ours is not None
        )
        self.country += hit
        sectors = [s for c in gold_codes if (s := sector_matches(c, ours)) is not None]
        if sectors:
            self.sector_items += 1
            self.sector += any(sectors)
        self.both += hit and (not sectors or any(sectors))

    def report(self, result: DatasetResult, key: str, label: str) -> None:
        result.add(f"{key}_country", f"{label} country accuracy", ratio(self.country, self.items),
                   n=self.items)  # fmt: skip
        result.add(f"{key}_sector", f"{label} sector accuracy (gold sector given)",
                   ratio(self.sector, self.sector_items), n=self.sector_items)  # fmt: skip
        result.add(f"{key}_both", f"{label} country and sector", ratio(self.both, self.items),
                   n=self.items)  # fmt: skip


def read_cameo_table(path: Path) -> dict[str, tuple[str, str | None]]:
    """The official CAMEO -> PLOVER table: code -> (PLOVER type, mode or None).

    Lines look like ``0311: AGREE,  ,   economic # comment``; the fields after the type are
    mode and context. Codes absent from the table inherit from their longest listed prefix.
    """
    table: dict[str, tuple[str, str | None]] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or ":" not in line:
            continue
        code, rest = (part.strip() for part in line.split(":", 1))
        fields = [f.strip() for f in rest.split(",")]
        if not code.isdigit() or not fields[0]:
            continue
        mode = fields[1] if len(fields) > 1 and fields[1] else None
        table.setdefault(code, (fields[0].upper(), mode))  # "08" is listed twice: first wins
    return table


def cameo_to_plover(code: str, table: dict[str, tuple[str, str | None]]) -> str | None:
    for n in range(len(code), 1, -1):
        if code[:n] in table:
            return table[code[:n]][0]
    return None
