"""Building :class:`Article` records: publication dates, failed records, final status checks."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime
from typing import Any

from eventwatch.config import IngestSettings
from eventwatch.ingest.language import detect_language, sample
from eventwatch.ingest.normalize import normalize_text, normalize_title
from eventwatch.records import Article, Status, content_id

_DATEPARSER_SETTINGS = {"RETURN_AS_TIMEZONE_AWARE": True, "TIMEZONE": "UTC"}


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _from_number(value: float) -> datetime | None:
    seconds = value / 1000 if abs(value) > 1e11 else value  # milliseconds since the epoch
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _from_text(raw: str) -> datetime | None:
    try:
        return _aware(datetime.fromisoformat(raw))
    except ValueError:
        pass
    try:
        return _aware(email.utils.parsedate_to_datetime(raw))  # RFC 822, as in RSS
    except (TypeError, ValueError, IndexError):
        pass
    import dateparser  # slow to import: only when the cheap parsers fail

    try:
        parsed = dateparser.parse(raw, settings=_DATEPARSER_SETTINGS)  # type: ignore[arg-type]
    except (ValueError, TypeError, OverflowError):
        return None
    return _aware(parsed) if parsed else None


def parse_published(raw: object) -> datetime | None:
    """A timezone-aware datetime (UTC when none is given) from ISO 8601, RFC 822, free text or
    a Unix timestamp; None when ``raw`` is empty or unparseable."""
    if isinstance(raw, datetime):
        return _aware(raw)
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int | float):
        return _from_number(float(raw))
    text = " ".join(str(raw).split())
    return _from_text(text) if text else None


def _one_line(value: str | None) -> str | None:
    return normalize_title(value) or None if value else None


def new_article(
    *,
    source: str,
    title: str,
    text: str,
    url: str | None = None,
    outlet: str | None = None,
    published: object = None,
    meta: dict[str, Any] | None = None,
) -> Article:
    """A PENDING article with normalised text; an unparseable date goes to ``meta``."""
    title = normalize_title(title)
    text = normalize_text(text)
    meta = dict(meta or {})
    when = parse_published(published)
    if when is None and published not in (None, ""):
        meta["published_raw"] = str(published)
    return Article(
        id=content_id(title, text),
        text=text,
        title=title,
        url=_one_line(url),
        outlet=_one_line(outlet),
        published=when,
        source=source,
        status=Status.PENDING,
        meta=meta,
    )


def failed_article(source: str, reason: str) -> Article:
    """The record of an input that could not be read: empty title and text, a reason."""
    return Article(
        id=content_id(source, reason),
        text="",
        title="",
        source=source,
        status=Status.FAILED,
        reason=reason,
    )


def skipped_article(source: str, reason: str) -> Article:
    """The record of an input deliberately not read (an empty file, an unsupported file type)."""
    article = failed_article(source, reason)
    article.status = Status.SKIPPED
    return article


def too_large(size: int | None, max_bytes: int) -> str:
    """The failure reason for an input over ``max_bytes`` (``size`` None: not known exactly)."""
    if size is None:
        return f"too large: more than max_bytes ({max_bytes}) bytes"
    return f"too large: {size} bytes > max_bytes ({max_bytes})"


def finalize(article: Article, settings: IngestSettings) -> Article:
    """Give a PENDING article its id, language and final status (too large, empty, language)."""
    if article.status != Status.PENDING:
        return article
    size = len(article.text.encode("utf-8"))
    if size > settings.max_bytes:
        return failed_article(article.source or "", too_large(size, settings.max_bytes))
    article.id = content_id(article.title, article.text)
    chars = len(article.text.strip())
    if chars == 0 or chars < settings.min_chars:
        article.status = Status.SKIPPED
        article.reason = (
            f"text too short: {chars} characters < min_chars ({settings.min_chars})"
            if chars
            else "empty text"
        )
        return article
    allowed = [code.lower() for code in settings.languages]
    article.language = detect_language(sample(article.title, article.text), allowed)
    if article.language not in allowed:
        article.status = Status.SKIPPED
        article.reason = f"language {article.language!r} not in {settings.languages!r}"
    return article
