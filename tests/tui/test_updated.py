""""Updated since you last used it" in the app (issue 12): a reply whose text changed since this
agent last copied it carries 已更新 and its preview shows the change, old struck through and new
highlighted, until the agent copies it again."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.content import Content

from quickreply.tui.app import make_app
from quickreply.tui.strings import T
from quickreply.tui.widgets.preview import Preview
from quickreply.tui.widgets.results import ResultList
from quickreply.usage import UsageLog, default_path
from tests.conftest import FROZEN_NOW

from .conftest import AppFactory, RecordingClipboard
from .test_flows import settle

BOOK = """
[book]
name = "售后"
stage = "after-sale"

[[phrase]]
id = "refund"
title = "退款时效"
text = "{text}"
keys = ["tk"]

[[phrase]]
id = "return"
title = "退货地址"
text = "亲，退货请寄到仓库，运费我们承担。"
keys = ["th"]
"""
OLD = "亲，退款会在3个工作日内原路退回，请耐心等待。"
NEW = "亲，退款会在7个工作日内原路退回，请耐心等待。"


def write_books(directory: Path, text: str) -> None:
    (directory / "a.toml").write_text(BOOK.replace("{text}", text), encoding="utf-8")


@pytest.fixture
def books(tmp_path: Path) -> Path:
    directory = tmp_path / "team"
    directory.mkdir()
    write_books(directory, NEW)
    return directory


def used_before(phrase: str, text: str) -> None:
    """This agent copied ``phrase`` when its text was ``text`` (an earlier session)."""
    log = UsageLog(default_path())
    assert log.record_text(phrase, text)
    log.close()


def row(app, phrase: str) -> Content:
    results = app.main.query_one(ResultList)
    index = [hit.phrase.id for hit in results.hits].index(phrase)
    prompt = results.row(index)
    assert isinstance(prompt, Content)
    return prompt


def preview(app) -> Content:
    shown = app.main.query_one(Preview).visual
    assert isinstance(shown, Content)
    return shown


def styled(content: Content, style: str) -> list[str]:
    """The text under every span whose style includes ``style``."""
    return [content.plain[span.start : span.end] for span in content.spans if style in str(span.style)]


async def test_badge_and_struck_through_change_until_copied(
    make: AppFactory, books: Path, clipboard: RecordingClipboard
) -> None:
    used_before("refund", OLD)
    used_before("return", "亲，退货请寄到仓库，运费我们承担。")  # used as it is now
    app = make(books, history=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert T.updated_badge in row(app, "refund").plain  # the empty query lists both
        assert T.updated_badge not in row(app, "return").plain
        await pilot.press(*"tk")
        shown = preview(app)
        assert shown.plain.startswith(T.updated_heading)
        assert styled(shown, "strike") == ["3"]
        assert styled(shown, "reverse") == ["7"]
        assert shown.plain.endswith(NEW)  # what will be copied, below the change
        await pilot.press("enter")
        await settle(app, pilot)
        assert clipboard.copies == [NEW]
        await pilot.press(*"tk")
        assert T.updated_badge not in row(app, "refund").plain
        assert preview(app).plain == NEW
    # Remembered for the next session, too.
    log = UsageLog(default_path())
    assert log.last_used().before("refund", NEW) is None
    log.close()


async def test_a_reload_with_the_teams_change_shows_the_badge(make: AppFactory, books: Path) -> None:
    """The books change on disk while the app runs (a team sync): the reply the agent used
    shows 已更新 at once, the others do not."""
    write_books(books, OLD)
    app = make(books, history=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"tk", "enter")
        await settle(app, pilot)
        write_books(books, NEW)
        app._reload()
        await settle(app, pilot)
        await pilot.press(*"tk")
        assert T.updated_badge in row(app, "refund").plain
        assert styled(preview(app), "strike") == ["3"]
        await pilot.press("escape", *"th")
        assert T.updated_badge not in row(app, "return").plain


async def test_the_old_text_is_data_never_markup(make: AppFactory, books: Path) -> None:
    """The old text comes from the record: brackets and escapes in it are shown, not run."""
    used_before("refund", "[@click=app.quit]退[/]\x1b]0;x\x07")
    app = make(books, history=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"tk")
        shown = preview(app).plain
        assert "[@click=app.quit]" in shown and "\\x1b" in shown and "\x1b" not in shown
        assert app.is_running


async def test_no_history_shows_no_badge(
    make: AppFactory, books: Path, clipboard: RecordingClipboard
) -> None:
    used_before("refund", OLD)
    app = make(books, history=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"tk")
        assert T.updated_badge not in row(app, "refund").plain
        assert preview(app).plain == NEW
        await pilot.press("enter")
        await settle(app, pilot)
    log = UsageLog(default_path())
    assert log.last_used().before("refund", NEW) == OLD  # the copy was not recorded
    log.close()


def test_snapshot_updated_reply(snap_compare, books: Path) -> None:
    """The query tk lists 退款时效 with the yellow 已更新 badge after the red 售后 one; the
    preview starts with 已更新：划线为旧，高亮为新, then the text with 3 struck through in red and
    7 reversed in green, then a blank line and the reply as it will be copied (with 7)."""
    used_before("refund", OLD)
    app = make_app(
        [books],
        history=True,
        copier=lambda text: (_ for _ in ()).throw(AssertionError("no copy in snapshots")),
        clock=lambda: FROZEN_NOW,
        watch=False,
    )

    async def loaded(pilot) -> None:
        await settle(pilot.app, pilot)

    assert snap_compare(app, press=[*"tk"], run_before=loaded, terminal_size=(80, 24))
