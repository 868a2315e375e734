"""The `quickreply` command, run the way a user's scripts run it: as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from quickreply.locations import bundled_phrasebooks

BOOK = """
[book]
name = "测试"
stage = "in-sale"

[[phrase]]
id = "ship"
title = "发货时间"
text = "亲，{shop_name}每天{cutoff}前付款当天发，您的订单{ship_day}发出。"
keys = ["fh"]

[[phrase]]
id = "tracking"
title = "物流单号"
text = "亲，您的单号是{tracking_no}，快递是{courier|中通}。"
"""
SHOPS = '[[shop]]\nshop_name = "甲店"\ncutoff = "16:00"\n\n[[shop]]\nshop_name = "乙店"\ncutoff = "12:00"\n'


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quickreply", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "QUICKREPLY_NO_OSC52": "1", **(env or {})},
        timeout=60,
    )


@pytest.fixture
def books(write_book) -> Path:
    write_book("shops.toml", SHOPS)
    return write_book("a.toml", BOOK).parent


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


@pytest.mark.parametrize("command", [[], ["search"], ["render"], ["check"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0
    assert "-d" in result.stdout


def test_search_json_contract(books: Path) -> None:
    result = run("search", "fh", "-d", str(books), "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0]["id"] == "ship"
    assert {"id", "title", "stage", "book", "score"} <= set(rows[0])
    assert (rows[0]["stage"], rows[0]["book"]) == ("in-sale", "测试")


def test_search_stage_and_limit(books: Path) -> None:
    result = run("search", "", "-d", str(books), "--json", "--limit", "1")
    assert len(json.loads(result.stdout)) == 1
    assert json.loads(run("search", "fh", "-d", str(books), "--json", "--stage", "售后").stdout) == []
    bad = run("search", "fh", "-d", str(books), "--stage", "later")
    assert bad.returncode == 2 and "阶段" in bad.stderr
    assert_no_traceback(bad)


def test_search_plain_output_on_bundled_books() -> None:
    result = run("search", "发票", "-d", str(bundled_phrasebooks()))
    assert result.returncode == 0
    assert "invoice-yes" in result.stdout


def test_render_fills_shop_and_clock(books: Path) -> None:
    before = run("render", "ship", "-d", str(books), "--now", "2026-11-23T15:30")
    assert before.returncode == 0, before.stderr
    assert before.stdout == "亲，甲店每天16:00前付款当天发，您的订单今天发出。\n"
    after = run("render", "ship", "-d", str(books), "--now", "2026-11-23T15:30", "--shop", "乙店")
    assert "乙店每天12:00前付款当天发，您的订单明天发出" in after.stdout


def test_render_refuses_missing_values_and_prints_nothing(books: Path) -> None:
    result = run("render", "tracking", "-d", str(books))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "tracking_no" in result.stderr and "courier" not in result.stderr
    filled = run("render", "tracking", "-d", str(books), "--set", "tracking_no=YT123")
    assert filled.stdout.strip() == "亲，您的单号是YT123，快递是中通。"


def test_render_bad_input_is_explained(books: Path) -> None:
    for args, words in [
        (["render", "nope", "-d", str(books)], "找不到"),
        (["render", "ship", "-d", str(books), "--shop", "丙店"], "店铺"),
        (["render", "ship", "-d", str(books), "--now", "tomorrow"], "--now"),
        (["render", "ship", "-d", str(books), "--set", "novalue"], "--set"),
    ]:
        result = run(*args)
        assert result.returncode != 0
        assert words in result.stderr
        assert_no_traceback(result)


def test_check_passes_on_bundled_books() -> None:
    result = run("check", "-d", str(bundled_phrasebooks()))
    assert result.returncode == 0, result.stdout
    # Only information: the per-chat values (order number…) agents are asked for.
    assert all("[per-chat-value]" in line and "提示" in line for line in result.stdout.splitlines())


def test_check_json_contract(books: Path, write_book) -> None:
    write_book(
        "c.toml",
        BOOK.replace('"ship"', '"c1"')
        .replace('"tracking"', '"c2"')
        .replace('"fh"', '"c"')
        .replace("物流单号", "加我微信"),
    )
    result = run("check", "-d", str(books), "--format", "json")
    assert result.returncode == 1
    rows = json.loads(result.stdout)
    assert {"file", "line", "phrase", "rule", "severity", "message"} <= set(rows[0])
    contact = next(row for row in rows if row["rule"] == "off-platform-contact")
    assert (contact["phrase"], contact["severity"], contact["line"]) == ("c2", "error", 13)
    assert contact["file"].endswith("c.toml")


def test_check_reports_every_kind_of_finding(books: Path, write_book) -> None:
    write_book("broken.toml", '[book]\nname = "坏"\nstage = "pre-sale"\n[[phrase]\n')
    write_book(
        "more.toml",
        """
        [book]
        name = "更多"
        stage = "after-sale"

        [[phrase]]
        id = "ship"
        title = "重复的 id"
        text = "x"

        [[phrase]]
        id = "dup-key"
        title = "重复快捷码"
        text = "{a.b}"
        keys = ["fh"]

        [[phrase]]
        id = "old-event"
        title = "旧活动"
        text = "双十一"
        expires = 2026-11-12
        """,
    )
    result = run("check", "-d", str(books), "--now", "2026-11-23T10:00")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"{books / 'broken.toml'}:4:") and "[toml-syntax]" in line for line in lines)
    expected = {
        "more.toml:6: [duplicate-id] ship:",  # the id line
        "more.toml:14: [duplicate-key] dup-key:",  # the keys line
        "more.toml:13: [bad-placeholder] dup-key:",
        "more.toml:16: [expired] old-event:",  # the phrase header
    }
    for fragment in expected:
        assert any(fragment in line for line in lines), (fragment, lines)
    assert_no_traceback(result)


def test_broken_book_does_not_stop_other_commands(books: Path, write_book) -> None:
    write_book("broken.toml", "[book\n")
    result = run("search", "fh", "-d", str(books), "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)[0]["id"] == "ship"
    assert "broken.toml:1" in result.stderr


def test_directory_from_environment_and_repeated_dirs(books: Path, tmp_path: Path, write_book) -> None:
    other = tmp_path / "other"
    other.mkdir()
    renamed = BOOK.replace('"ship"', '"ship2"').replace('"tracking"', '"t2"').replace('"fh"', '"fh2"')
    write_book("b.toml", renamed, folder=other)
    merged = run("search", "物流", "-d", str(books), "-d", str(other), "--json")
    assert {row["id"] for row in json.loads(merged.stdout)} >= {"tracking", "t2"}
    from_env = run("search", "fh2", "--json", env={"QUICKREPLY_DIR": str(other)})
    assert json.loads(from_env.stdout)[0]["id"] == "ship2"


def test_missing_directory_and_unreadable_input_do_not_crash(tmp_path: Path) -> None:
    result = run("search", "x", "-d", str(tmp_path / "missing"))
    assert result.returncode == 0
    assert "目录不存在" in result.stderr
    assert_no_traceback(result)


def test_copy_without_a_clipboard_says_so(books: Path) -> None:
    result = run("render", "ship", "-d", str(books), "--copy", env={"DISPLAY": "", "WAYLAND_DISPLAY": ""})
    assert "亲，甲店" in result.stdout  # the reply is printed to copy by hand
    assert result.returncode in (0, 3)
    assert "剪贴板" in result.stderr
    assert_no_traceback(result)


def test_app_with_unknown_shop_says_so(books: Path) -> None:
    result = run("--shop", "丙店", "-d", str(books))
    assert result.returncode == 2
    assert "丙店" in result.stderr
    assert_no_traceback(result)


def test_restore_brings_back_the_previous_version(books: Path) -> None:
    from quickreply import store

    path = books / "a.toml"
    original = path.read_text(encoding="utf-8")
    store.save_text(path, original.replace("发货时间", "改过的标题"), expected_sha256=store.file_digest(path))
    assert "改过的标题" in path.read_text(encoding="utf-8")
    listed = run("restore", "测试", "-d", str(books), "--list")
    assert listed.returncode == 0 and listed.stdout.startswith("1\t")
    restored = run("restore", str(path))
    assert restored.returncode == 0, restored.stderr
    assert path.read_text(encoding="utf-8") == original
    assert len(store.backups(path)) == 2  # the edited version was kept too
    missing = run("restore", "没有这本书", "-d", str(books))
    assert missing.returncode == 1 and "找不到" in missing.stderr


# --- options before or after the command ------------------------------------------------------------

BROKEN = '[book]\nname = "坏书"\nstage = "pre-sale"\n\n[[phrase]]\nid = "x"\n'
MD = ["--format", "md", "-o", "-"]
# (what is run, the option that moves, what the command also gets, exit code, expected in stdout or
# stderr). "{books}" is a folder with the two shops 甲店/乙店, "{broken}" one with a broken book.
POSITION_CASES = [
    (["search", "fh", "--json"], ["-d", "{books}"], [], 0, '"ship"'),
    (["check"], ["-d", "{broken}"], [], 1, "缺少"),  # was a false pass on the bundled books
    (["render", "ship"], ["-d", "{books}"], ["--now", "2026-11-23T10:00"], 0, "甲店每天16:00前付款当天发"),
    (["render", "ship"], ["--now", "2026-11-23T17:00"], ["-d", "{books}"], 0, "您的订单明天发出"),
    (["render", "ship"], ["--shop", "乙店"], ["-d", "{books}", "--now", "2026-11-23T10:00"], 0, "乙店每天"),
    (["export", *MD], ["--shop", "乙店"], ["-d", "{books}"], 0, "乙店每天12:00"),
    (["export", "--format", "json", "-o", "-"], ["-d", "{books}"], [], 0, '"ship"'),
    (["stats", "--json"], ["--now", "tomorrow"], [], 2, "--now"),
]
UNKNOWN_SHOP_COMMANDS = [[], ["edit"], ["render", "ship"], ["export", *MD], ["check"], ["search", "fh"]]


@pytest.fixture
def folders(books: Path, write_book, tmp_path: Path) -> dict[str, str]:
    broken = tmp_path / "broken"
    broken.mkdir()
    write_book("a.toml", BROKEN, folder=broken)
    return {"books": str(books), "broken": str(broken)}


@pytest.mark.parametrize("position", ["before", "after"])
@pytest.mark.parametrize(("command", "option", "rest", "code", "expected"), POSITION_CASES)
def test_regression_options_mean_the_same_before_or_after_the_command(
    folders: dict[str, str],
    position: str,
    command: list[str],
    option: list[str],
    rest: list[str],
    code: int,
    expected: str,
) -> None:
    """`quickreply -d X check` used to check the bundled books and exit 0: the subcommand's
    defaults overwrote every option given before the command."""
    option = [part.format(**folders) for part in option]
    rest = [part.format(**folders) for part in rest]
    argv = [*option, *command, *rest] if position == "before" else [*command, *rest, *option]
    result = run(*argv)
    assert result.returncode == code, result.stderr
    assert expected in result.stdout + result.stderr
    assert_no_traceback(result)


@pytest.mark.parametrize("position", ["before", "after"])
@pytest.mark.parametrize("command", UNKNOWN_SHOP_COMMANDS, ids=lambda c: " ".join(c) or "app")
def test_regression_unknown_shop_is_an_error_anywhere(books: Path, position: str, command: list[str]) -> None:
    """`export --shop X` and the app used to differ from render (exit 1/2, shops listed or not)."""
    shop = ["--shop", "丙店"]
    argv = [*shop, *command] if position == "before" else [*command, *shop]
    result = run(*argv, "-d", str(books))
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert "找不到店铺 '丙店'" in result.stderr and "甲店、乙店" in result.stderr
    assert_no_traceback(result)


def test_regression_dirs_before_and_after_the_command_add_up(books: Path, write_book, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    write_book("b.toml", BOOK.replace('"ship"', '"ship2"').replace('"tracking"', '"tracking2"'), folder=other)
    result = run("-d", str(books), "search", "物流单号", "--json", "-d", str(other))
    assert result.returncode == 0, result.stderr
    assert {row["id"] for row in json.loads(result.stdout)} >= {"tracking", "tracking2"}


def test_edit_and_app_options_in_either_place() -> None:
    """edit starts the app, so it is checked on the parsed options rather than run."""
    from quickreply.cli import cmd_tui, parse_args

    args = parse_args([
        *["-d", "A", "--now", "2026-11-23T10:00"],
        *["edit", "-d", "B", "--shop", "乙店", "--no-history"],
    ])
    assert (args.dir, args.now, args.shop, args.no_history) == (["A", "B"], "2026-11-23T10:00", "乙店", True)
    assert args.handler is cmd_tui and args.command == "edit"
    before = parse_args(["--shop", "乙店", "--no-history", "edit"])
    assert (before.dir, before.shop, before.no_history) == (None, "乙店", True)
    app = parse_args(["--shop", "乙店"])
    assert (app.command, app.shop, app.no_history) == (None, "乙店", False)


def test_watch_before_or_after_edit_reaches_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """--watch (clipboard watch) is an app option: before the command, or after `edit`."""
    import quickreply.tui.app
    from quickreply.cli import cmd_tui, parse_args

    built: list[dict[str, object]] = []

    class NotRun:
        unknown_shop = None  # the app sets it when --shop names no shop of the loaded books

        def run(self) -> None:
            pass

    def fake_make_app(directories, **options):
        built.append(options)
        return NotRun()

    monkeypatch.setattr(quickreply.tui.app, "make_app", fake_make_app)
    for argv, expected in [
        (["--watch"], True),
        (["--watch", "edit"], True),
        (["edit", "--watch"], True),
        (["edit"], False),
        ([], False),
    ]:
        assert cmd_tui(parse_args(argv)) == 0
        assert built[-1]["clipboard_watch"] is expected, argv


def test_usage_errors_are_in_chinese() -> None:
    """argparse has no Chinese catalogue: `--limit abc` said "invalid int value" to an agent."""
    done = run("search", "--limit", "abc", "包邮")
    assert done.returncode == 2
    assert "错误" in done.stderr and "--limit" in done.stderr and "'abc'" in done.stderr
    assert "invalid" not in done.stderr and "usage" not in done.stderr
    missing = run("render")
    assert missing.returncode == 2 and "缺少参数：id" in missing.stderr
    unknown = run("bogus")
    assert unknown.returncode == 2 and "无效的选择：'bogus'" in unknown.stderr


def test_regression_render_says_when_a_reply_breaks_a_rule(write_book) -> None:
    """`render --copy` of a reply with a WeChat id copied it without a word (the app asks)."""
    folder = write_book(
        "a.toml",
        '[book]\nname = "书"\nstage = "pre-sale"\n\n'
        '[[phrase]]\nid = "v1"\ntitle = "加好友"\ntext = "加我微信 qinghe666 给您发图"\n\n'
        '[[phrase]]\nid = "ok"\ntitle = "问候"\ntext = "亲，在的，请问有什么可以帮您？"\n',
    ).parent
    flagged = run("render", "v1", "-d", str(folder))
    assert flagged.returncode == 0 and "qinghe666" in flagged.stdout
    assert "注意：v1 可能违规" in flagged.stderr
    clean = run("render", "ok", "-d", str(folder))
    assert clean.returncode == 0 and "违规" not in clean.stderr


def test_regression_xlsx_is_not_written_to_a_terminal() -> None:
    """`export -o - --format xlsx` in a terminal filled the screen with the zip's bytes."""
    import pty

    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "quickreply", "export", "-o", "-", "--format", "xlsx"],
            stdout=follower,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2 and "不能输出到终端" in done.stderr
    piped = subprocess.run(
        [sys.executable, "-m", "quickreply", "export", "-o", "-", "--format", "xlsx"],
        capture_output=True,
        timeout=60,
    )
    assert piped.returncode == 0 and piped.stdout.startswith(b"PK")  # a pipe or file still gets it
