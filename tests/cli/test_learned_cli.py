"""`quickreply stats --forget / --suggest / --merge` with learned answers, as a subprocess."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from quickreply.usage import UsageLog, default_path

from ..unit.test_learned import IN_SALE, PRE_SALE
from .test_cli import assert_no_traceback, run

NOW = dt.datetime(2026, 11, 23, 18, 0)


@pytest.fixture
def books(write_book) -> Path:
    write_book("a.toml", IN_SALE)
    return write_book("b.toml", PRE_SALE).parent


def teach(path: Path, *pairs: tuple[str, str]) -> Path:
    log = UsageLog(path)
    for query, phrase in pairs:
        assert log.record_learned(query, phrase, when=NOW)
    log.close()
    return path


def test_forget_removes_one_replys_pairs(books: Path) -> None:
    teach(default_path(), ("快递三天了都没动", "stalled"), ("快递没动了", "stalled"), ("包邮吗", "postage"))
    result = run("stats", "-d", str(books), "--forget", "stalled")
    assert result.returncode == 0, result.stderr
    assert "已忘记回复 stalled 学到的 2 条买家说法" in result.stdout
    assert [row[2] for row in UsageLog(default_path()).learned()] == ["postage"]
    again = run("stats", "-d", str(books), "--forget", "stalled")
    assert again.returncode == 0 and "0 条" in again.stdout


def test_forget_an_unknown_reply_is_an_error(books: Path) -> None:
    result = run("stats", "-d", str(books), "--forget", "no-such-reply")
    assert result.returncode == 1
    assert "找不到回复 'no-such-reply'" in result.stderr
    assert_no_traceback(result)
    assert not default_path().exists()  # nothing to forget: no record created


def test_forget_only_touches_this_computer(books: Path, tmp_path: Path) -> None:
    other = teach(tmp_path / "other.sqlite3", ("快递三天了都没动", "stalled"))
    result = run("stats", "-d", str(books), "--forget", "stalled", "--merge", str(other))
    assert result.returncode == 2 and "--merge" in result.stderr


def test_forget_on_a_broken_record_says_why(books: Path) -> None:
    default_path().parent.mkdir(parents=True, exist_ok=True)
    default_path().write_bytes(b"this is not a database" * 100)
    result = run("stats", "-d", str(books), "--forget", "stalled")
    assert result.returncode == 1 and "无法修改使用记录" in result.stderr
    assert_no_traceback(result)


def test_suggest_merges_agents_and_lists_wordings_search_misses(books: Path, tmp_path: Path) -> None:
    # Wordings the search alone does not rank `stalled` first for (its synonyms cover 没动,
    # 不更新 …); 物流不更新 is its title, found without learning.
    teach(default_path(), ("这都第五天了还在原地", "stalled"), ("物流不更新", "stalled"))
    other = teach(
        tmp_path / "other.sqlite3",
        ("这都第五天了，还在原地", "stalled"),
        ("宝贝到底啥时候能收到啊", "postage"),
        ("怎么还停在杭州 13812345678", "stalled"),
    )
    result = run("stats", "-d", str(books), "--suggest", "--merge", str(other))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "物流不更新（stalled）" in lines
    assert "      2  这都第五天了还在原地" in lines  # two agents, one wording
    assert "      1  怎么还停在杭州 ***********" in lines  # the phone number never stored
    assert "运费怎么算（postage）" in lines
    assert not any(line.endswith("  物流不更新") for line in lines)  # search finds that one
    as_json = json.loads(run("stats", "-d", str(books), "--suggest", "--json", "--merge", str(other)).stdout)
    assert as_json[0] == {
        "id": "stalled",
        "title": "物流不更新",
        "wordings": [
            {"wording": "这都第五天了还在原地", "count": 2},
            {"wording": "怎么还停在杭州 ***********", "count": 1},
        ],
    }
    alone = json.loads(run("stats", "-d", str(books), "--suggest", "--json").stdout)
    assert alone == [
        {
            "id": "stalled",
            "title": "物流不更新",
            "wordings": [{"wording": "这都第五天了还在原地", "count": 1}],
        }
    ]


def test_suggest_with_nothing_learned(books: Path) -> None:
    result = run("stats", "-d", str(books), "--suggest")
    assert result.returncode == 0 and "没有候选" in result.stdout
    assert json.loads(run("stats", "-d", str(books), "--suggest", "--json").stdout) == []


def test_stats_merge_counts_learned_pairs(books: Path, tmp_path: Path) -> None:
    teach(default_path(), ("快递三天了都没动", "stalled"))
    other = teach(tmp_path / "other.sqlite3", ("快递没动了", "stalled"), ("包邮吗", "postage"))
    old = tmp_path / "old.sqlite3"  # an agent on a version without learned answers
    with sqlite3.connect(old) as db:
        db.execute("CREATE TABLE uses (time TEXT, phrase TEXT, book TEXT, stage TEXT, shop TEXT, query TEXT)")
    result = run("stats", "-d", str(books), "--json", "--merge", str(other), str(old))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["learned"] == [
        {"id": "stalled", "title": "物流不更新", "count": 2},
        {"id": "postage", "title": "运费怎么算", "count": 1},
    ]
    text = run("stats", "-d", str(books), "--merge", str(other)).stdout
    assert "学到的回答" in text and "      2  物流不更新（stalled）" in text


def test_regression_merging_this_computers_own_record_does_not_double_it(books: Path) -> None:
    """`stats --merge` of one's own usage.sqlite3 counted every copy twice (19 → 38)."""
    own = teach(default_path(), ("这都第五天了还在原地", "stalled"))
    alone = json.loads(run("stats", "-d", str(books), "--json").stdout)
    merged = run("stats", "-d", str(books), "--json", "--merge", str(own))
    assert merged.returncode == 0, merged.stderr
    assert "同一个文件，跳过" in merged.stderr
    assert json.loads(merged.stdout) == alone
