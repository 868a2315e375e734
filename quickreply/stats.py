"""Usage statistics for team leads, from one or more agents' usage databases."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Phrase, Stage
from .sanitize import visible

_SINCE = re.compile(r"^(\d+)([dhw])$")


def parse_since(text: str, now: dt.datetime) -> dt.datetime:
    """``7d``, ``24h``, ``2w`` or an ISO date."""
    match = _SINCE.match(text.strip())
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        delta = {
            "d": dt.timedelta(days=amount),
            "h": dt.timedelta(hours=amount),
            "w": dt.timedelta(weeks=amount),
        }
        return now - delta[unit]
    return dt.datetime.fromisoformat(text)


@dataclass
class Stats:
    copies: int = 0
    top: list[tuple[str, str, int]] = field(default_factory=list)
    """(phrase id, title, copies), most used first."""
    never_used: list[tuple[str, str]] = field(default_factory=list)
    no_copy_queries: list[tuple[str, int]] = field(default_factory=list)
    by_stage: dict[str, int] = field(default_factory=dict)
    by_hour: dict[int, int] = field(default_factory=dict)
    learned: list[tuple[str, str, int]] = field(default_factory=list)
    """(phrase id, title, learned buyer wordings), most first: see learned.py."""


def compute(databases: Sequence[Path], phrases: Sequence[Phrase], since: dt.datetime | None) -> Stats:
    """Combine the records of several agents (each a usage.sqlite3 file)."""
    uses: Counter[str] = Counter()
    stages: Counter[str] = Counter()
    hours: Counter[int] = Counter()
    misses: Counter[str] = Counter()
    learned: Counter[str] = Counter()
    cutoff = since.isoformat(timespec="seconds") if since else ""
    for path in databases:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            for moment, phrase, stage in db.execute(
                "SELECT time, phrase, stage FROM uses WHERE time >= ?", (cutoff,)
            ):
                uses[phrase] += 1
                stages[stage] += 1
                try:
                    hours[dt.datetime.fromisoformat(moment).hour] += 1
                except ValueError:
                    continue
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "misses" in tables:
                for (query,) in db.execute("SELECT query FROM misses WHERE time >= ?", (cutoff,)):
                    misses[query] += 1
            if "learned" in tables:
                for (phrase,) in db.execute("SELECT phrase FROM learned WHERE time >= ?", (cutoff,)):
                    learned[phrase] += 1
    titles = {phrase.id: phrase.title for phrase in phrases}
    return Stats(
        copies=sum(uses.values()),
        top=[(pid, titles.get(pid, "（已删除）"), count) for pid, count in uses.most_common()],
        never_used=[(p.id, p.title) for p in phrases if p.id not in uses],
        no_copy_queries=misses.most_common(),
        by_stage=dict(stages),
        by_hour={hour: hours[hour] for hour in range(24) if hours[hour]},
        learned=[(pid, titles.get(pid, "（已删除）"), count) for pid, count in learned.most_common()],
    )


def bar(value: int, most: int, width: int = 20) -> str:
    """A text bar: the largest value gets ``width`` blocks."""
    return "█" * max(1, round(width * value / max(1, most))) if value else ""


def stage_name(value: str) -> str:
    """售前 for a recorded ``pre-sale``; a value this version does not know (from another
    agent's newer record) is shown as recorded, through :func:`visible`."""
    try:
        return Stage(value).label
    except ValueError:
        return visible(value)


def _pad(text: str, cells: int) -> str:
    """``text`` padded to ``cells`` terminal columns (a Chinese character takes two)."""
    width = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(0, cells - width)


@dataclass(frozen=True)
class ReportText:
    """The words of :func:`report`: Chinese here (the CLI); the statistics screen passes the
    English set under QUICKREPLY_LANG=en (quickreply/tui/strings.py STATS_ENGLISH)."""

    copies: str = "共复制 {count} 次"
    top: str = "最常用的回复："
    nothing: str = "（没有记录）"
    never_used: str = "从没用过的回复（{count} 条，可考虑删除）："
    no_copy: str = "搜了却没复制的查询（可考虑新增回复）："
    by_stage: str = "按阶段："
    by_hour: str = "按小时："
    learned: str = "学到的回答（搜索没排第一、客服却选了的次数；stats --suggest 看买家说法）："
    reply: str = "{title}（{id}）"


def report(stats: Stats, text: ReportText | None = None, stage: Callable[[str], str] = stage_name) -> str:
    """The statistics as text with bars, for the terminal and the statistics screen.
    ``stage`` names a recorded stage value (售前 for pre-sale).

    Queries, ids and stages come from usage databases (merged from other agents' computers,
    queries pasted from buyers' messages): each is shown through :func:`visible`, one line."""
    words = text or ReportText()
    nothing = "  " + words.nothing

    def reply(title: str, phrase: str) -> str:
        return words.reply.format(title=visible(title), id=visible(phrase))  # values are not expanded

    lines = [words.copies.format(count=stats.copies), "", words.top]
    top = stats.top[:15]
    most = top[0][2] if top else 1
    lines += [f"  {c:>5}  {bar(c, most)}  {reply(t, i)}" for i, t, c in top] or [nothing]
    lines += ["", words.never_used.format(count=len(stats.never_used))]
    lines += [f"  {visible(i)}  {visible(t)}" for i, t in stats.never_used[:30]]
    lines += ["", words.no_copy]
    lines += [f"  {c:>5}  {visible(q)}" for q, c in stats.no_copy_queries[:20]] or [nothing]
    stage_most = max(stats.by_stage.values(), default=1)
    lines += ["", words.by_stage] + [
        f"  {_pad(stage(k), 10)} {c:>5}  {bar(c, stage_most)}" for k, c in stats.by_stage.items()
    ]
    hour_most = max(stats.by_hour.values(), default=1)
    lines += ["", words.by_hour]
    lines += [f"  {h:02}:00 {c:>5}  {bar(c, hour_most)}" for h, c in stats.by_hour.items()]
    if stats.learned:
        lines += ["", words.learned]
        lines += [f"  {c:>5}  {reply(t, i)}" for i, t, c in stats.learned[:20]]
    return "\n".join(lines)


# --- team statistics: see teamstats.py ----------------------------------------------------------


def export_summary(path: Path, **options: Any) -> None:
    """Write this agent's usage summary JSON to ``path`` (``quickreply-usage`` version 1, see
    teamstats.py); ``team sync --share-stats`` puts it at ``usage/<agent_id()>.json``.
    Options: ``database``, ``since``, ``agent``, ``now``. Raises teamstats.SummaryError (an
    OSError, one Chinese line)."""
    from .teamstats import export_summary as export  # deferred: teamstats imports Stats from here

    export(path, **options)


def agent_id() -> str:
    """This agent's id: the file name of its summary under the team folder's usage/."""
    from .teamstats import agent_id as current

    return current()
