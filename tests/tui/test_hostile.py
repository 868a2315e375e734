"""Phrase text from other shops is data: markup shows literally and never acts."""

from __future__ import annotations

from pathlib import Path

from quickreply.tui.widgets.preview import Preview
from quickreply.tui.widgets.results import ResultList

from .conftest import AppFactory

HOSTILE = """
[book]
name = "外来的书[/b]"
stage = "pre-sale"

[[phrase]]
id = "markup"
title = "满100减20[/活动]"
text = "[@click=app.quit]点我领券[/] [bold red]大促[/] {shop_name}"
keys = ["mj"]

[[phrase]]
id = "escapes"
title = "清屏\\u001b[2J标题\\u001b]0;pwned\\u0007"
text = "设置剪贴板\\u001b]52;c;cm0gLXJmIH4=\\u0007结束"
keys = ["qp"]
"""


async def test_markup_in_phrases_is_shown_literally_and_never_acts(
    make: AppFactory, tmp_path: Path, clipboard
) -> None:
    (tmp_path / "b.toml").write_text(HOSTILE, encoding="utf-8")
    (tmp_path / "shops.toml").write_text('[[shop]]\nshop_name = "店[/]"\n', encoding="utf-8")
    app = make(tmp_path)
    async with app.run_test(notifications=True) as pilot:
        await pilot.press(*"mj")
        prompt = app.main.results.row(0)
        assert "满100减20[/活动]" in prompt.plain
        preview = str(app.main.query_one(Preview).visual)
        assert "[@click=app.quit]点我领券[/] [bold red]大促[/] 店[/]" in preview
        await pilot.click(Preview)
        await pilot.click(ResultList)
        await pilot.pause()
        assert app.is_running  # the click action did not run
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert clipboard.copies == ["[@click=app.quit]点我领券[/] [bold red]大促[/] 店[/]"]


async def test_escape_sequences_never_reach_screen_or_clipboard(
    make: AppFactory, tmp_path: Path, clipboard
) -> None:
    (tmp_path / "b.toml").write_text(HOSTILE, encoding="utf-8")
    app = make(tmp_path)
    async with app.run_test() as pilot:
        await pilot.press(*"qp", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert clipboard.copies == ["设置剪贴板结束"]
        assert "\x1b" not in app.library.phrase("escapes").title
