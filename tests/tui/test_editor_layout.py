"""The editor at 80×24 and at 200×50: panes as tabs or side by side, every label and dialog
text whole, focus that leaves a field's text alone, and keys typed fast landing where meant."""

from __future__ import annotations

import re
from pathlib import Path

from textual import events
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, Tabs

from quickreply.tui.app import QuickReplyApp
from quickreply.tui.screens.confirm import ConfirmScreen
from quickreply.tui.screens.editor import FIELDS, HINTS, LABELS, EditorScreen
from quickreply.tui.strings import T

from .conftest import AppFactory
from .test_editor import open_editor
from .test_wide_chars import cell_slice


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def rendered(widget: Widget) -> str:
    """The text a widget draws in the cells it has (cut text stays cut)."""
    lines = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "".join(line.text for line in lines)


def screen_text(app: QuickReplyApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def region_text(app: QuickReplyApp, region: Region) -> str:
    """The screen's text inside ``region`` (a dialog over other widgets)."""
    lines = screen_text(app).split("\n")[region.y : region.bottom]
    return "\n".join(cell_slice(line, region.x, region.right) for line in lines)


def shown(widget: Widget) -> bool:
    return widget.display and all(
        ancestor.display for ancestor in widget.ancestors if isinstance(ancestor, Widget)
    )


def panes(screen: EditorScreen) -> dict[str, Widget]:
    return {
        "tree": screen.query_one("#book-tree"),
        "form": screen.query_one("#editor-form"),
        "preview": screen.query_one("#editor-side"),
    }


async def type_at_once(app: QuickReplyApp, pilot, keys: list[str]) -> None:
    """Keys as a fast typist's burst: all read before any is handled (Pilot.press waits for
    each key to be handled, which hides the races this is about)."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))
    await pilot.pause()
    await pilot.pause()


async def test_narrow_editor_shows_one_pane_at_a_time_and_wide_shows_three(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_editor(app, pilot)
        assert screen.has_class("-narrow")
        assert shown(screen.query_one(Tabs))
        assert [name for name, pane in panes(screen).items() if shown(pane)] == ["tree"]
        assert panes(screen)["tree"].size.width >= 70  # the whole width, not 28 of 80
        await pilot.press("ctrl+pagedown")
        assert [name for name, pane in panes(screen).items() if shown(pane)] == ["form"]
        assert screen.query_one(Tabs).active == "tab-form"
        await pilot.press("ctrl+pagedown")
        assert [name for name, pane in panes(screen).items() if shown(pane)] == ["preview"]
        await pilot.press("ctrl+pageup", "ctrl+pageup")
        assert [name for name, pane in panes(screen).items() if shown(pane)] == ["tree"]

        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        assert screen.has_class("-wide")
        assert not shown(screen.query_one(Tabs))
        tree, form, side = panes(screen).values()
        assert all(shown(pane) for pane in (tree, form, side))
        assert tree.region.right <= form.region.x and form.region.right <= side.region.x
        assert form.size.width >= 80

        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert screen.has_class("-narrow")
        assert sum(shown(pane) for pane in panes(screen).values()) == 1


async def test_a_narrowed_editor_shows_the_pane_being_worked_in(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_editor(app, pilot)
        screen.set_focus(screen.query_one("#field-title", Input))
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert screen.pane == "form"
        assert shown(screen.query_one("#field-title"))


async def test_every_label_and_hint_whole_at_80x24(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_editor(app, pilot)
        await pilot.press("enter")  # a reply in the tree: its form
        form = screen.query_one("#editor-form")
        assert shown(form)
        labels = [label for label in form.query(Label) if "field-label" in label.classes]
        assert [str(label.visual) for label in labels] == [LABELS[name] for name in FIELDS]
        for label in labels:
            assert squeeze(rendered(label)) == squeeze(LABELS[FIELDS[labels.index(label)]])
            assert label.region.right <= form.content_region.right
        hints = [hint for hint in form.query(Static) if "field-hint" in hint.classes]
        assert len(hints) == len(HINTS)
        for hint, text in zip(hints, HINTS.values(), strict=True):
            assert squeeze(rendered(hint)) == squeeze(text)
        stage = screen.query_one("#field-stage", Select)
        assert stage.size.height == 1  # compact: no border to overflow the form
        assert form.content_region.x <= stage.region.x and stage.region.right <= form.content_region.right


async def test_dialog_texts_whole_at_80x24(make: AppFactory) -> None:
    question = (
        "01-presale.toml 现在无法读取，不能合并：第 3 行的 TOML 格式有误。"
        "可重新载入（放弃你的修改）或取消。冲突的条目不会覆盖。怎么办？"
    )
    books = ["售中跟进", "售后处理", "双十二大促活动话术", "个人话术"]
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(app, pilot)
        await app.push_screen(ConfirmScreen(question, [(str(n), name) for n, name in enumerate(books)]))
        await pilot.pause()
        await pilot.pause()
        dialog = app.screen.query_one("#confirm-dialog")
        text = region_text(app, dialog.content_region)
        assert squeeze(question) in squeeze(text)
        for name in books:  # too many to stand side by side: one under another, all whole
            assert name in text
        for button in app.screen.query(Button):
            assert dialog.content_region.contains_region(button.region)
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        await pilot.pause()
        assert all(name in screen_text(app) for name in books)


async def test_focusing_a_field_does_not_select_its_text(make: AppFactory) -> None:
    """Was: Input selected all on focus, so the first key typed replaced the whole id."""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_editor(app, pilot)
        await pilot.press("enter")  # from the tree into the form: the id field
        field = screen.query_one("#field-id", Input)
        assert app.focused is field
        await pilot.press("x")
        assert field.value == "greet-welcomex"
        await pilot.press("tab", "tab", "shift+tab", "shift+tab", "y")
        assert app.focused is field and field.value == "greet-welcomexy"
        assert screen.session.books[0].phrases[0].id == "greet-welcomexy"


async def test_keys_typed_fast_land_in_their_fields(make: AppFactory, books_copy: Path) -> None:
    """Was: Tab moved the focus only when the field being left handled it, so the keys typed
    right behind it had already been handed to that field."""
    for size in ((80, 24), (200, 50)):
        app = make(books_copy)
        async with app.run_test(size=size) as pilot:
            screen = await open_editor(app, pilot)
            # ↓↓ to the third reply, Enter into its form, then the id, title and codes.
            keys = ["down", "down", "enter", *"-x", "tab", *"（现货）", "tab", "tab", *" kc"]
            await type_at_once(app, pilot, keys)
            book = screen.session.books[0]
            draft = book.phrases[2]
            assert (draft.id, draft.title, draft.keys) == (
                "stock-yes-x",
                "有货吗：能拍就有货（现货）",
                ["yh", "xh", "kc"],
            )
            assert screen.query_one("#field-id", Input).value == "stock-yes-x"
            # F5 then the new reply's id and title straight away.
            await type_at_once(app, pilot, ["f5", "ctrl+u", *"in-stock", "tab", "ctrl+u", *"有现货"])
            await pilot.pause()
            new = book.phrases[3]
            assert (new.id, new.title) == ("in-stock", "有现货")
            assert app.focused is screen.query_one("#field-title", Input)


async def test_f12_duplicates_and_f6_is_the_apps_statistics(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_editor(app, pilot)
        book = screen.session.books[0]
        count = len(book.phrases)
        await pilot.press("f12")
        await pilot.pause()
        assert len(book.phrases) == count + 1
        assert book.phrases[1].id == "greet-welcome-2"
        assert app.focused is screen.query_one("#field-id", Input)
        await pilot.press("f6")
        await pilot.pause()
        from quickreply.tui.screens.stats import StatsScreen

        assert isinstance(app.screen, StatsScreen)
        assert len(book.phrases) == count + 1  # F6 no longer duplicates here


async def test_new_reply_in_a_narrow_editor_opens_its_form(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_editor(app, pilot)
        assert screen.pane == "tree"
        await pilot.press("f5")
        await pilot.pause()
        assert screen.pane == "form" and app.focused is screen.query_one("#field-id", Input)
        assert screen.query_one(Tabs).active == "tab-form"
        assert T.editor_tab_form in screen_text(app)
