"""The copy guard: a reply the content rules flag is marked red, shows why, and Enter asks once
before copying it (Enter/Y copies, Esc/N does not; a yes holds for the rest of the session)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from quickreply.tui.screens.fill import FillForm
from quickreply.tui.screens.guard import CopyGuardScreen
from quickreply.tui.screens.search import SearchScreen
from quickreply.tui.widgets.preview import Preview
from quickreply.tui.widgets.results import ResultList

from .conftest import AppFactory, RecordingClipboard

BOOK = """
[book]
name = "测试"
stage = "after-sale"

[[phrase]]
id = "cashback"
title = "好评有礼"
text = "亲，五星好评返现5元，截图发我哦"
keys = ["hpfx"]

[[phrase]]
id = "phone"
title = "电话联系"
text = "有急事可以打 138 1234 5678，单号{order_no}"
keys = ["dh"]

[[phrase]]
id = "thanks"
title = "感谢好评"
text = "谢谢亲的好评，期待下次光临{shop_name}~"
keys = ["xhp"]
"""


@pytest.fixture
def books(tmp_path: Path) -> Path:
    directory = tmp_path / "guard"
    directory.mkdir()
    (directory / "a.toml").write_text(BOOK.lstrip(), encoding="utf-8")
    (directory / "shops.toml").write_text('[[shop]]\nshop_name = "青禾"\n', encoding="utf-8")
    return directory


def row_styles(app, phrase_id: str) -> str:
    results = app.main.query_one(ResultList)
    index = [hit.phrase.id for hit in results.hits].index(phrase_id)
    prompt = results.row(index)
    return " ".join(str(span.style) for span in prompt.spans)


async def test_regression_flagged_reply_is_marked_red_and_preview_says_why(
    make: AppFactory, books: Path
) -> None:
    """A reply offering cash for good reviews was listed like any other."""
    app = make(books)
    async with app.run_test() as pilot:
        await pilot.press(*"好评")
        results = app.main.query_one(ResultList)
        assert {hit.phrase.id for hit in results.hits} >= {"cashback", "thanks"}
        position = {hit.phrase.id: n for n, hit in enumerate(results.hits)}
        flagged = results.row(position["cashback"])
        clean = results.row(position["thanks"])
        # (after-sale's stage badge is red already: the mark is the reversed badge and a red title)
        assert "违规" in flagged.plain and "reverse $text-error" in row_styles(app, "cashback")
        assert any(str(span.style) == "$text-error" and span.end - span.start == 4 for span in flagged.spans)
        assert "违规" not in clean.plain and "reverse" not in row_styles(app, "thanks")
        results.highlighted = [h.phrase.id for h in results.hits].index("cashback")
        await pilot.pause()
        shown = str(app.main.query_one(Preview).visual)
        assert "此回复可能违规" in shown and "返现" in shown


async def test_regression_flagged_reply_asks_once_and_yes_copies(
    make: AppFactory, books: Path, clipboard: RecordingClipboard
) -> None:
    """Enter on a flagged reply copied it without a word; now it asks, Enter says yes, and the
    second Enter on the same reply copies without asking again."""
    app = make(books)
    async with app.run_test(notifications=True) as pilot:
        await pilot.press(*"hpfx", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CopyGuardScreen)
        question = str(app.screen.query_one("#guard-question").visual)
        assert question.startswith("此回复可能违规：用返现、红包或礼品换好评、晒图")
        assert question.endswith("，仍要复制？")
        assert clipboard.copies == []
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert isinstance(app.focused, Input) and app.focused is app.main.box
        assert clipboard.copies == ["亲，五星好评返现5元，截图发我哦"]
        await pilot.press(*"hpfx", "enter")  # asked once: not again this session
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert len(clipboard.copies) == 2


@pytest.mark.parametrize("key", ["escape", "n"])
async def test_regression_flagged_reply_no_does_not_copy(
    make: AppFactory, books: Path, clipboard: RecordingClipboard, key: str
) -> None:
    """Esc or N: nothing copied, the query stays, focus back in the search box; a no is not
    remembered, so the next Enter asks again."""
    app = make(books)
    async with app.run_test() as pilot:
        await pilot.press(*"hpfx", "enter")
        await pilot.pause()
        await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert clipboard.copies == []
        assert app.main.box.value == "hpfx"
        assert app.focused is app.main.box
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CopyGuardScreen)


async def test_y_copies_and_the_fill_form_follows_the_guard(
    make: AppFactory, books: Path, clipboard: RecordingClipboard
) -> None:
    """The question comes first; a reply that also needs a value asks for it after the yes."""
    app = make(books)
    async with app.run_test() as pilot:
        await pilot.press(*"dh", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CopyGuardScreen)
        assert "含有电话号码" in str(app.screen.query_one("#guard-question").visual)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, FillForm) and app.screen.names == ("order_no",)
        await pilot.press(*"123", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert clipboard.copies == ["有急事可以打 138 1234 5678，单号123"]


async def test_clean_reply_copies_without_asking(
    make: AppFactory, books: Path, clipboard: RecordingClipboard
) -> None:
    app = make(books)
    async with app.run_test() as pilot:
        await pilot.press(*"xhp", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert clipboard.copies == ["谢谢亲的好评，期待下次光临青禾~"]


async def test_team_rules_guard_too_and_a_broken_rule_is_listed(make: AppFactory, books: Path) -> None:
    """The guard uses the directory's rules.toml (a team rule flags 感谢好评 here); a pattern
    that could hang the check is refused and shown in F2's list, not run."""
    (books / "rules.toml").write_text(
        '[[rule]]\nid = "no-thanks"\nwords = ["期待下次"]\nmessage = "本店不用这句"\n\n'
        '[[rule]]\nid = "slow"\npattern = \'(a+)+$\'\nmessage = "m"\n',
        encoding="utf-8",
    )
    app = make(books)
    async with app.run_test() as pilot:
        await pilot.press(*"xhp")
        assert [f.code for f in app.send_check.errors(app.library.phrase("thanks"))] == ["no-thanks"]
        assert "违规" in app.main.results.row(0).plain
        assert [p.code for p in app.library.problems if p.file.name == "rules.toml"] == ["schema"]
