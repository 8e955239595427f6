"""Format detection, directory walking and streaming helpers, on hand-built inputs."""

from __future__ import annotations

import gzip
import io
import json
import os
import tracemalloc
from pathlib import Path

import pytest

from eventwatch.config import IngestSettings
from eventwatch.errors import ConfigError
from eventwatch.ingest.detect import (
    check_format,
    delimiter_for,
    format_from_name,
    refine_format,
    sniff_format,
)
from eventwatch.ingest.sources import stream_input, walk
from eventwatch.ingest.tabular import iter_jsonl


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("story.txt", "text"),
        ("notes.MD", "text"),
        ("page.htm", "html"),
        ("page.xhtml", "html"),
        ("world.rss", "feed"),
        ("africa.atom", "feed"),
        ("feed.xml", "feed"),
        ("dump.ndjson", "jsonl"),
        ("dump.jsonl.gz", "jsonl"),
        ("items.json", "json"),
        ("table.CSV", "csv"),
        ("table.tsv.gz", "tsv"),
        ("/news/2024/05/story", None),
        ("photo.jpeg", None),
    ],
)
def test_format_from_name(name: str, fmt: str | None) -> None:
    assert format_from_name(name) == fmt


@pytest.mark.parametrize(
    ("prefix", "fmt"),
    [
        (b'<?xml version="1.0"?>\n<rss version="2.0"><channel>', "feed"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>', "feed"),
        (b"<rss><channel><item><description><![CDATA[<p>Text</p>]]>", "feed"),
        (b"\xef\xbb\xbf  <!DOCTYPE html><html><body><p>Text</p>", "html"),
        (b"<div><p>A fragment of a page</p></div>", "html"),
        (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">', "html"),
        (b'<?xml version="1.0"?><catalog><book/></catalog>', "feed"),
        (b'{"title": "a", "text": "b"}\n{"title": "c", "text": "d"}\n', "jsonl"),
        (b'{\n  "title": "a",\n  "text": "b"\n}\n', "json"),
        (b'[{"title": "a"}]', "json"),
        (b"title,text,url\nA,B,C\n", "csv"),
        (b'"headline";"body"\nA;B\n', "csv"),
        (b"id\ttitle\tcontent\n1\tA\tB\n", "tsv"),
        (b"Text, images and video from the summit\n\nLeaders met on Monday.", "text"),
        (b"Storm hits coast\n\nA storm struck the coast on Tuesday.", "text"),
        (b"", "text"),
    ],
)
def test_sniff_format(prefix: bytes, fmt: str) -> None:
    names = ("text", "body", "content")
    assert sniff_format(prefix, names) == fmt


def test_sniffing_csv_uses_the_configured_text_column() -> None:
    prefix = b"headline,story_body\nA,B\n"
    assert sniff_format(prefix, ("text",)) == "text"
    assert sniff_format(prefix, ("story_body", "text")) == "csv"


def test_refine_format() -> None:
    assert refine_format("json", "jsonl") == "jsonl"
    assert refine_format("feed", "html") == "html"
    assert refine_format("html", "feed") == "feed"
    assert refine_format("text", "html") == "text"  # a .txt file stays plain text
    assert refine_format("csv", "text") == "csv"


def test_delimiter_for() -> None:
    assert delimiter_for("tsv", b"a,b\n") == "\t"
    assert delimiter_for("csv", b"title;text;url\n") == ";"
    assert delimiter_for("csv", b"title|text\n") == "|"
    assert delimiter_for("csv", b"text\n") == ","


def test_check_format() -> None:
    assert check_format(None) is None
    assert check_format(" JSONL ") == "jsonl"
    with pytest.raises(ConfigError, match="unknown input format 'pdf'"):
        check_format("pdf")


def test_walk_is_sorted_skips_hidden_entries_and_symlink_loops(tmp_path: Path) -> None:
    for relative in ("b/2.txt", "b/1.txt", "a.txt", ".hidden/x.txt", "b/.secret.txt", "c/d/e.json"):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    (tmp_path / "c" / "d" / "loop").symlink_to(tmp_path / "c")
    found = [(p.relative_to(tmp_path).as_posix(), problem) for p, problem in walk(tmp_path)]
    assert found == [("a.txt", None), ("b/1.txt", None), ("b/2.txt", None), ("c/d/e.json", None)]


def test_walk_reports_a_directory_it_cannot_list(tmp_path: Path) -> None:
    missing = tmp_path / "gone"
    assert list(walk(missing)) == [(missing, "no such file or directory")]


def test_stream_input_keeps_the_prefix_and_decompresses() -> None:
    data = os.urandom(10) + b"\n" + b"line of text\n" * 10_000
    found = stream_input(io.BytesIO(gzip.compress(data)), "x.gz")
    assert found.prefix == data[: len(found.prefix)]
    assert found.stream.read() == data
    plain = stream_input(io.BytesIO(data), "x", size=len(data))
    assert (plain.stream.read(), plain.size) == (data, len(data))


def test_jsonl_is_read_without_loading_the_file(tmp_path: Path) -> None:
    """A 3 MB JSONL file is read with a small fraction of its size in memory."""
    path = tmp_path / "big.jsonl"
    text = "Troops and rebels clashed near the border town on Tuesday, officials said. " * 6
    with path.open("w", encoding="utf-8") as out:
        number = 0
        while out.tell() < 3_000_000:
            out.write(json.dumps({"title": f"Clashes, report {number}", "text": text}) + "\n")
            number += 1
    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            count = sum(1 for _ in iter_jsonl(stream, str(path), IngestSettings()))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == number
    assert peak < 1_000_000, f"peak {peak} bytes for a {path.stat().st_size}-byte file"
