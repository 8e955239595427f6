"""The actors stage: a dictionary kept as data files, and a resolver over parsed Docs.

>>> resolver = ActorResolver.from_settings(settings.actors)   # doctest: +SKIP
>>> actors = resolver.resolve(article, [("title", title_doc), ("body", body_doc)])  # doctest: +SKIP
"""

from eventwatch.actors.dictionary import ActorDictionary, load_dictionary
from eventwatch.actors.resolver import ActorResolver

__all__ = ["ActorDictionary", "ActorResolver", "load_dictionary"]
