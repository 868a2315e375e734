"""placeholders.toml: labels, fresh values, patterns and choices, and every wrong shape as a
finding with its line."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

import quickreply
from quickreply.model import Severity
from quickreply.placeholders import BUILTIN_FRESH, Placeholders, Spec, load_placeholders, read_placeholders


def folder(tmp_path: Path, name: str, text: str) -> Path:
    directory = tmp_path / name
    directory.mkdir()
    (directory / "placeholders.toml").write_text(textwrap.dedent(text), encoding="utf-8")
    return directory


def findings(tmp_path: Path, text: str) -> list[tuple[int, Severity, str]]:
    path = folder(tmp_path, "d", text) / "placeholders.toml"
    _declared, problems = read_placeholders(path)
    return [(problem.line, problem.severity, problem.message) for problem in problems]


def test_bundled_file_labels_fresh_pattern_and_choices(bundled: quickreply.Library) -> None:
    specs = bundled.placeholders
    assert not [p for p in bundled.problems if p.file.name == "placeholders.toml"]
    tracking = specs.spec("tracking_no")
    assert (tracking.label, tracking.fresh, tracking.title) == ("快递单号", True, "快递单号（tracking_no）")
    assert tracking.problem("SF1234567890") is None
    assert "8–20 位" in (tracking.problem("YT12") or "")
    assert specs.spec("order_no").fresh and specs.spec("buyer").fresh
    assert not specs.spec("product").fresh  # the same product comes up chat after chat
    assert "10元红包" in specs.spec("compensation").choices


def test_builtin_fresh_names_without_any_file(tmp_path: Path) -> None:
    """Order, tracking and phone numbers are never reused, even with no placeholders.toml."""
    empty = tmp_path / "empty"
    empty.mkdir()
    specs, problems = load_placeholders([empty])
    assert problems == []
    for name in ("order_no", "tracking_no", "phone", "订单号", "快递单号"):
        assert specs.spec(name).fresh, name
    assert not specs.spec("buyer").fresh
    assert specs.spec("order_no").title == "订单号（order_no）"  # labels.py's name


def test_reusable_drops_fresh_values() -> None:
    specs = Placeholders({"size": Spec("size", fresh=True)})
    values = {"order_no": "123", "size": "L", "product": "毛巾"}
    assert specs.reusable(values) == {"product": "毛巾"}


def test_a_table_keeps_builtin_fresh_unless_it_says_otherwise(tmp_path: Path) -> None:
    directory = folder(
        tmp_path,
        "d",
        """
        [tracking_no]
        label = "运单"

        [order_no]
        fresh = false
        """,
    )
    specs, problems = load_placeholders([directory])
    assert problems == []
    assert specs.spec("tracking_no").fresh and specs.spec("tracking_no").label == "运单"
    assert not specs.spec("order_no").fresh


def test_first_folder_wins_key_by_key(tmp_path: Path) -> None:
    """As with shops.toml the first folder wins; keys it leaves out come from later ones."""
    team = folder(tmp_path, "team", '[amount]\nlabel = "补偿金额"\n')
    shared = folder(tmp_path, "shared", '[amount]\nlabel = "金额"\nchoices = ["5元", "10元"]\n')
    specs, _problems = load_placeholders([team, shared])
    assert specs.spec("amount").label == "补偿金额"
    assert specs.spec("amount").choices == ("5元", "10元")
    assert specs.origins["amount"][0] == team / "placeholders.toml"


def test_pattern_must_match_the_whole_value_and_has_a_default_message() -> None:
    import regex

    spec = Spec("tracking_no", pattern=regex.compile(r"[A-Z0-9]{8}"))
    assert spec.problem("AB123456") is None
    assert spec.problem("xAB123456") == "快递单号的格式不对，请核对后重新填写"
    assert Spec("x", pattern=spec.pattern, message="八位").problem("1") == "八位"


def test_a_pattern_that_runs_out_of_time_lets_the_value_through() -> None:
    """The agent must be able to answer the buyer; the form never hangs on a team's regex."""
    import regex

    spec = Spec("code", pattern=regex.compile(r"(a|aa)+"))
    assert spec.problem("a" * 60 + "!") is None


def test_filter_is_case_insensitive_substring() -> None:
    spec = Spec("size", choices=("S", "M", "XL", "XXL"))
    assert spec.filter("") == ["S", "M", "XL", "XXL"]
    assert spec.filter("xl") == ["XL", "XXL"]
    assert spec.filter("Q") == []


def test_filter_by_pinyin_and_initials() -> None:
    spec = Spec("compensation", choices=("5元无门槛券", "10元红包", "包邮"))
    assert spec.filter("hb") == ["10元红包"]
    assert spec.filter("hongbao") == ["10元红包"]
    assert spec.filter("bao") == ["10元红包", "包邮"]
    assert spec.filter("10y") == ["10元红包"]
    assert spec.filter("红") == ["10元红包"]
    assert spec.filter("zz") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # unknown keys: an error, a misspelt `fresh` would offer the last buyer's number
        (
            "[tracking_no]\nfersh = true\n",
            [(2, Severity.ERROR, "快递单号（tracking_no）：未知的字段 'fersh'")],
        ),
        (
            '[tracking_no]\nlabel = "单号"\npattern = "[a-"\n',
            [(3, Severity.ERROR, "单号（tracking_no）：正则表达式有误")],
        ),
        ('[x]\npattern = "(a+)+$"\n', [(2, Severity.ERROR, "x：正则里有嵌套的重复")]),
        ("[x]\npattern = 5\n", [(2, Severity.ERROR, "x：pattern 必须是非空文字")]),
        ("[amount]\nchoices = []\n", [(2, Severity.ERROR, "金额（amount）：choices 是空的")]),
        ('[amount]\nchoices = ["\u200b", ""]\n', [(2, Severity.ERROR, "金额（amount）：choices 是空的")]),
        ('[amount]\nchoices = "5元"\n', [(2, Severity.ERROR, "金额（amount）：choices 必须是文字列表")]),
        (
            '[amount]\nchoices = ["5元", 10]\n',
            [(2, Severity.ERROR, "金额（amount）：choices 必须是文字列表")],
        ),
        (
            '[order_no]\nfresh = "yes"\n',
            [(2, Severity.ERROR, "订单号（order_no）：fresh 只能是 true 或 false")],
        ),
        ("[order_no]\nlabel = 3\n", [(2, Severity.ERROR, "订单号（order_no）：label 必须是非空文字")]),
        ('[order_no]\nmessage = "请核对"\n', [(2, Severity.WARNING, "message 只在 pattern 不符合时显示")]),
        ("order_no = 5\n", [(1, Severity.ERROR, "订单号（order_no）：要写成表")]),
        ('["bad-name"]\nlabel = "x"\n', [(1, Severity.ERROR, "'bad-name' 不是占位符名称")]),
        (
            '[amount]\npattern = "^\\\\d+元$"\nchoices = ["5元", "十元"]\n',
            [(3, Severity.WARNING, "选项 十元 不符合 pattern")],
        ),
        # Chinese names are quoted in TOML; the line is still found
        (
            '["运单号"]\nlabel = "运单"\n\n["订单号"]\nfresh = 1\n',
            [(5, Severity.ERROR, "订单号：fresh 只能是")],
        ),
        # inline tables
        (
            'a = 1\norder_no = { fresh = "no" }\n',
            [(1, Severity.ERROR, "a：要写成表"), (2, Severity.ERROR, "fresh 只能是")],
        ),
    ],
)
def test_wrong_shapes_are_findings_with_lines_and_labels(
    tmp_path: Path, text: str, expected: list[tuple[int, Severity, str]]
) -> None:
    found = findings(tmp_path, text)
    assert len(found) == len(expected), found
    for (line, severity, message), (want_line, want_severity, fragment) in zip(found, expected, strict=True):
        assert (line, severity) == (want_line, want_severity), (line, message)
        assert fragment in message


def test_a_bad_key_is_dropped_and_the_rest_of_the_table_kept(tmp_path: Path) -> None:
    directory = folder(tmp_path, "d", '[tracking_no]\nlabel = "运单"\npattern = "[a-"\nfresh = "no"\n')
    specs, problems = load_placeholders([directory])
    assert len(problems) == 2
    spec = specs.spec("tracking_no")
    assert spec.label == "运单" and spec.pattern is None
    assert spec.fresh  # a wrong `fresh` falls back to the built-in default, not to reuse


def test_text_from_the_file_is_cleaned(tmp_path: Path) -> None:
    directory = folder(tmp_path, "d", '[x]\nlabel = "金\\u001b]0;额"\nchoices = ["5\\u200b元", "5元"]\n')
    specs, _problems = load_placeholders([directory])
    assert "\x1b" not in (specs.spec("x").label or "")
    assert specs.spec("x").choices == ("5元",)  # cleaned, then the duplicate dropped


def test_unreadable_files_are_findings_not_hangs(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    fifo.mkdir()
    os.mkfifo(fifo / "placeholders.toml")
    broken = folder(tmp_path, "broken", '[x\nlabel = "a"\n')
    gbk = tmp_path / "gbk"
    gbk.mkdir()
    (gbk / "placeholders.toml").write_bytes('[x]\nlabel = "快递"\n'.encode("gbk"))
    _specs, problems = load_placeholders([fifo, broken, gbk])
    messages = [problem.message for problem in problems]
    assert any("管道" in message for message in messages)
    assert any("TOML 语法错误" in message for message in messages)
    assert any("UTF-8" in message for message in messages)


def test_library_loads_specs_and_never_reads_the_file_as_a_book(tmp_path: Path, bundled) -> None:
    directory = folder(tmp_path, "d", '[order_no]\nlabel = "单号"\nfresh = 5\n')
    (directory / "a.toml").write_text(
        '[book]\nname = "书"\nstage = "in-sale"\n\n[[phrase]]\nid = "a"\ntitle = "t"\ntext = "{order_no}"\n',
        encoding="utf-8",
    )
    library = quickreply.load(directory)
    assert [book.name for book in library.books] == ["书"]
    assert [(p.file.name, p.line) for p in library.problems] == [("placeholders.toml", 3)]
    assert library.placeholders.spec("order_no").label == "单号"
    assert BUILTIN_FRESH >= {"order_no", "tracking_no", "phone"}


def test_check_usage_warns_about_a_name_no_reply_uses(tmp_path: Path) -> None:
    from quickreply.placeholders import check_usage

    directory = folder(tmp_path, "d", "[order_no]\nfresh = true\n\n[trackingno]\nfresh = true\n")
    (directory / "a.toml").write_text(
        '[book]\nname = "书"\nstage = "in-sale"\n\n[[phrase]]\nid = "a"\ntitle = "t"\ntext = "{order_no}"\n',
        encoding="utf-8",
    )
    library = quickreply.load(directory)
    (finding,) = check_usage(library.placeholders, library.phrases)
    assert (finding.line, finding.severity, finding.code) == (4, Severity.WARNING, "unused-placeholder")
    assert "trackingno" in finding.message


def test_an_array_of_tables_is_a_finding_at_its_header(tmp_path: Path) -> None:
    found = findings(tmp_path, "[x]\nfresh = 1\n\n[[tracking_no]]\nfresh = true\n")
    assert [(line, message.split("：")[0]) for line, _severity, message in found] == [
        (2, "x"),
        (4, "快递单号（tracking_no）"),
    ]
