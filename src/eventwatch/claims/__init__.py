"""Claims: attributed numbers (how many fighters, troops, dead, displaced, protesters; how much
territory or money), typed by indicator, with subject, claimant, hedges and as-of date."""

from eventwatch.claims.extract import ClaimExtractor
from eventwatch.claims.lexicon import ClaimsLexicon, load_claims_lexicon
from eventwatch.claims.quantity import Amount, AmountReader
from eventwatch.claims.sizes import with_event_sizes

__all__ = [
    "Amount",
    "AmountReader",
    "ClaimExtractor",
    "ClaimsLexicon",
    "load_claims_lexicon",
    "with_event_sizes",
]
