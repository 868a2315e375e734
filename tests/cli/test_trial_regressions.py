"""Regressions found by trying quickreply as a new team lead would: import checks a reply with
the loader's own rules and never writes over what it cannot read; exports and render edges."""

from __future__ import annotations

import json
from pathlib import Path

import quickreply

from .test_cli import run


def test_regression_imported_expires_5_is_a_bad_row_not_a_reply_the_loader_rejects(tmp_path: Path) -> None:
    """Found: an imported JSON with `expires = 5` wrote a reply the loader then rejected — and
    the next save deleted it."""
    bundle = {
        "book": [
            {
                "name": "活动",
                "stage": "pre-sale",
                "phrase": [
                    {"id": "sale-a", "title": "大促", "text": "亲，活动到月底", "expires": 5},
                    {"id": "sale-b", "title": "满减", "text": "亲，满200减20", "keys": "mj"},
                    {"id": "sale-c", "title": "好的", "text": "亲，在的"},
                ],
            }
        ]
    }
    source = tmp_path / "in.json"
    source.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "books"
    target.mkdir()
    result = run("import", str(source), "--into", str(target))
    assert result.returncode == 0, result.stderr
    assert "过期日期（expires）必须是日期" in result.stderr
    library = quickreply.load(target)
    assert [p.id for p in library.phrases] == ["sale-b", "sale-c"]
    assert library.phrase("sale-b").keys == ("mj",)  # one code written as a string is still a code
    assert library.errors == []


def test_regression_import_keeps_comments_unknown_fields_and_unreadable_replies(tmp_path: Path) -> None:
    """Found: writing a book on import dropped what the loader could not read."""
    target = tmp_path / "books"
    target.mkdir()
    book = target / "presale.toml"
    original_bad = '[[phrase]]\nid = "broken"\ntitle = "坏"\nkeys = 5\ntext = "亲，坏了"\n'
    book.write_text(
        "# 售前组的书，改前说一声\n"
        '[book]\nname = "售前"\nstage = "pre-sale"\n\n'
        '[[phrase]]\nid = "hello"\ntitle = "你好"\ntext = "亲，在的"\nowner = "小李"\n\n' + original_bad,
        encoding="utf-8",
    )
    sheet = tmp_path / "in.csv"
    sheet.write_text("分组,快捷短语,id\n售前,亲，今天下单今天发,ship-today\n", encoding="utf-8")
    result = run("import", str(sheet), "--into", str(target))
    assert result.returncode == 0, result.stderr
    written = book.read_text(encoding="utf-8")
    assert "# 售前组的书，改前说一声" in written
    assert 'owner = "小李"' in written
    assert original_bad in written
    assert 'id = "ship-today"' in written


def test_regression_import_without_into_never_writes_into_the_bundled_books(tmp_path: Path) -> None:
    """Found: with no user books, import wrote into the phrasebooks shipped inside the program
    (an upgrade would wipe them)."""
    from quickreply.locations import bundled_phrasebooks

    before = {path.name: path.read_bytes() for path in bundled_phrasebooks().iterdir() if path.is_file()}
    sheet = tmp_path / "in.csv"
    sheet.write_text("分组,快捷短语\n售前,亲，新来的回复\n", encoding="utf-8")
    result = run("import", str(sheet))
    assert result.returncode == 2
    assert "内置短语目录不能写入" in result.stderr and "--into" in result.stderr
    after = {path.name: path.read_bytes() for path in bundled_phrasebooks().iterdir() if path.is_file()}
    assert after == before


def _book(stage: str, replies: str, name: str = "售后组") -> str:
    return f'[book]\nname = "{name}"\nstage = "{stage}"\n\n' + replies


def test_regression_import_refuses_an_id_held_by_a_book_that_did_not_load(tmp_path: Path) -> None:
    """Found: a book with a bad stage was ignored; the import wrote its id again, and once the
    stage was fixed `check` reported a duplicate id."""
    target = tmp_path / "books"
    target.mkdir()
    broken = target / "badstage.toml"
    broken.write_text(_book("售前后", '[[phrase]]\nid = "bs-1"\ntitle = "t"\ntext = "x"\n'), encoding="utf-8")
    before = broken.read_bytes()
    sheet = tmp_path / "in.csv"
    sheet.write_text("分组,快捷短语,id\n其他组,亲，新的,bs-1\n", encoding="utf-8")
    result = run("import", str(sheet), "--into", str(target))
    assert result.returncode == 1
    assert "读不出" in result.stderr and "bs-1" in result.stderr
    assert sorted(path.name for path in target.iterdir()) == ["badstage.toml"]
    assert broken.read_bytes() == before
    # Into the same folder, a row that clashes with nothing goes in.
    sheet.write_text("分组,快捷短语,id\n其他组,亲，新的,fresh-1\n", encoding="utf-8")
    assert run("import", str(sheet), "--into", str(target)).returncode == 0


def test_regression_import_into_a_book_that_does_not_parse_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "books"
    target.mkdir()
    (target / "broken.toml").write_text('[book]\nname = "坏书"\n[[phrase]\n', encoding="utf-8")
    sheet = tmp_path / "in.csv"
    sheet.write_text("分组,快捷短语\n坏书,亲，新的\n", encoding="utf-8")
    result = run("import", str(sheet), "--into", str(target))
    assert result.returncode == 1 and "broken.toml:3" in result.stderr
    assert sorted(path.name for path in target.iterdir()) == ["broken.toml"]


def test_regression_rows_follow_the_stage_of_the_existing_book_they_land_in(tmp_path: Path) -> None:
    """Found: a row imported into an existing after-sale book was written as pre-sale."""
    target = tmp_path / "books"
    target.mkdir()
    reply = '[[phrase]]\nid = "old"\ntitle = "t"\nkeys = ["jd"]\ntext = "亲，旧的"\n'
    (target / "k.toml").write_text(
        _book("after-sale", reply, "团队B"),
        encoding="utf-8",
    )
    sheet = tmp_path / "in.csv"
    # No title or code columns: the existing reply keeps its title and codes.
    sheet.write_text("分组,快捷短语,id\n团队B,亲，新的,new-one\n团队B,亲，旧的,old\n", encoding="utf-8")
    result = run("import", str(sheet), "--into", str(target))
    assert result.returncode == 0, result.stderr
    assert "看不出阶段" not in result.stderr
    assert "相同\told" in result.stdout
    library = quickreply.load(target)
    assert library.phrase("new-one").stage.value == "after-sale"
    assert 'stage = "pre-sale"' not in (target / "k.toml").read_text(encoding="utf-8")


def test_regression_bundle_book_with_a_bad_stage_is_reported_not_imported_as_presale(tmp_path: Path) -> None:
    phrase = {"id": "a", "title": "t", "text": "x"}
    bundle = {"book": [{"name": "坏书", "stage": "bogus-stage", "phrase": [phrase]}]}
    source = tmp_path / "in.json"
    source.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "books"
    target.mkdir()
    result = run("import", str(source), "--into", str(target))
    assert "bogus-stage" in result.stderr and "未知的阶段" in result.stderr
    assert list(target.iterdir()) == []


def test_regression_markdown_handbook_shows_markup_in_phrase_text_literally(tmp_path: Path) -> None:
    folder = tmp_path / "books"
    folder.mkdir()
    reply = '[[phrase]]\nid = "x"\ntitle = "<b>标题</b>"\ntext = "<script>alert(1)</script> **粗体**"\n'
    (folder / "a.toml").write_text(_book("pre-sale", reply), encoding="utf-8")
    result = run("export", "-d", str(folder), "--format", "md", "-o", "-")
    assert result.returncode == 0, result.stderr
    assert "<script>" not in result.stdout and "<b>" not in result.stdout and "**粗体**" not in result.stdout
    assert "\\<script\\>" in result.stdout and "\\*\\*粗体\\*\\*" in result.stdout


def test_regression_a_sellers_own_leading_apostrophe_survives_csv_import(tmp_path: Path) -> None:
    sheet = tmp_path / "in.csv"
    sheet.write_text("分组,快捷短语,id\n售前,'单引号开头,q1\n售前,''=1+1,q2\n", encoding="utf-8")
    target = tmp_path / "books"
    target.mkdir()
    assert run("import", str(sheet), "--into", str(target)).returncode == 0
    library = quickreply.load(target)
    assert library.phrase("q1").text == "'单引号开头"
    assert library.phrase("q2").text == "'=1+1"  # what export writes for a reply starting with '=


def test_regression_an_empty_set_value_is_missing_not_an_empty_word() -> None:
    """Found: `render size-advice --set size=` printed "…选码…"."""
    result = run("render", "size-advice", "--set", "size=")
    assert result.returncode == 1 and "缺少取值：推荐尺码（size）" in result.stderr and result.stdout == ""


def test_regression_the_same_reply_pasted_twice_is_imported_once(tmp_path: Path) -> None:
    """A content-only sheet with two identical rows made two replies (…-de and …-de-2)."""
    sheet = tmp_path / "dup.csv"
    sheet.write_text("快捷短语\n可以开发票的，下单后联系我\n可以开发票的，下单后联系我\n", encoding="utf-8")
    into = tmp_path / "books"
    into.mkdir()
    done = run("import", str(sheet), "--into", str(into))
    assert done.returncode == 0, done.stderr
    assert "与第 2 行内容相同" in done.stdout + done.stderr
    assert [phrase.id for phrase in quickreply.load(into).phrases] == ["ke-yi-kai-fa-piao-de"]


def test_regression_what_a_sheet_holds_but_is_not_imported_is_named(tmp_path: Path) -> None:
    """An unknown column and a cell beyond the header were dropped without a word."""
    sheet = tmp_path / "extra.csv"
    rows = "分组名称,快捷编码,快捷短语,备注人\n售前,ab,内容一,张\n售前,cd,内容二,李,多余\n"
    sheet.write_text(rows, encoding="utf-8")
    into = tmp_path / "books"
    into.mkdir()
    done = run("import", str(sheet), "--into", str(into), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "未导入：不认识的列 备注人" in done.stderr
    assert "未导入：第 3 行表头之外的单元格" in done.stderr
