"""Placeholders in reply text, rendered by our own single-pass renderer.

Grammar: ``{name}``, ``{name|默认值}``, ``{{`` and ``}}`` for literal braces. A name is a
Unicode identifier (``{店铺名}`` works). Anything else between braces is malformed and the
phrase is refused rather than guessed at. Never ``str.format``: phrase text comes from other
shops, and format strings can read attributes and exhaust memory.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_NAME = r"[^\W\d]\w*"
# One token at a time: escaped braces, a well-formed placeholder, or a stray brace.
_TOKEN = re.compile(rf"\{{\{{|\}}\}}|\{{(?P<name>{_NAME})(?:\|(?P<default>[^{{}}]*))?\}}|[{{}}]")
_STRAY_BODY = re.compile(r"[^{}\n]*\}")
_FULL_WIDTH_BRACES = re.compile(r"｛[^｛｝]*｝")


@dataclass(frozen=True, slots=True)
class Slot:
    """A placeholder found in a template."""

    name: str
    default: str | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Malformed:
    """A brace that does not start a valid placeholder."""

    offset: int
    snippet: str


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed reply: literal pieces and slots, in order."""

    parts: tuple[str | Slot, ...]
    errors: tuple[Malformed, ...]

    @property
    def slots(self) -> tuple[Slot, ...]:
        return tuple(part for part in self.parts if isinstance(part, Slot))

    @property
    def names(self) -> tuple[str, ...]:
        """Placeholder names in order of first appearance."""
        return tuple(dict.fromkeys(slot.name for slot in self.slots))


def parse(text: str) -> Template:
    parts: list[str | Slot] = []
    errors: list[Malformed] = []
    literal: list[str] = []
    position = 0
    while (match := _TOKEN.search(text, position)) is not None:
        literal.append(text[position : match.start()])
        token = match.group()
        end = match.end()
        if token in ("{{", "}}"):
            literal.append(token[0])
        elif match.group("name"):
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(Slot(match.group("name"), match.group("default"), match.start(), end))
        else:
            if token == "{":  # report `{a.b}` once, not once per brace
                closing = _STRAY_BODY.match(text, end)
                end = closing.end() if closing else end
            errors.append(Malformed(match.start(), text[match.start() : end][:20]))
            literal.append(text[match.start() : end])
        position = end
    literal.append(text[position:])
    if joined := "".join(literal):
        parts.append(joined)
    return Template(tuple(parts), tuple(errors))


@dataclass(frozen=True, slots=True)
class PlaceholderIssue:
    """A placeholder problem in a text, worded once for the loader, editor and importer."""

    offset: int
    code: str
    """``bad-placeholder`` (the text cannot be rendered) or ``full-width-brace`` (a warning)."""
    message: str

    @property
    def is_error(self) -> bool:
        return self.code == "bad-placeholder"


def placeholder_issues(text: str) -> list[PlaceholderIssue]:
    """Malformed placeholders, and ``｛店铺名｝`` typed with a Chinese IME, which looks like a
    placeholder but is not one."""
    issues = [
        PlaceholderIssue(
            error.offset,
            "bad-placeholder",
            f"占位符格式错误 {error.snippet!r}（应为 {{名称}} 或 {{名称|默认值}}；"
            "字面花括号写成 {{ 和 }}）",
        )
        for error in parse(text).errors
    ]
    issues += [
        PlaceholderIssue(
            match.start(), "full-width-brace", f"{match.group()} 用的是全角花括号，不会被当作占位符"
        )
        for match in _FULL_WIDTH_BRACES.finditer(text)
    ]
    return issues


class MalformedTemplateError(ValueError):
    """The text has braces that are not valid placeholders; it cannot be rendered."""

    def __init__(self, errors: Iterable[Malformed]) -> None:
        self.errors = tuple(errors)
        snippets = "、".join(error.snippet for error in self.errors)
        super().__init__(f"占位符格式错误：{snippets}")


class MissingValuesError(LookupError):
    """Some placeholders have no value; no partial reply is produced."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(names)
        super().__init__("缺少取值：" + "、".join(self.names))


@dataclass(frozen=True, slots=True)
class Filled:
    """A rendered reply and where each value came from (for the UI to mark them)."""

    text: str
    spans: tuple[tuple[int, int, str, str], ...]
    """(start, end, name, source) for every substituted value; source is one of
    ``chat``, ``shop``, ``builtin``, ``default``."""


def render(template: Template | str, sources: Iterable[tuple[str, Mapping[str, str]]]) -> Filled:
    """Fill ``template`` from ``sources``, earlier sources winning.

    ``sources`` is a sequence of (source-name, values). Raises MalformedTemplateError or
    MissingValuesError; substituted values are inserted as they are, never parsed again.
    """
    parsed = parse(template) if isinstance(template, str) else template
    if parsed.errors:
        raise MalformedTemplateError(parsed.errors)
    ordered = list(sources)
    pieces: list[str] = []
    spans: list[tuple[int, int, str, str]] = []
    missing: list[str] = []
    length = 0
    for part in parsed.parts:
        if isinstance(part, str):
            pieces.append(part)
            length += len(part)
            continue
        found = next(((name, values[part.name]) for name, values in ordered if part.name in values), None)
        if found is None and part.default is not None:
            found = ("default", part.default)
        if found is None:
            missing.append(part.name)
            continue
        source, value = found
        pieces.append(value)
        spans.append((length, length + len(value), part.name, source))
        length += len(value)
    if missing:
        raise MissingValuesError(dict.fromkeys(missing))
    return Filled("".join(pieces), tuple(spans))


def preview(template: Template, sources: Iterable[tuple[str, Mapping[str, str]]]) -> list[tuple[str, str]]:
    """The reply as (text, kind) pieces for display, where kind is ``text``, a source name
    (``chat``, ``shop``, ``builtin``, ``default``), ``missing`` (text is the placeholder
    name). Unlike :func:`render` it never refuses: it shows what is still missing."""
    ordered = list(sources)
    pieces: list[tuple[str, str]] = []
    for part in template.parts:
        if isinstance(part, str):
            pieces.append((part, "text"))
            continue
        found = next(((name, values[part.name]) for name, values in ordered if part.name in values), None)
        if found is None and part.default is not None:
            found = ("default", part.default)
        pieces.append((found[1], found[0]) if found else (part.name, "missing"))
    return pieces


# --- built-in values ----------------------------------------------------------------------

BUILTIN_NAMES = frozenset({"today", "now", "ship_day", "ship_date"})
"""Names the renderer fills by itself (ship_day and ship_date need the shop's cutoff)."""

_CUTOFF = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_cutoff(value: str) -> dt.time | None:
    """``"16:00"`` → 16:00; None if it is not HH:MM."""
    match = _CUTOFF.match(value.strip())
    return dt.time(int(match.group(1)), int(match.group(2))) if match else None


def month_day(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def ships_today(now: dt.datetime, cutoff: dt.time) -> bool:
    """Orders paid before the cutoff ship the same day."""
    return now.time() < cutoff


def builtin_values(now: dt.datetime, cutoff: str | None) -> dict[str, str]:
    """``today``, ``now`` and, when the cutoff is known, ``ship_day`` and ``ship_date``."""
    values = {"today": month_day(now.date()), "now": now.strftime("%H:%M")}
    cutoff_time = parse_cutoff(cutoff) if cutoff else None
    if cutoff_time is not None:
        today = ships_today(now, cutoff_time)
        values["ship_day"] = "今天" if today else "明天"
        values["ship_date"] = month_day(now.date() + dt.timedelta(days=0 if today else 1))
    return values
