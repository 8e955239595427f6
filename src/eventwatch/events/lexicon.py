"""The event lexicon and the PLOVER ontology, loaded from data files and schema-checked.

``data/plover.yaml`` holds the 16 PLOVER types (quad class, scale, modes) and contexts;
``data/lexicon.yaml`` the words that signal events. Users add entries with their own YAML files
(``events.extra_lexicons``), read after the packaged one: their entries are tried first.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from eventwatch.errors import DataFileError


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TypeSpec(_Model):
    quad: int = Field(ge=1, le=4)
    scale: float = Field(ge=-10, le=10)
    modes: list[str]


class Ontology(_Model):
    version: int
    types: dict[str, TypeSpec]
    contexts: list[str]
    legacy: dict[str, dict[str, str]] = {}

    def check(self, event_type: str, mode: str | None, contexts: list[str], where: str) -> None:
        if event_type not in self.types:
            raise ValueError(f"{where}: unknown PLOVER type {event_type!r}")
        if mode is not None and mode not in self.types[event_type].modes:
            raise ValueError(f"{where}: mode {mode!r} is not a mode of {event_type}")
        for context in contexts:
            if context not in self.contexts:
                raise ValueError(f"{where}: unknown PLOVER context {context!r}")


class Entry(_Model):
    """One lexicon entry: a word that signals an event type."""

    lemma: str
    type: str
    mode: str | None = None
    contexts: list[str] = []
    objects: list[str] = []
    not_objects: list[str] = []
    # the entry does not apply when the verb governs one of these actions ("asked not to be
    # named": a reporter's formula, not a request)
    not_complements: list[str] = []
    # nor with these subjects ("markets rallied")
    not_subjects: list[str] = []
    # where the recipient is found, instead of the type's roles ("recaptured X from Y")
    roles: list[str] = []
    # a verb of receiving: the object of this preposition acts, the subject receives
    # ("received weapons from X": X gives to the subject)
    giver: str | None = None
    compounds: list[str] = []
    embedded: list[str] = []
    # the entry needs the verb to govern a clause of this kind ("refused *to meet*": xcomp;
    # "a rights group protested *that* ...": ccomp), and not one of these event types
    governs: Literal["xcomp", "ccomp"] | None = None
    # nor when, with no object, it governs a clause of this kind: the subject takes part in
    # that action ("helped to plan the attacks"), it does not give to anyone ("helped Iraq")
    not_governs: Literal["xcomp", "ccomp"] | None = None
    not_embedded: list[str] = []
    size: Literal["dead", "injured", "arrested"] | None = None
    # the modality the word itself carries when nothing else says otherwise ("pledged aid":
    # a promise, not aid delivered)
    modality: Literal["planned", "threatened", "hypothetical"] | None = None
    confidence: float = Field(0.8, gt=0, le=1)


class ImplicitActor(_Model):
    """The actor an event type implies when the text names none ("a protest was held")."""

    name: str
    sector: str


class ModeCue(_Model):
    """Words in the clause that give an event its mode ("suicide bomber" -> suicide-attack)."""

    mode: str
    cues: list[str]


class Modality(_Model):
    planned: list[str]
    hypothetical: list[str]
    threatened: list[str]
    negated: list[str]
    hypothetical_nouns: list[str]
    planned_nouns: list[str]
    threatened_nouns: list[str]
    negated_nouns: list[str]
    requested_nouns: list[str] = []
    modal_hypothetical: list[str]
    modal_planned: list[str]
    conditional_marks: list[str]
    negators: list[str]


class Statements(_Model):
    """Statements PLOVER codes as events of their own (CAMEO 03 "express intent to cooperate"
    is AGREE, 12 "refuse" REJECT, 13 "threaten" THREATEN): "offered to send troops" is an
    AGREE beside the planned MOBILIZE, "refused to meet" a REJECT beside the negated CONSULT."""

    commit: list[str]  # words of commitment: "offered", "pledged", "willing", "ready"
    refuse: list[str]  # words of refusal: "refused", "declined", "ruled out"
    cooperative: list[str]  # types whose promise is an AGREE
    conflictual: list[str]  # types whose promise is a THREATEN
    future_cooperative: list[str]  # types whose bare future ("will release") is an AGREE
    future_conflictual: list[str]  # types whose bare future ("will extend the curfew") threatens
    future_modals: list[str]  # "will", "would": announced future, negated = refusal
    ultimatum_marks: list[str]  # "will withdraw unless ...": a threat
    statement_types: list[str]  # types that are statements already: nothing to derive
    obligation_modals: list[str]  # "X said Y must ...": a demand (REQUEST) of X on Y
    readiness: list[str] = []  # "prepared to resume shelling": readiness (MOBILIZE)


class Symmetric(_Model):
    """Joint actions: several actors of these words act on each other ("X and Y met"); events
    of these types also run from the recipient back to the actor ("X held talks with Y")."""

    joint: list[str]
    types: list[str]


class LexiconFile(_Model):
    version: int
    symmetric: Symmetric | None = None
    statements: Statements | None = None
    roles: dict[str, list[str]] = {}
    threaten_modes: dict[str, str] = {}
    light_verbs: list[str] = []
    witness_verbs: list[str] = []
    modality: Modality | None = None
    speech_verbs: list[str] = []
    object_control: list[str] = []
    prep_control: list[str] = []
    number_words: dict[str, int] = {}
    irregular: dict[str, str] = {}
    verbs: list[Entry] = []
    nouns: list[Entry] = []
    noun_subject_verbs: list[str] = []
    not_governing: list[str] = []
    prep_governors: list[str] = []
    place_recipient_types: list[str] = []
    place_recipient_last_types: list[str] = []
    implicit_actors: dict[str, ImplicitActor] = {}
    victim_types: list[str] = []
    victim_nouns: list[str] = []
    natural_causes: list[str] = []
    carrier_nouns: list[str] = []
    trip_nouns: list[str] = []
    quantity_nouns: list[str] = []
    responsibility_nouns: list[str] = []
    responsibility_verbs: list[str] = []
    restating_verbs: list[str] = []
    context_cues: dict[str, list[str]] = {}
    mode_cues: dict[str, list[ModeCue]] = {}

    @model_validator(mode="after")
    def _roles_known(self) -> LexiconFile:
        allowed = {"dobj", "dative"}
        for event_type, roles in self.roles.items():
            for role in roles:
                if role not in allowed and not role.isalpha():
                    raise ValueError(f"roles.{event_type}: {role!r} is not dobj, dative or a word")
        return self


class Lexicon:
    """Indexed lexicon: entries by lemma, in the order they should be tried."""

    def __init__(self, ontology: Ontology, files: list[LexiconFile]) -> None:
        base = files[0]
        if base.modality is None:
            raise DataFileError("the packaged lexicon has no 'modality' section")
        self.ontology = ontology
        self.modality: Modality = base.modality
        if base.statements is None:
            raise DataFileError("the packaged lexicon has no 'statements' section")
        self.statements: Statements = base.statements
        self.symmetric: Symmetric = base.symmetric or Symmetric(joint=[], types=[])
        self.roles: dict[str, list[str]] = {}
        self.threaten_modes: dict[str, str] = {}
        self.light_verbs: set[str] = set()
        self.witness_verbs: set[str] = set()
        self.speech_verbs: set[str] = set()
        self.object_control: set[str] = set()
        self.prep_control: set[str] = set()
        self.number_words: dict[str, int] = {}
        self.irregular: dict[str, str] = {}
        self.noun_subject_verbs: set[str] = set()
        self.not_governing: set[str] = set()
        self.prep_governors: set[str] = set()
        self.place_recipient_types: set[str] = set()
        self.place_recipient_last_types: set[str] = set()
        self.implicit_actors: dict[str, ImplicitActor] = {}
        self.victim_types: set[str] = set()
        self.victim_nouns: set[str] = set()
        self.natural_causes: set[str] = set()
        self.carrier_nouns: set[str] = set()
        self.trip_nouns: set[str] = set()
        self.quantity_nouns: set[str] = set()
        self.responsibility_nouns: set[str] = set()
        self.responsibility_verbs: set[str] = set()
        self.restating_verbs: set[str] = set()
        self.context_cues: dict[str, str] = {}
        self.mode_cues: dict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
        self.verbs: dict[str, list[Entry]] = defaultdict(list)
        self.nouns: dict[str, list[Entry]] = defaultdict(list)
        # user files (read last) are tried first
        for lex in reversed(files):
            self._add(lex)
        for table in (self.verbs, self.nouns):
            for lemma, entries in table.items():
                # entries constrained by objects or compounds first; stable otherwise
                table[lemma] = sorted(entries, key=lambda e: not (e.objects or e.compounds))

    def _add(self, lex: LexiconFile) -> None:
        for event_type, roles in lex.roles.items():
            self.roles.setdefault(event_type, roles)
        for event_type, mode in lex.threaten_modes.items():
            self.threaten_modes.setdefault(event_type, mode)
        self.light_verbs.update(lex.light_verbs)
        self.witness_verbs.update(lex.witness_verbs)
        self.light_verbs.update(lex.witness_verbs)  # a witness verb is a light verb too
        self.speech_verbs.update(lex.speech_verbs)
        self.object_control.update(lex.object_control)
        self.prep_control.update(lex.prep_control)
        self.noun_subject_verbs.update(lex.noun_subject_verbs)
        self.not_governing.update(lex.not_governing)
        self.prep_governors.update(lex.prep_governors)
        self.place_recipient_types.update(lex.place_recipient_types)
        self.place_recipient_last_types.update(lex.place_recipient_last_types)
        self.implicit_actors.update(lex.implicit_actors)
        self.victim_types.update(lex.victim_types)
        self.victim_nouns.update(w.lower() for w in lex.victim_nouns)
        self.natural_causes.update(w.lower() for w in lex.natural_causes)
        self.carrier_nouns.update(lex.carrier_nouns)
        self.trip_nouns.update(lex.trip_nouns)
        self.quantity_nouns.update(lex.quantity_nouns)
        self.responsibility_nouns.update(lex.responsibility_nouns)
        self.responsibility_verbs.update(lex.responsibility_verbs)
        self.restating_verbs.update(lex.restating_verbs)
        for form, lemma in lex.irregular.items():
            self.irregular.setdefault(form.lower(), lemma.lower())
        for word, value in lex.number_words.items():
            self.number_words.setdefault(word, value)
        for context, cues in lex.context_cues.items():
            for cue in cues:
                self.context_cues.setdefault(cue.lower(), context)
        for event_type, cues in lex.mode_cues.items():
            for cue in cues:
                words = frozenset(word.lower() for word in cue.cues)
                self.mode_cues[event_type].append((cue.mode, words))
        for entry in lex.verbs:
            self.verbs[entry.lemma.lower()].append(entry)
        for entry in lex.nouns:
            self.nouns[entry.lemma.lower()].append(entry)


def read_yaml(source: str, text: str) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataFileError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise DataFileError(f"{source}: expected a mapping at the top level")
    return data


def _packaged(name: str) -> tuple[str, str]:
    path = resources.files("eventwatch.events") / "data" / name
    return f"eventwatch/events/data/{name}", path.read_text(encoding="utf-8")


def load_ontology() -> Ontology:
    source, text = _packaged("plover.yaml")
    try:
        return Ontology.model_validate(read_yaml(source, text))
    except ValidationError as exc:
        raise DataFileError(f"{source}: {exc}") from exc


def _load_file(source: str, text: str, ontology: Ontology) -> LexiconFile:
    try:
        lex = LexiconFile.model_validate(read_yaml(source, text))
        for kind, entries in (("verbs", lex.verbs), ("nouns", lex.nouns)):
            for entry in entries:
                ontology.check(entry.type, entry.mode, entry.contexts, f"{kind}.{entry.lemma}")
        for event_type in lex.roles:
            ontology.check(event_type, None, [], f"roles.{event_type}")
        for context in lex.context_cues:
            ontology.check("AGREE", None, [context], f"context_cues.{context}")
        for event_type, cues in lex.mode_cues.items():
            for cue in cues:
                ontology.check(event_type, cue.mode, [], f"mode_cues.{event_type}")
    except (ValidationError, ValueError) as exc:
        raise DataFileError(f"{source}: {exc}") from exc
    return lex


@cache
def load_lexicon(extra: tuple[Path, ...] = ()) -> Lexicon:
    """The packaged lexicon plus the user's files, validated against the ontology."""
    ontology = load_ontology()
    files = [_load_file(*_packaged("lexicon.yaml"), ontology)]
    for path in extra:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise DataFileError(f"{path}: cannot read lexicon file: {exc}") from exc
        files.append(_load_file(str(path), text, ontology))
    return Lexicon(ontology, files)
