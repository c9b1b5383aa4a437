"""What a reader sees of an HTML element or of serialized HTML."""

from __future__ import annotations

import html as html_entities
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.extract.text import collapse

# Elements that a browser lays out as blocks: their edges separate words.
_BLOCK = (
    "address|article|aside|blockquote|br|caption|dd|div|dl|dt|figcaption|figure|footer|form|"
    "h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul"
)
_ANY_TAG = r"(?:[^>\"']|\"[^\"]*\"|'[^']*')*>"
_BLOCK_TAG = re.compile(rf"</?(?:{_BLOCK})\b{_ANY_TAG}", re.IGNORECASE)
_TAG = re.compile(rf"<{_ANY_TAG}")
_HIDDEN_ELEMENTS = ("script", "style", "template", "noscript", "title")
_HIDDEN = re.compile(
    rf"<!--.*?-->|<({'|'.join(_HIDDEN_ELEMENTS)})\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_TABLE_START = re.compile(r"<table[\s>/]", re.IGNORECASE)


def tag_ids(*names: str) -> frozenset[int]:
    """lexbor's numbers for tag names (comparing numbers is cheaper than comparing names)."""
    document = LexborHTMLParser("")
    return frozenset(document.create_node(name).tag_id for name in names)


# Elements whose edges separate words, or whose text a reader does not see: a node holding
# none of them (or one block that holds all its text) reads as lexbor's text of it.
_SEPARATING = tag_ids(*_BLOCK.replace("h[1-6]", "h1|h2|h3|h4|h5|h6").split("|"), *_HIDDEN_ELEMENTS)
# Elements that cannot hold a node's whole text as a reader sees it.
_NOT_HOLDERS = tag_ids("br", "hr", *_HIDDEN_ELEMENTS)


def markup_text(markup: str) -> str:
    """The text of serialized HTML: block edges and <br> as spaces, entities decoded."""
    if "<" not in markup and "&" not in markup:
        return markup
    text = _TAG.sub("", _BLOCK_TAG.sub(" ", _HIDDEN.sub("", markup)))
    return html_entities.unescape(text) if "&" in text else text


def node_raw_text(node: LexborNode) -> str:
    """What a reader sees of an element, whitespace not yet collapsed; nested tables left out."""
    joined = node.text(deep=True, separator="\x00", strip=False)
    if "\x00" not in joined:
        return joined  # one text node at most (the common, fast case)
    return _joined_text(node, joined)


def _joined_text(node: LexborNode, joined: str) -> str:
    """The reader's text of a node whose text nodes, joined by NUL, are `joined`."""
    text = joined.replace("\x00", "")
    # With at most one text node that is not blank, or with no element boundary between the
    # text nodes that separates words, lexbor's own text is what a reader sees.
    if sum(1 for part in joined.split("\x00") if part and not part.isspace()) <= 1:
        return text
    inside = _separating_inside(node)
    if not inside or (
        len(inside) == 1
        and inside[0].tag_id not in _NOT_HOLDERS
        and inside[0].text(deep=True, strip=False) == text
    ):
        return text
    inner = node.inner_html or ""
    if _TABLE_START.search(inner):
        # A table inside the cell is a table of its own, not part of this cell's text.
        copy = node.clone()
        for nested in copy.css("table"):
            nested.decompose()
        inner = copy.inner_html or ""
    return markup_text(inner)


def _separating_inside(node: LexborNode) -> list[LexborNode]:
    """Up to two elements inside the node (not the node) whose edges separate words."""
    found: list[LexborNode] = []
    inner = node.traverse()
    next(inner)  # the node itself comes first
    for element in inner:
        if element.tag_id in _SEPARATING:
            found.append(element)
            if len(found) == 2:
                break
    return found


def node_texts(nodes: list[LexborNode]) -> tuple[list[str], str]:
    """node_raw_text of each node, and all of them joined; each node read once in the common
    case."""
    texts = [node.text(True, "\x00", False) for node in nodes]  # deep, separator, strip
    whole = "".join(texts)
    if "\x00" in whole:
        texts = [
            _joined_text(node, joined) if "\x00" in joined else joined
            for node, joined in zip(nodes, texts, strict=True)
        ]
        whole = "".join(texts)
    return texts, whole


def node_text(node: LexborNode) -> str:
    return collapse(node_raw_text(node))
