"""Proof that export → import loses nothing: hostile libraries, every re-importable format,
imported into an empty folder while QUICKREPLY_DIR points at another, non-empty library."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import quickreply
from quickreply import cli, store
from quickreply.locations import bundled_phrasebooks
from quickreply.model import Book, Phrase, Stage

# Pieces that broke, or could break, one format or another: TOML quotes and escapes, CSV
# quoting and formulas, Sogou's ; and # line starts, template braces, emoji and CJK.
TRICKY = [
    '"',
    "'",
    "\\",
    '"""',
    "'''",
    "\n",
    "\n;",
    "\n#",
    ";",
    "#",
    "=",
    "+",
    "-",
    "@",
    "'=",
    "{{",
    "}}",
    "{{ }}",
    "{shop_name}",
    "{order_no|默认单号}",
    ",",
    "，",
    "、",
    "[",
    "]",
    "😀",
    "👍🏽",
    "亲，",
    "发货",
    " ",
    "  ",
]
_plain = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"), exclude_characters="{}"),
    max_size=6,
)
_piece = st.one_of(st.sampled_from(TRICKY), _plain)
texts = st.lists(_piece, min_size=1, max_size=10).map("".join).filter(lambda text: bool(text.strip()))
lines = texts.map(lambda text: " ".join(text.split("\n")).strip()).filter(bool)


@st.composite
def phrases(draw: st.DrawFn, number: int, book: str) -> Phrase:
    return Phrase(
        id=f"p{number}",
        title=draw(lines),
        text=draw(texts),
        stage=draw(st.sampled_from(list(Stage))),
        book=book,
        keys=(f"k{number}", f"x{number}z")[: draw(st.integers(0, 2))],  # unique across the library
        tags=tuple(draw(st.lists(lines, max_size=3))),
        variants=tuple(draw(st.lists(texts, max_size=2))),
        note=draw(st.one_of(st.just(""), texts)),
        expires=draw(st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)))),
        starts=draw(st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)))),
    )


@st.composite
def libraries(draw: st.DrawFn) -> list[Book]:
    books = []
    number = 0
    for index in range(draw(st.integers(1, 2))):
        name = f"{draw(lines)}{index}"
        members = []
        for _ in range(draw(st.integers(1, 4))):
            members.append(draw(phrases(number, name)))
            number += 1
        books.append(
            Book(name, draw(st.sampled_from(list(Stage))), Path(f"b{index}.toml"), phrases=tuple(members))
        )
    return books


def essence(library: quickreply.Library) -> dict[str, tuple]:
    return {
        p.id: (p.title, p.text, p.stage, p.book, p.keys, p.tags, p.variants, p.note, p.expires, p.starts)
        for p in (replace(p, source=None, line=0, field_lines=()) for p in library.phrases)
    }


@pytest.fixture
def live_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    live = tmp_path / "live"
    shutil.copytree(bundled_phrasebooks(), live)
    monkeypatch.setenv("QUICKREPLY_DIR", str(live))
    return live


@pytest.mark.parametrize("fmt", ["toml", "json", "csv", "xlsx"])
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(books=libraries())
def test_export_then_import_into_an_empty_dir_loses_nothing(
    fmt: str, books: list[Book], live_dir: Path, tmp_path: Path
) -> None:
    live_before = {path.name: path.read_bytes() for path in live_dir.iterdir()}
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    source = work / "source"
    source.mkdir()
    for book in books:
        store.save_book(replace(book, path=source / book.path.name), expected_sha256=None)
    (source / "shops.toml").write_text('[[shop]]\nshop_name = "甲店"\ncutoff = "16:00"\n', encoding="utf-8")
    reference = quickreply.load(source)
    assert not reference.errors, [problem.format() for problem in reference.errors]
    assert len(reference.phrases) == sum(len(book.phrases) for book in books)

    exported = work / f"out.{fmt}"
    assert cli.main(["export", "-d", str(source), "-o", str(exported)]) == 0
    target = work / "empty"
    target.mkdir()
    assert cli.main(["import", str(exported), "--into", str(target)]) == 0

    imported = quickreply.load(target)
    assert not imported.errors, [problem.format() for problem in imported.errors]
    assert essence(imported) == essence(reference)
    if fmt in ("toml", "json"):  # bundles carry the shops too
        assert imported.shops == reference.shops
    assert {path.name: path.read_bytes() for path in live_dir.iterdir()} == live_before
