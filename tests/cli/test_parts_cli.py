"""Sequences (``parts``) through the command line: render, export and import."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import quickreply

from .test_cli import run

BOOK = """[book]
name = "售后"
stage = "after-sale"

[[phrase]]
id = "steps"
title = "分段"
parts = [
    "亲，非常抱歉",
    "订单 {order_no} 已记下",
    "{shop_name} 马上补发 =1+1",
]
keys = ["fd"]
tags = ["破损"]

[[phrase]]
id = "plain"
title = "普通"
text = "亲，好的"
keys = ["pt"]
"""


@pytest.fixture
def books(tmp_path: Path) -> Path:
    directory = tmp_path / "books"
    directory.mkdir()
    (directory / "a.toml").write_text(BOOK, encoding="utf-8")
    (directory / "shops.toml").write_text('[[shop]]\nshop_name = "甲店"\n', encoding="utf-8")
    return directory


def sequences(library: quickreply.Library) -> dict[str, tuple[str, ...]]:
    return {phrase.id: phrase.parts for phrase in library.phrases}


def test_render_prints_every_part_between_separator_lines(books: Path) -> None:
    result = run("-d", str(books), "render", "steps", "--set", "order_no=88")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "亲，非常抱歉\n---\n订单 88 已记下\n---\n甲店 马上补发 =1+1\n"
    part = run("-d", str(books), "render", "steps", "--set", "order_no=88", "--part", "2")
    assert part.returncode == 0 and part.stdout == "订单 88 已记下\n"


def test_render_asks_for_the_values_of_every_part(books: Path) -> None:
    result = run("-d", str(books), "render", "steps", "--part", "1")
    assert result.returncode == 1 and result.stdout == ""
    assert "order_no" in result.stderr  # part 1 needs nothing, but the sequence does


@pytest.mark.parametrize("part", ["0", "4"])
def test_render_part_out_of_range_is_explained(books: Path, part: str) -> None:
    result = run("-d", str(books), "render", "steps", "--set", "order_no=1", "--part", part)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--part 应在 1 到 3 之间" in result.stderr


@pytest.mark.parametrize("fmt", ["toml", "json", "csv", "xlsx"])
def test_export_import_round_trip_keeps_parts(fmt: str, books: Path, tmp_path: Path) -> None:
    exported = tmp_path / f"out.{fmt}"
    assert run("export", "-d", str(books), "-o", str(exported)).returncode == 0
    target = tmp_path / "empty"
    target.mkdir()
    imported = run("import", str(exported), "-d", str(target))
    assert imported.returncode == 0, imported.stderr
    library = quickreply.load(target)
    assert library.problems == []
    assert sequences(library) == sequences(quickreply.load(books))
    assert library.phrase("steps").parts[2] == "{shop_name} 马上补发 =1+1"
    again = run("import", str(exported), "-d", str(target), "--dry-run")
    assert again.stdout and all(line.startswith("相同") for line in again.stdout.splitlines())


def test_csv_holds_a_sequence_in_one_cell(books: Path) -> None:
    result = run("export", "-d", str(books), "-o", "-", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert rows[0]["快捷短语"] == "亲，非常抱歉\n---\n订单 {order_no} 已记下\n---\n{shop_name} 马上补发 =1+1"
    assert rows[1]["快捷短语"] == "亲，好的"


def test_a_workbench_sheet_with_separator_lines_imports_as_parts(tmp_path: Path) -> None:
    sheet = tmp_path / "in.csv"
    cells = 'ab,"亲，在的\r\n---\r\n请问有什么可以帮您"\ncd,单独一条\n'
    sheet.write_text("快捷编码,快捷短语\n" + cells, encoding="utf-8")
    target = tmp_path / "t"
    target.mkdir()
    assert run("import", str(sheet), "-d", str(target)).returncode == 0
    library = quickreply.load(target)
    assert [phrase.parts for phrase in library.phrases] == [("亲，在的", "请问有什么可以帮您"), ()]


def test_a_bundle_with_bad_parts_reports_the_row(tmp_path: Path) -> None:
    bundle = tmp_path / "b.json"
    bundle.write_text(
        '{"book": [{"name": "x", "stage": "售后", "phrase": ['
        '{"id": "one", "title": "一", "parts": ["只有一段"]},'
        '{"id": "two", "title": "二", "parts": ["一", "二"], "variants": ["三"]},'
        '{"id": "three", "title": "三", "parts": ["一", "二"], "text": "一二"},'
        '{"id": "ok", "title": "好", "parts": ["一", "二"]}]}]}',
        encoding="utf-8",
    )
    target = tmp_path / "t"
    target.mkdir()
    result = run("import", str(bundle), "-d", str(target))
    assert result.returncode == 0, result.stderr
    assert "2 到 20 段" in result.stdout + result.stderr
    assert "不能有其他说法" in result.stdout + result.stderr
    assert "text 和 parts 只能写一个" in result.stdout + result.stderr
    assert sequences(quickreply.load(target)) == {"ok": ("一", "二")}


def test_handbooks_and_sogou_show_parts_without_placeholders(books: Path) -> None:
    md = run("export", "-d", str(books), "-o", "-", "--format", "md").stdout
    assert "分 3 段发送：" in md and "第 2 段：" in md and "> 订单 【订单号】 已记下" in md
    html = run("export", "-d", str(books), "-o", "-", "--format", "html").stdout
    assert '<ol class="parts">' in html and html.count("<li><div") == 3
    assert "{" not in md.split("## 售后", 1)[1] and "{order_no}" not in html
    sogou = run("export", "-d", str(books), "-o", "-", "--format", "sogou")
    assert "steps（需要填写：订单号）" in sogou.stderr  # a per-chat value: left out, as for text
    assert "pt,1=亲，好的" in sogou.stdout
