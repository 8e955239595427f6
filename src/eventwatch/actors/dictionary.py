"""The actor dictionary: packaged data files plus the user's, validated and merged.

Packaged files (``eventwatch/actors/data``) are read in a fixed order, then the user's files
(``actors.extra_files``), each overriding or adding to what came before:

* ``sectors.yaml``: sector codes and the sector nouns ("officials", "forces", "protesters").
* ``countries.yaml``: generated from the installed ISO 3166 packages (see
  :mod:`eventwatch.actors.build_countries`); ``countries_extra.yaml``: curated short forms,
  demonyms, capitals and corrections on top of it.
* ``institutions.yaml``, ``igos.yaml``, ``groups.yaml``: named actors with their aliases.
* ``titles.yaml``: titles that introduce people; ``rules.yaml``: assembly rules, confidences and
  the definite descriptions that refer back to a group ("the group").

The result is an :class:`ActorDictionary`: surface forms mapped to :class:`Target` records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from eventwatch.actors.schema import ActorEntry, DictionaryFile, Rules
from eventwatch.errors import DataFileError

PACKAGED = (
    "sectors.yaml",
    "countries.yaml",
    "countries_extra.yaml",
    "institutions.yaml",
    "igos.yaml",
    "groups.yaml",
    "people.yaml",
    "titles.yaml",
    "rules.yaml",
)
GENERATED = "countries.yaml"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Role = Literal["entity", "sector", "title", "reference", "ethnic"]
Form = Literal["name", "exact", "demonym", "people", "capital", "region", ""]


@dataclass(frozen=True, slots=True)
class Entity:
    """A resolvable actor identity (a country, an institution, an IGO, a group...)."""

    name: str
    kind: str
    code: str
    country: str | None
    sector: str | None
    confidence: float


@dataclass(frozen=True, slots=True)
class Target:
    """What a matched surface form means."""

    role: Role
    form: Form = ""
    entity: Entity | None = None
    sector: str | None = None
    confidence: float = 1.0
    affiliation: bool = False  # titles: sector/country from "for X" or the words before
    bare: bool = True  # titles: a mention even without a name
    kinds: tuple[str, ...] = ()  # references: the kinds of actor they refer back to
    sectors: tuple[str, ...] = ()  # references: and their sectors (empty: any)


@dataclass(slots=True)
class ActorDictionary:
    """Merged, indexed dictionary. ``names`` is case-sensitive, ``phrases`` lower-case."""

    sectors: dict[str, str]
    rules: Rules
    names: dict[str, Target]
    phrases: dict[str, list[Target]]
    countries: dict[str, Entity]
    sources: list[str] = field(default_factory=list)

    def label(self, sector: str | None) -> str:
        return self.sectors.get(sector or "", (sector or "").lower())


# ---------------------------------------------------------------------------- reading files
def _locate(data: Any, loc: tuple[Any, ...]) -> str:
    """A readable location for a validation error: section, index and the entry's name."""
    parts: list[str] = []
    node = data
    for key in loc:
        name = ""
        if isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
            if isinstance(node, dict):
                name = str(node.get("name") or node.get("iso3") or node.get("sector") or "")
            parts.append(f"[{key}]" + (f" ({name})" if name else ""))
            continue
        node = node.get(key) if isinstance(node, dict) else None
        parts.append(f".{key}" if parts else str(key))
    return "".join(parts)


def parse_file(source: str, text: str, known_sectors: set[str]) -> DictionaryFile:
    """Validate one dictionary file; raise :class:`DataFileError` naming file and entry."""
    try:
        data = yaml.load(text, Loader=_LOADER)  # a safe loader (C if available)
    except yaml.YAMLError as exc:
        raise DataFileError(f"{source}: not valid YAML: {exc}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise DataFileError(f"{source}: expected a mapping of sections at the top level")
    try:
        parsed = DictionaryFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _locate(data, tuple(first["loc"]))
        more = f" (and {exc.error_count() - 1} more errors)" if exc.error_count() > 1 else ""
        raise DataFileError(f"{source}: {where}: {first['msg']}{more}") from exc
    try:
        parsed.check_sectors(known_sectors)
    except ValueError as exc:
        raise DataFileError(f"{source}: {exc}") from exc
    return parsed


def _packaged(name: str) -> tuple[str, str]:
    path = resources.files("eventwatch.actors") / "data" / name
    return f"eventwatch/actors/data/{name}", path.read_text(encoding="utf-8")


def _user(path: Path) -> tuple[str, str]:
    try:
        return str(path), Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read actor dictionary: {exc}") from exc


# ---------------------------------------------------------------------------- forms
def plural(phrase: str) -> str:
    """Naive English plural of the last word (over-generation is harmless: it never matches)."""
    head, _, last = phrase.rpartition(" ")
    if last.endswith("man"):
        last = last[:-3] + "men"
    elif last.endswith("y") and len(last) > 1 and last[-2] not in "aeiou":
        last = last[:-1] + "ies"
    elif last.endswith(("s", "x", "ch", "sh", "z")):
        last = last + "es"
    else:
        last = last + "s"
    return f"{head} {last}" if head else last


def demonym_plural(demonym: str) -> str | None:
    """'Iraqi' -> 'Iraqis', 'American' -> 'Americans'; None when English has no such plural."""
    return demonym + "s" if demonym.endswith(("an", "i")) else None


def capitalised(surface: str) -> str:
    return surface[:1].upper() + surface[1:]


class _NameTable:
    """Case-sensitive surface forms. A later layer overrides; two claims on the same generated
    layer (two countries sharing a demonym or a capital) make the form ambiguous: dropped."""

    def __init__(self) -> None:
        self.claims: dict[str, tuple[int, Target]] = {}
        self.ambiguous: set[str] = set()

    def claim(self, surface: str, target: Target, layer: int, variants: bool = True) -> None:
        self._claim(surface, target, layer)
        if variants and surface[:1].islower():
            self._claim(capitalised(surface), target, layer)

    def _claim(self, surface: str, target: Target, layer: int) -> None:
        held = self.claims.get(surface)
        if held is not None and held[0] == layer == 0 and held[1].entity != target.entity:
            self.ambiguous.add(surface)
        if held is None or layer >= held[0]:
            self.claims[surface] = (layer, target)

    def table(self, dropped: set[str]) -> dict[str, Target]:
        return {
            s: t
            for s, (layer, t) in self.claims.items()
            if s not in dropped and not (layer == 0 and s in self.ambiguous)
        }


# ---------------------------------------------------------------------------- merging
class _Builder:
    def __init__(self, files: list[tuple[str, DictionaryFile]]) -> None:
        self.files = files
        self.sectors: dict[str, str] = {}
        self.rules = Rules()
        for _, f in files:
            self.sectors.update(f.sectors)
            if f.rules is not None:
                self.rules = _merge_rules(self.rules, f.rules)
        self.conf = self.rules.confidence
        self.names = _NameTable()
        self.phrases: dict[tuple[str, str], Target] = {}

    def build(self) -> ActorDictionary:
        countries = self._countries()
        dropped = self._dropped()
        for layer, (source, f) in enumerate(self.files):
            generated = source == f"eventwatch/actors/data/{GENERATED}"
            self._claim_countries(source, f, countries, 0 if generated else layer)
            for entry in f.actors:
                self._claim_actor(entry, layer)
            self._claim_phrases(f)
        for word in self.rules.ethnic:
            self.phrases[("ethnic", word.lower())] = Target("ethnic")
        phrases: dict[str, list[Target]] = {}
        for (_, surface), target in self.phrases.items():
            phrases.setdefault(surface, []).append(target)
        return ActorDictionary(
            sectors=self.sectors,
            rules=self.rules,
            names=self.names.table(dropped),
            phrases=phrases,
            countries=countries,
            sources=[s for s, _ in self.files],
        )

    def _countries(self) -> dict[str, Entity]:
        names: dict[str, str] = {}
        self.sovereign: dict[str, bool] = {}
        for _, f in self.files:
            for c in f.countries:
                if c.name is not None:
                    names[c.iso3] = c.name
                if c.sovereign is not None:
                    self.sovereign[c.iso3] = c.sovereign
        return {
            iso3: Entity(name, "country", iso3, iso3, None, self.conf.name)
            for iso3, name in names.items()
        }

    def _dropped(self) -> set[str]:
        dropped: set[str] = set()
        for _, f in self.files:
            dropped.update(f.exclude_names)
            for c in f.countries:
                dropped.update(c.drop)
        return dropped

    def _claim_countries(
        self, source: str, f: DictionaryFile, countries: dict[str, Entity], layer: int
    ) -> None:
        excluded_capitals = {c for _, g in self.files for c in g.exclude_capitals}
        country_names = {n for _, g in self.files for c in g.countries for n in c.names}
        for c in f.countries:
            entity = countries.get(c.iso3)
            if entity is None:
                raise DataFileError(
                    f"{source}: countries ({c.iso3}): no file gives this country a name"
                )
            official = layer > 0 or self.sovereign.get(c.iso3, False)
            for name in [*([c.name] if c.name else []), *c.names]:
                self.names.claim(name, Target("entity", "name", entity), layer)
            for region in c.regions:
                self.names.claim(region, Target("entity", "region", entity), layer)
            if not official:
                continue
            people = Target("entity", "people", entity, "CVL", self.conf.people)
            for demonym in c.demonyms:
                self.names.claim(demonym, Target("entity", "demonym", entity), layer)
                generated = demonym_plural(demonym)
                if generated:
                    self.names.claim(generated, people, layer)
            for noun in c.people:
                self.names.claim(noun, people, layer)
            capital_sector = "GOV"
            for capital in c.capitals:
                if capital in excluded_capitals or capital in country_names:
                    continue
                seat = Entity(
                    capital, "institution", c.iso3 + capital_sector, c.iso3, capital_sector,
                    self.conf.capital,
                )  # fmt: skip
                self.names.claim(capital, Target("entity", "capital", seat), layer)

    def _claim_actor(self, entry: ActorEntry, layer: int) -> None:
        entity = Entity(
            entry.name, entry.kind, entry.full_code, entry.country, entry.sector, entry.confidence
        )
        for name in [entry.name, *entry.aliases]:
            self.names.claim(name, Target("entity", "name", entity), layer)
        exact = Target("entity", "exact", entity, confidence=self.conf.exact)
        for form in entry.exact:
            self.names.claim(form, exact, layer, variants=False)

    def _claim_phrases(self, f: DictionaryFile) -> None:
        for group in f.sector_nouns:
            target = Target("sector", sector=group.sector, confidence=group.confidence)
            for phrase in group.phrases:
                low = phrase.lower()
                for surface in dict.fromkeys([low, plural(low)]):
                    self.phrases[("sector", surface)] = target
        for title in f.titles:
            target = Target(
                "title", sector=title.sector, affiliation=title.affiliation, bare=title.bare
            )
            for phrase in title.phrases:
                self.phrases[("title", phrase.lower())] = target
        for ref in f.references:
            target = Target("reference", kinds=tuple(ref.kinds), sectors=tuple(ref.sectors))
            for phrase in ref.phrases:
                self.phrases[("reference", phrase.lower())] = target


def _merge_rules(base: Rules, top: Rules) -> Rules:
    """User rules extend the lists and maps; confidences given in the file replace."""
    data = base.model_dump()
    for key in top.model_fields_set:
        value = getattr(top, key)
        if key in ("confidence", "sector_in"):
            data[key] = {**data[key], **value.model_dump(exclude_unset=True)}
        elif isinstance(value, dict):
            data[key] = {**data[key], **value}
        elif isinstance(value, list):
            data[key] = list(dict.fromkeys([*data[key], *value]))
        else:
            data[key] = value
    return Rules.model_validate(data)


def read_files(extra: Iterable[Path] = ()) -> list[tuple[str, DictionaryFile]]:
    """Parse the packaged files, then ``extra``: later files may use sectors declared earlier."""
    files: list[tuple[str, DictionaryFile]] = []
    known: set[str] = set()
    sources = [_packaged(name) for name in PACKAGED] + [_user(Path(p)) for p in extra]
    for source, text in sources:
        parsed = parse_file(source, text, known)
        known |= set(parsed.sectors)
        files.append((source, parsed))
    return files


@cache
def load_dictionary(extra_files: tuple[Path, ...] = ()) -> ActorDictionary:
    """The packaged actor dictionary plus the user's files (read last, overriding)."""
    try:
        return _Builder(read_files(extra_files)).build()
    except DataFileError:
        raise
    except (ValueError, KeyError) as exc:  # defensive: a merge error names no single file
        raise DataFileError(f"actor dictionary: {exc}") from exc
