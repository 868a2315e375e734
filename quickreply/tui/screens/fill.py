"""Ask for exactly the values a reply still needs (order number, buyer nickname…).

How each field behaves comes from placeholders.toml (quickreply/placeholders.py): its label;
``fresh`` fields start empty whatever the last chat used; a ``pattern`` is checked on Enter
and a failure keeps the agent in the field with the file's message; ``choices`` are listed
under the field, typing filters them, ↓/↑ move, Enter takes the highlighted one and moves on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from ...placeholders import Spec, builtin_spec
from ..strings import T


class ChoiceList(OptionList, can_focus=False):
    """The choices of one field; the field's Input keeps the focus and drives it."""

    def __init__(self, spec: Spec, *, id: str) -> None:
        super().__init__(id=id, classes="fill-choices")
        self.spec = spec
        self.shown: list[str] = []
        self.moved = False
        """The agent picked with ↓/↑ since typing last."""

    def show(self, typed: str, keep: str | None = None) -> None:
        """List the choices holding ``typed``; highlight ``keep`` if listed, else the first."""
        self.moved = False
        shown = self.shown = self.spec.filter(typed)
        # Content, not markup: a choice like "满100减20[/活动]" comes from another team's file.
        self.set_options(Option(Content(choice)) for choice in shown)
        self.display = bool(shown)
        if shown:
            self.highlighted = shown.index(keep) if keep in shown else 0

    def takes_choice(self, typed: str) -> bool:
        """Whether Enter takes the highlighted choice rather than what was typed. Letters
        filter (pinyin: ``hb`` → 10元红包) and an empty box or ↓/↑ pick from the list; but a
        value typed in Chinese or digits is the agent's: "10元" must not become the
        highlighted "10元无门槛券" and promise the buyer something else."""
        typed = typed.strip()
        return self.moved or not typed or typed in self.shown or (typed.isascii() and typed.isalpha())

    @property
    def chosen(self) -> str | None:
        """The highlighted choice (None when typing filtered every choice out)."""
        if self.highlighted is None or not 0 <= self.highlighted < len(self.shown):
            return None
        return self.shown[self.highlighted]


class FillForm(ModalScreen[dict[str, str] | None]):
    """One field per missing name; Enter moves on and, in the last field, returns the values.
    Esc returns None: nothing is copied."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", T.key_cancel, id="fill.cancel", tooltip=T.tip_fill_cancel),
        Binding("down", "move(1)", T.key_down, id="fill.down", show=False, tooltip=T.tip_fill_down),
        Binding("up", "move(-1)", T.key_up, id="fill.up", show=False, tooltip=T.tip_fill_up),
    ]

    def __init__(
        self,
        names: tuple[str, ...],
        prefill: dict[str, str],
        title: str,
        specs: Mapping[str, Spec] | None = None,
    ) -> None:
        super().__init__()
        self.names = names
        self.specs = {name: (specs or {}).get(name) or builtin_spec(name) for name in names}
        # Fresh values are dropped here, whoever built the prefill: the last buyer's order
        # number must never reach this buyer.
        self.prefill = {
            name: value
            for name, value in prefill.items()
            if name in self.specs and not self.specs[name].fresh
        }
        self.reply_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="fill-dialog"):
            yield Label(Content.assemble((T.fill_title, "bold"), " · ", self.reply_title), id="fill-title")
            for name in self.names:
                spec = self.specs[name]
                key = _field_id(name)
                previous = self.prefill.get(name, "")
                yield Label(Content(spec.title), classes="fill-label")
                # A previous value that is one of the choices is highlighted, not typed in.
                typed = "" if spec.choices and previous in spec.choices else previous
                yield Input(value=typed, id=f"fill-{key}", name=name)
                if spec.choices:
                    choices = ChoiceList(spec, id=f"fill-{key}-choices")
                    choices.show(typed, keep=previous)
                    yield choices
                error = Label("", id=f"fill-{key}-error", classes="fill-error")
                error.display = False
                yield error
            hint = T.fill_hint_choices if any(spec.choices for spec in self.specs.values()) else T.fill_hint
            yield Label(hint, id="fill-hint")

    @property
    def fields(self) -> list[Input]:
        return list(self.query(Input))

    def choices_of(self, field: Input) -> ChoiceList | None:
        found = self.query(f"#{field.id}-choices")
        return found.first(ChoiceList) if found else None

    def _error(self, field: Input) -> Label:
        return self.query_one(f"#{field.id}-error", Label)

    def _show_error(self, field: Input, message: str) -> None:
        error = self._error(field)
        error.update(Content(message))
        error.display = bool(message)

    @on(Input.Changed)
    def typed(self, event: Input.Changed) -> None:
        event.stop()
        self._show_error(event.input, "")
        if (choices := self.choices_of(event.input)) is not None:
            choices.show(event.value, keep=choices.chosen)

    @on(OptionList.OptionSelected)
    def clicked(self, event: OptionList.OptionSelected) -> None:
        """A click on a choice takes it, as Enter on it would."""
        event.stop()
        field = next(field for field in self.fields if self.choices_of(field) is event.option_list)
        event.option_list.highlighted = event.option_index
        if isinstance(event.option_list, ChoiceList):
            event.option_list.moved = True
        field.focus()
        self._take(field)

    def action_move(self, step: int) -> None:
        """↓/↑: the next or previous choice in a choice field, else the next or previous field."""
        focused = self.focused
        if not isinstance(focused, Input):
            return
        choices = self.choices_of(focused)
        if choices is not None and choices.option_count:
            if step > 0:
                choices.action_cursor_down()
            else:
                choices.action_cursor_up()
            choices.moved = True
            return
        fields = self.fields
        position = fields.index(focused) + step
        if 0 <= position < len(fields):
            fields[position].focus()

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self._take(event.input)

    def _take(self, field: Input) -> None:
        """Enter in ``field``: take its choice, check it, then move on or finish."""
        choices = self.choices_of(field)
        chosen = choices.chosen if choices is not None and choices.takes_choice(field.value) else None
        if chosen is not None:
            # The Changed event this causes refilters to the chosen text: still listed.
            field.value = chosen
        if not self._valid(field):
            return
        fields = self.fields
        position = fields.index(field)
        if position + 1 < len(fields):
            fields[position + 1].focus()
            return
        invalid = next((other for other in fields if not self._valid(other, quiet=True)), None)
        if invalid is not None:
            invalid.focus()
            self._valid(invalid)
            return
        self.dismiss({other.name or "": other.value.strip() for other in fields})

    def _valid(self, field: Input, *, quiet: bool = False) -> bool:
        """Whether the field holds a usable value; if not, and not ``quiet``, say why under it
        and keep the focus there."""
        spec = self.specs[field.name or ""]
        value = field.value.strip()
        if not value:
            message = T.fill_empty.format(name=spec.title)
        elif (problem := spec.problem(value)) is not None:
            message = problem
        else:
            return True
        if not quiet:
            field.focus()
            self._show_error(field, message)
            self.app.bell()
        return False

    def action_cancel(self) -> None:
        self.dismiss(None)


def _field_id(name: str) -> str:
    """Widget ids must be ASCII-ish; placeholder names may be Chinese."""
    return "".join(char if char.isascii() and char.isalnum() else f"u{ord(char):x}" for char in name)
