"""The shipping calendar through the command line: `render --now`, `check`, frozen exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..unit.test_calendar import SEAFOOD_SHOP
from .test_cli import assert_no_traceback, run

BOOK = """
[book]
name = "发货"
stage = "in-sale"

[[phrase]]
id = "ship"
title = "什么时候发"
text = "亲，您的订单{ship_day}发出（{ship_date}），预计{ship_date+3}前送达。今天是{today}，三天后{today+3}。"
keys = ["fh"]
"""
SHOPS = SEAFOOD_SHOP + """
[[shop]]
shop_name = "老店"
cutoff = "16:00"
"""


@pytest.fixture
def books(write_book) -> Path:
    write_book("shops.toml", SHOPS)
    return write_book("a.toml", BOOK).parent


@pytest.mark.parametrize(
    ("now", "shop", "expected"),
    [
        # Monday before the cutoff
        ("2026-11-23T13:00", "海鲜旗舰店", "订单今天发出（11月23日），预计11月26日前送达。今天是11月23日"),
        # Saturday after its own 12:00 cutoff; Sunday does not ship
        ("2026-11-28T12:30", "海鲜旗舰店", "订单后天发出（11月30日），预计12月3日前送达"),
        # Sunday
        ("2026-11-29T08:00", "海鲜旗舰店", "订单明天发出（11月30日）"),
        # inside 春节停发, over a weekend
        ("2027-02-06T10:00", "海鲜旗舰店", "订单周六（2月13日）发出（2月13日），预计2月16日前送达"),
        # year boundary, the old single-cutoff shop
        ("2026-12-31T17:00", "老店", "订单明天发出（1月1日），预计1月4日前送达。今天是12月31日，三天后1月3"),
    ],
)
def test_render_follows_the_calendar(books: Path, now: str, shop: str, expected: str) -> None:
    result = run("render", "ship", "-d", str(books), "--now", now, "--shop", shop)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


def test_check_reports_each_bad_calendar_with_file_and_line(write_book) -> None:
    write_book("a.toml", BOOK.replace("{today+3}", "{order_no+3}"))
    shops = write_book(
        "shops.toml",
        """
        [[shop]]
        shop_name = "坏日历"
        cutoff = "14:00"
        cutoffs = { saturday = "12:00", fri = "1400" }
        no_ship_days = ["sun"]
        closed = [
          { from = 2027-02-12, to = 2027-02-03, reason = "春节停发" },
          { from = 2027-01-01, to = 2027-01-10 },
          { from = 2027-01-05, to = 2027-01-06 },
        ]
        """,
    )
    result = run("check", "-d", str(shops.parent))
    assert_no_traceback(result)
    assert result.returncode != 0
    out = result.stdout + result.stderr
    for expected in (
        "shops.toml:4: [bad-weekday]",
        "shops.toml:4: [bad-cutoff]",
        "shops.toml:7: [reversed-range]",
        "shops.toml:9: [overlapping-range]",
        "a.toml:8: [bad-placeholder] ship: 错误：只有日期占位符",
    ):
        assert expected in out, expected


def test_handbook_and_sogou_say_when_dates_were_computed(books: Path) -> None:
    md = run("export", "-d", str(books), "-o", "-", "--format", "md", "--now", "2026-11-28T12:30")
    assert md.returncode == 0, md.stderr
    assert "日期按 2026-11-28 12:30 计算" in md.stdout and "日期按 2026-11-28 12:30 计算" in md.stderr
    assert "订单后天发出（11月30日）" in md.stdout
    sogou = run("export", "-d", str(books), "-o", "-", "--format", "sogou", "--now", "2027-02-06T10:00")
    lines = sogou.stdout.splitlines()
    assert lines[1].startswith("; 日期按 2027-02-06 10:00 计算")
    assert any(line.startswith("fh,1=亲，您的订单周六（2月13日）发出") for line in lines)
    html = run("export", "-d", str(books), "-o", "-", "--format", "html", "--now", "2026-11-23T09:00")
    assert '<p class="frozen">日期按 2026-11-23 09:00 计算' in html.stdout
    # toml keeps the placeholders live: nothing is frozen, so nothing is said
    bundle = run("export", "-d", str(books), "-o", "-", "--format", "toml", "--now", "2026-11-23T09:00")
    assert "{ship_date+3}" in bundle.stdout and "日期按" not in bundle.stdout + bundle.stderr


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_a_bundle_carries_the_calendar(books: Path, tmp_path: Path, fmt: str) -> None:
    """Exported and imported into an empty folder, a shop keeps its cutoffs, days and ranges."""
    bundle = tmp_path / f"b.{fmt}"
    assert run("export", "-d", str(books), "-o", str(bundle)).returncode == 0
    target = tmp_path / "new"
    target.mkdir()
    result = run("import", str(bundle), "-d", str(target))
    assert result.returncode == 0, result.stderr
    rendered = run("render", "ship", "-d", str(target), "--now", "2027-02-06T10:00", "--shop", "海鲜旗舰店")
    assert "订单周六（2月13日）发出" in rendered.stdout, rendered.stderr
    saturday = run("render", "ship", "-d", str(target), "--now", "2026-11-28T12:30", "--shop", "海鲜旗舰店")
    assert "订单后天发出（11月30日）" in saturday.stdout


def test_regression_cutoff_value_is_todays_cutoff(write_book) -> None:
    """{cutoff} was always the default 14:00: on a Saturday (cutoff 12:00) a reply said
    每天14:00前付款当天发 beside a computed 明天."""
    write_book("shops.toml", SHOPS)
    folder = write_book(
        "a.toml", '[book]\nname = "书"\nstage = "pre-sale"\n\n[[phrase]]\nid = "c"\ntitle = "截单"\n'
        'text = "{cutoff}前付款，{ship_day}发"\n',
    ).parent
    saturday = run("render", "c", "-d", str(folder), "--now", "2026-11-28T13:00")
    assert saturday.stdout.strip() == "12:00前付款，后天发", saturday.stderr  # Sunday ships not
    friday = run("render", "c", "-d", str(folder), "--now", "2026-11-27T13:00")
    assert friday.stdout.strip() == "14:00前付款，今天发", friday.stderr


def test_regression_frozen_exports_leave_out_replies_outside_their_window(write_book, tmp_path: Path) -> None:
    """A 预售 reply with starts = 2026-12-10 went into the sogou file exported on 11-28, usable
    before 预售 opened; an expired one too. Sharing formats (csv, toml…) keep both."""
    write_book("shops.toml", SHOPS)
    folder = write_book(
        "a.toml",
        '[book]\nname = "书"\nstage = "pre-sale"\n\n'
        '[[phrase]]\nid = "presale"\ntitle = "预售"\ntext = "预售开始啦"\nkeys = ["ys"]\n'
        "starts = 2026-12-10\n\n"
        '[[phrase]]\nid = "old"\ntitle = "双十一"\ntext = "双十一活动"\nkeys = ["ss"]\n'
        "expires = 2026-11-12\n\n"
        '[[phrase]]\nid = "now"\ntitle = "问候"\ntext = "在的亲"\nkeys = ["zd"]\n',
    ).parent
    for fmt in ("sogou", "md", "html"):
        done = run("export", "-d", str(folder), "--format", fmt, "-o", "-", "--now", "2026-11-28T10:00")
        assert done.returncode == 0, done.stderr
        assert "在的亲" in done.stdout and "预售开始啦" not in done.stdout and "双十一活动" not in done.stdout
        assert "未导出：presale（2026-12-10 至 … 可用" in done.stderr
        assert "未导出：old（… 至 2026-11-12 可用" in done.stderr
    later = run("export", "-d", str(folder), "--format", "sogou", "-o", "-", "--now", "2026-12-10T10:00")
    assert "预售开始啦" in later.stdout
    sheet = run("export", "-d", str(folder), "--format", "csv", "-o", "-", "--now", "2026-11-28T10:00")
    assert "预售开始啦" in sheet.stdout and "双十一活动" in sheet.stdout
