"""The places stage: gazetteer (GeoNames) and toponym resolution.

    resolver = PlaceResolver.from_settings(settings.places)
    places, focus = resolver.resolve(article, [("title", title_doc), ("body", body_doc)])

See ``docs/places.md`` for the sources, the ranking and the known limits.
"""

from __future__ import annotations

from eventwatch.places.cache import default_cache_dir, load_gazetteer
from eventwatch.places.gazetteer import Entry, Gazetteer
from eventwatch.places.knowledge import PlacesKnowledge, packaged_knowledge, read_knowledge
from eventwatch.places.mentions import CountryHint, Mention, MentionFinder
from eventwatch.places.ranking import Group, Ranker, Weights
from eventwatch.places.resolver import PlaceResolver
from eventwatch.places.small import SmallPlaces

__all__ = [
    "CountryHint",
    "Entry",
    "Gazetteer",
    "Group",
    "Mention",
    "MentionFinder",
    "PlaceResolver",
    "PlacesKnowledge",
    "Ranker",
    "SmallPlaces",
    "Weights",
    "default_cache_dir",
    "load_gazetteer",
    "packaged_knowledge",
    "read_knowledge",
]
