"""Faithful mojibake repair: cases kept as data, in ftfy's style (tests/fixtures/mojibake)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scraper.decode import repair_text, replay_repair
from tests.conftest import FIXTURES

CASES: list[dict[str, Any]] = json.loads(
    (FIXTURES / "mojibake" / "cases.json").read_text(encoding="utf-8")
)


def _params() -> list[Any]:
    params = []
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True)] if case["expect"] == "fail" else []
        params.append(pytest.param(case, id=f"{case['kind']}: {case['label']}", marks=marks))
    return params


@pytest.mark.parametrize("case", _params())
def test_repair_case(case: dict[str, Any]) -> None:
    fixed, steps = repair_text(case["original"])
    assert fixed == case["fixed"]
    if case["kind"] == "negative":
        assert steps == []
    else:
        assert steps, "a repair must be recorded"


@pytest.mark.parametrize(
    "case", [c for c in CASES if c["expect"] == "pass" and c["kind"] != "negative"]
)
def test_recorded_steps_replay_to_the_same_text(case: dict[str, Any]) -> None:
    fixed, steps = repair_text(case["original"])
    assert replay_repair(case["original"], steps) == fixed


def test_ascii_text_is_never_touched() -> None:
    assert repair_text('Invalid request &amp; "quoted" -- x') == (
        'Invalid request &amp; "quoted" -- x',
        [],
    )


@given(st.text(alphabet=st.characters(categories=("Lo",), max_codepoint=0x9FFF), max_size=40))
def test_cjk_text_is_left_as_published(text: str) -> None:
    assert repair_text(text)[0] == text
