"""One small hand-written page per kind of table a vendor publishes (tests/fixtures/kinds).

Each page `<name>.md` or `<name>.html` has `<name>.expected.json` beside it: the records the
page must yield, in order, with the fields the contract defines (section, http_status, code,
title, message, description, suggestion) and, where the kind is about unmapped columns, `extra`.
An empty list means the page must yield no records.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scraper.normalize import PageInfo
from scraper.pipeline import parse_page
from scraper.types import Record
from tests.conftest import FIXTURES

KINDS = FIXTURES / "kinds"
FIELDS = ("section", "http_status", "code", "title", "message", "description", "suggestion")
PAGE_SUFFIXES = (".md", ".html")


def _pages() -> list[Path]:
    return sorted(p for p in KINDS.iterdir() if p.suffix in PAGE_SUFFIXES)


def _expected_path(page: Path) -> Path:
    return page.with_name(f"{page.stem}.expected.json")


def _actual(record: Record, with_extra: bool) -> dict[str, Any]:
    got = {name: getattr(record, name) for name in FIELDS}
    if with_extra:
        got["extra"] = dict(record.extra)
    return got


def _show(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False)


def _diff(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> str:
    """Record by record: the fields that differ, and records missing or surplus."""
    lines = [f"expected {len(expected)} records, got {len(actual)}"]
    for index in range(max(len(expected), len(actual))):
        if index >= len(actual):
            lines.append(f"  #{index}: missing   {_show(expected[index])}")
            continue
        if index >= len(expected):
            lines.append(f"  #{index}: unexpected {_show(actual[index])}")
            continue
        want, got = expected[index], actual[index]
        if want == got:
            continue
        label = want.get("code") or want.get("http_status")
        lines.append(f"  #{index} ({label}):")
        for name in want:
            if want[name] != got.get(name):
                lines.append(f"      {name}: expected {want[name]!r}")
                lines.append(f"      {' ' * len(name)}       got {got.get(name)!r}")
    return "\n".join(lines)


def test_every_page_has_an_expectation() -> None:
    pages = _pages()
    assert pages, f"no fixture pages in {KINDS}"
    assert [p.name for p in pages if not _expected_path(p).exists()] == []
    stems = {p.stem for p in pages}
    orphans = [
        p.name
        for p in KINDS.glob("*.expected.json")
        if p.name.removesuffix(".expected.json") not in stems
    ]
    assert orphans == []


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.stem)
def test_kind(page: Path) -> None:
    expected: list[dict[str, Any]] = json.loads(_expected_path(page).read_text(encoding="utf-8"))
    for want in expected:
        assert set(want) - {"extra"} == set(FIELDS), f"bad keys in expectation: {sorted(want)}"
    parsed = parse_page(page.read_bytes(), PageInfo(source="x"), filename=page.name)
    with_extra = [("extra" in want) for want in expected]
    actual = [
        _actual(record, with_extra[i] if i < len(with_extra) else False)
        for i, record in enumerate(parsed.records)
    ]
    if actual != expected:
        pytest.fail(f"{page.name}: {_diff(expected, actual)}", pytrace=False)
