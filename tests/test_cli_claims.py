"""``eventwatch claims``, ``quotes``, ``show`` and ``export --records`` on a store built by hand
(the articles of tests/test_store_claims.py), and the claim and quote counts of ``run``."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from spacy.language import Language
from typer.testing import CliRunner

from eventwatch.cli import app
from eventwatch.records import Article, Status, content_id
from eventwatch.store import Store
from test_store_claims import ARMY, july, june, quote

runner = CliRunner()
GOOD = Path(__file__).parent / "fixtures" / "cli" / "good"

LONG_TITLE = "Army rejects talks"
LONG = (
    "KINSHASA, June 20 (Test Wire) - The army said on Thursday it would keep up its offensive. "
    '"There will be no talks with armed groups while they hold a single village in the east, '
    "and every commander who has fought alongside them will answer for it before our courts, "
    'whatever the mediators in Luanda may propose," the army spokesman told reporters.'
)


def long_quote() -> Article:
    art = Article(
        id=content_id(LONG_TITLE, LONG), text=LONG, title=LONG_TITLE, status=Status.CODED,
        published=datetime(2024, 6, 20, 10, 0, tzinfo=UTC), language="en", source="wire/long.txt",
    )  # fmt: skip
    said = LONG[LONG.index("There will") : LONG.index(',"')]
    art.quotes = [quote(art, said, "direct", "the army spokesman", speaker=ARMY, cue="tell")]
    return art


@dataclass(frozen=True)
class Built:
    db: Path
    june: Article
    july: Article
    long: Article


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in list(os.environ):
        if key.startswith("EVENTWATCH_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("COLUMNS", "1000")  # nothing wraps
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    db = tmp_path_factory.mktemp("claims") / "claims.db"
    articles = Built(db, june(), july(), long_quote())
    with Store.open(db) as store:
        for article in (articles.june, articles.july, articles.long):
            store.write(article)
    return articles


def invoke(*args: str | Path, code: int = 0) -> Result:
    result = runner.invoke(app, [str(a) for a in args])
    shown = f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {result.exception!r}\n{shown}") from result.exception
    assert result.exit_code == code, shown
    assert "Traceback" not in result.output, shown
    return result


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def line_with(output: str, words: str) -> str:
    [line] = [line for line in output.splitlines() if words in line]
    return line


# ---------------------------------------------------------------------------- claims
def test_claims_table_groups_estimates_and_marks_the_conflict(built: Built) -> None:
    out = invoke("claims", "--db", built.db).stdout
    titles = [line.strip() for line in out.splitlines() if " · " in line and "│" not in line]
    assert titles == ["M23 (CODREB) · fighters", "M23 (CODREB) · territory_share",
                      "(no subject) · displaced"]  # fmt: skip
    analysts = line_with(out, "anywhere from 20,000 to 32,000")
    army = line_with(out, "about 17,500")
    assert "20,000–32,000 (range)" in analysts and "“Independent analysts”" in analysts
    assert "~17,500 (approx)" in army and "Congolese army (CODMIL)" in army
    assert "≠ 2, 3" in analysts and "≠ 1, 3" in army  # each marks the other
    assert "2024-06-03 (published)" in analysts  # no as-of date: the publication day
    assert "2024-06-03 (published)" not in army
    assert "estimate" in analysts and "about" in army  # the hedges
    prior = line_with(out, "3,000 (exact)")
    assert "prior" in prior and "unattributed" in prior
    panel = line_with(out, "about 21,000")
    assert "≠ 3" in panel and "2024-07-15" in panel
    share = line_with(out, "40% (exact)")
    assert "≠" not in share and "North Kivu" in share
    assert "6 claim(s) in 3 group(s)" in out
    assert "≠ 1 group(s) hold estimates that contradict each other" in out
    assert "not averaged" in out
    # every figure stands as stated: none is made up in between (no average, no midpoint)
    fighters = out.split("M23 (CODREB) · territory_share")[0]
    shown = set(re.findall(r"\d{1,3}(?:,\d{3})+", fighters))
    assert shown == {"20,000", "32,000", "17,500", "3,000", "21,000"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ["anywhere from 20,000 to 32,000", "about 17,500", "3,000", "More than 200,000",
              "about 21,000", "40 percent"]),
        (["--subject", "m23", "--indicator", "territory_share"], ["40 percent"]),
        (["-i", "displaced", "-i", "territory-share"], ["More than 200,000", "40 percent"]),
        (["--place", "North Kivu"], ["anywhere from 20,000 to 32,000", "40 percent"]),
        (["--place", "COD"], ["anywhere from 20,000 to 32,000", "40 percent"]),
        (["--claimant", "army"], ["about 17,500"]),
        (["--claimant", "independent analysts"], ["anywhere from 20,000 to 32,000"]),
        (["--since", "2024-07-01"], ["about 21,000", "40 percent"]),
        (["--until", "2024-06-30", "--indicator", "fighters"],
         ["anywhere from 20,000 to 32,000", "about 17,500", "3,000"]),
        (["--text", "refugee"], ["More than 200,000"]),
        (["--limit", "2"], ["anywhere from 20,000 to 32,000", "about 17,500"]),
    ],
)  # fmt: skip
def test_claims_filters(built: Built, args: list[str], expected: list[str]) -> None:
    records = json_lines(invoke("claims", "--db", built.db, "--format", "json", *args).stdout)
    assert [r["quantity"]["text"] for r in records] == expected
    rows = list(csv.DictReader(io.StringIO(
        invoke("claims", "--db", built.db, "-f", "csv", *args).stdout
    )))  # fmt: skip
    assert [r["quantity_text"] for r in rows] == expected
    assert [r["id"] for r in rows] == [r["id"] for r in records]


def test_claims_of_one_article_by_id_prefix(built: Built) -> None:
    out = invoke("claims", "--db", built.db, "--article", built.july.id, "-f", "json").stdout
    assert {r["cite_info"]["article_id"] for r in json_lines(out)} == {built.july.id}


def test_claims_json_and_csv_carry_claimant_and_article(built: Built) -> None:
    out = invoke("claims", "--db", built.db, "-f", "json", "--claimant", "army").stdout
    [record] = json_lines(out)
    assert record["claimant"]["code"] == "CODMIL"
    assert record["claimant_text"] == "Army officers"
    assert record["normalized"] == "~17,500 (approx)"
    assert record["cite_info"]["url"] == built.june.url
    assert record["cite_info"]["published"] == "2024-06-03T08:00:00+00:00"
    out = invoke("claims", "--db", built.db, "-f", "csv", "--subject", "m23", "-i", "fighters")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["normalized"] for r in rows] == [
        "20,000–32,000 (range)", "~17,500 (approx)", "3,000 (exact)", "~21,000 (approx)",
    ]  # fmt: skip
    assert [r["prior"] for r in rows] == ["false", "false", "true", "false"]


def test_claims_bad_input_is_a_clear_error(built: Built, tmp_path: Path) -> None:
    result = invoke("claims", "--db", built.db, "--indicator", "fighter", code=1)
    assert "[E021]" in result.stderr and "did you mean 'fighters'" in result.stderr
    result = invoke("claims", "--db", built.db, "--text", '"open', code=1)
    assert "full-text query" in result.stderr
    invoke("claims", "--db", built.db, "--since", "June", code=2)
    invoke("claims", "--db", built.db, "--format", "xml", code=2)
    for command in ("claims", "quotes"):
        result = invoke(command, "--db", tmp_path / "typo.db", code=1)
        assert "[E020]" in result.stderr and "no database" in result.stderr
    assert not (tmp_path / "typo.db").exists()


def test_claims_on_an_empty_store(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    Store.open(db).close()
    out = invoke("claims", "--db", db).stdout
    assert "0 claim(s) in 0 group(s)" in out and "≠" not in out
    assert invoke("claims", "--db", db, "-f", "json").stdout == ""
    assert invoke("quotes", "--db", db, "-f", "csv").stdout.startswith("id,article_id,date,kind")


# ---------------------------------------------------------------------------- quotes
def test_quotes_table_truncates_and_json_csv_keep_everything(built: Built) -> None:
    out = invoke("quotes", "--db", built.db).stdout
    said = built.long.quotes[0].content.text
    assert len(said) > 160
    assert said not in out and said[:100] in out and "..." in out
    row = line_with(out, "We will not negotiate under fire")
    assert "Congolese army (CODMIL) “the army spokesman”" in row
    assert "tell" in row and "2024-06-03" in row and built.june.id[:10] in row
    assert "3 quote(s)" not in out and "4 quote(s)" in out
    luanda = invoke("quotes", "--db", built.db, "-f", "json", "--text", "Luanda").stdout
    [record] = json_lines(luanda)
    assert record["content"]["text"] == said
    rows = list(csv.DictReader(io.StringIO(
        invoke("quotes", "--db", built.db, "-f", "csv", "--speaker", "spokesman").stdout
    )))  # fmt: skip
    assert [r["content_text"] for r in rows] == ["We will not negotiate under fire", said]
    assert {r["cue"] for r in rows} == {"tell"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--speaker", "igouno"], 2),  # UNHCR and the UN panel, by code
        (["--speaker", "the panel"], 1),  # as written
        (["--since", "2024-06-10"], 2),
        (["--until", "2024-06-10"], 2),
        (["--limit", "1"], 1),
        (["--text", "fled OR controls"], 2),
    ],
)
def test_quotes_filters(built: Built, args: list[str], expected: int) -> None:
    records = json_lines(invoke("quotes", "--db", built.db, "-f", "json", *args).stdout)
    assert len(records) == expected


def test_quotes_of_one_article(built: Built) -> None:
    out = invoke("quotes", "--db", built.db, "-f", "json", "--article", built.june.id).stdout
    assert [r["kind"] for r in json_lines(out)] == ["direct", "reported"]


# ---------------------------------------------------------------------------- show
def test_show_lists_claims_and_quotes(built: Built) -> None:
    out = invoke("show", built.june.id[:8], "--db", built.db).stdout
    assert "claims" in out.splitlines() and "quotes" in out.splitlines()
    first = line_with(out, "1. fighters")
    assert "20,000–32,000 (range)" in first and "according to “Independent analysts”" in first
    assert "place North Kivu" in first
    assert "as of 2024-06-03" in line_with(out, "2. fighters")
    assert "prior estimate" in line_with(out, "3. fighters")
    assert "UNHCR (IGOUNOREF)" in line_with(out, "4. displaced")
    claim = built.june.claims[0]
    assert f"body [{claim.span.start}:{claim.span.end}]" in out
    said = line_with(out, "1. Congolese army (CODMIL)")
    assert "tell (direct): “We will not negotiate under fire”" in said
    assert "2. UNHCR (IGOUNOREF) say (reported)" in out


def test_show_without_claims_prints_no_empty_sections(built: Built) -> None:
    out = invoke("show", built.long.id, "--db", built.db).stdout
    assert "claims" not in out.splitlines()
    assert "1. Congolese army (CODMIL)" in out


# ---------------------------------------------------------------------------- export
@pytest.mark.parametrize("records", ["claims", "quotes"])
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_records(built: Built, tmp_path: Path, records: str, fmt: str) -> None:
    target = tmp_path / f"{records}.{fmt}"
    result = invoke("export", "--db", built.db, "--records", records, "-f", fmt, "-o", target)
    text = target.read_text(encoding="utf-8")
    rows = json_lines(text) if fmt == "json" else list(csv.DictReader(io.StringIO(text)))
    expected = 6 if records == "claims" else 4
    assert len(rows) == expected
    noun = records[:-1]
    assert f"{expected} {noun}(s) written to {target.resolve()}" in result.stderr
    assert result.stdout == ""
    stdout = invoke("export", "--db", built.db, "--records", records, "-f", fmt).stdout
    assert stdout == text


def test_export_records_default_formats_and_filters(built: Built) -> None:
    claims = json_lines(invoke("export", "--db", built.db, "-r", "claims").stdout)
    assert len(claims) == 6 and "quantity" in claims[0]  # json by default
    since = invoke("export", "--db", built.db, "-r", "claims", "--since", "2024-07-01").stdout
    assert [r["indicator"] for r in json_lines(since)] == ["fighters", "territory_share"]
    kivu = invoke("export", "--db", built.db, "-r", "claims", "--place", "north kivu").stdout
    assert len(json_lines(kivu)) == 2
    quotes = invoke("export", "--db", built.db, "-r", "quotes", "--text", "negotiate").stdout
    assert [r["content"]["text"] for r in json_lines(quotes)] == [
        "We will not negotiate under fire"
    ]
    assert invoke("export", "--db", built.db).stdout == ""  # events: none stored
    assert invoke("export", "--db", built.db, "-f", "json").stdout == ""  # plover-json


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-r", "claims", "-f", "geojson"], "claims export as json or csv, not geojson"),
        (["-r", "quotes", "-f", "plover-json"], "quotes export as json or csv, not plover-json"),
        (["-r", "claims", "--actor", "army"], "--actor filters events, not claims"),
        (["-r", "quotes", "--place", "Goma"], "--place filters events, not quotes"),
        (["-r", "claims", "-t", "ASSAULT", "-m", "planned"], "--type, --modality filter events"),
    ],
)
def test_export_records_bad_combinations(built: Built, args: list[str], message: str) -> None:
    result = invoke("export", "--db", built.db, *args, code=1)
    assert "[E021]" in result.stderr and message in " ".join(result.stderr.split())
    invoke("export", "--db", built.db, "-r", "opinions", code=2)


# ---------------------------------------------------------------------------- run
@pytest.mark.model
def test_run_summary_counts_claims_and_quotes(nlp: Language, tmp_path: Path) -> None:
    db = tmp_path / "run.db"
    out = invoke("run", GOOD, "--db", db, "--no-fetch-links").stdout
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if re.search(r"\bread\b.*\bquotes\b", line))
    names = re.findall(r"[a-z]+", lines[header])
    values = next(r for r in lines[header + 1 :] if re.search(r"\d", r))
    counts = dict(zip(names, map(int, re.findall(r"\d+", values)), strict=True))
    assert names[-2:] == ["claims", "quotes"]
    with Store.open(db) as store:
        assert counts["claims"] == store.count_claims()
        assert counts["quotes"] == store.count_quotes()
        assert counts["events"] == store.count_events()
    assert f"eventwatch claims --db {db}" in out
