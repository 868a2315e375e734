"""Usage statistics from prepared SQLite files, and the masking of numbers in stored queries."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
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


def cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def test_stage_names_in_the_report_are_chinese_and_json_keeps_the_values(tmp_path: Path) -> None:
    """按阶段 printed pre-sale/in-sale, the values stored in the record, to Chinese agents."""
    other = prepared(
        tmp_path / "other.sqlite3",
        [
            ("2026-11-23T10:00:00", "invoice-yes", "in-sale", "q"),
            ("2026-11-23T10:05:00", "greet-welcome", "pre-sale", "q"),
            ("2026-11-23T10:06:00", "greet-welcome", "later-stage\x1b[31m", "q"),  # a newer version's
        ],
    )
    text = run("stats", "-d", str(bundled_phrasebooks()), "--merge", str(other)).stdout
    by_stage = text.split("按阶段：")[1].split("按小时：")[0]
    assert "售中" in by_stage and "售前" in by_stage
    assert "in-sale" not in by_stage and "pre-sale" not in by_stage
    assert "later-stage\\x1b[31m" in by_stage and "\x1b" not in by_stage  # unknown: as stored, escaped
    rows = [line for line in by_stage.splitlines() if "█" in line and "later" not in line]
    assert {cells(line[: line.index("█")]) for line in rows} == {20}  # 售中 takes 4 cells, not 2
    data = json.loads(run("stats", "-d", str(bundled_phrasebooks()), "--json", "--merge", str(other)).stdout)
    assert data["by_stage"]["in-sale"] == 1  # machine-readable output keeps the stored values
