"""The output boundary: what reaches a terminal, a clipboard or an export shows control, format and
bidi characters as escapes (``\\x1b``, ``\\u202e``) and never carries them."""

from __future__ import annotations

import io
import json
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import tomli_w

from quickreply.books import parse_shops
from quickreply.exchange.export import _xlsx, export
from quickreply.model import Phrase, Problem, Severity, Shop, Stage
from quickreply.rules import Rule, check_phrase
from quickreply.sanitize import (
    VisibleWriter,
    escape_in_quoted,
    json_text,
    visible,
    visible_output,
)
from quickreply.stats import Stats, report
from tests.hostile import BIDI, FORBIDDEN, OSC52, PAYLOAD, leaks


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (OSC52, "\\x1b]52;c;cm0gLXJmIH4=\\x07"),  # would set the clipboard
        ("\x9b31m红", "\\x9b31m红"),  # 8-bit CSI (C1 control)
        ("a\u202eb", "a\\u202eb"),  # bidi override
        ("\u2066x\u2069", "\\u2066x\\u2069"),  # bidi isolates
        ("发\u200b货", "发\\u200b货"),  # zero-width space
        ("\ufeff开头", "\\ufeff开头"),  # BOM
        ("a\x7fb\x00", "a\\x7fb\\x00"),  # DEL, NUL
        ("x\ry", "x\\x0dy"),  # CR would overwrite the line
        ("行\u2028分隔", "行\\u2028分隔"),  # line separator
        ("私\ue000用", "私\\ue000用"),  # private use
        ("坏\udcff名", "坏\\udcff名"),  # a non-UTF-8 file name (surrogateescape): no UnicodeEncodeError
        ("\U000f0001", "\\U000f0001"),
    ],
)
def test_visible_shows_escapes_and_never_emits_them(raw: str, shown: str) -> None:
    assert visible(raw) == shown


@pytest.mark.parametrize(
    "kept",
    [
        "亲，您好！满100减20[/活动]",  # markup-looking text is data
        "亲\u3000您好 a\u00a0b",  # ideographic and no-break spaces
        "👨\u200d👩\u200d👧 家庭",  # a zero-width joiner between pictographs holds one emoji
        "C:\\路径\\文件.toml",  # backslashes stay as they are
    ],
)
def test_visible_leaves_ordinary_text_alone(kept: str) -> None:
    assert visible(kept) == kept


def test_visible_keeps_newlines_and_tabs_only_where_allowed() -> None:
    assert visible("一\n二\t三") == "一\\x0a二\\x09三"  # one line: a newline cannot forge a line
    assert visible("一\n二\t三\x1b", newlines=True) == "一\n二\t三\\x1b"


def test_visible_shows_a_joiner_hidden_inside_a_word() -> None:
    assert visible("发\u200d货") == "发\\u200d货"


@pytest.mark.parametrize("value", [PAYLOAD, "\x00\x7f\x85\u2028\ue000\U000f0001 中文 👩\u200d💻", "\udcff"])
def test_json_text_round_trips_and_holds_no_raw_controls(value: str) -> None:
    text = json_text({"键" + value: [value]})
    assert not leaks(text)
    assert all(char.isprintable() or char in "\n " for char in text)
    assert json.loads(text) == {"键" + value: [value]}


def test_toml_escapes_round_trip() -> None:
    data = {"shop": [{"shop_name": "店" + PAYLOAD, PAYLOAD: "多行\n" + PAYLOAD + "\U000f0001"}]}
    text = escape_in_quoted(tomli_w.dumps(data, multiline_strings=True), toml=True)
    assert not leaks(text)
    assert tomllib.loads(text) == data


def test_visible_writer_routes_every_write() -> None:
    out = io.StringIO()
    writer = VisibleWriter(out)
    print("文件", PAYLOAD, file=writer)  # type: ignore[arg-type]
    writer.writelines(["\x1b[2J\n"])
    assert not leaks(out.getvalue())
    assert out.getvalue().endswith("\\x1b[2J\n")


def test_visible_output_swaps_and_restores_the_streams(capsys: pytest.CaptureFixture[str]) -> None:
    before = sys.stdout, sys.stderr
    with visible_output():
        print(OSC52)
        print(BIDI, file=sys.stderr)
    assert (sys.stdout, sys.stderr) == before
    captured = capsys.readouterr()
    assert captured.out == "\\x1b]52;c;cm0gLXJmIH4=\\x07\n"
    assert captured.err == "\\u202e\n"


def test_regression_problem_format_shows_escapes_of_file_names() -> None:
    """A book's file name went into `check`, F2 and every stderr warning as it was."""
    problem = Problem(Path(f"/books/{PAYLOAD}.toml"), 3, "坏了", column=2)
    line = problem.format()
    assert not leaks(line)
    assert line.startswith("/books/\\x1b]52;c;cm0gLXJmIH4=\\x07\\x1b]0;pwned\\x07\\x9b31m\\u202e")
    assert "\n" not in Problem(Path("a\nb.toml"), 1, "x").format()  # no forged second line


def test_regression_problem_message_is_visible_everywhere_it_is_shown() -> None:
    """The editor's findings, the preview and the copy guard show `message` without format()."""
    problem = Problem(Path("a.toml"), 1, PAYLOAD, code="rule" + OSC52, phrase="p" + BIDI)
    for text in (problem.message, problem.code, problem.phrase or ""):
        assert not leaks(text)
    assert problem.message.endswith("[@click=app.quit]x[/]")


def test_regression_rule_message_from_rules_toml_is_shown_escaped() -> None:
    """A team's rules.toml `message` reached `check` and the editor's findings as it was."""
    rule = Rule("hostile" + OSC52, Severity.WARNING, PAYLOAD, words=("您好",))
    phrase = Phrase("hello", "问候", "亲，您好", Stage.PRE_SALE, "书", source=Path("a.toml"), line=1)
    findings = check_phrase(phrase, [rule])
    assert findings, "the rule should match"
    for finding in findings:
        assert not leaks(finding.message) and not leaks(finding.code) and not leaks(finding.format())


def test_regression_shop_key_names_in_messages_are_visible() -> None:
    """`店铺字段 {key} 必须是…` quoted a shops.toml key name as it was."""
    key = json.dumps(PAYLOAD)  # a TOML basic string with \u escapes
    shops, problems = parse_shops(
        Path(f"{PAYLOAD}.toml"), f'[[shop]]\nshop_name = "店"\n{key} = [1]\n'.encode()
    )
    assert [shop.name for shop in shops] == ["店"]
    assert problems
    for problem in problems:
        assert not leaks(problem.format()) and not leaks(problem.message)


def test_regression_stats_report_shows_stored_queries_escaped() -> None:
    """Stored queries (pasted from buyers, merged from other agents) were printed as they were."""
    stats = Stats(
        copies=1,
        top=[(PAYLOAD, "（已删除）", 1)],
        never_used=[("id", "标题" + OSC52)],
        no_copy_queries=[(PAYLOAD, 2)],
        by_stage={PAYLOAD: 1},
        by_hour={9: 1},
    )
    text = report(stats)
    assert not leaks(text)
    assert "[@click=app.quit]x[/]" in text


def test_regression_xlsx_export_with_control_characters() -> None:
    """openpyxl refused the cell (IllegalCharacterError) and the export failed."""
    row = {
        "分组": PAYLOAD,
        "快捷编码": "hi",
        "快捷短语": "第一行\n" + PAYLOAD,
        "id": "hello",
        "title": "问候\x00\x0b",
        "stage": "pre-sale",
        "tags": "",
        "variants": "",
        "note": "",
        "expires": "",
        "starts": "",
    }
    data = _xlsx([row])
    with zipfile.ZipFile(io.BytesIO(data)) as workbook:
        for name in workbook.namelist():
            assert not leaks(workbook.read(name).decode("utf-8")), name


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_regression_bundle_exports_escape_shop_key_names(fmt: str) -> None:
    """shops.toml key names are not cleaned at load and went raw into toml/json bundles; now
    they are escaped in the format's own way, so the bundle still reads back the same."""
    shop = Shop("店", {"shop_name": "店", PAYLOAD: "v" + BIDI})
    data = export([], [], [shop], fmt).data.decode("utf-8")
    assert not leaks(data)
    loaded = tomllib.loads(data) if fmt == "toml" else json.loads(data)
    assert loaded["shop"] == [{"shop_name": "店", PAYLOAD: "v" + BIDI}]


def test_forbidden_characters_are_what_the_tests_look_for() -> None:
    assert set(FORBIDDEN) <= set(PAYLOAD)
