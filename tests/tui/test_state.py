"""App state (issue 13): the library, the shop and the stage filter are the app's reactives,
screens hear of changes through messages; a reload keeps the agent's world (a broken shops.toml
keeps the last good shops and the chosen one, with a banner); the chosen shop is remembered
across restarts; the CLI's app paints before the books are loaded."""

from __future__ import annotations

import ast
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Static, Tabs

from quickreply import Library, Stage, load
from quickreply.locations import bundled_phrasebooks, state_file
from quickreply.remembered import remember_shop, remembered_shop
from quickreply.tui.app import QuickReplyApp
from quickreply.tui.strings import T
from quickreply.tui.widgets.preview import Preview
from quickreply.tui.widgets.status_bar import StatusBar
from tests.conftest import FROZEN_NOW
from tests.tui.conftest import AppFactory, RecordingClipboard

TUI = Path(__file__).resolve().parents[2] / "quickreply" / "tui"

TWO_SHOPS = """
[[shop]]
shop_name = "甲店"
cutoff = "16:00"

[[shop]]
shop_name = "乙店"
cutoff = "17:00"
"""

BROKEN_SHOPS = TWO_SHOPS + '\n[[shop]\nshop_name = "丙店"\n'
"""Line 10 misses its closing bracket: a save half-way through an edit."""


def _imports_app(path: Path) -> list[str]:
    """How ``path`` imports quickreply.tui.app, if it does (TYPE_CHECKING blocks included)."""
    package = ["quickreply", "tui", *path.relative_to(TUI).parent.parts]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("quickreply.tui.app")]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names = [f"{module}.{alias.name}" for alias in node.names]
            found += [name for name in [module, *names] if name == "quickreply.tui.app"]
    return found


def test_no_screen_or_widget_imports_the_app() -> None:
    """app.py imports the screens; a screen importing app.py (even for type checking) was an
    import cycle. Screens type the app as tui/context.py's Protocol instead."""
    modules = sorted([*(TUI / "screens").glob("*.py"), *(TUI / "widgets").glob("*.py")])
    assert len(modules) > 10
    offenders = {str(path.relative_to(TUI)): how for path in modules if (how := _imports_app(path))}
    assert offenders == {}


def test_the_import_scan_sees_each_way_of_importing_the_app(tmp_path: Path) -> None:
    screens = TUI / "screens"
    for source in ("from ..app import QuickReplyApp", "from .. import app", "import quickreply.tui.app"):
        probe = screens / "_probe_state_test.py"
        try:
            probe.write_text(f"from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    {source}\n")
            assert _imports_app(probe), source
        finally:
            probe.unlink()
    assert not _imports_app(screens / "search.py")


def banner(app: QuickReplyApp) -> str:
    line = app.main.query_one("#banner", Static)
    return str(line.visual) if line.display else ""


def status(app: QuickReplyApp) -> str:
    return str(app.main.query_one(StatusBar).visual)


async def reloaded(app: QuickReplyApp, pilot) -> None:
    app._reload()
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


@pytest.fixture
def two_shops(books_copy: Path) -> Path:
    (books_copy / "shops.toml").write_text(TWO_SHOPS, encoding="utf-8")
    return books_copy


async def test_a_broken_shops_file_keeps_the_chosen_shop(make: AppFactory, two_shops: Path) -> None:
    app = make(two_shops)
    async with app.run_test(notifications=True) as pilot:
        await pilot.press("f4")
        assert app.shop is not None and app.shop.name == "乙店"
        (two_shops / "shops.toml").write_text(BROKEN_SHOPS, encoding="utf-8")
        app._notifications.clear()
        await reloaded(app, pilot)
        assert app.shop is not None and app.shop.name == "乙店"  # not 未设置店铺, not 甲店
        assert [shop.name for shop in app.library.shops] == ["甲店", "乙店"]
        assert "乙店" in status(app)
        assert "shops.toml:10" in banner(app) and "乙店" in banner(app)
        messages = [n.message for n in app._notifications]
        assert any("shops.toml" in message for message in messages), messages
        assert "短语书已更新" not in messages  # the toast names what failed, not the books
        # A reply with {shop_name} still fills it: no form asking for it.
        await pilot.press(*"huanying", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, type(app.main))

        (two_shops / "shops.toml").write_text(TWO_SHOPS, encoding="utf-8")
        await reloaded(app, pilot)
        assert banner(app) == ""  # fixed: the banner goes
        assert app.shop is not None and app.shop.name == "乙店"  # and the shop stays


async def test_a_broken_shops_file_at_start_is_named(make: AppFactory, books_copy: Path) -> None:
    (books_copy / "shops.toml").write_text(BROKEN_SHOPS, encoding="utf-8")
    app = make(books_copy)
    async with app.run_test(notifications=True) as pilot:
        await pilot.pause()
        assert "shops.toml:10" in banner(app)
        assert any("shops.toml" in n.message for n in app._notifications)


async def test_the_empty_query_list_follows_a_reload(make: AppFactory, books_copy: Path) -> None:
    app = make(books_copy)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.main.results.hits[0].phrase.title == "欢迎语"
        assert "新欢迎语" not in app.export_screenshot()
        book = books_copy / "01-presale.toml"
        book.write_text(book.read_text(encoding="utf-8").replace('title = "欢迎语"', 'title = "新欢迎语"'),
                        encoding="utf-8")
        await reloaded(app, pilot)
        assert "新欢迎语" in app.export_screenshot()  # the row drawn, not only the data behind it


async def test_the_chosen_shop_is_remembered_across_restarts(make: AppFactory, two_shops: Path) -> None:
    app = make(two_shops)
    async with app.run_test() as pilot:
        await pilot.press("f4")
        await app.workers.wait_for_complete()
    assert remembered_shop() == "乙店"
    again = make(two_shops)
    async with again.run_test() as pilot:
        await pilot.pause()
        assert again.shop is not None and again.shop.name == "乙店"
        assert "乙店" in status(again)
    told = make(two_shops, shop="甲店")  # --shop on the command line wins
    assert told.shop is not None and told.shop.name == "甲店"


def test_an_unknown_remembered_shop_falls_back_to_the_first(make: AppFactory, two_shops: Path) -> None:
    remember_shop("早就关了的店")
    app = make(two_shops)
    assert app.shop is not None and app.shop.name == "甲店"
    state_file().write_text("{不是 json", encoding="utf-8")
    assert remembered_shop() is None
    assert make(two_shops).shop.name == "甲店"  # type: ignore[union-attr]


async def test_the_stage_filter_is_the_apps(make: AppFactory) -> None:
    app = make()
    async with app.run_test() as pilot:
        await pilot.press("tab")
        assert app.stage is Stage.PRE_SALE
        app.stage = Stage.AFTER_SALE  # set from outside the screen: the screen follows
        await pilot.pause()
        assert app.main.query_one("#stages", Tabs).active == f"stage-{Stage.AFTER_SALE}"
        assert Stage.AFTER_SALE.label in status(app)
        assert all(hit.phrase.stage is Stage.AFTER_SALE for hit in app.main.results.hits)


def deferred_app(
    clipboard: RecordingClipboard,
    loader: Callable[[], Library],
    directory: Path,
    shop: str | None = None,
    *,
    start_in_editor: bool = False,
) -> QuickReplyApp:
    return QuickReplyApp(
        None,
        loader=loader,
        directories=[directory],
        shop=shop,
        start_in_editor=start_in_editor,
        copier=clipboard,
        clock=lambda: FROZEN_NOW,
        watch=False,
    )


async def until(pilot, condition: Callable[[], bool], what: str) -> None:
    for _ in range(400):  # a bound against a hang, not a speed test
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}")


async def test_typing_before_the_books_arrive_is_searched_when_they_do(clipboard: RecordingClipboard) -> None:
    gate = threading.Event()

    def slow_load() -> Library:
        gate.wait(30)
        return load(bundled_phrasebooks(), clock=lambda: FROZEN_NOW)

    app = deferred_app(clipboard, slow_load, bundled_phrasebooks())
    async with app.run_test() as pilot:
        await pilot.press(*"fp")
        assert app.loading and app.main.results.hits == []
        assert "正在载入" in banner(app)
        # Not "no reply found" and "no shop set": nothing is loaded yet (new-user trial).
        assert str(app.main.query_one(Preview).visual) == T.preview_loading
        assert T.shop_loading in status(app) and T.no_shop not in status(app)
        await pilot.press("f3")  # no editor over books not loaded yet: it could save them empty
        assert app.screen is app.main
        gate.set()
        await until(pilot, lambda: not app.loading, "the books arrived")
        await pilot.pause()
        assert app.main.box.value == "fp"
        assert app.main.results.selected is not None
        assert app.main.results.selected.phrase.id == "invoice-yes"
        assert banner(app) == ""
        assert app.shop is not None and app.shop.name in status(app)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert clipboard.copies == [app.library.render("invoice-yes", shop=app.shop).text]


async def test_a_failed_background_load_is_shown(clipboard: RecordingClipboard, tmp_path: Path) -> None:
    def broken() -> Library:
        raise OSError("磁盘读不出来")

    app = deferred_app(clipboard, broken, tmp_path)
    async with app.run_test(notifications=True) as pilot:
        await until(pilot, lambda: not app.loading, "the load gave up")
        await pilot.pause()
        assert "磁盘读不出来" in banner(app)
        assert any("磁盘读不出来" in n.message and n.severity == "error" for n in app._notifications)
        await pilot.press(*"fp", "enter")  # still alive: nothing to copy, a bell
        assert clipboard.copies == []


async def test_an_unknown_shop_found_after_a_background_load_ends_the_app(
    clipboard: RecordingClipboard, two_shops: Path
) -> None:
    app = deferred_app(clipboard, lambda: load(two_shops), two_shops, shop="丙店")
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.unknown_shop is not None, "the shop was looked up")
    assert app.unknown_shop == "丙店"
    assert app.return_code == 2


async def test_quickreply_edit_opens_the_editor_once_the_books_are_in(
    clipboard: RecordingClipboard, books_copy: Path
) -> None:
    from quickreply.tui.screens.editor import EditorScreen

    app = deferred_app(clipboard, lambda: load(books_copy), books_copy, start_in_editor=True)
    async with app.run_test() as pilot:
        await until(pilot, lambda: isinstance(app.screen, EditorScreen), "the editor opened")
        # Let it finish mounting: leaving run_test mid-mount tore the stage Select down under
        # its own Mount handler (NoMatches '#label'), a teardown race, not the editor's.
        await until(pilot, lambda: bool(app.screen.query("#field-stage SelectCurrent #label")), "mounted")
        assert isinstance(app.screen, EditorScreen)
        assert len(app.screen.session.books) == len(app.library.books) > 0


def test_a_state_dir_that_cannot_be_written_is_no_error(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the state dir would be", encoding="utf-8")
    remember_shop("乙店", blocked / "state.json")  # no exception: a nicety, not a failure
    assert remembered_shop(blocked / "state.json") is None
    remember_shop("乙店", tmp_path / "ok" / "state.json")
    assert remembered_shop(tmp_path / "ok" / "state.json") == "乙店"
    assert [path.name for path in (tmp_path / "ok").iterdir()] == ["state.json"]  # no temp left
