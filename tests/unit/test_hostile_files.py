"""No file can stop, hang or freeze the app (issue 9): a FIFO, /dev/zero, a huge or deeply
nested file, a wrong shape in any TOML file or an unreadable folder is a finding for that
file or folder alone, and every other book loads.

Tests whose old behaviour was to hang run the code in a subprocess with a timeout, so a
regression fails the test instead of stopping the suite."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import quickreply
from quickreply import books
from quickreply.rules import load_rules

GOOD = """
[book]
name = "好书"
stage = "售前"

[[phrase]]
id = "ship-time"
title = "什么时候发货"
text = "亲，下午四点前付款当天发货"
"""
HANG_GUARD = 60  # seconds; only reached when the code under test hangs again
MESSAGE = "亲我想问一下你们什么时候发货呀"
"""A pasted buyer message: long enough for the search to look for synonym concepts."""


@pytest.fixture
def good(tmp_path: Path) -> Path:
    folder = tmp_path / "good"
    folder.mkdir()
    (folder / "a.toml").write_text(GOOD, encoding="utf-8")
    return folder


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    folder = tmp_path / "bad"
    folder.mkdir()
    return folder


def check(*folders: Path, prefix: list[str] | None = None) -> tuple[int, list[dict[str, object]], str]:
    """`quickreply -d … check --format json` in a subprocess: (exit code, findings, stderr)."""
    arguments = [arg for folder in folders for arg in ("-d", str(folder))]
    command = [*(prefix or []), sys.executable, "-m", "quickreply", *arguments, "check", "--format", "json"]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=HANG_GUARD, cwd=Path(__file__).parents[2]
    )
    rows = json.loads(done.stdout) if done.stdout.strip() else []
    return done.returncode, rows, done.stderr


def about(rows: list[dict[str, object]], name: str) -> list[str]:
    return [str(row["message"]) for row in rows if Path(str(row["file"])).name == name]


def loaded_ids(library: quickreply.Library) -> list[str]:
    return [phrase.id for phrase in library.phrases]


# --- files that are not files --------------------------------------------------------------------


def test_regression_fifo_book_is_skipped_not_read(good: Path, bad: Path) -> None:
    """A FIFO named x.toml blocked `check` and the app forever in read()."""
    os.mkfifo(bad / "x.toml")
    os.mkfifo(bad / "shops.toml")  # reserved names too: reported, not passed over
    code, rows, stderr = check(good, bad)
    assert code == 1, stderr
    assert about(rows, "x.toml") == ["这是管道（FIFO），不是普通文件，已跳过"]
    assert about(rows, "shops.toml") == ["这是管道（FIFO），不是普通文件，已跳过"]
    assert "检查了 1 本书、1 条回复" in stderr


def test_regression_symlink_to_dev_zero_is_skipped(good: Path, bad: Path) -> None:
    """A symlink to /dev/zero read without end, the memory growing."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    (bad / "z.toml").symlink_to("/dev/zero")
    code, rows, stderr = check(good, bad)
    assert code == 1, stderr
    assert about(rows, "z.toml") == ["这是设备文件，不是普通文件，已跳过"]
    assert "1 条回复" in stderr


def test_regression_huge_file_is_skipped_naming_the_limit(good: Path, bad: Path) -> None:
    with open(bad / "big.toml", "wb") as file:
        file.truncate(books.MAX_FILE_BYTES + 1)  # sparse: costs no disk
    library = quickreply.load(good, bad)
    assert loaded_ids(library) == ["ship-time"]
    assert [(p.file.name, p.message) for p in library.problems] == [
        ("big.toml", "文件太大（超过 20 MB），不像短语书，已跳过")
    ]


def test_regression_folder_named_like_a_book_is_a_finding(good: Path, bad: Path) -> None:
    (bad / "d.toml").mkdir()
    library = quickreply.load(good, bad)
    assert loaded_ids(library) == ["ship-time"]
    found = [(p.file.name, p.message) for p in library.problems]
    assert found == [("d.toml", "这是文件夹，不是普通文件，已跳过")]


def test_regression_broken_link_is_said_in_chinese(good: Path, bad: Path) -> None:
    (bad / "gone.toml").symlink_to(bad / "nowhere.toml")
    library = quickreply.load(good, bad)
    assert [p.message for p in library.problems] == ["无法读取文件：文件不存在（或是指向不存在文件的链接）"]


def test_a_regular_file_reached_through_a_symlink_is_read(good: Path, bad: Path) -> None:
    (bad / "link.toml").symlink_to(good / "a.toml")
    assert books.read_book(bad / "link.toml")[0] is not None


# --- shapes and nesting --------------------------------------------------------------------------


DEEP = "x = " + "[" * 5000 + "]" * 5000 + "\n"


@pytest.mark.parametrize("name", ["deep.toml", "shops.toml", "synonyms.toml", "rules.toml"])
def test_regression_deep_nesting_is_a_finding_for_that_file(good: Path, bad: Path, name: str) -> None:
    """5000 nested arrays: tomllib's RecursionError stopped the whole load."""
    (bad / name).write_text(DEEP, encoding="utf-8")
    library = quickreply.load(good, bad)
    rules, rule_problems = load_rules([good, bad])
    assert loaded_ids(library) == ["ship-time"]
    found = [(p.file.name, p.message) for p in [*library.problems, *rule_problems]]
    assert found == [(name, "TOML 嵌套太深，无法读取")]
    assert rules  # the bundled rules still load


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("shops.toml", "shop = [1]\n", "[[shop]] 必须是表"),
        ("shops.toml", "shop = 5\n", "shop 必须写成 [[shop]] 表数组"),
        ("synonyms.toml", "group = 5\n", 'group 必须写成 [[group]] 表数组，每组 words = ["词1", "词2"]'),
        ("synonyms.toml", "group = [1]\n", '[[group]] 需要 words = ["词1", "词2"]'),
        ("synonyms.toml", "stopwords = 5\n", "stopwords 必须写成 [stopwords] 表"),
        ("synonyms.toml", "[stopwords]\nwords = 5\n", '[stopwords] 需要 chars = "..." 和 words = [...]'),
        ("rules.toml", "rule = 5\n", "rule 必须写成 [[rule]] 表数组"),
        ("rules.toml", "rule = [1]\n", "[[rule]] 必须是表"),
        ("rules.toml", "rule = {id = 'x'}\n", "rule 必须写成 [[rule]] 表数组"),
    ],
)
def test_regression_wrong_shape_is_a_finding_for_that_file(
    good: Path, bad: Path, name: str, text: str, message: str
) -> None:
    """shop = [1] raised AttributeError, group = 5 and rule = 5 TypeError: every book was lost."""
    (bad / name).write_text(text, encoding="utf-8")
    library = quickreply.load(good, bad)
    _rules, rule_problems = load_rules([good, bad])
    assert loaded_ids(library) == ["ship-time"]
    assert [(p.file.name, p.message) for p in [*library.problems, *rule_problems]] == [(name, message)]


def test_regression_wrong_shapes_in_check_exit_1_not_traceback(good: Path, bad: Path) -> None:
    (bad / "shops.toml").write_text("shop = [1]\n", encoding="utf-8")
    (bad / "synonyms.toml").write_text("group = 5\n", encoding="utf-8")
    (bad / "rules.toml").write_text("rule = 5\n", encoding="utf-8")
    code, rows, stderr = check(good, bad)
    assert code == 1 and "Traceback" not in stderr
    assert {Path(str(row["file"])).name for row in rows if row["severity"] == "error"} == {
        "shops.toml",
        "synonyms.toml",
        "rules.toml",
    }


# --- folders -------------------------------------------------------------------------------------


def _without_read_permission() -> list[str] | None:
    """A command prefix under which chmod 000 keeps us out: none needed for a normal user;
    root ignores permissions unless setpriv drops the capabilities that let it."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}"]


def test_regression_unreadable_folder_is_one_finding_and_others_load(good: Path, bad: Path) -> None:
    """An unreadable -d folder aborted every command (the app exited), though the other
    folder was fine."""
    prefix = _without_read_permission()
    if prefix is None:
        pytest.skip("running as root without setpriv: cannot make a folder unreadable")
    (bad / "b.toml").write_text(GOOD.replace("ship-time", "other"), encoding="utf-8")
    bad.chmod(0)
    try:
        code, rows, stderr = check(good, bad, prefix=prefix)
    finally:
        bad.chmod(0o755)
    if "Operation not permitted" in stderr and not rows:
        pytest.skip("setpriv may not drop capabilities in this container")
    assert code == 1 and "Traceback" not in stderr, stderr
    assert [(row["file"], row["message"]) for row in rows if row["severity"] == "error"] == [
        (str(bad), "无法读取文件夹：没有读取权限；其中的短语书都未载入")
    ]
    assert "检查了 1 本书、1 条回复" in stderr


def test_regression_unlistable_folder_in_process(
    good: Path, bad: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same without permissions: listing the folder fails, the loader says so once."""
    real_scandir = os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)) == bad:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(books.os, "scandir", scandir)
    library = quickreply.load(good, bad)
    assert loaded_ids(library) == ["ship-time"]
    assert [(p.file, p.message) for p in library.problems] == [
        (bad, "无法读取文件夹：没有读取权限；其中的短语书都未载入")
    ]


def test_a_file_given_as_folder_is_a_finding(good: Path, tmp_path: Path) -> None:
    library = quickreply.load(good, good / "a.toml")
    assert [p.message for p in library.problems] == ["不是文件夹（-d 要给短语书所在的文件夹）"]
    assert loaded_ids(library) == ["ship-time"]


# --- words that clean to nothing -----------------------------------------------------------------


def _search_in_subprocess(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG_GUARD,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_regression_zero_width_synonym_does_not_freeze_search(good: Path, bad: Path) -> None:
    """A zero-width word in synonyms.toml passed `strip()`, cleaned to "", and the search
    looped on find("") forever (100 % CPU, Ctrl+Q ignored)."""
    (bad / "synonyms.toml").write_text(
        '[[group]]\nwords = ["\\u200b", "发货", "寄出"]\n'
        '[stopwords]\nwords = ["\\u200b\\u200c"]\nchars = "\\u200b的"\n',
        encoding="utf-8",
    )
    code = (
        "import quickreply\n"
        f"library = quickreply.load({str(good)!r}, {str(bad)!r})\n"
        f"print([hit.phrase.id for hit in library.search({MESSAGE!r})])\n"
        "print('' in library.index.stopwords, any('' in group for group in library.index.synonym_groups))\n"
    )
    assert _search_in_subprocess(code).splitlines() == ["['ship-time']", "False False"]


def test_regression_clean_words_filters_after_cleaning() -> None:
    assert books.clean_words(["\u200b", " 发货 ", "\u200b\ufeff", "发\u200b货", "寄出"]) == ["发货", "寄出"]


def test_regression_index_drops_empty_synonyms_from_any_caller(good: Path) -> None:
    """The index does not trust its caller either: an empty word never reaches find()."""
    code = (
        "import quickreply\n"
        "from quickreply.search import SearchIndex\n"
        f"library = quickreply.load({str(good)!r})\n"
        "index = SearchIndex(library.phrases, [('', '发货'), ('',)], ['', '的'])\n"
        f"print([hit.phrase.id for hit in index.search({MESSAGE!r}, limit=5)])\n"
    )
    assert _search_in_subprocess(code).strip() == "['ship-time']"


def test_regression_zero_width_rule_word_is_cleaned(bad: Path) -> None:
    """A rule word is cleaned like the replies: 微<ZWSP>信 finds 微信; a word that cleans to
    nothing is dropped (find("") would fire on every reply)."""
    (bad / "rules.toml").write_text(
        '[[rule]]\nid = "team"\nwords = ["微\\u200b信", "\\u200b"]\nmessage = "m"\n'
        '[[rule]]\nid = "empty"\nwords = ["\\u200b"]\nmessage = "m"\n',
        encoding="utf-8",
    )
    rules, problems = load_rules([bad])
    (team,) = [rule for rule in rules if rule.id == "team"]
    assert team.words == ("微信",)
    assert [(p.line, p.message) for p in problems] == [(5, "规则 empty：需要 words 或 pattern")]
