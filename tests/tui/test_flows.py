"""Pilot tests of every flow an agent uses: type → see → Enter → copied."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Input, Tabs

from quickreply.clipboard import CopyMethod
from quickreply.tui.app import PaletteCommands
from quickreply.tui.screens.fill import FillForm
from quickreply.tui.screens.help import HelpScreen
from quickreply.tui.screens.manual_copy import ManualCopyScreen
from quickreply.tui.screens.problems import ProblemsScreen
from quickreply.tui.screens.search import SearchScreen
from quickreply.tui.widgets.preview import Preview
from quickreply.tui.widgets.results import ResultList
from quickreply.tui.widgets.status_bar import StatusBar

from .conftest import AppFactory, RecordingClipboard


def ids(app) -> list[str]:
    return [hit.phrase.id for hit in app.screen.query_one(ResultList).hits]


def selected(app) -> str | None:
    hit = app.main.results.selected
    return hit.phrase.id if hit else None


def preview_text(app) -> str:
    return str(app.main.query_one(Preview).visual)


def status_text(app) -> str:
    return str(app.main.query_one(StatusBar).visual)


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_type_highlight_enter_copies(make: AppFactory, clipboard: RecordingClipboard) -> None:
    """Typing a code ranks its reply first with matched characters marked; Enter copies it."""
    app = make()
    async with app.run_test(notifications=True) as pilot:
        await pilot.press(*"fp")
        assert ids(app)[0] == "invoice-yes"
        prompt = app.main.results.row(0)
        assert "可以开发票" in prompt.plain
        assert any(span.end - span.start == 2 for span in prompt.spans if "underline" in str(span.style))
        assert "可以开发票的" in preview_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert clipboard.copies == [app.library.render("invoice-yes", shop=app.shop).text]
        assert "{" not in clipboard.copies[0]
        assert app.main.box.value == ""  # ready for the next buyer
        assert any(n.message == "已复制" for n in app._notifications)


async def test_search_box_keeps_focus_and_arrows_move(make: AppFactory) -> None:
    app = make()
    async with app.run_test() as pilot:
        await pilot.press(*"发票")
        first = selected(app)
        await pilot.press("down")
        assert selected(app) == ids(app)[1] != first
        await pilot.press("up")
        assert selected(app) == first
        await pilot.press("pagedown")
        assert selected(app) != first
        assert isinstance(app.focused, Input)
        await pilot.click(ResultList)
        assert isinstance(app.focused, Input)


async def test_missing_values_are_asked_for(make: AppFactory, clipboard: RecordingClipboard) -> None:
    """A reply that needs a tracking number asks for exactly that, then copies a full reply."""
    app = make()
    async with app.run_test() as pilot:
        await pilot.press(*"yfh", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FillForm)
        assert app.screen.names == ("tracking_no",)
        assert clipboard.copies == []
        await pilot.press(*"YT1234567890", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SearchScreen)
        (copied,) = clipboard.copies
        assert "YT1234567890" in copied and "{" not in copied
        # The next time the form starts empty: a tracking number is fresh (placeholders.toml),
        # the last buyer's number is never offered to the next one.
        await pilot.press(*"yfh", "enter")
        await pilot.pause()
        assert app.screen.query_one(Input).value == ""


async def test_fill_form_moves_field_to_field_and_refuses_empty(make: AppFactory, clipboard) -> None:
    app = make()
    async with app.run_test(notifications=True) as pilot:
        await pilot.press(*"sr", "enter")  # birthday greeting needs the buyer's name
        await pilot.pause()
        assert app.screen.names == ("buyer",)
        await pilot.press("enter")  # empty: refused
        await pilot.pause()
        assert isinstance(app.screen, FillForm) and clipboard.copies == []
        await pilot.press(*"小王", "enter")
        await settle(app, pilot)
        assert clipboard.copies and "亲爱的小王" in clipboard.copies[0]


async def test_escape_backs_out_of_the_form_with_nothing_copied(make: AppFactory, clipboard) -> None:
    app = make()
    async with app.run_test() as pilot:
        await pilot.press(*"yfh", "enter")
        await pilot.pause()
        await pilot.press(*"YT1", "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, SearchScreen)
        assert clipboard.copies == []
        assert app.main.box.value == "yfh"
        await pilot.press("escape")
        assert app.main.box.value == ""


async def test_stage_filter_cycles(make: AppFactory) -> None:
    app = make()
    async with app.run_test() as pilot:
        await pilot.press(*"发货")
        everything = ids(app)
        await pilot.press("tab")
        await pilot.pause()
        assert app.main.stage is not None and app.main.stage.label == "售前"
        assert app.main.query_one(Tabs).active == "stage-pre-sale"
        assert all(app.library.phrase(pid).stage.label == "售前" for pid in ids(app))
        assert "售前" in status_text(app)
        for _ in range(3):
            await pilot.press("tab")
            await pilot.pause()
        assert app.main.stage is None and ids(app) == everything
        await pilot.press("shift+tab")
        await pilot.pause()
        assert app.main.stage is not None and app.main.stage.label == "售后"


async def test_regression_two_tabs_in_one_burst_settle_on_the_second_stage(make: AppFactory) -> None:
    """Was: Tab Tab arriving together (one read from the terminal) set 售前 then 售中 before
    the first TabActivated came back; handling it set 售前 again, and the two stages chased
    each other for ever at 100 % CPU, eating and reordering keys."""
    from textual import events

    app = make()
    async with app.run_test() as pilot:
        await pilot.pause()
        changes: list[object] = []
        app.main.watch(app, "stage", lambda stage: changes.append(stage), init=False)
        for _ in range(2):  # posted together, no pause between: as a terminal delivers a burst
            app.post_message(events.Key("tab", "\t"))
        await pilot.pause(0.3)
        settled = len(changes)
        await pilot.pause(0.3)
        assert len(changes) == settled <= 2, changes  # nothing still changing
        assert app.main.stage is not None and app.main.stage.label == "售中"
        assert app.main.query_one(Tabs).active == "stage-in-sale"


async def test_shop_switch_updates_header_and_preview(make: AppFactory, books_copy: Path) -> None:
    shops = books_copy / "shops.toml"
    shops.write_text(
        shops.read_text(encoding="utf-8") + '\n[[shop]]\nshop_name = "二号店"\ncutoff = "12:00"\n',
        encoding="utf-8",
    )
    app = make(books_copy)
    async with app.run_test() as pilot:
        await pilot.press(*"hy")
        assert "青禾家居旗舰店" in preview_text(app)
        assert "16:00 前付款今天发" in status_text(app)
        await pilot.press("f4")
        await pilot.pause()
        assert app.shop.name == "二号店"
        assert "二号店" in preview_text(app) and "二号店" in status_text(app)
        assert "已过 12:00，明天发" in status_text(app)  # the clock is 14:32
        commands = [hit.text async for hit in PaletteCommands(app.screen).discover()]
        assert "切换店铺：青禾家居旗舰店" in commands


async def test_variants_cycle_before_copying(make: AppFactory, clipboard: RecordingClipboard) -> None:
    app = make()
    async with app.run_test() as pilot:
        await pilot.press(*"hy")
        first = preview_text(app)
        assert "1/3" in str(app.main.query_one("#variant").visual)
        await pilot.press("ctrl+n")
        second = preview_text(app)
        assert second != first
        await pilot.press("enter")
        await settle(app, pilot)
        assert clipboard.copies == [app.library.render("greet-welcome", shop=app.shop, variant=1).text]


async def test_reload_on_file_change_keeps_query_and_selection(make: AppFactory, books_copy: Path) -> None:
    app = make(books_copy, watch=True)
    async with app.run_test(notifications=True) as pilot:
        await pilot.press(*"发票", "down")
        kept = selected(app)
        book = books_copy / "02-insale.toml"
        book.write_text(
            book.read_text(encoding="utf-8")
            + '\n[[phrase]]\nid = "invoice-new"\ntitle = "发票新规"\ntext = "新的发票说明。"\n',
            encoding="utf-8",
        )
        for _ in range(40):  # the watcher looks once a second
            await asyncio.sleep(0.1)
            await pilot.pause()
            if "invoice-new" in ids(app):
                break
        assert "invoice-new" in ids(app)
        assert app.main.box.value == "发票"
        assert selected(app) == kept
        assert any(n.message == "短语书已更新" for n in app._notifications)


async def test_a_broken_book_is_reported_and_the_rest_work(make: AppFactory, books_copy: Path) -> None:
    (books_copy / "99-broken.toml").write_text('[book]\nname = "坏"\n[[phrase]\nid = "x"\n', encoding="utf-8")
    app = make(books_copy)
    async with app.run_test(notifications=True) as pilot:
        await pilot.pause()
        assert any("载入错误" in n.message for n in app._notifications)
        await pilot.press(*"fp")
        assert ids(app)[0] == "invoice-yes"
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        listed = str(app.screen.query_one("#problems-list").visual)
        assert "99-broken.toml:3" in listed and "toml-syntax" in listed
        await pilot.press("escape")
        assert isinstance(app.screen, SearchScreen)


async def test_usage_ranks_replies_used_often(make: AppFactory) -> None:
    app = make(history=True)
    async with app.run_test() as pilot:
        for _ in range(2):
            await pilot.press(*"fpsj", "enter")
            await settle(app, pilot)
        assert ids(app)[0] == "invoice-when"  # empty query: most used first
        await pilot.press(*"发票")
        assert ids(app)[0] == "invoice-when"  # equally good title matches: the used one first
        await pilot.press("escape", *"fp")
        assert ids(app)[0] == "invoice-yes"  # but an exact code still wins
    assert app.usage is not None


async def test_help_lists_every_key(make: AppFactory) -> None:
    app = make()
    async with app.run_test() as pilot:
        await pilot.press("?")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = [str(key.visual) for key in app.screen.query(".help-key")]
        text = "\n".join(str(meaning.visual) for meaning in app.screen.query(".help-meaning"))
        meanings = ("复制", "清空", "阶段", "换个说法", "店铺", "帮助", "问题", "统计", "退出", "命令")
        for description in meanings:
            assert description in text
        for key in ("Enter", "Esc", "Tab", "^N", "F1", "F2", "F3", "F4", "F6", "F7", "F8", "^P", "^Q"):
            assert keys.count(key) == 1, key  # each key once, named as on the keycap
        await pilot.press("escape", "f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", *"a?")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen) and app.main.box.value == "a?"


async def test_no_clipboard_shows_the_reply_to_copy_by_hand(make: AppFactory, clipboard) -> None:
    clipboard.method = CopyMethod.NONE
    app = make()
    async with app.run_test() as pilot:
        await pilot.press(*"fp", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ManualCopyScreen)
        area = app.screen.query_one("#manual-text")
        assert area.text.startswith("亲，可以开发票的") and area.selected_text == area.text


async def test_terminal_copy_is_announced(make: AppFactory, clipboard) -> None:
    clipboard.method = CopyMethod.TERMINAL
    app = make()
    async with app.run_test(notifications=True) as pilot:
        await pilot.press(*"fp", "enter")
        await settle(app, pilot)
        assert any("OSC 52" in n.message for n in app._notifications)


async def test_double_click_copies(make: AppFactory, clipboard) -> None:
    app = make()
    async with app.run_test() as pilot:
        await pilot.press(*"fp")
        await pilot.click(ResultList, offset=(4, 2))  # second row
        second = ids(app)[1]
        assert selected(app) == second
        assert clipboard.copies == []
        await pilot.double_click(ResultList, offset=(4, 2))
        await settle(app, pilot)
        assert clipboard.copies == [app.library.render(second, shop=app.shop).text]


async def test_pasted_multiline_message_is_kept_whole(make: AppFactory) -> None:
    from textual import events

    app = make()
    async with app.run_test() as pilot:
        app.main.box.post_message(events.Paste("我已经付款了\n什么时候能到啊?"))
        await pilot.pause()
        assert app.main.box.value == "我已经付款了 什么时候能到啊?"
        assert "arrival-days" in ids(app)[:3]


async def test_given_up_queries_are_recorded_and_stats_shown(make: AppFactory) -> None:
    app = make(history=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"能开专票吗", "escape")
        await pilot.press(*"fp", "enter")
        await settle(app, pilot)
        assert [query for _, query in app.usage.misses()] == ["能开专票吗"]
        await pilot.press("f6")
        await pilot.pause()
        text = str(app.screen.query_one("#stats-text").visual)
        assert "共复制 1 次" in text and "可以开发票" in text and "能开专票吗" in text
