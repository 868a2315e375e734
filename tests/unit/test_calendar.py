"""The shipping calendar: every date a reply promises is a day the shop really ships."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import quickreply
from quickreply.calendar import Closure, ShipCalendar, outlook
from quickreply.model import Shop
from quickreply.template import builtin_values, is_builtin, parse, placeholder_issues, render

SEAFOOD = ShipCalendar(
    cutoff=dt.time(14, 0),
    cutoffs={5: dt.time(12, 0)},  # Saturday
    no_ship_days=frozenset({6}),  # Sunday
    closed=(
        Closure(dt.date(2026, 12, 30), dt.date(2027, 1, 2), "元旦停发"),  # month and year boundary
        Closure(dt.date(2027, 2, 3), dt.date(2027, 2, 12), "春节停发"),  # spans two weekends
    ),
)
PLAIN = ShipCalendar(cutoff=dt.time(16, 0))
"""Only a cutoff, as before the calendar: ships every day."""


@pytest.mark.parametrize(
    ("calendar", "now", "ship_day", "ship_date"),
    [
        (SEAFOOD, "2026-11-23T13:59", "今天", "11月23日"),  # Monday, before the cutoff
        (SEAFOOD, "2026-11-23T14:00", "明天", "11月24日"),  # at the cutoff: it has passed
        (SEAFOOD, "2026-11-27T15:00", "明天", "11月28日"),  # Friday late: Saturday ships
        (SEAFOOD, "2026-11-28T11:59", "今天", "11月28日"),  # Saturday's own cutoff is 12:00
        (SEAFOOD, "2026-11-28T12:00", "后天", "11月30日"),  # never 明天 for a Sunday
        (SEAFOOD, "2026-11-28T17:00", "后天", "11月30日"),
        (SEAFOOD, "2026-11-29T09:00", "明天", "11月30日"),  # Sunday: no shipping at any hour
        (SEAFOOD, "2026-12-29T15:00", "周一（1月4日）", "1月4日"),  # closed to Sat 1/2, Sun off
        (SEAFOOD, "2026-12-30T09:00", "周一（1月4日）", "1月4日"),  # first closed day
        (SEAFOOD, "2027-01-02T09:00", "后天", "1月4日"),  # last closed day is a Saturday
        (SEAFOOD, "2027-02-02T13:00", "今天", "2月2日"),  # the day before 春节停发
        (SEAFOOD, "2027-02-02T14:30", "周六（2月13日）", "2月13日"),
        (SEAFOOD, "2027-02-06T10:00", "周六（2月13日）", "2月13日"),  # a Saturday inside the range
        (SEAFOOD, "2027-02-12T10:00", "明天", "2月13日"),  # last day closed, inclusive
        (PLAIN, "2026-11-28T17:00", "明天", "11月29日"),  # no calendar: the old rule
        (PLAIN, "2026-12-31T17:00", "明天", "1月1日"),
        (PLAIN, "2026-12-31T15:59", "今天", "12月31日"),
    ],
)
def test_ship_day(calendar: ShipCalendar, now: str, ship_day: str, ship_date: str) -> None:
    values = builtin_values(dt.datetime.fromisoformat(now), None, calendar)
    assert (values["ship_day"], values["ship_date"]) == (ship_day, ship_date)


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("{today+3}", "2026-12-30T09:00", "1月2日"),  # across the year
        ("{today+0}", "2026-11-23T09:00", "11月23日"),
        ("{today+1}", "2027-02-28T09:00", "3月1日"),  # not a leap year
        ("{ship_date+1}", "2026-12-29T15:00", "1月5日"),  # after the ship day, calendar days
        ("{ship_date+2}", "2027-02-26T15:00", "3月1日"),  # ships Sat 2/27
        ("预计{ship_date+3|三天后}送达", "2026-11-28T17:00", "预计12月3日送达"),
        ("{today+366}", "2026-11-23T09:00", "11月24日"),
    ],
)
def test_date_arithmetic(text: str, now: str, expected: str) -> None:
    values = builtin_values(dt.datetime.fromisoformat(now), None, SEAFOOD)
    assert render(text, [("builtin", values)]).text == expected


def test_ship_date_plus_n_is_missing_when_the_ship_day_is_unknown() -> None:
    values = builtin_values(dt.datetime(2026, 11, 23, 9), None, ShipCalendar())
    assert "ship_date+1" not in values and "today+1" in values
    assert render("{ship_date+1|待定}", [("builtin", values)]).text == "待定"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{order_no+1}", "只有日期占位符"),
        ("{now+1}", "只有日期占位符"),
        ("{ship_day+1}", "只有日期占位符"),
        ("{today+367}", "天数太大"),
        ("{today+-1}", "占位符格式错误"),
        ("{today + 1}", "占位符格式错误"),
    ],
)
def test_plus_n_only_after_a_date_builtin(text: str, reason: str) -> None:
    issues = placeholder_issues(f"亲，{text}发")
    assert [issue.code for issue in issues] == ["bad-placeholder"] and reason in issues[0].message
    assert issues[0].offset == 2


def test_plus_n_names_are_builtins() -> None:
    assert parse("{today+03}{ship_date+2|x}").names == ("today+3", "ship_date+2")
    assert is_builtin("today+3") and is_builtin("ship_date+2") and not is_builtin("order_no+1")


def test_a_chat_cutoff_replaces_the_default_only() -> None:
    saturday = dt.datetime(2026, 11, 28, 11, 0)
    assert builtin_values(saturday, "10:00", SEAFOOD)["ship_day"] == "今天"  # sat stays 12:00
    monday = dt.datetime(2026, 11, 23, 11, 0)
    assert builtin_values(monday, "10:00", SEAFOOD)["ship_day"] == "明天"


def test_a_calendar_that_never_ships_leaves_the_ship_day_unknown() -> None:
    never = ShipCalendar(cutoff=dt.time(14), no_ship_days=frozenset(range(7)))
    assert "ship_day" not in builtin_values(dt.datetime(2026, 11, 23, 9), None, never)


def test_a_shop_with_only_a_cutoff_value_gets_that_calendar() -> None:
    shop = Shop("甲店", {"shop_name": "甲店", "cutoff": "16:00"})
    assert shop.calendar.cutoff == dt.time(16) and shop.calendar.cutoff_times == {dt.time(16)}
    assert SEAFOOD.cutoff_times == {dt.time(14), dt.time(12)}


@pytest.mark.parametrize(
    ("now", "kind", "fields"),
    [
        ("2026-11-23T10:00", "today", {"cutoff": "14:00"}),
        ("2026-11-28T12:30", "past", {"cutoff": "12:00", "ship": "周一"}),
        ("2026-11-27T15:00", "past", {"cutoff": "14:00", "ship": "明天"}),
        ("2026-11-29T10:00", "no-ship", {"ship": "明天"}),
        ("2027-02-05T10:00", "closed", {"reason": "春节停发", "until": "2月12日", "ship": "2月13日"}),
        ("2027-01-29T10:00", "today", {"upcoming": "2月3日起春节停发"}),  # a week ahead
        ("2027-01-20T10:00", "today", {"upcoming": ""}),
    ],
)
def test_outlook(now: str, kind: str, fields: dict[str, str]) -> None:
    today = outlook(SEAFOOD, dt.datetime.fromisoformat(now))
    assert today.kind == kind
    assert {name: getattr(today, name) for name in fields} == fields


SEAFOOD_SHOP = """
[[shop]]
shop_name = "海鲜旗舰店"
cutoff = "14:00"
cutoffs = { sat = "12:00" }
no_ship_days = ["sun"]
closed = [ { from = 2027-02-03, to = 2027-02-12, reason = "春节停发" } ]
"""
"""shops.toml for the SEAFOOD calendar: 14:00, Saturday 12:00, no Sunday, 春节 closed."""

SHOPS = SEAFOOD_SHOP + """
[[shop]]
shop_name = "坏日历"
cutoff = "14:00"
cutoffs = { sat = "12:00", sunday = "10:00", fri = "25:00" }
no_ship_days = ["sun", "周日"]
closed = [
  { from = 2027-02-12, to = 2027-02-03, reason = "春节停发" },
  { from = 2027-01-01, to = 2027-01-10 },
  { from = 2027-01-05, to = 2027-01-06 },
  { from = "2027-03-01", to = 2027-03-02 },
]
"""


def test_shops_toml_calendar_and_its_findings(write_book) -> None:
    path = write_book("shops.toml", SHOPS)
    library = quickreply.load(path.parent)
    seafood = library.shop("海鲜旗舰店")
    assert seafood.calendar == ShipCalendar(
        dt.time(14), {5: dt.time(12)}, frozenset({6}), (SEAFOOD.closed[1],)
    )
    assert set(seafood.values) == {"shop_name", "cutoff"}  # calendar keys are not values
    found = sorted((problem.line, problem.code) for problem in library.problems)
    assert found == [
        (11, "bad-cutoff"),  # fri = "25:00"
        (11, "bad-weekday"),  # sunday
        (12, "bad-weekday"),  # 周日
        (14, "reversed-range"),
        (16, "overlapping-range"),
        (17, "bad-date"),  # a quoted date is text
    ]
    assert all(problem.file == Path(path) for problem in library.problems)
    broken = library.shop("坏日历").calendar  # what is right still applies
    assert broken.cutoffs == {5: dt.time(12)} and broken.no_ship_days == {6}
    assert [closure.start.isoformat() for closure in broken.closed] == ["2027-01-01", "2027-01-05"]


@pytest.mark.parametrize(
    ("closed", "overlaps"),
    [
        # one shared day
        ("[{ from = 2027-01-01, to = 2027-01-03 }, { from = 2027-01-03, to = 2027-01-04 }]", 1),
        ("[{ from = 2027-01-01, to = 2027-01-03 }, { from = 2027-01-04, to = 2027-01-05 }]", 0),  # adjacent
        # a short range inside a long one, with another in between
        ("[{ from = 2027-01-01, to = 2027-01-31 }, { from = 2027-01-05, to = 2027-01-06 }, "
         "{ from = 2027-01-10, to = 2027-01-11 }]", 2),
    ],
)
def test_overlapping_ranges(write_book, closed: str, overlaps: int) -> None:
    path = write_book("shops.toml", f'[[shop]]\nshop_name = "店"\ncutoff = "14:00"\nclosed = {closed}\n')
    library = quickreply.load(path.parent)
    assert [problem.code for problem in library.problems].count("overlapping-range") == overlaps


def test_plus_n_has_a_chinese_label() -> None:
    from quickreply.labels import chinese_name

    assert chinese_name("ship_date+3") == "发货日期后3天" and chinese_name("today+1") == "今天日期后1天"
