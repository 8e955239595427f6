"""Peak memory of `eventwatch run` as the corpus grows: it must not grow with the corpus.

For each size N, a JSONL file of N news articles is written (the GeoWebNews articles from
``../shared/data``, repeated with a copy number in the title so that every article is new; the
bundled examples when the data is absent), then ``eventwatch run`` codes it into a new database
in a child process, whose peak resident memory is read from the OS.

    python benchmarks/memory.py [--sizes 200 1000] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import load_corpus

from eventwatch.evaluate.report import machine, update_section

MARK = "memory"


def write_corpus(path: Path, records: list[dict[str, str]], size: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for n in range(size):
            base = records[n % len(records)]
            copy = n // len(records)
            record = dict(base, title=f"{base['title']} ({copy})" if copy else base["title"])
            handle.write(json.dumps(record) + "\n")


def measure(corpus: Path, db: Path) -> dict[str, float]:
    """Seconds and peak resident memory (MB) of ``eventwatch run`` on ``corpus``.

    Call it once per process: the peak read is the largest of all children so far."""
    command = Path(sys.executable).parent / "eventwatch"
    start = time.perf_counter()
    subprocess.run(
        [str(command), "run", str(corpus), "--db", str(db), "-q", "--no-fetch-links",
         "--max-failed-ratio", "1"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KB on Linux
    return {"seconds": elapsed, "peak_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    description, records = load_corpus(max(args.sizes))
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sorted(args.sizes):
            corpus = Path(tmp) / f"corpus-{size}.jsonl"
            write_corpus(corpus, records, size)
            # a fresh interpreter per size, so that each peak is its own
            db = Path(tmp) / f"db-{size}.db"
            code = (
                f"import json, pathlib, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
                f"import memory; print(json.dumps(memory.measure(pathlib.Path({str(corpus)!r}), "
                f"pathlib.Path({str(db)!r}))))"
            )
            out = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
            result = json.loads(out)
            elapsed, peak = result["seconds"], result["peak_mb"]
            print(f"{size} articles: {elapsed:.1f} s, peak RSS {peak:.0f} MB", file=sys.stderr)
            lines.append(f"| {size:,} | {elapsed:.1f} | {size / elapsed:.1f} | {peak:,.0f} |")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [
            f"<!-- {MARK}:start -->",
            f"Measured {stamp} on {machine()}; model `md`, 1 process. Corpus: {description}, "
            "repeated with a copy number in the title so every article is new.",
            "",
            "| articles | seconds | articles/s | peak resident memory (MB) |",
            "|---:|---:|---:|---:|",
            *lines,
            "",
            "Command: `" + " ".join(["python", "benchmarks/memory.py", *sys.argv[1:]]) + "`",
            f"<!-- {MARK}:end -->",
        ]
    )
    print(text)
    if args.write:
        update_section(args.write, MARK, "Memory as the corpus grows", text)


if __name__ == "__main__":
    main()
