"""The actors stage: dictionary loading and validation, user extension, resolution."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from spacy.language import Language

from eventwatch.actors import ActorResolver, build_countries, load_dictionary
from eventwatch.actors.dictionary import demonym_plural, plural
from eventwatch.config import ActorSettings
from eventwatch.errors import DataFileError
from eventwatch.records import Actor, Article

# ---------------------------------------------------------------------------- dictionary


def test_packaged_dictionary_covers_every_un_member() -> None:
    d = load_dictionary()
    named = {t.entity.code for t in d.names.values() if t.form == "name" and t.entity}
    with_demonym = {t.entity.code for t in d.names.values() if t.form == "demonym" and t.entity}
    assert len(named & set(d.countries)) >= 193
    assert len(with_demonym) >= 180
    for iso3, name in [("IRQ", "Iraq"), ("USA", "United States"), ("CIV", "Ivory Coast")]:
        assert d.countries[iso3].name == name


@pytest.mark.parametrize(
    ("surface", "form", "code"),
    [
        ("U.S.", "name", "USA"),
        ("US", "name", "USA"),
        ("UK", "name", "GBR"),
        ("Burma", "name", "MMR"),
        ("Ivory Coast", "name", "CIV"),
        ("Iraqi", "demonym", "IRQ"),
        ("British", "demonym", "GBR"),
        ("Americans", "people", "USA"),
        ("Congolese", "demonym", "COD"),  # curated: generated data gives it to two countries
        ("Washington", "capital", "USAGOV"),
        ("Kremlin", "name", "RUSGOV"),
        ("Pentagon", "name", "USAMIL"),
        ("NATO", "name", "IGONATO"),
        ("Daesh", "name", "IMGISL"),
        ("IS", "exact", "IMGISL"),
        ("Al-Qaeda", "name", "IMGALQ"),  # capitalised variant of "al-Qaeda"
    ],
)
def test_surface_forms(surface: str, form: str, code: str) -> None:
    target = load_dictionary().names[surface]
    assert target.form == form
    assert target.entity is not None and target.entity.code == code


def test_excluded_and_ambiguous_forms_are_not_names() -> None:
    names = load_dictionary().names
    assert "Jerusalem" not in names  # the capital of two entries: dropped
    assert "Maurice" not in names  # a generated alias that is a first name: excluded
    assert "is" not in names and "us" not in names


def test_sector_nouns_and_titles_are_case_insensitive_phrases() -> None:
    phrases = load_dictionary().phrases
    sectors = {t.sector for t in phrases["officials"] if t.role == "sector"}
    assert sectors == {"GOV"}
    assert any(t.role == "title" and t.sector == "MIL" for t in phrases["brigadier general"])
    assert any(t.role == "reference" for t in phrases["the group"])


def test_plurals() -> None:
    assert plural("official") == "officials"
    assert plural("policeman") == "policemen"
    assert plural("militia") == "militias"
    assert plural("security official") == "security officials"
    assert plural("authority") == "authorities"
    assert demonym_plural("Iraqi") == "Iraqis"
    assert demonym_plural("British") is None


def test_generated_country_file_is_up_to_date() -> None:
    assert build_countries.main(["--check"]) == 0


# ---------------------------------------------------------------------------- user files


def _write(tmp_path: Path, text: str, name: str = "mine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


MILITIA = """
version: 1
actors:
  - name: Northern Hills Defence Brigade
    kind: group
    country: KEN
    sector: UAF
    aliases: [NHDB, Hills Brigade]
"""


def test_user_file_adds_entries(tmp_path: Path) -> None:
    d = load_dictionary((_write(tmp_path, MILITIA),))
    target = d.names["Hills Brigade"]
    assert target.entity is not None
    assert (target.entity.code, target.entity.country, target.entity.kind) == (
        "KENUAF",
        "KEN",
        "group",
    )
    assert "Hills Brigade" not in load_dictionary().names  # packaged dictionary unchanged


def test_user_file_overrides_and_declares_sectors(tmp_path: Path) -> None:
    text = """
sectors: {SET: settlers}
actors:
  - {name: Taliban, kind: group, country: AFG, sector: GOV, code: AFGGOVTAL}
sector_nouns:
  - {sector: SET, phrases: [settler]}
"""
    d = load_dictionary((_write(tmp_path, text),))
    taliban = d.names["Taliban"].entity
    assert taliban is not None and (taliban.sector, taliban.code) == ("GOV", "AFGGOVTAL")
    assert any(t.sector == "SET" for t in d.phrases["settlers"])
    assert d.label("SET") == "settlers"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("actors:\n  - {name: Lake Militia, kind: group, country: Kenya}\n", "Lake Militia"),
        ("actors:\n  - {name: Lake Militia, kind: group, country: KEN, sector: XYZ}\n", "XYZ"),
        ("actors:\n  - {name: Lake Militia, kind: gang, country: KEN}\n", "Lake Militia"),
        ("actors:\n  - {name: Lake Militia, kind: group}\n", "give a code or a country"),
        ("actors: [unclosed\n", "not valid YAML"),
        ("- just\n- a list\n", "mapping"),
        ("titles:\n  - {sector: GOV, phrases: [warden], colour: red}\n", "colour"),
    ],
)
def test_bad_user_file_raises_data_file_error(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, text, "bad.yaml")
    with pytest.raises(DataFileError) as err:
        load_dictionary((path,))
    message = str(err.value)
    assert message.startswith("[E002]")
    assert "bad.yaml" in message
    assert expected in message


def test_missing_user_file_raises_data_file_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="cannot read"):
        load_dictionary((tmp_path / "absent.yaml",))


def test_resolver_from_settings_reads_extra_files(tmp_path: Path) -> None:
    settings = ActorSettings(extra_files=[_write(tmp_path, MILITIA)])
    resolver = ActorResolver.from_settings(settings)
    assert "NHDB" in resolver.dictionary.names


# ---------------------------------------------------------------------------- resolution


@pytest.fixture(scope="module")
def resolver() -> ActorResolver:
    return ActorResolver.from_settings(ActorSettings())


def _resolve(nlp: Language, resolver: ActorResolver, text: str, title: str = "") -> list[Actor]:
    article = Article(id="t", text=text, title=title)
    docs = [("title", nlp(title))] if title else []
    actors = resolver.resolve(article, [*docs, ("body", nlp(text))])
    for actor in actors:  # invariants every mention must keep
        assert actor.span is not None
        assert article.span_text(actor.span) == actor.text == actor.span.text
        assert 0.0 < actor.confidence <= 1.0
        assert actor.matched_alias
        assert actor.kind in ("country", "institution", "igo", "group", "person", "sector")
    for fld in ("title", "body"):
        spans = sorted((a.span.start, a.span.end) for a in actors if a.span and a.span.field == fld)
        assert all(a[1] <= b[0] for a, b in pairwise(spans))
    return actors


def _by_text(actors: list[Actor]) -> dict[str, Actor]:
    return {a.text: a for a in actors}


def _fields(actor: Actor) -> tuple[str, str | None, str | None, str]:
    return actor.code, actor.country, actor.sector, actor.kind


@pytest.mark.model
def test_countries_short_forms_and_capitals(nlp: Language, resolver: ActorResolver) -> None:
    text = (
        "The U.S. and Britain urged Myanmar to free the detainees, while Washington said "
        "talks with the UAE would resume in Baghdad next week."
    )
    got = _by_text(_resolve(nlp, resolver, text))
    assert _fields(got["U.S."]) == ("USA", "USA", None, "country")
    assert got["Britain"].country == "GBR"
    assert got["Myanmar"].country == "MMR"
    assert got["UAE"].country == "ARE"
    assert _fields(got["Washington"]) == ("USAGOV", "USA", "GOV", "institution")
    assert got["Washington"].confidence < got["U.S."].confidence
    assert "Baghdad" not in got  # a place here ("in Baghdad"), not the Iraqi government


@pytest.mark.model
def test_capitals_stand_for_governments_only_as_arguments(
    nlp: Language, resolver: ActorResolver
) -> None:
    text = (
        "Moscow's reply came within hours. Nairobi residents queued for fuel while aid "
        "convoys waited near the Juba valley."
    )
    got = _by_text(_resolve(nlp, resolver, text))
    assert _fields(got["Moscow"]) == ("RUSGOV", "RUS", "GOV", "institution")
    assert _fields(got["Nairobi residents"])[:3] == ("KENCVL", "KEN", "CVL")
    assert not any(a.country == "SSD" for a in got.values())  # "Juba" modifies "valley"


@pytest.mark.model
def test_compounds_become_one_actor(nlp: Language, resolver: ActorResolver) -> None:
    text = (
        "Iraqi soldiers and Syrian rebels exchanged fire overnight, U.S. defense officials "
        "said, adding that the US-led coalition and Iranian-backed militias had stayed out of "
        "the fighting while Kurdish forces held the bridge."
    )
    got = _by_text(_resolve(nlp, resolver, text))
    assert _fields(got["Iraqi soldiers"]) == ("IRQMIL", "IRQ", "MIL", "sector")
    assert _fields(got["Syrian rebels"]) == ("SYRREB", "SYR", "REB", "sector")
    assert _fields(got["U.S. defense officials"]) == ("USAGOV", "USA", "GOV", "sector")
    assert _fields(got["US-led coalition"]) == ("USAMIL", "USA", "MIL", "sector")
    backed = got["Iranian-backed militias"]
    assert (backed.country, backed.sector) == (None, "UAF")
    assert (got["Kurdish forces"].country, got["Kurdish forces"].sector) == (None, "MIL")
    assert "Iraqi" not in got and "soldiers" not in got


@pytest.mark.model
def test_coordinated_demonyms_share_the_sector(nlp: Language, resolver: ActorResolver) -> None:
    text = "Egyptian and Jordanian diplomats met in Amman on Sunday to discuss the border crossing."
    got = _by_text(_resolve(nlp, resolver, text))
    assert _fields(got["Egyptian"])[:3] == ("EGYGOV", "EGY", "GOV")
    assert _fields(got["Jordanian diplomats"])[:3] == ("JORGOV", "JOR", "GOV")


@pytest.mark.model
def test_institutions_and_igos(nlp: Language, resolver: ActorResolver) -> None:
    text = (
        "The Kremlin rejected a statement by the Pentagon and the State Department, and asked "
        "the UN Security Council, NATO, the EU, the African Union and the Arab League to "
        "respond. UN peacekeepers were not affected."
    )
    got = _by_text(_resolve(nlp, resolver, text))
    assert _fields(got["Kremlin"]) == ("RUSGOV", "RUS", "GOV", "institution")
    assert _fields(got["Pentagon"]) == ("USAMIL", "USA", "MIL", "institution")
    assert _fields(got["State Department"]) == ("USAGOV", "USA", "GOV", "institution")
    for text_, code in [
        ("UN Security Council", "IGOUNO"),
        ("NATO", "IGONATO"),
        ("EU", "IGOEU"),
        ("African Union", "IGOAU"),
        ("Arab League", "IGOARL"),
    ]:
        assert _fields(got[text_]) == (code, None, "IGO", "igo")
    assert _fields(got["UN peacekeepers"]) == ("IGOUNOMIL", None, "MIL", "igo")


@pytest.mark.model
def test_bare_sector_nouns_have_no_country(nlp: Language, resolver: ActorResolver) -> None:
    text = (
        "Security officials said militants fired on protesters near the market, and police "
        "in Kabul later detained two gunmen."
    )
    got = _by_text(_resolve(nlp, resolver, text))
    assert _fields(got["Security officials"]) == ("COP", None, "COP", "sector")
    assert (got["militants"].country, got["militants"].sector) == (None, "UAF")
    assert (got["protesters"].country, got["protesters"].sector) == (None, "CVL")
    assert _fields(got["police in Kabul"])[:3] == ("AFGCOP", "AFG", "COP")


@pytest.mark.parametrize(
    ("sentence", "surface", "code", "country"),
    [
        ("ISIS claimed the ambush on the convoy.", "ISIS", "IMGISL", None),
        ("Daesh fighters overran the outpost before dawn.", "Daesh fighters", "IMGISL", None),
        ("The Taliban said the talks would continue.", "Taliban", "AFGREBTAL", "AFG"),
        ("The Houthis fired two drones at the port.", "Houthis", "YEMREBHTH", "YEM"),
        ("Al-Shabaab militants stormed a hotel.", "Al-Shabaab militants", "SOMREBSHB", "SOM"),
        ("Boko Haram abducted dozens of pupils.", "Boko Haram", "NGAREBBKH", "NGA"),
        ("The PKK denied the accusation.", "PKK", "TURREBPKK", "TUR"),
        ("The SDF said it repelled the assault.", "SDF", "SYRREBSDF", "SYR"),
        ("Hamas rejected the proposal on Friday.", "Hamas", "PSEREBHMS", "PSE"),
        ("Hezbollah fighters crossed the ridge.", "Hezbollah fighters", "LBNREBHEZ", "LBN"),
        ("Wagner mercenaries left the base.", "Wagner mercenaries", "RUSUAFWAG", "RUS"),
        ("Al Qaeda urged its followers to strike.", "Al Qaeda", "IMGALQ", None),
    ],
)
@pytest.mark.model
def test_groups_and_aliases(
    nlp: Language,
    resolver: ActorResolver,
    sentence: str,
    surface: str,
    code: str,
    country: str | None,
) -> None:
    got = _by_text(_resolve(nlp, resolver, sentence))
    assert surface in got, sorted(got)
    assert (got[surface].code, got[surface].country, got[surface].kind) == (code, country, "group")


@pytest.mark.model
def test_short_ambiguous_forms(nlp: Language, resolver: ActorResolver) -> None:
    got = _by_text(_resolve(nlp, resolver, "IS fighters seized the bridge, the army said."))
    assert got["IS fighters"].code == "IMGISL"
    negatives = [
        "The situation is tense and it is not clear who is in charge.",
        "Let us be clear, the mayor told us on Monday.",
        "WHAT IS NEXT FOR THE CITY? Residents are asking.",
    ]
    for text in negatives:
        codes = {a.code for a in _resolve(nlp, resolver, text)}
        assert not codes & {"IMGISL", "USA", "IGOUNO"}, text


@pytest.mark.model
def test_person_named_like_a_country(nlp: Language, resolver: ActorResolver) -> None:
    text = "Chad Okonkwo, a nurse at the clinic, said Chad had not sent any doctors."
    actors = _resolve(nlp, resolver, text)
    first = next(a for a in actors if a.text.startswith("Chad Okonkwo"))
    assert first.kind == "person" and first.country is None
    assert [a.code for a in actors if a.code == "TCD"] == ["TCD"]  # the second "Chad" only


@pytest.mark.model
def test_people_titles_and_surnames(nlp: Language, resolver: ActorResolver) -> None:
    text = (
        "Defense Minister Omar Tawfiq ordered reinforcements to the border on Monday. "
        "U.S. Secretary of State Ellen Marsh called the move reckless. "
        "Tawfiq told reporters the troops would stay, and Marsh said she would call him."
    )
    actors = _resolve(nlp, resolver, text)
    people = [a for a in actors if a.kind == "person"]
    by_name = {}
    for person in people:
        by_name.setdefault(person.name, []).append(person)
    tawfiq, marsh = by_name["Omar Tawfiq"], by_name["Ellen Marsh"]
    assert [a.text for a in tawfiq] == ["Defense Minister Omar Tawfiq", "Tawfiq"]
    assert all((a.sector, a.country) == ("GOV", None) for a in tawfiq)
    assert [a.text for a in marsh] == ["U.S. Secretary of State Ellen Marsh", "Marsh"]
    assert all((a.code, a.country) == ("USAGOV", "USA") for a in marsh)
    assert tawfiq[1].confidence < tawfiq[0].confidence


@pytest.mark.model
def test_people_from_appositions_and_ranks(nlp: Language, resolver: ActorResolver) -> None:
    text = (
        "Nabil Sarraf, Lebanon's interior minister, said the checkpoint had been reopened. "
        "Colonel Dana Whitfield, a spokeswoman for the army, declined to comment. "
        "Sarraf later resigned."
    )
    actors = _resolve(nlp, resolver, text)
    sarraf = [a for a in actors if a.name == "Nabil Sarraf"]
    assert {a.text for a in sarraf} >= {"Nabil Sarraf", "Lebanon's interior minister", "Sarraf"}
    assert all((a.code, a.kind) == ("LBNGOV", "person") for a in sarraf)
    colonel = next(a for a in actors if a.text == "Colonel Dana Whitfield")
    assert (colonel.sector, colonel.kind) == ("MIL", "person")


@pytest.mark.model
def test_unnamed_spokesman_speaks_for_the_organisation(
    nlp: Language, resolver: ActorResolver
) -> None:
    text = (
        "A Houthi military spokesman said the drones had hit the port. "
        "A Pentagon spokesman declined to comment."
    )
    got = _by_text(_resolve(nlp, resolver, text))
    assert _fields(got["Houthi military spokesman"]) == ("YEMREBHTH", "YEM", "REB", "group")
    assert _fields(got["Pentagon spokesman"]) == ("USAMIL", "USA", "MIL", "institution")


@pytest.mark.model
def test_group_back_references(nlp: Language, resolver: ActorResolver) -> None:
    text = (
        "Gunmen from al-Shabaab attacked a police post in the south. The group said its "
        "fighters killed four officers, and the militants later withdrew."
    )
    actors = _resolve(nlp, resolver, text)
    group = next(a for a in actors if a.text == "al-Shabaab")
    refs = [a for a in actors if a.text in ("The group", "the militants")]
    assert [a.code for a in refs] == ["SOMREBSHB", "SOMREBSHB"]
    assert all(a.confidence < group.confidence for a in refs)
    assert [a.matched_alias for a in refs] == ["the group", "the militants"]


@pytest.mark.model
def test_back_reference_without_antecedent(nlp: Language, resolver: ActorResolver) -> None:
    actors = _resolve(nlp, resolver, "The militants fled before the group of villagers arrived.")
    got = _by_text(actors)
    assert _fields(got["militants"]) == ("UAF", None, "UAF", "sector")
    assert not any(a.kind == "group" for a in actors)


@pytest.mark.model
def test_title_and_body_fields(nlp: Language, resolver: ActorResolver) -> None:
    title = "Houthi drones hit Saudi oil facility"
    text = "The Houthis said on Saturday that the group had launched six drones."
    actors = _resolve(nlp, resolver, text, title=title)
    in_title = [a for a in actors if a.span and a.span.field == "title"]
    assert in_title and all(a.span and a.span.end <= len(title) for a in in_title)
    assert in_title[0].code == "YEMREBHTH"
    body = [a for a in actors if a.span and a.span.field == "body"]
    assert [a.code for a in body][:2] == ["YEMREBHTH", "YEMREBHTH"]


@pytest.mark.model
def test_empty_and_actorless_text(nlp: Language, resolver: ActorResolver) -> None:
    assert _resolve(nlp, resolver, "It rained heavily on Tuesday afternoon.") == []
    article = Article(id="e", text="", title="")
    assert resolver.resolve(article, [("title", nlp("")), ("body", nlp(""))]) == []


def test_documented_user_file_example_loads(tmp_path: Path) -> None:
    """The example in docs/actors.md is a valid user file and does what it says."""
    doc = (Path(__file__).parent.parent / "docs" / "actors.md").read_text(encoding="utf-8")
    block = doc.split("# my_actors.yaml\n", 1)[1].split("```", 1)[0]
    d = load_dictionary((_write(tmp_path, block),))
    brigade = d.names["NHDB"]
    assert brigade.form == "exact" and brigade.entity is not None
    assert brigade.entity.code == "KENUAFNHB"
    assert d.names["Marsabit"].form == "region"
    assert [t.kinds for t in d.phrases["the brigade"]] == [("group",)]
