"""One decision per table: which field each column holds, and whether it is an error table.

Every column is scored for every field (header evidence + content evidence, evidence.py), and
the assignment with the highest total is chosen, each field given to at most one column. The
user's overrides are fixed before the search; the reasons are kept for `--explain`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from scraper.columns import weights as w
from scraper.columns.assign import (
    assign,
    column_scores,
    lone_title_as_description,
    message_as_description,
)
from scraper.columns.evidence import (
    Scores,
    TableContext,
    content_evidence,
    describe_profile,
    header_evidence,
)
from scraper.columns.headerless import as_headerless, coarse_signature, first_row_is_data
from scraper.columns.lexicon import HeaderParts, fold, header_parts, mentions
from scraper.columns.profiles import EMPTY_PROFILE, ColumnProfile, profile, sample
from scraper.columns.verdict import is_error_table
from scraper.types import (
    NO_OVERRIDES,
    ColumnDecision,
    ColumnOverrides,
    RawTable,
    TableExplanation,
)

# Words that put a table on a page about HTTP responses ("Download responses", 响应).
RESPONSES = re.compile(r"\bresponses?\b|响应|響應|回應|回应|応答|レスポンス|응답")


@dataclass(slots=True)
class ColumnMap:
    """Which column holds which field; unmapped columns go to the record's extra."""

    fields: dict[str, int] = field(default_factory=dict)
    extra: list[int] = field(default_factory=list)
    codes_are_tokens: bool = False
    """The code column holds single tokens: a row whose code cell is words, with nothing
    else filled in, titles the rows below it and is not a record."""
    code_shapes: frozenset[str] = frozenset()
    """The shapes (headerless.coarse_signature) most of the code column's values have: a row whose
    code cell has none of them, with nothing else filled in, is a group title ("**Session**",
    "账户类" among 1001, 1002...), not a record."""

    @property
    def is_error_table(self) -> bool:
        return "code" in self.fields or "http_status" in self.fields


@dataclass(frozen=True, slots=True)
class TableReading:
    """A table as the mapper read it: its rows (the first row moved to data when the table has
    no header), the column mapping, why, and what records must say of overrides."""

    table: RawTable
    mapping: ColumnMap
    explanation: TableExplanation
    provenance: tuple[str, ...] = ()
    """Notes every record of the table carries in its repairs (overrides that applied)."""
    matched: frozenset[str] = frozenset()
    """The column overrides (by their names as given) that named a column of this table."""
    by_shares: bool = False
    """Whether the verdict rests on shares of sampled values (errors named, shapes of codes):
    a like table may hold other values, so its verdict is not reused."""


def _column(table: RawTable, index: int) -> list[str]:
    return [row[index] if index < len(row) else "" for row in table.rows]


def _common_shapes(table: RawTable, index: int) -> frozenset[str]:
    """The value shapes that at least COMMON_SHAPE of a sample of the code column shares,
    read in rows that hold more than their code (group titles stand alone in theirs)."""
    values = [
        row[index]
        for row in table.rows
        if index < len(row) and any(c.strip() for i, c in enumerate(row) if i != index)
    ]
    cells = sample(values)
    counts = Counter(coarse_signature(cell) for cell in cells)
    return frozenset(shape for shape, n in counts.items() if n >= w.COMMON_SHAPE * len(cells))


def _forced(
    table: RawTable, overrides: ColumnOverrides
) -> tuple[dict[int, str], list[str], frozenset[str]]:
    """Columns the user assigned, by header text or by position, the notes they leave, and
    the overrides that named a column."""
    forced: dict[int, str] = {}
    notes: list[str] = []
    matched: set[str] = set()
    stripped = [" ".join(h.split()) for h in table.header]
    for name, target in overrides.columns:
        wanted = " ".join(name.split())
        if wanted in stripped:
            index = stripped.index(wanted)
        elif wanted.isdigit() and int(wanted) < len(table.header):
            index = int(wanted)
        else:
            continue
        forced[index] = target
        matched.add(name)
        notes.append(f"columns: {name!r} read as {target} (override)")
    return forced, notes, frozenset(matched)


def http_around(table: RawTable) -> str:
    """The heading or caption that puts a table on a page about HTTP or its responses, or ""."""
    around = (*table.headings, table.section, table.caption)
    return mentions(around, "http") or next(
        (t for t in around if t and RESPONSES.search(fold(t))), ""
    )


def _context(
    table: RawTable, hps: list[HeaderParts], profiles: list[ColumnProfile]
) -> TableContext:
    http = http_around(table)
    if not http:
        http = next((table.header[i] for i, hp in enumerate(hps) if hp.has("http")), "")
    if not http and any(p.http_word > 0 for p in profiles):
        http = "a cell of the table"
    reason_column = next(
        (i for i, p in enumerate(profiles) if p.filled and p.reason >= w.REASON_COLUMN), -1
    )
    # Columns of codes written with digits (1001, F01, 0x8A15); a column of HTTP statuses is
    # numbers, but not codes, and row numbers ("end-1") are no codes either.
    numeric = frozenset(
        i
        for i, p in enumerate(profiles)
        if p.filled
        and max(p.integer + p.hex, p.digit) >= 0.8
        and p.symbol < 0.5
        and p.status < w.STATUS_SHARE
        and p.numbered < 0.5
    )
    cjk = frozenset(i for i, p in enumerate(profiles) if p.filled and p.cjk >= 0.5)
    return TableContext(http, reason_column, numeric, cjk)


def read_table(table: RawTable, overrides: ColumnOverrides = NO_OVERRIDES) -> TableReading:
    """Decide a table's header, each column's field, and whether it is an error table."""
    provenance: list[str] = []
    header_reasons: list[str] = []
    if overrides.header is False:
        headerless = True
        provenance.append("header: first row read as data (override)")
        header_reasons.append("first row read as data (override)")
    elif overrides.header is True:
        headerless = False
    else:
        headerless, why = first_row_is_data(table)
        if headerless:
            header_reasons.append(why)
    if headerless:
        table = as_headerless(table)
    width = len(table.header)
    scored = min(width, w.MAX_MAPPED_COLUMNS)
    hps = [header_parts(h) for h in table.header]
    profiles = [profile(_column(table, i)) for i in range(scored)]
    profiles += [EMPTY_PROFILE] * (width - scored)
    ctx = _context(table, hps, profiles)
    forced, override_notes, matched = _forced(table, overrides)
    provenance.extend(override_notes)

    headers = [header_evidence(hp) for hp in hps]
    contents = [content_evidence(i, profiles[i], hps[i], ctx) for i in range(scored)]
    first_codeish = next(
        (i for i, c in enumerate(contents) if c.get("code", -1.0) >= w.MIN_CODE_CONTENT), -1
    )
    scores = [column_scores(headers[i], contents[i], i, first_codeish) for i in range(scored)]
    chosen = assign(scores, {i: t for i, t in forced.items() if i < scored})
    for index in range(scored, width):
        chosen[index] = forced.get(index, "extra")

    fields = {t: i for i, t in sorted(chosen.items()) if t != "extra"}
    message_as_description(fields, hps, profiles, forced)
    lone_title_as_description(fields, hps, profiles, forced)
    chosen = {i: "extra" for i in range(width)} | {i: t for t, i in fields.items()}

    is_error, reasons, by_shares = is_error_table(
        table, fields, hps, profiles, forced, headerless, ctx.http
    )
    if not is_error:
        fields = {}
    code_index = fields.get("code")
    mapping = ColumnMap(
        fields=dict(sorted(fields.items(), key=lambda kv: kv[1])),
        extra=[i for i in range(width) if i not in fields.values()],
        codes_are_tokens=code_index is not None and profiles[code_index].token >= 0.6,
        code_shapes=_common_shapes(table, code_index) if code_index is not None else frozenset(),
    )
    decisions = tuple(
        _decision(i, table.header[i], chosen[i], hps[i], profiles[i], scores, forced)
        for i in range(width)
    )
    explanation = TableExplanation(
        locator=table.locator,
        section=table.section,
        header=table.header,
        rows=len(table.rows),
        is_error_table=is_error,
        headerless=headerless,
        columns=decisions,
        reasons=(*header_reasons, *reasons),
    )
    return TableReading(
        table, mapping, explanation, tuple(provenance) if is_error else (), matched, by_shares
    )


def _decision(
    index: int,
    header: str,
    target: str,
    hp: HeaderParts,
    p: ColumnProfile,
    totals: list[Scores],
    forced: dict[int, str],
) -> ColumnDecision:
    if index in forced:
        return ColumnDecision(index, header, target, ("override",), 0.0, True)
    if index >= len(totals):
        return ColumnDecision(index, header, target, ("past the columns that are scored",))
    evidence: list[str] = []
    if hp.parts:
        evidence.append(f"header words: {', '.join(hp.words)}")
    evidence.extend(describe_profile(p))
    scores = totals[index]
    ranked = sorted(
        ((s, t) for t, s in scores.items() if t != target and s != float("-inf")), reverse=True
    )
    if ranked:
        evidence.append(f"next best: {ranked[0][1]} ({ranked[0][0]:.2f})")
    return ColumnDecision(index, header, target, tuple(evidence), scores.get(target, 0.0))
