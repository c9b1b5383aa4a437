"""Crash safety: a refresh killed with SIGKILL at any moment leaves a whole dataset.

A project of 120 local-only sources (the seed snapshots under new ids, each with an extra table
of 60 rows so that a refresh takes a few seconds) is refreshed once to make the old dataset;
then every page is edited, and `refresh --offline` is started and killed at several moments,
from early in the parse to around the dataset write. After each kill, before anything else
runs, normalized/ must hold exactly the old set or exactly the new set, byte for byte, and
nothing else. A later refresh must then finish the job without help.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from scraper.dataset import DATASET_FILES
from tests.conftest import ROOT, run_cli

SOURCES = 120
EXTRA_ROWS = 60
FRACTIONS = (0.1, 0.3, 0.5, 0.7, 0.9)
WRITE_OFFSETS = (0.04, 0.02, 0.005, 0.0)
"""Seconds after the dataset write's staging folder shows; the last one leaves a write cut short."""
SWAP_FILE = "errors.json"
SWAP = f"after {SWAP_FILE} is written in the staging folder"
SWAP_OFFSETS = (0.0, 0.001, 0.002, 0.004)
"""Seconds after the last big file of the set is written: the swap follows in milliseconds."""


def _extra_table(page: int) -> bytes:
    rows = "".join(
        f"| Extra{page}x{row} | Message number {row} of page {page}. "
        f"| The request failed for reason {row}; retry later. |\n"
        for row in range(EXTRA_ROWS)
    )
    return (
        "\n\n## More error codes\n\n| Error code | Message | Description |\n|---|---|---|\n" + rows
    ).encode()


def _write_source(raw: Path, source_id: str, body: bytes, meta: dict[str, object]) -> None:
    (raw / f"{source_id}.txt").write_bytes(body)
    # Half the metas carry the body's digest, half leave it empty (both are valid).
    digest = hashlib.sha256(body).hexdigest() if int(source_id[-3:]) % 2 == 0 else ""
    data = {**meta, "file": f"{source_id}.txt", "sha256": digest, "url": "", "final_url": ""}
    (raw / f"{source_id}.meta.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def make_project(folder: Path) -> Path:
    """120 local-only sources cycled from the seed snapshots; returns the manifest."""
    seeds = sorted((ROOT / "raw").glob("*.txt"))
    assert len(seeds) == 5
    raw = folder / "raw"
    raw.mkdir(parents=True)
    entries = []
    for index in range(SOURCES):
        seed = seeds[index % len(seeds)]
        meta = json.loads((seed.parent / f"{seed.stem}.meta.json").read_text(encoding="utf-8"))
        source_id = f"src-{index:03d}"
        _write_source(raw, source_id, seed.read_bytes() + _extra_table(index), meta)
        entries.append(
            f'[[source]]\nid = "{source_id}"\nvendor = "Vendor {index % 7}"\n'
            f'product = "Product {index}"\n'
        )
    manifest = folder / "sources.toml"
    manifest.write_text("\n".join(entries), encoding="utf-8")
    return manifest


def edit_every_page(folder: Path) -> None:
    """Replace one word in each page (a message of its extra table) and keep metas valid."""
    raw = folder / "raw"
    for index in range(SOURCES):
        source_id = f"src-{index:03d}"
        body = (raw / f"{source_id}.txt").read_bytes()
        edited = body.replace(b"for reason 0;", b"for cause 0;", 1)
        assert edited != body
        meta = json.loads((raw / f"{source_id}.meta.json").read_text(encoding="utf-8"))
        _write_source(raw, source_id, edited, meta)


def dataset(folder: Path) -> dict[str, bytes]:
    normalized = folder / "normalized"
    return {name: (normalized / name).read_bytes() for name in DATASET_FILES}


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".normalized"))


def start_refresh(manifest: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "SCRAPER_DEBUG"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen(
        [sys.executable, "-m", "scraper", "refresh", "--offline", "--manifest", str(manifest)],
        cwd=manifest.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )


def timed_refresh(manifest: Path) -> float:
    """Run a whole refresh; returns how long it took."""
    started = time.monotonic()
    process = start_refresh(manifest)
    assert process.wait(timeout=120) == 0
    return time.monotonic() - started


def wait_for_the_write(
    process: subprocess.Popen[bytes], folder: Path, known: set[str], file: str = ""
) -> bool:
    """Poll until the staging folder of the dataset write shows beside normalized/ (a name not
    in `known`), and with `file` until that file is in it; False when the refresh ended
    first."""
    while process.poll() is None:
        for name in set(leftovers(folder)) - known:
            try:
                if not file or file in os.listdir(folder / name):
                    return True
            except OSError:
                continue
        time.sleep(0.0002)
    return False


def restore(folder: Path, saved: Path) -> None:
    """normalized/ back to the old set. Leftovers of earlier kills beside it stay: the next
    refresh has to cope with them too."""
    shutil.rmtree(folder / "normalized")
    shutil.copytree(saved, folder / "normalized")


def test_a_killed_refresh_leaves_the_old_or_the_new_dataset_whole(tmp_path: Path) -> None:
    project = tmp_path / "project"
    manifest = make_project(project)
    made = run_cli("refresh", "--offline", "--manifest", str(manifest), cwd=project)
    assert made.returncode == 0, made.stderr.decode()
    old = dataset(project)
    saved_old = tmp_path / "old-normalized"
    shutil.copytree(project / "normalized", saved_old)

    edit_every_page(project)
    raw_digest = tree_digest(project / "raw")
    # The expected new set: the same refresh, run to its end in a copy of the project.
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    duration = timed_refresh(copy / "sources.toml")
    new = dataset(copy)
    assert new != old
    assert all(new[name] != old[name] for name in ("errors.csv", "errors.json", "sources.csv"))
    assert b",stale," not in new["sources.csv"] and b",failed," not in new["sources.csv"]
    print(f"\nfull refresh: {duration:.2f} s")

    # Kills at fractions of the whole run, then kills aimed into the dataset write: right
    # when its staging folder shows, and some milliseconds later.
    jitter = random.Random()
    plan = [
        ("after start", f * duration + jitter.uniform(-0.03, 0.03) * duration) for f in FRACTIONS
    ]
    plan += [(SWAP, offset) for offset in SWAP_OFFSETS]
    # Last, so that the recovery below most likely starts from a write cut short.
    plan += [("after the staging folder shows", offset) for offset in WRITE_OFFSETS]
    landed: dict[str, int] = {"before the write": 0, "during the write": 0, "after the swap": 0}
    exited = 0
    for anchor, delay in plan:
        restore(project, saved_old)
        known = set(leftovers(project))
        process = start_refresh(manifest)
        if anchor == "after start":
            time.sleep(max(delay, 0.0))
        elif wait_for_the_write(process, project, known, SWAP_FILE if anchor == SWAP else ""):
            time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        if process.returncode != -signal.SIGKILL:
            exited += 1
        when = f"killed {delay:.3f} s {anchor}"
        # No recovery runs before these checks: what a reader finds right after the kill.
        normalized = project / "normalized"
        assert normalized.is_dir(), f"{when}: normalized/ is missing"
        names = sorted(p.name for p in normalized.iterdir())
        assert names == sorted(DATASET_FILES), f"{when}: {names}"
        found = dataset(project)
        assert found in (old, new), f"{when}: a mix or a torn file: " + ", ".join(
            f"{n}={'old' if found[n] == old[n] else 'new' if found[n] == new[n] else 'torn'}"
            for n in DATASET_FILES
        )
        if found == new:
            landed["after the swap"] += 1
        elif set(leftovers(project)) - known:
            landed["during the write"] += 1
        else:
            landed["before the write"] += 1
        print(
            f"{when} ({process.returncode}): "
            f"{'new' if found == new else 'old'} set, beside it {leftovers(project)}"
        )
    print(f"kills: {landed}; {exited} refreshes had already exited")
    assert exited <= 2, "the refresh ended before most kills: make the project bigger"

    # A later refresh recovers by itself: the new set, and nothing left beside it.
    print(
        f"recovering from: {'new' if dataset(project) == new else 'old'} set, {leftovers(project)}"
    )
    recovered = run_cli("refresh", "--offline", "--manifest", str(manifest), cwd=project)
    assert recovered.returncode == 0, recovered.stderr.decode()
    assert dataset(project) == new
    assert sorted(p.name for p in (project / "normalized").iterdir()) == sorted(DATASET_FILES)
    assert leftovers(project) == []
    assert tree_digest(project / "raw") == raw_digest, "refresh --offline changed raw/"
