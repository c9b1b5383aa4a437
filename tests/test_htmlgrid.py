"""Shortcuts of the HTML grid reader give what the plain rule gives."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

ASCII = st.text(st.sampled_from(string.printable + "\x00\x0b\x1c\x1d\x1e\x1f\x7f"), max_size=12)


@settings(max_examples=3000, deadline=None)
@given(st.lists(ASCII, min_size=1, max_size=5))
def test_trimming_is_collapsing_in_printable_cells_without_space_runs(cells: list[str]) -> None:
    # The condition the grid reader checks on a row's joined cells before trimming them.
    whole = "".join(cells)
    if whole.isprintable() and "  " not in whole:
        assert [cell.strip() for cell in cells] == [" ".join(cell.split()) for cell in cells]
