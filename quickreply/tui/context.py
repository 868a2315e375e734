"""The app as screens see it: a Protocol, so screens never import the app module (app.py
imports the screens; the other way round was an import cycle). app.py checks that
QuickReplyApp satisfies it (mypy)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # annotations only
    import datetime as dt
    from collections.abc import Callable

    from ..library import Library
    from ..model import Phrase, Problem, Shop, Stage
    from ..rules import SendCheck
    from ..search import Hit
    from ..textdiff import Piece
    from ..usage import UsageLog


class QuickReply(Protocol):
    library: Library
    shop: Shop | None
    stage: Stage | None
    clipboard_watching: bool
    loading: bool
    send_check: SendCheck
    usage: UsageLog | None
    last_values: dict[str, str]
    shop_problems: list[Problem]
    clock: Callable[[], dt.datetime]

    def search(self, query: str, stage: Stage | None, limit: int) -> list[Hit]: ...

    def is_updated(self, phrase: Phrase) -> bool: ...

    def change_since_use(self, phrase: Phrase) -> list[Piece]: ...

    def copy_reply(
        self,
        text: str,
        phrase: Phrase,
        query: str,
        top: str | None = None,
        *,
        record: bool = True,
        notice: str | None = None,
        lesson: str | None = None,
    ) -> object: ...

    def record_miss(self, query: str) -> object: ...

    def forget_learned(self, phrase: Phrase) -> object: ...

    def set_clipboard_watch(self, on: bool, *, announce: bool = True) -> None: ...

    def action_show_help(self) -> None: ...
