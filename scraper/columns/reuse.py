"""Tables of one page that are alike are read alike, without weighing their evidence again.

Documentation pages repeat one table layout many times (one table per service, per method,
per class). A table whose header, context and cells match one read before on the same page (the
same header words, the same words about errors or HTTP around it, and cells of the same kinds
at the same places of a small sample) is given that table's reading. A table whose first row
was read as data is always read afresh: that decision rests on its own first row; so is a
table whose verdict rests on shares of its values (how many identifiers name errors).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from scraper.columns.decide import TableReading, http_around, read_table
from scraper.columns.lexicon import header_parts
from scraper.columns.shapes import cell_shape
from scraper.columns.verdict import speaks_of_codes
from scraper.columns.weights import MAX_MAPPED_COLUMNS
from scraper.types import NO_OVERRIDES, ColumnOverrides, RawTable

PROBES = 4
"""Cells looked at per column to tell whether a table is like one read before."""

_Key = tuple[object, ...]


def _kinds(rows: Sequence[tuple[str, ...]], index: int) -> tuple[object, ...]:
    """The kinds of a few cells spread over a column (an empty one counts as a kind): what
    tells a column's field."""
    step = max(1, len(rows) // PROBES)
    kinds: list[object] = []
    for row in rows[::step][:PROBES]:
        cell = row[index] if index < len(row) else ""
        if not cell:
            kinds.append(None)
            continue
        s = cell_shape(cell)
        kinds.append(
            (s.status, s.registered, s.family, s.integer, s.out_of_status_range, s.hex,
             s.token, s.identifier, s.symbol, s.reason, s.phrase, s.prose, s.flag,
             s.datatype, s.cjk)
        )
    return tuple(kinds)


def _key(table: RawTable) -> _Key:
    around = (table.section, table.caption)
    # Everything around a table that the verdict weighs, as the verdict weighs it.
    parts = [header_parts(t) for t in around if t]
    context = (
        tuple(bool(t) and speaks_of_codes(t) for t in around),
        tuple("param" in hp.parts for hp in parts),
        tuple(hp.has("status") for hp in parts),
        bool(http_around(table)),
    )
    width = min(len(table.header), MAX_MAPPED_COLUMNS)
    columns = tuple(_kinds(table.rows, i) for i in range(width))
    return (table.header, context, columns)


class PageReader:
    """Reads the tables of one page in order, reusing the reading of a like table."""

    def __init__(self, overrides: ColumnOverrides = NO_OVERRIDES) -> None:
        self.overrides = overrides
        self._read: dict[_Key, tuple[TableReading, str]] = {}

    def read(self, table: RawTable) -> TableReading:
        key = _key(table)
        earlier = self._read.get(key)
        if earlier is None:
            reading = read_table(table, self.overrides)
            if not reading.explanation.headerless and not reading.by_shares:
                self._read[key] = (reading, table.locator)
            return reading
        reading, where = earlier
        explanation = replace(
            reading.explanation,
            locator=table.locator,
            section=table.section,
            rows=len(table.rows),
            reasons=(
                *reading.explanation.reasons,
                f"read as the table at {where} was: the same header, context and kinds of cells",
            ),
        )
        return replace(reading, table=table, explanation=explanation)
