"""Matching a concrete code an API returned to the records it belongs to."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.errors import DatasetError
from scraper.matching import match_records
from scraper.patterns import code_breadth
from scraper.types import Record


def rec(code: str, status: int | None = None, *, key: str = "", **fields: Any) -> Record:
    return Record(key=key or f"{code}/{status}", code=code, http_status=status, **fields)


def keys(records: list[Record]) -> list[str]:
    return [r.key for r in records]


PAGE = [
    rec("InvalidParameter.%s", 400),
    rec("InvalidParameter.Name", 400),
    rec("invalidparameter.name", 400, key="lower"),
    rec("561xxx"),
    rec("5610xx", key="narrow"),
    rec("561002"),
    rec("1000-1999", key="range"),
    rec("", 503, key="status-only"),
    rec("", 400, key="status-400"),
]


def test_an_exact_code_comes_before_the_patterns_that_match_it() -> None:
    found = match_records("InvalidParameter.Name", PAGE)
    assert keys(found) == ["InvalidParameter.Name/400", "InvalidParameter.%s/400"]


def test_case_is_ignored_only_when_no_code_is_equal() -> None:
    assert keys(match_records("INVALIDPARAMETER.NAME", PAGE)) == [
        "InvalidParameter.Name/400",
        "lower",
    ]
    assert "lower" not in keys(match_records("InvalidParameter.Name", PAGE))


def test_the_narrowest_pattern_comes_first() -> None:
    assert keys(match_records("561002", PAGE)) == ["561002/None", "narrow", "561xxx/None"]
    assert keys(match_records("561102", PAGE)) == ["561xxx/None"]
    assert keys(match_records("1500", PAGE)) == ["range"]
    assert match_records("2000", PAGE) == []


def test_a_status_keeps_the_records_of_that_status_or_of_none() -> None:
    records = [
        rec("100xxx", 400, key="a"),
        rec("100xxx", 409, key="b"),
        rec("100xxx", key="c"),
        rec("100xxx", key="d", inferred_http_status=409),
    ]
    assert keys(match_records("100001", records, status=409)) == ["b", "c", "d"]
    assert keys(match_records("100001", records)) == ["a", "b", "c", "d"]


def test_an_empty_code_finds_the_status_only_records() -> None:
    assert keys(match_records("", PAGE, status=503)) == ["status-only"]
    assert keys(match_records("", PAGE, status=400)) == ["status-400"]
    assert match_records("", PAGE) == []


def test_the_records_own_pattern_is_used_when_it_has_one() -> None:
    records = [rec("E-family", key="own", code_pattern=r"^E\d+$")]
    assert keys(match_records("E42", records)) == ["own"]


def test_a_pattern_that_is_no_regular_expression_is_a_dataset_error() -> None:
    with pytest.raises(DatasetError, match="broken"):
        match_records("x", [rec("E", key="broken", code_pattern="^(E$")])


@settings(max_examples=100, deadline=None)
@given(st.permutations(PAGE), st.sampled_from(["561002", "InvalidParameter.Name", "1500"]))
def test_any_order_of_records_gives_the_same_records_exact_first_then_narrowest(
    shuffled: list[Record], code: str
) -> None:
    found = match_records(code, shuffled)
    assert sorted(keys(found)) == sorted(keys(match_records(code, PAGE)))
    exact = [r for r in found if r.code == code]
    assert found[: len(exact)] == exact
    breadths = [code_breadth(r.code) for r in found[len(exact) :]]
    assert breadths == sorted(breadths)
