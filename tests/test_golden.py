"""The five seed pages give exactly the records pinned in tests/fixtures/golden/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper.normalize import PageInfo
from scraper.pipeline import parse_page
from scraper.snapshots import load_snapshot
from scraper.sources import load_manifest
from tests.conftest import FIXTURES, ROOT

SOURCES = load_manifest(ROOT / "sources.toml")
GOLDEN = FIXTURES / "golden"


def records_of(source_id: str) -> list[dict[str, object]]:
    source = next(s for s in SOURCES if s.id == source_id)
    stored = load_snapshot(ROOT / "raw", source.id)
    assert stored is not None
    snapshot, name = stored
    page = PageInfo(
        source=source.id,
        vendor=source.vendor,
        product=source.product,
        lang=source.lang,
        url=source.url or f"raw/{name}",
        sha256=snapshot.sha256,
        fixes=source.fixes,
    )
    parsed = parse_page(snapshot.body, page, filename=name, fmt=source.format)
    return [r.as_dict() for r in parsed.records]


@pytest.mark.parametrize("source_id", [s.id for s in SOURCES])
def test_seed_page_gives_the_pinned_records(source_id: str) -> None:
    expected_path = GOLDEN / f"{source_id}.jsonl"
    expected = [json.loads(line) for line in expected_path.read_text("utf-8").splitlines()]
    assert records_of(source_id) == expected


def write_golden() -> None:  # pragma: no cover - run by hand after reviewing a change
    for source in SOURCES:
        lines = [json.dumps(r, ensure_ascii=False) for r in records_of(source.id)]
        Path(GOLDEN / f"{source.id}.jsonl").write_text("\n".join(lines) + "\n", "utf-8")


if __name__ == "__main__":  # pragma: no cover
    write_golden()
