"""Every key, read from the bindings themselves so the list can never drift from the keys.

Each key is listed once, with the meaning it has on the screen F1 was pressed on: when the
screen and the app bind the same key, the screen's binding is the one that runs (listed first
by the caller), so the app's loses that key here too."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ..keys import key_display
from ..strings import T


def help_rows(bindings: list[Binding]) -> list[tuple[str, Binding]]:
    """(keys shown, binding) per binding, each key once: a key bound again later is left out
    of the later binding, and a binding with no key left is not listed."""
    seen: set[str] = set()
    rows: list[tuple[str, Binding]] = []
    for binding in bindings:
        keys = [key.strip() for key in binding.key.split(",") if key.strip() and key.strip() not in seen]
        seen.update(keys)
        if keys:
            rows.append((" / ".join(key_display(Binding(key, binding.action)) for key in keys), binding))
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss", T.key_close, id="help.close", tooltip=T.tip_close_help)
    ]

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self.bindings = bindings

    @property
    def listing(self) -> str:
        """The keys as listed, one "keys  description  tooltip" line each (for tests)."""
        return "\n".join(
            "  ".join(part for part in (keys, binding.description, binding.tooltip) if part)
            for keys, binding in help_rows(self.bindings)
        )

    def compose(self) -> ComposeResult:
        rows = help_rows(self.bindings)
        screen_rows = [row for row in rows if not (row[1].id or "").startswith("app.")]
        app_rows = [row for row in rows if (row[1].id or "").startswith("app.")]
        with Vertical(id="help-dialog"):
            yield Label(Content(T.help_title), classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                parts = [(T.help_screen_keys, screen_rows), (T.help_app_keys, app_rows)]
                for number, (heading, part) in enumerate((heading, part) for heading, part in parts if part):
                    yield Label(Content(heading), classes="help-heading -later" if number else "help-heading")
                    with Grid(classes="help-keys"):
                        for keys, binding in part:
                            yield Static(Content(keys), classes="help-key")
                            yield Static(
                                Content.assemble(
                                    (binding.description, "bold"),
                                    ("  " + binding.tooltip if binding.tooltip else "", "$text-muted"),
                                ),
                                classes="help-meaning",
                            )
            yield Label(Content(T.help_hint), classes="dialog-hint")
