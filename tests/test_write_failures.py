"""A refresh that cannot write (read-only file system, full disk) fails with one line naming the
path and the cause, and leaves the previous files whole.

The tests run the real CLI in a mount namespace of its own (`unshare -m`) where raw/ or the
project is a read-only bind mount or a tiny tmpfs that is full: permission bits cannot make a
folder read-only for root, and a real full disk is not something a test should make.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.httpserver import TestServer
from tests.test_refresh import Site, make_project, refresh, tree


def _namespaces_work() -> bool:
    if not shutil.which("unshare") or not sys.platform.startswith("linux"):
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
    )
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(
    not _namespaces_work(),
    reason="needs `unshare -m` and mount (root with CAP_SYS_ADMIN) to make a read-only or "
    "full file system; chmod does not stop root",
)


@pytest.fixture
def site() -> Iterator[tuple[Site, TestServer]]:
    content = Site()
    with TestServer(content.handle) as server:
        yield content, server


def in_namespace(setup: str, *args: str, after: str = "") -> tuple[int, str, str]:
    """Run `python -m scraper ARGS` after the shell commands `setup`, in a mount namespace of
    its own (its mounts vanish with it); `after` runs once the CLI has ended."""
    env = {k: v for k, v in os.environ.items() if k != "SCRAPER_DEBUG"}
    env["PYTHONPATH"] = str(ROOT)
    cli = shlex.join([sys.executable, "-m", "scraper", *args])
    script = f"set -e\n{setup}\nset +e\n{cli}\nrc=$?\n{after}\nexit $rc\n"
    proc = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, env=env, timeout=120
    )
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def fill(folder: Path) -> str:
    """Shell commands that fill the file system of `folder` to its last byte."""
    filler = shlex.quote(str(folder / "zz-filler"))
    return f"dd if=/dev/zero of={filler} bs=1k 2>/dev/null || true"


def test_a_read_only_raw_folder_fails_with_one_line_naming_it(
    tmp_path: Path, site: tuple[Site, TestServer]
) -> None:
    content, server = site
    manifest = make_project(tmp_path, server)
    assert refresh(manifest)[0] == 0
    before = tree(tmp_path)
    content.pages["/jd"] = content.pages["/jd"].replace(b"ack failed", b"ack has failed")

    raw = shlex.quote(str(tmp_path / "raw"))
    code, out, err = in_namespace(
        f"mount --bind {raw} {raw}\nmount -o remount,bind,ro {raw}",
        *("refresh", "--manifest", str(manifest), "--delay", "0", "--retries", "0"),
    )
    assert code == 1, err
    lines = err.strip().splitlines()
    assert lines == [
        f"scraper: {tmp_path / 'raw' / 'jdcloud-jcq-response-result.md'}: "
        "cannot write (Read-only file system)"
    ]
    assert out == ""
    assert tree(tmp_path) == before


def test_a_full_disk_under_raw_fails_with_one_line_naming_the_file(
    tmp_path: Path, site: tuple[Site, TestServer]
) -> None:
    content, server = site
    manifest = make_project(tmp_path, server)
    assert refresh(manifest)[0] == 0
    before = tree(tmp_path)
    content.pages["/jd"] = content.pages["/jd"] + b"\n" + b"A longer page. " * 20_000

    raw, saved, after = (
        shlex.quote(str(p)) for p in (tmp_path / "raw", tmp_path / "saved", tmp_path / "after")
    )
    code, out, err = in_namespace(
        f"cp -a {raw} {saved}\nmount -t tmpfs -o size=256k tmpfs {raw}\ncp -a {saved}/. {raw}/\n"
        + fill(tmp_path / "raw"),
        *("refresh", "--manifest", str(manifest), "--delay", "0", "--retries", "0"),
        after=f"rm -f {raw}/zz-filler\ncp -a {raw} {after}",
    )
    assert code == 1, err
    assert out == ""
    assert err.strip().splitlines() == [
        f"scraper: {tmp_path / 'raw' / 'jdcloud-jcq-response-result.md'}: "
        "cannot write (No space left on device)"
    ]
    # What the full raw/ held when the refresh ended: the previous snapshots, nothing more.
    assert tree(tmp_path / "after") == {
        name.removeprefix("raw/"): data for name, data in before.items() if name.startswith("raw/")
    }
    assert {k: v for k, v in tree(tmp_path).items() if k.startswith("normalized/")} == {
        k: v for k, v in before.items() if k.startswith("normalized/")
    }


def test_a_full_disk_under_the_dataset_keeps_the_previous_set(
    tmp_path: Path, site: tuple[Site, TestServer]
) -> None:
    _, server = site
    project = tmp_path / "project"
    project.mkdir()
    manifest = make_project(project, server)
    assert refresh(manifest)[0] == 0
    before = tree(project)
    # A new page in raw/ (as a reviewer might drop in) makes the offline rebuild write more.
    body = (project / "raw" / "otc-lts-status-code.md").read_bytes()
    (project / "raw" / "otc-lts-status-code.md").write_bytes(body + body.replace(b"|", b"| "))
    meta = project / "raw" / "otc-lts-status-code.meta.json"
    data = json.loads(meta.read_text())
    data["sha256"] = hashlib.sha256(body + body.replace(b"|", b"| ")).hexdigest()
    meta.write_text(json.dumps(data))
    changed = tree(project)

    folder, saved, after = (
        shlex.quote(str(p)) for p in (project, tmp_path / "saved", tmp_path / "after")
    )
    code, out, err = in_namespace(
        f"cp -a {folder} {saved}\nmount -t tmpfs -o size=1m tmpfs {folder}\n"
        f"cp -a {saved}/. {folder}/\n" + fill(project),
        *("refresh", "--offline", "--manifest", str(manifest)),
        after=f"rm -f {folder}/zz-filler\ncp -a {folder} {after}",
    )
    assert code == 1, err
    assert out == ""
    assert err.strip().splitlines() == [
        f"scraper: {project / 'normalized'}: cannot write the dataset (No space left on device)"
    ]
    found = tree(tmp_path / "after")
    assert found == changed, "the failed write changed files"
    assert not [p for p in (tmp_path / "after").iterdir() if p.name.startswith(".normalized.")]
    assert {k: v for k, v in found.items() if k.startswith("normalized/")} == {
        k: v for k, v in before.items() if k.startswith("normalized/")
    }
