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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-fuzz"):
        return
    skip = pytest.mark.skip(reason="long fuzz run: use --run-fuzz")
    for item in items:
        if "fuzz" in item.keywords:
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
