"""``starts`` and the cutoff warning as a user meets them on the command line: ``check``
warnings with file and line, ``search`` and ``render`` with ``--now`` before ``starts``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_cli import assert_no_traceback, run

BOOK = """
[book]
name = "预售"
stage = "售前"

[[phrase]]
id = "presale-open"
title = "预售开始"
text = "亲，{shop_name}双十二预售已经开始啦，付定金就能锁定优惠"
keys = ["ys"]
starts = 2026-12-01
expires = 2026-12-12

[[phrase]]
id = "never-shown"
title = "预售尾款"
text = "亲，预售尾款记得按时支付哦"
starts = 2026-12-20
expires = 2026-12-12

[[phrase]]
id = "hard-cutoff"
title = "发货时间"
text = \"\"\"亲，您好
下午4点前付款当天发哦\"\"\"
"""
SHOPS = '[[shop]]\nshop_name = "海鲜旗舰店"\ncutoff = "14:00"\n'


@pytest.fixture
def books(write_book) -> Path:
    write_book("shops.toml", SHOPS)
    return write_book("a.toml", BOOK).parent


def test_check_warns_with_file_and_line(books: Path) -> None:
    result = run("check", "-d", str(books), "--now", "2026-11-23T10:00")
    assert_no_traceback(result)
    assert result.returncode == 0, result.stdout  # warnings only
    lines = result.stdout.splitlines()
    path = books / "a.toml"
    starts_line = next(line for line in lines if "[starts-after-expires]" in line)
    assert starts_line.startswith(f"{path}:17: [starts-after-expires] never-shown: 警告：")
    assert "2026-12-20" in starts_line and "2026-12-12" in starts_line
    cutoff_line = next(line for line in lines if "[cutoff-mismatch]" in line)
    assert cutoff_line.startswith(f"{path}:24: [cutoff-mismatch] hard-cutoff: 警告：")
    assert "「下午4点」" in cutoff_line and "「海鲜旗舰店」的截止时间是 14:00" in cutoff_line
    rows = json.loads(run("check", "-d", str(books), "--format", "json").stdout)
    assert {(row["rule"], row["line"], row["severity"]) for row in rows} >= {
        ("starts-after-expires", 17, "warning"),
        ("cutoff-mismatch", 24, "warning"),
    }


def test_a_cutoff_the_shop_has_is_not_warned(books: Path) -> None:
    (books / "shops.toml").write_text(SHOPS.replace("14:00", "16:00"), encoding="utf-8")
    result = run("check", "-d", str(books), "--now", "2026-11-23T10:00")
    assert "[cutoff-mismatch]" not in result.stdout


@pytest.mark.parametrize(
    ("now", "found"),
    [("2026-11-30T23:59", False), ("2026-12-01T00:00", True), ("2026-12-13T09:00", False)],
)
def test_search_hides_a_reply_before_starts(books: Path, now: str, found: bool) -> None:
    result = run("search", "预售", "-d", str(books), "--now", now, "--json")
    assert result.returncode == 0, result.stderr
    assert ("presale-open" in {row["id"] for row in json.loads(result.stdout)}) is found
    by_code = run("search", "ys", "-d", str(books), "--now", now, "--json")
    assert ("presale-open" in {row["id"] for row in json.loads(by_code.stdout)}) is found


def test_render_before_starts_prints_the_reply_and_says_it_is_hidden(books: Path) -> None:
    result = run("render", "presale-open", "-d", str(books), "--now", "2026-11-23T10:00")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("亲，海鲜旗舰店双十二预售")
    assert "2026-12-01 起才显示" in result.stderr
    inside = run("render", "presale-open", "-d", str(books), "--now", "2026-12-05T10:00")
    assert inside.returncode == 0 and "显示" not in inside.stderr
    after = run("render", "presale-open", "-d", str(books), "--now", "2026-12-13T10:00")
    assert "已于 2026-12-12 过期" in after.stderr


def test_csv_export_and_import_keep_starts(books: Path, tmp_path: Path) -> None:
    exported = tmp_path / "out.csv"
    assert run("export", "-d", str(books), "-o", str(exported)).returncode == 0
    header = exported.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.endswith(",expires,starts")
    target = tmp_path / "target"
    target.mkdir()
    assert run("import", str(exported), "-d", str(target)).returncode == 0
    result = run("search", "预售", "-d", str(target), "--now", "2026-11-30T10:00", "--json")
    assert "presale-open" not in {row["id"] for row in json.loads(result.stdout)}
    result = run("search", "预售", "-d", str(target), "--now", "2026-12-01T10:00", "--json")
    assert "presale-open" in {row["id"] for row in json.loads(result.stdout)}
