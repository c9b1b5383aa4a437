"""Generated pages as DITA-like HTML: thead/tbody, every cell's text in a <p> behind a doubled
pair of <a name> anchors, <strong> here and there, long class/id/headers/width attributes."""

from __future__ import annotations

import html
import random
from collections.abc import Iterator

from scripts.benchlib.page_rows import SEED, Section, page_sections
from scripts.benchlib.page_words import HEADERS

_WIDTHS = ("12%", "22%", "21%", "24%", "21%")


class _Ids:
    """DITA-style generated ids: long, unique, deterministic."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def __call__(self, prefix: str = "p") -> str:
        return f"{prefix}{self.rng.getrandbits(24):06x}"


def _html_cell(tag: str, text_html: str, ids: _Ids, col: int, table_path: str, head: bool) -> str:
    anchor = ids()
    if head:
        attrs = (
            f'align="left" class="cellrowborder" valign="top" width="{_WIDTHS[col]}" '
            f'id="{table_path}.1.{col + 1}"'
        )
    else:
        attrs = f'class="cellrowborder" headers="{table_path}.1.{col + 1} "'
    return (
        f'<{tag} {attrs}><p id="{anchor}"><a name="{anchor}"></a><a name="{anchor}"></a>'
        f"{text_html}</p></{tag}>"
    )


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _bold_html(text: str, words: str) -> str:
    if not words or words not in text:
        return _escape(text)
    before, _, after = text.partition(words)
    return f"{_escape(before)}<strong>{_escape(words)}</strong>{_escape(after)}"


def _html_section(part: Section, seed: int) -> Iterator[str]:
    ids = _Ids(random.Random(f"{seed}/ids/{part.index}/{len(part.rows)}"))
    number = part.index + 1
    table_path = f"mcps1.3.{number}.2.6"
    topic = ids("section")
    yield (
        f'<div class="section" id="{topic}"><a name="{topic}"></a><a name="{topic}"></a>'
        f'<h2 class="sectiontitle">{_escape(part.title)}</h2>\n'
    )
    service = _escape(part.title.split(" ", 1)[1].removesuffix(" API error codes"))
    yield (
        f'<p id="{ids()}">The following table describes the error codes that the '
        f"{service} API returns.</p>\n"
    )
    table_id = ids("table")
    yield (
        f'<div class="tablenoborder"><a name="{table_id}"></a><a name="{table_id}"></a>'
        f'<table cellpadding="4" cellspacing="0" summary="" id="{table_id}" frame="border" '
        f'border="1" rules="all"><caption><b>Table {number} </b>Error codes</caption>'
        f'<thead align="left"><tr id="{ids("row")}">\n'
    )
    for col, header in enumerate(HEADERS):
        yield _html_cell("th", _escape(header), ids, col, table_path, head=True)
    yield "</tr>\n</thead>\n<tbody>"
    for row in part.rows:
        code = f"<strong>{_escape(row.code)}</strong>" if row.strong_code else _escape(row.code)
        cells = (
            _escape(row.status),
            code,
            _escape(row.message),
            _bold_html(row.description_published, row.strong_words),
            _escape(row.suggestion_published),
        )
        yield f'<tr id="{ids("row")}">\n'
        for col, text_html in enumerate(cells):
            yield _html_cell("td", text_html, ids, col, table_path, head=False)
        yield "</tr>\n"
    yield "</tbody>\n</table>\n</div>\n</div>\n"


def html_page(sections: int = 200, rows: int = 50, first: int = 0, seed: int = SEED) -> str:
    """A DITA-like HTML page; about 8 MB at the defaults."""
    parts = [
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        '<html lang="en" xml:lang="en" xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
        '<meta name="DC.Type" content="topic" />\n'
        "<title>Error Codes</title>\n</head>\n"
        '<body><a name="topic_errcode"></a><a name="topic_errcode"></a>'
        '<h1 class="topictitle1">Error Codes</h1>\n<div id="body0000001"><p>If an API call '
        "fails, the response body holds an error code and a message. The tables below list "
        "them by service.</p>\n"
    ]
    for part in page_sections(sections, rows, first, seed):
        parts.extend(_html_section(part, seed))
    parts.append("</div>\n</body>\n</html>\n")
    return "".join(parts)
