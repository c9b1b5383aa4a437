"""Map a table's columns to the record's fields, from the evidence of headers and cells.

- `shapes`: what a cell and a column look like;
- `lexicon`: the parts of a header, in the languages the tool reads (data/lexicon.toml);
- `evidence`: header and content evidence per column and field;
- `headerless`: whether a table's first row is a header or data;
- `decide`: one assignment per table, error table or not, and the explanation;
- `reuse`: a page's tables that are alike read alike;
- `weights`: every threshold and weight, each with why.
"""

from scraper.columns.decide import ColumnMap, TableReading, read_table
from scraper.columns.lexicon import fold, header_parts
from scraper.columns.reuse import PageReader
from scraper.columns.shapes import is_status_family, parse_status

__all__ = [
    "ColumnMap",
    "PageReader",
    "TableReading",
    "fold",
    "header_parts",
    "is_status_family",
    "parse_status",
    "read_table",
]
