"""The ACLED evaluation's scoring, on tiny hand-written ACLED-shaped rows (no gold data, no
model: the coding step is replaced by hand-built events)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from eventwatch.config import load_settings
from eventwatch.evaluate import evaluate
from eventwatch.evaluate.acled import (
    AcledMap,
    actor_country,
    choose,
    classify,
    fatalities,
    load_map,
    summary,
)
from eventwatch.evaluate.base import EvalContext
from eventwatch.records import Actor, Article, Event, EventDate, Place, Span

HEADER = (
    "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,"
    "sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,"
    "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,"
    "notes,fatalities,timestamp,iso3"
)
COLUMNS = next(csv.reader([HEADER]))

ROWS = [
    {  # a clash: soldiers attacked by rebels, two dead
        "event_id_cnty": "XKA1", "event_date": "4-May-20", "event_type": "Battles",
        "sub_event_type": "Armed clash", "actor1": "Northern Liberation Front", "inter1": "2",
        "actor2": "Military Forces of Kelvania (2015-)", "inter2": "1", "country": "Kelvania",
        "latitude": "10.0", "longitude": "20.0", "fatalities": "2", "iso3": "KLV",
        "notes": "On 4 May 2020, rebels ambushed an army patrol near Dorvik, killing 2 soldiers.",
    },
    {  # a peaceful protest, no deaths
        "event_id_cnty": "XKA2", "event_date": "5-May-20", "event_type": "Protests",
        "sub_event_type": "Peaceful protest", "actor1": "Protesters (Kelvania)", "inter1": "6",
        "actor2": "", "inter2": "0", "country": "Kelvania", "latitude": "11.0",
        "longitude": "21.0", "fatalities": "0", "iso3": "KLV",
        "notes": "On 5 May 2020, nurses rallied outside the hospital in Amsel over unpaid wages.",
    },
]  # fmt: skip


def _write(root: Path) -> None:
    folder = root / "acled_rpanlilio_2020"
    folder.mkdir(parents=True)
    with (folder / "acled.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        for row in ROWS:
            writer.writerow({c: "" for c in COLUMNS} | {"timestamp": "1588800000"} | row)
        handle.write("7000,1,XKA3,3,6-May-20,2020,1,Battles\n")  # a truncated last row


def _actor(sector: str, country: str | None = "KLV", name: str = "x") -> Actor:
    return Actor(name, (country or "") + sector, country, sector, "sector", name)


def _place(lat: float, lon: float, country: str = "KLV") -> Place:
    return Place("p", "p", 1, "city", country, None, lat, lon, "city", 0.9)


def _event(event_type: str, mode: str | None = None, **kw: object) -> Event:
    fields: dict = {
        "id": "e", "article_id": "a", "event_type": event_type, "mode": mode, "contexts": [],
        "actor": None, "recipient": None, "place": None,
        "date": EventDate(date(2020, 5, 4), "day", "text"), "modality": "asserted",
        "evidence": Span(0, 1, "x"), "trigger": Span(0, 1, "x"),
    }  # fmt: skip
    fields.update(kw)
    return Event(**fields)


def _perfect(articles: Sequence[Article]) -> list[Article]:
    first, second = articles
    clash = _event("ASSAULT", actor=_actor("REB", None), recipient=_actor("MIL"), dead=2)
    clash.place = _place(10.1, 20.1)
    protest = _event("PROTEST", "demo", actor=_actor("HLH"), place=_place(11.0, 21.0))
    protest.date = EventDate(date(2020, 5, 5), "day", "text")
    first.events, second.events = [clash], [protest]
    return list(articles)


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, coder) -> dict[str, float | None]:
    _write(tmp_path)
    monkeypatch.setattr(EvalContext, "code", lambda self, articles, label="": coder(articles))
    [result] = evaluate(
        ["acled_rpanlilio_2020"], root=tmp_path, settings=load_settings(environ={}), limit=None
    )
    assert result.records == 2  # the truncated row is skipped
    return summary(result)


def test_perfect_answers_score_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scores = _run(tmp_path, monkeypatch, _perfect)
    for key in ("event_type_accuracy", "sub_event_type_accuracy", "actor1_accuracy",
                "actor2_accuracy", "location_161km", "location_country", "event_date_exact",
                "fatalities_exact", "fatalities_exact_positive"):  # fmt: skip
        assert scores[key] == 1.0, key


def test_known_misses_lower_the_right_metrics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def wrong(articles: Sequence[Article]) -> list[Article]:
        out = _perfect(articles)
        clash = out[0].events[0]
        clash.dead = None  # deaths not found: answered 0
        clash.place = _place(14.0, 20.0)  # ~440 km north
        out[1].events = [_event("ASSAULT", "beat", actor=_actor("COP"), recipient=_actor("HLH"))]
        return out  # the rally is read as police beating nurses

    scores = _run(tmp_path, monkeypatch, wrong)
    assert scores["fatalities_exact_positive"] == 0.0
    assert scores["fatalities_exact"] == 0.5  # the protest's 0 is still right
    assert scores["location_161km"] == 0.0
    assert scores["location_country"] == 0.5
    assert scores["event_type_accuracy"] == 0.5
    assert scores["actor2_accuracy"] == 1.0  # only the clash has an actor2


def test_missing_folder_is_skipped(tmp_path: Path) -> None:
    [result] = evaluate(
        ["acled_rpanlilio_2020"], root=tmp_path, settings=load_settings(environ={}), limit=None
    )
    assert result.skipped and not result.metrics


def test_rules_read_mode_sectors_and_the_rest_of_the_note() -> None:
    amap = load_map()
    air = _event("ASSAULT", "aerial", actor=_actor("MIL"))
    on_civilians = _event("ASSAULT", "firearms", actor=_actor("UAF"), recipient=_actor("CVL"))
    protest = _event("PROTEST", "demo", actor=_actor("CVL"))
    gas = _event("ASSAULT", "crowd-control", actor=_actor("COP"))
    article = Article("a", "text", events=[protest, gas])
    assert classify(air, Article("b", "t"), amap) == ("Explosions/Remote violence",
                                                      "Air/drone strike")  # fmt: skip
    assert classify(on_civilians, Article("c", "t"), amap)[0] == "Violence against civilians"
    assert classify(protest, article, amap) == ("Protests", "Protest with intervention")
    assert classify(protest, Article("d", "t", events=[protest]), amap) == (
        "Protests",
        "Peaceful protest",
    )


def test_choice_prefers_asserted_violence_and_fatalities_fall_back() -> None:
    amap = load_map()
    talk = _event("CONSULT")
    planned = _event("ASSAULT", modality="planned")
    arrest = _event("COERCE", "arrest", dead=None)
    attack = _event("ASSAULT", dead=None)
    summary_event = _event("ACCUSE", dead=3)
    events = [talk, planned, arrest, attack, summary_event]
    assert choose(events, amap) is attack
    assert choose([talk, planned], amap) is planned
    assert choose([], amap) is None
    assert fatalities(attack, Article("a", "t", events=events)) == 3
    assert fatalities(None, Article("a", "t")) == 0


def test_actor_country_and_map_validation() -> None:
    names = {"Kelvania": "KLV", "Philippines": "PHL"}
    assert actor_country("Military Forces of Kelvania (2015-)", names) == "KLV"
    assert actor_country("Police Forces of the Philippines (2016-)", names) == "PHL"
    assert actor_country("Rioters (Kelvania)", names) == "KLV"
    assert actor_country("Northern Liberation Front", names) is None
    raw = load_map().model_dump()
    raw["rules"][0]["actor"] = ["no-such-group"]
    with pytest.raises(ValidationError):
        AcledMap.model_validate(raw)


def _note(text: str, *events: Event) -> Article:
    return Article("n", text, events=list(events))


def test_a_note_without_events_is_read_from_its_words() -> None:
    amap = load_map()
    cases = {
        "Army troops and insurgents exchanged fire for two hours near Talvor.": "Battles",
        "Artillery shells landed on the outskirts of Brenna overnight.":
            "Explosions/Remote violence",
        "Monitors counted 40 shots and 12 explosions near the ridge.": "Battles",
        "Hundreds of dockworkers gathered at the port gates over unpaid wages.": "Protests",
        "The body of a trader was found dumped by a canal in Osk.":
            "Violence against civilians",
        "Officials signed the new budget on Tuesday.": "Strategic developments",
    }  # fmt: skip
    for text, expected in cases.items():
        got = classify(None, _note(text), amap)
        assert got is not None and got[0] == expected, text
    got = classify(None, _note("A roadside bomb went off under a lorry near Pell."), amap)
    assert got == ("Explosions/Remote violence", "Remote explosive/landmine/IED")


def test_words_decide_between_battle_riot_and_one_sided_violence() -> None:
    amap = load_map()
    fired = _event("ASSAULT", "explosives", actor=_actor("REB"), recipient=_actor("MIL"))
    shelling = "Rebels fired mortars at army positions near Kovo."
    battle = "Rebels fired mortars and small arms at army positions near Kovo."
    assert classify(fired, _note(shelling, fired), amap)[0] == "Explosions/Remote violence"
    assert classify(fired, _note(battle, fired), amap) == ("Battles", "Armed clash")
    mob = _event("ASSAULT", "beat", actor=_actor("CVL"), recipient=_actor("COP"))
    text = "Angry villagers beat two police officers who tried to close the market."
    assert classify(mob, _note(text, mob), amap) == ("Riots", "Mob violence")
    rally = _event("PROTEST", "demo", actor=_actor("LAB"))
    text = "Miners marched on the company office and pelted it with stones."
    assert classify(rally, _note(text, rally), amap) == ("Riots", "Violent demonstration")
    shot = _event("ASSAULT", "firearms", actor=_actor("UAF"))
    text = "Gunmen shot dead a farmer outside his home; police opened an inquiry."
    assert classify(shot, _note(text, shot), amap) == ("Violence against civilians", "Attack")


def test_cues_match_whole_words_and_bad_cues_are_rejected() -> None:
    amap = load_map()
    assert "air" in amap.cues_in("An airstrike hit the depot.")
    assert "protest" not in amap.cues_in("An airstrike hit the depot.")
    assert {"fight", "armed"} <= amap.cues_in("Troops clashed with rebels at dawn.")
    assert not amap.cues_in("Officials signed the new budget on Tuesday.")
    raw = load_map().model_dump()
    raw["rules"][0]["words"] = ["no-such-cue"]
    with pytest.raises(ValidationError):
        AcledMap.model_validate(raw)
    raw = load_map().model_dump()
    raw["cues"]["fight"] = ["(unclosed"]
    with pytest.raises(ValidationError):
        AcledMap.model_validate(raw)
