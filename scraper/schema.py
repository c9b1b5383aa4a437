"""The record as a JSON Schema (2020-12), made from the one description of its fields."""

from __future__ import annotations

import json
from typing import Any

from scraper.fields import RECORD_SPECS, FieldSpec

SCHEMA_ID = "https://errcodes-scraper.invalid/schema/record.json"
"""The schema's $id: a name, not a place to fetch it from."""


def _property(spec: FieldSpec) -> dict[str, Any]:
    prop: dict[str, Any] = {"description": spec.meaning}
    if spec.kind == "status":
        prop.update(type=["integer", "null"], minimum=100, maximum=599)
    elif spec.kind == "list":
        prop.update(type="array", items={"type": "string"})
    elif spec.kind == "object":
        prop.update(type="object", additionalProperties={"type": "string"})
    else:
        prop["type"] = "string"
    if spec.values:
        prop["enum"] = list(spec.values)
    if spec.name == "key":
        prop["minLength"] = 1
    return prop


def record_schema() -> dict[str, Any]:
    """A JSON Schema every record of errors.json (and each line of `parse --format jsonl`)
    is valid under: every field present, of its kind, and nothing else."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "API error-code record",
        "description": "One row of a vendor's error-code or status-code table, normalized; "
        "the fields after extra are inferred by the tool, with their evidence.",
        "type": "object",
        "properties": {spec.name: _property(spec) for spec in RECORD_SPECS},
        "required": [spec.name for spec in RECORD_SPECS],
        "additionalProperties": False,
    }


def record_schema_json() -> str:
    return json.dumps(record_schema(), ensure_ascii=False, indent=2) + "\n"
