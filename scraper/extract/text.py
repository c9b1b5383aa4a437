"""Text rules shared by the extractors: what a reader sees of a cell."""

from __future__ import annotations

import re

# Permalink marks and anchors that documentation generators append to headings.
_PERMALINK = re.compile(r"\s*(?:[¶§#🔗]|\{#[^}]*\})\s*$")


def collapse(text: str) -> str:
    """Whitespace runs (NBSP, tabs and line breaks included) become one space; trimmed."""
    return " ".join(text.split())


def heading_text(text: str) -> str:
    """A heading's text without trailing permalink marks or {#id} attributes."""
    text = collapse(text)
    while True:
        stripped = _PERMALINK.sub("", text)
        if stripped == text:
            return text
        text = stripped
