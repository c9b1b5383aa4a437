"""Keyed comparison of two datasets, rendered for review (markdown) or for tools (JSON).

The shape follows csv-diff: load each side as {key: record}, compare them into plain data,
render that data. Records are compared as text, so errors.csv and errors.json of the same
dataset load to equal dicts.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from scraper.bounded import read_file
from scraper.dataset import MAX_DATASET_FILE_BYTES
from scraper.errors import DatasetError
from scraper.types import RECORD_FIELDS

Row = dict[str, str]
"""One record with every value as text; http_status is "" when there is none."""

FieldChanges = dict[str, tuple[str, str]]
"""{field: (old, new)} for the fields that differ."""

# Where a row came from, not what it says. Any edit to a page changes sha256 on every row of
# it, so rows that differ only here are counted instead of listed.
PROVENANCE_FIELDS = frozenset({"sha256", "locator"})

# What a row says. A removed and an added row that agree on these are one row that moved.
CONTENT_FIELDS = ("source", "http_status", "code", "title", "message", "description", "suggestion")

# JSON-valued columns and the text of their empty value: a CSV writer may leave the cell blank.
_JSON_FIELDS = {"extra": "{}", "repairs": "[]", "evidence": "[]"}

# Dataset cells can be longer than the csv module's default 128 KiB field limit.
csv.field_size_limit(sys.maxsize)


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
    """Same key, some field other than sha256/locator differs (those are listed too then)."""
    moved: list[Move] = field(default_factory=list)
    provenance_only: list[Change] = field(default_factory=list)
    """Same key, only sha256/locator differ: kept for completeness, counted in reviews."""
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


def load_records(path: str | Path) -> dict[str, Row]:
    """Read a dataset folder (its errors.csv), an errors.csv or an errors.json as {key: row}."""
    target = _dataset_file(Path(path))
    # Bounded before it is read: a FIFO, a device or a huge file is one line naming it.
    data = read_file(target, MAX_DATASET_FILE_BYTES, error=DatasetError)
    return _parse(data, target.suffix, str(target))


def load_records_at_revision(
    repo_dir: str | Path, rev: str, relpath: str = "normalized/errors.csv"
) -> dict[str, Row]:
    """Read the dataset file as it was at git revision `rev`; relpath is relative to repo_dir."""
    path = PurePosixPath(relpath)
    if path.suffix.lower() not in (".csv", ".json"):
        path = path / "errors.csv"
    origin = f"{rev}:{path}"
    if rev.startswith("-"):
        # git would read it as an option.
        raise DatasetError(f"{origin}: not a git revision")
    # "./" makes git resolve the path from repo_dir rather than from the repository's root.
    command = ["git", "-C", str(repo_dir), "show", f"{rev}:./{path}"]
    try:
        result = subprocess.run(command, capture_output=True, check=False)
    except OSError as exc:
        raise DatasetError(f"{origin}: cannot run git: {exc.strerror or exc}") from exc
    if result.returncode != 0:
        reason = _first_line(result.stderr.decode("utf-8", "replace"))
        raise DatasetError(f"{origin}: {reason or f'git exited with {result.returncode}'}")
    return _parse(result.stdout, path.suffix, origin)


def _dataset_file(path: Path) -> Path:
    if path.is_dir():
        for name in ("errors.csv", "errors.json"):
            if (path / name).is_file():
                return path / name
        raise DatasetError(f"{path}: no errors.csv or errors.json in this folder")
    if not path.exists():
        raise DatasetError(f"{path}: no such file or folder")
    return path


def _parse(data: bytes, suffix: str, origin: str) -> dict[str, Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{origin}: not UTF-8 (byte {exc.start})") from exc
    if suffix.lower() == ".json":
        return _index(_objects_from_json(text, origin), origin)
    return _index(_objects_from_csv(text, origin), origin)


def _objects_from_csv(text: str, origin: str) -> list[dict[str, object]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise DatasetError(f"{origin}: empty file, expected a header line")
        if "key" not in header:
            raise DatasetError(f"{origin}: the header has no 'key' column")
        objects: list[dict[str, object]] = []
        for cells in reader:
            if not cells:
                continue
            if len(cells) != len(header):
                raise DatasetError(
                    f"{origin}: line {reader.line_num} has {len(cells)} cells, "
                    f"the header has {len(header)}"
                )
            objects.append(dict(zip(header, cells, strict=True)))
    except csv.Error as exc:
        raise DatasetError(f"{origin}: malformed CSV at line {reader.line_num}: {exc}") from exc
    return objects


def _objects_from_json(text: str, origin: str) -> list[dict[str, object]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{origin}: not valid JSON: {exc}") from exc
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise DatasetError(f"{origin}: expected a JSON array of record objects")
    return data


def rows_from_records(
    records: Iterable[Mapping[str, object]], origin: str = "records"
) -> dict[str, Row]:
    """Records in memory (JSON-shaped dicts) keyed and normalized as load_records does."""
    return _index((dict(r) for r in records), origin)


def _index(objects: Iterable[dict[str, object]], origin: str) -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for number, obj in enumerate(objects, start=1):
        row = _as_row(obj, origin, number)
        key = row.get("key", "")
        if not key:
            raise DatasetError(f"{origin}: record {number} has no key")
        if key in rows:
            raise DatasetError(f"{origin}: key {key!r} appears more than once")
        rows[key] = row
    return rows


def _as_row(obj: Mapping[str, object], origin: str, number: int) -> Row:
    row: Row = {}
    for name, value in obj.items():
        try:
            row[name] = _as_text(name, value)
        except ValueError as exc:
            raise DatasetError(f"{origin}: record {number}, {name}: not valid JSON") from exc
    return row


def _as_text(name: str, value: object) -> str:
    if name in _JSON_FIELDS:
        return _canonical_json(value, _JSON_FIELDS[name])
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _canonical_json(value: object, empty: str) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return empty
    if isinstance(value, str):
        value = json.loads(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


# ---------------------------------------------------------------------------------------------
# Comparing


def compare(old: Mapping[str, Row], new: Mapping[str, Row]) -> Diff:
    """Compare two {key: row} mappings (as load_records returns) into a Diff."""
    old, new = _keyed(old), _keyed(new)
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


# ---------------------------------------------------------------------------------------------
# Rendering

# A value longer than this is cut around the part that changed.
MAX_VALUE_CHARS = 120
# How much unchanged text to keep on each side of a change in a long value.
CONTEXT_CHARS = 30
# Digests are told apart by their first characters, as git abbreviates commit ids.
SHORT_DIGEST_CHARS = 12
ELLIPSIS = "…"

# Backslash-escape what markdown would read as markup. An underscore inside a word is plain
# text in CommonMark, so `INVALID_PARAM` stays as it is; one at a word's edge is escaped.
_MARKUP = re.compile(r"[\\`*\[\]<>|~]|(?<![^\W_])_|_(?![^\W_])")


def render_markdown(diff: Diff, title: str = "") -> str:
    """The review text: counts, then per source the codes added, removed, changed, moved."""
    lines = [f"## {title}", ""] if title else []
    if diff.count == 0:
        lines.append(_nothing_listed(diff))
        return "\n".join(lines) + "\n"
    lines.append(_summary_line(diff))
    for part in by_source(diff):
        lines += ["", f"### {_escape(part.source) or '(no source)'}"]
        lines += _block("Added", [_row_line(r) for r in part.added])
        lines += _block("Removed", [_row_line(r) for r in part.removed])
        lines += _block("Changed", [_change_lines(c) for c in part.changed])
        lines += _block("Moved", [_move_lines(m) for m in part.moved])
    return "\n".join(lines) + "\n"


def render_json(diff: Diff) -> str:
    """The same data as render_markdown, as JSON for tools."""
    data = {
        "summary": {
            "added": len(diff.added),
            "removed": len(diff.removed),
            "changed": len(diff.changed),
            "moved": len(diff.moved),
            "provenance_changed": diff.provenance_changed,
            "total": diff.count,
        },
        "sources": [_source_json(part) for part in by_source(diff)],
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def _source_json(part: SourceDiff) -> dict[str, object]:
    return {
        "source": part.source,
        "added": part.added,
        "removed": part.removed,
        "changed": [
            {**_identity(c.record), "key": c.key, "fields": _fields_json(c.fields)}
            for c in part.changed
        ],
        "moved": [
            {
                **_identity(m.record),
                "old_key": m.old_key,
                "new_key": m.new_key,
                "fields": _fields_json(_without_provenance(m.fields)),
            }
            for m in part.moved
        ],
    }


def _identity(row: Row) -> dict[str, str]:
    return {"code": row.get("code", ""), "http_status": row.get("http_status", "")}


def _fields_json(fields: FieldChanges) -> dict[str, list[str]]:
    return {name: [old, new] for name, (old, new) in fields.items()}


def _without_provenance(fields: FieldChanges) -> FieldChanges:
    # A moved row always gets a new locator (and usually a new sha256); listing it says nothing.
    return {name: pair for name, pair in fields.items() if name not in PROVENANCE_FIELDS}


def _nothing_listed(diff: Diff) -> str:
    if diff.provenance_changed == 0:
        return "No changes."
    return f"No changes in content; {_provenance_note(diff.provenance_changed)}."


def _summary_line(diff: Diff) -> str:
    counts = [
        (len(diff.added), "added"),
        (len(diff.removed), "removed"),
        (len(diff.changed), "changed"),
        (len(diff.moved), "moved"),
    ]
    parts = ", ".join(f"{n} {label}" for n, label in counts if n)
    line = f"**{_plural(diff.count, 'change')}**: {parts}."
    if diff.provenance_changed:
        line += f" Not listed: {_provenance_note(diff.provenance_changed)}."
    return line


def _provenance_note(count: int) -> str:
    return f"{_plural(count, 'row')} changed only in sha256/locator"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _block(heading: str, items: list[str]) -> list[str]:
    if not items:
        return []
    return ["", f"**{heading}** ({len(items)})", "", *items]


def _row_line(row: Row) -> str:
    gist = next((row[f] for f in ("title", "message", "description") if row.get(f)), "")
    line = f"- {_label(row)}"
    return f"{line}: {_escape(_clip(gist))}" if gist else line


def _change_lines(change: Change) -> str:
    return "\n".join([f"- {_label(change.record)}", *_field_lines(change.fields)])


def _move_lines(move: Move) -> str:
    head = f"- {_label(move.record)}: {_code_span(move.old_key)} -> {_code_span(move.new_key)}"
    return "\n".join([head, *_field_lines(_without_provenance(move.fields))])


def _field_lines(fields: FieldChanges) -> list[str]:
    lines = []
    for name, (old, new) in fields.items():
        if name == "sha256":
            old, new = old[:SHORT_DIGEST_CHARS], new[:SHORT_DIGEST_CHARS]
        old_shown, new_shown = _clip_pair(old, new)
        lines.append(f'  - {_escape(name)}: "{_escape(old_shown)}" -> "{_escape(new_shown)}"')
    return lines


def _label(row: Row) -> str:
    """How a row is named in the review: its code and status, else its key."""
    code, status = row.get("code", ""), row.get("http_status", "")
    if code and status:
        return f"{_code_span(code)} ({_escape(status)})"
    return _code_span(code or status or row.get("key", ""))


def _escape(text: str) -> str:
    # One line per item: a line break in a value would end the list item.
    text = _MARKUP.sub(lambda m: "\\" + m.group(0), text)
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _code_span(text: str) -> str:
    text = " ".join(text.splitlines())
    # A code span is fenced by a backtick run longer than any inside it; CommonMark strips one
    # padding space on each side, which keeps a leading or trailing backtick apart from the fence.
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{fence}{padded}{fence}"


def _clip(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def _clip_pair(old: str, new: str) -> tuple[str, str]:
    """Shorten two long values to the part where they differ, with some context around it."""
    if len(old) <= MAX_VALUE_CHARS and len(new) <= MAX_VALUE_CHARS:
        return old, new
    prefix = _common_prefix(old, new)
    suffix = _common_prefix(old[prefix:][::-1], new[prefix:][::-1])
    start = max(0, prefix - CONTEXT_CHARS)
    cut_end = max(0, suffix - CONTEXT_CHARS)
    return _window(old, start, cut_end), _window(new, start, cut_end)


def _window(text: str, start: int, cut_end: int) -> str:
    end = len(text) - cut_end
    shown = _clip(text[start:end])
    head = ELLIPSIS if start > 0 else ""
    tail = ELLIPSIS if end < len(text) and not shown.endswith(ELLIPSIS) else ""
    return head + shown + tail


def _common_prefix(a: str, b: str) -> int:
    mismatch = (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y)
    return next(mismatch, min(len(a), len(b)))
