"""One writer per project, readers that never write, and writes that leave nothing behind.

Real processes against a real HTTP server on 127.0.0.1: a refresh is held in the middle of its
run by a page the server does not answer yet, while other commands run beside it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from scraper.dataset import DATASET_FILES
from tests.conftest import ROOT, run_cli
from tests.httpserver import TestServer
from tests.test_refresh import Site, make_project, refresh, rows, tree


class HeldSite(Site):
    """The seed pages; while `held` is clear, a request for /otc waits for it."""

    def __init__(self) -> None:
        super().__init__()
        self.held = threading.Event()
        self.held.set()

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        if request.path == "/otc":
            self.held.wait(60)
        super().handle(request)


@pytest.fixture
def held() -> Iterator[tuple[HeldSite, TestServer]]:
    content = HeldSite()
    with TestServer(content.handle) as server:
        try:
            yield content, server
        finally:
            content.held.set()


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SCRAPER_DEBUG"}
    env["PYTHONPATH"] = str(ROOT)
    return env


def start_refresh(manifest: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "scraper", "refresh", "--manifest", str(manifest)),
            *("--delay", "0", "--timeout", "30", "--retries", "0", *extra),
        ],
        cwd=manifest.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )


def wait_for(condition: object, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():  # type: ignore[operator]
        assert process.poll() is None, f"the refresh ended before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def hold_a_refresh(
    content: HeldSite, server: TestServer, manifest: Path
) -> subprocess.Popen[bytes]:
    """A refresh that holds the project while the server keeps it waiting for /otc."""
    content.held.clear()
    asked = server.count("/otc")
    process = start_refresh(manifest)
    wait_for(lambda: server.count("/otc") > asked, process, "the refresh asked for /otc")
    return process


def finish(process: subprocess.Popen[bytes], content: HeldSite) -> tuple[int, str]:
    content.held.set()
    _, err = process.communicate(timeout=60)
    return process.returncode, err.decode()


def leftovers(project: Path) -> list[str]:
    names = [p.name for p in project.iterdir() if p.name.startswith(".normalized.")]
    names += [f"raw/{p.name}" for p in (project / "raw").iterdir() if p.name.endswith(".tmp")]
    return sorted(names)


def test_validate_leaves_a_running_refreshs_staging_folder_alone(
    tmp_path: Path, held: tuple[HeldSite, TestServer]
) -> None:
    content, server = held
    manifest = make_project(tmp_path, server)
    assert refresh(manifest)[0] == 0
    process = hold_a_refresh(content, server, manifest)
    # What the running refresh is writing: a staging folder and a temporary file in raw/.
    staging = tmp_path / ".normalized.new-inflight"
    staging.mkdir()
    (staging / "errors.csv").write_text("key,source\n")
    temporary = tmp_path / "raw" / ".otc-lts-status-code.md.a1b2c3d4.tmp"
    temporary.write_bytes(b"half a page")

    for command in (
        ["validate", str(tmp_path / "normalized")],
        ["diff", str(tmp_path / "normalized"), str(tmp_path / "normalized")],
    ):
        proc = run_cli(*command)
        assert proc.returncode == 0, proc.stderr.decode()
        assert (staging / "errors.csv").read_text() == "key,source\n", command
        assert temporary.read_bytes() == b"half a page", command

    code, err = finish(process, content)
    assert code == 0, err
    assert staging.is_dir() and temporary.exists()


def test_a_second_refresh_fails_at_once_naming_the_lock_and_its_holder(
    tmp_path: Path, held: tuple[HeldSite, TestServer]
) -> None:
    content, server = held
    manifest = make_project(tmp_path, server)
    assert refresh(manifest)[0] == 0
    content.pages["/jd"] = content.pages["/jd"].replace(b"ack failed", b"ack has failed")
    first = hold_a_refresh(content, server, manifest)
    lock = tmp_path / ".refresh.lock"
    assert lock.read_text() == f"{first.pid}\n"
    before = tree(tmp_path)

    started = time.monotonic()
    second = run_cli(
        "refresh", "--manifest", str(manifest), "--delay", "0", "--offline", timeout=20
    )
    assert time.monotonic() - started < 15
    assert second.returncode == 1
    lines = second.stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert str(lock) in lines[0]
    assert f"process {first.pid} " in lines[0]
    assert "wait for it to finish" in lines[0]
    assert second.stdout == b""
    assert tree(tmp_path) == before, "the refused refresh wrote"

    code, err = finish(first, content)
    assert code == 0, err
    assert [r for r in rows(tmp_path) if "ack has failed" in r.values()]
    assert lock.read_bytes() == b"", "the lock file keeps the pid of a refresh that ended"
    # The lock ends with its holder: the next refresh runs.
    assert refresh(manifest)[0] == 0


def test_abandoned_files_are_reported_by_validate_and_removed_by_the_next_refresh(
    tmp_path: Path, held: tuple[HeldSite, TestServer]
) -> None:
    _, server = held
    manifest = make_project(tmp_path, server)
    assert refresh(manifest)[0] == 0
    # What a refresh killed mid-write leaves.
    staging = tmp_path / ".normalized.new-x1y2z3"
    staging.mkdir()
    (staging / "errors.csv").write_text("key\n")
    temporary = tmp_path / "raw" / ".jdcloud-jcq-response-result.md.q9w8e7r6.tmp"
    temporary.write_bytes(b"half")
    (tmp_path / "normalized" / ".errors.csv.z1x2c3v4.tmp").write_bytes(b"half")

    proc = run_cli("validate", str(tmp_path / "normalized"))
    assert proc.returncode == 1
    err = proc.stderr.decode()
    for path in (staging, temporary, tmp_path / "normalized" / ".errors.csv.z1x2c3v4.tmp"):
        assert f"{path}: left by an interrupted refresh" in err
        assert path.exists(), "validate removed what it reports"

    code, _, err = refresh(manifest, "--offline")
    assert code == 0, err
    assert leftovers(tmp_path) == []
    assert sorted(p.name for p in (tmp_path / "normalized").iterdir()) == sorted(DATASET_FILES)
    assert run_cli("validate", str(tmp_path / "normalized")).returncode == 0


# Big pages make a refresh long enough to be signalled in the middle of its writes.
PADDING = b"".join(b"Filler line %d of a long page.\n" % n for n in range(20_000))


class BigSite:
    """Sixty big pages whose text changes from one refresh to the next."""

    def __init__(self) -> None:
        seeds = sorted((ROOT / "raw").glob("*.txt"))
        self.pages = {
            f"/p{n}": seeds[n % len(seeds)].read_bytes() + b"\n\n" + PADDING for n in range(60)
        }
        self.version = 0

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        from tests.httpserver import reply

        body = self.pages[request.path] + b"\nVersion %d.\n" % self.version
        reply(request, 200, body, {"Content-Type": "text/markdown; charset=utf-8"})


def test_sigterm_ends_a_refresh_as_ctrl_c_does_and_leaves_no_temporary_files(
    tmp_path: Path,
) -> None:
    content = BigSite()
    with TestServer(content.handle) as server:
        manifest = tmp_path / "sources.toml"
        manifest.write_text(
            "\n".join(
                f'[[source]]\nid = "page-{path[2:]}"\nurl = "{server.url(path)}"\n'
                'vendor = "V"\nproduct = "P"\n'
                for path in content.pages
            ),
            encoding="utf-8",
        )
        code, _, err = refresh(manifest)
        assert code == 0, err
        saved = tmp_path.parent / f"{tmp_path.name}-saved"
        shutil.copytree(tmp_path / "normalized", saved)
        for attempt, delay in enumerate((0.0, 0.1, 0.3, 0.6, 1.0, 1.5, 2.0, 3.0)):
            content.version = attempt + 1
            asked = len(server.paths())
            process = start_refresh(manifest, "--quiet")
            # From its first request on, the refresh is running (before it, the process is
            # still starting, and a signal ends it as it ends any program that has not
            # begun). Aim at the moment a snapshot is being written, else at a moment later.
            wait_for(lambda n=asked: len(server.paths()) > n, process, "the first request")
            deadline = time.monotonic() + delay
            while time.monotonic() < deadline and process.poll() is None:
                if any(p.name.endswith(".tmp") for p in (tmp_path / "raw").iterdir()):
                    break
                time.sleep(0.0005)
            writing = any(p.name.endswith(".tmp") for p in (tmp_path / "raw").iterdir())
            process.send_signal(signal.SIGTERM)
            _, err_bytes = process.communicate(timeout=60)
            moment = "a snapshot write" if writing else "the run"
            print(f"SIGTERM {delay} s into {moment}: exit {process.returncode}")
            if process.returncode == 0:
                continue  # it ended before the signal
            assert process.returncode == 143, (delay, process.returncode, err_bytes)
            folder = tmp_path / "normalized"
            assert err_bytes.decode().strip().splitlines()[-1] in (
                f"scraper: terminated; {folder}/ holds the previous dataset, unchanged",
                f"scraper: terminated after the new dataset was written; {folder}/ is complete",
            )
            assert leftovers(tmp_path) == [], delay
            names = sorted(p.name for p in (tmp_path / "normalized").iterdir())
            assert names == sorted(DATASET_FILES)
        code, _, err = refresh(manifest)
        assert code == 0, err
        proc = run_cli("validate", str(tmp_path / "normalized"))
        assert proc.returncode == 0, proc.stderr.decode()


@pytest.mark.parametrize("kind", ["read-only", "symbolic link"])
def test_a_dataset_folder_that_cannot_be_replaced_is_refused(
    tmp_path: Path, held: tuple[HeldSite, TestServer], kind: str
) -> None:
    content, server = held
    project = tmp_path / "project"
    project.mkdir()
    manifest = make_project(project, server)
    assert refresh(manifest)[0] == 0
    normalized = project / "normalized"
    if kind == "read-only":
        normalized.chmod(0o555)
    else:
        target = tmp_path / "elsewhere"
        normalized.rename(target)
        normalized.symlink_to(target, target_is_directory=True)
    before = tree(tmp_path)
    content.pages["/jd"] = content.pages["/jd"].replace(b"ack failed", b"ack has failed")
    try:
        code, out, err = refresh(manifest)
        assert code == 1
        lines = err.strip().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith(
            f"scraper: {normalized}: is {'a ' if kind != 'read-only' else ''}"
        )
        assert kind in lines[0]
        assert out == ""
        assert leftovers(project) == []
        assert tree(tmp_path) == before
        if kind == "symbolic link":
            assert normalized.is_symlink()
    finally:
        if kind == "read-only":
            normalized.chmod(0o755)


def test_the_lock_message_names_the_lock_file_in_full(
    tmp_path: Path, held: tuple[HeldSite, TestServer]
) -> None:
    content, server = held
    manifest = make_project(tmp_path, server)
    first = hold_a_refresh(content, server, manifest)
    second = run_cli("refresh", "--offline", "--manifest", "sources.toml", cwd=tmp_path)
    assert second.returncode == 1
    assert second.stderr.decode().startswith(
        f"scraper: {tmp_path / '.refresh.lock'}: another refresh of this project is running "
        f"(process {first.pid} holds the lock)"
    )
    finish(first, content)
