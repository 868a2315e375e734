"""The editing model behind the editor screen: validation, structural changes, undo, saving."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import quickreply
from quickreply import store
from quickreply.books import read_book
from quickreply.editing import EditSession, InvalidPhrasesError, PhraseDraft
from quickreply.locations import bundled_phrasebooks
from quickreply.model import Severity, Stage
from quickreply.rules import load_rules


@pytest.fixture
def session(tmp_path: Path) -> EditSession:
    target = tmp_path / "books"
    shutil.copytree(bundled_phrasebooks(), target)
    library = quickreply.load(target)
    rules, _ = load_rules(library.directories)
    return EditSession(library.books, library.shops, rules)


def errors(findings) -> dict[str, list[str]]:
    return {
        name: [m for s, m in found if s is Severity.ERROR]
        for name, found in findings.items()
        if any(s is Severity.ERROR for s, _ in found)
    }


def test_invalid_input_is_reported_at_the_field(session: EditSession) -> None:
    book = session.books[0]
    draft = PhraseDraft(id="invoice-yes", title=" ", text="{a.b}", keys=["fp", "有 空格"])
    found = errors(session.input_errors(draft))
    assert set(found) == {"id", "title", "text", "keys"}
    assert "已被使用" in found["id"][0]
    assert any("invoice-yes" in message for message in found["keys"])
    assert errors(session.input_errors(PhraseDraft(id="ok-1", title="好", text="亲"))) == {}
    rule = session.validate(book, PhraseDraft(id="ok-2", title="好", text="加我微信吧"))
    assert any("off-platform-contact" in m for _, m in rule["text"])


def test_add_duplicate_delete_undo(session: EditSession) -> None:
    book = session.books[0]
    count = len(book.phrases)
    position = session.add(book, after=0)
    assert position == 1 and book.phrases[1].id == "new-reply" and book.dirty
    copy_at = session.duplicate(book, 2)
    assert book.phrases[copy_at].id.endswith("-2") and book.phrases[copy_at].keys == []
    removed = session.delete(book, 0)
    assert len(book.phrases) == count + 1
    assert session.undo() == f"删除 {removed.id}"
    assert session.books[0].phrases[0].id == removed.id
    session.undo()
    session.undo()
    assert len(session.books[0].phrases) == count


def test_move_reorder_and_new_book(session: EditSession, tmp_path: Path) -> None:
    first, second = session.books[0], session.books[1]
    moved = first.phrases[0].id
    index = session.move(first, 0, second)
    assert second.phrases[index].id == moved and first.dirty and second.dirty
    assert session.reorder(second, index, -1) == index - 1
    assert second.phrases[index - 1].id == moved
    book = session.new_book(first.path.parent, "新活动话术", Stage.PRE_SALE)
    assert book.path.name == "新活动话术.toml" and book.sha256 is None


def test_save_writes_only_valid_books_and_refuses_conflicts(session: EditSession) -> None:
    book = session.books[0]
    book.phrases[0].title = "改过的欢迎语"
    book.dirty = True
    session.save(book)
    assert not book.dirty
    reloaded = quickreply.load(book.path.parent)
    assert reloaded.phrase("greet-welcome").title == "改过的欢迎语"
    assert store.backups(book.path)  # the old version was kept
    # A colleague edits the file; our next save must not overwrite it.
    book.path.write_text(book.path.read_text(encoding="utf-8").replace("改过的", "同事的"), encoding="utf-8")
    book.phrases[1].title = "我的修改"
    with pytest.raises(store.ConflictError):
        session.save(book)
    assert "同事的欢迎语" in book.path.read_text(encoding="utf-8")
    original = book.path
    other = book.path.with_name("我的版本.toml")
    session.save(book, path=other)  # save under a new name instead
    saved_as, _ = read_book(other)
    assert saved_as is not None and saved_as.phrases[1].title == "我的修改"
    assert book.path == other and not book.dirty
    with pytest.raises(store.ConflictError):  # save-as never overwrites an existing file
        session.save(book, path=original)
    book.path = original
    book.sha256 = store.file_digest(original)
    fresh = session.reload(book)  # or take the colleague's version
    assert fresh.phrases[0].title == "同事的欢迎语"


def test_invalid_phrase_blocks_saving_its_book_only(session: EditSession) -> None:
    bad, good = session.books[0], session.books[1]
    bad.phrases[0].id = "Bad Id"
    bad.dirty = good.dirty = True
    with pytest.raises(InvalidPhrasesError):
        session.save(bad)
    session.save(good)
    assert not good.dirty and bad.dirty


def test_new_book_round_trips(session: EditSession) -> None:
    book = session.new_book(session.books[0].path.parent, "测试书", Stage.AFTER_SALE)
    position = session.add(book)
    book.phrases[position].text = "亲，已经为您登记了，{today}内处理。"
    session.save(book)
    assert quickreply.load(book.path.parent).phrase("new-reply").stage is Stage.AFTER_SALE
