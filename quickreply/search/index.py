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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice

from rapidfuzz import fuzz, process

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
MATCHES_PER_TIER = 2000
"""A query so short that one tier matches more phrases than this ranks the first ones found
(in book order); one more keystroke narrows it. Bounds the work of the first keystrokes."""
_POSTING_CACHE_SIZE = 20_000
_FUZZY_POOL_PER_PIECE = 400
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

    def _next_start(self, index: int) -> int:
        return self.starts[index + 1] if index + 1 < len(self.starts) else len(self.text)

    def find_each(
        self, needle: str, *, at_start: bool = False, accept: bytearray | None = None
    ) -> Iterator[tuple[int, int, int]]:
        """(phrase index, local start, local end) of the first occurrence in each phrase;
        ``at_start``: only where a phrase's string starts with it; ``accept``: only where
        ``accept[offset]`` is set (e.g. at a syllable boundary)."""
        text = self.text
        skip = 1 if at_start else 0  # the match starts after the SEPARATOR we searched for
        target = SEPARATOR + needle if at_start else needle
        position = text.find(target)
        while position != -1:
            start = position + skip
            if accept is not None and not accept[start]:
                position = text.find(target, position + 1)
                continue
            index, local = self._owner(start)
            yield index, local, local + len(needle)
            position = text.find(target, self._next_start(index))

    def search_each(
        self, pattern: re.Pattern[str], accept: bytearray | None = None
    ) -> Iterator[tuple[int, int, int]]:
        """Like find_each for a regex."""
        match = pattern.search(self.text)
        while match is not None:
            start = match.start()
            if accept is not None and not accept[start]:
                match = pattern.search(self.text, start + 1)
                continue
            index, local = self._owner(start)
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
        pinyin_boundaries = bytearray(1)  # the leading SEPARATOR
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
        self._posting_cache: dict[str, tuple[frozenset[int], frozenset[int]] | int] = {}
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
        scores = _Scores()
        self._match_keys(text, scores)
        self._match_subject(text, scores)
        self._match_pinyin(text, scores)
        if len(text) >= 2:
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

    def _match_keys(self, text: str, scores: _Scores) -> None:
        for index in self._keys.get(text, ()):
            scores.offer(index, SHORTCUT_EXACT, "shortcut")
        position = bisect_right(self._sorted_keys, text)
        while position < len(self._sorted_keys) and self._sorted_keys[position].startswith(text):
            key = self._sorted_keys[position]
            for index in self._keys[key]:
                scores.offer(index, SHORTCUT_PREFIX + 50 * len(text) / len(key), "shortcut")
            position += 1

    def _match_subject(self, text: str, scores: _Scores) -> None:
        # One character: titles that start with it, not every title holding it.
        matches = self._subjects.find_each(text, at_start=len(text) == 1)
        self._score_subject(scores, matches, TITLE, "title", TAG)

    def _match_pinyin(self, text: str, scores: _Scores) -> None:
        has_latin = any("a" <= char <= "z" for char in text)
        hanzi = sum(1 for char in text if is_han(char))
        if not has_latin and hanzi < 2:
            return  # one character's homophones are noise; plain digits are not pinyin
        owners = self._pinyin_to_subject

        def in_subject(matches: Iterable[tuple[int, int, int]]) -> Iterator[tuple[int, int, int]]:
            for index, start, end in matches:
                owner = owners[index]
                yield index, owner[start], owner[end - 1] + 1

        if hanzi:
            spelled = self._pinyin.search_each(
                _pinyin_pattern(text, initials_only=False), self._pinyin_boundaries
            )
        else:
            spelled = self._pinyin.find_each(text, at_start=len(text) == 1, accept=self._pinyin_boundaries)
        self._score_subject(scores, in_subject(spelled), PINYIN, "pinyin", TAG - 10)
        if not has_latin:
            return
        if hanzi:
            short = self._initials.search_each(_pinyin_pattern(text, initials_only=True))
        else:
            short = self._initials.find_each(text, at_start=len(text) == 1)
        self._score_subject(scores, short, INITIALS, "initials", TAG - 20)

    def _match_text(self, text: str, scores: _Scores) -> None:
        score = TEXT + min(50.0, 10.0 * len(text))
        record = scores.text.append
        offer = scores.offer
        for match in islice(self._texts.find_each(text), MATCHES_PER_TIER):
            record(match)
            offer(match[0], score, "text")

    def _postings(self, word: str) -> tuple[frozenset[int], frozenset[int]] | int:
        """Phrases whose subject / text hold ``word``, or, for a word in more phrases than
        ``_common`` (it says little and costs much), just how often it occurs.
        Cached, since a typed message adds one new character pair per keystroke."""
        if (cached := self._posting_cache.get(word)) is None:
            if len(self._posting_cache) > _POSTING_CACHE_SIZE:
                self._posting_cache.clear()
            occurrences = self._texts.text.count(word) + self._subjects.text.count(word)
            if occurrences > 2 * self._common:
                cached = occurrences
            else:
                cached = (
                    frozenset(index for index, _, _ in self._subjects.find_each(word)),
                    frozenset(index for index, _, _ in self._texts.find_each(word)),
                )
            self._posting_cache[word] = cached
        return cached

    def _match_message(self, folded: str, scores: _Scores) -> None:
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
        total = len(self.phrases) + 1
        weights: dict[int, float] = {}
        possible = 0.0
        for alternatives, factor in zip(terms, factors, strict=True):
            in_subject: set[int] = set()
            in_text: set[int] = set()
            documents = 0
            for word in alternatives:
                posting = self._postings(word)
                if isinstance(posting, int):
                    documents += posting
                else:
                    in_subject |= posting[0]
                    in_text |= posting[1]
            anywhere = in_subject | in_text
            documents += len(anywhere)
            idf = factor * math.log(total / (documents + 0.5))
            if idf <= 0:
                continue
            possible += 2 * idf
            if documents > self._common:
                continue
            scores.message_words.update(alternatives)
            for index in anywhere:
                weights[index] = weights.get(index, 0.0) + idf * (2 if index in in_subject else 1)
        if possible <= 0:
            return
        for index, weight in weights.items():
            scores.offer(index, MESSAGE + 400 * weight / possible, "message")
        scores.message_phrases.update(weights)

    def _concepts_in(self, folded: str) -> list[tuple[str, ...]]:
        """Synonym groups the text mentions, longest words first: 多少钱 is a price, so its
        钱 must not also count as the 钱 of 退款."""
        taken = bytearray(len(folded))
        groups: list[tuple[str, ...]] = []
        for word, group in self._synonym_words:
            start = folded.find(word) if word else -1
            while start != -1:
                end = start + len(word)
                if not any(taken[start:end]):
                    taken[start:end] = b"\x01" * len(word)
                    if group not in groups:
                        groups.append(group)
                start = folded.find(word, end)
        return groups

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
            gram = text[start : start + size]
            pool.update(index for index, _, _ in islice(joined.find_each(gram), _FUZZY_POOL_PER_PIECE))
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


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    merged: list[list[int]] = []
    for start, end in sorted(set(spans)):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)
