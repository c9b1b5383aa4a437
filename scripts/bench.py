"""Benchmark `parse` and `refresh` as whole processes, against pandas, lxml and markdown-it-py.

Run it through `scripts/bench` (which bootstraps .venv). It writes generated pages
(scripts/benchpages.py) to a temporary folder, then times each competitor as a separate process
(wall clock; the competitors alternate within every round; the median over the rounds), records
each process's peak RSS, checks every output, prints a markdown table on stdout and writes it,
with a description of the machine, to scripts/bench-results.md. Progress goes to stderr.

    scripts/bench [--rounds N] [--sections N] [--rows N] [--sources N] [--skip-refresh]
                  [--no-write]

Its parts live in scripts/benchlib: running and measuring a process (processes), the
competitors and their rounds (competitors), the local site the refresh benchmark serves
(refresh_site), the table and the results file (report). Without the wrapper, run it from the
project's root as `python -m scripts.bench`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from time import perf_counter

from scripts import benchpages
from scripts.benchlib.competitors import (
    LXML_CODE,
    MARKDOWN_IT_CODE,
    PANDAS_CODE,
    Competitor,
    checked_count,
    measure,
    scraper_records,
)
from scripts.benchlib.processes import PYTHON, ROOT, BenchError, child_env, note
from scripts.benchlib.refresh_site import bench_refresh
from scripts.benchlib.report import RESULTS, Line, size, table, write_results


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark with the options in `argv`; print the table; 1 when a check fails."""
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per task (default 5)")
    parser.add_argument("--sections", type=int, default=200, help="sections of the big page")
    parser.add_argument("--rows", type=int, default=50, help="rows per section")
    parser.add_argument("--sources", type=int, default=1000, help="sources for refresh")
    parser.add_argument("--skip-refresh", action="store_true", help="do not time refresh")
    parser.add_argument("--no-write", action="store_true", help=f"do not write {RESULTS.name}")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.sections < 1 or args.rows < 1 or args.sources < 1:
        parser.error("--rounds, --sections, --rows and --sources must be at least 1")
    if args.rounds < 3:
        note(f"only {args.rounds} round(s): the medians are not worth publishing")

    started = perf_counter()
    try:
        lines, page_notes = _run(args)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    elapsed = perf_counter() - started
    report = table(lines)
    print("\n".join(report))
    note(f"done in {elapsed:.0f} s")
    if not args.no_write:
        given = list(sys.argv[1:] if argv is None else argv)
        command = " ".join(["scripts/bench", *given])
        write_results(report, page_notes, args, command, elapsed)
        note(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


def _compile_bytecode() -> None:
    """Compile the package as installing it would, so that no timed run compiles it (with
    PYTHONDONTWRITEBYTECODE set, every run would; the alternatives' packages come compiled)."""
    subprocess.run(
        [PYTHON, "-m", "compileall", "-q", str(ROOT / "scraper")],
        check=True,
        stdout=subprocess.DEVNULL,
        env=child_env(),
    )


def _run(args: argparse.Namespace) -> tuple[list[Line], list[str]]:
    lines: list[Line] = []
    page_notes = ["- The package's bytecode is compiled before timing, as installing it does"]
    _compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="scraper-bench-") as tmp:
        workdir = Path(tmp)
        sections, rows = args.sections, args.rows
        html_path, md_path = workdir / "page.html", workdir / "page.md"
        html_path.write_text(benchpages.html_page(sections, rows), encoding="utf-8")
        md_path.write_text(benchpages.markdown_page(sections, rows), encoding="utf-8")
        expected = benchpages.expected_rows(sections, rows)
        html_bytes, md_bytes = html_path.stat().st_size, md_path.stat().st_size
        for name, length in (("HTML", html_bytes), ("markdown", md_bytes)):
            page_notes.append(
                f"- {name} page: {length:,} bytes ({size(length)}), {sections} sections x "
                f"{rows} rows = {len(expected):,} rows"
            )
        note(f"pages: HTML {size(html_bytes)}, markdown {size(md_bytes)}")

        scraper_html = Competitor(
            "scraper parse (html)",
            [PYTHON, "-m", "scraper", "parse", str(html_path), "--format", "jsonl"],
            scraper_records(expected),
        )
        pandas = Competitor(
            'pandas.read_html(flavor="lxml")',
            [PYTHON, "-c", PANDAS_CODE, str(html_path)],
            checked_count(len(expected)),
        )
        bare_lxml = Competitor(
            "lxml.html.parse (bare)",
            [PYTHON, "-c", LXML_CODE, str(html_path)],
            checked_count(len(expected)),
        )
        measure([scraper_html, pandas, bare_lxml], args.rounds, workdir, "html")
        html_task = f"parse HTML page ({size(html_bytes)})"
        lines.append(Line(html_task, scraper_html, pandas, html_bytes))
        lines.append(Line(html_task, scraper_html, bare_lxml, html_bytes))

        scraper_md = Competitor(
            "scraper parse (markdown)",
            [PYTHON, "-m", "scraper", "parse", str(md_path), "--format", "jsonl"],
            scraper_records(expected),
        )
        markdown_it = Competitor(
            'markdown-it-py parse ("commonmark" + table, bare)',
            [PYTHON, "-c", MARKDOWN_IT_CODE, str(md_path)],
            checked_count(len(expected)),
        )
        measure([scraper_md, markdown_it], args.rounds, workdir, "markdown")
        md_task = f"parse markdown page ({size(md_bytes)})"
        lines.append(Line(md_task, scraper_md, markdown_it, md_bytes))

        startup = [
            Competitor("python -c pass", [PYTHON, "-c", "pass"]),
            Competitor("import scraper.pipeline", [PYTHON, "-c", "import scraper.pipeline"]),
            Competitor("import pandas", [PYTHON, "-c", "import pandas"]),
        ]
        measure(startup, args.rounds, workdir, "start-up")
        page_notes.append(
            "- Process start-up, included in every time above: "
            + ", ".join(f"`{c.name}` {c.median:.2f} s ({c.rss_mib:.0f} MiB)" for c in startup)
        )

        if not args.skip_refresh:
            result = bench_refresh(args.sources, args.rounds, workdir)
            for competitor in (result.cold, result.warm):
                lines.append(Line(competitor.name, competitor, None, 0))
            page_notes.append(
                f"- refresh: {args.sources:,} sources ({size(result.total_bytes)} in all, "
                f"one section of 5-20 rows each, HTML and markdown alternately) served with ETags "
                f"by a ThreadingHTTPServer in the harness on {result.hosts} loopback host(s); "
                f"`--delay 0 --timeout 10`; cold = fresh folder, warm = the same folder again"
            )
    return lines, page_notes


if __name__ == "__main__":
    sys.exit(main())
