"""The results list drawn line by line: a keystroke draws only visible rows that changed, wide
rows show the start of the reply, the cursor stays in view, clicks pick the row under them."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from textual.strip import Strip

from quickreply.model import Phrase, Stage
from quickreply.search import Hit
from quickreply.tui.widgets.results import ResultList, describe

from .conftest import AppFactory

LONG_TEXT = "亲，这件商品我们会在四十八小时内从杭州仓库发出，发货后物流单号会自动同步到订单里，请耐心等待哦。"


def book(tmp_path: Path, count: int = 30) -> Path:
    """``count`` replies about 发货 (more than a screen holds) with long Chinese texts."""
    directory = tmp_path / "many"
    directory.mkdir()
    lines = ['[book]\nname = "发货"\nstage = "in-sale"\n']
    for n in range(count):
        lines.append(
            f'[[phrase]]\nid = "ship-{n:02}"\ntitle = "发货问题{n:02}"\ntext = "{n:02}{LONG_TEXT}"\n'
            f'keys = ["fh{n:02}"]\n'
        )
    (directory / "ship.toml").write_text("\n".join(lines), encoding="utf-8")
    return directory


def visible_rows(results: ResultList) -> range:
    top = round(results.scroll_offset.y)
    return range(top, top + results.scrollable_content_region.height)


def record_draws(results: ResultList) -> tuple[list[int], list[int]]:
    """Rows asked for (render_line) and rows actually drawn (strip cache misses) from now on."""
    asked: list[int] = []
    drawn: list[int] = []
    render_line, render_row = results.render_line, results._render_row

    def counting_line(y: int) -> Strip:
        asked.append(round(results.scroll_offset.y) + y)
        return render_line(y)

    def counting_row(index: int, width: int, highlighted: bool) -> Strip:
        drawn.append(index)
        return render_row(index, width, highlighted)

    results.render_line = counting_line  # type: ignore[method-assign]
    results._render_row = counting_row  # type: ignore[method-assign]
    return asked, drawn


async def test_a_keystroke_draws_only_visible_rows_that_changed(make: AppFactory, tmp_path: Path) -> None:
    app = make(book(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"发货")
        results = app.main.results
        assert len(results.hits) == 20 > results.scrollable_content_region.height  # some rows off screen
        asked, drawn = record_draws(results)
        await pilot.press("down")
        await pilot.pause()
        assert sorted(drawn) == [0, 1]  # the old and the new highlight; every other row from the cache
        assert set(asked) <= set(visible_rows(results))
        for key in "问题1":  # re-ranked, other characters marked: at most one screen drawn each
            asked.clear()
            drawn.clear()
            await pilot.press(key)
            await pilot.pause()
            assert asked and set(asked) <= set(visible_rows(results))
            assert 0 < len(drawn) <= len(visible_rows(results)) < len(results.hits)
            assert set(drawn) <= set(visible_rows(results))


async def test_unchanged_rows_are_not_drawn_again(make: AppFactory, tmp_path: Path) -> None:
    """Typing a character that leaves the ranking as it was draws no row at all."""
    app = make(book(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"发货问题")
        results = app.main.results
        before = [hit.phrase.id for hit in results.hits]
        asked, drawn = record_draws(results)
        app.main.run_search()  # the same query again: the same rows
        await pilot.pause()
        assert [hit.phrase.id for hit in results.hits] == before
        assert drawn == [] and asked == []


async def test_wide_rows_show_the_start_of_the_reply(make: AppFactory, tmp_path: Path) -> None:
    app = make(book(tmp_path))
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press(*"发货问题")
        results = app.main.results
        width = results.scrollable_content_region.width
        hit = results.hits[1]
        line = results.render_line(1)
        assert hit.phrase.title in line.text and "亲，这件商品" in line.text
        assert line.cell_length == width
        assert line.text.rstrip().endswith("…")  # the text is cut by cell width, CJK two cells each
        for y in range(len(results.hits)):  # a character that did not fit leaves no gap before …
            assert not results.render_line(y).text.rstrip().removesuffix("…").endswith(" ")
        assert cell_len(line.text) == width


async def test_narrow_rows_show_no_reply_text(make: AppFactory, tmp_path: Path) -> None:
    app = make(book(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"发货问题")
        results = app.main.results
        line = results.render_line(1)
        assert results.hits[1].phrase.title in line.text
        assert "亲" not in line.text
        assert line.cell_length == results.scrollable_content_region.width


async def test_selection_is_kept_when_the_ranking_changes(make: AppFactory, tmp_path: Path) -> None:
    app = make(book(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"发货问题")
        results = app.main.results
        for _ in range(3):
            await pilot.press("down")
        chosen = results.selected
        assert chosen is not None and results.highlighted == 3
        reranked = list(reversed(results.hits))
        results.show(reranked, keep=chosen.phrase.id)
        await pilot.pause()
        assert results.selected is chosen
        assert results.highlighted == reranked.index(chosen)
        assert results.highlighted in visible_rows(results)  # scrolled to it
        results.show(reranked[:2], keep=chosen.phrase.id)  # gone: the first is selected
        assert results.highlighted == 0


async def test_page_down_and_up_keep_the_cursor_in_view(make: AppFactory, tmp_path: Path) -> None:
    app = make(book(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"发货问题")
        results = app.main.results
        page = results.scrollable_content_region.height - 1
        await pilot.press("pagedown")
        assert results.highlighted == page
        await pilot.press("pagedown")
        await pilot.pause()
        assert results.highlighted == len(results.hits) - 1  # stops at the last reply
        assert results.highlighted in visible_rows(results)
        assert results.scroll_offset.y > 0
        line = results.render_line(results.highlighted - round(results.scroll_offset.y))
        assert results.selected is not None and results.selected.phrase.title in line.text
        await pilot.press("pageup")
        await pilot.press("pageup")
        await pilot.pause()
        assert results.highlighted == 0 and results.scroll_offset.y == 0
        await pilot.press("up")  # already at the top: stays
        assert results.highlighted == 0


async def test_the_highlighted_row_stands_out_in_dark_and_light(make: AppFactory, tmp_path: Path) -> None:
    app = make(book(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"发货问题")
        results = app.main.results

        def background(y: int) -> object:
            return results.render_line(y)._segments[-1].style.bgcolor  # the padding after the text

        dark = background(0)
        assert dark != background(1)
        app.theme = "textual-light"
        await pilot.pause()
        assert background(0) != background(1)
        assert background(0) != dark  # drawn again in the light theme's colours, not from the cache


async def test_click_picks_the_row_under_it_when_scrolled(
    make: AppFactory, tmp_path: Path, clipboard
) -> None:
    app = make(book(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"发货问题")
        results = app.main.results
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        top = round(results.scroll_offset.y)
        assert top > 0
        await pilot.click(ResultList, offset=(4, 1))  # the first row shown (under the border)
        assert results.highlighted == top
        assert clipboard.copies == []
        chosen = results.hits[top + 1].phrase
        await pilot.double_click(ResultList, offset=(4, 2))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert clipboard.copies == [app.library.render(chosen.id, shop=app.shop).text]


async def test_arrow_keys_announce_the_new_selection(make: AppFactory, tmp_path: Path) -> None:
    """The preview follows the cursor: ResultList.Highlighted reaches the search screen."""
    app = make(book(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"发货问题")
        await pilot.press("down")
        await pilot.pause()
        selected = app.main.results.selected
        assert selected is not None
        assert selected.phrase.text[:2] in str(app.main.query_one("#preview").visual)


def test_control_characters_in_titles_are_shown_literally() -> None:
    phrase = Phrase(id="x", title="发\x1b[31m货", text="t", stage=Stage.IN_SALE, book="b", keys=("k\x07",))
    line = describe(Hit(phrase, 1.0, "title", title_spans=((0, 1), (6, 7))))
    assert "发\\x1b[31m货" in line.plain and "k\\x07" in line.plain
    marked = [line.plain[span.start : span.end] for span in line.spans if "underline" in str(span.style)]
    assert marked == ["发", "货"]  # the matched characters still marked where they moved


async def test_typing_does_not_lay_out_the_screen(make: AppFactory, tmp_path: Path) -> None:
    """A keystroke repaints; a layout of the whole screen (Input's default) is not needed."""
    app = make(book(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"发货")
        await pilot.pause()
        screen = app.main
        layouts: list[bool] = []
        refresh_layout = screen._refresh_layout

        def counting(*args: object, **kwargs: object) -> None:
            layouts.append(True)
            refresh_layout(*args, **kwargs)  # type: ignore[arg-type]

        screen._refresh_layout = counting  # type: ignore[method-assign]
        for key in "问题":  # still 20 replies: the list keeps its size too
            await pilot.press(key)
            await pilot.pause()
        assert len(app.main.results.hits) == 20
        assert "发货问题" in screen.box.value and layouts == []


async def test_a_long_query_keeps_the_cursor_in_the_box(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*("发货" * 50))
        await pilot.pause()
        box = app.main.box
        assert box.scroll_x > 0  # scrolled to the end, where the cursor is
        assert box.content_region.x < box.cursor_screen_offset.x <= box.content_region.right
