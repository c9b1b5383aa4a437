"""Codes that stand for many codes: placeholders, digit runs and ranges as regular expressions.

A vendor publishes `InvalidParameter.%s`, `561xxx` or `1000-1999` where the API returns
`InvalidParameter.Name`, `561002` or `1404`. `code_pattern` turns such a code into an anchored
regular expression in the syntax every common engine shares (no Python-only constructs; `\\d`
means an ASCII digit, so compile with re.ASCII in Python), and gives "" for a plain code.

The rules, in the order they are tried:

- A whole code that is a numeric range (`0–999`, `1000 to 1999`, `0xe-0xffffffff`) gives a
  regex of exactly the numbers in it, written as the page writes them: without leading zeros,
  or zero-padded to the width of both ends when the low end is padded (`000-999`). A range needs
  two numbers of one shape (both decimal or both hex, one sign) and the low end below the high
  end; an end padded with zeros to a width the other end does not share is a part of a compound
  code (`10001-0002`), not a range. Negative ranges (`-32768 to -32000`) need a separator
  other than a bare hyphen.
- Otherwise markers are replaced where they stand and the rest is kept literally: printf
  conversions (`%s`), templates (`${x}`, `{param}`, `<name>`, `[name]` attached to the code),
  runs of two or more x (or n) right after a digit (`561xxx`, `XA0xxx`, `13nnn`: digits, hex
  digits after a `0x` prefix), a segment of three or more x after a separator
  (`ACLNN_ERR_INNER_XXX`: the page's codes show it stands for a name part, so any text), `*`
  next to a separator and `...`/`…` (any text).
- A code with no literal character left (`*`, `{code}`, `XXX`) names no code: "".

What is deliberately plain: `-1`, `0x8000000A` (one x, then hex digits), `E_FAIL`, `ERR-1001`,
`MaxRetriesExceeded` (single x's inside words), `255*` (a star after a number is a footnote
mark), `128+n` (arithmetic), lists of codes (`0x80240438、0x80CF0438`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

_DATA_FILE = Path(__file__).parent / "data" / "patterns.toml"

# The characters that mean something in a regular expression, in every common engine; only
# these are escaped, since escaping others (`\-`, `\ `) is an error in some (JavaScript's u flag).
_META = frozenset(".^$*+?()[]{}|\\/")

Breadth = tuple[int, int, int]
"""How many codes a pattern stands for, as a sort key (smaller is more specific):
(1 if it matches open-ended text else 0, count of codes when finite else 0, -literal chars)."""


@dataclass(frozen=True, slots=True)
class CodePattern:
    """A code's regular expression and how broad it is."""

    regex: str
    """Anchored: `^...$`."""
    breadth: Breadth
    kind: str
    """range or markers."""


def code_pattern(code: str) -> str:
    """The anchored regular expression for a code with placeholders or ranges, else ""."""
    parsed = parse_code_pattern(code)
    return parsed.regex if parsed else ""


def code_breadth(code: str) -> Breadth:
    """How broad a code is as a sort key: a plain code is one code, the narrowest there is."""
    parsed = parse_code_pattern(code)
    return parsed.breadth if parsed else (0, 1, -len(code))


@lru_cache(maxsize=4096)
def parse_code_pattern(code: str) -> CodePattern | None:
    """A code's pattern and breadth, or None for a plain code."""
    text = code.strip()
    if not text:
        return None
    return _range_pattern(text) or _marker_pattern(text)


def escape(text: str) -> str:
    """Text as a literal in a regular expression, escaping only what every engine accepts."""
    return "".join("\\" + ch if ch in _META else ch for ch in text)


# --- numeric ranges -------------------------------------------------------------------------


@cache
def _range_syntax() -> re.Pattern[str]:
    words = tomllib.loads(_DATA_FILE.read_text("utf-8"))["ranges"]["separators"]
    alternatives = [
        rf"\s+{re.escape(w)}\s+" if w.isascii() and w.isalpha() else rf"\s*{re.escape(w)}\s*"
        for w in sorted(words, key=len, reverse=True)
    ]
    number = r"(-?)(0[xX][0-9A-Fa-f]+|[0-9]+)"
    return re.compile(rf"{number}(?P<sep>{'|'.join(alternatives)}){number}", re.IGNORECASE)


def _range_pattern(text: str) -> CodePattern | None:
    found = _range_syntax().fullmatch(text)
    if not found:
        return None
    low_sign, low, sep, high_sign, high = found.groups()
    hexadecimal = low[:2].lower() == "0x"
    if hexadecimal != (high[:2].lower() == "0x") or low_sign != high_sign:
        return None
    if low_sign and sep == "-":  # "-1-2": a bare hyphen between negatives joins, it does not span
        return None
    prefix, base = (low[:2], 16) if hexadecimal else ("", 10)
    low_digits, high_digits = low[len(prefix) :], high[len(prefix) :]
    padded = [d for d in (low_digits, high_digits) if len(d) > 1 and d[0] == "0"]
    if padded and len(low_digits) != len(high_digits):
        return None
    width = len(low_digits) if padded else 0
    first, last = int(low_digits, base), int(high_digits, base)
    if low_sign:
        first, last = min(first, last), max(first, last)  # -32768 to -32000, -32000 to -32099
        if first == last:
            return None
    elif first >= last:
        return None
    body = number_range_regex(first, last, base=base, width=width)
    regex = f"^{escape(low_sign + prefix)}{body}$"
    return CodePattern(regex, (0, last - first + 1, -len(low_sign + prefix)), "range")


def number_range_regex(first: int, last: int, *, base: int = 10, width: int = 0) -> str:
    """A regex (unanchored) matching exactly the numbers first..last written in `base`: without
    leading zeros, or zero-padded to `width` digits when width is given."""
    if first > last or first < 0:
        raise ValueError(f"not a range: {first}..{last}")
    if width:
        alternatives = _same_width(_digits(first, base, width), _digits(last, base, width), base)
    else:
        alternatives = []
        for length in range(len(_digits(first, base)), len(_digits(last, base)) + 1):
            low = max(first, base ** (length - 1) if length > 1 else 0)
            high = min(last, base**length - 1)
            alternatives += _same_width(
                _digits(low, base, length), _digits(high, base, length), base
            )
    return alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"


def _digits(value: int, base: int, width: int = 0) -> list[int]:
    out = []
    while value:
        value, digit = divmod(value, base)
        out.append(digit)
    out.reverse()
    return [0] * (max(width, 1) - len(out)) + out


def _same_width(low: list[int], high: list[int], base: int) -> list[str]:
    """Alternatives matching the digit strings low..high, both of one length."""
    if not low:
        return [""]
    rest = len(low) - 1
    if low[0] == high[0]:
        return [_digit(low[0]) + tail for tail in _same_width(low[1:], high[1:], base)]
    out: list[str] = []
    start, end = low[0], high[0]
    if any(low[1:]):  # the low digit's partial block: low[0] followed by low[1:]..max
        out += [_digit(start) + t for t in _same_width(low[1:], [base - 1] * rest, base)]
        start += 1
    tail_full = all(d == base - 1 for d in high[1:])
    if not tail_full:
        end -= 1
    if (start, end) == (0, base - 1):
        out.append(_any_digits(rest + 1, base))
    elif start <= end:
        out.append(_digit_class(start, end, base) + _any_digits(rest, base))
    if not tail_full:
        out += [_digit(high[0]) + t for t in _same_width([0] * rest, high[1:], base)]
    return out


def _digit(value: int) -> str:
    return (
        "0123456789abcdef"[value]
        if value < 10
        else f"[{'abcdef'[value - 10]}{'ABCDEF'[value - 10]}]"
    )


def _digit_class(start: int, end: int, base: int) -> str:
    if start == end:
        return _digit(start)
    if base == 10 and (start, end) == (0, 9):
        return r"\d"
    parts = []
    if start <= 9:
        parts.append(_span("0123456789", start, min(end, 9)))
    if end >= 10:
        low, high = max(start, 10) - 10, end - 10
        parts += [_span("abcdef", low, high), _span("ABCDEF", low, high)]
    return f"[{''.join(parts)}]"


def _span(alphabet: str, start: int, end: int) -> str:
    if start == end:
        return alphabet[start]
    return f"{alphabet[start]}-{alphabet[end]}" if end > start + 1 else alphabet[start : end + 1]


def _any_digits(count: int, base: int) -> str:
    if not count:
        return ""
    one = r"\d" if base == 10 else "[0-9a-fA-F]"
    return one if count == 1 else f"{one}{{{count}}}"


# --- placeholders, digit runs and wildcards ------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Marker:
    syntax: re.Pattern[str]
    regex: Callable[[str, bool], str]
    """The regex for the marker's text; the flag says whether the code is hexadecimal."""
    count: Callable[[str, bool], int]
    """How many values the marker stands for; 0 for open-ended text."""


def _any_text(_text: str, _hex: bool) -> str:
    return ".+"


def _open(_text: str, _hex: bool) -> int:
    return 0


def _digit_run(text: str, hexadecimal: bool) -> str:
    return _any_digits(len(text), 16 if hexadecimal else 10)


def _digit_run_count(text: str, hexadecimal: bool) -> int:
    return int((16 if hexadecimal else 10) ** len(text))


# Tried in order at each position of a code; the first that matches is taken.
_MARKERS: tuple[_Marker, ...] = (
    # printf conversions in message-style codes: InvalidParameter.%s, Quota.%1$s
    _Marker(re.compile(r"%(?:[0-9]+\$)?[sv]"), _any_text, _open),
    _Marker(re.compile(r"%(?:[0-9]+\$)?[diu]"), lambda _t, _h: r"\d+", _open),
    # template placeholders: ${name}, {param}, {0}, {}, <name>
    _Marker(re.compile(r"\$\{[^{}\s]+\}"), _any_text, _open),
    _Marker(re.compile(r"\{(?:[A-Za-z0-9_][\w.\-]*)?\}"), _any_text, _open),
    _Marker(re.compile(r"<[A-Za-z_][\w.\- ]*>"), _any_text, _open),
    # [name] attached to the code; "Foo [deprecated]" (a note after a space) and footnote
    # marks ("[1]", "[a]") are not placeholders.
    _Marker(re.compile(r"(?<!\s)\[[A-Za-z_][\w.\-]+\]"), _any_text, _open),
    # x-runs after a digit stand for digits: 561xxx, 4001xx, 5xxxx, XA0xxx, 13nnn. A single x
    # is not one (0x8000000A), nor a run a letter follows (a word).
    _Marker(
        re.compile(r"(?<=[0-9])(?:[xX]{2,}|n{2,}|N{2,})(?![A-Za-z])"),
        _digit_run,
        _digit_run_count,
    ),
    # a whole segment of x's after a separator stands for a name part: ACLNN_ERR_INNER_XXX
    # (the page lists ACLNN_ERR_INNER_TILING_ERROR and others under it).
    _Marker(re.compile(r"(?<=[_.:/\-])(?:X{3,}|x{3,})(?=$|[_.:/\-])"), _any_text, _open),
    # wildcards: a star next to a separator (Foo.*, *.NotFound), an ellipsis anywhere.
    _Marker(re.compile(r"(?<=[._:/\-])\*|\*(?=[._:/\-])"), _any_text, _open),
    _Marker(re.compile(r"\.\.\.|…"), _any_text, _open),
)

_HEX_CODE = re.compile(r"-?0[xX]")


# Any marker anywhere: most codes have none, and one search tells so.
_ANY_MARKER = re.compile("|".join(f"(?:{m.syntax.pattern})" for m in _MARKERS))


def _marker_pattern(text: str) -> CodePattern | None:
    if _ANY_MARKER.search(text) is None:
        return None
    hexadecimal = bool(_HEX_CODE.match(text))
    parts: list[str] = []
    literal_chars = 0
    count, is_open, found = 1, False, False
    position = 0
    while position < len(text):
        hit = _first_marker(text, position)
        if hit is None:
            parts.append(escape(text[position]))
            literal_chars += not text[position].isspace()
            position += 1
            continue
        marker, matched = hit
        parts.append(marker.regex(matched, hexadecimal))
        values = marker.count(matched, hexadecimal)
        is_open = is_open or values == 0
        count *= max(values, 1)
        found = True
        position += len(matched)
    if not found or not literal_chars:
        return None
    breadth = (1, 0, -literal_chars) if is_open else (0, count, -literal_chars)
    return CodePattern(f"^{''.join(parts)}$", breadth, "markers")


def _first_marker(text: str, position: int) -> tuple[_Marker, str] | None:
    for marker in _MARKERS:
        hit = marker.syntax.match(text, position)
        if hit and hit.end() > position:
            return marker, hit.group()
    return None
