"""The command line's arguments: every command, option and default, checked as parsed."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from scraper import __version__
from scraper.limits import DEFAULT_LIMITS
from scraper.types import COLUMN_TARGETS


def _status(text: str) -> int:
    """An argparse type: an HTTP status, 100-599."""
    value = _count(100)(text)
    if value > 599:
        raise argparse.ArgumentTypeError(f"must be an HTTP status, 100-599, not {value}")
    return int(value)


def _count(minimum: int) -> Any:
    """An argparse type: an integer of at least `minimum`; anything else is a usage error
    naming the option."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid integer: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}, not {value}")
        return value

    return convert


def _seconds(minimum: float, inclusive: bool) -> Any:
    """An argparse type: a finite number of seconds above `minimum` (or equal to it when
    `inclusive`); anything else is a usage error naming the option."""
    bound = f">= {minimum:g}" if inclusive else f"> {minimum:g}"

    def convert(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid number: {text!r}") from None
        if not math.isfinite(value) or value < minimum or (value == minimum and not inclusive):
            raise argparse.ArgumentTypeError(f"must be {bound} seconds, not {text}")
        return value

    return convert


def _size(n: int) -> str:
    """A byte count as help text shows it: 64 MiB, 20 MiB, 1000 bytes."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"


class _CodeDefault:
    """A default shown in help, looked up from the code only when help is printed (the fetch
    policy's module imports httpx, which most commands never need)."""

    def __init__(self, look_up: Callable[[], object]) -> None:
        self._look_up = look_up

    def __str__(self) -> str:
        return str(self._look_up())


def _shows_default(action: argparse.Action, look_up: Callable[[], object]) -> None:
    """Let `action`'s help say "%(code_default)s" for the value the code uses when the option
    is not given: argparse fills help texts from the action's attributes."""
    action.code_default = _CodeDefault(look_up)  # type: ignore[attr-defined]


def _fetch_default(name: str) -> Callable[[], object]:
    def look_up() -> object:
        from scraper.fetch import FetchPolicy

        value = getattr(FetchPolicy(), name)
        return _size(value) if name == "max_bytes" else f"{value:g}"

    return look_up


def _column_pair(text: str) -> tuple[str, str]:
    """HEADER=FIELD split at the last "=": a header may hold "=", a field never does."""
    column, equals, target = text.rpartition("=")
    if not equals:
        raise argparse.ArgumentTypeError(f"{text!r}: give HEADER=FIELD or POSITION=FIELD")
    return column, target


class _ColumnAction(argparse.Action):
    """Collects --column pairs, checking each against those before it as the manifest does."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        from scraper.sources import column_overrides

        assert isinstance(values, tuple)
        pairs = [*getattr(namespace, self.dest), values]
        try:
            column_overrides(pairs)
        except ValueError as exc:
            raise argparse.ArgumentError(self, str(exc).removeprefix("columns: ")) from None
        setattr(namespace, self.dest, pairs)


# The fetch policy's options: (option, type, metavar, FetchPolicy field, meaning).
_FETCH_OPTIONS = (
    ("--timeout", _seconds(0, inclusive=False), "SECONDS", "timeout",
     "seconds per request, connect, headers and body together"),
    ("--retries", _count(0), "N", "retries", "retries on connection errors, 5xx and 429"),
    ("--delay", _seconds(0, inclusive=True), "SECONDS", "host_delay",
     "seconds to pause between two requests to the same host"),
    ("--max-bytes", _count(1), "N", "max_bytes", "response size cap in bytes"),
)  # fmt: skip


def _add_fetch_options(
    parser: argparse.ArgumentParser, names: tuple[str, ...], lead: str = ""
) -> None:
    """Add the named fetch options, each showing the default the fetch policy uses."""
    for option, kind, metavar, policy_field, meaning in _FETCH_OPTIONS:
        if option in names:
            action = parser.add_argument(
                option,
                type=kind,
                default=None,
                metavar=metavar,
                help=f"{lead}{meaning} (default: %(code_default)s)",
            )
            _shows_default(action, _fetch_default(policy_field))


def build_parser() -> argparse.ArgumentParser:
    """The parser of `scraper COMMAND ...`: a usage error exits 2, the command's usage and
    one line saying what was wrong on stderr."""
    parser = argparse.ArgumentParser(
        prog="scraper",
        description="Scrape API error-code tables from documentation pages into one dataset.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    parse = commands.add_parser(
        "parse",
        help="print the error-code records of one page",
        description="Extract the error-code tables of one page (a file or an http(s) URL) and "
        "print its records on stdout. Notes go to stderr.",
    )
    parse.add_argument(
        "page",
        metavar="FILE_OR_URL",
        help="a local file, an http(s) URL, or - for standard input",
    )
    parse.add_argument(
        "--format",
        choices=("jsonl", "json", "csv"),
        default="jsonl",
        help="output format (default: jsonl, one record per line)",
    )
    parse.add_argument(
        "--as",
        dest="page_format",
        choices=("markdown", "html", "markdown+html"),
        default="",
        help="read the page as this format instead of sniffing it",
    )
    parse.add_argument(
        "--source",
        default="",
        help="source id for the records (default: derived from the file name)",
    )
    parse.add_argument("--vendor", default="", help="vendor for the records")
    parse.add_argument("--product", default="", help="product for the records")
    parse.add_argument("--lang", default="", help="language tag (default: from the page)")
    parse.add_argument(
        "--column",
        dest="columns",
        action=_ColumnAction,
        type=_column_pair,
        default=[],
        metavar="HEADER=FIELD",
        help="read the column with this header text (or 0-based position, in digits) as FIELD: "
        f"{', '.join(COLUMN_TARGETS)}; split at the last '=' (repeatable)",
    )
    header = parse.add_mutually_exclusive_group()
    header.add_argument(
        "--no-header",
        dest="header",
        action="store_const",
        const=False,
        default=None,
        help="read each table's first row as data, not as a header",
    )
    header.add_argument(
        "--header",
        dest="header",
        action="store_const",
        const=True,
        default=None,
        help="read each table's first row as its header",
    )
    parse.add_argument(
        "--explain",
        nargs="?",
        const="text",
        default=None,
        choices=("text", "json"),
        help="after the records, say on stderr why each table and column was read as it was: "
        "text (the default) or json (one JSON document); give it after FILE_OR_URL, or as "
        "--explain=json",
    )
    limit_options = (
        ("--max-bytes", f"refuse pages larger than N bytes "
         f"(default: {_size(DEFAULT_LIMITS.max_page_bytes)})"),
        ("--max-rows", f"refuse tables with more than N rows "
         f"(default: {DEFAULT_LIMITS.max_rows})"),
        ("--max-columns", f"cut table rows at N columns (default: {DEFAULT_LIMITS.max_columns})"),
        ("--max-cells", f"refuse tables with more than N cells, spans counted "
         f"(default: {DEFAULT_LIMITS.max_cells})"),
    )  # fmt: skip
    for option, meaning in limit_options:
        parse.add_argument(option, type=_count(1), default=None, metavar="N", help=meaning)
    _add_fetch_options(parse, ("--timeout", "--retries"), "for a URL: ")

    refresh = commands.add_parser(
        "refresh",
        help="fetch the manifest's sources and rebuild the dataset",
        description="Fetch every source of the manifest (unless --offline), keep raw snapshots in "
        "raw/, rebuild normalized/ beside the manifest, and print a markdown summary of what "
        "changed on stdout.",
    )
    refresh.add_argument(
        "--offline",
        action="store_true",
        help="do not fetch; rebuild normalized/ from the snapshots in raw/",
    )
    refresh.add_argument(
        "--manifest",
        type=Path,
        default=Path("sources.toml"),
        help="the manifest (default: ./sources.toml); raw/ and normalized/ live beside it",
    )
    refresh.add_argument(
        "--source",
        dest="sources",
        action="append",
        default=[],
        metavar="ID",
        help="refresh only this source (repeatable)",
    )
    refresh.add_argument(
        "--accept-drops",
        action="store_true",
        help="accept a source's row count falling by more than half",
    )
    _add_fetch_options(refresh, tuple(option for option, *_ in _FETCH_OPTIONS))
    refresh.add_argument(
        "--ignore-robots", action="store_true", help="do not consult robots.txt (for every source)"
    )
    refresh.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar, run summary line or page notes on stderr (failures and "
        "warnings are still printed)",
    )

    diff = commands.add_parser(
        "diff",
        help="compare two datasets by record key",
        description="Compare two datasets (folders, errors.csv or errors.json files) by key and "
        "print what was added, removed, changed and moved. With --git REV, OLD is the dataset "
        "at that git revision and NEW defaults to the working tree.",
    )
    diff.add_argument("old", nargs="?", help="old dataset: a folder or an errors.csv/json file")
    diff.add_argument("new", nargs="?", help="new dataset: a folder or an errors.csv/json file")
    diff.add_argument(
        "--format",
        choices=("markdown", "json"),
        default="markdown",
        help="output format (default: markdown)",
    )
    diff.add_argument(
        "--git",
        metavar="REV",
        default="",
        help="compare normalized/errors.csv at git revision REV with NEW "
        "(default NEW: ./normalized)",
    )

    validate = commands.add_parser(
        "validate",
        help="check a dataset folder",
        description="Check a dataset folder: columns, types, unique keys, sources consistent "
        "with the records and the manifest's raw snapshots.",
    )
    validate.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=Path("normalized"),
        help="the dataset folder (default: ./normalized)",
    )
    validate.add_argument(
        "--frictionless",
        action="store_true",
        help="also run the Frictionless validator on datapackage.json (slow on large cells)",
    )
    _add_export(commands)
    _add_lookup(commands)
    return parser


def _add_export(commands: Any) -> None:
    export = commands.add_parser(
        "export",
        help="write the dataset in another form (sqlite)",
        description="Write the dataset as one SQLite file: tables errors, sources and catalog, "
        "indexes on code, http_status, source and category, and full-text search over the "
        "texts (errors_fts), ready for datasette or any SQL tool. The file is replaced only "
        "once the new one is complete.",
    )
    export.add_argument("kind", choices=("sqlite",), help="the form: sqlite")
    export.add_argument("path", type=Path, metavar="PATH", help="the file to write")
    export.add_argument(
        "--dataset",
        type=Path,
        default=Path("normalized"),
        metavar="DIR",
        help="the dataset folder to export (default: ./normalized)",
    )


def _add_lookup(commands: Any) -> None:
    lookup = commands.add_parser(
        "lookup",
        help="find the records a code returned by an API belongs to",
        description="Print, as JSON lines, the records a concrete code (and status) belongs "
        "to: records of that exact code first, then those whose code pattern matches it "
        "(InvalidParameter.%%s for InvalidParameter.Name, 561xxx for 561002), narrowest "
        "first. Exit 1 when none matches.",
    )
    lookup.add_argument("code", help="the code the API returned (\"\" for none)")
    lookup.add_argument(
        "--status",
        type=_status,
        default=None,
        metavar="N",
        help="the HTTP status (100-599) it came with",
    )
    lookup.add_argument(
        "--dataset",
        type=Path,
        default=Path("normalized"),
        metavar="PATH",
        help="the dataset folder or file to search (default: ./normalized)",
    )
