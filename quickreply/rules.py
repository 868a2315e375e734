"""Content rules: what a reply must never say (platform rules) and what makes it poor.

Word and pattern rules are data (data/rules.toml plus a team's rules.toml); the rules that
need more than a pattern — bank card numbers (Luhn), length, placeholders no shop sets, a
shop lacking a value its replies use, near-duplicate replies — are written here. Findings
are Problems whose code is the rule id. :class:`SendCheck` answers "may this reply be sent
as it is?" for the search screen, once per reply.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Team patterns run through `regex` with a time limit, not `re`: `re` backtracks without
# bound ((a|aa)+$ on 40 a's never ends, and the heuristic below cannot see every such
# pattern). google-re2 would be linear, but it has no lookaround, and the bundled rules need
# it to spare near misses: (?<!不)转账 is fine in 不支持转账, a phone number is not part of a
# longer digit run. `regex` reads re's syntax the same way and stops at PATTERN_TIMEOUT.
# Imported where used (here: types only): SendCheck([]) is built before the app's first frame,
# and regex and the book reader are not needed for it.
if TYPE_CHECKING:
    import regex

from .locations import bundled_data, bundled_phrasebooks
from .model import Phrase, Problem, Severity, Shop
from .template import is_builtin, parse

FIELDS = ("title", "text", "variants", "note")
DEFAULT_FIELDS = ("title", "text", "variants")
MAX_LENGTH = 300
"""Replies longer than this are hard to read in a chat window; split them."""
NEAR_DUPLICATE = 92
"""rapidfuzz ratio (0-100) from which two replies count as near-duplicates."""
FEW_CANDIDATES = 64
"""Above this many candidates a text's scores are computed in one rapidfuzz call."""
BRUTE_FORCE_FACTOR = 1 / 1000
"""near_duplicate_pairs scores every text in the length window when there are at most this
times length³ of them (about what the pass-join probes of that length cost)."""
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){15,18}\d(?!\d)")
_CARD_CONTEXT = re.compile(r"卡号|银行|账号|账户|户名|开户|card", re.IGNORECASE)
PATTERN_TIMEOUT = 0.25
"""Seconds a rule's pattern may take on one wording. The bundled patterns take microseconds
on a 300-character reply; a pattern that takes this long is stopped for good."""
SLOW_RULE = "slow-rule"
"""The code of the finding for a rule stopped by PATTERN_TIMEOUT."""


class _Health:
    """Whether a rule's pattern has run out of time (then it is not run again: one slow
    pattern must not cost a quarter second on each of ten thousand replies)."""

    __slots__ = ("stopped",)

    def __init__(self) -> None:
        self.stopped = False


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    message: str
    words: tuple[str, ...] = ()
    pattern: regex.Pattern[str] | None = None
    fields: tuple[str, ...] = DEFAULT_FIELDS
    source: Path | None = None
    """The rules.toml the rule comes from, and its line: where a slow pattern is reported."""
    line: int = 1
    health: _Health = dataclasses.field(default_factory=_Health, compare=False, repr=False)

    @property
    def stopped(self) -> bool:
        return self.health.stopped

    def matches(self, text: str) -> Iterable[int]:
        """Offsets in ``text`` where the rule fires. A pattern that runs out of time finds
        nothing, now and from then on (see :attr:`stopped`)."""
        for word in self.words:
            start = text.find(word)
            if start != -1:
                yield start
        if self.pattern is not None and not self.health.stopped:
            try:
                starts = [match.start() for match in self.pattern.finditer(text, timeout=PATTERN_TIMEOUT)]
            except TimeoutError:
                self.health.stopped = True
                return
            yield from starts


def compile_pattern(pattern: str) -> regex.Pattern[str] | str:
    """The compiled pattern, or why it cannot be used (in Chinese)."""
    import regex

    try:
        compiled: regex.Pattern[str] = regex.compile(pattern)
    except (regex.error, ValueError, TypeError, OverflowError, RecursionError) as error:
        return f"正则表达式有误：{error}"
    if nested_repeat(pattern):
        return "正则里有嵌套的重复（如 (a+)+），长回复会让检查卡住：请改写"
    return compiled


def _parse_rule(path: Path, table: object, line: int = 1) -> Rule | Problem:
    from .books import clean_words

    if not isinstance(table, dict):
        return Problem(path, line, "[[rule]] 必须是表", code="schema")
    rule_id = table.get("id")
    if not isinstance(rule_id, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", rule_id):
        return Problem(path, line, f"规则 id {rule_id!r} 无效（小写字母、数字、连字符）", code="schema")
    words = table.get("words", [])
    pattern = table.get("pattern")
    if not isinstance(words, list) or not all(isinstance(word, str) and word for word in words):
        return Problem(path, line, f"规则 {rule_id}：words 必须是非空字符串列表", code="schema")
    # Cleaned like the replies they are looked for in; a word that cleans to nothing (a
    # zero-width space) would be found at offset 0 of every reply.
    words = clean_words(words)
    if not words and not pattern:
        return Problem(path, line, f"规则 {rule_id}：需要 words 或 pattern", code="schema")
    compiled = None
    if pattern is not None:
        if not isinstance(pattern, str):
            return Problem(path, line, f"规则 {rule_id}：pattern 必须是字符串", code="schema")
        compiled = compile_pattern(pattern)
        if isinstance(compiled, str):
            return Problem(path, line, f"规则 {rule_id}：{compiled}", code="schema")
    try:
        severity = Severity(table.get("severity", "error"))
    except ValueError:
        return Problem(path, line, f"规则 {rule_id}：severity 只能是 error / warning / info", code="schema")
    message = table.get("message")
    if not isinstance(message, str) or not message.strip():
        return Problem(path, line, f"规则 {rule_id}：缺少 message", code="schema")
    fields = table.get("fields", list(DEFAULT_FIELDS))
    if not isinstance(fields, list) or any(field not in FIELDS for field in fields):
        return Problem(path, line, f"规则 {rule_id}：fields 只能包含 {'、'.join(FIELDS)}", code="schema")
    return Rule(rule_id, severity, message.strip(), tuple(words), compiled, tuple(fields), path, line)


def nested_repeat(pattern: str) -> bool:
    """Whether a repeat holds another repeat that can backtrack without bound: ``(a+)+``,
    ``(a+){2}``, ``(a{1,3})*``. Python's ``re`` takes exponential (or high polynomial) time on
    those; a bounded repeat of an optional piece, ``(?:\\d[ -]?){15,18}``, is fine."""
    try:  # re's own parser: private, so a Python without it simply skips this guard
        from re import _constants as constants  # type: ignore[attr-defined]
        from re import _parser as parser  # type: ignore[attr-defined]

        parsed = parser.parse(pattern)
    except (ImportError, re.error, ValueError, TypeError, OverflowError, RecursionError):
        return False  # syntax only `regex` knows (\p{Han}): the time limit still holds
    unbounded = constants.MAXREPEAT
    repeats = (constants.MAX_REPEAT, constants.MIN_REPEAT, constants.POSSESSIVE_REPEAT)

    def children(value: object) -> Iterable[object]:
        if isinstance(value, parser.SubPattern):
            yield value
        elif isinstance(value, tuple | list):
            for item in value:
                yield from children(item)

    def walk(items: object, outer: int) -> bool:
        """``outer``: how often the enclosing repeats may run (1 outside any)."""
        for op, argument in items:  # type: ignore[attr-defined]
            if op in repeats:
                _low, high, body = argument
                if outer > 1 and high > 1 and unbounded in (outer, high):
                    return True
                if walk(body, unbounded if unbounded in (outer, high) else max(outer, high)):
                    return True
            elif any(walk(child, outer) for child in children(argument)):
                return True
        return False

    return walk(parsed, 1)


def read_rules(path: Path) -> tuple[list[Rule], list[Problem]]:
    from .books import read_toml, table_lines

    data, raw, problem = read_toml(path)
    if data is None:
        return [], [problem] if problem else []
    tables: Any = data.get("rule", [])
    if not isinstance(tables, list):
        return [], [Problem(path, 1, "rule 必须写成 [[rule]] 表数组", code="schema")]
    headers = table_lines(raw, "rule")
    rules: list[Rule] = []
    problems: list[Problem] = []
    for index, table in enumerate(tables):
        parsed = _parse_rule(path, table, headers[index] if index < len(headers) else 1)
        if isinstance(parsed, Problem):
            problems.append(parsed)
        else:
            rules.append(parsed)
    return rules, problems


def load_rules(directories: Sequence[Path]) -> tuple[list[Rule], list[Problem]]:
    """The bundled rules, then each directory's rules.toml; a team rule replaces a bundled
    one with the same id. A rules.toml that cannot be read is a finding; a directory that
    cannot be read is said by the loader, once."""
    by_id: dict[str, Rule] = {}
    problems: list[Problem] = []
    for path in [bundled_data("rules.toml"), *(d / "rules.toml" for d in directories)]:
        try:
            present = path.exists() or path.is_symlink()  # a FIFO or a broken link is reported
        except OSError:
            continue
        if present:
            rules, found = read_rules(path)
            problems += found
            by_id.update((rule.id, rule) for rule in rules)
    return list(by_id.values()), problems


# --- checking ------------------------------------------------------------------------------------


def _masked(text: str) -> str:
    """Placeholders blanked out (same length, so offsets stay right): {order_no} is not a word."""
    for slot in reversed(parse(text).slots):
        text = text[: slot.start] + " " * (slot.end - slot.start) + text[slot.end :]
    return text


def _wordings(phrase: Phrase, fields: Sequence[str]) -> Iterable[tuple[str, str]]:
    for field in fields:
        if field == "variants":
            yield from (("variants", variant) for variant in phrase.variants)
        else:
            yield field, getattr(phrase, field)


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def check_phrase(phrase: Phrase, rules: Sequence[Rule]) -> list[Problem]:
    findings: list[Problem] = []
    path = phrase.source or Path("?")

    def report(field: str, text: str, offset: int, rule_id: str, severity: Severity, message: str) -> None:
        line = phrase.line_of(field) + text.count("\n", 0, offset)
        findings.append(Problem(path, line, message, severity, rule_id, phrase.id))

    masks: dict[str, str] = {}

    def masked(text: str) -> str:
        # Each wording is parsed once, not once per rule: most of the cost of a check.
        if (done := masks.get(text)) is None:
            done = masks[text] = _masked(text)
        return done

    for rule in rules:
        if rule.stopped:
            continue
        for field, text in _wordings(phrase, rule.fields):
            offsets = list(rule.matches(masked(text)))
            if rule.stopped:
                # Said once, at the rule: the reply is fine, the pattern is what needs fixing.
                findings.append(
                    Problem(
                        rule.source or Path("rules.toml"),
                        rule.line,
                        f"规则 {rule.id}：正则在回复 {phrase.id} 上超过 {PATTERN_TIMEOUT} 秒仍未算完，"
                        "已停用（多半是重复套重复）：请改写",
                        Severity.ERROR,
                        SLOW_RULE,
                    )
                )
                break
            if offsets:
                report(field, text, min(offsets), rule.id, rule.severity, rule.message)
                break  # one finding per rule and phrase is enough to act on
    for field, text in _wordings(phrase, DEFAULT_FIELDS):
        blanked = masked(text)
        for match in _CARD.finditer(blanked):
            digits = re.sub(r"\D", "", match.group())
            # An order number is digits too: only a Luhn-valid number said to be a card counts.
            if _luhn(digits) and _CARD_CONTEXT.search(blanked):
                report(
                    field,
                    text,
                    match.start(),
                    "bank-card",
                    Severity.ERROR,
                    "含有银行卡号：不能引导平台外付款",
                )
                break
    for field, text in _wordings(phrase, ("text", "variants")):
        if len(text) > MAX_LENGTH:
            report(
                field,
                text,
                0,
                "too-long",
                Severity.WARNING,
                f"回复有 {len(text)} 个字，超过 {MAX_LENGTH}：买家不爱看长段，请拆成几句",
            )
    return findings


class SendCheck:
    """The error findings in what a reply sends (its text and variants; the title and note
    never reach a buyer), for the search screen's copy guard.

    Computed the first time a reply is asked about and kept, keyed by its wordings: the
    screen asks for every row it shows on every keystroke, and a cold start must not check
    ten thousand replies nobody looks at."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = [rule for rule in rules if rule.severity is Severity.ERROR]
        self._known: dict[tuple[str, ...], tuple[Problem, ...]] = {}

    def errors(self, phrase: Phrase) -> tuple[Problem, ...]:
        found = self._known.get(phrase.wordings)
        if found is None:
            sent = dataclasses.replace(phrase, title="", note="")
            found = tuple(
                finding
                for finding in check_phrase(sent, self.rules)
                if finding.severity is Severity.ERROR and finding.code != SLOW_RULE
            )
            self._known[phrase.wordings] = found
        return found


@functools.cache
def _bundled_shop_names() -> frozenset[str]:
    """The values the bundled shops.toml sets: the names a team knows to be per-shop."""
    from .books import read_shops

    shops, _problems = read_shops(bundled_phrasebooks() / "shops.toml")
    return frozenset(name for shop in shops for name in shop.values)


def _needed(phrase: Phrase) -> set[str]:
    """Placeholders a phrase cannot render without (no default, not built in)."""
    return {
        slot.name
        for wording in phrase.wordings
        for slot in parse(wording).slots
        if slot.default is None and not is_builtin(slot.name)
    }


def _ids(phrases: Sequence[Phrase], most: int = 5) -> str:
    shown = "、".join(phrase.id for phrase in phrases[:most])
    return shown + (f" 等 {len(phrases)} 条" if len(phrases) > most else "")


def check_shop_values(phrases: Sequence[Phrase], shops: Sequence[Shop]) -> list[Problem]:
    """A shop without a value its replies use (set by another shop, or a value the bundled
    shops set): with that shop chosen, agents are asked for it every time (warning)."""
    per_shop = {name for shop in shops for name in shop.values} | _bundled_shop_names()
    users: dict[str, list[Phrase]] = {}
    for phrase in phrases:
        for name in sorted(_needed(phrase) & per_shop):
            users.setdefault(name, []).append(phrase)
    findings = []
    for shop in shops:
        for name, using in sorted(users.items()):
            if name in shop.values:
                continue
            first = using[0]
            findings.append(
                Problem(
                    first.source or Path("?"),
                    first.line_of("text"),
                    f"店铺「{shop.name}」没有设置 {name}：选这家店时 {_ids(using)} 每次都要客服手填，"
                    f'请在 shops.toml 的这家店下补上 {name} = "…"',
                    Severity.WARNING,
                    "shop-value-missing",
                    first.id,
                )
            )
    return findings


def check_placeholders(phrases: Sequence[Phrase], shops: Sequence[Shop]) -> list[Problem]:
    """Placeholders no shop sets and without a default: agents are asked every time (info).
    Names that are per-shop values get check_shop_values' warning instead."""
    per_shop = {name for shop in shops for name in shop.values}
    if shops:
        per_shop |= _bundled_shop_names()
    findings = []
    for phrase in phrases:
        names = _needed(phrase) - per_shop
        if names:
            findings.append(
                Problem(
                    phrase.source or Path("?"),
                    phrase.line_of("text"),
                    f"{'、'.join(sorted(names))} 没有店铺设置：客服每次都要填写",
                    Severity.INFO,
                    "per-chat-value",
                    phrase.id,
                )
            )
    return findings


def check_near_duplicates(phrases: Sequence[Phrase]) -> list[Problem]:
    """Two replies that say nearly the same thing: merge them, or make one a variant."""
    findings = []
    for first, second in near_duplicate_pairs([phrase.text for phrase in phrases], NEAR_DUPLICATE):
        other = phrases[first]
        later = phrases[second]
        findings.append(
            Problem(
                later.source or Path("?"),
                later.line_of("text"),
                f"与 {other.id} 几乎相同：合并，或改成它的 variants",
                Severity.WARNING,
                "near-duplicate",
                later.id,
            )
        )
    return findings


def score_whole_window(window: int, length: int) -> bool:
    """Whether to score all ``window`` texts a text of ``length`` may pair with, rather than
    probe the pass-join index (whose cost grows with length³)."""
    return window <= BRUTE_FORCE_FACTOR * length**3


def near_duplicate_pairs(texts: Sequence[str], cutoff: float) -> list[tuple[int, int]]:
    """Sorted index pairs ``(i, j)``, ``i < j``, with ``rapidfuzz.fuzz.ratio >= cutoff``.

    Scoring every pair is n² (and ``process.cdist`` needs numpy and an n×n matrix: 40 GB at
    100k). Instead, a pass-join: ``ratio = 100·(1 − d/(la+lb))`` with ``d`` the indel
    distance, so a pair within the cutoff has lengths within a fixed factor and at most
    ``d ≤ slack·(la+lb)`` edits. Each text is cut into ``tau + 1`` segments, ``tau`` the most
    edits any partner may need; ``d ≤ tau`` edits leave one segment untouched, and it appears
    in the partner within a few characters of its own offset. Only texts sharing such a
    segment are scored. Exact: the same pairs as scoring them all. Memory is linear.
    """
    from rapidfuzz import process
    from rapidfuzz.fuzz import ratio

    slack = (100 - cutoff) / 100
    eps = 1e-9  # lenient bounds: rapidfuzz's float score decides, never the filter

    def max_edits(total: int) -> int:
        return int(slack * total + eps)

    def possible(shorter: int, longer: int) -> bool:
        # the ratio is at most 200·shorter / (shorter + longer)
        return 200 * shorter >= cutoff * (shorter + longer) - eps

    Table = dict[str, list[int]]
    # per text length: its segments as (start, size, table of segment text -> text indices)
    layouts: dict[int, list[tuple[int, int, Table]]] = {}
    # per probing length: (table, size, first offset, last offset) to look up
    Plan = list[tuple[Table, int, int, int]]
    plans: dict[int, Plan] = {}

    def layout(length: int) -> list[tuple[int, int, Table]]:
        # Partners come later in length order: up to the longest one the ratio allows.
        longest = length
        while possible(length, longest + 1):
            longest += 1
        parts = max_edits(length + longest) + 1
        size, bigger = divmod(length, parts)
        segments: list[tuple[int, int, Table]] = []
        start = 0
        for number in range(parts):
            step = size + (1 if number >= parts - bigger else 0)
            segments.append((start, step, {}))
            start += step
        return segments

    def plan(length: int) -> Plan:
        steps: Plan = []
        other_length = length
        while other_length >= 0 and possible(other_length, length):
            segments = layouts.get(other_length, [])
            edits = max_edits(length + other_length)
            grow = length - other_length
            back, ahead = (edits - grow) // 2, (edits + grow) // 2
            # Some untouched segment ``number`` has at most ``number`` edits before it and
            # ``edits - number`` after it (pass-join's multi-match-aware bound), so only the
            # first ``edits + 1`` segments need probing, each within a narrow window.
            for number, (start, size, table) in enumerate(segments[: edits + 1]):
                low = max(-back, -number, grow - (edits - number))
                high = min(ahead, number, grow + (edits - number))
                first, last = max(0, start + low), min(length - size, start + high)
                if first <= last:
                    steps.append((table, size, first, last))
            other_length -= 1
        return steps

    pairs: list[tuple[int, int]] = []
    order = sorted(range(len(texts)), key=lambda index: len(texts[index]))
    by_length = [texts[index] for index in order]
    lengths = [len(text) for text in by_length]
    for position, current in enumerate(order):
        text = by_length[position]
        length = lengths[position]
        if length not in layouts:
            layouts[length] = layout(length)
        # Every shorter text the ratio allows, scored in C++ (rapidfuzz prepares ``text`` once),
        # or the pass-join probes: they grow with length³ (2,000-character replies took minutes
        # each), scoring grows with how many texts are in the length window. Both are exact;
        # take the cheaper.
        partner = length
        while partner > 0 and possible(partner - 1, length):
            partner -= 1
        shortest = bisect.bisect_left(lengths, partner, 0, position)
        if score_whole_window(position - shortest, length):
            others = order[shortest:position]
            choices = by_length[shortest:position]
        else:
            if length not in plans:
                plans[length] = plan(length)
            candidates: set[int] = set()
            for table, size, first, last in plans[length]:
                get = table.get
                for found in [get(text[offset : offset + size]) for offset in range(first, last + 1)]:
                    if found is not None:
                        candidates.update(found)
            if len(candidates) <= FEW_CANDIDATES:
                # A ratio() call each: for a few dozen candidates, faster than extract().
                for other in candidates:
                    if ratio(text, texts[other], score_cutoff=cutoff) >= cutoff:
                        pairs.append((min(current, other), max(current, other)))
                others = []
            else:
                # Replies built from the same stock phrases share segments with thousands of
                # others: score them in one C++ call, as for a whole window.
                others = list(candidates)
                choices = [texts[other] for other in others]
        if others:
            # One call for the whole window: rapidfuzz prepares ``text`` once.
            scored = process.extract(text, choices, scorer=ratio, score_cutoff=cutoff, limit=None)
            for _choice, _score, found_at in scored:
                other = others[found_at]
                pairs.append((min(current, other), max(current, other)))
        for start, size, table in layouts[length]:
            table.setdefault(text[start : start + size], []).append(current)
    pairs.sort()
    return pairs


class RuleGate:
    """One combined search per wording that says whether any word or pattern rule could fire.

    At 100k replies, :func:`check_phrase` running each of a dozen rules on each wording cost
    about as much as loading the books (each timed search has a fixed cost), yet nearly every
    reply matches no rule. The gate is an alternation of every rule's words and patterns,
    searched in the same masked text the rules see: an alternation matches wherever one of
    its members does, so a reply it does not match has no finding from those rules, and a
    reply it matches is checked with every rule as before. Results are identical. Patterns
    that would not mean the same inside an alternation (a capturing group may be referred
    back to by number; verbose mode reads a comment to the end of the line) stay outside the
    gate and always run.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = list(rules)
        self.timeouts = 0
        self._build()

    def _build(self) -> None:
        """The gate over the rules still running: a rule stopped for a runaway pattern leaves
        it, or every later reply would wait PATTERN_TIMEOUT for it in the gate."""
        rules = [rule for rule in self.rules if not rule.stopped]
        if rules:  # only then: the app builds SendCheck([]) before its first frame
            import regex
        self.outside: list[Rule] = []
        members: list[str] = []
        fields: set[str] = set()
        for rule in rules:
            pattern = rule.pattern
            if pattern is not None and (pattern.groups or pattern.flags & regex.VERBOSE):
                self.outside.append(rule)
                continue
            members += (regex.escape(word) for word in rule.words)
            if pattern is not None:
                members.append(f"(?:{pattern.pattern})")
            fields.update(rule.fields)
        self.fields = [field for field in FIELDS if field in fields]
        self.gate: regex.Pattern[str] | None = None
        if members:
            try:
                self.gate = regex.compile("|".join(members))
            except (regex.error, ValueError, TypeError, OverflowError, RecursionError):
                self.outside = self.rules  # no gate: every rule on every reply, as before
        self.gated = [rule for rule in rules if rule not in self.outside]

    def rules_for(self, phrase: Phrase) -> list[Rule]:
        """``rules`` in their order, less the gated ones when none of them can fire."""
        if self.gate is not None and any(rule.stopped for rule in self.gated):
            self.timeouts = 0
            self._build()
        if self.gate is None:
            return self.outside
        for _field, text in _wordings(phrase, self.fields):
            # Only a placeholder changes the masked text, and every placeholder has a brace.
            blanked = _masked(text) if "{" in text else text
            try:
                if self.gate.search(blanked, timeout=PATTERN_TIMEOUT) is not None:
                    return self.rules
            except TimeoutError:
                # check_phrase finds the slow pattern, says so and stops it (the gate is then
                # rebuilt without it). Slow only in combination: give the gate up, not the rules.
                self.timeouts += 1
                if self.timeouts > 1:
                    self.gate, self.outside = None, self.rules
                return self.rules
        return self.outside


# --- hard-coded cutoffs ----------------------------------------------------------------------------

CUTOFF_MISMATCH = "cutoff-mismatch"
_CN_DIGITS = {digit: value for value, digit in enumerate("零一二三四五六七八九")} | {"两": 2}
_CN_NUMBER = "零一二两三四五六七八九十"
# A clock time as replies write it: 16点 16:00 16：00 16时 下午4点 下午四点半 4点30分 十六点.
# The lookbehind keeps 9:00-16:00 from reading 00-16 and 二十四 from reading 四.
_CLOCK = (
    r"(?P<clock>(?P<period>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|晚间|晚)?"
    rf"(?<![\d:：{_CN_NUMBER}])(?P<hour>\d{{1,2}}|[{_CN_NUMBER}]{{1,3}})"
    r"(?:[:：](?P<minute>[0-5]\d)(?:分)?|[点點时](?:(?P<half>半)|(?P<minutes>[0-5]?\d|[一二三四五]?十[一二三四五六七八九]?|[一二三四五])分?)?)"
    r"(?:钟|整)?)"
)
_CLAUSE = r"[^。！？!?\n；;]"  # the promise stays inside one sentence
_ORDER = r"(?:付款|支付|付|下单|拍下|拍|订单|下的单|购买|买)"
_SHIPS = r"(?:发货|发出|发走|发|寄出|出库)"
_PROMISES = (
    # 16点前付款当天发 · 下午4点之前拍下的订单，今天就能发出
    rf"{_CLOCK}(?:之前|以前|前){_CLAUSE}{{0,12}}?{_ORDER}{_CLAUSE}{{0,12}}?(?:当天|当日|今天|今日)[^。！？!?\n；;，,]{{0,6}}?{_SHIPS}",
    # 16点以后付款的次日发 (the same cutoff, said from the other side)
    rf"{_CLOCK}(?:之后|以后|后){_CLAUSE}{{0,12}}?{_ORDER}{_CLAUSE}{{0,12}}?(?:次日|第二天|明天|隔天|隔日)[^。！？!?\n；;，,]{{0,6}}?{_SHIPS}",
    # 每天发货截止时间是下午4点
    rf"发货截[止至](?:时间)?(?:是|为|到|在)?{_CLOCK}",
)


@functools.cache
def _promise_patterns() -> tuple[re.Pattern[str], ...]:
    """Compiled on first use, not at import (~10 ms before the app's first frame otherwise)."""
    return tuple(re.compile(pattern) for pattern in _PROMISES)


_MAY_PROMISE = re.compile(rf"[\d{_CN_NUMBER}](?:[点點时]|[:：][0-5]\d)")
"""Every promise writes a clock hour and ships: replies without both (most) skip the patterns."""
_SHIPS_AT_ALL = re.compile(r"发|寄出|出库")


def _cn_number(text: str) -> int | None:
    """十六 → 16, 四 → 4, 二十 → 20, 两 → 2 (0..59); None for anything else."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        if "十" in ones or (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS):
            return None
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS.get(text) if len(text) == 1 else None


def _clock_times(
    period: str | None, hour_text: str, minute_text: str | None, half: bool
) -> frozenset[dt.time]:
    """What a written time may mean: 下午4点 is 16:00; a bare 4点 in a shipping promise is
    16:00 as often as 04:00, so both (empty when it is no time at all)."""
    hour = _cn_number(hour_text)
    minute = 30 if half else (_cn_number(minute_text) if minute_text else 0)
    if hour is None or minute is None or minute > 59 or hour > 24:
        return frozenset()
    if hour == 24:
        return frozenset({dt.time(0, minute)}) if minute == 0 else frozenset()  # 24点前: midnight
    if period in ("下午", "傍晚", "晚上", "晚间", "晚") and hour < 12:
        return frozenset({dt.time(hour + 12, minute)})
    if period == "中午" and hour < 11:
        return frozenset({dt.time(hour + 12, minute)})  # 中午1点 is 13:00; 中午12点 stays
    if period is None and 1 <= hour < 12:
        return frozenset({dt.time(hour, minute), dt.time(hour + 12, minute)})
    return frozenset({dt.time(hour, minute)})


@dataclass(frozen=True, slots=True)
class WrittenCutoff:
    """A cutoff a reply writes out in a shipping promise."""

    offset: int
    """Where the promise starts in the text."""
    written: str
    """The time as written (下午4点, 16:00)."""
    times: frozenset[dt.time]
    """What it may mean (a bare 4点: 04:00 or 16:00)."""


def may_promise(text: str) -> bool:
    """A cheap test every promise passes: a clock hour and a shipping word somewhere."""
    return _MAY_PROMISE.search(text) is not None and _SHIPS_AT_ALL.search(text) is not None


def promised_cutoffs(text: str) -> list[WrittenCutoff]:
    """Cutoffs a reply writes out in a shipping promise (16点前付款当天发, 16点后付款次日发,
    发货截止时间是下午4点), in text order. A time that promises no shipping (客服在线到22点,
    22点前都可以咨询) is not one."""
    found: list[WrittenCutoff] = []
    if not may_promise(text):
        return found
    for pattern in _promise_patterns():
        for match in pattern.finditer(text):
            minute = match["minute"] or match["minutes"]
            times = _clock_times(match["period"], match["hour"], minute, match["half"] is not None)
            if times:
                found.append(WrittenCutoff(match.start("clock"), match["clock"], times))
    return sorted(found, key=lambda cutoff: cutoff.offset)


def shop_cutoffs(shops: Sequence[Shop]) -> dict[str, frozenset[dt.time]]:
    """Each shop's cutoff times: ``cutoff`` and the per-weekday ``cutoffs`` of its shipping
    calendar, on the days it ships. Shops without a cutoff are left out: there is nothing to
    compare with."""
    result = {}
    for shop in shops:
        if times := shop.calendar.cutoff_times:
            result[shop.name] = times
    return result


def check_cutoffs(phrases: Sequence[Phrase], cutoffs: Mapping[str, Collection[dt.time]]) -> list[Problem]:
    """A reply that writes its cutoff out (16点前付款当天发) where a shop ships by another
    time: sent for that shop it promises what the warehouse will not do (warning). One finding
    per reply and written time, naming every shop it is wrong for; ``{cutoff}`` is the fix."""
    if not cutoffs:
        return []
    findings = []
    for phrase in phrases:
        for field, text in _wordings(phrase, ("text", "variants")):
            if not may_promise(text):
                continue  # most replies: no clock, or nothing shipped; skip parsing placeholders
            for written in promised_cutoffs(_masked(text) if "{" in text else text):
                # Wrong for a shop unless it is that shop's cutoff on every shipping day: with
                # cutoffs = { sat = "12:00" }, 14点前付款当天发 is false on Saturdays.
                wrong = [(name, times) for name, times in cutoffs.items() if not set(times) <= written.times]
                if not wrong:
                    continue
                shown = "、".join(
                    f"「{name}」的截止时间是 {'/'.join(sorted(time.strftime('%H:%M') for time in times))}"
                    for name, times in wrong[:3]
                ) + (f" 等 {len(wrong)} 家" if len(wrong) > 3 else "")
                where = "parts" if phrase.parts and field == "text" else field
                findings.append(
                    Problem(
                        phrase.source or Path("?"),
                        phrase.line_of(where) + text.count("\n", 0, written.offset),
                        f"回复写死了发货截止时间「{written.written}」，但{shown}："
                        "请改用 {cutoff}（跟随所选店铺）",
                        Severity.WARNING,
                        CUTOFF_MISMATCH,
                        phrase.id,
                    )
                )
    return findings


def check_all(phrases: Sequence[Phrase], shops: Sequence[Shop], rules: Sequence[Rule]) -> list[Problem]:
    gate = RuleGate(rules)
    findings = [finding for phrase in phrases for finding in check_phrase(phrase, gate.rules_for(phrase))]
    return [
        *findings,
        *check_placeholders(phrases, shops),
        *check_shop_values(phrases, shops),
        *check_near_duplicates(phrases),
        *check_cutoffs(phrases, shop_cutoffs(shops)),
    ]
