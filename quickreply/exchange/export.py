"""Export phrases to toml/json bundles, csv/xlsx sheets, an input-method phrase file and a
printable handbook (md/html)."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import tomli_w

from ..calendar import calendar_table
from ..labels import chinese_name
from ..model import Book, Phrase, Shop, Stage
from ..sanitize import escape_in_quoted, json_text, visible
from ..schema import parts_text
from ..store import phrase_table
from ..template import MalformedTemplateError, MissingValuesError, Slot, builtin_values, parse, render
from .rows import COLUMNS, phrase_row
from .textfiles import neutralise

FORMATS = ("toml", "json", "csv", "xlsx", "sogou", "md", "html")


@dataclass
class Exported:
    data: bytes
    count: int
    left_out: list[str] = field(default_factory=list)
    """Ids of replies not exported, with the reason (sogou: no code or a per-chat value)."""
    notes: list[str] = field(default_factory=list)
    """Replies exported with a change the target needs (sogou: ; and # at a line start)."""
    dates: str = ""
    """When built-in dates (today, ship_day …) were computed, if any was filled in (sogou,
    md, html freeze them at export)."""


class _Dates(Mapping[str, str]):
    """The built-in values (today, ship_day …) at export time, noting whether any was used:
    a handbook or an IME phrase file freezes them, so it must say when they were computed."""

    def __init__(self, now: dt.datetime, shop: Shop | None) -> None:
        self.now = now
        self.builtins = builtin_values(now, None, shop.calendar if shop else None)
        self.used = False

    def __getitem__(self, name: str) -> str:
        value = self.builtins[name]
        self.used = True
        return value

    def __contains__(self, name: object) -> bool:
        return name in self.builtins

    def __iter__(self) -> Iterator[str]:
        return iter(self.builtins)

    def __len__(self) -> int:
        return len(self.builtins)

    def note(self) -> str:
        """``日期按 2026-11-23 14:32 计算…``, or "" when no date was filled in."""
        if not self.used:
            return ""
        frozen = "今天、发货日等在导出时已固定，不会自动更新，请按时重新导出"
        return f"日期按 {self.now:%Y-%m-%d %H:%M} 计算（{frozen}）"


def _handbook_label(name: str) -> str:
    """How a handbook shows a value it cannot fill: 【订单号】, never a raw {order_no}."""
    return chinese_name(name) or name


def _fill(text: str, shop: Shop | None, dates: _Dates | None = None) -> str | tuple[str, ...]:
    """The text with the shop's values (or a placeholder's own default) filled in, or the names
    still missing: an input-method phrase is typed as it is, so nothing may stay open. With
    ``dates``, built-in dates are filled as of export time."""
    try:
        return render(text, [("shop", shop.values if shop else {}), ("builtin", dates or {})]).text
    except MissingValuesError as error:
        return error.names
    except MalformedTemplateError:
        return ("格式错误的占位符",)


def _fill_keeping(
    text: str, shop: Shop | None, *, for_people: bool = False, dates: _Dates | None = None
) -> str:
    """Fill what the shop knows and keep per-chat placeholders. The result is still a valid
    template (literal braces doubled), unless ``for_people``: then braces are shown as written
    and what is still open reads 【订单号】 (or the placeholder's default)."""
    if shop is None and not for_people:
        return text

    def literal(piece: str) -> str:
        return piece if for_people else piece.replace("{", "{{").replace("}", "}}")

    pieces = []
    for part in parse(text).parts:
        if isinstance(part, Slot):
            value = shop.values.get(part.name) if shop else None
            if value is None and dates is not None and part.name in dates:
                value = dates[part.name]
            if value is not None:
                pieces.append(literal(value))
            elif not for_people:
                pieces.append(text[part.start : part.end])
            elif part.default is not None:
                pieces.append(part.default)
            else:
                pieces.append(f"【{_handbook_label(part.name)}】")
        else:
            pieces.append(literal(part))
    return "".join(pieces)


def _readable(text: str, shop: Shop | None, dates: _Dates | None = None) -> str:
    return _fill_keeping(text, shop, for_people=True, dates=dates)


def _bundle(
    books: Sequence[Book], phrases: Sequence[Phrase], shops: Sequence[Shop], shop: Shop | None
) -> dict[str, Any]:
    chosen = {phrase.id for phrase in phrases}
    out_books = []
    for book in books:
        tables = []
        for phrase in book.phrases:
            if phrase.id in chosen:
                table = phrase_table(phrase, book.stage)
                if phrase.parts:
                    table["parts"] = [_fill_keeping(part, shop) for part in phrase.parts]
                else:
                    table["text"] = _fill_keeping(phrase.text, shop)
                if phrase.variants:
                    table["variants"] = [_fill_keeping(v, shop) for v in phrase.variants]
                tables.append(table)
        if tables:
            header: dict[str, Any] = {"name": book.name, "stage": book.stage.value}
            if book.description:
                header["description"] = book.description
            out_books.append({**header, "phrase": tables})
    return {
        "bundle": {"format": "quickreply", "version": 1},
        "book": out_books,
        "shop": [{**s.values, **calendar_table(s.calendar)} for s in shops],
    }


def export(
    books: Sequence[Book],
    phrases: Sequence[Phrase],
    shops: Sequence[Shop],
    fmt: str,
    shop: Shop | None = None,
    now: dt.datetime | None = None,
) -> Exported:
    """``now``: when dates are computed for the formats people read or type (sogou, md,
    html), which freeze them and say so; the other formats keep ``{today}`` etc. live."""
    dates = _Dates(now or dt.datetime.now(), shop)
    if fmt == "toml":
        text = tomli_w.dumps(_bundle(books, phrases, shops, shop), multiline_strings=True)
        # shops.toml key names are not cleaned at load: escape what could act on a terminal.
        return Exported(escape_in_quoted(text, toml=True).encode(), len(phrases))
    if fmt == "json":
        bundle = _bundle(books, phrases, shops, shop)
        for book in bundle["book"]:
            for table in book["phrase"]:
                for name in ("starts", "expires"):
                    if name in table:
                        table[name] = table[name].isoformat()
        for shop_table in bundle["shop"]:  # JSON has no dates: closed ranges as 2027-02-03
            for closure in shop_table.get("closed", []):
                closure["from"], closure["to"] = closure["from"].isoformat(), closure["to"].isoformat()
        return Exported(json_text(bundle).encode() + b"\n", len(phrases))
    rows = [
        phrase_row(
            p,
            parts_text([_fill_keeping(part, shop) for part in p.segments]),
            tuple(_fill_keeping(v, shop) for v in p.variants),
        )
        for p in phrases
    ]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        # A cell starting with = + - @ is a formula when a lead opens the sheet; the importer
        # takes the added apostrophe off again (textfiles.neutralise / restore).
        writer.writerows({column: neutralise(value) for column, value in row.items()} for row in rows)
        return Exported(buffer.getvalue().encode("utf-8-sig"), len(rows))  # BOM: Excel shows Chinese
    if fmt == "xlsx":
        return Exported(_xlsx(rows), len(rows))
    # What agents type or read from a frozen file: only replies shown on the export day. A
    # 预售 reply before its `starts`, or one past `expires`, would be sent from there anyway.
    today = dates.now.date()
    day = today.isoformat()
    hidden = [f"{p.id}（{_window(p)}，{day} 不在其中）" for p in phrases if not p.is_shown(today)]
    shown = [p for p in phrases if p.is_shown(today)]
    if fmt == "sogou":
        exported = _sogou(shown, shop, dates)
    elif fmt == "md":
        exported = Exported(_markdown(shown, shop, dates).encode(), len(shown), dates=dates.note())
    elif fmt == "html":
        exported = Exported(_html(shown, shop, dates).encode(), len(shown), dates=dates.note())
    else:
        raise ValueError(fmt)
    exported.left_out[:0] = hidden
    return exported


def _window(phrase: Phrase) -> str:
    starts = phrase.starts.isoformat() if phrase.starts else ""
    expires = phrase.expires.isoformat() if phrase.expires else ""
    return f"{starts or '…'} 至 {expires or '…'} 可用"


def _xlsx(rows: list[dict[str, str]]) -> bytes:
    from openpyxl import Workbook  # deferred: only this format needs it

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "快捷短语"
    sheet.append(list(COLUMNS))
    for row in rows:
        # Text cells only: a value starting with = must never become a formula. Control
        # characters are shown as escapes: openpyxl refuses most of them (IllegalCharacterError).
        sheet.append([visible(row[column], newlines=True) for column in COLUMNS])
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# A line like `ok,1=…` starts a new phrase, even inside a multi-line one.
_SOGOU_ENTRY = re.compile(r"^[A-Za-z]+,-?\d+=")


def _sogou_text(text: str) -> tuple[str, list[str]]:
    """The text as Sogou's PhraseEdit.txt must hold it, and what had to change. The format has
    no escape: a text starting with `#` is a time expression (`#$year年`), a line starting with
    `;` inside a multi-line phrase is a comment to some readers, and a line shaped `code,1=`
    starts a new phrase. Each gets its full-width twin (＃ ； ，), which reads the same to a
    buyer and means nothing to the input method."""
    changes: list[str] = []
    lines = text.split("\n")
    if lines[0].startswith("#"):
        lines[0] = "＃" + lines[0][1:]
        changes.append("开头的 # 改为 ＃")
    if len(lines) > 1:
        for number, line in enumerate(lines):
            if line.startswith(";"):
                lines[number] = "；" + line[1:]
                changes.append("行首的 ; 改为 ；")
            elif _SOGOU_ENTRY.match(line):
                lines[number] = line.replace(",", "，", 1)
                changes.append("形如 编码,1= 的行改用全角逗号")
    return "\n".join(lines), list(dict.fromkeys(changes))


def _sogou(phrases: Sequence[Phrase], shop: Shop | None, dates: _Dates) -> Exported:
    """Sogou's custom phrases (``code,position=phrase``; a multi-line phrase is ``code,1=``
    with the text on the following lines), also read by fcitx and others. Only replies with
    shortcut codes of letters (digits pick candidates while typing); shop values filled;
    replies that still need a value (per chat, or the shop's when there is no shop) left out."""
    lines = ["; quickreply 导出的自定义短语：输入快捷编码即可上屏", ""]
    left_out: list[str] = []
    notes: list[str] = []
    count = 0
    for phrase in phrases:
        if not phrase.keys:
            continue
        filled = _fill(phrase.text, shop, dates)
        if isinstance(filled, tuple):
            names = "、".join(_handbook_label(name) for name in filled)
            left_out.append(f"{phrase.id}（需要填写：{names}）")
            continue
        text, changes = _sogou_text(filled.strip("\n"))
        if changes:
            notes.append(f"{phrase.id}：{'；'.join(changes)}（搜狗没有转义写法）")
        for key in phrase.keys:
            if not (key.isascii() and key.isalpha()):
                left_out.append(f"{phrase.id} 的编码 {key}（含数字或符号，搜狗只认字母；其他编码照常导出）")
                continue
            lines.append(f"{key},1={text}" if "\n" not in text else f"{key},1=\n{text}")
            count += 1
    if note := dates.note():
        lines[1:1] = [f"; {note}"]
    return Exported(("\n".join(lines) + "\n").encode("utf-8"), count, left_out, notes, note)


def _grouped(phrases: Sequence[Phrase]) -> list[tuple[Stage, list[tuple[str, list[Phrase]]]]]:
    result = []
    for stage in Stage:
        books: dict[str, list[Phrase]] = {}
        for phrase in phrases:
            if phrase.stage is stage:
                books.setdefault(phrase.book, []).append(phrase)
        if books:
            result.append((stage, list(books.items())))
    return result


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!])")


def _md(text: str) -> str:
    """Phrase text is data: `<script>`, `**粗体**` or `[链接](…)` show as written, not as markup."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _markdown(phrases: Sequence[Phrase], shop: Shop | None, dates: _Dates) -> str:
    out = ["# 客服快捷回复手册", "", "## 目录", ""]
    groups = _grouped(phrases)
    for stage, books in groups:
        out.append(f"- {stage.label}")
        out += [f"  - {_md(name)}（{len(items)} 条）" for name, items in books]
    for stage, books in groups:
        out += ["", f"## {stage.label}"]
        for name, items in books:
            out += ["", f"### {_md(name)}"]
            for phrase in items:
                keys = f"（快捷编码：{_md(' / '.join(phrase.keys))}）" if phrase.keys else ""
                out += ["", f"#### {_md(phrase.title)}{keys}", ""]
                if phrase.parts:
                    # A sequence: each message on its own, numbered, as the agent sends them.
                    out.append(f"分 {len(phrase.parts)} 段发送：")
                for number, part in enumerate(phrase.segments, 1):
                    if phrase.parts:
                        out += ["", f"第 {number} 段：", ""]
                    lines = _md(_readable(part, shop, dates)).split("\n")
                    out += [f"> {line}" if line else ">" for line in lines]
                for variant in phrase.variants:
                    out += ["", "另一种说法：", ""] + [
                        f"> {line}" for line in _md(_readable(variant, shop, dates)).split("\n")
                    ]
    if note := dates.note():
        out[1:1] = ["", f"> {_md(note)}"]
    return "\n".join(out) + "\n"


_CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;max-width:52rem;
margin:2rem auto;padding:0 1rem;color:#222;line-height:1.6}
h1{border-bottom:3px solid #c0392b}h2{margin-top:2.5rem;color:#c0392b}h3{color:#555}
.reply{border:1px solid #ddd;border-radius:8px;padding:.6rem 1rem;margin:1rem 0;break-inside:avoid}
.reply h4{margin:.2rem 0}.code{font-family:monospace;background:#f4f4f4;padding:0 .3rem;border-radius:4px}
.text{white-space:pre-wrap;background:#fafafa;padding:.5rem;border-left:3px solid #c0392b}
nav ul{columns:2}@media print{nav{display:none}}
"""


def _html(phrases: Sequence[Phrase], shop: Shop | None, dates: _Dates) -> str:
    escape = html.escape
    out = [
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">',
        "<title>客服快捷回复手册</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>客服快捷回复手册</h1>",
        "<nav><h2>目录</h2><ul>",
    ]
    groups = _grouped(phrases)
    for stage, books in groups:
        for name, items in books:
            out.append(
                f'<li><a href="#{escape(stage.value)}-{escape(name)}">{stage.label} · {escape(name)}'
                f"（{len(items)} 条）</a></li>"
            )
    out.append("</ul></nav>")
    for stage, books in groups:
        out.append(f"<h2>{stage.label}</h2>")
        for name, items in books:
            out.append(f'<h3 id="{escape(stage.value)}-{escape(name)}">{escape(name)}</h3>')
            for phrase in items:
                keys = "".join(f' <span class="code">{escape(key)}</span>' for key in phrase.keys)
                out.append(f'<div class="reply"><h4>{escape(phrase.title)}{keys}</h4>')
                if phrase.parts:
                    out.append(f'<p>分 {len(phrase.parts)} 段发送：</p><ol class="parts">')
                    out += [
                        f'<li><div class="text">{escape(_readable(part, shop, dates))}</div></li>'
                        for part in phrase.parts
                    ]
                    out.append("</ol>")
                else:
                    out.append(f'<div class="text">{escape(_readable(phrase.text, shop, dates))}</div>')
                for variant in phrase.variants:
                    shown = escape(_readable(variant, shop, dates))
                    out.append(f'<p>另一种说法：</p><div class="text">{shown}</div>')
                out.append("</div>")
    if note := dates.note():
        out.insert(4, f'<p class="frozen">{escape(note)}</p>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"
