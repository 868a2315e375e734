"""Usage statistics with bars: the same figures as `quickreply stats`, for this computer."""

from __future__ import annotations

import sqlite3
from typing import ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ...stats import compute, report
from ..context import QuickReply


class StatsScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f6,q", "dismiss", "关闭", id="stats.close", tooltip="关闭统计")
    ]

    def compose(self) -> ComposeResult:
        app = cast(QuickReply, self.app)
        if app.usage is None:
            text = "使用记录已关闭（--no-history），没有统计。"
        else:
            try:
                text = report(compute([app.usage.path], app.library.phrases, since=None))
            except sqlite3.Error as error:  # locked or broken: say so, never close the app
                text = f"无法读取使用记录：{app.usage.failure or error}"
        with Vertical(id="stats-dialog"):
            yield Label("使用统计（本机）", classes="dialog-title")
            with VerticalScroll():
                yield Static(Content(text), id="stats-text")
            yield Label(
                "Esc 关闭 · 合并多位客服的记录：quickreply stats --merge 文件…", classes="dialog-hint"
            )
