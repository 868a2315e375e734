"""Untrusted phrase text is cleaned before it reaches a screen, a clipboard or the index."""

from __future__ import annotations

import pytest

from quickreply.sanitize import clean_line, clean_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\x1b]52;c;cm0gLXJmIH4=\x07b", "ab"),  # OSC 52 would set the clipboard
        ("\x1b]0;pwned\x07标题", "标题"),  # OSC 0 would rename the window
        ("\x1b[31m红\x1b[0m", "红"),  # CSI colours
        ("发\u200b货", "发货"),  # zero-width space breaks substring search
        ("\u202eabc", "abc"),  # bidi override
        ("\ufeff开头", "开头"),  # BOM
        ("a\x00b\x07c", "abc"),  # NUL, BEL
        ("x\r\ny\rz", "x\ny\nz"),
        ("a\tb", "a    b"),
        ("e\u0301", "\u00e9"),  # NFC
    ],
)
def test_dangerous_characters_are_removed(raw: str, expected: str) -> None:
    cleaned = clean_text(raw)
    assert cleaned.text == expected


@pytest.mark.parametrize(
    "kept",
    [
        "/:^_^ 亲 /:087 /:810",  # chat emoticon codes are ordinary text
        "👨\u200d👩\u200d👧 家庭",  # zero-width joiner holds emoji together
        "满100减20[/活动]",  # markup-looking text is data, kept (and shown literally)
        "亲\u3000您好",  # ideographic space
        "第一行\n第二行",
    ],
)
def test_ordinary_text_survives(kept: str) -> None:
    assert clean_text(kept).text == kept
    assert clean_text(kept).removed == ()


def test_removed_characters_are_reported() -> None:
    assert clean_text("a\u202eb\u200bc").removed == ("U+202E", "U+200B")
    assert clean_text("\x1b[2J").removed == ("终端转义序列",)


def test_clean_line_joins_lines() -> None:
    assert clean_line(" 标题\n第二行 ").text == "标题 第二行"
