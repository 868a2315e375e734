"""`quickreply check` on placeholders.toml: every wrong shape with its file, line and label."""

from __future__ import annotations

import json
from pathlib import Path

from .test_cli import BOOK, assert_no_traceback, run

BAD = """\
[tracking_no]
fersh = true
pattern = "[A-Z"

[compensation]
choices = []

[order_no]
fresh = "yes"

[trakcing_no]
label = "快递单号"
"""


def test_check_reports_a_bad_placeholders_file_with_lines_and_labels(write_book) -> None:
    directory = write_book("a.toml", BOOK).parent
    write_book("placeholders.toml", BAD)
    result = run("check", "-d", str(directory))
    assert_no_traceback(result)
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "placeholders.toml" in line]
    expected = [
        ("placeholders.toml:2:", "快递单号（tracking_no）：未知的字段 'fersh'"),
        ("placeholders.toml:3:", "快递单号（tracking_no）：正则表达式有误"),
        ("placeholders.toml:5:", "补偿内容（compensation）：没有回复用到这个占位符"),
        ("placeholders.toml:6:", "补偿内容（compensation）：choices 是空的"),
        ("placeholders.toml:8:", "订单号（order_no）：没有回复用到"),
        ("placeholders.toml:9:", "订单号（order_no）：fresh 只能是 true 或 false"),
        ("placeholders.toml:11:", "快递单号（trakcing_no）：没有回复用到这个占位符（名称写错了？）"),
    ]
    assert len(lines) == len(expected), result.stdout
    for line, (where, what) in zip(lines, expected, strict=True):
        assert where in line and what in line, line


def test_check_json_and_a_clean_file(write_book) -> None:
    directory = write_book("a.toml", BOOK).parent
    write_book("placeholders.toml", '[tracking_no]\nlabel = "运单号"\npattern = "^[A-Z0-9]{8,20}$"\n')
    result = run("check", "-d", str(directory), "--format", "json")
    assert_no_traceback(result)
    rows = json.loads(result.stdout)
    assert not [row for row in rows if Path(row["file"]).name == "placeholders.toml"]


def test_check_on_a_placeholders_file_that_is_not_toml(write_book) -> None:
    directory = write_book("a.toml", BOOK).parent
    write_book("placeholders.toml", b"\xb6\xa9\xb5\xa5 = 1\n")  # GBK
    result = run("check", "-d", str(directory))
    assert_no_traceback(result)
    assert result.returncode == 1
    assert "placeholders.toml:1:" in result.stdout and "UTF-8" in result.stdout


def test_render_refuses_a_set_value_that_fails_its_pattern(write_book) -> None:
    """`render --set` meets the same pattern as the form, said with the label."""
    directory = write_book("a.toml", BOOK).parent
    write_book("placeholders.toml", '[tracking_no]\nlabel = "运单号"\npattern = "[A-Z0-9]{8,20}"\n')
    refused = run("render", "tracking", "-d", str(directory), "--set", "tracking_no=YT1")
    assert_no_traceback(refused)
    assert refused.returncode == 1 and refused.stdout == ""
    assert "运单号（tracking_no）：运单号的格式不对" in refused.stderr
    missing = run("render", "tracking", "-d", str(directory))
    assert "缺少取值：运单号（tracking_no）" in missing.stderr
    done = run("render", "tracking", "-d", str(directory), "--set", "tracking_no=YT12345678")
    assert done.returncode == 0 and "YT12345678" in done.stdout
