"""End-to-end tests of the ``eventwatch`` command, in process with typer's CliRunner.

Commands that read the database (``events``, ``show``, ``articles``, ``export``) run against a
store built by hand from typed records, so every filter has one exact expected answer and no
model is needed. ``run`` codes small articles written for these tests (tests/fixtures/cli) with
the real pipeline: those tests are marked ``model`` and load spaCy once per session through the
shared ``nlp`` fixture (``load_pipeline`` caches it, and the command reuses that cache).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from spacy.language import Language
from typer.testing import CliRunner

from eventwatch.cli import app
from eventwatch.records import (
    Actor,
    Article,
    Event,
    EventDate,
    Place,
    Span,
    Status,
    content_id,
    stable_id,
)
from eventwatch.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "cli"
GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00"

runner = CliRunner()


# ---------------------------------------------------------------------------- helpers
def _clean_env(mp: pytest.MonkeyPatch) -> None:
    """No settings from the developer's environment; wide output so that nothing wraps; never a
    proxy for the loopback server."""
    for key in list(os.environ):
        if key.startswith("EVENTWATCH_") or key.lower().endswith("_proxy"):
            mp.delenv(key)
    mp.setenv("COLUMNS", "1000")
    mp.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)  # a default eventwatch.db would land here, not in the repo


def invoke(*args: str | Path, code: int = 0, stdin: bytes | None = None) -> Result:
    """Run ``eventwatch ARGS``; check the exit code and that no exception escaped."""
    result = runner.invoke(app, [str(a) for a in args], input=stdin)
    shown = f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {result.exception!r}\n{shown}") from result.exception
    assert result.exit_code == code, shown
    assert "Traceback" not in result.output, shown
    return result


def summary_of(output: str, **expected: int) -> dict[str, int]:
    """The counts of the run summary table (header names -> numbers); checks ``expected``."""
    lines = output.splitlines()
    header = next((i for i, line in enumerate(lines) if re.search(r"\bread\b.*\bcoded\b", line)),
                  None)  # fmt: skip
    assert header is not None, f"no run summary in:\n{output}"
    names = re.findall(r"[a-z]+", lines[header])
    row = next(r for r in lines[header + 1 :] if re.search(r"\d", r))
    summary = dict(zip(names, map(int, re.findall(r"\d+", row)), strict=True))
    assert {k: summary.get(k) for k in expected} == expected, output
    return summary


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# what later articles legitimately change: the stories they join, the happenings they report
DERIVED_TABLES = {"stories", "story_articles", "story_keys", "story_terms", "story_meta",
                  "happenings"}  # fmt: skip
DERIVED_COLUMNS = {"story_id", "happening_id", "happening_reason", "reports", "outlets"}


def dump(db: Path, *, derived: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the content tables (not ``runs``, which records each run, nor the migrations
    and full-text index tables); ``derived=False`` leaves out the story and happening tables
    and the events' story and happening columns."""
    with closing(sqlite3.connect(db)) as conn:
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE "
                  "type = 'table' AND name NOT IN ('runs', 'schema_migrations') "
                  "AND name NOT LIKE '%fts%'")]  # fmt: skip
        assert {"articles", "events", "actors", "places"} <= set(tables)
        out = {}
        for table in tables:
            if not derived and table in DERIVED_TABLES:
                continue
            cursor = conn.execute(f"SELECT * FROM {table}")
            names = [d[0] for d in cursor.description]
            keep = [i for i, n in enumerate(names) if derived or n not in DERIVED_COLUMNS]
            out[table] = sorted((tuple(r[i] for i in keep) for r in cursor), key=repr)
        return out


def stored(db: Path) -> dict[str, Article]:
    """Stored articles by source file name (``name`` or ``name:line``)."""
    with Store.open(db) as store:
        infos = list(store.list_articles())
        articles = [store.article(info["id"]) for info in infos]
    out: dict[str, Article] = {}
    for article in articles:  # most recently written first: a source read again wins
        if article is not None:
            out.setdefault(Path(article.source or "").name, article)
    return out


# ---------------------------------------------------------------------------- a store by hand
@dataclass(frozen=True)
class Handmade:
    """The store built from fixtures/cli/handmade.yaml."""

    db: Path
    articles: dict[str, Article]
    places: dict[str, Place]
    ids: dict[str, str]  # event key -> event id

    def keys(self, ids: list[str]) -> list[str]:
        names = {v: k for k, v in self.ids.items()}
        return [names[i] for i in ids]


def _event(article: Article, spec: dict[str, Any], actors: dict[str, Actor],
           places: dict[str, Place]) -> Event:  # fmt: skip
    start = article.text.index(spec["evidence"])
    at = article.text.index(spec["trigger"], start)
    day = date.fromisoformat(spec["date"]) if "date" in spec else None
    return Event(
        id=stable_id(article.id, spec["key"]), article_id=article.id, event_type=spec["type"],
        mode=spec.get("mode"), contexts=[], actor=actors.get(spec.get("actor", "")),
        recipient=actors.get(spec.get("recipient", "")), place=places.get(spec.get("place", "")),
        date=EventDate(day, "day", "text" if day else "none", None),
        modality=spec.get("modality", "asserted"),
        evidence=Span(start, start + len(spec["evidence"]), spec["evidence"]),
        trigger=Span(at, at + len(spec["trigger"]), spec["trigger"]), arrested=spec.get("arrested"),
    )  # fmt: skip


@pytest.fixture(scope="module")
def handmade(tmp_path_factory: pytest.TempPathFactory) -> Handmade:
    data = yaml.safe_load((FIXTURES / "handmade.yaml").read_text(encoding="utf-8"))
    actors = {key: Actor(**spec) for key, spec in data["actors"].items()}
    places = {key: Place(**spec) for key, spec in data["places"].items()}
    articles: dict[str, Article] = {}
    ids: dict[str, str] = {}
    for name, spec in data["articles"].items():
        events = spec.pop("events", [])
        published = spec.pop("published", None)
        spec["published"] = datetime.fromisoformat(published) if published else None
        text = spec.pop("text", "")
        article = Article(id=content_id(spec.get("title", name), text or name), text=text,
                          language=spec.pop("language", "en"), **spec)  # fmt: skip
        article.events = [_event(article, e, actors, places) for e in events]
        ids.update({e["key"]: event.id for e, event in zip(events, article.events, strict=True)})
        articles[name] = article
    db = tmp_path_factory.mktemp("handmade") / "events.db"
    with Store.open(db) as store:
        for article in articles.values():
            store.write(article)
    return Handmade(db, articles, places, ids)


def event_keys(handmade: Handmade, *args: str) -> list[str]:
    out = invoke("events", "--db", handmade.db, "--format", "json", *args).stdout
    return handmade.keys([record["id"] for record in json_lines(out)])


# ---------------------------------------------------------------------------- events
ALL = ["march", "teargas", "detain", "pact", "team", "threat"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ALL),  # by date; undated events last
        (["--actor", "police"], ["teargas", "detain"]),
        (["--actor", "kenedu"], ["march"]),  # a code, any case
        (["--actor", "SHABAAB"], ["threat"]),
        (["--recipient", "chile"], ["pact"]),
        (["--recipient", "SOMMIL"], ["threat"]),
        (["--type", "assault"], ["teargas"]),
        (["-t", "AGREE", "-t", "COOPERATE"], ["pact", "team"]),
        (["--country", "PER"], ["pact", "team"]),  # actor's country or the place's
        (["--country", "som"], ["threat"]),  # the recipient's country
        (["--place", "tacna"], ["team"]),
        (["--place", "184745"], ["march", "teargas", "detain"]),  # a GeoNames id
        (["--modality", "planned"], ["team"]),
        (["-m", "threatened", "-m", "planned"], ["team", "threat"]),
        (["--since", "2026-06-01"], ["pact", "team"]),
        (["--until", "2026-06-17"], ["march", "teargas", "detain", "pact"]),
        (["--since", "2026-06-17", "--until", "2026-06-17"], ["pact"]),
        (["--text", '"tear gas"'], ["teargas", "detain"]),
        (["--text", "agree*"], ["pact"]),  # a prefix
        (["--text", "convoys"], ["threat"]),
        (["--limit", "2"], ["march", "teargas"]),
        (["--country", "KEN", "--type", "COERCE"], ["detain"]),
        (["--actor", "nobody"], []),
    ],
)
def test_events_filters(handmade: Handmade, args: list[str], expected: list[str]) -> None:
    assert event_keys(handmade, *args) == expected


def test_events_article_filter(handmade: Handmade) -> None:
    kenya, peru = handmade.articles["kenya"], handmade.articles["peru"]
    assert event_keys(handmade, "--article", kenya.id) == ["march", "teargas", "detain"]
    assert event_keys(handmade, "--article", peru.id, "--type", "AGREE") == ["pact"]


def test_events_json_lines_carry_the_event(handmade: Handmade) -> None:
    out = invoke("events", "--db", handmade.db, "-f", "json", "--type", "AGREE").stdout
    [record] = json_lines(out)
    peru, lima = handmade.articles["peru"], handmade.places["lima"]
    assert record["event"] == "AGREE"
    assert (record["actor"]["code"], record["recipient"]["code"]) == ("PERGOV", "CHLGOV")
    assert record["event_loc"]["name"] == "Lima"
    assert (record["event_loc"]["lat"], record["event_loc"]["lon"]) == (lima.lat, lima.lon)
    assert record["date"] == "2026-06-17"
    assert record["quad_code"] == 1
    start, end = record["text_info"]["start"], record["text_info"]["end"]
    assert record["event_text"] == peru.text[start:end]
    assert record["cite_info"]["article_id"] == peru.id
    assert record["cite_info"]["title"] == peru.title


def test_events_csv_round_trip(handmade: Handmade) -> None:
    out = invoke("events", "--db", handmade.db, "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert handmade.keys([row["id"] for row in rows]) == ALL
    detain = rows[ALL.index("detain")]
    assert detain["event_type"] == "COERCE"
    assert detain["mode"] == "arrest"
    assert detain["arrested"] == "12"
    assert detain["actor_code"] == "KENCOP"
    assert detain["recipient_code"] == "KENEDU"
    assert float(detain["place_lat"]) == handmade.places["nairobi"].lat
    assert float(detain["place_lon"]) == handmade.places["nairobi"].lon
    assert detain["quad_code"] == "4"
    threat = rows[ALL.index("threat")]
    assert (threat["date"], threat["place_name"], threat["modality"]) == ("", "", "threatened")
    assert threat["evidence_text"].startswith('"We will hit [the convoys]')


def test_events_table(handmade: Handmade) -> None:
    out = invoke("events", "--db", handmade.db).stdout
    assert "6 event(s)" in out
    for text in ("ASSAULT/crowd-control", "Kenya police (KENCOP)", "Tacna", "planned",
                 "2026-06-17", handmade.articles["peru"].id[:10]):  # fmt: skip
        assert text in out
    out = invoke("events", "--db", handmade.db, "--type", "PROTEST").stdout
    assert "1 event(s)" in out
    assert "teachers marched through Nairobi" in out
    assert "Chile" not in out


def test_events_table_shows_bracketed_text(handmade: Handmade) -> None:
    out = invoke("events", "--db", handmade.db, "--type", "THREATEN").stdout
    assert "We will hit [the convoys] wherever they go" in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--text", "troops AND"], 1, "[E021] text: 'troops AND' is not a valid full-text query"),
        (["--text", '"car bomb'], 1, "[E021]"),
        (["--since", "2026-13-01"], 2, "'2026-13-01' is not a date (YYYY-MM-DD)"),
        (["--until", "yesterday"], 2, "'yesterday' is not a date"),
        (["--since", "2026-07-01", "--until", "2026-06-01"], 1, "[E021] since (2026-07-01)"),
        (["--type", "BOMBING"], 1, "[E021] unknown PLOVER type(s) BOMBING"),
        (["--modality", "rumoured"], 1, "[E021] unknown modality rumoured"),
        (["--country", "Kenya"], 1, "[E021] country: expected an ISO 3166 alpha-3 code"),
        (["--limit", "-1"], 1, "[E021] limit"),
    ],
)
def test_events_bad_queries_are_clear_errors(
    handmade: Handmade, args: list[str], code: int, message: str
) -> None:
    result = invoke("events", "--db", handmade.db, *args, code=code)
    assert message in " ".join(result.stderr.split())
    assert result.stdout == ""


def test_events_query_with_brackets_is_reported_verbatim(handmade: Handmade) -> None:
    result = invoke("events", "--db", handmade.db, "--text", "[/]", code=1)
    assert "[E021] text: '[/]' is not a valid full-text query" in result.stderr


# ---------------------------------------------------------------------------- show
def test_show_full_id_and_prefix(handmade: Handmade) -> None:
    kenya = handmade.articles["kenya"]
    full = invoke("show", kenya.id, "--db", handmade.db).stdout
    assert invoke("show", kenya.id[:8], "--db", handmade.db).stdout == full
    assert "Teachers march in Nairobi over pay" in full
    assert f"id {kenya.id}" in full
    assert "status coded" in full
    assert "outlet Test Wire" in full
    assert "https://www.testwire.example/kenya-teachers" in full
    assert "Police fired tear gas at the marchers" in full  # the body
    assert "1. PROTEST/demo asserted" in full
    assert "2. ASSAULT/crowd-control asserted" in full
    assert "3. COERCE/arrest asserted" in full
    assert "actor Kenya police (KENCOP)" in full
    assert "place Nairobi" in full
    assert "date 2026-05-04 (text)" in full
    assert "arrested 12" in full
    for event in kenya.events:
        evidence = event.evidence
        assert f"“{event.trigger.text}” in body [{evidence.start}:{evidence.end}]" in full


def test_show_failed_article_and_body_with_brackets(handmade: Handmade) -> None:
    failed = handmade.articles["failed"]
    out = invoke("show", failed.id, "--db", handmade.db).stdout
    assert "status failed (malformed JSON: Expecting value (column 1))" in out
    out = invoke("show", handmade.articles["somalia"].id, "--db", handmade.db).stdout
    assert "We will hit [the convoys] wherever they go" in out  # the body is plain text
    assert "1. THREATEN/violence threatened" in out
    assert "date - (none)" in out


def test_show_unknown_and_ambiguous_ids(handmade: Handmade, tmp_path: Path) -> None:
    result = invoke("show", "ffffffffff", "--db", handmade.db, code=1)
    assert "no article 'ffffffffff'" in result.stderr
    assert result.stdout == ""
    db = tmp_path / "twins.db"
    with Store.open(db) as store:
        for suffix in ("1", "2"):
            store.write(Article(id=f"abc00000000000{suffix}", text="Body", title="Twin",
                                status=Status.CODED))  # fmt: skip
    result = invoke("show", "abc", "--db", db, code=1)
    assert "[E021] article id 'abc' is ambiguous" in result.stderr
    assert "Twin" in invoke("show", "abc000000000002", "--db", db).stdout


# ---------------------------------------------------------------------------- articles
def _rows(output: str, handmade: Handmade) -> list[str]:
    """Keys of the handmade articles listed, in the order printed."""
    prefixes = {a.id[:10]: key for key, a in handmade.articles.items()}
    found = [re.search(r"\b([0-9a-f]{10})\b", line) for line in output.splitlines()]
    return [prefixes[m.group(1)] for m in found if m and m.group(1) in prefixes]


def test_articles_lists_statuses_and_reasons(handmade: Handmade) -> None:
    out = invoke("articles", "--db", handmade.db).stdout
    assert sorted(_rows(out, handmade)) == sorted(handmade.articles)
    lines = {key: line for line in out.splitlines() for key in _rows(line, handmade)}
    assert re.search(r"coded\W+3\W+2026-05-05", lines["kenya"])
    assert "Teachers march in Nairobi over pay" in lines["kenya"]
    assert "wire/kenya.txt" in lines["kenya"]
    assert "failed" in lines["failed"]
    assert "malformed JSON: Expecting value (column 1)" in lines["failed"]
    assert "wire/broken.jsonl:2" in lines["failed"]
    assert "skipped" in lines["skipped"]
    assert "language 'fr' not in ['en']" in lines["skipped"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--status", "failed"], ["failed"]),
        (["--status", "skipped"], ["skipped"]),
        (["--status", "coded"], ["kenya", "peru", "somalia"]),
    ],
)
def test_articles_status_filter(handmade: Handmade, args: list[str], expected: list[str]) -> None:
    out = invoke("articles", "--db", handmade.db, *args).stdout
    assert sorted(_rows(out, handmade)) == expected


def test_articles_limit_and_bad_status(handmade: Handmade) -> None:
    out = invoke("articles", "--db", handmade.db, "--limit", "2").stdout
    assert len(_rows(out, handmade)) == 2
    result = invoke("articles", "--db", handmade.db, "--status", "broken", code=1)
    assert "[E021] status: 'broken' is not one of" in result.stderr


# ---------------------------------------------------------------------------- export
def _parse_export(fmt: str, text: str) -> list[dict[str, Any]]:
    if fmt == "plover-json":
        return json_lines(text)
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(text)))
    collection = json.loads(text)
    assert collection["type"] == "FeatureCollection"
    return collection["features"]


@pytest.mark.parametrize("to_file", [True, False], ids=["file", "stdout"])
@pytest.mark.parametrize("fmt", ["plover-json", "csv", "geojson"])
def test_export_formats(handmade: Handmade, tmp_path: Path, fmt: str, to_file: bool) -> None:
    target = tmp_path / f"events.{fmt}"
    args = ["export", "--db", handmade.db, "--format", fmt]
    if to_file:
        result = invoke(*args, "-o", target)
        assert result.stdout == ""
        records = _parse_export(fmt, target.read_text(encoding="utf-8"))
        assert f"{len(records)} event(s) written to {target.resolve()}" in result.stderr
    else:
        records = _parse_export(fmt, invoke(*args).stdout)
    expected = [k for k in ALL if k != "threat"] if fmt == "geojson" else ALL  # needs a place
    assert handmade.keys([r["id"] for r in records]) == expected


def test_export_geojson_points_are_lon_lat(handmade: Handmade) -> None:
    out = invoke("export", "--db", handmade.db, "-f", "geojson").stdout
    where = {"march": "nairobi", "teargas": "nairobi", "detain": "nairobi", "pact": "lima",
             "team": "tacna"}  # fmt: skip
    for feature in json.loads(out)["features"]:
        place = handmade.places[where[handmade.keys([feature["id"]])[0]]]
        assert feature["geometry"] == {"type": "Point", "coordinates": [place.lon, place.lat]}
        assert feature["properties"]["place_name"] == place.name


def test_export_filters(handmade: Handmade) -> None:
    out = invoke("export", "--db", handmade.db, "-f", "csv", "--type", "ASSAULT").stdout
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert handmade.keys([row["id"]]) == ["teargas"]
    out = invoke("export", "--db", handmade.db, "--modality", "threatened").stdout
    assert handmade.keys([r["id"] for r in json_lines(out)]) == ["threat"]
    out = invoke("export", "--db", handmade.db, "--country", "PER", "--until", "2026-06-30").stdout
    assert handmade.keys([r["id"] for r in json_lines(out)]) == ["pact"]
    result = invoke("export", "--db", handmade.db, "--text", "AND OR", code=1)
    assert "[E021]" in result.stderr


def test_export_to_an_unwritable_path_is_a_clear_error(handmade: Handmade, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "events.json"
    result = invoke("export", "--db", handmade.db, "-o", target, code=1)
    assert "error:" in result.stderr and str(target) in result.stderr


# ---------------------------------------------------------------------------- settings
def test_config_file_and_environment_choose_the_database(
    handmade: Handmade, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty.db"
    Store.open(empty).close()  # an existing database with nothing in it
    config = tmp_path / "settings.yaml"
    config.write_text(f"store:\n  path: {handmade.db}\n", encoding="utf-8")
    assert "6 event(s)" in invoke("events", "--config", config).stdout
    assert "0 event(s)" in invoke("events", "--config", config, "--db", empty).stdout
    monkeypatch.setenv("EVENTWATCH_CONFIG", str(config))
    assert "6 event(s)" in invoke("events").stdout
    monkeypatch.setenv("EVENTWATCH_STORE__PATH", str(empty))  # the environment beats the file
    assert "0 event(s)" in invoke("events").stdout
    assert "6 event(s)" in invoke("events", "--db", handmade.db).stdout  # options beat both


def test_query_commands_refuse_a_missing_database(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    for command in ("events", "articles", "export"):
        result = invoke(command, "--db", missing, code=1)
        assert "[E020]" in result.stderr and "no database" in result.stderr
    result = invoke("show", "abc", "--db", missing, code=1)
    assert "no database" in result.stderr
    assert not missing.exists()  # a typo creates nothing


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("nlp:\n  n_process: 0\n", "nlp.n_process"),
        ("ingest:\n  bogus_key: 1\n", "ingest.bogus_key"),
        ("pipeline:\n  max_failed_ratio: 2\n", "pipeline.max_failed_ratio"),
        ("- a\n- list\n", "must hold a mapping of sections"),
        ("nlp: [unclosed\n", "cannot read settings file"),
    ],
)
@pytest.mark.parametrize("command", ["run", "events", "articles", "export"])
def test_invalid_settings_exit_1_with_e001(
    tmp_path: Path, command: str, yaml_text: str, message: str
) -> None:
    config = tmp_path / "settings.yaml"
    config.write_text(yaml_text, encoding="utf-8")
    args = [command, "--config", config, "--db", tmp_path / "x.db"]
    if command == "run":
        args.append(str(GOOD))
    result = invoke(*args, code=1)
    assert "[E001]" in result.stderr
    assert message in result.stderr
    assert not (tmp_path / "x.db").exists()  # refused before anything is opened


def test_missing_config_file_and_bad_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = invoke("events", "--config", tmp_path / "nowhere.yaml", code=1)
    assert "[E001] cannot read settings file" in result.stderr
    monkeypatch.setenv("EVENTWATCH_NLP__BATCH_SIZE", "zero")
    result = invoke("run", GOOD, "--db", tmp_path / "x.db", code=1)
    assert "[E001] invalid settings" in result.stderr
    assert "nlp.batch_size" in result.stderr


def test_run_bad_usage(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    result = invoke("run", GOOD, "--db", db, "--input-format", "docx", code=1)
    assert "[E001] unknown input format 'docx'" in result.stderr
    invoke("run", GOOD, "--db", db, "--max-failed-ratio", "1.5", code=2)
    invoke("run", GOOD, "--db", db, "--processes", "0", code=2)
    invoke("run", "--db", db, code=2)  # no source


# ---------------------------------------------------------------------------- run: good input
@dataclass(frozen=True)
class CodedRun:
    db: Path
    output: str
    summary: dict[str, int]

    def copy(self, directory: Path) -> Path:
        """A copy of the database (SQLite's backup: whatever sits in the WAL comes along)."""
        target = directory / "copy.db"
        with closing(sqlite3.connect(self.db)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
        return target


@pytest.fixture(scope="module")
def coded(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> CodedRun:
    """The good fixture articles (text, HTML, JSONL, CSV, RSS) coded once for the module."""
    db = tmp_path_factory.mktemp("coded") / "news.db"
    with pytest.MonkeyPatch.context() as mp:
        _clean_env(mp)
        result = invoke("run", GOOD, "--db", db, "--no-fetch-links")
    return CodedRun(db, result.stdout, summary_of(result.stdout))


GOOD_SOURCES = {
    "01-nairobi-fuel-protest.txt": "Kenyan police fire tear gas at Nairobi fuel protesters",
    "02-lima-border-talks.html": "Peru and Chile sign border security agreement",
    "03-wire-briefs.jsonl:1": "Nigerian army sends troops to Maiduguri after market bombing",
    "03-wire-briefs.jsonl:2": "Pakistani police arrest 12 suspects in Karachi raid",
    "04-coast-briefs.csv:2": "Sri Lanka navy detains 15 Indian fishermen off Jaffna",
    "05-world-feed.xml": "Rebels attack army base near Goma, killing four soldiers",
}
# Plain facts of each article that any working coder finds: (source, type, actor country, words
# of the evidence sentence).
ANCHORS = [
    ("01-nairobi-fuel-protest.txt", "COERCE", "KEN", "arrested 38 people"),
    ("03-wire-briefs.jsonl:1", "MOBILIZE", "NGA", "deployed 500 soldiers"),
    ("03-wire-briefs.jsonl:2", "COERCE", "PAK", "police arrested 12"),
    ("04-coast-briefs.csv:2", "COERCE", "LKA", "detained 15 Indian fishermen"),
    ("05-world-feed.xml", "ASSAULT", None, "attacked an army base north of Goma"),
]


@pytest.mark.model
def test_run_codes_every_format(coded: CodedRun) -> None:
    articles = stored(coded.db)
    assert {name: a.title for name, a in articles.items()} == GOOD_SOURCES
    assert all(a.status == Status.CODED and a.language == "en" for a in articles.values())
    with Store.open(coded.db) as store:
        events = list(store.events())
        claims, quotes = store.count_claims(), store.count_quotes()
    assert coded.summary == {"read": 6, "coded": 6, "unchanged": 0, "duplicates": 0,
                             "skipped": 0, "failed": 0, "events": len(events),
                             "claims": claims, "quotes": quotes}  # fmt: skip
    assert sum(len(a.events) for a in articles.values()) == len(events)
    lima = articles["02-lima-border-talks.html"]
    assert (lima.outlet, lima.published) == (
        "Andes Daily",
        datetime(2026, 6, 18, 16, 40, tzinfo=timezone(timedelta(hours=-5))),
    )
    assert articles["04-coast-briefs.csv:2"].url == (
        "https://www.islandwire.example/2026/09/03/navy-detains-fishermen"
    )
    assert "killing four soldiers" in articles["05-world-feed.xml"].text  # content:encoded


@pytest.mark.model
@pytest.mark.parametrize(("source", "kind", "country", "words"), ANCHORS)
def test_run_finds_the_plain_facts(
    coded: CodedRun, source: str, kind: str, country: str | None, words: str
) -> None:
    article = stored(coded.db)[source]
    found = [e for e in article.events if e.event_type == kind and words in e.evidence.text]
    assert found, (
        f"{source}: no {kind} in {[(e.event_type, e.evidence.text) for e in article.events]}"
    )
    if country is not None:
        assert any(e.actor is not None and e.actor.country == country for e in found)


@pytest.mark.model
def test_run_stores_auditable_events(coded: CodedRun) -> None:
    for article in stored(coded.db).values():
        assert article.events, f"{article.source}: no event"
        for event in article.events:
            assert event.article_id == article.id
            assert article.span_text(event.evidence) == event.evidence.text
            assert article.span_text(event.trigger) == event.trigger.text
            assert event.evidence.start <= event.trigger.start < event.trigger.end
            assert event.trigger.end <= event.evidence.end


@pytest.mark.model
def test_run_prints_where_the_results_are(coded: CodedRun) -> None:
    match = re.search(r"results: (\S+)  \(run (\d+)\)", coded.output)
    assert match, coded.output
    assert match.group(1) == str(coded.db.resolve())
    assert match.group(2) == "1"
    assert f"eventwatch events --db {coded.db}" in coded.output
    modalities = re.search(r"events by modality: (.+)", coded.output)
    assert modalities
    counted = sum(int(n) for n in re.findall(r"\w+ (\d+)", modalities.group(1)))
    assert counted == coded.summary["events"]


@pytest.mark.model
def test_events_on_a_coded_database(coded: CodedRun) -> None:
    every = json_lines(invoke("events", "--db", coded.db, "-f", "json").stdout)
    assert len(every) == coded.summary["events"]
    assert f"{len(every)} event(s)" in invoke("events", "--db", coded.db).stdout
    coerce = json_lines(invoke("events", "--db", coded.db, "-f", "json", "-t", "COERCE").stdout)
    assert coerce == [r for r in every if r["event"] == "COERCE"]
    assert len(coerce) >= 3
    rows = list(csv.DictReader(io.StringIO(
        invoke("events", "--db", coded.db, "-f", "csv", "--country", "KEN").stdout
    )))  # fmt: skip
    assert rows
    assert all("KEN" in (r["actor_country"], r["recipient_country"], r["place_country"])
               for r in rows)  # fmt: skip
    assert [r["id"] for r in rows] == [
        r["id"] for r in every if "KEN" in {
            (r["actor"] or {}).get("country"), (r["recipient"] or {}).get("country"),
            (r["event_loc"] or {}).get("country")}
    ]  # fmt: skip


@pytest.mark.model
def test_show_and_export_on_a_coded_database(coded: CodedRun) -> None:
    article = stored(coded.db)["01-nairobi-fuel-protest.txt"]
    out = invoke("show", article.id[:10], "--db", coded.db).stdout
    assert article.title in out
    for number, event in enumerate(article.events, start=1):
        assert f"{number}. {event.event_type}" in out
        assert f"[{event.evidence.start}:{event.evidence.end}]" in out
    collection = json.loads(invoke("export", "--db", coded.db, "-f", "geojson").stdout)
    nairobi = [f for f in collection["features"] if f["properties"]["place_name"] == "Nairobi"]
    assert nairobi
    for feature in collection["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        props = feature["properties"]
        assert (lon, lat) == (props["place_lon"], props["place_lat"])
    lon, lat = nairobi[0]["geometry"]["coordinates"]
    assert (round(lon), round(lat)) == (37, -1)


@pytest.mark.model
def test_second_run_changes_nothing(coded: CodedRun, tmp_path: Path) -> None:
    db = coded.copy(tmp_path)
    before = dump(db)
    result = invoke("run", GOOD, "--db", db, "--no-fetch-links")
    summary_of(result.stdout, read=6, coded=0, unchanged=6, duplicates=0, failed=0, events=0)
    assert "(run 2)" in result.stdout
    assert dump(db) == before
    with Store.open(db) as store:
        assert [run.counts.get("unchanged") for run in store.runs()] == [0, 6]


@pytest.mark.model
def test_recode_codes_again(coded: CodedRun, tmp_path: Path) -> None:
    db = coded.copy(tmp_path)
    before = dump(db)
    result = invoke("run", GOOD, "--db", db, "--no-fetch-links", "--recode")
    summary_of(result.stdout, **{**coded.summary, "coded": 6, "unchanged": 0})
    assert dump(db) == before  # the same code gives the same rows


@pytest.mark.model
@pytest.mark.parametrize(
    ("fmt", "data", "sources"),
    [
        ("text", (FIXTURES / "stdin-article.txt").read_bytes(), ["<stdin>"]),
        ("jsonl", (GOOD / "03-wire-briefs.jsonl").read_bytes(), ["<stdin>:1", "<stdin>:2"]),
    ],
)
def test_run_reads_stdin(
    nlp: Language, tmp_path: Path, fmt: str, data: bytes, sources: list[str]
) -> None:
    db = tmp_path / "stdin.db"
    result = invoke("run", "-", "--input-format", fmt, "--db", db, stdin=data)
    summary_of(result.stdout, read=len(sources), coded=len(sources), failed=0)
    articles = stored(db)
    assert sorted(articles) == sources
    assert all(a.events for a in articles.values())
    if fmt == "text":
        article = articles["<stdin>"]
        assert article.title == "Bolivian miners block highway to La Paz"
        assert article.published == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)


@pytest.mark.model
def test_a_syndicated_copy_is_coded_once(nlp: Language, tmp_path: Path) -> None:
    [original] = json_lines((GOOD / "03-wire-briefs.jsonl").read_text(encoding="utf-8"))[:1]
    copy = {**original, "outlet": "Copy Wire", "url": "https://www.copywire.example/troops"}
    source = tmp_path / "syndicated.jsonl"
    source.write_text(f"{json.dumps(original)}\n{json.dumps(copy)}\n", encoding="utf-8")
    db = tmp_path / "copies.db"
    summary = summary_of(invoke("run", source, "--db", db).stdout, read=2, coded=1, duplicates=1)
    article = stored(db)["syndicated.jsonl:1"]
    assert summary["events"] == len(article.events) > 0
    out = invoke("show", article.id, "--db", db).stdout
    assert "also read from: Copy Wire https://www.copywire.example/troops" in out


@pytest.mark.model
def test_run_field_mapping_options(nlp: Language, tmp_path: Path) -> None:
    source = FIXTURES / "custom-fields.jsonl"
    db = tmp_path / "fields.db"
    result = invoke("run", source, "--db", db, code=3)  # no field named text: fails
    assert "missing text field 'text'" in result.stdout
    result = invoke(
        "run", source, "--db", db, "--text-field", "story_body", "--title-field", "head",
        "--published-field", "filed", "--url-field", "permalink", "--outlet-field", "meta.agency",
    )  # fmt: skip
    summary_of(result.stdout, read=1, coded=1, failed=0)
    article = stored(db)["custom-fields.jsonl:1"]
    assert article.status == Status.CODED
    assert article.title == "Bangladesh border guards detain 20 smugglers"
    assert article.url == "https://www.deltawire.example/2026/12/02/border-smugglers"
    assert article.outlet == "Delta Wire"
    assert article.published == datetime(2026, 12, 2, 5, 20, tzinfo=UTC)
    assert article.text.startswith("DHAKA, Dec 2 (Delta Wire) - Bangladesh border guards")
    assert article.events


@pytest.mark.model
def test_max_failed_ratio_and_exit_code_3(nlp: Language, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(GOOD / "01-nairobi-fuel-protest.txt", folder)
    shutil.copy(BAD / "broken-page.html", folder)
    db = tmp_path / "ratio.db"
    result = invoke("run", folder, "--db", db, code=3)  # 1 failed of 2 read; default 0
    summary_of(result.stdout, read=2, coded=1, failed=1)
    assert f"failed {folder / 'broken-page.html'}: no text found in HTML page" in result.stdout
    assert stored(db)["01-nairobi-fuel-protest.txt"].status == Status.CODED  # stored anyway
    invoke("run", folder, "--db", db, "--max-failed-ratio", "0.4", code=3)
    result = invoke("run", folder, "--db", db, "--max-failed-ratio", "0.5")  # 0.5 is tolerated
    summary_of(result.stdout, read=2, coded=0, unchanged=1, failed=1, events=0)
    config = tmp_path / "tolerant.yaml"
    config.write_text("pipeline:\n  max_failed_ratio: 0.5\n", encoding="utf-8")
    invoke("run", folder, "--db", db, "--config", config)
    invoke("run", folder, "--db", db, "--config", config, "--max-failed-ratio", "0", code=3)


@pytest.mark.model
@pytest.mark.parametrize(
    ("stages", "message"),
    [
        ("[actors, bogus]", "[E001] unknown pipeline stage(s) ['bogus']"),
        ("[events]", "[E001] stage 'events' needs"),
    ],
)
def test_run_with_a_bad_stage_list(
    nlp: Language, tmp_path: Path, stages: str, message: str
) -> None:
    config = tmp_path / "stages.yaml"
    config.write_text(f"pipeline:\n  stages: {stages}\n", encoding="utf-8")
    result = invoke("run", GOOD, "--db", tmp_path / "x.db", "--config", config, code=1)
    assert message in " ".join(result.stderr.split())


# ---------------------------------------------------------------------------- run: bad input
BAD_OUTCOMES = {  # source -> (status, start of the reason)
    "broken-page.html": (Status.FAILED, "no text found in HTML page"),
    "broken-row.csv:3": (Status.FAILED, "malformed CSV row: 6 fields, the header has 3"),
    "garbled.txt": (Status.FAILED, "undecodable bytes"),
    "huge.txt": (Status.FAILED, "too large: "),
    "mixed-lines.jsonl:2": (Status.FAILED, "malformed JSON"),
    "scan.txt": (Status.FAILED, "binary content (PNG), not text"),
    "empty.txt": (Status.SKIPPED, "empty input (0 bytes)"),
    "chart.png": (Status.SKIPPED, "unsupported file type '.png' in a directory"),
    "port-strike.txt": (Status.CODED, None),
    "mixed-lines.jsonl:1": (Status.CODED, None),
    "mixed-lines.jsonl:3": (Status.CODED, None),
    "broken-row.csv:2": (Status.CODED, None),
}


@pytest.fixture
def bad_folder(tmp_path: Path) -> Path:
    """The bad fixtures plus generated ones: binary, empty, too large, undecodable."""
    folder = tmp_path / "bad"
    shutil.copytree(BAD, folder)
    (folder / "chart.png").write_bytes(PNG)
    (folder / "scan.txt").write_bytes(PNG)  # a picture under a text name
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbled.txt").write_bytes(bytes(range(0x80, 0x100)) * 8)
    sentence = "Rescue teams searched collapsed buildings in the port city on Friday. "
    (folder / "huge.txt").write_text("Earthquake hits port city\n\n" + sentence * 90, "utf-8")
    return folder


@pytest.fixture
def small_files(tmp_path: Path) -> Path:
    config = tmp_path / "small.yaml"
    config.write_text("ingest:\n  max_bytes: 4000\n  fetch_links: false\n", encoding="utf-8")
    return config


@pytest.mark.model
def test_bad_inputs_fail_alone_and_nothing_stored_is_lost(
    coded: CodedRun, tmp_path: Path, bad_folder: Path, small_files: Path
) -> None:
    db = coded.copy(tmp_path)
    before = dump(db, derived=False)
    result = invoke("run", bad_folder, "--db", db, "--config", small_files, code=3)
    summary = summary_of(result.stdout, read=12, coded=4, unchanged=0, skipped=2, failed=6)
    for name, (status, reason) in BAD_OUTCOMES.items():
        if status == Status.FAILED:
            assert f"failed {bad_folder / name}: {reason}" in result.stdout
    articles = stored(db)
    for name, (status, reason) in BAD_OUTCOMES.items():
        assert articles[name].status == status, name
        assert (articles[name].reason or "").startswith(reason or ""), name
        assert articles[name].source == str(bad_folder / name)
    coded_now = [n for n, (status, _) in BAD_OUTCOMES.items() if status == Status.CODED]
    assert summary["events"] == sum(len(articles[n].events) for n in coded_now)
    assert all(articles[n].events for n in ("mixed-lines.jsonl:1", "port-strike.txt"))
    after = dump(db, derived=False)
    for table in before:  # the rows of the first run are all still there, unchanged
        assert set(before[table]) <= set(after[table]), table
    listing = invoke("articles", "--db", db, "--status", "failed").stdout
    failed = [n for n, (status, _) in BAD_OUTCOMES.items() if status == Status.FAILED]
    for name in failed:
        line = next(x for x in listing.splitlines() if str(bad_folder / name) in x)
        assert BAD_OUTCOMES[name][1] in line
    assert len(re.findall(r"[│|]\s*failed\s*[│|]", listing)) == len(failed)


@pytest.mark.model
def test_bad_inputs_with_a_tolerant_ratio(
    nlp: Language, tmp_path: Path, bad_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVENTWATCH_INGEST__MAX_BYTES", "4000")
    db = tmp_path / "tolerant.db"
    result = invoke("run", bad_folder, "--db", db, "--max-failed-ratio", "0.5")  # 6 of 12
    summary_of(result.stdout, read=12, coded=4, skipped=2, failed=6)
    assert stored(db)["huge.txt"].reason == "too large: " + (
        f"{(bad_folder / 'huge.txt').stat().st_size} bytes > max_bytes (4000)"
    )
    first = dump(db)
    result = invoke("run", bad_folder, "--db", db, "--max-failed-ratio", "0.5")
    summary_of(result.stdout, read=12, coded=0, unchanged=4, skipped=2, failed=6, events=0)
    assert dump(db) == first


# ---------------------------------------------------------------------------- run: http
WEB = FIXTURES / "web"  # served by the loopback server; the feed links to a page by a relative URL


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A loopback HTTP server (127.0.0.1, a free port) serving fixtures/cli/web: its base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(WEB)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.mark.model
def test_run_reads_urls(nlp: Language, tmp_path: Path, server: str) -> None:
    db = tmp_path / "web.db"
    urls = [f"{server}/story.html", f"{server}/feed.xml", f"{server}/missing.html"]
    result = invoke("run", *urls, "--db", db, code=3)
    summary_of(result.stdout, read=3, coded=2, failed=1)
    assert f"failed {server}/missing.html: HTTP 404 " in result.stdout
    with Store.open(db) as store:
        infos = {info["source"]: info for info in store.list_articles()}
        story = store.article(infos[urls[0]]["id"])
        entry = store.article(infos[urls[1]]["id"])
    assert story is not None and entry is not None
    assert story.status == Status.CODED
    assert story.url == urls[0]
    assert story.title == "Kyrgyzstan and Tajikistan agree border pullback"
    assert story.events
    assert entry.status == Status.CODED
    assert entry.url == f"{server}/linked.html"
    assert "unauthorised rally against rising utility prices" in entry.text  # the linked page
    assert any(e.event_type == "COERCE" and "detained nine" in e.evidence.text
               for e in entry.events)  # fmt: skip
    assert infos[urls[2]]["status"] == Status.FAILED
    assert infos[urls[2]]["reason"].startswith("HTTP 404 ")
