"""One typed settings object.

Defaults live in this module; a user YAML file (``--config`` or ``$EVENTWATCH_CONFIG``) and
environment variables (``EVENTWATCH_<SECTION>__<KEY>``, e.g. ``EVENTWATCH_NLP__MODEL=sm``) are
read on top, in that order. Every setting is documented in ``docs/configuration.md``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from eventwatch.errors import ConfigError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NlpSettings(_Section):
    model: str = Field("md", description="spaCy pipeline: 'md', 'sm', a package name or a path")
    n_process: int = Field(
        1, ge=1, description="worker processes that parse and code articles (1 = in-process)"
    )
    batch_size: int = Field(32, ge=1, description="articles parsed (and sent to a worker) at once")
    max_chars: int = Field(200_000, ge=1000, description="longer bodies are cut to this size")


class IngestSettings(_Section):
    text_field: str = Field("text", description="JSONL/CSV field holding the body")
    title_field: str = Field("title", description="JSONL/CSV field holding the title")
    url_field: str = Field("url", description="JSONL/CSV field holding the URL")
    published_field: str = Field("published", description="JSONL/CSV field with the date")
    outlet_field: str = Field("outlet", description="JSONL/CSV field holding the outlet")
    id_field: str | None = Field(None, description="JSONL/CSV field with an external id (kept)")
    fetch_links: bool = Field(True, description="RSS/Atom: fetch each entry's linked page")
    timeout: float = Field(15.0, gt=0, description="seconds per HTTP request")
    max_bytes: int = Field(10_000_000, ge=1000, description="larger inputs are rejected")
    languages: list[str] = Field(["en"], description="languages coded; others are skipped")
    min_chars: int = Field(40, ge=0, description="shorter bodies are skipped as empty")


class ActorSettings(_Section):
    extra_files: list[Path] = Field([], description="user YAML actor dictionaries, read last")


class EventSettings(_Section):
    extra_lexicons: list[Path] = Field([], description="user YAML event lexicons, read last")
    historical_years: int = Field(
        1, ge=0, description="events dated this many years before publication are historical"
    )


class PlaceSettings(_Section):
    min_population: int = Field(15_000, ge=0, description="smallest city considered")
    qualified_min_population: int = Field(
        1_000,
        ge=0,
        description="smallest place considered for a name qualified by its region "
        "('Pipri, Kaushambi (UP)'); 0 disables this small tier",
    )


class ClaimSettings(_Section):
    extra_lexicons: list[Path] = Field(
        [], description="YAML files of claim words added to the packaged claims vocabulary"
    )


class StorySettings(_Section):
    enabled: bool = Field(
        True, description="a run links near-duplicates, counts happenings and builds stories"
    )
    threshold: float = Field(
        0.55, ge=0, description="least link for an article to join a story (docs/stories.md)"
    )
    merge_days: int = Field(
        2, ge=0, description="days apart two reports of one happening may be dated"
    )
    merge_near_km: float = Field(
        25.0, ge=0, description="two cities closer than this may hold one happening"
    )
    embedding_weight: float = Field(
        0.0,
        ge=0,
        description="weight of MiniLM embeddings in story links (0: off; needs the "
        "'embeddings' extra)",
    )


class StoreSettings(_Section):
    path: Path = Field(Path("eventwatch.db"), description="SQLite database file")


class PipelineSettings(_Section):
    stages: list[str] = Field(
        ["actors", "places", "events", "quotes", "claims"],
        description="stages run after the parse, in order",
    )
    max_failed_ratio: float = Field(
        0.0, ge=0, le=1, description="share of failed articles a run tolerates before exit code 3"
    )


class Settings(_Section):
    pipeline: PipelineSettings = PipelineSettings()
    nlp: NlpSettings = NlpSettings()
    ingest: IngestSettings = IngestSettings()
    actors: ActorSettings = ActorSettings()
    events: EventSettings = EventSettings()
    places: PlaceSettings = PlaceSettings()
    claims: ClaimSettings = ClaimSettings()
    stories: StorySettings = StorySettings()
    store: StoreSettings = StoreSettings()


ENV_PREFIX = "EVENTWATCH_"


def _env_overrides(environ: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in environ.items():
        if not key.startswith(ENV_PREFIX) or "__" not in key:
            continue
        section, _, name = key[len(ENV_PREFIX) :].lower().partition("__")
        parsed = yaml.safe_load(value) if value else value
        out.setdefault(section, {})[name] = parsed
    return out


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_settings(
    path: str | Path | None = None,
    environ: dict[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build settings: defaults, then the YAML file, then the environment, then ``overrides``.

    ``overrides`` are section dicts, e.g. ``load_settings(nlp={"model": "sm"})``.
    """
    environ = dict(os.environ) if environ is None else environ
    data: dict[str, Any] = {}
    path = path or environ.get(ENV_PREFIX + "CONFIG")
    if path:
        try:
            loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read settings file {path}: {exc}") from exc
        if not isinstance(loaded, dict):
            raise ConfigError(f"settings file {path} must hold a mapping of sections")
        data = _merge(data, loaded)
    data = _merge(data, _env_overrides(environ))
    data = _merge(data, overrides)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"invalid settings: {exc}") from exc
