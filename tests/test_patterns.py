"""Code patterns: each kind seen on real pages, the plain codes that look alike, exact ranges."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.patterns import code_breadth, code_pattern, number_range_regex
from tests.conftest import SHARED

# (code, regex, codes it stands for, codes it does not)
KINDS = [
    (
        "InvalidParameter.%s",
        r"^InvalidParameter\..+$",
        ["InvalidParameter.Name"],
        ["InvalidParameter", "InvalidParameter.", "InvalidParameterX"],
    ),
    ("Quota.%d", r"^Quota\.\d+$", ["Quota.12"], ["Quota.x"]),
    ("Missing.{param}", r"^Missing\..+$", ["Missing.Name"], ["Missing."]),
    ("Missing.<name>", r"^Missing\..+$", ["Missing.Region"], ["Missing"]),
    ("Bad.${field}.Value", r"^Bad\..+\.Value$", ["Bad.Size.Value"], ["Bad.Value"]),
    ("InvalidParameter.[ParamName]", r"^InvalidParameter\..+$", ["InvalidParameter.Id"], []),
    ("561xxx", r"^561\d{3}$", ["561000", "561119"], ["56100", "5610000", "562001", "561abc"]),
    ("561XXX", r"^561\d{3}$", ["561002"], ["561"]),
    ("13nnn", r"^13\d{3}$", ["13001"], ["1300", "130001", "14001"]),
    ("XA0xxx", r"^XA0\d{3}$", ["XA0001"], ["XA1001", "XA001", "xa0001"]),
    ("4001xx", r"^4001\d{2}$", ["400101"], ["40010", "4001001", "400201"]),
    ("5xxxx", r"^5\d{4}$", ["50001"], ["500001", "5000", "60001"]),
    ("5xx", r"^5\d{2}$", ["503"], ["5030", "403"]),
    ("0x80XX", r"^0x80[0-9a-fA-F]{2}$", ["0x80Fe"], ["0x80FG", "0x81FF"]),
    (
        "ACLNN_ERR_INNER_XXX",
        r"^ACLNN_ERR_INNER_.+$",
        ["ACLNN_ERR_INNER_TILING_ERROR"],
        ["ACLNN_ERR_INNER", "ACLNN_ERR_PARAM_INVALID"],
    ),
    ("InvalidParameter.*", r"^InvalidParameter\..+$", ["InvalidParameter.Size"], ["Invalid"]),
    ("*.NotFound", r"^.+\.NotFound$", ["Bucket.NotFound"], [".NotFound"]),
    ("Throttling...", r"^Throttling.+$", ["Throttling.User"], ["Throttling"]),
    ("0–999", r"^(?:\d|[1-9]\d|[1-9]\d{2})$", ["0", "7", "999"], ["1000", "-1", "007"]),
    ("1016–1999", None, ["1016", "1999"], ["1015", "2000", "0999"]),
    ("1000-1999", r"^1\d{3}$", ["1000", "1999"], ["999", "2000"]),
    ("1000~1999", r"^1\d{3}$", ["1500"], ["2000"]),
    ("1000 to 1999", r"^1\d{3}$", ["1500"], ["2000"]),
    ("100001-100010", r"^(?:10000[1-9]|100010)$", ["100001", "100010"], ["100000", "100011"]),
    ("000-099", r"^0\d{2}$", ["000", "042"], ["42", "100"]),
    ("0xe-0xffffffff", None, ["0xe", "0xE", "0x10", "0xffffffff"], ["0xd", "0x100000000"]),
    ("-32768 to -32000", None, ["-32768", "-32000"], ["-32769", "-31999", "32000"]),
    ("-32000 to -32099", r"^-320\d{2}$", ["-32050"], ["-32100"]),
]

# Plain codes that look a little like patterns, each for a reason.
PLAIN = [
    "-1",  # a negative code, not a range
    "-32700",
    "0x8000000A",  # one x: the hex prefix
    "E_FAIL",
    "ERR-1001",  # a dash after letters
    "10001-0002",  # a compound code: the high end is below the low end
    "1000-01000",  # zero padding to a width the other end does not share
    "2000-1000",
    "1000-1000",
    "-1-2",  # a bare hyphen between negatives
    "MaxRetriesExceeded",  # x inside a word
    "Xxx",
    "XXX",  # nothing literal is left
    "{code}",
    "*",
    "255*",  # a footnote mark after a number
    "128+n",  # arithmetic
    "Foo [deprecated]",  # a note after a space
    "Foo[1]",  # a footnote
    "abc_xx",  # two x after a separator: too short to say it is a placeholder
    "0x80240438、0x80CF0438",  # a list of codes
    "100%",
    "",
]


def _fullmatch(regex: str, text: str) -> bool:
    return re.search(regex, text, re.ASCII) is not None


@pytest.mark.parametrize(("code", "regex", "yes", "no"), KINDS, ids=[k[0] for k in KINDS])
def test_a_code_with_placeholders_or_a_range_gets_an_exact_anchored_pattern(
    code: str, regex: str | None, yes: list[str], no: list[str]
) -> None:
    pattern = code_pattern(code)
    if regex is not None:
        assert pattern == regex
    assert pattern.startswith("^") and pattern.endswith("$")
    assert [c for c in yes if not _fullmatch(pattern, c)] == []
    assert [c for c in no if _fullmatch(pattern, c)] == []


@pytest.mark.parametrize("code", PLAIN)
def test_a_plain_code_gets_no_pattern(code: str) -> None:
    assert code_pattern(code) == ""


def test_patterns_use_only_syntax_every_engine_shares() -> None:
    python_only = re.compile(r"\(\?P|\\[AZz]|\(\?<[=!]|\(\?[aiLmsux]|\\-|\\ ")
    for code, *_ in KINDS:
        assert not python_only.search(code_pattern(code)), code


def test_narrower_codes_sort_before_broader_ones() -> None:
    ordered = ["401001", "4010xx", "401xxx", "1000-1999", "40xxxx", "InvalidParameter.%s", "A.%s"]
    assert sorted(ordered, key=code_breadth) == ordered


@settings(max_examples=300, deadline=None)
@given(
    first=st.integers(0, 70_000),
    span=st.integers(0, 70_000),
    base=st.sampled_from([10, 16]),
    padded=st.booleans(),
)
def test_a_number_range_matches_exactly_its_numbers(
    first: int, span: int, base: int, padded: bool
) -> None:
    last = first + span
    digits = "x" if base == 16 else "d"
    width = len(format(last, digits)) if padded else 0
    regex = re.compile(f"^{number_range_regex(first, last, base=base, width=width)}$", re.ASCII)
    samples = {first - 1, first, first + 1, last - 1, last, last + 1, (first + last) // 2}
    samples |= {first + span // 3, 10 ** len(str(first)), 16 ** len(format(first, "x"))}
    for value in sorted(v for v in samples if v >= 0):
        text = format(value, f"0{width}{digits}" if width else digits)
        assert bool(regex.match(text)) == (first <= value <= last), (value, regex.pattern)


# --- every code of the hand-checked pages ---------------------------------------------------

TRUTH_FILES = sorted((SHARED / "corpus" / "truth").glob("*.json")) + sorted(
    (SHARED / "seeds" / "truth").glob("*.json")
)

# The codes of those pages that stand for many codes, checked by hand against the pages.
PATTERNED = {
    "0–999", "1016–1999", "2000–2999", "3000–3999", "4000–4999",
    "561xxx", "0xe-0xffffffff", "13nnn", "InvalidParameter.%s",
    *(f"XA{d}xxx" for d in range(10)),
}  # fmt: skip


def _truth_codes() -> list[str]:
    codes: set[str] = set()
    for path in TRUTH_FILES:
        for table in json.loads(Path(path).read_text("utf-8"))["error_tables"]:
            column = table["columns"].get("code")
            if column is not None:
                codes |= {row[column] for row in table["rows"] if column < len(row)}
    return sorted(codes)


TRUTH_CODES = _truth_codes()
needs_truth = pytest.mark.skipif(not TRUTH_CODES, reason="no truth files in ../shared")


@needs_truth
def test_every_plain_code_of_the_real_pages_gets_no_pattern() -> None:
    assert set(TRUTH_CODES) >= PATTERNED
    assert [c for c in TRUTH_CODES if c not in PATTERNED and code_pattern(c)] == []


_RANGE = re.compile(r"(-?)(0x)?([0-9a-f]+)\s*[–~-]\s*-?(?:0x)?([0-9a-f]+)")
_RUN = re.compile(r"(?<=\d)(x{2,}|X{2,}|n{2,})")


def _range_ends(code: str) -> tuple[int, int, str] | None:
    found = _RANGE.fullmatch(code)
    if not found:
        return None
    base = 16 if found[2] else 10
    return int(found[3], base), int(found[4], base), found[2] or ""


def _write(value: int, prefix: str) -> str:
    return prefix + (format(value, "x") if prefix else str(value))


@needs_truth
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_real_pattern_matches_its_instances_and_not_their_neighbours(data: st.DataObject) -> None:
    code = data.draw(st.sampled_from(sorted(PATTERNED)))
    pattern = code_pattern(code)
    ends = _range_ends(code)
    if ends:
        first, last, prefix = ends
        value = data.draw(st.integers(first, last))
        assert _fullmatch(pattern, _write(value, prefix))
        assert _fullmatch(pattern, _write(first, prefix))
        assert _fullmatch(pattern, _write(last, prefix))
        assert not _fullmatch(pattern, _write(last + 1, prefix))
        if first > 0:
            assert not _fullmatch(pattern, _write(first - 1, prefix))
        return
    word = data.draw(st.text(string.ascii_letters + string.digits, min_size=1, max_size=12))
    instance = _RUN.sub(
        lambda run: "".join(data.draw(st.sampled_from(string.digits)) for _ in run[0]), code
    ).replace("%s", word)
    assert _fullmatch(pattern, instance)
    neighbours = [instance[1:], "Z" + instance[1:]]
    if _RUN.search(code):
        neighbours += [instance + "0", instance[:-1]]
    assert [n for n in neighbours if _fullmatch(pattern, n)] == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="%sd{}<>[]$xXnN0123456789._-:/*…Ab ", max_size=14))
def test_the_quick_search_for_markers_misses_none(text: str) -> None:
    from scraper.patterns import _ANY_MARKER, _MARKERS

    anywhere = any(m.syntax.match(text, i) for m in _MARKERS for i in range(len(text)))
    assert (_ANY_MARKER.search(text) is not None) == anywhere
