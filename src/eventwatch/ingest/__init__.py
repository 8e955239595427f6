"""Ingest: every kind of source read into :class:`~eventwatch.records.Article` records.

>>> from eventwatch.config import IngestSettings
>>> from eventwatch.ingest import read_sources
>>> articles = read_sources(["news/", "feed.xml", "-"], IngestSettings())  # doctest: +SKIP

See ``docs/ingest.md`` for the inputs, the detection rules, the field mapping and the failure
reasons.
"""

from eventwatch.ingest.detect import FORMATS
from eventwatch.ingest.reader import read_sources

__all__ = ["FORMATS", "read_sources"]
