"""eventwatch's exceptions: a small hierarchy callers can catch by meaning.

Every message starts with a stable code (``E0xx``) so that users can search for it.
"""

from __future__ import annotations


class EventwatchError(Exception):
    """Base class of every error eventwatch raises on purpose."""

    code = "E000"

    def __init__(self, message: str) -> None:
        super().__init__(f"[{self.code}] {message}")


class ConfigError(EventwatchError):
    """A setting or a settings file is invalid."""

    code = "E001"


class DataFileError(EventwatchError):
    """A knowledge file (actors, lexicon, ...) is missing or fails its schema."""

    code = "E002"


class ModelNotFoundError(EventwatchError):
    """The configured spaCy pipeline is not installed."""

    code = "E003"


class IngestError(EventwatchError):
    """An input could not be read as an article. ``source`` names it."""

    code = "E010"

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class FetchError(IngestError):
    """A URL could not be fetched."""

    code = "E011"


class FormatError(IngestError):
    """The input is not in the format it claims (malformed HTML/JSON/CSV/feed, binary...)."""

    code = "E012"


class StoreError(EventwatchError):
    """The database could not be opened, migrated or written."""

    code = "E020"


class QueryError(EventwatchError):
    """A query or export was asked with invalid arguments."""

    code = "E021"
