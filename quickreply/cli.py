"""The ``quickreply`` command: search, render and check phrasebooks; no command starts the TUI."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import errno
import gc
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import argparse_zh
from .library import Library, load
from .locations import bundled_phrasebooks, user_config_dir
from .model import Phrase, Problem, Severity, Stage
from .sanitize import json_text, visible_output
from .schema import parts_text
from .template import MalformedTemplateError, MissingValuesError

if TYPE_CHECKING:
    from .usage import LastUsedTexts

DIR_HELP = "短语目录（可重复，多个目录的书会合并）；默认依次为 QUICKREPLY_DIR、用户配置目录、内置短语"
WATCH_HELP = "监听剪贴板：在聊天窗口复制买家的消息，界面自动搜索并选中回复，Enter 复制（界面里 F7 开关）"


class UsageError(Exception):
    """Bad input from the command line: printed as a message, exit code 2."""


def _parse_now(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--now 的时间格式不对：{value!r}（例如 2026-11-23T15:30）") from None


def _parse_stage(value: str | None) -> Stage | None:
    if value is None:
        return None
    try:
        return Stage.parse(value)
    except ValueError:
        raise UsageError(
            f"未知的阶段 {value!r}：可用 pre-sale/in-sale/after-sale 或 售前/售中/售后"
        ) from None


def _unknown_shop(library: Library, name: str) -> UsageError:
    names = "、".join(shop.name for shop in library.shops) or "（没有 shops.toml）"
    return UsageError(f"找不到店铺 {name!r}；可用：{names}")


def _load(args: argparse.Namespace, now: dt.datetime | None = None, *, search_index: bool = True) -> Library:
    directories = [Path(d) for d in args.dir or []]
    clock = (lambda: now) if now is not None else None
    library = load(*directories, clock=clock, search_index=search_index)
    # A misspelt --shop is an error whatever the command and wherever the option stood:
    # going on with the default shop would fill in the wrong shop's details.
    if getattr(args, "shop", None) is not None:
        try:
            library.shop(args.shop)
        except KeyError:
            raise _unknown_shop(library, args.shop) from None
    return library


def _warn_problems(library: Library) -> None:
    """Other commands go on despite broken books, but say what is broken on stderr."""
    errors = [problem for problem in library.problems if problem.severity is Severity.ERROR]
    for problem in errors:
        print(problem.format(), file=sys.stderr)
    if errors:
        print(
            f"警告：{len(errors)} 个错误，出错的部分没有载入；运行 quickreply check 查看全部。",
            file=sys.stderr,
        )


# --- commands -------------------------------------------------------------------------------------


def cmd_search(args: argparse.Namespace) -> int:
    stage = _parse_stage(args.stage)
    if args.limit < 1:
        raise UsageError("--limit 必须是正整数")
    library = _load(args, _parse_now(args.now))
    _warn_problems(library)
    hits = library.search(args.query, stage=stage, limit=args.limit)
    if args.json:
        last_used = _last_used(args)
        rows = [
            {
                "id": hit.phrase.id,
                "title": hit.phrase.title,
                "stage": hit.phrase.stage.value,
                "book": hit.phrase.book,
                "score": hit.score,
                "reason": hit.reason,
                "keys": list(hit.phrase.keys),
                "tags": list(hit.phrase.tags),
                "text": hit.phrase.text,
                "title_spans": [list(s) for s in hit.title_spans],
                "updated": last_used.is_updated(hit.phrase.id, hit.phrase.text),
            }
            for hit in hits
        ]
        print(json_text(rows))
        return 0
    if not hits:
        print("没有找到匹配的回复。", file=sys.stderr)
        return 0
    width = max(len(hit.phrase.id) for hit in hits)
    for hit in hits:
        keys = f"  [{'/'.join(hit.phrase.keys)}]" if hit.phrase.keys else ""
        print(f"{hit.phrase.id:<{width}}  {hit.phrase.stage.label}  {hit.phrase.title}{keys}")
    return 0


def _last_used(args: argparse.Namespace) -> LastUsedTexts:
    """This computer's last used texts, for ``"updated"``; empty with --no-history, before the
    first use, or when the record cannot be read (a nicety: never an error)."""
    from .usage import LastUsedTexts, default_path, read_last_used

    path = default_path()
    if args.no_history or not path.is_file():  # searching alone creates no database
        return LastUsedTexts()
    return read_last_used(path)


def _record_use(args: argparse.Namespace, phrase: Phrase) -> None:
    """``render`` printed the reply: a use, so it is no longer "updated" (not with
    --no-history). Best effort: a record that cannot be written is said on stderr, once."""
    if args.no_history:
        return
    from .usage import UsageLog

    log = UsageLog()
    if not log.record_text(phrase.id, phrase.text):
        print(f"注意：使用记录不可用（{log.failure}），这次使用没有记下。", file=sys.stderr)
    log.close()


def _parse_sets(pairs: Sequence[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--set 需要 名称=值 的形式，收到 {pair!r}")
        values[name.strip()] = value
    return values


def cmd_render(args: argparse.Namespace) -> int:
    now = _parse_now(args.now)
    values = _parse_sets(args.set or [])
    library = _load(args, now)
    _warn_problems(library)
    try:
        phrase = library.phrase(args.id)
    except KeyError:
        hint = library.search(args.id, limit=3)
        close = "；相近的有：" + "、".join(hit.phrase.id for hit in hint) if hint else ""
        print(f"找不到 id 为 {args.id!r} 的回复{close}", file=sys.stderr)
        return 1
    shop = library.shop(args.shop)  # _load has checked the name
    if args.part is not None and not 1 <= args.part <= len(phrase.segments):
        count = len(phrase.segments)
        raise UsageError(f"--part 应在 1 到 {count} 之间（{phrase.id} 分 {count} 段）")
    used = library.template(phrase, args.variant).names
    # A --set value the reply uses must pass its placeholders.toml pattern, as in the form.
    refused = [
        f"{library.placeholders.title(name)}：{problem}"
        for name in used
        if name in values and (problem := library.placeholders.spec(name).problem(values[name].strip()))
    ]
    if refused:
        print("\n".join(refused), file=sys.stderr)
        return 1
    try:
        filled = library.render(phrase, shop=shop, values=values, now=now, variant=args.variant)
        pieces = [part.text for part in library.render_parts(phrase, shop=shop, values=values, now=now)]
    except MissingValuesError as error:
        names = "、".join(library.placeholders.title(name) for name in error.names)
        sets = " ".join(f"--set {name}=…" for name in error.names)
        print(f"缺少取值：{names}。请用 {sets} 提供。", file=sys.stderr)
        return 1
    except MalformedTemplateError as error:
        print(f"{phrase.id} 无法生成：{error}（运行 quickreply check 查看位置）", file=sys.stderr)
        return 1
    text = filled.text
    _warn_flagged(library, phrase)
    _warn_window(phrase, library.clock().date())
    if args.part is not None:
        text = pieces[args.part - 1]
        print(text)
    elif phrase.parts:
        # A sequence: every part, between lines holding only --- (what the editor reads back).
        print(parts_text(pieces))
    else:
        print(text)
    _record_use(args, phrase)
    if phrase.parts and args.part is None:
        text = pieces[0]
        if args.copy:
            print(f"分 {len(pieces)} 段发送：只复制了第 1 段，用 --part 2 复制下一段。", file=sys.stderr)
    if args.copy:
        from .clipboard import CopyMethod, copy

        result = copy(text)
        reason = f"（{result.detail}）" if result.detail else ""
        if result.method is CopyMethod.SYSTEM:  # only after the clipboard read the text back
            print("已复制到剪贴板。", file=sys.stderr)
        elif result.method is CopyMethod.TERMINAL:
            # The terminal never confirms OSC 52: a script must not take this for a copy.
            print(
                f"系统剪贴板不可用{reason}，未确认复制：已请终端（OSC 52）复制，终端不回复是否成功；"
                "若粘贴不出，请手动复制上面的文字。",
                file=sys.stderr,
            )
            return 3
        else:
            print(f"剪贴板不可用{reason}，未复制：请手动复制上面的文字。", file=sys.stderr)
            return 3
    return 0


def _warn_flagged(library: Library, phrase: Phrase) -> None:
    """A reply the content rules flag (a phone number, 好评返现 …) is still printed or copied —
    a script cannot answer the app's question — but never without a word."""
    from .rules import SendCheck, load_rules

    rules, _problems = load_rules(library.directories)  # a broken rules.toml: `check` says so
    findings = SendCheck(rules).errors(phrase)
    if findings:
        reasons = "；".join(finding.message.split("：")[0] for finding in findings)
        print(
            f"注意：{phrase.id} 可能违规（{reasons}），发送前请确认；quickreply check 有详情。",
            file=sys.stderr,
        )


def _warn_window(phrase: Phrase, today: dt.date) -> None:
    """Rendered by id, a reply outside its starts … expires window is still printed (a lead
    may want to read it), but the agent is told that search does not offer it today."""
    if phrase.is_pending(today):
        print(f"注意：{phrase.id} 从 {phrase.starts} 起才显示（starts），今天搜索中不显示。", file=sys.stderr)
    elif phrase.is_expired(today):
        print(f"注意：{phrase.id} 已于 {phrase.expires} 过期（expires），搜索中不再显示。", file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    from .placeholders import check_usage
    from .rules import check_all, load_rules

    library = _load(args, _parse_now(args.now), search_index=False)  # check never searches
    rules, rule_problems = load_rules(library.directories)
    problems = [*library.problems, *rule_problems, *check_all(library.phrases, library.shops, rules)]
    problems += check_usage(library.placeholders, library.phrases)
    today = library.clock().date()
    for phrase in library.phrases:
        if phrase.is_expired(today):
            problems.append(
                Problem(
                    phrase.source or Path("?"),
                    phrase.line,
                    f"活动话术已于 {phrase.expires} 过期，搜索中不再显示",
                    Severity.WARNING,
                    "expired",
                    phrase.id,
                )
            )
    problems.sort(key=lambda p: (str(p.file), p.line))
    if args.format == "json":
        rows = [
            {
                "file": str(p.file),
                "line": p.line,
                "column": p.column,
                "phrase": p.phrase,
                "rule": p.code,
                "severity": p.severity.value,
                "message": p.message,
            }
            for p in problems
        ]
        print(json_text(rows))
    else:
        for problem in problems:
            print(problem.format())
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = sum(1 for p in problems if p.severity is Severity.WARNING)
    print(
        f"检查了 {len(library.books)} 本书、{len(library.phrases)} 条回复、{len(library.shops)} 家店铺："
        f"{errors} 个错误，{warnings} 个警告。",
        file=sys.stderr,
    )
    return 1 if errors else 0


def cmd_restore(args: argparse.Namespace) -> int:
    from . import store

    path = Path(args.book)
    if not path.is_file():
        library = _load(args)
        matches = [
            book.path for book in library.books if args.book in (book.name, book.path.name, book.path.stem)
        ]
        if not matches:
            names = "、".join(book.name for book in library.books)
            print(f"找不到短语书 {args.book!r}；可用：{names}", file=sys.stderr)
            return 1
        path = matches[0]
    kept = store.backups(path)
    if not kept:
        print(f"{path} 还没有备份（每次保存前会自动备份上一版）", file=sys.stderr)
        return 1
    if args.list:
        try:
            checks = store.check_backups(path, kept)
        except OSError as error:
            print(f"无法读取 {path}：{error.strerror or error}", file=sys.stderr)
            return 1
        for number, check in enumerate(checks, 1):
            mark = f"\t损坏：{check.problem}" if check.problem else ""
            print(f"{number}\t{check.backup.stem}\t{check.backup}{mark}")
        return 0
    if not 1 <= args.pick <= len(kept):
        raise UsageError(f"--pick 应在 1 到 {len(kept)} 之间")
    chosen = kept[args.pick - 1]
    try:
        store.restore(path, chosen, expected_sha256=store.file_digest(path))
    # The book is untouched in each of these cases: say why, no traceback.
    except store.BadBackupError as error:
        print(f"未恢复：{error}", file=sys.stderr)
        print("可用 --list 查看各备份是否完好，再用 --pick N 选一个完好的", file=sys.stderr)
        return 1
    except (store.ConflictError, store.SaveError) as error:
        print(f"未恢复：{error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"未恢复：{error.strerror or error}：{error.filename or path}", file=sys.stderr)
        return 1
    print(f"已用备份 {chosen.stem} 恢复 {path}（恢复前的版本也已备份）", file=sys.stderr)
    return 0


EXTENSIONS = {
    ".toml": "toml",
    ".json": "json",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".md": "md",
    ".html": "html",
    ".htm": "html",
    ".txt": "sogou",
    ".ini": "sogou",
}


def cmd_export(args: argparse.Namespace) -> int:
    from .exchange.export import FORMATS, export
    from .store import SaveError, write_atomic

    fmt = args.format or EXTENSIONS.get(Path(args.output).suffix.lower())
    if fmt is None:
        raise UsageError("无法从文件名判断格式，请用 --format 指定：" + "/".join(FORMATS))
    stage = _parse_stage(args.stage)
    if fmt == "xlsx" and args.output == "-" and sys.stdout.isatty():
        # A zip archive on a terminal is screens of binary noise (and stray control bytes).
        raise UsageError("xlsx 是二进制文件，不能输出到终端：请用 -o 文件名.xlsx，或重定向到文件")
    library = _load(args, _parse_now(args.now))  # --now: the day the handbook's dates are for
    _warn_problems(library)
    try:
        shop = library.shop(args.shop) if args.shop else None
    except KeyError:
        raise UsageError(f"找不到店铺 {args.shop!r}") from None
    if fmt in ("sogou", "md", "html") and shop is None:
        # Read by people or typed by an IME: a raw {shop_name} must never reach a buyer.
        shop = library.shop()
        if shop is not None:
            print(f"使用默认店铺：{shop.name}（shops.toml 第一家；--shop 可指定）", file=sys.stderr)
        else:
            what = "不导出" if fmt == "sogou" else "显示为【名称】"
            print(f"没有店铺信息（shops.toml）：需要店铺取值的回复{what}", file=sys.stderr)
    books = [book for book in library.books if args.book in (None, book.name)]
    if args.book and not books:
        raise UsageError(f"找不到短语书 {args.book!r}")
    names = {book.name for book in books}
    phrases = [p for p in library.phrases if p.book in names and (stage is None or p.stage is stage)]
    result = export(books, phrases, library.shops, fmt, shop, now=library.clock())
    if args.output == "-":
        sys.stdout.buffer.write(result.data)
        sys.stdout.flush()
    else:
        # write_atomic writes through a symlink to its target and refuses a device, FIFO or
        # folder (os.replace would swap the node itself: as root, -o /dev/null replaced the
        # device); an existing file keeps its mode and owner.
        try:
            write_atomic(Path(args.output), result.data)
        except SaveError as error:
            hint = "；输出到终端请用 -o -" if error.errno == errno.EINVAL else ""
            print(f"未导出：{error}{hint}", file=sys.stderr)
            return 1
    print(f"已导出 {result.count} 条（{fmt}）到 {args.output}", file=sys.stderr)
    for item in result.left_out:
        print(f"未导出：{item}", file=sys.stderr)
    for item in result.notes:
        print(f"已改写：{item}", file=sys.stderr)
    if result.dates:
        print(result.dates, file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from . import store
    from .exchange import importing

    source = Path(args.file)
    if not source.is_file():
        raise UsageError(f"找不到文件 {source}")
    default_stage = _parse_stage(getattr(args, "stage", None)) or Stage.PRE_SALE
    if args.into:
        # --into plans against that folder alone and writes only there: never the default library.
        into = Path(args.into).expanduser()
        if not into.is_dir():
            raise UsageError(f"目录不存在：{into}")
        library = load(into)
    else:
        library = _load(args)
        into = library.directories[0]
        if not into.is_dir():
            raise UsageError(f"目录不存在：{into}")
        if into.resolve() == bundled_phrasebooks().resolve():
            # The shipped books live inside the program: an upgrade would wipe what was imported.
            suggestion = user_config_dir() / "phrasebooks"
            raise UsageError(
                f"内置短语目录不能写入：请用 --into 指定自己的短语目录，例如 --into {suggestion}"
                "（先 mkdir 建好；之后 quickreply 会默认使用它）"
            )
    try:
        reading = importing.read_file(source, book=args.book, default_stage=default_stage)
    except importing.ImportError_ as error:
        print(f"无法导入：{error}", file=sys.stderr)
        return 1
    print(f"导入到 {into}", file=sys.stderr)
    if reading.encoding:
        print(f"文件编码：{reading.encoding}", file=sys.stderr)
    for row, reason in reading.bad_rows:
        print(f"第 {row} {reading.unit}：{reason}，已跳过", file=sys.stderr)
    for what in reading.ignored:
        print(f"未导入：{what}", file=sys.stderr)
    existing_names = {book.name for book in library.books}
    if defaulted := [group for group in reading.defaulted_groups if group not in existing_names]:
        groups = "、".join(dict.fromkeys(defaulted))
        print(
            f"分组 {groups} 的名称看不出阶段，按{reading.default_stage.label}导入（可用 --stage 指定）",
            file=sys.stderr,
        )
    steps = importing.plan(reading, library.phrases, library.books)
    labels = {"new": "新增", "changed": "修改", "identical": "相同", "conflicting": "冲突"}
    labels["duplicate"] = "重复"  # a later row repeating an earlier row's id or code: never written
    for step in steps:
        phrase = step.incoming.phrase
        reason = f"（{step.reason}）" if step.reason else ""
        if step.kind == "duplicate":
            reason = f"（第 {step.incoming.row} {reading.unit}：{step.reason}，不导入）"
        print(f"{labels[step.kind]}\t{phrase.id}\t{phrase.title}\t{phrase.book}{reason}")
    counts = {kind: sum(1 for step in steps if step.kind == kind) for kind in labels}
    shown = [kind for kind in labels if counts[kind] or kind != "duplicate"]
    summary = "，".join(f"{labels[kind]} {counts[kind]}" for kind in shown)
    print(f"计划：{summary}；坏行 {len(reading.bad_rows)}", file=sys.stderr)
    if counts["conflicting"] and not args.replace:
        print("冲突的条目不会覆盖；确认要用导入的内容替换时加 --replace", file=sys.stderr)
    if blocked := importing.hidden(into, library.books, library.problems).clashes(steps):
        print("未写入任何文件：目标目录里有读不出的内容，先修好（quickreply check）再导入：", file=sys.stderr)
        for reason in blocked:
            print(f"  {reason}", file=sys.stderr)
        return 1
    try:
        writes = importing.prepare(
            steps,
            library.books,
            into,
            replace_conflicts=args.replace,
            allowed_dirs=[into] if args.into else library.directories,
        )
    except importing.ImportError_ as error:
        print(str(error), file=sys.stderr)
        return 1
    for item in writes:
        action = "新建" if item.new else "更新"
        print(f"将{action} {item.book.path}", file=sys.stderr)
    if args.dry_run:
        print("（--dry-run：没有写入任何文件）", file=sys.stderr)
        return 0
    try:
        written = importing.write(writes)
    except (store.ConflictError, OSError) as error:
        print(f"未写入：{error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"已写入 {path}", file=sys.stderr)
    if reading.shops:
        shops_file = importing.write_shops(reading.shops, into)
        if shops_file is not None:
            print(f"已写入 {shops_file}（{len(reading.shops)} 家店铺）", file=sys.stderr)
        else:
            print(f"{into / 'shops.toml'} 已存在：文件里的店铺信息没有导入，请手动核对", file=sys.stderr)
    return 0


def _forget(args: argparse.Namespace) -> int:
    """``stats --forget ID``: this computer's learned pairs for one reply."""
    from .usage import UsageLog, default_path

    if args.merge:
        raise UsageError("--forget 只修改本机的使用记录，不能和 --merge 一起用")
    path = default_path()
    count = 0
    if path.is_file():
        log = UsageLog(path)
        forgotten = log.forget(args.forget)
        log.close()
        if forgotten is None:
            print(f"无法修改使用记录 {path}：{log.failure}", file=sys.stderr)
            return 1
        count = forgotten
    if count:
        print(f"已忘记回复 {args.forget} 学到的 {count} 条买家说法")
        return 0
    library = _load(args, search_index=False)
    if args.forget not in {phrase.id for phrase in library.phrases}:
        print(f"找不到回复 {args.forget!r}，本机也没有它学到的说法", file=sys.stderr)
        return 1
    print(f"回复 {args.forget} 没有学到的买家说法（0 条）")
    return 0


def _suggest(args: argparse.Namespace, databases: list[Path], since: dt.datetime | None) -> int:
    """``stats --suggest``: buyer wordings that led agents to a reply search alone misses."""
    from .learned import read_learned, suggest

    try:
        rows = read_learned(databases, since)
    except sqlite3.Error as error:
        print(f"无法读取使用记录：{error}", file=sys.stderr)
        return 1
    library = _load(args)

    def top_hit(query: str) -> str | None:
        hits = library.search(query, limit=1)  # no usage, no learning: the books alone
        return hits[0].phrase.id if hits else None

    titles = {phrase.id: phrase.title for phrase in library.phrases}
    found = suggest(rows, titles, top_hit)
    if args.json:
        print(
            json_text(
                [
                    {
                        "id": item.phrase,
                        "title": item.title,
                        "wordings": [{"wording": w, "count": c} for w, c in item.wordings],
                    }
                    for item in found
                ]
            )
        )
        return 0
    if args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["id", "title", "wording", "count"])
        writer.writerows((item.phrase, item.title, w, c) for item in found for w, c in item.wordings)
        return 0
    if not found:
        print("没有候选：学到的买家说法都已能直接搜到第一，或还没有学到的回答。")
        return 0
    print("买家常用、但按标题/标签/同义词搜不到第一的说法（可加入 synonyms.toml 或标签）：")
    for item in found:
        print(f"\n{item.title}（{item.phrase}）")
        for wording, count in item.wordings:
            print(f"  {count:>5}  {wording}")
    return 0


def _only(args: argparse.Namespace, option: str, refused: Sequence[str]) -> None:
    given = [name for name in refused if getattr(args, name.lstrip("-").replace("-", "_"), None)]
    if given:
        raise UsageError(f"{option} 不能和 {'、'.join(given)} 一起用")


def _export_stats(args: argparse.Namespace) -> int:
    """``stats --export FILE``: this agent's usage summary for the team (teamstats.py)."""
    from .stats import parse_since
    from .teamstats import SummaryError, agent_identity, summarize, summary_bytes

    _only(args, "--export", ["--team", "--merge", "--suggest", "--forget", "--json", "--csv"])
    now = _parse_now(args.now) or dt.datetime.now()
    try:
        since = parse_since(args.since, now) if args.since else None
    except ValueError:
        raise UsageError(f"--since 应为 7d / 24h / 2w 或日期，收到 {args.since!r}") from None
    try:
        agent = agent_identity(args.agent)
        summary = summarize(since=since, agent=agent, now=now)
        data = summary_bytes(summary)
        if args.export == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            from .store import SaveError, write_atomic

            try:
                write_atomic(Path(args.export), data)
            except SaveError as error:
                raise SummaryError(str(error)) from None
    except SummaryError as error:
        print(f"未导出：{error}", file=sys.stderr)
        return 1
    print(
        f"已导出客服 {agent.name}（{agent.id}）的使用汇总到 {args.export}：复制 {summary['copies']} 次、"
        f"{len(summary['replies'])} 条回复、{len(summary['given_up'])} 个放弃的查询",
        file=sys.stderr,
    )
    return 0


def _team_stats(args: argparse.Namespace) -> int:
    """``stats --team [DIR]``: every agent's summary in DIR/usage added up."""
    from .locations import has_books
    from .stats import report
    from .teamstats import USAGE_FOLDER, agents_report, aggregate, configured_team_folder

    _only(args, "--team", ["--merge", "--suggest", "--forget", "--since", "--agent"])
    folder = Path(args.team) if args.team else configured_team_folder()
    if folder is None:
        raise UsageError("没有设置团队文件夹（quickreply team join）：请写 --team DIR")
    usage = folder / USAGE_FOLDER
    if not usage.is_dir():
        print(
            f"{usage} 不存在：客服用 quickreply team sync --share-stats（或 stats --export）放入使用汇总",
            file=sys.stderr,
        )
        return 1
    # Titles and "never used" come from the team's own books unless -d names others.
    if args.dir or not has_books(folder):
        library = _load(args, search_index=False)
    else:
        library = load(folder, search_index=False)
    try:
        team = aggregate(usage, library.phrases)
    except OSError as error:
        print(f"无法读取 {usage}：{error.strerror or error}", file=sys.stderr)
        return 1
    for finding in team.findings:
        print(finding.format(), file=sys.stderr)
    if team.findings:
        print(f"注意：{len(team.findings)} 处问题（见上），其余照常统计。", file=sys.stderr)
    stats = team.stats
    agents = [
        {
            "id": row.id,
            "name": row.name,
            "file": str(row.file),
            "copies": row.copies,
            "replies_used": row.replies_used,
            "given_up": row.given_up,
            "first": row.first,
            "last": row.last,
            "exported": row.exported,
        }
        for row in team.agents
    ]
    if args.json:
        print(
            json_text(
                {
                    "agents": agents,
                    "copies": stats.copies,
                    "top": [
                        {"id": i, "title": t, "count": c, "agents": team.reply_agents.get(i, 0)}
                        for i, t, c in stats.top
                    ],
                    "never_used": [{"id": i, "title": t} for i, t in stats.never_used],
                    "no_copy_queries": [{"query": q, "count": c} for q, c in stats.no_copy_queries],
                    "by_stage": stats.by_stage,
                    "by_hour": {str(hour): count for hour, count in stats.by_hour.items()},
                    "learned": [{"id": i, "title": t, "count": c} for i, t, c in stats.learned],
                    "problems": [{"file": str(f.file), "message": f.message} for f in team.findings],
                }
            )
        )
        return 0
    if args.csv:
        from .exchange.textfiles import neutralise as cell  # queries are buyers' words: no formulas

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["section", "key", "title", "count"])
        writer.writerows(("agent", cell(row.id), cell(row.name), row.copies) for row in team.agents)
        writer.writerows(("top", cell(i), cell(t), c) for i, t, c in stats.top)
        writer.writerows(("never_used", cell(i), cell(t), 0) for i, t in stats.never_used)
        writer.writerows(("no_copy_query", cell(q), "", c) for q, c in stats.no_copy_queries)
        writer.writerows(("stage", cell(k), "", c) for k, c in stats.by_stage.items())
        writer.writerows(("hour", h, "", c) for h, c in stats.by_hour.items())
        writer.writerows(("learned", cell(i), cell(t), c) for i, t, c in stats.learned)
        return 0
    print(agents_report(team))
    print()
    print(report(stats))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from .stats import compute, parse_since, report
    from .usage import default_path

    if args.export is not None:
        return _export_stats(args)
    if args.team is not None:
        return _team_stats(args)
    if args.agent is not None:
        raise UsageError("--agent 只用于 --export")
    if args.forget is not None:
        return _forget(args)
    now = _parse_now(args.now) or dt.datetime.now()
    try:
        since = parse_since(args.since, now) if args.since else None
    except ValueError:
        raise UsageError(f"--since 应为 7d / 24h / 2w 或日期，收到 {args.since!r}") from None
    databases = [path for path in [default_path()] if path.is_file()] + [Path(f) for f in args.merge or []]
    if missing := [str(path) for path in databases if not path.is_file()]:
        raise UsageError("找不到使用记录文件：" + "、".join(missing))
    # The same file twice (this computer's own record given to --merge, a copy's symlink)
    # would count every copy twice.
    distinct: list[Path] = []
    for path in databases:
        if any(os.path.samefile(path, seen) for seen in distinct):
            print(f"{path} 与已统计的使用记录是同一个文件，跳过", file=sys.stderr)
        else:
            distinct.append(path)
    databases = distinct
    if args.suggest:
        return _suggest(args, databases, since)
    library = _load(args)
    try:
        stats = compute(databases, library.phrases, since)
    except sqlite3.Error as error:
        print(f"无法读取使用记录：{error}", file=sys.stderr)
        return 1
    if args.json:
        print(
            json_text(
                {
                    "copies": stats.copies,
                    "top": [{"id": i, "title": t, "count": c} for i, t, c in stats.top],
                    "never_used": [{"id": i, "title": t} for i, t in stats.never_used],
                    "no_copy_queries": [{"query": q, "count": c} for q, c in stats.no_copy_queries],
                    "by_stage": stats.by_stage,
                    "by_hour": {str(hour): count for hour, count in stats.by_hour.items()},
                    "learned": [{"id": i, "title": t, "count": c} for i, t, c in stats.learned],
                }
            )
        )
        return 0
    if args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["section", "key", "title", "count"])
        writer.writerows(("top", i, t, c) for i, t, c in stats.top)
        writer.writerows(("never_used", i, t, 0) for i, t in stats.never_used)
        writer.writerows(("no_copy_query", q, "", c) for q, c in stats.no_copy_queries)
        writer.writerows(("stage", k, "", c) for k, c in stats.by_stage.items())
        writer.writerows(("hour", h, "", c) for h, c in stats.by_hour.items())
        writer.writerows(("learned", i, t, c) for i, t, c in stats.learned)
        return 0
    print(report(stats))
    return 0


def cmd_team_join(args: argparse.Namespace) -> int:
    from . import team
    from .books import book_files
    from .locations import personal_folder

    try:
        folder = team.join(args.url, Path(args.folder))
    except team.TeamError as error:
        print(f"未加入：{error}", file=sys.stderr)
        return 1
    print(f"已加入团队：{folder}（{len(book_files(folder))} 本话术）", file=sys.stderr)
    mine = personal_folder()
    print(f"以后直接运行 quickreply 会载入团队话术，再载入你的个人话术 {mine}（只在本机，不推送）",
          file=sys.stderr)
    return 0


def cmd_team_sync(args: argparse.Namespace) -> int:
    from . import team
    from .locations import team_folder

    if args.dir and len(args.dir) > 1:
        raise UsageError("team sync 一次只同步一个团队目录：请只给一个 -d")
    folder = Path(args.dir[0]) if args.dir else team_folder()
    if folder is None:
        raise UsageError("还没有团队文件夹：先运行 quickreply team join URL 文件夹，或用 -d 指定")
    try:
        result = team.sync(folder, args.message, share_stats=args.share_stats)
    except team.TeamError as error:
        print(f"同步失败：{error}", file=sys.stderr)
        return 1
    if result.committed or result.commit_message:
        print(f"已提交本地修改：{result.commit_message}", file=sys.stderr)
    if result.shared_stats is not None:
        print(f"已放入使用统计：{result.shared_stats}", file=sys.stderr)
    if result.incoming:
        print(f"团队话术已更新 {len(result.incoming)} 条：")
        for change in result.incoming:
            print(f"  {change.label}  {change.id}  {change.title}（{change.book}）")
    else:
        print("团队没有新的修改。", file=sys.stderr)
    for conflict in result.conflicts:
        print(f"冲突：{conflict.id}（{conflict.book}）本地和团队都改了，书里保留团队的版本。",
              file=sys.stderr)
        if conflict.mine or conflict.theirs:
            # Each text's later lines indented under its label: multi-line replies stay apart.
            theirs = conflict.theirs.replace("\n", "\n        ")
            mine = conflict.mine.replace("\n", "\n        ")
            print(f"  团队：{theirs}\n  本地：{mine}", file=sys.stderr)
    if result.conflicts:
        branch = result.kept_branch
        print(f"本地版本保存在分支 {branch}（git -C {result.folder} show {branch}:文件名）", file=sys.stderr)
        for backup in result.backups:
            print(f"  也在备份 {backup}（quickreply restore --list 可见）", file=sys.stderr)
    if result.refused:
        print(f"{result.refused}。本地提交已保留在分支 {result.kept_branch}，请把改动交给主管，"
              "或请主管给你推送权限后再运行 quickreply team sync。", file=sys.stderr)
    elif result.pushed:
        print("已推送到团队仓库。", file=sys.stderr)
    return 1 if result.conflicts or result.refused else 0


def _shop_names(directories: list[Path]) -> set[str]:
    """The shops of the directories' shops.toml files: a few lines read, no books."""
    from .books import read_shops
    from .locations import default_phrasebook_dirs

    paths = [path.expanduser() for path in directories] or default_phrasebook_dirs()
    return {shop.name for path in paths for shop in read_shops(path / "shops.toml")[0]}


def cmd_tui(args: argparse.Namespace) -> int:
    now = _parse_now(args.now)
    # Deferred: Textual takes a while to import and only this command needs it. What the
    # imports build lives as long as the process: no collections meanwhile (~25 ms of ~90),
    # and frozen after, so that full collections skip it (one took ~30 ms before the first
    # frame, and again now and then while the agent types).
    gc.disable()
    try:
        from .tui.app import make_app
    finally:
        gc.freeze()
        gc.enable()
    directories = [Path(d) for d in args.dir or []]
    if args.shop is not None and args.shop not in _shop_names(directories):
        # Refused before the screen opens; the books load after it does (deferred below).
        raise _unknown_shop(load(*directories), args.shop)
    try:
        app = make_app(
            directories,
            shop=args.shop,
            history=not args.no_history,
            clock=(lambda: now) if now is not None else None,
            start_in_editor=getattr(args, "command", None) == "edit",
            clipboard_watch=args.watch,
            deferred=True,  # the first screen paints while the books load
        )
    except KeyError:
        # Only on this error path: load again to name the shops there are.
        raise _unknown_shop(load(*directories), args.shop) from None
    app.run()
    if app.unknown_shop is not None:  # known only once the books were loaded
        raise _unknown_shop(app.library, app.unknown_shop)
    return 0


# --- parser ---------------------------------------------------------------------------------------


def _common_options(*, after_command: bool) -> argparse.ArgumentParser:
    """-d/--dir, --now and --shop, accepted before the command and after it.

    argparse copies a subcommand's whole namespace over the main one, so the copy after the
    command has no defaults (SUPPRESS) — a default there would erase the X of
    ``quickreply -d X check`` — and its -d goes to ``dir_after``, which parse_args appends.
    """
    common = argparse.ArgumentParser(add_help=False)
    default = argparse.SUPPRESS if after_command else None
    common.add_argument(
        "-d",
        "--dir",
        action="append",
        dest="dir_after" if after_command else "dir",
        default=default,
        metavar="DIR",
        help=DIR_HELP,
    )
    common.add_argument("--now", metavar="ISO", default=default, help="假定的当前时间，例如 2026-11-23T15:30")
    # Every command takes --shop, so that a misspelt name is refused the same way everywhere.
    common.add_argument(
        "--shop", metavar="NAME", default=default, help="店铺名（默认 shops.toml 第一家；不存在的店铺是错误）"
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    argparse_zh.install()
    common = _common_options(after_command=False)
    after = _common_options(after_command=True)

    parser = argparse.ArgumentParser(
        prog="quickreply",
        parents=[common],
        description="电商客服快捷回复：搜索、填充、复制。不带子命令时打开界面。",
    )
    parser.add_argument("--no-history", action="store_true", help="不记录、不使用使用频率")
    parser.add_argument("--watch", action="store_true", help=WATCH_HELP)
    # Plain ArgumentParser for subcommands: their namespaces are merged by parse_args only.
    commands = parser.add_subparsers(dest="command", metavar="命令", parser_class=argparse.ArgumentParser)

    search = commands.add_parser(
        "search",
        parents=[after],
        help="搜索回复",
        description="按关键词、拼音、首字母、快捷编码或整句搜索回复。",
    )
    search.add_argument("query", help="搜索词")
    search.add_argument(
        "--stage", metavar="S", help="只看某阶段：pre-sale/in-sale/after-sale 或 售前/售中/售后"
    )
    search.add_argument("--limit", type=int, default=20, metavar="N", help="最多显示几条（默认 20）")
    search.add_argument("--json", action="store_true", help="输出 JSON 列表")
    search.add_argument(
        "--no-history",
        action="store_true",
        default=argparse.SUPPRESS,
        help="不读使用记录（updated 全为 false）",
    )
    search.set_defaults(handler=cmd_search)

    render = commands.add_parser(
        "render",
        parents=[after],
        help="生成填好的回复",
        description="填入店铺和本次会话的取值，打印完整回复。缺少取值时不输出，并列出缺少的名称。",
    )
    render.add_argument("id", help="回复的 id")
    render.add_argument("--set", action="append", metavar="NAME=VALUE", help="本次会话的取值，可重复")
    render.add_argument("--variant", type=int, default=0, metavar="N", help="使用第 N 个说法（0 为正文）")
    render.add_argument("--copy", action="store_true", help="同时复制到剪贴板（分段回复只复制一段）")
    render.add_argument(
        "--part",
        type=int,
        metavar="N",
        help="分段回复（parts）只输出第 N 段（从 1 数起）；不给时输出全部，段间以单独一行 --- 分隔",
    )
    render.add_argument(
        "--no-history", action="store_true", default=argparse.SUPPRESS, help="不记入使用记录（不算“用过”）"
    )
    render.set_defaults(handler=cmd_render)

    check = commands.add_parser(
        "check",
        parents=[after],
        help="检查短语书和 shops.toml",
        description="检查语法、字段、重复 id 和快捷编码、占位符、过期话术和内容规则（平台禁用语等，"
        "可用短语目录里的 rules.toml 增加）。有错误时退出码为 1。",
    )
    check.add_argument(
        "--format", choices=["text", "json"], default="text", help="text：每行一条；json：对象列表"
    )
    check.set_defaults(handler=cmd_check)

    edit = commands.add_parser(
        "edit", parents=[after], help="打开短语书编辑器", description="在界面里编辑短语书（主管用）。"
    )
    edit.add_argument(
        "--no-history", action="store_true", default=argparse.SUPPRESS, help="不记录、不使用使用频率"
    )
    edit.add_argument("--watch", action="store_true", default=argparse.SUPPRESS, help=WATCH_HELP)
    edit.set_defaults(handler=cmd_tui)

    exporting = commands.add_parser(
        "export",
        parents=[after],
        help="导出短语（分享、表格、输入法、培训手册）",
        description="格式按文件扩展名或 --format：toml/json（含店铺的合集）、csv/xlsx（分组、快捷编码、"
        "快捷短语 + 我们的列）、sogou（输入法自定义短语）、md/html（培训手册）。--shop 填入这家店铺的信息。",
    )
    exporting.add_argument("-o", "--output", required=True, metavar="FILE", help="输出文件，- 为标准输出")
    exporting.add_argument("--format", choices=["toml", "json", "csv", "xlsx", "sogou", "md", "html"])
    exporting.add_argument("--stage", metavar="S", help="只导出某阶段")
    exporting.add_argument("--book", metavar="NAME", help="只导出某本书")
    exporting.set_defaults(handler=cmd_export)

    importing = commands.add_parser(
        "import",
        parents=[after],
        help="导入短语（toml/json/csv/xlsx）",
        description="先列出计划：新增、修改、相同、冲突（同一 id 或快捷编码而内容不同）。冲突不覆盖，"
        "除非加 --replace。坏行报告行号并跳过。写入使用安全保存。",
    )
    importing.add_argument("file", help="要导入的文件")
    importing.add_argument("--into", metavar="DIR", help="写入哪个短语目录（默认第一个）")
    importing.add_argument("--book", metavar="NAME", help="全部导入到这本书")
    importing.add_argument("--dry-run", action="store_true", help="只显示计划，不写入")
    importing.add_argument("--replace", action="store_true", help="冲突时用导入的内容替换")
    importing.add_argument(
        "--stage",
        metavar="S",
        help="分组名称看不出阶段时用的阶段（默认 售前）：pre-sale/in-sale/after-sale 或 售前/售中/售后",
    )
    importing.set_defaults(handler=cmd_import)

    stats = commands.add_parser(
        "stats",
        parents=[after],
        help="使用统计（主管用）",
        description="最常用的回复、从没用过的回复、搜了却没复制的查询、按阶段和小时的使用量。",
    )
    stats.add_argument("--since", metavar="7d", help="只统计最近一段时间：7d / 24h / 2w 或日期")
    stats.add_argument("--json", action="store_true", help="输出 JSON")
    stats.add_argument("--csv", action="store_true", help="输出 CSV")
    stats.add_argument(
        "--merge", nargs="+", metavar="FILE", help="合并其他客服的 usage.sqlite3（含学到的回答）"
    )
    stats.add_argument(
        "--suggest",
        action="store_true",
        help="列出买家常用、却按标题/标签/同义词搜不到第一的说法（学到的回答），可加入同义词或标签",
    )
    stats.add_argument("--forget", metavar="ID", help="忘记本机为回复 ID 学到的买家说法")
    stats.add_argument(
        "--export",
        metavar="FILE",
        help="导出本机的使用汇总（JSON，查询中的长数字已遮盖）给主管：放进团队文件夹的 usage/，- 为标准输出",
    )
    stats.add_argument(
        "--agent", metavar="ID", help="--export 时的客服 id（默认用户配置目录 agent.toml，或 用户名@主机名）"
    )
    stats.add_argument(
        "--team",
        nargs="?",
        const="",
        metavar="DIR",
        help="汇总团队文件夹 DIR/usage/ 里每位客服的使用汇总（不写 DIR：team join 记住的团队文件夹）",
    )
    stats.set_defaults(handler=cmd_stats)

    restore = commands.add_parser(
        "restore",
        parents=[after],
        help="用备份恢复一本短语书",
        description="每次保存前都会把上一版备份到用户数据目录（每本保留最近 20 份）。默认恢复最新一份。",
    )
    restore.add_argument("book", help="短语书的文件路径、文件名或书名")
    restore.add_argument("--list", action="store_true", help="只列出备份")
    restore.add_argument("--pick", type=int, default=1, metavar="N", help="恢复第 N 新的备份（默认 1）")
    restore.set_defaults(handler=cmd_restore)

    team = commands.add_parser(
        "team",
        help="团队话术文件夹（git）：加入、同步",
        description="团队的话术放在一个 git 仓库里：主管修改、大家同步。需要安装 git。",
    )
    team_commands = team.add_subparsers(dest="team_command", metavar="操作", required=True,
                                        parser_class=argparse.ArgumentParser)
    join = team_commands.add_parser(
        "join", parents=[after], help="克隆团队仓库并记住它",
        description="克隆团队的话术仓库（路径、ssh 或 https 地址）到文件夹，"
        "以后 quickreply 默认载入它和个人话术。",
    )
    join.add_argument("url", help="团队仓库地址")
    join.add_argument("folder", help="放在哪个文件夹（须不存在或为空）")
    join.set_defaults(handler=cmd_team_join)
    sync = team_commands.add_parser(
        "sync", parents=[after], help="提交本地修改、拉取团队更新、推送",
        description="提交团队文件夹里改过的话术书，拉取别人的修改（逐条合并），再推送。"
        "同一条回复两边都改了：退出码 1，书里保留团队版本，本地版本存到分支 quickreply/local-时间 和备份。",
    )
    sync.add_argument("-m", "--message", metavar="MSG", help="提交说明（默认列出改动的回复 id）")
    sync.add_argument("--share-stats", action="store_true", help="把本机使用统计放到仓库的 usage/ 下一起推送")
    sync.set_defaults(handler=cmd_team_sync)
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Options mean the same before and after the command; -d given in both places adds up."""
    args = build_parser().parse_args(argv)
    directories = [*(args.dir or []), *vars(args).pop("dir_after", [])]
    args.dir = directories or None
    return args


def main(argv: Sequence[str] | None = None) -> int:
    # The one output boundary of the CLI: every print — ours, argparse's, a library's — goes
    # through sanitize.visible, so an OSC 52 in a file name, a shops.toml key, a rule message
    # or a stored query is shown as \x1b and can never set the terminal's clipboard.
    with visible_output():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    args = parse_args(argv)
    handler = getattr(args, "handler", cmd_tui)
    try:
        return handler(args)
    except UsageError as error:
        print(f"quickreply: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `quickreply check | head`: the reader went away, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as error:
        print(f"quickreply: {error.strerror or error}：{error.filename or ''}", file=sys.stderr)
        return 1
