"""Read phrasebook directories: TOML books, shops.toml and synonyms.toml → model + problems.

Loading never stops at a bad file: every problem becomes a :class:`Problem` naming the file
and line, and everything that could be read is kept. What a valid phrase, book or shop is
lives in schema.py; this module only reads files and says where a finding is.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tomli

from . import schema
from .locations import RESERVED_FILES, bundled_data
from .model import Book, FieldLines, Phrase, Problem, Severity, Shop
from .sanitize import clean_line
from .store import digest, has_comments

# Kept here too: older code and tests import them from books.
PHRASE_ID = schema.PHRASE_ID
SHORTCUT_CODE = schema.SHORTCUT_CODE
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_PHRASE_HEADER = re.compile(r"^\s*\[\[\s*phrase\s*\]\]")


@dataclass
class LoadResult:
    books: list[Book] = field(default_factory=list)
    shops: list[Shop] = field(default_factory=list)
    synonym_groups: list[tuple[str, ...]] = field(default_factory=list)
    stopwords: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# --- reading TOML ----------------------------------------------------------------------------

# tomllib's messages, said in Chinese. The quoted part of a message (a key, a character) is
# kept as the parser printed it.
_TOML_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Unterminated string"), "字符串没有结束（缺少结尾的引号）"),
    (re.compile(r"^Expected '=' after a key"), "键后面缺少 =（每行应为 名称 = 值）"),
    (re.compile(r"^Invalid value"), "值无效（文字要加引号，例如 \"亲，在的\"）"),
    (re.compile(r"^Invalid statement"), "无法识别的语句（每行应为 名称 = 值，或 [表名]）"),
    (re.compile(r"^Invalid initial character for a key part"), "键名的第一个字符无效"),
    (re.compile(r"^Expected ']' at the end of a table"), "表头缺少结尾的 ]"),
    (re.compile(r"^Expected ']]' at the end of an array"), "[[phrase]] 表头缺少结尾的 ]]"),
    (re.compile(r"^Unclosed array"), "列表没有结束（缺少 ]，或项之间缺少逗号）"),
    (re.compile(r"^Unclosed inline table"), "内联表没有结束（缺少 }）"),
    (re.compile(r"^Unescaped '\\\\' in a string"), "字符串中有未转义的反斜杠 \\（写成 \\\\）"),
    (re.compile(r"^Invalid date or datetime"), "日期或时间无效（例如 2026-11-12）"),
    (re.compile(r"^Invalid hex value"), "转义 \\u 后的十六进制无效"),
    (re.compile(r"^Escaped character is not a Unicode scalar value"), "转义的字符无效"),
    (re.compile(r"^Cannot overwrite a value"), "同一个键写了两次"),
    (re.compile(r"^Cannot declare (.+) twice"), "{0} 声明了两次"),
    (re.compile(r"^Cannot (?:mutate immutable|redefine) namespace (.+)"), "不能再次定义 {0}"),
    (re.compile(r"^Duplicate inline table key (.+)"), "内联表中的键 {0} 重复"),
    (re.compile(r"^Found invalid character (.+)"), "无效字符 {0}"),
    (re.compile(r"^Illegal character '\\n'"), "字符串没有结束（缺少结尾的引号；多行文字用 \"\"\" 包起来）"),
    (re.compile(r"^Illegal character (.+)"), "字符串中有不允许的字符 {0}（控制字符要写成 \\u 转义）"),
    (re.compile(r"^Expected (.+)"), "这里应为 {0}"),
]


def toml_message(reason: str) -> str:
    """A tomllib error in Chinese; unknown ones keep the English after a Chinese lead-in."""
    for pattern, chinese in _TOML_MESSAGES:
        if match := pattern.match(reason):
            return chinese.replace("{0}", match.group(1)) if match.groups() else chinese
    return reason


def read_toml(path: Path) -> tuple[dict[str, Any] | None, str, Problem | None]:
    """Parse one file: (data, raw text, problem). Data is None when the file cannot be read."""
    raw_bytes = _read_bytes(path)
    if isinstance(raw_bytes, Problem):
        return None, "", raw_bytes
    return parse_toml(path, raw_bytes)


MAX_FILE_BYTES = 20 * 1024 * 1024
"""Larger files are not read. The biggest real book is well under 1 MB; a symlink to
/dev/zero or a misnamed video would otherwise fill the memory."""
MAX_FILE_LABEL = "20 MB"

_KINDS = (
    (stat.S_ISDIR, "文件夹"),
    (stat.S_ISFIFO, "管道（FIFO）"),
    (stat.S_ISCHR, "设备文件"),
    (stat.S_ISBLK, "设备文件"),
    (stat.S_ISSOCK, "套接字"),
)
_OS_REASONS = {
    errno.ENOENT: "文件不存在（或是指向不存在文件的链接）",
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.ELOOP: "链接指向自己（循环链接）",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EIO: "磁盘读取出错",
}


def os_reason(error: OSError) -> str:
    """An OSError said in Chinese (the English text only for rare errors)."""
    return _OS_REASONS.get(error.errno or 0) or error.strerror or str(error)


def _not_regular(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "特殊文件")


READER: ContextVar[Callable[[Path], bytes | Problem] | None] = ContextVar("reader", default=None)
"""Set by the library cache (cache.Snapshot) during a load: it reads each file itself, to
check that what is built is what its key says."""


def _read_bytes(path: Path) -> bytes | Problem:
    if (reader := READER.get()) is not None:
        return reader(path)
    return _read_file(path)


def _read_file(path: Path) -> bytes | Problem:
    """The bytes of a regular file of at most MAX_FILE_BYTES, or a Problem naming it.

    Reading a FIFO blocks forever and /dev/zero never ends, so only regular files are read
    (a symlink counts as what it points to). The type is checked on the open descriptor, not
    the name, so a file swapped for a FIFO in between cannot slip through; O_NONBLOCK keeps
    the open itself from waiting for a FIFO's writer."""

    def skipped(reason: str) -> Problem:
        return Problem(path, 1, f"{reason}，已跳过", code="io")

    try:
        before = os.stat(path)
        if (kind := _not_regular(before.st_mode)) is not None:
            return skipped(f"这是{kind}，不是普通文件")
        if before.st_size > MAX_FILE_BYTES:
            return skipped(f"文件太大（超过 {MAX_FILE_LABEL}），不像短语书")
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(descriptor, "rb") as file:
            if (kind := _not_regular(os.fstat(file.fileno()).st_mode)) is not None:
                return skipped(f"这是{kind}，不是普通文件")
            data = file.read(MAX_FILE_BYTES + 1)  # a file still growing is cut off here
    except OSError as error:
        return Problem(path, 1, f"无法读取文件：{os_reason(error)}", code="io")
    if len(data) > MAX_FILE_BYTES:
        return skipped(f"文件太大（超过 {MAX_FILE_LABEL}），不像短语书")
    return data


def parse_toml(path: Path, raw_bytes: bytes) -> tuple[dict[str, Any] | None, str, Problem | None]:
    try:
        raw = raw_bytes.decode("utf-8-sig")  # a BOM from Windows editors is harmless
    except UnicodeDecodeError as error:
        line = raw_bytes[: error.start].count(b"\n") + 1
        message = "文件不是 UTF-8 编码（可能是 GBK），请另存为 UTF-8"
        return None, "", Problem(path, line, message, code="encoding")
    try:
        # tomli is the parser tomllib was made from, shipped compiled (mypyc): the same
        # results and messages, 2-3x faster on big books.
        return tomli.loads(raw), raw, None
    except tomli.TOMLDecodeError as error:
        text = str(error)
        position = _TOML_POSITION.search(text)
        line, column = (int(position.group(1)), int(position.group(2))) if position else (1, None)
        reason = _TOML_POSITION.sub("", text).strip()
        message = f"TOML 语法错误：{toml_message(reason)}"
        return None, raw, Problem(path, line, message, code="toml-syntax", column=column)
    except RecursionError:
        return None, raw, Problem(path, 1, "TOML 嵌套太深，无法读取", code="toml-syntax")


# `key =`, `"key" =` or `'key' =` at the start of a line (a bare key, or a quoted one).
_KEY_LINE = re.compile(r"""^\s*(?:([A-Za-z0-9_-]+)|"([^"\\]*)"|'([^']*)')\s*=""")


class _Lines:
    """Finds the line of a phrase's header and of a key inside it, for messages."""

    def __init__(self, raw: str) -> None:
        self.lines = raw.splitlines()
        self.headers = [i + 1 for i, text in enumerate(self.lines) if _PHRASE_HEADER.match(text)]
        self._keys_of: tuple[int, dict[str, int]] = (-1, {})

    def phrase(self, index: int) -> int:
        return self.headers[index] if index < len(self.headers) else 1

    def key(self, index: int, key: str) -> int:
        return self.keys(index).get(key, self.phrase(index))

    def keys(self, index: int) -> dict[str, int]:
        """The line of each key in phrase ``index`` (the first, if repeated): one pass over
        its lines for all keys (at 100k replies, a scan per key was a fifth of `check`)."""
        if index >= len(self.headers):
            return {}
        if self._keys_of[0] == index:  # every finding and field of one reply asks in turn
            return self._keys_of[1]
        start = self.headers[index]
        end = self.headers[index + 1] if index + 1 < len(self.headers) else len(self.lines) + 1
        found: dict[str, int] = {}
        for number in range(start, end):
            if (match := _KEY_LINE.match(self.lines[number - 1])) is not None:
                name = next(group for group in match.groups() if group is not None)
                found.setdefault(name, number)
        self._keys_of = (index, found)
        return found

    def table(self, name: str) -> int:
        pattern = re.compile(rf"^\s*\[\s*{re.escape(name)}\s*\]")
        return next((i + 1 for i, text in enumerate(self.lines) if pattern.match(text)), 1)

    def table_key(self, name: str, key: str) -> int:
        start = self.table(name)
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range(start, len(self.lines) + 1):
            text = self.lines[number - 1]
            if number > start and re.match(r"^\s*\[", text):
                break
            if pattern.match(text):
                return number
        return start


# --- books ---------------------------------------------------------------------------------------


def _finding_line(lines: _Lines, index: int, table: dict[str, Any], finding: schema.Finding) -> int:
    if finding.field is None or finding.field not in table:
        return lines.phrase(index)
    line = lines.key(index, finding.field)
    value = table.get(finding.field)
    if finding.offset and isinstance(value, str):
        # A multi-line string starts on the line after `text = """`; close enough for a pointer.
        line += value.count("\n", 0, finding.offset)
    return line


def _read_book(path: Path, data: dict[str, Any], raw: str) -> tuple[Book | None, list[Problem]]:
    lines = _Lines(raw)
    problems: list[Problem] = []
    tables = data.get("phrase", [])
    header, findings = schema.check_book_header(data.get("book"), fallback_name=clean_line(path.stem).text)
    book_line = lines.table("book")
    count = len(tables) if isinstance(tables, list) else 0
    for finding in findings:
        line = lines.table_key("book", finding.field) if finding.field else book_line
        message = finding.message
        if header is None and finding.is_error:
            # Said once here, not once per reply ("no stage" 29 times helps nobody).
            message += f"；本书 {count} 条回复都未载入"
        problems.append(Problem(path, line, message, finding.severity, finding.code))
    if header is None:
        return None, problems
    for key in data:
        if key not in ("book", "phrase"):
            problems.append(
                Problem(path, 1, f"未知的顶层字段 {key!r}（保存时保留）", Severity.WARNING, "unknown-field")
            )
    if not isinstance(tables, list):
        problems.append(Problem(path, 1, "phrase 必须写成 [[phrase]] 表数组", code="schema"))
        tables = []
    phrases: list[Phrase] = []
    for index, table in enumerate(tables):
        if not isinstance(table, dict):
            problems.append(Problem(path, lines.phrase(index), "[[phrase]] 必须是表", code="schema"))
            continue
        fields, findings = schema.check_phrase(table, book_stage=header.stage)
        raw_id = table.get("id")
        label = raw_id if isinstance(raw_id, str) and schema.PHRASE_ID.match(raw_id) else None
        for finding in findings:
            line = _finding_line(lines, index, table, finding)
            problems.append(Problem(path, line, finding.message, finding.severity, finding.code, label))
        if fields is None:
            continue
        phrases.append(
            Phrase(
                id=fields.id,
                title=fields.title,
                text=fields.text,
                stage=fields.stage or header.stage,
                book=header.name,
                keys=fields.keys,
                tags=_shared(fields.tags),
                variants=fields.variants,
                note=fields.note,
                expires=fields.expires,
                starts=fields.starts,
                parts=fields.parts,
                source=path,
                line=lines.phrase(index),
                field_lines=FieldLines(
                    (key, lines.key(index, key)) for key in table if key in schema.PHRASE_FIELDS
                ),
            )
        )
    return Book(header.name, header.stage, path, header.description, tuple(phrases)), problems


_TAG_SETS: dict[tuple[str, ...], tuple[str, ...]] = {}


def _shared(tags: tuple[str, ...]) -> tuple[str, ...]:
    """One tuple for every reply with the same tags: a few hundred distinct sets among 100k
    replies, else 12 MB of copies (and as many again in the library cache)."""
    if len(_TAG_SETS) > 100_000:
        _TAG_SETS.clear()
    return _TAG_SETS.setdefault(tags, tuple(sys.intern(tag) for tag in tags))


def read_book(path: Path) -> tuple[Book | None, list[Problem]]:
    raw_bytes = _read_bytes(path)
    if isinstance(raw_bytes, Problem):
        return None, [raw_bytes]
    data, raw, problem = parse_toml(path, raw_bytes)
    if data is None:
        return None, [problem] if problem else []
    book, problems = _read_book(path, data, raw)
    if book is not None:
        book = replace(book, sha256=digest(raw_bytes), has_comments=has_comments(raw))
    return book, problems


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
    lines = raw.splitlines()
    for index, table in enumerate(tables):
        line = headers[index] if index < len(headers) else 1
        block = (line, headers[index + 1] if index + 1 < len(headers) else len(lines) + 1)
        values, findings = schema.check_shop(table)
        calendar, calendar_findings = schema.check_calendar(table) if isinstance(table, dict) else (None, [])
        problems += [
            Problem(path, _shop_line(lines, block, f.field, f.item) or line, f.message, f.severity, f.code)
            for f in [*findings, *calendar_findings]
        ]
        if values is None:
            continue
        name = values[schema.SHOP_NAME]
        if any(shop.name == name for shop in shops):
            problems.append(
                Problem(path, line, f"店铺 {name!r} 重复出现", Severity.WARNING, "duplicate-shop")
            )
            continue
        shops.append(Shop(name, values, calendar) if calendar is not None else Shop(name, values))
    return shops, problems


def _shop_line(lines: list[str], block: tuple[int, int], field: str | None, item: int | None) -> int | None:
    """The line of ``field`` inside one ``[[shop]]`` (lines ``block[0]`` up to ``block[1]``):
    for the n-th ``closed`` range, the line of its n-th ``from`` when the ranges are written
    one a line. None when it cannot be found (the header line is used)."""
    if field is None:
        return None
    first, stop = block
    key = re.compile(rf"^\s*{re.escape(field)}\s*=")
    start = next((n for n in range(first, min(stop, len(lines) + 1)) if key.match(lines[n - 1])), None)
    if start is None or item is None or field != "closed":
        return start
    ends = range(start, min(stop, len(lines) + 1))
    ranges = [n for n in ends for _ in re.findall(r"\bfrom\s*=", lines[n - 1])]
    return ranges[item] if item < len(ranges) else start


def clean_words(words: Iterable[str]) -> list[str]:
    """Words from a user's file, cleaned, without the ones that clean to nothing.

    Filtered after cleaning, not before: a zero-width space is not blank to ``strip()`` but
    cleans to "", and ``text.find("")`` matches everywhere (a search loop advancing by the
    word's length never ends)."""
    return [word for word in dict.fromkeys(clean_line(word).text for word in words) if word]


def table_lines(raw: str, name: str) -> list[int]:
    """Line numbers of the ``[[name]]`` headers in a TOML text, in order."""
    header = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
    return [number for number, text in enumerate(raw.splitlines(), 1) if header.match(text)]


def read_synonyms(path: Path) -> tuple[list[tuple[str, ...]], list[str], list[Problem]]:
    """``[[group]] words = ["发货", "寄出"]``: words that buyers and replies use for one thing;
    ``[stopwords]`` ``chars = "的了吗"``, ``words = ["怎么"]``: what says nothing in a pasted
    message. Anything of the wrong shape is a finding for this file; the rest is kept."""
    data, raw, problem = read_toml(path)
    if data is None:
        return [], [], [problem] if problem else []
    groups: list[tuple[str, ...]] = []
    problems: list[Problem] = []
    table = data.get("stopwords", {})
    if not isinstance(table, dict):
        problems.append(Problem(path, 1, "stopwords 必须写成 [stopwords] 表", code="schema"))
        table = {}
    chars, words = table.get("chars", ""), table.get("words", [])
    if not isinstance(chars, str) or not isinstance(words, list):
        problems.append(Problem(path, 1, '[stopwords] 需要 chars = "..." 和 words = [...]', code="schema"))
        chars, words = "", []
    stopwords = clean_words([*clean_line(chars).text, *(word for word in words if isinstance(word, str))])
    tables = data.get("group", [])
    if not isinstance(tables, list):
        message = 'group 必须写成 [[group]] 表数组，每组 words = ["词1", "词2"]'
        problems.append(Problem(path, 1, message, code="schema"))
        tables = []
    headers = table_lines(raw, "group")
    for index, table in enumerate(tables):
        line = headers[index] if index < len(headers) else 1
        words = table.get("words") if isinstance(table, dict) else None
        if not isinstance(words, list) or not all(isinstance(word, str) for word in words):
            problems.append(Problem(path, line, '[[group]] 需要 words = ["词1", "词2"]', code="schema"))
            continue
        cleaned = tuple(clean_words(words))
        if len(cleaned) >= 2:
            groups.append(cleaned)
    return groups, stopwords, problems


# --- directories ------------------------------------------------------------------------------


def _toml_names(directory: Path) -> list[str]:
    """The ``*.toml`` names in a directory, sorted. Raises OSError when it cannot be listed
    (``Path.glob`` would say nothing and find no books)."""
    with os.scandir(directory) as entries:
        return sorted(entry.name for entry in entries if fnmatch.fnmatch(entry.name, "*.toml"))


def book_files(directory: Path) -> list[Path]:
    return [directory / name for name in _toml_names(directory) if name not in RESERVED_FILES]


def load_dirs(directories: Iterable[Path]) -> LoadResult:
    """Read every book, shop and synonym group in ``directories``, in order. A directory
    that cannot be read is one finding; the others load."""
    result = LoadResult()
    bundled_synonyms = bundled_data("synonyms.toml")
    if bundled_synonyms.is_file():
        groups, stopwords, problems = read_synonyms(bundled_synonyms)
        result.synonym_groups += groups
        result.stopwords += stopwords
        result.problems += problems
    for directory in directories:
        try:
            names = _toml_names(directory)
        except FileNotFoundError:
            result.problems.append(Problem(directory, 1, "目录不存在", code="io"))
            continue
        except NotADirectoryError:
            message = "不是文件夹（-d 要给短语书所在的文件夹）"
            result.problems.append(Problem(directory, 1, message, code="io"))
            continue
        except OSError as error:
            message = f"无法读取文件夹：{os_reason(error)}；其中的短语书都未载入"
            result.problems.append(Problem(directory, 1, message, code="io"))
            continue
        for name in names:
            if name in RESERVED_FILES:
                continue
            book, problems = read_book(directory / name)
            result.problems += problems
            if book is not None:
                result.books.append(book)
        # Reserved files are read whatever they are (a FIFO is reported, not passed over).
        if "shops.toml" in names:
            shops, problems = read_shops(directory / "shops.toml")
            result.shops += [shop for shop in shops if all(s.name != shop.name for s in result.shops)]
            result.problems += problems
        if "synonyms.toml" in names:
            groups, stopwords, problems = read_synonyms(directory / "synonyms.toml")
            result.synonym_groups += groups
            result.stopwords += stopwords
            result.problems += problems
    return result
