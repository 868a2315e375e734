"""Settling the replies a colleague and the lead both changed: one conflict at a time, mine and
theirs side by side with the differing fields marked, chosen with the keyboard. Returns the
choices per reply id, or None when cancelled. The merge itself is quickreply.merge."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from ...editing import PhraseDraft
from ...merge import Choice, ConflictKind, Slot, differing_fields
from ..strings import TM

SHOWN_FIELDS = ("id", "title", "stage", "keys", "tags", "text", "variants", "note", "starts", "expires")
KIND_TEXT = {
    ConflictKind.BOTH_CHANGED: TM.kind_both_changed,
    ConflictKind.BOTH_ADDED: TM.kind_both_added,
    ConflictKind.MINE_DELETED: TM.kind_mine_deleted,
    ConflictKind.THEIRS_DELETED: TM.kind_theirs_deleted,
    ConflictKind.NO_BASE: TM.kind_no_base,
}


def field_value(draft: PhraseDraft, name: str) -> str:
    value = getattr(draft, name)
    if name == "stage":
        return value.label if value is not None else TM.book_stage
    if name in ("keys", "tags"):
        return " ".join(value)
    if name == "variants":
        return "\n---\n".join(value)
    if name in ("starts", "expires"):
        return value.isoformat() if value is not None else ""
    return str(value)


def side_content(draft: PhraseDraft | None, differing: set[str], labels: dict[str, str]) -> Content:
    """One version as label/value lines; differing fields marked. Phrase text is data: Content,
    never markup."""
    if draft is None:
        return Content.styled(TM.deleted, "bold $text-error")
    lines: list[Content] = []
    # What differs comes first, so it is on screen without scrolling.
    for name in sorted(SHOWN_FIELDS, key=lambda name: name not in differing):
        value = field_value(draft, name)
        if name not in differing and not value:
            continue  # an empty field both sides share says nothing
        label = labels.get(name, name)
        if name in differing:
            lines.append(Content.styled(TM.differs + label, "bold $text-warning"))
            lines.append(Content.styled(value or TM.empty, "$text-warning"))
        else:
            lines.append(Content.styled(label, "$text-muted"))
            lines.append(Content(value))
    return Content("\n").join(lines)


class ConflictScreen(ModalScreen[dict[str, Choice] | None]):
    DEFAULT_CSS = """
    ConflictScreen { align: center middle; }
    #conflict-dialog {
        width: 96%; height: 94%;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    #conflict-title { text-style: bold; }
    #conflict-summary, #conflict-hint { color: $text-muted; width: 1fr; }
    #conflict-progress { text-style: bold; margin-top: 1; }
    #conflict-sides { height: 1fr; }
    #conflict-sides VerticalScroll { width: 1fr; border: round $secondary-muted; padding: 0 1; }
    #conflict-sides #conflict-theirs-pane { border: round $primary-muted; }
    #conflict-buttons { height: auto; }
    #conflict-buttons Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m,1", "choose('mine')", TM.key_mine, id="conflict.mine", tooltip=TM.key_mine),
        Binding("t,2", "choose('theirs')", TM.key_theirs, id="conflict.theirs", tooltip=TM.key_theirs),
        Binding("b,3", "choose('both')", TM.key_both, id="conflict.both", tooltip=TM.key_both),
        Binding("left,backspace", "back", TM.key_back, id="conflict.back", tooltip=TM.key_back),
        Binding("escape", "cancel", TM.key_cancel, id="conflict.cancel", tooltip=TM.key_cancel),
        # The panes cannot take focus (arrows there would swallow ←), so long replies scroll here.
        Binding("pagedown", "scroll_sides(1)", show=False, id="conflict.page-down"),
        Binding("pageup", "scroll_sides(-1)", show=False, id="conflict.page-up"),
    ]

    def __init__(
        self, title: str, summary: str, conflicts: list[Slot[PhraseDraft]], labels: dict[str, str]
    ) -> None:
        super().__init__()
        self.title_text = title
        self.summary = summary
        self.conflicts = conflicts
        self.labels = labels
        self.position = 0
        self.choices: dict[str, Choice] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="conflict-dialog"):
            yield Label(Content(self.title_text), id="conflict-title")
            yield Label(Content(self.summary), id="conflict-summary")
            yield Label("", id="conflict-progress")
            with Horizontal(id="conflict-sides"):
                with VerticalScroll(id="conflict-mine-pane", can_focus=False):
                    yield Label(Content.styled(TM.mine, "bold"))
                    yield Static("", id="conflict-mine")
                with VerticalScroll(id="conflict-theirs-pane", can_focus=False):
                    yield Label(Content.styled(TM.theirs, "bold"))
                    yield Static("", id="conflict-theirs")
            with Horizontal(id="conflict-buttons"):
                yield Button(Content(TM.key_mine), id="choice-mine", variant="primary")
                yield Button(Content(TM.key_theirs), id="choice-theirs")
                yield Button(Content(TM.key_both), id="choice-both")
            yield Label(Content(TM.hint), id="conflict-hint")

    def on_mount(self) -> None:
        self.show_conflict()

    @property
    def slot(self) -> Slot[PhraseDraft]:
        return self.conflicts[self.position]

    def show_conflict(self) -> None:
        slot = self.slot
        progress = TM.progress.format(current=self.position + 1, total=len(self.conflicts), id=slot.id)
        kind = KIND_TEXT.get(slot.kind, "") if slot.kind else ""
        self.query_one("#conflict-progress", Label).update(Content(f"{progress} — {kind}"))
        differing = set(differing_fields(slot.mine, slot.theirs))
        self.query_one("#conflict-mine", Static).update(side_content(slot.mine, differing, self.labels))
        self.query_one("#conflict-theirs", Static).update(side_content(slot.theirs, differing, self.labels))
        self.query_one("#choice-both", Button).disabled = Choice.BOTH not in slot.choices
        for pane in self.query(VerticalScroll):
            pane.scroll_home(animate=False)
        self.query_one("#choice-mine", Button).focus()

    def action_choose(self, choice: str) -> None:
        picked = Choice(choice)
        if picked not in self.slot.choices:
            self.app.bell()
            return
        self.choices[self.slot.id] = picked
        if self.position + 1 == len(self.conflicts):
            self.dismiss(self.choices)
            return
        self.position += 1
        self.show_conflict()

    def action_back(self) -> None:
        if self.position == 0:
            self.app.bell()
            return
        self.position -= 1
        self.show_conflict()

    def action_scroll_sides(self, step: int) -> None:
        for pane in self.query(VerticalScroll):
            if step > 0:
                pane.scroll_page_down(animate=False)
            else:
                pane.scroll_page_up(animate=False)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_choose((event.button.id or "").removeprefix("choice-"))
