"""The App: holds the library, shop, usage log and clipboard, and wires the screens.

Built by :func:`make_app` for the CLI and for tests alike; everything with side effects
(clock, clipboard, usage database) can be injected.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette, DiscoveryHit, Hits, Provider
from textual.command import Hit as PaletteHit
from textual.content import Content
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import var
from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from .. import clipboard
from ..clipwatch import ClipboardWatch, KnownReplies
from ..library import Library, load
from ..locations import default_phrasebook_dirs, team_folder
from ..model import Phrase, Problem, Severity, Shop, Stage
from ..remembered import remember_shop, remembered_shop
from ..rules import SendCheck, load_rules
from ..sanitize import visible
from ..textdiff import Piece, change_pieces
from ..usage import LastUsedTexts, UsageLog, mask_digits
from ..usage import default_path as default_usage_path
from ..watch import snapshot
from .commands import SCREENSHOT, command_palette, system_commands, theme_palette
from .context import QuickReply
from .keys import key_display
from .messages import (
    BooksReloaded,
    BuyerMessage,
    ClockTicked,
    LoadFailed,
    RankingChanged,
    ReplyCopied,
    ShopSwitched,
)
from .screens.help import HelpScreen
from .screens.problems import ProblemsScreen
from .screens.search import SearchScreen
from .strings import T
from .wide_chars import install as install_wide_char_fix
from .widgets.status_bar import cutoff_note

if TYPE_CHECKING:  # imported where used, off the path to the first frame (start-up time)
    from ..learned import LearnedAnswers
    from ..search import Hit

# Chinese text over other widgets (toasts, dialogs) lost characters in Textual's compositor.
install_wide_char_fix()

Copier = Callable[[str], clipboard.CopyResult]
RELOAD_INTERVAL = 1.0  # seconds between looks at the phrasebook files
CLOCK_INTERVAL = 15.0
TEAM_PULL_INTERVAL = 180.0  # seconds between pulls of the team folder (quickreply team join)
CLIPBOARD_POLL_INTERVAL = 0.2  # seconds between looks at the clipboard: ≤ 0.5 s to a query


class PaletteCommands(Provider):
    """Every command of the palette, from one provider: the 切换店铺 commands, then the app's own
    (system_commands). One provider, because the palette takes its providers as a set and
    shows each one's hits as they arrive: with two, their order changed from start to start.
    Textual's system commands read their titles as markup (``店[@click=app.quit]点我[/]``
    showed as 店点我 and held a live action), so every title here is plain :class:`Content`,
    shop names through the output boundary."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        app = self.app
        assert isinstance(app, QuickReplyApp)
        for shop in app.library.shops:
            title = visible(T.command_shop.format(name=shop.name))
            yield title, T.command_shop_help, partial(app.switch_shop, shop)
        for command in app.get_system_commands(self.screen):
            yield command.title, command.help, command.callback

    async def discover(self) -> Hits:
        for title, help_text, run in self._commands():
            yield DiscoveryHit(Content(title), run, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self._commands():
            score, offsets = matcher.fuzzy_search.match(matcher.query, title)
            if score > 0:
                shown = Content(title)
                for offset in offsets:
                    shown = shown.stylize(matcher.match_style, offset, offset + 1)
                yield PaletteHit(score, shown, run, text=title, help=help_text)


class QuickReplyApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = T.app_title
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "show_help", T.key_help, id="app.help", tooltip=T.tip_help),
        Binding("f3", "open_editor", T.key_edit, id="app.edit", tooltip=T.tip_edit),
        Binding("f6", "show_stats", T.key_stats, id="app.stats", tooltip=T.tip_stats),
        Binding("f2", "show_problems", T.key_problems, id="app.problems", tooltip=T.tip_problems),
        Binding("f4", "next_shop", T.key_shop, id="app.next-shop", tooltip=T.tip_shop),
        Binding("ctrl+q", "quit", T.key_quit, id="app.quit", tooltip=T.tip_quit),
        # Ours, so the footer shows "^P 命令" rather than Textual's own "palette" binding.
        Binding(
            "ctrl+p",
            "command_palette",
            T.key_palette,
            id="app.palette",
            show=False,
            priority=True,
            tooltip=T.tip_palette,
        ),
    ]

    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {PaletteCommands}

    # The state screens follow (self.watch(self.app, ...)) or hear about (tui/messages.py).
    library: var[Library] = var(lambda: Library([], [], [], [], []), init=False)
    shop: var[Shop | None] = var(None, init=False)
    stage: var[Stage | None] = var(None, init=False)
    """The stage filter (Tab): 全部 (None), 售前, 售中, 售后."""
    clipboard_watching: var[bool] = var(False, init=False)
    loading: var[bool] = var(False, init=False)
    """The books are being loaded in the background (the CLI paints first)."""

    def __init__(
        self,
        library: Library | None,
        *,
        loader: Callable[[], Library] | None = None,
        directories: list[Path] | None = None,
        shop: str | None = None,
        usage: UsageLog | None = None,
        copier: Copier | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        watch: bool = True,
        start_in_editor: bool = False,
        clipboard_watch: bool = False,
        clipboard_source: Callable[[], str] | None = None,
    ) -> None:
        super().__init__()
        self.start_in_editor = start_in_editor
        self._wanted_shop = shop
        self.unknown_shop: str | None = None
        """Set when the --shop given is not among the books loaded in the background: the app
        exits and the CLI says which shops there are."""
        self._loader = loader
        self.shop_problems: list[Problem] = []
        """The errors of shops.toml at the last load (the search screen's banner names them)."""
        if library is None:  # deferred: the books load in a worker while the first screen paints
            library = Library(list(directories or []), [], [], [], [], clock or dt.datetime.now)
            self.set_reactive(QuickReplyApp.loading, True)
            self.send_check = SendCheck([])
        else:
            self.set_reactive(QuickReplyApp.shop, choose_shop(library, shop))
            self.send_check = send_check(library)
            self.shop_problems = shop_errors(library)
        self.set_reactive(QuickReplyApp.library, library)
        self.usage = usage
        self._history_off_told = False
        self.popularity: dict[str, float] = usage.popularity() if usage else {}
        self.learned: LearnedAnswers | None = None
        """Built off the UI thread after mounting (see _load_learned); None until then."""
        self.last_used: LastUsedTexts | None = None
        """The text each reply had when this agent last used it (see _load_last_used); None
        until loaded and with --no-history."""
        self.copier: Copier = copier or self._copy_with_fallback
        self.clock = clock or library.clock
        self.last_values: dict[str, str] = {}
        self.watching = watch
        self._files = snapshot(library.directories)
        self.clipboard_watch = ClipboardWatch(clipboard_source or clipboard.peek_system)
        """The clipboard watch (--watch, F7), not the phrasebook watch above."""
        self._start_clipboard_watch = clipboard_watch
        self._clipboard_worker: Worker[None] | None = None
        self._known_replies: tuple[Library, KnownReplies] | None = None
        self._ship_note = ""
        """The shipping note last shown: when it changes (the cutoff passed), so may the preview."""

    # --- life cycle -------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        return SearchScreen()

    def on_ready(self) -> None:
        self._bench_moment("screen")

    def _bench_moment(self, moment: str) -> None:
        """benchmarks/tui_bench.py: QUICKREPLY_BENCH_READY=1 exits at the first frame ("screen"),
        =books once the books are in and drawn; the wall-clock time of that moment goes to the
        file QUICKREPLY_BENCH_OUT names (the process's exit comes later: Textual's shutdown)."""
        mode = os.environ.get("QUICKREPLY_BENCH_READY")
        if not mode or moment != ("books" if mode == "books" else "screen"):
            return
        if out := os.environ.get("QUICKREPLY_BENCH_OUT"):
            Path(out).write_text(repr(time.time()), encoding="utf-8")
        self.exit()

    def on_mount(self) -> None:
        self.set_interval(CLOCK_INTERVAL, self._tick)
        if self.watching:
            self.set_interval(RELOAD_INTERVAL, self._check_files)
        if self.loading:
            # After the first frame: a load running meanwhile would take the GIL from the paint.
            self.call_after_refresh(self._first_load)
        else:
            self._books_ready()
        self._tell_if_history_off()
        self._load_last_used()
        if self.watching and self._team_folder() is not None:  # the file watch then reloads
            self._team_pull()
            self.set_interval(TEAM_PULL_INTERVAL, self._team_pull)
        if self._start_clipboard_watch:  # after the first frame: the status line exists then
            self.call_after_refresh(self.set_clipboard_watch, True, announce=False)

    def _books_ready(self) -> None:
        """What waits for the books: their problems told, the learned answers, the editor."""
        self._announce_problems()
        self._load_learned()
        self.call_after_refresh(self._bench_moment, "books")
        if self.start_in_editor:
            self.action_open_editor()

    def _announce_problems(self) -> None:
        errors = [problem for problem in self.library.problems if problem.severity is Severity.ERROR]
        if errors:
            # Named by file: a broken shops.toml is not a broken 短语书, and the agent is told which.
            files = "、".join(dict.fromkeys(visible(problem.file.name) for problem in errors))
            message = T.load_failed_in.format(files=files, count=len(errors))
            self.notify(message, severity="warning", markup=False, timeout=8)

    def _tell(self, make: Callable[[], Message]) -> None:
        """Announce a change to every screen in the stack (each gets its own message)."""
        for screen in self.screen_stack:
            screen.post_message(make())

    @property
    def main(self) -> SearchScreen:
        """The search screen (for tests and benchmarks; the app itself only posts to it)."""
        return next(screen for screen in self.screen_stack if isinstance(screen, SearchScreen))

    def _tick(self) -> None:
        # At the cutoff {ship_day} turns from 今天 to 明天: the reply shown must follow.
        note = cutoff_note(self.shop, self.clock())
        passed = note != self._ship_note
        self._ship_note = note
        self._tell(lambda: ClockTicked(passed))

    # --- loading in the background ------------------------------------------------------------------

    def _first_load(self) -> None:
        """The CLI's load: the first screen is up meanwhile and what is typed is searched once
        the books arrive. A daemon thread, not a worker: quitting (or the start-up benchmark's
        exit at Ready) must not wait for a large library to finish loading."""
        threading.Thread(target=self._load_in_background, name="quickreply-load", daemon=True).start()

    def _load_in_background(self) -> None:
        assert self._loader is not None
        try:
            library = self._loader()
            checks = send_check(library)
        except Exception as error:  # never a traceback: the agent is told why
            self._from_loader(self._load_failed, str(error) or type(error).__name__)
            return
        try:
            shop = choose_shop(library, self._wanted_shop)  # reads the state file: off the UI thread
        except KeyError:
            self._from_loader(self._shop_unknown, library)
            return
        self._from_loader(self._first_loaded, library, checks, shop)

    def _from_loader(self, callback: Callable[..., None], *args: object) -> None:
        try:
            self.call_from_thread(callback, *args)
        except RuntimeError:
            pass  # the app closed while the books were loading: nobody to give them to

    def _shop_unknown(self, library: Library) -> None:
        self.unknown_shop = self._wanted_shop
        self.set_reactive(QuickReplyApp.library, library)  # the CLI names the shops there are
        self.exit(return_code=2)

    def _first_loaded(self, library: Library, checks: SendCheck, shop: Shop | None) -> None:
        self._use_library(library, checks, shop, shop_errors(library), kept=False)
        self.loading = False
        self._books_ready()

    def _load_failed(self, reason: str) -> None:
        self.loading = False
        self._tell(lambda: LoadFailed(reason))
        self.notify(T.load_crashed.format(reason=reason), severity="error", markup=False, timeout=10)

    def _use_library(
        self, library: Library, checks: SendCheck, shop: Shop | None, problems: list[Problem], *, kept: bool
    ) -> None:
        self.send_check = checks
        self.shop_problems = problems
        self.library = library
        self._load_learned()  # the stopwords may have changed with synonyms.toml
        self.shop = shop  # announced by watch_shop when it changed
        self._tell(lambda: BooksReloaded(library, shop_problems=problems, kept_shops=kept))

    def watch_shop(self, shop: Shop | None) -> None:
        self._tell(lambda: ShopSwitched(shop))

    # --- search -----------------------------------------------------------------------------------

    def search(self, query: str, stage: Stage | None, limit: int) -> list[Hit]:
        if not self.library.phrases:  # the books still loading: no index to build (nor import)
            return []
        return self.library.search(
            query, stage=stage, limit=limit, usage=self.popularity, learned=self.learned
        )

    @work(thread=True, exclusive=True, group="learned")
    def _load_learned(self) -> None:
        """The learned answers of the usage record, folded with the library's stopwords. In a
        worker: thousands of remembered wordings take a moment (benchmarks/learned_bench.py).
        Exclusive: a newer load (after F8, a reload) wins over an older one still running."""
        if self.usage is None:
            return
        from ..learned import LearnedAnswers

        learned = LearnedAnswers(self.usage.learned(), stopwords=self.library.index.stopwords)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._use_learned, learned)

    def _use_learned(self, learned: LearnedAnswers) -> None:
        changed = bool(learned) or bool(self.learned)
        self.learned = learned
        if changed:
            self._tell(RankingChanged)

    def _learned_copy(self, moment: str, query: str, phrase: str) -> None:
        """One more remembered copy, on the UI thread (searches read the index there)."""
        if self.learned is None:
            self._load_learned()  # still loading: load again, this copy included
        else:
            self.learned.add(moment, query, phrase)

    @work(thread=True, exclusive=True, group="last-used")
    def _load_last_used(self) -> None:
        """Each reply's last used text, read once (off the UI thread, like the learned answers)
        and kept up to date in place on every copy, so a search costs one dict lookup per hit."""
        if self.usage is None:
            return
        last_used = self.usage.last_used()
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._use_last_used, last_used)

    def _use_last_used(self, last_used: LastUsedTexts) -> None:
        self.last_used = last_used
        if last_used:
            self._tell(RankingChanged)

    def is_updated(self, phrase: Phrase) -> bool:
        """The team changed this reply's text since this agent last used it (已更新)."""
        return self.last_used is not None and self.last_used.is_updated(phrase.id, phrase.text)

    def change_since_use(self, phrase: Phrase) -> list[Piece]:
        """What changed in the reply's text since this agent last used it; [] when nothing did."""
        before = self.last_used.before(phrase.id, phrase.text) if self.last_used is not None else None
        return list(_change(before, phrase.text)) if before is not None else []

    def _used_text(self, phrase: str, text: str, moment: str) -> None:
        """A copy of ``phrase`` whose text is ``text``: not 已更新 any more (on the UI thread,
        where searches read the lookup)."""
        if self.last_used is None:
            self._load_last_used()  # still loading: load again, this copy included
        elif self.last_used.note(phrase, text, moment):
            self._tell(RankingChanged)

    # --- reloading --------------------------------------------------------------------------------

    def _check_files(self) -> None:
        if self.loading:
            return  # the snapshot predates the load: a change made meanwhile is seen afterwards
        current = snapshot(self.library.directories)
        if current != self._files:
            self._files = current
            self._reload()

    @work(thread=True, exclusive=True, group="reload")
    def _reload(self) -> None:
        library = load(*self.library.directories, clock=self.library.clock)
        checks = send_check(library)
        self.call_from_thread(self._swap_library, library, checks)

    def _swap_library(self, library: Library, checks: SendCheck) -> None:
        """Use the reloaded books and rules; the query and the selected reply stay (the screens
        hear BooksReloaded). A broken shops.toml (saved half-way, a typo) keeps the last good
        shops and the chosen one: the agent's replies must not lose their shop_name meanwhile."""
        problems = shop_errors(library)
        kept = bool(problems) and bool(self.library.shops)
        if kept:
            library.shops = self.library.shops
        name = self.shop.name if self.shop else None
        shop = shop_named(library, name)
        self._use_library(library, checks, shop, problems, kept=kept)
        if any(problem.severity is Severity.ERROR for problem in library.problems):
            self._announce_problems()  # instead of 短语书已更新: says which file failed
        else:
            self.notify(T.reloaded, markup=False, timeout=3)

    def _team_folder(self) -> Path | None:
        """The team folder when it is among the loaded ones (not for `-d elsewhere`)."""
        folder = team_folder()
        loaded = {directory.absolute() for directory in self.library.directories}
        return folder if folder is not None and folder.absolute() in loaded else None

    @work(thread=True, exclusive=True, group="team")
    def _team_pull(self) -> None:
        """Pull the team's updates off the UI thread (fast-forward or per-reply merge; never
        a push, never while local changes wait for `quickreply team sync`)."""
        from .. import team  # git and friends: only with a team folder, after start-up

        folder = self._team_folder()
        if folder is None:
            return
        try:
            result = team.sync(folder, commit=False, push=False, batch=True)
        except team.TeamError:
            return  # offline or no access: the next pull tries again; `team sync` says why
        if result.incoming and not get_current_worker().is_cancelled:
            message = T.team_updated.format(count=len(result.incoming))
            self.call_from_thread(self.notify, message, markup=False, timeout=8)

    # --- copying ----------------------------------------------------------------------------------

    def _copy_with_fallback(self, text: str) -> clipboard.CopyResult:
        def through_terminal(reply: str) -> bool:
            self.call_from_thread(self.copy_to_clipboard, reply)
            return True

        return clipboard.copy(text, terminal=through_terminal)

    @work(thread=True, group="copy")
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
    ) -> None:
        """Copy off the UI thread (xclip and friends take tens of milliseconds). ``top``: the
        reply whose copy would teach nothing (search's own first hit, shown first; "" when
        learned replies were shown first); copying any other remembers (query → reply).
        ``record``: count this copy as a use (False for the later parts of a sequence: one use
        in all); ``notice``: what to say instead of 已复制 (a sequence's 1/3 已复制…);
        ``lesson``: the wording to learn from when it is not ``query`` (the buyer's message the
        clipboard watch brought, when the agent then found the reply by its code)."""
        self.clipboard_watch.note_own_copy(text)  # before it lands: the watch must not take it back
        result = self.copier(text)
        # Told first: the record may wait for another process's lock, the agent must not.
        self.call_from_thread(self._copied, text, result, notice)
        if record and self.usage is not None and result.method is not clipboard.CopyMethod.NONE:
            self.usage.record(
                phrase=phrase.id,
                book=phrase.book,
                stage=phrase.stage.value,
                shop=self.shop.name if self.shop else "",
                query=query,
            )
            self.popularity = self.usage.popularity()
            # The template as the agent used it now: 已更新 until the next copy after a change.
            used = dt.datetime.now().isoformat(timespec="seconds")
            self.usage.record_text(phrase.id, phrase.text, when=dt.datetime.fromisoformat(used))
            self.call_from_thread(self._used_text, phrase.id, phrase.text, used)
            wording = lesson or query
            if top is not None and top != phrase.id:
                moment = dt.datetime.now().isoformat(timespec="seconds")
                if self.usage.record_learned(wording, phrase.id, when=dt.datetime.fromisoformat(moment)):
                    self.call_from_thread(self._learned_copy, moment, mask_digits(wording.strip()), phrase.id)
            self.call_from_thread(self._tell_if_history_off)

    def _tell_if_history_off(self) -> None:
        """Once per session: the usage record failed (locked, read-only) and is off now."""
        if self.usage is not None and self.usage.failure and not self._history_off_told:
            self._history_off_told = True
            self.notify(T.history_off.format(reason=self.usage.failure), severity="warning", markup=False)

    def _copied(self, text: str, result: clipboard.CopyResult, notice: str | None = None) -> None:
        """The screens say how it went (a toast, or the text to copy by hand)."""
        self._tell(lambda: ReplyCopied(text, result, notice))

    # --- clipboard watch --------------------------------------------------------------------------

    def set_clipboard_watch(self, on: bool, *, announce: bool = True) -> None:
        """Start or stop watching the clipboard for buyers' messages."""
        if on == self.clipboard_watching:
            return
        self.clipboard_watching = on
        if on:
            self.clipboard_watch.restart()  # what is on the clipboard now is not new
            self._clipboard_worker = self._poll_clipboard()
        elif self._clipboard_worker is not None:
            self._clipboard_worker.cancel()
            self._clipboard_worker = None
        if announce:
            self.notify(T.clipboard_watch_on if on else T.clipboard_watch_off, markup=False, timeout=3)

    def _replies(self) -> KnownReplies:
        """The replies of the library in use, built once per (re)load, in the watch thread."""
        library = self.library
        if self._known_replies is None or self._known_replies[0] is not library:
            replies = KnownReplies(wording for phrase in library.phrases for wording in phrase.wordings)
            self._known_replies = (library, replies)
        return self._known_replies[1]

    @work(thread=True, exclusive=True, group="clipboard-watch")
    def _poll_clipboard(self) -> None:
        """Look at the clipboard every CLIPBOARD_POLL_INTERVAL until cancelled (F7, exit).
        Off the UI thread: reading it runs xclip, which would stall typing."""
        worker = get_current_worker()
        while not worker.is_cancelled:
            try:
                query = self.clipboard_watch.poll(self._replies())
            except Exception as error:  # any way of failing to read: watch off and say why
                reason = str(error) or type(error).__name__
                self._from_watch(worker, self._clipboard_unreadable, reason)
                return
            if query is not None:
                self._from_watch(worker, self._clipboard_message, query)
            worker.cancelled_event.wait(CLIPBOARD_POLL_INTERVAL)

    def _from_watch(self, worker: Worker[None], callback: Callable[[str], None], text: str) -> None:
        if worker.is_cancelled:
            return  # switched off (or quitting) while this look was under way
        try:
            self.call_from_thread(callback, text)
        except RuntimeError:
            pass  # the app closed in between: nobody to tell

    def _clipboard_message(self, query: str) -> None:
        if self.clipboard_watching:
            self._tell(lambda: BuyerMessage(query))

    def _clipboard_unreadable(self, reason: str) -> None:
        self.set_clipboard_watch(False, announce=False)
        message = T.clipboard_watch_failed.format(reason=reason)
        self.notify(message, severity="warning", markup=False, timeout=10)

    # --- actions ----------------------------------------------------------------------------------

    def action_show_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            # The keys of the screen in use (search or editor), then the app's own.
            screen_keys = [b for b in type(self.screen).BINDINGS if isinstance(b, Binding)]
            app_keys = [
                b for b in self.BINDINGS if isinstance(b, Binding) and self.check_action(b.action, ())
            ]  # not F3 编辑 in the editor itself
            self.push_screen(HelpScreen([*screen_keys, *app_keys]))

    async def action_quit(self) -> None:
        """Quitting with unsaved edits in the editor asks first."""
        from .screens.confirm import ConfirmScreen
        from .screens.editor import EditorScreen

        editors = [screen for screen in self.screen_stack if isinstance(screen, EditorScreen)]
        if not any(editor.session.dirty for editor in editors):
            self.exit()
            return

        def decided(answer: str | None) -> None:
            if answer == "quit":
                self.exit()

        question = T.quit_unsaved
        self.push_screen(ConfirmScreen(question, [("stay", T.quit_stay), ("quit", T.quit_anyway)]), decided)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """F3 编辑 leaves the footer while the editor is open (it would do nothing there)."""
        if action == "open_editor":  # by a flag: importing the editor here would slow the start
            return not getattr(self.screen, "is_editor", False)
        return True

    def action_open_editor(self) -> None:
        from .screens.editor import EditorScreen, open_editor

        if isinstance(self.screen, EditorScreen):
            return
        if self.loading:  # an editor over no books could save them empty
            self.notify(T.loading, markup=False, timeout=3)
            return

        def closed(_: None) -> None:
            self._files = {}  # whatever was saved: read the books again
            self._reload()

        self.push_screen(open_editor(self), closed)

    @work(thread=True, group="usage")
    def record_miss(self, query: str) -> None:
        """Off the UI thread: the record may wait for another process's lock."""
        if self.usage is not None:
            self.usage.record_miss(query)
            self.call_from_thread(self._tell_if_history_off)

    @work(thread=True, group="usage")
    def forget_learned(self, phrase: Phrase) -> None:
        """Off the UI thread, like every write to the record; then search again."""
        if self.usage is None:
            self.call_from_thread(self.notify, T.learned_off, markup=False)
            return
        count = self.usage.forget(phrase.id)
        self.call_from_thread(self._load_learned)
        if count is None:
            self.call_from_thread(self._tell_if_history_off)
            return
        message = T.learned_forgotten if count else T.learned_nothing
        self.call_from_thread(self.notify, message.format(title=phrase.title, count=count), markup=False)

    def action_show_stats(self) -> None:
        from .screens.stats import StatsScreen

        if not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen())

    def action_show_problems(self) -> None:
        if not isinstance(self.screen, ProblemsScreen):
            self.push_screen(ProblemsScreen(self.library.problems))

    def switch_shop(self, shop: Shop) -> None:
        self.shop = shop  # the screens hear ShopSwitched (watch_shop)
        self._remember_shop(shop.name)
        self.notify(T.shop_switched.format(name=shop.name), markup=False, timeout=2)

    @work(thread=True, group="remember")
    def _remember_shop(self, name: str) -> None:
        """The next start opens with this shop (unless --shop says otherwise)."""
        remember_shop(name)

    def action_next_shop(self) -> None:
        shops = self.library.shops
        if len(shops) < 2:
            self.bell()
            return
        # By name: after a reload the shop in use may be an equal object, not the same one.
        current = self.shop.name if self.shop else None
        position = next((i for i, shop in enumerate(shops) if shop.name == current), -1)
        self.switch_shop(shops[(position + 1) % len(shops)])

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification (screens' and widgets' included: they call this) passes the output
        boundary: a file or shop name quoted in it shows its escape sequences as ``\\x1b``."""
        super().notify(
            visible(message, newlines=True),
            title=visible(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def on_unmount(self) -> None:
        if self.usage is not None:
            self.usage.close()

    # --- keys and command palette (in the agent's language) ---------------------------------------

    def get_key_display(self, binding: Binding) -> str:
        return key_display(binding)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        return system_commands(self, screen)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(command_palette())

    def search_themes(self) -> None:
        self.push_screen(theme_palette())

    def action_help_quit(self) -> None:
        """Ctrl+C out of habit: say how to quit (Textual says it in English)."""
        quit_keys = [b for b in self.BINDINGS if isinstance(b, Binding) and b.action == "quit"]
        if quit_keys:
            key = self.get_key_display(quit_keys[0])
            self.notify(T.quit_how.format(key=key), title=T.quit_how_title, markup=False)

    def save_screenshot_svg(self) -> None:
        """The palette's 截图: like Textual's, told in Chinese (see _screenshot_delivered)."""
        name = f"{self.title}_{dt.datetime.now():%Y-%m-%dT%H_%M_%S}.svg"
        # The current folder, which always exists (Textual's Downloads may not), named in the notice.
        self.deliver_text(
            io.StringIO(self.export_screenshot()),
            save_directory=Path.cwd(),
            save_filename=name,
            open_method="browser",
            name=SCREENSHOT,
        )

    @on(events.DeliveryComplete)
    def _screenshot_delivered(self, event: events.DeliveryComplete) -> None:
        if event.name == SCREENSHOT:
            self.notify(T.screenshot_saved.format(path=event.path or event.key), markup=False)

    @on(events.DeliveryFailed)
    def _screenshot_failed(self, event: events.DeliveryFailed) -> None:
        if event.name == SCREENSHOT:
            self.notify(T.screenshot_failed.format(reason=event.exception), severity="error", markup=False)


_SCREENS_SEE: type[QuickReply] = QuickReplyApp
"""mypy checks here that the app is what screens take it for (tui/context.py)."""


def choose_shop(library: Library, name: str | None) -> Shop | None:
    """``name`` (--shop) when given (KeyError if no shop has it), else the shop chosen last time
    when it still exists, else the first one."""
    if name is not None:
        return library.shop(name)
    return shop_named(library, remembered_shop())


def shop_named(library: Library, name: str | None) -> Shop | None:
    """The shop called ``name`` when the library has it, else the first (or None)."""
    return next((shop for shop in library.shops if shop.name == name), None) or library.shop()


def shop_errors(library: Library) -> list[Problem]:
    return [
        problem
        for problem in library.problems
        if problem.severity is Severity.ERROR and problem.file.name == "shops.toml"
    ]


@functools.lru_cache(maxsize=64)
def _change(before: str, now: str) -> tuple[Piece, ...]:
    """The preview asks on every keystroke that selects the reply; a long reply takes ~10 ms
    to compare (benchmarks/updated_bench.py), so the answer is kept."""
    return tuple(change_pieces(before, now))


def send_check(library: Library) -> SendCheck:
    """The content rules for the library's directories, for the copy guard; a broken team
    rules.toml is listed in F2 like a broken book."""
    rules, problems = load_rules(library.directories)
    library.problems.extend(problems)
    return SendCheck(rules)


def make_app(
    directories: list[Path] | None = None,
    *,
    shop: str | None = None,
    history: bool = True,
    copier: Copier | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    watch: bool = True,
    start_in_editor: bool = False,
    clipboard_watch: bool = False,
    clipboard_source: Callable[[], str] | None = None,
    deferred: bool = False,
) -> QuickReplyApp:
    """Build the app for the CLI and for tests. ``clipboard_watch`` starts with the clipboard
    watched (--watch); ``clipboard_source`` reads the clipboard (tests pass a fake).
    ``deferred``: the books load in a worker once the first screen is up (the CLI: it paints
    before a large library is read); an unknown ``shop`` then ends the app with
    ``app.unknown_shop`` set instead of raising KeyError here."""

    notes: list[Problem] = []
    usage = None
    if history:
        try:
            usage = UsageLog()
        except (OSError, sqlite3.Error) as error:
            # Usage ranking is a nicety: a read-only home must not keep the agent from working.
            message = T.usage_unavailable.format(error=error)
            notes.append(Problem(default_usage_path(), 1, message, Severity.WARNING, "usage"))

    def loaded() -> Library:
        from .. import store  # tomlkit and the book writer: in the loading thread, not before the first frame

        library = load(*(directories or []), clock=clock)
        library.problems.extend(notes)
        for directory in library.directories:
            store.remove_stale_temporaries(directory)  # left by a save that crashed; old ones only
        return library

    library = None if deferred else loaded()
    paths = [Path(d).expanduser() for d in directories or []] or default_phrasebook_dirs()
    return QuickReplyApp(
        library,
        loader=loaded,
        directories=paths,
        shop=shop,
        usage=usage,
        copier=copier,
        clock=clock,
        watch=watch,
        start_in_editor=start_in_editor,
        clipboard_watch=clipboard_watch,
        clipboard_source=clipboard_source,
    )
