"""Script tests by code point give what the regex class they stand for gives."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.lang import has_cjk, is_cjk

CJK_CLASS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# Edges of every range, and characters from all over.
EDGES = [
    chr(p + d)
    for p in (0x3040, 0x30FF, 0x3400, 0x4DBF, 0x4E00, 0x9FFF, 0xAC00, 0xD7AF)
    for d in (-1, 0, 1)
]
CHARS = st.sampled_from(EDGES) | st.characters()


@settings(max_examples=2000, deadline=None)
@given(st.text(CHARS, max_size=20))
def test_has_cjk_is_the_regex_class(text: str) -> None:
    assert has_cjk(text) == (CJK_CLASS.search(text) is not None)
    assert [is_cjk(char) for char in text] == [bool(CJK_CLASS.match(char)) for char in text]
