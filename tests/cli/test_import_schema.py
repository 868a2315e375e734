"""Import checks a reply with the loader's own rules and writes into books without losing what
it does not understand."""

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
