"""The one place that knows what a valid phrase, book header and shop are.

Every reader and writer goes through here: the loader maps a finding to ``file:line``, the
editor to the widget of the field, the importer to a sheet row. One message per rule, worded
once. Findings name the *field*; where that field is in a file is the caller's business.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .calendar import WEEKDAYS, Closure, ShipCalendar
from .model import Severity, Stage
from .sanitize import Cleaned, clean_line, clean_text
from .template import parse_cutoff, placeholder_issues

PHRASE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SHORTCUT_CODE = re.compile(r"^[!-~]+$")  # printable ASCII, no spaces
PHRASE_FIELDS = (
    "id", "title", "keys", "tags", "stage", "text", "parts", "variants", "note", "starts", "expires"
)
"""Every field a phrase may have, in the order writers put them."""
BOOK_FIELDS = ("name", "stage", "description")
MAX_TEXT = 10_000
"""Characters in one field: a chat message is far shorter; more is a mistake or an attack."""
MAX_PARTS = 20
"""Messages in one sequence (``parts``): a chat is a few short messages, not a document."""
PART_SEPARATOR = "---"
"""A line holding only this separates the parts of a sequence where they share one box: the
editor's text field, a sheet's 快捷短语 cell, ``render``'s output. So a part may not hold it."""
RENDER_ONLY = frozenset({"bad-placeholder"})
"""Errors that keep a phrase from being copied but not from being loaded, shown and fixed."""
FIELD_LABELS = {
    "id": "id",
    "title": "标题",
    "text": "回复内容",
    "parts": "分段回复",
    "keys": "快捷编码",
    "tags": "标签",
    "stage": "阶段",
    "variants": "其他说法",
    "note": "备注",
    "starts": "开始日期",
    "expires": "过期日期",
}
"""How a field is named to a lead; messages say both, so a file's key can be found too."""
STAGE_HELP = "pre-sale / in-sale / after-sale 或 售前 / 售中 / 售后"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong (or worth a warning) with one field of a phrase, book or shop."""

    field: str | None
    """The field concerned (``text``, ``keys`` …); None for the table as a whole."""
    code: str
    """Short machine-readable kind, shared with ``check --format json`` (``bad-id`` …)."""
    message: str
    severity: Severity = Severity.ERROR
    offset: int = 0
    """Character offset inside the field's text (placeholder findings), else 0."""
    item: int | None = None
    """Index in a list field (``variants[2]``), when the finding is about one item."""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


@dataclass(frozen=True, slots=True)
class PhraseFields:
    """A phrase's values after checking and cleaning; ``stage`` None means the book's."""

    id: str
    title: str
    text: str
    stage: Stage | None = None
    keys: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    note: str = ""
    expires: dt.date | None = None
    parts: tuple[str, ...] = ()
    """A sequence: the messages sent one after another. ``text`` is then their :func:`join_parts`."""
    starts: dt.date | None = None
    """First day shown (a presale reply before 预售 opens); None: from the start."""


def join_parts(parts: Sequence[str]) -> str:
    """The whole reply of a sequence, as one text: what search, content rules, near-duplicate
    checks and single-text exports (sogou, the CLI's --json) see."""
    return "\n".join(parts)


def parts_text(parts: Sequence[str]) -> str:
    """The parts in one box, separated by a line ``---`` (the editor, sheets, ``render``)."""
    return f"\n{PART_SEPARATOR}\n".join(parts)


_SEPARATOR_LINE = re.compile(rf"^[ \t]*{re.escape(PART_SEPARATOR)}[ \t]*$", re.MULTILINE)


def split_parts(text: str) -> list[str]:
    """Undo :func:`parts_text`: the pieces between lines holding only ``---`` (line breaks at
    their ends dropped). One piece when there is no such line."""
    pieces = _SEPARATOR_LINE.split(text.replace("\r\n", "\n"))
    if len(pieces) == 1:
        return pieces
    return [piece.strip("\n") for piece in pieces]


def parse_stage(value: Any) -> Stage | None:
    """A stage from its English value or Chinese label; None if it is neither."""
    try:
        return Stage.parse(value) if isinstance(value, str) else None
    except ValueError:
        return None


def bad_stage_message(value: Any) -> str:
    return f"未知的阶段 {value!r}（可用 {STAGE_HELP}）"


class _Collector:
    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def add(
        self,
        field: str | None,
        message: str,
        code: str = "schema",
        severity: Severity = Severity.ERROR,
        *,
        offset: int = 0,
        item: int | None = None,
    ) -> None:
        self.findings.append(Finding(field, code, message, severity, offset, item))

    def cleaned(self, field: str, cleaned: Cleaned, item: int | None = None) -> str:
        if cleaned.removed:
            self.add(
                field,
                f"{field} 中含有控制或不可见字符，已移除：{'、'.join(cleaned.removed)}",
                "removed-chars",
                Severity.WARNING,
                item=item,
            )
        return cleaned.text

    def text(self, key: str, value: Any, name: str, *, multiline: bool, required: bool) -> str:
        """A text field: present when required, a string, not too long; cleaned."""
        if value is None:
            if required:
                self.add(key, f"缺少{name}")
            return ""
        if not isinstance(value, str):
            self.add(key, f"{name}必须是文字（加引号），这里是 {_kind(value)}")
            return ""
        if len(value) > MAX_TEXT:
            self.add(key, f"{name}太长（{len(value)} 字，上限 {MAX_TEXT}）", "too-long")
            return ""
        text = self.cleaned(key, clean_text(value) if multiline else clean_line(value))
        if required and not text.strip():
            self.add(key, f"{name}不能为空")
        return text

    @property
    def failed(self) -> bool:
        return any(finding.is_error and finding.code not in RENDER_ONLY for finding in self.findings)


def check_phrase(table: Mapping[str, Any], *, book_stage: Stage | None = None) -> tuple[
    PhraseFields | None, list[Finding]
]:
    """Check one phrase table as read from TOML/JSON (or built by the editor or importer).

    Returns the cleaned fields, or None when an error makes the phrase unreadable, and every
    finding (a malformed placeholder is an error, but the phrase is still read: it is shown,
    cannot be copied, and can be fixed in the editor). ``book_stage``: the stage of the book the
    phrase is in (None when unknown)."""
    found = _Collector()
    raw_id = table.get("id")
    phrase_id = raw_id if isinstance(raw_id, str) else ""
    if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
        found.add("id", "缺少 id", "bad-id")
    elif not isinstance(raw_id, str) or not PHRASE_ID.match(raw_id):
        found.add("id", f"id {raw_id!r} 无效：只能用小写字母、数字和连字符，且以字母或数字开头", "bad-id")
    for key in table:
        if key not in PHRASE_FIELDS:
            found.add(key, f"未知字段 {key!r}（读取时忽略，保存时保留）", "unknown-field", Severity.WARNING)

    def text_field(key: str, *, multiline: bool, required: bool) -> str:
        return found.text(key, table.get(key), _named(key), multiline=multiline, required=required)

    def list_field(key: str, *, multiline: bool) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            example = f'{key} = ["a", "b"]'
            found.add(key, f"{_named(key)}必须是文字列表，例如 {example}，这里是 {_kind(value)}")
            return ()
        items = []
        for number, item in enumerate(value):
            if len(item) > MAX_TEXT:
                message = f"{_named(key)}第 {number + 1} 项太长（{len(item)} 字）"
                found.add(key, message, "too-long", item=number)
                continue
            cleaned = found.cleaned(key, (clean_text if multiline else clean_line)(item), number)
            if cleaned.strip():
                items.append(cleaned)
        return tuple(items)

    title = text_field("title", multiline=False, required=True)
    has_parts = "parts" in table
    text = text_field("text", multiline=True, required=not has_parts)
    parts: tuple[str, ...] = ()
    if has_parts:
        parts = _check_parts(found, table)
        if "text" in table:
            found.add("text", "text 和 parts 只能写一个：分几段发送就只写 parts", "parts-and-text")
        if table.get("variants"):
            found.add("variants", "分段回复（parts）不能有其他说法（variants）", "parts-and-variants")
        text = join_parts(parts)
    elif _SEPARATOR_LINE.search(text):
        message = (
            f"回复内容中有单独一行 {PART_SEPARATOR}：在编辑器里保存或从表格导入时，它会把回复分成几段发送"
        )
        found.add("text", message, "separator-in-text", Severity.WARNING)
    note = text_field("note", multiline=True, required=False)
    keys = list_field("keys", multiline=False)
    tags = list_field("tags", multiline=False)
    variants = list_field("variants", multiline=True)
    for key in keys:
        if not SHORTCUT_CODE.match(key):
            found.add("keys", f"快捷编码 {key!r} 只能用英文字母、数字和符号（不含空格）", "bad-key")
    if len({key.lower() for key in keys}) != len(keys):
        found.add("keys", "同一个快捷编码写了两次（只算一次）", "duplicate-key", Severity.WARNING)
    stage: Stage | None = None
    if "stage" in table:
        stage = parse_stage(table["stage"])
        if stage is None:
            found.add("stage", bad_stage_message(table["stage"]), "bad-stage")
    elif book_stage is None:
        found.add("stage", "书和回复都没有指定阶段", "bad-stage")
    starts = _date_field(found, table, "starts")
    expires = _date_field(found, table, "expires")
    if starts is not None and expires is not None and starts > expires:
        message = (
            f"{_named('starts')} {starts} 晚于{_named('expires')} {expires}：这条回复永远不会显示"
        )
        found.add("starts", message, "starts-after-expires", Severity.WARNING)
    checked = ("parts", list(parts)) if parts else ("text", [text])
    for field, wordings in (checked, ("variants", list(variants))):
        for number, wording in enumerate(wordings):
            for issue in placeholder_issues(wording):
                severity = Severity.ERROR if issue.is_error else Severity.WARNING
                item = None if field == "text" else number
                message = f"第 {number + 1} 段：{issue.message}" if field == "parts" else issue.message
                found.add(field, message, issue.code, severity, offset=issue.offset, item=item)
    if found.failed:
        return None, found.findings
    fields = PhraseFields(
        id=phrase_id,
        title=title,
        text=text,
        stage=stage,
        keys=tuple(dict.fromkeys(key.lower() for key in keys)),
        tags=tags,
        variants=variants,
        note=note,
        expires=expires,
        parts=parts,
        starts=starts,
    )
    return fields, found.findings


def _date_field(found: _Collector, table: Mapping[str, Any], key: str) -> dt.date | None:
    """A TOML date (a date-time counts by its day); anything else is an error, read as none."""
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    example = f"{key} = 2026-11-12（TOML 里不加引号）"
    found.add(key, f"{_named(key)}必须是日期，例如 {example}")
    return None


def _check_parts(found: _Collector, table: Mapping[str, Any]) -> tuple[str, ...]:
    """``parts``: 2..MAX_PARTS texts, each checked like ``text`` (cleaned, not too long, not
    empty) and free of a ``---`` line, which would split it in two in the editor or a sheet."""
    value = table.get("parts")
    name = _named("parts")
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        found.add("parts", f'{name}必须是文字列表，例如 parts = ["第一段", "第二段"]，这里是 {_kind(value)}')
        return ()
    if not 2 <= len(value) <= MAX_PARTS:
        message = f"{name}要有 2 到 {MAX_PARTS} 段，这里是 {len(value)} 段（只有一段就写 text）"
        found.add("parts", message, "bad-parts")
    parts: list[str] = []
    for number, item in enumerate(value):
        label = f"{name}第 {number + 1} 段"
        if len(item) > MAX_TEXT:
            found.add("parts", f"{label}太长（{len(item)} 字，上限 {MAX_TEXT}）", "too-long", item=number)
            continue
        # Line breaks around a message mean nothing in a chat, and the editor's box drops them.
        cleaned = found.cleaned("parts", clean_text(item), number).strip("\n")
        if not cleaned.strip():
            found.add("parts", f"{label}是空的", "bad-parts", item=number)
        elif _SEPARATOR_LINE.search(cleaned):
            message = f"{label}中有单独一行 {PART_SEPARATOR}：它在编辑器和表格里表示分段，请改写这一行"
            found.add("parts", message, "bad-parts", item=number)
        parts.append(cleaned)
    return tuple(parts)


def phrase_table(fields: PhraseFields) -> dict[str, Any]:
    """The table a writer puts in a file, in :data:`PHRASE_FIELDS` order, empty fields left out.
    Checking it again gives the same fields back."""
    table: dict[str, Any] = {"id": fields.id, "title": fields.title}
    if fields.keys:
        table["keys"] = list(fields.keys)
    if fields.tags:
        table["tags"] = list(fields.tags)
    if fields.stage is not None:
        table["stage"] = fields.stage.value
    if fields.parts:
        table["parts"] = list(fields.parts)
    else:
        table["text"] = fields.text
    if fields.variants:
        table["variants"] = list(fields.variants)
    if fields.note:
        table["note"] = fields.note
    if fields.starts is not None:
        table["starts"] = fields.starts
    if fields.expires is not None:
        table["expires"] = fields.expires
    return table


# --- book header ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BookHeader:
    name: str
    stage: Stage
    description: str = ""


def check_book_header(header: Any, *, fallback_name: str) -> tuple[BookHeader | None, list[Finding]]:
    """The ``[book]`` table: a name (the file name when missing) and a stage, which every
    phrase without its own stage takes. Without a valid stage the book is not usable."""
    found = _Collector()
    if not isinstance(header, Mapping):
        found.add(None, f"缺少 [book] 表（需要 name 和 stage，stage 可用 {STAGE_HELP}）")
        return None, found.findings
    for key in header:
        if key not in BOOK_FIELDS:
            found.add(key, f"[book] 中的未知字段 {key!r}（保存时保留）", "unknown-field", Severity.WARNING)

    def text(key: str) -> str:
        return found.text(key, header.get(key), f"[book] 的 {key} ", multiline=False, required=False)

    name = text("name").strip() or fallback_name
    description = text("description")
    stage = None
    if "stage" not in header:
        found.add("stage", f"[book] 缺少 stage（{STAGE_HELP}）", "bad-stage")
    elif (stage := parse_stage(header["stage"])) is None:
        found.add("stage", bad_stage_message(header["stage"]), "bad-stage")
    if found.failed or stage is None:
        return None, found.findings
    return BookHeader(name, stage, description), found.findings


# --- shops ---------------------------------------------------------------------------------------

SHOP_NAME = "shop_name"


def check_shop(table: Any) -> tuple[dict[str, str] | None, list[Finding]]:
    """One ``[[shop]]``: placeholder values (text or numbers), ``shop_name`` required,
    ``cutoff`` an HH:MM time. Returns the cleaned values, or None when it has no name."""
    found = _Collector()
    if not isinstance(table, Mapping):
        found.add(None, "[[shop]] 必须是表")
        return None, found.findings
    values: dict[str, str] = {}
    for key, value in table.items():
        if key in CALENDAR_KEYS:
            continue  # calendar settings, checked by check_calendar: not placeholder values
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            found.add(key, f"店铺字段 {key!r} 必须是文字或数字，这里是 {_kind(value)}")
            continue
        values[key] = found.cleaned(key, clean_text(str(value)))
    if not values.get(SHOP_NAME, "").strip():
        found.add(SHOP_NAME, "[[shop]] 缺少 shop_name")
        return None, found.findings
    if "cutoff" in values and parse_cutoff(values["cutoff"]) is None:
        found.add("cutoff", f'cutoff {values["cutoff"]!r} 不是 HH:MM 时间，例如 "16:00"', "bad-cutoff")
        del values["cutoff"]
    values[SHOP_NAME] = values[SHOP_NAME].strip()
    return values, found.findings


CALENDAR_KEYS = ("cutoffs", "no_ship_days", "closed")
"""Shop keys that set the shipping calendar (with ``cutoff``, which is also a value)."""
_WEEKDAY_HELP = " ".join(WEEKDAYS)


def _weekday(found: _Collector, key: str, value: Any, item: int | None = None) -> int | None:
    if isinstance(value, str) and value.strip().lower() in WEEKDAYS:
        return WEEKDAYS.index(value.strip().lower())
    found.add(key, f"{key} 中的星期 {value!r} 不认识（可用 {_WEEKDAY_HELP}）", "bad-weekday", item=item)
    return None


def check_calendar(table: Mapping[str, Any]) -> tuple[ShipCalendar, list[Finding]]:
    """A shop's shipping calendar: ``cutoff``, ``cutoffs = { sat = "12:00" }``,
    ``no_ship_days = ["sun"]``, ``closed = [{ from = 2027-02-03, to = 2027-02-12, reason = "春节停发" }]``
    (dates inclusive). Whatever is wrong is reported and left out; the rest still applies.
    ``item`` of a ``closed`` finding is the range's index."""
    found = _Collector()
    cutoff = table.get("cutoff")
    default = parse_cutoff(cutoff) if isinstance(cutoff, str) else None  # check_shop reports a bad one
    cutoffs: dict[int, dt.time] = {}
    raw_cutoffs = table.get("cutoffs", {})
    if not isinstance(raw_cutoffs, Mapping):
        example = 'cutoffs = { sat = "12:00" }'
        found.add("cutoffs", f"cutoffs 必须是表，例如 {example}，这里是 {_kind(raw_cutoffs)}", "bad-calendar")
        raw_cutoffs = {}
    for day_key, value in raw_cutoffs.items():
        day = _weekday(found, "cutoffs", day_key)
        time = parse_cutoff(value) if isinstance(value, str) else None
        if time is None:
            found.add("cutoffs", f"cutoffs 中 {day_key} 的截单时间 {value!r} 不是 HH:MM 时间，例如 \"12:00\"",
                      "bad-cutoff")
        if day is not None and time is not None:
            cutoffs[day] = time
    no_ship: set[int] = set()
    raw_days = table.get("no_ship_days", [])
    if not isinstance(raw_days, list):
        example = 'no_ship_days = ["sun"]'
        message = f"no_ship_days 必须是列表，例如 {example}，这里是 {_kind(raw_days)}"
        found.add("no_ship_days", message, "bad-calendar")
        raw_days = []
    for number, value in enumerate(raw_days):
        if (day := _weekday(found, "no_ship_days", value, number)) is not None:
            no_ship.add(day)
    if len(no_ship) == len(WEEKDAYS):
        found.add("no_ship_days", "no_ship_days 列出了全部七天：这家店永远不发货", "bad-calendar")
    closed = _check_closed(found, table.get("closed", []))
    if (cutoffs or no_ship or closed) and default is None and len(cutoffs) + len(no_ship) < len(WEEKDAYS):
        found.add("cutoff", '设置了发货日历但没有默认截单时间 cutoff（例如 cutoff = "16:00"）：'
                  "没写截单时间的日子算不出发货日", "bad-calendar", Severity.WARNING)
    broken = any(finding.severity is Severity.ERROR for finding in found.findings)
    return ShipCalendar(default, cutoffs, frozenset(no_ship), closed, broken), found.findings


def _check_closed(found: _Collector, raw: Any) -> tuple[Closure, ...]:
    example = 'closed = [{ from = 2027-02-03, to = 2027-02-12, reason = "春节停发" }]'
    if not isinstance(raw, list):
        found.add("closed", f"closed 必须是列表，例如 {example}，这里是 {_kind(raw)}", "bad-calendar")
        return ()
    ranges: list[tuple[int, Closure]] = []
    for number, item in enumerate(raw):
        label = f"closed 第 {number + 1} 段"
        if not isinstance(item, Mapping):
            found.add("closed", f"{label}必须是表，例如 {example}", "bad-calendar", item=number)
            continue
        ends = []
        for key in ("from", "to"):
            value = item.get(key)
            if isinstance(value, dt.datetime):
                value = value.date()
            if not isinstance(value, dt.date):
                hint = "必须是日期（TOML 里不加引号，例如 2027-02-03）"
                if value is None:
                    message = f"{label}缺少 {key}：{hint}"
                else:
                    message = f"{label}的 {key} 是 {_kind(value)}，{hint}"
                found.add("closed", message, "bad-date", item=number)
            ends.append(value)
        for key in item:
            if key not in ("from", "to", "reason"):
                found.add("closed", f"{label}中的未知字段 {key!r}（可用 from、to、reason）", "unknown-field",
                          Severity.WARNING, item=number)
        reason = item.get("reason", "停发")
        if not isinstance(reason, str) or not reason.strip():
            found.add("closed", f'{label}的 reason 必须是文字，例如 "春节停发"', "bad-calendar", item=number)
            reason = "停发"
        start, end = ends
        if not (isinstance(start, dt.date) and isinstance(end, dt.date)):
            continue
        if start > end:
            found.add("closed", f"{label}起止颠倒：from {start} 晚于 to {end}", "reversed-range", item=number)
            continue
        reason = found.cleaned("closed", clean_line(reason), number).strip() or "停发"
        ranges.append((number, Closure(start, end, reason)))
    # Sorted by start, each range is compared with the one reaching furthest so far: that
    # catches a short range inside a long one even with another range in between.
    reach: tuple[int, Closure] | None = None
    for number, later in sorted(ranges, key=lambda pair: (pair[1].start, pair[0])):
        if reach is not None and later.start <= reach[1].end:
            first, earlier = reach
            message = (
                f"closed 第 {number + 1} 段（{later.start} 至 {later.end}）与第 {first + 1} 段"
                f"（{earlier.start} 至 {earlier.end}）重叠"
            )
            found.add("closed", message, "overlapping-range", item=number)
        if reach is None or later.end > reach[1].end:
            reach = (number, later)
    return tuple(closure for _, closure in ranges)


# --- across phrases ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Clash:
    """A phrase whose id or shortcut code an earlier phrase already has."""

    index: int
    """Position of the later phrase in the sequence checked."""
    field: str
    """``id`` or ``keys``."""
    code: str
    message: str
    first: int
    """Position of the phrase that has it first."""


def id_taken(phrase_id: str, where: str) -> str:
    return f"id {phrase_id} 已被使用（{where}）"


def key_taken(key: str, owner: str, where: str | None = None) -> str:
    return f"快捷编码 {key!r} 已被 {owner}{f'（{where}）' if where else ''} 使用"


def clashes(
    items: Sequence[tuple[str, Iterable[str]]], *, where: Callable[[int], str] | None = None
) -> list[Clash]:
    """Duplicate ids and shared shortcut codes among ``(id, keys)`` pairs, in order: the first
    one keeps it, every later one is reported. ``where(i)`` names item i in messages."""
    describe = where or (lambda index: items[index][0])
    first_id: dict[str, int] = {}
    first_key: dict[str, int] = {}
    found: list[Clash] = []
    for index, (phrase_id, keys) in enumerate(items):
        if (earlier := first_id.setdefault(phrase_id, index)) != index:
            message = id_taken(phrase_id, describe(earlier))
            found.append(Clash(index, "id", "duplicate-id", message, earlier))
        for key in dict.fromkeys(key.lower() for key in keys):
            if (owner := first_key.setdefault(key, index)) != index:
                message = key_taken(key, items[owner][0], describe(owner))
                found.append(Clash(index, "keys", "duplicate-key", message, owner))
    return found


def _named(key: str) -> str:
    """标题（title）: the lead's word and the file's key."""
    label = FIELD_LABELS.get(key)
    return f"{label}（{key}）" if label and label != key else key


def _kind(value: Any) -> str:
    """How a wrong value looks to a lead: 数字 5, 列表, 表 …"""
    if isinstance(value, bool):
        return f"布尔值 {str(value).lower()}"
    if isinstance(value, int | float):
        return f"数字 {value}"
    if isinstance(value, str):
        return f"文字 {value[:20]!r}"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, Mapping):
        return "表"
    if isinstance(value, dt.date | dt.time):
        return f"日期/时间 {value}"
    return type(value).__name__
