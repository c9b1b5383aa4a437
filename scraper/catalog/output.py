"""The catalog as text (catalog.json) and as a resource of the data package."""

from __future__ import annotations

import json
from typing import Any

from scraper.catalog.build import Catalog
from scraper.fields import CATEGORIES, RETRYABLE

_ENCODE = json.JSONEncoder(ensure_ascii=False).encode

# (name, Frictionless type, meaning), in the order every entry is written.
ENTRY_MEMBERS: tuple[tuple[str, str, str], ...] = (
    ("id", "string", "Stable id: vendor/product/code/CODE, or vendor/product/status/STATUS"),
    ("vendor", "string", "Vendor that publishes the pages"),
    ("product", "string", "Product the code belongs to"),
    ("code", "string", "The vendor's error code as published; empty for a status-only entry"),
    ("http_statuses", "array", "Distinct HTTP statuses published with the code, ascending"),
    ("inferred_http_statuses", "array", "Distinct statuses the pages' words link to the code"),
    ("category", "string", "Inferred google.rpc.Code name; the original page's rows decide"),
    ("retryable", "string", "Inferred yes, no or unknown; the original page's rows decide"),
    ("code_pattern", "string", "Inferred anchored regular expression for a patterned code"),
    ("disagreements", "object", "field -> value -> keys, where the joined rows differ"),
    (
        "texts",
        "object",
        "language -> list of {section, title, message, description, "
        "suggestion}, original language first, each in document order, as published",
    ),
    ("sources", "array", "Manifest ids of the sources joined, in manifest order"),
    ("keys", "array", "Keys of the records joined, in manifest order then document order"),
)
ENTRY_MEMBER_NAMES: tuple[str, ...] = tuple(name for name, _, _ in ENTRY_MEMBERS)


def _entry_json(entry: dict[str, Any]) -> str:
    # Members in the declared order whatever order the dict was built in; any others after
    # them, sorted, so that the same entry is always the same line.
    ordered = {name: entry[name] for name in ENTRY_MEMBER_NAMES if name in entry}
    ordered.update(sorted((k, v) for k, v in entry.items() if k not in ordered))
    return _ENCODE(ordered)


def catalog_json(catalog: Catalog) -> str:
    """catalog.json: a JSON array with one entry per line, members in a fixed order.

    Written like errors.json rather than pretty-printed: in review a changed code is a changed
    line, an added code an added line, and `id` leads each line so the line says what it is.
    The same catalog always gives the same bytes.
    """
    if not catalog.entries:
        return "[]\n"
    return "[\n" + ",\n".join(_entry_json(entry) for entry in catalog.entries) + "\n]\n"


def _schema_field(name: str, type_: str, meaning: str) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "type": type_, "description": meaning}
    if name == "id":
        field["constraints"] = {"required": True, "unique": True}
    elif name == "category":
        field["constraints"] = {"enum": list(CATEGORIES)}
    elif name == "retryable":
        field["constraints"] = {"enum": list(RETRYABLE)}
    return field


def catalog_schema() -> dict[str, Any]:
    """The Table Schema of an entry: one field per member, `id` the primary key."""
    return {
        "fields": [_schema_field(*member) for member in ENTRY_MEMBERS],
        "primaryKey": ["id"],
        "missingValues": [""],
    }


def catalog_resource() -> dict[str, Any]:
    """The data-package resource that describes catalog.json.

    Declared `"type": "json"`: Frictionless reads a JSON array of objects as a table only
    with its optional JSON parser (the `frictionless[json]` extra, ijson), and otherwise
    fails the whole package with "Please install frictionless". As a JSON resource the
    package validates with the plain install; the schema still documents each member, and
    with the extra installed, `"type": "table"` makes `frictionless validate` check every
    entry against it.
    """
    return {
        "name": "catalog",
        "type": "json",
        "path": "catalog.json",
        "format": "json",
        "mediatype": "application/json",
        "encoding": "utf-8",
        "description": (
            "One entry per vendor, product and code (or status), joining translated pages "
            "with their texts per language"
        ),
        "schema": catalog_schema(),
    }
