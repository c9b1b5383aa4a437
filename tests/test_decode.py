"""Bytes to text: BOMs, declared charsets (true and false), detection, binary refusal."""

from __future__ import annotations

import codecs

import pytest

from scraper.decode import declared_charset, decode_bytes, utf8_body
from scraper.errors import DecodeError

CHINESE = "错误码：请求参数错误（400），请检查。"
TRADITIONAL = "錯誤碼：請求參數錯誤，請檢查。"
JAPANESE = "エラーコード：リクエストが正しくありません。"
KOREAN = "오류 코드: 요청 변수를 확인하세요."


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_bom_decides_the_encoding(bom: bytes, codec: str) -> None:
    text, used = decode_bytes(bom + CHINESE.encode(codec))
    assert text == CHINESE
    assert used == codec


def test_utf16_without_bom_is_recognized() -> None:
    text, _ = decode_bytes(("| Code | Message |\n| 400 | " + CHINESE + " |\n").encode("utf-16-le"))
    assert CHINESE in text


@pytest.mark.parametrize(
    ("sample", "codec", "label"),
    [
        (CHINESE, "gb18030", "gbk"),
        (CHINESE, "gb18030", "gb2312"),
        (TRADITIONAL, "big5", "big5"),
        (JAPANESE, "shift_jis", "shift_jis"),
        (KOREAN, "euc-kr", "euc-kr"),
    ],
)
def test_declared_meta_charset_is_used(sample: str, codec: str, label: str) -> None:
    page = f'<html><head><meta charset="{label}"></head><body><p>{sample}</p></body></html>'
    text, _ = decode_bytes(page.encode(codec))
    assert sample in text


@pytest.mark.parametrize(
    ("sample", "codec"),
    [
        (CHINESE * 20, "gb18030"),
        (TRADITIONAL * 20, "big5"),
        (JAPANESE * 20, "shift_jis"),
        (KOREAN * 20, "euc-kr"),
    ],
)
def test_undeclared_legacy_encodings_are_detected(sample: str, codec: str) -> None:
    text, _ = decode_bytes(f"<p>{sample}</p>".encode(codec))
    assert sample in text


def test_http_charset_wins_over_detection() -> None:
    text, used = decode_bytes(CHINESE.encode("gb18030"), http_charset="GBK")
    assert text == CHINESE
    assert used == "gb18030"


def test_a_latin1_label_on_utf8_bytes_is_a_lie() -> None:
    page = f'<meta charset="iso-8859-1"><p>{CHINESE}</p>'.encode()
    text, used = decode_bytes(page)
    assert CHINESE in text
    assert used == "utf-8"


def test_a_declared_charset_that_cannot_decode_falls_through() -> None:
    page = f'<meta charset="shift_jis"><p>{CHINESE}</p>'.encode()
    text, _ = decode_bytes(page)
    assert CHINESE in text


def test_meta_http_equiv_charset_is_read() -> None:
    head = b'<meta http-equiv="Content-Type" content="text/html; charset=Big5">'
    assert declared_charset(head) == "Big5"


def test_binary_data_is_refused_with_the_name() -> None:
    with pytest.raises(DecodeError, match=r"page\.bin"):
        decode_bytes(bytes(range(256)) * 10, name="page.bin")


def test_empty_input_is_empty_text() -> None:
    assert decode_bytes(b"") == ("", "utf-8")


@pytest.mark.parametrize(
    ("body", "is_own_utf8"),
    [
        ("<p>Fehler: \u00fcberschritten 超过</p>".encode(), True),
        (b"", True),
        (codecs.BOM_UTF8 + "<p>é</p>".encode(), False),
        (b"<p>a\x00b</p>" + b"<p>text</p>" * 20, False),  # the NUL is taken out of the text
        ("<p>é</p>".encode("cp1252"), False),
        ("<p>é</p>".encode("utf-16"), False),
    ],
)
def test_the_body_stands_for_the_text_only_when_it_is_its_utf8(
    body: bytes, is_own_utf8: bool
) -> None:
    text, codec = decode_bytes(body)
    reused = utf8_body(body, text, codec)
    assert (reused is body) == is_own_utf8
    if reused is not None:
        assert reused == text.encode("utf-8")
