""""Updated since you last used it" (issue 12): the usage record keeps each reply's last used
text, and the change since is shown in pieces (old struck through, new highlighted)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quickreply import usage
from quickreply.textdiff import change_pieces, changes
from quickreply.usage import LastUsedTexts, UsageLog, read_last_used, text_hash

from .test_usage_faults import make_read_only

OLD = "亲，退款会在3个工作日内原路退回，请耐心等待。"
NEW = "亲，退款会在7个工作日内原路退回，请耐心等待。"


def test_record_text_keeps_the_last_text_per_reply(tmp_path: Path) -> None:
    log = UsageLog(tmp_path / "usage.sqlite3")
    assert log.record_text("refund", OLD, when=dt.datetime(2026, 11, 1, 9, 0))
    assert log.record_text("refund", NEW, when=dt.datetime(2026, 11, 2, 9, 0))  # replaces, not adds
    assert log.record_text("ship", "今天发", when=dt.datetime(2026, 11, 2, 9, 5))
    log.close()
    rows = sqlite3.connect(tmp_path / "usage.sqlite3").execute(
        "SELECT phrase, hash, text, time FROM last_used ORDER BY phrase"
    )
    assert list(rows) == [
        ("refund", text_hash(NEW), NEW, "2026-11-02T09:00:00"),
        ("ship", text_hash("今天发"), "今天发", "2026-11-02T09:05:00"),
    ]


def test_last_used_reads_back_what_was_recorded(tmp_path: Path) -> None:
    log = UsageLog(tmp_path / "usage.sqlite3")
    log.record_text("refund", OLD)
    texts = UsageLog(tmp_path / "usage.sqlite3").last_used()
    assert len(texts) == 1
    assert texts.before("refund", NEW) == OLD
    assert texts.before("refund", OLD) is None
    log.close()


def test_an_older_database_gains_the_table(tmp_path: Path) -> None:
    """A usage file from before this feature (uses only) opens and records last used texts."""
    path = tmp_path / "usage.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE uses (time TEXT, phrase TEXT, book TEXT, stage TEXT, shop TEXT, query TEXT)")
    db.commit()
    db.close()
    log = UsageLog(path)
    assert log.record_text("refund", OLD)
    assert log.last_used().before("refund", NEW) == OLD
    log.close()


def test_a_read_only_record_degrades_without_raising(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "usage.sqlite3"
    UsageLog(path).close()
    make_read_only(path, monkeypatch)
    monkeypatch.setattr(usage, "BUSY_TIMEOUT", 0.05)
    log = UsageLog(path)
    assert log.record_text("refund", OLD) is False
    assert log.failure == "文件是只读的"
    assert len(log.last_used()) == 0
    log.close()


@pytest.mark.parametrize(
    ("rows", "phrase", "now", "updated"),
    [
        ({}, "refund", NEW, False),  # never used: nothing to compare with
        ({"refund": OLD}, "refund", OLD, False),  # same text
        ({"refund": OLD}, "refund", NEW, True),  # the team changed it
        ({"refund": OLD}, "ship", NEW, False),  # another reply
        ({"refund": OLD}, "refund", OLD + " ", True),  # any change counts, even a space
    ],
)
def test_updated_compares_with_the_last_used_text(
    rows: dict[str, str], phrase: str, now: str, updated: bool
) -> None:
    texts = LastUsedTexts({pid: usage.LastUsed(text_hash(text), text, "") for pid, text in rows.items()})
    assert texts.is_updated(phrase, now) is updated
    assert texts.before(phrase, now) == (rows[phrase] if updated else None)


def test_note_ends_updated_and_says_whether_it_was() -> None:
    texts = LastUsedTexts()
    assert texts.note("refund", OLD) is False  # first use: was not updated
    assert texts.is_updated("refund", NEW)
    assert texts.note("refund", NEW) is True  # used again after the change
    assert not texts.is_updated("refund", NEW)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "退款3天到账",
            "退款7天到账",
            [("退款", "same"), ("3", "removed"), ("7", "added"), ("天到账", "same")],
        ),
        # A one-character unchanged run between two changes joins them: one change, not two.
        ("3天到", "7日到", [("3天", "removed"), ("7日", "added"), ("到", "same")]),
        ("中通快递", "中通快递，顺丰可选", [("中通快递", "same"), ("，顺丰可选", "added")]),
        ("请拍下后联系客服", "请联系客服", [("请", "same"), ("拍下后", "removed"), ("联系客服", "same")]),
        ("", "新的", [("新的", "added")]),
    ],
)
def test_changes_by_character(old: str, new: str, expected: list[tuple[str, str]]) -> None:
    assert changes(old, new) == expected


def test_change_pieces_cut_long_unchanged_runs_to_context() -> None:
    head, tail = "甲" * 30, "乙" * 30
    pieces = change_pieces(head + "3天" + tail, head + "7天" + tail, context=4)
    assert pieces == [
        ("…", "gap"),
        ("甲甲甲甲", "same"),
        ("3", "removed"),
        ("7", "added"),
        ("天乙乙乙", "same"),
        ("…", "gap"),
    ]


def test_change_pieces_keep_both_contexts_between_two_distant_changes() -> None:
    middle = "的" * 20
    pieces = change_pieces("A" + middle + "B", "C" + middle + "D", context=3)
    assert pieces == [
        ("A", "removed"),
        ("C", "added"),
        ("的的的", "same"),
        ("…", "gap"),
        ("的的的", "same"),
        ("B", "removed"),
        ("D", "added"),
    ]


def test_change_pieces_of_equal_texts_are_empty() -> None:
    assert change_pieces(OLD, OLD) == []


def test_change_pieces_rebuild_both_texts_when_nothing_is_cut() -> None:
    pieces = change_pieces(OLD, NEW, context=1000)
    assert "".join(text for text, kind in pieces if kind != "added") == OLD
    assert "".join(text for text, kind in pieces if kind != "removed") == NEW


TEXTS = st.text(alphabet="退款天3 7，。\n甲乙", max_size=40)


@given(TEXTS, TEXTS)
def test_changes_always_rebuild_both_texts(old: str, new: str) -> None:
    """Whatever the texts, the unchanged and removed runs give the old one, unchanged and added
    the new one: the preview never shows a character that was not there."""
    pieces = changes(old, new)
    assert "".join(text for text, kind in pieces if kind != "added") == old
    assert "".join(text for text, kind in pieces if kind != "removed") == new
    assert all(text for text, _ in pieces)


def test_a_short_tail_is_kept_whole() -> None:
    """Cutting four characters to show … saves nothing: a run is cut only when that hides at
    least a context's worth."""
    tail = "个工作日内原路退回，请耐心等待。"
    pieces = change_pieces("退款3" + tail, "退款7" + tail, context=12)
    assert pieces[-1] == (tail, "same")
    cut = change_pieces("3" + "的" * 24 + "。", "7" + "的" * 24 + "。", context=12)
    assert cut[-2:] == [("的" * 12, "same"), ("…", "gap")]


def test_read_last_used_reads_only(tmp_path: Path) -> None:
    """What search --json uses: never creates nor changes the file; an older record (no table),
    a missing file or a file that is not a database read as empty."""
    path = tmp_path / "usage.sqlite3"
    assert len(read_last_used(path)) == 0 and not path.exists()
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE uses (time TEXT, phrase TEXT)")
    db.commit()
    db.close()
    assert len(read_last_used(path)) == 0
    assert [row[0] for row in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")] == ["uses"]
    log = UsageLog(path)
    log.record_text("refund", OLD)
    log.close()
    assert read_last_used(path).before("refund", NEW) == OLD
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not sqlite" * 100)
    assert len(read_last_used(garbage)) == 0
