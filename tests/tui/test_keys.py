"""One meaning per key; the footer at 80 columns; F1 help and the command palette.

The rules for keys (the meaning of a binding is its description: what the footer and F1 show):

1. On one screen, a key means one thing: the screen's own bindings (and those of the widgets
   it declares, such as the search box), together with the App's, never give one key two
   descriptions. A screen binding that overrides an App key with another meaning is a clash.
   Allowed: a dialog opened by an App key closes on the same key (F1 opens help and F1 closes
   it, F6 statistics, F2 problems): that key toggles the one thing.
2. Across screens, a key with a label in the App's footer (F1 帮助, F3 编辑, F6 统计…, and
   ^P 命令) means the same on every screen (rule 1's toggle allowed).
3. The full screens an agent or lead works in (search, editor) give a key shown in either
   footer the same meaning in both. Except Esc and Enter, which mean "back out of what is in
   front" and "do it" everywhere (Esc clears the search box, leaves the editor, closes a dialog).
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pkgutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import ClassVar

import pytest
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.widgets._footer import FooterKey

import quickreply.tui.screens
from quickreply.tui.app import QuickReplyApp
from quickreply.tui.keys import key_display, keys_display
from quickreply.tui.screens.help import HelpScreen, help_rows
from quickreply.tui.screens.problems import ProblemsScreen
from quickreply.tui.screens.search import SearchScreen
from quickreply.tui.screens.stats import StatsScreen
from quickreply.tui.strings import T
from quickreply.tui.widgets.key_footer import Item, fit
from quickreply.tui.widgets.search_box import SearchBox

from .conftest import AppFactory

WIDGETS = {SearchScreen: [SearchBox]}
"""Widgets with BINDINGS of their own, per screen that holds them."""
OPENED_BY = {"show_help": HelpScreen, "show_stats": StatsScreen, "show_problems": ProblemsScreen}
"""App action → the dialog it opens (which may close on the same key)."""
CLOSING = {"dismiss", "cancel", "close"}
CONTEXTUAL = {"escape", "enter", "tab"}
"""Keys whose meaning is the context's (rule 3). Tab: the next field in a form (the editor),
the next stage on the search screen, which has one field."""



def screens() -> list[type[Screen[object]]]:
    """Every screen class of the app, found by import: a new screen is checked too."""
    found: dict[str, type[Screen[object]]] = {}
    for module_info in pkgutil.iter_modules(quickreply.tui.screens.__path__):
        module = importlib.import_module(f"quickreply.tui.screens.{module_info.name}")
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Screen) and value.__module__ == module.__name__:
                found[name] = value
    return [found[name] for name in sorted(found)]


def own(bindings: list[BindingType]) -> list[Binding]:
    return list(Binding.make_bindings(bindings))


def screen_bindings(screen: type[Screen[object]]) -> list[Binding]:
    declared = own(screen.BINDINGS)
    for widget in WIDGETS.get(screen, []):
        declared += own(widget.BINDINGS)
    return declared


def app_bindings() -> list[Binding]:
    return own(QuickReplyApp.BINDINGS)


def toggles(screen: type[Screen[object]], binding: Binding, app: Binding) -> bool:
    """``binding`` on ``screen`` closes the dialog that the App binding ``app`` opened."""
    return OPENED_BY.get(app.action) is screen and binding.action in CLOSING


def clashes(screen: type[Screen[object]]) -> list[str]:
    meanings: dict[str, set[str]] = defaultdict(set)
    app_keys = {binding.key: binding for binding in app_bindings()}
    for binding in screen_bindings(screen):
        app = app_keys.get(binding.key)
        if app is not None and toggles(screen, binding, app):
            continue
        meanings[binding.key].add(binding.description)
    for key, binding in app_keys.items():
        if key in meanings:
            meanings[key].add(binding.description)
    return [
        f"{screen.__name__}: {key} = {' / '.join(sorted(m))}" for key, m in meanings.items() if len(m) > 1
    ]


def params_per_screen() -> list[object]:
    return [pytest.param(screen, id=screen.__name__) for screen in screens()]


@pytest.mark.parametrize("screen", params_per_screen())
def test_a_key_means_one_thing_on_each_screen(screen: type[Screen[object]]) -> None:
    assert not clashes(screen)


def footer_keys() -> list[Binding]:
    shown = [binding for binding in app_bindings() if binding.show]
    return shown + [binding for binding in app_bindings() if binding.action == "command_palette"]


def params_per_footer_key() -> list[object]:
    return [pytest.param(binding, id=binding.key) for binding in footer_keys()]


@pytest.mark.parametrize("app_binding", params_per_footer_key())
def test_a_key_in_the_app_footer_means_the_same_everywhere(app_binding: Binding) -> None:
    other = [
        f"{screen.__name__}: {binding.description}"
        for screen in screens()
        for binding in screen_bindings(screen)
        if binding.key == app_binding.key
        and binding.description != app_binding.description
        and not toggles(screen, binding, app_binding)
    ]
    assert not other, f"{app_binding.key} = {app_binding.description} in the footer, but {other}"


def full_screen_keys() -> list[str]:
    keys = {
        binding.key
        for screen in screens()
        if not issubclass(screen, ModalScreen)
        for binding in screen_bindings(screen)
        if binding.show
    }
    return sorted(keys - CONTEXTUAL)


def params_full_screens() -> list[object]:
    return [pytest.param(key, id=key) for key in full_screen_keys()]


@pytest.mark.parametrize("key", params_full_screens())
def test_search_and_editor_agree_on_each_footer_key(key: str) -> None:
    meanings = {
        f"{screen.__name__}: {binding.description}"
        for screen in screens()
        if not issubclass(screen, ModalScreen)
        for binding in screen_bindings(screen) + app_bindings()
        if binding.key == key
    }
    assert len({meaning.split(": ", 1)[1] for meaning in meanings}) == 1, sorted(meanings)


def test_the_clash_rule_catches_an_override() -> None:
    class Clashing(Screen[None]):
        BINDINGS: ClassVar[list[BindingType]] = [
            Binding("f6", "duplicate", "复制一条"),
            Binding("f1,escape", "dismiss", "关闭"),
        ]

    assert clashes(Clashing) == [
        f"Clashing: f6 = 复制一条 / {T.key_stats}",
        f"Clashing: f1 = 关闭 / {T.key_help}",
    ]
    assert clashes(HelpScreen) == []  # F1 closes the help it opened


def test_every_binding_has_a_description_and_tooltip() -> None:
    for screen in screens():
        for binding in screen_bindings(screen) + app_bindings():
            if binding.show:
                assert binding.description, (screen.__name__, binding.key)
    for binding in app_bindings() + screen_bindings(SearchScreen):
        assert binding.description and binding.tooltip, binding.key


# --- key names, footer, help ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("f3", "F3"),
        ("escape", "Esc"),
        ("tab", "Tab"),
        ("enter", "Enter"),
        ("ctrl+p", "^P"),
        ("shift+tab", "Shift+Tab"),
    ],
)
def test_keys_are_named_as_on_the_keycap(key: str, shown: str) -> None:
    assert key_display(Binding(key, "x")) == shown


def test_a_binding_with_several_keys_lists_them() -> None:
    assert keys_display(Binding("escape,f1,q", "dismiss")) == "Esc / F1 / Q"


def test_help_lists_each_key_once_with_the_screen_meaning_first() -> None:
    rows = help_rows(
        [
            Binding("f6", "duplicate", "复制一条"),
            Binding("f1", "help", "帮助"),
            Binding("f6,f2", "stats", "统计"),
        ]
    )
    assert [(keys, binding.description) for keys, binding in rows] == [
        ("F6", "复制一条"),
        ("F1", "帮助"),
        ("F2", "统计"),
    ]


def item(description: str, key: str, need_id: str) -> Item:
    return Item(Binding(key, "x", description, id=need_id), True, "", key)


def test_fit_drops_the_least_needed_first_and_keeps_the_order() -> None:
    items = [
        item("复制", "Enter", "search.copy"),
        item("换个说法", "^N", "search.next-variant"),
        item("帮助", "F1", "app.help"),
    ]
    assert [i.binding.description for i in fit(items, 100)] == ["复制", "换个说法", "帮助"]
    assert [i.binding.description for i in fit(items, 20)] == ["复制", "帮助"]  # 11 + 8 cells
    assert fit(items, 5) == []


def footer_text(app: QuickReplyApp) -> list[str]:
    return [f"{key.key_display} {key.description}" for key in app.main.query(FooterKey)]


async def test_footer_at_80_columns_shows_every_key_an_agent_needs_with_its_label(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = footer_text(app)
        for expected in (
            "Enter 复制",
            "Esc 清空",
            "Tab 阶段",
            "F1 帮助",
            "F2 问题",
            "F3 编辑",
            "F4 店铺",
            "F6 统计",
        ):
            assert expected in shown, shown
        assert shown[-1] == "^P 命令"
        keys = list(app.main.query(FooterKey))
        assert all(key.description for key in keys)
        assert max(key.region.right for key in keys) <= 80  # none cut at the edge
        assert len({key.region.x for key in keys}) == len(keys)  # none hidden under another


async def test_footer_shows_more_when_wide_and_fewer_when_narrow(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        wide = footer_text(app)
        assert {"^N 换个说法", "F7 监听剪贴板", "^Q 退出"} <= set(wide)
        await pilot.resize_terminal(60, 24)
        await pilot.pause()
        await pilot.pause()
        narrow = footer_text(app)
        assert narrow[:3] == ["Enter 复制", "Esc 清空", "Tab 阶段"] and "F7 监听剪贴板" not in narrow
        assert max(key.region.right for key in app.main.query(FooterKey)) <= 60


async def test_palette_lists_chinese_system_commands(make: AppFactory) -> None:
    app = make()
    async with app.run_test() as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {T.command_theme, T.command_quit, T.command_screenshot, T.command_keys} <= set(titles)
        assert {T.command_stats, T.command_problems, T.command_edit, T.command_clipboard_watch} <= set(titles)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"
        assert app.screen.query_one("Input").placeholder == T.palette_placeholder  # type: ignore[attr-defined]
        await pilot.press(*T.command_stats, "enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)


ENGLISH_RUN = """
import asyncio, json
from quickreply.locations import bundled_phrasebooks
from quickreply.tui.app import make_app
from textual.widgets._footer import FooterKey

async def main():
    app = make_app([bundled_phrasebooks()], history=True, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = [key.description for key in app.main.query(FooterKey)]
        commands = [c.title + " " + c.help for c in app.get_system_commands(app.screen)]
        await pilot.press("f1")
        await pilot.pause()
        help = [str(w.visual) for w in app.screen.query(".help-meaning, .help-heading, .dialog-title")]
        stages = [str(tab.label) for tab in app.main.query("Tab")]
        await pilot.press("escape", "f6")
        await pilot.pause()
        report = str(app.screen.query_one("#stats-text").visual)
        # Headings only: the lines under them list replies, whose titles are the books' data.
        statistics = [line for line in report.splitlines() if line and not line.startswith(" ")]
    shown = {"footer": footer, "commands": commands, "help": help, "stages": stages, "stats": statistics}
    print(json.dumps(shown))

asyncio.run(main())
"""


def test_english_footer_help_palette_and_stages() -> None:
    env = {**os.environ, "QUICKREPLY_LANG": "en"}
    result = subprocess.run(
        [sys.executable, "-c", ENGLISH_RUN], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"Help", "Problems", "Edit", "Shop", "Stats"} <= set(shown["footer"])
    assert shown["stages"] == ["All", "Pre-sale", "In-sale", "After-sale"]
    assert "By stage:" in shown["stats"]
    for texts in shown.values():
        for text in texts:
            assert text.isascii() or not any("\u4e00" <= char <= "\u9fff" for char in text), text


async def test_ctrl_c_out_of_habit_says_how_to_quit_in_chinese(make: AppFactory) -> None:
    app = make()
    async with app.run_test(notifications=True) as pilot:
        app.action_help_quit()
        await pilot.pause()
        messages = [(n.title, n.message) for n in app._notifications]
        assert (T.quit_how_title, T.quit_how.format(key="^Q")) in messages


async def test_palette_screenshot_is_saved_and_told_in_chinese(
    make: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make()
    async with app.run_test(notifications=True) as pilot:
        await pilot.press("ctrl+p", *T.command_screenshot, "enter")
        for _ in range(50):  # written in a thread, told through a message
            await pilot.pause(0.1)
            if app._notifications:
                break
        saved = list(tmp_path.glob("*.svg"))
        assert len(saved) == 1 and saved[0].read_text(encoding="utf-8").startswith("<svg")
        assert [n.message for n in app._notifications] == [T.screenshot_saved.format(path=saved[0])]
