"""The problems found loading the phrasebooks, one per line, with file and line."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ...model import Problem, Severity
from ..strings import T

SEVERITY_STYLES = {Severity.ERROR: "bold $text-error", Severity.WARNING: "$text-warning", Severity.INFO: ""}


class ProblemsScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f2,q", "dismiss", T.key_close, id="problems.close", tooltip=T.tip_close)
    ]

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        lines = [
            Content.assemble(
                (f"{problem.severity.label} ", SEVERITY_STYLES[problem.severity]), problem.format()
            )
            for problem in self.problems
        ] or [Content(T.problems_none)]
        with Vertical(id="problems-dialog"):
            yield Label(Content(T.problems_title), classes="dialog-title")
            with VerticalScroll():
                yield Static(Content("\n").join(lines), id="problems-list")
            yield Label(T.problems_hint, classes="dialog-hint")
