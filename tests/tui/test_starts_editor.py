"""``starts`` in the app: the editor's 开始日期 field, and the search screen hiding a reply
before its day (the app's clock is frozen at 2026-11-23 14:32)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input

import quickreply
from quickreply.tui.widgets.results import ResultList

from .conftest import AppFactory
from .test_editor import findings, open_editor, set_field


async def test_the_editor_reads_checks_and_saves_starts(make: AppFactory, books_copy: Path) -> None:
    app = make(books_copy)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_editor(app, pilot)
        assert screen.query_one("#field-starts", Input).value == ""
        await set_field(screen, pilot, "starts", "12月1日")
        assert "日期格式应为" in findings(screen, "starts")
        assert screen.session.books[0].phrases[0].starts is None  # the half-typed date is not kept
        await set_field(screen, pilot, "starts", "2026-12-20")
        await set_field(screen, pilot, "expires", "2026-12-12")
        assert "晚于" in findings(screen, "starts")  # a warning: saving is still allowed
        await set_field(screen, pilot, "starts", "2026-12-01")
        assert findings(screen, "starts") == ""
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = quickreply.load(books_copy).phrase("greet-welcome")
    assert (saved.starts, saved.expires) == (dt.date(2026, 12, 1), dt.date(2026, 12, 12))
    text = (books_copy / "01-presale.toml").read_text(encoding="utf-8")
    assert "starts = 2026-12-01\nexpires = 2026-12-12" in text


async def test_a_saved_starts_date_shows_when_the_reply_is_opened_again(
    make: AppFactory, books_copy: Path
) -> None:
    book = books_copy / "01-presale.toml"
    book.write_text(
        book.read_text(encoding="utf-8").replace(
            'tags = ["问候", "接待"]', 'tags = ["问候", "接待"]\nstarts = 2026-12-01', 1
        ),
        encoding="utf-8",
    )
    app = make(books_copy)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_editor(app, pilot)
        assert screen.query_one("#field-id", Input).value == "greet-welcome"
        assert screen.query_one("#field-starts", Input).value == "2026-12-01"


async def test_search_hides_a_reply_before_starts(make: AppFactory, books_copy: Path) -> None:
    book = books_copy / "01-presale.toml"
    original = book.read_text(encoding="utf-8")
    app = make(books_copy)
    async with app.run_test() as pilot:
        await pilot.press(*"hy")
        assert app.screen.query_one(ResultList).hits[0].phrase.id == "greet-welcome"
    book.write_text(
        original.replace('tags = ["问候", "接待"]', 'tags = ["问候", "接待"]\nstarts = 2026-11-24', 1),
        encoding="utf-8",
    )
    app = make(books_copy)
    async with app.run_test() as pilot:
        await pilot.press(*"hy")
        assert "greet-welcome" not in [hit.phrase.id for hit in app.screen.query_one(ResultList).hits]
