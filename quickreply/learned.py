"""Learned answers: a reply the agents copy for a wording that search ranks lower comes first
next time someone types a similar wording.

The usage record keeps (query, reply) whenever the copied reply was not search's own top hit,
or learned replies were shown in front of that hit (usage.py, table ``learned``; the app
decides, see SearchScreen._search_top). A later query is compared with each remembered query
by the character pairs they share — the measure the search's message tier uses for pasted buyer
messages — and every remembered copy of a reply whose query is similar enough adds evidence:

    evidence(reply) = Σ similarity(query, remembered) × 0.5 ** (age / 14 days)

A reply is put first when at least :data:`COPIES` (2) remembered copies count and their
evidence reaches :data:`ENOUGH` (1.0). So one copy never reorders anything (a one-off choice,
an arrow key pressed once too often); two copies after a wording put the reply first for that
wording and for any wording similar to it (similarity ≥ 0.5, so 2 × 0.5 ≥ 1); the pair fades
below the bar within weeks unless agents keep copying it — and they do when it is right,
since a reply that is first only by learning is remembered again on each copy.

Similarity is a weighted Dice coefficient, ``2 w(A∩B) / (w(A) + w(B))``, over the character
pairs holding a Chinese character (weight 1, without stopword pairs such as 了都) and the
single Chinese characters other than stopwords (weight ½) — folding as the index does.
:data:`SIMILAR` = 0.5 was chosen on the table in tests/unit/test_learned.py: rewordings of one
question (快递三天了都没动 / 快递好几天都没动了 / 三天了快递还没动) score 0.54–0.84, different
questions sharing a word (怎么退款 / 怎么换货, 发票抬头写错了 / 发票什么时候开, 什么时候发货 /
发什么快递) stay below 0.35.

No Textual here: the CLI (`stats --suggest`, `--forget`) uses it too.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .search.fold import Folder, compact, is_han
from .usage import HALF_LIFE_DAYS, is_wording, mask_digits

SIMILAR = 0.5
"""Least similarity (Dice of character pairs) for a remembered query to count at all."""
ENOUGH = 1.0
"""Evidence that puts a reply first: two fresh copies after wordings at least SIMILAR."""
COPIES = 2
"""Remembered copies needed as well: one copy alone never reorders the results."""
_FADED = 0.01  # older than ~13 half-lives: weighs nothing, skipped

Row = tuple[str, str, str]
"""(time ISO 8601, query with digits masked, phrase id) as stored."""


def features(text: str, fold: Callable[[str], str], stopwords: Collection[str] = ()) -> frozenset[str]:
    """What a wording is compared by: its character pairs that say something — folded (繁→简,
    full width), split at punctuation and masked digits, each pair holding a Chinese character
    and not made only of stopwords — and, as in the message tier, its single Chinese characters
    other than stopwords (weighing half: 快递好几天都没动了 shares 天 and 没动 with
    快递三天了都没动 though few of their pairs match)."""
    folded = fold(mask_digits(text))
    found: set[str] = set()
    for segment in re.split(r"\W+", folded):
        for start in range(len(segment) - 1):
            pair = segment[start : start + 2]
            if not (is_han(pair[0]) or is_han(pair[1])):
                continue
            if pair in stopwords or (pair[0] in stopwords and pair[1] in stopwords):
                continue
            found.add(pair)
        found.update(char for char in segment if is_han(char) and char not in stopwords)
    return frozenset(found)


def _weight(feature: str) -> float:
    return 1.0 if len(feature) > 1 else 0.5


def _total(found: Iterable[str]) -> float:
    return sum(_weight(feature) for feature in found)


def similarity(first: frozenset[str], second: frozenset[str]) -> float:
    """Weighted Dice coefficient: 1 for the same features, 0 for none shared."""
    total = _total(first) + _total(second)
    return 2 * _total(first & second) / total if total else 0.0


def decay(moment: dt.datetime, now: dt.datetime) -> float:
    """A copy two weeks old counts half, as for popularity (usage.py)."""
    age = (now - moment).total_seconds() / 86400
    return math.pow(0.5, max(0.0, age) / HALF_LIFE_DAYS)


@dataclass(slots=True)
class _Entry:
    """One remembered wording for one reply; copies of the same wording add up here."""

    found: frozenset[str]
    size: float
    """Total weight of the wording's features."""
    phrase: str
    weight: float = 0.0
    """Summed decay of its copies: 1 per copy today, 0.5 per copy two weeks ago."""
    copies: int = 0


class LearnedAnswers:
    """The remembered (query → reply) pairs of one or more usage records, ready to be asked on
    every keystroke: an inverted index from feature (character pair or character) to the
    remembered wordings holding it.

    A query looks only into the postings of its rarer features: a wording at least SIMILAR
    (Dice ≥ 0.5) shares a third of the query's weight with it, so the commonest features
    making up less than a third can be skipped without missing one (prefix filtering); the
    candidates found are then scored on their whole feature sets. Identical wordings for one
    reply are one entry. Measured in benchmarks/learned_bench.py."""

    def __init__(
        self,
        rows: Iterable[Row],
        *,
        now: dt.datetime | None = None,
        stopwords: Collection[str] = (),
    ) -> None:
        self._now = now
        self._folder = Folder()
        self._stopwords = frozenset(stopwords)
        self._entries: list[_Entry] = []
        self._by_key: dict[tuple[str, str], _Entry] = {}
        self._by_feature: dict[str, list[int]] = defaultdict(list)
        self._features: dict[str, frozenset[str]] = {}
        for moment, query, phrase in rows:
            self.add(moment, query, phrase)

    def add(self, moment: str, query: str, phrase: str) -> None:
        """One more remembered copy (time as stored, ISO 8601). A query the record would not
        keep (no two Chinese characters) is skipped here too, whoever wrote the row."""
        if not is_wording(query):
            return
        try:
            weight = decay(dt.datetime.fromisoformat(moment), self._now or dt.datetime.now())
        except (TypeError, ValueError):
            return  # a hand-edited or foreign row: skip it, never fail a search
        if weight < _FADED:
            return
        if (found := self._features.get(query)) is None:
            found = self._features[query] = self.features(query)
        if not found:
            return
        key = (" ".join(sorted(found)), phrase)
        if (entry := self._by_key.get(key)) is None:
            entry = self._by_key[key] = _Entry(found, _total(found), phrase)
            for feature in found:
                self._by_feature[feature].append(len(self._entries))
            self._entries.append(entry)
        entry.weight += weight
        entry.copies += 1

    def __len__(self) -> int:
        return sum(entry.copies for entry in self._entries)

    def features(self, text: str) -> frozenset[str]:
        return features(text, self._folder.fold, self._stopwords)

    def evidence(self, query: str) -> dict[str, tuple[float, int]]:
        """Per reply id: the summed decayed similarity of the remembered copies of wordings
        like ``query``, and how many copies they are."""
        wanted = self.features(query)
        size = _total(wanted)
        if not size:
            return {}
        postings = self._by_feature
        # Rarest first; stop once what is left weighs less than the third any match shares.
        ordered = sorted(wanted, key=lambda feature: len(postings.get(feature, ())))
        left = size
        candidates: set[int] = set()
        for feature in ordered:
            if left < size / 3:
                break
            candidates.update(postings.get(feature, ()))
            left -= _weight(feature)
        totals: dict[str, tuple[float, int]] = {}
        for number in candidates:
            entry = self._entries[number]
            score = 2 * _total(wanted & entry.found) / (entry.size + size)
            if score >= SIMILAR:
                value, copies = totals.get(entry.phrase, (0.0, 0))
                totals[entry.phrase] = (value + score * entry.weight, copies + entry.copies)
        return totals

    def first(self, query: str) -> list[str]:
        """The reply ids to put first for ``query``, strongest evidence first."""
        totals = self.evidence(query)
        chosen = [pid for pid, (value, copies) in totals.items() if value >= ENOUGH and copies >= COPIES]
        return sorted(chosen, key=lambda pid: (-totals[pid][0], pid))


# --- team leads: several agents' records -------------------------------------------------------


def read_learned(databases: Sequence[Path], since: dt.datetime | None = None) -> list[Row]:
    """The learned pairs of several usage databases (read only). A record from before learned
    answers existed has no table: it adds nothing. sqlite3.Error for a broken file."""
    cutoff = since.isoformat(timespec="seconds") if since else ""
    rows: list[Row] = []
    for path in databases:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "learned" in tables:
                rows += db.execute(
                    "SELECT time, query, phrase FROM learned WHERE time >= ? ORDER BY time", (cutoff,)
                ).fetchall()
        finally:
            db.close()
    return rows


@dataclass(frozen=True)
class Suggestion:
    """A reply and the buyer wordings that led agents to it although search did not find it."""

    phrase: str
    title: str
    wordings: list[tuple[str, int]]
    """(wording as typed, digits masked; how many copies), most frequent first."""


def suggest(
    rows: Iterable[Row],
    titles: dict[str, str],
    top_hit: Callable[[str], str | None],
    *,
    per_reply: int = 10,
) -> list[Suggestion]:
    """Candidates for synonyms.toml or tags: per reply, the learned wordings for which search
    alone (``top_hit``: the id search ranks first, without learning or usage) still misses it.
    Wordings are grouped when they differ only in spaces, punctuation, case or full width.
    Replies no longer in the books are left out: nothing to add the words to."""
    folder = Folder()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    shown: dict[tuple[str, str], str] = {}
    for _, query, phrase in rows:
        if phrase not in titles:
            continue
        key = compact(folder.fold(query))[0]
        if not key:
            continue
        shown.setdefault((phrase, key), query.strip())
        counts[phrase][key] += 1
    result: list[Suggestion] = []
    for phrase, wordings in counts.items():
        missed = [
            (shown[(phrase, key)], count)
            for key, count in sorted(wordings.items(), key=lambda item: (-item[1], item[0]))
            if top_hit(shown[(phrase, key)]) != phrase
        ][:per_reply]
        if missed:
            result.append(Suggestion(phrase, titles[phrase], missed))
    result.sort(key=lambda s: (-sum(count for _, count in s.wordings), s.phrase))
    return result
