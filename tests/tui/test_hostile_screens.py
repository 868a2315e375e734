"""The app on a hostile folder: every screen that quotes a file name, a shop name, a rule message
or a stored query shows its escape sequences as text (``\\x1b``) and its markup literally. Each
check reads what the screen would send to the terminal: the segments of every rendered line."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.widget import Widget

from quickreply.tui.app import QuickReplyApp, make_app
from quickreply.tui.screens.problems import ProblemsScreen
from quickreply.tui.screens.shops import ShopsScreen
from quickreply.tui.screens.stats import StatsScreen
from tests.conftest import FROZEN_NOW
from tests.hostile import MARKUP, leaks, record_hostile_usage, write_hostile_books

from .conftest import RecordingClipboard


def screen_text(app: QuickReplyApp) -> str:
    """Everything on screen (toasts included), as the terminal would receive it."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def widget_text(app: QuickReplyApp, widget: Widget) -> str:
    """Only what ``widget`` puts on screen: the screen's lines cut to its region."""
    region = widget.region
    strips = app.screen._compositor.render_strips()[region.y : region.bottom]
    return "\n".join(
        "".join(segment.text for segment in strip.crop(region.x, region.right)) for strip in strips
    )


def assert_clean(app: QuickReplyApp) -> str:
    text = screen_text(app)
    assert not leaks(text), (type(app.screen).__name__, text)
    return text


def build(tmp_path: Path, clipboard: RecordingClipboard, *, rules: bool) -> QuickReplyApp:
    books = write_hostile_books(tmp_path / "books")
    if not rules:
        (books / "rules.toml").unlink()
    record_hostile_usage()
    return make_app([books], history=True, copier=clipboard, clock=lambda: FROZEN_NOW, watch=False)


@pytest.fixture
def hostile_app(tmp_path: Path, clipboard: RecordingClipboard) -> QuickReplyApp:
    """The app on the hostile folder without its rules.toml: the search screen's preview, behind
    every modal, would otherwise show the hostile rule's message, and each test should see only
    the screen it is about."""
    return build(tmp_path, clipboard, rules=False)


@pytest.fixture
def hostile_app_with_rules(tmp_path: Path, clipboard: RecordingClipboard) -> QuickReplyApp:
    return build(tmp_path, clipboard, rules=True)


async def settle(pilot: object, app: QuickReplyApp) -> None:
    await app.workers.wait_for_complete()
    for _ in range(3):
        await pilot.pause()  # type: ignore[attr-defined]


async def test_regression_problems_panel_shows_hostile_file_names_escaped(
    hostile_app: QuickReplyApp,
) -> None:
    """F2 quoted book file names, shop key names and rule messages as they were."""
    async with hostile_app.run_test(size=(140, 40), notifications=True) as pilot:
        assert_clean(hostile_app)
        await pilot.press("f2")
        await settle(pilot, hostile_app)
        assert isinstance(hostile_app.screen, ProblemsScreen)
        text = assert_clean(hostile_app)
        assert "\\x1b]52;c;cm0gLXJmIH4=\\x07" in text


async def test_regression_palette_shows_shop_names_literally(hostile_app: QuickReplyApp) -> None:
    """Textual's system commands read titles as markup: 店[@click=app.quit]x[/] showed as 店x
    and carried a live action. The shop commands now show the name as it is written."""
    async with hostile_app.run_test(size=(140, 40), notifications=True) as pilot:
        await pilot.press("ctrl+p")
        await settle(pilot, hostile_app)
        assert isinstance(hostile_app.screen, CommandPalette)
        await pilot.press(*"切换店铺")
        await settle(pilot, hostile_app)
        assert_clean(hostile_app)
        # In the palette's own list, not the status bar behind it: the name as written.
        listed = widget_text(hostile_app, hostile_app.screen.query_one(CommandList))
        assert f"店{MARKUP}" in listed
        assert "第二家" in listed  # its raw U+202E and U+009B were cleaned at load
        await pilot.press("enter")  # the first hit: the hostile shop
        await settle(pilot, hostile_app)
        assert hostile_app.is_running  # the markup's app.quit did not run
        assert hostile_app.shop is not None and hostile_app.shop.name == f"店{MARKUP}"
        text = assert_clean(hostile_app)  # the "switched" toast and the status bar
        assert f"店{MARKUP}" in text


async def test_palette_offers_shops_when_nothing_is_typed(hostile_app: QuickReplyApp) -> None:
    async with hostile_app.run_test(size=(140, 40)) as pilot:
        await pilot.press("ctrl+p")
        await settle(pilot, hostile_app)
        assert_clean(hostile_app)
        listed = widget_text(hostile_app, hostile_app.screen.query_one(CommandList))
        assert f"切换店铺：店{MARKUP}" in listed


async def test_regression_statistics_show_stored_queries_escaped(hostile_app: QuickReplyApp) -> None:
    """F6 printed stored queries (pasted from buyers) as they were."""
    async with hostile_app.run_test(size=(140, 40)) as pilot:
        await pilot.press("f6")
        await settle(pilot, hostile_app)
        assert isinstance(hostile_app.screen, StatsScreen)
        text = assert_clean(hostile_app)
        assert f"\\u202e{MARKUP}" in text


async def test_regression_shops_editor_shows_raw_controls_as_escapes(
    hostile_app: QuickReplyApp, tmp_path: Path
) -> None:
    """The shops.toml editor put the file in a TextArea as it was: U+202E and U+009B in a shop
    name reached the terminal. It shows them as TOML escapes (the same value in a string)."""
    async with hostile_app.run_test(size=(140, 40)) as pilot:
        hostile_app.push_screen(ShopsScreen(tmp_path / "books" / "shops.toml"))
        await settle(pilot, hostile_app)
        text = assert_clean(hostile_app)
        assert "第二家\\u202e\\u009b" in text


async def test_regression_preview_and_copy_guard_show_the_rule_message_escaped(
    hostile_app_with_rules: QuickReplyApp,
) -> None:
    """A team's rules.toml message reached the preview's findings and the copy guard's
    question as it was."""
    async with hostile_app_with_rules.run_test(size=(140, 40), notifications=True) as pilot:
        await pilot.press(*"hi")
        await settle(pilot, hostile_app_with_rules)
        assert "\\x1b]52" in assert_clean(hostile_app_with_rules)  # the preview's findings
        await pilot.press("enter")
        await settle(pilot, hostile_app_with_rules)
        assert_clean(hostile_app_with_rules)
