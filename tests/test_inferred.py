"""Statuses a page links to its business codes in words: the seed page and pages in four
languages (tests/fixtures/inferred/: each page beside the statuses it must give)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.inferred import InferredStatus, claimed_codes, infer_statuses
from scraper.normalize import PageInfo
from scraper.pipeline import parse_page
from scraper.types import Record
from tests.conftest import FIXTURES, SHARED

PAGES = FIXTURES / "inferred"
SEED_003 = SHARED / "seeds" / "003_f7d36e048f1d3542.txt"


def page_records(path: Path, lang: str = "") -> list[Record]:
    page = PageInfo(source=path.stem.lower(), lang=lang)
    return parse_page(path.read_bytes(), page, filename=path.name).records


@pytest.mark.skipif(not SEED_003.exists(), reason="seed pages are not in ../shared")
def test_the_seed_status_table_gives_its_business_codes_their_statuses() -> None:
    records = page_records(SEED_003, "en")
    before = copy.deepcopy(records)
    inferred = infer_statuses(records)
    by_code = {records[i].code: found for i, found in inferred.items()}
    bad_request = 'page: "Corresponds to business codes 100xxx." (status 400 row, line 8)'
    unauthorized = 'page: "Corresponds to 401xxx." (status 401 row, line 9)'
    assert by_code == {
        "100001": InferredStatus(400, bad_request),
        "100002": InferredStatus(400, bad_request),
        "401001": InferredStatus(401, unauthorized),
        "401002": InferredStatus(401, unauthorized),
        "402000": InferredStatus(402, 'page: "Corresponds to 402xxx." (status 402 row, line 10)'),
    }
    # "5xxxx" is five characters: it names five-digit codes, and the page's 5000xx have six.
    assert not {"500001", "500002", "530002"} & by_code.keys()
    assert records == before  # the published statuses, and everything else, untouched


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "ja", "ko"])
def test_a_status_row_names_its_codes_in_its_own_language(lang: str) -> None:
    records = page_records(PAGES / f"{lang}.md", lang)
    expected = json.loads((PAGES / f"{lang}.expected.json").read_text("utf-8"))
    inferred = infer_statuses(records)
    assert {records[i].code: [s.status, s.evidence] for i, s in inferred.items()} == expected
    assert all(records[i].http_status is None for i in inferred)


def test_equal_claims_of_two_statuses_give_none_and_a_narrower_claim_wins() -> None:
    # zh-Hans.md: 400 and 403 both claim 4001xx; 429 names 400150 itself.
    records = page_records(PAGES / "zh-Hans.md", "zh-Hans")
    by_code = {records[i].code: s.status for i, s in infer_statuses(records).items()}
    assert "400101" not in by_code
    assert by_code["400150"] == 429
    assert "40100" not in by_code  # outside 40001~40099


def status_row(status: int, description: str, locator: str = "line 1") -> Record:
    return Record(http_status=status, description=description, locator=locator)


def test_a_record_with_a_published_status_keeps_it_and_gets_nothing() -> None:
    records = [
        status_row(400, "Corresponds to 100xxx."),
        Record(code="100001", http_status=409),
        Record(code="100002"),
    ]
    assert list(infer_statuses(records)) == [2]


def test_words_in_the_other_fields_and_extra_columns_count_too() -> None:
    records = [
        Record(
            http_status=409, title="Conflict", extra={"备注": "对应业务码 4090xx"}, locator="r1"
        ),
        Record(http_status=410, suggestion="Gone. Corresponds to business code 410001."),
        Record(code="409001"),
        Record(code="410001"),
    ]
    inferred = infer_statuses(records)
    assert inferred[2] == InferredStatus(409, 'page: "对应业务码 4090xx" (status 409 row, r1)')
    assert inferred[3] == InferredStatus(
        410, 'page: "Corresponds to business code 410001." (status 410 row)'
    )


@pytest.mark.parametrize(
    ("sentence", "named"),
    [
        ("Corresponds to business codes 100xxx.", ["100xxx"]),
        ("Corresponds to 1000 to 1999 and 2xxx.", ["1000 to 1999", "2xxx"]),
        ("业务码 40001~40099", ["40001~40099"]),
        ("对应业务码 4001xx、4002xx，请检查参数", ["4001xx", "4002xx"]),
        ("對應錯誤碼：１００２０１", ["100201"]),
        ("対応するエラーコード 5xxxx", ["5xxxx"]),
        ("비즈니스 코드 100xxx에 해당합니다.", ["100xxx"]),
        ("Corresponds to the quota of 100 requests.", []),
        ("Corresponds to 100201 only when known.", ["100201"]),
        ("Returns error code 400.", []),  # a bare "error code" names the status itself
        ("This corresponds to 12345 requests.", []),  # a number that is no code of the page
    ],
)
def test_a_sentence_names_codes_only_after_a_claim_phrase(sentence: str, named: list[str]) -> None:
    assert claimed_codes(sentence, frozenset({"100201"})) == named


@settings(max_examples=80, deadline=None)
@given(
    prefix=st.integers(100, 999),
    suffix=st.integers(0, 999),
    filler=st.text(alphabet=st.characters(categories=["L", "Zs"]), max_size=20),
)
def test_a_digit_run_claim_names_exactly_the_codes_of_its_length(
    prefix: int, suffix: int, filler: str
) -> None:
    code = f"{prefix}{suffix:03d}"
    records = [
        status_row(418, f"{filler}. Corresponds to {prefix}xxx."),
        Record(code=code),
        Record(code=code + "0"),
        Record(code=f"{prefix + 1}{suffix:03d}"),
    ]
    assert {i: s.status for i, s in infer_statuses(records).items()} == {1: 418}
