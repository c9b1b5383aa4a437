"""Bytes to text, and faithful repair of text that was mangled by a wrong encoding.

Decoding tries, in order: a byte-order mark, the charset the server declared, the charset the
page declares (<meta>, XML declaration), strict UTF-8, then detection. Nothing is decoded with
errors="replace" before repair, so mojibake is never made worse.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from scraper.errors import DecodeError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")

# Charsets a server or page often claims by default when the bytes are really UTF-8.
_SINGLE_BYTE = {"iso8859-1", "cp1252", "ascii", "latin-1", "iso8859-15"}


@cache
def _ftfy() -> tuple[Any, Any]:
    """ftfy and its faithful configuration, imported on first need (it is slow to import).

    Faithful repair: only undo wrong decodings. Width, quotes, ligatures, line breaks,
    control characters and normalization stay as the author published them.
    """
    import ftfy

    config = ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=False,
        decode_inconsistent_utf8=True,
        fix_c1_controls=True,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=True,
        remove_control_chars=False,
        normalization=None,
        explain=True,
    )
    return ftfy, config


def _codec_name(label: str) -> str | None:
    """Python's canonical codec name for a charset label, or None when unknown."""
    label = label.strip().strip("\"'").lower()
    if label in ("x-sjis", "shift-jis", "sjis", "windows-31j"):
        label = "cp932"
    if label in ("gb2312", "gbk", "x-gbk"):
        # GB18030 is a superset; pages labelled GB2312 routinely use GBK characters.
        label = "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text with no BOM shows as NUL in every other byte for ASCII-heavy text."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return _try(data, "utf-16-le")
    if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        return _try(data, "utf-16-be")
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f\v")
    return sample.count("\x00") > 0.01 * len(sample) or controls > 0.1 * len(sample)


def declared_charset(data: bytes) -> str:
    """The charset a page declares about itself in its first bytes, "" when none."""
    head = data[:4096]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else ""


@dataclass(frozen=True, slots=True)
class Decoded:
    """A page's text, the codec that gave it, and what decided that codec."""

    text: str
    codec: str
    declared: str = ""
    """The charset label that decided the codec, when a declaration did ("" otherwise)."""
    declared_by: str = ""
    """Who declared it: "server" (the HTTP charset) or "page" (<meta>, XML declaration)."""
    refused: tuple[str, str] = ("", "")
    """(label, who) of a charset declared by "server" or "page" that the bytes are not text
    in, when the page was read in another codec instead."""
    alternatives: tuple[str, ...] = ()
    """Other codecs worth a try should this text hold no table: strict UTF-8 and the page's own
    charset, when the bytes decode in them and the codec was only declared (a BOM, UTF-8 or
    detection leave none). Nothing is decoded to find them."""


def decode_bytes(data: bytes, http_charset: str = "", name: str = "") -> tuple[str, str]:
    """Decode a page. Returns (text, codec name). Raises DecodeError for data that is not text."""
    decoded = decode_page(data, http_charset, name)
    return decoded.text, decoded.codec


def decode_page(data: bytes, http_charset: str = "", name: str = "") -> Decoded:
    """Decode a page as decode_bytes does, saying what decided the codec and which others
    the bytes are worth trying in, should the declared one prove wrong."""
    where = f"{name}: " if name else ""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _try(data[len(bom) :], codec)
            if text is not None:
                return Decoded(*_checked(text, codec, where))
    if not data:
        return Decoded("", "utf-8")
    utf16 = _utf16_without_bom(data)
    if utf16 is not None and not _looks_binary(utf16):
        return Decoded(*_checked(utf16, "utf-16", where))
    is_utf8 = _try(data, "utf-8")
    page_label = declared_charset(data)
    refused = ("", "")
    for label, by in ((http_charset, "server"), (page_label, "page")):
        named = _codec_name(label) if label else None
        if named is None:
            continue
        codec = named
        if codec in _SINGLE_BYTE and is_utf8 is not None and not data.isascii():
            # A page that decodes as UTF-8 with multi-byte characters is UTF-8, whatever a
            # default "ISO-8859-1" label says.
            return Decoded(*_checked(is_utf8, "utf-8", where, b"\x00" in data))
        if codec == "utf-8" and is_utf8 is not None:
            return Decoded(*_checked(is_utf8, "utf-8", where, b"\x00" in data))
        text = _try(data, codec)
        if text is not None and not _looks_binary(text):
            # (Text that looks binary in a declared codec is tried in the others: the
            # declaration may be what is wrong.)
            text, codec = _checked(text, codec, where)
            others = _alternatives(
                data, codec, is_utf8 is not None, page_label if by == "server" else ""
            )
            return Decoded(text, codec, label, by, refused, others)
        refused = refused if refused[0] else (label, by)
    if is_utf8 is not None:
        text, codec = _checked(is_utf8, "utf-8", where, b"\x00" in data)
        return Decoded(text, codec, refused=refused)
    import charset_normalizer  # only pages in no declared or UTF-8 encoding need detection

    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is not None:
        text = _try(data, best.encoding)
        if text is not None:
            text, codec = _checked(text, best.encoding, where)
            return Decoded(text, codec, refused=refused)
    raise DecodeError(f"{where}not text in any known encoding")


def _alternatives(data: bytes, codec: str, is_utf8: bool, page_label: str) -> tuple[str, ...]:
    """The codecs besides `codec` (a declared one) that may read the page differently: strict
    UTF-8 when the bytes are UTF-8, then the page's own charset when it names another codec."""
    if codec == "utf-8":
        return ()
    ascii_only = data.isascii()
    found: list[str] = []
    if is_utf8 and not (ascii_only and _ascii_compatible(codec)):
        found.append("utf-8")
    page_codec = _codec_name(page_label) if page_label else None
    if (
        page_codec is not None
        and page_codec != codec
        and page_codec not in found
        and not (ascii_only and _ascii_compatible(codec) and _ascii_compatible(page_codec))
    ):
        found.append(page_codec)
    return tuple(found)


@cache
def _ascii_compatible(codec: str) -> bool:
    """Whether the codec reads printable ASCII bytes as ASCII (UTF-16 and EBCDIC do not)."""
    sample = bytes(range(0x20, 0x7F)) + b"\t\n\r"
    return _try(sample, codec) == sample.decode("ascii")


def utf8_body(body: bytes, text: str, codec: str) -> bytes | None:
    """The body as the UTF-8 bytes of the text decode_bytes gave, when it is exactly that (no
    byte-order mark, no NUL taken out); None otherwise."""
    if codec != "utf-8" or body.startswith(codecs.BOM_UTF8) or b"\x00" in body:
        return None
    return body


def _checked(text: str, codec: str, where: str, may_hold_nul: bool = True) -> tuple[str, str]:
    """The text, unless it is binary. `may_hold_nul` False says the text has no NUL (cheaper to
    tell from UTF-8 bytes, where a NUL character is a NUL byte, than from the text)."""
    if _looks_binary(text):
        raise DecodeError(f"{where}binary data, not a text page")
    # A stray NUL in a text page carries nothing a reader sees, and no CSV reader takes it.
    return (text.replace("\x00", "") if may_hold_nul else text), codec


# UTF-8 decoded as any of the single-byte encodings ftfy knows (latin-1, cp1252, cp1251,
# cp1250, iso-8859-2, MacRoman, cp437) leaves characters from their upper halves; text with
# none of them has no mojibake to repair, and is not handed to ftfy at all.
_MOJIBAKE_HINT = re.compile(
    "[\u0080-\u024f\u0384-\u03ce\u0400-\u045f\u0490\u0491\u02c6-\u02dd"
    "\u2010-\u2122\u2202-\u2265\u2500-\u25a0\uf8ff\ufb01\ufb02\ud800-\udfff]"
)


def repair_text(text: str) -> tuple[str, list[str]]:
    """Undo mojibake in one piece of text. Returns (text, steps) where steps can be replayed."""
    if text.isascii() or not _MOJIBAKE_HINT.search(text):
        return text, []
    fixer, config = _ftfy()
    fixed, explanation = fixer.fix_and_explain(text, config=config)
    if fixed == text or not explanation:
        return text, []
    return fixed, [f"{action} {param}" for action, param in explanation]


def replay_repair(text: str, steps: list[str]) -> str:
    """Apply recorded repair steps to the original text (the inverse of recording them)."""
    plan = [tuple(step.split(" ", 1)) for step in steps]
    fixer, _ = _ftfy()
    return str(fixer.apply_plan(text, plan))
