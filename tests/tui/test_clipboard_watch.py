"""Clipboard watch (--watch, F7) in the app, with a fake clipboard standing in for the system's.

The watch polls in a thread worker for as long as it is on, so these tests wait for what
they expect to see (``until``) instead of for every worker to finish.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from quickreply.clipboard import ClipboardUnavailable
from quickreply.locations import bundled_phrasebooks
from quickreply.tui.app import QuickReplyApp, make_app
from quickreply.tui.screens.fill import FillForm
from quickreply.tui.screens.help import HelpScreen
from quickreply.tui.widgets.status_bar import StatusBar
from tests.conftest import FROZEN_NOW

from .conftest import RecordingClipboard

BUYER = "能开发票吗"
BUYER_ID = "invoice-yes"


class FakeSystemClipboard:
    """The system clipboard as the watch sees it; copies made by the app land here too."""

    def __init__(self, text: str = "") -> None:
        self.text = text
        self.error: Exception | None = None
        self._lock = threading.Lock()

    def read(self) -> str:
        with self._lock:
            if self.error is not None:
                raise self.error
            return self.text

    def set(self, text: str) -> None:
        with self._lock:
            self.text = text


@pytest.fixture
def board() -> FakeSystemClipboard:
    return FakeSystemClipboard()


@pytest.fixture
def watching(board: FakeSystemClipboard, clipboard: RecordingClipboard) -> Callable[..., QuickReplyApp]:
    def build(*, on: bool = True, history: bool = False) -> QuickReplyApp:
        def copier(text: str):  # the app's copy lands on the same clipboard the watch reads
            result = clipboard(text)
            board.set(text)
            return result

        return make_app(
            [bundled_phrasebooks()],
            history=history,
            copier=copier,
            clock=lambda: FROZEN_NOW,
            watch=False,
            clipboard_watch=on,
            clipboard_source=board.read,
        )

    return build


async def until(pilot, condition: Callable[[], bool], what: str) -> None:
    """Wait for the watch worker (a bound only against a hang, not a speed test)."""
    for _ in range(400):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}")


async def polled(app: QuickReplyApp, pilot, times: int = 1) -> None:
    """At least ``times`` more looks at the clipboard have been taken."""
    start = app.clipboard_watch.looks
    await until(pilot, lambda: app.clipboard_watch.looks >= start + times, "the watch looked")


def status(app: QuickReplyApp) -> str:
    return str(app.main.query_one(StatusBar).visual)


def selected(app: QuickReplyApp) -> str | None:
    hit = app.main.results.selected
    return hit.phrase.id if hit else None


async def test_a_copied_buyer_message_selects_its_reply_and_enter_copies_it(
    watching, board: FakeSystemClipboard, clipboard: RecordingClipboard
) -> None:
    """Copy the buyer's message, press Enter: the right reply is copied."""
    app = watching()
    async with app.run_test(notifications=True) as pilot:
        await polled(app, pilot)
        assert "监听剪贴板" in status(app) and "来自剪贴板" not in status(app)
        board.set(f"{BUYER}\n")
        await until(pilot, lambda: app.main.box.value == BUYER, "the message became the query")
        await pilot.pause()
        assert selected(app) == BUYER_ID
        assert "来自剪贴板" in status(app)
        await pilot.press("enter")
        await until(pilot, lambda: bool(clipboard.copies), "the reply was copied")
        assert clipboard.copies == [app.library.render(BUYER_ID, shop=app.shop).text]
        await pilot.pause()
        assert app.main.box.value == ""
        assert "来自剪贴板" not in status(app) and "监听剪贴板" in status(app)


async def test_what_was_on_the_clipboard_before_is_not_taken(watching, board: FakeSystemClipboard) -> None:
    board.set(BUYER)
    app = watching()
    async with app.run_test() as pilot:
        await polled(app, pilot, times=3)
        assert app.main.box.value == ""


async def test_our_own_copy_is_not_taken_back(
    watching, board: FakeSystemClipboard, clipboard: RecordingClipboard
) -> None:
    """A reply we copied lands on the clipboard; it never comes back as the query."""
    app = watching()
    async with app.run_test() as pilot:
        await polled(app, pilot)
        await pilot.press(*"fp", "enter")
        await until(pilot, lambda: bool(clipboard.copies), "the reply was copied")
        assert board.text == clipboard.copies[0]
        await polled(app, pilot, times=2)
        assert app.main.box.value == ""
        # Recorded as ours, so it stays out even when no book holds that wording any more.
        assert app.clipboard_watch.is_own_copy(clipboard.copies[0])


async def test_typing_is_never_overwritten(watching, board: FakeSystemClipboard) -> None:
    app = watching()
    async with app.run_test(notifications=True) as pilot:
        await polled(app, pilot)
        await pilot.press(*"yf")
        board.set(BUYER)
        await until(
            pilot,
            lambda: any("没有替换" in n.message for n in app._notifications),
            "the agent was told",
        )
        await polled(app, pilot, times=2)
        assert app.main.box.value == "yf"
        assert "来自剪贴板" not in status(app)
        # Esc: the message waiting on the clipboard becomes the query (copying the same text
        # again changes nothing the watch can see).
        await pilot.press("escape")
        await pilot.pause()
        assert app.main.box.value == BUYER and selected(app) == BUYER_ID
        assert "来自剪贴板" in status(app)


async def test_a_message_replaces_the_previous_clipboard_query_until_the_agent_types(
    watching, board: FakeSystemClipboard
) -> None:
    app = watching()
    async with app.run_test() as pilot:
        await polled(app, pilot)
        board.set(BUYER)
        await until(pilot, lambda: app.main.box.value == BUYER, "first message")
        board.set("包邮吗")
        await until(pilot, lambda: app.main.box.value == "包邮吗", "second message replaced the first")
        await pilot.press(*"运费")  # the query is selected: typing replaces it
        await pilot.pause()
        assert app.main.box.value == "运费"
        assert "来自剪贴板" not in status(app)
        board.set(BUYER)
        await polled(app, pilot, times=2)
        assert app.main.box.value == "运费"  # the agent's now


async def test_not_taken_while_a_form_is_open(watching, board: FakeSystemClipboard) -> None:
    """The agent may be copying a value (a nickname, an address) for the form."""
    app = watching()
    async with app.run_test() as pilot:
        await polled(app, pilot)
        await pilot.press(*"yfh", "enter")
        assert isinstance(app.screen, FillForm)
        board.set("张三 浙江省杭州市西湖区")
        await polled(app, pilot, times=2)
        await pilot.press("escape")
        await pilot.pause()
        assert app.main.box.value == "yfh"


async def test_unreadable_clipboard_turns_the_watch_off_with_a_message(
    watching, board: FakeSystemClipboard
) -> None:
    app = watching()
    async with app.run_test(notifications=True) as pilot:
        await polled(app, pilot)
        board.error = ClipboardUnavailable("xclip 读不出剪贴板（退出码 1）Error: Can't open display: :9")
        await until(pilot, lambda: not app.clipboard_watching, "the watch stopped")
        await app.workers.wait_for_complete()  # the poller has ended
        await pilot.pause()
        assert "监听剪贴板" not in status(app)
        told = [n.message for n in app._notifications]
        assert any("已停止监听" in m and "Can't open display" in m for m in told), told
        assert app.is_running


async def test_any_failure_of_the_reader_is_told_not_raised(watching, board: FakeSystemClipboard) -> None:
    """No traceback reaches the agent, whatever the clipboard library raises."""
    app = watching()
    async with app.run_test(notifications=True) as pilot:
        await polled(app, pilot)
        board.error = UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")
        await until(pilot, lambda: not app.clipboard_watching, "the watch stopped")
        assert any("已停止监听" in n.message for n in app._notifications)
        assert app.is_running


async def test_f7_toggles_the_watch(watching, board: FakeSystemClipboard) -> None:
    app = watching(on=False)
    async with app.run_test(notifications=True) as pilot:
        await pilot.pause()
        assert not app.clipboard_watching and "监听剪贴板" not in status(app)
        board.set("在吗")  # before the watch: not new once it starts
        await pilot.press("f7")
        assert app.clipboard_watching and "监听剪贴板" in status(app)
        await polled(app, pilot)
        board.set(BUYER)
        await until(pilot, lambda: app.main.box.value == BUYER, "the message became the query")
        await pilot.press("f7")
        assert not app.clipboard_watching and "监听剪贴板" not in status(app)
        await app.workers.wait_for_complete()  # the poller ends when switched off
        board.set("包邮吗")
        await pilot.pause(0.6)
        assert app.main.box.value == BUYER
        assert [n.message for n in app._notifications][-1] == "已停止监听剪贴板"


async def test_f7_is_in_the_help(watching) -> None:
    app = watching(on=False)
    async with app.run_test() as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert "F7  监听剪贴板" in app.screen.listing


async def test_hostile_clipboard_text_is_data(watching, board: FakeSystemClipboard) -> None:
    """Clipboard text comes from anywhere: markup stays literal, escape sequences are dropped."""
    app = watching()
    async with app.run_test() as pilot:
        await polled(app, pilot)
        board.set("[@click=app.quit]退货[/]\x1b]52;c;cm0gLXJmIH4=\x07怎么退\u202e")
        await until(pilot, lambda: app.main.box.value != "", "the message became the query")
        await pilot.pause()
        assert app.main.box.value == "[@click=app.quit]退货[/]怎么退"
        assert app.is_running


async def test_regression_a_reply_found_by_its_code_teaches_the_buyer_message(
    watching, board: FakeSystemClipboard, clipboard: RecordingClipboard
) -> None:
    """The watch brought a message search answered wrongly; the agent typed the right reply's
    code (bgx) and copied it: nothing was learned, because codes are not wordings. The lesson
    is the buyer's message → the reply."""
    app = watching(history=True)
    message = "这都第五天了还在原地"
    async with app.run_test() as pilot:
        await polled(app, pilot)
        board.set(message)
        await until(pilot, lambda: app.main.box.value == message, "the message became the query")
        await pilot.pause()
        assert selected(app) != "logistics-no-update"
        await pilot.press(*"bgx")  # the message is selected: typing replaces it
        await pilot.pause()
        assert selected(app) == "logistics-no-update"
        await pilot.press("enter")
        await until(pilot, lambda: bool(clipboard.copies), "the reply was copied")
        assert app.usage is not None
        await until(pilot, lambda: bool(app.usage.learned()), "the pair was learned")
        assert [row[1:] for row in app.usage.learned()] == [(message, "logistics-no-update")]
        # A code typed with no message from the clipboard still teaches nothing.
        await pilot.press(*"bgx", "enter")
        await until(pilot, lambda: len(clipboard.copies) == 2, "copied again")
        await pilot.pause(0.3)
        assert len(app.usage.learned()) == 1
