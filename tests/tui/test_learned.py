"""Learned answers in the app: copying a lower reply twice after a wording puts it first for a
similar wording; F8 forgets; --no-history neither learns nor uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from quickreply.library import LEARNED
from quickreply.tui.strings import T

from ..unit.test_learned import IN_SALE, PRE_SALE
from .conftest import AppFactory, RecordingClipboard
from .test_flows import ids, selected, settle

WORDING = "快递三天了都没动"
SIMILAR_WORDING = "快递好几天都没动了"


@pytest.fixture
def books(write_book) -> Path:
    write_book("a.toml", IN_SALE)
    return write_book("b.toml", PRE_SALE).parent


async def copy_lower(app, pilot, query: str, wanted: str) -> None:
    """Type ``query``, arrow down to ``wanted`` (not the first hit) and press Enter."""
    await pilot.press(*query)
    position = ids(app).index(wanted)
    assert position > 0
    await pilot.press(*["down"] * position)
    assert selected(app) == wanted
    await pilot.press("enter")
    await settle(app, pilot)


async def test_two_copies_teach_a_similar_wording_and_f8_forgets(
    make: AppFactory, books: Path, clipboard: RecordingClipboard
) -> None:
    app = make(books, history=True)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press(*SIMILAR_WORDING)
        assert ids(app)[0] != "late"
        await pilot.press("escape")
        # The top hit copied: nothing to learn.
        await pilot.press(*WORDING)
        assert ids(app)[0] != "late"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.usage is not None and app.usage.learned() == []
        # One copy of a lower reply: remembered, but the order stays.
        await copy_lower(app, pilot, WORDING, "late")
        assert [row[1:] for row in app.usage.learned()] == [(WORDING, "late")]
        await pilot.press(*SIMILAR_WORDING)
        assert ids(app)[0] != "late"
        await pilot.press("escape")
        # The second copy: a similar wording now shows it first, marked 学.
        await copy_lower(app, pilot, WORDING, "late")
        await pilot.press(*SIMILAR_WORDING)
        assert ids(app)[0] == "late" and selected(app) == "late"
        assert app.main.results.hits[0].reason == LEARNED
        assert T.learned_badge in app.main.results.row(0).plain
        # Enter copies it; since search alone ranks another first, the copy confirms the pair.
        await pilot.press("enter")
        await settle(app, pilot)
        assert len(clipboard.copies) == 4
        assert "快递有延误" in clipboard.copies[-1]
        assert len(app.usage.learned()) == 3
        # F8 on the selected reply forgets what was learned for it.
        await pilot.press(*SIMILAR_WORDING)
        assert selected(app) == "late"
        await pilot.press("f8")
        await settle(app, pilot)
        assert app.usage.learned() == []
        assert ids(app)[0] != "late"
        messages = [n.message for n in app._notifications]
        assert T.learned_forgotten.format(title="快递迟迟不到", count=3) in messages
        # Again: nothing left to forget, and it says so.
        await pilot.press("up", "f8")
        await settle(app, pilot)
        assert selected(app) is not None
        assert any("没有学到的买家说法" in n.message for n in app._notifications)


async def test_no_history_neither_learns_nor_uses(
    make: AppFactory, books: Path, clipboard: RecordingClipboard
) -> None:
    app = make(books, history=False)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        assert app.usage is None and app.learned is None
        for _ in range(2):
            await copy_lower(app, pilot, WORDING, "late")
        await pilot.press(*SIMILAR_WORDING)
        assert ids(app)[0] != "late"
        await pilot.press("f8")
        await settle(app, pilot)
        assert any(n.message == T.learned_off for n in app._notifications)
    assert len(clipboard.copies) == 2


async def test_what_was_learned_before_counts_from_the_start(make: AppFactory, books: Path) -> None:
    """Pairs from earlier sessions are loaded (off the UI thread) when the app starts."""
    from quickreply.usage import UsageLog, default_path

    log = UsageLog(default_path())
    for _ in range(2):
        log.record_learned(WORDING, "late")
    log.close()
    app = make(books, history=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.learned is not None and len(app.learned) == 2
        await pilot.press(*SIMILAR_WORDING)
        assert ids(app)[0] == "late"


async def test_copying_search_top_below_a_learned_reply_corrects_it(make: AppFactory, books: Path) -> None:
    """A wrong learned answer is not stuck: copying search's own top (now second) counts too."""
    app = make(books, history=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*WORDING)
        top = ids(app)[0]
        await pilot.press("escape")
        for _ in range(2):
            await copy_lower(app, pilot, WORDING, "late")
        await pilot.press(*WORDING)
        assert ids(app)[:2] == ["late", top]
        await pilot.press("escape")
        corrections = 0
        while True:  # as many copies of search's top as it takes, but no more than three
            await pilot.press(*WORDING)
            if ids(app)[0] == top:
                break
            await pilot.press("escape")
            assert corrections < 3, "three copies of search's own top did not correct the lesson"
            await copy_lower(app, pilot, WORDING, top)
            corrections += 1
        assert corrections >= 1
        assert ids(app)[:2] == [top, "late"]
