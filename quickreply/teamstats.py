"""Team statistics without copying SQLite files around: each agent exports a usage summary
(JSON), git carries it to ``usage/<agent id>.json`` in the team folder (``team sync
--share-stats``), and a lead's ``stats --team`` adds every summary up.

The summary format, ``quickreply-usage`` version 1 (one object per file, UTF-8)::

    {
      "format": "quickreply-usage",
      "version": 1,
      "agent": {"id": "wang@shop-pc-3", "name": "小王"},
      "exported": "2026-11-23T18:00:00",          local time of the export
      "period": {"since": null, "first": "2026-11-02T09:01:13", "last": "2026-11-23T17:58:40"},
      "copies": 12,                               copies in the period
      "replies": {"invoice-yes": 3, "...": 9},    copies per reply id (used replies only)
      "by_stage": {"in-sale": 3, "...": 9},
      "by_hour": {"9": 3, "...": 9},              hour of day (local) → copies
      "given_up": [{"query": "能开专票吗", "count": 2}],
      "learned": [{"id": "invoice-yes", "query": "能开票吗", "count": 2}]
    }

``period.since`` is the ``--since`` the agent exported with (null: the whole record); ``first``
and ``last`` are the oldest and newest record in it (null when there is none). Queries have
their runs of 5+ digits masked (phone, order numbers) — again on export, whatever the record
held. Titles are not exported: the lead's books name the replies, and a reply nobody copied
is "never used" there. A reader ignores keys it does not know (additions keep version 1);
a file of a newer version is skipped with a finding.

A usage/ folder is written by many machines, so every file is read as data from a stranger:
anything wrong (not JSON, another format, a newer version, a symlink, a huge file, bad
counts, two files for one agent) is a finding naming the file — never a traceback — and the
rest still counts. No Textual here.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import re
import socket
import sqlite3
import stat
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .locations import user_config_dir
from .model import Phrase
from .sanitize import escape_in_quoted
from .stats import Stats
from .usage import default_path, mask_digits

FORMAT = "quickreply-usage"
VERSION = 1
USAGE_FOLDER = "usage"
"""Where the summaries live inside the team folder."""
MAX_BYTES = 20 * 1024 * 1024
"""A summary of 5,000 replies and a year of given-up queries is well under 1 MB; more is not one."""
_MAX_COUNT = 10**9
_MAX_KEY = 200
"""Longest reply id or stage name taken from a summary; a longer one is a bad entry."""
_AGENT_ID = re.compile(r"^\w[\w.@-]{0,63}$")
_NOT_IN_ID = re.compile(r"[^\w.@-]+")
AGENT_FILE = "agent.toml"
"""In the user config dir: ``id = "wang"`` and ``name = "小王"`` name this agent in summaries."""


class SummaryError(OSError):
    """The summary could not be made or written; the message is one Chinese line."""


# --- who this agent is -----------------------------------------------------------------------


@dataclass(frozen=True)
class Agent:
    id: str
    """Names the file usage/<id>.json: letters, digits, ``.@_-`` (Chinese letters too), ≤ 64."""
    name: str
    """Shown to the lead; free text."""


def valid_agent_id(text: str) -> bool:
    return bool(_AGENT_ID.match(text)) and ".." not in text


def _default_id() -> str:
    """``user@host``: one machine per agent is the rule, but two agents sharing a machine under
    their own logins must not overwrite each other's summary."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name (a container without a passwd entry)
        user = ""
    host = socket.gethostname().split(".")[0]
    raw = f"{user}@{host}" if user else host
    slug = _NOT_IN_ID.sub("-", raw).strip("-.")[:64]
    return slug if valid_agent_id(slug) else "agent"


def agent_identity(override: str | None = None) -> Agent:
    """This agent: ``override`` (``stats --export --agent``), else agent.toml in the user config
    dir, else ``user@host``. SummaryError for a bad id or a broken agent.toml."""
    config = user_config_dir() / AGENT_FILE
    settings: dict[str, Any] = {}
    if config.is_file():
        try:
            settings = tomllib.loads(config.read_bytes().decode("utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError, RecursionError) as error:
            raise SummaryError(f"{config}：无法读取客服名称（{error}）") from None
    configured = settings.get("id")
    name = settings.get("name")
    agent_id = override or (configured if isinstance(configured, str) else None) or _default_id()
    if not valid_agent_id(agent_id):
        where = "--agent" if override else str(config)
        raise SummaryError(
            f"{where}：客服 id {agent_id!r} 不能用作文件名（只用字母、数字、汉字和 . @ _ -，最多 64 个字符）"
        )
    if override or not isinstance(name, str) or not name.strip():
        name = agent_id
    return Agent(agent_id, " ".join(name.split())[:64])


def agent_id() -> str:
    """This agent's id, the file name under usage/ (``usage/<agent_id()>.json``)."""
    return agent_identity().id


# --- export: this agent's summary ------------------------------------------------------------


def _read_record(database: Path, since: dt.datetime | None) -> dict[str, Any]:
    cutoff = since.isoformat(timespec="seconds") if since else ""
    replies: Counter[str] = Counter()
    stages: Counter[str] = Counter()
    hours: Counter[int] = Counter()
    given_up: Counter[str] = Counter()
    learned: Counter[tuple[str, str]] = Counter()
    moments: list[str] = []
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        # Grouped in SQL: a year of copies is a few hundred thousand rows.
        if "uses" in tables:
            where = "FROM uses WHERE time >= ?"
            for phrase, count in db.execute(f"SELECT phrase, COUNT(*) {where} GROUP BY phrase", (cutoff,)):
                replies[str(phrase)] += count
            for stage, count in db.execute(f"SELECT stage, COUNT(*) {where} GROUP BY stage", (cutoff,)):
                stages[str(stage)] += count
            for hour, count in db.execute(
                f"SELECT substr(time, 12, 2), COUNT(*) {where} GROUP BY 1", (cutoff,)
            ):
                if isinstance(hour, str) and hour.isdigit() and int(hour) < 24:
                    hours[int(hour)] += count
            moments += [m for m in db.execute(f"SELECT MIN(time), MAX(time) {where}", (cutoff,)).fetchone()]
        if "misses" in tables:
            for query, count in db.execute(
                "SELECT query, COUNT(*) FROM misses WHERE time >= ? GROUP BY query", (cutoff,)
            ):
                given_up[mask_digits(str(query))] += count  # masked again: older records, other writers
            moments += [
                m
                for m in db.execute(
                    "SELECT MIN(time), MAX(time) FROM misses WHERE time >= ?", (cutoff,)
                ).fetchone()
            ]
        if "learned" in tables:
            for phrase, query, count in db.execute(
                "SELECT phrase, query, COUNT(*) FROM learned WHERE time >= ? GROUP BY phrase, query",
                (cutoff,),
            ):
                learned[(str(phrase), mask_digits(str(query)))] += count
            moments += [
                m
                for m in db.execute(
                    "SELECT MIN(time), MAX(time) FROM learned WHERE time >= ?", (cutoff,)
                ).fetchone()
            ]
    finally:
        db.close()
    found = sorted(m for m in moments if isinstance(m, str) and m)
    return {
        "period": {
            "since": since.isoformat(timespec="seconds") if since else None,
            "first": found[0] if found else None,
            "last": found[-1] if found else None,
        },
        "copies": sum(replies.values()),
        "replies": dict(sorted(replies.items())),
        "by_stage": dict(sorted(stages.items())),
        "by_hour": {str(hour): hours[hour] for hour in sorted(hours)},
        "given_up": [
            {"query": q, "count": c} for q, c in sorted(given_up.items(), key=lambda i: (-i[1], i[0]))
        ],
        "learned": [
            {"id": pid, "query": q, "count": c}
            for (pid, q), c in sorted(learned.items(), key=lambda i: (i[0][0], -i[1], i[0][1]))
        ],
    }


def summarize(
    database: Path | None = None,
    *,
    since: dt.datetime | None = None,
    agent: Agent | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """This agent's summary as a JSON-ready dict (see the module docstring). A missing record
    is an empty summary (an agent who never copied yet); SummaryError for one that cannot be
    read."""
    database = database or default_path()
    agent = agent or agent_identity()
    summary: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "agent": {"id": agent.id, "name": agent.name},
        "exported": (now or dt.datetime.now()).isoformat(timespec="seconds"),
    }
    empty = {
        "period": {
            "since": since.isoformat(timespec="seconds") if since else None,
            "first": None,
            "last": None,
        },
        "copies": 0,
        "replies": {},
        "by_stage": {},
        "by_hour": {},
        "given_up": [],
        "learned": [],
    }
    if not database.is_file():
        return summary | empty
    try:
        return summary | _read_record(database, since)
    except sqlite3.Error as error:
        raise SummaryError(f"无法读取使用记录 {database}：{error}") from None


def summary_bytes(summary: dict[str, Any]) -> bytes:
    """One entry per line, keys in a fixed order: a team repo's diffs stay readable. Characters
    a terminal could act on are written as \\u escapes (the data is unchanged)."""
    return (escape_in_quoted(json.dumps(summary, ensure_ascii=False, indent=1)) + "\n").encode("utf-8")


def export_summary(
    path: Path,
    *,
    database: Path | None = None,
    since: dt.datetime | None = None,
    agent: Agent | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Write this agent's usage summary JSON to ``path`` (its folder is created), atomically.
    SummaryError (an OSError, one Chinese line) when the record cannot be read or the file
    not written."""
    from .store import SaveError, write_atomic

    data = summary_bytes(summarize(database, since=since, agent=agent, now=now))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    except SaveError as error:
        raise SummaryError(str(error)) from None
    except OSError as error:
        raise SummaryError(f"无法写入 {path}：{error.strerror or error}") from None


# --- the lead's side: read every summary and add them up -------------------------------------


@dataclass(frozen=True)
class Finding:
    file: Path
    message: str

    def format(self) -> str:
        return f"{self.file}：{self.message}"


@dataclass
class AgentRow:
    id: str
    name: str
    file: Path
    copies: int
    given_up: int
    replies_used: int
    first: str | None
    last: str | None
    exported: str | None


@dataclass
class TeamStats:
    stats: Stats
    agents: list[AgentRow] = field(default_factory=list)
    reply_agents: dict[str, int] = field(default_factory=dict)
    """Per reply id: how many agents copied it at least once."""
    findings: list[Finding] = field(default_factory=list)


@dataclass
class _Summary:
    agent: str
    name: str
    exported: str | None
    first: str | None
    last: str | None
    replies: dict[str, int]
    stages: dict[str, int]
    hours: dict[int, int]
    given_up: dict[str, int]
    learned: dict[str, int]


def _count(value: object) -> int | None:
    # bool is an int in Python; true is no count
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_COUNT:
        return value
    return None


def _text(value: object, limit: int = 500) -> str | None:
    return value[:limit] if isinstance(value, str) and value.strip() else None


def _moment(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value).isoformat(timespec="seconds")
    except ValueError:
        return None


def _read_file(path: Path) -> tuple[Any, str | None]:
    """The parsed JSON, or why not. Regular files only (a FIFO blocks, /dev/zero fills memory),
    and no symlinks: a team repo could point one at any file of the lead's computer."""
    try:
        info = path.lstat()
    except OSError as error:
        return None, f"无法读取（{error.strerror or error}）"
    if stat.S_ISLNK(info.st_mode):
        return None, "是符号链接，跳过（使用汇总应是普通文件）"
    if not stat.S_ISREG(info.st_mode):
        return None, "不是普通文件，跳过"
    if info.st_size > MAX_BYTES:
        size, limit = info.st_size // 2**20, MAX_BYTES // 2**20
        return None, f"文件太大（{size} MB，上限 {limit} MB），跳过"
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, f"无法读取（{error.strerror or error}）"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "不是 UTF-8 文本（使用汇总由 quickreply stats --export 写出），跳过"
    try:
        return json.loads(text), None
    except json.JSONDecodeError as error:
        return None, f"第 {error.lineno} 行第 {error.colno} 列：不是有效的 JSON（{error.msg}），跳过"
    except (RecursionError, ValueError) as error:  # nesting thousands deep; an int of 5,000 digits
        return None, f"不是可读的 JSON（{type(error).__name__}），跳过"


def _counts(value: object, bad: list[str], what: str, key_ok: Any = None) -> dict[str, int]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        bad.append(f"{what} 应是对象")
        return {}
    counts = value.values()
    # The usual file, checked in C-speed passes: 200 agents × thousands of replies.
    if (
        key_ok is None
        and all(type(count) is int for count in counts)
        and (not value or (min(counts) >= 0 and max(counts) <= _MAX_COUNT))
        and (not value or (0 < min(map(len, value)) and max(map(len, value)) <= _MAX_KEY))
    ):
        return {key: count for key, count in value.items() if count}
    result: dict[str, int] = {}
    skipped = 0
    for key, raw in value.items():
        count = _count(raw)
        if count is None or not key or len(key) > _MAX_KEY or (key_ok is not None and not key_ok(key)):
            skipped += 1
        elif count:
            result[key] = count
    if skipped:
        bad.append(f"{what} 有 {skipped} 项不是非负整数计数，已跳过")
    return result


def _entries(value: object, bad: list[str], what: str, keys: Sequence[str]) -> list[tuple[Any, ...]]:
    if value is None:
        return []
    if not isinstance(value, list):
        bad.append(f"{what} 应是列表")
        return []
    rows: list[tuple[Any, ...]] = []
    skipped = 0
    for item in value:
        fields = [_text(item.get(key)) for key in keys] if isinstance(item, dict) else [None]
        count = _count(item.get("count")) if isinstance(item, dict) else None
        if count is None or any(f is None for f in fields):
            skipped += 1
        elif count:
            rows.append((*fields, count))
    if skipped:
        bad.append(f"{what} 有 {skipped} 项格式不对，已跳过")
    return rows


def parse_summary(data: object) -> tuple[_Summary | None, list[str]]:
    """A summary read from JSON, and what was wrong with it (Chinese). None: not usable at all."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None, [f'不是 quickreply 使用汇总（缺少 "format": "{FORMAT}"），跳过']
    version = _count(data.get("version"))
    if not version:
        return None, ["版本号不对，跳过"]
    if version > VERSION:
        return None, [f"格式版本 {version} 比本程序支持的（{VERSION}）新：请升级 quickreply，跳过"]
    agent = data.get("agent")
    agent_id = _text(agent.get("id"), 64) if isinstance(agent, dict) else None
    if agent_id is None:
        return None, ["缺少客服 id（agent.id），跳过"]
    name = _text(agent.get("name"), 64) if isinstance(agent, dict) else None
    bad: list[str] = []
    period: dict[str, Any] = data["period"] if isinstance(data.get("period"), dict) else {}
    given_up: Counter[str] = Counter()
    for query, count in _entries(data.get("given_up"), bad, "given_up", ["query"]):
        given_up[mask_digits(query)] += count  # masked on this side too: the file is a stranger's
    learned: Counter[str] = Counter()
    for pid, _query, count in _entries(data.get("learned"), bad, "learned", ["id", "query"]):
        learned[pid[:200]] += count
    hours = {
        int(hour): count
        for hour, count in _counts(
            data.get("by_hour"), bad, "by_hour", lambda k: k.isdigit() and int(k) < 24
        ).items()
    }
    summary = _Summary(
        agent=agent_id,
        name=" ".join((name or agent_id).split()),
        exported=_moment(data.get("exported")),
        first=_moment(period.get("first")),
        last=_moment(period.get("last")),
        replies=_counts(data.get("replies"), bad, "replies"),
        stages=_counts(data.get("by_stage"), bad, "by_stage"),
        hours=hours,
        given_up=dict(given_up),
        learned=dict(learned),
    )
    return summary, bad


def summary_files(folder: Path) -> list[Path]:
    """Every entry of ``folder`` but hidden ones (.gitkeep), by name."""
    return sorted((p for p in folder.iterdir() if not p.name.startswith(".")), key=lambda p: p.name)


def aggregate(folder: Path, phrases: Iterable[Phrase]) -> TeamStats:
    """Add up every ``*.json`` summary in ``folder`` (a team folder's usage/). Anything else
    there, and anything wrong inside a file, is a finding; the rest still counts. Raises
    OSError only when ``folder`` itself cannot be listed."""
    replies: Counter[str] = Counter()
    reply_agents: Counter[str] = Counter()
    stages: Counter[str] = Counter()
    hours: Counter[int] = Counter()
    given_up: Counter[str] = Counter()
    learned: Counter[str] = Counter()
    agents: list[AgentRow] = []
    findings: list[Finding] = []
    seen: dict[str, Path] = {}
    parsed: list[tuple[Path, _Summary]] = []
    for path in summary_files(folder):
        if path.suffix.lower() != ".json":
            findings.append(Finding(path, "不是使用汇总（应为 <客服 id>.json），跳过"))
            continue
        data, problem = _read_file(path)
        if problem is not None:
            findings.append(Finding(path, problem))
            continue
        summary, problems = parse_summary(data)
        findings += [Finding(path, message) for message in problems]
        if summary is not None:
            parsed.append((path, summary))
    # One agent, several files (a copy; an old file left under another name after the agent was
    # renamed): counting each would count copies twice. The newest export counts; on a tie the
    # file named after the agent. The file name is only a place: any name counts.
    parsed.sort(key=lambda item: (item[1].exported or "", item[1].agent == item[0].stem), reverse=True)
    parsed.sort(key=lambda item: item[1].agent)
    for path, summary in parsed:
        if summary.agent in seen:
            findings.append(
                Finding(
                    path, f"客服 {summary.agent} 的较新汇总在 {seen[summary.agent].name}，这份跳过（重复？）"
                )
            )
            continue
        seen[summary.agent] = path
        replies.update(summary.replies)
        reply_agents.update(summary.replies.keys())
        stages.update(summary.stages)
        hours.update(summary.hours)
        given_up.update(summary.given_up)
        learned.update(summary.learned)
        agents.append(
            AgentRow(
                id=summary.agent,
                name=summary.name,
                file=path,
                copies=sum(summary.replies.values()),
                given_up=sum(summary.given_up.values()),
                replies_used=len(summary.replies),
                first=summary.first,
                last=summary.last,
                exported=summary.exported,
            )
        )
    findings.sort(key=lambda finding: finding.file.name)
    phrases = list(phrases)
    titles = {phrase.id: phrase.title for phrase in phrases}
    agents.sort(key=lambda row: (-row.copies, row.id))
    stats = Stats(
        copies=sum(replies.values()),
        top=[(pid, titles.get(pid, "（已删除）"), count) for pid, count in replies.most_common()],
        never_used=[(p.id, p.title) for p in phrases if p.id not in replies],
        no_copy_queries=given_up.most_common(),
        by_stage=dict(stages.most_common()),
        by_hour={hour: hours[hour] for hour in range(24) if hours[hour]},
        learned=[(pid, titles.get(pid, "（已删除）"), count) for pid, count in learned.most_common()],
    )
    return TeamStats(stats, agents, dict(reply_agents), findings)


def period_of(agents: Sequence[AgentRow]) -> tuple[str | None, str | None]:
    """The oldest first and the newest last record over every agent."""
    firsts = sorted(row.first for row in agents if row.first)
    lasts = sorted(row.last for row in agents if row.last)
    return (firsts[0] if firsts else None, lasts[-1] if lasts else None)


def agents_report(team: TeamStats) -> str:
    """The by-agent section for the text report (names pass visible() at the CLI boundary)."""
    from .sanitize import visible

    first, last = period_of(team.agents)
    span = f"{first[:10]} 至 {last[:10]}" if first and last else "没有记录"
    lines = [f"团队统计：{len(team.agents)} 位客服，记录时间 {span}", "", "按客服："]
    width = max((len(visible(row.name)) for row in team.agents), default=4)
    for row in team.agents:
        when = f"{(row.first or '?')[:10]} 至 {(row.last or '?')[:10]}"
        lines.append(
            f"  {visible(row.name):<{width}}  复制 {row.copies:>6}  用过 {row.replies_used:>5} 条"
            f"  放弃搜索 {row.given_up:>5}  {when}"
        )
    if not team.agents:
        lines.append("  （没有可统计的使用汇总）")
    return "\n".join(lines)


def configured_team_folder() -> Path | None:
    """The team folder ``team join`` remembered (team.toml, read by locations.team_folder, which
    the sync side provides), or None. Looked up at call time so this module works without it."""
    from . import locations

    lookup = getattr(locations, "team_folder", None)
    if not callable(lookup):
        return None
    try:
        folder = lookup()
    except (OSError, ValueError):
        return None
    return Path(folder) if folder else None
