"""scripts/refresh as a user runs it from a folder of their own: their paths mean what they say."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "refresh"
PAGE = b"# Errors\n\n| Code | Message |\n|---|---|\n| E1 | One |\n| E2 | Two |\n"


def _bootstrapped() -> bool:
    """The script installs the project first when .venv is not set up for this pyproject.toml
    (which needs the network): the test runs only where that step has nothing to do."""
    stamp = ROOT / ".venv" / ".pyproject.sha256"
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return stamp.is_file() and stamp.read_text().strip() == want


@pytest.mark.skipif(not _bootstrapped(), reason=".venv is not set up for this pyproject.toml")
def test_a_manifest_path_is_read_from_where_the_user_stands(tmp_path: Path) -> None:
    project = tmp_path / "other"
    (project / "raw").mkdir(parents=True)
    (project / "raw" / "acme.md").write_bytes(PAGE)
    (project / "raw" / "acme.meta.json").write_text(json.dumps({"file": "acme.md"}))
    (project / "sources.toml").write_text(
        '[[source]]\nid = "acme"\nvendor = "Acme"\nproduct = "Widgets"\n', encoding="utf-8"
    )
    own = {p.name: p.read_bytes() for p in (ROOT / "normalized").iterdir() if p.is_file()}
    env = {k: v for k, v in os.environ.items() if k not in ("SCRAPER_DEBUG", "PYTHONPATH")}

    proc = subprocess.run(
        [str(SCRIPT), "--offline", "--manifest", "other/sources.toml"],
        cwd=tmp_path,
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert "2 added" in proc.stdout.decode()
    errors = (project / "normalized" / "errors.csv").read_text(encoding="utf-8")
    assert [line.split(",")[1] for line in errors.splitlines()[1:]] == ["acme", "acme"]
    # The repository's own dataset was not the one refreshed.
    assert {p.name: p.read_bytes() for p in (ROOT / "normalized").iterdir() if p.is_file()} == own
