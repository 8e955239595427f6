"""Casualty counts read from the parse of one sentence (sentences written for these tests)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from eventwatch.events.casualties import Casualties, CasualtyWords, casualties
from eventwatch.events.lexicon import load_lexicon

pytestmark = pytest.mark.model


def _read(nlp: Language, text: str, words: CasualtyWords | None = None) -> tuple:
    doc = nlp(text)
    sent = next(iter(doc.sents))
    found = casualties(sent, load_lexicon().number_words, *([words] if words else []))
    return found.dead, found.injured


@pytest.mark.parametrize(
    ("text", "dead", "injured"),
    [
        ("Insurgents ambushed a convoy near the border, killing 2 soldiers.", 2, None),
        ("Three people were killed when gunmen opened fire on a market.", 3, None),
        ("The car bomb left five dead and 9 injured in the capital.", 5, 9),
        ("One police officer died after the clash with smugglers.", 1, None),
        ("The raid ended with no fatalities, the ministry said.", 0, None),
        ("The fighting resulted in 4 fatalities on both sides.", 4, None),
        ("Unconfirmed fatalities coded as 10.", 10, None),
        ("Police fired rubber bullets into the crowd, wounding a student.", None, 1),
        ("A farmer was found dead on Tuesday outside the village.", 1, None),
        ("Gunmen shot dead two traders at a checkpoint.", 2, None),
        ("A mine exploded under a bus, killing 7 passengers and injuring 12 others.", 7, 12),
        ("The driver and two passengers were wounded in the blast.", None, 3),
        ("Two guards were killed and four prisoners died in the riot.", 6, None),
        ("No one was hurt when the grenade went off.", None, 0),
        ("Nobody was killed in the overnight shelling.", 0, None),
        ("Several villagers were killed in the attack.", None, None),
        ("The bodies of four fishermen were recovered from the river.", 4, None),
        ("The death toll from the bombing rose to 17.", 17, None),
        ("Eleven civilians lost their lives in the strike.", 11, None),
        ("Militants stormed the town and killed at least 30 residents.", 30, None),
        ("The minister met protest leaders on Monday.", None, None),
    ],
)
def test_counts(nlp: Language, text: str, dead: int | None, injured: int | None) -> None:
    assert _read(nlp, text) == (dead, injured)


def test_unknown_is_not_zero(nlp: Language) -> None:
    found = casualties(next(iter(nlp("Dozens were wounded.").sents)), {})
    assert found == Casualties(None, None)
    assert not found


def test_vocabulary_can_be_extended(nlp: Language) -> None:
    text = "A sniper felled two soldiers near the bridge."
    assert _read(nlp, text) == (None, None)
    words = CasualtyWords(death_verbs=CasualtyWords().death_verbs | {"fell"})
    assert _read(nlp, text, words) == (2, None)
