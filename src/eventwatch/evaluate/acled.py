"""ACLED (RPanlilio extract, 2020): event type, actors, place, date and fatalities from notes.

Each row's ``notes`` (ACLED's analyst summary) is coded as an article published at the row's
upload ``timestamp``; the row's own ``event_date`` is never given to the system, which must read
the date in the note. One event answers for the note (``choice`` in ``data/acled.yaml``): the
first asserted ASSAULT or PROTEST, else COERCE, else the first event. Its PLOVER type, mode and
sectors, the note's other events and the note's words (``cues``: whether both sides fought, the
weapon, whether a crowd attacked) give ACLED's event type and sub-event type by the ordered
rules of the same file; a note with no event is read from its words alone. Its actor and
recipient are scored against actor1 and actor2 (country + sector, through the inter codes); its
place (else the note's focus) against the row's point; its date against ``event_date``; its
``dead`` against ``fatalities``. docs/eval/acled.md documents all of it.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError, model_validator

from eventwatch.errors import DataFileError
from eventwatch.evaluate.acled_claims import (
    NO_REPORT,
    ClaimScores,
    SizeKey,
    gold_size_keys,
    score_note,
    strip_size,
)
from eventwatch.evaluate.base import (
    NEAR_KM,
    Confusion,
    DatasetResult,
    EvalContext,
    Miss,
    distance_km,
    gold_article,
    parse_day,
    ratio,
)
from eventwatch.records import Actor, Article, Event, Modality, Place

FOLDER = "acled_rpanlilio_2020"
FILE = "acled.csv"
NONE = "none"  # sector-group name for "no actor"
REFERENCE = "bag-of-words classifier: 0.92 in cross-validation, ~0.72 on another region"


# ------------------------------------------------------------------------------ the map file
class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventCondition(_Model):
    """Another event of the note that a rule requires (``note_has``)."""

    type: str | None = None
    modes: list[str | None] | None = None
    actor: list[str] | None = None
    dead: bool | None = None  # True: states at least one death


class Rule(_Model):
    type: str | list[str | None] | None = None
    modes: list[str | None] | None = None
    actor: list[str] | None = None
    recipient: list[str] | None = None
    armed_parties: int | None = None
    unarmed: bool | None = None
    words: list[str] = []
    not_words: list[str] = []
    note_has: list[EventCondition] = []
    acled: tuple[str, str]

    @property
    def types(self) -> list[str | None] | None:
        """The accepted event types (None in the list: no event), or None for any."""
        return [self.type] if isinstance(self.type, str) else self.type

    @property
    def needs_event(self) -> bool:
        return any(x is not None for x in (self.modes, self.actor, self.recipient)) or (
            self.types is not None and None not in self.types
        )


class Choice(_Model):
    tiers: list[list[str]]


class AcledMap(_Model):
    version: int
    choice: Choice
    sector_groups: dict[str, list[str]]
    cues: dict[str, list[str]] = {}
    rules: list[Rule]
    inter_sectors: dict[int, list[str]]
    _patterns: dict[str, re.Pattern[str]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _groups_known(self) -> AcledMap:
        known = set(self.sector_groups) | {NONE}
        for i, rule in enumerate(self.rules):
            groups = [*(rule.actor or []), *(rule.recipient or [])]
            groups += [g for c in rule.note_has for g in (c.actor or [])]
            for group in groups:
                if group not in known:
                    raise ValueError(f"rules[{i}]: unknown sector group {group!r}")
            for cue in [*rule.words, *rule.not_words]:
                if cue not in self.cues:
                    raise ValueError(f"rules[{i}]: unknown cue group {cue!r}")
        if "armed" not in self.sector_groups:
            raise ValueError("sector_groups: 'armed' is required (armed_parties counts them)")
        return self

    @model_validator(mode="after")
    def _compile_cues(self) -> AcledMap:
        for name, words in self.cues.items():
            alternatives = "|".join(f"(?:{w})" for w in words)
            try:
                self._patterns[name] = re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)
            except re.error as exc:
                raise ValueError(f"cues.{name}: {exc}") from exc
        return self

    def cues_in(self, text: str) -> frozenset[str]:
        """The cue groups that occur in ``text``."""
        return frozenset(name for name, pat in self._patterns.items() if pat.search(text))


@cache
def load_map() -> AcledMap:
    """The packaged ``data/acled.yaml``, validated."""
    source = "eventwatch/evaluate/data/acled.yaml"
    text = (resources.files("eventwatch.evaluate") / "data" / "acled.yaml").read_text("utf-8")
    try:
        return AcledMap.model_validate(yaml.safe_load(text))
    except (ValidationError, yaml.YAMLError) as exc:
        raise DataFileError(f"{source}: {exc}") from exc


# ------------------------------------------------------------------------------ gold rows
@dataclass(slots=True)
class GoldRow:
    id: str
    notes: str
    published: datetime
    event_type: str
    sub_event_type: str
    actor1: str
    inter1: int
    actor2: str
    inter2: int
    country: str
    iso3: str
    lat: float
    lon: float
    day: date | None
    fatalities: int
    region: str = ""


def read_rows(path: Path) -> Iterable[GoldRow]:
    """The complete rows of an ACLED export (a truncated or blank row is skipped)."""
    with path.open(encoding="utf-8", newline="") as handle:
        for raw in csv.DictReader(handle):
            row = _row(raw)
            if row is not None:
                yield row


def _row(raw: dict[str, str | None]) -> GoldRow | None:
    get = {k: (v or "").strip() for k, v in raw.items() if k}
    try:
        stamp = datetime.fromtimestamp(int(get["timestamp"]), tz=UTC)
        day = parse_day(get["event_date"], ("%d-%b-%y", "%d %B %Y", "%Y-%m-%d"))
        return GoldRow(
            id=get["event_id_cnty"] or get["data_id"],
            notes=get["notes"],
            published=stamp,
            event_type=get["event_type"],
            sub_event_type=get["sub_event_type"],
            actor1=get["actor1"],
            inter1=int(get["inter1"] or 0),
            actor2=get["actor2"],
            inter2=int(get["inter2"] or 0),
            country=get["country"],
            iso3=get["iso3"],
            lat=float(get["latitude"]),
            lon=float(get["longitude"]),
            day=day.date() if day else None,
            fatalities=int(get["fatalities"]),
            region=get.get("region") or "",
        )
    except (KeyError, ValueError):
        return None


_STATE = re.compile(r"^(?:Military|Police) Forces of (?:the )?(.+?) \(\d{4}-?\d*\)")
_PAREN = re.compile(r"\(([^()]+)\)\s*$")


def actor_country(name: str, iso3_by_name: dict[str, str]) -> str | None:
    """ISO3 of an ACLED actor name: "Military Forces of Ukraine (2019-)", "Rioters (India)";
    None for transnational or unlocated groups ("Al Shabaab")."""
    match = _STATE.match(name) or _PAREN.search(name)
    if match is None:
        return None
    return iso3_by_name.get(match.group(1).strip().removeprefix("the "))


# ------------------------------------------------------------------------------ the answer
def choose(events: Sequence[Event], amap: AcledMap) -> Event | None:
    """The event that answers for a note (``choice.tiers``, asserted first)."""
    for asserted in (True, False):
        pool = [e for e in events if (e.modality == Modality.ASSERTED) or not asserted]
        for tier in amap.choice.tiers:
            found = next((e for e in pool if e.event_type in tier), None)
            if found is not None:
                return found
    return events[0] if events else None


def read_note(article: Article, amap: AcledMap) -> tuple[Event | None, tuple[str, str] | None]:
    """The note's chosen event and its ACLED (event_type, sub_event_type)."""
    event = choose(article.events, amap)
    return event, classify(event, article, amap)


def _current_text(article: Article, chosen: Event | None) -> str:
    """The note less the sentences that tell other happenings: those whose events are all
    historical or all of another type than the chosen event (with no event chosen, the note)."""
    if chosen is None:
        return article.text
    by_sentence: dict[tuple[int, int], list[Event]] = {}
    for e in article.events:
        if e.evidence.field == "body":
            by_sentence.setdefault((e.evidence.start, e.evidence.end), []).append(e)
    text = article.text
    for (start, end), events in sorted(by_sentence.items(), reverse=True):
        other = all(e.modality == Modality.HISTORICAL or e.event_type != chosen.event_type
                    for e in events)  # fmt: skip
        if other and chosen.evidence.start != start:
            text = text[:start] + text[end:]
    return text


def classify(event: Event | None, article: Article, amap: AcledMap) -> tuple[str, str] | None:
    """ACLED (event_type, sub_event_type) of the chosen event (None: the note has no event):
    the first matching rule, None when no rule matches. Cue words are read in the note less the
    sentences that tell other happenings (see ``_current_text``)."""
    words = amap.cues_in(_current_text(article, event))
    for rule in amap.rules:
        if _rule_matches(rule, event, article, amap, words):
            return rule.acled
    return None


def _in_groups(actor: Actor | None, groups: list[str], amap: AcledMap) -> bool:
    sector = actor.sector if actor is not None else None
    if sector is None:
        return NONE in groups
    return any(sector in amap.sector_groups.get(g, ()) for g in groups)


def _mode_ok(modes: list[str | None] | None, mode: str | None) -> bool:
    return modes is None or mode in modes


def _rule_matches(
    rule: Rule, event: Event | None, article: Article, amap: AcledMap, words: frozenset[str]
) -> bool:
    if not all(w in words for w in rule.words) or any(w in words for w in rule.not_words):
        return False
    if event is None:
        if rule.needs_event:
            return False
    elif not _event_fits(rule, event, amap):
        return False
    if rule.armed_parties is not None and armed_parties(article, amap) < rule.armed_parties:
        return False
    if rule.unarmed and (armed_parties(article, amap) > 0 or "armed" in words):
        return False
    if rule.note_has:
        others = [e for e in article.events if e is not event]
        return any(_event_matches(c, e, amap) for c in rule.note_has for e in others)
    return True


def _event_fits(rule: Rule, event: Event, amap: AcledMap) -> bool:
    types = rule.types
    if types is not None and event.event_type not in types:
        return False
    if not _mode_ok(rule.modes, event.mode):
        return False
    if rule.actor is not None and not _in_groups(event.actor, rule.actor, amap):
        return False
    return rule.recipient is None or _in_groups(event.recipient, rule.recipient, amap)


def _event_matches(cond: EventCondition, event: Event, amap: AcledMap) -> bool:
    if cond.type is not None and event.event_type != cond.type:
        return False
    if not _mode_ok(cond.modes, event.mode):
        return False
    if cond.actor is not None and not _in_groups(event.actor, cond.actor, amap):
        return False
    return cond.dead is None or bool(event.dead) == cond.dead


def armed_parties(article: Article, amap: AcledMap) -> int:
    """Distinct armed actors named in the note (by code, else name)."""
    armed = set(amap.sector_groups["armed"])
    return len({a.code or a.name for a in article.actors if a.sector in armed})


def fatalities(event: Event | None, article: Article) -> int:
    """The largest count of dead that an event of the note states (a note tells one ACLED
    event; its clauses and its closing tally restate one number); else the chosen event's
    ``dead``; else 0."""
    stated = [e.dead for e in article.events if e.dead is not None]
    if stated:
        return max(stated)
    return event.dead if event is not None and event.dead is not None else 0


def place_of(event: Event | None, article: Article) -> Place | None:
    place = event.place if event is not None else None
    return place if place is not None and place.lat is not None else article.focus


def actor_ok(actor: Actor | None, inter: int, country: str | None, amap: AcledMap) -> bool:
    """Sector in the inter code's class and, where ACLED names one, the same country."""
    if actor is None or actor.sector not in amap.inter_sectors.get(inter, ()):
        return False
    return country is None or actor.country == country


# ------------------------------------------------------------------------------ scoring
@dataclass(slots=True)
class _Tally:
    types: Confusion
    subtypes: Confusion
    hits: Counter[str]
    totals: Counter[str]

    def mark(self, key: str, ok: bool, counted: bool = True) -> None:
        if counted:
            self.totals[key] += 1
            self.hits[key] += int(ok)

    def value(self, key: str) -> float | None:
        return ratio(self.hits[key], self.totals[key])


def evaluate(ctx: EvalContext) -> DatasetResult:
    result = DatasetResult(FOLDER, "ACLED 2020 extract (notes -> ACLED event records)")
    path = ctx.path(FOLDER, FILE)
    if not path.is_file():
        result.skipped = f"no file {path}"
        return result
    amap = load_map()
    all_rows = list(read_rows(path))
    iso3_by_name = {r.country: r.iso3 for r in all_rows if r.country and r.iso3}
    rows = ctx.take(all_rows)
    notes = [strip_size(r.notes) for r in rows]  # the size tag is gold, not text
    articles = [gold_article(r.id, text, published=r.published) for r, (text, _) in zip(
        rows, notes, strict=True)]  # fmt: skip
    coded = ctx.code(articles, "acled notes")
    tally = _Tally(Confusion(), Confusion(), Counter(), Counter())
    claims = ClaimScores()
    keys = _gold_sizes(ctx, [tag for _, tag in notes if tag])
    misses: list[Miss] = []
    claim_misses: list[Miss] = []
    for row, article, (text, tag) in zip(rows, coded, notes, strict=True):
        misses.extend(_score(row, article, amap, iso3_by_name, tally))
        got = score_note(claims, article, row.fatalities, tag, keys)
        claim_misses.extend(_claim_misses(row, text, tag, keys, got))
    result.records = len(rows)
    _report(result, tally, rows)
    _report_claims(result, claims)
    worst = sorted(misses, key=lambda m: -m.severity)[:40]
    result.misses = worst + sorted(claim_misses, key=lambda m: -m.severity)[:20]
    return result


def _gold_sizes(ctx: EvalContext, tags: list[str]) -> dict[str, SizeKey]:
    from eventwatch.claims import AmountReader, load_claims_lexicon
    from eventwatch.events.lexicon import load_lexicon
    from eventwatch.nlp import load_pipeline

    nlp = ctx.pipeline.nlp if ctx.pipeline is not None else load_pipeline(ctx.settings.nlp.model)
    reader = AmountReader(load_claims_lexicon(), load_lexicon().number_words)
    return gold_size_keys(tags, nlp, reader)


def _claim_misses(
    row: GoldRow,
    text: str,
    tag: str | None,
    keys: dict[str, SizeKey],
    got: tuple[int, SizeKey | None],
) -> list[Miss]:
    dead, size = got
    out = []
    if dead != row.fatalities:
        out.append(Miss(row.id, text, f"claimed dead {row.fatalities}", str(dead),
                        1.0 + min(abs(dead - row.fatalities), 20) / 10))  # fmt: skip
    if tag is not None:
        wanted = None if tag == NO_REPORT else keys.get(tag)
        if size != wanted:
            out.append(Miss(row.id, text, f"crowd size [size={tag}] {wanted}", str(size), 1.5))
    return out


def _report_claims(result: DatasetResult, scores: ClaimScores) -> None:
    add = result.add
    add("claims_fatalities_exact", "claims: fatalities exact (all rows)", scores.value("dead"),
        n=scores.totals.get("dead", 0), target=0.90)  # fmt: skip
    add("claims_fatalities_exact_positive", "claims: fatalities exact (rows with deaths)",
        scores.value("dead_pos"), n=scores.totals.get("dead_pos", 0))  # fmt: skip
    add("crowd_size_exact", "claims: crowd size exact (notes with a size tag)",
        scores.value("size"), n=scores.totals.get("size", 0), target=0.90)  # fmt: skip
    add("crowd_size_exact_stated", "claims: crowd size exact (tags that state a size)",
        scores.value("size_stated"), n=scores.totals.get("size_stated", 0))  # fmt: skip
    add("crowd_size_none", "claims: no size found where the tag says 'no report'",
        scores.value("size_none"), n=scores.totals.get("size_none", 0))  # fmt: skip


def _score(
    row: GoldRow,
    article: Article,
    amap: AcledMap,
    iso3_by_name: dict[str, str],
    tally: _Tally,
) -> list[Miss]:
    event, answer = read_note(article, amap)
    tally.types.add(row.event_type, answer[0] if answer else None)
    tally.mark(f"region:{row.region}", bool(answer) and answer[0] == row.event_type)
    got_sub = ": ".join(answer) if answer else None
    tally.subtypes.add(f"{row.event_type}: {row.sub_event_type}", got_sub)
    for key, name, inter, got in (
        ("actor1", row.actor1, row.inter1, event.actor if event else None),
        ("actor2", row.actor2, row.inter2, event.recipient if event else None),
    ):
        if not name or not inter:
            continue
        sectors = amap.inter_sectors.get(inter, [])
        tally.mark(f"{key}_sector", got is not None and got.sector in sectors)
        tally.mark(key, actor_ok(got, inter, actor_country(name, iso3_by_name), amap))
    place = place_of(event, article)
    km = _km(place, row)
    tally.mark("near", km is not None and km <= NEAR_KM)
    tally.mark(f"region_near:{row.region}", km is not None and km <= NEAR_KM)
    tally.mark("country", place is not None and place.country == row.iso3)
    got_day = event.date.value if event is not None else None
    tally.mark("date", got_day is not None and got_day == row.day, row.day is not None)
    dead = fatalities(event, article)
    tally.mark("fatalities", dead == row.fatalities)
    tally.mark("fatalities_pos", dead == row.fatalities, row.fatalities > 0)
    tally.mark("zero_baseline", row.fatalities == 0)
    return _misses(row, answer, dead, km, event)


def _km(place: Place | None, row: GoldRow) -> float | None:
    if place is None or place.lat is None or place.lon is None:
        return None
    return distance_km(place.lat, place.lon, row.lat, row.lon)


def _misses(
    row: GoldRow,
    answer: tuple[str, str] | None,
    dead: int,
    km: float | None,
    event: Event | None,
) -> list[Miss]:
    out: list[Miss] = []
    got_type = answer[0] if answer else "(no event)"
    trigger = f" [{event.event_type}/{event.mode} on {event.trigger.text!r}]" if event else ""
    if got_type != row.event_type:
        out.append(Miss(row.id, row.notes, f"type {row.event_type}", got_type + trigger, 3.0))
    if dead != row.fatalities:
        severity = 2.0 + min(abs(dead - row.fatalities), 20) / 10
        out.append(Miss(row.id, row.notes, f"fatalities {row.fatalities}", str(dead), severity))
    if km is None or km > NEAR_KM:
        where = "no place" if km is None else f"{km:.0f} km off"
        out.append(Miss(row.id, row.notes, f"place {row.country}", where, 1.0 + (km or 0) / 2000))
    return out


def _report(result: DatasetResult, tally: _Tally, rows: Sequence[GoldRow]) -> None:
    add = result.add
    n = len(rows)
    regions = sorted(k.split(":", 1)[1] for k in tally.totals if k.startswith("region:"))
    result.tables["by_region"] = [
        {"region": r, "notes": tally.totals[f"region:{r}"],
         "event_type_accuracy": tally.value(f"region:{r}"),
         "location_161km": tally.value(f"region_near:{r}")}
        for r in regions
    ]  # fmt: skip
    add("event_type_accuracy", "ACLED event type accuracy", tally.types.accuracy(), n=n,
        target=0.90, reference=REFERENCE)  # fmt: skip
    add("event_type_macro_f1", "ACLED event type macro-F1", tally.types.macro_f1(), n=n)
    add("sub_event_type_accuracy", "ACLED sub-event type accuracy", tally.subtypes.accuracy(), n=n)
    for key, label in (
        ("actor1", "actor1 accuracy (country + sector)"),
        ("actor2", "actor2 accuracy (country + sector)"),
        ("actor1_sector", "actor1 sector (inter code) accuracy"),
        ("actor2_sector", "actor2 sector (inter code) accuracy"),
    ):
        add(f"{key}_accuracy", label, tally.value(key), n=tally.totals[key])
    add("location_161km", "location within 161 km", tally.value("near"), n=n, target=0.90,
        reference="mordecai3 (news geocoding): 0.83-0.98")  # fmt: skip
    add("location_country", "location country accuracy", tally.value("country"), n=n)
    add("event_date_exact", "event date exact-day accuracy", tally.value("date"),
        n=tally.totals["date"])  # fmt: skip
    zero = f"answering 0 everywhere: {_fmt(tally.value('zero_baseline'))}"
    add("fatalities_exact", "fatalities exact (all rows)", tally.value("fatalities"), n=n,
        target=0.95, reference=zero)  # fmt: skip
    add("fatalities_exact_positive", "fatalities exact (rows with deaths)",
        tally.value("fatalities_pos"), n=tally.totals["fatalities_pos"], target=0.85,
        reference="answering 0 everywhere: 0.00")  # fmt: skip
    result.tables["event_types"] = tally.types.table()
    result.tables["event_type_confusion"] = tally.types.matrix()
    result.tables["sub_event_types"] = tally.subtypes.table()
    result.notes.extend(_notes(tally))


def _notes(tally: _Tally) -> list[str]:
    return [
        "Input is the note alone, published at the row's upload timestamp; the row's event_date "
        "is not given to the system.",
        "The note's event: the first asserted ASSAULT or PROTEST, else COERCE, else the first "
        "event (docs/eval/acled.md); its type, mode and sectors plus the note's words (cues: "
        "fighting, weapon, crowd) map to ACLED's classes by the ordered rules of "
        "evaluate/data/acled.yaml; a note with no event is classified from its words alone.",
        "Fatalities: the largest count of dead stated by an event of the note, else 0. "
        "Baseline 'answer 0 everywhere': "
        f"{_fmt(tally.value('zero_baseline'))} over all rows, 0.00 over rows with deaths.",
        "Actors: sector through the inter-code table; country compared where ACLED's actor name "
        "carries one ('Rioters (India)', 'Military Forces of Ukraine (2019-)').",
    ]


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def summary(result: DatasetResult) -> dict[str, Any]:
    """Metric key -> value (handy in scripts and tests)."""
    return {m.key: m.value for m in result.metrics}
