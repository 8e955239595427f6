"""The event lexicon and the PLOVER ontology as data: packaged files, user extensions, and the
schema errors that name the file at fault. No language model needed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eventwatch.errors import DataFileError
from eventwatch.events.lexicon import Lexicon, load_lexicon, load_ontology

QUADS = {
    1: {"AGREE", "CONSULT", "SUPPORT", "CONCEDE"},
    2: {"COOPERATE", "AID", "RETREAT"},
    3: {"REQUEST", "ACCUSE", "REJECT", "THREATEN"},
    4: {"PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"},
}


def _write(tmp_path: Path, text: str, name: str = "user.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- packaged data


def test_ontology_has_the_16_plover_types_in_their_quad_classes() -> None:
    ontology = load_ontology()
    assert len(ontology.types) == 16
    for quad, types in QUADS.items():
        assert {t for t, spec in ontology.types.items() if spec.quad == quad} == types
    assert ontology.types["ASSAULT"].scale < 0 < ontology.types["AID"].scale


def test_ontology_modes_and_contexts() -> None:
    ontology = load_ontology()
    assert set(ontology.types["CONSULT"].modes) == {"visit", "third-party", "multilateral", "phone"}
    assert {"suicide-attack", "aerial", "drone", "crowd-control", "explosives", "firearms",
            "heavy-weapons", "abduct"} <= set(ontology.types["ASSAULT"].modes)  # fmt: skip
    assert set(ontology.types["REQUEST"].modes) == set(ontology.types["REJECT"].modes)
    assert ontology.types["AGREE"].modes == []
    assert len(ontology.contexts) == len(set(ontology.contexts)) == 37
    assert {"military", "terrorism", "economic", "legal", "election"} <= set(ontology.contexts)
    assert ontology.legacy["FIGHT"] == {"type": "ASSAULT"}


def test_packaged_lexicon_loads_and_agrees_with_the_ontology() -> None:
    lex = load_lexicon()
    ontology = lex.ontology
    assert set(lex.roles) == set(ontology.types)
    triggered = {e.type for entries in (*lex.verbs.values(), *lex.nouns.values()) for e in entries}
    assert triggered == set(ontology.types)
    for table in (lex.verbs, lex.nouns):
        for lemma, entries in table.items():
            assert lemma == lemma.lower()
            for entry in entries:
                assert entry.mode is None or entry.mode in ontology.types[entry.type].modes
                assert set(entry.contexts) <= set(ontology.contexts)
                assert 0 < entry.confidence <= 1
    assert set(lex.context_cues.values()) <= set(ontology.contexts)
    for event_type, cues in lex.mode_cues.items():
        assert all(mode in ontology.types[event_type].modes for mode, _ in cues)


def test_packaged_lexicon_knows_the_core_words() -> None:
    lex = load_lexicon()
    # "attack" is ASSAULT unless its object is a policy ("attacked the budget": ACCUSE)
    general = [e for e in lex.verbs["attack"] if not e.objects]
    assert general[0].type == "ASSAULT"
    assert {e.type for e in lex.verbs["attack"]} == {"ASSAULT", "ACCUSE"}
    assert lex.nouns["sanction"][0].type == "SANCTION"
    assert {"launch", "impose", "hold"} <= lex.light_verbs
    assert {"say", "tell"} <= lex.speech_verbs
    assert {"urge", "ask"} <= lex.object_control
    assert lex.modality.threatened and lex.modality.negated
    assert lex.number_words["five"] == 5
    # entries constrained by their objects are tried before the general one
    for entries in lex.verbs.values():
        flags = [bool(e.objects or e.compounds) for e in entries]
        assert flags == sorted(flags, reverse=True)


def test_packaged_lexicon_is_loaded_once() -> None:
    assert load_lexicon() is load_lexicon()


# ---------------------------------------------------------------------------- user files


def test_user_lexicon_adds_entries(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "version: 1\n"
        "verbs:\n"
        "  - {lemma: kneecap, type: ASSAULT, mode: beat, size: injured}\n"
        "nouns:\n"
        "  - {lemma: sit-down, type: PROTEST, mode: demo}\n"
        "light_verbs: [hold]\n"
        "context_cues:\n"
        "  illegal_drugs: [fentanyl]\n",
    )
    lex = load_lexicon((path,))
    assert isinstance(lex, Lexicon)
    (entry,) = lex.verbs["kneecap"]
    assert (entry.type, entry.mode, entry.size) == ("ASSAULT", "beat", "injured")
    assert lex.nouns["sit-down"][0].type == "PROTEST"
    assert lex.context_cues["fentanyl"] == "illegal_drugs"
    # the packaged words are all still there
    assert lex.verbs["attack"] and lex.nouns["sanction"]
    assert lex.modality == load_lexicon().modality


def test_user_entry_is_tried_before_the_packaged_one(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "version: 1\n"
        "verbs:\n"
        "  - {lemma: attack, type: ACCUSE, mode: disapprove}\n"
        "roles:\n"
        "  ACCUSE: [against, dobj]\n"
        "mode_cues:\n"
        "  ASSAULT:\n"
        "    - {mode: primitive, cues: [machete, machetes]}\n",
    )
    lex = load_lexicon((path,))
    first, *rest = lex.verbs["attack"]
    assert (first.type, first.mode) == ("ACCUSE", "disapprove")
    assert any(e.type == "ASSAULT" for e in rest)  # the packaged entry stays, tried later
    assert lex.roles["ACCUSE"] == ["against", "dobj"]
    assert ("primitive", frozenset({"machete", "machetes"})) in lex.mode_cues["ASSAULT"]


def test_later_user_file_wins_over_earlier_one(tmp_path: Path) -> None:
    one = _write(tmp_path, "version: 1\nverbs:\n  - {lemma: parley, type: CONSULT}\n", "one.yaml")
    two = _write(tmp_path, "version: 1\nverbs:\n  - {lemma: parley, type: AGREE}\n", "two.yaml")
    assert load_lexicon((one, two)).verbs["parley"][0].type == "AGREE"
    assert load_lexicon((two, one)).verbs["parley"][0].type == "CONSULT"


def test_user_file_with_only_a_version_changes_nothing(tmp_path: Path) -> None:
    lex = load_lexicon((_write(tmp_path, "version: 1\n"),))
    base = load_lexicon()
    assert set(lex.verbs) == set(base.verbs)
    assert set(lex.nouns) == set(base.nouns)


# ---------------------------------------------------------------------------- bad user files

BAD_FILES = {
    "bad-yaml": ("version: 1\nverbs: [ {lemma: kneecap, type: ASSAULT\n", "YAML"),
    "not-a-mapping": ("- lemma: kneecap\n- type: ASSAULT\n", "mapping"),
    "no-version": ("verbs:\n  - {lemma: kneecap, type: ASSAULT}\n", "version"),
    "unknown-type": ("version: 1\nverbs:\n  - {lemma: kneecap, type: FIGHTS}\n", "FIGHTS"),
    "unknown-noun-type": ("version: 1\nnouns:\n  - {lemma: brawl, type: BRAWL}\n", "BRAWL"),
    "mode-of-another-type": (
        "version: 1\nverbs:\n  - {lemma: picket, type: PROTEST, mode: aerial}\n",
        "aerial",
    ),
    "unknown-entry-context": (
        "version: 1\nverbs:\n  - {lemma: tackle, type: ASSAULT, contexts: [sports]}\n",
        "sports",
    ),
    "unknown-cue-context": ("version: 1\ncontext_cues:\n  sports: [football]\n", "sports"),
    "mode-cue-not-of-its-type": (
        "version: 1\nmode_cues:\n  ASSAULT:\n    - {mode: demo, cues: [placards]}\n",
        "demo",
    ),
    "mode-cue-of-unknown-type": (
        "version: 1\nmode_cues:\n  FIGHT:\n    - {mode: aerial, cues: [jets]}\n",
        "FIGHT",
    ),
    "mode-cue-without-cues": (
        "version: 1\nmode_cues:\n  ASSAULT:\n    - {mode: aerial}\n",
        "cues",
    ),
    "unknown-entry-field": (
        "version: 1\nverbs:\n  - {lemma: kneecap, type: ASSAULT, weight: 2}\n",
        "weight",
    ),
    "unknown-section": ("version: 1\nverbz:\n  - {lemma: kneecap, type: ASSAULT}\n", "verbz"),
    "bad-size": (
        "version: 1\nverbs:\n  - {lemma: kneecap, type: ASSAULT, size: missing}\n",
        "size",
    ),
    "bad-confidence": (
        "version: 1\nverbs:\n  - {lemma: kneecap, type: ASSAULT, confidence: 1.5}\n",
        "confidence",
    ),
    "bad-modality": (
        "version: 1\nverbs:\n  - {lemma: vow, type: AID, modality: certain}\n",
        "modality",
    ),
    "roles-of-unknown-type": ("version: 1\nroles:\n  FIGHT: [dobj]\n", "FIGHT"),
    "role-not-a-word": ("version: 1\nroles:\n  ASSAULT: [at the]\n", "at the"),
}


@pytest.mark.parametrize(("content", "says"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_user_file_raises_data_file_error_naming_it(
    tmp_path: Path, content: str, says: str
) -> None:
    path = _write(tmp_path, content, "my-lexicon.yaml")
    with pytest.raises(DataFileError) as info:
        load_lexicon((path,))
    message = str(info.value)
    assert message.startswith("[E002]")
    assert str(path) in message
    assert says in message


def test_missing_user_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(DataFileError, match=re.escape(str(path))):
        load_lexicon((path,))


def test_error_names_the_bad_file_not_a_good_one(tmp_path: Path) -> None:
    good = _write(tmp_path, "version: 1\nverbs:\n  - {lemma: parley, type: CONSULT}\n", "good.yaml")
    bad = _write(tmp_path, "version: 1\nverbs:\n  - {lemma: parley, type: PARLEY}\n", "bad.yaml")
    with pytest.raises(DataFileError) as info:
        load_lexicon((good, bad))
    assert str(bad) in str(info.value)
    assert str(good) not in str(info.value)
