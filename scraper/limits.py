"""Bounds on what one page may make the extractors do, so hostile pages fail fast and clean."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """Every limit is per page or per table; a page over one fails with an ExtractError,
    except spans, which are clamped (and noted) as browsers clamp them."""

    max_page_bytes: int = 64 * 1024 * 1024
    max_tables: int = 10_000
    """Tables on one page."""
    max_rows: int = 200_000
    """Rows of one table."""
    max_columns: int = 1_000
    """Columns of one table; wider rows are cut there (and noted)."""
    max_cells: int = 2_000_000
    """Cells of one table, spans counted as the cells they cover."""
    max_colspan: int = 1_000
    max_rowspan: int = 65_534
    max_line_cells: int = 10_000
    """Cells of one pipe-table line."""
    max_cell_chars: int = 100_000
    """Characters of one cell; a longer cell is cut there (and noted)."""
    max_depth: int = 2_000
    """Start tags in a row with no end tag between them: a page nested deeper is refused."""


DEFAULT_LIMITS = Limits()
