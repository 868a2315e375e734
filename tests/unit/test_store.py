"""Saving never loses work: round trips, atomic replace, backups, conflicts, comments."""

from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import quickreply
from quickreply import store
from quickreply.books import read_book
from quickreply.model import Book, Phrase, Stage
from quickreply.sanitize import clean_line, clean_text

SAMPLE = """[book]
name = "样例"
stage = "pre-sale"

[[phrase]]
id = "a"
title = "标题"
text = "正文"
"""


def comparable(book: Book) -> tuple:
    """What a save must keep: everything but where things were in the file."""
    return (
        book.name,
        book.stage,
        book.description,
        tuple(replace(p, source=None, line=0, field_lines=()) for p in book.phrases),
    )


texts = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)
    .map(lambda raw: clean_text(raw).text)
    .filter(lambda text: text.strip() != "")
)
tricky = st.sampled_from(['"""', "\\", "\\n", "'''", "  ", "\n", "😀", "发货", "{{", "\t", '"', "#"])
reply_text = (
    st.lists(st.one_of(texts, tricky), min_size=1, max_size=6)
    .map("".join)
    .map(lambda raw: clean_text(raw).text)
    .filter(lambda text: text.strip() != "")
)
titles = reply_text.map(lambda raw: clean_line(raw).text).filter(bool)


@st.composite
def books(draw: st.DrawFn) -> Book:
    count = draw(st.integers(min_value=1, max_value=4))
    phrases = tuple(
        Phrase(
            id=f"p{number}",
            title=draw(titles),
            text=draw(reply_text),
            stage=draw(st.sampled_from(list(Stage))),
            book="书",
            keys=tuple(
                draw(st.lists(st.from_regex(r"[a-z0-9]{1,5}", fullmatch=True), max_size=2, unique=True))
            ),
            tags=tuple(draw(st.lists(titles, max_size=2))),
            variants=tuple(draw(st.lists(reply_text, max_size=2))),
            note=draw(st.one_of(st.just(""), reply_text)),
            expires=draw(st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)))),
        )
        for number in range(count)
    )
    return Book(
        "书",
        draw(st.sampled_from(list(Stage))),
        Path("x.toml"),
        draw(st.one_of(st.just(""), titles)),
        phrases,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(book=books())
def test_load_save_load_keeps_every_book(book: Book, tmp_path: Path) -> None:
    path = tmp_path / "book.toml"
    saved = store.save_book(book, expected_sha256=store.file_digest(path), path=path)
    loaded, problems = read_book(path)
    # Arbitrary text may hold stray braces: reported, but nothing is dropped.
    assert [p for p in problems if p.code not in ("bad-placeholder", "full-width-brace")] == []
    assert loaded is not None and comparable(loaded) == comparable(book)
    assert loaded.sha256 == saved.sha256
    # Saving what was loaded changes nothing on disk.
    assert store.book_to_toml(loaded) == path.read_text(encoding="utf-8")


def test_multiline_text_is_written_readably(tmp_path: Path) -> None:
    book = Book(
        "书",
        Stage.IN_SALE,
        tmp_path / "a.toml",
        "",
        (Phrase("a", "标题", "第一行\n第二行", Stage.IN_SALE, "书", keys=("fp",)),),
    )
    text = store.book_to_toml(book)
    assert '"""\n第一行\n第二行"""' in text or '"""第一行\n第二行"""' in text
    assert "\\u" not in text  # Chinese as is
    assert text.index("id =") < text.index("title =") < text.index("keys =") < text.index("text =")


def test_a_save_failing_midway_leaves_the_old_file_byte_identical(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "a.toml"
    path.write_text(SAMPLE, encoding="utf-8")
    before = path.read_bytes()
    book, _ = read_book(path)
    assert book is not None

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        store.save_book(replace(book, name="改了"), expected_sha256=book.sha256)
    assert path.read_bytes() == before
    assert list(tmp_path.glob(".quickreply-*")) == []  # no temporary left behind


def test_a_file_changed_on_disk_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text(SAMPLE, encoding="utf-8")
    book, _ = read_book(path)
    assert book is not None
    path.write_text(SAMPLE.replace("正文", "同事改的"), encoding="utf-8")  # a colleague saved first
    with pytest.raises(store.ConflictError):
        store.save_book(replace(book, name="我的"), expected_sha256=book.sha256)
    assert "同事改的" in path.read_text(encoding="utf-8")
    # Saving under a new name works.
    other = tmp_path / "a-我的.toml"
    store.save_book(replace(book, name="我的"), expected_sha256=None, path=other)
    assert read_book(other)[0].name == "我的"


def test_mode_and_symlink_survive_a_save(tmp_path: Path) -> None:
    real = tmp_path / "real.toml"
    real.write_text(SAMPLE, encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    book, _ = read_book(link)
    assert book is not None
    store.save_book(replace(book, name="新名字"), expected_sha256=book.sha256)
    assert link.is_symlink()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert read_book(real)[0].name == "新名字"


def test_backups_are_kept_and_restored(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text(SAMPLE, encoding="utf-8")
    sha = store.file_digest(path)
    for number in range(store.BACKUPS_KEPT + 3):
        sha = store.save_text(path, SAMPLE.replace("正文", f"第{number}版"), expected_sha256=sha).sha256
    kept = store.backups(path)
    assert len(kept) == store.BACKUPS_KEPT
    assert "第21版" in kept[0].read_text(encoding="utf-8")
    store.restore(path, kept[0], expected_sha256=sha)
    assert "第21版" in path.read_text(encoding="utf-8")


def test_comments_are_detected() -> None:
    assert store.has_comments("# 说明\n[book]\n")
    assert store.has_comments('title = "a" # 尾注\n')
    assert not store.has_comments('text = "价格 #1 款"\n')
    assert not store.has_comments('text = """第一行\n# 不是注释\n"""\n')
    assert quickreply.load  # the public API is unchanged


def test_stale_temporaries_are_removed(tmp_path: Path) -> None:
    (tmp_path / ".quickreply-abc.tmp").write_text("half", encoding="utf-8")
    assert len(store.remove_stale_temporaries(tmp_path)) == 1
    assert list(tmp_path.iterdir()) == []
