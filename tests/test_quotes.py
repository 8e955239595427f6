"""Quotes and attribution: direct speech, reported speech and "according to", with speakers.

The quotation-mark scanner, the cue file schema and :func:`quote_at` are tested on hand-built
inputs. The extractor is tested end to end on sentences written for these tests (wire-news
style): each case names the quotes a careful reader finds (kind, speaker, cue, exact content);
decoys must give no quote at all. Every quote found is also checked for the invariants every
record must hold (exact spans, evidence holding the content, unique ids).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pytest
from spacy.language import Language

from eventwatch.config import load_settings
from eventwatch.errors import DataFileError
from eventwatch.ingest.articles import finalize, new_article
from eventwatch.nlp import parse_articles
from eventwatch.pipeline import STAGES, Parse
from eventwatch.quotes import QuoteExtractor, find_quotations, load_cues, quote_at
from eventwatch.quotes.cues import parse_cues
from eventwatch.records import Actor, Article, Quote, QuoteKind, Span

Extract = Callable[..., tuple[Article, list[Quote]]]
PACKAGED = (resources.files("eventwatch.quotes") / "data" / "cues.yaml").read_text("utf-8")


# ---------------------------------------------------------------------------- quotation marks
def _inner(text: str) -> list[tuple[str, bool, str]]:
    return [(text[q.inner_start : q.inner_end], q.closed, q.style) for q in find_quotations(text)]


def test_straight_and_curly_quotations() -> None:
    text = '"We hold the ridge," he said. Later: “The ridge is lost.”'
    assert _inner(text) == [
        ("We hold the ridge,", True, "double"),
        ("The ridge is lost.", True, "double"),
    ]


def test_a_quotation_open_at_the_end_of_a_paragraph_runs_to_its_end() -> None:
    text = '"We will fight on.\n"We will win," the colonel said.'
    assert _inner(text) == [
        ("We will fight on.", False, "double"),
        ("We will win,", True, "double"),
    ]


def test_single_quotes_pair_only_as_quotations() -> None:
    text = "'Talks have failed,' says envoy as the rebels' guns don't fall silent"
    assert _inner(text) == [("Talks have failed,", True, "single")]
    assert _inner("the militias' leaders and the soldiers' families") == []


def test_a_quotation_inside_double_quotes_is_not_found_twice() -> None:
    text = "\"They called it 'a final warning' yesterday,\" she said."
    assert [s for _, _, s in _inner(text)] == ["double"]


def test_stray_closing_mark_is_ignored() -> None:
    assert _inner('a 12" gun and then "the convoy was hit" later') == [
        ("the convoy was hit", True, "double")
    ]


# ---------------------------------------------------------------------------- cue file
def test_packaged_cues_load() -> None:
    cues = load_cues()
    assert {"say", "tell", "warn", "estimate", "deny"} <= cues.speech
    assert "call" in cues.direct and "call" not in cues.speech
    assert 0 < cues.confidence.direct_unattributed < cues.confidence.direct_same_sentence <= 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 1\nspeech_verbs: [say]\n", "confidence"),
        ("- not a mapping\n", "mapping"),
        ("version: [1\n", "not valid YAML"),
        (PACKAGED.replace("needs_actor: [", "needs_actor: [mumble, "), "not speech_verbs"),
        (PACKAGED.replace("direct_verbs: [", "direct_verbs: [say, "), "already speech_verbs"),
        (PACKAGED.replace("max_term_words: 3", "max_term_words: -1"), "max_term_words"),
    ],
)
def test_bad_cue_files_are_refused(text: str, message: str) -> None:
    with pytest.raises(DataFileError, match=message):
        parse_cues("mine.yaml", text)


def test_a_cue_file_of_ones_own(tmp_path: Path) -> None:
    path = tmp_path / "cues.yaml"
    path.write_text(PACKAGED.replace("speech_verbs: [", "speech_verbs: [mumble, "), "utf-8")
    assert "mumble" in load_cues(path).speech
    assert "mumble" not in load_cues().speech
    with pytest.raises(DataFileError, match="cannot read"):
        load_cues(tmp_path / "missing.yaml")


# ---------------------------------------------------------------------------- quote_at
def _quote(start: int, end: int, *, speaker: str | None, field: str = "body") -> Quote:
    span = Span(start, end, "x" * (end - start), field)  # type: ignore[arg-type]
    actor = Actor(speaker, "XXX", None, None, "person", speaker) if speaker else None
    return Quote(f"q{start}-{end}", "a", QuoteKind.REPORTED, span, span, actor, speaker, "say")


def test_quote_at_returns_the_innermost_quote() -> None:
    outer = _quote(0, 100, speaker="Outer")
    inner = _quote(40, 80, speaker="Inner")
    title = _quote(0, 30, speaker="Title", field="title")
    quotes = [outer, inner, title]
    assert quote_at(quotes, 50, 60) is inner
    assert quote_at(quotes, 10, 20) is outer
    assert quote_at(quotes, 10, 20, field="title") is title
    assert quote_at(quotes, 90, 120) is None  # runs past every content
    assert quote_at([], 0, 1) is None


def test_quote_at_prefers_a_quote_with_a_speaker_among_equals() -> None:
    anonymous = _quote(10, 50, speaker=None)
    known = _quote(10, 50, speaker="Known")
    assert quote_at([anonymous, known], 20, 30) is known


# ---------------------------------------------------------------------------- extractor
@pytest.fixture(scope="module")
def extract(nlp: Language) -> Extract:
    """Parse a text, find its actors (the stage the pipeline runs first) and its quotes."""
    settings = load_settings(environ={})
    actors = STAGES["actors"](settings)
    extractor = QuoteExtractor.default()
    cache: dict[tuple[str, str], tuple[Article, list[Quote]]] = {}

    def run(text: str, title: str = "") -> tuple[Article, list[Quote]]:
        if (text, title) not in cache:
            article = new_article(
                source="<test>", title=title, text=text, published="2024-03-12T10:00:00+00:00"
            )
            article = finalize(article, settings.ingest)
            docs = parse_articles(nlp, [article])[0]
            actors(article, Parse(docs))
            cache[(text, title)] = (article, extractor.extract(article, docs))
        return cache[(text, title)]

    return run


@dataclass(frozen=True)
class Want:
    kind: str
    content: str
    speaker: str | None  # actor name or code; None: no resolved speaker
    cue: str | None
    speaker_text: str | None = None  # checked when given


D, R, A = QuoteKind.DIRECT, QuoteKind.REPORTED, QuoteKind.ACCORDING

CASES: list[tuple[str, list[Want]]] = [
    # direct speech, attribution after, before, inverted, with a colon or a comma
    (
        '"We will not give up a single village," the brigade commander said.',
        [
            Want(
                D,
                "We will not give up a single village",
                "commander",
                "say",
                "the brigade commander",
            )
        ],
    ),
    (
        '"Our forces are holding the bridge," said Defence Minister Karim Haddad.',
        [Want(D, "Our forces are holding the bridge", "Karim Haddad", "say")],
    ),
    (
        'Foreign Minister Lena Sorensen said: "Sanctions alone will not end this war."',
        [Want(D, "Sanctions alone will not end this war.", "Lena Sorensen", "say")],
    ),
    (
        'Interior Minister Joseph Mwangi told reporters, "The curfew stays in place until '
        'further notice."',
        [Want(D, "The curfew stays in place until further notice.", "Joseph Mwangi", "tell")],
    ),
    (
        "“The aid convoys must be allowed through,” the United Nations said in a statement.",
        [Want(D, "The aid convoys must be allowed through", "United Nations", "say")],
    ),
    # a quotation over several sentences, attributed in the first
    (
        'President Ali Hassan said: "The army has retaken the airport. The rebels are fleeing '
        'north. We expect the town to be cleared by Friday."',
        [
            Want(
                D,
                "The army has retaken the airport. The rebels are fleeing north. We expect the "
                "town to be cleared by Friday.",
                "Ali Hassan",
                "say",
            )
        ],
    ),
    # the speaker goes on in the next sentence; a spokesman "for" an institution
    (
        '"The rebels have lost the initiative," said a spokesman for the Nigerian army. '
        '"They are now fighting to survive."',
        [
            Want(D, "The rebels have lost the initiative", "NGAGOV", "say"),
            Want(D, "They are now fighting to survive.", "NGAGOV", "say"),
        ],
    ),
    # a pronoun speaker: the person mentioned before
    (
        "Police chief Daniel Otieno addressed the crowd on Tuesday.\n"
        '"Go home and stay safe," he said.',
        [Want(D, "Go home and stay safe", "Daniel Otieno", "say", "he")],
    ),
    # a lead-in sentence ending with a colon
    (
        "Secretary of State Marco Reyes told reporters on Monday:\n"
        '"The patrols will continue until the shipping lanes are safe."',
        [
            Want(
                D,
                "The patrols will continue until the shipping lanes are safe.",
                "Marco Reyes",
                "tell",
            )
        ],
    ),
    # a one-word answer is speech when punctuated as speech
    (
        '"No," the minister said when asked about a ceasefire.',
        [Want(D, "No", "minister", "say")],
    ),
    # reported speech: subject, "that", adverbials, passive, "what X said were"
    (
        "A senior US official said the strikes had destroyed three weapons depots.",
        [Want(R, "the strikes had destroyed three weapons depots", "USAGOV", "say")],
    ),
    (
        "A spokesman for the Somali defence ministry said troops had entered the port overnight.",
        [
            Want(
                R,
                "troops had entered the port overnight",
                "SOMGOV",
                "say",
                "A spokesman for the Somali defence ministry",
            )
        ],
    ),
    (
        "Prime Minister Abiy Ahmed said on Monday that the talks would resume next week.",
        [Want(R, "the talks would resume next week", "Abiy Ahmed", "say")],
    ),
    (
        "Secretary of State Marco Reyes told reporters in Manila the patrols would continue.",
        [Want(R, "the patrols would continue", "Marco Reyes", "tell")],
    ),
    (
        "The Pentagon estimated that the group had between 8,000 and 10,000 fighters.",
        [Want(R, "the group had between 8,000 and 10,000 fighters", "Pentagon", "estimate")],
    ),
    (
        "The Nigerian army said in a statement on Friday that it had rescued 40 hostages.",
        [Want(R, "it had rescued 40 hostages", "NGAMIL", "say")],
    ),
    (
        "The UN refugee agency warned that the camps were already overcrowded.",
        [Want(R, "the camps were already overcrowded", "UNHCR", "warn")],
    ),
    (
        "Hamas denied that its fighters had fired the rockets.",
        [Want(R, "its fighters had fired the rockets", "Hamas", "deny")],
    ),
    (
        "Three soldiers were killed in the ambush near Gao, the army said.",
        [Want(R, "Three soldiers were killed in the ambush near Gao", "military", "say")],
    ),
    (
        "It was announced on Sunday that the border crossing would reopen.",
        [Want(R, "the border crossing would reopen", None, "announce")],
    ),
    (
        "Earlier estimates had put the number of fighters at 12,000, including what "
        "intelligence officials said were about 3,000 foreign recruits.",
        [Want(R, "were about 3,000 foreign recruits", "intelligence", "say")],
    ),
    (
        "Governor Amina Bello visited the camp on Sunday. She said the state would build new "
        "shelters.",
        [Want(R, "the state would build new shelters", "Amina Bello", "say", "She")],
    ),
    (
        "Rebels seized two towns in the east. They said the army had abandoned its positions.",
        [Want(R, "the army had abandoned its positions", "rebels", "say", "They")],
    ),
    (
        "It was announced by the Interior Ministry that the curfew would be lifted.",
        [Want(R, "the curfew would be lifted", "GOV", "announce", "the Interior Ministry")],
    ),
    (
        "Displaced families were told that the camp would close in March.",
        [Want(R, "the camp would close in March", None, "tell")],
    ),
    (
        "The ministry issued a statement saying that four border guards had been wounded.",
        [Want(R, "four border guards had been wounded", "GOV", "say", "The ministry")],
    ),
    (
        'Army chief Musa Bako spoke to local radio on Monday. "The town is secure," he was '
        "quoted as saying.",
        [Want(D, "The town is secure", "Musa Bako", "quote", "he")],
    ),
    # "according to"
    (
        "According to the World Health Organization, at least 300 people have died of cholera.",
        [Want(A, "at least 300 people have died of cholera", "World Health Organization", None)],
    ),
    (
        "The militia controls about a third of the province, according to local officials.",
        [Want(A, "The militia controls about a third of the province", "GOV", None)],
    ),
    # headline style: single quotes and the present tense
    (
        "Fighting eased in the north on Tuesday.",
        [Want(D, "We are ready to talk", "rebel leader", "say")],
    ),
]
TITLES = {len(CASES) - 1: "'We are ready to talk,' says rebel leader"}


def _matches(quote: Quote, want: Want) -> bool:
    speaker_ok = (
        quote.speaker is None
        if want.speaker is None
        else quote.speaker is not None and want.speaker in (quote.speaker.name, quote.speaker.code)
    )
    return (
        quote.kind == want.kind
        and quote.content.text == want.content
        and quote.cue == want.cue
        and speaker_ok
        and (want.speaker_text is None or quote.speaker_text == want.speaker_text)
    )


def _show(quotes: list[Quote]) -> str:
    return "\n".join(
        f"{q.kind} cue={q.cue} speaker={q.speaker.name if q.speaker else None}"
        f"/{q.speaker.code if q.speaker else None} text={q.speaker_text!r} "
        f"content={q.content.text!r}"
        for q in quotes
    )


@pytest.mark.model
@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)), ids=lambda v: str(v)[:40])
def test_quotes_found(extract: Extract, index: int, case: tuple[str, list[Want]]) -> None:
    text, wants = case
    _, quotes = extract(text, TITLES.get(index, ""))
    for want in wants:
        assert any(_matches(q, want) for q in quotes), f"missing {want}\nfound:\n{_show(quotes)}"
    assert len(quotes) == len(wants), f"unexpected quotes:\n{_show(quotes)}"


DECOYS = [
    "Under the said agreement, both armies must withdraw by June.",  # "said" as an adjective
    "Villagers could not tell the two armed groups apart.",  # "tell" = distinguish
    "It is hard to tell who fired the first shot.",
    'The group calls itself the "caliphate" and its fighters wear "uniforms".',  # scare quotes
    'The campaign was launched in "2020" under the slogan "Peace Now".',  # a number, a name
    'He starred in a film called "The Day the Earth Stood Still" in 2008.',  # a title
    "Officials did not say whether the convoy had been attacked.",  # nothing said
    "What did the minister say about the hostages?",  # a question
    "Asked what he told the ministers, the envoy declined to comment.",
    "The minister will announce on Friday that the troops are leaving.",  # not said yet
    "If the army says the road is safe, aid trucks will move.",  # a condition
    "Troops were sent to the border, and the army reported no casualties.",  # no clause said
]


@pytest.mark.model
@pytest.mark.parametrize("text", DECOYS, ids=lambda t: t[:40])
def test_decoys_give_no_quote(extract: Extract, text: str) -> None:
    _, quotes = extract(text)
    assert quotes == [], _show(quotes)


@pytest.mark.model
def test_unattributed_quotation_is_kept_with_low_confidence(extract: Extract) -> None:
    _, quotes = extract(
        "The statement was read out on state radio.\n"
        '"We cannot allow the militias to decide who governs this country."'
    )
    assert [(q.kind, q.speaker, q.speaker_text, q.cue) for q in quotes] == [(D, None, None, None)]
    assert quotes[0].confidence < 0.5


@pytest.mark.model
def test_a_quotation_named_in_a_phrase_does_not_inherit_the_last_speaker(
    extract: Extract,
) -> None:
    _, quotes = extract(
        "The police spokesman said 30 people were detained. Marchers carried banners reading "
        '"Our children are hungry" through the city centre.'
    )
    assert [q.kind for q in quotes] == [R]


@pytest.mark.model
def test_partial_quotation_inside_reported_speech(extract: Extract) -> None:
    article, quotes = extract(
        'Defence Minister Karim Haddad said the militants were "running out of men and money."'
    )
    direct = next(q for q in quotes if q.kind == D)
    reported = next(q for q in quotes if q.kind == R)
    assert direct.content.text == "running out of men and money."
    assert reported.content.text == 'the militants were "running out of men and money."'
    assert direct.speaker is not None and direct.speaker.name == "Karim Haddad"
    # an event word inside both: the innermost quote wins
    at = article.text.index("running")
    assert quote_at(quotes, at, at + 7) is direct
    at = article.text.index("militants")
    assert quote_at(quotes, at, at + 9) is reported


@pytest.mark.model
def test_pronoun_it_skips_plural_actors(extract: Extract) -> None:
    _, quotes = extract(
        "The defence ministry accused the rebels of shelling two villages. It said eight "
        "civilians had been killed."
    )
    said = next(q for q in quotes if q.cue == "say")
    assert said.speaker_text == "It"
    assert said.speaker is not None and said.speaker.sector == "GOV"
    assert said.confidence < 0.85  # a pronoun speaker is less certain than a named one


@pytest.mark.model
def test_invariants_of_every_quote(extract: Extract) -> None:
    for index, (text, _) in enumerate(CASES):
        article, quotes = extract(text, TITLES.get(index, ""))
        assert len({q.id for q in quotes}) == len(quotes)
        for q in quotes:
            assert q.article_id == article.id
            assert article.span_text(q.content) == q.content.text != ""
            assert article.span_text(q.evidence) == q.evidence.text
            assert q.evidence.field == q.content.field
            assert q.evidence.start <= q.content.start < q.content.end <= q.evidence.end
            assert q.content.text == q.content.text.strip()
            assert 0 < q.confidence <= 1
            if q.speaker_span is not None:
                assert article.span_text(q.speaker_span) == q.speaker_text
            assert (q.cue is None) == (q.kind == A) or q.kind == D


@pytest.mark.model
def test_extraction_is_deterministic(extract: Extract, nlp: Language) -> None:
    article, quotes = extract(CASES[0][0])
    docs = parse_articles(nlp, [article])[0]
    again = QuoteExtractor.default().extract(article, docs)
    assert [q.id for q in again] == [q.id for q in quotes]
