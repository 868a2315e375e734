"""The public face of the core: load phrasebooks, search them, render replies."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import importlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import schema
from .calendar import clock_time
from .locations import default_phrasebook_dirs, personal_folder, team_folder
from .model import Book, Phrase, Problem, Severity, Shop, Stage
from .placeholders import Placeholders, load_placeholders
from .sanitize import clean_text
from .template import Filled, MissingValuesError, Template, builtin_values, parse, preview, render

if TYPE_CHECKING:
    from . import cache
    from .books import load_dirs
    from .learned import LearnedAnswers
    from .search import Hit, SearchIndex

Clock = Callable[[], dt.datetime]
LEARNED = "learned"
"""A Hit's reason when learned answers put it first (see learned.py)."""
USAGE_WEIGHT = 10.0
"""At most this many points for a reply used often and lately: enough to reorder matches of
about the same quality (the same tier, similar coverage), never to jump a tier."""

# Imported on first use, not with this module: the app builds an empty Library before its first
# frame, and the search index, the cache and the book reader (rapidfuzz, pypinyin, tomlkit …)
# would cost a third of the start-up; the books load in a background thread that imports them.
_HEAVY = {"cache": ("cache", None), "load_dirs": ("books", "load_dirs"),
          "Hit": ("search", "Hit"), "SearchIndex": ("search", "SearchIndex")}


def __getattr__(name: str) -> object:  # PEP 562: library.SearchIndex and the like, on demand
    if name not in _HEAVY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    home, attribute = _HEAVY[name]
    module = importlib.import_module(f".{home}", __package__)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def _heavy() -> None:
    """Bind the lazily imported names for the functions below (kept when already bound: tests
    replace library.SearchIndex and library.load_dirs)."""
    for name in _HEAVY:
        if name not in globals():
            __getattr__(name)


class Library:
    """Every loaded book, merged: phrases (book order), shops, problems and the search index."""

    def __init__(
        self,
        directories: list[Path],
        books: list[Book],
        shops: list[Shop],
        problems: list[Problem],
        synonym_groups: list[tuple[str, ...]],
        clock: Clock = dt.datetime.now,
        stopwords: Sequence[str] = (),
        placeholders: Placeholders | None = None,
        personal: Sequence[Path] = (),
    ) -> None:
        self.directories = directories
        self.personal = frozenset(path.absolute() for path in personal)
        """The agent's own folders beside a team folder: their replies are marked 个人."""
        self.placeholders = placeholders or Placeholders()
        """Labels, fresh, patterns and choices of per-chat values (placeholders.toml)."""
        self.books = books
        self.shops = shops
        self.problems = problems
        self.clock = clock
        every = [phrase for book in books for phrase in book.phrases]
        dropped: set[int] = set()
        # a.toml in two folders (-d f1 -d f2): name the folder too, or the message is a riddle.
        sources = {book.path for book in books}
        twice = {name for name in (path.name for path in sources) if sum(p.name == name for p in sources) > 1}
        for clash in schema.clashes(
            [(phrase.id, phrase.keys) for phrase in every],
            where=lambda i: f"{_name(every[i].source, twice)}:{every[i].line}",
        ):
            phrase = every[clash.index]
            message = clash.message + ("，此条未载入" if clash.field == "id" else "")
            first = every[clash.first]
            if clash.field == "id" and self.is_personal(phrase) and not self.is_personal(first):
                # The team's reply wins: a personal copy under its id would hide the lead's update.
                message = f"个人话术不能使用团队话术的 id {phrase.id}（团队的在 " \
                    f"{_name(first.source, twice)}:{first.line}），请换一个 id；此条未载入"
                clash = dataclasses.replace(clash, code="personal-id")
            problems.append(
                Problem(phrase.source or Path("?"), phrase.line_of(clash.field), message,
                        code=clash.code, phrase=phrase.id)
            )
            if clash.field == "id":
                dropped.add(clash.index)
        phrases = [phrase for index, phrase in enumerate(every) if index not in dropped]
        self.phrases: list[Phrase] = phrases
        self._by_id = {phrase.id: phrase for phrase in phrases}
        self._position = {phrase.id: number for number, phrase in enumerate(phrases)}
        self._index_input = (synonym_groups, stopwords)
        self._templates: dict[str, Template] = {}
        self._masks: dict[tuple[Stage | None, dt.date | None], list[bool]] = {}

    @functools.cached_property
    def index(self) -> SearchIndex:
        """Built by load(), or on the first search when load(search_index=False): `check`
        never searches, and at 100k replies the index costs seconds and hundreds of MB."""
        _heavy()
        index = SearchIndex(self.phrases, *self._index_input)
        gc.freeze()  # long-lived objects: keep full collections from walking them (see load)
        return index

    def is_personal(self, phrase: Phrase) -> bool:
        """From the agent's personal folder (shown as 个人; never pushed to the team)."""
        return phrase.source is not None and phrase.source.parent.absolute() in self.personal

    # --- lookup ----------------------------------------------------------------------------------

    def phrase(self, phrase_id: str) -> Phrase:
        """The phrase with that id; KeyError if none."""
        return self._by_id[phrase_id]

    def shop(self, name: str | None = None) -> Shop | None:
        """The named shop, or the default (first) one; None if there are no shops.
        KeyError if a name is given that no shop has."""
        if name is None:
            return self.shops[0] if self.shops else None
        for shop in self.shops:
            if shop.name == name:
                return shop
        raise KeyError(name)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity is Severity.ERROR]

    # --- search ----------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        stage: Stage | str | None = None,
        limit: int = 20,
        include_expired: bool = False,
        usage: Mapping[str, float] | None = None,
        learned: LearnedAnswers | None = None,
    ) -> list[Hit]:
        """Best matches first. ``usage`` maps phrase ids to a 0..1 popularity that lifts a
        reply above equally good matches (and orders the empty query). ``learned``: replies
        agents copied for wordings like this one come first (reason ``learned``), found by the
        index or not, if the stage and expiry allow them. A reply outside its ``starts`` …
        ``expires`` window is left out unless ``include_expired``."""
        wanted = Stage.parse(stage) if isinstance(stage, str) else stage
        allowed = self._allowed(wanted, None if include_expired else self.clock().date())
        bonus = {
            self._position[pid]: USAGE_WEIGHT * min(1.0, max(0.0, value))
            for pid, value in (usage or {}).items()
            if pid in self._position
        }
        hits = self.index.search(query, allowed=allowed, limit=limit, bonus=bonus)
        if learned is None:
            return hits
        return self._learned_first(hits, learned.first(query), allowed, limit)

    def _learned_first(
        self, hits: list[Hit], ids: list[str], allowed: list[bool] | None, limit: int
    ) -> list[Hit]:
        """Put the learned replies first. Each gets reason ``learned`` except search's own top
        hit, which keeps its reason: so the first hit not marked learned is always what search
        alone ranks first (the app compares the copied reply with it)."""
        _heavy()
        wanted = [
            pid
            for pid in ids
            if (at := self._position.get(pid)) is not None and (allowed is None or allowed[at])
        ]
        if not wanted:
            return hits
        found = {hit.phrase.id: hit for hit in hits}
        top = hits[0].phrase.id if hits else None
        score = (hits[0].score if hits else 0.0) + len(wanted)
        first: list[Hit] = []
        for rank, pid in enumerate(wanted):
            hit = found.get(pid) or Hit(self._by_id[pid], 0.0, LEARNED)
            if pid != top:
                hit = dataclasses.replace(hit, score=score - rank, reason=LEARNED)
            first.append(hit)
        moved = set(wanted)
        rest = [hit for hit in hits if hit.phrase.id not in moved]
        return (first + rest)[:limit]

    @functools.cached_property
    def _windowed(self) -> bool:
        """Whether any reply has a ``starts`` or ``expires`` date (most books have none)."""
        return any(phrase.starts is not None or phrase.expires is not None for phrase in self.phrases)

    def _allowed(self, stage: Stage | None, today: dt.date | None) -> list[bool] | None:
        """Which phrases a search may return, None for all of them (no stage filter and no
        dated reply: the index then skips a lookup per match, and no 100k-entry list is built
        on the first keystroke); cached, as it changes only with the day."""
        if stage is None and (today is None or not self._windowed):
            return None
        key = (stage, today)
        if (mask := self._masks.get(key)) is None:
            if len(self._masks) > 16:
                self._masks.clear()
            mask = self._masks[key] = [
                (stage is None or phrase.stage is stage) and (today is None or phrase.is_shown(today))
                for phrase in self.phrases
            ]
        return mask

    # --- rendering -------------------------------------------------------------------------------

    def template(self, phrase: Phrase, variant: int = 0) -> Template:
        return self._parsed(phrase.wordings[variant % len(phrase.wordings)])

    def _parsed(self, text: str) -> Template:
        # Keyed by the text itself: the editor previews drafts whose id stays while text changes.
        if (parsed := self._templates.get(text)) is None:
            if len(self._templates) > 10_000:
                self._templates.clear()
            parsed = self._templates[text] = parse(text)
        return parsed

    def values(
        self, shop: Shop | None, chat: Mapping[str, str] | None = None, now: dt.datetime | None = None
    ) -> list[tuple[str, Mapping[str, str]]]:
        """The value sources in order of precedence: per-chat, shop, built-in."""
        # An empty per-chat value is no value: `--set size=` must not render "选码".
        cleaned = {name: clean_text(value).text for name, value in (chat or {}).items()}
        chat = {name: value for name, value in cleaned.items() if value.strip()}
        shop_values: Mapping[str, str] = shop.values if shop else {}
        calendar = shop.calendar if shop else None
        moment = now or self.clock()
        if calendar is not None and calendar.cutoffs and "cutoff" in shop_values:
            # {cutoff} is today's cutoff: with cutoffs = { sat = "12:00" }, a Saturday reply
            # saying 14:00前付款当天发 would contradict the 后天 it computes.
            today = calendar.cutoff_on(moment.date())
            if today is not None:
                shop_values = {**shop_values, "cutoff": clock_time(today)}
        # A per-chat cutoff replaces the shop's default one; the rest of its calendar still holds.
        return [
            ("chat", chat),
            ("shop", shop_values),
            ("builtin", builtin_values(moment, chat.get("cutoff"), calendar)),
        ]

    def render(
        self,
        phrase: Phrase | str,
        *,
        shop: Shop | str | None = None,
        values: Mapping[str, str] | None = None,
        now: dt.datetime | None = None,
        variant: int = 0,
    ) -> Filled:
        """Fill a phrase's placeholders. Raises MissingValuesError naming every missing value,
        or MalformedTemplateError; never returns a reply with a raw placeholder in it."""
        if isinstance(phrase, str):
            phrase = self.phrase(phrase)
        if not isinstance(shop, Shop):
            shop = self.shop(shop)
        return render(self.template(phrase, variant), self.values(shop, values, now))

    def render_parts(
        self,
        phrase: Phrase | str,
        *,
        shop: Shop | str | None = None,
        values: Mapping[str, str] | None = None,
        now: dt.datetime | None = None,
    ) -> list[Filled]:
        """Every message of a sequence filled with the same values and the same clock (one
        part for a reply without ``parts``). Raises like :meth:`render`, for any part, before
        anything is returned: a sequence is never half filled."""
        if isinstance(phrase, str):
            phrase = self.phrase(phrase)
        if not phrase.parts:
            return [self.render(phrase, shop=shop, values=values, now=now)]
        if not isinstance(shop, Shop):
            shop = self.shop(shop)
        sources = self.values(shop, values, now)
        return [render(self._parsed(part), sources) for part in phrase.parts]

    def preview(
        self,
        phrase: Phrase,
        *,
        shop: Shop | None,
        values: Mapping[str, str] | None = None,
        variant: int = 0,
        now: dt.datetime | None = None,
    ) -> list[tuple[str, str]]:
        """The reply as pieces marked by where each value came from, or ``missing``. A
        sequence shows each part under its number (pieces of kind ``part``: 【1/3】)."""
        sources = self.values(shop, values, now)
        if not phrase.parts:
            return preview(self.template(phrase, variant), sources)
        pieces: list[tuple[str, str]] = []
        for number, part in enumerate(phrase.parts, 1):
            heading = ("\n" if number > 1 else "") + f"【{number}/{len(phrase.parts)}】\n"
            pieces += [(heading, "part"), *preview(self._parsed(part), sources)]
        return pieces

    def missing(
        self, phrase: Phrase, *, shop: Shop | None, values: Mapping[str, str] | None = None, variant: int = 0
    ) -> tuple[str, ...]:
        """The names a render would still need (empty when it can be copied now)."""
        try:
            self.render(phrase, shop=shop, values=values, variant=variant)
        except MissingValuesError as error:
            return error.names
        return ()


def _name(path: Path | None, ambiguous: set[str] | frozenset[str] = frozenset()) -> str:
    if path is None:
        return "?"
    return str(path) if path.name in ambiguous else path.name


def load(*directories: str | Path, clock: Clock | None = None, search_index: bool = True) -> Library:
    """Load phrasebook directories (none given: the default resolution, see locations.py).
    ``search_index=False``: the index is built on the first search instead (`check` never
    searches)."""
    _heavy()
    paths = [Path(d).expanduser() for d in directories] or default_phrasebook_dirs()
    # Personal only beside the team folder: alone, the same folder is just the agent's books.
    team, personal = team_folder(), personal_folder()
    loaded = {path.absolute() for path in paths}
    beside_team = team is not None and team.absolute() in loaded and personal.absolute() in loaded
    mine = [personal] if beside_team else []
    snapshot = cache.Snapshot(paths, mine)
    if snapshot.key is not None and (state := cache.read(snapshot.key, index=search_index)) is not None:
        library = _restored(state, clock or dt.datetime.now)
        if search_index and "index" not in vars(library):
            library.index  # noqa: B018 - built now, and stored with the rest below
            cache.write(snapshot.key, _state(library), _every_phrase(library))
        gc.freeze()
        return library
    with snapshot.serving():
        library = _load(paths, mine, clock, search_index)
    if snapshot.key is not None and snapshot.complete:
        cache.write(snapshot.key, _state(library), _every_phrase(library))
    # The index is hundreds of thousands of long-lived objects; without this, every full
    # garbage collection walks all of them and a keystroke now and then takes 150 ms.
    gc.freeze()
    return library


_TRANSIENT = ("clock", "_templates", "_masks", "_by_id", "_position")
"""Library attributes not stored in the cache: the clock, caches that fill as it is used, and
the lookups by id (rebuilt in _restored: stored, each id would be a second string)."""


def _state(library: Library) -> dict[str, object]:
    """What the cache stores: everything a load computed (the index too, once built)."""
    return {name: value for name, value in vars(library).items() if name not in _TRANSIENT}


def _every_phrase(library: Library) -> list[Phrase]:
    """The phrases of every book, those left out for a clashing id too (the cache's table)."""
    return [phrase for book in library.books for phrase in book.phrases]


def _restored(state: dict[str, object], clock: Clock) -> Library:
    """A Library from a cache entry, without running __init__ (its work is in the entry)."""
    library = Library.__new__(Library)
    library.__dict__.update(state)
    library.clock = clock
    library._templates = {}
    library._masks = {}
    # As in __init__.
    library._by_id = {phrase.id: phrase for phrase in library.phrases}
    library._position = {phrase.id: number for number, phrase in enumerate(library.phrases)}
    return library


def _load(paths: list[Path], mine: list[Path], clock: Clock | None, search_index: bool) -> Library:
    """Read and check every file, and build the index unless told not to: the cold load."""
    result = load_dirs(paths)
    placeholders, problems = load_placeholders(paths)
    result.problems += problems
    library = Library(
        paths,
        result.books,
        result.shops,
        result.problems,
        result.synonym_groups,
        clock or dt.datetime.now,
        result.stopwords,
        placeholders,
        mine,
    )
    if search_index:
        library.index  # noqa: B018 - built now, off the first keystroke
    return library
