"""Quotes and attribution: who said what, directly or in reported speech.

:class:`QuoteExtractor` reads an article's parse and its actor mentions and returns
:class:`~eventwatch.records.Quote` records; :func:`quote_at` finds the quote that holds a span
(to attribute an event or a claim stated inside it). See ``docs/quotes.md``.
"""

from eventwatch.quotes.cues import Cues, load_cues
from eventwatch.quotes.extract import QuoteExtractor, quote_at
from eventwatch.quotes.marks import Quotation, find_quotations

__all__ = ["Cues", "Quotation", "QuoteExtractor", "find_quotations", "load_cues", "quote_at"]
