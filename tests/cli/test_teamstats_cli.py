"""`stats --export` and `stats --team`, run as a subprocess like a user's script."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from quickreply.locations import bundled_phrasebooks

from ..hostile import FORBIDDEN, PAYLOAD, leaks
from ..unit.test_teamstats import record
from .test_cli import assert_no_traceback, run


@pytest.fixture
def team(tmp_path: Path) -> Path:
    """A team folder: the bundled books at its top, as `team join` clones them."""
    folder = tmp_path / "team"
    shutil.copytree(bundled_phrasebooks(), folder)
    return folder


def own_record(uses: list[tuple[str, str, str]], misses=()) -> Path:
    """This agent's usage record, where the app keeps it (the test's data dir)."""
    path = Path(os.environ["QUICKREPLY_DATA_DIR"]) / "usage.sqlite3"
    path.unlink(missing_ok=True)
    return record(path, uses, misses)


def test_export_then_team_text(team: Path) -> None:
    own_record(
        [
            ("2026-11-23T09:05:00", "invoice-yes", "in-sale"),
            ("2026-11-23T09:06:00", "invoice-yes", "in-sale"),
        ],
        misses=[("2026-11-23T10:00:00", "订单 2026112312345 能开专票吗")],
    )
    result = run(
        "stats", "--export", str(team / "usage" / "wang.json"), "--agent", "wang", "--now", "2026-11-23T18:00"
    )
    assert result.returncode == 1  # no usage/ folder yet: export does not create folders it was not given
    assert "未导出" in result.stderr and "Traceback" not in result.stderr
    (team / "usage").mkdir()
    result = run("stats", "--export", str(team / "usage" / "wang.json"), "--agent", "wang")
    assert result.returncode == 0, result.stderr
    assert "已导出客服 wang" in result.stderr and "复制 2 次" in result.stderr
    own_record([("2026-11-22T21:00:00", "greet-welcome", "pre-sale")])
    assert run("stats", "--export", str(team / "usage" / "li.json"), "--agent", "li").returncode == 0
    text = (team / "usage" / "wang.json").read_text(encoding="utf-8")
    assert "2026112312345" not in text

    result = run("stats", "--team", str(team))
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    assert "团队统计：2 位客服" in result.stdout
    assert "共复制 3 次" in result.stdout
    assert "可以开发票（invoice-yes）" in result.stdout
    assert "订单 *************" in result.stdout and "能开专票吗" in result.stdout
    lines = result.stdout.splitlines()
    assert lines.index("按客服：") < next(
        i for i, line in enumerate(lines) if line.strip().startswith("wang")
    )


def test_team_json_and_csv(team: Path) -> None:
    usage = team / "usage"
    usage.mkdir()
    own_record(
        [("2026-11-23T09:05:00", "invoice-yes", "in-sale")], misses=[("2026-11-23T10:00:00", "=HYPERLINK(1)")]
    )
    assert run("stats", "--export", str(usage / "a.json"), "--agent", "a").returncode == 0
    own_record(
        [("2026-11-23T11:05:00", "invoice-yes", "in-sale"), ("2026-11-23T11:06:00", "stock-yes", "pre-sale")]
    )
    assert run("stats", "--export", str(usage / "b.json"), "--agent", "b").returncode == 0

    result = run("stats", "--team", str(team), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["copies"] == 3
    assert data["top"][0] == {"id": "invoice-yes", "title": "可以开发票", "count": 2, "agents": 2}
    assert [(a["id"], a["copies"]) for a in data["agents"]] == [("b", 2), ("a", 1)]
    assert {"id": "genuine", "title": "是正品吗"} in data["never_used"]
    assert data["problems"] == []

    result = run("stats", "--team", str(team), "--csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["section", "key", "title", "count"]
    assert ["agent", "b", "b", "2"] in rows and ["top", "invoice-yes", "可以开发票", "2"] in rows
    assert ["no_copy_query", "'=HYPERLINK(1)", "", "1"] in rows  # no formula when opened in a sheet


def test_bad_and_hostile_files_are_findings(team: Path) -> None:
    usage = team / "usage"
    usage.mkdir()
    (usage / "broken.json").write_text('{"format": "quickreply-usage",\n oops}', encoding="utf-8")
    (usage / "README.md").write_text("# usage", encoding="utf-8")
    hostile = {
        "format": "quickreply-usage",
        "version": 1,
        "agent": {"id": "evil", "name": PAYLOAD},
        "replies": {PAYLOAD: 3, "invoice-yes": 1},
        "by_stage": {PAYLOAD: 4},
        "given_up": [{"query": PAYLOAD, "count": 2}],
    }
    (usage / "evil.json").write_text(json.dumps(hostile), encoding="utf-8")
    for extra in ([], ["--json"], ["--csv"]):
        result = run("stats", "--team", str(team), *extra)
        assert result.returncode == 0, result.stderr
        assert_no_traceback(result)
        assert leaks(result.stdout) == [] and leaks(result.stderr) == [], extra
        assert "broken.json：第 2 行" in result.stderr and "README.md：不是使用汇总" in result.stderr
        assert "2 处问题" in result.stderr
    assert all(char not in result.stdout for char in FORBIDDEN)


def test_team_folder_missing_usage_or_not_given(team: Path) -> None:
    result = run("stats", "--team", str(team))
    assert result.returncode == 1 and "usage 不存在" in result.stderr
    result = run("stats", "--team")
    assert result.returncode == 2 and "--team DIR" in result.stderr
    assert_no_traceback(result)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--export", "x.json", "--json"], "--export 不能和 --json 一起用"),
        (["--team", ".", "--merge", "a"], "--team 不能和 --merge 一起用"),
        (["--team", ".", "--since", "7d"], "--team 不能和 --since 一起用"),
        (["--agent", "x"], "--agent 只用于 --export"),
        (["--export", "-", "--agent", "../x"], "不能用作文件名"),
    ],
)
def test_option_mistakes_are_said_in_chinese(args: list[str], message: str) -> None:
    result = run("stats", *args)
    assert result.returncode in (1, 2) and message in result.stderr, result.stderr
    assert_no_traceback(result)


def test_export_to_stdout_with_since() -> None:
    own_record([("2026-11-01T09:05:00", "old", "in-sale"), ("2026-11-23T09:05:00", "new", "in-sale")])
    result = run("stats", "--export", "-", "--agent", "wang", "--since", "7d", "--now", "2026-11-23T18:00")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["replies"] == {"new": 1} and data["period"]["since"] == "2026-11-16T18:00:00"


def test_team_uses_d_for_titles_when_given(team: Path, write_book) -> None:
    usage = team / "usage"
    usage.mkdir()
    own_record([("2026-11-23T09:05:00", "ship", "in-sale")])
    assert run("stats", "--export", str(usage / "a.json"), "--agent", "a").returncode == 0
    books = write_book(
        "a.toml",
        '[book]\nname = "测"\nstage = "in-sale"\n\n[[phrase]]\nid = "ship"\ntitle = "发货"\ntext = "亲"\n',
    )
    result = run("stats", "--team", str(team), "-d", str(books.parent), "--json")
    data = json.loads(result.stdout)
    assert (
        data["top"] == [{"id": "ship", "title": "发货", "count": 1, "agents": 1}] and data["never_used"] == []
    )


@pytest.mark.skipif(
    not hasattr(__import__("quickreply.locations").locations, "team_folder"),
    reason="the team folder is remembered by `team join` (the sync part of issue 12)",
)
def test_team_defaults_to_the_joined_folder(team: Path) -> None:
    """`stats --team` without DIR: the folder `team join` wrote into team.toml."""
    usage = team / "usage"
    usage.mkdir()
    own_record([("2026-11-23T09:05:00", "invoice-yes", "in-sale")])
    assert run("stats", "--export", str(usage / "a.json"), "--agent", "a").returncode == 0
    config = Path(os.environ["QUICKREPLY_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "team.toml").write_text(f"folder = {json.dumps(str(team))}\n", encoding="utf-8")
    result = run("stats", "--team", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["agents"][0]["id"] == "a"
