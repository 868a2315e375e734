"""The placeholder renderer: our own grammar, hostile templates refused, never str.format."""

from __future__ import annotations

import datetime as dt

import pytest

from quickreply.template import (
    MalformedTemplateError,
    MissingValuesError,
    builtin_values,
    parse,
    render,
)


@pytest.mark.parametrize(
    ("text", "names", "malformed"),
    [
        ("亲，欢迎光临{shop_name}", ("shop_name",), ()),
        ("{店铺名}欢迎您", ("店铺名",), ()),  # Unicode identifiers
        ("{a|默认} {a}", ("a",), ()),
        ("截单 {cutoff|17:00}", ("cutoff",), ()),  # colons are fine inside defaults
        ("{{字面}}", (), ()),  # escaped braces
        ("价格 $5 元", (), ()),  # string.Template would choke
        ("{a.b}", (), ("{a.b}",)),  # attribute access
        ("{a[0]}", (), ("{a[0]}",)),  # indexing
        ("{}", (), ("{}",)),
        ("{x:>9999999999}", (), ("{x:>9999999999}",)),  # format spec
        ("{1abc}", (), ("{1abc}",)),  # names cannot start with a digit
        ("a { b", (), ("{",)),  # unclosed
        ("a } b", (), ("}",)),  # stray closing brace
        ("{shop_name.__class__.__mro__}", (), ("{shop_name.__class__",)),  # first 20 chars
    ],
)
def test_parse(text: str, names: tuple[str, ...], malformed: tuple[str, ...]) -> None:
    template = parse(text)
    assert template.names == names
    assert tuple(error.snippet for error in template.errors) == malformed


def test_values_are_inserted_literally_never_expanded_again() -> None:
    filled = render("亲 {a}", [("chat", {"a": "{b} {{x}} {shop_name.__class__}"})])
    assert filled.text == "亲 {b} {{x}} {shop_name.__class__}"


def test_earlier_sources_win_and_spans_name_them() -> None:
    filled = render(
        "{a}-{b}-{c|默认}",
        [("chat", {"a": "会话"}), ("shop", {"a": "店铺", "b": "店铺B"}), ("builtin", {})],
    )
    assert filled.text == "会话-店铺B-默认"
    assert [(name, source) for _, _, name, source in filled.spans] == [
        ("a", "chat"),
        ("b", "shop"),
        ("c", "default"),
    ]
    start, end, _, _ = filled.spans[1]
    assert filled.text[start:end] == "店铺B"


def test_missing_values_are_all_named_and_nothing_is_produced() -> None:
    with pytest.raises(MissingValuesError) as caught:
        render("{order_no} {buyer} {order_no} {shop_name}", [("shop", {"shop_name": "店"})])
    assert caught.value.names == ("order_no", "buyer")


def test_malformed_template_is_refused() -> None:
    with pytest.raises(MalformedTemplateError):
        render("{a.b}", [("chat", {"a": "x"})])


def test_empty_default_is_allowed() -> None:
    assert render("身高{h|}", []).text == "身高"


@pytest.mark.parametrize(
    ("now", "cutoff", "ship_day", "ship_date"),
    [
        (dt.datetime(2026, 11, 23, 15, 30), "16:00", "今天", "11月23日"),
        (dt.datetime(2026, 11, 23, 16, 0), "16:00", "明天", "11月24日"),  # at the cutoff: tomorrow
        (dt.datetime(2026, 11, 30, 23, 59), "16:00", "明天", "12月1日"),  # month rolls over
        (dt.datetime(2026, 12, 31, 17, 0), "9:30", "明天", "1月1日"),
    ],
)
def test_ship_day_follows_the_cutoff(now: dt.datetime, cutoff: str, ship_day: str, ship_date: str) -> None:
    values = builtin_values(now, cutoff)
    assert (values["ship_day"], values["ship_date"]) == (ship_day, ship_date)
    assert values["today"] == f"{now.month}月{now.day}日"
    assert values["now"] == now.strftime("%H:%M")


def test_ship_day_is_missing_without_a_cutoff() -> None:
    assert "ship_day" not in builtin_values(dt.datetime(2026, 11, 23, 9, 0), None)
    assert "ship_day" not in builtin_values(dt.datetime(2026, 11, 23, 9, 0), "25:00")
