"""The one screen an agent lives in: type, see the best reply, Enter to copy.

A reply the content rules flag (an error: a phone number, 好评返现 …) is marked red, its
preview says why, and Enter asks once before copying it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Label, Static, Tab, Tabs

from ... import clipboard
from ...library import LEARNED
from ...model import Phrase, Stage
from ...sanitize import visible
from ...template import MalformedTemplateError
from ...usage import is_wording
from ..context import QuickReply
from ..messages import (
    BooksReloaded,
    BuyerMessage,
    ClockTicked,
    LoadFailed,
    RankingChanged,
    ReplyCopied,
    ShopSwitched,
)
from ..strings import T, stage_name
from ..widgets.key_footer import KeyFooter
from ..widgets.preview import Preview, filled_reply, with_change, with_findings
from ..widgets.results import ResultList
from ..widgets.search_box import SearchBox
from ..widgets.status_bar import StatusBar
from .fill import FillForm
from .guard import CopyGuardScreen

if TYPE_CHECKING:  # the search index's modules load after the first frame (start-up time)
    from ...search import Hit

STAGES: list[Stage | None] = [None, Stage.PRE_SALE, Stage.IN_SALE, Stage.AFTER_SALE]
RESULT_LIMIT = 20


def stage_label(stage: Stage | None) -> str:
    return stage_name(stage)


@dataclass
class SequenceCopy:
    """A reply sent in parts, being copied one Enter at a time."""

    phrase: Phrase
    parts: list[str]
    """Every part, filled once when the sequence started (values asked once for all)."""
    query: str
    """The box as it was: the next Enter continues while the box still says this (or is empty)."""
    copied: int = 1
    """Parts copied so far."""
    values: dict[str, str] = field(default_factory=dict)
    """The values given for it: the preview shows them, not a red {order_no}."""

    def status(self) -> str:
        if self.copied >= len(self.parts):
            return T.sequence_done.format(total=len(self.parts))
        return T.sequence_next.format(done=self.copied, total=len(self.parts))


class SearchScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "copy_reply", T.key_copy, id="search.copy", tooltip=T.tip_copy),
        Binding("escape", "clear_query", T.key_clear, id="search.clear", tooltip=T.tip_clear),
        Binding("tab", "next_stage", T.key_stage, id="search.next-stage", tooltip=T.tip_stage),
        Binding(
            "shift+tab",
            "previous_stage",
            T.key_stage_back,
            id="search.previous-stage",
            show=False,
            tooltip=T.tip_stage_back,
        ),
        Binding(
            "ctrl+n", "next_variant", T.key_variant, id="search.next-variant", tooltip=T.tip_variant
        ),
        Binding(
            "f8",
            "forget_learned",
            T.key_forget,
            id="search.forget-learned",
            show=False,
            tooltip=T.tip_forget,
        ),
        Binding("up", "move(-1)", T.key_up, id="search.up", show=False, tooltip=T.tip_up),
        Binding("down", "move(1)", T.key_down, id="search.down", show=False, tooltip=T.tip_down),
        Binding("pageup", "page(-1)", T.key_page_up, id="search.page-up", show=False, tooltip=T.tip_page_up),
        Binding(
            "pagedown", "page(1)", T.key_page_down, id="search.page-down", show=False, tooltip=T.tip_page_down
        ),
        Binding(
            "f7",
            "toggle_clipboard_watch",
            T.key_clipboard_watch,
            id="search.clipboard-watch",
            tooltip=T.tip_clipboard_watch,  # shown when the footer has room (KeyFooter)
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.variant = 0
        self.allowed: set[tuple[str, tuple[str, ...]]] = set()
        """Flagged replies the agent chose to copy anyway: not asked again this session (keyed
        by the wording too, so a reply edited since is asked about afresh)."""
        self.clipboard_query: str | None = None
        """The query the clipboard watch put in the box, until the agent changes it."""
        self.buyer_message: str | None = None
        """The last buyer message the clipboard watch brought, until a reply is copied: when
        the agent finds the reply by a code instead, the lesson is that message → the reply."""
        self.waiting_message: str | None = None
        """A buyer message the watch saw while the agent was typing: Esc makes it the query
        (the clipboard still holds the same text, so copying it again would not be noticed)."""
        self.sequence: SequenceCopy | None = None
        """The reply in parts being copied: Enter copies its next part; Esc or a new query ends it."""

    @property
    def quick(self) -> QuickReply:
        return cast(QuickReply, self.app)

    @property
    def stage(self) -> Stage | None:
        """The stage filter: the app's (Tab sets it there; _stage_changed follows it)."""
        return self.quick.stage

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield Static("", id="banner", markup=False)
        yield Tabs(*(Tab(stage_label(stage), id=f"stage-{stage or 'all'}") for stage in STAGES), id="stages")
        yield SearchBox(placeholder=T.search_placeholder, id="query")
        with Horizontal(id="body"):
            yield ResultList(id="results")
            with Vertical(id="preview-pane"):
                yield Preview(id="preview")
                yield Label("", id="variant")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#stages", Tabs).can_focus = False
        self.query_one(SearchBox).focus()
        self.watch(self.app, "stage", self._stage_changed, init=False)
        self.watch(self.app, "clipboard_watching", self._watching_changed, init=False)
        self._show_banner(T.loading if self.quick.loading else self._shops_note(kept=False))
        self.refresh_status()
        self.run_search()

    # --- what the app announces -----------------------------------------------------------------

    def _stage_changed(self, stage: Stage | None) -> None:
        self._set_stage(stage)  # the tab follows the filter (Tab key, or set by the app)
        self.refresh_status()
        self.run_search(keep=self._selected_id())

    def _watching_changed(self, _: bool) -> None:
        self.refresh_status()

    def on_books_reloaded(self, event: BooksReloaded) -> None:
        """Every list follows a reload (the empty query's too); the query and selection stay."""
        self._show_banner(self._shops_note(kept=event.kept_shops))
        self.refresh_status()
        self.run_search(keep=self._selected_id())

    def on_load_failed(self, event: LoadFailed) -> None:
        self._show_banner(T.load_crashed.format(reason=event.reason))

    def on_shop_switched(self, _: ShopSwitched) -> None:
        self.refresh_status()
        self.show_preview()

    def on_clock_ticked(self, event: ClockTicked) -> None:
        self.refresh_status()
        if event.cutoff_passed:
            self.show_preview()

    def on_ranking_changed(self, _: RankingChanged) -> None:
        self.run_search(keep=self._selected_id())

    def on_buyer_message(self, event: BuyerMessage) -> None:
        if self.quick.clipboard_watching:
            self.take_clipboard_message(event.query)

    def on_reply_copied(self, event: ReplyCopied) -> None:
        method = event.result.method
        if method is clipboard.CopyMethod.SYSTEM:
            self.notify(event.notice or T.copied, markup=False, timeout=2)
        elif method is clipboard.CopyMethod.TERMINAL:
            self.notify(T.copied_terminal, markup=False, timeout=4)
        else:
            from .manual_copy import ManualCopyScreen  # TextArea: rarely needed, not before the first frame

            self.app.push_screen(ManualCopyScreen(event.text, event.result.detail))

    def _shops_note(self, *, kept: bool) -> str:
        """The first error of shops.toml as file:line, or "" when it loaded cleanly."""
        problems = self.quick.shop_problems
        if not problems:
            return ""
        problem = problems[0]
        where = f"{problem.file.name}:{problem.line}"
        shop = self.quick.shop
        if kept and shop is not None:
            return T.shops_kept.format(where=where, shop=shop.name, error=problem.message)
        return T.shops_broken.format(where=where, error=problem.message)

    def _show_banner(self, text: str) -> None:
        """The line under the status bar: stays until what it says is over (not a toast)."""
        banner = self.query_one("#banner", Static)
        banner.update(Content(visible(text)))  # file names and messages quote user files
        banner.display = bool(text)

    # --- pieces -----------------------------------------------------------------------------

    @property
    def results(self) -> ResultList:
        return self.query_one(ResultList)

    @property
    def box(self) -> SearchBox:
        return self.query_one(SearchBox)

    def refresh_status(self) -> None:
        self.query_one(StatusBar).show(
            self.quick.shop,
            stage_label(self.stage),
            self.quick.clock(),
            watching=self.quick.clipboard_watching,
            from_clipboard=self.clipboard_query is not None,
            loading=self.quick.loading,
        )

    def run_search(self, keep: str | None = None) -> None:
        """Re-rank for the current query and stage; keep ``keep`` selected if still there."""
        hits = self.quick.search(self.box.value, self.stage, RESULT_LIMIT)
        flagged = {hit.phrase.id for hit in hits if self.quick.send_check.errors(hit.phrase)}
        updated = {hit.phrase.id for hit in hits if self.quick.is_updated(hit.phrase)}
        personal = {hit.phrase.id for hit in hits if self.quick.library.is_personal(hit.phrase)}
        self.results.show(hits, keep, flagged, updated=updated, personal=personal)
        self.show_preview()

    def show_preview(self) -> None:
        hit = self.results.selected
        preview = self.query_one(Preview)
        variant = self.query_one("#variant", Label)
        if hit is None:
            if self.quick.loading:  # nothing found yet because nothing is loaded yet
                preview.show(Content(T.preview_loading))
            else:
                preview.show(Content(T.no_results if self.box.value.strip() else T.preview_empty))
            variant.update("", layout=False)
            return
        phrase = hit.phrase
        sequence = self.sequence
        values = sequence.values if sequence is not None and sequence.phrase.id == phrase.id else None
        pieces = self.quick.library.preview(phrase, shop=self.quick.shop, values=values, variant=self.variant)
        findings = [finding.message for finding in self.quick.send_check.errors(phrase)]
        reply = filled_reply(pieces)
        if self.quick.library.is_personal(phrase):
            badge = (T.personal_badge, "bold $text-success")
            reply = Content.assemble(badge, " ", (T.personal_note, "$text-muted"), "\n", reply)
        reply = with_findings(reply, findings)
        preview.show(with_change(reply, self.quick.change_since_use(phrase)))
        total = len(phrase.wordings)
        if phrase.parts:  # no variants then: the line says where the sequence is
            going = self.sequence is not None and self.sequence.phrase.id == phrase.id
            status = self.sequence.status() if self.sequence and going else None
            variant.update(Content(status or T.sequence_ready.format(total=len(phrase.parts))), layout=False)
            return
        variant.update(
            Content(T.variant.format(current=self.variant % total + 1, total=total)) if total > 1 else "",
            layout=False,
        )

    # --- events -------------------------------------------------------------------------------

    @on(Input.Changed, "#query")
    def query_changed(self) -> None:
        if self.sequence is not None and self.box.value not in ("", self.sequence.query):
            self.sequence = None  # a new buyer question: the sequence is over
        self.variant = 0
        if self.clipboard_query is not None and self.box.value != self.clipboard_query:
            self.clipboard_query = None  # the agent typed (or copied): the query is theirs now
            self.refresh_status()
        self.run_search()

    @on(ResultList.Highlighted)
    def selection_changed(self) -> None:
        self.variant = 0
        self.show_preview()

    @on(Input.Submitted, "#query")
    def query_submitted(self) -> None:
        self.action_copy_reply()

    @on(ResultList.ReplyChosen)
    def reply_double_clicked(self, event: ResultList.ReplyChosen) -> None:
        self.results.highlighted = event.index
        self.action_copy_reply()

    @on(SearchBox.HelpRequested)
    def help_requested(self) -> None:
        self.quick.action_show_help()

    @on(Tabs.TabActivated, "#stages")
    def stage_clicked(self, event: Tabs.TabActivated) -> None:
        tabs = self.query_one("#stages", Tabs)
        if event.tab.id != tabs.active:
            # Stale: two Tabs in one burst set 售前 then 售中 before the first message came;
            # taking it back to 售前 would set the tab again and ping-pong for ever (100 % CPU).
            return
        index = [tab.id for tab in tabs.query(Tab)].index(event.tab.id)
        self.quick.stage = STAGES[index]  # the app's state: _stage_changed follows it
        self.box.focus()

    def take_clipboard_message(self, query: str) -> None:
        """A buyer's message seen by the clipboard watch becomes the query, its best reply
        selected; Enter copies it. Never over what the agent is typing, and not while a
        form or another screen is open (the agent may be copying values for it)."""
        if self.app.screen is not self:
            return  # in a form the agent copies values for it (an address): never a query
        value = self.box.value
        if value.strip() and value != self.clipboard_query:
            self.waiting_message = query  # Esc shows it: copying the same text again cannot
            self.notify(T.clipboard_not_replaced, markup=False, timeout=4)
            return
        self.waiting_message = None
        self.clipboard_query = self.buyer_message = query
        if value == query:
            self.run_search()  # no Changed event: select the best reply again
        else:
            self.box.value = query
        # Selected, so typing replaces it rather than adding to the buyer's words.
        self.box.select_all()
        self.refresh_status()

    # --- actions ------------------------------------------------------------------------------

    def action_toggle_clipboard_watch(self) -> None:
        self.quick.set_clipboard_watch(not self.quick.clipboard_watching)

    def _selected_id(self) -> str | None:
        hit = self.results.selected
        return hit.phrase.id if hit else None

    def action_move(self, step: int) -> None:
        if step < 0:
            self.results.action_cursor_up()
        else:
            self.results.action_cursor_down()

    def action_page(self, step: int) -> None:
        if step < 0:
            self.results.action_page_up()
        else:
            self.results.action_page_down()

    def action_clear_query(self) -> None:
        if self.sequence is not None:
            self.sequence = None  # Esc ends a sequence; its reply was copied, not a miss
            self.box.value = ""
            self.show_preview()
            return
        if self.box.value.strip():
            self.quick.record_miss(self.box.value)  # given up: a reply the team may be missing
        self.box.value = ""
        if self.waiting_message is not None and self.quick.clipboard_watching:
            self.take_clipboard_message(self.waiting_message)

    def _set_stage(self, stage: Stage | None) -> None:
        self.query_one("#stages", Tabs).active = f"stage-{stage or 'all'}"

    def action_next_stage(self) -> None:
        self.quick.stage = STAGES[(STAGES.index(self.stage) + 1) % len(STAGES)]

    def action_previous_stage(self) -> None:
        self.quick.stage = STAGES[(STAGES.index(self.stage) - 1) % len(STAGES)]

    def action_forget_learned(self) -> None:
        hit = self.results.selected
        if hit is None:
            self.app.bell()
            return
        self.quick.forget_learned(hit.phrase)

    def _lesson(self, query: str) -> tuple[str | None, str]:
        """What a copy after ``query`` teaches: (wording, search's top for it). A code or
        pinyin says nothing about how buyers put it; the message the watch brought does."""
        message, self.buyer_message = self.buyer_message, None
        if message is None or is_wording(query):
            return None, self._search_top()
        hits = self.quick.search(message, self.stage, 1)
        return message, (hits[0].phrase.id if hits and hits[0].reason != LEARNED else "")

    def _search_top(self) -> str:
        """The reply whose copy teaches nothing: search's own first hit, when it is shown first.
        With learned replies in front of it, none (""): copying the learned one confirms it,
        copying another (search's own top included) corrects it."""
        hits = self.results.hits
        return hits[0].phrase.id if hits and hits[0].reason != LEARNED else ""

    def action_next_variant(self) -> None:
        hit = self.results.selected
        if hit is not None and len(hit.phrase.wordings) > 1:
            self.variant = (self.variant + 1) % len(hit.phrase.wordings)
            self.show_preview()

    def action_copy_reply(self) -> None:
        hit: Hit | None = self.results.selected
        if hit is None:
            self.app.bell()
            return
        if (sequence := self.sequence) is not None:
            if hit.phrase.id == sequence.phrase.id and self.box.value in ("", sequence.query):
                self._copy_next_part(sequence)
                return
            self.sequence = None  # another reply chosen: start afresh
        phrase, variant, query = hit.phrase, self.variant, self.box.value
        findings = self.quick.send_check.errors(phrase)
        allowed = (phrase.id, phrase.wordings)
        if not findings or allowed in self.allowed:
            self._copy_or_ask_values(phrase, variant, query)
            return

        def answered(copy: bool | None) -> None:
            self.box.focus()
            if copy:
                self.allowed.add(allowed)
                self._copy_or_ask_values(phrase, variant, query)

        # The question names each finding by its first clause: "含有电话号码", not the advice.
        self.app.push_screen(CopyGuardScreen([f.message.split("：")[0] for f in findings]), answered)

    def _copy_or_ask_values(self, phrase: Phrase, variant: int, query: str) -> None:
        try:
            missing = self.quick.library.missing(phrase, shop=self.quick.shop, variant=variant)
        except MalformedTemplateError as error:
            self.notify(T.cannot_render.format(error=error), severity="error", markup=False)
            return
        if not missing:
            self._copy(phrase, variant, query, {})
            return
        prefill = {name: self.quick.last_values[name] for name in missing if name in self.quick.last_values}

        def filled(values: dict[str, str] | None) -> None:
            if values is not None:
                self._copy(phrase, variant, query, values)
            self.box.focus()

        specs = self.quick.library.placeholders.specs(missing)
        self.app.push_screen(FillForm(missing, prefill, phrase.title, specs), filled)

    def _copy(self, phrase: Phrase, variant: int, query: str, values: dict[str, str]) -> None:
        self.quick.last_values.update(self.quick.library.placeholders.reusable(values))  # never fresh ones
        lesson, top = self._lesson(query)
        if phrase.parts:
            self._start_sequence(phrase, query, values, top=top, lesson=lesson)
            return
        reply = self.quick.library.render(phrase, shop=self.quick.shop, values=values, variant=variant)
        self.quick.copy_reply(reply.text, phrase, query, top=top, lesson=lesson)
        self.box.value = ""  # ready for the next buyer

    # --- sequences ------------------------------------------------------------------------------

    def _start_sequence(
        self, phrase: Phrase, query: str, values: dict[str, str], *, top: str, lesson: str | None
    ) -> None:
        """Fill every part now (the values were asked once, for all of them), copy the first
        and count the use; the query stays in the box, so the next Enter copies part 2."""
        parts = self.quick.library.render_parts(phrase, shop=self.quick.shop, values=values)
        self.sequence = SequenceCopy(phrase, [part.text for part in parts], query, values=dict(values))
        status = self.sequence.status()
        self.quick.copy_reply(parts[0].text, phrase, query, top=top, notice=status, lesson=lesson)
        self.show_preview()

    def _copy_next_part(self, sequence: SequenceCopy) -> None:
        text = sequence.parts[sequence.copied]
        sequence.copied += 1
        notice = sequence.status()
        self.quick.copy_reply(text, sequence.phrase, sequence.query, record=False, notice=notice)
        if sequence.copied >= len(sequence.parts):
            self.sequence = None
            self.box.value = ""  # all sent: ready for the next buyer
            self.query_one("#variant", Label).update(Content(notice), layout=False)
        else:
            self.show_preview()
