"""The app pulls the team folder on start, says how many replies changed, marks personal ones."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from quickreply import team
from quickreply.locations import personal_folder
from tests.cli.test_team import BOOK, PERSONAL
from tests.tui.conftest import AppFactory


@pytest.fixture
def identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, value in {
        "GIT_AUTHOR_NAME": "lead",
        "GIT_AUTHOR_EMAIL": "lead@shop.example",
        "GIT_COMMITTER_NAME": "lead",
        "GIT_COMMITTER_EMAIL": "lead@shop.example",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),
    }.items():
        monkeypatch.setenv(name, value)


async def test_start_pulls_the_team_and_names_the_count(
    tmp_path: Path, make: AppFactory, identity: None
) -> None:
    bare = tmp_path / "team.git"
    subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main", str(bare)], check=True)
    lead = tmp_path / "lead"
    subprocess.run(["git", "clone", "--quiet", str(bare), str(lead)], check=True, capture_output=True)
    (lead / "after.toml").write_text(BOOK, encoding="utf-8")
    assert team.sync(lead).pushed
    agent = team.join(str(bare), tmp_path / "agent")  # remembered as the team folder
    mine = personal_folder()
    mine.mkdir(parents=True)
    (mine / "mine.toml").write_text(PERSONAL, encoding="utf-8")
    book = lead / "after.toml"
    book.write_text(
        book.read_text(encoding="utf-8").replace("7天", "15天").replace("1-3个", "1-5个"), encoding="utf-8"
    )
    assert team.sync(lead).pushed

    app = make(agent, mine, watch=True)
    async with app.run_test(notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "团队话术已更新 2 条" in [n.message for n in app._notifications]
        assert "15天" in (agent / "after.toml").read_text(encoding="utf-8")
        await pilot.press(*"我的问候")
        await pilot.pause()
        hit = app.main.results.selected
        assert hit is not None and hit.phrase.id == "my-greet"
        line = app.main.results.row(0)
        assert "个人" in str(line)
        preview = app.main.query_one("Preview")
        assert "个人话术" in str(preview.render())


async def test_no_team_folder_no_pull(tmp_path: Path, make: AppFactory, books_copy: Path) -> None:
    app = make(books_copy, watch=True)
    async with app.run_test(notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not [n for n in app._notifications if "团队" in n.message]
        hit = app.main.results.selected
        assert hit is not None and "个人" not in str(app.main.results.row(0))
