"""The event coder, end to end on sentences written for these tests (wire-news style).

Each case names what a careful analyst would code from one sentence: the PLOVER type and, where
the sentence makes it clear, the actor and recipient codes, the modality, the mode, the sizes and
the speaker. A case passes when one coded event of that type has every named field. Cases the
coder gets wrong are kept, marked ``xfail(strict=True)`` with the reason, so that a fix shows up
as an XPASS to be promoted.

Every case sentence is also checked for the invariants every event must hold (evidence span,
trigger, confidence, ontology), and negative cases check that nothing is coded from idioms,
metaphors, reporters' formulas and events merely mentioned as a topic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from eventwatch.config import load_settings
from eventwatch.events.coder import _located
from eventwatch.events.lexicon import load_ontology
from eventwatch.ingest.articles import finalize, new_article
from eventwatch.pipeline import Pipeline
from eventwatch.records import Actor, Article, Event, Modality, Status

pytestmark = pytest.mark.model

PUBLISHED = "2024-03-12T10:00:00+00:00"
CONFIDENCE_KEYS = {"type", "actor", "recipient", "place", "date", "modality"}

Coder = Callable[..., Article]


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def pipeline(nlp: Language) -> Pipeline:
    return Pipeline(load_settings(environ={}), nlp=nlp)


@pytest.fixture(scope="module")
def code(pipeline: Pipeline) -> Coder:
    """Code a text as one article (cached per text and title)."""
    cache: dict[tuple[str, str, str], Article] = {}

    def run(text: str, title: str = "", published: str = PUBLISHED) -> Article:
        key = (text, title, published)
        if key not in cache:
            article = new_article(
                source="<test>", title=title, text=text, published=published, outlet="Test Wire"
            )
            article = finalize(article, pipeline.settings.ingest)
            pipeline.process([article])
            assert article.status == Status.CODED, article.reason
            cache[key] = article
        return cache[key]

    return run


# ---------------------------------------------------------------------------- expectations

ANY: Any = object()  # a field the case does not check


@dataclass(frozen=True)
class Want:
    """What one coded event must be. Fields left ANY are not checked."""

    type: str
    actor: Any = ANY  # actor code ("IMGISL"), or None for no actor
    recipient: Any = ANY  # recipient code, or None
    actor_country: Any = ANY
    recipient_country: Any = ANY
    modality: Any = ANY
    mode: Any = ANY
    dead: Any = ANY
    injured: Any = ANY
    arrested: Any = ANY
    attributed: Any = ANY  # speaker code; True: any speaker; None: no speaker
    contexts: tuple[str, ...] = ()  # must all be among the event's contexts
    trigger: Any = ANY  # the trigger word as written

    def mismatches(self, event: Event) -> list[str]:
        misses: list[str] = []
        got = _fields_of(event)
        for f in fields(self):
            wanted = getattr(self, f.name)
            if f.name == "type" or wanted is ANY:
                continue
            value = got[f.name]
            if f.name == "contexts":
                missing = set(wanted) - set(value)
                if missing:
                    misses.append(f"contexts {value} lack {sorted(missing)}")
            elif f.name == "attributed" and wanted is True:
                if value is None:
                    misses.append("no attributed_to")
            elif value != wanted:
                misses.append(f"{f.name} {value!r} != {wanted!r}")
        return misses


def _code_of(actor: Actor | None) -> str | None:
    return actor.code if actor is not None else None


def _fields_of(event: Event) -> dict[str, Any]:
    return {
        "actor": _code_of(event.actor),
        "recipient": _code_of(event.recipient),
        "actor_country": event.actor.country if event.actor else None,
        "recipient_country": event.recipient.country if event.recipient else None,
        "modality": event.modality,
        "mode": event.mode,
        "dead": event.dead,
        "injured": event.injured,
        "arrested": event.arrested,
        "attributed": _code_of(event.attributed_to),
        "contexts": event.contexts,
        "trigger": event.trigger.text,
    }


def describe(events: list[Event]) -> str:
    if not events:
        return "(no event)"
    return "; ".join(
        f"{e.event_type}/{e.mode} {e.modality} {_code_of(e.actor)}->{_code_of(e.recipient)} "
        f"trigger={e.trigger.text!r} dead={e.dead} injured={e.injured} arrested={e.arrested} "
        f"by={_code_of(e.attributed_to)}"
        for e in events
    )


def assert_coded(article: Article, want: Want) -> Event:
    """One event of ``want.type`` matches every field ``want`` names; return it."""
    candidates = [e for e in article.events if e.event_type == want.type]
    assert candidates, f"no {want.type} event; coded: {describe(article.events)}"
    reasons = [want.mismatches(e) for e in candidates]
    for event, reason in zip(candidates, reasons, strict=True):
        if not reason:
            return event
    raise AssertionError(f"{want.type}: {reasons}; coded: {describe(article.events)}")


def _slug(text: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", text)
    return "-".join(words[:9])


def known_bug(*values: Any, reason: str) -> Any:
    """A parametrized case the coder gets wrong today (strict xfail: a fix shows as XPASS)."""
    return pytest.param(*values, marks=pytest.mark.xfail(strict=True, reason=reason))


def case(text: str, want: Want, bug: str | None = None) -> Any:
    """A parametrized case; ``bug`` marks a known coder error (strict xfail)."""
    marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
    return pytest.param(text, want, marks=marks, id=f"{want.type}:{_slug(text)}")


# ---------------------------------------------------------------------------- the 16 types

# fmt: off
TYPE_CASES = [
    # AGREE
    # signing a formal agreement is SUPPORT (CAMEO 057 in the official CAMEO2PLOVER table)
    case("Sudan's army and the Rapid Support Forces signed a ceasefire agreement in Jeddah on "
         "Saturday.",
         Want("SUPPORT", actor="SDNMIL", trigger="signed")),
    case("Serbia and Kosovo reached an agreement on vehicle licence plates after talks in "
         "Brussels.",
         Want("AGREE", actor="SRB")),
    case("Azerbaijan and Armenia signed a peace treaty in Washington on Friday.",
         Want("SUPPORT", actor="AZE", recipient="ARM")),
    case("Ethiopia and Egypt announced an agreement on the Nile dam on Tuesday.",
         Want("AGREE", actor="ETH", trigger="agreement")),
    # CONSULT
    case("Chinese President Xi Jinping met Brazilian President Luiz Inacio Lula da Silva in "
         "Beijing on Tuesday.",
         Want("CONSULT", actor="CHNGOV", recipient="BRAGOV", trigger="met")),
    case("Turkey's foreign minister held talks with his Iranian counterpart in Ankara on Monday.",
         Want("CONSULT", actor="TURGOV", recipient_country="IRN", trigger="talks")),
    case("Egypt mediated talks between Hamas and Israel in Cairo on Sunday.",
         Want("CONSULT", actor="EGY", mode="third-party")),
    # SUPPORT
    case("The European Union welcomed the peace deal between Armenia and Azerbaijan.",
         Want("SUPPORT", actor="IGOEU")),
    case("Germany praised Kenya for its role in the regional peace talks.",
         Want("SUPPORT", actor="DEU", recipient="KEN")),
    case("Washington expressed support for the Philippine government on Monday.",
         Want("SUPPORT", actor="USAGOV", recipient="PHLGOV")),
    # CONCEDE
    case("The Ethiopian government lifted the state of emergency in the Amhara region.",
         Want("CONCEDE", actor="ETHGOV")),
    case("Japan apologized to South Korea for wartime forced labour on Thursday.",
         Want("CONCEDE", actor="JPN", recipient="KOR")),
    case("The government made concessions to striking doctors after a week of talks.",
         Want("CONCEDE", actor="GOV", trigger="concessions")),
    # COOPERATE
    case("U.S. special forces trained Nigerian soldiers in counterterrorism tactics.",
         Want("COOPERATE", actor="USAMIL", recipient="NGAMIL")),
    case("Colombia extradited a former rebel commander to the United States on Friday.",
         Want("COOPERATE", actor="COL")),
    case("Russia and Ukraine exchanged prisoners of war on Saturday.",
         Want("COOPERATE", actor="RUS", recipient="UKR")),
    # AID
    case("Japan sent aid to Turkey after the earthquake.",
         Want("AID", actor="JPN", recipient="TUR", contexts=("disasters",))),
    case("Saudi Arabia delivered food aid to Yemen.",
         Want("AID", actor="SAU", recipient="YEM")),
    case("The World Bank provided $500 million in emergency assistance to Pakistan on Tuesday.",
         Want("AID", recipient="PAK")),
    case("Sweden announced $50 million in aid for Somalia on Monday.",
         Want("AID", actor="SWE", recipient="SOM")),
    case("The European Union approved a new aid package for Lebanon.",
         Want("AID", actor="IGOEU", recipient="LBN")),
    # RETREAT
    case("Russian troops withdrew from the city of Kherson on Friday.",
         Want("RETREAT", actor="RUSMIL", mode="withdraw")),
    case("The rebels released 12 hostages on Sunday after weeks of negotiations.",
         Want("RETREAT", mode="release", trigger="released")),
    case("Pakistan's prime minister resigned on Thursday.",
         Want("RETREAT", actor="PAKGOV", mode="resign")),
    case("The army announced the withdrawal of its forces from the buffer zone.",
         Want("RETREAT", mode="withdraw", trigger="withdrawal")),
    # REQUEST
    case("Ukraine asked NATO for more air defence systems.",
         Want("REQUEST", actor="UKR", recipient="IGONATO")),
    case("The United Nations called for an immediate ceasefire in Gaza.",
         Want("REQUEST", actor="IGOUNO")),
    case("Ukraine's president made an appeal to Western leaders for more weapons.",
         Want("REQUEST", actor="UKRGOV", mode="assist", trigger="appeal")),
    # ACCUSE
    case("Iran accused Israel of carrying out the strike on its consulate.",
         Want("ACCUSE", actor="IRN", recipient="ISR", mode="allege")),
    case("Human rights groups condemned the killings of protesters in Tehran.",
         Want("ACCUSE", mode="disapprove", contexts=("human_rights",))),
    case("The United Nations announced an investigation into the killings.",
         Want("ACCUSE", actor="IGOUNO", mode="investigate", trigger="investigation")),
    case("Britain summoned the Iranian ambassador on Wednesday.",
         Want("ACCUSE", actor="GBR", recipient="IRNGOV")),
    # REJECT
    case("Hamas rejected the Israeli proposal on Wednesday.",
         Want("REJECT", actor="PSEREBHMS")),
    case("Moscow dismissed the allegations as baseless.",
         Want("REJECT", actor="RUSGOV")),
    case("Venezuela rejected the U.S. demand for new elections.",
         Want("REJECT", actor="VEN", recipient="USA")),
    # THREATEN
    case("North Korea threatened to strike U.S. bases in Guam.",
         Want("THREATEN", actor="PRK", recipient="USA", mode="violence")),
    case("The junta issued an ultimatum to the rebels on Tuesday.",
         Want("THREATEN", actor="GOV", recipient="REB")),
    case("The junta issued an ultimatum to the rebels.",
         Want("THREATEN", actor="GOV", recipient="REB")),
    case("The government gave the protesters an ultimatum to leave the square.",
         Want("THREATEN", actor="GOV", recipient="CVL")),
    case("Germany issued a threat to cut aid to Niger.",
         Want("THREATEN", actor="DEU", recipient="NER")),
    # PROTEST
    case("Thousands of students protested against the government in Nairobi on Sunday.",
         Want("PROTEST", recipient="KENGOV", mode="demo")),
    case("Teachers in Nigeria went on strike on Monday over unpaid salaries.",
         Want("PROTEST", actor_country="NGA", mode="strike")),
    case("Workers held a demonstration outside the garment factory in Dhaka.",
         Want("PROTEST", mode="demo", trigger="demonstration")),
    case("Hundreds of farmers staged a protest outside the agriculture ministry in New Delhi.",
         Want("PROTEST", mode="demo", trigger="protest")),
    case("The opposition boycotted the parliamentary session on Tuesday.",
         Want("PROTEST", mode="boycott")),
    # SANCTION
    case("The European Union imposed sanctions on Belarus on Monday.",
         Want("SANCTION", actor="IGOEU", recipient="BLR", contexts=("economic",))),
    case("Poland expelled a Russian diplomat on Tuesday.",
         Want("SANCTION", actor="POL", recipient="RUSGOV", mode="expel")),
    case("Washington imposed an arms embargo on South Sudan.",
         Want("SANCTION", actor="USAGOV", recipient="SSD")),
    case("A court in Moscow convicted the opposition leader of extremism.",
         Want("SANCTION", actor="RUSJUD", mode="convict", contexts=("legal",))),
    # MOBILIZE
    case("Russia deployed troops to the border with Ukraine.",
         Want("MOBILIZE", actor="RUS", mode="troops")),
    case("The Pentagon sent warships to the eastern Mediterranean.",
         Want("MOBILIZE", actor="USAMIL")),
    case("Turkey announced the deployment of troops to northern Iraq.",
         Want("MOBILIZE", actor="TUR", trigger="deployment")),
    # COERCE
    case("Police arrested 63 people in Istanbul on Sunday.",
         Want("COERCE", actor="TURCOP", mode="arrest", arrested=63)),
    case("Authorities imposed a curfew in the city of Jos.",
         Want("COERCE", mode="curfew")),
    case("Police launched a crackdown on opposition supporters in Kinshasa.",
         Want("COERCE", actor="CODCOP", recipient="CODOPP", trigger="crackdown")),
    case("The government blocked access to social media sites on Tuesday.",
         Want("COERCE", mode="censor")),
    case("Burundi closed its border with Rwanda on Thursday.",
         Want("COERCE", actor="BDI", recipient="RWA", mode="restrict")),
    # ASSAULT
    case("Islamic State militants attacked an Iraqi army checkpoint near Mosul on Tuesday.",
         Want("ASSAULT", actor="IMGISL", recipient="IRQMIL", trigger="attacked")),
    case("Militants launched an attack on a police station in northern Nigeria on Monday.",
         Want("ASSAULT", actor="NGAUAF", recipient="NGACOP", trigger="attack")),
    case("Militants attacked a police station in northern Nigeria on Monday.",
         Want("ASSAULT", actor="NGAUAF", recipient="NGACOP", trigger="attacked")),
    case("Ukrainian forces mounted a counteroffensive near Bakhmut.",
         Want("ASSAULT", actor="UKRMIL", trigger="counteroffensive")),
    case("Israeli troops raided the Jenin refugee camp on Wednesday.",
         Want("ASSAULT", actor="ISRMIL")),
]
# fmt: on


@pytest.mark.parametrize(("text", "want"), TYPE_CASES)
def test_types(code: Coder, text: str, want: Want) -> None:
    assert_coded(code(text), want)


def test_type_cases_cover_every_plover_type() -> None:
    covered: dict[str, int] = {}
    for param in TYPE_CASES:
        want = param.values[1]
        covered[want.type] = covered.get(want.type, 0) + 1
    assert set(covered) == set(load_ontology().types)
    assert min(covered.values()) >= 2


# ---------------------------------------------------------------------------- syntax

# fmt: off
STRUCTURE_CASES = [
    # passive voice, with the "by" agent as the actor and the subject as the recipient
    case("An Iraqi army checkpoint near Mosul was attacked by Islamic State militants on Tuesday.",
         Want("ASSAULT", actor="IMGISL", recipient="IRQMIL")),
    case("Two police stations in Kano were attacked by Boko Haram fighters overnight.",
         Want("ASSAULT", actor="NGAREBBKH", recipient="NGACOP")),
    case("Ukraine's army was targeted by Russian drones overnight.",
         Want("ASSAULT", actor="RUSMIL", recipient="UKRMIL")),
    case("The opposition leader was arrested by police in Kampala on Monday.",
         Want("COERCE", actor="UGACOP", recipient="UGAOPP", mode="arrest")),
    case("A convoy attacked by militants near Kandahar lost two vehicles.",
         Want("ASSAULT", actor="AFGUAF")),
    # chained verbs: the embedded action has the subject of the governing verb
    case("Chinese Foreign Minister Wang Yi is due to visit Nairobi on Wednesday.",
         Want("CONSULT", actor="CHNGOV", recipient="KENGOV")),
    case("Britain offered to send troops to Estonia.",
         Want("MOBILIZE", actor="GBR", recipient="EST", modality="planned")),
    case("Germany agreed to send tanks to Ukraine on Wednesday.",
         Want("MOBILIZE", actor="DEU", recipient="UKR", modality="planned")),
    case("The rebels agreed to withdraw from Goma under the truce.",
         Want("RETREAT", mode="withdraw", modality="planned", trigger="withdraw")),
    case("Moscow denied sending troops to Belarus.",
         Want("MOBILIZE", actor="RUSGOV", recipient="BLR", modality="negated")),
    # prepositional recipients
    case("The European Union imposed new sanctions on Iran on Monday.",
         Want("SANCTION", actor="IGOEU", recipient="IRN")),
    case("Opposition supporters protested against the government in Caracas on Saturday.",
         Want("PROTEST", actor="VENOPP", recipient="VENGOV")),
    case("Gunmen opened fire on worshippers at a mosque in Kabul.",
         Want("ASSAULT", actor="AFGUAF", recipient="AFGCVL", mode="firearms")),
    case("Iraqi forces recaptured the town of Tal Afar from Islamic State militants.",
         Want("ASSAULT", actor="IRQMIL", recipient="IMGISL")),
    # object control: the object of urge/ask/call on is the actor of the requested action
    case("The United Nations urged Iraq to withdraw its forces from the border.",
         Want("RETREAT", actor="IRQ", modality="hypothetical")),
    case("The United Nations urged Iraq to withdraw its forces from the border.",
         Want("REQUEST", actor="IGOUNO", recipient="IRQ", mode="yield")),
    case("Washington urged Israel to allow aid into Gaza.",
         Want("RETREAT", actor="ISR", mode="access", modality="hypothetical")),
    case("Kenya asked Uganda to extradite the suspect.",
         Want("COOPERATE", actor="UGA", modality="hypothetical")),
    case("The African Union called on Ethiopia to withdraw its troops from the border area.",
         Want("RETREAT", actor="ETH", modality="hypothetical")),
    case("The African Union called on Ethiopia to withdraw its troops from the border area.",
         Want("REQUEST", actor="IGOAU", recipient="ETH", mode="yield")),
    # relative clauses
    case("Fighters who attacked a military base in Mali on Sunday killed 11 soldiers, the army "
         "said.",
         Want("ASSAULT", actor="MLIUAF", recipient="MLIMIL", dead=11)),
    case("Residents returned to the village that Russian forces shelled on Sunday.",
         Want("ASSAULT", actor="RUSMIL", mode="heavy-weapons")),
    case("The soldiers who attacked the village were arrested by military police.",
         Want("ASSAULT", actor="MIL", trigger="attacked")),
    case("The soldiers who attacked the village were arrested by military police.",
         Want("COERCE", recipient="MIL", mode="arrest")),
    case("The militia that seized the airport released its hostages on Monday.",
         Want("RETREAT", mode="release", actor="UAF")),
]
# fmt: on


@pytest.mark.parametrize(("text", "want"), STRUCTURE_CASES)
def test_structure(code: Coder, text: str, want: Want) -> None:
    assert_coded(code(text), want)


# ---------------------------------------------------------------------------- coordination


def _of_type(article: Article, event_type: str) -> list[Event]:
    return [e for e in article.events if e.event_type == event_type]


@pytest.mark.parametrize(
    ("text", "types"),
    [
        ("Police fired tear gas at protesters and arrested 40 people in Nairobi.",
         {"ASSAULT", "COERCE"}),
        ("Thousands of people protested in Belgrade on Saturday, and police detained 15 of them.",
         {"PROTEST", "COERCE"}),
        ("Riot police used water cannon to disperse demonstrators in Tbilisi.",
         {"ASSAULT", "COERCE"}),
        ("The soldiers who attacked the village were arrested by military police.",
         {"ASSAULT", "COERCE"}),
    ],
)  # fmt: skip
def test_several_happenings_in_one_sentence(code: Coder, text: str, types: set[str]) -> None:
    article = code(text)
    assert {e.event_type for e in article.events} >= types, describe(article.events)
    evidence = {e.evidence.text for e in article.events}
    assert evidence == {text}  # all from the one sentence


@pytest.mark.parametrize(
    ("text", "dead"),
    [
        ("Islamic State militants attacked an army post and killed four soldiers near Kirkuk.", 4),
        ("Islamist militants attacked a church in Congo, killing 20 worshippers.", 20),
        ("A suicide bomber attacked a market in Maiduguri on Friday, killing 15 people.", 15),
    ],
)
def test_attack_and_its_killings_are_one_happening(code: Coder, text: str, dead: int) -> None:
    assaults = _of_type(code(text), "ASSAULT")
    assert len(assaults) == 1, describe(assaults)
    assert assaults[0].dead == dead


@pytest.mark.parametrize(
    ("text", "dead"),
    [
        ("An attack on an army base in Mali killed 11 soldiers on Sunday.", 11),
        ("A U.S. drone strike killed a senior al-Shabaab commander in Somalia.", 1),
    ],
)
def test_noun_subject_and_its_verb_are_one_happening(code: Coder, text: str, dead: int) -> None:
    assaults = _of_type(code(text), "ASSAULT")
    assert len(assaults) == 1, describe(assaults)
    assert assaults[0].dead == dead


def test_coordinated_subjects_each_act(code: Coder) -> None:
    article = code("Serbia and Kosovo reached an agreement on vehicle licence plates on Sunday.")
    actors = {_code_of(e.actor) for e in _of_type(article, "AGREE")}
    assert actors == {"SRB", "XKX"}


@pytest.mark.parametrize(
    ("text", "event_type", "modes"),
    [
        ("Police arrested three suspects and seized weapons in Karachi on Friday.",
         "COERCE", {"arrest", "seize"}),
        ("The gunmen, who stormed a church in Burkina Faso, abducted 20 worshippers.",
         "ASSAULT", {"abduct"}),
    ],
)  # fmt: skip
def test_distinct_happenings_of_one_type(
    code: Coder, text: str, event_type: str, modes: set[str]
) -> None:
    found = {e.mode for e in _of_type(code(text), event_type)}
    assert found >= modes


ARTICLE = (
    "Rebels attacked an army base near Goma on Monday, killing six soldiers, the army said. "
    "Hours later, the government imposed a curfew in the city.\n\n"
    "The United Nations called for an immediate ceasefire. Kenya offered to send "
    "peacekeepers to the region, and Uganda threatened to close its border with Congo.\n\n"
    "The rebels denied that they had attacked civilians."
)


def test_several_events_per_article(code: Coder) -> None:
    article = code(ARTICLE, title="Rebels attack army base near Goma")
    body = [e for e in article.events if e.evidence.field == "body"]
    assert {"ASSAULT", "COERCE", "REQUEST", "MOBILIZE", "THREATEN"} <= {e.event_type for e in body}
    assaults = {e.modality: e for e in _of_type(article, "ASSAULT")}
    assert assaults[Modality.ASSERTED].dead == 6
    assert assaults[Modality.ASSERTED].attributed_to is not None
    assert assaults[Modality.NEGATED].evidence.text.startswith("The rebels denied")
    assert {e.modality for e in _of_type(article, "MOBILIZE")} == {Modality.PLANNED}
    coerce = {(e.mode, e.modality) for e in _of_type(article, "COERCE")}
    assert ("curfew", Modality.ASSERTED) in coerce
    assert ("restrict", Modality.THREATENED) in coerce  # "threatened to close its border"
    sentences = {e.evidence.text for e in article.events}
    assert len(sentences) >= 4  # events come from their own sentences, not one blob


def test_headline_does_not_repeat_the_body_event(code: Coder) -> None:
    article = code(ARTICLE, title="Rebels attack army base near Goma")
    headline = [e for e in article.events if e.evidence.field == "title"]
    assert not [e for e in headline if e.event_type == "ASSAULT"], describe(headline)


def test_headline_event_points_into_the_title(code: Coder) -> None:
    title = "Police arrest 40 protesters in Lagos"
    body = (
        "Nigeria's government said on Sunday it would review the fuel subsidy policy after "
        "weeks of criticism from unions."
    )
    article = code(body, title=title)
    (event,) = [e for e in article.events if e.event_type == "COERCE"]
    assert event.evidence.field == event.trigger.field == "title"
    assert article.span_text(event.evidence) == event.evidence.text == title
    assert event.arrested == 40


def test_event_ids_are_stable_and_unique(pipeline: Pipeline) -> None:
    def run() -> list[str]:
        article = finalize(
            new_article(source="<ids>", title="", text=ARTICLE, published=PUBLISHED),
            pipeline.settings.ingest,
        )
        pipeline.process([article])
        return [e.id for e in article.events]

    first, second = run(), run()
    assert first == second
    assert len(set(first)) == len(first)


# ---------------------------------------------------------------------------- modality

# fmt: off
MODALITY_CASES = [
    # planned / offered / promised
    case("Britain will deploy 500 troops to Estonia next year.",
         Want("MOBILIZE", actor="GBR", recipient="EST", modality="planned")),
    case("The Pentagon plans to send two aircraft carriers to the region.",
         Want("MOBILIZE", actor="USAMIL", modality="planned")),
    case("Japan pledged $2 billion in aid to Ukraine on Tuesday.",
         Want("AID", actor="JPN", recipient="UKR", modality="planned")),
    case("Egypt offered to host talks between the two sides.",
         Want("CONSULT", actor="EGY", modality="planned")),
    case("France pledged to deploy 300 soldiers to Romania.",
         Want("MOBILIZE", actor="FRA", recipient="ROU", modality="planned")),
    case("Chinese Foreign Minister Wang Yi is due to visit Nairobi on Wednesday.",
         Want("CONSULT", mode="visit", modality="planned")),
    case("The rebels said they would release the hostages on Friday.",
         Want("RETREAT", actor="REB", modality="planned", attributed="REB")),
    case("Kenya offered to send peacekeepers to Haiti.",
         Want("MOBILIZE", actor="KEN", recipient="HTI", modality="planned")),
    # threatened
    case("North Korea threatened to strike U.S. bases in Guam.",
         Want("ASSAULT", actor="PRK", modality="threatened")),
    case("Hezbollah threatened to target Israeli ports.",
         Want("ASSAULT", actor="LBNREBHEZ", recipient="ISR", modality="threatened")),
    case("Hezbollah threatened to target Israeli ports.",
         Want("THREATEN", actor="LBNREBHEZ", modality="asserted", mode="violence")),
    case("The president threatened to expel foreign journalists.",
         Want("COERCE", modality="threatened")),
    case("Iran warned it would strike Israeli cities in response.",
         Want("THREATEN", actor="IRN", modality="asserted")),
    case("Iran warned it would strike Israeli cities in response.",
         Want("ASSAULT", actor="IRN", modality="threatened")),
    case("Iran warned it would retaliate against Israel.",
         Want("THREATEN", actor="IRN", recipient="ISR")),
    case("North Korea threatened to attack South Korea if the drills went ahead.",
         Want("THREATEN", actor="PRK", recipient="KOR", modality="asserted")),
    # hypothetical
    case("The Pentagon is developing possible responses, including the option of military action "
         "against Iran.",
         Want("ASSAULT", actor="USAMIL", recipient="IRN", modality="hypothetical")),
    case("The European Union could impose further sanctions on Russia.",
         Want("SANCTION", actor="IGOEU", recipient="RUS", modality="hypothetical")),
    case("If Russia invades, NATO would deploy more troops to Poland.",
         Want("MOBILIZE", actor="IGONATO", recipient="POL", modality="hypothetical")),
    case("If Russia invades, NATO would deploy more troops to Poland.",
         Want("ASSAULT", actor="RUS", modality="hypothetical")),
    case("Washington may impose new tariffs on Chinese steel, officials said.",
         Want("SANCTION", actor="USAGOV", modality="hypothetical", attributed=True)),
    case("Ministers are considering sanctions against the military junta.",
         Want("SANCTION", modality="hypothetical")),
    # negated
    case("The president does not want to use ground forces in Syria.",
         Want("ASSAULT", modality="negated")),
    case("Russia denied that its forces had shelled the hospital in Kharkiv.",
         Want("ASSAULT", actor="RUSMIL", modality="negated")),
    case("The army did not attack the village, officials said.",
         Want("ASSAULT", modality="negated")),
    case("The government refused to release the detained journalists.",
         Want("RETREAT", mode="release", modality="negated")),
    case("Israel has never attacked civilians deliberately, the spokesman said.",
         Want("ASSAULT", actor="ISR", modality="negated")),
    case("The White House ruled out sending ground troops to Ukraine.",
         Want("MOBILIZE", actor="USAGOV", recipient="UKR", modality="negated")),
    case("The White House ruled out sending ground troops to Ukraine.",
         Want("REJECT", actor="USAGOV", modality="asserted")),
    case("Israeli forces did not fire on the aid convoy, the army said.",
         Want("ASSAULT", actor="ISRMIL", modality="negated", attributed=True)),
    case("Police did not arrest anyone after the protest in Lagos.",
         Want("COERCE", actor="NGACOP", modality="negated")),
    case("Britain has no plans to send warships to the Gulf, the defence secretary said.",
         Want("MOBILIZE", actor="GBR", modality="negated")),
    case("The government will not impose a curfew, the interior minister said.",
         Want("COERCE", mode="curfew", modality="negated")),
    # historical
    case("In 2014 the group seized large parts of northern Iraq.",
         Want("ASSAULT", modality="historical")),
    case("The militants captured the town of Palmyra in May 2015.",
         Want("ASSAULT", modality="historical")),
    case("Back in 2011, NATO aircraft bombed targets across Libya.",
         Want("ASSAULT", mode="aerial", modality="historical")),
    case("Islamic State fighters overran the city of Mosul in June 2014.",
         Want("ASSAULT", actor="IMGISL", modality="historical")),
    # reported speech stays asserted, with the speaker
    case("Rebels attacked a military convoy near Goma, officials said.",
         Want("ASSAULT", recipient="CODMIL", modality="asserted", attributed=True)),
    case("Militants killed five soldiers in an ambush in northern Burkina Faso, according to the "
         "ministry.",
         Want("ASSAULT", modality="asserted", attributed=True, dead=5)),
    case("According to local officials, gunmen shot dead two farmers in Benue state.",
         Want("ASSAULT", actor="NGAUAF", modality="asserted", attributed=True)),
    case("Fighters who attacked a military base in Mali on Sunday killed 11 soldiers, the army "
         "said.",
         Want("ASSAULT", modality="asserted", attributed="MLIMIL")),
    case("The army said it had killed 30 militants in airstrikes in northern Burkina Faso.",
         Want("ASSAULT", modality="asserted", attributed=True, dead=30, mode="aerial")),
    case("A senior official who asked not to be named said Iran had attacked the tanker.",
         Want("ASSAULT", actor="IRN", modality="asserted", attributed=True)),
]
# fmt: on


@pytest.mark.parametrize(("text", "want"), MODALITY_CASES)
def test_modality(code: Coder, text: str, want: Want) -> None:
    assert_coded(code(text), want)


def test_plain_past_event_is_asserted_without_speaker(code: Coder) -> None:
    article = code(
        "Islamic State militants attacked an Iraqi army checkpoint near Mosul on Tuesday."
    )
    (event,) = _of_type(article, "ASSAULT")
    assert event.modality == Modality.ASSERTED
    assert event.attributed_to is None


@pytest.mark.parametrize(
    "text",
    [
        "Ukraine accused Russia of shelling the Zaporizhzhia nuclear plant.",
        # the parser hangs "of" on the object here
        "Human rights groups accused the army of torturing detainees in Darfur.",
    ],
)
def test_accused_action_belongs_to_the_accused(code: Coder, text: str) -> None:
    article = code(text)
    (accuse,) = _of_type(article, "ACCUSE")
    for event in _of_type(article, "ASSAULT"):
        assert event.actor is not None and accuse.recipient is not None
        assert event.actor.code == accuse.recipient.code, describe([event])


@pytest.mark.parametrize(
    ("text", "wrong_type", "wrong_actor"),
    [
        pytest.param("Somalia requested military assistance from Kenya.", "AID", "SOM"),
        pytest.param("Venezuela rejected the U.S. demand for new elections.", "REQUEST", "VEN"),
    ],
)  # fmt: skip
def test_no_event_given_to_the_wrong_party(
    code: Coder, text: str, wrong_type: str, wrong_actor: str
) -> None:
    article = code(text)
    wrong = [e for e in _of_type(article, wrong_type) if _code_of(e.actor) == wrong_actor]
    assert not wrong, describe(wrong)


# ---------------------------------------------------------------------------- modes

# fmt: off
MODE_CASES = [
    case("A suicide bomber attacked a market in Maiduguri on Friday, killing 15 people.",
         Want("ASSAULT", mode="suicide-attack")),
    case("Suicide bombers attacked a Shiite mosque in Peshawar during Friday prayers.",
         Want("ASSAULT", mode="suicide-attack", contexts=("religion_ethnicity",))),
    case("Israeli warplanes struck targets in southern Lebanon overnight.",
         Want("ASSAULT", actor="ISRMIL", mode="aerial")),
    case("Nigerian warplanes bombed a Boko Haram camp near Lake Chad.",
         Want("ASSAULT", actor="NGAMIL", recipient="NGAREBBKH", mode="aerial")),
    case("Russian drones attacked energy facilities in Odesa on Tuesday.",
         Want("ASSAULT", actor="RUSMIL", mode="drone")),
    case("A U.S. drone strike killed a senior al-Shabaab commander in Somalia.",
         Want("ASSAULT", actor="USAMIL", recipient="SOMREBSHB", mode="drone")),
    case("Police fired tear gas at protesters in Nairobi on Tuesday.",
         Want("ASSAULT", actor="KENCOP", recipient="KENCVL", mode="crowd-control")),
    case("Riot police used water cannon to disperse demonstrators in Tbilisi.",
         Want("ASSAULT", actor="GEOCOP", mode="crowd-control")),
    case("A roadside bomb killed three soldiers in Helmand province.",
         Want("ASSAULT", mode="explosives", dead=3)),
    case("Militants detonated an explosive device near a police patrol in Quetta.",
         Want("ASSAULT", mode="explosives")),
    case("Gunmen opened fire on worshippers at a mosque in Kabul.",
         Want("ASSAULT", mode="firearms")),
    case("Troops fired live rounds at demonstrators in Yangon, witnesses said.",
         Want("ASSAULT", actor="MMRMIL", mode="firearms")),
    case("Russian forces shelled residential areas of Kharkiv with artillery.",
         Want("ASSAULT", actor="RUSMIL", mode="heavy-weapons")),
    case("Houthi rebels fired a missile at a commercial ship in the Red Sea.",
         Want("ASSAULT", actor="YEMREBHTH", mode="heavy-weapons")),
    case("Gunmen abducted 30 students from a school in Kaduna state.",
         Want("ASSAULT", actor="NGAUAF", mode="abduct")),
    # CONSULT modes
    case("Leaders of the Group of Seven held a summit in Hiroshima.",
         Want("CONSULT", actor="IGOG7", mode="multilateral")),
    case("ASEAN leaders held a summit in Jakarta on Tuesday.",
         Want("CONSULT", mode="multilateral")),
    case("The leaders of Russia, Iran and Turkey met in Tehran on Tuesday.",
         Want("CONSULT", mode="multilateral")),
    case("French President Emmanuel Macron spoke by phone with Russian President Vladimir Putin "
         "on Friday.",
         Want("CONSULT", actor="FRAGOV", recipient="RUSGOV", mode="phone")),
    case("President Joe Biden spoke with Chinese President Xi Jinping by telephone on Friday.",
         Want("CONSULT", actor="USAGOV", recipient="CHNGOV", mode="phone")),
    case("U.S. Secretary of State Antony Blinken visited Kyiv on Wednesday.",
         Want("CONSULT", actor="USAGOV", mode="visit")),
    case("Kenya's president made a state visit to Ethiopia last week.",
         Want("CONSULT", actor="KENGOV", recipient="ETH", mode="visit")),
    case("The German chancellor travelled to Washington for talks with President Joe Biden.",
         Want("CONSULT", actor="DEUGOV", mode="visit")),
    # REQUEST assist
    case("Ukraine asked Western allies for more weapons and ammunition.",
         Want("REQUEST", actor="UKR", mode="assist")),
    case("Somalia requested military assistance from Kenya.",
         Want("REQUEST", actor="SOM", recipient="KEN", mode="assist")),
    case("The Afghan government asked the United Nations for food aid.",
         Want("REQUEST", actor="AFGGOV", recipient="IGOUNO", mode="assist")),
]
# fmt: on


@pytest.mark.parametrize(("text", "want"), MODE_CASES)
def test_modes(code: Coder, text: str, want: Want) -> None:
    assert_coded(code(text), want)


# ---------------------------------------------------------------------------- sizes, contexts

# fmt: off
SIZE_CASES = [
    case("Jihadists killed 11 soldiers in an attack in Niger.",
         Want("ASSAULT", recipient="NERMIL", dead=11, contexts=("terrorism",))),
    case("Gunmen killed seven villagers and wounded 12 others in Zamfara state.",
         Want("ASSAULT", dead=7, injured=12)),
    case("Three people were injured in the explosion near the market.",
         Want("ASSAULT", injured=3)),
    case("A car bomb exploded outside a police headquarters in Mogadishu, killing eight people.",
         Want("ASSAULT", mode="explosives", dead=8)),
    case("Security forces shot dead a protester in Khartoum on Thursday.",
         Want("ASSAULT", actor="SDNCOP", dead=1, mode="firearms")),
    case("According to local officials, gunmen shot dead two farmers in Benue state.",
         Want("ASSAULT", dead=2)),
    case("Police arrested 40 protesters in Lagos on Saturday.",
         Want("COERCE", actor="NGACOP", arrested=40)),
    case("Police said 63 people were arrested after clashes in Dakar.",
         Want("COERCE", arrested=63, attributed=True)),
    case("Turkish police detained 20 suspected Islamic State members in raids across Istanbul.",
         Want("COERCE", actor="TURCOP", recipient="IMGISL", arrested=20)),
    case("Sixty-three people were arrested during the protests in Dakar.",
         Want("COERCE", arrested=63)),
    case("Three journalists were detained by Turkish security forces in Istanbul.",
         Want("COERCE", actor="TURCOP", arrested=3)),
    # counts stated elsewhere in the sentence or in a later tally sentence
    case("Gunmen attacked a bus in Borno state; four passengers died and nine were wounded.",
         Want("ASSAULT", dead=4, injured=9)),
    case("Militants stormed a police post near Bannu on Sunday. Two fatalities were reported.",
         Want("ASSAULT", dead=2)),
    case("Gunmen shot dead a shopkeeper in Maiduguri on Sunday. Fatalities coded as 0 (a local "
         "outlet reported 1).",
         Want("ASSAULT", dead=0)),
    case("Troops shelled rebel positions near Kidal, killing 12 fighters. Fatalities are split "
         "across 2 events (6).",
         Want("ASSAULT", dead=6)),
]

# Statements PLOVER codes as events of their own, beside the action they announce.
STATEMENT_CASES = [
    case("Kenya offered to send 500 police officers to the multinational mission.",
         Want("AGREE", actor="KEN", modality="asserted", trigger="offered")),
    case("The governor promised to rebuild the flooded districts before the rainy season.",
         Want("AGREE", modality="asserted", trigger="promised")),
    case("The junta refused to release the detained journalists despite regional pressure.",
         Want("REJECT", modality="asserted", trigger="refused")),
    case("Hungary said it would not provide weapons to Ukraine.",
         Want("REJECT", actor="HUN", recipient="UKR", modality="asserted")),
    case("The rebels said they would withdraw from the talks unless the army halted its "
         "offensive.",
         Want("THREATEN", modality="asserted")),
    case("Tanzania will release the impounded fishing vessels, the ministry said.",
         Want("AGREE", actor="TZA", modality="asserted")),
    case("The European Commission said Hungary must restore the independence of its courts.",
         Want("REQUEST", actor="IGOEU", recipient="HUN")),
    case("The army was preparing to resume shelling of rebel positions near Kidal.",
         Want("MOBILIZE", modality="asserted", trigger="preparing")),
    case("Opposition leaders claimed that security forces had attacked the rally in Conakry.",
         Want("ACCUSE", mode="allege", recipient_country="GIN")),
    case("Norway launched a mediation effort between the two factions in Oslo.",
         Want("CONSULT", actor="NOR", mode="third-party", trigger="mediation")),
]

# Joint actions and meetings run both ways.
JOINT_CASES = [
    case("Chile, Peru and Bolivia met in Lima on Thursday to discuss water rights.",
         Want("CONSULT", actor="PER", recipient="BOL")),
    case("Egypt's foreign minister held talks with his Sudanese counterpart in Cairo.",
         Want("CONSULT", actor_country="SDN", recipient_country="EGY")),
]
# fmt: on


@pytest.mark.parametrize(("text", "want"), STATEMENT_CASES + JOINT_CASES)
def test_statements_and_joint_actions(code: Coder, text: str, want: Want) -> None:
    assert_coded(code(text), want)


def test_a_statement_covers_only_the_action_it_announces(code: Coder) -> None:
    """The fighting of the force the troops would reinforce is not offered, so not threatened."""
    article = code("Kenya offered to send 500 police officers to reinforce the mission fighting "
                   "the gangs in Port-au-Prince.")  # fmt: skip
    assert_coded(article, Want("AGREE", actor="KEN", trigger="offered"))
    assert not [e for e in article.events if e.event_type == "THREATEN"], describe(article.events)


def test_an_announced_action_stays_planned_beside_its_statement(code: Coder) -> None:
    article = code("Kenya offered to send 500 police officers to the multinational mission.")
    assert_coded(article, Want("MOBILIZE", modality="planned"))
    assert_coded(article, Want("AGREE", modality="asserted"))


@pytest.mark.parametrize(("text", "want"), SIZE_CASES)
def test_sizes(code: Coder, text: str, want: Want) -> None:
    assert_coded(code(text), want)


@pytest.mark.parametrize(
    ("text", "event_type", "context"),
    [
        ("Jihadists killed 11 soldiers in an attack in Niger.", "ASSAULT", "terrorism"),
        ("Gunmen opened fire on worshippers at a mosque in Kabul.", "ASSAULT",
         "religion_ethnicity"),
        ("Students demonstrated against the election results in Kampala.", "PROTEST",
         "election"),
        ("The Turkish government offered to send peacekeepers to Gaza.", "MOBILIZE",
         "peacekeeping"),
        ("A Nigerian court sentenced five men to death for the killings.", "SANCTION", "legal"),
        ("Washington imposed an arms embargo on South Sudan.", "SANCTION", "economic"),
    ],
)  # fmt: skip
def test_contexts(code: Coder, text: str, event_type: str, context: str) -> None:
    events = _of_type(code(text), event_type)
    assert any(context in e.contexts for e in events), describe(events)


# ---------------------------------------------------------------------------- negative cases

NO_EVENT = [
    "Passengers played cards to kill time at the airport in Lagos.",
    "The delegates spent the afternoon trying to kill time before the vote.",
    "The attack was the deadliest in the region this year.",
    "The report examines the impact of the attack on local businesses.",
    "A senior diplomat, who asked not to be named, described the mood as calm.",
    "A security official, who asked not to be identified, described the situation as tense.",
    "The company's shares were hammered by the news from Frankfurt.",
    "The weather in Nairobi was warm and sunny on Sunday.",
    "The museum will open a new wing dedicated to modern art next month.",
    "The novel tells the story of a soldier returning home from war.",
    "Prices of bread and fuel rose sharply in Cairo last month.",
]

METAPHORS = [
    "The prime minister said the new budget would attack the root causes of poverty.",
    "The central bank fought inflation with a series of rate increases.",
    "Markets rallied on Tuesday after the central bank cut interest rates.",
    "The opposition leader attacked the budget in a speech to parliament.",
]


@pytest.mark.parametrize("text", NO_EVENT, ids=_slug)
def test_no_event(code: Coder, text: str) -> None:
    article = code(text)
    assert not article.events, describe(article.events)


@pytest.mark.parametrize("text", METAPHORS, ids=_slug)
def test_metaphor_is_not_material_conflict(code: Coder, text: str) -> None:
    events = code(text).events
    wrong = [e for e in events if e.event_type in ("ASSAULT", "PROTEST", "COERCE")]
    assert not wrong, describe(wrong)


def test_reporters_formula_is_not_a_request(code: Coder) -> None:
    article = code("A senior official who asked not to be named said Iran had attacked the tanker.")
    assert not _of_type(article, "REQUEST"), describe(article.events)


# ---------------------------------------------------------------------------- invariants

CASES = (*TYPE_CASES, *STRUCTURE_CASES, *MODALITY_CASES, *MODE_CASES, *SIZE_CASES)
GOOD_TEXTS = sorted({p.values[0] for p in CASES if not p.marks})
BUG_TEXTS = sorted({p.values[0] for p in CASES if p.marks} - set(GOOD_TEXTS))


def check_event_invariants(article: Article, event: Event) -> None:
    ontology = load_ontology()
    assert event.article_id == article.id
    assert article.span_text(event.evidence) == event.evidence.text
    assert article.span_text(event.trigger) == event.trigger.text
    assert event.trigger.field == event.evidence.field
    assert event.evidence.start <= event.trigger.start < event.trigger.end <= event.evidence.end
    assert event.event_type in ontology.types
    assert event.mode is None or event.mode in ontology.types[event.event_type].modes
    assert set(event.contexts) <= set(ontology.contexts)
    assert event.modality in set(Modality)
    assert set(event.confidence) >= CONFIDENCE_KEYS
    assert all(0.0 <= v <= 1.0 for v in event.confidence.values()), event.confidence
    for actor in (event.actor, event.recipient, event.attributed_to):
        if actor is not None:
            assert 0.0 <= actor.confidence <= 1.0
    if event.actor is None:
        assert event.confidence["actor"] == 0.0
    for size in (event.dead, event.injured, event.arrested):  # 0: stated as none ("no deaths")
        assert size is None or size >= 0


@pytest.mark.parametrize("text", GOOD_TEXTS, ids=_slug)
def test_every_event_is_auditable(code: Coder, text: str) -> None:
    article = code(text)
    assert article.events
    for event in article.events:
        check_event_invariants(article, event)


def test_events_of_known_bug_cases_are_auditable(code: Coder) -> None:
    articles = [code(text) for text in BUG_TEXTS]
    assert sum(len(a.events) for a in articles) >= len(articles) // 2
    for article in articles:
        for event in article.events:
            check_event_invariants(article, event)


def test_evidence_spans_in_a_long_article(code: Coder) -> None:
    article = code(ARTICLE, title="Rebels attack army base near Goma")
    assert article.events
    for event in article.events:
        check_event_invariants(article, event)


def test_confidence_reflects_what_was_resolved(code: Coder) -> None:
    """A dictionary actor is surer than an unknown name; a date read from the text is surer
    than the publication date used as a fallback."""
    known = assert_coded(
        code("Islamic State militants attacked an Iraqi army checkpoint near Mosul."),
        Want("ASSAULT", actor="IMGISL", recipient="IRQMIL"),
    )
    unknown = assert_coded(
        code("The Kivu Liberation Front attacked an army post near Beni on Monday."),
        Want("ASSAULT", recipient="CODMIL"),
    )
    assert unknown.actor is not None and unknown.actor.code == ""  # named, not in dictionary
    assert known.confidence["actor"] > unknown.confidence["actor"] > 0
    assert unknown.date.source == "text" and known.date.source == "publication"
    assert unknown.confidence["date"] > known.confidence["date"]
    assert known.confidence["place"] > 0 and known.place is not None
    assert known.place.country == "IRQ"


# ---------------------------------------------------------------------------- user lexicon


def test_user_lexicon_codes_a_new_verb(nlp: Language, tmp_path: Path) -> None:
    path = tmp_path / "extra.yaml"
    path.write_text(
        "version: 1\nverbs:\n  - {lemma: kneecap, type: ASSAULT, mode: beat, size: injured}\n",
        encoding="utf-8",
    )
    settings = load_settings(environ={}, events={"extra_lexicons": [str(path)]})
    pipe = Pipeline(settings, nlp=nlp)
    text = "Paramilitaries kneecapped two teenagers in west Belfast on Saturday night."
    article = finalize(new_article(source="<x>", title="", text=text), settings.ingest)
    pipe.process([article])
    assert_coded(article, Want("ASSAULT", mode="beat", injured=2, trigger="kneecapped"))


@pytest.mark.model
def test_the_place_a_sentence_locates_beats_a_country_qualifying_a_noun(code: Coder) -> None:
    """ "killed by a US drone strike ..., in Sangin district, Helmand": the event happened in
    Sangin; "US" says whose strike it was."""
    article = code(
        "Two guards were killed by a US drone strike, which followed a raid by Afghan and US "
        "forces, in Sangin district, Helmand, the governor's office said on Tuesday."
    )
    killed = next(e for e in article.events if e.trigger.text == "killed")
    assert killed.place is not None
    assert killed.place.country == "AFG"  # Sangin, a small town qualified by its region
    assert (killed.place.name, killed.place.admin1) == ("Sangīn", "Helmand")


@pytest.mark.model
def test_an_event_is_placed_where_it_happened_not_whose(code: Coder) -> None:
    """A demonym in the place phrase says whose house it was; a country written after a town
    situates the town."""
    article = code(
        "Dozens of neighbours protested outside the house of a Cuban pastor in Santiago de "
        "Cuba on Sunday, witnesses said."
    )
    protest = next(e for e in article.events if e.event_type == "PROTEST")
    assert protest.place is not None and protest.place.name == "Santiago de Cuba"
    article = code(
        "In Tejupilco, Mexico, gang members published a video on Tuesday announcing a curfew "
        "for the town's residents."
    )
    places = {e.place.name for e in article.events if e.place is not None}
    assert places and "Mexico" not in places


def test_a_preposition_the_parser_left_without_object_still_locates_the_name() -> None:
    """ "In Recife, Pernambuco, drivers rallied": when the parser hangs the names on the
    subject and leaves "In" without an object, the preposition right before them still says
    where; a name after no preposition is not located."""
    words = ["In", "Recife", ",", "Pernambuco", ",", "drivers", "rallied", "with", "Lula"]
    heads = [6, 5, 1, 1, 3, 6, 6, 6, 7]
    deps = ["prep", "nmod", "punct", "conj", "punct", "nsubj", "ROOT", "prep", "pobj"]
    doc = Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps)
    assert _located(doc[1]) and _located(doc[3])
    assert not _located(doc[5]) and not _located(doc[8])  # "with" is not locative


@pytest.mark.model
def test_talks_during_a_visit_happen_where_the_visit_went(code: Coder) -> None:
    """ "The ambassador in Iraq held talks ... during a visit to Beirut": the talks were in
    Beirut; the place in the subject's title says where the ambassador serves."""
    article = code(
        "The British ambassador in Iraq held talks with Lebanese officials during a visit to "
        "Beirut on Tuesday."
    )
    talks = next(e for e in article.events if e.event_type == "CONSULT")
    assert talks.place is not None and talks.place.country == "LBN"


@pytest.mark.model
def test_an_organisations_home_is_not_where_its_report_happened(code: Coder) -> None:
    """ "a London-based group" says where the group sits: the strike it reports is placed,
    and its unnamed government forces and victims situated, in the country the story is
    about."""
    article = code(
        "The Yemeni Monitor for Human Rights, a London-based group that tracks the conflict, "
        "said five civilians were killed in a drone strike by government forces."
    )
    assert article.focus is not None and article.focus.country == "YEM"
    killed = assert_coded(article, Want("ASSAULT", recipient_country="YEM"))
    assert killed.place is not None and killed.place.country == "YEM"


@pytest.mark.model
def test_the_subject_of_a_passive_control_verb_does_what_it_is_due_to_do(code: Coder) -> None:
    """ "X is scheduled to attend a summit", "X were forced to withdraw": X attends, X
    withdraws."""
    summit = code("The Kenyan president is scheduled to attend a regional summit next week.")
    assert_coded(summit, Want("CONSULT", actor="KENGOV", modality="planned"))
    withdraw = code("Al-Shabaab fighters were forced to withdraw from the town on Sunday.")
    assert_coded(withdraw, Want("RETREAT", actor_country=ANY, actor="SOMREBSHB"))


@pytest.mark.model
def test_a_place_named_with_its_unit_word_is_not_a_party_to_a_clash(code: Coder) -> None:
    """ "in X Township, Y District, Z State, police and rebels clashed": the parse may join the
    places to the subjects; a name headed by a unit word is a place, and no party clashes with
    itself."""
    article = code(
        "On Monday, in Kyauktaw Township, Sittwe District, Rakhine State, border police and "
        "Arakan Army fighters clashed near the river, residents said."
    )
    pairs = {(e.actor.name if e.actor else None, e.recipient.name if e.recipient else None)
             for e in article.events if e.trigger.text == "clashed"}  # fmt: skip
    names = {n for pair in pairs for n in pair if n}
    assert pairs and not any(a == b for a, b in pairs)
    assert not any(n.endswith(("District", "State", "Township")) for n in names)


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "coded"),
    [
        ("Five people were killed in floods in western Kenya on Monday, officials said.", False),
        ("An earthquake killed 20 people in eastern Turkey on Tuesday, officials said.", False),
        ("Three people were killed in a road accident near Nairobi, police said.", False),
        # a doer beside the weather, gunfire and a time frame are no natural cause
        ("Gunmen killed three villagers during the storm in Zamfara, police said.", True),
        ("One civilian was killed by militia fire in Shahrak district, officials said.", True),
        ("Nurses protested in Lagos during the pandemic to demand unpaid wages.", True),
    ],
)
def test_natural_forces_and_accidents_are_not_events(code: Coder, text: str, coded: bool) -> None:
    assert bool(code(text).events) is coded


@pytest.mark.model
def test_a_country_that_says_whose_forces_is_not_where(code: Coder) -> None:
    """ "forces of India and Pakistan": both countries say whose forces fired; with no place
    written in the clause, the event takes the article's focus (with the focus's lower
    confidence), not the nearest country."""
    article = code("Forces of India and Pakistan exchanged fire on Monday.")
    fired = next(e for e in article.events if e.event_type == "ASSAULT")
    assert article.focus is not None and fired.place is not None
    assert fired.place.name == article.focus.name
    assert fired.confidence["place"] <= 0.4 * article.focus.confidence + 1e-6


@pytest.mark.parametrize(
    ("text", "event_type", "recipient"),
    [
        # a demand is addressed to whoever its complement clause wants to act
        ("Beijing demanded on Monday that Washington halt its arms sales to Taipei.",
         "REQUEST", "USA"),
        ("The aid agency repeated its demand on Friday that Egypt reopen the Rafah crossing.",
         "REQUEST", "EGY"),
        ("The farmers' union insisted on its demand that the Kenyan government cut fuel taxes.",
         "REQUEST", "KEN"),
        # a refusal reaches the owner of what it refuses
        ("Baghdad is opposed to Turkish mediation in the water dispute, an aide said.",
         "REJECT", "TUR"),
        # a protest is against what its purpose names
        ("Hundreds of Chilean miners began a hunger strike on Monday to protest Peru's decision "
         "to close the border.", "PROTEST", "PER"),
        ("Students marched in Dhaka on Sunday in protest of the Indian government's new "
         "water policy.", "PROTEST", "IND"),
    ],
)  # fmt: skip
@pytest.mark.model
def test_recipients_of_demands_and_refusals(
    code: Coder, text: str, event_type: str, recipient: str
) -> None:
    event = next(e for e in code(text).events if e.event_type == event_type)
    assert event.recipient is not None and event.recipient.country == recipient


@pytest.mark.model
def test_an_attack_on_things_is_aimed_at_the_country_of_its_place(code: Coder) -> None:
    """ "blew up pylons outside Mosul": the recipient is Iraq; "clashed with X" and a named
    victim keep their own recipients."""
    article = code("Militants blew up two power pylons outside Mosul on Sunday, officials said.")
    blast = next(e for e in article.events if e.event_type == "ASSAULT")
    assert blast.recipient is not None and blast.recipient.country == "IRQ"
    article = code("Gunmen attacked a police post in Kano on Monday, killing three officers.")
    attack = next(e for e in article.events if e.event_type == "ASSAULT")
    assert attack.recipient is not None and attack.recipient.sector == "COP"


@pytest.mark.parametrize(
    ("text", "event_type", "actor", "recipient"),
    [
        # receiving: the giver acts
        ("Kurdish fighters received weapons from the German government last year.",
         "AID", "DEU", None),
        ("The opposition received assurances from the Kenyan president on Monday.",
         "AGREE", "KEN", "KEN"),
        # shows of force are MOBILIZE; a fire drill is not
        ("China and Russia held joint naval drills in the East China Sea on Tuesday.",
         "MOBILIZE", "CHN", None),
    ],
)  # fmt: skip
@pytest.mark.model
def test_receiving_and_shows_of_force(
    code: Coder, text: str, event_type: str, actor: str, recipient: str | None
) -> None:
    event = next(e for e in code(text).events if e.event_type == event_type)
    assert event.actor is not None and event.actor.country == actor
    if recipient is not None:
        assert event.recipient is not None and event.recipient.country == recipient
    assert not code("Pupils left the school calmly during a fire drill on Monday.").events


@pytest.mark.model
def test_a_protest_nobody_is_named_for_is_made_by_protesters(code: Coder) -> None:
    article = code("A protest was held in Zagreb on Friday against the closure of a hospital.")
    protest = next(e for e in article.events if e.event_type == "PROTEST")
    assert protest.actor is not None
    assert (protest.actor.name, protest.actor.country, protest.actor.sector) == (
        "protesters",
        "HRV",
        "CVL",
    )
    assert protest.actor.text == "" and protest.actor.span is None
    assert protest.confidence["actor"] < 0.5
    named = code("Nurses protested in Zagreb on Friday against the closure of a hospital.")
    assert all(e.actor is None or e.actor.name != "protesters" for e in named.events)


@pytest.mark.model
def test_witnesses_are_not_actors_and_an_agentless_clause_joins_its_doer(code: Coder) -> None:
    seen = code("Ceasefire monitors of the OSCE observed 15 explosions near Horlivka on Thursday.")
    blast = next(e for e in seen.events if e.event_type == "ASSAULT")
    assert blast.actor is None or blast.actor.sector != "IGO"
    killed = code("A taxi driver was killed in a drive-by shooting by an armed man on Monday.")
    assaults = [e for e in killed.events if e.event_type == "ASSAULT"]
    assert len(assaults) == 1
    assert assaults[0].actor is not None and assaults[0].actor.sector == "UAF"


@pytest.mark.model
def test_people_named_by_plain_nouns_are_civilian_victims(code: Coder) -> None:
    article = code("In Culiacan, Mexico, a taxi driver was shot dead on Sunday, police said.")
    shot = next(e for e in article.events if e.event_type == "ASSAULT")
    assert shot.recipient is not None
    assert (shot.recipient.sector, shot.recipient.country) == ("CVL", "MEX")
    doers = code("Four men robbed a bank in Culiacan, Mexico, on Sunday, police said.")
    assert all(e.actor is None or e.actor.sector != "CVL" for e in doers.events)


@pytest.mark.parametrize(
    ("text", "event_type", "modality"),
    [
        # a word of intent governs its complements, not the verbs conjoined to it
        ("Investigators said the militia helped to plan and carry out raids on three villages "
         "in 2021.", "ASSAULT", Modality.HISTORICAL),
        ("The rebels planned and carried out the attack on the garrison in Goma on Monday.",
         "ASSAULT", Modality.ASSERTED),
        # what a request asks for has not happened
        ("The African Union faces calls to send peacekeepers to Chad.",
         "MOBILIZE", Modality.HYPOTHETICAL),
        ("Kenya's president faces pressure from lawmakers to deploy troops to Haiti.",
         "MOBILIZE", Modality.HYPOTHETICAL),
        ("The bloc renewed its calls for talks between the two parties in Yemen.",
         "CONSULT", Modality.HYPOTHETICAL),
    ],
)  # fmt: skip
@pytest.mark.model
def test_modality_of_conjoined_and_requested_actions(
    code: Coder, text: str, event_type: str, modality: str
) -> None:
    events = [e for e in code(text).events if e.event_type == event_type]
    assert events, describe(code(text).events)
    assert events[0].modality == modality, describe(events)


@pytest.mark.model
def test_a_refused_appeal_is_a_refusal(code: Coder) -> None:
    """A word above a request noun decides first: "dismissed an appeal to disarm"."""
    article = code("Rebels in Mali on Friday dismissed an appeal from the junta to lay down "
                   "their weapons.")  # fmt: skip
    rejects = [e for e in article.events if e.event_type == "REJECT"]
    assert rejects and rejects[0].modality == Modality.ASSERTED, describe(article.events)
    assert rejects[0].actor is not None and rejects[0].actor.sector == "REB"


@pytest.mark.model
def test_helping_to_do_something_is_taking_part_not_aid(code: Coder) -> None:
    article = code("Prosecutors said two Danish officers helped to plan the raid on the compound.")
    assert not [e for e in article.events if e.event_type == "AID"], describe(article.events)
    given = code("Norway helped Sudanese refugees with food and tents on Monday.")
    assert any(e.event_type == "AID" for e in given.events), describe(given.events)


@pytest.mark.model
def test_conjoined_qualifiers_make_one_actor_per_country(code: Coder) -> None:
    article = code("Russian and Belarusian warplanes bombed a depot near Zhytomyr on Sunday.")
    countries = {e.actor.country for e in article.events
                 if e.event_type == "ASSAULT" and e.actor is not None}  # fmt: skip
    assert countries == {"RUS", "BLR"}, describe(article.events)
    protest = code("German and Dutch activists staged a protest in Doha on Wednesday.")
    assert {e.actor.country for e in protest.events if e.event_type == "PROTEST" and e.actor} == {
        "DEU",
        "NLD",
    }


@pytest.mark.model
def test_the_doer_of_shelling_the_parser_split_from_its_compound(code: Coder) -> None:
    """ "killed in Israeli tank shelling": md parses "tank" as the object of "in" and
    "shelling" as a clause of its own; the demonym still names who shelled."""
    article = code("Three farmers were killed in Syrian army shelling near Idlib on Tuesday.")
    attack = next(e for e in article.events if e.event_type == "ASSAULT")
    assert attack.actor is not None and attack.actor.country == "SYR", describe(article.events)


@pytest.mark.model
def test_punished_for_doing_names_who_did_it(code: Coder) -> None:
    article = code("A court in Tunis jailed an Algerian smuggler for helping fighters cross "
                   "into Libya.")  # fmt: skip
    aid = [e for e in article.events if e.event_type == "AID"]
    assert aid and all(e.actor is not None for e in aid), describe(article.events)
    assert {(e.actor.country, e.actor.sector) for e in aid if e.actor} == {("DZA", "CRM")}


@pytest.mark.model
def test_a_claim_of_responsibility_names_the_attacker(code: Coder) -> None:
    alone = code("Al-Shabaab claimed responsibility for an attack on a hotel in Mogadishu.")
    attack = next(e for e in alone.events if e.event_type == "ASSAULT")
    assert attack.actor is not None and attack.actor.code.startswith("SOM"), describe(alone.events)
    told = code("A car bomb exploded outside a hotel in Mogadishu on Monday, killing six people. "
                "Al-Shabaab claimed responsibility for the attack.")  # fmt: skip
    assaults = [e for e in told.events if e.event_type == "ASSAULT"]
    assert len(assaults) == 1, describe(told.events)  # the attack told before, not a second one
    assert assaults[0].actor is not None and assaults[0].actor.name == "al-Shabaab"
    assert assaults[0].dead == 6


@pytest.mark.model
def test_an_unknown_name_is_named_whole(code: Coder) -> None:
    article = code("Gunmen opened fire on non-Muslims at a market in Mandera on Friday.")
    names = {e.recipient.name for e in article.events if e.recipient is not None}
    assert names == {"non-Muslims"}, describe(article.events)


@pytest.mark.model
def test_a_claim_in_the_same_sentence_names_that_sentences_attack(code: Coder) -> None:
    article = code("Gunmen attacked a bank in Kano on Sunday. A car bomb killed six people outside "
                   "a hotel in Mogadishu on Monday, and al-Shabaab claimed responsibility for "
                   "the attack.")  # fmt: skip
    assaults = [e for e in article.events if e.event_type == "ASSAULT"]
    bomb = next(e for e in assaults if e.dead == 6)
    assert bomb.actor is not None and bomb.actor.name == "al-Shabaab", describe(assaults)
    assert len(assaults) == 2, describe(assaults)


@pytest.mark.model
def test_the_action_asked_for_gives_a_demand_its_mode(code: Coder) -> None:
    """ "asked X to withdraw its troops" asks X to yield; "troops" alone would read as a
    request for assistance."""
    article = code("Ethiopia asked Eritrea on Monday to withdraw its troops from Tigray.")
    request = next(e for e in article.events if e.event_type == "REQUEST")
    assert request.mode == "yield", describe(article.events)
    article = code("Mozambique asked Rwanda on Friday to send troops to Cabo Delgado.")
    request = next(e for e in article.events if e.event_type == "REQUEST")
    assert request.mode == "assist", describe(article.events)
