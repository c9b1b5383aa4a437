"""The one description of the record's fields: names, order, kinds and meanings.

The CSV header, the data package, the JSON Schema and the SQLite columns are all made from
this list, so a field is described once; a test holds the README's record table to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "status", "list", "object"]
"""text: a string; status: an HTTP status 100-599 or none; list: a JSON list of strings;
object: a JSON object of strings."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    kind: Kind
    meaning: str
    """One line for the data package, the schema and the README."""
    inferred: bool = False
    """Decided by the tool, not published by the vendor."""
    values: tuple[str, ...] = ()
    """The only values the field may hold (empty: any)."""


CATEGORIES: tuple[str, ...] = (
    "ok",
    "cancelled",
    "unknown",
    "invalid_argument",
    "deadline_exceeded",
    "not_found",
    "already_exists",
    "permission_denied",
    "resource_exhausted",
    "failed_precondition",
    "aborted",
    "out_of_range",
    "unimplemented",
    "internal",
    "unavailable",
    "data_loss",
    "unauthenticated",
)
"""google.rpc.Code's canonical names, lower case, in the order of their numbers."""

RETRYABLE: tuple[str, ...] = ("yes", "no", "unknown")


RECORD_SPECS: tuple[FieldSpec, ...] = (
    FieldSpec("key", "text", "Stable unique id: source/section/code (or status), #N for repeats"),
    FieldSpec("source", "text", "Manifest id of the source the row came from"),
    FieldSpec("vendor", "text", "Vendor that publishes the page"),
    FieldSpec("product", "text", "Product the codes belong to"),
    FieldSpec("lang", "text", "BCP 47 language tag of the page"),
    FieldSpec("section", "text", "Nearest heading above the table"),
    FieldSpec("http_status", "status", "HTTP status as published, 100-599"),
    FieldSpec("code", "text", "The vendor's error code as published"),
    FieldSpec("title", "text", "Short name or reason phrase"),
    FieldSpec("message", "text", "Message text the API returns"),
    FieldSpec("description", "text", "Explanation"),
    FieldSpec("suggestion", "text", "Remedy"),
    FieldSpec("url", "text", "Where the page came from"),
    FieldSpec("sha256", "text", "Digest of the raw snapshot the row came from"),
    FieldSpec("locator", "text", "Where in the raw document the row is"),
    FieldSpec("repairs", "list", "Repairs applied to the row's text ([] when none)"),
    FieldSpec("extra", "object", "Unmapped columns, header -> text ({} when none)"),
    FieldSpec(
        "category",
        "text",
        "Inferred google.rpc.Code name, lower case",
        inferred=True,
        values=CATEGORIES,
    ),
    FieldSpec(
        "retryable",
        "text",
        "Inferred: whether a client should retry (yes, no, unknown)",
        inferred=True,
        values=RETRYABLE,
    ),
    FieldSpec(
        "code_pattern",
        "text",
        "Inferred anchored regular expression for a code with placeholders or ranges",
        inferred=True,
    ),
    FieldSpec(
        "inferred_http_status",
        "status",
        "HTTP status the page's own words link to the code",
        inferred=True,
    ),
    FieldSpec(
        "evidence",
        "list",
        "The rules and sentences that decided the inferred fields",
        inferred=True,
    ),
)

RECORD_FIELDS: tuple[str, ...] = tuple(spec.name for spec in RECORD_SPECS)
"""The record's fields, in the order of the published CSV."""

SPECS_BY_NAME = {spec.name: spec for spec in RECORD_SPECS}
