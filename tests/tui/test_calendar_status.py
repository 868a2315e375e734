"""The status line tells an agent when today's orders ship, and changes when the cutoff passes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from quickreply.model import Shop
from quickreply.tui.app import CLOCK_INTERVAL, make_app
from quickreply.tui.widgets.preview import Preview
from quickreply.tui.widgets.status_bar import StatusBar, cutoff_note

from ..unit.test_calendar import SEAFOOD_SHOP
from .conftest import RecordingClipboard

SHOPS = SEAFOOD_SHOP


def status_text(app) -> str:
    return str(app.main.query_one(StatusBar).visual)


def test_the_clock_ticks_often_enough() -> None:
    """The status line and preview are recomputed by a timer: at most 15 s late at a cutoff."""
    assert CLOCK_INTERVAL <= 15


async def test_status_line_changes_at_the_cutoff(books_copy: Path, clipboard: RecordingClipboard) -> None:
    """Saturday 11:59 it says 12:00 前付款今天发; at 12:00, with the app still open, 已过 12:00，
    周一发 (Sunday does not ship), and the previewed reply says 后天 instead of 今天."""
    (books_copy / "shops.toml").write_text(SHOPS, encoding="utf-8")
    now = [dt.datetime(2026, 11, 28, 11, 59, 50)]
    app = make_app([books_copy], history=False, copier=clipboard, clock=lambda: now[0], watch=False)
    async with app.run_test() as pilot:
        await pilot.press(*"fhsj")  # 现在拍什么时候发货: {ship_day}就能给您发货
        await pilot.pause()
        assert "12:00 前付款今天发" in status_text(app)
        assert "今天就能给您发货" in str(app.main.query_one(Preview).visual)
        now[0] = dt.datetime(2026, 11, 28, 12, 0, 5)
        app._tick()  # what the CLOCK_INTERVAL timer runs every 15 s; called here, not waited for
        await pilot.pause()
        assert "已过 12:00，周一发" in status_text(app)
        assert "后天就能给您发货" in str(app.main.query_one(Preview).visual)


@pytest.mark.parametrize(
    ("now", "note"),
    [
        ("2026-11-23T10:00", "14:00 前付款今天发"),
        ("2026-11-27T15:00", "已过 14:00，明天发"),
        ("2026-11-28T12:30", "已过 12:00，周一发"),
        ("2026-11-29T10:00", "今天不发货，明天发"),
        ("2027-02-05T10:00", "春节停发至 2月12日，2月13日起发货"),
        ("2027-01-29T10:00", "14:00 前付款今天发；2月3日起春节停发"),
    ],
)
def test_cutoff_note(now: str, note: str) -> None:
    from quickreply.books import parse_shops

    shops, problems = parse_shops(Path("shops.toml"), SHOPS.encode())
    assert problems == []
    assert cutoff_note(shops[0], dt.datetime.fromisoformat(now)) == note
    no_cutoff = Shop("无截单", {"shop_name": "无截单"})
    assert cutoff_note(no_cutoff, dt.datetime.fromisoformat(now)) == "未设截单时间"


@pytest.mark.parametrize(
    "mistake",
    [
        'closed = [{ from = "2027-02-03", to = "2027-02-12", reason = "春节停发" }]',  # quoted dates
        'closed = [{ from = 2027-02-12, to = 2027-02-03, reason = "春节停发" }]',  # reversed
        'no_ship_days = ["周日"]',
        '[shop.closed]\nfrom = 2027-02-03\nto = 2027-02-12',  # a table, not a list
    ],
)
def test_regression_a_calendar_with_an_error_never_promises_a_day(mistake: str) -> None:
    """A quoted 春节 date was reported by check, dropped, and the app still said 今天发 in the
    middle of 春节. A calendar with an error computes nothing: ship_day is asked for."""
    from quickreply.books import parse_shops
    from quickreply.template import builtin_values

    text = f'[[shop]]\nshop_name = "店"\ncutoff = "14:00"\n{mistake}\n'
    shops, problems = parse_shops(Path("shops.toml"), text.encode())
    assert any(problem.severity.value == "error" for problem in problems)
    during = dt.datetime(2027, 2, 7, 10, 0)  # a Sunday, in the range
    assert cutoff_note(shops[0], during) == "发货日历有误，发货日需手填（F2 查看）"
    values = builtin_values(during, calendar=shops[0].calendar)
    assert "ship_day" not in values and "ship_date" not in values


def test_regression_a_ship_day_a_week_away_is_named_with_its_date() -> None:
    """Tue 12-29 after the cutoff with a closure until 01-03: the line said 周一发, which reads
    as this week; 6 days ahead it names the date."""
    from quickreply.calendar import short_day_word

    assert short_day_word(dt.date(2026, 12, 29), dt.date(2027, 1, 4)) == "周一（1月4日）"
    assert short_day_word(dt.date(2026, 11, 28), dt.date(2026, 11, 30)) == "周一"
