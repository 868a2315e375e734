"""Chinese text drawn over other widgets stays whole (quickreply.tui.wide_chars).

Textual cut every line at the edges of the widgets *under* a toast, and a character lying
across such an edge became two spaces: "有错      复不能保存" at 80×24 over the editor.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.console import Console
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.geometry import Region
from textual.widgets import Static
from textual.widgets._toast import Toast

from quickreply.tui.wide_chars import install

from .conftest import AppFactory

MESSAGES = [
    "已保存 01-presale.toml",
    "有错误不能保存：id 已被使用（01-presale.toml 第 3 条），标题不能为空，修复后再按 Ctrl+S",
]


def screen_lines(app: App[None]) -> list[str]:
    """What the screen shows, line by line, rendered as a full frame."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def toast_text(app: App[None], lines: list[str]) -> str:
    """The text inside the toast's box, its lines joined without the wrapping spaces."""
    toast = app.screen.query_one(Toast)
    inside = toast.content_region
    rows = []
    for line in lines[inside.y : inside.bottom]:
        cells = cell_slice(line, inside.x, inside.right)
        rows.append(cells.strip())
    return "".join(rows)


def cell_slice(line: str, start: int, end: int) -> str:
    """Columns start..end of a line holding double-width characters."""
    out, column = [], 0
    for char in line:
        width = cell_len(char)
        if column >= start and column + width <= end:
            out.append(char)
        column += width
    return "".join(out)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


async def test_toasts_over_the_editor_are_whole_at_80x24(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        for message in MESSAGES:
            app.clear_notifications()
            app.notify(message, markup=False, timeout=30)
            await pilot.pause()
            lines = screen_lines(app)
            assert squeeze(toast_text(app, lines)) == squeeze(message)


class Stripes(App[None]):
    """Columns 3 cells wide under the toast: an edge inside every other character."""

    CSS = "Horizontal > Static { width: 3; height: 1fr; }"

    def compose(self) -> ComposeResult:
        with Horizontal():
            for number in range(27):
                yield Static(str(number))


async def test_a_partial_frame_writes_whole_characters() -> None:
    """The usual frame repaints only what changed: a widget under the toast whose region
    starts inside the toast's text must not make the frame write half a character."""
    install()
    app = Stripes()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.notify(MESSAGES[0], markup=False, timeout=30)
        await pilot.pause()
        toast = app.screen.query_one(Toast)
        row = toast.content_region.y
        text = cell_slice(screen_lines(app)[row], toast.content_region.x, toast.content_region.right)
        assert text.strip() == MESSAGES[0]
        compositor = app.screen._compositor
        inside = [cut for cut in compositor.cuts[row] if toast.content_region.x < cut < toast.region.right]
        assert len(inside) > 5
        for cut in inside:
            # What a widget under the toast marks for repainting when it changes.
            compositor._dirty_regions.add(Region(cut, row, 3, 1))
            update = compositor.render_partial_update()
            assert update is not None
            console = Console(width=80, color_system=None, legacy_windows=False)
            written = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", update.render_segments(console))
            assert MESSAGES[0] in written
