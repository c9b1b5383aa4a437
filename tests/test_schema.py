"""The record's JSON Schema: valid 2020-12, committed beside the dataset, and every record
the tool writes is valid under it."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from scraper.fields import RECORD_FIELDS
from scraper.page import parse
from scraper.schema import record_schema, record_schema_json
from scraper.serialize import records_jsonl
from tests.conftest import FIXTURES, ROOT

NORMALIZED = ROOT / "normalized"
VALIDATOR = Draft202012Validator(record_schema())


def test_the_schema_is_a_valid_2020_12_schema_of_every_field() -> None:
    Draft202012Validator.check_schema(record_schema())
    assert list(record_schema()["properties"]) == list(RECORD_FIELDS)


def test_the_committed_schema_is_the_one_the_code_makes() -> None:
    assert (NORMALIZED / "errors.schema.json").read_text("utf-8") == record_schema_json()


def test_every_committed_record_is_valid() -> None:
    records = json.loads((NORMALIZED / "errors.json").read_text("utf-8"))
    assert records
    for record in records:
        VALIDATOR.validate(record)


PAGES = sorted(p for p in (FIXTURES / "kinds").iterdir() if not p.name.endswith(".json"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_record_parse_writes_is_valid(page: object) -> None:
    for line in records_jsonl(parse(str(page)).records).splitlines():
        VALIDATOR.validate(json.loads(line))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"http_status": 99}, "less than the minimum"),
        ({"http_status": "400"}, "is not of type"),
        ({"extra": "{}"}, "is not of type 'object'"),
        ({"category": "quota"}, "is not one of"),
        ({"surprise": ""}, "Additional properties"),
    ],
)
def test_a_record_out_of_shape_is_refused(change: dict[str, object], problem: str) -> None:
    record = json.loads((NORMALIZED / "errors.json").read_text("utf-8"))[0]
    errors = [e.message for e in VALIDATOR.iter_errors({**record, **change})]
    assert any(problem in message for message in errors), errors
