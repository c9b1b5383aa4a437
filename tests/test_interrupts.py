"""Interrupts and signals: what a Ctrl-C or a SIGTERM leaves, and says it leaves.

Real processes against a real HTTP server on 127.0.0.1. A refresh is held before its dataset
swap by a page the server does not answer yet. No real moment after the swap can be aimed at
from outside (the swap itself holds SIGINT and SIGTERM back until it is done, and what follows
takes microseconds), so that moment is made by an interrupt raised from the summary step that
follows the swap, in the library and in a real CLI process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scraper import refreshing as refresh_module
from scraper.diff import Diff
from scraper.refresh_report import render_refresh_report
from scraper.refreshing import RefreshInterrupted
from scraper.types import Record
from tests.conftest import ROOT
from tests.httpserver import TestServer
from tests.test_one_writer import (
    HeldSite,
    held,
    hold_a_refresh,
    leftovers,
    wait_for,
)
from tests.test_refresh import Site, make_project, refresh, tree

__all__ = ["held"]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SCRAPER_DEBUG"}
    env["PYTHONPATH"] = str(ROOT)
    return env


def _project(tmp_path: Path, server: TestServer) -> Path:
    manifest = make_project(tmp_path, server)
    code, _, err = refresh(manifest)
    assert code == 0, err
    return manifest


def _add_a_row(content: Site) -> None:
    lines = content.pages["/ali-en"].decode().splitlines(keepends=True)
    lines.insert(3, "| 429 | ThrottlingNew | Too many calls. | Calls are being throttled. |\n")
    content.pages["/ali-en"] = "".join(lines).encode()


@pytest.mark.parametrize(
    ("signum", "status", "word"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
)
def test_an_interrupt_before_the_swap_says_the_previous_dataset_is_unchanged(
    tmp_path: Path, held: tuple[HeldSite, TestServer], signum: int, status: int, word: str
) -> None:
    content, server = held
    manifest = _project(tmp_path, server)
    before = tree(tmp_path)
    content.pages["/jd"] += b"\nA change the refresh never writes.\n"
    process = hold_a_refresh(content, server, manifest)
    started = time.monotonic()
    process.send_signal(signum)
    out, err = process.communicate(timeout=30)
    took = time.monotonic() - started
    assert process.returncode == status, err
    assert took < 2, f"the interrupt took {took:.1f} s"
    folder = tmp_path / "normalized"
    assert err.decode().splitlines() == [
        f"scraper: {word}; {folder}/ holds the previous dataset, unchanged"
    ]
    assert out == b""
    assert tree(tmp_path) == before
    assert leftovers(tmp_path) == []


def test_the_library_says_an_interrupt_after_the_swap_left_the_new_dataset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = Site()
    with TestServer(content.handle) as server:
        manifest = _project(tmp_path, server)
        _add_a_row(content)
        changes = refresh_module._changes
        calls: list[int] = []

        def interrupted_once(old: list[Record], new: list[Record]) -> Diff:
            calls.append(1)
            if len(calls) == 1:
                raise KeyboardInterrupt  # Ctrl-C just after the swap
            return changes(old, new)

        monkeypatch.setattr(refresh_module, "_changes", interrupted_once)
        with pytest.raises(RefreshInterrupted) as caught:
            refresh_module.refresh(manifest, delay=0, timeout=5)
    folder = tmp_path / "normalized"
    assert caught.value.written
    assert not caught.value.terminated
    assert str(caught.value) == (
        f"interrupted after the new dataset was written; {folder}/ is complete"
    )
    assert caught.value.report is not None
    assert "ThrottlingNew" in render_refresh_report(caught.value.report)
    assert "ThrottlingNew" in (folder / "errors.csv").read_text(encoding="utf-8")
    assert leftovers(tmp_path) == []


_INTERRUPT_AFTER_THE_SWAP = """
import sys
from scraper import cli, refreshing

changes = refreshing._changes
calls = []

def interrupted_once(old, new):
    calls.append(1)
    if len(calls) == 1:
        raise {exception}
    return changes(old, new)

refreshing._changes = interrupted_once
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.parametrize(
    ("exception", "status", "word"),
    [("KeyboardInterrupt", 130, "interrupted"), ("refreshing.Terminated", 143, "terminated")],
)
def test_the_cli_prints_the_summary_when_an_interrupt_follows_the_swap(
    tmp_path: Path, exception: str, status: int, word: str
) -> None:
    content = Site()
    with TestServer(content.handle) as server:
        manifest = _project(tmp_path, server)
        _add_a_row(content)
        script = _INTERRUPT_AFTER_THE_SWAP.format(exception=exception)
        proc = subprocess.run(
            [
                *(sys.executable, "-c", script, "refresh", "--manifest", str(manifest)),
                *("--delay", "0", "--timeout", "5", "--quiet"),
            ],
            capture_output=True,
            env=_env(),
            timeout=60,
        )
    folder = tmp_path / "normalized"
    assert proc.returncode == status, proc.stderr
    assert proc.stderr.decode().splitlines() == [
        f"scraper: {word} after the new dataset was written; {folder}/ is complete"
    ]
    assert "ThrottlingNew" in proc.stdout.decode()  # the summary of what was written
    assert "ThrottlingNew" in (folder / "errors.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("signum", "status", "line"),
    [(signal.SIGTERM, 143, "scraper: terminated"), (signal.SIGINT, 130, "scraper: interrupted")],
)
def test_a_signal_outside_refresh_is_one_line_and_its_exit_status(
    held: tuple[HeldSite, TestServer], signum: int, status: int, line: str
) -> None:
    content, server = held
    content.held.clear()
    asked = server.count("/otc")
    process = subprocess.Popen(
        [sys.executable, "-m", "scraper", "parse", server.url("/otc")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    wait_for(lambda: server.count("/otc") > asked, process, "parse asked for /otc")
    started = time.monotonic()
    process.send_signal(signum)
    out, err = process.communicate(timeout=30)
    assert time.monotonic() - started < 2
    assert process.returncode == status, err
    assert err.decode().splitlines() == [line]
    assert out == b""
