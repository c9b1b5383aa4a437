"""A Diff rendered for review (markdown) or for tools (JSON with typed values)."""

from __future__ import annotations

import json
import re
from typing import Any

from scraper.diff.compare import (
    PROVENANCE_FIELDS,
    Change,
    Diff,
    FieldChanges,
    Move,
    Row,
    SourceDiff,
    by_source,
)
from scraper.fields import SPECS_BY_NAME

# A value longer than this is cut around the part that changed.
MAX_VALUE_CHARS = 120
# How much unchanged text to keep on each side of a change in a long value.
CONTEXT_CHARS = 30
# Digests are told apart by their first characters, as git abbreviates commit ids.
SHORT_DIGEST_CHARS = 12
ELLIPSIS = "…"
# A section is named in a row's label; a long one is cut to this many characters.
SECTION_CHARS = 60

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
        "added": [typed_row(r) for r in part.added],
        "removed": [typed_row(r) for r in part.removed],
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


def typed_value(name: str, text: str) -> Any:
    """A row's cell as the record holds it: a status as a number or null, a JSON cell as its
    list or object, text as text (a field the record does not know stays text)."""
    spec = SPECS_BY_NAME.get(name)
    if spec is None or spec.kind == "text":
        return text
    if spec.kind == "status":
        return int(text) if text.strip().isdigit() else (text or None)
    if not text.strip():
        return [] if spec.kind == "list" else {}
    try:
        return json.loads(text)
    except ValueError:
        return text


def typed_row(row: Row) -> dict[str, Any]:
    """A row as errors.json holds the record."""
    return {name: typed_value(name, text) for name, text in row.items()}


def _identity(row: Row) -> dict[str, Any]:
    return {
        "code": row.get("code", ""),
        "http_status": typed_value("http_status", row.get("http_status", "")),
        "section": row.get("section", ""),
    }


def _fields_json(fields: FieldChanges) -> dict[str, list[Any]]:
    return {
        name: [typed_value(name, old), typed_value(name, new)]
        for name, (old, new) in fields.items()
    }


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
    return f"{_plural(count, 'row')} changed only in sha256/locator/evidence"


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
    """How a row is named in the review: its code and status, else its key; then its section,
    which tells apart two rows of one code under two headings."""
    code, status = row.get("code", ""), row.get("http_status", "")
    if code and status:
        name = f"{_code_span(code)} ({_escape(status)})"
    else:
        name = _code_span(code or status or row.get("key", ""))
    section = row.get("section", "")
    return f"{name} in {_escape(_clip(section, SECTION_CHARS))}" if section else name


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
