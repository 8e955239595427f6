"""Records to table rows and back: the one place that knows how a record is laid out in SQLite.

Nested records are flattened into prefixed columns (``actor_name``, ``place_lat``,
``evidence_start``...); lists and dicts (contexts, confidence, place candidates, hedges, article
meta) are JSON text. A missing nested record (``event.actor is None``) is a row of NULLs; a
present one is recognised by a column its record never leaves empty (``name`` for actors and
places, ``start`` for spans, ``source`` for a claim's as-of date).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from eventwatch.errors import StoreError
from eventwatch.records import (
    Actor,
    Article,
    Claim,
    Event,
    EventDate,
    Place,
    PlaceCandidate,
    Quantity,
    Quote,
    Span,
    Status,
)

Row = Mapping[str, Any]
Values = dict[str, Any]

SPAN_FIELDS = ("start", "end", "text", "field")
ACTOR_FIELDS = ("name", "code", "country", "sector", "kind", "text", "matched_alias", "confidence")
PLACE_FIELDS = (
    "text",
    "name",
    "geonameid",
    "feature",
    "country",
    "admin1",
    "lat",
    "lon",
    "precision",
    "confidence",
)
ARTICLE_COLUMNS = (
    "id",
    "url",
    "outlet",
    "title",
    "published",
    "language",
    "text",
    "status",
    "reason",
    "source",
    "meta",
)


def actor_columns(prefix: str) -> tuple[str, ...]:
    return (
        *(prefix + f for f in ACTOR_FIELDS),
        *(f"{prefix}span_{f}" for f in SPAN_FIELDS),
    )


def place_columns(prefix: str) -> tuple[str, ...]:
    return (
        *(prefix + f for f in PLACE_FIELDS),
        prefix + "candidates",
        *(f"{prefix}span_{f}" for f in SPAN_FIELDS),
    )


EVENT_COLUMNS: tuple[str, ...] = (
    "id",
    "article_id",
    "ord",
    "event_type",
    "mode",
    "contexts",
    *actor_columns("actor_"),
    *actor_columns("recipient_"),
    *place_columns("place_"),
    "date",
    "date_precision",
    "date_source",
    "date_text",
    "modality",
    *actor_columns("attributed_to_"),
    "dead",
    "injured",
    "arrested",
    "confidence",
    *(f"evidence_{f}" for f in SPAN_FIELDS),
    *(f"trigger_{f}" for f in SPAN_FIELDS),
    "story_id",
    "outlets",
    "reports",
    "happening_id",
    "happening_reason",
)


def span_columns(prefix: str) -> tuple[str, ...]:
    return tuple(prefix + f for f in SPAN_FIELDS)


CLAIM_COLUMNS: tuple[str, ...] = (
    "id",
    "article_id",
    "ord",
    "indicator",
    "value",
    "low",
    "high",
    "qualifier",
    "approximate",
    "quantity_text",
    "label",
    "unit",
    "counted",
    *actor_columns("subject_"),
    *place_columns("place_"),
    *actor_columns("claimant_"),
    "claimant_as_written",
    "hedges",
    "prior",
    "as_of",
    "as_of_precision",
    "as_of_source",
    "as_of_text",
    "event_id",
    "modality",
    "confidence",
    *span_columns("evidence_"),
    *span_columns("span_"),
)
QUOTE_COLUMNS: tuple[str, ...] = (
    "id",
    "article_id",
    "ord",
    "kind",
    *actor_columns("speaker_"),
    "speaker_as_written",
    *span_columns("speaker_mention_"),
    "cue",
    "confidence",
    *span_columns("content_"),
    *span_columns("evidence_"),
)
ACTOR_ROW_COLUMNS = ("article_id", "ord", *actor_columns(""))
PLACE_ROW_COLUMNS = ("article_id", "ord", "is_focus", *place_columns(""))

_INT64 = (-(2**63), 2**63 - 1)


@dataclass(slots=True)
class ArticleRows:
    """Everything one article writes: its row, its children's rows and their fingerprint."""

    article: Values
    events: list[Values]
    actors: list[Values]
    places: list[Values]
    fingerprint: str
    claims: list[Values] = field(default_factory=list)
    quotes: list[Values] = field(default_factory=list)


# ---------------------------------------------------------------------------- scalar helpers
def _json(value: Any, where: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False, default=str)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"{where}: cannot be stored as JSON: {exc}") from exc


def _int(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise StoreError(f"{where}: expected an integer, got {value!r}")
    if not _INT64[0] <= value <= _INT64[1]:
        raise StoreError(f"{where}: {value} does not fit in a 64-bit integer")
    return value


def _float(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise StoreError(f"{where}: expected a number, got {value!r}")
    if not math.isfinite(value):
        raise StoreError(f"{where}: {value!r} is not a finite number (SQLite stores NaN as NULL)")
    return float(value)


def _loads(text: str | None, default: Any) -> Any:
    return default if text is None else json.loads(text)


# ---------------------------------------------------------------------------- spans
def encode_span(span: Span | None, prefix: str, where: str) -> Values:
    if span is None:
        return dict.fromkeys((prefix + f for f in SPAN_FIELDS), None)
    return {
        prefix + "start": _int(span.start, f"{where}.start"),
        prefix + "end": _int(span.end, f"{where}.end"),
        prefix + "text": span.text,
        prefix + "field": span.field,
    }


def decode_span(row: Row, prefix: str) -> Span | None:
    if row[prefix + "start"] is None:
        return None
    return Span(
        start=row[prefix + "start"],
        end=row[prefix + "end"],
        text=row[prefix + "text"],
        field=row[prefix + "field"],
    )


# ---------------------------------------------------------------------------- actors
def encode_actor(actor: Actor | None, prefix: str, where: str) -> Values:
    if actor is None:
        return dict.fromkeys(actor_columns(prefix), None)
    if actor.name is None:
        raise StoreError(f"{where}: an actor needs a name")
    values: Values = {prefix + f: getattr(actor, f) for f in ACTOR_FIELDS}
    values[prefix + "confidence"] = _float(actor.confidence, f"{where}.confidence")
    values.update(encode_span(actor.span, prefix + "span_", f"{where}.span"))
    return values


def decode_actor(row: Row, prefix: str) -> Actor | None:
    if row[prefix + "name"] is None:
        return None
    return Actor(
        **{f: row[prefix + f] for f in ACTOR_FIELDS},
        span=decode_span(row, prefix + "span_"),
    )


# ---------------------------------------------------------------------------- places
def _candidate(c: PlaceCandidate, where: str) -> dict[str, Any]:
    return {
        "geonameid": _int(c.geonameid, f"{where}.geonameid"),
        "name": c.name,
        "country": c.country,
        "feature": c.feature,
        "population": _int(c.population, f"{where}.population"),
        "score": _float(c.score, f"{where}.score"),
    }


def encode_place(place: Place | None, prefix: str, where: str) -> Values:
    if place is None:
        return dict.fromkeys(place_columns(prefix), None)
    if place.name is None:
        raise StoreError(f"{where}: a place needs a name")
    values: Values = {prefix + f: getattr(place, f) for f in PLACE_FIELDS}
    values[prefix + "geonameid"] = _int(place.geonameid, f"{where}.geonameid")
    for name in ("lat", "lon", "confidence"):
        values[prefix + name] = _float(getattr(place, name), f"{where}.{name}")
    candidates = [_candidate(c, f"{where}.candidates[{i}]") for i, c in enumerate(place.candidates)]
    values[prefix + "candidates"] = _json(candidates, f"{where}.candidates")
    values.update(encode_span(place.span, prefix + "span_", f"{where}.span"))
    return values


def decode_place(row: Row, prefix: str) -> Place | None:
    if row[prefix + "name"] is None:
        return None
    candidates = [PlaceCandidate(**c) for c in _loads(row[prefix + "candidates"], [])]
    return Place(
        **{f: row[prefix + f] for f in PLACE_FIELDS},
        span=decode_span(row, prefix + "span_"),
        candidates=candidates,
    )


# ---------------------------------------------------------------------------- events
def _iso_date(value: date | None, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):  # a datetime is a date too: keep the day only
        value = value.date()
    if not isinstance(value, date):
        raise StoreError(f"{where}: expected a date, got {value!r}")
    return value.isoformat()


def _confidence(values: Mapping[str, float], where: str) -> str:
    checked = {str(k): _float(v, f"{where}[{k!r}]") for k, v in dict(values).items()}
    return _json(checked, where)


def encode_event(event: Event, ord_: int, article_id: str) -> Values:
    where = f"event {ord_} ({event.id})"
    if event.article_id != article_id:
        raise StoreError(f"{where}: article_id {event.article_id!r} is not {article_id!r}")
    if event.evidence is None or event.trigger is None:
        raise StoreError(f"{where}: an event needs its evidence and trigger spans")
    values: Values = {
        "id": event.id,
        "article_id": article_id,
        "ord": ord_,
        "event_type": event.event_type,
        "mode": event.mode,
        "contexts": _json(list(event.contexts), f"{where}.contexts"),
        "date": _iso_date(event.date.value, f"{where}.date"),
        "date_precision": event.date.precision,
        "date_source": event.date.source,
        "date_text": event.date.text,
        "modality": str(event.modality) if event.modality is not None else None,
        "dead": _int(event.dead, f"{where}.dead"),
        "injured": _int(event.injured, f"{where}.injured"),
        "arrested": _int(event.arrested, f"{where}.arrested"),
        "confidence": _confidence(event.confidence, f"{where}.confidence"),
        "story_id": event.story_id,
        "outlets": _int(event.outlets, f"{where}.outlets"),
        "reports": _int(event.reports, f"{where}.reports"),
        "happening_id": event.happening_id,
        "happening_reason": event.happening_reason,
    }
    values.update(encode_actor(event.actor, "actor_", f"{where}.actor"))
    values.update(encode_actor(event.recipient, "recipient_", f"{where}.recipient"))
    values.update(encode_actor(event.attributed_to, "attributed_to_", f"{where}.attributed_to"))
    values.update(encode_place(event.place, "place_", f"{where}.place"))
    values.update(encode_span(event.evidence, "evidence_", f"{where}.evidence"))
    values.update(encode_span(event.trigger, "trigger_", f"{where}.trigger"))
    return values


def decode_event(row: Row) -> Event:
    day = row["date"]
    evidence = decode_span(row, "evidence_")
    trigger = decode_span(row, "trigger_")
    assert evidence is not None and trigger is not None  # NOT NULL columns
    return Event(
        id=row["id"],
        article_id=row["article_id"],
        event_type=row["event_type"],
        mode=row["mode"],
        contexts=_loads(row["contexts"], []),
        actor=decode_actor(row, "actor_"),
        recipient=decode_actor(row, "recipient_"),
        place=decode_place(row, "place_"),
        date=EventDate(
            value=date.fromisoformat(day) if day is not None else None,
            precision=row["date_precision"],
            source=row["date_source"],
            text=row["date_text"],
        ),
        modality=row["modality"],
        evidence=evidence,
        trigger=trigger,
        attributed_to=decode_actor(row, "attributed_to_"),
        dead=row["dead"],
        injured=row["injured"],
        arrested=row["arrested"],
        confidence=_loads(row["confidence"], {}),
        story_id=row["story_id"],
        happening_id=row["happening_id"],
        happening_reason=row["happening_reason"],
        reports=row["reports"],
        outlets=row["outlets"],
    )


# ---------------------------------------------------------------------------- claims
def _child_where(kind: str, record: Any, ord_: int, article_id: str) -> str:
    where = f"{kind} {ord_} ({record.id})"
    if record.article_id != article_id:
        raise StoreError(f"{where}: article_id {record.article_id!r} is not {article_id!r}")
    return where


def _bool(value: Any, where: str) -> int:
    if not isinstance(value, bool | int):
        raise StoreError(f"{where}: expected true or false, got {value!r}")
    return int(bool(value))


def encode_quantity(quantity: Quantity, where: str) -> Values:
    if not isinstance(quantity, Quantity):
        raise StoreError(f"{where}: expected a Quantity, got {quantity!r}")
    return {
        "value": _float(quantity.value, f"{where}.value"),
        "low": _float(quantity.low, f"{where}.low"),
        "high": _float(quantity.high, f"{where}.high"),
        "qualifier": str(quantity.qualifier) if quantity.qualifier is not None else None,
        "approximate": _bool(quantity.approximate, f"{where}.approximate"),
        "quantity_text": quantity.text,
        "label": quantity.label,
    }


def encode_as_of(value: EventDate | None, where: str) -> Values:
    if value is None:
        return dict.fromkeys(("as_of", "as_of_precision", "as_of_source", "as_of_text"), None)
    if value.source is None:
        raise StoreError(f"{where}: a date needs its source (text, publication or none)")
    return {
        "as_of": _iso_date(value.value, where),
        "as_of_precision": value.precision,
        "as_of_source": value.source,
        "as_of_text": value.text,
    }


def encode_claim(claim: Claim, ord_: int, article_id: str) -> Values:
    where = _child_where("claim", claim, ord_, article_id)
    if claim.evidence is None or claim.span is None:
        raise StoreError(f"{where}: a claim needs its evidence and number spans")
    values: Values = {
        "id": claim.id,
        "article_id": article_id,
        "ord": ord_,
        "indicator": str(claim.indicator) if claim.indicator is not None else None,
        **encode_quantity(claim.quantity, f"{where}.quantity"),
        "unit": claim.unit,
        "counted": claim.counted,
        "claimant_as_written": claim.claimant_text,
        "hedges": _json(list(claim.hedges), f"{where}.hedges"),
        "prior": _bool(claim.prior, f"{where}.prior"),
        **encode_as_of(claim.as_of, f"{where}.as_of"),
        "event_id": claim.event_id,
        "modality": str(claim.modality) if claim.modality is not None else None,
        "confidence": _float(claim.confidence, f"{where}.confidence"),
    }
    values.update(encode_actor(claim.subject, "subject_", f"{where}.subject"))
    values.update(encode_place(claim.place, "place_", f"{where}.place"))
    values.update(encode_actor(claim.claimant, "claimant_", f"{where}.claimant"))
    values.update(encode_span(claim.evidence, "evidence_", f"{where}.evidence"))
    values.update(encode_span(claim.span, "span_", f"{where}.span"))
    return values


def decode_quantity(row: Row) -> Quantity:
    return Quantity(
        value=row["value"],
        low=row["low"],
        high=row["high"],
        qualifier=row["qualifier"],
        approximate=bool(row["approximate"]),
        text=row["quantity_text"],
        label=row["label"],
    )


def decode_as_of(row: Row) -> EventDate | None:
    if row["as_of_source"] is None:
        return None
    day = row["as_of"]
    return EventDate(
        value=date.fromisoformat(day) if day is not None else None,
        precision=row["as_of_precision"],
        source=row["as_of_source"],
        text=row["as_of_text"],
    )


def decode_claim(row: Row) -> Claim:
    evidence = decode_span(row, "evidence_")
    span = decode_span(row, "span_")
    if evidence is None or span is None:
        raise StoreError(f"claim {row['id']!r} of article {row['article_id']!r} has no spans")
    return Claim(
        id=row["id"],
        article_id=row["article_id"],
        indicator=row["indicator"],
        quantity=decode_quantity(row),
        unit=row["unit"],
        counted=row["counted"],
        evidence=evidence,
        span=span,
        subject=decode_actor(row, "subject_"),
        place=decode_place(row, "place_"),
        claimant=decode_actor(row, "claimant_"),
        claimant_text=row["claimant_as_written"],
        hedges=_loads(row["hedges"], []),
        prior=bool(row["prior"]),
        as_of=decode_as_of(row),
        event_id=row["event_id"],
        modality=row["modality"],
        confidence=row["confidence"],
    )


# ---------------------------------------------------------------------------- quotes
def encode_quote(quote: Quote, ord_: int, article_id: str) -> Values:
    where = _child_where("quote", quote, ord_, article_id)
    if quote.content is None or quote.evidence is None:
        raise StoreError(f"{where}: a quote needs its content and evidence spans")
    values: Values = {
        "id": quote.id,
        "article_id": article_id,
        "ord": ord_,
        "kind": str(quote.kind) if quote.kind is not None else None,
        "speaker_as_written": quote.speaker_text,
        "cue": quote.cue,
        "confidence": _float(quote.confidence, f"{where}.confidence"),
    }
    values.update(encode_actor(quote.speaker, "speaker_", f"{where}.speaker"))
    values.update(encode_span(quote.speaker_span, "speaker_mention_", f"{where}.speaker_span"))
    values.update(encode_span(quote.content, "content_", f"{where}.content"))
    values.update(encode_span(quote.evidence, "evidence_", f"{where}.evidence"))
    return values


def decode_quote(row: Row) -> Quote:
    content = decode_span(row, "content_")
    evidence = decode_span(row, "evidence_")
    if content is None or evidence is None:
        raise StoreError(f"quote {row['id']!r} of article {row['article_id']!r} has no spans")
    return Quote(
        id=row["id"],
        article_id=row["article_id"],
        kind=row["kind"],
        content=content,
        evidence=evidence,
        speaker=decode_actor(row, "speaker_"),
        speaker_text=row["speaker_as_written"],
        cue=row["cue"],
        speaker_span=decode_span(row, "speaker_mention_"),
        confidence=row["confidence"],
    )


# ---------------------------------------------------------------------------- articles
def _published(value: datetime | None, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise StoreError(f"{where}: expected a datetime, got {value!r}")
    return value.isoformat()


def encode_article(article: Article) -> ArticleRows:
    """The rows ``article`` is stored as. Raises StoreError when a field cannot be stored."""
    try:
        return _encode_article(article)
    except (TypeError, ValueError, AttributeError) as exc:  # a field of the wrong type
        raise StoreError(f"article {article.id!r} cannot be stored: {exc!r}") from exc


def _encode_article(article: Article) -> ArticleRows:
    if not isinstance(article.id, str) or not article.id:
        raise StoreError(f"article from {article.source!r} has no id")
    aid = article.id
    where = f"article {aid}"
    row: Values = {name: getattr(article, name) for name in ARTICLE_COLUMNS}
    row["status"] = str(article.status)
    row["published"] = _published(article.published, f"{where}.published")
    row["meta"] = _json(article.meta or {}, f"{where}.meta")
    row["title"] = article.title or ""
    events = [encode_event(e, i, aid) for i, e in enumerate(article.events)]
    actors = [
        {"article_id": aid, "ord": i, **encode_actor(a, "", f"{where}.actors[{i}]")}
        for i, a in enumerate(article.actors)
    ]
    places = [
        {"article_id": aid, "ord": i, "is_focus": 0, **encode_place(p, "", f"{where}.places[{i}]")}
        for i, p in enumerate(article.places)
    ]
    if article.focus is not None:
        focus = encode_place(article.focus, "", f"{where}.focus")
        places.append({"article_id": aid, "ord": None, "is_focus": 1, **focus})
    claims = [encode_claim(c, i, aid) for i, c in enumerate(article.claims)]
    quotes = [encode_quote(q, i, aid) for i, q in enumerate(article.quotes)]
    parts: list[Any] = [row, events, actors, places]
    if claims or quotes:  # an article without them keeps the fingerprint it had before them
        parts += [claims, quotes]
    return ArticleRows(row, events, actors, places, _fingerprint(*parts), claims, quotes)


def _fingerprint(*parts: Any) -> str:
    raw = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def status(value: str) -> str:
    """A :class:`Status` when ``value`` is one (it compares equal to the plain string)."""
    try:
        return Status(value)
    except ValueError:
        return value


def decode_article(
    row: Row,
    events: list[Event],
    actors: list[Actor],
    places: list[Row],
    claims: list[Claim] | None = None,
    quotes: list[Quote] | None = None,
) -> Article:
    """An :class:`Article` from its row, its events, actors, place rows, claims and quotes."""
    published = row["published"]
    listed = [p for p in places if not p["is_focus"]]
    focus = [p for p in places if p["is_focus"]]
    return Article(
        id=row["id"],
        text=row["text"],
        title=row["title"],
        url=row["url"],
        outlet=row["outlet"],
        published=datetime.fromisoformat(published) if published is not None else None,
        language=row["language"],
        source=row["source"],
        status=status(row["status"]),
        reason=row["reason"],
        actors=actors,
        places=[p for p in (decode_place(r, "") for r in listed) if p is not None],
        focus=decode_place(focus[0], "") if focus else None,
        events=events,
        claims=list(claims or []),
        quotes=list(quotes or []),
        meta=_loads(row["meta"], {}),
    )
