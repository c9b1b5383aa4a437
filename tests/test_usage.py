"""Usage errors exit 2 with one line naming the option; --help shows the defaults the code uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scraper.errors import UsageError
from scraper.fetch import FetchPolicy
from scraper.limits import DEFAULT_LIMITS
from scraper.refreshing import refresh
from tests.conftest import run_cli


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["refresh", "--timeout", "0"], "argument --timeout: must be > 0 seconds, not 0"),
        (["refresh", "--timeout", "-1"], "argument --timeout: must be > 0 seconds, not -1"),
        (["refresh", "--timeout", "inf"], "argument --timeout: must be > 0 seconds, not inf"),
        (["refresh", "--delay", "-0.5"], "argument --delay: must be >= 0 seconds, not -0.5"),
        (["refresh", "--delay", "nan"], "argument --delay: must be >= 0 seconds, not nan"),
        (["refresh", "--retries", "-1"], "argument --retries: must be >= 0, not -1"),
        (["refresh", "--retries", "two"], "argument --retries: invalid integer: 'two'"),
        (["diff"], "scraper: diff: give OLD and NEW, or --git REV [NEW]"),
        (["diff", "normalized"], "scraper: diff: give OLD and NEW, or --git REV [NEW]"),
    ],
)
def test_usage_errors_exit_2_naming_the_option(args: list[str], message: str) -> None:
    proc = run_cli(*args)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.decode().strip().splitlines()[-1].endswith(message)


def test_an_unknown_source_id_is_a_usage_error(tmp_path: Path) -> None:
    manifest = tmp_path / "sources.toml"
    manifest.write_text('[[source]]\nid = "acme"\nvendor = "V"\nproduct = "P"\n')
    proc = run_cli("refresh", "--offline", "--manifest", str(manifest), "--source", "acme2")
    assert proc.returncode == 2
    assert proc.stderr.decode() == f"scraper: {manifest}: no source with id 'acme2'\n"
    assert not (tmp_path / "normalized").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timeout": 0}, "timeout must be a positive number of seconds, not 0"),
        ({"delay": -1.0}, "delay must be 0 or more seconds, not -1.0"),
        ({"retries": -1}, "retries must be 0 or more, not -1"),
        ({"max_bytes": 0}, "max_bytes must be at least 1, not 0"),
    ],
)
def test_the_library_refuses_the_same_values(
    tmp_path: Path, options: dict[str, float], message: str
) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        refresh(tmp_path / "sources.toml", **options)  # type: ignore[arg-type]


def _help(*command: str) -> str:
    proc = run_cli(*command, "--help")
    assert proc.returncode == 0
    return " ".join(proc.stdout.decode().split())  # argparse wraps lines where it likes


def test_refresh_help_shows_the_fetch_policys_defaults() -> None:
    text = _help("refresh")
    policy = FetchPolicy()
    assert f"(default: {policy.timeout:g})" in text
    assert f"(default: {policy.retries})" in text
    assert f"(default: {policy.host_delay:g})" in text
    assert f"(default: {policy.max_bytes // (1 << 20)} MiB)" in text
    assert policy.max_bytes % (1 << 20) == 0


def test_parse_help_shows_the_default_limits() -> None:
    text = _help("parse")
    assert f"larger than N bytes (default: {DEFAULT_LIMITS.max_page_bytes >> 20} MiB)" in text
    assert f"more than N rows (default: {DEFAULT_LIMITS.max_rows})" in text
    assert f"at N columns (default: {DEFAULT_LIMITS.max_columns})" in text
    assert f"spans counted (default: {DEFAULT_LIMITS.max_cells})" in text
