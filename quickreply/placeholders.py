"""What each per-chat value is: its label, whether it may be reused, its format, its choices.

A phrasebook folder may hold ``placeholders.toml``, one table per placeholder name::

    [tracking_no]
    label = "快递单号"                  # the fill form's label
    fresh = true                        # never prefilled: the last chat's value is never offered
    pattern = "^[A-Za-z0-9]{8,20}$"     # the whole value must match
    message = "快递单号是 8–20 位字母或数字"  # said when it does not (a default exists)

    [compensation]
    choices = ["5元", "10元", "20元"]    # the form lists them; typing filters

Every key is optional. With several folders, the first folder that sets a key for a name wins
(as with shops.toml); keys it leaves out come from later folders, then from the built-in
defaults: order numbers, tracking numbers and phone numbers are ``fresh`` even without the
file, because offering the last buyer's number to the next buyer is the mistake this exists
to prevent. Wrong shapes are findings for the file, with the line; the rest is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .labels import chinese_name, placeholder_label
from .model import Phrase, Problem, Severity
from .sanitize import clean_line
from .template import parse

if TYPE_CHECKING:
    import regex

FILE_NAME = "placeholders.toml"
KEYS = ("label", "fresh", "pattern", "message", "choices")

BUILTIN_FRESH = frozenset(
    {
        "order_no",
        "tracking_no",
        "phone",
        "phone_no",
        "mobile",
        "订单号",
        "快递单号",
        "运单号",
        "电话",
        "手机号",
    }
)
"""Names that are ``fresh`` without a placeholders.toml: a value that identifies one buyer's
order or parcel or phone is wrong in every other chat."""

_NAME = re.compile(r"[^\W\d]\w*")  # the renderer's grammar (template.py)
MAX_CHOICES = 50
"""More than this is not a choice an agent scans with ↓; the rest are dropped with a finding."""


@dataclass(frozen=True, slots=True)
class Spec:
    """How the fill form treats one placeholder."""

    name: str
    label: str | None = None
    """The Chinese name from placeholders.toml; None: the built-in label (labels.py)."""
    fresh: bool = False
    """Never prefilled from an earlier chat."""
    pattern: regex.Pattern[str] | None = None
    """The whole value must match; checked in the form before copying."""
    message: str | None = None
    """Said when the pattern fails; None: :meth:`default_message`."""
    choices: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """``快递单号（tracking_no）``: the form's label, the name kept for the team lead."""
        if self.label is None:
            return placeholder_label(self.name)
        return self.label if self.label == self.name else f"{self.label}（{self.name}）"

    @property
    def short(self) -> str:
        """``快递单号``: the label alone, for sentences."""
        return self.label or chinese_name(self.name) or self.name

    def default_message(self) -> str:
        return f"{self.short}的格式不对，请核对后重新填写"

    def problem(self, value: str) -> str | None:
        """Why ``value`` is refused (the message), or None when it may be used.

        A pattern that runs out of time lets the value through: the agent must be able to
        answer the buyer, and `check` already refuses patterns that nest repeats."""
        if self.pattern is None:
            return None
        from .rules import PATTERN_TIMEOUT

        try:
            matched = self.pattern.fullmatch(value, timeout=PATTERN_TIMEOUT)
        except TimeoutError:
            return None
        return None if matched else (self.message or self.default_message())

    def filter(self, typed: str) -> list[str]:
        """The choices holding ``typed`` (case-insensitive), or whose pinyin or pinyin initials
        hold it (hb, hongbao → 10元红包: agents type pinyin in the search box too); all of
        them for an empty box."""
        needle = "".join(typed.split()).casefold()
        spelled = needle.isascii() and any(char.isalpha() for char in needle)
        return [
            choice
            for choice in self.choices
            if needle in choice.casefold() or (spelled and any(needle in key for key in _pinyin_keys(choice)))
        ]


def _pinyin_keys(text: str) -> tuple[str, str]:
    """``10元红包`` → ``("10yuanhongbao", "10yhb")``: full pinyin and initials, other
    characters as they are (lower case)."""
    from .search.pinyin import syllables

    readings = syllables(text)
    full = "".join(reading or char.casefold() for char, reading in zip(text, readings, strict=True))
    initials = "".join(
        reading[0] if reading else char.casefold() for char, reading in zip(text, readings, strict=True)
    )
    return "".join(full.split()), "".join(initials.split())


def builtin_spec(name: str) -> Spec:
    return Spec(name, fresh=name in BUILTIN_FRESH)


@dataclass
class Placeholders:
    """The specs read from every folder's placeholders.toml, merged; any name has a spec."""

    declared: dict[str, Spec] = field(default_factory=dict)
    """Names some placeholders.toml declares, with built-in defaults filled in."""
    origins: dict[str, tuple[Path, int]] = field(default_factory=dict)
    """Where each declared name's table is (the first file that has it)."""

    def spec(self, name: str) -> Spec:
        return self.declared.get(name) or builtin_spec(name)

    def specs(self, names: Iterable[str]) -> dict[str, Spec]:
        return {name: self.spec(name) for name in names}

    def title(self, name: str) -> str:
        return self.spec(name).title

    def reusable(self, values: Mapping[str, str]) -> dict[str, str]:
        """``values`` without the fresh ones: what may be offered in the next chat."""
        return {name: value for name, value in values.items() if not self.spec(name).fresh}


# --- reading ---------------------------------------------------------------------------------


class _Lines:
    """Lines of a placeholder's table and of a key in it, for findings. Names may be quoted
    (``["订单号"]``: TOML bare keys are ASCII) or written inline (``a = { … }``, ``a.label``).
    Headers are indexed once: looking each name up by scanning took seconds at 500 tables."""

    _HEADER = re.compile(r"""^\s*\[\[?\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*\]""")
    _TOP_KEY = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*[.=]""")

    def __init__(self, raw: str) -> None:
        self.lines = raw.splitlines()
        self.headers: dict[str, int] = {}
        self.top: dict[str, int] = {}
        in_table = False
        for number, text in enumerate(self.lines, 1):
            if match := self._HEADER.match(text):
                self.headers.setdefault(next(group for group in match.groups() if group is not None), number)
            if text.lstrip().startswith("["):  # [[name]] too: its keys are not top-level names
                in_table = True
            elif not in_table and (match := self._TOP_KEY.match(text)):
                self.top.setdefault(next(group for group in match.groups() if group is not None), number)

    def table(self, name: str) -> int:
        return self.headers.get(name) or self.top.get(name) or 1

    def key(self, name: str, key: str) -> int:
        start = self.table(name)
        if name not in self.headers:  # inline table or dotted keys
            quoted = rf"(?:{re.escape(name)}|\"{re.escape(name)}\"|'{re.escape(name)}')"
            dotted = re.compile(rf"^\s*{quoted}\s*\.\s*{re.escape(key)}\s*=")
            for number, text in enumerate(self.lines, 1):
                if dotted.match(text):
                    return number
            return start
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range(start + 1, len(self.lines) + 1):
            text = self.lines[number - 1]
            if re.match(r"^\s*\[", text):
                break
            if pattern.match(text):
                return number
        return start


def _check_table(
    path: Path, name: str, table: dict[str, Any], lines: _Lines
) -> tuple[dict[str, Any], list[Problem]]:
    """The valid keys of one table, and a finding for each wrong one."""
    problems: list[Problem] = []
    found: dict[str, Any] = {}
    label = table.get("label")
    if isinstance(label, str) and clean_line(label).text:
        found["label"] = clean_line(label).text
    title = Spec(name, label=found.get("label")).title

    def wrong(key: str | None, message: str, severity: Severity = Severity.ERROR) -> None:
        line = lines.key(name, key) if key else lines.table(name)
        problems.append(Problem(path, line, f"{title}：{message}", severity, "placeholder-spec"))

    for key in table:
        if key not in KEYS:
            # An error, not a warning: a misspelt `fresh` would quietly offer the last buyer's value.
            wrong(key, f"未知的字段 {key!r}（可用：{'、'.join(KEYS)}）")
    if "label" in table and "label" not in found:
        wrong("label", "label 必须是非空文字")
    if "fresh" in table:
        if isinstance(table["fresh"], bool):
            found["fresh"] = table["fresh"]
        else:
            wrong("fresh", "fresh 只能是 true 或 false（不加引号）")
    if "pattern" in table:
        # Deferred: `regex` and the rules cost ~40 ms to import, for files with a pattern only.
        from .rules import compile_pattern

        pattern = table["pattern"]
        compiled = (
            compile_pattern(pattern) if isinstance(pattern, str) and pattern else "pattern 必须是非空文字"
        )
        if isinstance(compiled, str):
            wrong("pattern", compiled)
        else:
            found["pattern"] = compiled
    if "message" in table:
        message = table["message"]
        if isinstance(message, str) and clean_line(message).text:
            found["message"] = clean_line(message).text
            if "pattern" not in table:
                wrong("message", "message 只在 pattern 不符合时显示，这里没有 pattern", Severity.WARNING)
        else:
            wrong("message", "message 必须是非空文字")
    if "choices" in table:
        choices = table["choices"]
        if not isinstance(choices, list) or not all(isinstance(choice, str) for choice in choices):
            wrong("choices", 'choices 必须是文字列表，例如 ["5元", "10元"]')
        else:
            cleaned = [text for text in dict.fromkeys(clean_line(choice).text for choice in choices) if text]
            if not cleaned:
                wrong("choices", "choices 是空的：至少写一个选项，或删掉这一行")
            else:
                if len(cleaned) > MAX_CHOICES:
                    wrong("choices", f"选项超过 {MAX_CHOICES} 个，只用前 {MAX_CHOICES} 个", Severity.WARNING)
                found["choices"] = tuple(cleaned[:MAX_CHOICES])
    if "choices" in found and "pattern" in found:
        spec = Spec(name, pattern=found["pattern"])
        failing = [choice for choice in found["choices"] if spec.problem(choice)]
        if failing:
            shown = "、".join(failing[:5])
            wrong("choices", f"选项 {shown} 不符合 pattern，选了也不能复制", Severity.WARNING)
    return found, problems


def read_placeholders(path: Path) -> tuple[dict[str, tuple[dict[str, Any], int]], list[Problem]]:
    """One placeholders.toml: each valid name's valid keys with its line, and the findings."""
    from .books import read_toml  # here: the app builds Placeholders() before its books load

    data, raw, problem = read_toml(path)
    if data is None:
        return {}, [problem] if problem else []
    lines = _Lines(raw)
    declared: dict[str, tuple[dict[str, Any], int]] = {}
    problems: list[Problem] = []
    for name, table in data.items():
        line = lines.table(name)
        if not _NAME.fullmatch(name):
            message = f"{name!r} 不是占位符名称（字母或汉字开头，只含字母、数字、汉字、下划线）"
            problems.append(Problem(path, line, message, code="placeholder-spec"))
            continue
        if not isinstance(table, dict):
            message = f'{placeholder_label(name)}：要写成表，例如 [{name}] 下一行 label = "…"'
            problems.append(Problem(path, line, message, code="placeholder-spec"))
            continue
        found, wrong = _check_table(path, name, table, lines)
        problems += wrong
        declared[name] = (found, line)
    return declared, problems


def load_placeholders(directories: Sequence[Path]) -> tuple[Placeholders, list[Problem]]:
    """Every folder's placeholders.toml merged, the first folder winning key by key."""
    merged: dict[str, dict[str, Any]] = {}
    origins: dict[str, tuple[Path, int]] = {}
    problems: list[Problem] = []
    for directory in directories:
        path = directory / FILE_NAME
        try:
            present = path.exists() or path.is_symlink()  # a FIFO or a broken link is reported
        except OSError:
            continue
        if not present:
            continue
        declared, found = read_placeholders(path)
        problems += found
        for name, (keys, line) in declared.items():
            origins.setdefault(name, (path, line))
            target = merged.setdefault(name, {})
            for key, value in keys.items():
                target.setdefault(key, value)
    specs = {}
    for name, keys in merged.items():
        keys.setdefault("fresh", name in BUILTIN_FRESH)
        specs[name] = Spec(name, **keys)
    return Placeholders(specs, origins), problems


def check_usage(placeholders: Placeholders, phrases: Sequence[Phrase]) -> list[Problem]:
    """A declared name no reply uses: most often a misspelt name, whose rules (``fresh``!)
    then apply to nothing (warning)."""
    used = {slot.name for phrase in phrases for wording in phrase.wordings for slot in parse(wording).slots}
    findings = []
    for name, (path, line) in placeholders.origins.items():
        if name not in used:
            message = f"{placeholders.title(name)}：没有回复用到这个占位符（名称写错了？）"
            findings.append(Problem(path, line, message, Severity.WARNING, "unused-placeholder"))
    return findings
