"""Keyed comparison of two datasets (compare) and its review text (render)."""

from scraper.diff.compare import (
    CONTENT_FIELDS,
    PROVENANCE_FIELDS,
    Change,
    Dataset,
    Diff,
    FieldChanges,
    Move,
    Row,
    SourceDiff,
    by_source,
    compare,
    dataset_rows,
    load_records,
    load_records_at_revision,
    rows_from_records,
    rows_of_records,
)
from scraper.diff.render import render_json, render_markdown, typed_row, typed_value

__all__ = [
    "CONTENT_FIELDS",
    "PROVENANCE_FIELDS",
    "Change",
    "Dataset",
    "Diff",
    "FieldChanges",
    "Move",
    "Row",
    "SourceDiff",
    "by_source",
    "compare",
    "dataset_rows",
    "load_records",
    "load_records_at_revision",
    "render_json",
    "render_markdown",
    "rows_from_records",
    "rows_of_records",
    "typed_row",
    "typed_value",
]
