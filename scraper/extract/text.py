"""Text rules shared by the extractors: what a reader sees of a cell or a heading."""

from __future__ import annotations

import re

from scraper.decode import repair_text

# Permalink marks and anchors that documentation generators append to headings.
_PERMALINK = re.compile(r"\s*(?:[¶§#🔗◆♦]|\{#[^}]*\})\s*$")
# The same marks put before the text ("<a class="header-anchor">#</a> Errors", Doxygen's
# "◆ name" member headings), and the
# zero-width characters some generators write as the whole of a hash link.
_LEADING_PERMALINK = re.compile(r"^(?:[¶§#🔗◆♦])\s+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")

Steps = tuple[str, ...]


def collapse(text: str) -> str:
    """Whitespace runs (NBSP, tabs and line breaks included) become one space; trimmed."""
    return " ".join(text.split())


def reader_text(raw: str, max_chars: int = 0) -> tuple[str, Steps]:
    """A cell's text as a reader sees it, mojibake undone, and the repair steps taken.

    Repair comes before whitespace is collapsed: mojibake often holds a no-break space (byte
    A0 read as cp1252), which collapsing would turn into a plain space beyond repair. With
    `max_chars`, longer text is cut there first (the caller notes it).
    """
    if max_chars and len(raw) > max_chars:
        raw = raw[:max_chars]
    if raw.isascii():
        return collapse(raw), ()
    repaired, steps = repair_text(raw)
    return collapse(repaired), tuple(steps)


def heading_text(text: str) -> str:
    """A heading's text without permalink marks, {#id} attributes or zero-width characters."""
    text = collapse(_ZERO_WIDTH.sub("", text))
    text = _LEADING_PERMALINK.sub("", text)
    while True:
        stripped = _PERMALINK.sub("", text)
        if stripped == text:
            return text
        text = stripped


def reader_heading(raw: str) -> tuple[str, Steps]:
    text, steps = reader_text(raw)
    return heading_text(text), steps
