"""What is read off a page's raw bytes before parsing it: where it can be cut into pieces that
parse alone as they parse in place, how deep its elements nest, which line each table starts on.

A tree of a whole multi-megabyte page costs over ten times the page in memory, and one parse
cannot overlap with reading the tables it holds. After the end tag that closes an outermost
table, an HTML5 parser is back in the body with no table open: what follows parses the same
whether or not what came before is there, as long as nothing the scanner cannot see through
is open (a template, foreign content, a select, a heading, raw text). The scanner below only
cuts at such points; wherever it is unsure it does not cut, so the worst case is one piece.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator
from itertools import accumulate

from scraper.errors import ExtractError

# Tags and markup that change where a table can end, in lower-cased UTF-8. noscript is parsed
# as markup (scripting is off), so it is not among the raw-text elements. The commonest tags of
# table pages, none of them a mark, are passed over first: the scan takes a third less time.
_MARK = re.compile(
    rb"<(?![tp][dhr >]|/[tp][dhr >]|/?(?:a|b|strong)[\s>])"
    rb"(?:!--|/?(?:t(?:able|emplate|extarea|itle)|h[1-6]|s(?:elect|vg|cript|tyle)|math|"
    rb"plaintext|xmp|iframe|no(?:embed|frames))[\s/>])"
)
_RAW_TEXT = {b"script", b"style", b"textarea", b"title", b"xmp", b"iframe", b"noembed", b"noframes"}
# While one of these is open a cut could change how what follows is parsed.
_BLOCKERS = (b"template", b"select", b"svg", b"math")
_TAG_END = re.compile(rb"""(?:[^>"'=]|=\s*"[^"]*"|=\s*'[^']*'|=)*>""")
_COMMENT_END = re.compile(rb"--!?>")
# Only a doctype before any other markup counts (a later one is ignored).
_DOCTYPE = re.compile(rb"(?:\s|<!--(?:[^-]|-(?!->))*-->)*(<!doctype[^>]*>)")


def doctype(lowered: bytes, data: bytes) -> bytes:
    """The page's doctype, which decides quirks mode; each piece is parsed with it."""
    match = _DOCTYPE.match(lowered, 0, 65_536)
    return data[match.start(1) : match.end(1)] if match else b""


def _inside_tag(data: bytes, position: int) -> bool:
    """Whether `position` may be inside another tag (in an unescaped attribute value)."""
    opening = data.rfind(b"<", max(0, position - 4096), position)
    if opening < 0 or data.rfind(b">", opening, position) >= 0:
        return False
    follower = data[opening + 1 : opening + 2]
    return follower.isalpha() or follower in (b"/", b"!", b"?")


def cut_points(lowered: bytes, min_piece: int) -> Iterator[int]:
    """Offsets to cut a page at (its UTF-8 bytes, lower-cased), each right after an outermost
    table's end tag, so that every piece but the last is at least `min_piece` bytes. Yields
    nothing more once the scanner finds something it cannot be sure of."""
    size = len(lowered)
    if size < 2 * min_piece or b"<![cdata[" in lowered:
        return
    last_cut = depth = 0
    heading_open = False
    blockers = dict.fromkeys(_BLOCKERS, 0)
    position = 0
    while True:
        match = _MARK.search(lowered, position)
        if match is None:
            return
        start = match.start()
        mark = match.group()
        if mark == b"<!--":
            if lowered.startswith((b">", b"->"), start + 4):
                position = lowered.index(b">", start + 4) + 1
                continue
            end = _COMMENT_END.search(lowered, start + 4)
            if end is None:
                return
            position = end.end()
            continue
        is_end = mark[1] == 47  # "</"
        name = mark[2:-1] if is_end else mark[1:-1]  # the tag name, without what ends it
        if _inside_tag(lowered, start):
            return
        tag = _TAG_END.match(lowered, match.end() - 1)
        if tag is None:
            return
        position = tag.end()
        if is_end:
            if name == b"table":
                depth = max(depth - 1, 0)
                if (
                    depth == 0
                    and not heading_open
                    and not any(blockers.values())
                    and position - last_cut >= min_piece
                    and size - position >= min_piece
                ):
                    yield position
                    last_cut = position
            elif name in blockers:
                blockers[name] = max(blockers[name] - 1, 0)
            elif name[0] == 104:  # h1-h6
                heading_open = False
            continue
        if name == b"table":
            depth += 1
        elif name in _RAW_TEXT:
            end = re.compile(rb"</" + name + rb"[\s/>]").search(lowered, position)
            if end is None:
                return
            if name == b"script" and lowered.find(b"<!--", position, end.start()) >= 0:
                return  # script text with "<!--" can hide its own end tag: no sure cut after it
            position = end.start() + 2 + len(name)
        elif name == b"plaintext":
            return
        elif name in blockers:
            if not lowered.endswith(b"/>", start, position):
                blockers[name] += 1
        else:
            heading_open = True


def pieces(lowered: bytes, min_piece: int) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of the pieces to parse, in order, covering the whole page."""
    start = 0
    for cut in cut_points(lowered, min_piece):
        yield start, cut
        start = cut
    yield start, len(lowered)


_VOID_OR_IMPLIED = re.compile(
    rb"<(?:area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr|param)\b[^>]*>"
    rb"|</?(?:p|li|dt|dd|option|optgroup|tr|td|th|tbody|thead|tfoot|colgroup|caption|rb|rt|rp"
    rb"|html|head|body)\b[^>]*>|<[!?][^>]*>|<[^<>]*/>"
)
_END_TAG = re.compile(rb"</[^>]*>")
_START_TAG = re.compile(rb"<[a-z][^>]*>")
_NOT_A_MARK = re.compile(rb"[^\x01\x02]+")
_MARK_STEPS = bytes.maketrans(b"\x01\x02", b"\xff\x01")
_CHUNK = 65_536


def _nesting_depth(lowered: bytes) -> int:
    """How deep elements nest, not counting void elements and those whose end is implied."""
    marks = _END_TAG.sub(b"\x01", _VOID_OR_IMPLIED.sub(b"", lowered))
    marks = _NOT_A_MARK.sub(b"", _START_TAG.sub(b"\x02", marks))
    if not marks:
        return 0
    return max(accumulate(array("b", marks.translate(_MARK_STEPS))))


def check_depth(lowered: bytes, max_depth: int) -> None:
    """Refuse a page whose elements nest more than `max_depth` deep.

    An HTML5 tree builder checks the stack of open elements at every tag, so nesting
    thousands deep costs quadratic time. Counting "<" and "</" chunk by chunk bounds the depth
    from above at no real cost; only a page that may be that deep is measured exactly.
    """
    bound = running = 0
    for start in range(0, len(lowered), _CHUNK):
        chunk = lowered[start : start + _CHUNK]
        ends = chunk.count(b"</")
        starts = chunk.count(b"<") - ends
        bound = max(bound, running + starts)
        running += starts - ends
    if bound > max_depth and _nesting_depth(lowered) > max_depth:
        raise ExtractError(f"elements nested more than {max_depth} deep, over the limit")


def table_lines(lowered: bytes, first_line: int) -> list[int]:
    """The line each <table> start tag is on, in document order (comments left out)."""
    comments: list[tuple[int, int]] = []
    start = lowered.find(b"<!--")
    while start >= 0:
        if lowered.startswith((b">", b"->"), start + 4):
            # "<!-->" and "<!--->" are empty comments, closed at once (as a browser reads them).
            end = lowered.index(b">", start + 4) + 1
        else:
            # A comment ends at "-->", or at "--!>" as a browser also reads it.
            found = _COMMENT_END.search(lowered, start + 4)
            end = len(lowered) if found is None else found.end()
        comments.append((start, end))
        start = lowered.find(b"<!--", end)
    lines: list[int] = []
    line, position, comment = first_line, 0, 0
    start = lowered.find(b"<table")
    while start >= 0:
        while comment < len(comments) and comments[comment][1] <= start:
            comment += 1
        hidden = comment < len(comments) and comments[comment][0] <= start
        if not hidden and lowered[start + 6 : start + 7] in _TAG_NAME_ENDS:
            line += lowered.count(b"\n", position, start)
            position = start
            lines.append(line)
        start = lowered.find(b"<table", start + 6)
    return lines


_TAG_NAME_ENDS = {b" ", b"\t", b"\n", b"\r", b"\x0c", b"/", b">"}
