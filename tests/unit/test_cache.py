"""The on-disk library cache: a warm load gives exactly what a cold one gives, and a lost,
broken, stale or unwritable cache only means a cold load."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

import quickreply
import quickreply.library as library_module
from quickreply import cache
from quickreply.books import load_dirs
from quickreply.locations import bundled_phrasebooks
from quickreply.model import FieldLines

QUERIES = ["发货", "fahuo", "退货", "亲，什么时候发货呀，我急用", "tuih", "fhsj", "运废", ""]

BROKEN_BOOK = """\
[book]
name = "问题书"
stage = "after-sale"

[[phrase]]
id = "refund"
title = "退款进度"
text = "亲，退款已经在处理了"

[[phrase]]
id = "refund"
title = "重复的 id"
text = "这一条不会载入"

[[phrase]]
id = "late"
title = "发货慢"
text = "亲，{ship_day}发出哦"
keys = ["fhm"]
"""


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("QUICKREPLY_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def books(tmp_path: Path) -> Path:
    folder = tmp_path / "books"
    shutil.copytree(bundled_phrasebooks(), folder)
    (folder / "broken.toml").write_text(BROKEN_BOOK, encoding="utf-8")
    (folder / "bad-syntax.toml").write_text('[book]\nname = "坏"\nstage = \n', encoding="utf-8")
    return folder


def entries(cache_dir: Path) -> list[Path]:
    folder = cache_dir / "library"
    return sorted(folder.glob("*.qrcache")) if folder.is_dir() else []


def outcome(library: quickreply.Library) -> tuple[object, ...]:
    """Everything a command can show: phrases, books, shops, problems and search results."""
    searches = [
        [(hit.phrase.id, hit.score, hit.reason, hit.title_spans, hit.text_spans) for hit in library.search(q)]
        for q in QUERIES
    ]
    return (
        library.phrases,
        library.books,
        library.shops,
        [problem.format() for problem in library.problems],
        {name: _spec(spec) for name, spec in library.placeholders.declared.items()},
        library.placeholders.origins,
        searches,
        [library.is_personal(phrase) for phrase in library.phrases],
    )


def _spec(spec: object) -> dict[str, object]:
    """A placeholder spec as plain values (a compiled pattern compares by identity)."""
    fields = {field.name: getattr(spec, field.name) for field in dataclasses.fields(spec)}  # type: ignore[arg-type]
    if (pattern := fields.get("pattern")) is not None:
        fields["pattern"] = (pattern.pattern, pattern.flags)
    return fields


def no_cold_load(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("the books were read again: the cache was not used")

    monkeypatch.setattr(library_module, "load_dirs", refuse)


def test_a_warm_load_gives_what_the_cold_one_gave(
    books: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = quickreply.load(books)
    assert any(problem.code == "duplicate-id" for problem in cold.problems)
    assert any(problem.code == "toml-syntax" for problem in cold.problems)
    assert len(entries(cache_dir)) == 1
    expected = outcome(cold)
    no_cold_load(monkeypatch)
    warm = quickreply.load(books)
    assert outcome(warm) == expected
    assert warm.phrase("late").line_of("keys") == cold.phrase("late").line_of("keys") == 19


@pytest.mark.parametrize("damage", ["truncated", "garbage", "flipped", "empty", "other-key"])
def test_a_broken_entry_means_a_cold_load_with_the_same_result(
    books: Path, cache_dir: Path, damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = outcome(quickreply.load(books))
    (entry,) = entries(cache_dir)
    data = entry.read_bytes()
    if damage == "truncated":
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        entry.write_bytes(os.urandom(len(data)))
    elif damage == "flipped":  # still unpickles: only the CRC tells
        middle = len(data) // 2
        entry.write_bytes(data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :])
    elif damage == "empty":
        entry.write_bytes(b"")
    else:  # an entry of other books under this name
        start = len(cache._MAGIC)
        entry.write_bytes(data[:start] + b"\x00" * 32 + data[start + 32 :])
    assert outcome(quickreply.load(books)) == expected
    # and the entry is whole again for the next start
    no_cold_load(monkeypatch)
    assert outcome(quickreply.load(books)) == expected


def test_an_unwritable_cache_folder_only_costs_time(
    books: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = outcome(quickreply.load(books))
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("QUICKREPLY_CACHE_DIR", str(blocker / "cache"))
    assert outcome(quickreply.load(books)) == expected
    assert outcome(quickreply.load(books)) == expected


def test_a_changed_book_of_the_same_size_and_mtime_is_not_served_stale(books: Path, cache_dir: Path) -> None:
    book = books / "broken.toml"
    before = quickreply.load(books)
    stamp = book.stat()
    text = book.read_text(encoding="utf-8")
    changed = text.replace("亲，退款已经在处理了", "亲，退款已走绿色通道")
    assert len(changed.encode()) == len(text.encode())
    book.write_text(changed, encoding="utf-8")
    os.utime(book, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert book.stat().st_size == stamp.st_size and book.stat().st_mtime_ns == stamp.st_mtime_ns
    after = quickreply.load(books)
    assert before.phrase("refund").text == "亲，退款已经在处理了"
    assert after.phrase("refund").text == "亲，退款已走绿色通道"
    assert "refund" in [hit.phrase.id for hit in after.search("绿色通道")]
    assert "refund" not in [hit.phrase.id for hit in before.search("绿色通道")]
    assert len(entries(cache_dir)) == 2


def test_a_new_or_removed_file_is_a_new_key(books: Path, cache_dir: Path) -> None:
    quickreply.load(books)
    (books / "shops.toml").unlink(missing_ok=True)
    (books / "shops.toml").write_text('[[shop]]\nshop_name = "新店"\n', encoding="utf-8")
    assert [shop.name for shop in quickreply.load(books).shops] == ["新店"]
    (books / "bad-syntax.toml").unlink()
    assert not any(p.code == "toml-syntax" for p in quickreply.load(books).problems)


def test_a_file_changed_during_a_cold_load_is_not_stored(books: Path, cache_dir: Path) -> None:
    snapshot = cache.Snapshot([books], [])
    assert snapshot.key is not None
    (books / "broken.toml").write_text(BROKEN_BOOK.replace("退款进度", "退款进度！"), encoding="utf-8")
    with snapshot.serving():
        load_dirs([books])
    assert not snapshot.complete


def test_an_unreadable_file_is_never_cached(books: Path, cache_dir: Path) -> None:
    (books / "dangling.toml").symlink_to(books / "nowhere.toml")
    first = quickreply.load(books)
    assert any(problem.code == "io" for problem in first.problems)
    assert entries(cache_dir) == []
    assert [p.format() for p in quickreply.load(books).problems] == [p.format() for p in first.problems]


def test_check_loads_without_the_index_and_the_app_adds_it(
    books: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unindexed = quickreply.load(books, search_index=False)
    assert "index" not in vars(unindexed)
    indexed = quickreply.load(books)  # from the entry, the index built and stored
    assert "index" in vars(indexed)
    no_cold_load(monkeypatch)
    monkeypatch.setattr(library_module.SearchIndex, "__init__", None)  # never built again
    warm = quickreply.load(books)
    assert "index" in vars(warm)
    assert [h.phrase.id for h in warm.search("发货")] == [h.phrase.id for h in indexed.search("发货")]
    checked = quickreply.load(books, search_index=False)  # `check`: the stored index not read
    assert "index" not in vars(checked) and checked.phrases == warm.phrases
    assert [p.format() for p in checked.problems] == [p.format() for p in warm.problems]


def test_only_the_latest_entries_are_kept(tmp_path: Path, cache_dir: Path) -> None:
    for number in range(cache.KEEP + 3):
        folder = tmp_path / f"books{number}"
        folder.mkdir()
        (folder / "a.toml").write_text(
            f'[book]\nname = "书{number}"\nstage = "pre-sale"\n\n'
            f'[[phrase]]\nid = "a"\ntitle = "在吗"\ntext = "亲，在的{number}"\n',
            encoding="utf-8",
        )
        quickreply.load(folder)
    assert len(entries(cache_dir)) == cache.KEEP
    assert cache.clear() == cache.KEEP
    assert entries(cache_dir) == []


def test_field_lines_read_like_the_tuple_of_pairs() -> None:
    pairs = (("id", 5), ("title", 6), ("text", 7))
    lines = FieldLines(pairs)
    assert lines == pairs and tuple(lines) == pairs and len(lines) == 3 and lines[1] == ("title", 6)
    assert hash(lines) == hash(pairs) and repr(lines) == repr(pairs)
    assert lines == FieldLines(list(pairs)) and lines != FieldLines(pairs[:2])
    assert dict(lines)["text"] == 7


def test_every_command_prints_the_same_warm_or_cold(books: Path, cache_dir: Path) -> None:
    from tests.cli.test_cli import run

    commands = [
        ["check", "-d", str(books)],
        ["search", "-d", str(books), "发货"],
        ["render", "-d", str(books), "late", "--set", "ship_day=明天"],
        ["export", "-d", str(books), "-o", "-", "--format", "json"],
    ]
    cold = [run(*command) for command in commands]
    assert entries(cache_dir)
    warm = [run(*command) for command in commands]
    shown = [[(r.returncode, r.stdout, r.stderr) for r in runs] for runs in (cold, warm)]
    assert shown[0] == shown[1]
    assert cold[0].returncode != 0 and "duplicate-id" in cold[0].stdout + cold[0].stderr
    assert all(r.returncode == 0 for r in cold[1:]) and "明天发出" in cold[2].stdout
