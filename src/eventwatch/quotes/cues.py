"""The cue words of quote extraction, read from ``data/cues.yaml`` and schema-checked at load."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from eventwatch.errors import DataFileError
from eventwatch.events.lexicon import read_yaml


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Confidences(_Model):
    """Base confidence of a quote by the way it was attributed."""

    direct_same_sentence: float = Field(gt=0, le=1)
    direct_attached: float = Field(gt=0, le=1)
    direct_colon: float = Field(gt=0, le=1)
    direct_previous: float = Field(gt=0, le=1)
    direct_next: float = Field(gt=0, le=1)
    direct_unattributed: float = Field(gt=0, le=1)
    reported: float = Field(gt=0, le=1)
    reported_passive: float = Field(gt=0, le=1)
    according: float = Field(gt=0, le=1)
    according_middle: float = Field(gt=0, le=1)


class SpeakerFactors(_Model):
    """Factor applied to the base confidence by how the speaker was found."""

    actor: float = Field(gt=0, le=1)  # an actor mention covers the speaker phrase
    pronoun: float = Field(gt=0, le=1)  # a pronoun resolved to the latest fitting actor
    unresolved: float = Field(gt=0, le=1)  # a speaker phrase with no actor
    none: float = Field(gt=0, le=1)  # no speaker at all ("it was reported that")


class CueFile(_Model):
    version: int
    speech_verbs: list[str] = Field(min_length=1)
    direct_verbs: list[str] = []
    addressee_verbs: list[str] = []
    not_addressees: list[str] = []
    infinitive_verbs: list[str] = []
    infinitive_heads: list[str] = []
    needs_actor: list[str] = []
    unsaid_aux: list[str] = []
    unsaid_marks: list[str] = []
    question_words: list[str] = []
    speaker_preps: list[str] = []
    person_pronouns: list[str] = []
    group_pronouns: list[str] = []
    max_term_words: int = Field(3, ge=0, le=10)
    confidence: Confidences
    speaker_factors: SpeakerFactors

    @model_validator(mode="after")
    def _lemmas_known(self) -> CueFile:
        speech = set(self.speech_verbs)
        for section in ("addressee_verbs", "infinitive_verbs", "needs_actor"):
            unknown = [w for w in getattr(self, section) if w not in speech]
            if unknown:
                raise ValueError(f"{section}: {unknown} are not speech_verbs")
        both = speech & set(self.direct_verbs)
        if both:
            raise ValueError(f"direct_verbs: {sorted(both)} are already speech_verbs")
        return self


class Cues:
    """The cue words as lower-cased sets, ready for lookups."""

    def __init__(self, data: CueFile) -> None:
        low = _lower
        self.data = data
        self.speech = low(data.speech_verbs)
        self.direct = low(data.direct_verbs)
        self.addressee = low(data.addressee_verbs)
        self.not_addressees = low(data.not_addressees)
        self.infinitive = low(data.infinitive_verbs)
        self.infinitive_heads = low(data.infinitive_heads)
        self.needs_actor = low(data.needs_actor)
        self.unsaid_aux = low(data.unsaid_aux)
        self.unsaid_marks = low(data.unsaid_marks)
        self.question_words = low(data.question_words)
        self.speaker_preps = low(data.speaker_preps)
        self.person_pronouns = low(data.person_pronouns)
        self.group_pronouns = low(data.group_pronouns)
        self.max_term_words = data.max_term_words
        self.confidence = data.confidence
        self.factors = data.speaker_factors


def _lower(words: list[str]) -> frozenset[str]:
    return frozenset(w.lower() for w in words)


def parse_cues(source: str, text: str) -> Cues:
    """Validate one cue file's text; ``source`` names it in error messages."""
    data = read_yaml(source, text)
    try:
        return Cues(CueFile.model_validate(data))
    except ValidationError as exc:
        raise DataFileError(f"{source}: {exc}") from exc


@cache
def load_cues(path: Path | None = None) -> Cues:
    """The packaged cue file, or the one at ``path``."""
    if path is None:
        source = "eventwatch/quotes/data/cues.yaml"
        text = (resources.files("eventwatch.quotes") / "data" / "cues.yaml").read_text("utf-8")
    else:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise DataFileError(f"{path}: cannot read cue file: {exc}") from exc
    return parse_cues(source, text)
