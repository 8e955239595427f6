"""Bad inputs fail alone, with a precise reason, and the good records still come through."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from eventwatch.config import IngestSettings
from eventwatch.ingest import read_sources
from eventwatch.records import Article, Status

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
GOOD_TEXT = (
    "Security forces reopened the main highway to the north on Thursday after a week of "
    "clashes with armed groups, the interior ministry said."
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"


def read(*sources: str | Path, fmt: str | None = None, **settings: Any) -> list[Article]:
    settings.setdefault("fetch_links", False)
    stdin = io.BytesIO()
    found = read_sources([str(s) for s in sources], IngestSettings(**settings), stdin, fmt)
    return list(found)


def outcome(articles: list[Article]) -> list[tuple[str, str | None]]:
    return [(a.status, a.reason) for a in articles]


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.txt"
    path.write_text(f"Highway reopened\n\n{GOOD_TEXT}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "data", "kind"), [("chart.png", PNG, "PNG"), ("report.pdf", PDF, "PDF")]
)
def test_binary_files_fail(tmp_path: Path, good: Path, name: str, data: bytes, kind: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    bad, ok = read(path, good)
    assert (bad.status, bad.reason) == (Status.FAILED, f"binary content ({kind}), not text")
    assert bad.source == str(path)
    assert ok.status == Status.PENDING


def test_binary_named_as_text_fails(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(os.urandom(2000).replace(b"\x00", b"") + b"\x00" * 400)
    [article] = read(path)
    assert (article.status, article.reason) == (Status.FAILED, "binary content (binary), not text")


def test_empty_and_blank_files_are_skipped(tmp_path: Path, good: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\n \t \n", encoding="utf-8")
    short = tmp_path / "short.txt"
    short.write_text("Title\n\nToo short.\n", encoding="utf-8")
    articles = read(empty, blank, short, good)
    assert outcome(articles[:3]) == [
        (Status.SKIPPED, "empty input (0 bytes)"),
        (Status.SKIPPED, "empty text"),
        (Status.SKIPPED, "text too short: 10 characters < min_chars (40)"),
    ]
    assert articles[3].status == Status.PENDING


def test_huge_file_fails_without_being_read(tmp_path: Path, good: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("Title\n\n" + GOOD_TEXT * 100, encoding="utf-8")
    size = path.stat().st_size
    bad, ok = read(path, good, max_bytes=5000)
    assert (bad.status, bad.reason) == (
        Status.FAILED,
        f"too large: {size} bytes > max_bytes (5000)",
    )
    assert ok.status == Status.PENDING


def test_huge_jsonl_line_and_csv_field_fail_alone(tmp_path: Path) -> None:
    small = {"title": "Highway reopened", "text": GOOD_TEXT}
    big = {"title": "Huge", "text": GOOD_TEXT * 100}
    lines = tmp_path / "mixed.jsonl"
    lines.write_text("\n".join(json.dumps(r) for r in (small, big, small)) + "\n", "utf-8")
    assert outcome(read(lines, max_bytes=5000)) == [
        (Status.PENDING, None),
        (Status.FAILED, "too large: more than max_bytes (5000) bytes"),
        (Status.PENDING, None),
    ]
    table = tmp_path / "mixed.csv"
    table.write_text(f'title,text\nOne,"{GOOD_TEXT}"\nTwo,"{GOOD_TEXT * 100}"\n', "utf-8")
    ok, bad = read(table, max_bytes=5000)
    assert ok.status == Status.PENDING
    assert (bad.source, bad.status) == (f"{table}:3", Status.FAILED)
    assert (bad.reason or "").startswith("too large: ")


def test_undecodable_bytes_fail(tmp_path: Path, good: Path) -> None:
    path = tmp_path / "garbled.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 8)
    bad, ok = read(path, good)
    assert bad.status == Status.FAILED
    assert bad.reason == "undecodable bytes: not UTF-8 and no other encoding fits"
    assert ok.status == Status.PENDING


def test_legacy_encoding_and_stray_bytes_are_decoded(tmp_path: Path) -> None:
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(f"Café owners protest\n\n{GOOD_TEXT}\n".encode("cp1252"))
    assert read(legacy)[0].title == "Café owners protest"
    stray = tmp_path / "stray.txt"
    stray.write_bytes(f"Café “owners” protest\n\n{GOOD_TEXT}\n".encode() + b"\xff\n")
    article = read(stray)[0]
    assert article.title == "Café “owners” protest"  # UTF-8 kept, not read as cp1252
    assert article.text.endswith("\ufffd")


def test_invalid_encoding_in_a_jsonl_line_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good_line = json.dumps({"title": "Highway reopened", "text": GOOD_TEXT}).encode()
    path.write_bytes(good_line + b"\n" + bytes(range(0x80, 0x100)) + b"\n" + good_line + b"\n")
    articles = read(path)
    assert [a.status for a in articles] == [Status.PENDING, Status.FAILED, Status.PENDING]
    assert articles[1].reason == "undecodable bytes: not UTF-8 and no other encoding fits"
    assert articles[1].source == f"{path}:2"


def test_malformed_html_without_text_fails() -> None:
    [article] = read(FIXTURES / "malformed.html")
    assert (article.status, article.reason) == (Status.FAILED, "no text found in HTML page")


def test_malformed_json_lines_mixed_with_good_ones() -> None:
    path = FIXTURES / "bad_lines.jsonl"
    articles = read(path)
    assert [(a.source, a.status) for a in articles] == [
        (f"{path}:1", Status.PENDING),
        (f"{path}:2", Status.FAILED),
        (f"{path}:3", Status.FAILED),
        (f"{path}:4", Status.FAILED),
        (f"{path}:6", Status.PENDING),  # line 5 is blank
    ]
    assert articles[1].reason == "malformed JSON: Unterminated string starting at (column 34)"
    assert articles[2].reason == "not a JSON object (a JSON list)"
    assert (articles[3].reason or "").startswith("missing text field 'text' (tried 'text', ")


def test_malformed_json_document_fails(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[{"title": "One", "text": "two"},\n {"title": ', encoding="utf-8")
    [article] = read(path)
    assert article.status == Status.FAILED
    assert (article.reason or "").startswith("malformed JSON: Expecting value (line 2)")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    [nested] = read(deep, max_bytes=1_000_000)
    assert nested.reason == "malformed JSON: nested too deeply (line 1)"


def test_malformed_csv_rows_fail_alone() -> None:
    path = FIXTURES / "bad_rows.csv"
    articles = read(path)
    assert [(a.source, a.status, a.reason) for a in articles] == [
        (f"{path}:2", Status.PENDING, None),
        (f"{path}:3", Status.FAILED, "malformed CSV row: 5 fields, the header has 3"),
        (f"{path}:4", Status.FAILED, "malformed CSV row: 1 fields, the header has 3"),
        (f"{path}:5", Status.PENDING, None),
    ]


def test_csv_without_a_text_column_fails() -> None:
    [article] = read(FIXTURES / "no_text_column.csv")
    assert article.status == Status.FAILED
    assert (article.reason or "").startswith("no text column (tried 'text', 'body', ")
    assert article.reason.endswith("columns: ['headline', 'summary', 'link']")


def test_a_feed_that_is_not_a_feed_fails(tmp_path: Path) -> None:
    [article] = read(FIXTURES / "not_a_feed.xml")
    assert (article.status, article.reason) == (
        Status.FAILED,
        "not an RSS or Atom feed: no feed root element",
    )
    html_as_feed = tmp_path / "page.rss"
    html_as_feed.write_bytes((FIXTURES / "page.html").read_bytes())
    assert read(html_as_feed)[0].status == Status.PENDING  # content wins: read as HTML
    [forced] = read(FIXTURES / "page.html", fmt="feed")
    assert forced.status == Status.FAILED
    assert (forced.reason or "").startswith("not an RSS or Atom feed: no feed root element (")


def test_missing_paths_and_unreadable_files_fail(tmp_path: Path, good: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    locked = tmp_path / "locked.txt"
    locked.write_text("Title\n\n" + GOOD_TEXT, encoding="utf-8")
    locked.chmod(0)
    try:
        articles = read(missing, locked, good)
    finally:
        locked.chmod(0o644)
    assert (articles[0].source, articles[0].status) == (str(missing), Status.FAILED)
    assert articles[0].reason == "no such file or directory"
    if os.geteuid() != 0:  # root reads any file
        assert (articles[1].status, articles[1].reason) == (Status.FAILED, "permission denied")
    assert articles[-1].status == Status.PENDING


def test_failed_records_have_stable_ids(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    first, second = read(missing)[0], read(missing)[0]
    assert first.id == second.id
    assert first.text == first.title == ""
