"""Import replies from toml/json bundles and csv/xlsx sheets: read, plan, check, then write.

Three steps, so that nothing is half done: :func:`read_file` turns any file into incoming rows
(bad rows are reported by number and skipped; a file that cannot be read at all raises
:class:`ImportError_` with a message naming it); :func:`plan` compares them with the target
library; :func:`prepare` builds every book that would change and checks all of them, and only
:func:`write` touches the disk, through the safe saving.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import stat
import tomllib
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import bookfile, schema, store
from ..books import book_files, read_toml
from ..locations import RESERVED_FILES
from ..model import Book, Phrase, Problem, Severity, Stage
from ..sanitize import clean_line, clean_text, escape_in_quoted
from ..search.pinyin import syllables
from .textfiles import ENCODING_NAMES, UndecodableError, decode, normalise_header, restore, sniff_delimiter

MAX_FILE_BYTES = 20 * 1024 * 1024
"""A quick-phrase sheet is kilobytes; anything this big is a mistake (or a trap)."""
MAX_CELL = 10_000
"""Characters per cell: a reply this long is not a quick reply, and a 131k cell once crashed csv."""
MAX_STEM = 40
"""Characters of a group name kept in a new book's file name (3 bytes each in UTF-8: far below
the 255-byte limit of common file systems)."""

HEADER_ALIASES = {
    "text": (
        "快捷短语",
        "快捷短语内容",
        "短语内容",
        "短语",
        "内容",
        "回复",
        "回复内容",
        "话术",
        "话术内容",
        "content",
        "text",
        "phrase",
        "reply",
    ),
    "keys": (
        "快捷编码",
        "编码",
        "快捷短语编码",
        "短语编码",
        "快捷码",
        "快捷键",
        "缩写",
        "code",
        "codes",
        "keys",
        "shortcut",
    ),
    "group": tuple("分组 分组名称 短语分组 分组名 分类 分类名称 类别 组 书 group category book".split()),
    "id": ("id",),
    "title": ("标题", "短语标题", "title"),
    "stage": ("阶段", "stage"),
    "tags": ("标签", "tags"),
    "variants": ("其他说法", "variants"),
    "parts": ("分段", "parts"),
    "note": ("备注", "note"),
    "expires": ("过期", "过期日期", "expires"),
    "starts": ("开始", "开始日期", "starts"),
}
_KNOWN_HEADERS = frozenset(alias for aliases in HEADER_ALIASES.values() for alias in aliases)
_FIELD_NAMES = {
    "text": "内容",
    "keys": "快捷编码",
    "group": "分组",
    "id": "id",
    "title": "标题",
    "stage": "阶段",
    "tags": "标签",
    "variants": "其他说法",
    "parts": "分段",
    "note": "备注",
    "expires": "过期日期",
    "starts": "开始日期",
}

# A group's name usually says its stage: 售后处理, 物流查询, 催付话术… Checked in this order, so
# 物流破损 is after-sale (破损) before in-sale (物流).
GROUP_STAGE_WORDS: tuple[tuple[Stage, tuple[str, ...]], ...] = (
    (
        Stage.AFTER_SALE,
        tuple("退换 退货 换货 退款 售后 破损 质量 投诉 差评 中评 评价 回访 维修 补发 理赔".split()),
    ),
    (Stage.IN_SALE, tuple("催付 付款 支付 物流 发货 快递 查件 改地址 地址 发票 订单 催单".split())),
    (Stage.PRE_SALE, tuple("咨询 欢迎 问候 接待 产品 商品 尺码 库存 优惠 活动 议价 砍价 推荐 催拍".split())),
)


def stage_for_group(name: str) -> Stage | None:
    """售前/售中/售后 in the name, else a word that belongs to one stage; None if neither."""
    for stage in Stage:
        if stage.label in name:
            return stage
    for stage, words in GROUP_STAGE_WORDS:
        if any(word in name for word in words):
            return stage
    return None


class ImportError_(ValueError):
    """The file cannot be read at all (wrong format, no content column…); the message names it."""


_KEPT_FIELDS = ("title", "keys", "tags", "variants", "note", "expires", "starts")
"""Fields an import leaves as they are on an existing reply when the source does not have them."""


@dataclass
class Incoming:
    row: int
    """Row number in the sheet (header = 1) or position in a bundle (1-based)."""
    book: str
    stage: Stage | None
    phrase: Phrase
    id_given: bool = True
    """False when the id was made from the text (a content-only sheet)."""
    stage_given: bool = False
    """True when the row itself named a stage; else an existing book's stage wins."""
    given: frozenset[str] = frozenset(_KEPT_FIELDS)
    """Fields the source had (a sheet's columns): the others keep an existing reply's values."""


@dataclass
class Reading:
    items: list[Incoming] = field(default_factory=list)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)
    shops: list[dict[str, Any]] = field(default_factory=list)
    """Shop tables of a bundle (written to shops.toml when the target has none)."""
    unit: str = "行"
    """How rows are counted in messages: 行 (sheet rows) or 条 (bundle entries)."""
    encoding: str = ""
    """The encoding a text sheet was read in, for the plan (empty for other files)."""
    default_stage: Stage = Stage.PRE_SALE
    defaulted_groups: list[str] = field(default_factory=list)
    """Groups whose name said no stage: their replies got ``default_stage``."""
    ignored: list[str] = field(default_factory=list)
    """What a sheet holds that is not imported: unknown columns, cells beyond the header."""


# --- reading ----------------------------------------------------------------------------------


def read_file(path: Path, *, book: str | None = None, default_stage: Stage = Stage.PRE_SALE) -> Reading:
    """Read a bundle or sheet. Raises ImportError_ (message names the file) when it cannot."""
    shown = clean_line(path.name).text
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json", ".csv", ".tsv", ".txt", ".xlsx"):
        raise ImportError_(
            f"{shown}：不支持的文件类型 {suffix or '（无扩展名）'}：可导入 toml / json / csv / xlsx"
        )
    data = _read_regular(path, shown)
    try:
        if suffix in (".toml", ".json"):
            reading = _from_bundle(_parse_bundle(data, suffix, shown), book, default_stage, shown)
        elif suffix == ".xlsx":
            reading = _from_rows(_xlsx_rows(data, shown), book, default_stage, shown)
        else:
            reading = _read_text_sheet(data, book, default_stage, shown)
    except RecursionError:
        raise ImportError_(f"{shown}：嵌套层数太深，无法读取") from None
    reading.default_stage = default_stage
    return reading


def _read_regular(path: Path, shown: str) -> bytes:
    try:
        info = path.stat()
    except OSError as error:
        raise ImportError_(f"{shown}：无法读取（{error.strerror or error}）") from None
    if not stat.S_ISREG(info.st_mode):  # a FIFO blocks forever, /dev/zero fills memory
        raise ImportError_(f"{shown}：不是普通文件")
    if info.st_size > MAX_FILE_BYTES:
        raise ImportError_(f"{shown}：文件太大（{info.st_size >> 20} MB，最多 {MAX_FILE_BYTES >> 20} MB）")
    try:
        return path.read_bytes()
    except OSError as error:
        raise ImportError_(f"{shown}：无法读取（{error.strerror or error}）") from None


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


def _parse_bundle(data: bytes, suffix: str, shown: str) -> Any:
    try:
        raw, _encoding = decode(data)
    except UndecodableError as error:
        raise ImportError_(f"{shown}：{error}") from None
    if suffix == ".json":
        try:
            return json.loads(raw)
        except json.JSONDecodeError as error:
            raise ImportError_(
                f"{shown}：JSON 格式错误，第 {error.lineno} 行第 {error.colno} 列附近"
            ) from None
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        position = _TOML_POSITION.search(str(error))
        where = f"第 {position.group(1)} 行第 {position.group(2)} 列" if position else "某处"
        reason = _TOML_POSITION.sub("", str(error))
        raise ImportError_(f"{shown}：TOML 格式错误，{where}（{reason}）") from None


def _read_text_sheet(data: bytes, target: str | None, default_stage: Stage, shown: str) -> Reading:
    try:
        text, encoding = decode(data)
    except UndecodableError as error:
        raise ImportError_(f"{shown}：{error}") from None
    if "\x00" in text:
        raise ImportError_(f"{shown}：含有空字符（NUL），不是文本表格")
    first_line = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(first_line, _KNOWN_HEADERS)
    # csv refuses fields over 131072 characters with an error for the whole file; cells are
    # checked one by one instead (MAX_CELL), so let the reader pass anything the file can hold.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    try:
        rows = [
            [restore(cell) for cell in row]
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error as error:
        raise ImportError_(f"{shown}：CSV 格式错误（{error}）") from None
    reading = _from_rows(rows, target, default_stage, shown)
    reading.encoding = ENCODING_NAMES[encoding] + ("，制表符分隔" if delimiter == "\t" else "")
    return reading


def _xlsx_rows(data: bytes, shown: str) -> list[list[str]]:
    from openpyxl import load_workbook  # deferred: only xlsx needs it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.active
        if sheet is None:
            raise ImportError_(f"{shown}：工作簿里没有工作表")
        rows = [[_cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    except ImportError_:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile):
        raise ImportError_(
            f"{shown}：不是有效的 xlsx 文件（无法解压）；.xls 旧格式请先另存为 .xlsx"
        ) from None
    except Exception as error:  # openpyxl raises KeyError, ValueError, XML errors… on a damaged file
        raise ImportError_(f"{shown}：xlsx 文件已损坏，无法读取（{type(error).__name__}）") from None


def _cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # a code typed as 12 comes back as 12.0
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    return str(cell)


def _from_bundle(data: Any, target: str | None, default_stage: Stage, shown: str) -> Reading:
    reading = Reading(unit="条")
    if isinstance(data, dict) and isinstance(data.get("book"), dict):
        books = [{**data["book"], "phrase": data.get("phrase", [])}]  # a single phrasebook file
    elif isinstance(data, dict) and isinstance(data.get("book"), list):
        books = data["book"]
    else:
        raise ImportError_(f"{shown}：不是 quickreply 的短语书或导出合集（缺少 book）")
    shops = data.get("shop", [])
    reading.shops = [
        {
            **{str(k): str(v) for k, v in shop.items() if isinstance(v, str | int | float)},
            **_calendar_keys(shop),
        }
        for shop in (shops if isinstance(shops, list) else [])
        if isinstance(shop, dict) and isinstance(shop.get("shop_name"), str)
    ]
    number = 0
    for book in books:
        tables = book.get("phrase", []) if isinstance(book, dict) else None
        if not isinstance(tables, list):
            number += 1
            reading.bad_rows.append((number, "book 必须是含 phrase 列表的表"))
            continue
        name = target or _group_name(book.get("name")) or "导入"
        given = book.get("stage")
        stage: Stage | None = schema.parse_stage(given)
        if given not in (None, "") and stage is None:
            # A stage that says something we cannot read is a mistake, not "no stage".
            for _table in tables:
                number += 1
                reading.bad_rows.append((number, f"书 {name}：{schema.bad_stage_message(given)}"))
            continue
        if stage is None:
            stage = stage_for_group(name)
            if stage is None:
                stage = default_stage
                reading.defaulted_groups.append(name)
        for table in tables:
            number += 1
            if not isinstance(table, dict):
                reading.bad_rows.append((number, "phrase 必须是表"))
                continue
            values = {key: table.get(key) for key in HEADER_ALIASES if key != "group"}
            _add(reading, _phrase(number, values, name, stage))
    return reading


def _group_name(raw: Any) -> str:
    return clean_line(raw).text if isinstance(raw, str) else ""


def _from_rows(rows: list[list[str]], target: str | None, default_stage: Stage, shown: str) -> Reading:
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ImportError_(f"{shown}：表格是空的（第 1 行应是表头）")
    header = [normalise_header(cell) for cell in rows[0]]
    columns: dict[str, int] = {}
    for name, aliases in HEADER_ALIASES.items():
        for position, cell in enumerate(header):
            if cell in aliases and name not in columns and position not in columns.values():
                columns[name] = position
    if "text" not in columns:
        raise ImportError_(f"{shown}：找不到内容列（快捷短语 / 快捷短语内容 / 短语内容 / 内容 / content）")
    reading = Reading()
    unknown = [rows[0][i].strip() for i, cell in enumerate(header) if cell and i not in columns.values()]
    if unknown:
        reading.ignored.append("不认识的列 " + "、".join(clean_line(name).text for name in unknown))
    beyond: list[int] = []
    group_stages: dict[str, Stage] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if any(cell.strip() for cell in row[len(header) :]):
            beyond.append(number)
        values: dict[str, Any] = {name: (row[i] if i < len(row) else "") for name, i in columns.items()}
        group = _group_name(values.get("group")) if len(values.get("group") or "") <= MAX_CELL else ""
        book = target or group or "导入"
        if book not in group_stages:
            stage = stage_for_group(group) or (stage_for_group(book) if target else None)
            if stage is None:
                stage = default_stage
                reading.defaulted_groups.append(book)
            group_stages[book] = stage
        _add(reading, _phrase(number, values, book, group_stages[book]))
    if beyond:
        shown_rows = "、".join(str(number) for number in beyond[:10]) + ("…" if len(beyond) > 10 else "")
        reading.ignored.append(f"第 {shown_rows} 行表头之外的单元格")
    return reading


def _add(reading: Reading, result: Incoming | tuple[int, str]) -> None:
    if isinstance(result, Incoming):
        reading.items.append(result)
    else:
        reading.bad_rows.append(result)


_LIST_SPLIT = re.compile(r"[、,，\n]+")
_PART_SPLIT = re.compile(rf"\n[ \t]*{re.escape(schema.PART_SEPARATOR)}[ \t]*\n")
_KEY_SPLIT = re.compile(r"[\s,，;；/、]+")


def _as_list(value: Any, splitter: re.Pattern[str]) -> list[str] | None:
    """A list cell: a JSON list (what our sheets write), a list (bundles) or text to split.
    None when it is something else (a number where a list belongs)."""
    if value is None:
        return []
    if isinstance(value, list):
        return (
            [item for item in value if isinstance(item, str)]
            if all(isinstance(i, str) for i in value)
            else None
        )
    if not isinstance(value, str):
        return None
    cell = value.strip()
    if cell.startswith("["):
        try:
            items = json.loads(cell)
        except (json.JSONDecodeError, RecursionError):
            items = None
        if isinstance(items, list) and all(isinstance(item, str) for item in items):
            return items
    return [item for item in splitter.split(cell) if item.strip()]


def _phrase(
    number: int, values: dict[str, Any], book: str, book_stage: Stage | None
) -> Incoming | tuple[int, str]:
    """One row or bundle entry → an incoming phrase, or (number, what is wrong)."""
    for name, value in values.items():
        size = (
            sum(len(v) for v in value if isinstance(v, str))
            if isinstance(value, list)
            else len(str(value or ""))
        )
        if size > MAX_CELL:
            return number, f"{_FIELD_NAMES[name]}有 {size} 个字符，超过上限 {MAX_CELL}"
    # Sheets and bundles say things their own way (codes split by spaces or commas, dates as
    # text, no id or title); turn them into a phrase table, then check it like any book would.
    raw_text = values.get("text")
    # A sequence: `parts` in a bundle, or a sheet's text cell with lines holding only ---.
    raw_parts = values.get("parts")
    both = raw_parts not in (None, "", []) and isinstance(raw_text, str) and bool(raw_text.strip())
    if raw_parts in (None, "", []) and isinstance(raw_text, str):
        pieces = schema.split_parts(raw_text)
        raw_parts = pieces if len(pieces) > 1 else None
    elif isinstance(raw_parts, str):
        raw_parts = _as_list(raw_parts, _PART_SPLIT)
    if raw_parts in (None, "", []):
        raw_parts = None
        text = clean_text(raw_text).text if isinstance(raw_text, str) else ""
        if isinstance(raw_text, str | None) and not text.strip():
            return number, "回复内容为空（公式单元格没有保存结果时也是空的）"
    else:
        listed = raw_parts if isinstance(raw_parts, list) else []
        text = clean_text(schema.join_parts([i for i in listed if isinstance(i, str)])).text
    given_id = str(values.get("id") or "").strip()
    table: dict[str, Any] = {
        "id": given_id or (make_id(text) if text.strip() else ""),
        "title": values.get("title") or (make_title(text) if text.strip() else ""),
        "note": values.get("note") or "",
    }
    if raw_parts is None:
        table["text"] = raw_text if raw_text is not None else ""
    else:
        table["parts"] = raw_parts
        if both:
            table["text"] = raw_text  # text and parts both given: the check says which to keep
    if isinstance(table["title"], str):
        table["title"] = clean_line(table["title"]).text or make_title(text)
    for name, split in (("keys", _KEY_SPLIT), ("tags", _LIST_SPLIT), ("variants", _LIST_SPLIT)):
        items = _as_list(values.get(name), split)
        table[name] = items if items is not None else values.get(name)
    if values.get("stage"):
        table["stage"] = str(values["stage"]).strip()
    for name in ("starts", "expires"):
        when = values.get(name)
        if isinstance(when, str):
            try:
                when = dt.date.fromisoformat(when.strip()[:10]) if when.strip() else None
            except ValueError:
                return number, f"{_FIELD_NAMES[name]} {when!r} 应为 YYYY-MM-DD"
        if when is not None:
            table[name] = when
    fields, findings = schema.check_phrase(table, book_stage=book_stage or Stage.PRE_SALE)
    if errors := [finding for finding in findings if finding.is_error]:
        # A malformed placeholder would be loaded but never copied: not worth importing.
        return number, errors[0].message
    assert fields is not None
    stage = fields.stage or book_stage
    phrase = Phrase(
        id=fields.id,
        title=fields.title,
        text=fields.text,
        stage=stage or Stage.PRE_SALE,
        book=book,
        keys=fields.keys,
        tags=fields.tags,
        variants=fields.variants,
        note=fields.note,
        expires=fields.expires,
        starts=fields.starts,
        parts=fields.parts,
    )
    given_stage = fields.stage is not None
    # An empty title cell is "no title" (one is made from the text), not "clear the title".
    given = frozenset(name for name in values if name != "title" or values[name])
    return Incoming(
        number, book, stage, phrase, id_given=bool(given_id), stage_given=given_stage, given=given
    )


def make_title(text: str) -> str:
    """The first clause of the reply, without the greeting: 亲，可以开发票的。 → 可以开发票的"""
    body = re.sub(r"^(亲爱的|亲亲|亲|您好|你好)[，,！!~\s]*", "", text.strip())
    first = re.split(r"[，。！？!?,.\n~]", body, maxsplit=1)[0].strip()
    return (first or body or text.strip())[:16]


def make_id(text: str) -> str:
    """A readable id from the pinyin of the title: 可以开发票 → ke-yi-kai-fa-piao."""
    title = make_title(text)
    spelled = [s for s in syllables(title) if s][:6]
    ascii_words = re.findall(r"[a-z0-9]+", title.lower())
    words = spelled or ascii_words or ["reply"]
    return "-".join(words)


# --- planning ---------------------------------------------------------------------------------


@dataclass
class Step:
    kind: str
    """new | changed | identical | conflicting | duplicate (a second incoming row with an id or
    code an earlier row already has: never written, not even with --replace)"""
    incoming: Incoming
    existing: Phrase | None = None
    reason: str = ""


def _same(a: Phrase, b: Phrase) -> bool:
    def key(p: Phrase) -> tuple[Any, ...]:
        return (p.id, p.title, p.text, p.parts, p.stage, p.keys, p.tags, p.variants, p.note, p.expires,
                p.starts)

    return key(a) == key(b)


def plan(reading: Reading, existing: list[Phrase], books: Sequence[Book] = ()) -> list[Step]:
    """What importing ``reading`` into a library holding ``existing`` (in ``books``) would do.
    A row that names no stage takes the stage of the reply or book it lands in."""
    by_id = {phrase.id: phrase for phrase in existing}
    book_stage = {book.name: book.stage for book in books}
    for item in reading.items:
        old = by_id.get(item.phrase.id)
        if not item.stage_given:
            stage = old.stage if old is not None else book_stage.get(item.book)
            if stage is not None:
                item.stage = stage
                item.phrase = replace(item.phrase, stage=stage)
        if old is not None:  # a sheet without a tags column does not clear the tags
            kept = {name: getattr(old, name) for name in _KEPT_FIELDS if name not in item.given}
            if item.phrase.parts:
                kept.pop("variants", None)  # a sequence has no variants: the old ones cannot stay
            item.phrase = replace(item.phrase, **kept)
    code_owner = {key: phrase.id for phrase in existing for key in phrase.keys}
    steps: list[Step] = []
    seen: dict[str, Incoming] = {}
    incoming_codes: dict[str, Incoming] = {}
    unit = reading.unit
    for item in reading.items:
        phrase = item.phrase
        if phrase.id in seen:
            if item.id_given:
                reason = f"id {phrase.id} 与第 {seen[phrase.id].row} {unit}重复"
                steps.append(Step("duplicate", item, None, reason))
                continue
            earlier = seen[phrase.id]
            if earlier.phrase.segments == phrase.segments:  # the same reply pasted twice
                reason = f"与第 {earlier.row} {unit}内容相同"
                steps.append(Step("duplicate", item, None, reason))
                continue
            # Two texts whose titles spell the same: the later one gets the next free id.
            phrase = item.phrase = replace(phrase, id=_free(phrase.id, by_id, seen))
        if clash := next((k for k in phrase.keys if k in incoming_codes), None):
            reason = f"快捷编码 {clash} 已被第 {incoming_codes[clash].row} {unit}使用"
            steps.append(Step("duplicate", item, by_id.get(phrase.id), reason))
            continue
        seen[phrase.id] = item
        incoming_codes.update(dict.fromkeys(phrase.keys, item))
        old = by_id.get(phrase.id)
        taken = next((key for key in phrase.keys if code_owner.get(key, phrase.id) != phrase.id), None)
        if old is not None and _same(replace(old, book=phrase.book), phrase):
            steps.append(Step("identical", item, old))
        elif old is not None and old.text != phrase.text:
            steps.append(Step("conflicting", item, old, "同一 id 的内容不同"))
        elif taken is not None:
            steps.append(Step("conflicting", item, old, f"快捷编码 {taken} 已被 {code_owner[taken]} 使用"))
        elif old is not None:
            steps.append(Step("changed", item, old))
        else:
            steps.append(Step("new", item))
    return steps


def _free(base: str, *taken_maps: dict[str, Any]) -> str:
    number = 2
    while any(f"{base}-{number}" in taken for taken in taken_maps):
        number += 1
    return f"{base}-{number}"


# --- checking and writing ---------------------------------------------------------------------

_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)


def file_stem(name: str) -> str:
    """A safe, bounded file name for a group: letters (any script), digits, _ and -; at most
    MAX_STEM characters; never a reserved file (shops.toml…) nor a Windows device name."""
    stem = re.sub(r"[^\w\-]+", "-", clean_line(name).text).strip("-_")[:MAX_STEM].strip("-_")
    stem = stem or "imported"
    if f"{stem.lower()}.toml" in RESERVED_FILES or stem.lower() in _WINDOWS_DEVICES:
        stem = f"book-{stem}"
    return stem


@dataclass
class Write:
    """One book file the import will save."""

    book: Book
    expected_sha256: str | None
    """Digest of the file as loaded (None: a new file, which must not exist)."""
    new: bool


def prepare(
    steps: list[Step],
    books: list[Book],
    into: Path,
    *,
    replace_conflicts: bool,
    allowed_dirs: list[Path] | None = None,
) -> list[Write]:
    """Every book the plan changes, built and checked (down to the text the writer would save);
    raises ImportError_ listing every reason the import cannot be written. Nothing is written
    here. ``allowed_dirs``: where writing may happen (default: ``into`` only)."""
    by_name = {book.name: book for book in books}
    edits: dict[str, dict[str, Phrase]] = {}
    additions: dict[str, list[Phrase]] = {}
    stages: dict[str, Stage] = {}
    for step in steps:
        if step.kind in ("identical", "duplicate") or (step.kind == "conflicting" and not replace_conflicts):
            continue
        phrase = step.incoming.phrase
        if step.existing is not None:
            edits.setdefault(step.existing.book, {})[step.existing.id] = replace(
                phrase, book=step.existing.book
            )
        else:
            additions.setdefault(phrase.book, []).append(phrase)
            stages.setdefault(phrase.book, step.incoming.stage or phrase.stage)
    if replace_conflicts:  # a code taken over by an imported reply leaves its old owner
        moved = {key for step in steps if step.kind == "conflicting" for key in step.incoming.phrase.keys}
        for book in books:
            for phrase in book.phrases:
                if set(phrase.keys) & moved and phrase.id not in edits.get(book.name, {}):
                    kept = tuple(key for key in phrase.keys if key not in moved)
                    edits.setdefault(book.name, {})[phrase.id] = replace(phrase, keys=kept)

    problems: list[str] = []
    if not into.is_dir():
        problems.append(f"目录不存在：{into}")
    elif not os.access(into, os.W_OK):
        problems.append(f"目录不可写：{into}")
    allowed = [directory.resolve() for directory in (allowed_dirs or [into])]
    taken = {path.name.lower() for path in into.iterdir()} if into.is_dir() else set()
    writes: list[Write] = []
    for name in sorted(set(edits) | set(additions)):
        found = by_name.get(name)
        if found is None:
            stem = file_stem(name)
            candidate, number = stem, 2
            while f"{candidate.lower()}.toml" in taken:  # case-insensitive: macOS and Windows
                candidate, number = f"{stem}-{number}", number + 1
            taken.add(f"{candidate.lower()}.toml")
            book = Book(name, stages.get(name, Stage.PRE_SALE), into / f"{candidate}.toml")
            write = Write(book, None, new=True)
        else:
            book = found
            write = Write(book, book.sha256, new=False)
            problems += _check_existing(book)
        changed = edits.get(name, {})
        phrases = tuple(changed.get(p.id, p) for p in book.phrases) + tuple(additions.get(name, []))
        write.book = replace(book, phrases=phrases)
        if not any(write.book.path.resolve().parent == directory for directory in allowed):
            problems.append(f"{write.book.path} 不在导入目录里，不会写入")
        if write.new and write.book.path.exists():
            problems.append(f"{write.book.path} 已存在")
        problems += _check_serialised(write)
        writes.append(write)
    problems += _check_unique(writes, books)
    if problems:
        raise ImportError_("未写入任何文件：\n" + "\n".join(f"  {problem}" for problem in problems))
    return writes


@dataclass
class Hidden:
    """What the target directory holds that the loader could not read: books that do not parse
    (nothing known about them) and replies or books it skipped (their ids, codes and names are
    still taken — importing over them would write a duplicate once they are fixed)."""

    unparsed: list[str] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def clashes(self, steps: Sequence[Step]) -> list[str]:
        """Why the plan cannot be written; empty when it can."""
        found = list(self.unparsed)
        for step in steps:
            if step.kind in ("identical", "duplicate"):
                continue
            phrase = step.incoming.phrase
            if phrase.id in self.ids:
                found.append(f"id {phrase.id} 已被一条读不出的回复使用（{self.ids[phrase.id]}）")
            for key in phrase.keys:
                if key in self.codes:
                    found.append(f"快捷编码 {key} 已被一条读不出的回复使用（{self.codes[key]}）")
            if step.existing is None and phrase.book in self.names:
                found.append(f"书 {phrase.book} 读不出（{self.names[phrase.book]}），不能往里导入")
        return list(dict.fromkeys(found))


def hidden(directory: Path, books: Sequence[Book], problems: Sequence[Problem]) -> Hidden:
    loaded = {book.path.resolve(): book for book in books}
    result = Hidden()
    for path in book_files(directory):
        book = loaded.get(path.resolve())
        first = next(
            (p for p in problems if p.file.resolve() == path.resolve() and p.severity is Severity.ERROR), None
        )
        where = f"{path.name}:{first.line}：{first.message}" if first else path.name
        data, _raw, _problem = read_toml(path)
        if data is None:
            result.unparsed.append(f"{where}（先修好再导入）")
            continue
        header = data.get("book")
        if book is None and isinstance(header, dict) and isinstance(header.get("name"), str):
            result.names[clean_line(header["name"]).text] = where
        known = {phrase.id for phrase in book.phrases} if book is not None else set()
        tables = data.get("phrase")
        for table in tables if isinstance(tables, list) else []:
            phrase_id = table.get("id") if isinstance(table, dict) else None
            if not isinstance(phrase_id, str) or phrase_id in known:
                continue
            result.ids.setdefault(phrase_id, path.name)
            keys = table.get("keys")
            for key in keys if isinstance(keys, list) else [keys] if isinstance(keys, str) else []:
                if isinstance(key, str):
                    result.codes.setdefault(key.lower(), path.name)
    return result


def _check_existing(book: Book) -> list[str]:
    try:
        info = book.path.resolve().stat()
    except OSError as error:
        return [f"{book.path}：无法读取（{error.strerror or error}）"]
    if not stat.S_ISREG(info.st_mode):
        return [f"{book.path} 不是普通文件"]
    if store.file_digest(book.path) != book.sha256:
        return [f"{book.path} 在载入后被别人修改过：请重新运行导入"]
    return []


def _check_serialised(write: Write) -> list[str]:
    """The text the writer would save (an existing file edited in place) can be made, and reads
    back with every imported reply as it is: a book the writer refuses fails here, before any
    other book is written."""
    book = write.book
    original: str | None = None
    try:
        if not write.new:
            original = book.path.read_bytes().decode("utf-8-sig")
        data = tomllib.loads(bookfile.book_text(book, original))
    except UnicodeDecodeError:
        return [f"{book.path}：文件不是 UTF-8 编码，无法改写"]
    except OSError as error:
        return [f"{book.path}：无法读取（{error.strerror or error}）"]
    except bookfile.UnwritableBookError as error:
        return [f"{book.path}：{error}"]
    except (TypeError, ValueError, RecursionError) as error:
        return [f"{book.path}：无法生成 TOML（{error}）"]
    tables = data.get("phrase", [])
    written = (
        {t.get("id"): _written_text(t) for t in tables if isinstance(t, dict)}
        if isinstance(tables, list)
        else {}
    )
    if any(written.get(phrase.id) != phrase.text for phrase in book.phrases):
        return [f"{book.path}：生成的 TOML 读回后内容不一致"]
    return []


def _written_text(table: dict[str, Any]) -> Any:
    """What a written table says, as one text (a sequence's parts joined)."""
    parts = table.get("parts")
    if isinstance(parts, list) and all(isinstance(part, str) for part in parts):
        return schema.join_parts(parts)
    return table.get("text")


def _check_unique(writes: list[Write], books: list[Book]) -> list[str]:
    """After the import every id and every code must still be used once (the loader refuses a
    second one): a last guard over the whole target library. Clashes the library already had
    are not the import's doing and do not block it."""
    final = {write.book.path: write.book for write in writes}
    after = [*(final.get(b.path, b) for b in books), *(w.book for w in writes if w.new)]
    before_ids, before_codes = _owners(books)
    after_ids, after_codes = _owners(after)
    problems = [
        f"id {name} 会出现在 " + "、".join(sorted(set(owners)))
        for name, owners in after_ids.items()
        if len(owners) > 1 and len(owners) > len(before_ids.get(name, []))
    ]
    problems += [
        f"快捷编码 {code} 会同时属于 " + "、".join(owners)
        for code, owners in after_codes.items()
        if len(owners) > 1 and len(owners) > len(before_codes.get(code, []))
    ]
    return problems


def _owners(books: list[Book]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    ids: dict[str, list[str]] = {}
    codes: dict[str, list[str]] = {}
    for book in books:
        for phrase in book.phrases:
            ids.setdefault(phrase.id, []).append(book.path.name)
            for key in phrase.keys:
                codes.setdefault(key, []).append(phrase.id)
    return ids, codes


def write(writes: list[Write]) -> list[Path]:
    """Save the prepared books (each through the safe save, which still refuses a file changed
    on disk in the meantime); returns the files written."""
    written: list[Path] = []
    for item in writes:
        store.save_book(item.book, expected_sha256=item.expected_sha256)
        written.append(item.book.path)
    return written


def apply(steps: list[Step], books: list[Book], into: Path, *, replace_conflicts: bool) -> list[Path]:
    """:func:`prepare` then :func:`write`: all checks pass before the first file is touched."""
    return write(prepare(steps, books, into, replace_conflicts=replace_conflicts))


def _calendar_keys(shop: dict[str, Any]) -> dict[str, Any]:
    """A bundle shop's calendar (cutoffs, no_ship_days, closed) in the shapes shops.toml takes;
    JSON's ``"2027-02-03"`` becomes a date again. Loading shops.toml checks the values."""
    keys: dict[str, Any] = {}
    cutoffs = shop.get("cutoffs")
    if isinstance(cutoffs, dict):
        keys["cutoffs"] = {str(day): str(time) for day, time in cutoffs.items() if isinstance(time, str)}
    days = shop.get("no_ship_days")
    if isinstance(days, list):
        keys["no_ship_days"] = [day for day in days if isinstance(day, str)]
    closed = shop.get("closed")
    if isinstance(closed, list):
        ranges = []
        for item in closed:
            if not isinstance(item, dict):
                continue
            ends = [_as_date(item.get("from")), _as_date(item.get("to"))]
            if ends[0] is not None and ends[1] is not None:
                reason = item.get("reason")
                reason = reason if isinstance(reason, str) else "停发"
                ranges.append({"from": ends[0], "to": ends[1], "reason": reason})
        keys["closed"] = ranges
    return keys


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def write_shops(shops: list[dict[str, Any]], into: Path) -> Path | None:
    """Write a bundle's shops to ``into/shops.toml`` if there is none yet (never merged into an
    existing one: two shops' values would be mixed); returns the file written."""
    import tomli_w

    target = into / "shops.toml"
    if not shops or target.exists():
        return None
    # Key names of shops.toml are not cleaned at load: written with TOML's own escapes.
    text = escape_in_quoted(tomli_w.dumps({"shop": shops}), toml=True)
    store.save_text(target, text, expected_sha256=None)
    return target
