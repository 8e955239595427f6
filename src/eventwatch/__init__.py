"""eventwatch: open news in, auditable PLOVER event data out.

The names below are imported lazily, so that ``import eventwatch.records`` stays cheap (no spaCy).
"""

from __future__ import annotations

from importlib import import_module, metadata
from typing import TYPE_CHECKING, Any

try:
    __version__ = metadata.version("eventwatch")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

_EXPORTS = {
    "analyze": "eventwatch.api",
    "claims_frame": "eventwatch.api",
    "estimates": "eventwatch.api",
    "events_frame": "eventwatch.api",
    "open_store": "eventwatch.api",
    "quotes_frame": "eventwatch.api",
    "stories_frame": "eventwatch.api",
    "story": "eventwatch.api",
    "Settings": "eventwatch.config",
    "load_settings": "eventwatch.config",
    "Actor": "eventwatch.records",
    "Article": "eventwatch.records",
    "Claim": "eventwatch.records",
    "Event": "eventwatch.records",
    "EventDate": "eventwatch.records",
    "Indicator": "eventwatch.records",
    "Modality": "eventwatch.records",
    "Place": "eventwatch.records",
    "Qualifier": "eventwatch.records",
    "Quantity": "eventwatch.records",
    "Quote": "eventwatch.records",
    "QuoteKind": "eventwatch.records",
    "Span": "eventwatch.records",
    "Status": "eventwatch.records",
}
__all__ = [
    "Actor",
    "Article",
    "Claim",
    "Event",
    "EventDate",
    "Indicator",
    "Modality",
    "Place",
    "Qualifier",
    "Quantity",
    "Quote",
    "QuoteKind",
    "Settings",
    "Span",
    "Status",
    "__version__",
    "analyze",
    "claims_frame",
    "estimates",
    "events_frame",
    "load_settings",
    "open_store",
    "quotes_frame",
    "stories_frame",
    "story",
]

if TYPE_CHECKING:
    from eventwatch.api import (
        analyze,
        claims_frame,
        estimates,
        events_frame,
        open_store,
        quotes_frame,
        stories_frame,
        story,
    )
    from eventwatch.config import Settings, load_settings
    from eventwatch.records import (
        Actor,
        Article,
        Claim,
        Event,
        EventDate,
        Indicator,
        Modality,
        Place,
        Qualifier,
        Quantity,
        Quote,
        QuoteKind,
        Span,
        Status,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'eventwatch' has no attribute {name!r}")
    return getattr(import_module(module), name)
