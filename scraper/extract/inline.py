"""Markdown inline markup to the text a reader sees, with markdown-it-py's inline parser."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from scraper.extract.text import collapse

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@cache
def _markdown() -> MarkdownIt:
    """The inline parser, built on first need (most cells need none)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(["strikethrough"])


# Characters that can start inline markup; a cell without them is its own text.
_MARKUP = re.compile(r"[\\`*_\[\]<>&!~]")
_BREAK_TAG = re.compile(r"<br\b", re.IGNORECASE)
_SKIP_CONTENT_TAGS = re.compile(r"<(script|style)\b", re.IGNORECASE)


def _tokens_text(tokens: list[Token]) -> str:
    parts: list[str] = []
    for token in tokens:
        kind = token.type
        if kind in ("text", "text_special", "code_inline"):
            parts.append(token.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "image":
            parts.append(token.content)
        elif kind == "html_inline" and _BREAK_TAG.match(token.content):
            parts.append(" ")
    return "".join(parts)


def inline_text(source: str) -> str:
    """Bold, code spans, links, inline HTML and escapes become plain text; whitespace collapsed."""
    return collapse(inline_raw_text(source))


# `**strong**` runs that open after a space (or at the start) and close before a space, a
# closing punctuation mark or the end: strong emphasis under every flanking rule.
_PLAIN_STRONG = re.compile(r"(?:(?<=\s)|^)\*\*(?=[^\s*])([^*]*?[^\s*])\*\*(?=[\s.,;:!?)]|$)")
_NOT_STAR_MARKUP = re.compile(r"[\\`_\[\]<>&!~]")


@lru_cache(maxsize=65536)
def inline_raw_text(source: str) -> str:
    """The text of inline markdown, whitespace not yet collapsed."""
    if not _MARKUP.search(source):
        return source
    if "**" in source and not _NOT_STAR_MARKUP.search(source):
        # Bold is the markup cells carry most; read it without the full inline parser.
        plain = _PLAIN_STRONG.sub(r"\1", source)
        if "*" not in plain:
            return plain
    tokens = _markdown().parseInline(source)
    children = tokens[0].children if tokens and tokens[0].children else []
    return _tokens_text(children)
