"""A run links a lightly edited copy to the article it copies, and keeps the link."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from eventwatch.config import load_settings
from eventwatch.pipeline import Pipeline
from eventwatch.runner import run as run_sources
from eventwatch.store import Store

pytestmark = pytest.mark.model

ORIGINAL = """Gunmen storm police post in Kaduna, kill three officers

KADUNA, Nigeria, May 4 (Savanna Wire) - Gunmen stormed a police post in the village of Rigasa on
the outskirts of Kaduna late on Sunday, killing three officers and wounding two others, a police
spokesman said on Monday.

The attackers arrived on motorcycles shortly before midnight and opened fire on the post, the
spokesman, Mansir Hassan, told reporters. They set fire to two patrol vehicles before fleeing
into the forest to the north of the village.

Residents said the gunfire lasted about forty minutes. No group has claimed the attack, which
came a week after bandits abducted eleven farmers from a nearby settlement.
"""

COPY = """Police post attacked near Kaduna, three officers dead

Gunmen stormed a police post in the village of Rigasa on the outskirts of Kaduna late on Sunday,
killing three officers and wounding two others, a police spokesman said on Monday.

The attackers arrived on motorcycles shortly before midnight and opened fire on the post, the
spokesman, Mansir Hassan, told reporters. They set fire to two patrol vehicles before fleeing
into the forest to the north of the village.
"""

OTHER = """Gunmen storm police post in Zaria, kill five officers

ZARIA, Nigeria, June 9 (Savanna Wire) - Gunmen stormed a police post in the town of Samaru near
Zaria late on Friday, killing five officers, a police spokeswoman said on Saturday. The attackers
arrived in two pickup trucks and fired on the post for half an hour before driving off.
"""


def test_a_run_links_an_edited_copy_to_its_original(nlp: Language, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in (("1-original.txt", ORIGINAL), ("2-copy.txt", COPY), ("3-other.txt", OTHER)):
        (folder / name).write_text(text, encoding="utf-8")
    settings = load_settings(environ={}, ingest={"fetch_links": False})
    db = tmp_path / "news.db"
    with Store.open(db) as store:
        summary = run_sources([str(folder)], settings, store, pipeline=Pipeline(settings, nlp=nlp))
    assert summary.coded == 3 and summary.near_duplicates == 1
    with Store.open(db) as store:
        ids = {Path(a["source"]).name: a["id"] for a in store.list_articles()}
        link = store.near_duplicate_of(ids["2-copy.txt"])
        assert link is not None and link["original_id"] == ids["1-original.txt"]
        assert store.near_duplicate_of(ids["3-other.txt"]) is None
        assert len(store.signatures()) == 3
        # a later run rebuilds the index from the stored signatures and links a new copy
        (folder / "4-copy-again.txt").write_text(COPY.replace("three officers dead", "3 killed"))
        summary = run_sources([str(folder)], settings, store, pipeline=Pipeline(settings, nlp=nlp))
        assert summary.coded == 1 and summary.near_duplicates == 1
