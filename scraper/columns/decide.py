"""One decision per table: which field each column holds, and whether it is an error table.

Every column is scored for every field (header evidence + content evidence, evidence.py), and
the assignment with the highest total is chosen, each field given to at most one column. The
user's overrides are fixed before the search; the reasons are kept for `--explain`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from scraper.columns import weights as w
from scraper.columns.evidence import (
    TARGETS,
    Scores,
    TableContext,
    content_evidence,
    describe_profile,
    header_evidence,
)
from scraper.columns.headerless import as_headerless, first_row_is_data
from scraper.columns.lexicon import HeaderParts, header_parts, mentions
from scraper.columns.shapes import EMPTY_PROFILE, ColumnProfile, profile
from scraper.types import (
    CANONICAL_FIELDS,
    NO_OVERRIDES,
    ColumnDecision,
    ColumnOverrides,
    RawTable,
    TableExplanation,
)

_BY_PREFERENCE = ("extra", *CANONICAL_FIELDS)

# Parts of a key column's header that say outright the table is about errors or statuses.
_EXPLICIT_PARTS = ("error", "status", "result", "http", "reason")
# Parts of a heading or caption that put a table in an error context.
_CONTEXT_PARTS = ("error", "code", "status", "result", "http")


@dataclass(slots=True)
class ColumnMap:
    """Which column holds which field; unmapped columns go to the record's extra."""

    fields: dict[str, int] = field(default_factory=dict)
    extra: list[int] = field(default_factory=list)
    codes_are_tokens: bool = False
    """The code column holds single tokens: a row whose code cell is words, with nothing
    else filled in, titles the rows below it and is not a record."""

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


def _column(table: RawTable, index: int) -> list[str]:
    return [row[index] if index < len(row) else "" for row in table.rows]


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


def _context(
    table: RawTable, hps: list[HeaderParts], profiles: list[ColumnProfile]
) -> TableContext:
    http = mentions((*table.headings, table.section, table.caption), "http")
    if not http:
        http = next((table.header[i] for i, hp in enumerate(hps) if hp.has("http")), "")
    if not http and any(p.http_word > 0 for p in profiles):
        http = "a cell of the table"
    reason_column = next(
        (i for i, p in enumerate(profiles) if p.filled and p.reason >= w.REASON_COLUMN), -1
    )
    # Columns of numeric codes; a column of HTTP statuses is numbers, but not codes.
    numeric = frozenset(
        i
        for i, p in enumerate(profiles)
        if p.filled and p.integer + p.hex >= 0.8 and p.status < w.STATUS_SHARE
    )
    cjk = frozenset(i for i, p in enumerate(profiles) if p.filled and p.cjk >= 0.5)
    return TableContext(http, reason_column, numeric, cjk)


def _totals(header: Scores, content: Scores, index: int, first_codeish: int) -> Scores:
    totals: Scores = {}
    for target in TARGETS:
        score = w.HEADER_WEIGHT * header.get(target, 0.0)
        score += w.CONTENT_WEIGHT * content.get(target, 0.0)
        if target == "extra":
            score += w.EXTRA_BASE
        if target == "code" and index == first_codeish:
            score += w.LEFTMOST_CODE_BONUS
        totals[target] = score
    if content.get("code", -1.0) < w.MIN_CODE_CONTENT:
        totals["code"] = float("-inf")
    if content.get("http_status", -1.0) < w.MIN_STATUS_CONTENT:
        totals["http_status"] = float("-inf")
    return totals


# A chain of choices, the last first: (target, the chain before it).
_Path: TypeAlias = "tuple[str, _Path] | None"


def _assign(totals: list[Scores], forced: dict[int, str]) -> dict[int, str]:
    """The assignment of fields to columns with the highest total, each field at most once.

    A search over the columns with the set of fields already given as its state: at most
    2**6 states per column. A field that scores no more than "extra" on a column is never worth
    giving it (extra frees the field and scores as much), so only better fields are tried.
    """
    bit = {name: 1 << i for i, name in enumerate(CANONICAL_FIELDS)}
    taken = 0
    for target in forced.values():
        taken |= bit.get(target, 0)
    options: list[list[tuple[str, int, float]]] = []
    for index, scores in enumerate(totals):
        if index in forced:
            options.append([(forced[index], 0, 0.0)])
            continue
        extra = scores["extra"]
        better = [
            (name, bit[name], scores[name])
            for name in CANONICAL_FIELDS
            if scores[name] > extra and not taken & bit[name]
        ]
        # "extra" first: on a tie, a column stays where nothing is lost.
        options.append([("extra", 0, extra), *better])
    # best[mask] = (total, path): path is (target, previous path), the choices in reverse.
    best: dict[int, tuple[float, _Path]] = {taken: (0.0, None)}
    for column in options:
        step: dict[int, tuple[float, _Path]] = {}
        for mask, (total, path) in best.items():
            for target, flag, score in column:
                if mask & flag:
                    continue
                new_mask = mask | flag
                candidate = total + score
                if new_mask not in step or candidate > step[new_mask][0]:
                    step[new_mask] = (candidate, (target, path))
        best = step
    _, path = max(best.values(), key=lambda item: item[0])
    choices: list[str] = []
    while path is not None:
        choices.append(path[0])
        path = path[1]
    return dict(enumerate(reversed(choices)))


def speaks_of_codes(text: str) -> bool:
    """Whether a heading or caption says its table lists codes or errors: "Error codes",
    "Return codes", "状态码", "System Message Codes"; not "eth_getCode" nor "Response"."""
    hp = header_parts(text)
    if hp.has("error") or (hp.has("http") and hp.has("status")):
        return True
    for index, (part, word) in enumerate(zip(hp.parts, hp.words, strict=True)):
        if part != "code":
            continue
        qualified = index > 0 and hp.parts[index - 1] in ("status", "result", "reason", "message")
        if qualified or word.endswith("s") or not word.isascii():
            return True
    return False


def _decoy(table: RawTable, hps: list[HeaderParts], profiles: list[ColumnProfile]) -> str:
    """What marks a table of parameters or fields, or "" when nothing does."""
    for text, hp in zip(table.header, hps, strict=True):
        if "param" in hp.parts and not hp.has("symbol", "error", "status", "result"):
            return f"header {text!r} names parameters or fields"
    for index, p in enumerate(profiles):
        if p.filled and p.datatype >= w.DATATYPE_COLUMN:
            return f"column {table.header[index] or index + 1!r} lists data types"
    # A heading about parameters says less than a column: it marks the table only when no
    # column is named for codes, errors or statuses.
    if any(hp.has("code", "error", "status", "http", "result") for hp in hps):
        return ""
    for text in (table.section, table.caption):
        if text and "param" in header_parts(text).parts and not speaks_of_codes(text):
            return f"heading {text!r} names parameters or fields"
    return ""


def _is_error_table(
    table: RawTable,
    fields: dict[str, int],
    hps: list[HeaderParts],
    profiles: list[ColumnProfile],
    forced: dict[int, str],
    headerless: bool,
) -> tuple[bool, list[str]]:
    key = fields.get("code", fields.get("http_status"))
    if key is None:
        return False, ["no column holds codes or statuses"]
    role = "codes" if "code" in fields else "HTTP statuses"
    label = table.header[key] or f"column {key + 1}"
    if forced.get(key) in ("code", "http_status"):
        return True, [f"column {label!r} holds {role} (override)"]
    reasons = [f"column {label!r} holds {role}"]
    keys = [hps[i] for i in (fields.get("code"), fields.get("http_status")) if i is not None]
    decoy = _decoy(table, hps, profiles)
    if decoy:
        # Only a header that names errors or HTTP outright outweighs a table of fields.
        if any(
            hp.has("error", "http") or (speaks_of_codes(hp.text) and len(hp.parts) > 1)
            for hp in keys
        ):
            return True, [*reasons, f"its header names them, although {decoy}"]
        return False, [*reasons, f"but {decoy}"]
    texts = [f for f in ("title", "message", "description", "suggestion") if f in fields]
    if not texts and not any(hp.parts for hp in keys):
        return False, [*reasons, "but no header names them and no column explains them"]
    named = next((hp for hp in keys if hp.has(*_EXPLICIT_PARTS)), None)
    if named is not None:
        return True, [*reasons, f"its header names them: {', '.join(named.words)}"]
    errors = next(
        (table.header[fields[f]] for f in ("title", "message") if f in fields
         and hps[fields[f]].has("error")),
        "",
    )
    if errors:
        return True, [*reasons, f"column {errors!r} names the errors"]
    context = next((t for t in (table.section, table.caption) if t and speaks_of_codes(t)), "")
    if context:
        return True, [*reasons, f"heading or caption {context!r} speaks of codes or errors"]
    if "http_status" in fields and profiles[fields["http_status"]].status_reason + (
        profiles[fields["title"]].reason if "title" in fields else 0.0
    ) >= w.REASON_COLUMN:
        return True, [*reasons, "HTTP reason phrases stand with the statuses"]
    named_columns = [fields[f] for f in ("code", "title") if f in fields]
    errorish = max((profiles[i].errorish for i in named_columns), default=0.0)
    if errorish >= w.ERRORISH_IDENTIFIERS:
        return True, [*reasons, f"{errorish:.0%} of its identifiers name errors"]
    explained = [
        table.header[i] for i in fields.values() if hps[i].head in ("message", "remedy")
    ]
    if explained:
        return True, [*reasons, f"column {explained[0]!r} gives messages or remedies"]
    why = "no heading" if headerless else "neither its header nor its heading"
    return False, [*reasons, f"but {why} nor its values say errors or statuses"]


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
    totals = [_totals(headers[i], contents[i], i, first_codeish) for i in range(scored)]
    chosen = _assign(totals, {i: t for i, t in forced.items() if i < scored})
    for index in range(scored, width):
        chosen[index] = forced.get(index, "extra")

    fields = {t: i for i, t in sorted(chosen.items()) if t != "extra"}
    _message_as_description(fields, hps, profiles, forced)
    _lone_title_as_description(fields, hps, profiles, forced)
    chosen = {i: "extra" for i in range(width)} | {i: t for t, i in fields.items()}

    is_error, reasons = _is_error_table(table, fields, hps, profiles, forced, headerless)
    if not is_error:
        fields = {}
    code_index = fields.get("code")
    mapping = ColumnMap(
        fields=dict(sorted(fields.items(), key=lambda kv: kv[1])),
        extra=[i for i in range(width) if i not in fields.values()],
        codes_are_tokens=code_index is not None and profiles[code_index].token >= 0.6,
    )
    decisions = tuple(
        _decision(i, table.header[i], chosen[i], hps[i], profiles[i], totals, forced)
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
        table, mapping, explanation, tuple(provenance) if is_error else (), matched
    )


def _message_as_description(
    fields: dict[str, int],
    hps: list[HeaderParts],
    profiles: list[ColumnProfile],
    forced: dict[int, str],
) -> None:
    """A message column in the page's own CJK language, with no description column, explains:
    the API's message is what it returns, and that is what other columns quote."""
    index = fields.get("message")
    if index is None or "description" in fields or index in forced:
        return
    if profiles[index].cjk >= 0.5 and not any(hp.head == "desc" for hp in hps):
        fields["description"] = fields.pop("message")


def _lone_title_as_description(
    fields: dict[str, int],
    hps: list[HeaderParts],
    profiles: list[ColumnProfile],
    forced: dict[int, str],
) -> None:
    """Phrases that are a table's only text explain its codes: a title needs another text
    beside it, unless it is named one or holds reason phrases or symbols."""
    index = fields.get("title")
    others = ("description", "message", "suggestion")
    if index is None or any(f in fields for f in others) or index in forced:
        return
    p = profiles[index]
    if hps[index].head in ("name", "symbol", "kind", "reason") or p.reason >= 0.3 or (
        p.symbol >= 0.5
    ):
        return
    fields["description"] = fields.pop("title")


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
