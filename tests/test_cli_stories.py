"""`eventwatch stories`, `events --once` and `export --once` on the Tal Afar examples (an
original, a second outlet's own report, a lightly edited copy) and an unrelated protest."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from spacy.language import Language
from typer.testing import CliRunner

from eventwatch.cli import app

pytestmark = pytest.mark.model

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"
NAMES = (
    "01-iraq-tal-afar-attack.txt",
    "07-kenya-fuel-tax-protest.txt",
    "20-iraq-tal-afar-attack-second-outlet.txt",
    "21-iraq-tal-afar-attack-edited-copy.txt",
)
runner = CliRunner()


def invoke(*args: str | Path, code: int = 0) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    shown = f"exit {result.exit_code}\n{result.stdout}\n{result.stderr}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {result.exception!r}\n{shown}") from result.exception
    assert result.exit_code == code, shown
    return result.stdout + (result.stderr if code else "")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Path:
    folder = tmp_path_factory.mktemp("news")
    for name in NAMES:
        shutil.copy(EXAMPLES / name, folder / name)
    path = folder / "news.db"
    with pytest.MonkeyPatch.context() as mp:
        for key in list(os.environ):
            if key.startswith("EVENTWATCH_"):
                mp.delenv(key)
        mp.setenv("COLUMNS", "1000")
        output = invoke("run", folder, "--db", path, "--no-fetch-links")
    assert "stories: 2 new, 2 article(s) joined an existing one" in output
    return path


def _stories(db: Path, *args: str) -> list[dict]:
    return [json.loads(line) for line in invoke("stories", "--db", db, "-f", "json", *args)
            .splitlines() if line.strip()]  # fmt: skip


def test_stories_lists_the_attack_story_with_its_outlets(db: Path, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "1000")
    table = invoke("stories", "--db", db)
    assert "Islamic State attack on Iraqi army near Tal Afar" in table
    assert "2 of 2 stories" in table
    (attack,) = _stories(db, "--min-articles", "2")
    assert attack["articles"] == 3 and attack["outlets"] == 3
    assert attack["first_seen"] == attack["last_seen"] == "2026-03-10"
    assert "tal" in attack["keywords"] or "afar" in attack["keywords"]
    assert [s["articles"] for s in _stories(db, "--order", "articles")] == [3, 1]
    assert _stories(db, "--text", "fuel tax")[0]["articles"] == 1
    assert _stories(db, "--since", "2027-01-01") == []
    rows = list(csv.DictReader(io.StringIO(invoke("stories", "--db", db, "-f", "csv"))))
    assert {r["articles"] for r in rows} == {"3", "1"}


def test_one_story_shows_why_each_article_joined(db: Path, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "1000")
    (attack,) = _stories(db, "--min-articles", "2")
    shown = invoke("stories", attack["id"][:8], "--db", db)
    assert "no candidate story shares a key" in shown  # the first article started it
    assert "near-duplicate of" in shown  # the edited copy
    assert "link " in shown and "shared entities" in shown
    (detail,) = [json.loads(x) for x in invoke("stories", attack["id"], "--db", db, "-f", "json")
                 .splitlines() if x.strip()]  # fmt: skip
    assert len(detail["members"]) == 3
    assert detail["top_happenings"][0]["reports"] == 3
    assert detail["top_happenings"][0]["outlets"] == 2
    rows = list(
        csv.DictReader(io.StringIO(invoke("stories", attack["id"], "--db", db, "-f", "csv")))
    )
    assert len(rows) == 3 and sum(bool(r["copy_of"]) for r in rows) == 1
    missing = invoke("stories", "nosuchstory", "--db", db, code=1)
    assert "no story 'nosuchstory'" in missing


def test_events_once_counts_each_happening_once(db: Path, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "1000")
    every = [json.loads(x) for x in invoke("events", "--db", db, "-t", "ASSAULT", "-f", "json")
             .splitlines() if x.strip()]  # fmt: skip
    once = [json.loads(x) for x in invoke("events", "--db", db, "-t", "ASSAULT", "--once",
                                          "-f", "json").splitlines() if x.strip()]  # fmt: skip
    assert len(once) < len(every)
    assert len({e["happening_id"] for e in every}) == len(once)
    attack = [e for e in once if e["reports"] == 3]
    assert attack and attack[0]["outlets"] == 2
    assert "attacked army positions around the town of Tal Afar" in attack[0]["event_text"]
    exported = invoke("export", "--db", db, "--once", "-t", "ASSAULT", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert len(rows) == len(once) and {"reports", "outlets", "happening_id"} <= set(rows[0])
    happening = attack[0]["happening_id"]
    reports = invoke("events", "--db", db, "--happening", happening, "-f", "json")
    rows = [json.loads(x) for x in reports.splitlines() if x.strip()]
    assert len({r["cite_info"]["article_id"] for r in rows}) == 3  # an article may tell it twice
    assert all(r["happening_id"] == happening and r["reports"] == 3 for r in rows)


def test_rebuild_gives_the_same_stories_and_happenings(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    shutil.copy(db, copy)
    before = {(s["label"], s["articles"], s["outlets"]) for s in _stories(copy)}
    happenings = invoke("events", "--db", copy, "--once", "-f", "csv").count("\n")
    invoke("stories", "--db", copy, "--rebuild")
    assert {(s["label"], s["articles"], s["outlets"]) for s in _stories(copy)} == before
    assert invoke("events", "--db", copy, "--once", "-f", "csv").count("\n") == happenings
