"""Throughput of the whole pipeline next to a bare spaCy parse of the same articles.

Both are measured in one run, alternating (bare, full, bare, full, ...) so that the shared,
noisy machine treats them alike; the best of the rounds is reported for each.

* bare: ``nlp.pipe`` over the same titles and bodies, same model, batch size and processes.
* full: ``eventwatch.runner.run`` on a JSONL file of the same articles into a fresh SQLite file:
  reading, language identification, parse, actors, places, dates, events and storage.

The corpus is the 200 news articles of GeoWebNews from ``../shared/data/geowebnews`` (read at
run time, never copied here); without it, the bundled examples repeated.

    python benchmarks/throughput.py [--rounds 3] [--processes 1] [--limit 200] [--write FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("EVENTWATCH_DATA", ROOT.parent / "shared" / "data"))
MARK_START = "<!-- throughput:start -->"
MARK_END = "<!-- throughput:end -->"


def load_corpus(limit: int) -> tuple[str, list[dict[str, str]]]:
    """(description, records with title/text/url) of the benchmark corpus."""
    gwn = DATA / "geowebnews" / "geowebnews.jsonl"
    if gwn.exists():
        records = []
        with gwn.open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                records.append({"title": row.get("title") or "", "text": row["text"],
                                "url": row.get("url") or ""})  # fmt: skip
                if len(records) >= limit:
                    break
        return f"GeoWebNews, {len(records)} news articles ({gwn})", records
    print(f"note: {gwn} not found; using the bundled examples, repeated", file=sys.stderr)
    from eventwatch.ingest import read_sources
    from eventwatch.config import load_settings

    settings = load_settings(environ={}, ingest={"fetch_links": False})
    base = [a for a in read_sources([str(ROOT / "examples" / "articles")], settings.ingest)
            if a.status == "pending"]  # fmt: skip
    records = []
    for copy in range(max(1, limit // max(1, len(base)))):
        for a in base:  # a copy number keeps ids distinct, so every copy is coded
            records.append({"title": f"{a.title} ({copy})", "text": a.text, "url": a.url or ""})
    return f"bundled examples, {len(records)} articles (repeated)", records[:limit]


def bare_parse(nlp, records: list[dict[str, str]], batch_size: int, processes: int) -> float:
    texts = []
    for r in records:
        texts.extend(t for t in (r["title"], r["text"]) if t.strip())
    start = time.perf_counter()
    for _doc in nlp.pipe(texts, batch_size=batch_size, n_process=processes):
        pass
    return time.perf_counter() - start


def full_run(settings, pipeline, corpus_file: Path, workdir: Path, round_no: int) -> tuple[float, int]:
    from eventwatch.runner import run
    from eventwatch.store import Store

    db = workdir / f"bench-{round_no}.db"
    start = time.perf_counter()
    with Store.open(db) as store:
        summary = run([str(corpus_file)], settings, store, pipeline=pipeline)
    elapsed = time.perf_counter() - start
    return elapsed, summary.events


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs visible, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--model", default="md")
    parser.add_argument("--write", type=Path, help="update this Markdown file's section")
    args = parser.parse_args()

    from eventwatch.config import load_settings
    from eventwatch.nlp import load_pipeline
    from eventwatch.pipeline import Pipeline

    description, records = load_corpus(args.limit)
    words = sum(len(r["title"].split()) + len(r["text"].split()) for r in records)
    settings = load_settings(
        environ={},
        nlp={"model": args.model, "n_process": args.processes, "batch_size": args.batch_size},
        ingest={"fetch_links": False},
    )
    nlp = load_pipeline(args.model)
    pipeline = Pipeline(settings, nlp=nlp) if args.processes == 1 else None
    bare_times, full_times, events = [], [], 0
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        corpus_file = workdir / "corpus.jsonl"
        with corpus_file.open("w", encoding="utf-8") as handle:
            for r in records:
                handle.write(json.dumps(r) + "\n")
        bare_parse(nlp, records[:5], args.batch_size, 1)  # warm up
        for round_no in range(args.rounds):
            bare_times.append(bare_parse(nlp, records, args.batch_size, args.processes))
            elapsed, events = full_run(settings, pipeline, corpus_file, workdir, round_no)
            full_times.append(elapsed)
            print(f"round {round_no + 1}: bare {bare_times[-1]:.2f} s, full {elapsed:.2f} s",
                  file=sys.stderr)  # fmt: skip
    bare, full = min(bare_times), min(full_times)
    n = len(records)
    rows = [
        ("bare spaCy parse", bare, n / bare, words / bare, "-"),
        ("eventwatch run (full pipeline)", full, n / full, words / full, f"{events}"),
    ]
    ratio = bare / full
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        MARK_START,
        f"Measured {stamp} on {machine()}; model `{args.model}`, "
        f"{args.processes} process(es), batch size {args.batch_size}, best of {args.rounds} "
        f"alternating rounds. Corpus: {description}, {words:,} words.",
        "",
        "| pipeline | seconds | articles/s | words/s | events |",
        "|---|---:|---:|---:|---:|",
        *(f"| {name} | {t:.2f} | {a:.1f} | {w:,.0f} | {e} |" for name, t, a, w, e in rows),
        "",
        f"Full pipeline speed / bare parse speed: **{ratio:.2f}** (target ≥ 0.80).",
        "",
        "Command: `" + " ".join(["python", "benchmarks/throughput.py", *sys.argv[1:]]) + "`",
        MARK_END,
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        _update(args.write, text)


def _update(path: Path, section: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if MARK_START in old and MARK_END in old:
        head, rest = old.split(MARK_START, 1)
        new = head + section + rest.split(MARK_END, 1)[1]
    else:
        new = old.rstrip() + "\n\n## Throughput\n\n" + section + "\n"
    path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
