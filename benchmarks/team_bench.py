"""Time of `quickreply team sync` on a team repository of 5,000 replies and 200 agents' usage files.

    python benchmarks/team_bench.py [--replies 5000] [--agents 200] [--edits 50]

A bare repository on disk, a lead's clone and an agent's clone. Figures (seconds, each the
whole `team sync` as a subprocess, git included):
  first sync   the lead publishes every book and usage file
  join         the agent clones
  idle sync    nothing changed anywhere (fetch only)
  pull sync    the lead changed --edits replies; the agent fast-forwards and names them
  merge sync   both changed different replies of the same book: the per-reply merge
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BOOKS = 10


def book_text(number: int, per_book: int) -> str:
    lines = [f'[book]\nname = "书{number}"\nstage = "after-sale"\n']
    for index in range(per_book):
        reply = f"r{number}-{index}"
        lines.append(
            f'[[phrase]]\nid = "{reply}"\ntitle = "回复{number}-{index}"\n'
            f'text = "亲，这是第{index}条回复，退货请在签收后7天内申请哦。"\n'
            f'keys = ["k{number}x{index}"]\ntags = ["售后", "退货"]\n'
        )
    return "\n".join(lines)


def timed(env: dict[str, str], *args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "quickreply", *args], capture_output=True, text=True, env=env
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replies", type=int, default=5000)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--edits", type=int, default=50)
    options = parser.parse_args()
    per_book = options.replies // BOOKS
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        env = {
            **os.environ,
            "HOME": temporary,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": str(root / "gitconfig"),
            "GIT_AUTHOR_NAME": "bench",
            "GIT_AUTHOR_EMAIL": "b@x",
            "GIT_COMMITTER_NAME": "bench",
            "GIT_COMMITTER_EMAIL": "b@x",
            "QUICKREPLY_CACHE_DIR": str(root / "cache"),
        }
        env.pop("QUICKREPLY_DIR", None)
        lead_env = {
            **env,
            "QUICKREPLY_CONFIG_DIR": str(root / "lead-config"),
            "QUICKREPLY_DATA_DIR": str(root / "lead-data"),
        }
        agent_env = {
            **env,
            "QUICKREPLY_CONFIG_DIR": str(root / "agent-config"),
            "QUICKREPLY_DATA_DIR": str(root / "agent-data"),
        }
        bare, lead, agent = root / "team.git", root / "lead", root / "agent"
        subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main", str(bare)], check=True)
        timed(lead_env, "team", "join", str(bare), str(lead))
        for number in range(BOOKS):
            (lead / f"book{number}.toml").write_text(book_text(number, per_book), encoding="utf-8")
        (lead / "usage").mkdir()
        for agent_number in range(options.agents):
            summary = {
                "agent": f"agent{agent_number}",
                "copies": {f"r{i % BOOKS}-{i}": i % 7 + 1 for i in range(0, per_book, 10)},
            }
            (lead / "usage" / f"agent{agent_number}.json").write_text(json.dumps(summary), encoding="utf-8")
        figures = {"first sync": timed(lead_env, "team", "sync", "-m", "第一版")}
        figures["join"] = timed(agent_env, "team", "join", str(bare), str(agent))
        figures["idle sync"] = timed(agent_env, "team", "sync")
        edited = lead / "book0.toml"
        text = edited.read_text(encoding="utf-8")
        for index in range(options.edits):  # the lead rewords --edits replies of one book
            text = text.replace(f"这是第{index}条回复", f"这是改过的第{index}条回复", 1)
        edited.write_text(text, encoding="utf-8")
        timed(lead_env, "team", "sync")
        figures["pull sync"] = timed(agent_env, "team", "sync")
        # both sides: the lead the first reply of book1, the agent the last one
        for folder, reply in ((lead, 0), (agent, per_book - 1)):
            path = folder / "book1.toml"
            text = path.read_text(encoding="utf-8")
            path.write_text(
                text.replace(f"这是第{reply}条回复", f"这是第{reply}条回复（新）", 1), encoding="utf-8"
            )
        timed(lead_env, "team", "sync")
        figures["merge sync"] = timed(agent_env, "team", "sync")
        print(
            f"{options.replies} replies in {BOOKS} books, {options.agents} usage files, {options.edits} edits"
        )
        for name, seconds in figures.items():
            print(f"  {name:<11} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
