"""The App: holds the library, shop, usage log and clipboard, and wires the screens.

Built by :func:`make_app` for the CLI and for tests alike; everything with side effects
(clock, clipboard, usage database) can be injected.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sqlite3
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hits, Provider
from textual.command import Hit as PaletteHit
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from .. import clipboard, store, team
from ..clipwatch import ClipboardWatch, KnownReplies
from ..learned import LearnedAnswers
from ..library import Library, load
from ..locations import team_folder
from ..model import Phrase, Problem, Severity, Shop, Stage
from ..rules import SendCheck, load_rules
from ..sanitize import visible
from ..search import Hit
from ..textdiff import Piece, change_pieces
from ..usage import LastUsedTexts, UsageLog, mask_digits
from ..usage import default_path as default_usage_path
from ..watch import snapshot
from .screens.help import HelpScreen
from .screens.manual_copy import ManualCopyScreen
from .screens.problems import ProblemsScreen
from .screens.search import SearchScreen
from .strings import T
from .wide_chars import install as install_wide_char_fix
from .widgets.status_bar import cutoff_note

# Chinese text over other widgets (toasts, dialogs) lost characters in Textual's compositor.
install_wide_char_fix()

Copier = Callable[[str], clipboard.CopyResult]
RELOAD_INTERVAL = 1.0  # seconds between looks at the phrasebook files
CLOCK_INTERVAL = 15.0
TEAM_PULL_INTERVAL = 180.0  # seconds between pulls of the team folder (quickreply team join)
CLIPBOARD_POLL_INTERVAL = 0.2  # seconds between looks at the clipboard: ≤ 0.5 s to a query


class ShopCommands(Provider):
    """The 切换店铺 commands of the command palette. Textual's system commands read their titles as
    markup (``店[@click=app.quit]点我[/]`` showed as 店点我 and held a live action), so shop
    names are offered here as plain :class:`Content`, through the output boundary."""

    def _commands(self) -> Iterator[tuple[str, Callable[[], None]]]:
        app = self.app
        assert isinstance(app, QuickReplyApp)
        for shop in app.library.shops:
            yield visible(T.command_shop.format(name=shop.name)), partial(app.switch_shop, shop)

    async def discover(self) -> Hits:
        for title, switch in self._commands():
            yield DiscoveryHit(Content(title), switch, text=title, help=T.command_shop_help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, switch in self._commands():
            score, offsets = matcher.fuzzy_search.match(matcher.query, title)
            if score > 0:
                shown = Content(title)
                for offset in offsets:
                    shown = shown.stylize(matcher.match_style, offset, offset + 1)
                yield PaletteHit(score, shown, switch, text=title, help=T.command_shop_help)


class QuickReplyApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = T.app_title
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f1", "show_help", T.key_help, id="app.help", tooltip="显示全部快捷键（搜索框为空时也可按 ?）"
        ),
        Binding("f3", "open_editor", T.key_edit, id="app.edit", tooltip="编辑短语书（主管用）"),
        Binding(
            "f6", "show_stats", T.key_stats, id="app.stats", tooltip="使用统计：常用、没用过、搜了没复制"
        ),
        Binding("f2", "show_problems", T.key_problems, id="app.problems", tooltip="短语书的错误和警告"),
        Binding(
            "f4",
            "next_shop",
            T.key_shop,
            id="app.next-shop",
            tooltip="切换店铺（也可在命令面板 Ctrl+P 中选）",
        ),
        Binding("ctrl+q", "quit", T.key_quit, id="app.quit", tooltip="退出"),
    ]

    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = App.COMMANDS | {ShopCommands}

    def __init__(
        self,
        library: Library,
        *,
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
        self.library = library
        self.send_check = send_check(library)
        self.shop: Shop | None = library.shop(shop)
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
        self.clipboard_watching = False
        self._start_clipboard_watch = clipboard_watch
        self._clipboard_worker: Worker[None] | None = None
        self._known_replies: tuple[Library, KnownReplies] | None = None
        self._ship_note = ""
        """The shipping note last shown: when it changes (the cutoff passed), so may the preview."""

    # --- life cycle -------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        return SearchScreen()

    def on_ready(self) -> None:
        if os.environ.get("QUICKREPLY_BENCH_READY"):  # benchmarks/tui_bench.py: time to first screen
            self.exit()

    def on_mount(self) -> None:
        self.set_interval(CLOCK_INTERVAL, self._tick)
        if self.watching:
            self.set_interval(RELOAD_INTERVAL, self._check_files)
        self._announce_problems()
        self._tell_if_history_off()
        self._load_learned()
        self._load_last_used()
        if self.watching and self._team_folder() is not None:  # the file watch then reloads
            self._team_pull()
            self.set_interval(TEAM_PULL_INTERVAL, self._team_pull)
        if self._start_clipboard_watch:  # after the first frame: the status line exists then
            self.call_after_refresh(self.set_clipboard_watch, True, announce=False)
        if self.start_in_editor:
            self.action_open_editor()

    def _announce_problems(self) -> None:
        errors = [problem for problem in self.library.problems if problem.severity is Severity.ERROR]
        if errors:
            self.notify(T.load_failed.format(count=len(errors)), severity="warning", markup=False, timeout=8)

    @property
    def main(self) -> SearchScreen:
        return next(screen for screen in self.screen_stack if isinstance(screen, SearchScreen))

    def _tick(self) -> None:
        self.main.refresh_status()
        # At the cutoff {ship_day} turns from 今天 to 明天: the reply shown must follow.
        if (note := cutoff_note(self.shop, self.clock())) != self._ship_note:
            self._ship_note = note
            self.main.show_preview()

    # --- search -----------------------------------------------------------------------------------

    def search(self, query: str, stage: Stage | None, limit: int) -> list[Hit]:
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
        learned = LearnedAnswers(self.usage.learned(), stopwords=self.library.index.stopwords)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._use_learned, learned)

    def _use_learned(self, learned: LearnedAnswers) -> None:
        changed = bool(learned) or bool(self.learned)
        self.learned = learned
        if changed:
            self._research()

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
            self._research()

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
            self._research()

    # --- reloading --------------------------------------------------------------------------------

    def _check_files(self) -> None:
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
        """Use the reloaded books and rules; the query and the selected reply stay."""
        self.library = library
        self.send_check = checks
        self._load_learned()  # the stopwords may have changed with synonyms.toml
        name = self.shop.name if self.shop else None
        try:
            self.shop = library.shop(name)
        except KeyError:
            self.shop = library.shop()
        screen = self.main
        hit = screen.results.selected
        screen.run_search(keep=hit.phrase.id if hit else None)
        screen.refresh_status()
        self.notify(T.reloaded, markup=False, timeout=3)
        self._announce_problems()

    def _team_folder(self) -> Path | None:
        """The team folder when it is among the loaded ones (not for `-d elsewhere`)."""
        folder = team_folder()
        loaded = {directory.absolute() for directory in self.library.directories}
        return folder if folder is not None and folder.absolute() in loaded else None

    @work(thread=True, exclusive=True, group="team")
    def _team_pull(self) -> None:
        """Pull the team's updates off the UI thread (fast-forward or per-reply merge; never
        a push, never while local changes wait for `quickreply team sync`)."""
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
        if result.method is clipboard.CopyMethod.SYSTEM:
            self.notify(notice or T.copied, markup=False, timeout=2)
        elif result.method is clipboard.CopyMethod.TERMINAL:
            self.notify(T.copied_terminal, markup=False, timeout=4)
        else:
            self.push_screen(ManualCopyScreen(text, result.detail))

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
        self.main.refresh_status()

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
            self.main.take_clipboard_message(query)

    def _clipboard_unreadable(self, reason: str) -> None:
        self.set_clipboard_watch(False, announce=False)
        message = T.clipboard_watch_failed.format(reason=reason)
        self.notify(message, severity="warning", markup=False, timeout=10)

    # --- actions ----------------------------------------------------------------------------------

    def action_show_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            # The keys of the screen in use (search or editor), then the app's own.
            screen_keys = [b for b in type(self.screen).BINDINGS if isinstance(b, Binding)]
            app_keys = [b for b in self.BINDINGS if isinstance(b, Binding)]
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

        question = "有未保存的修改，退出就会丢失。"
        self.push_screen(
            ConfirmScreen(question, [("stay", "留下继续编辑"), ("quit", "不保存，退出")]), decided
        )

    def action_open_editor(self) -> None:
        from .screens.editor import EditorScreen, open_editor

        if isinstance(self.screen, EditorScreen):
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

    def _research(self) -> None:
        screen = self.main
        hit = screen.results.selected
        screen.run_search(keep=hit.phrase.id if hit else None)

    def action_show_stats(self) -> None:
        from .screens.stats import StatsScreen

        if not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen())

    def action_show_problems(self) -> None:
        if not isinstance(self.screen, ProblemsScreen):
            self.push_screen(ProblemsScreen(self.library.problems))

    def switch_shop(self, shop: Shop) -> None:
        self.shop = shop
        self.main.refresh_status()
        self.main.show_preview()
        self.notify(T.shop_switched.format(name=shop.name), markup=False, timeout=2)

    def action_next_shop(self) -> None:
        shops = self.library.shops
        if len(shops) < 2:
            self.bell()
            return
        position = next((i for i, shop in enumerate(shops) if shop is self.shop), -1)
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
) -> QuickReplyApp:
    """Build the app for the CLI and for tests. ``clipboard_watch`` starts with the clipboard
    watched (--watch); ``clipboard_source`` reads the clipboard (tests pass a fake)."""
    library = load(*(directories or []), clock=clock)
    for directory in library.directories:
        store.remove_stale_temporaries(directory)  # left by a save that crashed; old ones only
    usage = None
    if history:
        try:
            usage = UsageLog()
        except (OSError, sqlite3.Error) as error:
            # Usage ranking is a nicety: a read-only home must not keep the agent from working.
            library.problems.append(
                Problem(default_usage_path(), 1, f"无法打开使用记录：{error}", Severity.WARNING, "usage")
            )
    return QuickReplyApp(
        library,
        shop=shop,
        usage=usage,
        copier=copier,
        clock=clock,
        watch=watch,
        start_in_editor=start_in_editor,
        clipboard_watch=clipboard_watch,
        clipboard_source=clipboard_source,
    )
