"""The benchmark's report: the markdown table, the machine it ran on, the results file."""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from scripts.benchlib.competitors import Competitor
from scripts.benchlib.processes import ROOT, TIME

RESULTS = ROOT / "scripts" / "bench-results.md"
MIB = 1024 * 1024


def machine() -> list[str]:
    """Markdown bullets describing this machine, the packages compared and the revision."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / MIB:.1f} GiB"
                break
    except OSError:
        pass
    versions = []
    for package in ("lxml", "pandas", "markdown-it-py", "ftfy", "httpx"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    return [
        f"- CPU: {cpu or platform.processor() or 'unknown'}, {os.cpu_count()} cores",
        f"- Memory: {memory or 'unknown'}",
        f"- OS: {platform.system()} {platform.release()}",
        f"- Python: {platform.python_version()} ({platform.python_implementation()})",
        f"- Packages: {', '.join(versions)}",
        f"- Scraper: {_revision()}",
        f"- Date: {datetime.datetime.now(datetime.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
    ]


def _revision() -> str:
    try:
        head = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, check=True
            )
            .stdout.decode()
            .strip()
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "scraper"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown revision"
    return f"git {head}" + (" with uncommitted changes in scraper/" if dirty else "")


def _mib(value: float) -> str:
    return f"{value:.0f}"


def size(count: int) -> str:
    """A page size for people: 8.1 MiB, 37 KiB."""
    return f"{count / MIB:.1f} MiB" if count >= MIB else f"{count / 1024:.0f} KiB"


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the table: a task, this tool's timing and an alternative's, if any."""

    task: str
    this: Competitor
    alternative: Competitor | None
    page_bytes: int


def table(lines: list[Line]) -> list[str]:
    """The results as the lines of a markdown table."""
    out = [
        "| task | this tool (s) | alternative | alternative (s) | alternative / this tool "
        "| RSS this tool (MiB) | RSS alternative (MiB) | RSS / page, this tool "
        "| RSS / page, alternative | rows, this tool | rows, alternative |",
        "|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for line in lines:
        this, alt = line.this, line.alternative
        page_mib = line.page_bytes / MIB

        def per_page(c: Competitor, page_mib: float = page_mib) -> str:
            return f"{c.rss_mib / page_mib:.1f}x" if page_mib else "—"

        cells = [
            line.task,
            f"{this.median:.2f}",
            alt.name if alt else "—",
            f"{alt.median:.2f}" if alt else "—",
            f"{alt.median / this.median:.2f}" if alt else "—",
            _mib(this.rss_mib),
            _mib(alt.rss_mib) if alt else "—",
            per_page(this),
            per_page(alt) if alt else "—",
            f"{this.rows:,}",
            f"{alt.rows:,}" if alt else "—",
        ]
        out.append("| " + " | ".join(cells) + " |")
    return out


def write_results(
    report: list[str], page_notes: list[str], args: argparse.Namespace, command: str, elapsed: float
) -> None:
    """Write the table, the machine and the method to scripts/bench-results.md."""
    text = [
        "# Benchmark results",
        "",
        f"Written by `{command}` (whole run: {elapsed:.0f} s). Regenerate with `scripts/bench`;",
        "see `scripts/bench.py` for the method and `scripts/benchpages.py` for the pages.",
        "",
        "## Machine",
        "",
        *machine(),
        "",
        "## Results",
        "",
        *report,
        "",
        f"Times: wall clock of the whole process (start-up included), median of {args.rounds} "
        "rounds, the competitors alternating within each round after one untimed warm-up run "
        "each, which is also where every output is checked (the scraper's records field by "
        "field against the generator's truth, the alternatives' row counts). "
        '"alternative / this tool" above 1 means the scraper is that many times faster. '
        "RSS: the largest peak resident set size over the rounds "
        f"({'/usr/bin/time -v' if Path(TIME).exists() else 'getrusage in a helper process'}); "
        '"RSS / page" divides it by the page\'s size on disk.',
        "",
        *page_notes,
        "",
    ]
    RESULTS.write_text("\n".join(text), encoding="utf-8")
