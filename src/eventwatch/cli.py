"""The ``eventwatch`` command: a thin layer over the library.

Each command reads the settings (``--config`` file, environment, options), calls one library
function and prints its result. Domain errors (:class:`eventwatch.errors.EventwatchError`) become a
one-line message and exit code 1 here, at the edge, and nowhere else. Exit codes: 0 success,
1 error, 2 bad usage, 3 a run finished but more articles failed than ``--max-failed-ratio`` allows,
4 ``eval --floors``: a score fell below its floor.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from eventwatch.config import Settings, load_settings
from eventwatch.errors import EventwatchError, QueryError, StoreError
from eventwatch.records import Article, Claim, Event, Quote

app = typer.Typer(
    name="eventwatch",
    help="Open news in, auditable PLOVER event data out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

EXIT_ERROR = 1
EXIT_FAILURES = 3


class TableFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ExportFormat(StrEnum):
    plover_json = "plover-json"
    json = "json"
    csv = "csv"
    geojson = "geojson"


class Records(StrEnum):
    events = "events"
    claims = "claims"
    quotes = "quotes"


# ---------------------------------------------------------------------------- shared options
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Settings file (YAML); default $EVENTWATCH_CONFIG."),
]
DbOpt = Annotated[
    Path | None, typer.Option("--db", help="SQLite database file (default: store.path).")
]
ActorOpt = Annotated[str | None, typer.Option(help="Actor name or code contains this.")]
RecipientOpt = Annotated[str | None, typer.Option(help="Recipient name or code contains this.")]
TypeOpt = Annotated[
    list[str] | None, typer.Option("--type", "-t", help="PLOVER event type (repeatable).")
]
CountryOpt = Annotated[
    str | None, typer.Option(help="ISO3 country of the actor, recipient or place.")
]
PlaceOpt = Annotated[str | None, typer.Option(help="Place name (as written or GeoNames).")]
ModalityOpt = Annotated[
    list[str] | None,
    typer.Option("--modality", "-m", help="asserted, planned, threatened, ... (repeatable)."),
]
SinceOpt = Annotated[str | None, typer.Option(help="Events on or after this date (YYYY-MM-DD).")]
UntilOpt = Annotated[str | None, typer.Option(help="Events on or before this date (YYYY-MM-DD).")]
TextOpt = Annotated[
    str | None, typer.Option("--text", help="Full-text query on the evidence sentence (FTS5).")
]
ArticleOpt = Annotated[str | None, typer.Option("--article", help="Only this article's events.")]
LimitOpt = Annotated[int | None, typer.Option(help="At most this many events.")]
FormatOpt = Annotated[
    TableFormat, typer.Option("--format", "-f", help="table, json (lines) or csv.")
]


@contextmanager
def _domain_errors() -> Iterator[None]:
    try:
        yield
    except EventwatchError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(EXIT_ERROR) from None


def _settings(config: Path | None, db: Path | None = None, **sections: Any) -> Settings:
    """Settings from the file and environment, with the options given on the command line on
    top (an option left out is None and changes nothing)."""
    overrides: dict[str, dict[str, Any]] = {}
    for name, values in sections.items():
        given = {key: value for key, value in values.items() if value is not None}
        if given:
            overrides[name] = given
    if db is not None:
        overrides.setdefault("store", {})["path"] = db
    return load_settings(config, **overrides)


def _existing(settings: Settings) -> Path:
    """The database a query command reads: it must exist (a typo must not create an empty
    one and report zero events)."""
    path = settings.store.path
    if not path.exists():
        raise StoreError(f"no database at {path}: code some articles first (eventwatch run ...)")
    return path


def _parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option
        ) from None


def _query(**filters: Any) -> Any:
    from eventwatch.store import EventQuery

    filters["since"] = _parse_day(filters.get("since"), "--since")
    filters["until"] = _parse_day(filters.get("until"), "--until")
    filters["types"] = [t.upper() for t in filters.pop("types") or []] or None
    filters["modalities"] = [m.lower() for m in filters.pop("modalities") or []] or None
    return EventQuery(**{k: v for k, v in filters.items() if v is not None})


# ---------------------------------------------------------------------------- run
@app.command()
def run(
    sources: Annotated[
        list[str],
        typer.Argument(help="Files, directories (recursive), http(s) URLs, or - for stdin."),
    ],
    config: ConfigOpt = None,
    db: DbOpt = None,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--input-format",
            help="Force the input format: text, html, feed, jsonl, json, csv or tsv.",
        ),
    ] = None,
    model: Annotated[
        str | None, typer.Option(help="spaCy pipeline: md (default), sm, a package or a path.")
    ] = None,
    processes: Annotated[
        int | None, typer.Option("--processes", "-j", min=1, help="Worker processes.")
    ] = None,
    batch_size: Annotated[int | None, typer.Option(min=1, help="Articles per batch.")] = None,
    text_field: Annotated[
        str | None, typer.Option(help="JSONL/CSV field holding the body.")
    ] = None,
    title_field: Annotated[
        str | None, typer.Option(help="JSONL/CSV field holding the title.")
    ] = None,
    published_field: Annotated[
        str | None, typer.Option(help="JSONL/CSV field holding the publication date.")
    ] = None,
    url_field: Annotated[str | None, typer.Option(help="JSONL/CSV field holding the URL.")] = None,
    outlet_field: Annotated[
        str | None, typer.Option(help="JSONL/CSV field holding the outlet.")
    ] = None,
    fetch_links: Annotated[
        bool | None,
        typer.Option(
            "--fetch-links/--no-fetch-links", help="Fetch the pages feed entries link to."
        ),
    ] = None,
    recode: Annotated[
        bool, typer.Option(help="Code again articles the database already holds.")
    ] = False,
    max_failed_ratio: Annotated[
        float | None,
        typer.Option(min=0, max=1, help="Share of failed articles tolerated before exit code 3."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Read articles, code their events and store everything in the database."""
    from eventwatch.runner import run as run_sources
    from eventwatch.store import Store

    ingest = {
        "text_field": text_field,
        "title_field": title_field,
        "published_field": published_field,
        "url_field": url_field,
        "outlet_field": outlet_field,
        "fetch_links": fetch_links,
    }
    with _domain_errors():
        settings = _settings(
            config,
            db,
            nlp={"model": model, "n_process": processes, "batch_size": batch_size},
            ingest=ingest,
            pipeline={"max_failed_ratio": max_failed_ratio},
        )
        stdin = sys.stdin.buffer if "-" in sources else None
        with Store.open(settings.store.path) as store, _progress(quiet) as advance:
            summary = run_sources(
                sources,
                settings,
                store,
                stdin=stdin,
                fmt=input_format,
                recode=recode,
                progress=advance,
            )
        _print_summary(summary, settings)
    if summary.failed and summary.failed_ratio > settings.pipeline.max_failed_ratio:
        raise typer.Exit(EXIT_FAILURES)


@contextmanager
def _progress(quiet: bool) -> Iterator[Any]:
    if quiet or not err.is_terminal:
        yield None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("[bold]coding articles"),
        BarColumn(bar_width=None),
        TextColumn("{task.completed} read · {task.fields[events]} events"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("run", total=None, events=0)
        counter = {"events": 0}

        def advance(article: Article) -> None:
            counter["events"] += len(article.events)
            progress.update(task, advance=1, events=counter["events"])

        yield advance


def _print_summary(summary: Any, settings: Settings) -> None:
    table = Table(title="eventwatch run", show_header=True, header_style="bold")
    columns = ("read", "coded", "unchanged", "duplicates", "skipped", "failed", "events",
               "claims", "quotes")  # fmt: skip
    for name in columns:
        table.add_column(name, justify="right")
    table.add_row(*(str(getattr(summary, n)) for n in columns))
    out.print(table)
    if summary.near_duplicates:
        out.print(f"near-duplicates: {summary.near_duplicates} article(s) linked to the earlier "
                  "article they copy (eventwatch show ID says which)", highlight=False)  # fmt: skip
    if summary.stories_new or summary.stories_joined:
        out.print(f"stories: {summary.stories_new} new, {summary.stories_joined} article(s) "
                  f"joined an existing one; {summary.reports_merged} event(s) filed under a "
                  "happening already reported", highlight=False)  # fmt: skip
    if summary.modalities:
        parts = ", ".join(f"{k} {v}" for k, v in summary.modalities.most_common())
        out.print(f"events by modality: {parts}")
    for reason, count in summary.skips.most_common():
        out.print(f"[yellow]skipped[/] {count} × {escape(reason)}", highlight=False)
    for warning in summary.warnings:
        out.print(f"[yellow]warning[/] {escape(warning)}", highlight=False)
    for source, reason in summary.failures:
        out.print(f"[red]failed[/] {escape(source)}: {escape(reason)}", highlight=False)
    rate = summary.read / summary.seconds if summary.seconds else 0.0
    out.print(f"{summary.seconds:.1f} s, {rate:.1f} articles/s", highlight=False)
    path = settings.store.path
    where = escape(str(path.resolve()))
    out.print(f"results: [bold]{where}[/]  (run {summary.run_id})", highlight=False)
    db = escape(str(path))
    out.print(
        f"next: eventwatch events --db {db}   ·   eventwatch show ARTICLE_ID --db {db}\n"
        f"      eventwatch claims --db {db}   ·   eventwatch quotes --db {db}\n"
        f"      eventwatch stories --db {db}   ·   eventwatch events --once --db {db}",
        highlight=False,
    )


# ---------------------------------------------------------------------------- events
@app.command()
def events(
    config: ConfigOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    recipient: RecipientOpt = None,
    types: TypeOpt = None,
    country: CountryOpt = None,
    place: PlaceOpt = None,
    modalities: ModalityOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    text: TextOpt = None,
    article: ArticleOpt = None,
    story: Annotated[str | None, typer.Option(help="Only the events of this story.")] = None,
    happening: Annotated[
        str | None, typer.Option(help="Only the reports of this happening.")
    ] = None,
    once: Annotated[
        bool,
        typer.Option(
            "--once", help="Each happening once (its first report), not one row per report."
        ),
    ] = False,
    limit: LimitOpt = None,
    output_format: FormatOpt = TableFormat.table,
) -> None:
    """List stored events, filtered; each with the reports and outlets of its happening."""
    from eventwatch.store import Store

    with _domain_errors():
        settings = _settings(config, db)
        query = _query(
            actor=actor, recipient=recipient, types=types, country=country, place=place,
            modalities=modalities, since=since, until=until, text=text, article_id=article,
            story=story, happening=happening, once=once, limit=limit,
        )  # fmt: skip
        with Store.open(_existing(settings)) as store:
            if output_format == TableFormat.table:
                _print_events(store.events(query))
            else:
                fmt = "plover-json" if output_format == TableFormat.json else "csv"
                store.export(fmt, sys.stdout, query)


def _when(event: Event) -> str:
    """The event date as precise as it is known: 2026-03-09, week of 2026-03-09, 2026-03,
    2026."""
    value, precision = event.date.value, event.date.precision
    if value is None:
        return ""
    if precision == "year":
        return f"{value.year}"
    if precision == "month":
        return f"{value.year}-{value.month:02d}"
    if precision == "week":
        return f"week of {value.isoformat()}"
    return value.isoformat()


def _cells(*values: str) -> list[Text]:
    """Table cells shown as written (stored text may hold "[brackets]", not markup)."""
    return [Text(value) for value in values]


def _who(actor: Any) -> str:
    if actor is None:
        return ""
    return f"{actor.name} ({actor.code})" if actor.code else actor.name


def _print_events(rows: Iterator[Event]) -> None:
    table = Table(show_lines=False, header_style="bold", expand=True)
    for name, style in (
        ("date", "cyan"), ("type", "bold"), ("modality", "magenta"), ("actor", ""),
        ("recipient", ""), ("place", "green"), ("reports", ""), ("outlets", ""),
        ("evidence", "dim"), ("article", "dim"),
    ):  # fmt: skip
        wide = name == "evidence"
        narrow = name in ("reports", "outlets")
        table.add_column(
            name,
            style=style,
            overflow="fold",
            ratio=3 if wide else 1,
            no_wrap=name == "date",
            justify="right" if narrow else "left",
            max_width=7 if narrow else None,
        )
    count = 0
    for event in rows:
        count += 1
        kind = event.event_type + (f"/{event.mode}" if event.mode else "")
        place = event.place.name if event.place else ""
        day = _when(event)
        evidence = event.evidence.text
        evidence = " ".join(evidence.split())
        table.add_row(*_cells(
            day, kind, str(event.modality), _who(event.actor), _who(event.recipient), place,
            str(event.reports), str(event.outlets),
            evidence if len(evidence) <= 160 else evidence[:157] + "...", event.article_id[:10],
        ))  # fmt: skip
    out.print(table)
    out.print(f"{count} event(s)")


# ---------------------------------------------------------------------------- show
@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id (or a unique prefix of it).")],
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Show one article with its events highlighted in the text, then its claims and quotes."""
    from eventwatch.store import Store

    with _domain_errors():
        settings = _settings(config, db)
        with Store.open(_existing(settings)) as store:
            article = store.article(store.resolve_article_id(article_id))
            copies = store.copies(article.id) if article is not None else []
            original = store.near_duplicate_of(article.id) if article is not None else None
            homes = store.story_of_articles([article.id]) if article is not None else {}
            story = store.story(homes[article.id]) if article is not None and homes else None
    if article is None:
        err.print(f"[bold red]error:[/] no article {escape(repr(article_id))}")
        raise typer.Exit(EXIT_ERROR)
    _print_article(article)
    for copy in copies[1:]:
        where = copy["url"] or copy["source"]
        line = f"also read from: {copy['outlet'] or '?'} {where}"
        out.print(line, style="dim", highlight=False, markup=False)
    if original is not None:
        line = f"near-duplicate of {original['original_id']}: {original['reason']}"
        out.print(line, style="dim", highlight=False, markup=False)
    if story is not None:
        line = (f"story {story.id}: {story.label!r}, {story.articles} article(s) from "
                f"{story.outlets} outlet(s), {story.first_seen or '?'} to "
                f"{story.last_seen or '?'} (eventwatch stories {story.id[:10]})")  # fmt: skip
        out.print(line, style="dim", highlight=False, markup=False)


def _print_article(article: Article) -> None:
    out.print(Text(article.title or "(untitled)", style="bold underline"))
    meta = [
        f"id {article.id}",
        f"status {article.status}" + (f" ({article.reason})" if article.reason else ""),
        f"published {article.published.isoformat() if article.published else '?'}",
        f"outlet {article.outlet or '?'}",
        f"language {article.language or '?'}",
    ]
    out.print(" · ".join(meta), style="dim", highlight=False, markup=False)
    if article.focus is not None:
        focus = article.focus
        about = f"about: {focus.name} ({focus.country or '?'})"
        out.print(about, style="dim", highlight=False, markup=False)
    if article.url or article.source:
        out.print(article.url or article.source, style="dim", highlight=False, markup=False)
    body = Text(article.text)
    for event in article.events:
        if event.evidence.field == "body":
            body.stylize("on grey23", event.evidence.start, event.evidence.end)
        if event.trigger.field == "body":
            body.stylize("bold yellow", event.trigger.start, event.trigger.end)
    for quote in article.quotes:
        if quote.content.field == "body":
            body.stylize("italic", quote.content.start, quote.content.end)
    for claim in article.claims:
        if claim.span.field == "body":
            body.stylize("bold cyan underline", claim.span.start, claim.span.end)
    out.print()
    out.print(body)
    out.print()
    _print_article_events(article)
    _print_article_claims(article.claims)
    _print_article_quotes(article.quotes)


def _print_article_events(article: Article) -> None:
    for number, event in enumerate(article.events, start=1):
        kind = event.event_type + (f"/{event.mode}" if event.mode else "")
        fields = [
            f"actor {_who(event.actor) or '-'}",
            f"recipient {_who(event.recipient) or '-'}",
            f"place {event.place.name if event.place else '-'}",
            f"date {_when(event) or '-'} ({event.date.source})",
        ]
        if event.attributed_to is not None:
            fields.append(f"according to {_who(event.attributed_to)}")
        fields += [f"{k} {v}" for k in ("dead", "injured", "arrested") if (v := getattr(event, k))]
        if event.happening_id is not None:
            fields.append(f"happening reported {event.reports}x by {event.outlets} outlet(s)")
        line = Text.assemble(
            (f"{number}. {kind}", "bold"), " ", (str(event.modality), "magenta"), " · ",
            " · ".join(fields),
        )  # fmt: skip
        out.print(line, highlight=False)
        out.print(
            f"   “{event.trigger.text}” in {event.evidence.field} "
            f"[{event.evidence.start}:{event.evidence.end}]",
            style="dim",
            highlight=False,
            markup=False,
        )


def _offsets(span: Any) -> str:
    return f"{span.field} [{span.start}:{span.end}]"


def _resolved(actor: Any, written: str | None, missing: str) -> str:
    """The resolved actor, with the words as written when they say more ("one US official")."""
    if actor is None:
        return f"“{written}”" if written else missing
    if written and written.casefold() != (actor.text or "").casefold():
        return f"{_who(actor)} “{written}”"
    return _who(actor)


def _claimant(claim: Claim) -> str:
    return _resolved(claim.claimant, claim.claimant_text, "unattributed")


def _print_article_claims(claims: list[Claim]) -> None:
    from eventwatch.store import describe

    if claims:
        out.print(Text("\nclaims", style="bold"))
    for number, claim in enumerate(claims, start=1):
        said = _claimant(claim)
        fields = [
            f"subject {_who(claim.subject) or '-'}",
            said if said == "unattributed" else f"according to {said}",
        ]
        if claim.place is not None:
            fields.append(f"place {claim.place.name}")
        if claim.as_of is not None and claim.as_of.value is not None:
            fields.append(f"as of {claim.as_of.value.isoformat()}")
        if claim.hedges:
            fields.append(f"hedges {', '.join(claim.hedges)}")
        if claim.prior:
            fields.append("prior estimate")
        if str(claim.modality) != "asserted":
            fields.append(str(claim.modality))
        line = Text.assemble(
            (f"{number}. {claim.indicator}", "bold"), " ", (describe(claim), "cyan"),
            f" “{claim.quantity.text}” · ", " · ".join(fields),
        )  # fmt: skip
        out.print(line, highlight=False)
        out.print(f"   {_offsets(claim.span)}", style="dim", highlight=False, markup=False)


def _speaker(quote: Quote) -> str:
    return _resolved(quote.speaker, quote.speaker_text, "unknown speaker")


def _print_article_quotes(quotes: list[Quote]) -> None:
    if quotes:
        out.print(Text("\nquotes", style="bold"))
    for number, quote in enumerate(quotes, start=1):
        cue = quote.cue or "according to"
        line = Text.assemble(
            (f"{number}. {_speaker(quote)}", "bold"), f" {cue} ({quote.kind}): ",
            (f"“{_clip(quote.content.text, 300)}”", "italic"),
        )  # fmt: skip
        out.print(line, highlight=False)
        out.print(f"   {_offsets(quote.content)}", style="dim", highlight=False, markup=False)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


# ---------------------------------------------------------------------------- articles
@app.command()
def articles(
    config: ConfigOpt = None,
    db: DbOpt = None,
    status: Annotated[
        str | None, typer.Option(help="Only articles with this status: coded, skipped, failed.")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many articles.")] = 50,
) -> None:
    """List stored articles with their status (and why they were skipped or failed)."""
    from eventwatch.store import Store

    with _domain_errors():
        settings = _settings(config, db)
        with Store.open(_existing(settings)) as store:
            rows = list(store.list_articles(status=status, limit=limit))
    table = Table(header_style="bold", expand=True)
    for name in ("id", "status", "events", "published", "title / reason", "source"):
        table.add_column(name, overflow="fold")
    for row in rows:
        label = row["title"] if row["status"] == "coded" else row["reason"] or row["title"]
        table.add_row(*_cells(
            row["id"][:10], row["status"], str(row["events"]), (row["published"] or "")[:10],
            label or "", row["source"] or "",
        ))  # fmt: skip
    out.print(table)


# ---------------------------------------------------------------------------- claims
IndicatorOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--indicator", "-i", help="fighters, troops, killed, displaced, ... (repeatable)."
    ),
]


def _claim_query(**filters: Any) -> Any:
    from eventwatch.store import ClaimQuery

    filters["since"] = _parse_day(filters.get("since"), "--since")
    filters["until"] = _parse_day(filters.get("until"), "--until")
    filters["indicators"] = filters.pop("indicators") or None
    return ClaimQuery(**{k: v for k, v in filters.items() if v is not None})


def _quote_query(**filters: Any) -> Any:
    from eventwatch.store import QuoteQuery

    filters["since"] = _parse_day(filters.get("since"), "--since")
    filters["until"] = _parse_day(filters.get("until"), "--until")
    return QuoteQuery(**{k: v for k, v in filters.items() if v is not None})


@app.command()
def claims(
    config: ConfigOpt = None,
    db: DbOpt = None,
    subject: Annotated[
        str | None, typer.Option(help="Whose number: the subject's name or code contains this.")
    ] = None,
    indicators: IndicatorOpt = None,
    place: Annotated[
        str | None, typer.Option(help="Place name, GeoNames id, ISO3 code or country name.")
    ] = None,
    claimant: Annotated[
        str | None, typer.Option(help="Who says so: name, code or words as written contain this.")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Claims as of (else published) on or after this date.")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Claims as of (else published) on or before this date.")
    ] = None,
    text: Annotated[
        str | None, typer.Option("--text", help="Full-text query on the evidence sentence.")
    ] = None,
    article: Annotated[
        str | None, typer.Option("--article", help="Only this article's claims.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many claims.")] = None,
    output_format: FormatOpt = TableFormat.table,
) -> None:
    """Claimed numbers, grouped by subject and indicator, estimates over time side by side with
    their claimants; conflicting estimates are marked, never averaged."""
    from eventwatch.store import Store

    with _domain_errors():
        settings = _settings(config, db)
        query = _claim_query(
            subject=subject, indicators=indicators, place=place, claimant=claimant, since=since,
            until=until, text=text, article_id=article, limit=limit,
        )  # fmt: skip
        with Store.open(_existing(settings)) as store:
            if output_format == TableFormat.table:
                _print_claim_groups(store.estimates(query))
            else:
                store.export_claims(output_format.value, sys.stdout, query)


def _day_cell(estimate: Any) -> Text:
    if estimate.day is None:
        return Text("")
    as_of = estimate.claim.as_of
    if as_of is not None and as_of.value is not None:
        return Text(estimate.day.isoformat())
    return Text.assemble(estimate.day.isoformat(), (" (published)", "dim"))


def _claim_table(group: Any) -> Table:
    from eventwatch.store import describe

    title = f"{_who(group.subject) or '(no subject)'} · {group.indicator}"
    table = Table(title=title, title_justify="left", title_style="bold", header_style="bold")
    for name, style in (
        ("#", "dim"), ("date", "cyan"), ("as written", ""), ("normalized", "bold"),
        ("claimant", ""), ("hedges", "magenta"), ("prior", ""), ("≠", "bold red"),
        ("place", "green"), ("article", "dim"),
    ):  # fmt: skip
        table.add_column(name, style=style, overflow="fold", no_wrap=name in {"#", "date"})
    for e in group.estimates:
        claim = e.claim
        hedges = list(claim.hedges)
        if str(claim.modality) != "asserted":
            hedges.append(str(claim.modality))
        conflicts = "≠ " + ", ".join(map(str, e.conflicts)) if e.conflicts else ""
        table.add_row(
            Text(str(e.number)), _day_cell(e),
            *_cells(
                claim.quantity.text, describe(claim), _claimant(claim), ", ".join(hedges),
                "prior" if claim.prior else "", conflicts,
                claim.place.name if claim.place else "", claim.article_id[:10],
            ),
        )  # fmt: skip
    return table


def _print_claim_groups(groups: list[Any]) -> None:
    for group in groups:
        out.print(_claim_table(group))
    total = sum(len(g.estimates) for g in groups)
    out.print(f"{total} claim(s) in {len(groups)} group(s)", highlight=False)
    conflicting = sum(1 for g in groups if g.conflicting)
    if conflicting:
        out.print(
            f"≠ {conflicting} group(s) hold estimates that contradict each other (their bounds "
            "do not overlap; different claimants or dates): shown side by side, not averaged",
            highlight=False,
        )


# ---------------------------------------------------------------------------- quotes
@app.command()
def quotes(
    config: ConfigOpt = None,
    db: DbOpt = None,
    speaker: Annotated[
        str | None, typer.Option(help="The speaker's name, code or words as written contain this.")
    ] = None,
    text: Annotated[
        str | None, typer.Option("--text", help="Full-text query on what was said (FTS5).")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Quotes published on or after this date (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Quotes published on or before this date (YYYY-MM-DD).")
    ] = None,
    article: Annotated[
        str | None, typer.Option("--article", help="Only this article's quotes.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many quotes.")] = None,
    output_format: FormatOpt = TableFormat.table,
) -> None:
    """Who said what: direct and reported speech with its speaker."""
    from eventwatch.store import Store

    with _domain_errors():
        settings = _settings(config, db)
        query = _quote_query(
            speaker=speaker, text=text, since=since, until=until, article_id=article, limit=limit
        )
        with Store.open(_existing(settings)) as store:
            if output_format == TableFormat.table:
                _print_quotes(store.quote_pairs(query))
            else:
                store.export_quotes(output_format.value, sys.stdout, query)


def _print_quotes(rows: Iterable[tuple[Quote, Any]]) -> None:
    table = Table(header_style="bold", expand=True)
    for name, style, ratio in (
        ("date", "cyan", None), ("speaker", "bold", 2), ("cue", "magenta", None),
        ("kind", "dim", None), ("quote", "", 5), ("article", "dim", None),
    ):  # fmt: skip
        table.add_column(name, style=style, overflow="fold", ratio=ratio, no_wrap=ratio is None)
    count = 0
    for quote, ref in rows:
        count += 1
        table.add_row(*_cells(
            (ref.published or "")[:10], _speaker(quote), quote.cue or "according to",
            str(quote.kind), _clip(quote.content.text, 160), quote.article_id[:10],
        ))  # fmt: skip
    out.print(table)
    out.print(f"{count} quote(s)")


# ---------------------------------------------------------------------------- export
@app.command()
def export(
    output_format: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Events: plover-json (default), csv or geojson. Claims, quotes: json (default) "
            "or csv.",
        ),
    ] = None,
    records: Annotated[
        Records, typer.Option("--records", "-r", help="What to export: events, claims or quotes.")
    ] = Records.events,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    recipient: RecipientOpt = None,
    types: TypeOpt = None,
    country: CountryOpt = None,
    place: PlaceOpt = None,
    modalities: ModalityOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    text: TextOpt = None,
    once: Annotated[
        bool, typer.Option("--once", help="Events: each happening once (its first report).")
    ] = False,
) -> None:
    """Export events as PLOVER JSON, CSV or GeoJSON; claims or quotes as JSON Lines or CSV."""
    from eventwatch.store import Store

    with _domain_errors():
        settings = _settings(config, db)
        event_only = {
            "--actor": actor, "--recipient": recipient, "--type": types, "--country": country,
            "--modality": modalities, "--once": once,
        }  # fmt: skip
        common = {"since": since, "until": until, "text": text}
        write = _exporter(records, output_format, event_only, place, common)
        with Store.open(_existing(settings)) as store:
            if output is None:
                write(store, sys.stdout)
                return
            try:
                handle = output.open("w", encoding="utf-8", newline="")
            except OSError as exc:
                raise QueryError(f"cannot write {output}: {exc.strerror or exc}") from exc
            with handle:
                rows = write(store, handle)
    noun = {"events": "event", "claims": "claim", "quotes": "quote"}[records.value]
    err.print(f"{rows} {noun}(s) written to {output.resolve()}", highlight=False)


def _exporter(
    records: Records,
    fmt: ExportFormat | None,
    event_only: dict[str, Any],
    place: str | None,
    common: dict[str, Any],
) -> Any:
    """``write(store, out) -> rows`` for the records, format and filters asked, or a QueryError
    for a combination that does not exist."""
    if records == Records.events:
        name = "plover-json" if fmt in (None, ExportFormat.json) else fmt.value
        filters = {k.lstrip("-"): v for k, v in event_only.items()}
        filters["types"], filters["modalities"] = filters.pop("type"), filters.pop("modality")
        query = _query(**filters, place=place, **common)
        return lambda store, out: store.export(name, out, query)
    name = "json" if fmt is None else fmt.value
    if name not in {"json", "csv"}:
        raise QueryError(f"{records.value} export as json or csv, not {name}")
    given = [opt for opt, value in event_only.items() if value]
    if records == Records.quotes and place:
        given.append("--place")
    if given:
        verb = "filters" if len(given) == 1 else "filter"
        raise QueryError(
            f"{', '.join(given)} {verb} events, not {records.value}: use `eventwatch "
            f"{records.value} --format {name}` for the {records.value} filters"
        )
    if records == Records.claims:
        claim_query = _claim_query(place=place, indicators=None, **common)
        return lambda store, out: store.export_claims(name, out, claim_query)
    quote_query = _quote_query(**common)
    return lambda store, out: store.export_quotes(name, out, quote_query)


# ---------------------------------------------------------------------------- eval
def _register_eval() -> None:
    from eventwatch.evaluate.command import eval_command

    app.command("eval")(eval_command)


def _register_stories() -> None:
    from eventwatch.stories.command import stories_command

    app.command("stories")(stories_command)


_register_eval()
_register_stories()


def main() -> None:  # pragma: no cover - console entry point
    app()
