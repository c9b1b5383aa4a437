"""One deadline per request, whatever the server drips, and fetches that Ctrl-C stops at once.

Real servers on 127.0.0.1 and, for the command line, real processes.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from scraper.errors import FetchError
from scraper.fetch import FetchPolicy, fetch_source, fetch_url
from scraper.types import Source
from tests.conftest import ROOT
from tests.httpserver import Handle, TestServer, reply

PAGE = b"| Code | Message |\n|---|---|\n| 400 | Bad Request |\n"
# How long a dripping server keeps going: long enough that a fetch which waits for it shows.
DRIP_FOR = 8.0


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def policy() -> FetchPolicy:
    return FetchPolicy(timeout=1.0, retries=0, host_delay=0.0, sleep=lambda _: None)


def header_drip(stopping: threading.Event) -> Handle:
    """A handler that sends a status line, then header bytes one at a time, never ending them."""

    def handle(request: BaseHTTPRequestHandler) -> None:
        request.close_connection = True
        request.wfile.write(b"HTTP/1.1 200 OK\r\n")
        request.wfile.flush()
        line = b"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
        ends = time.monotonic() + DRIP_FOR
        while time.monotonic() < ends:
            for byte in line:
                request.wfile.write(bytes([byte]))
                request.wfile.flush()
                if stopping.wait(0.02):
                    return

    return handle


def timed_failure(call: object, *args: object) -> tuple[str, float]:
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        call(*args)  # type: ignore[operator]
    return str(caught.value), time.monotonic() - started


# One deadline per request


def test_headers_dripped_a_byte_at_a_time_hit_the_deadline(policy: FetchPolicy) -> None:
    stopping = threading.Event()
    with TestServer(header_drip(stopping)) as server:
        source = Source(id="src", url=server.url("/page"))
        try:
            message, took = timed_failure(fetch_source, source, None, policy)
        finally:
            stopping.set()
    assert message == "src: timed out"
    assert took < policy.timeout + 1.0


def test_the_deadline_holds_for_each_retry(policy: FetchPolicy) -> None:
    stopping = threading.Event()
    with TestServer(header_drip(stopping)) as server:
        source = Source(id="src", url=server.url("/page"))
        try:
            message, took = timed_failure(
                fetch_source, source, None, dataclasses.replace(policy, timeout=0.5, retries=1)
            )
        finally:
            stopping.set()
    assert message == "src: timed out after 2 attempts"
    assert took < 2 * 0.5 + 1.0


def test_fetch_url_of_parse_has_the_same_deadline(policy: FetchPolicy) -> None:
    stopping = threading.Event()
    with TestServer(header_drip(stopping)) as server:
        url = server.url("/errors.md")
        try:
            message, took = timed_failure(fetch_url, url, policy)
        finally:
            stopping.set()
    assert message == f"{url}: timed out"
    assert took < policy.timeout + 1.0


def test_robots_txt_dripped_a_byte_at_a_time_hits_the_deadline(policy: FetchPolicy) -> None:
    stopping = threading.Event()
    page = [0]

    def handle(request: BaseHTTPRequestHandler) -> None:
        page[0] += 1
        reply(request, 200, PAGE)

    with TestServer(handle, robots=header_drip(stopping)) as server:
        source = Source(id="src", url=server.url("/page"))
        try:
            message, took = timed_failure(fetch_source, source, None, policy)
        finally:
            stopping.set()
    robots = server.url("/robots.txt")
    assert message == f"src: not fetched: robots.txt unreachable ({robots}: timed out)"
    assert took < policy.timeout + 1.0
    assert page == [0]


def write_manifest(folder: Path, url: str) -> Path:
    manifest = folder / "sources.toml"
    manifest.write_text(
        f'[[source]]\nid = "drip"\nurl = "{url}"\nvendor = "V"\nproduct = "P"\n', encoding="utf-8"
    )
    return manifest


def test_refresh_with_a_timeout_ends_while_headers_still_drip(tmp_path: Path) -> None:
    stopping = threading.Event()
    with TestServer(header_drip(stopping)) as server:
        manifest = write_manifest(tmp_path, server.url("/page"))
        started = time.monotonic()
        try:
            options = ["--timeout", "1", "--retries", "0", "--ignore-robots"]
            proc = subprocess.run(
                [sys.executable, "-m", "scraper", "refresh", "--manifest", str(manifest), *options],
                cwd=ROOT,
                capture_output=True,
                env=cli_env(),
                timeout=60,
            )
        finally:
            stopping.set()
        took = time.monotonic() - started
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert "scraper: drip: timed out" in err
    # The process starts Python and writes the dataset besides the request itself.
    assert took < 1.0 + 4.0


# Ctrl-C


def cli_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SCRAPER_DEBUG" and "proxy" not in k.lower()}
    env["PYTHONPATH"] = str(ROOT)
    return env


@pytest.fixture
def mute_server() -> Iterator[str]:
    """A server that accepts connections and never says a word; yields its base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.05)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in accepted:
            connection.close()
        listener.close()


@pytest.fixture
def deaf_server() -> Iterator[str]:
    """A server whose queue of connections is full, so that connecting to it hangs: the SYN is
    dropped as a host that drops packets would drop it. Yields its base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    held: list[socket.socket] = []
    try:
        while True:
            probe = socket.socket()
            probe.settimeout(0.3)
            try:
                probe.connect(listener.getsockname())
            except TimeoutError:
                probe.close()
                break
            held.append(probe)
            assert len(held) < 64, "the connection queue never filled"
        yield url
    finally:
        for probe in held:
            probe.close()
        listener.close()


def test_connecting_to_a_host_that_drops_packets_ends_at_the_deadline(
    deaf_server: str, policy: FetchPolicy
) -> None:
    source = Source(id="src", url=f"{deaf_server}/page")
    ignoring = dataclasses.replace(policy, respect_robots=False)
    message, took = timed_failure(fetch_source, source, None, ignoring)
    assert message == "src: timed out"
    assert took < policy.timeout + 1.0


def interrupt_after(args: list[str], wait: float = 1.0) -> tuple[int, float, str]:
    """Run the CLI, press Ctrl-C after `wait` seconds: its exit status, how long it took to
    exit after the signal, and its stderr."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "scraper", *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=cli_env(),
        # A runner started in the background may ignore SIGINT; a terminal's child would not.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        time.sleep(wait)
        assert proc.poll() is None, "the command ended before it could be interrupted"
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=3.0)
        except subprocess.TimeoutExpired:
            return -1, time.monotonic() - sent, ""
        took = time.monotonic() - sent
        assert proc.stderr is not None
        return proc.returncode, took, proc.stderr.read().decode()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


def test_ctrl_c_stops_parse_of_a_url_that_never_answers(mute_server: str) -> None:
    code, took, err = interrupt_after(["parse", f"{mute_server}/errors.md"])
    assert code == 130, f"still running {took:.1f} s after Ctrl-C"
    assert took < 3.0
    assert err.strip() == "scraper: interrupted"


def test_ctrl_c_stops_a_refresh_whose_server_never_answers(
    mute_server: str, tmp_path: Path
) -> None:
    manifest = write_manifest(tmp_path, f"{mute_server}/page")
    code, took, err = interrupt_after(["refresh", "--manifest", str(manifest)])
    assert code == 130, f"still running {took:.1f} s after Ctrl-C"
    assert took < 3.0
    folder = tmp_path / "normalized"
    assert err.strip().splitlines()[-1] == (
        f"scraper: interrupted; {folder}/ holds the previous dataset, unchanged"
    )


def test_ctrl_c_stops_a_refresh_still_connecting(deaf_server: str, tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path, f"{deaf_server}/page")
    code, took, err = interrupt_after(["refresh", "--manifest", str(manifest)])
    assert code == 130, f"still running {took:.1f} s after Ctrl-C"
    assert took < 3.0
    folder = tmp_path / "normalized"
    assert err.strip().splitlines()[-1] == (
        f"scraper: interrupted; {folder}/ holds the previous dataset, unchanged"
    )


def test_ctrl_c_stops_parse_of_a_url_still_connecting(deaf_server: str) -> None:
    code, took, err = interrupt_after(["parse", f"{deaf_server}/errors.md"])
    assert code == 130, f"still running {took:.1f} s after Ctrl-C"
    assert took < 3.0
    assert err.strip() == "scraper: interrupted"
