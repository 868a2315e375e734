"""Export and import, run as a user's scripts would: round trips, content-only sheets, bad rows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import quickreply
from quickreply.locations import bundled_phrasebooks

from .test_cli import run


def essence(library: quickreply.Library) -> dict[str, tuple]:
    return {
        p.id: (p.title, p.text, p.stage, p.book, p.keys, p.tags, p.variants, p.note, p.expires, p.starts)
        for p in (replace(p, source=None, line=0, field_lines=()) for p in library.phrases)
    }


HOSTILE = '''[book]
name = "外来[/b]"
stage = "after-sale"

[[phrase]]
id = "hostile"
title = "满100减20[/活动] \\"引号\\""
text = """第一行 \\\\ 反斜杠
带 \\"\\"\\" 三引号  和尾随空格\\u0020\\u0020
{shop_name} 😀 {{字面}}，逗号,分号;"""
keys = ["h1"]
tags = ["a,b", "c、d"]
variants = ["=1+1 不是公式", "第二\\n行"]
note = "备注"
starts = 2026-12-20
expires = 2027-01-01
'''


@pytest.mark.parametrize("fmt", ["toml", "json", "csv", "xlsx"])
@pytest.mark.parametrize("source", ["bundled", "hostile"])
def test_export_import_round_trip(fmt: str, source: str, tmp_path: Path) -> None:
    if source == "bundled":
        books = bundled_phrasebooks()
    else:
        books = tmp_path / "hostile"
        books.mkdir()
        (books / "h.toml").write_text(HOSTILE, encoding="utf-8")
    exported = tmp_path / f"out.{fmt}"
    result = run("export", "-d", str(books), "-o", str(exported))
    assert result.returncode == 0, result.stderr
    target = tmp_path / "empty"
    target.mkdir()
    imported = run("import", str(exported), "-d", str(target))
    assert imported.returncode == 0, imported.stderr
    assert essence(quickreply.load(target)) == essence(quickreply.load(books))
    if fmt in ("toml", "json"):  # bundles carry the shops too
        assert quickreply.load(target).shops == quickreply.load(books).shops
    again = run("import", str(exported), "-d", str(target), "--dry-run")
    assert all(line.startswith("相同") for line in again.stdout.splitlines())


def test_content_only_sheet_and_bad_rows(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "短语内容\n亲，可以开发票的，请备注抬头。\n\n亲，{a.b}坏了\n亲，本店发中通快递哦\n   \n",
        encoding="utf-8-sig",
    )
    target = tmp_path / "books"
    target.mkdir()
    result = run("import", str(sheet), "-d", str(target), "--book", "导入的")
    assert result.returncode == 0, result.stderr
    assert "第 4 行" in result.stderr and "占位符" in result.stderr
    library = quickreply.load(target)
    assert [(p.id, p.title) for p in library.phrases] == [
        ("ke-yi-kai-fa-piao-de", "可以开发票的"),
        ("ben-dian-fa-zhong-tong-kuai", "本店发中通快递哦"),
    ]
    assert library.phrases[0].book == "导入的"


def test_conflicts_need_replace(tmp_path: Path) -> None:
    target = tmp_path / "books"
    target.mkdir()
    (target / "a.toml").write_text(
        '[book]\nname = "A"\nstage = "in-sale"\n\n'
        '[[phrase]]\nid = "x"\ntitle = "旧"\ntext = "旧内容"\nkeys = ["k"]\n',
        encoding="utf-8",
    )
    sheet = tmp_path / "in.csv"
    sheet.write_text(
        "分组,快捷编码,快捷短语,id\nA,,新内容,x\nB,k,另一条,y\nB,,全新的,z\n", encoding="utf-8-sig"
    )
    plan = run("import", str(sheet), "-d", str(target), "--dry-run")
    assert plan.stdout.splitlines()[0].startswith("冲突\tx")
    assert plan.stdout.splitlines()[1].startswith("冲突\ty") and "快捷编码 k" in plan.stdout
    assert plan.stdout.splitlines()[2].startswith("新增\tz")
    run("import", str(sheet), "-d", str(target))
    library = quickreply.load(target)
    assert library.phrase("x").text == "旧内容" and "y" not in essence(library)
    run("import", str(sheet), "-d", str(target), "--replace")
    library = quickreply.load(target)
    assert library.phrase("x").text == "新内容" and library.phrase("y").keys == ("k",)
    assert library.phrase("x").keys == ()  # the code moved to y


def test_sogou_and_handbook_exports(tmp_path: Path) -> None:
    books = str(bundled_phrasebooks())
    sogou = run("export", "-d", books, "-o", "-", "--format", "sogou", "--shop", "青禾家居旗舰店")
    lines = sogou.stdout.splitlines()
    # A multi-line reply is `code,1=` with the text on the following lines (PhraseEdit.txt).
    start = lines.index("fp,1=")
    assert lines[start + 1].startswith("亲，可以开发票的") and not lines[start + 2].startswith("kfp,")
    assert not any("{shop_name}" in line for line in lines)
    assert "未导出：ship-already" in sogou.stderr  # needs a tracking number each time
    md = run("export", "-d", books, "-o", "-", "--format", "md", "--stage", "售后")
    assert (
        md.stdout.startswith("# 客服快捷回复手册") and "## 售后" in md.stdout and "## 售前" not in md.stdout
    )
    html = tmp_path / "h.html"
    run("export", "-d", books, "-o", str(html), "--book", "售中跟进")
    page = html.read_text(encoding="utf-8")
    assert "<nav>" in page and "可以开发票" in page and "欢迎语" not in page
