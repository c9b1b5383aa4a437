from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-fuzz", action="store_true", help="run the long fuzz tests")
    parser.addoption("--run-soak", action="store_true", help="run the soak test")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    opt_in = {"fuzz": "long fuzz run: use --run-fuzz", "soak": "soak run: use --run-soak"}
    for marker, reason in opt_in.items():
        if config.getoption(f"--run-{marker}"):
            continue
        skip = pytest.mark.skip(reason=reason)
        for item in items:
            if marker in item.keywords:
                item.add_marker(skip)


def run_cli(
    *args: str, cwd: Path | None = None, input_bytes: bytes | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    """Run `python -m scraper ARGS` as a user would, in a real process."""
    env = {k: v for k, v in os.environ.items() if k != "SCRAPER_DEBUG"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "scraper", *args],
        cwd=cwd or ROOT,
        capture_output=True,
        input=input_bytes,
        timeout=timeout,
        env=env,
    )
