"""Writing a book keeps what we did not change and what the loader could not read."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quickreply import bookfile, store
from quickreply.books import read_book
from quickreply.editing import EditSession
from quickreply.model import Book, Phrase, Stage

# Replies the loader cannot read, each marked so the test can find it again.
UNREADABLE = [
    'id = "bad-{n}"\ntitle = "坏{n}"\nkeys = "hh"\ntext = "编码写成了字符串"\n',
    'id = "bad-{n}"\ntitle = 5\ntext = "标题是数字"\n',
    'id = "bad-{n}"\ntitle = "缺正文{n}"\n',
    'id = "bad-{n}"\ntitle = "日期{n}"\ntext = "x"\nexpires = "明天"\n',
    'id = "Bad {n}"\ntitle = "id 不合规"\ntext = "x"\n',
    'id = "bad-{n}"\ntitle = "说法{n}"\ntext = "x"\nvariants = "不是列表"\n',
]

reply_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn", "Cf", "Zl", "Zp"))
    | st.sampled_from(list('亲，"\'\\\n{}#')),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() and "{" not in s and "}" not in s)


@st.composite
def files(draw: st.DrawFn) -> tuple[str, list[str], list[tuple[str | None, str]]]:
    """A book's text with good replies, unreadable ones, comments and unknown fields; returns
    (text, unreadable blocks, (owner id, line) of comments and unknown fields that must survive
    unless their reply is deleted)."""
    parts = ['# 团队的售前书\n[book]\nname = "书"  # 书名\nstage = "pre-sale"\n']
    must_survive: list[tuple[str | None, str]] = [(None, "# 团队的售前书"), (None, "# 书名")]
    unreadable: list[str] = []
    count = draw(st.integers(min_value=1, max_value=5))
    for number in range(count):
        table = {"id": f"ok-{number}", "title": f"好{number}", "text": draw(reply_text)}
        block = "[[phrase]]\n" + tomli_w.dumps(table, multiline_strings=True)
        if draw(st.booleans()):
            extra = f"owner = \"组长{number}\"  # 负责人 {number}"
            block += extra + "\n"
            must_survive.append((f"ok-{number}", extra))
        if draw(st.booleans()):
            comment = f"# 说明 {number}：旺季用"
            block = comment + "\n" + block
            must_survive.append((None, comment))  # between tables: kept even if a neighbour goes
        parts.append(block)
        if draw(st.booleans()):
            bad = "[[phrase]]\n" + draw(st.sampled_from(UNREADABLE)).format(n=number)
            parts.append(bad)
            unreadable.append(bad)
    return "\n".join(parts), unreadable, must_survive


def _save(book: Book, path: Path) -> str:
    store.save_book(book, expected_sha256=store.file_digest(path))
    return path.read_text(encoding="utf-8")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    file=files(),
    edit=st.booleans(),
    delete=st.booleans(),
    reverse=st.booleans(),
    add=st.booleans(),
)
def test_load_save_keeps_every_byte_the_loader_could_not_read(
    tmp_path: Path,
    file: tuple[str, list[str], list[tuple[str | None, str]]],
    edit: bool,
    delete: bool,
    reverse: bool,
    add: bool,
) -> None:
    text, unreadable, must_survive = file
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "book.toml"
    path.write_text(text, encoding="utf-8")
    book, _ = read_book(path)
    assert book is not None
    phrases = list(book.phrases)
    if edit:
        phrases[0] = dataclasses.replace(phrases[0], text="改过的正文\n第二行 {shop_name}", keys=("gg",))
    if delete and len(phrases) > 1:
        gone = phrases.pop()
        must_survive = [(owner, line) for owner, line in must_survive if owner != gone.id]
    if reverse:
        phrases.reverse()
    if add:
        phrases.append(Phrase("new-one", "新的", "亲，新加的", Stage.IN_SALE, "书", keys=("xx",)))
    written = _save(dataclasses.replace(book, phrases=tuple(phrases)), path)
    for block in unreadable:
        assert block in written
    for _owner, line in must_survive:
        assert line in written
    again, _ = read_book(path)
    assert again is not None
    assert [(p.id, p.text, p.keys, p.stage) for p in again.phrases] == [
        (p.id, p.text, p.keys, p.stage) for p in phrases
    ]
    # Saving what was just loaded changes nothing.
    assert _save(again, path) == written


def test_saving_an_unchanged_bundled_book_changes_no_byte(tmp_path: Path) -> None:
    source = Path(__file__).parents[2] / "phrasebooks" / "01-presale.toml"
    path = tmp_path / source.name
    path.write_bytes(source.read_bytes())
    book, problems = read_book(path)
    assert book is not None and not problems
    assert _save(book, path).encode("utf-8") == source.read_bytes()


def test_regression_editor_save_keeps_unreadable_reply_unknown_field_and_comments(tmp_path: Path) -> None:
    """Found: a reply with `keys = "hh"`, an unknown field and the `#` comments vanished on the
    next editor save, without a word."""
    path = tmp_path / "a.toml"
    path.write_text(
        "# 组长：改前先问我\n"
        '[book]\nname = "书"\nstage = "pre-sale"\n\n'
        '[[phrase]]\nid = "good"\ntitle = "好"\ntext = "亲，在的"\nowner = "小王"  # 负责人\n\n'
        '[[phrase]]\nid = "broken"\ntitle = "坏"\nkeys = "hh"\ntext = "亲，坏了"\n',
        encoding="utf-8",
    )
    book, problems = read_book(path)
    assert book is not None and [p.id for p in book.phrases] == ["good"]
    assert any(p.code == "schema" and p.phrase == "broken" for p in problems)
    session = EditSession([book], [], [])
    draft = session.books[0]
    draft.phrases[0].text = "亲，在的呢"
    draft.dirty = True
    session.save(draft)
    written = path.read_text(encoding="utf-8")
    assert "# 组长：改前先问我" in written
    assert 'owner = "小王"  # 负责人' in written
    assert '[[phrase]]\nid = "broken"\ntitle = "坏"\nkeys = "hh"\ntext = "亲，坏了"\n' in written
    assert 'text = "亲，在的呢"' in written


def test_new_file_layout_short_lists_on_one_line_and_book_first() -> None:
    phrase = Phrase("a", "标题", "第一行\n第二行", Stage.PRE_SALE, "书", keys=("aa", "bb"), tags=("发货",))
    text = bookfile.book_text(Book("书", Stage.PRE_SALE, Path("x.toml"), "", (phrase,)))
    assert text.startswith('[book]\nname = "书"\nstage = "pre-sale"\n\n[[phrase]]\n')
    assert 'keys = ["aa", "bb"]\n' in text
    assert 'tags = ["发货"]\n' in text
    assert 'text = """第一行\n第二行"""\n' in text


def test_a_field_added_later_goes_where_a_new_file_would_put_it(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text('[book]\nname = "书"\nstage = "pre-sale"\n\n[[phrase]]\nid = "a"\ntitle = "t"\ntext = "x"\n')  # noqa: E501
    book, _ = read_book(path)
    assert book is not None
    changed = dataclasses.replace(book.phrases[0], keys=("kk",))
    written = _save(dataclasses.replace(book, phrases=(changed,)), path)
    assert 'title = "t"\nkeys = ["kk"]\ntext = "x"\n' in written


def test_a_file_we_cannot_edit_in_place_is_refused_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    original = 'phrase = [{id = "a", title = "t", text = "x"}]\n[book]\nname = "书"\nstage = "pre-sale"\n'
    path.write_text(original)
    book, _ = read_book(path)
    assert book is not None and [p.id for p in book.phrases] == ["a"]
    try:
        store.save_book(book, expected_sha256=book.sha256)
    except store.SaveError as error:
        assert "未保存" in str(error)
    else:  # pragma: no cover - the point of the test
        raise AssertionError("an inline phrase array was rewritten")
    assert path.read_text() == original


def test_regression_a_comment_right_above_a_reply_stays_attached_to_it(tmp_path: Path) -> None:
    """Found: the first save put a blank line between `# 第二条` and the `[[phrase]]` below it."""
    path = tmp_path / "a.toml"
    original = (
        '[book]\nname = "书"\nstage = "pre-sale"\n\n[[phrase]]\nid = "a"\ntitle = "t"\ntext = "x"\n\n'
        '# 第二条：旺季用\n[[phrase]]\nid = "b"\ntitle = "t"\ntext = "y"\n'
    )
    path.write_text(original, encoding="utf-8")
    book, _ = read_book(path)
    assert book is not None
    assert _save(book, path) == original
    edited = dataclasses.replace(book.phrases[1], text="改了")
    written = _save(dataclasses.replace(book, phrases=(book.phrases[0], edited)), path)
    assert '# 第二条：旺季用\n[[phrase]]\nid = "b"' in written


def test_regression_a_compact_book_is_not_respaced(tmp_path: Path) -> None:
    """A file with no blank line between replies got one before every reply on the first save:
    one changed reply in a 30k-reply book made a 30,000-line diff."""
    path = tmp_path / "a.toml"
    tables = "".join(f'[[phrase]]\nid = "p{n}"\ntitle = "题{n}"\ntext = "回复{n}"\n' for n in range(4))
    original = '[book]\nname = "书"\nstage = "pre-sale"\n' + tables
    path.write_text(original, encoding="utf-8")
    book, _ = read_book(path)
    assert book is not None
    changed = dataclasses.replace(book.phrases[1], text="改了")
    added = Phrase("p9", "新", "新的", Stage.PRE_SALE, "书")
    phrases = (book.phrases[0], changed, *book.phrases[2:], added)
    written = _save(dataclasses.replace(book, phrases=phrases), path)
    appended = '[[phrase]]\nid = "p9"\ntitle = "新"\ntext = "新的"\n'
    assert written == original.replace('"回复1"', '"改了"') + appended
