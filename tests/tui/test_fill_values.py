"""The fill form with placeholders.toml: fresh values are never offered, a pattern keeps the
agent in the field, choices are listed, filtered, moved through with ↓/↑ and taken with Enter."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from textual.widgets import Input, Label

from quickreply.tui.screens.fill import ChoiceList, FillForm
from quickreply.tui.screens.search import SearchScreen

from .conftest import AppFactory, RecordingClipboard

BOOK = """
[book]
name = "测试"
stage = "after-sale"

[[phrase]]
id = "make-good"
title = "补偿和单号"
text = "亲，给您{compensation}补偿，订单{order_no}，商品{product}。"
keys = ["bc"]

[[phrase]]
id = "size"
title = "尺码"
text = "建议{size}码"
keys = ["cm"]
"""
PLACEHOLDERS = """
[compensation]
label = "补偿金额"
choices = ["5元", "10元", "20元", "满100减20[/活动]"]

[product]
label = "商品"

[size]
choices = ["S", "M", "L"]
"""


@pytest.fixture
def books(tmp_path: Path) -> Path:
    directory = tmp_path / "books"
    directory.mkdir()
    (directory / "a.toml").write_text(textwrap.dedent(BOOK), encoding="utf-8")
    (directory / "placeholders.toml").write_text(textwrap.dedent(PLACEHOLDERS), encoding="utf-8")
    return directory


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def form(app) -> FillForm:
    assert isinstance(app.screen, FillForm)
    return app.screen


def shown_choices(app, name: str) -> list[str]:
    choices = form(app).choices_of(field(app, name))
    assert choices is not None
    return [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]


def field(app, name: str) -> Input:
    return next(f for f in form(app).fields if f.name == name)


async def test_fresh_value_from_the_last_chat_is_never_offered(
    make: AppFactory, clipboard: RecordingClipboard
) -> None:
    """The bundled tracking number is fresh: the second chat's form starts empty."""
    app = make()
    async with app.run_test() as pilot:
        await pilot.press(*"yfh", "enter")
        await pilot.pause()
        assert form(app).names == ("tracking_no",)
        await pilot.press(*"SF1234567890", "enter")
        await settle(app, pilot)
        assert "SF1234567890" in clipboard.copies[0]
        assert "tracking_no" not in app.last_values
        await pilot.press(*"yfh", "enter")
        await pilot.pause()
        assert field(app, "tracking_no").value == ""


async def test_builtin_fresh_order_number_without_a_file_and_other_values_still_offered(
    make: AppFactory, books: Path, clipboard: RecordingClipboard
) -> None:
    """order_no is fresh with no table for it; product (not fresh) is offered again."""
    app = make(books)
    async with app.run_test() as pilot:
        await pilot.press(*"bc", "enter")
        await pilot.pause()
        assert form(app).names == ("compensation", "order_no", "product")
        await pilot.press("enter", *"123456", "enter", *"毛巾", "enter")
        await settle(app, pilot)
        assert clipboard.copies == ["亲，给您5元补偿，订单123456，商品毛巾。"]
        await pilot.press(*"bc", "enter")
        await pilot.pause()
        assert field(app, "order_no").value == ""
        assert field(app, "product").value == "毛巾"


async def test_a_pattern_failure_shows_the_message_and_keeps_focus(
    make: AppFactory, clipboard: RecordingClipboard
) -> None:
    app = make()
    async with app.run_test() as pilot:
        await pilot.press(*"yfh", "enter")
        await pilot.pause()
        await pilot.press(*"YT12", "enter")
        await pilot.pause()
        tracking = field(app, "tracking_no")
        assert app.focused is tracking and clipboard.copies == []
        error = form(app).query_one(f"#{tracking.id}-error", Label)
        assert error.display and "8–20 位字母或数字" in str(error.visual)
        await pilot.press(*"34567890")  # typing clears the message
        await pilot.pause()
        assert not error.display
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SearchScreen)
        assert "YT1234567890" in clipboard.copies[0]


async def test_choices_filter_move_and_enter_takes_and_moves_on(
    make: AppFactory, books: Path, clipboard: RecordingClipboard
) -> None:
    app = make(books)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press(*"bc", "enter")
        await pilot.pause()
        # Markup-looking text from the file is shown as written, not parsed.
        assert shown_choices(app, "compensation") == ["5元", "10元", "20元", "满100减20[/活动]"]
        await pilot.press("0")  # filters to the choices holding 0
        await pilot.pause()
        assert shown_choices(app, "compensation") == ["10元", "20元", "满100减20[/活动]"]
        await pilot.press("down", "down", "up")
        await pilot.press("enter")
        await pilot.pause()
        assert field(app, "compensation").value == "20元"
        assert app.focused is field(app, "order_no")
        await pilot.press(*"123456", "enter", *"毛巾", "enter")
        await settle(app, pilot)
        assert clipboard.copies == ["亲，给您20元补偿，订单123456，商品毛巾。"]


async def test_enter_on_a_choice_in_the_last_field_copies(
    make: AppFactory, books: Path, clipboard: RecordingClipboard
) -> None:
    app = make(books)
    async with app.run_test() as pilot:
        await pilot.press(*"cm", "enter")
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await settle(app, pilot)
        assert clipboard.copies == ["建议L码"]
        # Not fresh: the last choice is highlighted the next time, the box left empty to filter.
        await pilot.press(*"cm", "enter")
        await pilot.pause()
        choices = form(app).query_one(ChoiceList)
        assert field(app, "size").value == "" and choices.chosen == "L"


async def test_a_value_that_is_no_choice_is_taken_as_typed(
    make: AppFactory, books: Path, clipboard: RecordingClipboard
) -> None:
    """Choices are a shortcut, not a cage: 15元 filters every choice out and is used as typed."""
    app = make(books)
    async with app.run_test() as pilot:
        await pilot.press(*"bc", "enter")
        await pilot.pause()
        await pilot.press(*"15元", "enter")
        await pilot.pause()
        assert field(app, "compensation").value == "15元"
        assert not form(app).query_one(ChoiceList).display


async def test_regression_a_typed_value_is_not_replaced_by_a_longer_choice(
    make: AppFactory, books: Path, clipboard: RecordingClipboard
) -> None:
    """Typing 10 with a choice 10元 highlighted copied 10元 … the agent typed a value: a choice
    is taken by ↓/↑, by letters (pinyin), or when the box is empty — never over typed digits."""
    app = make(books)
    async with app.run_test() as pilot:
        await pilot.press(*"bc", "enter")
        await pilot.pause()
        await pilot.press(*"10", "enter")
        await pilot.pause()
        assert field(app, "compensation").value == "10"  # as typed, though 10元 was listed
        await pilot.press("escape")  # cancel the form: the query stays
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"10", "down", "up", "enter")  # picked with the arrows: the choice
        await pilot.pause()
        assert field(app, "compensation").value == "10元"


async def test_up_and_down_move_between_plain_fields(make: AppFactory, books: Path) -> None:
    app = make(books)
    async with app.run_test() as pilot:
        await pilot.press(*"bc", "enter")
        await pilot.pause()
        await pilot.press("enter")  # takes 5元, on to the order number
        await pilot.press("down")
        assert app.focused is field(app, "product")
        await pilot.press("up")
        assert app.focused is field(app, "order_no")


async def test_labels_from_the_file_head_the_fields(make: AppFactory, books: Path) -> None:
    app = make(books)
    async with app.run_test() as pilot:
        await pilot.press(*"bc", "enter")
        await pilot.pause()
        labels = [str(label.visual) for label in form(app).query(".fill-label").results(Label)]
        assert labels == ["补偿金额（compensation）", "订单号（order_no）", "商品（product）"]


async def test_an_edited_placeholders_file_applies_after_the_reload(
    make: AppFactory, books: Path, clipboard: RecordingClipboard
) -> None:
    """A lead makes product fresh while the app runs: the value typed before is not offered."""
    app = make(books)
    async with app.run_test() as pilot:
        await pilot.press(*"bc", "enter")
        await pilot.pause()
        await pilot.press("enter", *"123456", "enter", *"毛巾", "enter")
        await settle(app, pilot)
        assert app.last_values.get("product") == "毛巾"
        text = textwrap.dedent(PLACEHOLDERS).replace('label = "商品"', 'label = "商品名"\nfresh = true')
        (books / "placeholders.toml").write_text(text, encoding="utf-8")
        app._check_files()
        await settle(app, pilot)
        await pilot.press(*"bc", "enter")
        await pilot.pause()
        assert field(app, "product").value == ""
        labels = [str(label.visual) for label in form(app).query(".fill-label").results(Label)]
        assert labels[-1] == "商品名（product）"
