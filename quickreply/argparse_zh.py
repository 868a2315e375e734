"""argparse's own messages in Chinese (usage errors, help headings).

argparse looks its messages up through the module-level ``_`` (gettext) at call time, and
Python ships no Chinese catalogue for it; an agent typing ``--limit abc`` would otherwise get
"invalid int value". Messages not listed here stay as argparse wrote them.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

MESSAGES = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid %(type)s value: %(value)r": "不是有效的 %(type)s 值：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)": (
        "无效的选择：%(value)r，是不是 %(closest)r？（可选：%(choices)s）"
    ),
    "the following arguments are required: %s": "缺少参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多一个值",
    "expected at least one argument": "至少需要一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是：%(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "需要以下参数之一：%s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
}


def _translate(original: Callable[[str], str]) -> Callable[[str], str]:
    def translated(message: str) -> str:
        return MESSAGES.get(message) or original(message)

    translated.chinese = True  # type: ignore[attr-defined]
    return translated


def install() -> None:
    """Route argparse's messages through MESSAGES (once; harmless to call again)."""
    current = argparse._  # type: ignore[attr-defined]
    if not getattr(current, "chinese", False):
        argparse._ = _translate(current)  # type: ignore[attr-defined]
