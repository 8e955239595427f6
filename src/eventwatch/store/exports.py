"""Event exports: PLOVER JSON Lines, flat CSV and GeoJSON, written one event at a time.

Every writer takes an iterator of ``(Event, ArticleRef)`` pairs straight from a database cursor
and writes as it reads, so memory does not grow with the number of events. The field lists are
documented in ``docs/store.md`` (a test keeps the two in step).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from typing import Any, TextIO

from eventwatch.events.lexicon import TypeSpec, load_ontology
from eventwatch.records import Actor, Event, Place

#: One flat row per event: the CSV header, the GeoJSON properties and the DataFrame columns.
FLAT_COLUMNS: tuple[str, ...] = (
    "id",
    "article_id",
    "date",
    "date_precision",
    "date_source",
    "date_text",
    "event_type",
    "mode",
    "contexts",
    "quad_code",
    "event_scale",
    "modality",
    "actor_name",
    "actor_code",
    "actor_country",
    "actor_sector",
    "actor_kind",
    "actor_text",
    "recipient_name",
    "recipient_code",
    "recipient_country",
    "recipient_sector",
    "recipient_kind",
    "recipient_text",
    "place_text",
    "place_name",
    "place_geonameid",
    "place_feature",
    "place_country",
    "place_admin1",
    "place_lat",
    "place_lon",
    "place_precision",
    "place_confidence",
    "attributed_to_name",
    "attributed_to_code",
    "dead",
    "injured",
    "arrested",
    "confidence",
    "evidence_text",
    "evidence_field",
    "evidence_start",
    "evidence_end",
    "trigger_text",
    "trigger_start",
    "trigger_end",
    "story_id",
    "happening_id",
    "reports",
    "outlets",
    "happening_reason",
    "url",
    "outlet",
    "title",
    "published",
    "language",
)
CONTEXT_SEPARATOR = ";"


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """What an exported event cites of its article (as stored: dates are ISO 8601 text)."""

    id: str
    url: str | None
    outlet: str | None
    title: str
    published: str | None
    language: str | None
    coded_at: str  # when the article's events were last written


Pair = tuple[Event, ArticleRef]


def eventwatch_version() -> str:
    try:
        return metadata.version("eventwatch")
    except metadata.PackageNotFoundError:  # a source tree that is not installed
        return "0+unknown"


def coder_name() -> str:
    """``"eventwatch <version>"``: the PLOVER ``coder`` field."""
    return f"eventwatch {eventwatch_version()}"


@cache
def _types() -> dict[str, TypeSpec]:
    return dict(load_ontology().types)


def _quad_scale(event_type: str) -> tuple[int | None, float | None]:
    spec = _types().get(event_type)
    return (spec.quad, spec.scale) if spec is not None else (None, None)


# ---------------------------------------------------------------------------- flat rows
def _actor_flat(prefix: str, actor: Actor | None) -> dict[str, Any]:
    names = ("name", "code", "country", "sector", "kind", "text")
    if actor is None:
        return {prefix + n: None for n in names}
    return {prefix + n: getattr(actor, n) for n in names}


def _place_flat(place: Place | None) -> dict[str, Any]:
    names = ("text", "name", "geonameid", "feature", "country", "admin1", "lat", "lon")
    names += ("precision", "confidence")
    if place is None:
        return {"place_" + n: None for n in names}
    return {"place_" + n: getattr(place, n) for n in names}


def flat_row(event: Event, ref: ArticleRef) -> dict[str, Any]:
    """The event as one flat mapping with the keys of :data:`FLAT_COLUMNS` (None when unknown)."""
    quad, scale = _quad_scale(event.event_type)
    speaker = event.attributed_to
    row: dict[str, Any] = {
        "id": event.id,
        "article_id": event.article_id,
        "date": event.date.value.isoformat() if event.date.value else None,
        "date_precision": event.date.precision,
        "date_source": event.date.source,
        "date_text": event.date.text,
        "event_type": event.event_type,
        "mode": event.mode,
        "contexts": CONTEXT_SEPARATOR.join(event.contexts),
        "quad_code": quad,
        "event_scale": scale,
        "modality": str(event.modality),
        **_actor_flat("actor_", event.actor),
        **_actor_flat("recipient_", event.recipient),
        **_place_flat(event.place),
        "attributed_to_name": speaker.name if speaker else None,
        "attributed_to_code": speaker.code if speaker else None,
        "dead": event.dead,
        "injured": event.injured,
        "arrested": event.arrested,
        "confidence": json.dumps(event.confidence, sort_keys=True),
        "evidence_text": event.evidence.text,
        "evidence_field": event.evidence.field,
        "evidence_start": event.evidence.start,
        "evidence_end": event.evidence.end,
        "trigger_text": event.trigger.text,
        "trigger_start": event.trigger.start,
        "trigger_end": event.trigger.end,
        "story_id": event.story_id,
        "happening_id": event.happening_id,
        "reports": event.reports,
        "outlets": event.outlets,
        "happening_reason": event.happening_reason,
        "url": ref.url,
        "outlet": ref.outlet,
        "title": ref.title,
        "published": ref.published,
        "language": ref.language,
    }
    return row


# ---------------------------------------------------------------------------- PLOVER
def actor_object(actor: Actor | None) -> dict[str, Any] | None:
    """The JSON object of an actor (PLOVER field names), or None."""
    if actor is None:
        return None
    return {
        "code": actor.code,
        "name": actor.name,
        "entity_text": actor.text,
        "country": actor.country,
        "sector": actor.sector,
        "kind": actor.kind,
        "matched_alias": actor.matched_alias,
        "confidence": actor.confidence,
    }


def place_object(place: Place | None) -> dict[str, Any] | None:
    """The JSON object of a place (PLOVER ``event_loc`` field names), or None."""
    if place is None:
        return None
    return {
        "name": place.name,
        "entity_text": place.text,
        "geonameid": place.geonameid,
        "lat": place.lat,
        "lon": place.lon,
        "country": place.country,
        "admin1": place.admin1,
        "feature": place.feature,
        "precision": place.precision,
        "confidence": place.confidence,
    }


def plover_record(event: Event, ref: ArticleRef, coder: str) -> dict[str, Any]:
    """A PLOVER-style event record (field names of the PLOVER manual, plus our extensions)."""
    quad, scale = _quad_scale(event.event_type)
    evidence, trigger = event.evidence, event.trigger
    return {
        "id": event.id,
        "date": event.date.value.isoformat() if event.date.value else None,
        "actor": actor_object(event.actor),
        "recipient": actor_object(event.recipient),
        "event": event.event_type,
        "mode": event.mode,
        "context": list(event.contexts),
        "event_loc": place_object(event.place),
        "event_text": evidence.text,
        "quad_code": quad,
        "event_scale": scale,
        "size": {"dead": event.dead, "injured": event.injured, "arrested": event.arrested},
        "text_info": {
            "field": evidence.field,
            "start": evidence.start,
            "end": evidence.end,
            "trigger": {"text": trigger.text, "start": trigger.start, "end": trigger.end},
        },
        "cite_info": {
            "url": ref.url,
            "publication": ref.outlet,
            "title": ref.title,
            "published": ref.published,
            "language": ref.language,
            "article_id": event.article_id,
        },
        "coder": coder,
        "coded_date": ref.coded_at[:10],
        # eventwatch extensions
        "modality": str(event.modality),
        "attributed_to": actor_object(event.attributed_to),
        "confidence": dict(event.confidence),
        "date_info": {
            "precision": event.date.precision,
            "source": event.date.source,
            "text": event.date.text,
        },
        "story_id": event.story_id,
        "happening_id": event.happening_id,
        "reports": event.reports,
        "outlets": event.outlets,
        "happening_reason": event.happening_reason,
    }


# ---------------------------------------------------------------------------- writers
def write_plover_json(pairs: Iterable[Pair], out: TextIO) -> int:
    """PLOVER records as JSON Lines (one object per line, UTF-8); returns the number written."""
    coder = coder_name()
    count = 0
    for event, ref in pairs:
        out.write(json.dumps(plover_record(event, ref, coder), ensure_ascii=False) + "\n")
        count += 1
    return count


def cell(value: Any) -> Any:
    """A CSV cell: None is an empty cell."""
    return "" if value is None else value


def write_csv(pairs: Iterable[Pair], out: TextIO) -> int:
    """A header row of :data:`FLAT_COLUMNS`, then one row per event (None -> empty cell)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FLAT_COLUMNS)
    count = 0
    for event, ref in pairs:
        row = flat_row(event, ref)
        writer.writerow([cell(row[name]) for name in FLAT_COLUMNS])
        count += 1
    return count


def _features(pairs: Iterable[Pair]) -> Iterator[dict[str, Any]]:
    for event, ref in pairs:
        place = event.place
        if place is None or place.lat is None or place.lon is None:
            continue
        yield {
            "type": "Feature",
            "id": event.id,
            "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
            "properties": flat_row(event, ref),
        }


def write_geojson(pairs: Iterable[Pair], out: TextIO) -> int:
    """A GeoJSON FeatureCollection of the events that have coordinates; returns features written.

    Written feature by feature (one per line) so that a large export streams.
    """
    out.write('{"type": "FeatureCollection", "features": [')
    count = 0
    for feature in _features(pairs):
        out.write(("\n" if count == 0 else ",\n") + json.dumps(feature, ensure_ascii=False))
        count += 1
    out.write("\n]}\n")
    return count


Writer = Callable[[Iterable[Pair], TextIO], int]

EXPORTERS: dict[str, Writer] = {
    "plover-json": write_plover_json,
    "csv": write_csv,
    "geojson": write_geojson,
}
