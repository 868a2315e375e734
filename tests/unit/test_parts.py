"""Sequences: a reply with ``parts`` (several short messages) instead of one ``text``."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import quickreply
from quickreply import bookfile, schema
from quickreply.books import read_book
from quickreply.editing import EditSession, PhraseDraft
from quickreply.model import Stage
from quickreply.rules import check_all, load_rules
from quickreply.template import MissingValuesError

PARTS = ("亲，非常抱歉{buyer|}", "订单 {order_no} 这边记下了", "马上给您补发，{shop_name} 出运费")
SEQUENCE_BOOK = """
[book]
name = "售后"
stage = "after-sale"

# 分段安抚
[[phrase]]
id = "sorry-steps"
title = "破损分段"
parts = [
    "亲，非常抱歉{buyer|}",
    "订单 {order_no} 这边记下了",
    "马上给您补发，{shop_name} 出运费",
]
keys = ["pd"]

[[phrase]]
id = "plain"
title = "普通"
text = "亲，好的"
"""


def check(**table: object) -> tuple[schema.PhraseFields | None, list[schema.Finding]]:
    return schema.check_phrase({"id": "a", "title": "t", **table}, book_stage=Stage.PRE_SALE)


def codes(findings: list[schema.Finding]) -> list[str]:
    return [finding.code for finding in findings if finding.is_error]


# --- schema --------------------------------------------------------------------------------------


def test_parts_replace_text_and_the_text_is_their_join() -> None:
    fields, findings = check(parts=["第一段", "第二段 {order_no}"])
    assert findings == []
    assert fields is not None
    assert fields.parts == ("第一段", "第二段 {order_no}")
    assert fields.text == "第一段\n第二段 {order_no}"
    assert schema.phrase_table(fields) == {"id": "a", "title": "t", "parts": ["第一段", "第二段 {order_no}"]}


@pytest.mark.parametrize(
    ("table", "code"),
    [
        ({"parts": ["只有一段"]}, "bad-parts"),  # one part is a text
        ({"parts": ["a"] * (schema.MAX_PARTS + 1)}, "bad-parts"),
        ({"parts": ["第一段", "  "]}, "bad-parts"),  # an empty part
        ({"parts": ["第一段", "上\n---\n下"]}, "bad-parts"),  # the separator inside a part
        ({"parts": "不是列表"}, "schema"),
        ({"parts": ["a", 5]}, "schema"),
        ({"parts": ["第一段", "x" * (schema.MAX_TEXT + 1)]}, "too-long"),
        ({"parts": ["第一段", "坏的 {order_no"]}, "bad-placeholder"),  # each part checked like text
        ({"parts": ["a", "b"], "text": "a"}, "parts-and-text"),
        ({"parts": ["a", "b"], "variants": ["c"]}, "parts-and-variants"),
    ],
)
def test_bad_parts_are_errors(table: dict[str, object], code: str) -> None:
    fields, findings = check(**table)
    assert code in codes(findings)
    assert fields is None or code == "bad-placeholder"  # placeholders: loaded, never copied


def test_a_bad_placeholder_names_its_part() -> None:
    _, findings = check(parts=["好的", "坏的 {order_no"])
    (finding,) = [f for f in findings if f.code == "bad-placeholder"]
    assert finding.field == "parts" and finding.item == 1 and finding.message.startswith("第 2 段：")


def test_control_characters_are_removed_from_parts() -> None:
    fields, findings = check(parts=["亲\x1b]52;c;cm0=\x07", "好的"])
    assert fields is not None and fields.parts[0] == "亲"  # the whole OSC 52 sequence goes
    assert [f.code for f in findings] == ["removed-chars"]


def test_a_text_with_a_separator_line_is_warned_about() -> None:
    fields, findings = check(text="上\n---\n下")
    assert fields is not None and fields.parts == ()
    assert [(f.code, f.severity.value) for f in findings] == [("separator-in-text", "warning")]


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("一段", ["一段"]),
        ("a\n---\nb", ["a", "b"]),
        ("a\r\n  ---  \r\nb\n---\nc", ["a", "b", "c"]),
        ("a ---\nb", ["a ---\nb"]),  # only a line of its own separates
        ("a\n----\nb", ["a\n----\nb"]),
    ],
)
def test_split_parts_undoes_parts_text(text: str, pieces: list[str]) -> None:
    assert schema.split_parts(text) == pieces
    if len(pieces) > 1:
        assert schema.split_parts(schema.parts_text(pieces)) == pieces


# --- loader, library -----------------------------------------------------------------------------


@pytest.fixture
def library(write_book) -> quickreply.Library:
    write_book("shops.toml", '[[shop]]\nshop_name = "甲店"\n')
    return quickreply.load(write_book("a.toml", SEQUENCE_BOOK).parent)


def test_loader_reads_parts(library: quickreply.Library) -> None:
    assert library.problems == []
    phrase = library.phrase("sorry-steps")
    assert phrase.parts == PARTS
    assert phrase.segments == phrase.parts
    assert phrase.text == "\n".join(phrase.parts)
    assert phrase.line_of("parts") == phrase.line + 3
    assert library.phrase("plain").segments == ("亲，好的",)


def test_a_bad_part_points_at_its_file_and_line(write_book) -> None:
    book_text = '[book]\nname = "b"\nstage = "售后"\n\n[[phrase]]\nid = "x"\ntitle = "x"\n'
    book_text += 'parts = ["只有一段"]\n'
    path = write_book("b.toml", book_text)
    book, problems = read_book(path)
    assert book is not None and book.phrases == ()
    assert [(p.line, p.code) for p in problems] == [(8, "bad-parts")]


def test_values_are_missing_for_all_parts_at_once(library: quickreply.Library) -> None:
    phrase = library.phrase("sorry-steps")
    assert library.missing(phrase, shop=library.shop()) == ("order_no",)
    with pytest.raises(MissingValuesError):
        library.render_parts(phrase, shop=library.shop())
    filled = library.render_parts(phrase, shop=library.shop(), values={"order_no": "123"})
    assert [f.text for f in filled] == ["亲，非常抱歉", "订单 123 这边记下了", "马上给您补发，甲店 出运费"]
    assert [f.text for f in library.render_parts("plain")] == ["亲，好的"]


def test_preview_numbers_the_parts(library: quickreply.Library) -> None:
    pieces = library.preview(library.phrase("sorry-steps"), shop=library.shop())
    shown = "".join(text for text, _ in pieces)
    assert shown.startswith("【1/3】\n亲，非常抱歉")
    assert "\n【2/3】\n订单 order_no 这边记下了" in shown
    assert ("order_no", "missing") in pieces and ("【1/3】\n", "part") in pieces


def test_search_finds_words_of_any_part(library: quickreply.Library) -> None:
    assert library.search("补发")[0].phrase.id == "sorry-steps"
    assert library.search("pd")[0].phrase.id == "sorry-steps"


def test_content_rules_and_near_duplicates_read_every_part(write_book) -> None:
    directory = write_book(
        "a.toml",
        """
        [book]
        name = "b"
        stage = "售前"

        [[phrase]]
        id = "contact"
        title = "联系"
        parts = ["亲，在的", "加我微信 abc12345 聊"]

        [[phrase]]
        id = "twin-a"
        title = "甲"
        parts = ["亲，这款现在有货的，可以直接拍下", "我们当天就给您安排发货"]

        [[phrase]]
        id = "twin-b"
        title = "乙"
        text = "亲，这款现在有货的，可以直接拍下\\n我们当天就给您安排发货哦"
        """,
    ).parent
    library = quickreply.load(directory)
    rules, _ = load_rules(library.directories)
    found = check_all(library.phrases, library.shops, rules)
    assert any(p.phrase == "contact" and p.severity.value == "error" for p in found)
    assert any(p.code == "near-duplicate" and p.phrase in ("twin-a", "twin-b") for p in found)


# --- writer --------------------------------------------------------------------------------------


def test_writer_round_trips_parts_and_keeps_comments(write_book) -> None:
    path = write_book("a.toml", SEQUENCE_BOOK)
    book, _ = read_book(path)
    assert book is not None
    original = path.read_text(encoding="utf-8")
    assert bookfile.book_text(book, original) == original  # nothing changed: byte for byte
    fresh = bookfile.book_text(dataclasses.replace(book, path=path))
    assert fresh.index('keys = ["pd"]') < fresh.index("parts = [\n")  # schema.PHRASE_FIELDS order
    for text in (fresh, bookfile.book_text(book, original)):
        path.write_text(text, encoding="utf-8")
        again, problems = read_book(path)
        assert problems == [] and again is not None
        expected = [(p.id, p.parts, p.text) for p in book.phrases]
        assert [(p.id, p.parts, p.text) for p in again.phrases] == expected


def test_writer_turns_text_into_parts_and_back(write_book) -> None:
    path = write_book("a.toml", SEQUENCE_BOOK)
    book, _ = read_book(path)
    assert book is not None
    plain = book.phrases[1]
    # Same words, now two parts: the text field goes, parts comes (one message per line).
    split = dataclasses.replace(plain, parts=("亲，", "好的"), text="亲，\n好的")
    joined = dataclasses.replace(book.phrases[0], parts=(), text="亲，一段就够了")
    text = bookfile.book_text(dataclasses.replace(book, phrases=(joined, split)), path.read_text("utf-8"))
    assert "# 分段安抚" in text
    assert 'parts = [\n    "亲，",\n    "好的",\n]' in text
    path.write_text(text, encoding="utf-8")
    again, problems = read_book(path)
    assert problems == [] and again is not None
    assert [(p.id, p.text, p.parts) for p in again.phrases] == [
        ("sorry-steps", "亲，一段就够了", ()),
        ("plain", "亲，\n好的", ("亲，", "好的")),
    ]


# --- editor --------------------------------------------------------------------------------------


def test_editor_shows_parts_in_one_box_separated_by_lines(write_book) -> None:
    path = write_book("a.toml", SEQUENCE_BOOK)
    book, _ = read_book(path)
    assert book is not None
    session = EditSession([book], [], [])
    draft_book = session.books[0]
    draft = draft_book.phrases[0]
    assert draft.text == "\n---\n".join(PARTS)
    assert draft.to_phrase(draft_book).parts == book.phrases[0].parts
    # A lead splits the plain reply by typing a line --- into it, and saves.
    plain = dataclasses.replace(draft_book.phrases[1], text="亲，好的\n---\n还有什么可以帮您")
    session.update(draft_book, 1, plain)
    assert session.input_errors(plain) == {}
    session.save(draft_book)
    again, problems = read_book(path)
    assert problems == [] and again is not None
    assert again.phrases[1].parts == ("亲，好的", "还有什么可以帮您")
    assert "# 分段安抚" in path.read_text("utf-8")


def test_editor_shows_part_errors_under_the_text(write_book) -> None:
    book, _ = read_book(write_book("a.toml", SEQUENCE_BOOK))
    assert book is not None
    session = EditSession([book], [], [])
    draft = PhraseDraft(id="x", title="x", text="第一段\n---\n\n---\n坏的 {order_no")
    errors = session.input_errors(draft)
    assert set(errors) == {"text"}
    messages = [message for _, message in errors["text"]]
    assert any("第 2 段是空的" in message for message in messages)
    assert any(message.startswith("第 3 段：") for message in messages)


def test_bundled_example_is_a_sequence(bundled: quickreply.Library) -> None:
    phrase = bundled.phrase("damaged-parcel-steps")
    assert len(phrase.parts) == 3 and phrase.source is not None and phrase.source.name == "03-aftersale.toml"
    (book,) = [book for book in bundled.books if book.path == phrase.source]
    assert book.phrases[-1] == phrase  # appended at the end of the book
    assert bundled.missing(phrase, shop=bundled.shop()) == ("order_no",)


# --- round trips on any text -----------------------------------------------------------------------

part_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn", "Cf", "Zl", "Zp"))
    | st.sampled_from(list('亲，"\'\\\n-=# ')),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() and "{" not in s and "}" not in s)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.lists(part_text, min_size=2, max_size=4))
def test_any_parts_survive_the_writer_the_editor_box_and_a_sheet_cell(write_book, parts: list[str]) -> None:
    fields, findings = check(parts=parts)
    if fields is None:  # e.g. a part that is only a --- line: refused, and said why
        assert any(f.code == "bad-parts" for f in findings)
        return
    table = schema.phrase_table(fields)
    book = f'[book]\nname = "b"\nstage = "售前"\n\n[[phrase]]\n{tomli_w.dumps(table)}'
    path: Path = write_book("p.toml", book)
    loaded, problems = read_book(path)
    assert not [p for p in problems if p.severity.value == "error"]
    assert loaded is not None and loaded.phrases[0].parts == fields.parts
    again = bookfile.book_text(loaded)
    path.write_text(again, encoding="utf-8")
    reread, _ = read_book(path)
    assert reread is not None and reread.phrases[0].parts == fields.parts
    assert schema.split_parts(schema.parts_text(fields.parts)) == list(fields.parts)
