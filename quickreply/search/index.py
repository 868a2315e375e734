"""The search index: built once at load, queried on every keystroke.

Every searchable field of every phrase is folded (see fold.py) and concatenated into one
long string per field, so a query becomes a handful of C-speed ``str.find`` / regex scans
instead of a fuzzy score per phrase. Tiers, best first:

1. exact shortcut code, then a code the query is the start of;
2. the query inside the title (or a tag), as characters;
3. the query as pinyin of the title: full pinyin (fapiao, 退h → tuih…, 发漂 → fapiao) and
   initials (fhsj → 发货时间);
4. the query inside the reply text;
5. a longer message (a buyer's pasted question): the share of its character pairs and
   synonym concepts found in the phrase, rarer ones weighing more;
6. fuzzy title matching (rapidfuzz) when the tiers above found too little — typos.
"""

from __future__ import annotations

import functools
import heapq
import math
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice, product

from rapidfuzz import fuzz, process

from ..model import Phrase, Stage
from .cues import QUESTION_BONUS, QUESTION_WORDS, STAGE_CUES, STAGE_FACTOR
from .fold import Folder, compact, is_han
from .pinyin import readings, syllables

SEPARATOR = "\x00"
TAG_MARK = "|"  # never a word character, so no match crosses from a title into a tag

SHORTCUT_EXACT = 1000.0
SHORTCUT_PREFIX = 900.0
TITLE = 800.0
PINYIN = 700.0
INITIALS = 650.0
TAG = 600.0
TEXT = 500.0
MESSAGE = 100.0  # .. +400 by coverage
FUZZY = 0.0  # .. +100 by similarity
PINYIN_MAX = PINYIN + 120
INITIALS_MAX = INITIALS + 120
TEXT_MAX = TEXT + 50
"""The best score each tier can give (coverage 100 and the 20 for a match at the start)."""
_MESSAGE_TERMS_MAX = 48
MATCHES_PER_TIER = 2000
"""A query so short that one tier matches more phrases than this ranks the first ones found
(in book order); one more keystroke narrows it. Bounds the work of the first keystrokes."""
_POSTING_CACHE_SIZE = 20_000
_FUZZY_POOL_PER_PIECE = 400
_FEW = 5  # fuzzy matching only steps in when the exact tiers found fewer good matches
_PLACES = (2.0, 1.6, 1.0)
"""What a message term is worth found in a phrase's title, its tags, its text."""
_SYNONYM_SHARE = 0.8
"""A phrase holding only a synonym of the buyer's word (几天 for 多久) gets this share of
the word's weight: of two replies on the same subject, the one in the buyer's words wins."""


Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result. Spans index the phrase's original title and text."""

    phrase: Phrase
    score: float
    reason: str
    """Which tier found it: shortcut, title, pinyin, initials, tag, text, message, fuzzy, all."""
    title_spans: tuple[Span, ...] = ()
    text_spans: tuple[Span, ...] = ()


class _Joined:
    """Strings of every phrase joined into one, each preceded by SEPARATOR, so that one C-level
    scan searches them all and ``SEPARATOR + needle`` finds the ones that start with it."""

    def __init__(self, parts: Sequence[str]) -> None:
        self.text = SEPARATOR + SEPARATOR.join(parts)
        self.starts = array("l")
        offset = 1
        for part in parts:
            self.starts.append(offset)
            offset += len(part) + 1

    def _owner(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.starts, offset) - 1
        return index, offset - self.starts[index]

    def part(self, index: int) -> str:
        """The string of phrase ``index``."""
        end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[index] : end]

    def _end(self, index: int) -> int:
        """Where phrase ``index``'s string ends (its SEPARATOR, or the end of the text)."""
        return self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.text)

    def _next_start(self, index: int) -> int:
        return self.starts[index + 1] if index + 1 < len(self.starts) else len(self.text)

    def find_each(
        self,
        needle: str,
        *,
        at_start: bool = False,
        accept: bytearray | None = None,
        within: Iterable[int] | None = None,
    ) -> Iterator[tuple[int, int, int]]:
        """(phrase index, local start, local end) of the first occurrence in each phrase;
        ``at_start``: only where a phrase's string starts with it; ``accept``: only where
        ``accept[offset]`` is set (e.g. at a syllable boundary); ``within``: only in these
        phrases (ascending), each searched in its own stretch of the text."""
        if within is not None:
            yield from self._find_within(needle, at_start, accept, within)
            return
        text = self.text
        starts = self.starts
        last = len(starts) - 1
        end_of_text = len(text)
        find = text.find
        size = len(needle)
        skip = 1 if at_start else 0  # the match starts after the SEPARATOR we searched for
        target = SEPARATOR + needle if at_start else needle
        position = find(target)
        # The owner lookup and the next start are inlined: this loop runs once per match,
        # thousands of times for the first letters typed at 100k replies.
        while position != -1:
            start = position + skip
            if accept is not None and not accept[start]:
                position = find(target, position + 1)
                continue
            index = bisect_right(starts, start) - 1
            local = start - starts[index]
            yield index, local, local + size
            # On from the next phrase: its SEPARATOR included when matching at the start, or
            # a phrase right after a match could never match (a bug before 2026-12).
            position = find(target, starts[index + 1] - skip if index < last else end_of_text)

    def _find_within(
        self, needle: str, at_start: bool, accept: bytearray | None, within: Iterable[int]
    ) -> Iterator[tuple[int, int, int]]:
        text = self.text
        size = len(needle)
        for index in within:
            begin = self.starts[index]
            end = self._end(index)
            if at_start:
                position = begin if text.startswith(needle, begin, end) else -1
                if position != -1 and accept is not None and not accept[position]:
                    position = -1
            else:
                position = text.find(needle, begin, end)
                while position != -1 and accept is not None and not accept[position]:
                    position = text.find(needle, position + 1, end)
            if position != -1:
                yield index, position - begin, position - begin + size

    def search_each(
        self,
        pattern: re.Pattern[str],
        accept: bytearray | None = None,
        within: Iterable[int] | None = None,
    ) -> Iterator[tuple[int, int, int]]:
        """Like find_each for a regex."""
        if within is not None:
            for index in within:
                begin = self.starts[index]
                end = self._end(index)
                match = pattern.search(self.text, begin, end)
                while match is not None and accept is not None and not accept[match.start()]:
                    match = pattern.search(self.text, match.start() + 1, end)
                if match is not None:
                    yield index, match.start() - begin, match.end() - begin
            return
        match = pattern.search(self.text)
        while match is not None:
            start = match.start()
            if accept is not None and not accept[start]:
                match = pattern.search(self.text, start + 1)
                continue
            index, local = self._owner(start)
            yield index, local, local + match.end() - start
            match = pattern.search(self.text, self._next_start(index))


_LATIN_RUN = re.compile(r"[0-9a-z_]+")


class _Latin:
    """The runs of ASCII letters, digits and _ of every phrase's string, joined: a query of
    such characters can only match inside one run, and the runs are a few per cent of the
    Chinese text, so `kdb` or `fapiao` scans them instead of millions of characters."""

    def __init__(self, joined: _Joined) -> None:
        pieces: list[str] = []
        self.run_starts = array("l")  # where each run starts in self.text
        self.run_owner = array("l")  # which phrase it belongs to
        self.run_local = array("l")  # where it starts in that phrase's string
        offset = 1
        starts = joined.starts
        # One pass over the whole text: a run never crosses a SEPARATOR, and runs are few.
        for match in _LATIN_RUN.finditer(joined.text):
            run = match.group()
            index = bisect_right(starts, match.start()) - 1
            pieces.append(run)
            self.run_starts.append(offset)
            self.run_owner.append(index)
            self.run_local.append(match.start() - starts[index])
            offset += len(run) + 1
        # The first run of each phrase (or of the next phrase that has one), and one past the end.
        owners = self.run_owner
        self.first_run = array("l", (bisect_left(owners, index) for index in range(len(starts) + 1)))
        self.text = SEPARATOR + SEPARATOR.join(pieces)

    def first_each(self, needle: str, *, at_start: bool = False, cap: int) -> list[tuple[int, int]]:
        """(phrase index, local start) of the first occurrence of ``needle`` (letters, digits,
        _) in each phrase, in book order, at most ``cap``; ``at_start``: only where the
        phrase's string starts with it."""
        text = self.text
        find = text.find
        run_starts = self.run_starts
        owners = self.run_owner
        locals_ = self.run_local
        first_run = self.first_run
        runs = len(run_starts)
        found: list[tuple[int, int]] = []
        position = find(needle)
        while position != -1 and len(found) < cap:
            run = bisect_right(run_starts, position) - 1
            index = owners[run]
            local = locals_[run] + position - run_starts[run]
            if not at_start or local == 0:
                found.append((index, local))
            # The first occurrence in a phrase is all that counts: on to the next phrase.
            following = first_run[index + 1]
            position = find(needle, run_starts[following]) if following < runs else -1
        return found


class SearchIndex:
    """Precomputed search structures for a fixed list of phrases."""

    def __init__(
        self,
        phrases: Sequence[Phrase],
        synonym_groups: Iterable[Sequence[str]] = (),
        stopwords: Iterable[str] = (),
    ) -> None:
        self.phrases = list(phrases)
        self.folder = Folder()
        fold = self.folder.fold
        subjects: list[str] = []
        initials: list[str] = []
        pinyins: list[str] = []
        self._title_offsets: list[list[int]] = []  # compact title index -> original index
        self._title_lengths: list[int] = []
        self._pinyin_to_subject: list[array[int]] = []
        pinyin_boundaries = bytearray(1)  # the leading SEPARATOR
        texts: list[str] = []
        self._keys: dict[str, list[int]] = {}
        # The phrases whose subject / spelled pinyin starts with each character: the first
        # keystroke (one character, matched at the start) reads its list instead of scanning.
        self._first_chars: tuple[dict[str, array[int]], dict[str, array[int]]] = ({}, {})
        for number, phrase in enumerate(self.phrases):
            title, offsets = compact(fold(phrase.title))
            subject = title + "".join(TAG_MARK + compact(fold(tag))[0] for tag in phrase.tags)
            self._title_offsets.append(offsets)
            self._title_lengths.append(len(title))
            subjects.append(subject)
            spelled, starts, owner = _spell(subject)
            initials.append("".join(spelled[start] for start in starts[:-1]) if starts else "")
            pinyins.append(spelled)
            if subject:
                self._first_chars[0].setdefault(subject[0], array("l")).append(number)
            if spelled:
                self._first_chars[1].setdefault(spelled[0], array("l")).append(number)
            self._pinyin_to_subject.append(owner)
            boundary = bytearray(len(spelled) + 1)
            for start in starts:
                boundary[start] = 1
            pinyin_boundaries += boundary
            texts.append(fold(SEPARATOR.join(phrase.wordings).replace(SEPARATOR, " ")))
            for key in phrase.keys:
                self._keys.setdefault(fold(key), []).append(number)
        self._subjects = _Joined(subjects)
        self._subject_list = subjects
        self._initials = _Joined(initials)
        self._pinyin = _Joined(pinyins)
        self._pinyin_list = pinyins
        self._pinyin_boundaries = pinyin_boundaries
        self._texts = _Joined(texts)
        self._latin_subjects = _Latin(self._subjects)
        self._latin_texts = _Latin(self._texts)
        self._text_lengths = [len(phrase.text) for phrase in self.phrases]
        self._keys_by_length: dict[int, list[str]] = {}
        for key in sorted(self._keys):
            self._keys_by_length.setdefault(len(key), []).append(key)
        self._key_lengths = sorted(self._keys_by_length)
        self._posting_cache: dict[str, tuple[frozenset[int], frozenset[int], frozenset[int]] | int] = {}
        # A term found in more than one phrase in twenty says little in a message.
        self._common = max(30, len(self.phrases) // 20)
        # Empty words are dropped after folding, whoever built the groups: find("") matches
        # at every position, and _concepts_in would never get past it.
        folded_groups = (tuple(w for word in group if (w := fold(word))) for group in synonym_groups)
        self.synonym_groups = [group for group in folded_groups if group]
        self._synonym_words = sorted(
            ((word, group) for group in self.synonym_groups for word in group),
            key=lambda pair: -len(pair[0]),
        )
        self.stopwords = frozenset(folded for word in stopwords if (folded := fold(word)))
        """Characters and words that say nothing in a pasted message."""
        # Words claim a message's characters longest first (see _concepts_in): 怎么办 (a
        # stopword) before 怎么 (a question), 有没有货 (stock) before 有没有 (a stopword).
        self._cues = [(cue, stage) for stage, cues in STAGE_CUES.items() for cue in cues]
        self._is_question = {
            group: any(word in QUESTION_WORDS for word in group) for group in self.synonym_groups
        }
        self._stages = [phrase.stage for phrase in self.phrases]
        self._sound_cache: dict[str, tuple[str, tuple[str, ...]] | None] = {}
        self._pool_cache: dict[tuple[bool, str], tuple[int, ...]] = {}
        self._last_found: dict[str, tuple[str, tuple[int, ...]]] = {}
        """Per tier, the last complete scan's query and phrases: the next keystroke, which
        usually extends the query, searches only those (see _narrowed)."""

    # The tables below serve pasted messages only: built on the first one, not at start-up.

    @functools.cached_property
    def _claims_by_char(self) -> dict[str, list[tuple[str, tuple[str, ...] | Stage | None]]]:
        """Synonym words, stopwords and stage cues, by first character (a message is checked
        only for the words it may hold), longest first, synonyms before others as long."""
        claims: list[tuple[str, tuple[str, ...] | Stage | None]] = [*self._synonym_words]
        claims += [(word, None) for word in self.stopwords if len(word) > 1]
        claims += self._cues
        claims.sort(key=lambda pair: (-len(pair[0]), not isinstance(pair[1], tuple)))
        by_char: dict[str, list[tuple[str, tuple[str, ...] | Stage | None]]] = {}
        for claim in claims:
            by_char.setdefault(claim[0][0], []).append(claim)
        return by_char

    @functools.cached_property
    def _shadows(self) -> dict[str, tuple[str, ...]]:
        """A word inside a longer synonym word of another group does not count there: the 运费
        of 运费险 is not postage, the 发货 of 催发货 not a shipping question."""
        group_of = {word: group for word, group in self._synonym_words}
        shadows: dict[str, tuple[str, ...]] = {}
        for longer, group in self._synonym_words:
            inner = {
                longer[i:j] for i in range(len(longer)) for j in range(i + 1, len(longer) + 1 - (i == 0))
            }
            for word in inner:
                if (other := group_of.get(word)) is not None and other is not group:
                    shadows[word] = (*shadows.get(word, ()), longer)
        return shadows

    @functools.cached_property
    def _sounds(self) -> dict[tuple[str, ...], list[tuple[str, tuple[str, ...]]]]:
        """Synonym words (two characters or more, all Chinese) by their sound, for typos."""
        sounds: dict[tuple[str, ...], list[tuple[str, tuple[str, ...]]]] = {}
        for word, group in self._synonym_words:
            if len(word) > 1 and all(is_han(char) for char in word):
                spelled = syllables(word)
                if all(spelled):
                    sounds.setdefault(tuple(s for s in spelled if s), []).append((word, group))
        return sounds

    @functools.cached_property
    def _sound_lengths(self) -> list[int]:
        return sorted({len(key) for key in self._sounds}, reverse=True)

    # --- the query ---------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        allowed: Sequence[bool] | None = None,
        limit: int = 20,
        bonus: Mapping[int, float] | None = None,
    ) -> list[Hit]:
        """Rank phrases for ``query``. ``allowed[i]`` filters phrase i (stage, expiry);
        ``bonus[i]`` (small, e.g. from usage) breaks ties between equally good matches."""
        bonus = bonus or {}
        folded = self.folder.fold(query)
        text, _ = compact(folded)
        if not text:
            return [Hit(self.phrases[i], 0.0, "all") for i in self._everything(allowed, limit, bonus)]
        scores = _Scores()
        bar = _Bar(scores, allowed, bonus, limit)
        self._match_keys(text, scores, bar)
        self._match_subject(text, scores)
        # A tier whose best score cannot reach the current top ``limit`` is skipped: the
        # ranking is the same, and only the shown phrases are searched for its highlights.
        later: list[str] = []
        bar.refresh()
        if bar.beats(PINYIN_MAX):
            later += ["pinyin", "initials"]
        else:
            self._match_pinyin(text, scores, initials=False)
            bar.refresh()
            # One letter: the initials match exactly the phrases the spelled pinyin did, lower.
            if len(text) == 1 or bar.beats(INITIALS_MAX):
                later.append("initials")
            else:
                self._match_pinyin(text, scores, spelled=False)
                bar.refresh()
        if len(text) >= 2:
            if bar.beats(TEXT_MAX):
                later.append("text")
            else:
                self._match_text(text, scores)
        # A buyer's message pasted whole matches no title as it stands: score its pieces.
        hanzi = sum(1 for char in text if is_han(char))
        if hanzi >= 2 and scores.count(allowed, at_least=TEXT) < limit:
            self._match_message(folded, scores)
        if not scores.message_phrases and scores.count(allowed, at_least=TEXT) < min(limit, _FEW):
            self._match_fuzzy(text, scores, limit)
        ranked = heapq.nlargest(
            limit,
            (
                (score + bonus.get(index, 0.0), -index)
                for index, score in scores.best.items()
                if allowed is None or allowed[index]
            ),
        )
        chosen = [-negative for _, negative in ranked]
        if later:
            within = sorted(chosen)
            if "pinyin" in later:
                self._match_pinyin(text, scores, initials=False, within=within)
            if "initials" in later:
                self._match_pinyin(text, scores, spelled=False, within=within)
            if "text" in later:
                self._match_text(text, scores, within=within)
        title_spans, text_spans = self._spans(scores, set(chosen))
        return [
            Hit(
                self.phrases[index],
                round(score, 3),
                scores.reason[index],
                _merge(title_spans.get(index, [])),
                _merge(text_spans.get(index, [])),
            )
            for (score, _), index in zip(ranked, chosen, strict=True)
        ]

    def _everything(
        self, allowed: Sequence[bool] | None, limit: int, bonus: Mapping[int, float]
    ) -> list[int]:
        """The empty query: the allowed phrases by bonus, then in book order (a stable sort of
        all of them by bonus), without walking 100k phrases for the first ``limit``."""
        count = len(self.phrases)

        def shown(index: int) -> bool:
            return 0 <= index < count and (allowed is None or allowed[index])

        def by_bonus(index: int) -> tuple[float, int]:
            return -bonus[index], index

        lifted = sorted((i for i, value in bonus.items() if value > 0 and shown(i)), key=by_bonus)
        order = lifted[:limit]
        if len(order) < limit:
            plain = (i for i in range(count) if (allowed is None or allowed[i]) and not bonus.get(i, 0.0))
            order += islice(plain, limit - len(order))
        if len(order) < limit:
            sunk = sorted((i for i, value in bonus.items() if value < 0 and shown(i)), key=by_bonus)
            order += sunk[: limit - len(order)]
        return order

    def _spans(
        self, scores: _Scores, chosen: set[int]
    ) -> tuple[dict[int, list[Span]], dict[int, list[Span]]]:
        """Highlight spans, worked out only for the phrases that are shown."""
        titles: dict[int, list[Span]] = {}
        texts: dict[int, list[Span]] = {}
        for index, start, end in scores.subject:
            if index in chosen and (span := self._title_span(index, start, end)) is not None:
                titles.setdefault(index, []).append(span)
        for index, start, end in scores.text:
            if index in chosen and end <= self._text_lengths[index]:
                texts.setdefault(index, []).append((start, end))
        for index in chosen & scores.message_phrases:
            subject = self._subject_list[index]
            for word in scores.message_words:
                if (start := subject.find(word)) != -1 and (
                    span := self._title_span(index, start, start + len(word))
                ):
                    titles.setdefault(index, []).append(span)
        return titles, texts

    def _title_span(self, index: int, start: int, end: int) -> Span | None:
        """Convert a span of the compact subject into one of the original title."""
        length = self._title_lengths[index]
        if start >= length:
            return None
        offsets = self._title_offsets[index]
        return offsets[start], offsets[min(end, length) - 1] + 1

    def _score_subject(
        self, scores: _Scores, matches: Iterable[tuple[int, int, int]], base: float, reason: str, tag: float
    ) -> None:
        """Matches in the compact subject: the title scores by coverage and position; past
        the title (in tags) a fixed, lower score."""
        lengths = self._title_lengths
        record = scores.subject.append
        offer = scores.offer
        for index, start, end in islice(matches, MATCHES_PER_TIER):
            record((index, start, end))
            length = lengths[index]
            if start >= length:
                offer(index, tag, "tag")
            else:
                coverage = min(1.0, (end - start) / length)
                offer(index, base + 100 * coverage + (20 if start == 0 else 0), reason)

    def _scan_subject(
        self,
        joined: _Joined,
        scores: _Scores,
        needle: str | re.Pattern[str],
        base: float,
        reason: str,
        tag: float,
        *,
        at_start: bool = False,
        accept: bytearray | None = None,
        owners: Sequence[array[int]] | None = None,
    ) -> None:
        """``_score_subject(find_each / search_each)`` over every phrase, fused into one loop:
        at 100k replies the first letters typed match thousands of phrases each, and the
        generators per match cost more than the C scan itself (one call to ``take`` per match,
        at most MATCHES_PER_TIER, is cheap). ``owners`` maps a
        spelled offset to its subject character (the pinyin strings)."""
        text = joined.text
        starts = joined.starts
        last = len(starts) - 1
        end_of_text = len(text)
        lengths = self._title_lengths
        record = scores.subject.append
        best = scores.best
        reasons = scores.reason
        get = best.get
        literal = isinstance(needle, str)

        def take(index: int, local: int, local_end: int) -> None:
            """One match of the subject at [local, local_end): recorded, scored, kept if best."""
            record((index, local, local_end))
            length = lengths[index]
            if local >= length:
                score, why = tag, "tag"
            else:
                coverage = min(1.0, (local_end - local) / length)
                score, why = base + 100 * coverage + (20 if local == 0 else 0), reason
            if score > get(index, -1.0):
                best[index] = score
                reasons[index] = why

        if at_start and isinstance(needle, str) and len(needle) == 1 and joined is not self._initials:
            # One character at the start: the phrases starting with it, listed at build time
            # (the match is the first character of the subject, or of its first syllable).
            table = self._first_chars[joined is self._pinyin]
            for index in islice(table.get(needle, ()), MATCHES_PER_TIER):
                take(index, 0, 1)
            return
        if isinstance(needle, str) and joined is self._subjects and _is_latin(needle):
            for index, local in self._latin_subjects.first_each(
                needle, at_start=at_start, cap=MATCHES_PER_TIER
            ):
                take(index, local, local + len(needle))
            return
        if isinstance(needle, str) and not at_start:
            self._scan_literal(joined, scores, needle, base, reason, tag, accept, owners)
            return
        match: re.Match[str] | None = None
        if isinstance(needle, str):
            find = text.find
            size = len(needle)
            skip = 1 if at_start else 0
            target = SEPARATOR + needle if at_start else needle
            position = find(target)
        else:
            search = needle.search
            match = search(text)
            position = match.start() if match is not None else -1
        found = 0
        while position != -1:
            if literal:
                start = position + skip
                stop = start + size
            else:
                start = position
                stop = match.end()  # type: ignore[union-attr]
            if accept is not None and not accept[start]:
                if literal:
                    position = find(target, position + 1)
                else:
                    match = search(text, start + 1)
                    position = match.start() if match is not None else -1
                continue
            index = bisect_right(starts, start) - 1
            begin = starts[index]
            local = start - begin
            local_end = stop - begin
            if owners is not None:
                owner = owners[index]
                local, local_end = owner[local], owner[local_end - 1] + 1
            take(index, local, local_end)
            found += 1
            if found >= MATCHES_PER_TIER:
                return
            after = starts[index + 1] if index < last else end_of_text
            if literal:
                position = find(target, after - skip if index < last else after)
            else:
                match = search(text, after)
                position = match.start() if match is not None else -1

    def _scan_literal(
        self,
        joined: _Joined,
        scores: _Scores,
        needle: str,
        base: float,
        reason: str,
        tag: float,
        accept: bytearray | None,
        owners: Sequence[array[int]] | None,
    ) -> None:
        """_scan_subject for a plain string anywhere in the subject (the commonest case: every
        latin keystroke's pinyin), with no branch per match that this case never takes."""
        text = joined.text
        starts = joined.starts
        last = len(starts) - 1
        lengths = self._title_lengths
        record = scores.subject.append
        best = scores.best
        reasons = scores.reason
        get = best.get
        find = text.find
        size = len(needle)
        found = 0
        index = 0
        position = find(needle)
        while position != -1:
            if accept is not None and not accept[position]:
                position = find(needle, position + 1)
                continue
            # Matches come in book order: search only from the last phrase on.
            index = bisect_right(starts, position, index) - 1
            local = position - starts[index]
            if owners is None:
                local_end = local + size
            else:
                owner = owners[index]
                local, local_end = owner[local], owner[local + size - 1] + 1
            record((index, local, local_end))
            length = lengths[index]
            if local >= length:
                score, why = tag, "tag"
            else:
                coverage = (local_end - local) / length
                score = base + 100 * (coverage if coverage < 1.0 else 1.0) + (20 if local == 0 else 0)
                why = reason
            if score > get(index, -1.0):
                best[index] = score
                reasons[index] = why
            found += 1
            if found >= MATCHES_PER_TIER:
                return
            position = find(needle, starts[index + 1]) if index < last else -1

    def _match_keys(self, text: str, scores: _Scores, bar: _Bar) -> None:
        for index in self._keys.get(text, ()):
            scores.offer(index, SHORTCUT_EXACT, "shortcut")
        # Codes the query starts, shortest first (they score higher): once ``limit`` phrases
        # score more than any longer code could, the rest are left (k → k1…k99999 at 100k).
        for length in self._key_lengths:
            if length <= len(text):
                continue
            bar.refresh()
            if bar.beats(SHORTCUT_PREFIX + 50 * len(text) / length):
                break
            keys = self._keys_by_length[length]
            position = bisect_right(keys, text)
            while position < len(keys) and keys[position].startswith(text):
                key = keys[position]
                for index in self._keys[key]:
                    scores.offer(index, SHORTCUT_PREFIX + 50 * len(text) / length, "shortcut")
                position += 1

    def _narrowed(self, tier: str, text: str) -> tuple[int, ...] | None:
        """The phrases a tier found for an earlier query that ``text`` extends, when that scan
        was complete (under the cap): a phrase holding ``text`` holds its start, so searching
        these few phrases finds what a scan of all 100k would, in the same order."""
        last = self._last_found.get(tier)
        if last is not None and len(last[0]) >= 2 and text.startswith(last[0]):
            return last[1]
        return None

    def _remember(self, tier: str, text: str, found: list[tuple[int, int, int]], mark: int) -> None:
        """Keep the phrases a scan for ``text`` found (``found[mark:]``), if it was complete."""
        if len(text) >= 2 and len(found) - mark < MATCHES_PER_TIER:
            self._last_found[tier] = (text, tuple(entry[0] for entry in found[mark:]))

    def _match_subject(self, text: str, scores: _Scores) -> None:
        mark = len(scores.subject)
        if (narrowed := self._narrowed("title", text)) is not None:
            matches = self._subjects.find_each(text, within=narrowed)
            self._score_subject(scores, matches, TITLE, "title", TAG)
        else:
            # One character: titles that start with it, not every title holding it.
            self._scan_subject(self._subjects, scores, text, TITLE, "title", TAG, at_start=len(text) == 1)
        self._remember("title", text, scores.subject, mark)

    def _match_pinyin(
        self,
        text: str,
        scores: _Scores,
        *,
        spelled: bool = True,
        initials: bool = True,
        within: Sequence[int] | None = None,
    ) -> None:
        has_latin = any("a" <= char <= "z" for char in text)
        hanzi = sum(1 for char in text if is_han(char))
        if not has_latin and hanzi < 2:
            return  # one character's homophones are noise; plain digits are not pinyin
        owners = self._pinyin_to_subject

        def in_subject(matches: Iterable[tuple[int, int, int]]) -> Iterator[tuple[int, int, int]]:
            for index, start, end in matches:
                owner = owners[index]
                yield index, owner[start], owner[end - 1] + 1

        if within is None:
            if spelled:
                mark = len(scores.subject)
                if (narrowed := self._narrowed("pinyin", text)) is not None:
                    self._match_pinyin(text, scores, initials=False, within=narrowed)
                else:
                    needle: str | re.Pattern[str] = (
                        _pinyin_needle(text, initials_only=False) if hanzi else text
                    )
                    self._scan_subject(
                        self._pinyin, scores, needle, PINYIN, "pinyin", TAG - 10,
                        at_start=len(text) == 1 and not hanzi, accept=self._pinyin_boundaries,
                        owners=owners,
                    )
                self._remember("pinyin", text, scores.subject, mark)
            if has_latin and initials:
                mark = len(scores.subject)
                if (narrowed := self._narrowed("initials", text)) is not None:
                    self._match_pinyin(text, scores, spelled=False, within=narrowed)
                else:
                    needle = _pinyin_needle(text, initials_only=True) if hanzi else text
                    self._scan_subject(
                        self._initials, scores, needle, INITIALS, "initials", TAG - 20,
                        at_start=len(text) == 1 and not hanzi,
                    )
                self._remember("initials", text, scores.subject, mark)
            return
        if spelled:
            if hanzi:
                found = self._pinyin.search_each(
                    _pinyin_pattern(text, initials_only=False), self._pinyin_boundaries, within
                )
            else:
                found = self._pinyin.find_each(
                    text, at_start=len(text) == 1, accept=self._pinyin_boundaries, within=within
                )
            self._score_subject(scores, in_subject(found), PINYIN, "pinyin", TAG - 10)
        if not has_latin or not initials:
            return
        if hanzi:
            short = self._initials.search_each(_pinyin_pattern(text, initials_only=True), within=within)
        else:
            short = self._initials.find_each(text, at_start=len(text) == 1, within=within)
        self._score_subject(scores, short, INITIALS, "initials", TAG - 20)

    def _match_text(self, text: str, scores: _Scores, within: Sequence[int] | None = None) -> None:
        score = TEXT + min(50.0, 10.0 * len(text))
        record = scores.text.append
        offer = scores.offer
        if within is None:
            mark = len(scores.text)
            if (narrowed := self._narrowed("text", text)) is not None:
                self._match_text(text, scores, within=narrowed)
            else:
                self._scan_text(text, scores, score)
            self._remember("text", text, scores.text, mark)
            return
        for match in islice(self._texts.find_each(text, within=within), MATCHES_PER_TIER):
            record(match)
            offer(match[0], score, "text")

    def _scan_text(self, text: str, scores: _Scores, score: float) -> None:
        """The text tier over every phrase in one loop (see _scan_subject)."""
        joined = self._texts.text
        starts = self._texts.starts
        last = len(starts) - 1
        end_of_text = len(joined)
        find = joined.find
        size = len(text)
        record = scores.text.append
        best = scores.best
        reasons = scores.reason
        get = best.get
        if _is_latin(text):
            for index, local in self._latin_texts.first_each(text, cap=MATCHES_PER_TIER):
                record((index, local, local + size))
                if score > get(index, -1.0):
                    best[index] = score
                    reasons[index] = "text"
            return
        found = 0
        position = find(text)
        while position != -1:
            index = bisect_right(starts, position) - 1
            local = position - starts[index]
            record((index, local, local + size))
            if score > get(index, -1.0):
                best[index] = score
                reasons[index] = "text"
            found += 1
            if found >= MATCHES_PER_TIER:
                return
            position = find(text, starts[index + 1] if index < last else end_of_text)

    def _postings(self, word: str) -> tuple[frozenset[int], frozenset[int], frozenset[int]] | int:
        """Phrases whose title / tags / text hold ``word``, or, for a word in more phrases than
        ``_common`` (it says little and costs much), just how often it occurs.
        Cached, since a typed message adds one new character pair per keystroke."""
        if (cached := self._posting_cache.get(word)) is None:
            if len(self._posting_cache) > _POSTING_CACHE_SIZE:
                self._posting_cache.clear()
            limit = 2 * self._common
            # Counting first keeps a common pair (发货) from listing thousands of phrases; a
            # word of three characters or more is nearly always rare, so it skips the count:
            # two scans fewer for each word of a synonym group a message touches.
            occurrences = 0
            if len(word) < 3:
                occurrences = self._texts.text.count(word) + self._subjects.text.count(word)
            if occurrences > limit:
                cached = occurrences
            else:
                in_subjects = list(islice(self._subjects.find_each(word), limit + 1))
                in_texts = list(islice(self._texts.find_each(word), limit + 1))
                if len(in_subjects) + len(in_texts) > limit:
                    cached = self._texts.text.count(word) + self._subjects.text.count(word)
                else:
                    cached = self._listed(word, in_subjects, in_texts)
            self._posting_cache[word] = cached
        return cached

    def _listed(
        self, word: str, in_subjects: list[tuple[int, int, int]], in_texts: list[tuple[int, int, int]]
    ) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
        """Sort the phrases holding ``word`` by place, skipping those that hold it only
        inside a longer synonym word of another group (see _shadows)."""
        lengths = self._title_lengths
        titles: set[int] = set()
        tags: set[int] = set()
        shadows = self._shadows.get(word, ())
        for index, start, _ in in_subjects:
            if shadows:
                start = _unshadowed(self._subject_list[index], word, shadows)
                if start == -1:
                    continue
            # The first occurrence: in the title if the title holds it at all.
            (titles if start < lengths[index] else tags).add(index)
        texts = frozenset(
            index
            for index, _, _ in in_texts
            if not shadows or _unshadowed(self._texts.part(index), word, shadows) != -1
        )
        return frozenset(titles), frozenset(tags), texts

    def _match_message(self, folded: str, scores: _Scores, *, cues_claim: bool = True) -> None:
        """Score a long query by the share of its terms each phrase contains.

        Terms, in the order they claim the message's characters: synonym words (and words that
        sound like one: 发或 → 发货), then stopwords are cut out (亲, 能不能, 怎么办), then the
        character pairs and single characters left. A term weighs by rarity (idf), by where the
        phrase holds it (title > tag > text) and by whether the phrase has the buyer's own word
        or only a synonym of it; question words weigh less than subjects. Stage cues (我的订单)
        lift the replies of that stage a little."""
        taken = bytearray(len(folded))
        terms: list[tuple[tuple[str, ...], frozenset[str], float]] = []
        groups, cued = self._concepts_in(folded, taken, cues_claim=cues_claim)
        questions: list[tuple[tuple[str, ...], frozenset[str]]] = []
        for group, used in groups + self._sounds_in(folded, taken):
            if self._is_question[group]:
                questions.append((group, frozenset(used)))
            else:
                terms.append((group, frozenset(used), 1.5))
        seen: set[str] = set()
        singles: list[tuple[tuple[str, ...], frozenset[str], float]] = []
        stop = self.stopwords
        for segment in _free_segments(folded, taken):
            for i in range(len(segment) - 1):
                pair = segment[i : i + 2]
                if pair in seen or not (is_han(pair[0]) or is_han(pair[1])):
                    continue
                seen.add(pair)
                if not (pair in stop or (pair[0] in stop and pair[1] in stop)):
                    terms.append(((pair,), frozenset((pair,)), 1.0))
            # Single characters too, at half weight: 退 in 我想退掉 matters even when 退掉 is
            # not written anywhere. Rare characters still weigh more than 我 or 的.
            for char in segment:
                if is_han(char) and char not in stop and char not in seen:
                    seen.add(char)
                    singles.append(((char,), frozenset(char), 0.5))
        terms = terms[:_MESSAGE_TERMS_MAX] + singles[:_MESSAGE_TERMS_MAX]
        total = len(self.phrases) + 1
        weights: dict[int, float] = {}
        possible = 0.0
        for alternatives, literal, factor in terms:
            value, documents = self._term_points(alternatives, literal)
            idf = factor * math.log(total / (documents + 0.5))
            if idf <= 0:
                continue
            possible += _PLACES[0] * idf
            # A term in very many phrases says little and costs much (every phrase it holds
            # is then ranked): left out. The bar is twice _common, so that in small books a
            # broad synonym group (发货, 寄出, 发出…) still counts.
            if documents > 2 * self._common:
                continue
            scores.message_words.update(alternatives)
            for index, points in value.items():
                weights[index] = weights.get(index, 0.0) + idf * points
        # A question word (多久, 怎么) says which answer about the subject is wanted: it lifts
        # the replies that match the subject and answer that question, by at most a quarter,
        # and never lifts a reply about something else. Alone (多久啊), it is the subject.
        asked: dict[int, float] = {}
        for alternatives, literal in questions:
            scores.message_words.update(alternatives)
            for index, points in self._term_points(alternatives, literal)[0].items():
                asked[index] = max(asked.get(index, 0.0), points)
        if not weights and asked:
            weights, possible = dict(asked), _PLACES[0]
            asked = {}
        if not weights and cued and cues_claim:
            # Nothing but a cue (已经下单了): its words are then all there is to go on.
            self._match_message(folded, scores, cues_claim=False)
            return
        if possible <= 0:
            return
        # weight ≤ possible (each term adds at most _PLACES[0] × idf to both), so a score
        # stays below MESSAGE + 399 even with both lifts: under any title or text match.
        scale = 399 / (possible * (1 + QUESTION_BONUS) * STAGE_FACTOR)
        offer = scores.offer
        if asked or cued:
            stages = self._stages
            lift = QUESTION_BONUS / _PLACES[0]
            for index, weight in weights.items():
                weight *= 1 + lift * asked.get(index, 0.0)
                if stages[index] in cued:
                    weight *= STAGE_FACTOR
                offer(index, MESSAGE + weight * scale, "message")
        else:
            for index, weight in weights.items():
                offer(index, MESSAGE + weight * scale, "message")
        scores.message_phrases.update(weights)

    def _term_points(
        self, alternatives: tuple[str, ...], literal: frozenset[str]
    ) -> tuple[dict[int, float], int]:
        """Points per phrase for one term (by where it holds the word, and whether it is the
        buyer's own word or a synonym), and in how many phrases it occurs."""
        documents = 0
        found: list[tuple[float, frozenset[int]]] = []
        for word in alternatives:
            posting = self._postings(word)
            if isinstance(posting, int):
                documents += posting
                continue
            share = 1.0 if word in literal else _SYNONYM_SHARE
            found += (
                (place * share, indexes) for place, indexes in zip(_PLACES, posting, strict=True) if indexes
            )
        # Each phrase keeps its best place: fewest points first, so better ones overwrite them
        # (dict.update runs in C; this is the inner loop of a pasted message at 100k replies).
        found.sort(key=lambda pair: pair[0])
        value: dict[int, float] = {}
        for points, indexes in found:
            value.update(dict.fromkeys(indexes, points))
        return value, documents + len(value)

    def _concepts_in(
        self, folded: str, taken: bytearray, *, cues_claim: bool = True
    ) -> tuple[list[tuple[tuple[str, ...], list[str]]], set[Stage]]:
        """Synonym groups the text mentions, with the words it used, and the stages it cues.
        Longest words claim their characters first: 多少钱 is a price, so its 钱 must not also
        count as the 钱 of 退款. Stopwords of two characters or more (能不能, 怎么办) claim
        theirs and leave no pairs. A stage cue says when, not what: the 拍了 of 我已经拍了
        什么时候发 must not match the 拍 of a pre-sale title, so it claims its characters too."""
        matches: list[tuple[int, int, str, tuple[str, ...] | Stage | None]] = []
        candidates = (claim for char in set(folded) for claim in self._claims_by_char.get(char, ()))
        for word, claim in candidates:
            if not cues_claim and isinstance(claim, Stage):
                continue
            start = folded.find(word)
            while start != -1:
                matches.append((-len(word), start, word, claim))
                start = folded.find(word, start + 1)
        # Longest first; of two as long, the one further left (少发了: 少发, not 发了).
        matches.sort(key=lambda match: match[:2])
        found: dict[tuple[str, ...], list[str]] = {}
        for negative, start, word, claim in matches:
            end = start - negative
            if not any(taken[start:end]):
                taken[start:end] = b"\x01" * len(word)
                if isinstance(claim, tuple):
                    found.setdefault(claim, []).append(word)
        cued = {stage for cue, stage in self._cues if cue in folded}
        return list(found.items()), cued

    def _sounds_in(self, folded: str, taken: bytearray) -> list[tuple[tuple[str, ...], list[str]]]:
        """Homophone typos of synonym words (发或 → 发货, 快第 → 快递) among the characters no
        word claimed yet; the synonym word found counts as the buyer's own."""
        found: dict[tuple[str, ...], list[str]] = {}
        for start in range(len(folded) - 1):
            for length in self._sound_lengths:
                end = start + length
                if end > len(folded) or any(taken[start:end]):
                    continue
                match = self._sound_of(folded[start:end])
                if match is not None:
                    taken[start:end] = b"\x01" * length
                    found.setdefault(match[1], []).append(match[0])
                    break
        return list(found.items())

    def _sound_of(self, window: str) -> tuple[str, tuple[str, ...]] | None:
        """The synonym word ``window`` is a likely typo of: same length, at least one character
        in common, and every other character read, in its commonest reading, as the word's
        (a pinyin keyboard offers it for the same syllable). Rare readings would make 直不
        (zhi fu) a 支付."""
        if (cached := self._sound_cache.get(window, False)) is not False:
            return cached  # type: ignore[return-value]
        result: tuple[str, tuple[str, ...]] | None = None
        options = [readings(char) for char in window]
        if all(options) and math.prod(len(option) for option in options) <= 64:
            for spelled in product(*options):
                for word, group in self._sounds.get(spelled, ()):
                    same = [a == b for a, b in zip(window, word, strict=True)]
                    if any(same) and not all(same) and all(
                        alike or options[i][0] == spelled[i] for i, alike in enumerate(same)
                    ):
                        result = (word, group)
                        break
                if result:
                    break
        if len(self._sound_cache) > _POSTING_CACHE_SIZE:
            self._sound_cache.clear()
        self._sound_cache[window] = result
        return result

    def _holding(self, joined: _Joined, gram: str) -> tuple[int, ...]:
        """The fuzzy pool of one piece; cached, since each keystroke of a typo adds one piece
        and the others were scanned for the keystrokes before (a scan of 100k titles each)."""
        key = (joined is self._pinyin, gram)
        if (found := self._pool_cache.get(key)) is None:
            if len(self._pool_cache) > _POSTING_CACHE_SIZE:
                self._pool_cache.clear()
            found = self._pool_cache[key] = _first_owners(joined, gram, _FUZZY_POOL_PER_PIECE)
        return found

    def _match_fuzzy(self, text: str, scores: _Scores, limit: int) -> None:
        """Typos: rapidfuzz over the phrases sharing a piece (three letters of pinyin, two
        characters) with the query, not over every phrase, which costs ~40 ms at 100k."""
        latin = all(char.isascii() for char in text)
        if not 3 <= len(text) <= 20 or (latin and len(text) < 4):
            return  # a typo in two letters or characters leaves too little to go on
        joined, choices, size = (
            (self._pinyin, self._pinyin_list, 3) if latin else (self._subjects, self._subject_list, 2)
        )
        pool: set[int] = set()
        for start in range(len(text) - size + 1):
            pool.update(self._holding(joined, text[start : start + size]))
        candidates = sorted(pool)
        cutoff = 75 if latin else 65
        for _choice, similarity, position in process.extract(
            text,
            [choices[index] for index in candidates],
            scorer=fuzz.partial_ratio,
            score_cutoff=cutoff,
            limit=limit * 2,
        ):
            scores.offer(candidates[position], FUZZY + similarity, "fuzzy")


class _Bar:
    """The ranking key (score + bonus) a phrase must beat to enter the top ``limit`` among the
    allowed phrases found so far: a tier whose best cannot beat it, even with the largest
    bonus, cannot change the ranking. Worked out again only on ``refresh``."""

    __slots__ = ("_allowed", "_bonus", "_limit", "_most", "_scores", "value")

    def __init__(
        self, scores: _Scores, allowed: Sequence[bool] | None, bonus: Mapping[int, float], limit: int
    ) -> None:
        self._scores = scores
        self._allowed = allowed
        self._bonus = bonus
        self._limit = limit
        self._most = max(0.0, max(bonus.values(), default=0.0))  # a phrase without one has 0
        self.value = -math.inf

    def refresh(self) -> None:
        best = self._scores.best
        if len(best) < self._limit or self._limit <= 0:
            return
        allowed, bonus = self._allowed, self._bonus
        if allowed is None and not bonus:
            keys = heapq.nlargest(self._limit, best.values())
        else:
            get = bonus.get
            keys = heapq.nlargest(
                self._limit,
                (
                    score + get(index, 0.0)
                    for index, score in best.items()
                    if allowed is None or allowed[index]
                ),
            )
        if len(keys) == self._limit:
            self.value = keys[-1]

    def beats(self, score: float) -> bool:
        """Whether every one of the top ``limit`` outranks any phrase scored ``score``."""
        return self.value > score + self._most


def _is_latin(needle: str) -> bool:
    return bool(needle) and needle.isascii() and _LATIN_RUN.fullmatch(needle) is not None


def _first_owners(joined: _Joined, needle: str, cap: int) -> tuple[int, ...]:
    """The first ``cap`` phrases (book order) whose string holds ``needle``."""
    text = joined.text
    starts = joined.starts
    last = len(starts) - 1
    find = text.find
    found: list[int] = []
    position = find(needle)
    while position != -1 and len(found) < cap:
        index = bisect_right(starts, position) - 1
        found.append(index)
        position = find(needle, starts[index + 1] if index < last else len(text))
    return tuple(found)


class _Scores:
    """One query's scratch pad: the best score and reason per phrase, and raw matches kept
    so that highlights are worked out only for the phrases finally shown."""

    __slots__ = ("best", "message_phrases", "message_words", "reason", "subject", "text")

    def __init__(self) -> None:
        self.best: dict[int, float] = {}
        self.reason: dict[int, str] = {}
        self.subject: list[tuple[int, int, int]] = []
        self.text: list[tuple[int, int, int]] = []
        self.message_words: set[str] = set()
        self.message_phrases: set[int] = set()

    def offer(self, index: int, score: float, reason: str) -> None:
        if score > self.best.get(index, -1.0):
            self.best[index] = score
            self.reason[index] = reason

    def count(self, allowed: Sequence[bool] | None, at_least: float = -1.0) -> int:
        return sum(
            1
            for index, score in self.best.items()
            if score >= at_least and (allowed is None or allowed[index])
        )


def _unshadowed(part: str, word: str, shadows: Sequence[str]) -> int:
    """Where ``word`` first occurs in ``part`` outside every longer word in ``shadows``; -1."""
    for longer in shadows:
        part = part.replace(longer, SEPARATOR * len(longer))
    return part.find(word)


def _free_segments(folded: str, taken: bytearray) -> Iterator[str]:
    """Runs of word characters that no term has claimed."""
    run: list[str] = []
    for char, claimed in zip(folded, taken, strict=True):
        if not claimed and (char.isalnum() or char == "_"):
            run.append(char)
        elif run:
            yield "".join(run)
            run = []
    if run:
        yield "".join(run)


def _spell(subject: str) -> tuple[str, list[int], array[int]]:
    """Full pinyin of a compact subject: the spelled string, where each character's syllable
    starts (plus the end), and for every spelled offset the subject index it came from."""
    parts: list[str] = []
    starts: list[int] = []
    owner = array("H" if len(subject) < 65536 else "l")
    offset = 0
    for index, (char, syllable) in enumerate(zip(subject, syllables(subject), strict=True)):
        piece = syllable or char
        parts.append(piece)
        starts.append(offset)
        owner.extend([index] * len(piece))
        offset += len(piece)
    starts.append(offset)
    return "".join(parts), starts, owner


_PATTERNS: dict[tuple[str, bool], re.Pattern[str]] = {}


def _pinyin_pattern(text: str, *, initials_only: bool) -> re.Pattern[str]:
    """A regex for ``text`` against spelled pinyin: Chinese characters become any of their
    readings (or initials), everything else stands for itself."""
    key = (text, initials_only)
    if (pattern := _PATTERNS.get(key)) is None:
        pieces = []
        for char in text:
            options = readings(char)
            if initials_only and options:
                options = tuple(dict.fromkeys(option[0] for option in options))
            if options:
                pieces.append("(?:" + "|".join(map(re.escape, options)) + ")")
            else:
                pieces.append(re.escape(char))
        pattern = re.compile("".join(pieces))
        if len(_PATTERNS) > 4096:
            _PATTERNS.clear()
        _PATTERNS[key] = pattern
    return pattern


def _pinyin_needle(text: str, *, initials_only: bool) -> str | re.Pattern[str]:
    """The plain string _pinyin_pattern stands for when every character has one reading (退h
    → tuih): a string scan finds the same matches several times faster than the regex."""
    pieces: list[str] = []
    for char in text:
        options = readings(char)
        if initials_only and options:
            options = tuple(dict.fromkeys(option[0] for option in options))
        if len(options) > 1:
            return _pinyin_pattern(text, initials_only=initials_only)
        pieces.append(options[0] if options else char)
    return "".join(pieces)


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    merged: list[list[int]] = []
    for start, end in sorted(set(spans)):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)
