"""Pilot tests of the team lead's editor."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from textual.widgets import Input, TextArea, Tree

import quickreply
from quickreply.tui.screens.confirm import ConfirmScreen
from quickreply.tui.screens.conflict import ConflictScreen
from quickreply.tui.screens.editor import EditorScreen
from quickreply.tui.screens.search import SearchScreen

from .conftest import AppFactory


def editor(app) -> EditorScreen:
    screen = app.screen
    assert isinstance(screen, EditorScreen)
    return screen


async def open_editor(app, pilot) -> EditorScreen:
    await pilot.press("f3")
    await pilot.pause()
    return editor(app)


async def set_field(screen: EditorScreen, pilot, name: str, value: str) -> None:
    widget = screen.query_one(f"#field-{name}")
    if isinstance(widget, TextArea):
        widget.text = value
    else:
        assert isinstance(widget, Input)
        widget.value = value
    await pilot.pause()


def findings(screen: EditorScreen, name: str) -> str:
    return str(screen.query_one(f"#findings-{name}").visual)


async def test_edit_validate_and_save(make: AppFactory, books_copy: Path) -> None:
    app = make(books_copy)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_editor(app, pilot)
        assert screen.query_one("#field-id", Input).value == "greet-welcome"
        await set_field(screen, pilot, "id", "invoice-yes")
        assert "已被使用" in findings(screen, "id")
        await set_field(screen, pilot, "id", "greet-welcome")
        await set_field(screen, pilot, "keys", "fp")
        assert "invoice-yes" in findings(screen, "keys")
        await set_field(screen, pilot, "keys", "hy")
        await set_field(screen, pilot, "text", "亲，{shop_name}欢迎您，最好的服务给最好的您")
        assert "absolute-claim" in findings(screen, "text")
        assert "青禾家居旗舰店欢迎您" in str(screen.query_one("#editor-preview").visual)
        assert screen.session.books[0].dirty
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = quickreply.load(books_copy)
        assert saved.phrase("greet-welcome").text == "亲，{shop_name}欢迎您，最好的服务给最好的您"
        assert not screen.session.books[0].dirty


async def test_invalid_input_blocks_saving_not_the_app(make: AppFactory, books_copy: Path) -> None:
    app = make(books_copy)
    before = (books_copy / "01-presale.toml").read_bytes()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await open_editor(app, pilot)
        await set_field(screen, pilot, "title", "  ")
        await set_field(screen, pilot, "text", "{a.b}")
        assert "不能为空" in findings(screen, "title") and "占位符" in findings(screen, "text")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("不能保存" in n.message for n in app._notifications)
        assert (books_copy / "01-presale.toml").read_bytes() == before


async def test_add_delete_undo_move(make: AppFactory, books_copy: Path) -> None:
    app = make(books_copy)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await open_editor(app, pilot)
        first = screen.session.books[0]
        count = len(first.phrases)
        await pilot.press("f5")
        await pilot.pause()
        assert len(first.phrases) == count + 1
        assert screen.query_one("#field-id", Input).value == "new-reply"
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#answer-delete")
        await pilot.pause()
        assert len(first.phrases) == count
        await pilot.press("f9")
        await pilot.pause()
        assert len(screen.session.books[0].phrases) == count + 1
        # Move the current reply to the second book.
        screen.query_one(Tree).move_cursor(screen.query_one(Tree).root.children[0].children[0])
        await pilot.pause()
        moved = screen.session.books[0].phrases[0].id
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.click("#answer-0")
        await pilot.pause()
        assert screen.session.books[1].phrases[-1].id == moved


def colleague_saves(book: Path, *replacements: tuple[str, str], append: str = "") -> None:
    """Another team lead changes the file while the editor has it open."""
    raw = book.read_text(encoding="utf-8")
    for old, new in replacements:
        assert raw.count(old) == 1, old
        raw = raw.replace(old, new)
    book.write_text(raw + append, encoding="utf-8")


def select_reply(screen: EditorScreen, index: int) -> None:
    tree = screen.query_one(Tree)
    tree.move_cursor(tree.root.children[0].children[index])


def check_errors(directory: Path) -> list[str]:
    """Runs `quickreply check` the way a lead would; returns its error lines."""
    result = subprocess.run(
        [sys.executable, "-m", "quickreply", "check", "-d", str(directory)],
        capture_output=True,
        text=True,
        env={**os.environ, "QUICKREPLY_NO_OSC52": "1"},
    )
    assert "Traceback" not in result.stderr
    return [line for line in result.stdout.splitlines() if "错误" in line]


COLLEAGUE_REPLY = """
[[phrase]]
id = "colleague-new"
title = "同事新增"
text = "亲，这是同事新加的回复。"
keys = ["tsxz"]
"""


async def test_regression_conflict_merges_per_reply_with_no_duplicate_ids(
    make: AppFactory, books_copy: Path
) -> None:
    """Was: 另存为新文件 wrote a second book with every id again (32 duplicate-id errors) and
    hid the colleague's change. Now: their other changes merge, each conflict is chosen."""
    app = make(books_copy)
    book = books_copy / "01-presale.toml"
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await open_editor(app, pilot)
        await set_field(screen, pilot, "title", "我的欢迎语")
        select_reply(screen, 1)
        await pilot.pause()
        assert screen.query_one("#field-id", Input).value == "greet-busy"
        await set_field(screen, pilot, "text", "亲，我改的排队话术，请稍等~")
        colleague_saves(
            book,
            ('title = "欢迎语"', 'title = "同事的欢迎语"'),
            ("回复慢了一点请见谅", "同事改的：回复稍慢请见谅"),
            ('title = "缺货补货中"', 'title = "同事改的缺货标题"'),
            append=COLLEAGUE_REPLY,
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        conflict = app.screen
        assert isinstance(conflict, ConflictScreen)
        assert "同事改的 1 条" in str(conflict.query_one("#conflict-summary").visual)
        assert "同事新建的 1 条" in str(conflict.query_one("#conflict-summary").visual)
        mine = str(conflict.query_one("#conflict-mine").visual)
        theirs = str(conflict.query_one("#conflict-theirs").visual)
        assert "≠ 标题" in mine and "我的欢迎语" in mine and "同事的欢迎语" in theirs
        assert "≠ 回复内容" not in mine  # only the field that differs is marked
        await pilot.press("m")  # greet-welcome: keep mine
        await pilot.pause()
        assert "greet-busy" in str(conflict.query_one("#conflict-progress").visual)
        await pilot.press("b")  # greet-busy: keep both
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)
        assert any("已合并同事的修改并保存" in n.message for n in app._notifications)
        assert not screen.session.books[0].dirty
    saved = quickreply.load(books_copy)
    assert saved.phrase("greet-welcome").title == "我的欢迎语"
    assert "同事改的" in saved.phrase("greet-busy").text
    copy = saved.phrase("greet-busy-2")
    assert copy.text == "亲，我改的排队话术，请稍等~" and copy.keys == ()  # 'sd' stays with theirs
    assert saved.phrase("stock-restock").title == "同事改的缺货标题"
    assert saved.phrase("colleague-new").keys == ("tsxz",)
    ids = [phrase.id for phrase in saved.phrases]
    assert len(ids) == len(set(ids))
    assert [path.name for path in books_copy.glob("01-presale*.toml")] == ["01-presale.toml"]
    assert check_errors(books_copy) == []


async def test_conflict_without_overlap_merges_and_saves_at_once(make: AppFactory, books_copy: Path) -> None:
    app = make(books_copy)
    book = books_copy / "01-presale.toml"
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await open_editor(app, pilot)
        await set_field(screen, pilot, "title", "我的欢迎语")
        colleague_saves(book, ('title = "缺货补货中"', 'title = "同事改的缺货标题"'))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)
        assert screen.query_one("#field-title", Input).value == "我的欢迎语"
    saved = quickreply.load(books_copy)
    assert saved.phrase("greet-welcome").title == "我的欢迎语"
    assert saved.phrase("stock-restock").title == "同事改的缺货标题"


async def test_cancelling_a_conflict_saves_nothing_and_keeps_the_edits(
    make: AppFactory, books_copy: Path
) -> None:
    app = make(books_copy)
    book = books_copy / "01-presale.toml"
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await open_editor(app, pilot)
        await set_field(screen, pilot, "title", "我的欢迎语")
        colleague_saves(book, ('title = "欢迎语"', 'title = "同事的欢迎语"'))
        colleague = book.read_bytes()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)
        assert book.read_bytes() == colleague
        assert screen.session.books[0].dirty
        assert screen.query_one("#field-title", Input).value == "我的欢迎语"


async def test_conflict_with_a_broken_file_offers_reload_or_cancel_only(
    make: AppFactory, books_copy: Path
) -> None:
    app = make(books_copy)
    book = books_copy / "01-presale.toml"
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await open_editor(app, pilot)
        await set_field(screen, pilot, "title", "我的欢迎语")
        colleague_saves(book, ('title = "欢迎语"', 'title = "欢迎语'))  # an unclosed string
        broken = book.read_bytes()
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        assert [answer for answer, _ in dialog.answers] == ["reload", "cancel"]
        assert "无法读取" in dialog.question and "第 8 行" in dialog.question
        await pilot.click("#answer-cancel")
        await pilot.pause()
        assert book.read_bytes() == broken and screen.session.books[0].dirty
        book.write_bytes(broken.replace('"欢迎语'.encode(), '"修好的欢迎语"'.encode()))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)  # readable again: a normal merge
        await pilot.press("escape")
        await pilot.pause()
        book.write_bytes(broken)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.click("#answer-reload")
        await pilot.pause()
        assert any("无法重新载入" in n.message for n in app._notifications)
        assert book.read_bytes() == broken


async def test_unsaved_changes_ask_before_leaving(make: AppFactory, books_copy: Path) -> None:
    app = make(books_copy)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_editor(app, pilot)
        await set_field(screen, pilot, "title", "改了")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#answer-stay")
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#answer-discard")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)


async def test_new_book_with_replies_saved_and_reopened(make: AppFactory, books_copy: Path) -> None:
    app = make(books_copy)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_editor(app, pilot)
        await pilot.press("f10")
        await pilot.pause()
        for number in range(3):
            if number:
                await pilot.press("f5")
                await pilot.pause()
            await set_field(screen, pilot, "id", f"dec-{number}")
            await set_field(screen, pilot, "title", f"十二月第{number}条")
            await set_field(screen, pilot, "text", f"亲，这是第{number}条，{{shop_name}}祝您愉快。")
        await pilot.press("ctrl+s")
        await pilot.pause()
    reopened = quickreply.load(books_copy)
    assert [reopened.phrase(f"dec-{n}").title for n in range(3)] == [
        "十二月第0条",
        "十二月第1条",
        "十二月第2条",
    ]


def test_editor_snapshot(snap_compare, books_copy: Path) -> None:
    """The editor at 100×30: the tree of books, the form for 欢迎语, and its preview."""
    from quickreply.tui.app import make_app
    from tests.conftest import FROZEN_NOW

    app = make_app([books_copy], history=False, clock=lambda: FROZEN_NOW, watch=False, start_in_editor=True)
    assert snap_compare(app, terminal_size=(100, 30))


async def test_quitting_with_unsaved_changes_asks(make: AppFactory, books_copy: Path) -> None:
    app = make(books_copy)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_editor(app, pilot)
        await set_field(screen, pilot, "title", "改了")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and app.is_running
        await pilot.click("#answer-quit")
        await pilot.pause()
        assert not app.is_running


async def test_shops_are_edited_checked_and_saved(make: AppFactory, books_copy: Path) -> None:
    from quickreply.tui.screens.shops import ShopsScreen

    app = make(books_copy)
    shops = books_copy / "shops.toml"
    async with app.run_test(size=(100, 30)) as pilot:
        await open_editor(app, pilot)
        await pilot.press("f11")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ShopsScreen)
        area = screen.query_one("#shops-text", TextArea)
        area.text = area.text.replace('cutoff = "16:00"', 'cutoff = "4pm"')
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ShopsScreen)  # refused: not a time
        assert "cutoff" in str(screen.query_one("#shops-findings").visual)
        area.text = area.text.replace('cutoff = "4pm"', 'cutoff = "17:30"')
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)
    assert quickreply.load(books_copy).shop().cutoff == "17:30"
    assert 'cutoff = "17:30"' in shops.read_text(encoding="utf-8")


async def test_regression_shops_toml_that_is_a_fifo_is_refused_not_read(
    make: AppFactory, books_copy: Path
) -> None:
    """F11 on a FIFO named shops.toml used to block the app forever in read_text."""
    shops = books_copy / "shops.toml"
    shops.unlink()
    os.mkfifo(shops)
    app = make(books_copy)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_editor(app, pilot)
        await pilot.press("f11")
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)
        assert any("不是普通文件" in str(note.message) for note in app._notifications)


async def test_shops_toml_not_in_utf8_is_refused_not_garbled(make: AppFactory, books_copy: Path) -> None:
    shops = books_copy / "shops.toml"
    shops.write_bytes('[[shop]]\nshop_name = "店"\n'.encode() + "# 注释\n".encode("gbk"))
    before = shops.read_bytes()
    app = make(books_copy)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_editor(app, pilot)
        await pilot.press("f11")
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)
        assert any("UTF-8" in str(note.message) for note in app._notifications)
    assert shops.read_bytes() == before


async def test_placeholders_are_highlighted_in_the_text_field(make: AppFactory, books_copy: Path) -> None:
    app = make(books_copy)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_editor(app, pilot)
        await set_field(screen, pilot, "text", "亲，{shop_name}欢迎\n单号{tracking_no|稍后告知} {{字面}}")
        area = screen.query_one("#field-text", TextArea)
        line0, line1 = area.document.lines
        spans = {row: [(s, e) for s, e, _ in area._highlights[row]] for row in (0, 1)}
        assert [line0.encode()[s:e].decode() for s, e in spans[0]] == ["{shop_name}"]
        assert [line1.encode()[s:e].decode() for s, e in spans[1]] == ["{tracking_no|稍后告知}"]


def test_conflict_snapshot(snap_compare, books_copy: Path) -> None:
    """The conflict screen at 100×30: what was merged on its own, then 欢迎语 mine and theirs
    side by side, the differing 标题 first and marked ≠, and the M/T/B keys."""
    from quickreply.tui.app import make_app
    from tests.conftest import FROZEN_NOW

    app = make_app([books_copy], history=False, clock=lambda: FROZEN_NOW, watch=False, start_in_editor=True)

    async def conflict(pilot) -> None:
        await pilot.pause()
        await set_field(editor(pilot.app), pilot, "title", "我的欢迎语")
        colleague_saves(
            books_copy / "01-presale.toml",
            ('title = "欢迎语"', 'title = "同事的欢迎语"'),
            ('title = "缺货补货中"', 'title = "同事改的缺货标题"'),
        )
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=conflict)
