"""Regressions of import and export, each found by hand and run here as a team lead would."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest

import quickreply
from quickreply.locations import bundled_phrasebooks
from quickreply.model import Stage

from .test_cli import run


def digests(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


@pytest.fixture
def live(tmp_path: Path) -> Path:
    """A second, non-empty library that QUICKREPLY_DIR points at (the agent's live books)."""
    folder = tmp_path / "live"
    shutil.copytree(bundled_phrasebooks(), folder)
    return folder


def env_for(live: Path) -> dict[str, str]:
    return {"QUICKREPLY_DIR": str(live)}


# --- 1. --into plans against that folder alone --------------------------------------------------


def test_regression_import_into_plans_against_that_dir(tmp_path: Path, live: Path) -> None:
    exported = tmp_path / "all.toml"
    assert run("export", "-o", str(exported), env=env_for(live)).returncode == 0
    before = digests(live)
    target = tmp_path / "empty"
    target.mkdir()
    result = run("import", str(exported), "--into", str(target), env=env_for(live))
    assert result.returncode == 0, result.stderr
    count = len(quickreply.load(live).phrases)
    assert f"新增 {count}" in result.stderr
    assert len(quickreply.load(target).phrases) == count
    assert digests(live) == before


def test_regression_import_into_with_replace_leaves_live_books_alone(tmp_path: Path, live: Path) -> None:
    sheet = tmp_path / "in.csv"
    sheet.write_text("分组,快捷短语,id\n售前常用,改过的欢迎语,greet-welcome\n", encoding="utf-8")
    before = digests(live)
    target = tmp_path / "other"
    target.mkdir()
    result = run("import", str(sheet), "--into", str(target), "--replace", env=env_for(live))
    assert result.returncode == 0, result.stderr
    assert digests(live) == before
    assert quickreply.load(target).phrase("greet-welcome").text == "改过的欢迎语"


# --- 2. seller sheets ---------------------------------------------------------------------------

SELLER_ROWS = [
    ["分组名称", "快捷短语内容", "快捷编码"],
    ["售后", "亲，收到的商品有问题请拍照发给我们，马上为您处理。", "shwt"],
    ["物流查询", "亲，您的包裹已经在路上了，请耐心等待。", "wl"],
    ["常用", "亲，在的，请问有什么可以帮您？", "zai"],
]


def seller_sheet(encoding: str, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(SELLER_ROWS)
    text = buffer.getvalue()
    if encoding == "utf-16":  # Excel's "Unicode text": UTF-16LE with a BOM, tab-separated
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode(encoding)


@pytest.mark.parametrize(
    ("encoding", "delimiter", "suffix"),
    [
        ("utf-8", ",", "csv"),
        ("utf-8-sig", ",", "csv"),
        ("gbk", ",", "csv"),
        ("gb18030", ",", "csv"),
        ("utf-16", "\t", "txt"),
    ],
)
def test_regression_seller_sheet_in_every_encoding(
    encoding: str, delimiter: str, suffix: str, tmp_path: Path
) -> None:
    sheet = tmp_path / f"workbench.{suffix}"
    sheet.write_bytes(seller_sheet(encoding, delimiter))
    target = tmp_path / "books"
    target.mkdir()
    result = run("import", str(sheet), "--into", str(target))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "codec" not in result.stderr
    library = quickreply.load(target)
    assert not library.errors
    by_code = {phrase.keys[0]: phrase for phrase in library.phrases}
    assert by_code["shwt"].text == SELLER_ROWS[1][1] and by_code["shwt"].book == "售后"
    assert by_code["wl"].book == "物流查询" and by_code["zai"].book == "常用"


def test_regression_group_named_after_sale_is_not_pre_sale(tmp_path: Path) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_bytes(seller_sheet("gbk"))
    target = tmp_path / "books"
    target.mkdir()
    result = run("import", str(sheet), "--into", str(target), "--stage", "售中")
    assert result.returncode == 0, result.stderr
    stages = {phrase.book: phrase.stage for phrase in quickreply.load(target).phrases}
    assert stages == {"售后": Stage.AFTER_SALE, "物流查询": Stage.IN_SALE, "常用": Stage.IN_SALE}
    assert "常用" in result.stderr and "按售中导入" in result.stderr  # the plan says the default


def test_regression_shared_code_among_incoming_rows_written_once(tmp_path: Path) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_text(
        "分组,快捷短语,快捷编码,id\n常用,第一条,zai,one\n常用,第二条,zai,two\n常用,第三条,,one\n",
        encoding="utf-8",
    )
    target = tmp_path / "books"
    target.mkdir()
    result = run("import", str(sheet), "--into", str(target), "--replace")
    assert result.returncode == 0, result.stderr
    assert "第 3 行：快捷编码 zai 已被第 2 行使用" in result.stdout
    assert "第 4 行：id one 与第 2 行重复" in result.stdout
    library = quickreply.load(target)
    assert not library.errors
    assert [(p.id, p.keys) for p in library.phrases] == [("one", ("zai",))]


def test_regression_long_group_name_gets_a_bounded_file_name(tmp_path: Path) -> None:
    rows = ["分组,快捷短语"] + [f"组{n},第 {n} 条" for n in range(5)]
    rows += ["长" * 300 + ",很长的分组", "长" * 300 + "乙,另一个很长的分组", "shops,不是店铺文件"]
    sheet = tmp_path / "s.csv"
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    target = tmp_path / "books"
    target.mkdir()
    result = run("import", str(sheet), "--into", str(target))
    assert result.returncode == 0, result.stderr
    names = sorted(path.name for path in target.iterdir())
    assert all(len(name.encode()) < 200 for name in names) and "shops.toml" not in names
    library = quickreply.load(target)
    assert len(library.phrases) == 8 and not library.errors
    assert {book.name for book in library.books} >= {"长" * 300, "长" * 300 + "乙"}


def test_regression_nothing_written_until_the_whole_plan_is_valid(tmp_path: Path) -> None:
    target = tmp_path / "books"
    target.mkdir()
    # Valid TOML the loader reads, but the in-place writer refuses (an inline [book] table):
    # five new books must not be written before this one fails.
    inline = target / "old.toml"
    inline.write_text(
        'book = {name = "旧", stage = "pre-sale"}\n\n[[phrase]]\nid = "kept"\ntitle = "t"\ntext = "旧的"\n',
        encoding="utf-8",
    )
    assert [p.id for p in quickreply.load(target).phrases] == ["kept"]
    before = digests(target)
    rows = ["分组,快捷短语,id"] + [f"新组{n},新的第 {n} 条,new-{n}" for n in range(5)] + ["旧,改过的,kept"]
    sheet = tmp_path / "s.csv"
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run("import", str(sheet), "--into", str(target), "--replace")
    assert result.returncode == 1, result.stderr
    assert "未写入任何文件" in result.stderr and "old.toml" in result.stderr
    assert "Traceback" not in result.stderr
    assert digests(target) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.xlsx", b"not a zip at all", "xlsx"),
        ("damaged.xlsx", None, "xlsx"),
        ("bad.json", b'{"book": [ {"name": "x", }]}', "JSON 格式错误，第 1 行"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "嵌套"),  # RecursionError in json
        ("deep.toml", b"a = " + b"[" * 5_000 + b"]" * 5_000, "嵌套"),  # and in tomllib
        ("bad.toml", b'[book]\nname = "x\n', "TOML 格式错误，第 2 行"),
        ("binary.csv", bytes(range(128, 256)) * 8, "编码"),
        ("nul.csv", b"a\x00b,c\n", "空字符"),
        ("empty.csv", b"", "表格是空的"),
        ("nocontent.csv", "名字,年龄\n张三,3\n".encode(), "找不到内容列"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "不支持的文件类型"),
    ],
    ids=lambda value: value if isinstance(value, str) and "." in value else "",
)
def test_regression_bad_files_get_a_chinese_message_naming_them(
    name: str, content: bytes | None, message: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    if content is None:  # a zip that is not a workbook inside
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("[Content_Types].xml", "<broken")
    else:
        path.write_bytes(content)
    target = tmp_path / "books"
    target.mkdir()
    result = run("import", str(path), "--into", str(target))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert name in result.stderr and message in result.stderr
    assert list(target.iterdir()) == []


def test_regression_huge_cell_is_a_bad_row_not_a_crash(tmp_path: Path) -> None:
    sheet = tmp_path / "big.csv"
    sheet.write_text("快捷短语\n" + "亲" * 131_073 + "\n亲，正常的一条。\n", encoding="utf-8")
    target = tmp_path / "books"
    target.mkdir()
    result = run("import", str(sheet), "--into", str(target))
    assert result.returncode == 0, result.stderr
    assert "第 2 行：内容有 131073 个字符，超过上限 10000" in result.stderr
    assert [p.text for p in quickreply.load(target).phrases] == ["亲，正常的一条。"]


# --- 3. exports ---------------------------------------------------------------------------------

RAW_PLACEHOLDER = re.compile(r"(?<!\{)\{[^\W\d]\w*(\|[^{}]*)?\}(?!\})")

SOGOU_BOOK = '''[book]
name = "测试"
stage = "in-sale"

[[phrase]]
id = "multi"
title = "多行"
keys = ["dh"]
text = """#1 爆款上新
;这一行不是注释
ok,1=也不是新短语
{shop_name}欢迎您"""

[[phrase]]
id = "hash"
title = "井号开头"
keys = ["jh"]
text = "#话题# 欢迎参加"

[[phrase]]
id = "order"
title = "订单"
keys = ["dd"]
text = "亲，您的订单{order_no}已发货。"

[[phrase]]
id = "courier"
title = "快递"
keys = ["kd"]
text = "亲，我们发{courier|中通快递}。"

[[phrase]]
id = "digits"
title = "数字编码"
keys = ["a1"]
text = "亲，这条的编码带数字。"
'''


def read_phrase_edit(text: str) -> dict[str, str]:
    """Sogou's PhraseEdit.txt read strictly by its documented rules: `code,N=text`; `code,N=`
    followed by the text lines; `;` lines are comments (we drop them even inside a phrase, as
    a strict reader may); a value starting with `#` is a time expression (refused here)."""
    entry = re.compile(r"^([A-Za-z]+),(-?\d+)=(.*)$")
    phrases: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.split("\n"):
        if match := entry.match(line):
            code, _position, value = match.groups()
            assert not value.startswith("#"), f"{code} would be read as a time expression"
            current = phrases[code] = [value] if value else []
            if value:
                current = None
        elif line.startswith(";"):
            continue
        elif current is not None:
            current.append(line)
    return {code: "\n".join(lines).rstrip("\n") for code, lines in phrases.items()}


def test_regression_sogou_fills_default_shop_and_keeps_lines_literal(tmp_path: Path) -> None:
    books = tmp_path / "books"
    books.mkdir()
    (books / "t.toml").write_text(SOGOU_BOOK, encoding="utf-8")
    (books / "shops.toml").write_text('[[shop]]\nshop_name = "甲店"\n\n[[shop]]\nshop_name = "乙店"\n')
    result = run("export", "-d", str(books), "-o", "-", "--format", "sogou")
    assert result.returncode == 0, result.stderr
    assert "使用默认店铺：甲店" in result.stderr
    assert not RAW_PLACEHOLDER.search(result.stdout)
    phrases = read_phrase_edit(result.stdout)
    assert phrases["dh"] == "＃1 爆款上新\n；这一行不是注释\nok，1=也不是新短语\n甲店欢迎您"
    assert phrases["jh"] == "＃话题# 欢迎参加"
    assert phrases["kd"] == "亲，我们发中通快递。"
    assert "dd" not in phrases and "未导出：order（需要填写：订单号）" in result.stderr
    assert "a1" not in phrases and "的编码 a1（含数字" in result.stderr
    assert "已改写：multi" in result.stderr


def test_regression_sogou_without_any_shop_leaves_shop_replies_out(tmp_path: Path) -> None:
    books = tmp_path / "books"
    books.mkdir()
    (books / "t.toml").write_text(SOGOU_BOOK, encoding="utf-8")
    result = run("export", "-d", str(books), "-o", "-", "--format", "sogou")
    assert result.returncode == 0, result.stderr
    assert not RAW_PLACEHOLDER.search(result.stdout)
    assert "dh" not in read_phrase_edit(result.stdout)
    assert "未导出：multi（需要填写：店铺名称）" in result.stderr


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_regression_handbook_shows_no_raw_placeholder(fmt: str, tmp_path: Path) -> None:
    books = tmp_path / "books"
    shutil.copytree(bundled_phrasebooks(), books)
    (books / "shops.toml").unlink()
    result = run("export", "-d", str(books), "-o", "-", "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert not RAW_PLACEHOLDER.search(result.stdout)
    assert "【订单号】" in result.stdout and "【店铺名称】" in result.stdout
    with_shop = run("export", "-d", str(bundled_phrasebooks()), "-o", "-", "--format", fmt)
    assert "青禾家居旗舰店" in with_shop.stdout and not RAW_PLACEHOLDER.search(with_shop.stdout)


FORMULA_TEXTS = ["=1+1", "+86 不是号码", "-5 元", "@所有人", "'=已经带撇号", "''两个撇号", "'普通撇号"]


def test_regression_csv_formula_cells_neutralised_and_restored(tmp_path: Path) -> None:
    books = tmp_path / "books"
    books.mkdir()
    tables = "".join(
        f'\n[[phrase]]\nid = "f{n}"\ntitle = "t{n}"\ntext = "{text}"\nnote = "{text}"\n'
        for n, text in enumerate(FORMULA_TEXTS)
    )
    (books / "f.toml").write_text(f'[book]\nname = "=公式组"\nstage = "pre-sale"\n{tables}', encoding="utf-8")
    exported = tmp_path / "out.csv"
    assert run("export", "-d", str(books), "-o", str(exported)).returncode == 0
    cells = [cell for row in csv.reader(io.StringIO(exported.read_text("utf-8-sig"))) for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    target = tmp_path / "back"
    target.mkdir()
    result = run("import", str(exported), "--into", str(target))
    assert result.returncode == 0, result.stderr
    back = quickreply.load(target)
    assert [(p.text, p.note, p.book) for p in back.phrases] == [(t, t, "=公式组") for t in FORMULA_TEXTS]


def test_regression_import_refuses_a_fifo(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    from quickreply.exchange import importing

    with pytest.raises(importing.ImportError_, match=r"pipe\.csv：不是普通文件"):
        importing.read_file(fifo)
