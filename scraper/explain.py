"""Why a page's tables were read as they were, rendered for a person (text) or a tool (JSON)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from scraper.types import ColumnDecision, Record, TableExplanation


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _verdict(table: TableExplanation) -> str:
    if not table.is_error_table:
        return "not an error table"
    verdict = f"error table, {_plural(table.records, 'record')}"
    if table.skipped_rows:
        verdict += f", {_plural(table.skipped_rows, 'row')} skipped (no code or single status)"
    return verdict


def _column_line(column: ColumnDecision, headerless: bool, error_table: bool) -> str:
    named = "(no header)" if headerless or not column.header else repr(column.header)
    line = f"  [{column.index}] {named} -> {column.field}"
    if not error_table and column.field != "extra":
        line += " (had it been an error table)"
    evidence = column.evidence
    if column.overridden:
        line += " (override)"
        evidence = tuple(e for e in evidence if e != "override")  # said once is enough
    if evidence:
        line += f"  ({'; '.join(evidence)})"
    return line


def render_explanations_text(tables: Sequence[TableExplanation]) -> str:
    """One paragraph per table, in document order: where it is, whether it yielded records,
    why, its header, and each column's field with the evidence for it."""
    if not tables:
        return "no tables on the page\n"
    paragraphs = []
    for number, table in enumerate(tables, start=1):
        section = f"section «{table.section}»" if table.section else "no section"
        lines = [f"table {number} at {table.locator} ({section}): {_verdict(table)}"]
        lines.extend(f"  - {reason}" for reason in table.reasons)
        if table.headerless:
            lines.append(f"  header: none, every row is data ({_plural(table.rows, 'row')})")
        else:
            shown = " | ".join(repr(cell) for cell in table.header)
            lines.append(f"  header: {shown} ({_plural(table.rows, 'row')} below it)")
        lines.extend(
            _column_line(column, table.headerless, table.is_error_table)
            for column in table.columns
        )
        paragraphs.append("\n".join(lines) + "\n")
    return "\n".join(paragraphs)


def inference(record: Record) -> dict[str, object]:
    """What the tool inferred about one record, and the evidence for it."""
    return {
        "key": record.key,
        "category": record.category,
        "retryable": record.retryable,
        "code_pattern": record.code_pattern,
        "inferred_http_status": record.inferred_http_status,
        "evidence": list(record.evidence),
    }


def render_inferences_text(records: Sequence[Record]) -> str:
    """One line per record: its name, the category and retry advice, any pattern or inferred
    status, and the evidence that decided them."""
    if not records:
        return ""
    lines = ["inferred, per record:"]
    for record in records:
        name = record.code or (str(record.http_status) if record.http_status else record.key)
        decided = f"{record.category}, retryable {record.retryable}"
        if record.code_pattern:
            decided += f", pattern {record.code_pattern}"
        if record.inferred_http_status is not None:
            decided += f", status {record.inferred_http_status} inferred"
        line = f"  {name}: {decided}"
        if record.evidence:
            line += f"  ({'; '.join(record.evidence)})"
        lines.append(line)
    return "\n".join(lines) + "\n"


def explanations_json(
    tables: Sequence[TableExplanation],
    *,
    page: str,
    format: str,
    encoding: str,
    lang: str,
    records: int,
    notes: Sequence[str] = (),
    inferred: Sequence[Record] = (),
) -> str:
    """One JSON document on one line: the page, how it was read, its record count, one entry
    per table in document order (`TableExplanation.as_dict()`), the notes a person would
    have read, and per record what was inferred with its evidence (`inference`). ASCII
    only, so it stays valid JSON on a stream of any encoding."""
    document = {
        "page": page,
        "format": format,
        "encoding": encoding,
        "lang": lang,
        "records": records,
        "tables": [table.as_dict() for table in tables],
        "notes": list(notes),
        "inferred": [inference(record) for record in inferred],
    }
    return json.dumps(document, ensure_ascii=True) + "\n"
