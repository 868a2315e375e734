"""Usage statistics from prepared SQLite files, and the masking of numbers in stored queries."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from quickreply.locations import bundled_phrasebooks
from quickreply.stats import compute, parse_since
from quickreply.usage import UsageLog, mask_digits

from ..cli.test_cli import run

NOW = dt.datetime(2026, 11, 23, 18, 0)


def prepared(path: Path, uses: list[tuple[str, str, str, str]], misses: list[str] = ()) -> Path:
    log = UsageLog(path)
    for when, phrase, stage, query in uses:
        log.record(
            phrase=phrase,
            book="书",
            stage=stage,
            shop="店",
            query=query,
            when=dt.datetime.fromisoformat(when),
        )
    for query in misses:
        log.record_miss(query, when=NOW)
    log.close()
    return path


def test_masking() -> None:
    assert mask_digits("订单 202611231234567890 电话13812345678") == "订单 " + "*" * 18 + " 电话" + "*" * 11
    assert mask_digits("满100减20，7天") == "满100减20，7天"  # short numbers are not personal


def test_stats_from_two_agents(tmp_path: Path, bundled) -> None:
    first = prepared(
        tmp_path / "a.sqlite3",
        [
            ("2026-11-23T09:05:00", "invoice-yes", "in-sale", "fp"),
            ("2026-11-23T09:40:00", "invoice-yes", "in-sale", "发票 13812345678"),
            ("2026-11-10T15:00:00", "return-7day", "after-sale", "退货"),
        ],
        misses=["能开专票吗", "x"],
    )
    second = prepared(
        tmp_path / "b.sqlite3",
        [
            ("2026-11-22T21:10:00", "greet-welcome", "pre-sale", "hy"),
            ("2026-11-23T09:59:00", "invoice-yes", "in-sale", "fp"),
        ],
        misses=["能开专票吗"],
    )
    stats = compute([first, second], bundled.phrases, since=None)
    assert stats.copies == 5
    assert stats.top[0] == ("invoice-yes", "可以开发票", 3)
    assert ("return-7day", "七天无理由退货", 1) in stats.top
    assert len(stats.never_used) == len(bundled.phrases) - 3
    assert stats.no_copy_queries == [("能开专票吗", 2)]  # one-character "x" is not kept
    assert stats.by_stage == {"in-sale": 3, "after-sale": 1, "pre-sale": 1}
    assert stats.by_hour == {9: 3, 15: 1, 21: 1}
    recent = compute([first, second], bundled.phrases, since=parse_since("7d", NOW))
    assert recent.copies == 4 and all(pid != "return-7day" for pid, _, _ in recent.top)


def test_stats_command_json_and_merge(tmp_path: Path) -> None:
    other = prepared(tmp_path / "other.sqlite3", [("2026-11-23T10:00:00", "fp-missing", "in-sale", "q")])
    mine = prepared(
        tmp_path / "data" / "usage.sqlite3", [("2026-11-23T11:00:00", "invoice-yes", "in-sale", "fp")]
    )
    assert mine.is_file()
    result = run("stats", "-d", str(bundled_phrasebooks()), "--json", "--merge", str(other))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["copies"] == 2
    assert {"id": "fp-missing", "title": "（已删除）", "count": 1} in data["top"]
    assert data["by_hour"] == {"10": 1, "11": 1}
    text = run("stats", "-d", str(bundled_phrasebooks()), "--since", "7d", "--now", "2026-11-23T12:00")
    assert "共复制 1 次" in text.stdout and "█" in text.stdout
    bad = run("stats", "--since", "lately")
    assert bad.returncode == 2 and "--since" in bad.stderr
