"""Screens at 80×24, compared with the stored SVGs (pytest --snapshot-update to renew them).

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


def test_fill_form(snap_compare) -> None:
    """The form asking for the tracking number (快递单号) of the 已经发货了 reply."""
    assert snap_compare(app(), press=[*"yfh", "enter"], terminal_size=(80, 24))


def test_fill_form_with_choices(snap_compare) -> None:
    """The 补偿已发放 reply asks for 补偿内容（compensation）; typing 10 left 10元无门槛券 and
    10元红包 listed under the field, ↓ highlighted 10元红包 (bold on the primary colour); the
    hint names ↓↑ and typing to filter."""
    assert snap_compare(app(), press=[*"bcff", "enter", "1", "0", "down"], terminal_size=(80, 24))


def test_help(snap_compare) -> None:
    """Every key with its description, read from the bindings."""
    assert snap_compare(app(), press=["f1"], terminal_size=(80, 24))


def test_problems_panel(snap_compare, tmp_path: Path) -> None:
    """A broken book listed with file, line and column; the other books still loaded."""
    (tmp_path / "a.toml").write_text(
        '[book]\nname = "好"\nstage = "pre-sale"\n[[phrase]]\nid = "a"\ntitle = "你好"\ntext = "亲"\n',
        encoding="utf-8",
    )
    (tmp_path / "b.toml").write_text('[book]\nname = "坏"\n[[phrase]\n', encoding="utf-8")

    async def relative_paths(pilot) -> None:  # the tmp path differs per run
        pilot.app.library.problems[:] = [
            type(p)(Path(p.file.name), p.line, p.message, p.severity, p.code, p.phrase, p.column)
            for p in pilot.app.library.problems
        ]
        await pilot.press("f2")

    assert snap_compare(app(tmp_path), run_before=relative_paths, terminal_size=(80, 24))
