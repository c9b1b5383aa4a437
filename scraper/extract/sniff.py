"""What a page says about itself before it is read: its format (seed pages arrive as .txt,
so markdown is told from HTML by the content) and the language an HTML page declares."""

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


_HTML_LANG = re.compile(
    r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)", re.IGNORECASE
)


def declared_lang(text: str) -> str:
    """The language an HTML page declares on its <html> element, "" when none."""
    match = _HTML_LANG.search(text[:20_000])
    return match.group(1) if match else ""
