"""The claims vocabulary (``data/claims.yaml``), schema-checked at load, extendable by users."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from eventwatch.errors import DataFileError
from eventwatch.events.lexicon import read_yaml
from eventwatch.records import Indicator, Qualifier


class ClaimsLexicon(BaseModel):
    """Words that make a number a claim and words that qualify it (see the data file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = 1
    qualifiers: dict[str, list[str]]
    not_amounts: list[str]
    not_units: list[str]
    vague: dict[str, tuple[str, float | None, float | None]]
    scales: dict[str, int]
    units: dict[str, list[str]]
    currencies: dict[str, list[str]]
    nouns: dict[str, list[str]]
    members: list[str]
    territory: list[str]
    territory_verbs: list[str]
    patient_verbs: dict[str, list[str]]
    agent_verbs: dict[str, list[str]]
    crowd_light_verbs: list[str]
    crowd_objects: list[str]
    crowd_people: list[str]
    people_nouns: list[str]
    measures: list[str]
    measure_indicators: dict[str, str]
    protest_nouns: list[str]
    money_context: list[str]
    hedges: list[str]
    prior: list[str]
    estimate_nouns: list[str]
    estimate_verbs: list[str]
    at_verbs: list[str]

    @field_validator("qualifiers")
    @classmethod
    def _qualifiers(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        known = {q.value for q in Qualifier} | {"range_open"}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"unknown qualifiers {unknown}; known: {sorted(known)}")
        return value

    @field_validator("nouns", "patient_verbs", "agent_verbs")
    @classmethod
    def _indicators(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        known = {i.value for i in Indicator}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"unknown indicators {unknown}; known: {sorted(known)}")
        return value

    # ------------------------------------------------------------------ lookups
    def qualifier_phrases(self) -> list[tuple[tuple[str, ...], str]]:
        """(words, qualifier) pairs, longest first."""
        pairs = [(tuple(p.split()), q) for q, phrases in self.qualifiers.items() for p in phrases]
        return sorted(pairs, key=lambda pair: -len(pair[0]))

    def unit_phrases(self) -> list[tuple[tuple[str, ...], str]]:
        pairs = [(tuple(p.split()), u) for u, phrases in self.units.items() for p in phrases]
        return sorted(pairs, key=lambda pair: -len(pair[0]))

    def vague_phrases(self) -> list[tuple[tuple[str, ...], str]]:
        return sorted(((tuple(p.split()), p) for p in self.vague), key=lambda pair: -len(pair[0]))

    def merged(self, other: dict[str, object]) -> ClaimsLexicon:
        """This lexicon with a user file's words added (lists extended, tables updated)."""
        data = self.model_dump()
        for key, value in other.items():
            if key not in data:
                raise ValueError(f"unknown key {key!r}")
            if isinstance(value, list):
                data[key] = [*data[key], *value]
            elif isinstance(value, dict) and isinstance(data[key], dict):
                for k, v in value.items():
                    old = data[key].get(k)
                    data[key][k] = [*old, *v] if isinstance(old, list) else v
            else:
                data[key] = value
        return ClaimsLexicon.model_validate(data)


@cache
def load_claims_lexicon(extra: tuple[str, ...] = ()) -> ClaimsLexicon:
    """The packaged vocabulary, with the user files ``extra`` added in order."""
    source = "eventwatch/claims/data/claims.yaml"
    text = resources.files("eventwatch.claims").joinpath("data/claims.yaml").read_text("utf-8")
    try:
        lexicon = ClaimsLexicon.model_validate(read_yaml(source, text))
    except ValidationError as exc:
        raise DataFileError(f"{source}: {exc}") from exc
    for path in extra:
        try:
            data = read_yaml(path, Path(path).read_text("utf-8"))
            data.pop("version", None)
            lexicon = lexicon.merged(data)
        except (OSError, ValueError, ValidationError) as exc:
            raise DataFileError(f"{path}: not a valid claims lexicon: {exc}") from exc
    return lexicon
