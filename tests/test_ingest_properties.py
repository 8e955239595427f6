"""Property tests (Hypothesis) for the ingest parsers."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from eventwatch.config import IngestSettings
from eventwatch.ingest import FORMATS, read_sources
from eventwatch.ingest.detect import sniff_format
from eventwatch.ingest.normalize import ChunkStream, normalize_text, normalize_title
from eventwatch.ingest.tabular import iter_csv, iter_jsonl
from eventwatch.ingest.text import HEADER_LINE, parse_plain_text, split_plain_text
from eventwatch.records import Status, content_id

SETTINGS = IngestSettings()
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüçñøÅ"
# Text that can appear in a body: letters, digits, punctuation, typographic quotes, spacing.
BODY_CHARS = LETTERS + "0123456789 .,;:'\"!?()-–—“”‘’%$\t\n"
words = st.text(alphabet=LETTERS, min_size=1, max_size=12)
titles = st.lists(words, min_size=1, max_size=10).map(" ".join)
bodies = st.text(alphabet=BODY_CHARS, max_size=400)
headers = st.fixed_dictionaries(
    {},
    optional={
        "url": words.map(lambda w: f"https://wire.example.com/{w}"),
        "published": st.dates().map(lambda d: d.isoformat()),
        "outlet": titles,
    },
)


@given(st.text())
def test_normalize_text_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert normalize_title(normalize_title(text)) == normalize_title(text)
    assert "\n" not in normalize_title(text)
    assert "\n\n\n" not in once
    assert once == once.strip()


def _write_plain_text(head: dict[str, str], title: str, body: str) -> str:
    lines = [f"{key}: {value}" for key, value in head.items()]
    return "\n".join([*lines, "", title, "", body]) if lines else f"{title}\n\n{body}"


@given(headers, titles, bodies)
def test_plain_text_split_round_trips(head: dict[str, str], title: str, body: str) -> None:
    normalized = normalize_text(body)
    first_line = normalized.split("\n", 1)[0]
    if HEADER_LINE.match(first_line):
        body = "Officials said: " + body  # a first body line like "date: ..." is a header
        normalized = normalize_text(body)
    found_head, found_title, found_body = split_plain_text(_write_plain_text(head, title, body))
    assert found_head == {key: normalize_title(value) for key, value in head.items()}
    assert found_title == normalize_title(title)
    assert found_body == normalized
    article = parse_plain_text(_write_plain_text(head, title, body), "round-trip.txt")
    assert (article.title, article.text, article.url) == (found_title, normalized, head.get("url"))


records = st.lists(st.tuples(st.text(max_size=80), st.text(max_size=400)), min_size=1, max_size=8)


@given(records, st.booleans())
def test_jsonl_round_trips_titles_and_texts(rows: list[tuple[str, str]], ascii_only: bool) -> None:
    data = "".join(
        json.dumps({"title": title, "text": text}, ensure_ascii=ascii_only) + "\n"
        for title, text in rows
    ).encode("utf-8")
    read = list(iter_jsonl(io.BytesIO(data), "dump.jsonl", SETTINGS))
    assert [(a.title, a.text) for a in read] == [
        (normalize_title(title), normalize_text(text)) for title, text in rows
    ]
    assert [a.source for a in read] == [f"dump.jsonl:{n}" for n in range(1, len(rows) + 1)]


csv_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))


@settings(max_examples=60)
@given(st.lists(st.tuples(csv_text, csv_text), min_size=1, max_size=8), st.sampled_from(",\t;"))
def test_csv_round_trips_titles_and_texts(rows: list[tuple[str, str]], delimiter: str) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["title", "text"])
    writer.writerows(rows)
    stream = io.BytesIO(buffer.getvalue().encode("utf-8"))
    read = list(iter_csv(stream, "dump.csv", SETTINGS, delimiter=delimiter))
    assert [(a.title, a.text) for a in read] == [
        (normalize_title(title), normalize_text(text)) for title, text in rows
    ]


@given(st.lists(st.binary(max_size=300), max_size=20), st.integers(1, 700))
def test_chunk_stream_returns_the_bytes_it_was_given(chunks: list[bytes], size: int) -> None:
    stream = ChunkStream(chunks)
    out = bytearray()
    while part := stream.read(size):
        out += part
    assert bytes(out) == b"".join(chunks)


@given(st.binary(max_size=2000))
def test_sniffing_any_bytes_names_a_format(prefix: bytes) -> None:
    assert sniff_format(prefix) in {"text", "html", "feed", "jsonl", "json", "csv", "tsv"}


fragments = st.sampled_from(
    ["<html>", "<p>", "</p>", "<rss>", "<item>", "<feed>", "{", "}", "[", "]", '"text":', ",",
     ":", "\n", "\t", '"', "title,text\n", "<!--", "\x1f\x8b", "Storm hits the coast. "]
)  # fmt: skip
documents = st.one_of(
    st.binary(max_size=600),
    st.lists(st.one_of(fragments, st.text(max_size=20)), max_size=40).map(
        lambda parts: "".join(parts).encode("utf-8")
    ),
)


@settings(max_examples=150, deadline=None)
@given(documents, st.sampled_from([None, *FORMATS]))
def test_read_sources_never_raises_on_any_input(data: bytes, fmt: str | None) -> None:
    quiet = IngestSettings(fetch_links=False, min_chars=0)
    for article in read_sources(["-"], quiet, io.BytesIO(data), fmt):
        assert article.status in (Status.PENDING, Status.SKIPPED, Status.FAILED)
        assert article.source and article.source.startswith("<stdin>")
        assert (article.status == Status.PENDING) == (article.reason is None)
        if article.status == Status.PENDING:
            assert article.id == content_id(article.title, article.text)
