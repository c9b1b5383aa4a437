"""Markdown inline markup to the text a reader sees, with markdown-it-py's inline parser.

The parser is slow (a few MB/s), and most text needs none of it: text with no markup is its
own text, and `**strong**` runs, the markup cells carry most, are read by a pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
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


# What can start inline markup. Escapes, code spans, `*` emphasis, links, autolinks and HTML
# start it wherever they stand. Other characters only in context: `&` before an entity name or
# number, `~~` (one `~` strikes nothing), `!` only before a link's `[`, and `_` unless it
# joins two letters or digits (`_` inside a word neither opens nor closes emphasis). Elsewhere
# they are text, and the parser gives the source back unchanged.
_ENTITY_START = re.compile(r"&[#A-Za-z]")
_LOOSE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9_])")
# Text holding NUL is tested by characters alone, without the context rules: the parser writes
# NUL as U+FFFD where a shortcut keeps it, so for such text the path shows in the result, and
# the plain character test is the one that decides it.
_MARKUP_CHAR_BUT_STAR = re.compile(r"[\\`_\[\]<>&!~]")
# Tags a reader sees as a break between words: <br>, and block elements written inline
# ("<ul><li>a</li><li>b</li></ul>" reads "a b").
_BREAK_TAG = re.compile(
    r"</?(?:br|p|div|li|ul|ol|dl|dt|dd|tr|td|th|table|thead|tbody|h[1-6]|blockquote|pre|"
    r"section|hr)\b",
    re.IGNORECASE,
)


def _has_markup_but_star(source: str) -> bool:
    """Whether `source` may hold markup other than `*` emphasis."""
    if "\x00" in source:
        return _MARKUP_CHAR_BUT_STAR.search(source) is not None
    # Substring tests first: on long rows they are several times faster than any pattern.
    return (
        "\\" in source
        or "`" in source
        or "[" in source
        or "<" in source
        or "~~" in source
        or ("&" in source and _ENTITY_START.search(source) is not None)
        or ("_" in source and _LOOSE_UNDERSCORE.search(source) is not None)
    )


# Link reference definitions of the page being read ("[label]: url"): with them, a reference
# link "[text][label]" reads "text", as the page shows it; without, it is literal text.
_references: dict[str, dict[str, str]] = {}


@contextmanager
def page_references(labels: Iterable[str]) -> Iterator[None]:
    """Read inline markdown with these link reference labels defined, as the page defines them."""
    global _references
    saved = _references
    _references = {normalize_label(label): {"href": "", "title": ""} for label in labels}
    try:
        yield
    finally:
        _references = saved


def normalize_label(label: str) -> str:
    """A reference label as CommonMark matches it: whitespace folded, case folded."""
    return " ".join(label.split()).lower().upper()


def _env() -> dict[str, object]:
    return {"references": dict(_references)} if _references else {}


def render_inline_html(source: str) -> str:
    """Markdown inline markup as HTML ("ERR\\_GENERAL" -> "ERR_GENERAL", `x` -> <code>x</code>)."""
    if not has_markup(source):
        return source
    rendered: str = _markdown().renderInline(source, _env())
    return rendered


def has_markup(source: str) -> bool:
    """Whether the inline parser could read `source` as anything but its own text."""
    return "*" in source or _has_markup_but_star(source)


# `**strong**` runs that open after a space (or at the start) and close before a space, a
# closing punctuation mark or the end: strong emphasis under every flanking rule. The pattern
# starts with `**` and looks behind it, so that the search skips ahead from one `**` to the next.
_PLAIN_STRONG = re.compile(r"\*\*(?<!\S\*\*)(?=[^\s*])([^*]*?[^\s*])\*\*(?=[\s.,;:!?)]|$)")


def shortcut_text(source: str, cell_separator: str = "") -> str | None:
    """The text of one line of inline markdown read without the parser; None if it needs it.

    With `cell_separator`, `source` is cells joined by it, and the text is given only when it
    is the cells' texts joined alike: no `**` run may span two cells.
    """
    if _has_markup_but_star(source):
        return None
    if "*" not in source:
        return source
    if "**" not in source:
        return None
    # Split gives the pieces around each run and, between them, the run's text.
    pieces = _PLAIN_STRONG.split(source)
    if cell_separator and any(cell_separator in run for run in pieces[1::2]):
        return None
    plain = "".join(pieces)
    return None if "*" in plain else plain


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


def parsed_text(source: str) -> str:
    """The text of inline markdown as the full inline parser reads it."""
    tokens = _markdown().parseInline(source, _env())
    children = tokens[0].children if tokens and tokens[0].children else []
    return _tokens_text(children)


def inline_text(source: str) -> str:
    """Bold, code spans, links, inline HTML and escapes become plain text; whitespace collapsed."""
    return collapse(inline_raw_text(source))


def inline_raw_text(source: str) -> str:
    """The text of inline markdown, whitespace not yet collapsed."""
    return _inline_raw_text(source, tuple(_references))


@lru_cache(maxsize=65536)
def _inline_raw_text(source: str, references: tuple[str, ...]) -> str:
    # `references` keys the cache: the same source reads otherwise on a page that defines them.
    text = shortcut_text(source)
    return parsed_text(source) if text is None else text
