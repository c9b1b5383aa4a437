"""A large HTML page read piece by piece gives what the whole page gives.

The scanner (scraper/extract/htmlscan.py) cuts only where an HTML5 parser is back in the body
with no table open; these tests read pages both ways and compare, on hand-written traps, on
every page the project has, and (in test_properties.py) on generated pages.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest

from scraper.extract import html as html_extract
from scraper.extract.htmlscan import cut_points, doctype, pieces
from scraper.types import RawTable

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
WHOLE = 1 << 40  # a piece size no page reaches: the page is parsed in one piece
TABLE = "<table><tr><th>Code</th><th>Message</th></tr><tr><td>E{n}</td><td>m{n}</td></tr></table>"


def _cuts(text: str, min_piece: int = 1) -> list[int]:
    return list(cut_points(text.encode().lower(), min_piece))


def without_lines(table: RawTable) -> RawTable:
    """The table with its locators reduced to table and row numbers."""

    def strip(locator: str) -> str:
        return locator.split(" ", 2)[2] if locator.startswith("line ") else locator

    return replace(
        table,
        locator=strip(table.locator),
        row_locators=tuple(strip(loc) for loc in table.row_locators),
    )


def assert_read_alike(text: str) -> None:
    """Pieces of one table each read as the whole page reads: same tables, sections, cells,
    captions; line numbers the same wherever the whole page gives them."""
    whole = html_extract.extract_tables(text, piece_bytes=WHOLE)
    pieced = html_extract.extract_tables(text, piece_bytes=1)
    assert [without_lines(t) for t in pieced] == [without_lines(t) for t in whole]
    for one, other in zip(whole, pieced, strict=True):
        if one.locator.startswith("line "):
            assert other.locator == one.locator
            assert other.row_locators == one.row_locators


def test_a_page_is_cut_after_each_outermost_table() -> None:
    text = "<h2>A</h2>" + TABLE.format(n=1) + "<p>x</p>" + TABLE.format(n=2) + "<p>end</p>"
    first_end = text.index("</table>") + len("</table>")
    assert _cuts(text) == [first_end, text.rindex("</table>") + len("</table>")]
    bounds = list(pieces(text.encode().lower(), 1))
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text.encode())
    assert all(a[1] == b[0] for a, b in pairwise(bounds))


def test_a_small_page_is_one_piece() -> None:
    text = TABLE.format(n=1) * 3
    assert _cuts(text, min_piece=len(text)) == []


def test_pieces_are_at_least_the_minimum() -> None:
    text = "".join(TABLE.format(n=n) for n in range(100))
    size = len(TABLE.format(n=50))
    cuts = _cuts(text, min_piece=10 * size)
    assert cuts and all(b - a >= 10 * size for a, b in pairwise([0, *cuts]))


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("nested table", "<table><tr><td><table><tr><td>in</td></tr></table>x</td></tr></table>"),
        ("end tag in a comment", "<table><tr><td><!-- </table> --></td></tr></table>"),
        ("end tag in a script", "<table><tr><td><script>'</table>'</script></td></tr></table>"),
        ("end tag in a textarea", "<table><tr><td><textarea></table></textarea></td></tr></table>"),
        ("heading open", "<h2>" + TABLE.format(n=1) + "</h2>"),
        ("template open", "<template>" + TABLE.format(n=1) + "</template>"),
        ("svg open", "<svg>" + TABLE.format(n=1) + "</svg>"),
        ("select open", "<select>" + TABLE.format(n=1) + "</select>"),
    ],
)
def test_no_cut_where_a_table_or_a_context_is_still_open(name: str, text: str) -> None:
    page = text + "<p>after</p>"
    inner_end = text.index("</table>") + len("</table>")
    assert inner_end not in _cuts(page), name
    assert_read_alike(page + TABLE.format(n=9))


@pytest.mark.parametrize(
    "trap",
    [
        '<div title="</table>">',  # an end tag inside an attribute value
        "<![CDATA[ </table> ]]>",
        "<plaintext>",
        "<script><!-- <script></table></script> --></script>",
    ],
)
def test_markup_the_scanner_cannot_see_through_stops_the_cutting(trap: str) -> None:
    text = TABLE.format(n=1) + trap + TABLE.format(n=2) + TABLE.format(n=3)
    cuts = _cuts(text)
    assert all(cut <= text.index(trap) for cut in cuts)
    assert_read_alike(text)


def test_each_piece_is_parsed_in_the_pages_mode() -> None:
    # In quirks mode (no doctype) a table does not close an open paragraph, so a title
    # paragraph before it is not its previous sibling.
    body = "".join(f"<p class=title>T{n}<table><tr><td>E{n}</td></tr></table>" for n in range(3))
    data = ("<!DOCTYPE html>" + body).encode()
    assert doctype(data.lower(), data) == b"<!DOCTYPE html>"
    assert doctype(b"<p><!doctype html>", b"<p><!doctype html>") == b""
    assert_read_alike("<!DOCTYPE html>" + body)
    assert_read_alike(body)
    captions = [t.caption for t in html_extract.extract_tables(body, piece_bytes=1)]
    assert captions == ["", "", ""]


def test_headings_carry_from_piece_to_piece() -> None:
    text = (
        "<h1>Guide</h1><h2>Auth</h2>"
        + TABLE.format(n=1)
        + TABLE.format(n=2)
        + "<h3>Tokens</h3>"
        + TABLE.format(n=3)
        + "<h2>Storage</h2>"
        + TABLE.format(n=4)
    )
    tables = html_extract.extract_tables(text, piece_bytes=1)
    assert [t.section for t in tables] == ["Auth", "Auth", "Tokens", "Storage"]
    assert tables[2].headings == ("Guide", "Auth", "Tokens")
    assert tables[3].headings == ("Guide", "Storage")
    assert [t.locator for t in tables] == [f"line 1 table {n}" for n in range(1, 5)]
    assert_read_alike(text)


def test_line_numbers_count_from_the_page_start_in_every_piece() -> None:
    text = "\n".join(["<h2>X</h2>", *(TABLE.format(n=n) + "\n" for n in range(5))])
    tables = html_extract.extract_tables(text, piece_bytes=1)
    assert [t.locator for t in tables] == [f"line {2 + 2 * n} table {n + 1}" for n in range(5)]


def _pages() -> list[Path]:
    folders = [
        ROOT / "tests" / "fixtures" / "kinds",
        ROOT / "raw",
        SHARED / "corpus" / "docs",
        SHARED / "seeds",
    ]
    found = [
        path
        for folder in folders
        if folder.is_dir()
        for path in sorted(folder.iterdir())
        if path.suffix in (".html", ".htm", ".md", ".txt") and path.is_file()
    ]
    return [path for path in found if "<table" in path.read_text("utf-8", "replace").lower()]


@pytest.mark.parametrize("path", _pages(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_known_page_reads_the_same_in_pieces(path: Path) -> None:
    assert_read_alike(path.read_text("utf-8", "replace"))


@pytest.mark.parametrize("path", _pages(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_known_page_reads_the_same_from_its_utf8_bytes(path: Path) -> None:
    text = path.read_text("utf-8", "replace")
    from_text = html_extract.extract_tables(text, piece_bytes=4096)
    assert html_extract.extract_tables(text.encode("utf-8"), piece_bytes=4096) == from_text


def test_an_empty_comment_closed_at_once_hides_no_table() -> None:
    # "<!-->" is a whole comment to a browser: the table after it is on line 1, and reading the
    # page in pieces finds it where reading it whole does.
    table = "<table><tr><th>Code</th><th>Message</th></tr><tr><td>E1</td><td>m1</td></tr></table>"
    page = f"<!-->{table}<!-- </table> --><p>\n<!--->{table}"
    whole = html_extract.extract_tables(page, piece_bytes=1 << 40)
    pieced = html_extract.extract_tables(page, piece_bytes=1)
    assert [t.locator for t in whole] == ["line 1 table 1", "line 2 table 2"]
    assert [(t.locator, t.row_locators) for t in pieced] == [
        (t.locator, t.row_locators) for t in whole
    ]


def test_a_comment_closed_by_dash_dash_bang_hides_no_table_after_it() -> None:
    # "--!>" ends a comment as "-->" does: the table after it is counted on its own line.
    table = "<table><tr><th>Code</th><th>Message</th></tr><tr><td>E1</td><td>m1</td></tr></table>"
    page = f"<!-- {table} --!>\n{table}<!-- </table> -->"
    whole = html_extract.extract_tables(page, piece_bytes=1 << 40)
    pieced = html_extract.extract_tables(page, piece_bytes=1)
    assert [t.locator for t in whole] == ["line 2 table 1"]
    assert [(t.locator, t.row_locators) for t in pieced] == [
        (t.locator, t.row_locators) for t in whole
    ]
