"""read_sources on local inputs: every format, field mapping, directories, stdin, ids, languages."""

from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from eventwatch.config import IngestSettings
from eventwatch.errors import ConfigError
from eventwatch.ingest import read_sources
from eventwatch.records import Article, Status, content_id

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def read(
    *sources: str | Path, stdin: bytes | None = None, fmt: str | None = None, **settings: Any
) -> list[Article]:
    settings.setdefault("fetch_links", False)  # never the network from local feeds
    stream = io.BytesIO(stdin) if stdin is not None else io.BytesIO(b"")
    found = read_sources([str(s) for s in sources], IngestSettings(**settings), stream, fmt)
    return list(found)


def one(*sources: str | Path, **kwargs: Any) -> Article:
    articles = read(*sources, **kwargs)
    assert len(articles) == 1, [(a.source, a.status, a.reason) for a in articles]
    return articles[0]


def test_plain_text_headers_title_and_body() -> None:
    article = one(FIXTURES / "article.txt")
    assert article.status == Status.PENDING
    assert article.title == "Dock workers strike at northern port"
    assert article.url == "https://wire.example.com/2024/03/05/port-strike"
    assert article.outlet == "Example Wire"
    assert article.published == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
    assert article.text.startswith("Dock workers at the country's largest northern port")
    assert article.text.endswith("before the harvest season.")
    assert "\n\n" in article.text  # paragraphs kept
    assert article.language == "en"
    assert article.id == content_id(article.title, article.text)
    assert article.source == str(FIXTURES / "article.txt")


def test_html_page_main_text_and_metadata() -> None:
    article = one(FIXTURES / "page.html")
    assert article.status == Status.PENDING
    assert article.title == "Flooding forces thousands from homes"
    assert article.outlet == "Example Daily"
    assert article.url == "https://daily.example.com/world/flooding-forces-thousands"
    assert article.published == datetime(2024, 4, 18, 6, 15, tzinfo=UTC)
    assert article.text.startswith("Heavy rain caused rivers to burst their banks")
    assert "two helicopters" in article.text
    for boilerplate in ("Sport", "All rights reserved", "tracking"):
        assert boilerplate not in article.text


def test_rss_feed_one_article_per_entry() -> None:
    articles = read(FIXTURES / "feed.xml")
    assert [a.title for a in articles] == [
        "Ceasefire talks resume in the capital",
        "Minister resigns over budget dispute",
    ]
    first, second = articles
    assert first.text.startswith("Negotiators from the government")
    assert "<p>" not in first.text  # the entry's HTML is reduced to text
    assert first.outlet == "Example Wire: World"
    assert first.url == "https://wire.example.com/world/ceasefire-talks"
    assert first.published == datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
    assert second.meta["feed_entry"] == 2
    assert all(a.status == Status.PENDING for a in articles)


def test_atom_feed_with_escaped_html_content() -> None:
    article = one(FIXTURES / "atom.xml")
    assert article.title == "Election commission delays vote count"
    assert article.text.startswith("The national election commission said on Sunday")
    assert article.url == "https://daily.example.com/africa/vote-count"
    assert article.published == datetime(2024, 6, 2, 9, 0, tzinfo=UTC)


def test_jsonl_default_fields_and_external_id() -> None:
    articles = read(FIXTURES / "articles.jsonl")
    assert [a.source for a in articles] == [
        f"{FIXTURES / 'articles.jsonl'}:1",
        f"{FIXTURES / 'articles.jsonl'}:2",
    ]
    first, second = articles
    assert first.title == "Rebels seize border crossing"
    assert first.meta["external_id"] == "w-101"
    assert first.outlet == "Example Wire"
    assert first.published == datetime(2024, 2, 9, 14, 0, tzinfo=UTC)
    assert second.published == datetime.fromtimestamp(1707400000, tz=UTC)  # Unix seconds


def test_json_array_with_fallback_field_names() -> None:
    articles = read(FIXTURES / "articles.json")
    assert [a.source.rsplit(":", 1)[1] for a in articles] == ["[0]", "[1]"]
    assert articles[0].title == "Aid convoy reaches besieged city"  # from "headline"
    assert articles[0].text.startswith("A convoy of 30 trucks")  # from "body"
    assert articles[0].url == "https://daily.example.com/aid-convoy"  # from "link"
    assert articles[1].published == datetime(2024, 1, 14, tzinfo=UTC)  # from "date"


def test_json_object_wrapping_a_list_of_articles() -> None:
    article = one(FIXTURES / "wrapped.json")
    assert article.source.endswith("wrapped.json:articles[0]")
    assert article.title == "Navy intercepts smuggling boat"
    assert article.outlet == "Example Daily"  # {"source": {"name": ...}}
    assert article.published == datetime(2024, 7, 2, 16, 20, tzinfo=UTC)  # "publishedAt"


def test_csv_quoted_fields_span_lines() -> None:
    articles = read(FIXTURES / "articles.csv")
    assert [a.source.rsplit(":", 1)[1] for a in articles] == ["2", "3"]
    assert articles[1].title == "Storm cuts power, closes schools"
    assert articles[1].text.endswith("Crews expected to restore most connections by Friday.")
    assert articles[0].published == datetime(2024, 3, 20, tzinfo=UTC)


def test_tsv_with_fallback_columns() -> None:
    article = one(FIXTURES / "articles.tsv")
    assert article.title == "Government approves new mining law"  # "headline"
    assert article.text.startswith("The cabinet approved")  # "story"
    assert article.outlet == "Example Daily"  # "source"


def test_semicolon_csv_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "title;text\nBank robbers caught;Police arrested three men suspected of robbing a "
        "bank in the city centre on Monday, a police spokeswoman said.\n",
        encoding="utf-8",
    )
    article = one(path)
    assert article.title == "Bank robbers caught"
    assert article.text.startswith("Police arrested three men")


def test_configured_field_names(tmp_path: Path) -> None:
    record = {
        "headline_en": "Mayor bans night markets",
        "story_body": "The city's mayor banned night markets in three districts on Friday, "
        "citing safety concerns after a fire last month, a city hall statement said.",
        "permalink": "https://local.example.com/night-markets",
        "when": "2024-08-30T18:00:00+02:00",
        "site": "Example Local",
        "ref": 7731,
        "text": "a decoy that the configured text field must win over",
    }
    path = tmp_path / "custom.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    article = one(
        path,
        text_field="story_body",
        title_field="headline_en",
        url_field="permalink",
        published_field="when",
        outlet_field="site",
        id_field="ref",
    )
    assert article.title == "Mayor bans night markets"
    assert article.text.startswith("The city's mayor banned night markets")
    assert article.url == "https://local.example.com/night-markets"
    assert article.published == datetime(2024, 8, 30, 16, 0, tzinfo=UTC)
    assert article.outlet == "Example Local"
    assert article.meta["external_id"] == "7731"


def test_configured_fields_fall_back_and_reach_nested_values(tmp_path: Path) -> None:
    record = {
        "doc": {"headline": "Dam project approved"},
        "Body": "The environment ministry approved the construction of a large dam on the "
        "northern river on Tuesday despite protests from fishing communities.",
    }
    path = tmp_path / "nested.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    article = one(path, text_field="article_text", title_field="doc.headline")
    assert article.title == "Dam project approved"  # dotted name into a nested object
    assert article.text.startswith("The environment ministry")  # "Body": case-insensitive


def test_unparseable_date_is_kept_in_meta(tmp_path: Path) -> None:
    path = tmp_path / "odd-date.jsonl"
    text = "Lawmakers voted on Wednesday to extend the state of emergency by three months."
    record = {"title": "Emergency extended", "text": text, "published": "the day after"}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    article = one(path)
    assert article.published is None
    assert article.meta["published_raw"] == "the day after"


def test_directory_is_walked_recursively_sorted_without_hidden_entries() -> None:
    corpus = FIXTURES / "corpus"
    articles = read(corpus)
    assert [Path(a.source).relative_to(corpus).as_posix() for a in articles] == [
        "index.html",
        "regional/day1.txt",
        "regional/day2.jsonl:1",
        "regional/style.css",
    ]
    assert [a.status for a in articles[:3]] == [Status.PENDING] * 3
    assert articles[3].status == Status.SKIPPED
    assert articles[3].reason == "unsupported file type '.css' in a directory"
    assert not any("draft" in a.text.lower() for a in articles)


def test_sources_are_read_in_the_order_given() -> None:
    articles = read(FIXTURES / "atom.xml", FIXTURES / "article.txt")
    assert [Path(a.source).name for a in articles] == ["atom.xml", "article.txt"]


def test_stdin_is_sniffed() -> None:
    lines = b"".join(
        json.dumps({"title": t, "text": f"{t} on Monday, the interior ministry said."}).encode()
        + b"\n"
        for t in ("Curfew imposed in the northern city", "Curfew lifted in the southern city")
    )
    articles = read("-", stdin=lines)
    assert [a.source for a in articles] == ["<stdin>:1", "<stdin>:2"]
    assert articles[1].title == "Curfew lifted in the southern city"
    page = (FIXTURES / "page.html").read_bytes()
    assert one("-", stdin=page).title == "Flooding forces thousands from homes"
    text = (FIXTURES / "article.txt").read_bytes()
    assert one("-", stdin=text).source == "<stdin>"


def test_stdin_is_streamed_not_read_whole() -> None:
    line = json.dumps({"title": "Row", "text": "A line of wire copy. " * 40}).encode() + b"\n"
    stdin = io.BytesIO(line * 20_000)  # about 18 MB
    articles = read_sources(["-"], IngestSettings(), stdin)
    first = next(articles)
    assert first.source == "<stdin>:1"
    assert stdin.tell() < 1_000_000  # only the first chunks were read
    articles.close()


def test_forced_format(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    text = "Officials said the bridge would stay closed for repairs until the end of next month."
    path.write_text(json.dumps({"title": "Bridge closed", "text": text}) + "\n", encoding="utf-8")
    assert one(path).title.startswith("{")  # .txt: plain text, the JSON line as its title
    forced = one(path, fmt="jsonl")
    assert (forced.title, forced.text) == ("Bridge closed", text)
    with pytest.raises(ConfigError):
        read_sources([str(path)], IngestSettings(), fmt="docx")


def test_json_lines_in_a_json_file_are_read_as_lines(tmp_path: Path) -> None:
    path = tmp_path / "dump.json"
    path.write_bytes((FIXTURES / "articles.jsonl").read_bytes())
    assert [a.source.rsplit(":", 1)[1] for a in read(path)] == ["1", "2"]


def test_gzip_files_are_decompressed(tmp_path: Path) -> None:
    path = tmp_path / "articles.jsonl.gz"
    path.write_bytes(gzip.compress((FIXTURES / "articles.jsonl").read_bytes()))
    assert [a.title for a in read(path)] == [a.title for a in read(FIXTURES / "articles.jsonl")]
    corrupt = tmp_path / "broken.txt.gz"
    corrupt.write_bytes(gzip.compress(b"Some words of a story " * 50)[:40])
    assert one(corrupt).status == Status.FAILED
    assert "gzip" in (one(corrupt).reason or "")


def test_ids_are_stable_across_runs() -> None:
    def run() -> list[tuple[str | None, str, str]]:
        return [(a.source, a.id, a.status) for a in read(FIXTURES)]

    first = run()
    assert len(first) > 20
    assert run() == first
    ids = [a_id for _, a_id, status in first if status == Status.PENDING]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("name", "language"), [("french.txt", "fr"), ("spanish.txt", "es"), ("german.txt", "de")]
)
def test_non_english_articles_are_skipped_with_their_language(name: str, language: str) -> None:
    article = one(FIXTURES / name)
    assert article.status == Status.SKIPPED
    assert article.language == language
    assert article.reason == f"language {language!r} not in ['en']"
    assert article.text  # kept, not emptied


def test_configured_languages_are_coded() -> None:
    article = one(FIXTURES / "french.txt", languages=["en", "fr"])
    assert (article.status, article.language) == (Status.PENDING, "fr")
