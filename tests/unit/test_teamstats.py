"""Team statistics: an agent's usage summary (export) and a lead's sum over usage/*.json."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quickreply import stats as stats_module
from quickreply.teamstats import (
    AGENT_FILE,
    FORMAT,
    Agent,
    SummaryError,
    agent_identity,
    aggregate,
    export_summary,
    summarize,
    summary_bytes,
)
from quickreply.usage import UsageLog

NOW = dt.datetime(2026, 11, 23, 18, 0)
WANG = Agent("wang", "小王")
LI = Agent("li", "小李")


def record(path: Path, uses: list[tuple[str, str, str]], misses=(), learned=()) -> Path:
    """uses: (time, phrase id, stage); misses: (time, query); learned: (time, query, phrase id)."""
    log = UsageLog(path)
    for when, phrase, stage in uses:
        log.record(
            phrase=phrase, book="书", stage=stage, shop="店", query="q", when=dt.datetime.fromisoformat(when)
        )
    for when, query in misses:
        log.record_miss(query, when=dt.datetime.fromisoformat(when))
    for when, query, phrase in learned:
        log.record_learned(query, phrase, when=dt.datetime.fromisoformat(when))
    log.close()
    return path


@pytest.fixture
def wang_db(tmp_path: Path) -> Path:
    return record(
        tmp_path / "wang.sqlite3",
        [
            ("2026-11-23T09:05:00", "invoice-yes", "in-sale"),
            ("2026-11-23T09:40:00", "invoice-yes", "in-sale"),
            ("2026-11-02T15:00:00", "return-7day", "after-sale"),
        ],
        misses=[("2026-11-23T10:00:00", "能开专票吗"), ("2026-11-22T10:00:00", "能开专票吗")],
        learned=[("2026-11-23T11:00:00", "能不能开发票啊", "invoice-yes")],
    )


def test_summary_counts_period_and_learned(wang_db: Path) -> None:
    summary = summarize(wang_db, agent=WANG, now=NOW)
    assert summary["format"] == FORMAT and summary["version"] == 1
    assert summary["agent"] == {"id": "wang", "name": "小王"}
    assert summary["exported"] == "2026-11-23T18:00:00"
    assert summary["copies"] == 3
    assert summary["replies"] == {"invoice-yes": 2, "return-7day": 1}
    assert summary["by_stage"] == {"after-sale": 1, "in-sale": 2}
    assert summary["by_hour"] == {"9": 2, "15": 1}
    assert summary["given_up"] == [{"query": "能开专票吗", "count": 2}]
    assert summary["learned"] == [{"id": "invoice-yes", "query": "能不能开发票啊", "count": 1}]
    assert summary["period"] == {"since": None, "first": "2026-11-02T15:00:00", "last": "2026-11-23T11:00:00"}


def test_summary_since_keeps_only_the_period(wang_db: Path) -> None:
    summary = summarize(wang_db, agent=WANG, now=NOW, since=dt.datetime(2026, 11, 16))
    assert summary["replies"] == {"invoice-yes": 2}
    assert summary["period"]["since"] == "2026-11-16T00:00:00"
    assert summary["period"]["first"] == "2026-11-22T10:00:00"


def test_digits_are_masked_again_on_export(tmp_path: Path) -> None:
    """A record written before masking (or by another tool) must not carry a phone number out."""
    path = record(tmp_path / "u.sqlite3", [])
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO misses VALUES ('2026-11-23T10:00:00', '电话13812345678')")
        db.execute("INSERT INTO learned VALUES ('2026-11-23T10:00:00', '订单2026112399 没到', 'x')")
    text = summary_bytes(summarize(path, agent=WANG, now=NOW)).decode()
    assert "13812345678" not in text and "2026112399" not in text
    assert "电话***********" in text


def test_missing_record_is_an_empty_summary(tmp_path: Path) -> None:
    summary = summarize(tmp_path / "none.sqlite3", agent=WANG, now=NOW)
    assert summary["copies"] == 0 and summary["replies"] == {} and summary["period"]["first"] is None


def test_broken_record_is_a_summary_error(tmp_path: Path) -> None:
    path = tmp_path / "usage.sqlite3"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(SummaryError, match="无法读取使用记录"):
        summarize(path, agent=WANG, now=NOW)


def test_export_summary_via_stats_creates_the_folder(tmp_path: Path, wang_db: Path) -> None:
    """The seam `team sync --share-stats` calls: quickreply.stats.export_summary(path)."""
    target = tmp_path / "team" / "usage" / "wang.json"
    stats_module.export_summary(target, database=wang_db, agent=WANG, now=NOW)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["replies"] == {"invoice-yes": 2, "return-7day": 1}


def test_export_summary_defaults_to_this_agents_record(tmp_path: Path) -> None:
    """No options: the usage record in the data dir, the agent from agent.toml."""
    record(
        Path(os.environ["QUICKREPLY_DATA_DIR"]) / "usage.sqlite3", [("2026-11-23T09:05:00", "fh", "in-sale")]
    )
    config = Path(os.environ["QUICKREPLY_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / AGENT_FILE).write_text('id = "zhang"\nname = "小张  二组"\n', encoding="utf-8")
    assert stats_module.agent_id() == "zhang"
    stats_module.export_summary(tmp_path / "out.json")
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert data["agent"] == {"id": "zhang", "name": "小张 二组"} and data["replies"] == {"fh": 1}


@pytest.mark.parametrize("bad", ["../etc", "a/b", ".hidden", "", "x" * 65, "a b", "a\x1b]52;c;x\x07"])
def test_agent_id_must_be_a_safe_file_name(bad: str) -> None:
    if not bad:
        assert agent_identity(bad).id  # empty --agent: the default
        return
    with pytest.raises(SummaryError, match="不能用作文件名"):
        agent_identity(bad)


def test_default_agent_id_is_a_file_name() -> None:
    agent = agent_identity()
    assert agent.id and "/" not in agent.id and agent.name == agent.id


def test_broken_agent_toml_names_the_file() -> None:
    config = Path(os.environ["QUICKREPLY_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / AGENT_FILE).write_text('id = "wang\n', encoding="utf-8")
    with pytest.raises(SummaryError, match=AGENT_FILE):
        agent_identity()


def test_two_agents_add_up(tmp_path: Path, wang_db: Path, bundled) -> None:
    usage = tmp_path / "usage"
    li_db = record(
        tmp_path / "li.sqlite3",
        [
            ("2026-11-22T21:10:00", "greet-welcome", "pre-sale"),
            ("2026-11-23T09:59:00", "invoice-yes", "in-sale"),
        ],
        misses=[("2026-11-23T12:00:00", "能开专票吗"), ("2026-11-23T12:00:00", "包邮到新疆吗")],
    )
    export_summary(usage / "wang.json", database=wang_db, agent=WANG, now=NOW)
    export_summary(usage / "li.json", database=li_db, agent=LI, now=NOW)
    team = aggregate(usage, bundled.phrases)
    assert team.findings == []
    assert team.stats.copies == 5
    assert team.stats.top[0] == ("invoice-yes", "可以开发票", 3)
    assert team.reply_agents["invoice-yes"] == 2 and team.reply_agents["greet-welcome"] == 1
    assert len(team.stats.never_used) == len(bundled.phrases) - 3
    assert team.stats.no_copy_queries == [("能开专票吗", 3), ("包邮到新疆吗", 1)]
    assert team.stats.by_stage == {"in-sale": 3, "after-sale": 1, "pre-sale": 1}
    assert team.stats.by_hour == {9: 3, 15: 1, 21: 1}
    assert [(a.id, a.name, a.copies, a.given_up) for a in team.agents] == [
        ("wang", "小王", 3, 2),
        ("li", "小李", 2, 2),
    ]
    assert team.stats.learned == [("invoice-yes", "可以开发票", 1)]


def _good(agent: str = "ok") -> dict:
    return {
        "format": FORMAT,
        "version": 1,
        "agent": {"id": agent, "name": agent},
        "copies": 1,
        "replies": {"invoice-yes": 1},
    }


BAD_FILES: list[tuple[str, bytes | str, str]] = [
    ("broken.json", '{"format": "quickreply-usage",\n "version": 1,,}', "第 2 行"),
    ("gbk.json", "客服".encode("gbk"), "不是 UTF-8"),
    ("other.json", json.dumps({"name": "package.json"}), "不是 quickreply 使用汇总"),
    ("list.json", "[1, 2, 3]", "不是 quickreply 使用汇总"),
    ("newer.json", json.dumps({**_good("newer"), "version": 2}), "版本 2"),
    ("noversion.json", json.dumps({**_good("nov"), "version": True}), "版本号不对"),
    ("noagent.json", json.dumps({**_good(), "agent": "x"}), "缺少客服 id"),
    ("deep.json", "[" * 100_000 + "]" * 100_000, "不是"),
    ("bigint.json", '{"format": "quickreply-usage", "version": 1' + "0" * 5000 + "}", "不是"),
    ("notes.txt", "a lead's notes", "不是使用汇总"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=[row[0] for row in BAD_FILES])
def test_bad_file_is_a_finding_and_the_rest_counts(
    tmp_path: Path, bundled, name: str, content: bytes | str, message: str
) -> None:
    usage = tmp_path / "usage"
    usage.mkdir()
    (usage / "ok.json").write_text(json.dumps(_good()), encoding="utf-8")
    data = content.encode() if isinstance(content, str) else content
    (usage / name).write_bytes(data)
    team = aggregate(usage, bundled.phrases)
    assert [a.id for a in team.agents] == ["ok"] and team.stats.copies == 1
    assert len(team.findings) == 1, team.findings
    finding = team.findings[0]
    assert finding.file == usage / name and message in finding.message
    assert finding.format().startswith(str(usage / name) + "：")


def test_bad_entries_are_skipped_and_counted(tmp_path: Path, bundled) -> None:
    usage = tmp_path / "usage"
    usage.mkdir()
    summary = {
        **_good("wang"),
        "replies": {
            "invoice-yes": 2,
            "neg": -1,
            "flag": True,
            "text": "3",
            "huge": 10**12,
            "": 1,
            "x" * 201: 1,
        },
        "by_hour": {"9": 2, "25": 1, "x": 1},
        "given_up": [{"query": "电话13812345678", "count": 1}, {"query": 5, "count": 1}, "x"],
        "learned": [{"id": "invoice-yes", "count": 1}],
    }
    (usage / "wang.json").write_text(json.dumps(summary), encoding="utf-8")
    team = aggregate(usage, bundled.phrases)
    assert team.stats.top == [("invoice-yes", "可以开发票", 2)]
    assert team.stats.by_hour == {9: 2}
    assert team.stats.no_copy_queries == [("电话***********", 1)]  # masked on the lead's side too
    messages = [f.message for f in team.findings]
    assert any("replies 有 6 项" in m for m in messages)
    assert any("by_hour 有 2 项" in m for m in messages)
    assert any("given_up 有 2 项" in m for m in messages)
    assert any("learned 有 1 项" in m for m in messages)


@pytest.mark.parametrize(
    ("copy_exported", "counted", "skipped"),
    [
        ("2026-11-23T18:00:00", "wang.json", "old-name.json"),  # same export: the file named after the agent
        ("2026-11-24T18:00:00", "old-name.json", "wang.json"),  # the newer export wins, whatever its name
    ],
)
def test_one_agent_in_two_files_counts_once(
    tmp_path: Path, bundled, copy_exported: str, counted: str, skipped: str
) -> None:
    usage = tmp_path / "usage"
    usage.mkdir()
    (usage / "wang.json").write_text(
        json.dumps({**_good("wang"), "exported": "2026-11-23T18:00:00"}), encoding="utf-8"
    )
    newer = {**_good("wang"), "exported": copy_exported, "replies": {"invoice-yes": 5}}
    (usage / "old-name.json").write_text(json.dumps(newer), encoding="utf-8")
    team = aggregate(usage, bundled.phrases)
    assert [a.file.name for a in team.agents] == [counted]
    assert team.stats.copies == (5 if counted == "old-name.json" else 1)
    assert [f.file.name for f in team.findings] == [skipped]
    assert f"较新汇总在 {counted}" in team.findings[0].message


def test_file_name_is_only_a_place(tmp_path: Path, bundled) -> None:
    """team sync may name the file otherwise than the agent id: it counts, with no finding."""
    usage = tmp_path / "usage"
    usage.mkdir()
    (usage / "renamed.json").write_text(json.dumps(_good("wang")), encoding="utf-8")
    team = aggregate(usage, bundled.phrases)
    assert team.stats.copies == 1 and team.findings == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_special_files_are_never_read(tmp_path: Path, bundled) -> None:
    """A FIFO would block forever, a link could point at any file of the lead's computer."""
    usage = tmp_path / "usage"
    usage.mkdir()
    os.mkfifo(usage / "fifo.json")
    (usage / "link.json").symlink_to("/dev/zero")
    (usage / "folder.json").mkdir()
    (usage / ".gitkeep").write_text("")
    team = aggregate(usage, bundled.phrases)
    messages = {f.file.name: f.message for f in team.findings}
    assert set(messages) == {"fifo.json", "link.json", "folder.json"}
    assert "符号链接" in messages["link.json"] and "不是普通文件" in messages["fifo.json"]


def test_oversized_file_is_skipped(tmp_path: Path, bundled, monkeypatch: pytest.MonkeyPatch) -> None:
    import quickreply.teamstats as teamstats

    monkeypatch.setattr(teamstats, "MAX_BYTES", 100)
    usage = tmp_path / "usage"
    usage.mkdir()
    (usage / "big.json").write_text(json.dumps({**_good("big"), "pad": "x" * 200}), encoding="utf-8")
    team = aggregate(usage, bundled.phrases)
    assert team.agents == [] and "文件太大" in team.findings[0].message


def test_teamstats_does_not_import_textual() -> None:
    code = "import sys, quickreply.teamstats; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
