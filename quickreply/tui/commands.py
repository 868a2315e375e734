"""The command palette (Ctrl+P) in the agent's language: Textual's system commands with
Chinese titles (主题、退出、截图…) and this app's own (问题、编辑、统计、监听剪贴板).

Titles are fixed strings from strings.py (the palette reads system command titles as markup;
nothing from a file goes in here: shop names come through PaletteCommands as plain Content).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.command import CommandPalette
from textual.screen import Screen
from textual.theme import ThemeProvider

from .strings import T

if TYPE_CHECKING:
    from .app import QuickReplyApp

SCREENSHOT = "quickreply-screenshot"
"""The delivery name of our screenshots: the app tells where it went, in Chinese."""


def system_commands(app: QuickReplyApp, screen: Screen[object]) -> Iterator[SystemCommand]:
    """What the palette lists; a command whose action the current screen lacks is left out."""
    yield SystemCommand(T.command_theme, T.command_theme_help, app.action_change_theme)
    yield SystemCommand(T.command_keys, T.command_keys_help, app.action_show_help)
    yield SystemCommand(T.command_problems, T.command_problems_help, app.action_show_problems)
    yield SystemCommand(T.command_stats, T.command_stats_help, app.action_show_stats)
    yield SystemCommand(T.command_edit, T.command_edit_help, app.action_open_editor)
    toggle = getattr(screen, "action_toggle_clipboard_watch", None)
    if toggle is not None:
        yield SystemCommand(T.command_clipboard_watch, T.command_clipboard_watch_help, toggle)
    if screen.maximized is not None:  # no 最大化: the search box would fill the screen; but undo one
        yield SystemCommand(T.command_minimize, T.command_minimize_help, screen.action_minimize)
    yield SystemCommand(
        T.command_screenshot, T.command_screenshot_help, lambda: app.set_timer(0.1, app.save_screenshot_svg)
    )
    yield SystemCommand(T.command_quit, T.command_quit_help, app.action_quit)


def command_palette() -> CommandPalette:
    return CommandPalette(id="--command-palette", placeholder=T.palette_placeholder)


def theme_palette() -> CommandPalette:
    return CommandPalette(providers=[ThemeProvider], placeholder=T.themes_placeholder)
