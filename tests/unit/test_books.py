"""Loading phrasebooks: every bad input becomes a finding with file and line; nothing else is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

import quickreply
from quickreply.model import Severity, Stage

GOOD = """
[book]
name = "好书"
stage = "售前"

[[phrase]]
id = "hello"
title = "你好"
text = "亲，{shop_name}欢迎您"
keys = ["NH"]
"""


def good(phrase_id: str) -> str:
    """GOOD with another id and shortcut code, so that it can sit beside GOOD."""
    return GOOD.replace("hello", phrase_id).replace('"NH"', f'"{phrase_id}"')


def findings(library: quickreply.Library) -> list[tuple[str, int, str]]:
    return [(problem.file.name, problem.line, problem.code) for problem in library.problems]


def test_a_good_book_loads(write_book) -> None:
    path = write_book("a.toml", GOOD)
    library = quickreply.load(path.parent)
    assert library.problems == []
    (phrase,) = library.phrases
    assert (phrase.id, phrase.stage, phrase.book, phrase.keys) == ("hello", Stage.PRE_SALE, "好书", ("nh",))
    assert phrase.line == 5


def test_broken_toml_names_file_line_and_column_and_the_others_still_load(write_book) -> None:
    write_book("a.toml", GOOD)
    write_book("b.toml", '[book]\nname = "坏"\nstage = "pre-sale"\n[[phrase]]\nid = "x\n')
    library = quickreply.load(write_book("c.toml", good("hello2")).parent)
    assert [phrase.id for phrase in library.phrases] == ["hello", "hello2"]
    (problem,) = library.problems
    assert (problem.file.name, problem.line, problem.code) == ("b.toml", 5, "toml-syntax")
    assert problem.column is not None
    assert problem.format().startswith(f"{problem.file}:5:{problem.column}: [toml-syntax]")


def test_bom_is_accepted_and_gbk_is_explained(write_book) -> None:
    write_book("bom.toml", "\ufeff" + GOOD.lstrip("\n"))
    write_book("gbk.toml", good("hello3").encode("gbk"))
    library = quickreply.load(write_book("z.toml", "").parent)
    assert [phrase.id for phrase in library.phrases] == ["hello"]
    assert ("gbk.toml", 3, "encoding") in findings(library)  # GOOD starts with a blank line
    assert "UTF-8" in next(p.message for p in library.problems if p.code == "encoding")


def test_schema_errors_point_at_the_field(write_book) -> None:
    path = write_book(
        "a.toml",
        """
        [book]
        name = "书"
        stage = "pre-sale"

        [[phrase]]
        id = "Bad_ID"
        title = "标题"
        text = "正文"

        [[phrase]]
        id = "no-title"
        text = "正文"

        [[phrase]]
        id = "wrong-types"
        title = "标题"
        text = "正文"
        keys = "fp"
        stage = "售中后"
        expires = "2026-11-12"

        [[phrase]]
        id = "empty-text"
        title = "标题"
        text = "   "
        colour = "red"
        """,
    )
    library = quickreply.load(path.parent)
    assert library.phrases == []
    assert findings(library) == [
        ("a.toml", 6, "bad-id"),
        ("a.toml", 10, "schema"),  # title missing: reported at the phrase header
        ("a.toml", 18, "schema"),  # keys must be a list
        ("a.toml", 19, "bad-stage"),
        ("a.toml", 20, "schema"),  # expires must be a TOML date
        ("a.toml", 26, "unknown-field"),
        ("a.toml", 25, "schema"),  # text empty
    ]
    assert next(p for p in library.problems if p.code == "unknown-field").severity is Severity.WARNING


def test_missing_book_table_and_stage(write_book) -> None:
    path = write_book("a.toml", '[[phrase]]\nid = "a"\ntitle = "t"\ntext = "x"\n')
    library = quickreply.load(path.parent)
    assert library.phrases == []
    assert {p.code for p in library.problems} == {"schema"}


def test_phrase_stage_overrides_book_stage(write_book) -> None:
    path = write_book("a.toml", GOOD.replace('keys = ["NH"]', 'stage = "after-sale"'))
    assert quickreply.load(path.parent).phrases[0].stage is Stage.AFTER_SALE


def test_duplicate_ids_and_codes_across_books(write_book) -> None:
    write_book("a.toml", GOOD)
    path = write_book("b.toml", GOOD.replace("你好", "又一个"))
    write_book("c.toml", GOOD.replace("hello", "other"))
    library = quickreply.load(path.parent)
    assert [phrase.id for phrase in library.phrases] == ["hello", "other"]
    codes = findings(library)
    assert ("b.toml", 6, "duplicate-id") in codes  # the id line
    assert ("c.toml", 9, "duplicate-key") in codes  # the keys line
    assert "a.toml:5" in next(p.message for p in library.problems if p.code == "duplicate-id")


def test_regression_duplicate_id_in_two_folders_names_the_folder(tmp_path: Path) -> None:
    """-d f1 -d f2 with a.toml in both said 已被使用（a.toml:5）: which a.toml?"""
    for folder in ("f1", "f2"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.toml").write_text(GOOD, encoding="utf-8")
    library = quickreply.load(tmp_path / "f1", tmp_path / "f2")
    message = next(p.message for p in library.problems if p.code == "duplicate-id")
    assert f"{tmp_path / 'f1' / 'a.toml'}:" in message


def test_malformed_placeholder_reported_on_its_line(write_book) -> None:
    path = write_book(
        "a.toml",
        '''
        [book]
        name = "书"
        stage = "in-sale"

        [[phrase]]
        id = "multi"
        title = "多行"
        text = """第一行
        第二行 {order.no}
        第三行 ｛店铺名｝"""
        ''',
    )
    library = quickreply.load(path.parent)
    assert [(p.line, p.code) for p in library.problems] == [(9, "bad-placeholder"), (10, "full-width-brace")]
    assert library.phrases[0].id == "multi"  # still searchable; rendering refuses it


def test_control_characters_removed_and_reported(write_book) -> None:
    path = write_book(
        "a.toml",
        GOOD.replace(
            'text = "亲，{shop_name}欢迎您"',
            'text = "亲\\u001b]52;c;cm0gLXJmIH4=\\u0007，发\\u200b货"',
        ),
    )
    library = quickreply.load(path.parent)
    assert library.phrases[0].text == "亲，发货"
    (problem,) = library.problems
    assert problem.code == "removed-chars" and problem.line == 8


def test_shops(write_book) -> None:
    write_book("a.toml", GOOD)
    path = write_book(
        "shops.toml",
        """
        [[shop]]
        shop_name = "甲店"
        cutoff = "16:00"
        first_kg_fee = 8

        [[shop]]
        cutoff = "4pm"

        [[shop]]
        shop_name = "乙店"
        cutoff = "4pm"
        """,
    )
    library = quickreply.load(path.parent)
    assert [shop.name for shop in library.shops] == ["甲店", "乙店"]
    assert library.shop().values["first_kg_fee"] == "8"
    assert "cutoff" not in library.shop("乙店").values
    # A bad value points at its own line, not the [[shop]] header; a missing name at the header.
    assert [(p.line, p.code) for p in library.problems] == [(6, "schema"), (11, "bad-cutoff")]


def test_directories_merge_and_missing_directory_is_reported(tmp_path: Path, write_book) -> None:
    team = write_book("a.toml", GOOD).parent
    personal = tmp_path / "personal"
    personal.mkdir()
    write_book("mine.toml", good("mine"), folder=personal)
    library = quickreply.load(team, personal, tmp_path / "nowhere")
    assert [phrase.id for phrase in library.phrases] == ["hello", "mine"]
    assert [p.code for p in library.problems] == ["io"]


def test_default_resolution(monkeypatch, tmp_path: Path, write_book) -> None:
    from quickreply.locations import bundled_phrasebooks, default_phrasebook_dirs

    assert default_phrasebook_dirs() == [bundled_phrasebooks()]  # empty user config dir
    user = tmp_path / "config"
    user.mkdir()
    write_book("mine.toml", GOOD, folder=user)
    assert default_phrasebook_dirs() == [user]
    monkeypatch.setenv("QUICKREPLY_DIR", f"{tmp_path / 'x'}{__import__('os').pathsep}{tmp_path / 'y'}")
    assert default_phrasebook_dirs() == [tmp_path / "x", tmp_path / "y"]


def test_team_synonyms_extend_the_bundled_ones(write_book) -> None:
    write_book(
        "a.toml",
        GOOD.replace('title = "你好"', 'title = "顺丰包邮"').replace("hello", "sf"),
    )
    path = write_book("synonyms.toml", '[[group]]\nwords = ["顺丰", "sf快递的那个"]\n')
    library = quickreply.load(path.parent)
    assert library.search("你们发sf快递的那个吗")[0].phrase.id == "sf"


def test_bundled_books_pass_check_and_cover_every_stage(bundled: quickreply.Library) -> None:
    assert [p.format() for p in bundled.errors] == []
    for stage in Stage:
        assert sum(1 for phrase in bundled.phrases if phrase.stage is stage) >= 25
    assert len(bundled.phrases) >= 90
    assert bundled.shop() is not None and bundled.shop().cutoff


def test_regression_toml_syntax_errors_are_in_chinese_with_line_and_column(write_book) -> None:
    header = '[book]\nname = "书"\nstage = "pre-sale"\n\n[[phrase]]\n'
    path = write_book("a.toml", header + 'id = "a"\ntitle = 亲\n')
    write_book("b.toml", header + 'id = "b"\ntitle = "t"\ntext = "x"\n')
    library = quickreply.load(path.parent)
    [problem] = library.problems
    assert (problem.file, problem.line, problem.column, problem.code) == (path, 7, 9, "toml-syntax")
    assert problem.message.startswith("TOML 语法错误：值无效")
    assert not any("Invalid" in p.message for p in library.problems)
    assert [p.id for p in library.phrases] == ["b"]  # the other book still opens


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('title = "x', "字符串没有结束"),
        ("title", "键后面缺少 ="),
        ("[[phrase]\n", "缺少结尾的 ]]"),
        ('keys = ["a" "b"]', "列表没有结束"),
        ('id = "a"\nid = "b"', "同一个键写了两次"),
    ],
)
def test_toml_messages_said_in_chinese(write_book, source: str, expected: str) -> None:
    path = write_book("a.toml", '[book]\nname = "书"\nstage = "pre-sale"\n[[phrase]]\n' + source + "\n")
    [problem] = quickreply.load(path.parent).problems
    assert expected in problem.message, problem.message


def test_regression_one_bad_book_stage_is_one_error_not_one_per_reply(write_book) -> None:
    replies = "".join(f'[[phrase]]\nid = "r{n}"\ntitle = "t"\ntext = "x"\n\n' for n in range(29))
    path = write_book("a.toml", '[book]\nname = "书"\nstage = "售中期"\n\n' + replies)
    problems = quickreply.load(path.parent).problems
    assert len(problems) == 1
    assert problems[0].line == 3 and "售中期" in problems[0].message
    assert "29 条回复都未载入" in problems[0].message
