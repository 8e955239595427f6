"""Near-duplicate articles: copies link to their original, other happenings do not (no model).

The articles below were written for these tests (fictional events, invented officials).
"""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from eventwatch.errors import ConfigError, StoreError
from eventwatch.evaluate import neardup as ev
from eventwatch.evaluate.base import EvalContext
from eventwatch.stories import neardup
from eventwatch.stories.neardup import (
    NearDuplicate,
    NearDuplicateIndex,
    Signature,
    fact_agreement,
    read_text,
)

FLOOD_TITLE = "Floods and landslides kill 23 in eastern Uganda"
FLOOD = """KAMPALA, April 14 (Lakeview Wire) - Floods and landslides set off by two days of heavy \
rain killed at least 23 people in the Elgon region of eastern Uganda on Sunday, the Uganda Red \
Cross Society said, as rescuers dug through mud in search of survivors.

The worst-hit village was Bunamwaya in Bulambuli district, where a hillside collapsed onto a row \
of homes before dawn, district official Moses Wandera told reporters. Seventeen of the dead were \
found there, he said.

Rescue teams reached the area only in the afternoon because the main road from Mbale had been \
cut by a swollen river, according to the Red Cross. Police said 41 people were taken to the \
hospital in Mbale with injuries.

Prime Minister Joyce Akello said the government would send food, tents and blankets to about \
3,500 people who had lost their homes, and urged families living on steep slopes to move to \
temporary camps.

The slopes of Mount Elgon are among the most landslide-prone areas of the country. A landslide \
in Bududa district in 2010 buried three villages and killed more than 300 people, and the \
government has since tried, with limited success, to resettle thousands of residents.

Weather forecasters have warned that the rains will continue until the end of the month."""

# the same kind of happening in the same region, weeks later: its own facts, the same background
SLIDE_TITLE = "Landslide buries nine in eastern Uganda"
SLIDE = """KAMPALA, May 2 (Lakeview Wire) - A landslide buried nine people in the Elgon region of \
eastern Uganda on Thursday after a night of torrential rain, police said, the second deadly \
slide in the area in less than three weeks.

The slide struck the hamlet of Namisindwa near the Kenyan border, where mud swept away a school \
kitchen and four houses, local council chairman Peter Wekesa said. Two children were pulled \
alive from the debris.

Soldiers from a nearby barracks joined the search, which was halted at nightfall because of \
fears of further collapses, a police spokeswoman said.

The slopes of Mount Elgon are among the most landslide-prone areas of the country. A landslide \
in Bududa district in 2010 buried three villages and killed more than 300 people, and the \
government has since tried, with limited success, to resettle thousands of residents."""

STRIKE_TITLE = "Mombasa dock workers strike over pay, ships wait at anchor"
STRIKE = """MOMBASA, June 3 (Coast Ledger) - Dock workers at the port of Mombasa walked off the \
job on Monday in a dispute over pay and shift lengths, leaving at least 14 container ships \
waiting at anchor, the Kenya Ports Authority said.

The Dock Workers Union said its members would stay out until the authority agreed to a 12 \
percent rise, its secretary general Hassan Omari told a rally outside the port gates.

Shipping agents warned that the stoppage could delay fuel and food deliveries to Uganda, \
Rwanda and South Sudan, which rely on the port for most of their imports."""


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


@pytest.fixture
def index() -> NearDuplicateIndex:
    built = NearDuplicateIndex()
    assert built.add("flood", FLOOD_TITLE, FLOOD) is None
    assert built.add("strike", STRIKE_TITLE, STRIKE) is None
    return built


# ------------------------------------------------------------------------------------ copies
def test_a_truncated_copy_links_to_its_original(index: NearDuplicateIndex) -> None:
    cut = "\n\n".join(paragraphs(FLOOD)[:3])
    link = index.add("cut", FLOOD_TITLE, cut)
    assert link is not None and link.original_id == "flood" and link.article_id == "cut"
    assert link.containment > 0.9 > link.similarity  # contained, though far from identical


def test_a_new_headline_and_another_outlets_dateline_still_link(
    index: NearDuplicateIndex,
) -> None:
    body = FLOOD.replace("(Lakeview Wire)", "(Nile Courier)") + "\n\n-- Nile Courier"
    link = index.add("retitled", "Uganda: mudslides leave two dozen dead after heavy rain", body)
    assert link is not None and link.original_id == "flood"


def test_a_reparagraphed_and_hard_wrapped_copy_links(index: NearDuplicateIndex) -> None:
    sentences = " ".join(FLOOD.split()).replace(". ", ".\n\n", 3)
    wrapped = "\n\n".join(textwrap.fill(p, 58) for p in paragraphs(sentences))
    link = index.add("wrapped", FLOOD_TITLE, wrapped)
    assert link is not None and link.original_id == "flood"
    assert link.similarity > 0.9


def test_a_lightly_reworded_copy_links(index: NearDuplicateIndex) -> None:
    edited = (
        FLOOD.replace("heavy rain", "torrential rain")
        .replace("told reporters", "informed reporters")
        .replace("Police said", "Police stated")
        .replace(
            "\n\nWeather forecasters have warned that the rains will continue until the "
            "end of the month.",
            "",
        )
    )
    first, second, *rest = paragraphs(edited)
    lead, tail = second.split(". ", 1)
    edited = "\n\n".join([first, f"{tail} {lead}.", *rest])  # two sentences swapped
    link = index.add("edited", FLOOD_TITLE, edited)
    assert link is not None and link.original_id == "flood"


def test_an_update_with_a_new_toll_still_links(index: NearDuplicateIndex) -> None:
    updated = FLOOD.replace("at least 23 people", "at least 29 people")
    link = index.add("update", "UPDATE 1-" + FLOOD_TITLE, updated)
    assert link is not None and link.original_id == "flood"


# ------------------------------------------------------------------------------------ decoys
def test_another_happening_of_the_same_kind_does_not_link(index: NearDuplicateIndex) -> None:
    """Same region, same kind of disaster, the same background paragraph word for word."""
    assert index.add("slide", SLIDE_TITLE, SLIDE) is None
    assert index.original_of("slide") == "slide"


def test_same_phrases_with_other_facts_do_not_link(index: NearDuplicateIndex) -> None:
    """The wire's sentences kept, the place, people, day and figures changed."""
    other = (
        FLOOD.replace("23", "8")
        .replace("Sunday", "Wednesday")
        .replace("Bunamwaya", "Kapchorwa")
        .replace("Bulambuli", "Kween")
        .replace("Moses Wandera", "Esther Chemutai")
        .replace("Seventeen", "Five")
        .replace("Mbale", "Sironko")
        .replace("41", "12")
        .replace("Joyce Akello", "Daniel Opio")
        .replace("3,500", "900")
        .replace("April 14", "April 30")
    )
    assert index.add("lookalike", FLOOD_TITLE, other) is None


def test_an_unrelated_article_and_an_empty_text_do_not_link(index: NearDuplicateIndex) -> None:
    assert index.add("slide", SLIDE_TITLE, SLIDE) is None
    assert index.add("empty", "", "") is None
    assert index.add("empty-again", "", "  ") is None  # two texts without words are not copies
    assert len(index) == 5


# ------------------------------------------------------------------------------------ families
def test_a_copy_of_a_copy_links_to_the_earliest_original(index: NearDuplicateIndex) -> None:
    syndicated = FLOOD.replace("(Lakeview Wire)", "(Nile Courier)")
    assert index.add("copy", "Uganda floods", syndicated).original_id == "flood"  # type: ignore[union-attr]
    cut = "\n\n".join(paragraphs(syndicated)[:2])
    link = index.add("copy-of-copy", "Uganda floods kill 23", cut)
    assert link is not None and link.original_id == "flood"
    assert index.original_of("copy-of-copy") == "flood"
    assert index.original_of("flood") == "flood" and index.original_of("unknown") is None


def test_adding_an_id_again_changes_nothing(index: NearDuplicateIndex) -> None:
    first = index.add("again", FLOOD_TITLE, FLOOD)
    assert first is not None and first.original_id == "flood"
    assert index.add("again", STRIKE_TITLE, STRIKE) == first
    assert index.link("again") == first and len(index) == 3
    assert "again" in index and index.link("flood") is None


def test_match_reports_without_adding(index: NearDuplicateIndex) -> None:
    found = index.match(index.signature(FLOOD_TITLE, FLOOD))
    assert isinstance(found, NearDuplicate) and found.original_id == "flood"
    assert found.article_id == "" and len(index) == 2
    assert "near-identical" in found.reason


# ------------------------------------------------------------------------------------ text
def test_the_dateline_is_dropped_and_facts_are_names_and_numbers() -> None:
    words, facts = read_text("Title", FLOOD)
    assert words[:4] == ["floods", "and", "landslides", "set"]  # no KAMPALA, no agency
    assert {"23", "3500", "bunamwaya", "wandera", "mbale", "elgon"} <= facts
    assert "2010" not in facts  # a year is background, not a fact of the happening
    assert "floods" not in facts and "the" not in facts  # sentence starts are not names


def test_a_short_body_is_read_with_its_title() -> None:
    words, _ = read_text("Port strike in Mombasa", "Ships wait.")
    assert words == ["port", "strike", "in", "mombasa", "ships", "wait"]


def test_fact_agreement_needs_a_few_facts() -> None:
    index = NearDuplicateIndex()
    flood, strike = index.signature("", FLOOD), index.signature("", STRIKE)
    assert fact_agreement(flood, flood) == 1.0
    assert fact_agreement(flood, strike) is not None and fact_agreement(flood, strike) < 0.3  # type: ignore[operator]
    assert fact_agreement(index.signature("", "rain fell. it was heavy."), flood) is None


# ------------------------------------------------------------------------------------ storage
def test_signatures_round_trip_and_rebuild_the_same_links() -> None:
    first = NearDuplicateIndex()
    texts = [
        ("flood", FLOOD_TITLE, FLOOD),
        ("strike", STRIKE_TITLE, STRIKE),
        ("cut", "", "\n\n".join(paragraphs(FLOOD)[:2])),
        ("slide", SLIDE_TITLE, SLIDE),
    ]
    stored = []
    links = []
    for article_id, title, text in texts:
        signature = first.signature(title, text)
        stored.append((article_id, signature.to_bytes()))
        links.append(first.add_signature(article_id, signature))
    again = NearDuplicateIndex()
    rebuilt = [again.add_signature(i, Signature.from_bytes(data)) for i, data in stored]
    assert rebuilt == links and links[2] is not None and links[2].original_id == "flood"
    signature = first.signature(FLOOD_TITLE, FLOOD)
    assert Signature.from_bytes(signature.to_bytes()) == signature
    assert len(signature.to_bytes()) < 1000  # small: MinHash, size and the facts sketch


def test_bad_or_foreign_signatures_are_refused() -> None:
    data = NearDuplicateIndex().signature("", FLOOD).to_bytes()
    for bad in (b"", b"XXXX" + data[4:], data[:-3]):
        with pytest.raises(StoreError):
            Signature.from_bytes(bad)
    with pytest.raises(StoreError, match="recompute"):
        NearDuplicateIndex(shingle=5).add_signature("x", Signature.from_bytes(data))


def test_settings_are_checked() -> None:
    for kwargs in (
        {"threshold": 0},
        {"fact_threshold": 1.5},
        {"shingle": 0},
        {"bands": 100, "rows": 2},
    ):
        with pytest.raises(ConfigError):
            NearDuplicateIndex(**kwargs)  # type: ignore[arg-type]


def test_signatures_are_the_same_in_another_process() -> None:
    code = (
        "import sys; from eventwatch.stories.neardup import NearDuplicateIndex; "
        "signature = NearDuplicateIndex().signature(sys.argv[1], sys.argv[2]); "
        "sys.stdout.write(signature.to_bytes().hex())"
    )
    env = {"PYTHONHASHSEED": "123"}
    out = subprocess.run(
        [sys.executable, "-c", code, FLOOD_TITLE, FLOOD],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    assert bytes.fromhex(out) == NearDuplicateIndex().signature(FLOOD_TITLE, FLOOD).to_bytes()


def test_many_articles_across_blocks_and_merges(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small blocks and band-table merges: links still found once the arrays have grown."""
    monkeypatch.setattr(neardup._Rows, "BLOCK", 4)
    monkeypatch.setattr(neardup._BandTable, "MIN_RECENT", 40)
    rng = random.Random(5)
    vocabulary = [f"w{i}" for i in range(3000)]
    index = NearDuplicateIndex()
    texts = {}
    for n in range(60):
        words = rng.choices(vocabulary, k=120)
        words[::15] = [f"Name{rng.randrange(500)}" for _ in words[::15]]
        texts[f"a{n}"] = " ".join(words)
        assert index.add(f"a{n}", "", texts[f"a{n}"]) is None
    for n in (0, 7, 33, 59):
        cut = " ".join(texts[f"a{n}"].split()[:70])
        link = index.add(f"copy{n}", "", cut)
        assert link is not None and link.original_id == f"a{n}"
    assert index.nbytes > 0 and len(index) == 64


# ------------------------------------------------------------------------------------ the set
def case(case_id: str, kind: str, original: str | None, source: str = "a") -> ev.Case:
    return ev.Case(case_id, "", "text", kind, source, original)


def link(article_id: str, original_id: str) -> NearDuplicate:
    return NearDuplicate(article_id, original_id, 0.5, 0.9, "test")


CASES = [
    case("a", ev.ORIGINAL, None),
    case("b", ev.ORIGINAL, None, "b"),
    case("a/cut", "truncated", "a"),
    case("a/new", "new_headline", "a"),
    case("a/decoy", "recast", None),
]


def test_a_perfect_answer_scores_one() -> None:
    links = {"a/cut": link("a/cut", "a"), "a/new": link("a/new", "a")}
    result = ev.score(CASES, links)
    assert result.metric("neardup_precision").value == 1.0  # type: ignore[union-attr]
    assert result.metric("neardup_recall").value == 1.0  # type: ignore[union-attr]
    assert result.metric("neardup_decoy_links").value == 0  # type: ignore[union-attr]
    assert result.records == 5 and not result.misses


def test_a_linked_decoy_costs_precision_and_a_missed_copy_recall() -> None:
    decoy = {
        "a/cut": link("a/cut", "a"),
        "a/new": link("a/new", "a"),
        "a/decoy": link("a/decoy", "a"),
    }
    result = ev.score(CASES, decoy)
    assert result.metric("neardup_precision").value == pytest.approx(2 / 3)  # type: ignore[union-attr]
    assert result.metric("neardup_recall").value == 1.0  # type: ignore[union-attr]
    assert result.misses[0].item == "a/decoy" and result.misses[0].severity == 3.0
    missed = ev.score(CASES, {"a/cut": link("a/cut", "a")})
    assert missed.metric("neardup_precision").value == 1.0  # type: ignore[union-attr]
    assert missed.metric("neardup_recall").value == 0.5  # type: ignore[union-attr]
    rows = {r["kind"]: r for r in missed.tables["neardup_by_kind"]}
    assert rows["new_headline"]["missed"] == 1 and rows["truncated"]["recall"] == 1.0


def test_a_link_to_the_wrong_original_costs_both() -> None:
    result = ev.score(CASES, {"a/cut": link("a/cut", "b"), "a/new": link("a/new", "a")})
    assert result.metric("neardup_precision").value == 0.5  # type: ignore[union-attr]
    assert result.metric("neardup_recall").value == 0.5  # type: ignore[union-attr]


DOC = ev.Doc.parse(
    "Ten killed in attack on market in Tarbo",
    "TARBO, March 3 (Ridge Post) - Gunmen killed 10 people at a market in Tarbo on Monday, "
    "police said. Officials said 4 more were wounded.\n\n"
    'Governor Ama Dede condemned the attack. "We will find them," she said.\n\n'
    "Police chief Kofi Mensah said 20 officers had been sent to Tarbo.\n\n"
    "Tarbo was attacked by the same group in 2019, when 30 people died.",
)


def test_the_edits_are_deterministic_and_do_what_they_say() -> None:
    lex = ev.load_lexicon()
    cut = ev.truncate(DOC, random.Random(1), lex)
    assert 1 <= len(cut.paragraphs) < len(DOC.paragraphs)
    assert cut.paragraphs == DOC.paragraphs[: len(cut.paragraphs)]
    again = [
        ev.generate([ev.Case("x", DOC.title, DOC.render(), ev.ORIGINAL, "x", None)], lex)
        for _ in range(2)
    ]
    assert again[0] == again[1]
    assert {c.kind for c in again[0]} == {*ev.COPY_KINDS, *ev.DECOY_KINDS}


def test_a_decoy_changes_the_facts_and_keeps_the_background() -> None:
    lex = ev.load_lexicon()
    decoy = ev.follow_up(DOC, random.Random(3), lex)
    text = decoy.render()
    assert "Gunmen killed 10 people" not in text and "Monday" not in text
    assert "We will find them" not in text  # quotes belong to the first happening
    assert text.endswith("Tarbo was attacked by the same group in 2019, when 30 people died.")


def test_the_evaluation_runs_on_the_examples() -> None:
    ctx = EvalContext(root=ev.examples_dir(), settings=None, limit=4)  # type: ignore[arg-type]
    result = ev.evaluate(ctx)
    assert result.skipped is None
    roles = {r["kind"] for r in result.tables["neardup_by_kind"]}
    assert {"original", "truncated", "recast"} <= roles
    precision = result.metric("neardup_precision")
    assert precision is not None and precision.value is not None and precision.n
    assert len(result.tables["neardup_thresholds"]) == len(ev.SWEEP)


def test_signature_hashes_are_32_bit() -> None:
    signature = NearDuplicateIndex(num_perm=64, bands=16).signature("", FLOOD)
    assert signature.hashes.dtype == np.uint32 and len(signature.hashes) == 64
    assert list(signature.facts) == sorted(signature.facts) and signature.fact_count >= 10


def test_an_example_declared_an_edited_copy_is_gold_for_its_original(tmp_path) -> None:
    folder = tmp_path / "examples" / "articles"
    folder.mkdir(parents=True)
    body = " ".join(
        f"Rebels shelled the river port of Kalemo on Sunday, sentence {i}." for i in range(9)
    )
    (folder / "01-port.txt").write_text(f"Rebels shell Kalemo port\n\n{body}\n", encoding="utf-8")
    edited = body.replace("Sunday", "Sunday night")
    (folder / "02-port-copy.txt").write_text(f"Kalemo port shelled\n\n{edited}\n", encoding="utf-8")
    (folder.parent / "expected.yaml").write_text(
        "articles:\n  02-port-copy.txt:\n    copy_of: 01-port.txt\n", encoding="utf-8"
    )
    first, second = ev.read_examples(folder)
    assert (first.kind, first.original) == (ev.ORIGINAL, None)
    assert (second.kind, second.original) == (ev.EXAMPLE_COPY, first.id)
    assert not [c for c in ev.generate([first, second], ev.load_lexicon()) if c.source == second.id]
