"""Read phrasebook directories: TOML books, shops.toml and synonyms.toml → model + problems.

Loading never stops at a bad file: every problem becomes a :class:`Problem` naming the file
and line, and everything that could be read is kept.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .locations import RESERVED_FILES, bundled_data
from .model import Book, Phrase, Problem, Severity, Shop, Stage
from .sanitize import Cleaned, clean_line, clean_text
from .store import digest, has_comments
from .template import parse_cutoff, placeholder_issues

PHRASE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SHORTCUT_CODE = re.compile(r"^[!-~]+$")  # printable ASCII, no spaces
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_PHRASE_HEADER = re.compile(r"^\s*\[\[\s*phrase\s*\]\]")
_PHRASE_FIELDS = frozenset({"id", "title", "text", "keys", "tags", "stage", "variants", "note", "expires"})


@dataclass
class LoadResult:
    books: list[Book] = field(default_factory=list)
    shops: list[Shop] = field(default_factory=list)
    synonym_groups: list[tuple[str, ...]] = field(default_factory=list)
    stopwords: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# --- reading TOML ----------------------------------------------------------------------------


def read_toml(path: Path) -> tuple[dict[str, Any] | None, str, Problem | None]:
    """Parse one file: (data, raw text, problem). Data is None when the file cannot be read."""
    raw_bytes = _read_bytes(path)
    if isinstance(raw_bytes, Problem):
        return None, "", raw_bytes
    return parse_toml(path, raw_bytes)


def _read_bytes(path: Path) -> bytes | Problem:
    try:
        return path.read_bytes()
    except OSError as error:
        return Problem(path, 1, f"无法读取文件：{error.strerror or error}", code="io")


def parse_toml(path: Path, raw_bytes: bytes) -> tuple[dict[str, Any] | None, str, Problem | None]:
    try:
        raw = raw_bytes.decode("utf-8-sig")  # a BOM from Windows editors is harmless
    except UnicodeDecodeError as error:
        line = raw_bytes[: error.start].count(b"\n") + 1
        message = "文件不是 UTF-8 编码（可能是 GBK），请另存为 UTF-8"
        return None, "", Problem(path, line, message, code="encoding")
    try:
        return tomllib.loads(raw), raw, None
    except tomllib.TOMLDecodeError as error:
        text = str(error)
        position = _TOML_POSITION.search(text)
        line, column = (int(position.group(1)), int(position.group(2))) if position else (1, None)
        reason = _TOML_POSITION.sub("", text).strip()
        message = f"TOML 语法错误：{reason}"
        return None, raw, Problem(path, line, message, code="toml-syntax", column=column)


class _Lines:
    """Finds the line of a phrase's header and of a key inside it, for messages."""

    def __init__(self, raw: str) -> None:
        self.lines = raw.splitlines()
        self.headers = [i + 1 for i, text in enumerate(self.lines) if _PHRASE_HEADER.match(text)]

    def phrase(self, index: int) -> int:
        return self.headers[index] if index < len(self.headers) else 1

    def key(self, index: int, key: str) -> int:
        start = self.phrase(index)
        end = self.headers[index + 1] if index + 1 < len(self.headers) else len(self.lines) + 1
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range(start, end):
            if pattern.match(self.lines[number - 1]):
                return number
        return start

    def table(self, name: str) -> int:
        pattern = re.compile(rf"^\s*\[\s*{re.escape(name)}\s*\]")
        return next((i + 1 for i, text in enumerate(self.lines) if pattern.match(text)), 1)


# --- books ---------------------------------------------------------------------------------------


class _BookReader:
    """Validates one parsed book, collecting problems as it goes."""

    def __init__(self, path: Path, data: dict[str, Any], raw: str) -> None:
        self.path = path
        self.data = data
        self.lines = _Lines(raw)
        self.problems: list[Problem] = []

    def problem(
        self,
        line: int,
        message: str,
        code: str,
        *,
        phrase: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.problems.append(Problem(self.path, line, message, severity, code, phrase))

    def read(self) -> Book:
        header = self.data.get("book")
        book_line = self.lines.table("book")
        name, stage, description = self.path.stem, None, ""
        if not isinstance(header, dict):
            self.problem(1, "缺少 [book] 表（需要 name 和 stage）", "schema")
        else:
            name = self._book_text(header, "name", book_line) or name
            stage_value = header.get("stage")
            if stage_value is None:
                self.problem(book_line, "[book] 缺少 stage（pre-sale / in-sale / after-sale）", "schema")
            else:
                stage = self._stage(stage_value, book_line)
            description = self._book_text(header, "description", book_line, required=False)
        for key in self.data:
            if key not in ("book", "phrase"):
                self.problem(1, f"未知的顶层字段 {key!r}", "unknown-field", severity=Severity.WARNING)
        tables = self.data.get("phrase", [])
        if not isinstance(tables, list):
            self.problem(1, "phrase 必须写成 [[phrase]] 表数组", "schema")
            tables = []
        phrases = []
        for index, table in enumerate(tables):
            phrase = self._phrase(index, table, name, stage)
            if phrase is not None:
                phrases.append(phrase)
        return Book(name, stage or Stage.PRE_SALE, self.path, description, tuple(phrases))

    def _book_text(self, header: dict[str, Any], key: str, line: int, *, required: bool = True) -> str:
        value = header.get(key)
        if value is None:
            if required:
                self.problem(line, f"[book] 缺少 {key}", "schema")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(line, f"[book] 的 {key} 必须是非空字符串", "schema")
            return ""
        return self._clean(clean_line(value), line, None, f"[book] {key}")

    def _stage(self, value: Any, line: int, phrase: str | None = None) -> Stage | None:
        try:
            return Stage.parse(value) if isinstance(value, str) else Stage.parse(repr(value))
        except ValueError:
            self.problem(
                line,
                f"未知的阶段 {value!r}（可用 pre-sale / in-sale / after-sale）",
                "bad-stage",
                phrase=phrase,
            )
            return None

    def _clean(self, cleaned: Cleaned, line: int, phrase: str | None, what: str) -> str:
        if cleaned.removed:
            removed = "、".join(cleaned.removed)
            self.problem(
                line,
                f"{what} 中含有控制或不可见字符，已移除：{removed}",
                "removed-chars",
                phrase=phrase,
                severity=Severity.WARNING,
            )
        return cleaned.text

    def _phrase(self, index: int, table: Any, book: str, book_stage: Stage | None) -> Phrase | None:
        line = self.lines.phrase(index)
        if not isinstance(table, dict):
            self.problem(line, "[[phrase]] 必须是表", "schema")
            return None
        raw_id = table.get("id")
        phrase_id = raw_id if isinstance(raw_id, str) else None
        ok = True

        def fail(key: str, message: str, code: str = "schema") -> None:
            nonlocal ok
            ok = False
            self.problem(
                self.lines.key(index, key) if key in table else line, message, code, phrase=phrase_id
            )

        if raw_id is None:
            fail("id", "缺少 id")
        elif not isinstance(raw_id, str) or not PHRASE_ID.match(raw_id):
            fail("id", f"id {raw_id!r} 无效：只能用小写字母、数字和连字符，且以字母或数字开头", "bad-id")
        for key in table:
            if key not in _PHRASE_FIELDS:
                self.problem(
                    self.lines.key(index, key),
                    f"未知字段 {key!r}（会被忽略）",
                    "unknown-field",
                    phrase=phrase_id,
                    severity=Severity.WARNING,
                )

        def text_field(key: str, *, multiline: bool, required: bool) -> str:
            value = table.get(key)
            if value is None:
                if required:
                    fail(key, f"缺少 {key}")
                return ""
            if not isinstance(value, str):
                fail(key, f"{key} 必须是字符串")
                return ""
            cleaned = clean_text(value) if multiline else clean_line(value)
            text = self._clean(cleaned, self.lines.key(index, key), phrase_id, key)
            if required and not text.strip():
                fail(key, f"{key} 不能为空")
            return text

        def list_field(key: str, *, multiline: bool) -> tuple[str, ...]:
            value = table.get(key, [])
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                fail(key, f"{key} 必须是字符串列表")
                return ()
            cleaner = clean_text if multiline else clean_line
            items = [self._clean(cleaner(item), self.lines.key(index, key), phrase_id, key) for item in value]
            return tuple(item for item in items if item.strip())

        title = text_field("title", multiline=False, required=True)
        text = text_field("text", multiline=True, required=True)
        note = text_field("note", multiline=True, required=False)
        keys = list_field("keys", multiline=False)
        tags = list_field("tags", multiline=False)
        variants = list_field("variants", multiline=True)
        for key in keys:
            if not SHORTCUT_CODE.match(key):
                fail("keys", f"快捷编码 {key!r} 只能用英文字母、数字和符号（不含空格）", "bad-key")
        stage = book_stage
        if "stage" in table:
            stage = self._stage(table["stage"], self.lines.key(index, "stage"), phrase_id)
            ok = ok and stage is not None
        elif book_stage is None:
            fail("stage", "书和短语都没有指定阶段")
        expires = table.get("expires")
        if expires is not None:
            if isinstance(expires, dt.datetime):
                expires = expires.date()
            elif not isinstance(expires, dt.date):
                fail("expires", "expires 必须是 TOML 日期，例如 expires = 2026-11-12（不加引号）")
                expires = None
        if not ok or stage is None or phrase_id is None:
            return None
        for key, wording in [("text", text)] + [("variants", v) for v in variants]:
            self._check_placeholders(index, key, wording, phrase_id)
        return Phrase(
            id=phrase_id,
            title=title,
            text=text,
            stage=stage,
            book=book,
            keys=tuple(key.lower() for key in keys),
            tags=tags,
            variants=variants,
            note=note,
            expires=expires,
            source=self.path,
            line=line,
            field_lines=tuple((key, self.lines.key(index, key)) for key in table if key in _PHRASE_FIELDS),
        )

    def _check_placeholders(self, index: int, key: str, text: str, phrase_id: str) -> None:
        base = self.lines.key(index, key)
        for issue in placeholder_issues(text):
            # A multi-line string starts on the line after `text = """`; close enough for a pointer.
            line = base + text.count("\n", 0, issue.offset) if issue.is_error else base
            severity = Severity.ERROR if issue.is_error else Severity.WARNING
            self.problem(line, issue.message, issue.code, phrase=phrase_id, severity=severity)


def read_book(path: Path) -> tuple[Book | None, list[Problem]]:
    raw_bytes = _read_bytes(path)
    if isinstance(raw_bytes, Problem):
        return None, [raw_bytes]
    data, raw, problem = parse_toml(path, raw_bytes)
    if data is None:
        return None, [problem] if problem else []
    reader = _BookReader(path, data, raw)
    book = replace(reader.read(), sha256=digest(raw_bytes), has_comments=has_comments(raw))
    return book, reader.problems


# --- shops and synonyms --------------------------------------------------------------------------


def read_shops(path: Path) -> tuple[list[Shop], list[Problem]]:
    raw_bytes = _read_bytes(path)
    if isinstance(raw_bytes, Problem):
        return [], [raw_bytes]
    return parse_shops(path, raw_bytes)


def parse_shops(path: Path, raw_bytes: bytes) -> tuple[list[Shop], list[Problem]]:
    """Shops from the text of a shops.toml (the editor checks unsaved text with this)."""
    data, raw, problem = parse_toml(path, raw_bytes)
    if data is None:
        return [], [problem] if problem else []
    problems: list[Problem] = []
    headers = [i + 1 for i, text in enumerate(raw.splitlines()) if re.match(r"^\s*\[\[\s*shop\s*\]\]", text)]
    tables = data.get("shop", [])
    if not isinstance(tables, list):
        return [], [Problem(path, 1, "shop 必须写成 [[shop]] 表数组", code="schema")]
    shops: list[Shop] = []
    for index, table in enumerate(tables):
        line = headers[index] if index < len(headers) else 1
        values: dict[str, str] = {}
        for key, value in table.items():
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                problems.append(Problem(path, line, f"店铺字段 {key} 必须是字符串或数字", code="schema"))
                continue
            cleaned = clean_text(str(value))
            if cleaned.removed:
                problems.append(
                    Problem(
                        path, line, f"{key} 中的控制或不可见字符已移除", Severity.WARNING, "removed-chars"
                    )
                )
            values[key] = cleaned.text
        name = values.get("shop_name", "").strip()
        if not name:
            problems.append(Problem(path, line, "[[shop]] 缺少 shop_name", code="schema"))
            continue
        if "cutoff" in values and parse_cutoff(values["cutoff"]) is None:
            problems.append(
                Problem(
                    path,
                    line,
                    f'cutoff {values["cutoff"]!r} 不是 HH:MM 时间，例如 "16:00"',
                    code="bad-cutoff",
                )
            )
            del values["cutoff"]
        if any(shop.name == name for shop in shops):
            problems.append(
                Problem(path, line, f"店铺 {name!r} 重复出现", Severity.WARNING, "duplicate-shop")
            )
            continue
        shops.append(Shop(name, values))
    return shops, problems


def read_synonyms(path: Path) -> tuple[list[tuple[str, ...]], list[str], list[Problem]]:
    """``[[group]] words = ["发货", "寄出"]``: words that buyers and replies use for one thing;
    ``[stopwords]`` ``chars = "的了吗"``, ``words = ["怎么"]``: what says nothing in a pasted
    message."""
    data, _raw, problem = read_toml(path)
    if data is None:
        return [], [], [problem] if problem else []
    groups: list[tuple[str, ...]] = []
    problems: list[Problem] = []
    table = data.get("stopwords", {})
    table = table if isinstance(table, dict) else {}
    chars, words = table.get("chars", ""), table.get("words", [])
    if not isinstance(chars, str) or not isinstance(words, list):
        problems.append(Problem(path, 1, '[stopwords] 需要 chars = "..." 和 words = [...]', code="schema"))
        chars, words = "", []
    stopwords = [*chars, *(clean_line(word).text for word in words if isinstance(word, str))]
    for table in data.get("group", []):
        words = table.get("words") if isinstance(table, dict) else None
        if not isinstance(words, list) or not all(isinstance(word, str) for word in words):
            problems.append(Problem(path, 1, '[[group]] 需要 words = ["词1", "词2"]', code="schema"))
            continue
        cleaned = tuple(dict.fromkeys(clean_line(word).text for word in words if word.strip()))
        if len(cleaned) >= 2:
            groups.append(cleaned)
    return groups, stopwords, problems


# --- directories ------------------------------------------------------------------------------


def book_files(directory: Path) -> list[Path]:
    return sorted(path for path in directory.glob("*.toml") if path.name not in RESERVED_FILES)


def load_dirs(directories: Iterable[Path]) -> LoadResult:
    """Read every book, shop and synonym group in ``directories``, in order."""
    result = LoadResult()
    bundled_synonyms = bundled_data("synonyms.toml")
    if bundled_synonyms.is_file():
        groups, stopwords, problems = read_synonyms(bundled_synonyms)
        result.synonym_groups += groups
        result.stopwords += stopwords
        result.problems += problems
    for directory in directories:
        if not directory.is_dir():
            result.problems.append(Problem(directory, 1, "目录不存在", code="io"))
            continue
        for path in book_files(directory):
            book, problems = read_book(path)
            result.problems += problems
            if book is not None:
                result.books.append(book)
        if (shops_file := directory / "shops.toml").is_file():
            shops, problems = read_shops(shops_file)
            result.shops += [shop for shop in shops if all(s.name != shop.name for s in result.shops)]
            result.problems += problems
        if (synonyms_file := directory / "synonyms.toml").is_file():
            groups, stopwords, problems = read_synonyms(synonyms_file)
            result.synonym_groups += groups
            result.stopwords += stopwords
            result.problems += problems
    return result
