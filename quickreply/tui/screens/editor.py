"""The team lead's editor: books and replies in a tree, a form for the selected reply, a live
preview, and findings beside each field. A thin layer over quickreply.editing.EditSession."""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll

# Tree labels are rich Text (Textual's Tree copies them); Text(s) is never parsed as markup.
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Select, Static, TextArea, Tree

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
from ..strings import TM
from ..widgets.preview import filled_reply
from ..widgets.template_area import TemplateArea
from .confirm import ConfirmScreen
from .conflict import ConflictScreen

VARIANT_SEPARATOR = "---"
FIELDS = ("id", "title", "stage", "keys", "tags", "text", "variants", "note", "starts", "expires")
LABELS = {
    "id": "id（小写字母、数字、连字符）",
    "title": "标题",
    "stage": "阶段",
    "keys": "快捷编码（空格分隔）",
    "tags": "标签（空格分隔）",
    "text": "回复内容",
    "variants": "其他说法（每种之间单独一行 ---）",
    "note": "备注（只给主管看）",
    "starts": "开始日期（预售话术，这天起显示，YYYY-MM-DD，可空）",
    "expires": "过期日期（活动话术，YYYY-MM-DD，可空）",
}
TEXT_TOOLTIP = "分几段发送（千牛里一条一条发）：段与段之间单独写一行 ---"
SEVERITY_STYLES = {
    Severity.ERROR: "bold $text-error",
    Severity.WARNING: "$text-warning",
    Severity.INFO: "$text-muted",
}
Node = tuple[BookDraft, int | None]


class EditorScreen(Screen[None]):
    # Structural actions sit on function keys: Ctrl+letters belong to the text fields
    # (Ctrl+X cut, Ctrl+Z undo typing, Ctrl+D delete…).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save_book", "保存本书", id="editor.save", tooltip="保存当前回复所在的书"),
        Binding("f5", "add_reply", "新回复", id="editor.add", tooltip="在当前回复后新建一条"),
        Binding("f6", "duplicate_reply", "复制一条", id="editor.duplicate", tooltip="复制当前回复"),
        Binding("f8", "delete_reply", "删除", id="editor.delete", tooltip="删除当前回复（会先确认，可撤销）"),
        Binding("f9", "undo", "撤销", id="editor.undo", tooltip="撤销新建、复制、删除、移动、排序"),
        Binding("ctrl+up", "reorder(-1)", "上移", id="editor.up", show=False, tooltip="在书中上移"),
        Binding("ctrl+down", "reorder(1)", "下移", id="editor.down", show=False, tooltip="在书中下移"),
        Binding("f7", "move_reply", "移到…", id="editor.move", tooltip="移到另一本书"),
        Binding("f11", "edit_shops", "店铺", id="editor.shops", tooltip="编辑 shops.toml 里的店铺信息"),
        Binding("f10", "new_book", "新书", id="editor.new-book", tooltip="新建一本短语书"),
        Binding(
            "escape", "close_editor", "返回", id="editor.close", tooltip="回到搜索（有未保存修改时先询问）"
        ),
    ]

    def __init__(self, session: EditSession) -> None:
        super().__init__()
        self.session = session
        self.current: Node | None = None
        self._filling = False  # True while the form is filled from a draft (not user edits)

    @property
    def quick(self) -> QuickReply:
        return cast(QuickReply, self.app)

    def compose(self) -> ComposeResult:
        with Horizontal(id="editor-body"):
            yield Tree(Text("短语书"), id="book-tree")
            with VerticalScroll(id="editor-form"):
                for name in FIELDS:
                    yield Label(LABELS[name], classes="field-label")
                    if name == "stage":
                        options = [("跟随书的阶段", "")] + [(stage.label, stage.value) for stage in Stage]
                        yield Select(options, allow_blank=False, value="", id="field-stage")
                    elif name in ("text", "variants"):
                        area = TemplateArea(id=f"field-{name}", classes=f"area-{name}", theme="css")
                        if name == "text":
                            area.tooltip = TEXT_TOOLTIP
                        yield area
                    elif name == "note":
                        yield TextArea(id=f"field-{name}", classes=f"area-{name}")
                    else:
                        yield Input(id=f"field-{name}")
                    yield Static("", id=f"findings-{name}", classes="findings")
            with Vertical(id="editor-side"):
                yield Label("预览（当前店铺）", classes="field-label")
                yield Static("", id="editor-preview")
        yield Footer()

    def on_mount(self) -> None:
        self.rebuild_tree()

    # --- tree ------------------------------------------------------------------------------------

    def rebuild_tree(self, select: Node | None = None) -> None:
        tree = self.query_one(Tree)
        tree.clear()
        tree.root.expand()
        target_line = None
        for book in self.session.books:
            mark = " *" if book.dirty else ""
            branch = tree.root.add(
                Text(f"{book.name}（{book.stage.label}）{mark}"), data=(book, None), expand=True
            )
            for index, draft in enumerate(book.phrases):
                leaf = branch.add_leaf(Text(draft.title or draft.id), data=(book, index))
                if select is not None and select[0] is book and select[1] == index:
                    target_line = leaf
        if target_line is None and self.session.books and self.session.books[0].phrases:
            target_line = tree.root.children[0].children[0]
        if target_line is not None and target_line.data is not None:
            self.call_after_refresh(tree.move_cursor, target_line)
            self.show(target_line.data)

    @on(Tree.NodeHighlighted)
    def node_highlighted(self, event: Tree.NodeHighlighted[Node]) -> None:
        if event.node.data is not None and event.node.data[1] is not None:
            self.show(event.node.data)

    # --- form ------------------------------------------------------------------------------------

    def show(self, node: Node) -> None:
        book, index = node
        if index is None or index >= len(book.phrases):
            return
        self.current = node
        draft = book.phrases[index]
        self._filling = True
        try:
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
        finally:
            self.call_after_refresh(self._done_filling)
        self.refresh_findings(draft, {})

    def _done_filling(self) -> None:
        self._filling = False

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
                    errors[name] = "日期格式应为 2026-12-12"
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
        if self._filling or self.current is None:
            return
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
                node.parent.set_label(Text(f"{book.name}（{book.stage.label}） *"))

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
            preview.update(Content(f"（无法预览：{error}）"))

    # --- actions ---------------------------------------------------------------------------------

    def _book_and_index(self) -> tuple[BookDraft, int | None] | None:
        node = self.query_one(Tree).cursor_node
        if node is None or node.data is None:
            return self.current
        return node.data

    def _focus_id(self) -> None:
        """A new reply starts with its id: typing replaces the suggested one."""
        self.call_after_refresh(self.query_one("#field-id", Input).focus)

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
                self.notify(f"已删除 {draft.id}（F9 撤销）", markup=False)

        self.app.push_screen(
            ConfirmScreen(
                f"删除回复「{draft.title}」（{draft.id}）？", [("delete", "删除"), ("keep", "保留")]
            ),
            decided,
        )

    def action_undo(self) -> None:
        what = self.session.undo()
        if what is None:
            self.app.bell()
            return
        self.rebuild_tree()
        self.notify(f"已撤销：{what}", markup=False)

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
        self.app.push_screen(ConfirmScreen("移到哪本书？", answers), chosen)

    def action_new_book(self) -> None:
        directory = self.quick.library.directories[0]
        stage = self.current[0].stage if self.current else Stage.PRE_SALE
        name = f"新短语书{len(self.session.books) + 1}"
        book = self.session.new_book(directory, name, stage)
        position = self.session.add(book)
        self.rebuild_tree(select=(book, position))
        self._focus_id()
        self.notify(f"已新建《{name}》：{book.path.name}（Ctrl+S 保存）", markup=False)

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
            self.notify(f"保存失败，原文件未改动：{error}", severity="error", markup=False)
            return
        self.session.mark_saved(book)
        self.rebuild_tree(select=self.current)
        if merged:
            self.notify(f"{TM.saved.format(file=saved.path.name)}\n{merged}", markup=False, timeout=10)
        else:
            self.notify(f"已保存 {saved.path.name}", markup=False)

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
        labels = {name: LABELS[name].split("（")[0] for name in FIELDS}
        self.app.push_screen(ConflictScreen(title, text, conflicts, labels), decided)

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
                self.notify(f"已保存 {path.name}", markup=False)

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
                "有未保存的修改，离开就会丢失。", [("stay", "留下继续编辑"), ("discard", "不保存，离开")]
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
