"""Tell markdown from HTML by the content (seed pages arrive as .txt)."""

from __future__ import annotations

import re

_HTML_START = re.compile(r"\A\s*(?:<!doctype\s+html|<html[\s>]|<\?xml)", re.IGNORECASE)
_TAG_START = re.compile(r"\A\s*<[a-zA-Z!]")
_MD_BLOCK = re.compile(r"^ {0,3}(?:#{1,6}\s|\|.*\||[-*+]\s|\d+\.\s|```|~~~)", re.MULTILINE)
_TABLE_TAG = re.compile(r"<table[\s>]", re.IGNORECASE)
_FRONT_MATTER = re.compile(
    r"\A(?:---|\+\+\+)[ \t]*\r?\n.*?^(?:---|\+\+\+|\.\.\.)[ \t]*$\r?\n?", re.MULTILINE | re.DOTALL
)


def strip_front_matter(text: str) -> str:
    """The text after a YAML or TOML front matter block, if the document opens with one."""
    match = _FRONT_MATTER.match(text)
    return text[match.end() :] if match else text


def sniff_format(text: str, filename: str = "") -> str:
    """markdown, html or markdown+html."""
    name = filename.lower()
    if name.endswith((".html", ".htm", ".xhtml")):
        return "html"
    body = strip_front_matter(text)
    if _HTML_START.match(body):
        return "html"
    is_markdown = name.endswith((".md", ".markdown")) or _MD_BLOCK.search(body[:200_000])
    if not is_markdown and _TAG_START.match(body):
        return "html"
    return "markdown+html" if _TABLE_TAG.search(body) else "markdown"
