"""The team lead's editor: books and replies in a tree, a form for the selected reply, a live
preview, and findings beside each field. A thin layer over quickreply.editing.EditSession."""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar, cast

from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll

# Tree labels are rich Text (Textual's Tree copies them); Text(s) is never parsed as markup.
from textual.content import Content
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, Tab, Tabs, TextArea, Tree

from ... import store
from ...editing import (
    BookDraft,
    BookGoneError,
    DiskMerge,
    EditSession,
    InvalidPhrasesError,
    PhraseDraft,
    UnreadableBookError,
)
from ...merge import Choice, Merge, Outcome
from ...model import Severity, Stage
from ...rules import load_rules
from ...sanitize import visible, visible_path
from ..context import QuickReply
from ..strings import TM, T, stage_name
from ..widgets.key_footer import KeyFooter
from ..widgets.preview import filled_reply
from ..widgets.template_area import FieldArea, FieldInput, TemplateArea
from .confirm import ConfirmScreen
from .conflict import ConflictScreen

VARIANT_SEPARATOR = "---"
FIELDS = ("id", "title", "stage", "keys", "tags", "text", "variants", "note", "starts", "expires")
LABELS = {
    "id": T.editor_label_id,
    "title": T.editor_label_title,
    "stage": T.editor_label_stage,
    "keys": T.editor_label_keys,
    "tags": T.editor_label_tags,
    "text": T.editor_label_text,
    "variants": T.editor_label_variants,
    "note": T.editor_label_note,
    "starts": T.editor_label_starts,
    "expires": T.editor_label_expires,
}
# What to write, under the field: a label stays short enough to be whole in any column.
HINTS = {
    "id": T.editor_hint_id,
    "keys": T.editor_hint_keys,
    "tags": T.editor_hint_tags,
    "text": T.editor_hint_text,
    "variants": T.editor_hint_variants,
    "note": T.editor_hint_note,
    "starts": T.editor_hint_starts,
    "expires": T.editor_hint_expires,
}
PANES = ("tree", "form", "preview")
PANE_TABS = {"tree": T.editor_tab_tree, "form": T.editor_tab_form, "preview": T.editor_tab_preview}
WIDE = 100
"""From this many columns the tree, form and preview stand side by side; below it they are
tabs, one at a time (80×24 gave the form 20 cells)."""
SEVERITY_STYLES = {
    Severity.ERROR: "bold $text-error",
    Severity.WARNING: "$text-warning",
    Severity.INFO: "$text-muted",
}
Node = tuple[BookDraft, int | None]


class EditorScreen(Screen[None]):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]  # noqa: RUF012 (Textual types it so)
    AUTO_FOCUS = "#book-tree"
    # Structural actions sit on function keys: Ctrl+letters belong to the text fields
    # (Ctrl+X cut, Ctrl+Z undo typing…). Two exceptions, because F7/F8 mean the clipboard watch
    # and 忘记 on the search screen (one meaning per key): Ctrl+D deletes the reply (in a field
    # the Delete key still deletes forwards) and Ctrl+T moves it. They, Tab and Shift+Tab are priority
    # bindings: the app hands each key to the widget focused when the key is read, so keys
    # typed right after a non-priority Tab reached the field being left. A priority binding
    # runs as the key is read, before the next key is handed on.
    is_editor: ClassVar[bool] = True
    """The app hides F3 编辑 from the footer here."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "tab",
            "app.focus_next",
            T.editor_key_next_field,
            show=False,
            priority=True,
            id="editor.focus-next",
        ),
        Binding(
            "shift+tab",
            "app.focus_previous",
            T.editor_key_previous_field,
            show=False,
            priority=True,
            id="editor.focus-previous",
        ),
        Binding(
            "enter", "open_reply", T.editor_key_open_reply, show=False, priority=True, id="editor.open-reply"
        ),
        # The tree's cursor moves as the key is read too, so an Enter right behind a ↓ opens
        # the reply ↓ reached, not the one before it.
        Binding(
            "up", "tree_cursor('up')", T.editor_key_tree_up, show=False, priority=True, id="editor.tree-up"
        ),
        Binding(
            "down",
            "tree_cursor('down')",
            T.editor_key_tree_down,
            show=False,
            priority=True,
            id="editor.tree-down",
        ),
        Binding(
            "ctrl+s",
            "save_book",
            T.editor_key_save,
            id="editor.save",
            tooltip=T.editor_tip_save,
            priority=True,
        ),
        Binding(
            "f5", "add_reply", T.editor_key_add, id="editor.add", tooltip=T.editor_tip_add, priority=True
        ),
        # F6 is the app's 统计 everywhere else: one meaning per key.
        Binding(
            "f12",
            "duplicate_reply",
            T.editor_key_duplicate,
            id="editor.duplicate",
            tooltip=T.editor_tip_duplicate,
            priority=True,
        ),
        # F7/F8 are the search screen's clipboard watch and 忘记: one meaning per key.
        # Ctrl+D deletes forwards in a field anyway (Textual's Input): here, the reply.
        Binding(
            "ctrl+d",
            "delete_reply",
            T.editor_key_delete,
            id="editor.delete",
            tooltip=T.editor_tip_delete,
            priority=True,
        ),
        Binding("f9", "undo", T.editor_key_undo, id="editor.undo", tooltip=T.editor_tip_undo, priority=True),
        Binding(
            "ctrl+up", "reorder(-1)", T.editor_key_up, id="editor.up", show=False, tooltip=T.editor_tip_up
        ),
        Binding(
            "ctrl+down",
            "reorder(1)",
            T.editor_key_down,
            id="editor.down",
            show=False,
            tooltip=T.editor_tip_down,
        ),
        Binding(
            "ctrl+t",
            "move_reply",
            T.editor_key_move,
            id="editor.move",
            tooltip=T.editor_tip_move,
            priority=True,
        ),
        Binding(
            "f11",
            "edit_shops",
            T.editor_key_shops,
            id="editor.shops",
            tooltip=T.editor_tip_shops,
            priority=True,
        ),
        Binding(
            "f10",
            "new_book",
            T.editor_key_new_book,
            id="editor.new-book",
            tooltip=T.editor_tip_new_book,
            priority=True,
        ),
        Binding(
            "ctrl+pagedown",
            "next_pane(1)",
            T.editor_key_next_pane,
            id="editor.next-pane",
            show=False,
            tooltip=T.editor_tip_next_pane,
            priority=True,
        ),
        Binding(
            "ctrl+pageup",
            "next_pane(-1)",
            T.editor_key_previous_pane,
            id="editor.previous-pane",
            show=False,
            tooltip=T.editor_tip_previous_pane,
            priority=True,
        ),
        # Not priority: Esc first closes an open stage list or a dialog.
        Binding("escape", "close_editor", T.editor_key_close, id="editor.close", tooltip=T.editor_tip_close),
    ]

    pane: var[str] = var("tree", init=False)
    """The pane shown below WIDE columns (tree, form or preview); all three are shown above."""

    def __init__(self, session: EditSession) -> None:
        super().__init__()
        self.session = session
        self.current: Node | None = None
        self._filled: tuple[object, ...] | None = None  # the form as show() filled it

    @property
    def quick(self) -> QuickReply:
        return cast(QuickReply, self.app)

    def compose(self) -> ComposeResult:
        yield Tabs(*(Tab(PANE_TABS[name], id=f"tab-{name}") for name in PANES), id="editor-tabs")
        with Horizontal(id="editor-body"):
            yield Tree(Text(T.editor_tree_root), id="book-tree", classes="editor-pane")
            with VerticalScroll(id="editor-form", classes="editor-pane"):
                for name in FIELDS:
                    yield Label(LABELS[name], classes="field-label")
                    if name == "stage":
                        options = [(T.editor_stage_book, "")] + [
                            (stage_name(stage), stage.value) for stage in Stage
                        ]
                        # Compact: one line like the inputs, its border never wider than the form.
                        yield Select(options, allow_blank=False, value="", id="field-stage", compact=True)
                    elif name in ("text", "variants"):
                        yield TemplateArea(id=f"field-{name}", classes=f"area-{name}", theme="css")
                    elif name == "note":
                        yield FieldArea(id=f"field-{name}", classes=f"area-{name}")
                    else:
                        # Focus leaves the text alone: select-all made the first key wipe the id.
                        yield FieldInput(id=f"field-{name}", select_on_focus=False)
                    if name in HINTS:
                        yield Static(HINTS[name], classes="field-hint", markup=False)
                    yield Static("", id=f"findings-{name}", classes="findings")
            with Vertical(id="editor-side", classes="editor-pane"):
                yield Label(T.editor_preview_title, classes="field-label")
                yield Static("", id="editor-preview")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch_pane(self.pane)
        self.rebuild_tree()

    # --- panes (below WIDE columns one at a time, as tabs) ---------------------------------------

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    def watch_pane(self, pane: str) -> None:
        for name in PANES:
            self.set_class(name == pane, f"-pane-{name}")
        tabs = self.query_one(Tabs)
        if tabs.active != f"tab-{pane}":
            tabs.active = f"tab-{pane}"

    @on(Tabs.TabActivated, "#editor-tabs")
    def tab_activated(self, event: Tabs.TabActivated) -> None:
        event.stop()
        if event.tab.id is not None:
            self.pane = event.tab.id.removeprefix("tab-")

    def go_to_pane(self, pane: str, focus: Widget | None = None) -> None:
        """Show ``pane`` (narrow screens) and put the focus in it: ``focus``, else its first
        field; the tab bar when the pane has nothing to focus (the preview)."""
        self.pane = pane
        if focus is None:
            focus = {
                "tree": self.query_one(Tree),
                "form": self.query_one("#field-id", Input),
                "preview": self.query_one(Tabs) if self.narrow else None,
            }[pane]
        if focus is not None:
            # At once, not Widget.focus() (queued behind the keys already read): keys typed
            # right after F5 or Enter belong to the field shown.
            self.set_focus(focus)

    def on_resize(self) -> None:
        """Narrowed below WIDE: the pane shown is the one being worked in (Screen's own
        resize handler has set -narrow / -wide by now)."""
        if not self.narrow or self.focused is None:
            return
        for name, selector in (("form", "#editor-form"), ("preview", "#editor-side"), ("tree", "#book-tree")):
            pane = self.query_one(selector)
            if self.focused is pane or pane in self.focused.ancestors:
                self.pane = name
                return

    def action_next_pane(self, step: int) -> None:
        self.go_to_pane(PANES[(PANES.index(self.pane) + step) % len(PANES)])

    def action_tree_cursor(self, direction: str) -> None:
        tree = self.query_one(Tree)
        if self.focused is not tree:
            raise SkipAction()  # ↑↓ in a text field, the stage list…
        if direction == "up":
            tree.action_cursor_up()
        else:
            tree.action_cursor_down()

    def action_open_reply(self) -> None:
        """Enter on a reply in the tree: into its form (the form pane, on narrow screens).
        A priority binding, so keys typed right after Enter land in the form; Enter anywhere
        else (a book in the tree, a text field, a button) is left to that widget."""
        tree = self.query_one(Tree)
        node = tree.cursor_node
        if self.focused is not tree or node is None or node.data is None or node.data[1] is None:
            raise SkipAction()
        if self.current is None or node.data[0] is not self.current[0] or node.data[1] != self.current[1]:
            self.show(node.data)
        self.go_to_pane("form")

    @on(Tree.NodeSelected, "#book-tree")
    def reply_clicked(self, event: Tree.NodeSelected[Node]) -> None:
        """A click on a reply shows its form when only one pane shows at a time."""
        if self.narrow and event.node.data is not None and event.node.data[1] is not None:
            self.go_to_pane("form")

    # --- tree ------------------------------------------------------------------------------------

    def rebuild_tree(self, select: Node | None = None) -> None:
        tree = self.query_one(Tree)
        tree.clear()
        tree.root.expand()
        target_line = None
        for book in self.session.books:
            branch = tree.root.add(self._book_label(book), data=(book, None), expand=True)
            for index, draft in enumerate(book.phrases):
                leaf = branch.add_leaf(Text(draft.title or draft.id), data=(book, index))
                if select is not None and select[0] is book and select[1] == index:
                    target_line = leaf
        if target_line is None and self.session.books and self.session.books[0].phrases:
            target_line = tree.root.children[0].children[0]
        if target_line is not None and target_line.data is not None:
            self.call_after_refresh(tree.move_cursor, target_line)
            self.show(target_line.data)

    @staticmethod
    def _book_label(book: BookDraft) -> Text:
        label = T.editor_book_node.format(name=book.name, stage=stage_name(book.stage))
        return Text(label + (" *" if book.dirty else ""))

    @on(Tree.NodeHighlighted)
    def node_highlighted(self, event: Tree.NodeHighlighted[Node]) -> None:
        data = event.node.data
        if data is None or data[1] is None or event.node is not event.control.cursor_node:
            return  # a book, or a line the cursor has already left (keys typed fast)
        if self.current is not None and data[0] is self.current[0] and data[1] == self.current[1]:
            return  # shown already (rebuild_tree): filling it again would drop keys typed since
        self.show(data)

    # --- form ------------------------------------------------------------------------------------

    def show(self, node: Node) -> None:
        book, index = node
        if index is None or index >= len(book.phrases):
            return
        self.current = node
        draft = book.phrases[index]
        self.query_one("#field-id", Input).value = draft.id
        self.query_one("#field-title", Input).value = draft.title
        self.query_one("#field-stage", Select).value = draft.stage.value if draft.stage else ""
        self.query_one("#field-keys", Input).value = " ".join(draft.keys)
        self.query_one("#field-tags", Input).value = " ".join(draft.tags)
        self.query_one("#field-text", TextArea).text = draft.text
        self.query_one("#field-variants", TextArea).text = f"\n{VARIANT_SEPARATOR}\n".join(draft.variants)
        self.query_one("#field-note", TextArea).text = draft.note
        self.query_one("#field-expires", Input).value = draft.expires.isoformat() if draft.expires else ""
        self.query_one("#field-starts", Input).value = draft.starts.isoformat() if draft.starts else ""
        for field in self.query_one("#editor-form").query(Input):
            field.cursor_position = len(field.value)  # typing adds to the end, whatever came before
        # The Changed messages these assignments post arrive later, maybe after keys the lead
        # typed since: an event is the form being filled only while the form is still as filled.
        self._filled = self._form_values()
        self.refresh_findings(draft, {})

    def _form_values(self) -> tuple[object, ...]:
        values: list[object] = []
        for name in FIELDS:
            widget = self.query_one(f"#field-{name}")
            if isinstance(widget, TextArea):
                values.append(widget.text)
            elif isinstance(widget, (Input, Select)):
                values.append(widget.value)
        return tuple(values)

    def read_form(self) -> tuple[PhraseDraft, dict[str, str]]:
        """The draft the form describes, and errors of fields that cannot even be read."""
        errors: dict[str, str] = {}
        dates: dict[str, dt.date | None] = {}
        for name in ("starts", "expires"):
            written = self.query_one(f"#field-{name}", Input).value.strip()
            dates[name] = None
            if written:
                try:
                    dates[name] = dt.date.fromisoformat(written)
                except ValueError:
                    errors[name] = T.editor_bad_date
        stage_value = self.query_one("#field-stage", Select).value
        variants = re.split(
            rf"\n\s*{VARIANT_SEPARATOR}\s*\n", self.query_one("#field-variants", TextArea).text
        )
        draft = PhraseDraft(
            id=self.query_one("#field-id", Input).value.strip(),
            title=self.query_one("#field-title", Input).value,
            text=self.query_one("#field-text", TextArea).text,
            stage=Stage(stage_value) if isinstance(stage_value, str) and stage_value else None,
            keys=re.split(r"[\s,，]+", self.query_one("#field-keys", Input).value.strip()),
            tags=re.split(r"[\s,，]+", self.query_one("#field-tags", Input).value.strip()),
            variants=[variant.strip("\n") for variant in variants if variant.strip()],
            note=self.query_one("#field-note", TextArea).text,
            expires=dates["expires"],
            starts=dates["starts"],
        )
        draft.keys = [key for key in draft.keys if key]
        draft.tags = [tag for tag in draft.tags if tag]
        return draft, errors

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def field_changed(self) -> None:
        if self.current is None:
            return
        if self._filled is not None:
            if self._form_values() == self._filled:
                return  # show() filling the form: nothing was edited
            self._filled = None  # edited: from now on every change is the lead's
        book, index = self.current
        if index is None:
            return
        draft, errors = self.read_form()
        # A date being typed keeps the saved one until it reads as a date.
        if "expires" in errors:
            draft.expires = book.phrases[index].expires
        if "starts" in errors:
            draft.starts = book.phrases[index].starts
        if draft == book.phrases[index] and not errors:
            return  # e.g. the form being filled in: nothing was edited
        self.session.update(book, index, draft)
        self.refresh_findings(draft, errors)
        tree = self.query_one(Tree)
        node = tree.cursor_node
        if node is not None and node.data == self.current:
            node.set_label(Text(draft.title or draft.id))
            if node.parent is not None:
                node.parent.set_label(self._book_label(book))

    def refresh_findings(self, draft: PhraseDraft, unreadable: dict[str, str]) -> None:
        assert self.current is not None
        book = self.current[0]
        findings = self.session.validate(book, draft)
        for name, message in unreadable.items():
            findings.setdefault(name, []).append((Severity.ERROR, message))
        for name in FIELDS:
            lines = [
                Content.styled(message, SEVERITY_STYLES[severity])
                for severity, message in findings.get(name, [])
            ]
            self.query_one(f"#findings-{name}", Static).update(Content("\n").join(lines))
        preview = self.query_one("#editor-preview", Static)
        try:
            pieces = self.quick.library.preview(draft.to_phrase(book), shop=self.quick.shop)
            preview.update(filled_reply(pieces))
        except Exception as error:
            preview.update(Content(T.editor_no_preview.format(error=error)))

    # --- actions ---------------------------------------------------------------------------------

    def _book_and_index(self) -> tuple[BookDraft, int | None] | None:
        node = self.query_one(Tree).cursor_node
        if node is None or node.data is None:
            return self.current
        return node.data

    def _focus_id(self) -> None:
        """A new reply starts with its id: the cursor waits at the end of the suggested one
        (Ctrl+U clears it). Focused at once, so keys typed right after F5 land there."""
        field = self.query_one("#field-id", Input)
        self.go_to_pane("form", field)
        field.cursor_position = len(field.value)

    def action_add_reply(self) -> None:
        where = self._book_and_index()
        if where is None:
            return
        book, index = where
        position = self.session.add(book, after=index)
        self.rebuild_tree(select=(book, position))
        self._focus_id()

    def action_duplicate_reply(self) -> None:
        where = self._book_and_index()
        if where is None or where[1] is None:
            return
        position = self.session.duplicate(where[0], where[1])
        self.rebuild_tree(select=(where[0], position))
        self._focus_id()

    def action_delete_reply(self) -> None:
        where = self._book_and_index()
        if where is None or where[1] is None:
            return
        book, index = where[0], where[1]
        draft = book.phrases[index]

        def decided(answer: str | None) -> None:
            if answer == "delete":
                self.session.delete(book, index)
                self.rebuild_tree(select=(book, max(0, index - 1)))
                self.notify(T.editor_deleted.format(id=draft.id), markup=False)

        self.app.push_screen(
            ConfirmScreen(
                T.editor_delete_question.format(title=draft.title, id=draft.id),
                [("delete", T.editor_answer_delete), ("keep", T.editor_answer_keep)],
            ),
            decided,
        )

    def action_undo(self) -> None:
        what = self.session.undo()
        if what is None:
            self.app.bell()
            return
        self.rebuild_tree()
        self.notify(T.editor_undone.format(what=what), markup=False)

    def action_reorder(self, step: int) -> None:
        where = self._book_and_index()
        if where is None or where[1] is None:
            return
        position = self.session.reorder(where[0], where[1], step)
        self.rebuild_tree(select=(where[0], position))

    def action_move_reply(self) -> None:
        where = self._book_and_index()
        if where is None or where[1] is None:
            return
        book, index = where[0], where[1]
        others = [other for other in self.session.books if other is not book]
        if not others:
            self.app.bell()
            return

        def chosen(answer: str | None) -> None:
            if answer is not None and answer.isdigit():
                target = others[int(answer)]
                position = self.session.move(book, index, target)
                self.rebuild_tree(select=(target, position))

        answers = [(str(number), other.name) for number, other in enumerate(others)]
        self.app.push_screen(ConfirmScreen(T.editor_move_question, answers), chosen)

    def action_new_book(self) -> None:
        directory = self.quick.library.directories[0]
        stage = self.current[0].stage if self.current else Stage.PRE_SALE
        name = T.editor_new_book_name.format(number=len(self.session.books) + 1)
        book = self.session.new_book(directory, name, stage)
        position = self.session.add(book)
        self.rebuild_tree(select=(book, position))
        self._focus_id()
        self.notify(T.editor_new_book_made.format(name=name, file=book.path.name), markup=False)

    def action_save_book(self) -> None:
        where = self._book_and_index()
        if where is None:
            return
        self._save(where[0])

    def _save(self, book: BookDraft, attempt: int = 0, merged: str = "") -> None:
        try:
            saved = self.session.save(book)
        except InvalidPhrasesError as error:
            message = TM.not_saved.format(error=error) if merged else str(error)
            self.rebuild_tree(select=self.current)
            self.notify(message, severity="error", markup=False, timeout=10)
            return
        except store.ConflictError:
            if attempt >= 3:  # changed again after every merge: let the lead try later
                self.notify(TM.again.format(file=book.path.name), severity="warning", markup=False)
                return
            self._merge_with_disk(book, attempt + 1)
            return
        except OSError as error:
            self.notify(T.editor_save_failed.format(error=error), severity="error", markup=False)
            return
        self.session.mark_saved(book)
        self.rebuild_tree(select=self.current)
        if merged:
            self.notify(f"{TM.saved.format(file=saved.path.name)}\n{merged}", markup=False, timeout=10)
        else:
            self.notify(T.editor_saved.format(file=saved.path.name), markup=False)

    def _merge_with_disk(self, book: BookDraft, attempt: int) -> None:
        """A colleague saved this book first: merge their file and the draft reply by reply,
        ask about the replies both changed, then save against the file as it is now."""
        try:
            disk = self.session.merge_with_disk(book)
        except BookGoneError:
            gone = TM.gone.format(file=visible_path(book.path.name))
            self._ask_after_failed_merge(book, gone, recreate=True)
            return
        except UnreadableBookError as error:
            question = TM.unreadable.format(file=visible_path(book.path.name), reason=error.reason)
            self._ask_after_failed_merge(book, question, recreate=False)
            return
        summary = merge_summary(disk.merge)
        conflicts = disk.merge.conflicts
        if not conflicts:
            self._apply_merge(book, disk, {}, summary, attempt)
            return

        def decided(choices: dict[str, Choice] | None) -> None:
            if choices is None:
                self.notify(TM.cancelled, markup=False)
                return
            self._apply_merge(book, disk, choices, summary, attempt)

        title = TM.title.format(book=book.name, file=visible_path(book.path.name))
        text = f"{summary}{TM.conflicts_left.format(count=len(conflicts))}"
        self.app.push_screen(ConflictScreen(title, text, conflicts, LABELS), decided)

    def _apply_merge(
        self, book: BookDraft, disk: DiskMerge, choices: dict[str, Choice], summary: str, attempt: int
    ) -> None:
        shown = self._shown_id(book)
        resolution = self.session.apply_merge(book, disk, choices)
        report = [summary]
        if resolution.copies:
            report.append(TM.copies.format(pairs="、".join(f"{a} → {b}" for a, b in resolution.copies)))
        if resolution.dropped:
            report.append(TM.dropped.format(pairs="、".join(f"{a}：{k}" for a, k in resolution.dropped)))
        ids = [draft.id for draft in book.phrases]
        if self.current is not None and self.current[0] is book:
            self.current = (book, ids.index(shown) if shown in ids else 0)
        self.rebuild_tree(select=self.current)
        self._save(book, attempt, merged="\n".join(report))

    def _shown_id(self, book: BookDraft) -> str | None:
        """The id of the reply in the form, if it belongs to ``book``."""
        if self.current is None or self.current[0] is not book:
            return None
        index = self.current[1]
        return book.phrases[index].id if index is not None and index < len(book.phrases) else None

    def _ask_after_failed_merge(self, book: BookDraft, question: str, *, recreate: bool) -> None:
        """Nothing sound to merge with: reload (dropping the edits), recreate a deleted file, or wait."""

        def decided(answer: str | None) -> None:
            if answer == "reload":
                try:
                    self.session.reload(book)
                except (ValueError, OSError) as error:
                    self.notify(TM.reload_failed.format(error=error), severity="error", markup=False)
                    return
                self.rebuild_tree()
                self.notify(TM.reloaded, markup=False)
            elif answer == "recreate":
                self.session.recreate(book)
                self._save(book)

        first = ("recreate", TM.answer_recreate) if recreate else ("reload", TM.answer_reload)
        self.app.push_screen(ConfirmScreen(question, [first, ("cancel", TM.answer_cancel)]), decided)

    def action_edit_shops(self) -> None:
        from .shops import ShopsScreen

        path = self.quick.library.directories[0] / "shops.toml"

        def closed(saved: bool | None) -> None:
            if saved:
                self.notify(T.editor_saved.format(file=path.name), markup=False)

        try:
            screen = ShopsScreen(path)
        except store.SaveError as error:  # a FIFO or device named shops.toml, an unreadable file
            self.notify(visible(str(error)), severity="error", markup=False)
            return
        self.app.push_screen(screen, closed)

    def action_close_editor(self) -> None:
        if not self.session.dirty:
            self.dismiss(None)
            return

        def decided(answer: str | None) -> None:
            if answer == "discard":
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(
                T.editor_leave_question,
                [("stay", T.editor_answer_stay), ("discard", T.editor_answer_discard)],
            ),
            decided,
        )


def open_editor(app: QuickReply) -> EditorScreen:
    rules, _ = load_rules(app.library.directories)
    return EditorScreen(EditSession(app.library.books, app.library.shops, rules))


def merge_summary(merge: Merge[PhraseDraft]) -> str:
    """What was merged without asking, e.g. "已自动合并：你改的 1 条、同事改的 2 条。"."""
    parts = [
        (TM.part_mine, (Outcome.MINE,)),
        (TM.part_theirs, (Outcome.THEIRS,)),
        (TM.part_added_mine, (Outcome.ADDED_MINE,)),
        (TM.part_added_theirs, (Outcome.ADDED_THEIRS,)),
        (TM.part_deleted_mine, (Outcome.DELETED_MINE,)),
        (TM.part_deleted_theirs, (Outcome.DELETED_THEIRS,)),
    ]
    found = [text.format(count=count) for text, outcomes in parts if (count := merge.count(*outcomes))]
    return TM.auto_merged + "、".join(found) + "。" if found else TM.auto_nothing
