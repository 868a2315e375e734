"""``starts = DATE``: a reply hidden before a day (presale replies before 预售 opens), kept by
every reader and writer as ``expires`` is, and warned about when it comes after ``expires``."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

import quickreply
from quickreply import schema, store
from quickreply.bookfile import book_text
from quickreply.books import read_book
from quickreply.editing import EditSession, PhraseDraft
from quickreply.model import Book, Phrase, Severity, Stage

PRESALE = """
[book]
name = "预售"
stage = "售前"

[[phrase]]
id = "always"
title = "一直都在"
text = "亲，预售商品付款后尽快安排发货"

[[phrase]]
id = "presale-open"
title = "预售开始"
text = "亲，双十二预售已经开始啦，付定金就能锁定优惠"
starts = 2026-12-01
expires = 2026-12-12
"""


@pytest.fixture
def books(write_book) -> Path:
    return write_book("a.toml", PRESALE).parent


def at(books: Path, day: str) -> quickreply.Library:
    return quickreply.load(books, clock=lambda: dt.datetime.fromisoformat(day))


# --- schema --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2026, 12, 1), dt.date(2026, 12, 1)),
        (dt.datetime(2026, 12, 1, 9, 30), dt.date(2026, 12, 1)),  # a date-time counts by its day
        (None, None),
    ],
)
def test_starts_is_a_date(value: object, expected: dt.date | None) -> None:
    table = {"id": "a", "title": "t", "text": "x", **({"starts": value} if value is not None else {})}
    fields, found = schema.check_phrase(table, book_stage=Stage.PRE_SALE)
    assert fields is not None and fields.starts == expected
    assert found == []


def test_starts_that_is_not_a_date_is_an_error_naming_the_field() -> None:
    fields, found = schema.check_phrase({"id": "a", "title": "t", "text": "x", "starts": "12月1日"})
    assert fields is None
    ((finding),) = [f for f in found if f.field == "starts"]
    assert finding.is_error
    assert "开始日期（starts）" in finding.message and "starts = 2026-11-12" in finding.message


@pytest.mark.parametrize(
    ("starts", "expires", "warned"),
    [
        (dt.date(2026, 12, 13), dt.date(2026, 12, 12), True),
        (dt.date(2026, 12, 12), dt.date(2026, 12, 12), False),  # a one-day window is fine
        (dt.date(2026, 12, 1), dt.date(2026, 12, 12), False),
    ],
)
def test_starts_after_expires_is_a_warning(starts: dt.date, expires: dt.date, warned: bool) -> None:
    table = {"id": "a", "title": "t", "text": "x", "starts": starts, "expires": expires}
    fields, found = schema.check_phrase(table, book_stage=Stage.PRE_SALE)
    assert fields is not None  # still loaded: the lead fixes the date
    codes = [(f.field, f.code, f.severity) for f in found]
    assert codes == ([("starts", "starts-after-expires", Severity.WARNING)] if warned else [])


def test_starts_is_written_before_expires() -> None:
    fields = schema.PhraseFields("a", "t", "x", expires=dt.date(2026, 12, 12), starts=dt.date(2026, 12, 1))
    assert list(schema.phrase_table(fields)) == ["id", "title", "text", "starts", "expires"]
    again, _ = schema.check_phrase(schema.phrase_table(fields), book_stage=Stage.PRE_SALE)
    assert again == fields


# --- loader --------------------------------------------------------------------------------------


def test_loaded_phrase_has_its_window(books: Path) -> None:
    phrase = at(books, "2026-12-05T10:00").phrase("presale-open")
    assert (phrase.starts, phrase.expires) == (dt.date(2026, 12, 1), dt.date(2026, 12, 12))
    assert phrase.line_of("starts") == 14


def test_loader_points_at_the_starts_line(write_book, books: Path) -> None:
    write_book(
        "b.toml",
        """
        [book]
        name = "坏日期"
        stage = "售前"

        [[phrase]]
        id = "bad-date"
        title = "坏日期"
        text = "x"
        starts = "下周一"

        [[phrase]]
        id = "never"
        title = "永不显示"
        text = "y"
        expires = 2026-12-01
        starts = 2026-12-02
        """,
    )
    library = at(books, "2026-11-23T10:00")
    found = {(p.file.name, p.line, p.code, p.severity) for p in library.problems}
    assert found == {
        ("b.toml", 9, "schema", Severity.ERROR),
        ("b.toml", 16, "starts-after-expires", Severity.WARNING),
    }
    assert "never" in {phrase.id for phrase in library.phrases}


# --- visibility ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "shown"),
    [
        ("2026-11-30T23:59", False),  # the evening before 预售 opens
        ("2026-12-01T00:00", True),  # starts is inclusive
        ("2026-12-12T23:59", True),  # so is expires
        ("2026-12-13T00:00", False),
    ],
)
def test_search_shows_a_reply_only_inside_its_window(now: str, shown: bool, books: Path) -> None:
    library = at(books, now)
    ids = [hit.phrase.id for hit in library.search("预售")]
    assert ("presale-open" in ids) is shown
    assert "always" in ids
    assert library.phrase("presale-open").is_shown(dt.datetime.fromisoformat(now).date()) is shown


def test_include_expired_shows_replies_not_started_yet_too(books: Path) -> None:
    library = at(books, "2026-11-23T10:00")
    assert "presale-open" in [hit.phrase.id for hit in library.search("预售", include_expired=True)]


def test_the_app_clock_moving_past_starts_shows_the_reply(books: Path) -> None:
    """The mask is cached per day: a library kept open across midnight must not keep the old one."""
    now = [dt.datetime(2026, 11, 30, 23, 0)]
    library = quickreply.load(books, clock=lambda: now[0])
    assert "presale-open" not in [hit.phrase.id for hit in library.search("预售")]
    now[0] = dt.datetime(2026, 12, 1, 8, 0)
    assert "presale-open" in [hit.phrase.id for hit in library.search("预售")]


def test_render_by_id_still_works_before_starts(books: Path) -> None:
    """Like an expired reply, one not started yet is only hidden from search: a lead can read it."""
    library = at(books, "2026-11-23T10:00")
    assert library.render("presale-open").text.startswith("亲，双十二预售")


# --- writers -------------------------------------------------------------------------------------


def test_save_and_load_keep_starts(tmp_path: Path) -> None:
    phrase = Phrase(
        "presale", "预售", "预售开始啦", Stage.PRE_SALE, "书",
        starts=dt.date(2026, 12, 1), expires=dt.date(2026, 12, 12),
    )
    path = tmp_path / "book.toml"
    book = Book("书", Stage.PRE_SALE, path, "", (phrase,))
    store.save_book(book, expected_sha256=store.file_digest(path), path=path)
    text = path.read_text(encoding="utf-8")
    assert "starts = 2026-12-01\nexpires = 2026-12-12" in text
    loaded, problems = read_book(path)
    assert problems == [] and loaded is not None
    assert (loaded.phrases[0].starts, loaded.phrases[0].expires) == (phrase.starts, phrase.expires)


def test_in_place_edit_adds_starts_before_expires_and_keeps_the_rest(tmp_path: Path, books: Path) -> None:
    original = (books / "a.toml").read_text(encoding="utf-8").replace("starts = 2026-12-01\n", "")
    path = tmp_path / "a.toml"
    path.write_text(original, encoding="utf-8")
    book, _ = read_book(path)
    assert book is not None and book.phrases[1].starts is None
    changed = dataclasses.replace(book.phrases[1], starts=dt.date(2026, 12, 1))
    edited = book_text(Book(book.name, book.stage, path, "", (book.phrases[0], changed)), original)
    assert edited == original.replace("expires = 2026-12-12", "starts = 2026-12-01\nexpires = 2026-12-12")


def test_editor_draft_round_trip_keeps_starts(tmp_path: Path, books: Path) -> None:
    book, _ = read_book(books / "a.toml")
    assert book is not None
    session = EditSession([book], [], [])
    draft = PhraseDraft.from_phrase(book.phrases[1], book.stage)
    assert draft.starts == dt.date(2026, 12, 1)
    assert draft.to_table()["starts"] == dt.date(2026, 12, 1)
    assert draft.to_phrase(session.books[0]).starts == dt.date(2026, 12, 1)
    draft.starts = dt.date(2026, 12, 20)
    assert any("晚于" in message for _severity, message in session.input_errors(draft)["starts"])
