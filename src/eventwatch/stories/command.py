"""``eventwatch stories``: list the stories a store holds, show one, or rebuild them."""

from __future__ import annotations

import csv
import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from eventwatch.cli import (
    EXIT_ERROR,
    ConfigOpt,
    DbOpt,
    FormatOpt,
    TableFormat,
    _domain_errors,
    _existing,
    _parse_day,
    _settings,
    err,
    out,
)

if TYPE_CHECKING:
    from eventwatch.config import Settings
    from eventwatch.store import Store, StoryInfo

LIST_COLUMNS = ("id", "label", "first_seen", "last_seen", "articles", "outlets", "events",
                "happenings", "keywords")  # fmt: skip


def stories_command(
    story_id: Annotated[
        str | None, typer.Argument(help="Show this story: its articles and happenings.")
    ] = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
    text: Annotated[
        str | None, typer.Option("--text", help="Words of the story's label or keywords.")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Stories still seen on or after this date (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Stories first seen on or before this date (YYYY-MM-DD).")
    ] = None,
    min_articles: Annotated[
        int, typer.Option(min=1, help="Stories with at least this many articles.")
    ] = 1,
    min_outlets: Annotated[
        int, typer.Option(min=0, help="Stories from at least this many outlets.")
    ] = 0,
    order: Annotated[
        str, typer.Option(help="last_seen (most recent first), articles or outlets.")
    ] = "last_seen",
    limit: Annotated[int, typer.Option(min=1, help="At most this many stories (default 50).")] = 50,
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild",
            help="Forget the stories and happenings and build them again from the stored "
            "articles (after changing stories.* settings).",
        ),
    ] = False,
    output_format: FormatOpt = TableFormat.table,
) -> None:
    """List stories (articles grouped by the happening they report), or show one."""
    from eventwatch.store import Store, StoryQuery

    with _domain_errors():
        settings = _settings(config, db)
        path = _existing(settings)
        if rebuild:
            with Store.open(path) as store:
                _rebuild(store, settings)
        query = StoryQuery(
            text=text, since=_parse_day(since, "--since"), until=_parse_day(until, "--until"),
            min_articles=min_articles, min_outlets=min_outlets, order=order, limit=limit,
        )  # fmt: skip
        with Store.open(path, read_only=True) as store:
            if story_id is not None:
                story = store.story(store.resolve_story_id(story_id))
                if story is None:
                    err.print(f"[bold red]error:[/] no story {escape(repr(story_id))}")
                    raise typer.Exit(EXIT_ERROR)
                _print_one(story, output_format)
                return
            rows = store.stories(query)
            total = store.count_stories()
    if output_format == TableFormat.table:
        _print_list(rows, total)
    elif output_format == TableFormat.json:
        for story in rows:
            sys.stdout.write(json.dumps(story.as_dict(), ensure_ascii=False) + "\n")
    else:
        writer = csv.writer(sys.stdout)
        writer.writerow(LIST_COLUMNS)
        for story in rows:
            values = story.as_dict()
            values["keywords"] = ";".join(story.keywords)
            writer.writerow([values[c] for c in LIST_COLUMNS])


def _print_list(rows: list[StoryInfo], total: int) -> None:
    table = Table(header_style="bold", expand=True)
    for name, style, ratio in (
        ("story", "dim", 1), ("label", "bold", 4), ("seen", "cyan", 2), ("articles", "", 1),
        ("outlets", "", 1), ("happenings", "", 1), ("keywords", "dim", 3),
    ):  # fmt: skip
        table.add_column(name, style=style, ratio=ratio, overflow="fold", no_wrap=name == "story")
    for s in rows:
        seen = s.first_seen or "?"
        if s.last_seen and s.last_seen != s.first_seen:
            seen += f" to {s.last_seen}"
        table.add_row(*(Text(v) for v in (
            s.id[:10], s.label, seen, str(s.articles), str(s.outlets), str(s.happenings),
            ", ".join(s.keywords[:6]),
        )))  # fmt: skip
    out.print(table)
    out.print(f"{len(rows)} of {total} stories", highlight=False)


MEMBER_COLUMNS = ("article_id", "published", "outlet", "title", "url", "score", "copy_of",
                  "reasons")  # fmt: skip


def _print_one(story: StoryInfo, output_format: TableFormat) -> None:
    if output_format == TableFormat.json:
        sys.stdout.write(json.dumps(story.as_dict(), ensure_ascii=False, default=str) + "\n")
        return
    if output_format == TableFormat.csv:  # its articles, one row each
        writer = csv.writer(sys.stdout)
        writer.writerow(MEMBER_COLUMNS)
        for m in story.members:
            writer.writerow([*(m[c] for c in MEMBER_COLUMNS[:-1]), "; ".join(m["reasons"])])
        return
    out.print(Text(story.label, style="bold underline"))
    seen = f"{story.first_seen or '?'} to {story.last_seen or '?'}"
    line = (f"story {story.id} · seen {seen} · {story.articles} article(s) from "
            f"{story.outlets} outlet(s) · {story.events} event report(s) of "
            f"{story.happenings} happening(s)")  # fmt: skip
    out.print(line, style="dim", highlight=False, markup=False)
    out.print(Text("keywords: " + ", ".join(story.keywords), style="dim"))
    articles = Table(title="articles", header_style="bold", expand=True)
    for name in ("published", "outlet", "title", "link", "why"):
        articles.add_column(name, overflow="fold", ratio=3 if name in ("title", "why") else 1)
    for m in story.members:
        why = "; ".join(m["reasons"][:2])
        if m["copy_of"]:
            why = f"near-duplicate of {m['copy_of'][:10]}; " + why
        articles.add_row(*(Text(v) for v in (
            (m["published"] or "")[:10], m["outlet"] or "", m["title"] or m["article_id"],
            f"{m['score']:.2f}", why,
        )))  # fmt: skip
    out.print(articles)
    happenings = Table(title="happenings (most reported first)", header_style="bold", expand=True)
    for name in ("date", "type", "actor", "recipient", "place", "reports", "outlets", "evidence"):
        happenings.add_column(name, overflow="fold", ratio=4 if name == "evidence" else 1)
    for h in story.top_happenings[:20]:
        kind = h["event_type"] + (f"/{h['mode']}" if h["mode"] else "")
        if h["modality"] != "asserted":
            kind += f" ({h['modality']})"
        happenings.add_row(*(Text(str(v or "")) for v in (
            h["first_date"], kind, h["actor_name"], h["recipient_name"], h["place_name"],
            h["reports"], h["outlets"], " ".join((h["evidence_text"] or "").split())[:200],
        )))  # fmt: skip
    out.print(happenings)


def _rebuild(store: Store, settings: Settings) -> None:
    """Forget every story and happening and build them again, in the order the articles were
    first stored (near-duplicate links are kept)."""
    from eventwatch.stories.cluster import ClusterSettings
    from eventwatch.stories.features import build_doc
    from eventwatch.stories.happenings import HappeningLinker
    from eventwatch.stories.persist import StoryBook

    store.clear_stories()
    store.clear_happenings()
    config = settings.stories
    linker = HappeningLinker(store, days=config.merge_days, near_km=config.merge_near_km)
    book = StoryBook(store, ClusterSettings(threshold=config.threshold))
    ids = store.coded_article_ids()
    done = 0
    for start in range(0, len(ids), 200):
        batch = [a for i in ids[start : start + 200] if (a := store.article(i)) is not None]
        linker.link_batch(batch, store.originals_of([a.id for a in batch]))
        book.add_docs(build_doc(a) for a in batch)
        done += len(batch)
    summary: dict[str, Any] = {"articles": done, "stories": store.count_stories()}
    err.print(f"rebuilt: {summary['stories']} stories from {done} coded articles", highlight=False)
