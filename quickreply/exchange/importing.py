"""Import replies from toml/json bundles and csv/xlsx sheets: read, plan, then apply through
the safe saving. Bad rows are reported with their row number and skipped."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import store
from ..books import PHRASE_ID, SHORTCUT_CODE
from ..model import Book, Phrase, Stage
from ..sanitize import clean_line, clean_text
from ..search.pinyin import syllables
from ..template import placeholder_issues

HEADER_ALIASES = {
    "text": (
        "快捷短语",
        "短语内容",
        "短语",
        "内容",
        "回复",
        "回复内容",
        "话术",
        "content",
        "text",
        "phrase",
        "reply",
    ),
    "keys": ("快捷编码", "编码", "快捷码", "快捷键", "code", "codes", "keys", "shortcut"),
    "group": ("分组", "分类", "组", "书", "group", "category", "book"),
    "id": ("id",),
    "title": ("标题", "title"),
    "stage": ("阶段", "stage"),
    "tags": ("标签", "tags"),
    "variants": ("其他说法", "variants"),
    "note": ("备注", "note"),
    "expires": ("过期", "过期日期", "expires"),
}


class ImportError_(ValueError):
    """The file cannot be read at all (wrong format, no content column…)."""


@dataclass
class Incoming:
    row: int
    """Row number in the sheet (header = 1) or position in a bundle (1-based)."""
    book: str
    stage: Stage | None
    phrase: Phrase


@dataclass
class Reading:
    items: list[Incoming] = field(default_factory=list)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)
    shops: list[dict[str, str]] = field(default_factory=list)
    """Shop tables of a bundle (written to shops.toml when the target has none)."""


# --- reading ----------------------------------------------------------------------------------


def read_file(path: Path, *, book: str | None = None) -> Reading:
    suffix = path.suffix.lower()
    if suffix in (".toml", ".json"):
        raw = path.read_bytes().decode("utf-8-sig")
        try:
            data = tomllib.loads(raw) if suffix == ".toml" else json.loads(raw)
        except (tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
            raise ImportError_(f"{path}: 无法解析：{error}") from None
        return _from_bundle(data, book)
    if suffix == ".csv":
        text = path.read_bytes().decode("utf-8-sig", errors="strict")
        rows = list(csv.reader(io.StringIO(text)))
        return _from_rows(rows, book)
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).active
        rows = [
            ["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)
        ]
        return _from_rows(rows, book)
    raise ImportError_(f"不支持的文件类型 {suffix}：可导入 toml / json / csv / xlsx")


def _from_bundle(data: Any, target: str | None) -> Reading:
    reading = Reading()
    if isinstance(data, dict) and "book" in data and isinstance(data["book"], dict):
        books = [{**data["book"], "phrase": data.get("phrase", [])}]  # a single phrasebook file
    elif isinstance(data, dict) and isinstance(data.get("book"), list):
        books = data["book"]
    else:
        raise ImportError_("不是 quickreply 的短语书或导出合集")
    shops = data.get("shop", []) if isinstance(data, dict) else []
    reading.shops = [
        {str(k): str(v) for k, v in shop.items()}
        for shop in shops
        if isinstance(shop, dict) and "shop_name" in shop
    ]
    number = 0
    for book in books:
        name = target or str(book.get("name", "导入"))
        try:
            stage = Stage.parse(str(book.get("stage", "")))
        except ValueError:
            stage = None
        for table in book.get("phrase", []):
            number += 1
            values = {key: table.get(key) for key in HEADER_ALIASES if key not in ("group",)}
            result = _phrase(number, values, name, stage)
            (reading.bad_rows if isinstance(result, tuple) else reading.items).append(result)  # type: ignore[arg-type]
    return reading


def _from_rows(rows: list[list[str]], target: str | None) -> Reading:
    if not rows:
        raise ImportError_("表格是空的")
    header = [cell.strip().lower() for cell in rows[0]]
    columns: dict[str, int] = {}
    for name, aliases in HEADER_ALIASES.items():
        for position, cell in enumerate(header):
            if cell in aliases and name not in columns:
                columns[name] = position
    if "text" not in columns:
        raise ImportError_("找不到内容列（快捷短语 / 短语内容 / 内容 / content）")
    reading = Reading()
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values: dict[str, Any] = {name: (row[i] if i < len(row) else "") for name, i in columns.items()}
        for name in ("tags", "variants"):
            values[name] = _list_cell(values.get(name, ""))
        values["keys"] = [key for key in re.split(r"[\s,，;；/]+", values.get("keys") or "") if key]
        book = target or (values.get("group") or "").strip() or "导入"
        result = _phrase(number, values, book, None)
        (reading.bad_rows if isinstance(result, tuple) else reading.items).append(result)  # type: ignore[arg-type]
    return reading


def _list_cell(cell: str) -> list[str]:
    cell = (cell or "").strip()
    if not cell:
        return []
    if cell.startswith("["):
        try:
            items = json.loads(cell)
            if isinstance(items, list):
                return [str(item) for item in items]
        except json.JSONDecodeError:
            pass
    return [item for item in re.split(r"[、,，\n]+", cell) if item.strip()]


def _phrase(
    number: int, values: dict[str, Any], book: str, book_stage: Stage | None
) -> Incoming | tuple[int, str]:
    text = clean_text(str(values.get("text") or "")).text.strip("\n")
    if not text.strip():
        return number, "内容为空"
    if errors := [issue for issue in placeholder_issues(text) if issue.is_error]:
        return number, errors[0].message
    phrase_id = str(values.get("id") or "").strip() or make_id(text)
    if not PHRASE_ID.match(phrase_id):
        return number, f"id {phrase_id!r} 无效"
    stage = book_stage
    if values.get("stage"):
        try:
            stage = Stage.parse(str(values["stage"]))
        except ValueError:
            return number, f"未知的阶段 {values['stage']!r}"
    expires = values.get("expires")
    if isinstance(expires, str):
        try:
            expires = dt.date.fromisoformat(expires.strip()[:10]) if expires.strip() else None
        except ValueError:
            return number, f"过期日期 {expires!r} 应为 YYYY-MM-DD"
    keys = [str(key).lower() for key in values.get("keys") or []]
    if bad := [key for key in keys if not SHORTCUT_CODE.match(key)]:
        return number, f"快捷编码 {bad[0]!r} 只能用英文字母、数字和符号"
    title = clean_line(str(values.get("title") or "")).text or make_title(text)
    phrase = Phrase(
        id=phrase_id,
        title=title,
        text=text,
        stage=stage or Stage.PRE_SALE,
        book=book,
        keys=tuple(keys),
        tags=tuple(clean_line(tag).text for tag in values.get("tags") or []),
        variants=tuple(clean_text(v).text for v in values.get("variants") or [] if v.strip()),
        note=clean_text(str(values.get("note") or "")).text,
        expires=expires,
    )
    return Incoming(number, book, stage, phrase)


def make_title(text: str) -> str:
    """The first clause of the reply, without the greeting: 亲，可以开发票的。 → 可以开发票的"""
    body = re.sub(r"^(亲爱的|亲亲|亲|您好|你好)[，,！!~\s]*", "", text.strip())
    first = re.split(r"[，。！？!?,.\n~]", body, maxsplit=1)[0].strip()
    return (first or body or text)[:16]


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
    """new | changed | identical | conflicting"""
    incoming: Incoming
    existing: Phrase | None = None
    reason: str = ""


def _same(a: Phrase, b: Phrase) -> bool:
    def key(p: Phrase) -> tuple[Any, ...]:
        return (p.id, p.title, p.text, p.stage, p.keys, p.tags, p.variants, p.note, p.expires)

    return key(a) == key(b)


def plan(reading: Reading, existing: list[Phrase]) -> list[Step]:
    by_id = {phrase.id: phrase for phrase in existing}
    code_owner = {key: phrase.id for phrase in existing for key in phrase.keys}
    steps: list[Step] = []
    seen: dict[str, str] = {}
    for item in reading.items:
        phrase = item.phrase
        if phrase.id in seen and by_id.get(phrase.id) is None:
            phrase = item.phrase = replace(phrase, id=_free(phrase.id, by_id, seen))
        seen[phrase.id] = phrase.id
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


# --- applying ---------------------------------------------------------------------------------


def apply(steps: list[Step], books: list[Book], into: Path, *, replace_conflicts: bool) -> list[Path]:
    """Write the planned changes; returns the files written. Each book goes through the safe
    save (a file changed on disk meanwhile is not overwritten)."""
    by_name = {book.name: book for book in books}
    edits: dict[str, dict[str, Phrase]] = {}
    additions: dict[str, list[Phrase]] = {}
    stages: dict[str, Stage] = {}
    for step in steps:
        if step.kind == "identical" or (step.kind == "conflicting" and not replace_conflicts):
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
    written: list[Path] = []
    for name in sorted(set(edits) | set(additions)):
        book = by_name.get(name)
        if book is None:
            stem = re.sub(r"[^\w\-]+", "-", name).strip("-") or "imported"
            path = into / f"{stem}.toml"
            book = Book(name, stages.get(name, Stage.PRE_SALE), path)
            expected = store.file_digest(path)
            if expected is not None:
                raise store.ConflictError(path)
        else:
            expected = book.sha256
        changed = edits.get(name, {})
        phrases = tuple(changed.get(p.id, p) for p in book.phrases) + tuple(additions.get(name, []))
        updated = replace(book, phrases=phrases)
        store.save_book(updated, expected_sha256=expected)
        written.append(book.path)
    return written


def write_shops(shops: list[dict[str, str]], into: Path) -> Path | None:
    """Write a bundle's shops to ``into/shops.toml`` if there is none yet (never merged into an
    existing one: two shops' values would be mixed); returns the file written."""
    import tomli_w

    target = into / "shops.toml"
    if not shops or target.exists():
        return None
    store.save_text(target, tomli_w.dumps({"shop": shops}), expected_sha256=None)
    return target
