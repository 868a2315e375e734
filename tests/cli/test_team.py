"""`quickreply team join / sync` against a bare repository on disk and two or three clones."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

BOOK = """[book]
name = "售后"
stage = "after-sale"

[[phrase]]
id = "refund-window"
title = "退货时间"
text = "亲，签收后7天内可以无理由退货哦。"
keys = ["th"]

[[phrase]]
id = "refund-time"
title = "退款到账"
text = "亲，退款一般1-3个工作日原路退回。"
"""


def git(folder: Path, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout


class Agent:
    """One machine: its own config and data folders, its own git identity."""

    def __init__(self, root: Path, name: str) -> None:
        self.home = root / name
        self.home.mkdir()
        self.folder = self.home / "team"
        self.personal = self.home / "config" / "phrasebooks"
        self.env = {
            **os.environ,
            "HOME": str(self.home),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": str(self.home / "gitconfig"),
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": f"{name}@shop.example",
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": f"{name}@shop.example",
            "QUICKREPLY_CONFIG_DIR": str(self.home / "config"),
            "QUICKREPLY_DATA_DIR": str(self.home / "data"),
            "QUICKREPLY_CACHE_DIR": str(self.home / "cache"),
            "QUICKREPLY_NO_OSC52": "1",
        }
        self.env.pop("QUICKREPLY_DIR", None)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "quickreply", *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=120,
        )

    def join(self, url: Path) -> None:
        done = self.run("team", "join", str(url), str(self.folder))
        assert done.returncode == 0, done.stderr

    def sync(self, *extra: str) -> subprocess.CompletedProcess[str]:
        return self.run("team", "sync", *extra)

    def edit(self, old: str, new: str, name: str = "after.toml") -> None:
        path = self.folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")

    def git(self, *args: str) -> str:
        return git(self.folder, *args, env=self.env)


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, Agent, Agent]:
    """A bare repository holding one book, a lead and an agent who have both joined."""
    bare = tmp_path / "team.git"
    subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main", str(bare)], check=True)
    lead, agent = Agent(tmp_path, "lead"), Agent(tmp_path, "agent")
    lead.join(bare)
    (lead.folder / "after.toml").write_text(BOOK, encoding="utf-8")
    first = lead.sync("-m", "第一版")
    assert first.returncode == 0, first.stderr
    agent.join(bare)
    return bare, lead, agent


def remote_text(bare: Path, path: str, env: dict[str, str]) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(bare), "show", f"main:{path}"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout


def test_join_clones_and_a_plain_search_loads_the_team_folder(team: tuple[Path, Agent, Agent]) -> None:
    _bare, _lead, agent = team
    assert (agent.folder / "after.toml").read_text(encoding="utf-8") == BOOK
    config = tomllib.loads((agent.home / "config" / "team.toml").read_text(encoding="utf-8"))
    assert Path(config["folder"]) == agent.folder
    found = agent.run("search", "退货", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)[0]["id"] == "refund-window"


def test_join_refuses_a_folder_in_use_and_a_bad_url_in_one_chinese_line(tmp_path: Path) -> None:
    agent = Agent(tmp_path, "agent")
    (agent.folder).mkdir()
    (agent.folder / "x.txt").write_text("x", encoding="utf-8")
    busy = agent.run("team", "join", str(tmp_path), str(agent.folder))
    assert busy.returncode == 1 and "不是空文件夹" in busy.stderr
    missing = agent.run("team", "join", str(tmp_path / "nowhere.git"), str(tmp_path / "new"))
    assert missing.returncode == 1
    assert "Traceback" not in missing.stderr and len(missing.stderr.strip().splitlines()) == 1
    assert "不是 git 仓库" in missing.stderr


def test_a_leads_edit_reaches_the_agent_with_the_reply_named(team: tuple[Path, Agent, Agent]) -> None:
    bare, lead, agent = team
    lead.edit("签收后7天内", "签收后15天内")
    pushed = lead.sync()
    assert pushed.returncode == 0, pushed.stderr
    assert "refund-window" in lead.git("log", "-1", "--format=%s")  # the default message names it
    assert "15天" in remote_text(bare, "after.toml", lead.env)
    pulled = agent.sync()
    assert pulled.returncode == 0, pulled.stderr
    assert "团队话术已更新 1 条" in pulled.stdout
    assert "refund-window" in pulled.stdout and "退货时间" in pulled.stdout
    assert "refund-time" not in pulled.stdout
    rendered = agent.run("render", "refund-window")
    assert "15天" in rendered.stdout


def test_edits_of_different_replies_on_both_sides_merge_and_push(team: tuple[Path, Agent, Agent]) -> None:
    bare, lead, agent = team
    lead.edit("签收后7天内", "签收后15天内")
    assert lead.sync().returncode == 0
    agent.edit("1-3个工作日", "1-5个工作日")
    done = agent.sync()
    assert done.returncode == 0, done.stderr
    assert "refund-window" in done.stdout
    on_team = tomllib.loads(remote_text(bare, "after.toml", agent.env))
    texts = {p["id"]: p["text"] for p in on_team["phrase"]}
    assert "15天" in texts["refund-window"] and "1-5个" in texts["refund-time"]
    assert "<<<<<<<" not in (agent.folder / "after.toml").read_text(encoding="utf-8")


def test_the_same_reply_changed_on_both_sides_is_a_conflict_that_loses_nothing(
    team: tuple[Path, Agent, Agent],
) -> None:
    _bare, lead, agent = team
    lead.edit("签收后7天内", "签收后15天内")
    assert lead.sync().returncode == 0
    agent.edit("签收后7天内", "签收后10天内")
    agent.edit("1-3个工作日", "1-5个工作日")  # not in conflict: kept and shared
    done = agent.sync()
    assert done.returncode == 1
    assert "冲突：refund-window" in done.stderr and "Traceback" not in done.stderr
    book = (agent.folder / "after.toml").read_text(encoding="utf-8")
    assert "<<<<<<<" not in book and ">>>>>>>" not in book
    texts = {p["id"]: p["text"] for p in tomllib.loads(book)["phrase"]}
    assert "15天" in texts["refund-window"] and "1-5个" in texts["refund-time"]
    check = agent.run("check")
    assert check.returncode == 0, check.stdout + check.stderr
    # the agent's text is kept: on a branch and in the book's backups
    branches = agent.git("branch", "--list", "quickreply/local-*").split()
    assert len(branches) == 1 and branches[0].startswith("quickreply/local-")
    assert branches[0] in done.stderr
    assert "10天" in agent.git("show", f"{branches[0]}:after.toml")
    listed = agent.run("restore", "--list", str(agent.folder / "after.toml"))
    assert listed.returncode == 0 and listed.stdout.strip()
    # the lead now gets the agent's other change, and the team's wording stands
    again = lead.sync()
    assert again.returncode == 0
    assert "1-5个" in (lead.folder / "after.toml").read_text(encoding="utf-8")
    assert "15天" in (lead.folder / "after.toml").read_text(encoding="utf-8")


def test_a_refused_push_is_said_in_chinese_and_the_commit_kept(team: tuple[Path, Agent, Agent]) -> None:
    bare, _lead, agent = team
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'permission denied: read-only agent' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    agent.edit("1-3个工作日", "1-5个工作日")
    done = agent.sync()
    assert done.returncode == 1
    assert "推送被拒绝" in done.stderr and "只有读取权限" in done.stderr and "Traceback" not in done.stderr
    assert "1-5个" in agent.git("show", "HEAD:after.toml")  # committed locally
    branch = agent.git("branch", "--list", "quickreply/local-*").split()[0]
    assert branch in done.stderr
    assert "1-5个" in agent.git("show", f"{branch}:after.toml")
    assert "1-5个" not in remote_text(bare, "after.toml", agent.env)


def test_a_read_only_agent_without_changes_just_pulls(team: tuple[Path, Agent, Agent]) -> None:
    bare, lead, agent = team
    lead.edit("签收后7天内", "签收后15天内")
    assert lead.sync().returncode == 0
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    done = agent.sync()
    assert done.returncode == 0, done.stderr
    assert "refund-window" in done.stdout


PERSONAL = """[book]
name = "我的话术"
stage = "pre-sale"

[[phrase]]
id = "my-greet"
title = "我的问候"
text = "亲亲，我是小美，很高兴为您服务~"
"""


def test_personal_replies_load_after_the_team_and_are_never_pushed(team: tuple[Path, Agent, Agent]) -> None:
    bare, _lead, agent = team
    agent.personal.mkdir(parents=True)
    (agent.personal / "mine.toml").write_text(PERSONAL, encoding="utf-8")
    found = json.loads(agent.run("search", "问候", "--json").stdout)
    assert "my-greet" in [row["id"] for row in found]
    assert "refund-window" in [row["id"] for row in json.loads(agent.run("search", "退货", "--json").stdout)]
    done = agent.sync()
    assert done.returncode == 0, done.stderr
    files = subprocess.run(
        ["git", "--git-dir", str(bare), "ls-tree", "-r", "--name-only", "main"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "mine.toml" not in files
    log = subprocess.run(
        ["git", "--git-dir", str(bare), "log", "-p", "main"], capture_output=True, text=True, check=True
    ).stdout
    assert "my-greet" not in log


def test_a_personal_reply_reusing_a_team_id_is_a_check_error(team: tuple[Path, Agent, Agent]) -> None:
    _bare, _lead, agent = team
    agent.personal.mkdir(parents=True)
    (agent.personal / "mine.toml").write_text(PERSONAL.replace("my-greet", "refund-window"), encoding="utf-8")
    check = agent.run("check", "--format", "json")
    assert check.returncode == 1
    rows = [row for row in json.loads(check.stdout) if row["rule"] == "personal-id"]
    assert len(rows) == 1 and rows[0]["phrase"] == "refund-window"
    assert rows[0]["file"].endswith("mine.toml") and "团队" in rows[0]["message"]
    # the team's reply is the one loaded
    assert "7天" in agent.run("render", "refund-window").stdout


def test_sync_outside_a_repository_says_so(tmp_path: Path) -> None:
    agent = Agent(tmp_path, "agent")
    plain = tmp_path / "plain"
    plain.mkdir()
    done = agent.run("team", "sync", "-d", str(plain))
    assert done.returncode == 1 and "不是 git 仓库" in done.stderr and "Traceback" not in done.stderr
    none = agent.run("team", "sync")
    assert none.returncode == 2 and "team join" in none.stderr


def test_three_clones_each_edit_a_reply_and_all_end_equal(
    team: tuple[Path, Agent, Agent], tmp_path: Path
) -> None:
    bare, lead, agent = team
    third = Agent(tmp_path, "third")
    third.join(bare)
    lead.edit("签收后7天内", "签收后15天内")
    agent.edit("1-3个工作日", "1-5个工作日")
    (third.folder / "pre.toml").write_text(PERSONAL.replace("my-greet", "team-greet"), encoding="utf-8")
    for who in (lead, agent, third, lead, agent):
        done = who.sync()
        assert done.returncode == 0, done.stderr
    assert lead.git("rev-parse", "HEAD") == agent.git("rev-parse", "HEAD")
    assert (lead.folder / "after.toml").read_text(encoding="utf-8") == (
        agent.folder / "after.toml"
    ).read_text(encoding="utf-8")
    assert (agent.folder / "pre.toml").is_file()


def test_share_stats_places_this_agents_summary_under_usage(
    team: tuple[Path, Agent, Agent], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-process: `stats.export_summary` (stats --export) writes the file; sync shares it."""
    from quickreply import stats
    from quickreply import team as team_module

    bare, _lead, agent = team
    for name, value in agent.env.items():
        if name.startswith("GIT_"):
            monkeypatch.setenv(name, value)

    def export_summary(path: Path) -> None:
        path.write_text(json.dumps({"copies": {"refund-window": 3}}), encoding="utf-8")

    monkeypatch.setattr(stats, "export_summary", export_summary, raising=False)
    monkeypatch.setattr(stats, "agent_id", lambda: "wang@pc-3")  # the summary's own agent id
    result = team_module.sync(agent.folder, share_stats=True)
    assert result.pushed and result.shared_stats == agent.folder / "usage" / "wang@pc-3.json"
    shared = json.loads(remote_text(bare, "usage/wang@pc-3.json", agent.env))
    assert shared == {"copies": {"refund-window": 3}}
    assert result.committed == []  # no reply changed: the message says files were updated
    assert "更新话术文件" in agent.git("log", "-1", "--format=%s")


def test_a_broken_book_is_not_committed_or_pushed(team: tuple[Path, Agent, Agent]) -> None:
    bare, lead, _agent = team
    lead.edit('title = "退款到账"', 'title = "退款到账')
    done = lead.sync()
    assert done.returncode == 1
    assert "after.toml 第 13 行" in done.stderr and "未提交" in done.stderr and "Traceback" not in done.stderr
    assert 'title = "退款到账"' in remote_text(bare, "after.toml", lead.env)
    assert lead.git("status", "--porcelain").strip()  # the edit is still there to fix


def test_an_unreachable_team_repository_is_one_chinese_line(team: tuple[Path, Agent, Agent]) -> None:
    bare, _lead, agent = team
    bare.rename(bare.with_name("moved.git"))
    done = agent.sync()
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("同步失败：") and "Traceback" not in done.stderr


def test_a_book_with_a_chinese_file_name_syncs_and_merges(team: tuple[Path, Agent, Agent]) -> None:
    _bare, lead, agent = team
    (lead.folder / "售前.toml").write_text(PERSONAL.replace("my-greet", "team-greet"), encoding="utf-8")
    assert lead.sync().returncode == 0
    first = agent.sync()
    assert first.returncode == 0 and "team-greet" in first.stdout and "售前.toml" in first.stdout
    lead.edit("小美", "小丽", name="售前.toml")
    assert lead.sync().returncode == 0
    agent.edit("很高兴", "非常高兴", name="售前.toml")
    done = agent.sync()
    assert done.returncode == 1 and "冲突：team-greet（售前.toml）" in done.stderr
    assert "小丽" in (agent.folder / "售前.toml").read_text(encoding="utf-8")


def test_a_merge_that_cannot_be_written_leaves_the_local_commit_as_it_was(
    team: tuple[Path, Agent, Agent], monkeypatch: pytest.MonkeyPatch
) -> None:
    from quickreply import team as team_module

    _bare, lead, agent = team
    lead.edit("签收后7天内", "签收后15天内")
    assert lead.sync().returncode == 0
    agent.edit("1-3个工作日", "1-5个工作日")
    for name, value in agent.env.items():
        if name.startswith("GIT_"):
            monkeypatch.setenv(name, value)

    def full_disk(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device", str(self))

    with monkeypatch.context() as patch:
        patch.setattr(Path, "write_text", full_disk)
        with pytest.raises(team_module.TeamError, match="无法写入"):
            team_module.sync(agent.folder)
    assert not (agent.folder / ".git" / "MERGE_HEAD").exists()
    assert agent.git("status", "--porcelain").strip() == ""
    book = (agent.folder / "after.toml").read_text(encoding="utf-8")
    assert "1-5个" in book and "7天" in book  # the agent's committed state, untouched
    done = agent.sync()  # and the next sync just works
    assert done.returncode == 0, done.stderr
    assert "15天" in (agent.folder / "after.toml").read_text(encoding="utf-8")


def test_team_sync_refuses_two_folders() -> None:
    """`-d A -d B` synced A and ignored B without a word."""
    from .test_cli import run

    done = run("team", "sync", "-d", "/nonexistent/a", "-d", "/nonexistent/b")
    assert done.returncode == 2 and "只给一个 -d" in done.stderr
