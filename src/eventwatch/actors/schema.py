"""Schema of the actor dictionary files (packaged and user YAML), checked at load time.

Every file has the same shape: a ``version`` and any of the sections below. The packaged files
each fill some sections; a user file may fill any of them (see ``docs/actors.md``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

ISO3 = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{2,16}$")]
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
EntryKind = Literal["country", "institution", "igo", "group", "person", "other"]
AffixRole = Literal["leader", "backer", "affiliate"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ActorEntry(_Model):
    """A named actor: an institution, an IGO, a group, a person or a country given by name."""

    name: Phrase
    kind: EntryKind
    code: Code | None = None  # default: country + sector ("USAGOV")
    country: ISO3 | None = None
    sector: str | None = None
    aliases: list[Phrase] = []  # matched case-sensitively (and with a capitalised first letter)
    exact: list[Phrase] = []  # short ambiguous forms (IS, WHO): refused in ALL-CAPS text
    confidence: float = Field(0.95, gt=0, le=1)

    @model_validator(mode="after")
    def _coded(self) -> ActorEntry:
        if self.code is None and self.country is None:
            raise ValueError(f"{self.name!r}: give a code or a country")
        return self

    @property
    def full_code(self) -> str:
        return self.code or f"{self.country}{self.sector or ''}"


class CountryEntry(_Model):
    """Names of one country. Entries with the same iso3 in later files merge into earlier ones."""

    iso3: ISO3
    name: Phrase | None = None
    sovereign: bool | None = None  # a UN member: its demonyms and capital are used
    names: list[Phrase] = []
    demonyms: list[Phrase] = []
    people: list[Phrase] = []  # plural nouns for the inhabitants ("Britons"): CVL
    capitals: list[Phrase] = []
    regions: list[Phrase] = []  # give their country in compounds only ("Darfur rebels")
    drop: list[Phrase] = []


class SectorNouns(_Model):
    sector: str
    phrases: list[Phrase]
    confidence: float = Field(0.8, gt=0, le=1)


class Title(_Model):
    sector: str | None
    phrases: list[Phrase]
    affiliation: bool = False  # sector/country from "for/of X" or the words before the title
    bare: bool = True  # a mention even without a name ("the defence minister said")


class Reference(_Model):
    kinds: list[Literal["group", "igo", "institution", "country"]]
    sectors: list[str] = []  # only antecedents of these sectors ("the rebels": REB, UAF); [] any
    phrases: list[Phrase]


class SectorIn(_Model):
    """A bare sector noun followed by one of ``preps`` and a country, capital or region takes
    its country ("police in Baghdad", "rebels in Darfur"), for ``sectors`` only: those seldom
    foreign to the place (not troops, diplomats, aid workers, journalists)."""

    preps: list[str] = []
    sectors: list[str] = []
    confidence: float = Field(0.7, gt=0, le=1)


class Confidence(_Model):
    name: float = Field(0.95, gt=0, le=1)
    exact: float = Field(0.85, gt=0, le=1)
    demonym: float = Field(0.6, gt=0, le=1)
    people: float = Field(0.8, gt=0, le=1)
    capital: float = Field(0.6, gt=0, le=1)
    compound: float = Field(0.9, gt=0, le=1)
    affiliate: float = Field(0.7, gt=0, le=1)
    modifier_noun: float = Field(0.6, gt=0, le=1)
    titled_person: float = Field(0.9, gt=0, le=1)
    bare_title: float = Field(0.6, gt=0, le=1)
    surname: float = Field(0.85, gt=0, le=1)
    unknown_person: float = Field(0.4, gt=0, le=1)
    reference: float = Field(0.6, gt=0, le=1)


class Rules(_Model):
    modifiers: list[str] = []
    ethnic: list[Phrase] = []
    affixes: dict[str, AffixRole] = {}
    negating_prefixes: list[str] = []
    country_title_sector: str | None = None
    locative_preps: list[str] = []
    place_preps: list[str] = []
    place_nouns: list[str] = []
    name_particles: list[str] = []
    sector_in: SectorIn = SectorIn()
    confidence: Confidence = Confidence()


class DictionaryFile(_Model):
    """One actor dictionary file. All sections are optional."""

    version: int = 1
    sectors: dict[Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")], str] = {}
    countries: list[CountryEntry] = []
    actors: list[ActorEntry] = []
    sector_nouns: list[SectorNouns] = []
    titles: list[Title] = []
    references: list[Reference] = []
    rules: Rules | None = None
    exclude_names: list[Phrase] = []
    exclude_capitals: list[Phrase] = []

    def check_sectors(self, known: set[str]) -> None:
        """Every sector named in this file must be a known sector code."""
        known = known | set(self.sectors)
        named: list[tuple[str, str | None]] = [(f"actors[{a.name}]", a.sector) for a in self.actors]
        named += [(f"sector_nouns[{n.phrases[0]}]", n.sector) for n in self.sector_nouns]
        named += [(f"titles[{t.phrases[0]}]", t.sector) for t in self.titles]
        for where, sector in named:
            if sector is not None and sector not in known:
                raise ValueError(f"{where}: unknown sector {sector!r} (known: {sorted(known)})")
