"""What is timed: each competitor's command, the check of its output, the alternating rounds."""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scripts.benchlib.processes import BenchError, note, run_process

# What the alternatives run, each in its own process; each prints the rows it found.
PANDAS_CODE = (
    "import sys, pandas\n"
    "tables = pandas.read_html(sys.argv[1], flavor='lxml')\n"
    "print(sum(len(t) for t in tables))\n"
)
LXML_CODE = (
    "import sys, lxml.html\n"
    "tree = lxml.html.parse(sys.argv[1])\n"
    "print(len(tree.getroot().findall('.//tbody/tr')))\n"
)
MARKDOWN_IT_CODE = (
    "import sys\n"
    "from markdown_it import MarkdownIt\n"
    "with open(sys.argv[1], encoding='utf-8') as f:\n"
    "    text = f.read()\n"
    "tokens = MarkdownIt('commonmark').enable('table').parse(text)\n"
    "rows = sum(t.type == 'tr_open' for t in tokens)\n"
    "print(rows - sum(t.type == 'thead_open' for t in tokens))\n"
)
CONTENT_FIELDS = ("section", "http_status", "code", "title", "message", "description", "suggestion")


@dataclass(slots=True)
class Competitor:
    """One command timed against the others, with its times, peak RSS and rows found."""

    name: str
    argv: list[str]
    count: Callable[[bytes], int] | None = None
    """Rows found, from the process's stdout, checked (raises BenchError when wrong)."""
    seconds: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    rows: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def rss_mib(self) -> float:
        return max(self.rss_kib) / 1024 if self.rss_kib else 0.0


def _printed_count(stdout: bytes) -> int:
    return int(stdout.decode().strip().splitlines()[-1])


def scraper_records(expected: list[dict[str, object]]) -> Callable[[bytes], int]:
    """Count jsonl records, checking their content fields against the generator's truth."""

    def count(stdout: bytes) -> int:
        records = [json.loads(line) for line in stdout.splitlines() if line.strip()]
        got = [{name: record[name] for name in CONTENT_FIELDS} for record in records]
        if len(got) != len(expected):
            raise BenchError(f"parse gave {len(got)} records, the page has {len(expected)} rows")
        wrong = sum(1 for g, e in zip(got, expected, strict=True) if g != e)
        if wrong:
            raise BenchError(f"parse gave {wrong} records that differ from the page's rows")
        return len(got)

    return count


def checked_count(expected: int) -> Callable[[bytes], int]:
    """Read the row count a competitor prints, checking it against the page's `expected`."""

    def count(stdout: bytes) -> int:
        found = _printed_count(stdout)
        if found != expected:
            raise BenchError(f"found {found} rows, the page has {expected}")
        return found

    return count


def measure(competitors: list[Competitor], rounds: int, workdir: Path, label: str) -> None:
    """One untimed run each (warms caches, checks the output), then `rounds` alternating runs."""
    for competitor in competitors:
        run = run_process(competitor.argv, workdir, capture=True)
        found = ""
        if competitor.count is not None:
            competitor.rows = competitor.count(run.stdout)
            found = f"{competitor.rows} rows (checked), "
        note(f"{label}: {competitor.name}: {found}warm-up {run.seconds:.2f} s")
    for index in range(rounds):
        shift = index % len(competitors)
        for competitor in competitors[shift:] + competitors[:shift]:
            run = run_process(competitor.argv, workdir)
            competitor.seconds.append(run.seconds)
            competitor.rss_kib.append(run.rss_kib)
            note(
                f"{label}: round {index + 1}/{rounds}: {competitor.name} {run.seconds:.2f} s, "
                f"{run.rss_kib / 1024:.0f} MiB"
            )
