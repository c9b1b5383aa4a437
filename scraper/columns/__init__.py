"""Map a table's columns to the record's fields, from the evidence of headers and cells.

- `shapes`: what a cell looks like; `profiles`: what a column looks like, from a sample;
- `lexicon`: the parts of a header, in the languages the tool reads (data/lexicon.toml);
- `evidence`: header and content evidence per column and field;
- `assign`: the assignment of fields to columns with the highest total;
- `verdict`: whether a table is an error table;
- `headerless`: whether a table's first row is a header or data;
- `decide`: one reading per table (header, fields, verdict) and its explanation;
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
