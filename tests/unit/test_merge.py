"""Three-way merge of a phrasebook, reply by reply (quickreply.merge), and the editing session
merging a draft with a file a colleague saved first."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import quickreply
from quickreply import store
from quickreply.editing import BookGoneError, EditSession, PhraseDraft, UnreadableBookError
from quickreply.locations import bundled_phrasebooks
from quickreply.merge import Choice, ConflictKind, Outcome, differing_fields, free_id, three_way
from quickreply.rules import load_rules


def reply(reply_id: str, text: str = "亲，在的", keys: tuple[str, ...] = (), title: str = "") -> PhraseDraft:
    return PhraseDraft(id=reply_id, title=title or reply_id, text=text, keys=list(keys))


A = reply("a", "原文 a", ("aa",))
A_MINE = reply("a", "我改的 a", ("aa",))
A_THEIRS = reply("a", "同事改的 a", ("aa",))
NEW = reply("new", "新的")
NEW_OTHER = reply("new", "另一个新的")

# (what happened, base, mine, theirs, expected outcome, conflict kind)
CASES = [
    ("nobody touched it", [A], [A], [A], Outcome.UNCHANGED, None),
    ("only I changed it", [A], [A_MINE], [A], Outcome.MINE, None),
    ("only they changed it", [A], [A], [A_THEIRS], Outcome.THEIRS, None),
    ("both made the same change", [A], [A_MINE], [A_MINE], Outcome.SAME, None),
    ("both changed it differently", [A], [A_MINE], [A_THEIRS], Outcome.CONFLICT, ConflictKind.BOTH_CHANGED),
    ("I added it", [], [NEW], [], Outcome.ADDED_MINE, None),
    ("they added it", [], [], [NEW], Outcome.ADDED_THEIRS, None),
    ("both added the same", [], [NEW], [NEW], Outcome.SAME, None),
    ("both added one id differently", [], [NEW], [NEW_OTHER], Outcome.CONFLICT, ConflictKind.BOTH_ADDED),
    ("I deleted it", [A], [], [A], Outcome.DELETED_MINE, None),
    ("they deleted it", [A], [A], [], Outcome.DELETED_THEIRS, None),
    ("both deleted it", [A], [], [], Outcome.DELETED_BOTH, None),
    ("I deleted, they changed", [A], [], [A_THEIRS], Outcome.CONFLICT, ConflictKind.MINE_DELETED),
    ("they deleted, I changed", [A], [A_MINE], [], Outcome.CONFLICT, ConflictKind.THEIRS_DELETED),
]


@pytest.mark.parametrize(
    ("case", "base", "mine", "theirs", "outcome", "kind"), CASES, ids=[c[0] for c in CASES]
)
def test_each_reply_is_classified(case, base, mine, theirs, outcome, kind) -> None:
    merge = three_way(base, mine, theirs)
    assert [(slot.outcome, slot.kind) for slot in merge.slots] == [(outcome, kind)], case


@pytest.mark.parametrize(
    ("base", "mine", "theirs", "kept"),
    [
        ([A], [A_MINE], [A], [A_MINE]),
        ([A], [A], [A_THEIRS], [A_THEIRS]),
        ([], [NEW], [], [NEW]),
        ([], [], [NEW], [NEW]),
        ([A], [], [A], []),
        ([A], [A], [], []),
    ],
)
def test_one_sided_changes_merge_without_asking(base, mine, theirs, kept) -> None:
    merge = three_way(base, mine, theirs)
    assert merge.conflicts == []
    assert merge.resolve({}).replies == kept


def test_changes_to_different_replies_both_survive() -> None:
    b, c = reply("b", "原文 b"), reply("c", "原文 c")
    c_theirs = reply("c", "同事改的 c")
    merge = three_way([A, b, c], [A_MINE, b, c], [A, b, c_theirs, NEW])
    assert merge.conflicts == []
    assert merge.resolve({}).replies == [A_MINE, b, c_theirs, NEW]


def test_their_additions_follow_their_predecessor() -> None:
    b, x, y = reply("b"), reply("x"), reply("y")
    merge = three_way([A, b], [b, A], [x, A, y, b])
    assert [slot.id for slot in merge.slots] == ["x", "b", "a", "y"]


@pytest.mark.parametrize(
    ("choice", "expected"),
    [(Choice.MINE, ["我改的 a"]), (Choice.THEIRS, ["同事改的 a"]), (Choice.BOTH, ["同事改的 a", "我改的 a"])],
)
def test_a_conflict_is_settled_by_the_choice(choice: Choice, expected: list[str]) -> None:
    merge = three_way([A], [A_MINE], [A_THEIRS])
    merged = merge.resolve({"a": choice}).replies
    assert [r.text for r in merged] == expected
    assert merged[0].id == "a"


def test_keep_both_gives_mine_a_free_id_and_drops_taken_codes() -> None:
    mine = reply("a", "我改的 a", ("aa", "mine-only"))
    merge = three_way([A], [mine], [A_THEIRS, reply("a-2", keys=("x",))])
    resolution = merge.resolve({"a": Choice.BOTH}, taken_ids=["a-3"], taken_keys=["MINE-ONLY"])
    assert [r.id for r in resolution.replies] == ["a", "a-4", "a-2"]  # a-2 is theirs, a-3 elsewhere
    copy = resolution.replies[1]
    assert copy.text == "我改的 a" and resolution.copies == [("a", "a-4")]
    assert copy.keys == []  # aa belongs to their version, mine-only to another book
    assert mine.id == "a" and mine.keys == ["aa", "mine-only"]  # the draft itself is untouched


def test_keep_both_on_a_delete_conflict_keeps_the_remaining_side() -> None:
    merge = three_way([A], [A_MINE], [])
    (slot,) = merge.conflicts
    assert slot.choices == (Choice.MINE, Choice.THEIRS)
    assert merge.resolve({"a": Choice.BOTH}).replies == [A_MINE]
    assert merge.resolve({"a": Choice.THEIRS}).replies == []


def test_no_choice_combination_gives_a_duplicate_id_or_code() -> None:
    """Three conflicts (two sharing codes), an addition on each side, every combination."""
    base = [reply("a", "a0", ("k1",)), reply("b", "b0", ("k2",)), reply("b-2", "b2", ("k3",))]
    mine = [
        reply("a", "a-mine", ("k1", "k9")),
        reply("b", "b-mine", ("k2",)),
        reply("b-2", "b2-mine", ("k3",)),
        reply("c", "c-mine", ("k4", "K7")),
    ]
    theirs = [
        reply("a", "a-theirs", ("k1",)),
        reply("b", "b-theirs", ("k9",)),
        reply("b-2", "b2-theirs", ("k3",)),
        reply("c", "c-theirs", ("k5",)),
        reply("b-3", "b3", ("k6",)),
    ]
    merge = three_way(base, mine, theirs)
    assert [slot.id for slot in merge.conflicts] == ["a", "b", "b-2", "c"]
    for combination in itertools.product(Choice, repeat=4):
        choices = dict(zip(["a", "b", "b-2", "c"], combination, strict=True))
        merged = merge.resolve(choices, taken_ids=["a-2"], taken_keys=["k7"]).replies
        ids = [r.id for r in merged]
        codes = [key for r in merged for key in r.keys]
        assert len(ids) == len(set(ids)) and "a-2" not in ids, choices
        assert len(codes) == len(set(codes)) and "k7" not in codes, choices


def test_a_code_of_mine_now_used_by_their_reply_is_dropped_and_reported() -> None:
    b = reply("b", "b0", ("x",))
    merge = three_way([A, b], [reply("a", "a-mine", ("aa", "fh")), b], [A, reply("b", "b0", ("x", "FH"))])
    resolution = merge.resolve({})
    assert [r.keys for r in resolution.replies] == [["aa"], ["x", "FH"]]
    assert resolution.dropped == [("a", "fh")]


def test_without_a_base_every_difference_is_a_conflict() -> None:
    merge = three_way(None, [A_MINE, reply("mine-only")], [A_THEIRS, reply("theirs-only"), reply("x")])
    x = next(slot for slot in merge.slots if slot.id == "x")
    assert x.outcome is Outcome.CONFLICT  # could be their addition or my deletion: ask
    assert {slot.id for slot in merge.conflicts} == {"a", "mine-only", "theirs-only", "x"}
    assert all(slot.kind is ConflictKind.NO_BASE for slot in merge.conflicts)
    same = three_way(None, [A], [A])
    assert same.conflicts == [] and same.resolve({}).replies == [A]


def test_resolving_needs_a_choice_for_every_conflict() -> None:
    with pytest.raises(ValueError):
        three_way([A], [A_MINE], [A_THEIRS]).resolve({})


def test_differing_fields_and_free_id() -> None:
    assert differing_fields(A, A_MINE) == ["text"]
    assert "id" in differing_fields(None, A)
    assert free_id("greet-2", {"greet-2", "greet-3"}) == "greet-4"


# --- the editing session ---------------------------------------------------------------------


@pytest.fixture
def books(tmp_path: Path) -> Path:
    target = tmp_path / "books"
    shutil.copytree(bundled_phrasebooks(), target)
    return target


def session_on(directory: Path) -> EditSession:
    library = quickreply.load(directory)
    rules, _ = load_rules(library.directories)
    return EditSession(library.books, library.shops, rules)


def colleague_edits(path: Path, old: str, new: str) -> None:
    raw = path.read_text(encoding="utf-8")
    assert old in raw
    path.write_text(raw.replace(old, new, 1), encoding="utf-8")


def test_the_loaded_version_is_kept_as_the_base(books: Path) -> None:
    session = session_on(books)
    book = session.books[0]
    assert book.base == book.phrases and book.base is not book.phrases
    assert session.base_of(book) == book.phrases


def test_regression_conflict_merges_a_colleagues_change_to_another_reply(books: Path) -> None:
    """Was: the conflict offered only reload or a second book with the same ids."""
    session = session_on(books)
    book = session.books[0]
    first, second = book.phrases[0], book.phrases[1]
    session.update(book, 0, PhraseDraft(**{**vars(first), "title": "我的标题"}))
    colleague_edits(book.path, f'title = "{second.title}"', 'title = "同事的标题"')
    with pytest.raises(store.ConflictError):
        session.save(book)
    disk = session.merge_with_disk(book)
    assert disk.merge.conflicts == []
    assert disk.merge.count(Outcome.MINE) == 1 and disk.merge.count(Outcome.THEIRS) == 1
    session.apply_merge(book, disk, {})
    session.save(book)
    session.mark_saved(book)
    reloaded = quickreply.load(books)
    assert not [p for p in reloaded.problems if p.severity.value == "error"]
    assert reloaded.phrase(first.id).title == "我的标题"
    assert reloaded.phrase(second.id).title == "同事的标题"
    assert len(list(books.glob("01-presale*.toml"))) == 1


def test_after_saving_the_next_merge_still_has_a_base(books: Path) -> None:
    session = session_on(books)
    book = session.books[0]
    first = book.phrases[0]
    session.update(book, 0, PhraseDraft(**{**vars(first), "title": "第一次保存"}))
    session.save(book)
    session.mark_saved(book)
    colleague_edits(book.path, "第一次保存", "同事又改了")
    disk = session.merge_with_disk(book)
    assert disk.merge.has_base and disk.merge.count(Outcome.THEIRS) == 1 and not disk.merge.conflicts


def test_keep_both_across_books_avoids_ids_and_codes_of_other_books(books: Path) -> None:
    session = session_on(books)
    book = session.books[0]
    first = book.phrases[0]
    session.update(book, 0, PhraseDraft(**{**vars(first), "title": "我的标题"}))
    colleague_edits(book.path, f'title = "{first.title}"', 'title = "同事的标题"')
    disk = session.merge_with_disk(book)
    assert [slot.id for slot in disk.merge.conflicts] == [first.id]
    session.apply_merge(book, disk, {first.id: Choice.BOTH})
    assert session.errors_in(book) == []
    ids = [draft.id for draft in session.all_drafts()]
    codes = [key.lower() for draft in session.all_drafts() for key in draft.keys]
    assert len(ids) == len(set(ids)) and len(codes) == len(set(codes))
    session.save(book)
    assert not [p for p in quickreply.load(books).problems if p.code == "duplicate-id"]


def test_a_broken_file_on_disk_is_not_merged(books: Path) -> None:
    session = session_on(books)
    book = session.books[0]
    book.path.write_text('[book]\nname = "坏了\n', encoding="utf-8")
    with pytest.raises(UnreadableBookError) as raised:
        session.merge_with_disk(book)
    assert "第 2 行" in str(raised.value) and book.path.name in str(raised.value)
    book.path.unlink()
    with pytest.raises(BookGoneError):
        session.merge_with_disk(book)


def test_merge_and_editing_do_not_import_textual() -> None:
    code = "import sys, quickreply.merge, quickreply.editing; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_regression_a_book_with_one_unreadable_reply_still_merges_and_keeps_it(books: Path) -> None:
    """Found: one reply with `keys = "hh"` in the book made every concurrent save a choice
    between reloading (losing the draft) and cancelling."""
    bad = '\n[[phrase]]\nid = "broken"\ntitle = "坏"\nkeys = "hh"\ntext = "亲，坏了"\n'
    path = books / "01-presale.toml"
    path.write_text(path.read_text(encoding="utf-8") + bad, encoding="utf-8")
    session = session_on(books)
    book = next(b for b in session.books if b.path == path)
    first, second = book.phrases[0], book.phrases[1]
    session.update(book, 0, PhraseDraft(**{**vars(first), "title": "我的标题"}))
    colleague_edits(path, f'title = "{second.title}"', 'title = "同事的标题"')
    with pytest.raises(store.ConflictError):
        session.save(book)
    disk = session.merge_with_disk(book)
    session.apply_merge(book, disk, {})
    session.save(book)
    written = path.read_text(encoding="utf-8")
    assert bad.strip() in written
    reloaded = quickreply.load(books)
    assert reloaded.phrase(first.id).title == "我的标题"
    assert reloaded.phrase(second.id).title == "同事的标题"
