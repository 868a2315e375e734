"""The main screen README shows and the fill form with choices, at 80×24 (every screen at both
sizes and in both themes: test_screen_snapshots.py; pytest --snapshot-update renews them).

Each test's docstring says what you should see.
"""

from __future__ import annotations

from pathlib import Path

from quickreply.locations import bundled_phrasebooks
from quickreply.tui.app import QuickReplyApp, make_app
from tests.conftest import FROZEN_NOW


def app(*directories: Path) -> QuickReplyApp:
    return make_app(
        list(directories) or [bundled_phrasebooks()],
        history=False,
        copier=lambda text: (_ for _ in ()).throw(AssertionError("no copy in snapshots")),
        clock=lambda: FROZEN_NOW,
        watch=False,
    )


def test_main_screen(snap_compare) -> None:
    """Header with shop, 14:32 and "16:00 前付款今天发"; stage tabs; the query 发票 with the
    invoice replies listed, 发票 highlighted in each title; the preview of the first one."""
    assert snap_compare(app(), press=[*"发票"], terminal_size=(80, 24))



def test_fill_form_with_choices(snap_compare) -> None:
    """The 补偿已发放 reply asks for 补偿内容（compensation）; typing 10 left 10元无门槛券 and
    10元红包 listed under the field, ↓ highlighted 10元红包 (bold on the primary colour); the
    hint names ↓↑ and typing to filter."""
    assert snap_compare(app(), press=[*"bcff", "enter", "1", "0", "down"], terminal_size=(80, 24))

