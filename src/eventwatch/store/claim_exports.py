"""Claim and quote exports: flat CSV rows and nested JSON Lines, written one record at a time.

Like the event writers, every writer takes an iterator of ``(record, ArticleRef)`` pairs straight
from a database cursor. The columns and fields are documented in ``docs/store.md`` (a test keeps
the two in step).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from eventwatch.records import Actor, Claim, Quote, Span
from eventwatch.store.estimates import claim_day, describe
from eventwatch.store.exports import (
    ArticleRef,
    actor_object,
    cell,
    coder_name,
    place_object,
)

HEDGE_SEPARATOR = ";"

#: One flat row per claim: the CSV header and the DataFrame columns.
CLAIM_FLAT_COLUMNS: tuple[str, ...] = (
    "id",
    "article_id",
    "date",
    "indicator",
    "value",
    "low",
    "high",
    "qualifier",
    "approximate",
    "label",
    "quantity_text",
    "normalized",
    "unit",
    "counted",
    "subject_name",
    "subject_code",
    "subject_country",
    "subject_sector",
    "subject_kind",
    "subject_text",
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
    "claimant_name",
    "claimant_code",
    "claimant_country",
    "claimant_sector",
    "claimant_kind",
    "claimant_text",
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
    "evidence_text",
    "evidence_field",
    "evidence_start",
    "evidence_end",
    "span_text",
    "span_start",
    "span_end",
    "url",
    "outlet",
    "title",
    "published",
    "language",
)
#: One flat row per quote: the CSV header and the DataFrame columns.
QUOTE_FLAT_COLUMNS: tuple[str, ...] = (
    "id",
    "article_id",
    "date",
    "kind",
    "speaker_name",
    "speaker_code",
    "speaker_country",
    "speaker_sector",
    "speaker_kind",
    "speaker_text",
    "speaker_as_written",
    "cue",
    "content_text",
    "content_field",
    "content_start",
    "content_end",
    "evidence_text",
    "evidence_field",
    "evidence_start",
    "evidence_end",
    "confidence",
    "url",
    "outlet",
    "title",
    "published",
    "language",
)

ClaimPair = tuple[Claim, ArticleRef]
QuotePair = tuple[Quote, ArticleRef]


def _actor(prefix: str, actor: Actor | None) -> dict[str, Any]:
    names = ("name", "code", "country", "sector", "kind", "text")
    return {prefix + n: (getattr(actor, n) if actor is not None else None) for n in names}


def _span(prefix: str, span: Span | None, *, field: bool = True) -> dict[str, Any]:
    names = ("text", "field", "start", "end") if field else ("text", "start", "end")
    return {prefix + n: (getattr(span, n) if span is not None else None) for n in names}


def _cite(ref: ArticleRef) -> dict[str, Any]:
    return {
        "url": ref.url,
        "outlet": ref.outlet,
        "title": ref.title,
        "published": ref.published,
        "language": ref.language,
    }


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


# ---------------------------------------------------------------------------- flat rows
def claim_flat_row(claim: Claim, ref: ArticleRef) -> dict[str, Any]:
    """The claim as one flat mapping with the keys of :data:`CLAIM_FLAT_COLUMNS`."""
    quantity, place, as_of = claim.quantity, claim.place, claim.as_of
    places = ("text", "name", "geonameid", "feature", "country", "admin1", "lat", "lon")
    places += ("precision", "confidence")
    return {
        "id": claim.id,
        "article_id": claim.article_id,
        "date": _iso(claim_day(claim, ref)),
        "indicator": str(claim.indicator),
        "value": quantity.value,
        "low": quantity.low,
        "high": quantity.high,
        "qualifier": str(quantity.qualifier),
        "approximate": bool(quantity.approximate),
        "label": quantity.label,
        "quantity_text": quantity.text,
        "normalized": describe(claim),
        "unit": claim.unit,
        "counted": claim.counted,
        **_actor("subject_", claim.subject),
        **{f"place_{n}": (getattr(place, n) if place else None) for n in places},
        **_actor("claimant_", claim.claimant),
        "claimant_as_written": claim.claimant_text,
        "hedges": HEDGE_SEPARATOR.join(claim.hedges),
        "prior": bool(claim.prior),
        "as_of": _iso(as_of.value) if as_of else None,
        "as_of_precision": as_of.precision if as_of else None,
        "as_of_source": as_of.source if as_of else None,
        "as_of_text": as_of.text if as_of else None,
        "event_id": claim.event_id,
        "modality": str(claim.modality),
        "confidence": claim.confidence,
        **_span("evidence_", claim.evidence),
        **_span("span_", claim.span, field=False),
        **_cite(ref),
    }


def quote_flat_row(quote: Quote, ref: ArticleRef) -> dict[str, Any]:
    """The quote as one flat mapping with the keys of :data:`QUOTE_FLAT_COLUMNS`."""
    return {
        "id": quote.id,
        "article_id": quote.article_id,
        "date": (ref.published or "")[:10] or None,
        "kind": str(quote.kind),
        **_actor("speaker_", quote.speaker),
        "speaker_as_written": quote.speaker_text,
        "cue": quote.cue,
        **_span("content_", quote.content),
        **_span("evidence_", quote.evidence),
        "confidence": quote.confidence,
        **_cite(ref),
    }


# ---------------------------------------------------------------------------- nested records
def span_object(span: Span | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"text": span.text, "field": span.field, "start": span.start, "end": span.end}


def _cite_info(ref: ArticleRef, article_id: str) -> dict[str, Any]:
    return {
        "url": ref.url,
        "publication": ref.outlet,
        "title": ref.title,
        "published": ref.published,
        "language": ref.language,
        "article_id": article_id,
    }


def claim_record(claim: Claim, ref: ArticleRef, coder: str) -> dict[str, Any]:
    """A claim as a nested JSON object (field names as in the event records where shared)."""
    quantity, as_of = claim.quantity, claim.as_of
    return {
        "id": claim.id,
        "date": _iso(claim_day(claim, ref)),
        "indicator": str(claim.indicator),
        "quantity": {
            "value": quantity.value,
            "low": quantity.low,
            "high": quantity.high,
            "qualifier": str(quantity.qualifier),
            "approximate": bool(quantity.approximate),
            "text": quantity.text,
            "label": quantity.label,
        },
        "normalized": describe(claim),
        "unit": claim.unit,
        "counted": claim.counted,
        "subject": actor_object(claim.subject),
        "place": place_object(claim.place),
        "claimant": actor_object(claim.claimant),
        "claimant_text": claim.claimant_text,
        "hedges": list(claim.hedges),
        "prior": bool(claim.prior),
        "as_of": None
        if as_of is None
        else {
            "date": _iso(as_of.value),
            "precision": as_of.precision,
            "source": as_of.source,
            "text": as_of.text,
        },
        "event_id": claim.event_id,
        "modality": str(claim.modality),
        "confidence": claim.confidence,
        "evidence": span_object(claim.evidence),
        "span": span_object(claim.span),
        "cite_info": _cite_info(ref, claim.article_id),
        "coder": coder,
        "coded_date": ref.coded_at[:10],
    }


def quote_record(quote: Quote, ref: ArticleRef, coder: str) -> dict[str, Any]:
    """A quote as a nested JSON object."""
    return {
        "id": quote.id,
        "date": (ref.published or "")[:10] or None,
        "kind": str(quote.kind),
        "speaker": actor_object(quote.speaker),
        "speaker_text": quote.speaker_text,
        "speaker_span": span_object(quote.speaker_span),
        "cue": quote.cue,
        "content": span_object(quote.content),
        "evidence": span_object(quote.evidence),
        "confidence": quote.confidence,
        "cite_info": _cite_info(ref, quote.article_id),
        "coder": coder,
        "coded_date": ref.coded_at[:10],
    }


# ---------------------------------------------------------------------------- writers
def _csv_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return cell(value)


def _write_csv(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(row[name]) for name in columns])
        count += 1
    return count


def _write_json(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_claims_csv(pairs: Iterable[ClaimPair], out: TextIO) -> int:
    """A header row of :data:`CLAIM_FLAT_COLUMNS`, then one row per claim; booleans as
    ``true``/``false``, None as an empty cell."""
    return _write_csv((claim_flat_row(c, r) for c, r in pairs), CLAIM_FLAT_COLUMNS, out)


def write_claims_json(pairs: Iterable[ClaimPair], out: TextIO) -> int:
    """Claims as JSON Lines (one nested object per line, UTF-8)."""
    coder = coder_name()
    return _write_json((claim_record(c, r, coder) for c, r in pairs), out)


def write_quotes_csv(pairs: Iterable[QuotePair], out: TextIO) -> int:
    """A header row of :data:`QUOTE_FLAT_COLUMNS`, then one row per quote."""
    return _write_csv((quote_flat_row(q, r) for q, r in pairs), QUOTE_FLAT_COLUMNS, out)


def write_quotes_json(pairs: Iterable[QuotePair], out: TextIO) -> int:
    """Quotes as JSON Lines (one nested object per line, UTF-8)."""
    coder = coder_name()
    return _write_json((quote_record(q, r, coder) for q, r in pairs), out)


CLAIM_EXPORTERS: dict[str, Callable[[Iterable[ClaimPair], TextIO], int]] = {
    "json": write_claims_json,
    "csv": write_claims_csv,
}
QUOTE_EXPORTERS: dict[str, Callable[[Iterable[QuotePair], TextIO], int]] = {
    "json": write_quotes_json,
    "csv": write_quotes_csv,
}
