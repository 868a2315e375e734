"""Pilot tests of sequences (replies with ``parts``): Enter copies part 1, each next Enter the
next part; values are asked once for the whole sequence; usage counts it once."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label

from quickreply.tui.screens.fill import FillForm
from quickreply.tui.screens.search import SearchScreen
from quickreply.tui.widgets.preview import Preview

from .conftest import AppFactory, RecordingClipboard

SEQUENCE = "damaged-parcel-steps"  # the bundled example, three parts, needs order_no


def line(app) -> str:
    """The line under the preview, where a sequence says how far it is."""
    return str(app.main.query_one("#variant", Label).visual)


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_enter_enter_enter_copies_the_parts_in_order(
    make: AppFactory, clipboard: RecordingClipboard
) -> None:
    """The order number is asked once; each Enter copies the next part; the status counts."""
    app = make(history=True)
    parts = [
        part.text for part in app.library.render_parts(SEQUENCE, shop=app.shop, values={"order_no": "TB778"})
    ]
    async with app.run_test(notifications=True) as pilot:
        await pilot.press(*"psfd")
        assert app.main.results.selected.phrase.id == SEQUENCE
        assert "【1/3】" in str(app.main.query_one(Preview).visual)  # the preview numbers the parts
        assert "【3/3】" in str(app.main.query_one(Preview).visual)
        assert line(app) == "分 3 段发送：Enter 复制第 1 段"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FillForm)
        assert app.screen.names == ("order_no",)  # every part's missing names, asked once
        await pilot.press(*"TB778", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SearchScreen)
        assert clipboard.copies == parts[:1]
        assert line(app) == "1/3 已复制，Enter 复制下一段"
        assert "1/3 已复制，Enter 复制下一段" in notices(app)
        assert app.main.box.value == "psfd"  # kept: the same reply stays selected
        shown = str(app.main.query_one(Preview).visual)
        assert "TB778" in shown and "{order_no}" not in shown  # the preview shows the value given

        await pilot.press("enter")  # no form again: the values were taken for all parts
        await settle(app, pilot)
        assert isinstance(app.screen, SearchScreen)
        assert clipboard.copies == parts[:2]
        assert "TB778" in clipboard.copies[1] and "{" not in clipboard.copies[1]
        assert line(app) == "2/3 已复制，Enter 复制下一段"

        await pilot.press("enter")
        await settle(app, pilot)
        assert clipboard.copies == parts
        assert "3/3 已复制，全部发完" in notices(app)
        assert app.main.sequence is None
        assert app.main.box.value == ""  # all sent: ready for the next buyer

        await pilot.press(*"psfd", "enter")  # a new sequence starts from part 1
        await pilot.pause()
        assert isinstance(app.screen, FillForm)
        await pilot.press(*"TB778", "enter")  # an order number is fresh: never offered again
        await settle(app, pilot)
        assert clipboard.copies[-1] == parts[0]
        assert app.usage is not None
        used = [row for row in app.usage.rows() if SEQUENCE in row]
        assert len(used) == 2  # two sequences started, each counted once (not once per part)


async def test_new_query_ends_the_sequence(make: AppFactory, clipboard: RecordingClipboard) -> None:
    """Typing another question ends the sequence: Enter then copies the new reply."""
    app = make()
    async with app.run_test() as pilot:
        await pilot.press(*"psfd", "enter")
        await pilot.pause()
        await pilot.press(*"A1", "enter")
        await settle(app, pilot)
        assert len(clipboard.copies) == 1 and app.main.sequence is not None
        await pilot.press("backspace")  # the box no longer says what it said
        assert app.main.sequence is None
        await pilot.press(*["backspace"] * 3, *"fp")
        await pilot.press("enter")
        await settle(app, pilot)
        assert clipboard.copies[-1] == app.library.render("invoice-yes", shop=app.shop).text


async def test_escape_ends_the_sequence(make: AppFactory, clipboard: RecordingClipboard) -> None:
    """Esc ends a sequence; the same reply then starts from part 1 again."""
    app = make(history=True)
    async with app.run_test() as pilot:
        await pilot.press(*"psfd", "enter")
        await pilot.pause()
        await pilot.press(*"A1", "enter")
        await settle(app, pilot)
        await pilot.press("escape")
        assert app.main.sequence is None and app.main.box.value == ""
        await pilot.press(*"psfd", "enter")
        await pilot.pause()
        await pilot.press(*"A1", "enter")  # the form again (an order number is never prefilled)
        await settle(app, pilot)
        assert clipboard.copies[0] == clipboard.copies[1]  # part 1 twice, never part 2
        assert app.usage is not None
        assert app.usage.misses() == []  # Esc after a copied part is not a search given up


async def test_another_reply_selected_starts_afresh(
    make: AppFactory, clipboard: RecordingClipboard, tmp_path: Path
) -> None:
    """Enter on a different reply (arrow keys) copies that reply, not the next part."""
    book = tmp_path / "seq.toml"
    book.write_text(
        '[book]\nname = "测试"\nstage = "after-sale"\n\n'
        '[[phrase]]\nid = "seq-a"\ntitle = "分段甲"\nparts = ["甲一", "甲二"]\nkeys = ["xa"]\n\n'
        '[[phrase]]\nid = "seq-b"\ntitle = "分段乙"\nparts = ["乙一", "乙二"]\nkeys = ["xb"]\n',
        encoding="utf-8",
    )
    app = make(tmp_path)
    async with app.run_test() as pilot:
        assert app.main.results.selected.phrase.id == "seq-a"
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert clipboard.copies == ["甲一", "乙一", "乙二"]


def test_sequence_preview_snapshot(snap_compare) -> None:
    """The query psfd selects 运输破损分段安抚; the preview shows its three parts under 【1/3】
    【2/3】【3/3】 with {order_no} missing in red, and the line below says
    分 3 段发送：Enter 复制第 1 段."""
    from quickreply.locations import bundled_phrasebooks
    from quickreply.tui.app import make_app
    from tests.conftest import FROZEN_NOW

    app = make_app([bundled_phrasebooks()], history=False, clock=lambda: FROZEN_NOW, watch=False)
    assert snap_compare(app, press=[*"psfd"], terminal_size=(100, 30))


async def test_editor_splits_a_reply_into_parts_with_separator_lines(
    make: AppFactory, books_copy: Path
) -> None:
    """A lead types a line --- into 回复内容: the preview numbers the parts, an empty part is
    an error under the field, variants are refused, and saving writes ``parts``."""
    from textual.widgets import TextArea

    import quickreply
    from quickreply.tui.screens.editor import EditorScreen

    app = make(books_copy)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        area = screen.query_one("#field-text", TextArea)
        area.text = "亲，您好！\n---\n"
        await pilot.pause()
        assert "第 2 段是空的" in str(screen.query_one("#findings-text").visual)
        area.text = "亲，您好！\n---\n欢迎光临{shop_name}"
        await pilot.pause()
        assert str(screen.query_one("#findings-text").visual) == ""
        assert "不能有其他说法" in str(screen.query_one("#findings-variants").visual)  # 欢迎语 has some
        screen.query_one("#field-variants", TextArea).text = ""
        await pilot.pause()
        assert str(screen.query_one("#findings-variants").visual) == ""
        shown = str(screen.query_one("#editor-preview").visual)
        assert "【1/2】\n亲，您好！\n【2/2】\n欢迎光临青禾家居旗舰店" in shown
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = quickreply.load(books_copy).phrase("greet-welcome")
        assert saved.parts == ("亲，您好！", "欢迎光临{shop_name}")
        assert 'parts = [\n    "亲，您好！",' in (books_copy / "01-presale.toml").read_text("utf-8")
