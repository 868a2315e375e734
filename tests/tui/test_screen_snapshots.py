"""Every screen at 80×24 and 200×50, in the dark and the light theme, compared with stored SVGs
(`pytest --snapshot-update` renews them; look at each changed SVG before committing it).

One test per screen, parametrised by size and theme; each docstring says what you should see.
Clock frozen (tests.conftest.FROZEN_NOW), no usage record, no clipboard.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from quickreply.clipboard import CopyMethod, CopyResult
from quickreply.locations import bundled_phrasebooks
from quickreply.tui.app import QuickReplyApp, make_app
from tests.conftest import FROZEN_NOW

SIZES = [(80, 24), (200, 50)]
THEMES = ["textual-dark", "textual-light"]

every_size_and_theme = pytest.mark.parametrize(
    ("size", "theme"), [(size, theme) for size in SIZES for theme in THEMES], ids=lambda v: str(v)
)


def no_clipboard(text: str) -> CopyResult:
    return CopyResult(CopyMethod.NONE, "测试：没有剪贴板")


def app(*directories: Path, start_in_editor: bool = False, copier=None) -> QuickReplyApp:
    return make_app(
        list(directories) or [bundled_phrasebooks()],
        history=False,
        copier=copier or (lambda text: (_ for _ in ()).throw(AssertionError("no copy in snapshots"))),
        clock=lambda: FROZEN_NOW,
        watch=False,
        start_in_editor=start_in_editor,
    )


def themed(theme: str, *keys: str, then: Callable[[object], Awaitable[None]] | None = None):
    async def run_before(pilot) -> None:
        pilot.app.theme = theme
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
        if then is not None:
            await then(pilot)
        await pilot.pause()

    return run_before



def broken_books(tmp_path: Path) -> Path:
    folder = tmp_path / "books"
    folder.mkdir()
    (folder / "a.toml").write_text(
        '[book]\nname = "好"\nstage = "pre-sale"\n[[phrase]]\nid = "a"\ntitle = "你好"\ntext = "亲"\n',
        encoding="utf-8",
    )
    (folder / "b.toml").write_text('[book]\nname = "坏"\n[[phrase]\n', encoding="utf-8")
    return folder


async def relative_problem_paths(pilot) -> None:
    """The tmp path differs per run: the panel shows file names only."""
    pilot.app.library.problems[:] = [
        type(p)(Path(p.file.name), p.line, p.message, p.severity, p.code, p.phrase, p.column)
        for p in pilot.app.library.problems
    ]


@every_size_and_theme
def test_search(snap_compare, size, theme) -> None:
    """The agent's screen: shop, 14:32 and the cutoff; stage tabs; 发票 typed, the invoice replies
    listed with 发票 highlighted (at 200 columns each row also shows the reply's first words);
    the preview of the first; the footer with labelled keys."""
    assert snap_compare(app(), run_before=themed(theme, *"发票"), terminal_size=size)


@every_size_and_theme
def test_fill_form(snap_compare, size, theme) -> None:
    """The form asking for the tracking number (快递单号) of the 已经发货了 reply."""
    assert snap_compare(app(), run_before=themed(theme, *"yfh", "enter"), terminal_size=size)


@every_size_and_theme
def test_help(snap_compare, size, theme) -> None:
    """F1: every key once with its meaning, this screen's then every screen's."""
    assert snap_compare(app(), run_before=themed(theme, "f1"), terminal_size=size)


@every_size_and_theme
def test_problems(snap_compare, size, theme, tmp_path: Path) -> None:
    """F2: the broken book listed with file, line and column; the other book still loaded."""

    async def open_problems(pilot) -> None:
        await relative_problem_paths(pilot)
        await pilot.press("f2")

    assert snap_compare(
        app(broken_books(tmp_path)), run_before=themed(theme, then=open_problems), terminal_size=size
    )


@every_size_and_theme
def test_stats(snap_compare, size, theme) -> None:
    """F6 with the usage record off (--no-history): the dialog says there are no statistics."""
    assert snap_compare(app(), run_before=themed(theme, "f6"), terminal_size=size)


@every_size_and_theme
def test_copy_guard(snap_compare, size, theme) -> None:
    """The 好评返现 reply flagged red; Enter asks once, naming what the rules found."""
    assert snap_compare(app(), run_before=themed(theme, *"hpfx", "enter"), terminal_size=size)


@every_size_and_theme
def test_manual_copy(snap_compare, size, theme) -> None:
    """No clipboard: the reply shown selected to copy by hand, with the reason."""
    assert snap_compare(
        app(copier=no_clipboard), run_before=themed(theme, *"xhp", "enter"), terminal_size=size
    )


@every_size_and_theme
def test_palette(snap_compare, size, theme) -> None:
    """Ctrl+P: the command palette in Chinese (切换店铺, 主题, 显示快捷键 …)."""
    from textual.command import CommandList

    async def listed(pilot) -> None:
        # The commands arrive from the providers asynchronously: wait until every one is in.
        counts: list[int] = []
        for _ in range(100):  # a bound against a hang, not a speed test
            await pilot.pause(0.05)
            counts.append(pilot.app.screen.query_one(CommandList).option_count)
            if len(counts) > 5 and counts[-1] > 0 and len(set(counts[-5:])) == 1:
                break
        pilot.app.screen.query_one(CommandList).highlighted = 0

    assert snap_compare(app(), run_before=themed(theme, "ctrl+p", then=listed), terminal_size=size)


@every_size_and_theme
def test_editor(snap_compare, size, theme, books_copy: Path) -> None:
    """The editor: at 80×24 the 短语书 / 回复 / 预览 tabs with the tree; at 200×50 tree, form
    and preview side by side. Labels whole."""
    assert snap_compare(app(books_copy, start_in_editor=True), run_before=themed(theme), terminal_size=size)


@every_size_and_theme
def test_editor_form(snap_compare, size, theme, books_copy: Path) -> None:
    """The form of 欢迎语 (Enter on it in the tree): every label whole at 80×24."""
    assert snap_compare(
        app(books_copy, start_in_editor=True), run_before=themed(theme, "down", "enter"), terminal_size=size
    )


@every_size_and_theme
def test_quit_with_unsaved_edits(snap_compare, size, theme, books_copy: Path) -> None:
    """A new reply not saved, then Ctrl+Q: the question whole, two answers."""
    assert snap_compare(
        app(books_copy, start_in_editor=True), run_before=themed(theme, "f5", "ctrl+q"), terminal_size=size
    )


@every_size_and_theme
def test_shops(snap_compare, size, theme, books_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """F11 in the editor: shops.toml in an editor with its checks (the title names the file
    from the current folder: the test runs in the books' folder, whose path differs per run)."""
    monkeypatch.chdir(books_copy)
    assert snap_compare(
        app(books_copy, start_in_editor=True), run_before=themed(theme, "f11"), terminal_size=size
    )


@every_size_and_theme
def test_conflict(snap_compare, size, theme, books_copy: Path) -> None:
    """A colleague saved 01-presale.toml while the lead edited 欢迎语: Ctrl+S opens the
    conflict, mine and theirs side by side with the keys to choose."""
    from tests.tui.test_editor import colleague_saves, editor, set_field

    async def conflict(pilot) -> None:
        await set_field(editor(pilot.app), pilot, "title", "我的欢迎语")
        colleague_saves(
            books_copy / "01-presale.toml",
            ('title = "欢迎语"', 'title = "同事的欢迎语"'),
        )
        await pilot.press("ctrl+s")

    assert snap_compare(
        app(books_copy, start_in_editor=True), run_before=themed(theme, then=conflict), terminal_size=size
    )
