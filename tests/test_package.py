"""The committed data package passes the real Frictionless validator and holds the seed rows."""

from __future__ import annotations

import csv
import json

from frictionless import Package

from tests.conftest import ROOT

NORMALIZED = ROOT / "normalized"


def test_frictionless_validates_the_committed_package() -> None:
    report = Package(str(NORMALIZED / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def read(name: str) -> list[dict[str, str]]:
    with (NORMALIZED / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_seed_dataset_holds_what_the_pages_say() -> None:
    errors = read("errors.csv")
    assert len(errors) == 84
    assert len({r["key"] for r in errors}) == 84
    repaired = [r for r in errors if json.loads(r["repairs"])]
    assert [r["code"] for r in repaired] == ["INVALID_ARGUMENT"]
    assert repaired[0]["message"] == "Invalid request parameters：[ error parameter name]"
    codes = {r["code"] for r in errors}
    assert {"GroupIdAlreadyExsited", "InvalidParameter.%s"} <= codes
    zh = [r for r in errors if r["source"] == "alibaba-mqtt-openapi-errors-zh-hant"]
    assert len(zh) == 17
    assert {r["lang"] for r in zh} == {"zh-Hant"}
    assert all(r["message"].isascii() for r in zh)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r["description"]) for r in zh)


def test_no_mojibake_is_left_in_the_dataset() -> None:
    for path in NORMALIZED.iterdir():
        assert "ï¼" not in path.read_text(encoding="utf-8"), path.name
