"""One page from bytes to records: decode, sniff, extract, map, normalize."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from scraper.decode import Decoded, decode_page, utf8_body
from scraper.enrich import enrich
from scraper.errors import ExtractError, ScraperError
from scraper.extract import iter_tables, sniff_format
from scraper.extract.sniff import declared_lang
from scraper.lang import detect_lang
from scraper.limits import DEFAULT_LIMITS, Limits
from scraper.normalize import PageInfo, RecordStream, unmatched_overrides
from scraper.types import RawTable, Record, TableExplanation

_REGION_SCRIPTS = {
    "cn": "zh-Hans",
    "sg": "zh-Hans",
    "tw": "zh-Hant",
    "hk": "zh-Hant",
    "mo": "zh-Hant",
}


@dataclass(frozen=True, slots=True)
class ParsedPage:
    records: list[Record]
    format: str
    encoding: str
    lang: str
    tables: int
    """Tables found on the page, error tables or not."""
    notes: tuple[str, ...]
    """What was clamped or cut while reading the page."""
    error_tables: int
    skipped_rows: int
    explanations: tuple[TableExplanation, ...] = ()
    """Per table, in document order: why it was (or was not) read as an error table."""


def normalize_lang(tag: str) -> str:
    """A page's language tag in the dataset's form: zh-CN -> zh-Hans, en-US -> en."""
    parts = tag.replace("_", "-").split("-")
    primary = parts[0].lower()
    if primary == "zh" and len(parts) > 1:
        second = parts[1]
        if second.lower() in ("hans", "hant"):
            return f"zh-{second.capitalize()}"
        return _REGION_SCRIPTS.get(second.lower(), "zh-Hans")
    return primary


class PageRecords:
    """A page's records, made as they are iterated: decoded, sniffed and its language settled
    up front (bad bytes raise here), its tables read and turned into records one by one.

    Once iterated, it also says what the page held: tables, notes, error tables, skipped rows.
    `name` is how messages refer to the page (a path or URL); the source id by default.
    """

    def __init__(
        self,
        body: bytes,
        page: PageInfo,
        *,
        http_charset: str = "",
        filename: str = "",
        fmt: str = "",
        name: str = "",
        limits: Limits = DEFAULT_LIMITS,
        retry_decodings: bool = True,
    ) -> None:
        self.where = where = name or page.source
        if len(body) > limits.max_page_bytes:
            raise ExtractError(
                f"{where}: page is {len(body)} bytes, over the {limits.max_page_bytes}-byte limit"
            )
        decoded = decode_page(body, http_charset=http_charset, name=where)
        text, self.encoding = decoded.text, decoded.codec
        self.format = fmt or sniff_format(text, filename)
        lang = page.lang or normalize_lang(declared_lang(text) if self.format != "markdown" else "")
        self.lang = lang or detect_lang(text)
        self.page = replace(page, lang=self.lang)
        self.limits = limits
        # An HTML page is read from its UTF-8 bytes: when they are the body itself, the text
        # is not kept (nor encoded again).
        self._content: str | bytes = text
        if self.format == "html":
            self._content = utf8_body(body, text, self.encoding) or text
        # Only a page read in a merely declared charset that the bytes are also text in
        # otherwise keeps its body, to be read again should the declared charset give no table.
        self._retry: _Retry | None = None
        if retry_decodings and decoded.alternatives:
            self._retry = _Retry(body, page, decoded, filename, fmt)
        self.tables = 0
        """Tables found on the page, error tables or not."""
        self.notes: list[str] = []
        """What was clamped or cut while reading the page."""
        label, who = decoded.refused
        if label:
            self.notes.append(
                f"charset {label!r} declared by the {who} is wrong: the page is not text in "
                f"it; read as {self.encoding}"
            )
        self.error_tables = 0
        self.skipped_rows = 0
        self.explanations: list[TableExplanation] = []
        """Per table, in document order: why it was (or was not) read as an error table."""

    def __iter__(self) -> Iterator[Record]:
        """The page's records with what the tool infers about them (scraper.enrich), which
        needs the whole page: a status row may name business codes listed anywhere on it.
        Should reading stop on an error, the records made before it still come first."""
        content, self._content = self._content, ""  # read once; the page is freed as it goes
        retry, self._retry = self._retry, None
        records: list[Record] = []
        try:
            records.extend(self._records(content))
            if retry is not None and not self.tables:
                records.extend(self._read_again(retry))
        except ScraperError:
            enrich(records)
            yield from records
            raise
        enrich(records)
        yield from records

    def _records(self, content: str | bytes) -> Iterator[Record]:
        stream = RecordStream(self.page)
        try:
            yield from stream.records(self._kept(iter_tables(content, self.format, self.limits)))
        except ExtractError as exc:
            raise ExtractError(f"{self.where}: {exc}") from None
        finally:
            self.error_tables, self.skipped_rows = stream.error_tables, stream.skipped_rows
            self.explanations = stream.explanations
            self.notes.extend(unmatched_overrides(self.page.overrides, stream.matched_overrides))

    def _read_again(self, retry: _Retry) -> Iterator[Record]:
        """The page read in each other codec it is text in, until one gives a table: a server
        or page declaring a wrong charset (UTF-16, EBCDIC on a UTF-8 page) gives none."""
        for codec in retry.decoded.alternatives:
            try:
                trial = PageRecords(
                    retry.body,
                    retry.page,
                    http_charset=codec,
                    filename=retry.filename,
                    fmt=retry.fmt,
                    name=self.where,
                    limits=self.limits,
                    retry_decodings=False,
                )
            except ScraperError:
                continue
            if trial.encoding != codec:
                continue
            try:
                yield from trial
            except ExtractError:
                if not trial.tables:
                    continue  # nothing was read this way either: no record was made
                self._adopt(trial, retry)
                raise
            if trial.tables:
                self._adopt(trial, retry)
                return

    def _adopt(self, trial: PageRecords, retry: _Retry) -> None:
        """Take what reading the page as `trial` found, with a note that the charset lied."""
        declared = retry.decoded
        self.encoding, self.format, self.lang, self.page = (
            trial.encoding,
            trial.format,
            trial.lang,
            trial.page,
        )
        self.tables, self.error_tables, self.skipped_rows = (
            trial.tables,
            trial.error_tables,
            trial.skipped_rows,
        )
        self.explanations = trial.explanations
        self.notes = [
            f"charset {declared.declared!r} declared by the {declared.declared_by} is wrong: "
            f"the page has no table "
            f"in it, {trial.tables} in {trial.encoding}; read as {trial.encoding}",
            *trial.notes,
        ]

    def _kept(self, tables: Iterable[RawTable]) -> Iterator[RawTable]:
        for table in tables:
            self.tables += 1
            self.notes.extend(table.notes)
            yield table


@dataclass(frozen=True, slots=True)
class _Retry:
    """What reading a page again in another codec needs."""

    body: bytes
    page: PageInfo
    decoded: Decoded
    filename: str
    fmt: str


def parse_page(
    body: bytes,
    page: PageInfo,
    *,
    http_charset: str = "",
    filename: str = "",
    fmt: str = "",
    name: str = "",
    limits: Limits = DEFAULT_LIMITS,
) -> ParsedPage:
    """Records of every error table of a page. Raises the project's errors on bad input.

    `name` is how messages refer to the page (a path or URL); the source id by default.
    """
    stream = PageRecords(
        body, page, http_charset=http_charset, filename=filename, fmt=fmt, name=name, limits=limits
    )
    records = list(stream)
    return ParsedPage(
        records=records,
        format=stream.format,
        encoding=stream.encoding,
        lang=stream.lang,
        tables=stream.tables,
        notes=tuple(stream.notes),
        error_tables=stream.error_tables,
        skipped_rows=stream.skipped_rows,
        explanations=tuple(stream.explanations),
    )
