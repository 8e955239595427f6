"""Shared fixtures. Model-backed tests use the one session-wide ``nlp`` fixture."""

from __future__ import annotations

import pytest
from spacy.language import Language

from eventwatch.nlp import load_pipeline


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The default English pipeline (md), loaded once for the whole test session."""
    return load_pipeline("md")
