"""team.merge_book: a book both sides changed, merged reply by reply, always loadable."""

from __future__ import annotations

import tomllib

from quickreply.team import merge_book, reply_changes

BASE = """[book]
name = "售后"
stage = "after-sale"

[[phrase]]
id = "a"
title = "甲"
text = "原来的甲"
keys = ["ja"]

# the lead's note on b stays
[[phrase]]
id = "b"
title = "乙"
text = "原来的乙"
"""


def texts(book: str) -> dict[str, str]:
    return {p["id"]: p["text"] for p in tomllib.loads(book)["phrase"]}


def test_different_replies_changed_on_each_side_both_arrive() -> None:
    mine = BASE.replace("原来的甲", "我的甲")
    theirs = BASE.replace("原来的乙", "团队的乙")
    merged = merge_book(BASE, mine, theirs)
    assert merged is not None
    text, conflicts = merged
    assert conflicts == []
    assert texts(text) == {"a": "我的甲", "b": "团队的乙"}
    assert "# the lead's note on b stays" in text


def test_the_same_reply_changed_on_both_sides_keeps_theirs_and_names_both_texts() -> None:
    merged = merge_book(BASE, BASE.replace("原来的甲", "我的甲"), BASE.replace("原来的甲", "团队的甲"))
    assert merged is not None
    text, conflicts = merged
    assert texts(text)["a"] == "团队的甲"
    assert [(c.id, c.mine, c.theirs) for c in conflicts] == [("a", "我的甲", "团队的甲")]
    assert "<<<<<<<" not in text


def test_a_reply_added_on_each_side_and_a_code_taken_twice() -> None:
    added = '\n[[phrase]]\nid = "{id}"\ntitle = "新"\ntext = "新的{id}"\nkeys = ["xx"]\n'
    merged = merge_book(BASE, BASE + added.format(id="mine"), BASE + added.format(id="theirs"))
    assert merged is not None
    text, conflicts = merged
    assert conflicts == []
    phrases = {p["id"]: p for p in tomllib.loads(text)["phrase"]}
    assert set(phrases) == {"a", "b", "mine", "theirs"}
    assert phrases["theirs"]["keys"] == ["xx"] and phrases["mine"]["keys"] == []  # codes stay unique


def test_an_unreadable_version_is_not_merged() -> None:
    assert merge_book(BASE, BASE + "[[phrase]\n", BASE) is None


def test_reply_changes_names_added_changed_removed() -> None:
    after = BASE.replace("原来的甲", "新的甲").replace('id = "b"', 'id = "c"')
    kinds = {(c.id, c.kind) for c in reply_changes(BASE, after, "x.toml")}
    assert kinds == {("a", "changed"), ("c", "added"), ("b", "removed")}
