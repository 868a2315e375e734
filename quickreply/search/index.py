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

import heapq
import math
import re
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from ..model import Phrase
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
_MESSAGE_TERMS_MAX = 48
_FEW = 5  # fuzzy matching only steps in when the exact tiers found fewer good matches


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


@dataclass(slots=True)
class _Candidate:
    score: float = -1.0
    reason: str = ""
    title_spans: list[Span] = field(default_factory=list)
    text_spans: list[Span] = field(default_factory=list)

    def offer(self, score: float, reason: str) -> None:
        if score > self.score:
            self.score, self.reason = score, reason


_Collect = Callable[[int], _Candidate]
"""Returns the candidate record of a phrase index, creating it on first use."""


class _Joined:
    """Strings of every phrase joined by SEPARATOR, and where each one starts."""

    def __init__(self, parts: Sequence[str]) -> None:
        self.text = SEPARATOR.join(parts)
        self.starts = array("l")
        offset = 0
        for part in parts:
            self.starts.append(offset)
            offset += len(part) + 1

    def owner(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.starts, offset) - 1
        return index, offset - self.starts[index]

    def _next_start(self, index: int) -> int:
        return self.starts[index + 1] if index + 1 < len(self.starts) else len(self.text)

    def find_each(self, needle: str) -> Iterator[tuple[int, int, int]]:
        """(phrase index, local start, local end) of the first occurrence in each phrase."""
        position = self.text.find(needle)
        while position != -1:
            index, local = self.owner(position)
            yield index, local, local + len(needle)
            position = self.text.find(needle, self._next_start(index))

    def search_each(
        self, pattern: re.Pattern[str], accept: bytearray | None = None
    ) -> Iterator[tuple[int, int, int]]:
        """Like find_each for a regex; with ``accept``, only matches starting where it is 1."""
        match = pattern.search(self.text)
        while match is not None:
            start = match.start()
            if accept is not None and not accept[start]:
                match = pattern.search(self.text, start + 1)
                continue
            index, local = self.owner(start)
            yield index, local, local + match.end() - start
            match = pattern.search(self.text, self._next_start(index))


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
        pinyin_boundaries = bytearray()
        texts: list[str] = []
        self._keys: dict[str, list[int]] = {}
        for number, phrase in enumerate(self.phrases):
            title, offsets = compact(fold(phrase.title))
            subject = title + "".join(TAG_MARK + compact(fold(tag))[0] for tag in phrase.tags)
            self._title_offsets.append(offsets)
            self._title_lengths.append(len(title))
            subjects.append(subject)
            spelled, starts, owner = _spell(subject)
            initials.append("".join(spelled[start] for start in starts[:-1]) if starts else "")
            pinyins.append(spelled)
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
        self._text_lengths = [len(phrase.text) for phrase in self.phrases]
        self._sorted_keys = sorted(self._keys)
        self.synonym_groups = [tuple(fold(word) for word in group) for group in synonym_groups]
        self._synonym_words = sorted(
            ((word, group) for group in self.synonym_groups for word in group),
            key=lambda pair: -len(pair[0]),
        )
        self.stopwords = frozenset(fold(word) for word in stopwords)
        """Characters and two-character words that say nothing in a pasted message."""

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
            order = [i for i in range(len(self.phrases)) if allowed is None or allowed[i]]
            order.sort(key=lambda i: -bonus.get(i, 0.0))
            return [Hit(self.phrases[i], 0.0, "all") for i in order[:limit]]
        found: dict[int, _Candidate] = {}

        def candidate(index: int) -> _Candidate:
            if (entry := found.get(index)) is None:
                entry = found[index] = _Candidate()
            return entry

        self._match_keys(text, candidate)
        self._match_subject(text, candidate)
        self._match_pinyin(text, candidate)
        if len(text) >= 2:
            self._match_text(text, candidate)
        hanzi = sum(1 for char in text if is_han(char))
        if hanzi >= 4 or (hanzi >= 2 and self._count(found, allowed) < limit):
            self._match_message(folded, candidate)
        if self._count(found, allowed, at_least=TEXT) < min(limit, _FEW):
            self._match_fuzzy(text, candidate, limit)
        ranked = heapq.nlargest(
            limit,
            (
                (entry.score + bonus.get(index, 0.0), -index)
                for index, entry in found.items()
                if allowed is None or allowed[index]
            ),
        )
        hits = []
        for score, negative_index in ranked:
            entry = found[-negative_index]
            hits.append(
                Hit(
                    self.phrases[-negative_index],
                    round(score, 3),
                    entry.reason,
                    _merge(entry.title_spans),
                    _merge(entry.text_spans),
                )
            )
        return hits

    @staticmethod
    def _count(
        found: Mapping[int, _Candidate], allowed: Sequence[bool] | None, at_least: float = -1.0
    ) -> int:
        return sum(
            1
            for index, entry in found.items()
            if entry.score >= at_least and (allowed is None or allowed[index])
        )

    def _title_span(self, index: int, start: int, end: int) -> Span | None:
        """Convert a span of the compact subject into one of the original title."""
        if start >= self._title_lengths[index]:
            return None
        offsets = self._title_offsets[index]
        end = min(end, self._title_lengths[index])
        return offsets[start], offsets[end - 1] + 1

    def _coverage(self, index: int, length: int) -> float:
        return min(1.0, length / max(1, self._title_lengths[index]))

    def _record(
        self,
        entry: _Candidate,
        index: int,
        start: int,
        end: int,
        base: float,
        reason: str,
        tag_base: float | None = None,
    ) -> None:
        """A match of subject characters [start, end): title tier or, past the title, tags."""
        span = self._title_span(index, start, end)
        if span is None:
            entry.offer(tag_base if tag_base is not None else TAG, "tag")
            return
        entry.title_spans.append(span)
        score = base + 100 * self._coverage(index, end - start) + (20 if start == 0 else 0)
        entry.offer(score, reason)

    def _match_keys(self, text: str, candidate: _Collect) -> None:
        for index in self._keys.get(text, ()):
            candidate(index).offer(SHORTCUT_EXACT, "shortcut")
        position = bisect_right(self._sorted_keys, text)
        while position < len(self._sorted_keys) and self._sorted_keys[position].startswith(text):
            key = self._sorted_keys[position]
            for index in self._keys[key]:
                candidate(index).offer(SHORTCUT_PREFIX + 50 * len(text) / len(key), "shortcut")
            position += 1

    def _match_subject(self, text: str, candidate: _Collect) -> None:
        for index, start, end in self._subjects.find_each(text):
            self._record(candidate(index), index, start, end, TITLE, "title")

    def _match_pinyin(self, text: str, candidate: _Collect) -> None:
        has_latin = any("a" <= char <= "z" for char in text)
        hanzi = sum(1 for char in text if is_han(char))
        if not has_latin and hanzi < 2:
            return  # one character's homophones are noise; plain digits are not pinyin
        single = len(text) == 1
        full = _pinyin_pattern(text, initials_only=False, anchored=single)
        for index, start, end in self._pinyin.search_each(full, self._pinyin_boundaries):
            owner = self._pinyin_to_subject[index]
            self._record(
                candidate(index), index, owner[start], owner[end - 1] + 1, PINYIN, "pinyin", TAG - 10
            )
        if has_latin:
            short = _pinyin_pattern(text, initials_only=True, anchored=single)
            for index, start, end in self._initials.search_each(short):
                self._record(candidate(index), index, start, end, INITIALS, "initials", TAG - 20)

    def _match_text(self, text: str, candidate: _Collect) -> None:
        for index, start, end in self._texts.find_each(text):
            entry = candidate(index)
            if end <= self._text_lengths[index]:
                entry.text_spans.append((start, end))
            entry.offer(TEXT + min(50.0, 10.0 * len(text)), "text")

    def _match_message(self, folded: str, candidate: _Collect) -> None:
        """Score a long query by the share of its terms each phrase contains."""
        terms: list[tuple[str, ...]] = []
        seen: set[str] = set()
        concepts: set[str] = set()
        for group in self._concepts_in(folded):
            terms.append(group)
            concepts.update(group)
        for segment in re.split(r"\W+", folded):
            for i in range(len(segment) - 1):
                pair = segment[i : i + 2]
                if pair in seen or not any(is_han(char) for char in pair):
                    continue
                seen.add(pair)
                if not any(pair in word for word in concepts) and not (
                    pair in self.stopwords or (pair[0] in self.stopwords and pair[1] in self.stopwords)
                ):
                    terms.append((pair,))
        # Single characters too, at half weight: 退 in 我想退掉 matters even when 退掉 is
        # not written anywhere. Rare characters still weigh more than 我 or 的.
        singles = [
            (char,)
            for char in dict.fromkeys(folded)
            if is_han(char) and char not in self.stopwords and not any(char in word for word in concepts)
        ]
        terms = terms[:_MESSAGE_TERMS_MAX]
        # Synonym concepts were picked by people, so they weigh more than a character pair.
        factors = [1.5 if len(term) > 1 else 1.0 for term in terms]
        factors += [0.5] * len(singles[:_MESSAGE_TERMS_MAX])
        terms += singles[:_MESSAGE_TERMS_MAX]
        if not terms:
            return
        total = len(self.phrases) + 1
        weights: dict[int, float] = {}
        spans: dict[int, list[Span]] = {}
        possible = 0.0
        for alternatives, factor in zip(terms, factors, strict=True):
            in_subject: set[int] = set()
            in_text: set[int] = set()
            for word in alternatives:
                for index, start, end in self._subjects.find_each(word):
                    in_subject.add(index)
                    if (span := self._title_span(index, start, end)) is not None:
                        spans.setdefault(index, []).append(span)
                in_text.update(index for index, _, _ in self._texts.find_each(word))
            documents = len(in_subject | in_text)
            idf = factor * math.log(total / (documents + 0.5))
            if idf <= 0:
                continue
            possible += 2 * idf
            for index in in_subject | in_text:
                weights[index] = weights.get(index, 0.0) + idf * (2 if index in in_subject else 1)
        if possible <= 0:
            return
        for index, weight in weights.items():
            entry = candidate(index)
            entry.offer(MESSAGE + 400 * weight / possible, "message")
            entry.title_spans += spans.get(index, [])

    def _concepts_in(self, folded: str) -> list[tuple[str, ...]]:
        """Synonym groups the text mentions, longest words first: 多少钱 is a price, so its
        钱 must not also count as the 钱 of 退款."""
        taken = bytearray(len(folded))
        groups: list[tuple[str, ...]] = []
        for word, group in self._synonym_words:
            start = folded.find(word)
            while start != -1:
                end = start + len(word)
                if not any(taken[start:end]):
                    taken[start:end] = b"\x01" * len(word)
                    if group not in groups:
                        groups.append(group)
                start = folded.find(word, end)
        return groups

    def _match_fuzzy(self, text: str, candidate: _Collect, limit: int) -> None:
        from rapidfuzz import fuzz, process

        latin = all(char.isascii() for char in text)
        if len(text) < (4 if latin else 3):
            return  # a typo in two letters or characters leaves too little to go on
        choices = self._pinyin_list if latin else self._subject_list
        cutoff = 75 if latin else 65
        for _choice, similarity, index in process.extract(
            text, choices, scorer=fuzz.partial_ratio, score_cutoff=cutoff, limit=limit * 2
        ):
            candidate(index).offer(FUZZY + similarity, "fuzzy")


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


_PATTERNS: dict[tuple[str, bool, bool], re.Pattern[str]] = {}


def _pinyin_pattern(text: str, *, initials_only: bool, anchored: bool) -> re.Pattern[str]:
    """A regex for ``text`` against spelled pinyin: Chinese characters become any of their
    readings (or initials), everything else stands for itself."""
    key = (text, initials_only, anchored)
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
        prefix = "(?:^|(?<=\x00))" if anchored else ""
        pattern = re.compile(prefix + "".join(pieces))
        if len(_PATTERNS) > 4096:
            _PATTERNS.clear()
        _PATTERNS[key] = pattern
    return pattern


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    merged: list[list[int]] = []
    for start, end in sorted(set(spans)):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)
