"""Why a page's tables were read as they were, rendered for a person (text) or a tool (JSON)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from scraper.types import ColumnDecision, TableExplanation


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


def explanations_json(
    tables: Sequence[TableExplanation],
    *,
    page: str,
    format: str,
    encoding: str,
    lang: str,
    records: int,
    notes: Sequence[str] = (),
) -> str:
    """One JSON document on one line: the page, how it was read, its record count, one entry
    per table in document order (`TableExplanation.as_dict()`) and the notes a person would
    have read. ASCII only, so it stays valid JSON on a stream of any encoding."""
    document = {
        "page": page,
        "format": format,
        "encoding": encoding,
        "lang": lang,
        "records": records,
        "tables": [table.as_dict() for table in tables],
        "notes": list(notes),
    }
    return json.dumps(document, ensure_ascii=True) + "\n"
