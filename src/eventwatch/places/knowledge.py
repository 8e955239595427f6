"""The places stage's own knowledge file (``data/places.yaml``), schema-checked at load time.

GeoNames itself comes from packages (see :mod:`eventwatch.places.gazetteer`); this file holds
what they lack: news spellings of countries, extra demonyms, AP state abbreviations, the town
names that are ordinary English words, the missions named for the country they serve, and the
cue words the ranking reads.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from eventwatch.errors import DataFileError

_ISO2 = re.compile(r"^[A-Z]{2}$")
_ISO3166_2 = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")


class PlacesKnowledge(BaseModel):
    """Schema of ``places.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    country_aliases: dict[str, list[str]] = {}
    demonyms: dict[str, list[str]] = {}
    continent_demonyms: dict[str, list[str]] = {}
    us_state_abbreviations: dict[str, str] = {}
    common_word_names: list[str] = []
    generic_nouns: list[str] = []
    date_words: list[str] = []
    subdivision_cues: list[str] = []
    admin_cues: list[str] = []
    city_cues: list[str] = []
    settlement_cues: list[str] = []
    admin_of_cues: list[str] = []
    feature_cues: list[str] = []
    strong_prepositions: list[str] = []
    weak_prepositions: list[str] = []
    direction_words: list[str] = []
    place_parts: list[str] = []
    building_nouns: list[str] = []
    home_words: list[str] = []
    mission_hosts: dict[str, list[str]] = {}
    diplomatic_posts: list[str] = []
    # country-code top-level domains sold as generic names ("news.tv", "radio.fm"): no outlet
    # country; and those that are not the country's ISO code ("uk" is GB)
    generic_tlds: list[str] = []
    tld_countries: dict[str, str] = {}
    region_aliases: dict[str, list[str]] = {}
    landmarks: dict[str, int] = {}

    @field_validator("country_aliases", "demonyms", "region_aliases")
    @classmethod
    def _coded_names(
        cls, value: dict[str, list[str]], info: ValidationInfo
    ) -> dict[str, list[str]]:
        """Names by country code (ISO 3166-1 alpha-2), or by region code (ISO 3166-2)."""
        regions = info.field_name == "region_aliases"
        pattern, what = (_ISO3166_2, "ISO 3166-2") if regions else (_ISO2, "ISO 3166-1 alpha-2")
        for code, names in value.items():
            if not pattern.match(code):
                raise ValueError(f"{code!r} is not an {what} code")
            if not names or any(not n.strip() for n in names):
                raise ValueError(f"{code}: empty name")
        return value

    @field_validator("mission_hosts")
    @classmethod
    def _iso2_values(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, codes in value.items():
            bad = [c for c in codes if not _ISO2.match(c)]
            if not codes or bad:
                raise ValueError(f"{name}: {bad or codes!r} must be ISO 3166-1 alpha-2 codes")
        return value

    @field_validator("us_state_abbreviations")
    @classmethod
    def _iso3166_2_values(cls, value: dict[str, str]) -> dict[str, str]:
        for abbr, code in value.items():
            if not _ISO3166_2.match(code):
                raise ValueError(f"{abbr}: {code!r} is not an ISO 3166-2 code")
        return value

    @field_validator(
        "admin_cues",
        "city_cues",
        "settlement_cues",
        "admin_of_cues",
        "strong_prepositions",
        "weak_prepositions",
        "direction_words",
        "place_parts",
        "building_nouns",
        "home_words",
        "generic_nouns",
        "subdivision_cues",
        "diplomatic_posts",
    )
    @classmethod
    def _lowercase_words(cls, value: list[str]) -> list[str]:
        for word in value:
            if word != word.lower() or not word.strip():
                raise ValueError(f"{word!r}: cue words are written in lower case")
        return value


def read_knowledge(path: Path) -> PlacesKnowledge:
    """Read and check one knowledge file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"cannot read places knowledge {path}: {exc}") from exc
    try:
        return PlacesKnowledge.model_validate(raw)
    except ValidationError as exc:
        raise DataFileError(f"{path}: {exc}") from exc


@cache
def packaged_knowledge() -> PlacesKnowledge:
    """The knowledge file shipped inside the package (read once per process)."""
    ref = resources.files("eventwatch.places") / "data" / "places.yaml"
    with resources.as_file(ref) as path:
        return read_knowledge(Path(path))
