"""Running one process to completion: its wall-clock time, peak RSS and output."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
TIME = "/usr/bin/time"
# Measures a command's peak RSS where /usr/bin/time is missing: ru_maxrss of RUSAGE_CHILDREN is
# the largest over all children, so each measurement needs a helper process of its own.
RUSAGE_HELPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[2:])\n"
    "with open(sys.argv[1], 'w') as f:\n"
    "    f.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(code)\n"
)


def note(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


class BenchError(Exception):
    """A competitor failed or gave a wrong answer: the numbers would mean nothing."""


@dataclass(frozen=True, slots=True)
class Run:
    """One finished process: how long it took, its peak RSS, its stdout when captured."""

    seconds: float
    rss_kib: int
    stdout: bytes


def child_env() -> dict[str, str]:
    """The environment of timed processes: this checkout's package first, no debug output."""
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
        wrapped, stdout=stdout, stderr=subprocess.PIPE, cwd=workdir, env=child_env(), check=False
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
