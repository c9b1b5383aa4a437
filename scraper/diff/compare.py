"""Keyed comparison of two datasets into plain data (scraper.diff.render renders it).

The shape follows csv-diff: load each side as {key: row}, compare them into a Diff. Rows are
the records' CSV cells, so errors.csv and errors.json of the same dataset load equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from scraper import reader
from scraper.serialize import record_to_flat
from scraper.types import RECORD_FIELDS, Record

Row = dict[str, str]
"""One record with every value as text; http_status is "" when there is none."""

FieldChanges = dict[str, tuple[str, str]]
"""{field: (old, new)} for the fields that differ."""

# Where a row came from and why the tool inferred what it did, not what it says. Any edit to a
# page changes sha256 on every row of it, and a reworded rule changes the evidence of every row
# it decided, so rows that differ only here are counted instead of listed. What was inferred
# (category, retryable, ...) is content: a change there is listed.
PROVENANCE_FIELDS = frozenset({"sha256", "locator", "evidence"})

# What a row says. A removed and an added row that agree on these are one row that moved.
CONTENT_FIELDS = ("source", "http_status", "code", "title", "message", "description", "suggestion")


class Change(NamedTuple):
    """A record present on both sides under the same key, with different values."""

    key: str
    fields: FieldChanges
    record: Row
    """The record as it is in the new dataset."""


class Move(NamedTuple):
    """A record whose content is unchanged but whose key is new (its section changed, say)."""

    old_key: str
    new_key: str
    fields: FieldChanges
    """What else differs besides the key: section, locator, ..."""
    record: Row
    """The record as it is in the new dataset."""


@dataclass(frozen=True, slots=True)
class Diff:
    """What changed from one dataset to another. Each list is in review order."""

    added: list[Row] = field(default_factory=list)
    removed: list[Row] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    """Same key, some field other than sha256/locator/evidence differs (those are listed too
    then)."""
    moved: list[Move] = field(default_factory=list)
    provenance_only: list[Change] = field(default_factory=list)
    """Same key, only sha256/locator/evidence differ: kept for completeness, counted in
    reviews."""
    sources: list[str] = field(default_factory=list)
    """Sources with something listed, in order of appearance (new dataset first)."""

    @property
    def count(self) -> int:
        """How many listed changes: rows added, removed, changed or moved."""
        return len(self.added) + len(self.removed) + len(self.changed) + len(self.moved)

    @property
    def provenance_changed(self) -> int:
        return len(self.provenance_only)


@dataclass(frozen=True, slots=True)
class SourceDiff:
    """The part of a Diff that belongs to one source."""

    source: str
    added: list[Row]
    removed: list[Row]
    changed: list[Change]
    moved: list[Move]


# ---------------------------------------------------------------------------------------------
# Loading


Dataset = str | Path | Iterable[Record] | Mapping[str, Row]
"""One side of a comparison: a dataset folder or file (errors.csv, .json, .jsonl), records,
or rows keyed by record key (as load_records returns)."""


def load_records(path: str | Path) -> dict[str, Row]:
    """Read a dataset folder or file as {key: row}, through the one dataset reader."""
    return rows_of_records(reader.load_records(path))


def load_records_at_revision(
    repo_dir: str | Path, rev: str, relpath: str = "normalized/errors.csv"
) -> dict[str, Row]:
    """Read the dataset file as it was at git revision `rev`; relpath is relative to repo_dir."""
    return rows_of_records(reader.records_at_revision(repo_dir, rev, relpath))


def rows_of_records(records: Iterable[Record]) -> dict[str, Row]:
    """Records as {key: row}, each value as its CSV cell text."""
    return {record.key: record_to_flat(record) for record in records}


def rows_from_records(
    records: Iterable[Mapping[str, object]], origin: str = "records"
) -> dict[str, Row]:
    """Records in memory as JSON-shaped dicts, checked and keyed as load_records does."""
    return rows_of_records(reader.records_from_objects(records, origin))


def dataset_rows(side: Dataset) -> dict[str, Row]:
    """One side of a comparison as {key: row}, whatever form it was given in."""
    if isinstance(side, str | Path):
        return load_records(side)
    if isinstance(side, Mapping):
        return dict(side)
    return rows_of_records(side)


# ---------------------------------------------------------------------------------------------
# Comparing


def compare(old: Dataset, new: Dataset) -> Diff:
    """What changed from `old` to `new`: each a dataset folder or file, a list of records, or
    a {key: row} mapping (as load_records returns)."""
    old, new = _keyed(dataset_rows(old)), _keyed(dataset_rows(new))
    rank = _source_rank([*new.values(), *old.values()])

    def order(source: str, key: str) -> tuple[int, str]:
        return (rank.get(source, len(rank)), key)

    def row_order(row: Row) -> tuple[int, str]:
        return order(row.get("source", ""), row["key"])

    added = sorted((new[k] for k in new.keys() - old.keys()), key=row_order)
    removed = sorted((old[k] for k in old.keys() - new.keys()), key=row_order)
    moved, added, removed = _pair_moves(added, removed)
    changed: list[Change] = []
    provenance_only: list[Change] = []
    for key in sorted(old.keys() & new.keys(), key=lambda k: order(new[k].get("source", ""), k)):
        fields = _field_changes(old[key], new[key])
        if fields:
            target = provenance_only if fields.keys() <= PROVENANCE_FIELDS else changed
            target.append(Change(key, fields, new[key]))
    listed = [*added, *removed, *(c.record for c in changed), *(m.record for m in moved)]
    sources = sorted({r.get("source", "") for r in listed}, key=lambda s: order(s, ""))
    return Diff(added, removed, changed, moved, provenance_only, sources)


def by_source(diff: Diff) -> list[SourceDiff]:
    """Split a Diff per source, in the Diff's source order (one pass over each list)."""
    parts = {
        source: SourceDiff(source=source, added=[], removed=[], changed=[], moved=[])
        for source in diff.sources
    }

    def part(row: Row) -> SourceDiff | None:
        return parts.get(row.get("source", ""))

    for row in diff.added:
        if (found := part(row)) is not None:
            found.added.append(row)
    for row in diff.removed:
        if (found := part(row)) is not None:
            found.removed.append(row)
    for change in diff.changed:
        if (found := part(change.record)) is not None:
            found.changed.append(change)
    for move in diff.moved:
        if (found := part(move.record)) is not None:
            found.moved.append(move)
    return list(parts.values())


def _keyed(rows: Mapping[str, Row]) -> dict[str, Row]:
    # The mapping's key is the record's key, whatever the row itself says.
    return {k: r if r.get("key") == k else {**r, "key": k} for k, r in rows.items()}


def _source_rank(rows: Iterable[Row]) -> dict[str, int]:
    rank: dict[str, int] = {}
    for row in rows:
        rank.setdefault(row.get("source", ""), len(rank))
    return rank


def _pair_moves(added: list[Row], removed: list[Row]) -> tuple[list[Move], list[Row], list[Row]]:
    """Match removed rows with added rows of identical content; pairs are taken in list order."""
    waiting: dict[tuple[str, ...], list[Row]] = {}
    for row in added:
        waiting.setdefault(_content(row), []).append(row)
    moves: list[Move] = []
    still_removed: list[Row] = []
    for row in removed:
        candidates = waiting.get(_content(row))
        if candidates:
            match = candidates.pop(0)
            moves.append(Move(row["key"], match["key"], _field_changes(row, match), match))
        else:
            still_removed.append(row)
    matched = {m.new_key for m in moves}
    return moves, [r for r in added if r["key"] not in matched], still_removed


def _content(row: Row) -> tuple[str, ...]:
    return tuple(row.get(name, "") for name in CONTENT_FIELDS)


def _field_changes(old: Row, new: Row) -> FieldChanges:
    # Published fields in their CSV order, then any unknown columns, so none is ignored.
    names = [*RECORD_FIELDS, *sorted((old.keys() | new.keys()) - set(RECORD_FIELDS))]
    return {
        name: (old.get(name, ""), new.get(name, ""))
        for name in names
        if name != "key" and old.get(name, "") != new.get(name, "")
    }


