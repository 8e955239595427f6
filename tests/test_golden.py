"""Golden tests: the example articles coded end to end against examples/expected.yaml.

Every expected event must be found (type, evidence and each field the file gives), and every
``not_asserted`` action must not be coded as asserted: negated, hypothetical, planned and
threatened actions are not things that happened. Expected claims and quotes must be found with
their fields; ``not_claims`` (dates, ages, phone numbers) must not be claims.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from spacy.language import Language

from eventwatch.config import load_settings
from eventwatch.ingest import read_sources
from eventwatch.pipeline import Pipeline
from eventwatch.records import Actor, Article, Claim, Event

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
EXPECTED = yaml.safe_load((ROOT / "examples" / "expected.yaml").read_text(encoding="utf-8"))

pytestmark = pytest.mark.model


def article_key(article: Article) -> str:
    """The expected.yaml key of an article: its file name, ``file#N`` for record N of a file."""
    source = Path(article.source or "").name
    if "feed_entry" in article.meta:
        return f"{source}#{article.meta['feed_entry']}"
    name, _, line = source.rpartition(":")
    return f"{name}#{line}" if name and line.isdigit() else source


@pytest.fixture(scope="module")
def coded(nlp: Language) -> dict[str, Article]:
    settings = load_settings(environ={}, ingest={"fetch_links": False})
    pipeline = Pipeline(settings, nlp=nlp)
    articles = list(read_sources([str(EXAMPLES)], settings.ingest))
    pipeline.process(articles)
    return {article_key(a): a for a in articles}


def _same(value: Any, expected: Any) -> bool:
    if isinstance(expected, date):
        return value == expected
    return str(value).casefold() == str(expected).casefold()


def _actor_matches(actor: Actor | None, spec: dict[str, Any], role: str) -> list[str]:
    misses = []
    wanted = {k: spec.get(f"{role}{s}") for k, s in (("id", ""), ("country", "_country"),
                                                      ("sector", "_sector"))}  # fmt: skip
    if all(v is None for v in wanted.values()):
        return []
    if actor is None:
        return [f"no {role}"]
    if wanted["id"] is not None and not (
        _same(actor.name, wanted["id"]) or _same(actor.code, wanted["id"])
    ):
        misses.append(f"{role} {actor.name}/{actor.code} != {wanted['id']}")
    if wanted["country"] is not None and not _same(actor.country, wanted["country"]):
        misses.append(f"{role}_country {actor.country} != {wanted['country']}")
    if wanted["sector"] is not None and not _same(actor.sector, wanted["sector"]):
        misses.append(f"{role}_sector {actor.sector} != {wanted['sector']}")
    return misses


def mismatches(event: Event, spec: dict[str, Any]) -> list[str]:
    """Why ``event`` is not the expected one (empty: it is)."""
    misses = _actor_matches(event.actor, spec, "actor")
    misses += _actor_matches(event.recipient, spec, "recipient")
    for key, value in (
        ("mode", event.mode),
        ("modality", event.modality),
        ("date", event.date.value),
        ("dead", event.dead),
        ("injured", event.injured),
    ):
        if spec.get(key) is not None and not _same(value, spec[key]):
            misses.append(f"{key} {value} != {spec[key]}")
    if spec.get("place") is not None:
        names = {event.place.text, event.place.name} if event.place else set()
        if not any(_same(n, spec["place"]) for n in names):
            misses.append(f"place {sorted(names)} != {spec['place']}")
    if spec.get("place_country") is not None:
        country = event.place.country if event.place else None
        if not _same(country, spec["place_country"]):
            misses.append(f"place_country {country} != {spec['place_country']}")
    return misses


def _candidates(article: Article, spec: dict[str, Any]) -> list[Event]:
    return [
        e
        for e in article.events
        if e.event_type == spec["type"] and spec["evidence"] in e.evidence.text
    ]


def _cases(section: str) -> Iterator[tuple[str, int, dict[str, Any]]]:
    for key, item in EXPECTED["articles"].items():
        for number, spec in enumerate(item.get(section) or []):
            yield key, number, spec


def _describe(events: list[Event]) -> str:
    return "; ".join(
        f"{e.event_type} {e.modality} actor={e.actor and e.actor.code} "
        f"recipient={e.recipient and e.recipient.code} place={e.place and e.place.name} "
        f"date={e.date.value}"
        for e in events
    )


@pytest.mark.parametrize("key", sorted(EXPECTED["articles"]))
def test_article_status(coded: dict[str, Article], key: str) -> None:
    spec = EXPECTED["articles"][key]
    assert key in coded, f"{key} was not read (read: {sorted(coded)})"
    article = coded[key]
    assert article.status == spec["status"], f"{key}: {article.status} ({article.reason})"
    if spec.get("language"):
        assert article.language == spec["language"]
    if spec.get("reason_contains"):
        assert spec["reason_contains"] in (article.reason or "")


@pytest.mark.parametrize(("key", "number", "spec"), list(_cases("events")))
def test_expected_event(coded: dict[str, Article], key: str, number: int, spec: dict) -> None:
    article = coded[key]
    candidates = _candidates(article, spec)
    assert candidates, (
        f"{key}: no {spec['type']} event with evidence {spec['evidence']!r}; coded: "
        + _describe([e for e in article.events if spec["evidence"] in e.evidence.text])
    )
    reasons = [mismatches(e, spec) for e in candidates]
    assert any(not r for r in reasons), f"{key} #{number} {spec['type']}: {reasons}"


@pytest.mark.parametrize(("key", "number", "spec"), list(_cases("not_asserted")))
def test_not_asserted(coded: dict[str, Article], key: str, number: int, spec: dict) -> None:
    wrong = [e for e in _candidates(coded[key], spec) if e.modality == "asserted"]
    assert not wrong, f"{key}: coded as asserted: {_describe(wrong)}"


def _names(actor: Actor | None, written: str | None) -> str:
    parts = [written or ""]
    if actor is not None:
        parts += [actor.name, actor.text]
    return " | ".join(parts).casefold()


def _claim_mismatches(claim: Claim, spec: dict[str, Any]) -> list[str]:
    out = []
    q = claim.quantity
    for key, got in (("indicator", claim.indicator), ("qualifier", q.qualifier),
                     ("low", q.low), ("high", q.high), ("prior", claim.prior)):  # fmt: skip
        if key in spec and got != spec[key]:
            out.append(f"{key} {got!r} != {spec[key]!r}")
    for key, actor, written in (("subject", claim.subject, None),
                                ("claimant", claim.claimant, claim.claimant_text)):  # fmt: skip
        if key in spec and spec[key].casefold() not in _names(actor, written):
            out.append(f"{key} {_names(actor, written)!r} lacks {spec[key]!r}")
    return out


@pytest.mark.parametrize(("key", "number", "spec"), list(_cases("claims")))
def test_expected_claim(coded: dict[str, Article], key: str, number: int, spec: dict) -> None:
    claims = [c for c in coded[key].claims if spec["quantity"] in c.quantity.text]
    found = [c.quantity.text for c in coded[key].claims]
    assert claims, f"{key}: no claim {spec['quantity']!r}; found {found}"
    reasons = [_claim_mismatches(c, spec) for c in claims]
    assert any(not r for r in reasons), f"{key} claim {spec['quantity']!r}: {reasons}"


@pytest.mark.parametrize("key", [k for k, v in EXPECTED["articles"].items() if v.get("not_claims")])
def test_not_claims(coded: dict[str, Article], key: str) -> None:
    article = coded[key]
    for words in EXPECTED["articles"][key]["not_claims"]:
        wrong = [c for c in article.claims if words in c.span.text or c.span.text in words]
        assert not wrong, f"{key}: {words!r} read as a claim: {wrong}"


@pytest.mark.parametrize(("key", "number", "spec"), list(_cases("quotes")))
def test_expected_quote(coded: dict[str, Article], key: str, number: int, spec: dict) -> None:
    article = coded[key]
    quotes = [q for q in article.quotes if spec["content"] in article.span_text(q.content)]
    assert quotes, f"{key}: no quote holding {spec['content']!r}"
    speakers = [_names(q.speaker, q.speaker_text) for q in quotes]
    assert any(spec["speaker"].casefold() in s for s in speakers), speakers
