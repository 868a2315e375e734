"""Every UI string lives in quickreply/tui/strings.py, with a complete English set.

(a) No string literal holding a Chinese character anywhere else under quickreply/tui/
    (docstrings and comments are not UI). A string on screen outside strings.py cannot be
    translated and drifts from the rest.
(b) Binding descriptions and tooltips are literals in BINDINGS, so (a) covers them too.
(c) ENGLISH sets every field: non-empty, no Chinese, the same {placeholders} as the Chinese.
"""

from __future__ import annotations

import ast
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

import quickreply.tui
from quickreply.stats import ReportText
from quickreply.tui.strings import ENGLISH, MERGE_ENGLISH, STATS_ENGLISH, MergeStrings, Strings

TUI = Path(quickreply.tui.__file__).parent
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
"""Chinese characters. Full-width punctuation alone ("：" as a separator to split on, "？" as
a key) is not a UI string."""



def chinese_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every str literal holding a Chinese character, docstrings excluded
    (a bare string statement: module, class, function and attribute docstrings)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and HAN.search(node.value)
    ]


def tui_files() -> list[str]:
    return sorted(path.relative_to(TUI).as_posix() for path in TUI.rglob("*.py") if path.name != "strings.py")


def test_the_scan_finds_what_it_must_and_only_that() -> None:
    source = '''
"""模块说明：不是界面文字。"""
from textual.binding import Binding

class Screen:
    """类说明。"""

    BINDINGS = [Binding("f6", "stats", "统计", tooltip=f"使用{1}统计")]
    name: str = "x"
    """属性说明。"""

    def f(self) -> str:
        text = "abc".split("：")  # 注释
        return "已保存"
'''
    found = sorted(text for _, text in chinese_literals(source))
    assert found == sorted(["统计", "使用", "统计", "已保存"])  # an f-string's pieces count


@pytest.mark.parametrize("relative", tui_files())
def test_no_ui_string_outside_strings_module(relative: str) -> None:
    found = chinese_literals((TUI / relative).read_text(encoding="utf-8"))
    assert not found, "\n".join(f"{relative}:{line}: {text!r} → strings.py (T.…)" for line, text in found)



def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize(
    ("chinese", "english"),
    [(Strings(), ENGLISH), (MergeStrings(), MERGE_ENGLISH), (ReportText(), STATS_ENGLISH)],
    ids=["T", "TM", "statistics"],
)
def test_english_set_is_complete(chinese: object, english: object) -> None:
    problems = []
    # Every annotated attribute: ReportText is a dataclass, Strings and MergeStrings plain classes.
    names = list(type(chinese).__annotations__)
    assert len(names) > 5  # the scan sees the fields
    for name in names:
        zh, en = getattr(chinese, name), getattr(english, name)
        if not en.strip():
            problems.append(f"{name}: empty in English")
        elif HAN.search(en):
            problems.append(f"{name}: English still holds Chinese: {en!r}")
        if placeholders(zh) != placeholders(en):
            problems.append(f"{name}: placeholders {placeholders(zh)} ≠ {placeholders(en)}")
    assert not problems, "\n".join(problems)


def test_a_string_set_takes_only_its_own_names_and_is_read_only() -> None:
    assert Strings(key_help="Hilfe").key_help == "Hilfe"
    assert Strings().key_help == "帮助"  # the default: the English above changed no other set
    with pytest.raises(TypeError, match="key_hepl"):
        Strings(key_hepl="typo")  # a misspelt English field fails at import, not silently
    with pytest.raises(AttributeError):
        ENGLISH.key_help = "changed"  # type: ignore[misc]


def test_chinese_is_the_default_and_english_is_chosen_by_quickreply_lang() -> None:
    code = "from quickreply.tui.strings import T, ENGLISH; print(T is ENGLISH, T.key_help)"
    env = {key: value for key, value in os.environ.items() if key != "QUICKREPLY_LANG"}
    chinese = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    english = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**env, "QUICKREPLY_LANG": "en"},
        check=True,
    )
    assert chinese.stdout.split() == ["False", "帮助"]
    assert english.stdout.split() == ["True", "Help"]
