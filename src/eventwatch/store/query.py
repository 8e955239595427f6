"""Filters (:class:`EventQuery`, :class:`ClaimQuery`, :class:`QuoteQuery`) and the SQL they
become.

A query is checked when it is built: a wrong type, modality, country code or date range raises
:class:`~eventwatch.errors.QueryError` at once, not half-way through an export. Text filters
compare case-insensitively with Unicode case folding (SQLite's own ``lower()`` only folds
ASCII), through two SQL functions the store registers on its connection.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import InitVar, dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from eventwatch.errors import QueryError
from eventwatch.events.lexicon import load_ontology
from eventwatch.records import Indicator, Modality

_ISO3 = re.compile(r"^[A-Za-z]{3}$")
Many = str | Sequence[str] | None


@cache
def plover_types() -> frozenset[str]:
    """The 16 PLOVER event types of the packaged ontology."""
    return frozenset(load_ontology().types)


def fold(value: str | None) -> str | None:
    """Unicode case folding, None-safe (registered in SQLite as ``ew_fold``)."""
    return value.casefold() if isinstance(value, str) else None


def _many(value: Many, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise QueryError(f"{name}: expected one or several non-empty strings, got {item!r}")
    return tuple(dict.fromkeys(item.strip() for item in items))


def day_arg(value: date | str | None, name: str) -> date | None:
    """``value`` as a date (a ``date``, a datetime's day or ``'YYYY-MM-DD'``), or None."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise QueryError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None
    raise QueryError(f"{name}: expected a date or 'YYYY-MM-DD', got {value!r}")


def _text(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise QueryError(f"{name}: expected a non-empty string, got {value!r}")
    return value.strip()


def count_arg(value: int | None, name: str, *, allow_none: bool) -> int | None:
    """``value`` checked as a whole number >= 0 (or None when ``allow_none``)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise QueryError(f"{name}: expected a whole number >= 0, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Which events to read. Every field is optional; all given filters must hold (AND).

    - ``actor`` / ``recipient``: case-insensitive substring of the actor's name, code or words
      as written (``"hamas"``, ``"USAGOV"``, ``"gov"``).
    - ``types`` (or ``type``): one or several PLOVER types, e.g. ``"ASSAULT"`` or
      ``["PROTEST", "COERCE"]``; case-insensitive.
    - ``country``: ISO 3166 alpha-3 code of the actor, the recipient or the place.
    - ``place``: the place name as written or its GeoNames name (case-insensitive, whole name),
      or a GeoNames id.
    - ``modalities`` (or ``modality``): one or several of asserted, planned, threatened,
      hypothetical, negated, historical.
    - ``since`` / ``until``: event date bounds, inclusive (a ``date`` or ``"YYYY-MM-DD"``);
      events without a date are left out when either is given.
    - ``text``: an SQLite FTS5 query on the evidence sentence (``"ceasefire"``,
      ``"rocket* AND Gaza"``, ``'"peace talks"'``, ``"NEAR(troops border, 5)"``).
    - ``article_id``: events of one article.
    - ``story``: events of one story (its id); ``happening``: the reports of one happening.
    - ``once``: each happening once, as its first report (with the happening's ``reports`` and
      ``outlets``), instead of one row per report.
    - ``limit`` / ``offset``: paging over the ordered result (date, article id, position).
    """

    actor: str | None = None
    recipient: str | None = None
    types: Sequence[str] | str = ()  # normalised to a tuple of upper-case types
    country: str | None = None
    place: str | None = None
    modalities: Sequence[str] | str = ()  # normalised to a tuple of lower-case names
    since: date | str | None = None  # normalised to a date
    until: date | str | None = None
    text: str | None = None
    article_id: str | None = None
    story: str | None = None
    happening: str | None = None
    once: bool = False
    limit: int | None = None
    offset: int = 0
    type: InitVar[Many] = None
    modality: InitVar[Many] = None

    def __post_init__(self, type: Many, modality: Many) -> None:
        put = object.__setattr__
        put(self, "actor", _text(self.actor, "actor"))
        put(self, "recipient", _text(self.recipient, "recipient"))
        put(self, "place", _text(self.place, "place"))
        put(self, "text", _text(self.text, "text"))
        put(self, "story", _text(self.story, "story"))
        put(self, "happening", _text(self.happening, "happening"))
        if not isinstance(self.once, bool):
            raise QueryError(f"once: expected true or false, got {self.once!r}")
        if self.article_id is not None and (
            not isinstance(self.article_id, str) or not self.article_id
        ):
            raise QueryError(f"article_id: expected a non-empty string, got {self.article_id!r}")
        types = _many(self.types, "types") + _many(type, "type")
        put(self, "types", tuple(dict.fromkeys(t.upper() for t in types)))
        unknown = sorted(set(self.types) - plover_types())
        if unknown:
            known = ", ".join(sorted(plover_types()))
            raise QueryError(f"unknown PLOVER type(s) {', '.join(unknown)}; known: {known}")
        modalities = _many(self.modalities, "modalities") + _many(modality, "modality")
        put(self, "modalities", tuple(dict.fromkeys(m.lower() for m in modalities)))
        allowed = {m.value for m in Modality}
        bad = sorted(set(self.modalities) - allowed)
        if bad:
            raise QueryError(f"unknown modality {', '.join(bad)}; known: {', '.join(allowed)}")
        country = _text(self.country, "country")
        if country is not None and not _ISO3.match(country):
            raise QueryError(f"country: expected an ISO 3166 alpha-3 code (IRQ), got {country!r}")
        put(self, "country", country.upper() if country else None)
        put(self, "since", day_arg(self.since, "since"))
        put(self, "until", day_arg(self.until, "until"))
        if self.since and self.until and self.since > self.until:
            raise QueryError(f"since ({self.since}) is after until ({self.until})")
        put(self, "limit", count_arg(self.limit, "limit", allow_none=True))
        put(self, "offset", count_arg(self.offset, "offset", allow_none=False))


@dataclass(slots=True)
class Sql:
    """A WHERE clause under construction: conditions joined by AND, and their parameters."""

    conditions: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, condition: str, *params: Any) -> None:
        self.conditions.append(condition)
        self.params.extend(params)

    @property
    def where(self) -> str:
        return " WHERE " + " AND ".join(self.conditions) if self.conditions else ""


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join('?' for _ in values)})"


def _actor_match(
    sql: Sql, prefix: str, needle: str, alias: str = "e", extra: tuple[str, ...] = ()
) -> None:
    cols = [f"{alias}.{prefix}{c}" for c in ("name", "code", "text")]
    cols += [f"{alias}.{c}" for c in extra]
    sql.add(
        "(" + " OR ".join(f"instr(ew_fold({c}), ?) > 0" for c in cols) + ")",
        *[fold(needle)] * len(cols),
    )


def _place_match(sql: Sql, name: str) -> None:
    condition = "(ew_fold(e.place_text) = ? OR ew_fold(e.place_name) = ?"
    params: list[Any] = [fold(name), fold(name)]
    if name.isdigit():
        condition += " OR e.place_geonameid = ?"
        params.append(int(name))
    sql.add(condition + ")", *params)


def where(query: EventQuery) -> Sql:
    """The conditions on the ``events AS e`` table that ``query`` asks for."""
    sql = Sql()
    if query.actor:
        _actor_match(sql, "actor_", query.actor)
    if query.recipient:
        _actor_match(sql, "recipient_", query.recipient)
    if query.types:
        sql.add(_in("e.event_type", query.types), *query.types)
    if query.modalities:
        sql.add(_in("e.modality", query.modalities), *query.modalities)
    if query.country:
        sql.add(
            "(e.actor_country = ? OR e.recipient_country = ? OR e.place_country = ?)",
            *[query.country] * 3,
        )
    if query.place:
        _place_match(sql, query.place)
    if query.since:
        sql.add("e.date >= ?", str(query.since))
    if query.until:
        sql.add("e.date <= ?", str(query.until))
    if query.article_id:
        sql.add("e.article_id = ?", query.article_id)
    if query.story:
        sql.add("e.story_id = ?", query.story)
    if query.happening:
        sql.add("e.happening_id = ?", query.happening)
    if query.once:
        sql.add(
            "(e.happening_id IS NULL OR EXISTS (SELECT 1 FROM happenings AS h WHERE "
            "h.id = e.happening_id AND h.event_id = e.id AND h.article_id = e.article_id))"
        )
    if query.text:
        sql.add("e.seq IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)", query.text)
    return sql


ORDER = " ORDER BY e.date IS NULL, e.date, e.article_id, e.ord"


def paging(limit: int | None, offset: int) -> tuple[str, list[int]]:
    """A LIMIT/OFFSET clause and its parameters (SQLite needs a LIMIT before an OFFSET)."""
    if limit is None and not offset:
        return "", []
    return " LIMIT ? OFFSET ?", [-1 if limit is None else limit, offset]


def fts_error(exc: Exception, text: str) -> QueryError:
    """A readable QueryError for an FTS5 query SQLite could not parse."""
    return QueryError(
        f"text: {text!r} is not a valid full-text query ({exc}). Use words, "
        '"quoted phrases", prefix*, AND / OR / NOT, NEAR(a b, 5); quote words holding '
        "punctuation such as - or :"
    )


# ---------------------------------------------------------------------------- claims, quotes
def indicator_names() -> tuple[str, ...]:
    """The claim indicators (:class:`~eventwatch.records.Indicator`) in their declared order."""
    return tuple(i.value for i in Indicator)


def _indicators(values: tuple[str, ...]) -> tuple[str, ...]:
    known = indicator_names()
    out: list[str] = []
    for value in values:
        name = value.strip().lower().replace("-", "_").replace(" ", "_")
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise QueryError(f"unknown indicator {value!r}{hint}; known: {', '.join(known)}")
        out.append(name)
    return tuple(dict.fromkeys(out))


def _article(article_id: str | None, alias: str | None) -> str | None:
    for value in (article_id, alias):
        if value is not None and (not isinstance(value, str) or not value):
            raise QueryError(f"article: expected a non-empty article id, got {value!r}")
    if article_id and alias and article_id != alias:
        raise QueryError(f"article: two different ids given ({article_id!r}, {alias!r})")
    return article_id or alias


def _common(query: ClaimQuery | QuoteQuery, article: str | None) -> None:
    """Check and normalise the fields claim and quote queries share."""
    put = object.__setattr__
    put(query, "text", _text(query.text, "text"))
    put(query, "article_id", _article(query.article_id, article))
    put(query, "since", day_arg(query.since, "since"))
    put(query, "until", day_arg(query.until, "until"))
    if query.since and query.until and query.since > query.until:
        raise QueryError(f"since ({query.since}) is after until ({query.until})")
    put(query, "limit", count_arg(query.limit, "limit", allow_none=True))
    put(query, "offset", count_arg(query.offset, "offset", allow_none=False))


@dataclass(frozen=True, slots=True)
class ClaimQuery:
    """Which claims to read. Every field is optional; all given filters must hold (AND).

    - ``subject`` / ``claimant``: case-insensitive substring of the actor's name, code or words
      as written (``"islamic state"``, ``"IMGISL"``); ``claimant`` also matches the claimant as
      written when it was not resolved (``"military estimates"``, ``"one official"``).
    - ``indicators`` (or ``indicator``): one or several of :class:`~eventwatch.records.Indicator`
      (``"fighters"``, ``["killed", "injured"]``).
    - ``place``: the place as written or its GeoNames name (whole name, any case), a GeoNames
      id, an ISO3 country code, or a country name (claims anywhere in that country).
    - ``since`` / ``until``: inclusive bounds on the claim's date: its as-of date, else the
      article's publication day. Claims with neither are left out when either is given.
    - ``text``: an FTS5 query on the evidence sentence.
    - ``article_id`` (or ``article``): the claims of one article.
    - ``limit`` / ``offset``: paging over the ordered result (date, article id, position).
    """

    subject: str | None = None
    indicators: Sequence[str] | str = ()  # normalised to a tuple of Indicator values
    place: str | None = None
    claimant: str | None = None
    since: date | str | None = None
    until: date | str | None = None
    text: str | None = None
    article_id: str | None = None
    limit: int | None = None
    offset: int = 0
    indicator: InitVar[Many] = None
    article: InitVar[str | None] = None

    def __post_init__(self, indicator: Many, article: str | None) -> None:
        put = object.__setattr__
        put(self, "subject", _text(self.subject, "subject"))
        put(self, "claimant", _text(self.claimant, "claimant"))
        put(self, "place", _text(self.place, "place"))
        wanted = _many(self.indicators, "indicators") + _many(indicator, "indicator")
        put(self, "indicators", _indicators(wanted))
        _common(self, article)


@dataclass(frozen=True, slots=True)
class QuoteQuery:
    """Which quotes to read. Every field is optional; all given filters must hold (AND).

    - ``speaker``: case-insensitive substring of the speaker's name, code or words as written,
      or of the speaker as written when unresolved (``"kerry"``, ``"USAGOV"``, ``"official"``).
    - ``text``: an FTS5 query on what was said (``"ceasefire"``, ``'"peace talks"'``).
    - ``since`` / ``until``: inclusive bounds on the article's publication day.
    - ``article_id`` (or ``article``): the quotes of one article.
    - ``limit`` / ``offset``: paging over the ordered result (publication, article, position).
    """

    speaker: str | None = None
    text: str | None = None
    since: date | str | None = None
    until: date | str | None = None
    article_id: str | None = None
    limit: int | None = None
    offset: int = 0
    article: InitVar[str | None] = None

    def __post_init__(self, article: str | None) -> None:
        object.__setattr__(self, "speaker", _text(self.speaker, "speaker"))
        _common(self, article)


#: A claim's date in SQL: its as-of date, else the day its article was published.
CLAIM_DAY = "coalesce(c.as_of, substr(a.published, 1, 10))"
CLAIM_ORDER = f" ORDER BY {CLAIM_DAY} IS NULL, {CLAIM_DAY}, c.article_id, c.ord"
QUOTE_DAY = "substr(a.published, 1, 10)"
QUOTE_ORDER = " ORDER BY a.published IS NULL, a.published, q.article_id, q.ord"


def _claim_place(sql: Sql, name: str) -> None:
    """The place as written or named, its GeoNames id, its country code, or a country name (as
    the store's country mentions spell it)."""
    folded = fold(name)
    condition = (
        "(ew_fold(c.place_text) = ? OR ew_fold(c.place_name) = ? OR c.place_country IN ("
        "SELECT p.country FROM places AS p WHERE p.feature = 'country' "
        "AND p.country IS NOT NULL AND (ew_fold(p.name) = ? OR ew_fold(p.text) = ?))"
    )
    params: list[Any] = [folded] * 4
    if name.isdigit():
        condition += " OR c.place_geonameid = ?"
        params.append(int(name))
    if _ISO3.match(name):
        condition += " OR c.place_country = ?"
        params.append(name.upper())
    sql.add(condition + ")", *params)


def claim_where(query: ClaimQuery) -> Sql:
    """The conditions on ``claims AS c JOIN articles AS a`` that ``query`` asks for."""
    sql = Sql()
    if query.subject:
        _actor_match(sql, "subject_", query.subject, "c")
    if query.claimant:
        _actor_match(sql, "claimant_", query.claimant, "c", ("claimant_as_written",))
    if query.indicators:
        sql.add(_in("c.indicator", query.indicators), *query.indicators)
    if query.place:
        _claim_place(sql, query.place)
    if query.since:
        sql.add(f"{CLAIM_DAY} >= ?", str(query.since))
    if query.until:
        sql.add(f"{CLAIM_DAY} <= ?", str(query.until))
    if query.article_id:
        sql.add("c.article_id = ?", query.article_id)
    if query.text:
        sql.add("c.seq IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?)", query.text)
    return sql


def quote_where(query: QuoteQuery) -> Sql:
    """The conditions on ``quotes AS q JOIN articles AS a`` that ``query`` asks for."""
    sql = Sql()
    if query.speaker:
        _actor_match(sql, "speaker_", query.speaker, "q", ("speaker_as_written",))
    if query.since:
        sql.add(f"{QUOTE_DAY} >= ?", str(query.since))
    if query.until:
        sql.add(f"{QUOTE_DAY} <= ?", str(query.until))
    if query.article_id:
        sql.add("q.article_id = ?", query.article_id)
    if query.text:
        sql.add("q.seq IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)", query.text)
    return sql
