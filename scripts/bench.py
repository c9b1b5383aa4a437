"""Benchmark `parse` and `refresh` as whole processes, against pandas, lxml and markdown-it-py.

Run it through `scripts/bench` (which bootstraps .venv). It writes generated pages
(scripts/benchpages.py) to a temporary folder, then times each competitor as a separate process
(wall clock; the competitors alternate within every round; the median over the rounds), records
each process's peak RSS, checks every output, prints a markdown table on stdout and writes it,
with a description of the machine, to scripts/bench-results.md. Progress goes to stderr.

    scripts/bench [--rounds N] [--sections N] [--rows N] [--sources N] [--skip-refresh]
                  [--no-write]
"""

from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path
from time import perf_counter
from typing import Any

import benchpages

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "scripts" / "bench-results.md"
PYTHON = sys.executable
TIME = "/usr/bin/time"
MIB = 1024 * 1024

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
# Measures a command's peak RSS where /usr/bin/time is missing: ru_maxrss of RUSAGE_CHILDREN is
# the largest over all children, so each measurement needs a helper process of its own.
RUSAGE_HELPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[2:])\n"
    "with open(sys.argv[1], 'w') as f:\n"
    "    f.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(code)\n"
)

CONTENT_FIELDS = ("section", "http_status", "code", "title", "message", "description", "suggestion")


def note(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


class BenchError(Exception):
    """A competitor failed or gave a wrong answer: the numbers would mean nothing."""


# --- Running one process ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    rss_kib: int
    stdout: bytes


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SCRAPER_DEBUG", "PYTHONPATH")}
    env["PYTHONPATH"] = str(ROOT)
    return env


def run_process(
    argv: Sequence[str], workdir: Path, *, capture: bool = False, check: bool = True
) -> Run:
    """Run argv to completion: wall-clock seconds, peak RSS, and stdout when `capture`."""
    rss_file = workdir / ".rss"
    rss_file.unlink(missing_ok=True)
    if Path(TIME).exists():
        wrapped = [TIME, "-v", "-o", str(rss_file), *argv]
    else:
        wrapped = [PYTHON, "-c", RUSAGE_HELPER, str(rss_file), *argv]
    stdout = subprocess.PIPE if capture else subprocess.DEVNULL
    started = perf_counter()
    proc = subprocess.run(
        wrapped, stdout=stdout, stderr=subprocess.PIPE, cwd=workdir, env=_env(), check=False
    )
    seconds = perf_counter() - started
    if check and proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise BenchError(f"{' '.join(argv)} exited {proc.returncode}: " + " | ".join(tail))
    return Run(seconds=seconds, rss_kib=_read_rss(rss_file), stdout=proc.stdout or b"")


def _read_rss(path: Path) -> int:
    """Peak RSS in KiB from /usr/bin/time -v's report, or from the rusage helper."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 0
    for line in text.splitlines():
        if "Maximum resident set size" in line:
            return int(line.rsplit(":", 1)[1])
    return int(text) if text.strip().isdigit() else 0


# --- Competitors ------------------------------------------------------------------------------


@dataclass(slots=True)
class Competitor:
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


def _scraper_records(expected: list[dict[str, object]]) -> Callable[[bytes], int]:
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


def _checked_count(expected: int) -> Callable[[bytes], int]:
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


# --- The refresh benchmark: a local site of many small pages ------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    body: bytes
    etag: str
    content_type: str
    rows: int


class Site:
    """Pages by path, each with an ETag; a 304 for a matching If-None-Match; counts answers."""

    def __init__(self, pages: dict[str, Page]) -> None:
        self.pages = pages
        self.answers: Counter[int] = Counter()
        self.lock = threading.Lock()

    def reset(self) -> Counter[int]:
        with self.lock:
            answers, self.answers = self.answers, Counter()
        return answers

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: with Nagle's algorithm on, the body waits
            # for the client's delayed ACK (40 ms a request on Linux), which would be timed.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                page = site.pages.get(self.path)
                if page is None:
                    self._reply(404, b"no such page", {"Content-Type": "text/plain"})
                elif self.headers.get("If-None-Match") == page.etag:
                    self._reply(304, b"", {"ETag": page.etag})
                else:
                    self._reply(
                        200, page.body, {"ETag": page.etag, "Content-Type": page.content_type}
                    )

            def _reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                if self.path != "/robots.txt":
                    with site.lock:
                        site.answers[status] += 1
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that closes a kept-alive connection when it exits is no error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def loopback_hosts(wanted: int = 8) -> list[str]:
    """127.0.0.2, 127.0.0.3, ... when this machine routes them to loopback, else 127.0.0.1."""
    import socket

    hosts: list[str] = []
    for last in range(2, 2 + wanted):
        host = f"127.0.0.{last}"
        try:
            with socket.socket() as server:
                server.bind((host, 0))
                server.listen()
                with socket.create_connection(server.getsockname(), timeout=2):
                    pass
        except OSError:
            break
        hosts.append(host)
    return hosts or ["127.0.0.1"]


def source_pages(count: int) -> list[tuple[str, Page]]:
    """One small page per source: one section of 5-20 rows, HTML and markdown alternately."""
    pages: list[tuple[str, Page]] = []
    for index in range(count):
        rows = 5 + (index * 7) % 16
        if index % 2 == 0:
            text = benchpages.html_page(1, rows, first=index)
            path, content_type = f"/s{index:05d}.html", "text/html; charset=utf-8"
        else:
            text = benchpages.markdown_page(1, rows, first=index)
            path, content_type = f"/s{index:05d}.md", "text/markdown; charset=utf-8"
        body = text.encode("utf-8")
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        pages.append((path, Page(body, etag, content_type, rows)))
    return pages


@dataclass(slots=True)
class RefreshResult:
    cold: Competitor
    warm: Competitor
    hosts: int
    total_bytes: int


def _manifest(folder: Path, urls: list[str]) -> Path:
    folder.mkdir(parents=True)
    entries = [
        f'[[source]]\nid = "bench-{index:05d}"\nurl = "{url}"\nvendor = "Bench"\n'
        f'product = "Generated pages"\n'
        for index, url in enumerate(urls)
    ]
    manifest = folder / "sources.toml"
    manifest.write_text("\n".join(entries), encoding="utf-8")
    return manifest


def _check_cold(folder: Path, pages: list[tuple[str, Page]], answers: Counter[int]) -> int:
    """The cold refresh fetched every page and wrote every source's rows; returns the records."""
    if answers[200] != len(pages) or len(answers) != 1:
        raise BenchError(
            f"cold refresh: the server answered {dict(answers)}, not {len(pages)} x 200"
        )
    with (folder / "normalized" / "sources.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    want = {f"bench-{index:05d}": page.rows for index, (_, page) in enumerate(pages)}
    got = {row["id"]: int(row["rows"] or 0) for row in rows if row["status"] == "ok"}
    if got != want:
        missing = sum(1 for key, value in want.items() if got.get(key) != value)
        raise BenchError(f"cold refresh: {missing} of {len(pages)} sources lack their rows")
    with (folder / "normalized" / "errors.csv").open(encoding="utf-8", newline="") as f:
        records = sum(1 for _ in csv.DictReader(f))
    if records != sum(want.values()):
        raise BenchError(
            f"cold refresh: errors.csv has {records} records, not {sum(want.values())}"
        )
    return records


def _digest_tree(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def bench_refresh(sources: int, rounds: int, workdir: Path) -> RefreshResult:
    pages = source_pages(sources)
    site = Site(dict(pages))
    hosts = loopback_hosts()
    servers = [_Server((host, 0), site.handler()) for host in hosts]
    threads = [
        threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        for s in servers
    ]
    for thread in threads:
        thread.start()
    note(f"refresh: serving {sources} pages from {len(hosts)} hosts ({', '.join(hosts)})")
    urls = []
    for index, (path, _) in enumerate(pages):
        server = servers[index % len(servers)]
        host, port = server.server_address[:2]
        urls.append(f"http://{host!s}:{port}{path}")
    cold = Competitor(f"refresh {sources} sources, cold (all 200)", [])
    warm = Competitor(f"refresh {sources} sources, warm (all 304)", [])
    try:
        for index in range(rounds):
            folder = workdir / f"refresh-{index}"
            manifest = _manifest(folder, urls)
            argv = [
                PYTHON, "-m", "scraper", "refresh", "--manifest", str(manifest),
                "--delay", "0", "--timeout", "10",
            ]  # fmt: skip
            site.reset()
            run = run_process(argv, workdir)
            cold.seconds.append(run.seconds)
            cold.rss_kib.append(run.rss_kib)
            cold.rows = _check_cold(folder, pages, site.reset())
            before = _digest_tree(folder)
            run = run_process(argv, workdir)
            warm.seconds.append(run.seconds)
            warm.rss_kib.append(run.rss_kib)
            answers = site.reset()
            if answers[304] != sources or len(answers) != 1:
                raise BenchError(f"warm refresh: the server answered {dict(answers)}, not 304s")
            if _digest_tree(folder) != before:
                raise BenchError("warm refresh: files changed although no page did")
            warm.rows = cold.rows
            note(
                f"refresh: round {index + 1}/{rounds}: cold {cold.seconds[-1]:.2f} s, "
                f"warm {run.seconds:.2f} s, {cold.rows} records (checked)"
            )
            shutil.rmtree(folder)
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    total = sum(len(page.body) for _, page in pages)
    return RefreshResult(cold=cold, warm=warm, hosts=len(hosts), total_bytes=total)


# --- Report -----------------------------------------------------------------------------------


def machine() -> list[str]:
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
    task: str
    this: Competitor
    alternative: Competitor | None
    page_bytes: int


def table(lines: list[Line]) -> list[str]:
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


def main(argv: Sequence[str] | None = None) -> int:
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
        _write(report, page_notes, args, command, elapsed)
        note(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


def _compile_bytecode() -> None:
    """Compile the package as installing it would, so that no timed run compiles it (with
    PYTHONDONTWRITEBYTECODE set, every run would; the alternatives' packages come compiled)."""
    subprocess.run(
        [PYTHON, "-m", "compileall", "-q", str(ROOT / "scraper")],
        check=True,
        stdout=subprocess.DEVNULL,
        env=_env(),
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
            _scraper_records(expected),
        )
        pandas = Competitor(
            'pandas.read_html(flavor="lxml")',
            [PYTHON, "-c", PANDAS_CODE, str(html_path)],
            _checked_count(len(expected)),
        )
        bare_lxml = Competitor(
            "lxml.html.parse (bare)",
            [PYTHON, "-c", LXML_CODE, str(html_path)],
            _checked_count(len(expected)),
        )
        measure([scraper_html, pandas, bare_lxml], args.rounds, workdir, "html")
        html_task = f"parse HTML page ({size(html_bytes)})"
        lines.append(Line(html_task, scraper_html, pandas, html_bytes))
        lines.append(Line(html_task, scraper_html, bare_lxml, html_bytes))

        scraper_md = Competitor(
            "scraper parse (markdown)",
            [PYTHON, "-m", "scraper", "parse", str(md_path), "--format", "jsonl"],
            _scraper_records(expected),
        )
        markdown_it = Competitor(
            'markdown-it-py parse ("commonmark" + table, bare)',
            [PYTHON, "-c", MARKDOWN_IT_CODE, str(md_path)],
            _checked_count(len(expected)),
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


def _write(
    report: list[str], page_notes: list[str], args: argparse.Namespace, command: str, elapsed: float
) -> None:
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


if __name__ == "__main__":
    sys.exit(main())
