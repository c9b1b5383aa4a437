"""The refresh benchmark: a local site of many small pages, refreshed cold and then warm."""

from __future__ import annotations

import csv
import hashlib
import shutil
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from scripts import benchpages
from scripts.benchlib.competitors import Competitor
from scripts.benchlib.processes import PYTHON, BenchError, note, run_process


@dataclass(frozen=True, slots=True)
class Page:
    """One page of the site: its bytes, ETag and type, and the rows it holds."""

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
    """The cold and warm refresh timings, with what was served."""

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
    """Time `rounds` cold refreshes of `sources` pages, each followed by a warm one, checking
    that the cold one wrote every row and the warm one got only 304s and changed no file."""
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
