"""Every read of a page, a snapshot or a manifest is bounded before it happens.

A FIFO, a device or a directory is refused with one line naming it, never waited on or read
without end; a file over the limit is refused from its size, unread. Each case runs the real
command in a child process with capped memory and a timeout, so a read with no bound fails the
test (a MemoryError, a kill or a timeout) instead of taking the machine down.
"""

from __future__ import annotations

import csv
import io
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest

from tests.conftest import ROOT

MEMORY = 768 * 1024**2
SEED = ROOT / "raw" / "jdcloud-jcq-response-result.txt"
GIB = 1024**3


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_bounded(
    *args: str,
    stdin: bytes | IO[bytes] | None = None,
    cwd: Path = ROOT,
    timeout: float = 60,
) -> subprocess.CompletedProcess[bytes]:
    """`python -m scraper ARGS` in a child with MEMORY of address space; a hang is a failure."""
    feed = stdin if isinstance(stdin, bytes) else None
    try:
        return subprocess.run(
            [sys.executable, "-m", "scraper", *args],
            cwd=cwd,
            capture_output=True,
            input=feed,
            stdin=None if feed is not None else (stdin or subprocess.DEVNULL),
            timeout=timeout,
            preexec_fn=_limit_memory,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"scraper {' '.join(args)} hung for {timeout} s")


def _one_line_naming(proc: subprocess.CompletedProcess[bytes], name: str, *words: str) -> None:
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert name in lines[0] and "Traceback" not in err
    for word in words:
        assert word in lines[0], lines[0]


# parse: local pages


def test_parse_refuses_a_character_device_before_reading_it() -> None:
    proc = run_bounded("parse", "/dev/zero", "--max-bytes", "1000")
    _one_line_naming(proc, "/dev/zero", "character device")
    assert proc.stdout == b""


def test_parse_refuses_a_fifo_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "page.md"
    os.mkfifo(fifo)
    proc = run_bounded("parse", str(fifo), timeout=20)
    _one_line_naming(proc, str(fifo), "FIFO")


def test_parse_refuses_a_directory(tmp_path: Path) -> None:
    proc = run_bounded("parse", str(tmp_path))
    _one_line_naming(proc, str(tmp_path), "directory")


def test_parse_refuses_a_symlink_to_a_device(tmp_path: Path) -> None:
    link = tmp_path / "errors.md"
    link.symlink_to("/dev/zero")
    proc = run_bounded("parse", str(link))
    _one_line_naming(proc, str(link), "character device")


def test_parse_follows_a_symlink_to_a_page(tmp_path: Path) -> None:
    link = tmp_path / "errors.txt"
    link.symlink_to(SEED)
    proc = run_bounded("parse", str(link))
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 13


def test_parse_refuses_a_sparse_gigabyte_file_from_its_size(tmp_path: Path) -> None:
    page = tmp_path / "huge.md"
    subprocess.run(["truncate", "-s", "1G", str(page)], check=True)
    proc = run_bounded("parse", str(page))
    _one_line_naming(proc, str(page), f"{GIB} bytes", "over the 67108864-byte limit")


# parse: standard input


def test_parse_reads_standard_input_as_source_stdin() -> None:
    proc = run_bounded("parse", "-", "--format", "csv", stdin=SEED.read_bytes())
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout.decode())))
    assert len(rows) == 13
    assert {row["source"] for row in rows} == {"stdin"}
    assert all(row["key"].startswith("stdin/") for row in rows)
    assert {row["url"] for row in rows} == {""}
    assert proc.stderr.decode().startswith("stdin: 13 records")


def test_parse_of_standard_input_takes_the_given_source_id() -> None:
    proc = run_bounded("parse", "-", "--source", "jd-jcq", stdin=SEED.read_bytes())
    assert proc.returncode == 0, proc.stderr
    assert b'"source":"jd-jcq"' in proc.stdout.replace(b" ", b"")


def test_parse_refuses_standard_input_over_the_limit() -> None:
    proc = run_bounded("parse", "-", "--max-bytes", "1000", stdin=SEED.read_bytes())
    _one_line_naming(proc, "stdin", "over the 1000-byte limit")
    assert proc.stdout == b""


def test_parse_refuses_an_endless_standard_input() -> None:
    with open("/dev/zero", "rb") as zero:
        proc = run_bounded("parse", "-", "--max-bytes", "1000", stdin=zero)
    _one_line_naming(proc, "stdin", "over the 1000-byte limit")


def test_parse_refuses_an_endless_pipe_on_standard_input() -> None:
    yes = subprocess.Popen(["yes", "| E1 | m |"], stdout=subprocess.PIPE)
    try:
        assert yes.stdout is not None
        proc = run_bounded("parse", "-", "--max-bytes", "100000", stdin=yes.stdout)
    finally:
        yes.kill()
        yes.wait()
    _one_line_naming(proc, "stdin", "over the 100000-byte limit")


# refresh --offline: snapshots in raw/


GOOD_ID = "good"
BAD_ID = "bad"


def _project(tmp_path: Path) -> Path:
    """A project of two sources, both with rows in normalized/ from a first refresh."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for source_id in (GOOD_ID, BAD_ID):
        shutil.copy(SEED, raw / f"{source_id}.txt")
        (raw / f"{source_id}.meta.json").write_text(f'{{"file": "{source_id}.txt"}}\n')
    (tmp_path / "sources.toml").write_text(
        "".join(
            f'[[source]]\nid = "{source_id}"\nvendor = "V"\nproduct = "P"\n\n'
            for source_id in (GOOD_ID, BAD_ID)
        ),
        encoding="utf-8",
    )
    first = run_bounded("refresh", "--offline", "--manifest", str(tmp_path / "sources.toml"))
    assert first.returncode == 0, first.stderr
    return raw


def _device_link(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _directory(path: Path) -> None:
    path.mkdir()


def _sparse_gigabyte(path: Path) -> None:
    subprocess.run(["truncate", "-s", "1G", str(path)], check=True)


BREAKAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "symlink to /dev/zero": (_device_link, "character device"),
    "FIFO": (_fifo, "FIFO"),
    "directory": (_directory, "directory"),
    "sparse 1 GiB file": (_sparse_gigabyte, "over the 67108864-byte limit"),
}


def _sources_csv(tmp_path: Path) -> dict[str, dict[str, str]]:
    text = (tmp_path / "normalized" / "sources.csv").read_text(encoding="utf-8")
    return {row["id"]: row for row in csv.DictReader(io.StringIO(text))}


@pytest.mark.parametrize("file", ["body", "metadata"])
@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_refresh_marks_only_the_source_with_an_unreadable_snapshot_stale(
    tmp_path: Path, breakage: str, file: str
) -> None:
    raw = _project(tmp_path)
    target = raw / (f"{BAD_ID}.txt" if file == "body" else f"{BAD_ID}.meta.json")
    target.unlink()
    make, words = BREAKAGES[breakage]
    make(target)

    proc = run_bounded("refresh", "--offline", "--manifest", str(tmp_path / "sources.toml"))
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert "Traceback" not in err
    problems = [line for line in err.splitlines() if line.startswith("scraper: ")]
    assert len(problems) == 1, err
    assert problems[0].startswith(f"scraper: {BAD_ID}: {target}")
    assert words in problems[0] or (file == "metadata" and "-byte limit" in problems[0])
    rows = _sources_csv(tmp_path)
    assert rows[GOOD_ID]["status"] == "ok"
    assert rows[BAD_ID]["status"] == "stale"
    assert rows[BAD_ID]["rows"] == "13"
    assert str(target) in rows[BAD_ID]["error"]


def test_refresh_refuses_a_fifo_manifest_without_waiting(tmp_path: Path) -> None:
    manifest = tmp_path / "sources.toml"
    os.mkfifo(manifest)
    proc = run_bounded("refresh", "--offline", "--manifest", str(manifest), timeout=20)
    _one_line_naming(proc, str(manifest), "FIFO")


def test_refresh_refuses_a_manifest_linked_to_a_device(tmp_path: Path) -> None:
    manifest = tmp_path / "sources.toml"
    manifest.symlink_to("/dev/zero")
    proc = run_bounded("refresh", "--offline", "--manifest", str(manifest))
    _one_line_naming(proc, str(manifest), "character device")


def test_refresh_marks_a_source_with_deeply_nested_metadata_stale(tmp_path: Path) -> None:
    raw = _project(tmp_path)
    meta = raw / f"{BAD_ID}.meta.json"
    meta.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    proc = run_bounded("refresh", "--offline", "--manifest", str(tmp_path / "sources.toml"))
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert "Traceback" not in err and "internal error" not in err
    problems = [line for line in err.splitlines() if line.startswith("scraper: ")]
    assert len(problems) == 1, err
    assert problems[0].startswith(
        f"scraper: {BAD_ID}: {meta}: unreadable snapshot (RecursionError)"
    )
    rows = _sources_csv(tmp_path)
    assert (rows[GOOD_ID]["status"], rows[BAD_ID]["status"]) == ("ok", "stale")


# diff, validate and refresh: the dataset's own files

DATASET_BREAKAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "fifo": (os.mkfifo, "FIFO"),
    "device": (lambda path: path.symlink_to("/dev/zero"), "character device"),
    "huge": (lambda path: os.truncate(path, 2 * GIB), "over the"),
}


def _break(path: Path, breakage: str) -> str:
    make, words = DATASET_BREAKAGES[breakage]
    path.unlink(missing_ok=True)
    if breakage == "huge":
        path.touch()
    make(path)
    return words


def _dataset_copy(tmp_path: Path) -> Path:
    """The committed dataset and its raw snapshots, copied into a project of their own."""
    shutil.copytree(ROOT / "normalized", tmp_path / "normalized")
    shutil.copytree(ROOT / "raw", tmp_path / "raw")
    return tmp_path / "normalized"


@pytest.mark.parametrize("breakage", sorted(DATASET_BREAKAGES))
def test_diff_refuses_a_dataset_file_it_cannot_read_whole(tmp_path: Path, breakage: str) -> None:
    target = tmp_path / "errors.csv"
    words = _break(target, breakage)
    proc = run_bounded("diff", str(target), str(ROOT / "normalized"), timeout=20)
    _one_line_naming(proc, str(target), words)
    proc = run_bounded("diff", str(ROOT / "normalized"), str(target), timeout=20)
    _one_line_naming(proc, str(target), words)


@pytest.mark.parametrize("name", ["errors.csv", "errors.json", "sources.csv", "datapackage.json"])
@pytest.mark.parametrize("breakage", sorted(DATASET_BREAKAGES))
def test_validate_refuses_a_dataset_file_it_cannot_read_whole(
    tmp_path: Path, breakage: str, name: str
) -> None:
    folder = _dataset_copy(tmp_path)
    words = _break(folder / name, breakage)
    proc = run_bounded("validate", str(folder), timeout=20)
    _one_line_naming(proc, str(folder / name), words)


@pytest.mark.parametrize("breakage", sorted(DATASET_BREAKAGES))
def test_validate_refuses_a_raw_snapshot_it_cannot_read_whole(
    tmp_path: Path, breakage: str
) -> None:
    folder = _dataset_copy(tmp_path)
    target = tmp_path / "raw" / "jdcloud-jcq-response-result.txt"
    words = _break(target, breakage)
    proc = run_bounded("validate", str(folder), timeout=20)
    _one_line_naming(proc, str(target), words)


def test_validate_does_not_wait_on_a_fifo_lock_file(tmp_path: Path) -> None:
    folder = _dataset_copy(tmp_path)
    os.mkfifo(tmp_path / ".refresh.lock")
    proc = run_bounded("validate", str(folder), timeout=20)
    assert proc.returncode == 0, proc.stderr.decode()


@pytest.mark.parametrize("name", ["errors.csv", "sources.csv"])
@pytest.mark.parametrize("breakage", sorted(DATASET_BREAKAGES))
def test_refresh_refuses_a_dataset_file_it_cannot_read_whole(
    tmp_path: Path, breakage: str, name: str
) -> None:
    _project(tmp_path)
    target = tmp_path / "normalized" / name
    words = _break(target, breakage)
    proc = run_bounded("refresh", "--offline", "--manifest", str(tmp_path / "sources.toml"))
    _one_line_naming(proc, str(target), words)
