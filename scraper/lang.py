"""The language of a page, from its text, when neither the manifest nor the page says it."""

from __future__ import annotations

import re
from functools import cache

# Kana, CJK ideographs (extension A and unified) and hangul syllables, as code point ranges.
_CJK_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF))


def is_cjk(char: str) -> bool:
    """Whether a character is Chinese, Japanese or Korean: kana, an ideograph or hangul."""
    point = ord(char)
    return 0x3040 <= point <= 0xD7AF and any(low <= point <= high for low, high in _CJK_RANGES)


def has_cjk(text: str) -> bool:
    """Whether a text holds a CJK character. Tested character by character, from the first:
    a regex class this wide costs milliseconds to compile, more than all the tests it saves."""
    return not text.isascii() and max(text) >= "\u3040" and any(map(is_cjk, text))


@cache
def _scripts() -> tuple[re.Pattern[str], ...]:
    """Han, kana, hangul and Latin letters; compiled on first need (wide classes compile
    slowly, and most pages declare their language)."""
    return (
        re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]"),
        re.compile(r"[\u3040-\u30ff]"),
        re.compile(r"[\uac00-\ud7af]"),
        re.compile(r"[A-Za-z]"),
    )


def _in_charset(char: str, codec: str) -> bool:
    try:
        char.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def _han_script(han: list[str]) -> str:
    """zh-Hans or zh-Hant: characters only one of GB2312 and Big5 can write tell them apart."""
    simplified = traditional = 0
    for char in set(han):
        in_gb, in_big5 = _in_charset(char, "gb2312"), _in_charset(char, "big5")
        if in_gb and not in_big5:
            simplified += 1
        elif in_big5 and not in_gb:
            traditional += 1
    return "zh-Hant" if traditional > simplified else "zh-Hans"


def detect_lang(text: str) -> str:
    """A BCP 47 tag (en, zh-Hans, zh-Hant, ja, ko) for the page's main script, "" when unsure."""
    sample = text[:200_000]
    han_letters, kana_letters, hangul_letters, latin_letters = _scripts()
    hangul = len(hangul_letters.findall(sample))
    kana = len(kana_letters.findall(sample))
    han = han_letters.findall(sample)
    latin = len(latin_letters.findall(sample))
    # CJK characters carry a word's worth each: weigh them against Latin letters accordingly.
    cjk = hangul + kana + len(han)
    if cjk * 4 >= latin * 0.2 and cjk >= 10:
        if hangul >= max(kana, len(han)) * 0.5 and hangul > kana:
            return "ko"
        if kana >= 10 or (kana and kana * 10 >= len(han)):
            return "ja"
        if han:
            return _han_script(han)
    return "en" if latin >= 20 else ""
