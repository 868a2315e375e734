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
from ..strings import T, recorded_stage_name, report_text


class StatsScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f6,q", "dismiss", T.key_close, id="stats.close", tooltip=T.tip_close_stats)
    ]

    def compose(self) -> ComposeResult:
        app = cast(QuickReply, self.app)
        if app.usage is None:
            text = T.stats_off
        else:
            try:
                stats = compute([app.usage.path], app.library.phrases, since=None)
                text = report(stats, report_text(), stage=recorded_stage_name)
            except sqlite3.Error as error:  # locked or broken: say so, never close the app
                text = T.stats_unreadable.format(error=app.usage.failure or error)
        with Vertical(id="stats-dialog"):
            yield Label(Content(T.stats_title), classes="dialog-title")
            with VerticalScroll():
                yield Static(Content(text), id="stats-text")
            yield Label(Content(T.stats_hint), classes="dialog-hint")
