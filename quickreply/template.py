"""Placeholders in reply text, rendered by our own single-pass renderer.

Grammar: ``{name}``, ``{name|默认值}``, ``{{`` and ``}}`` for literal braces. A name is a
Unicode identifier (``{店铺名}`` works); after a date built-in (``today``, ``ship_date``) it may
carry ``+N``: N calendar days later (``{ship_date+2}``). Anything else between braces is malformed and the
phrase is refused rather than guessed at. Never ``str.format``: phrase text comes from other
shops, and format strings can read attributes and exhaust memory.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from .calendar import ShipCalendar, month_day, parse_cutoff, ship_day_word

_NAME = r"[^\W\d]\w*"
# One token at a time: escaped braces, a well-formed placeholder, or a stray brace.
_TOKEN = re.compile(
    rf"\{{\{{|\}}\}}|\{{(?P<name>{_NAME})(?P<plus>\+\d+)?(?:\|(?P<default>[^{{}}]*))?\}}|[{{}}]"
)
DATE_BUILTINS = ("today", "ship_date")
"""The built-ins that are dates: only they take ``+N``."""
MAX_DAYS_AHEAD = 366
"""``+N`` beyond a year is a typo, not a promise a chat makes."""
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
    reason: str = ""
    """Why it is refused when the generic message would mislead (``{order_no+1}``)."""


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
        elif match.group("name") and (reason := _plus_problem(match.group("name"), match.group("plus"))):
            errors.append(Malformed(match.start(), token[:20], reason))
            literal.append(token)
        elif match.group("name"):
            if literal:
                parts.append("".join(literal))
                literal = []
            name = match.group("name") + (f"+{int(match.group('plus')[1:])}" if match.group("plus") else "")
            parts.append(Slot(name, match.group("default"), match.start(), end))
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


def _plus_problem(name: str, plus: str | None) -> str:
    """Why ``{name+N}`` is refused, or "" when it is fine (no ``+N``, or a date built-in)."""
    if plus is None:
        return ""
    if name not in DATE_BUILTINS:
        return f"只有日期占位符 {{today}} 和 {{ship_date}} 可以加天数（+N），{{{name}{plus}}} 不行"
    if int(plus[1:]) > MAX_DAYS_AHEAD:
        return f"{{{name}{plus}}} 天数太大（最多 +{MAX_DAYS_AHEAD}）"
    return ""


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
            error.reason
            or f"占位符格式错误 {error.snippet!r}（应为 {{名称}} 或 {{名称|默认值}}；"
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
"""Names the renderer fills by itself (ship_day and ship_date need the shop's calendar);
``today+N`` and ``ship_date+N`` too (see :func:`is_builtin`)."""

__all__ = ["month_day", "parse_cutoff"]  # re-exported: older callers import them from here


def split_plus(name: str) -> tuple[str, int]:
    """``ship_date+2`` → (``ship_date``, 2); a plain name → (name, 0)."""
    base, _, days = name.partition("+")
    return base, int(days) if days.isdigit() else 0


def is_builtin(name: str) -> bool:
    """Filled by the renderer itself: a built-in name, or a date built-in with ``+N``."""
    base, _ = split_plus(name)
    return name in BUILTIN_NAMES or ("+" in name and base in DATE_BUILTINS)


def ships_today(now: dt.datetime, cutoff: dt.time) -> bool:
    """Orders paid before the cutoff ship the same day."""
    return now.time() < cutoff


class BuiltinValues(Mapping[str, str]):
    """The built-in values at one moment. ``today+N`` and ``ship_date+N`` are answered for any
    N asked for, so they are not listed by iteration (only the plain names are)."""

    def __init__(self, now: dt.datetime, calendar: ShipCalendar) -> None:
        self.now = now
        self.ship = calendar.ship_day(now)
        self._plain = {"today": month_day(now.date()), "now": now.strftime("%H:%M")}
        if self.ship is not None:
            self._plain["ship_day"] = ship_day_word(now.date(), self.ship)
            self._plain["ship_date"] = month_day(self.ship)

    def _date(self, name: str) -> dt.date | None:
        base, days = split_plus(name)
        if "+" not in name or days > MAX_DAYS_AHEAD or f"{base}+{days}" != name:
            return None
        start = self.now.date() if base == "today" else self.ship if base == "ship_date" else None
        return start + dt.timedelta(days=days) if start is not None else None

    def __getitem__(self, name: str) -> str:
        if name in self._plain:
            return self._plain[name]
        if (day := self._date(name)) is not None:
            return month_day(day)
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (name in self._plain or self._date(name) is not None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._plain)

    def __len__(self) -> int:
        return len(self._plain)


def builtin_values(
    now: dt.datetime, cutoff: str | None = None, calendar: ShipCalendar | None = None
) -> BuiltinValues:
    """``today``, ``now`` and, when the ship day is known, ``ship_day`` and ``ship_date``
    (plus ``today+N`` / ``ship_date+N``). ``cutoff`` (HH:MM) replaces the calendar's default
    daily cutoff; with neither, the ship day is unknown and those values are missing."""
    calendar = calendar or ShipCalendar()
    if cutoff is not None:
        calendar = calendar.with_cutoff(parse_cutoff(cutoff))
    return BuiltinValues(now, calendar)
