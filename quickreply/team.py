"""The team's phrasebook folder in git: join (clone), sync (commit, pull, push) and the pull the
app runs in the background.

The engine is the ``git`` command, run as a subprocess: every team that can host a repository
has it, the user's credentials and ssh config just work, and nothing compiled is needed.
Git's own merge is never let loose on a book: a book both sides changed is merged here reply by
reply (merge.py), so a TOML file never holds ``<<<<<<<`` markers. A reply changed on both sides
keeps the team's text in the book; the local text stays in a branch ``quickreply/local-<time>``
and in the book's backups (``quickreply restore --list``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import socket
import subprocess
import threading
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions

from .locations import RESERVED_FILES, personal_folder, remember_team_folder
from .merge import Choice, three_way
from .sanitize import visible

LOCAL_BRANCH = "quickreply/local-"
USAGE_FOLDER = "usage"


_state = threading.local()
"""``batch``: this thread runs git for the app's background pull (no terminal to prompt on)."""


class TeamError(Exception):
    """One Chinese line for the user: git missing, no network, auth failed, not a repository."""


# --- running git ------------------------------------------------------------------------------

_GIT_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"Could not resolve host|Connection (refused|timed out)|Network is unreachable|"
            r"Could not read from remote|unable to access|Failed to connect",
            re.I,
        ),
        "无法连接团队仓库（网络不通或地址不对）",
    ),
    (
        re.compile(
            r"Authentication failed|Permission denied \(publickey|could not read Username|"
            r"terminal prompts disabled|403",
            re.I,
        ),
        "身份验证失败（账号、密码或 ssh 密钥不对，或没有访问权限）",
    ),
    (
        re.compile(
            r"does not appear to be a git repository|not a git repository|"
            r"repository .* (does not exist|not found)|No such file or directory",
            re.I,
        ),
        "不是 git 仓库，或仓库不存在",
    ),
    (re.compile(r"already exists and is not an empty directory", re.I), "目标文件夹已存在且不是空的"),
]


def git_message(stderr: str) -> str:
    """Git's English stderr (run with LC_ALL=C) as one Chinese line."""
    for pattern, chinese in _GIT_MESSAGES:
        if pattern.search(stderr):
            return chinese
    last = [line.strip() for line in stderr.splitlines() if line.strip()]
    return "git 出错：" + visible(last[-1] if last else "未知错误")


def _git(folder: Path | None, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    # C locale: the messages above are matched in English; no prompt may hang the app's worker.
    env = {
        **os.environ,
        "LC_ALL": "C",
        "LANGUAGE": "C",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": os.environ.get("GIT_ASKPASS", ""),
        "GIT_EDITOR": "true",
        "GIT_MERGE_AUTOEDIT": "no",
    }
    command = [
        "git",
        *(["-C", str(folder)] if folder is not None else []),
        "-c",
        "core.quotePath=false",
        *args,
    ]
    batch = getattr(_state, "batch", False)
    if batch:  # ssh asks for a passphrase on /dev/tty: inside the app that would garble the screen
        env["GIT_SSH_COMMAND"] = os.environ.get("GIT_SSH_COMMAND", "ssh") + " -o BatchMode=yes"
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            stdin=subprocess.DEVNULL,
            timeout=300,
            start_new_session=batch,  # no controlling terminal: nothing can prompt on it
        )
    except FileNotFoundError:
        raise TeamError("找不到 git 命令：请先安装 git（https://git-scm.com），再试一次") from None
    except subprocess.TimeoutExpired:
        raise TeamError("git 超过 5 分钟没有完成（网络太慢或仓库无法访问），已放弃") from None
    if check and done.returncode != 0:
        raise TeamError(git_message(done.stderr))
    return done


def _out(folder: Path, *args: str) -> str:
    return _git(folder, *args).stdout.strip()


def _ok(folder: Path, *args: str) -> bool:
    return _git(folder, *args, check=False).returncode == 0


def _identity(folder: Path) -> list[str]:
    """A commit needs a name: a machine without git config gets one from the host name."""
    if _git(folder, "config", "user.name", check=False).stdout.strip():
        return []
    host = socket.gethostname() or "agent"
    return ["-c", f"user.name=quickreply@{host}", "-c", f"user.email=quickreply@{host}"]


def agent_name(folder: Path) -> str:
    """This agent's file name under usage/: git's user.name, else the host name, made safe."""
    # `git var` gives the name commits get (GIT_AUTHOR_NAME or user.name): "name <email> time zone"
    ident = _git(folder, "var", "GIT_AUTHOR_IDENT", check=False).stdout.partition("<")[0].strip()
    name = ident or socket.gethostname() or "agent"
    return re.sub(r"[^\w.-]+", "-", name).strip("-.") or "agent"


# --- replies in a book file ---------------------------------------------------------------------


@dataclass
class _Entry:
    """One ``[[phrase]]`` table, compared by content (merge.Reply)."""

    id: str
    keys: list[str]
    table: dict[str, Any]
    side: str = field(default="", compare=False)


def _entries(text: str | None, side: str = "") -> list[_Entry] | None:
    """The replies of a book text; None when it is not a readable TOML book."""
    if text is None:
        return []
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return None
    tables = data.get("phrase", [])
    if not isinstance(tables, list):
        return None
    entries = []
    for table in tables:
        if isinstance(table, dict) and isinstance(table.get("id"), str):
            keys = table.get("keys", [])
            entries.append(
                _Entry(
                    table["id"],
                    [k for k in keys if isinstance(k, str)] if isinstance(keys, list) else [],
                    table,
                    side,
                )
            )
    return entries


@dataclass(frozen=True)
class Change:
    """A reply someone else added, changed or removed."""

    id: str
    title: str
    book: str
    kind: str
    """``changed``, ``added`` or ``removed``."""

    @property
    def label(self) -> str:
        return {"changed": "修改", "added": "新增", "removed": "删除"}[self.kind]


def reply_changes(before: str | None, after: str | None, book: str) -> list[Change]:
    """Replies that differ between two versions of one book file."""
    old = {e.id: e for e in _entries(before) or []}
    new = {e.id: e for e in _entries(after) or []}
    found = []
    for reply_id, entry in new.items():
        if reply_id not in old:
            found.append(Change(reply_id, str(entry.table.get("title", "")), book, "added"))
        elif old[reply_id].table != entry.table:
            found.append(Change(reply_id, str(entry.table.get("title", "")), book, "changed"))
    found += [
        Change(i, str(e.table.get("title", "")), book, "removed") for i, e in old.items() if i not in new
    ]
    return found


def _is_book(path: str) -> bool:
    return "/" not in path and path.endswith(".toml") and path not in RESERVED_FILES


@dataclass(frozen=True)
class Conflict:
    """A reply (or a whole file that is not a readable book) changed on both sides."""

    id: str
    book: str
    mine: str
    theirs: str


def merge_book(base: str | None, mine: str, theirs: str) -> tuple[str, list[Conflict]] | None:
    """Merge one book reply by reply; a reply changed on both sides keeps theirs. None when a
    version cannot be read (the caller keeps theirs and reports the file)."""
    sides = _entries(base, "base"), _entries(mine, "mine"), _entries(theirs, "theirs")
    if sides[0] is None or sides[1] is None or sides[2] is None:
        return None
    try:
        document = tomlkit.parse(theirs)
        mine_document = tomlkit.parse(mine)
        base_header = tomllib.loads(base).get("book") if base is not None else None
    except (tomlkit.exceptions.TOMLKitError, tomllib.TOMLDecodeError, RecursionError):
        return None
    merge = three_way(sides[0], sides[1], sides[2])
    choices = {slot.id: Choice.THEIRS for slot in merge.conflicts}
    resolution = merge.resolve(choices)
    conflicts = [Conflict(slot.id, "", _text(slot.mine), _text(slot.theirs)) for slot in merge.conflicts]
    tables = {("mine", t.get("id")): t for t in mine_document.get("phrase", [])}
    tables.update({("theirs", t.get("id")): t for t in document.get("phrase", [])})
    aot = tomlkit.aot()
    for entry in resolution.replies:
        table = tables[(entry.side, entry.id)]
        if list(table.get("keys", [])) != entry.keys and "keys" in table:
            table["keys"] = entry.keys  # a code theirs took meanwhile is dropped (merge.resolve)
        aot.append(table)
    # theirs' tables without a readable id stay: the loader reports them, nothing is lost
    aot_ids = {id(t) for t in aot}
    for table in document.get("phrase", []):
        if not isinstance(table.get("id"), str) and id(table) not in aot_ids:
            aot.append(table)
    mine_header = mine_document.get("book")
    their_header = document.get("book")
    if (
        mine_header is not None
        and base_header is not None
        and mine_header.unwrap() != base_header
        and their_header is not None
        and their_header.unwrap() == base_header
    ):
        document["book"] = mine_header  # only I changed the book's name or description
    if "phrase" in document:
        del document["phrase"]
    if aot:
        document.append("phrase", aot)
    text = tomlkit.dumps(document)
    if _entries(text) is None:
        return None
    return text, conflicts


def _text(entry: _Entry | None) -> str:
    return str(entry.table.get("text", "")) if entry is not None else "（已删除）"


# --- join -----------------------------------------------------------------------------------------


def join(url: str, folder: Path) -> Path:
    """Clone the team's repository into ``folder`` and remember it as the team folder."""
    folder = folder.expanduser().absolute()
    if folder.resolve() == personal_folder().resolve():
        raise TeamError(f"{folder} 是你的个人文件夹（不推送），团队文件夹请换一个位置")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise TeamError(f"{folder} 已存在且不是空文件夹：请换一个位置")
    _git(None, "clone", "--quiet", url, str(folder))
    remember_team_folder(folder)
    return folder


# --- sync -----------------------------------------------------------------------------------------


@dataclass
class SyncResult:
    folder: Path
    committed: list[str] = field(default_factory=list)
    """Ids of the local replies committed by this sync."""
    commit_message: str = ""
    incoming: list[Change] = field(default_factory=list)
    """Replies others changed that this sync brought in."""
    conflicts: list[Conflict] = field(default_factory=list)
    kept_branch: str | None = None
    """Where the local commit was kept (conflict or refused push)."""
    backups: list[Path] = field(default_factory=list)
    pushed: bool = False
    refused: str | None = None
    """Why the push was refused (Chinese), when it was."""
    skipped: str | None = None
    """Why nothing was pulled (the app's pull with unsaved local changes)."""
    shared_stats: Path | None = None


def repository(folder: Path) -> Path:
    """The repository root of a team folder; TeamError when it is not one."""
    if not folder.is_dir():
        raise TeamError(f"团队文件夹不存在：{folder}（先用 quickreply team join URL 文件夹）")
    done = _git(folder, "rev-parse", "--show-toplevel", check=False)
    if done.returncode != 0:
        raise TeamError(f"{folder} 不是团队文件夹（不是 git 仓库）；先用 quickreply team join URL 文件夹")
    return Path(done.stdout.strip())


def _show(folder: Path, rev: str, path: str) -> str | None:
    done = _git(folder, "show", f"{rev}:{path}", check=False)
    return done.stdout if done.returncode == 0 else None


def _changed_paths(folder: Path, old: str, new: str) -> list[str]:
    return [p for p in _out(folder, "diff", "--name-only", "--no-renames", old, new).splitlines() if p]


def incoming_changes(folder: Path, old: str, new: str) -> list[Change]:
    """Replies changed between two commits, book by book."""
    found: list[Change] = []
    for path in _changed_paths(folder, old, new):
        if _is_book(path):
            found += reply_changes(_show(folder, old, path), _show(folder, new, path), path)
    return found


def _local_changes(folder: Path) -> list[str]:
    """Changed book and usage files in the working tree (untracked ones too)."""
    done = _git(
        folder,
        "status",
        "--porcelain",
        "-z",
        "--no-renames",
        "--untracked-files=all",
        "--",
        ":(glob)*.toml",
        f":(glob){USAGE_FOLDER}/**",
    ).stdout
    return [entry[3:] for entry in done.split("\0") if entry]


def _readable(root: Path, path: str) -> str | None:
    """The text of a changed book; TeamError when it is not valid TOML: a broken book must
    never reach the team (every agent's app would lose it)."""
    from .books import toml_message

    target = root / path
    if not target.is_file():
        return None
    try:
        text = target.read_text(encoding="utf-8-sig")
        tomllib.loads(text)
    except UnicodeDecodeError:
        raise TeamError(f"未提交：{path} 不是 UTF-8 文本；请用 UTF-8 保存后再同步") from None
    except tomllib.TOMLDecodeError as error:
        where = re.search(r"\(at line (\d+)", str(error))
        line = f" 第 {where.group(1)} 行" if where else ""
        reason = toml_message(re.sub(r"\s*\(at line.*\)$", "", str(error)))
        raise TeamError(f"未提交：{path}{line}：{reason}；请先修好（quickreply check）再同步") from None
    except RecursionError:
        raise TeamError(f"未提交：{path} 嵌套太深，无法读取") from None
    return text


def _default_message(ids: Sequence[str]) -> str:
    if not ids:
        return "更新话术文件"
    shown = "、".join(ids[:10])
    more = f" 等 {len(ids)} 条" if len(ids) > 10 else ""
    return f"更新话术：{shown}{more}"


def _stamp(clock: Callable[[], dt.datetime]) -> str:
    return clock().strftime("%Y%m%d-%H%M%S")


def _keep_branch(folder: Path, rev: str, clock: Callable[[], dt.datetime]) -> str:
    name = LOCAL_BRANCH + _stamp(clock)
    number = 1
    while _ok(folder, "rev-parse", "--verify", "--quiet", f"refs/heads/{name}"):
        number += 1
        name = f"{LOCAL_BRANCH}{_stamp(clock)}-{number}"
    _git(folder, "branch", name, rev)
    return name


def _export_stats(folder: Path) -> Path:
    from . import stats

    # Named by the summary's own agent id (agent.toml, else user@host), so `stats --team`
    # finds one file per agent under the name it reports.
    name = re.sub(r"[^\w.@-]+", "-", stats.agent_id()).strip("-.") or agent_name(folder)
    target = folder / USAGE_FOLDER / f"{name}.json"
    try:
        target.parent.mkdir(exist_ok=True)
        stats.export_summary(target)
    except Exception as error:  # a locked or broken usage record: say so, sync nothing half-done
        raise TeamError(f"无法导出使用统计：{error}；未同步（不加 --share-stats 可照常同步）") from None
    return target


def sync(
    folder: Path,
    message: str | None = None,
    *,
    share_stats: bool = False,
    push: bool = True,
    commit: bool = True,
    clock: Callable[[], dt.datetime] = dt.datetime.now,
    batch: bool = False,
) -> SyncResult:
    """Commit local book changes, pull (per-reply merge when both sides moved), push.

    ``commit=False, push=False``: the app's background pull; with local changes not yet
    synced it only fetches (never touches a file an agent or lead is working on). ``batch``:
    git may not prompt on the terminal (the app owns it)."""
    _state.batch = batch
    try:
        return _sync(folder, message, share_stats, push, commit, clock)
    finally:
        _state.batch = False


def _sync(
    folder: Path,
    message: str | None,
    share_stats: bool,
    push: bool,
    commit: bool,
    clock: Callable[[], dt.datetime],
) -> SyncResult:
    root = repository(folder)
    result = SyncResult(root)
    if share_stats:
        result.shared_stats = _export_stats(root)
    changed = _local_changes(root)
    if changed and commit:
        ids = []
        for path in changed:
            if _is_book(path):
                current = _readable(root, path)
                ids += [c.id for c in reply_changes(_show(root, "HEAD", path), current, path)]
        _git(root, "add", "-A", "--", *changed)
        result.commit_message = message or _default_message(ids)
        if _ok(root, "diff", "--cached", "--quiet"):
            result.commit_message = ""
        else:
            _git(root, *_identity(root), "commit", "--quiet", "--no-verify", "-m", result.commit_message)
            result.committed = ids
    branch = _git(root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).stdout.strip()
    if not branch:
        raise TeamError(f"{root} 不在任何分支上（detached HEAD）：请先 git checkout 团队的主分支")
    for attempt in range(3):  # a colleague may push between our pull and our push
        _git(root, "fetch", "--quiet", "origin")
        remote = f"refs/remotes/origin/{branch}"
        has_remote = _ok(root, "rev-parse", "--verify", "--quiet", remote)
        if has_remote:
            if changed and not commit:
                result.skipped = "本地有未同步的修改：只取回，未合并（运行 quickreply team sync）"
                return result
            _pull(root, remote, result, clock)
        if not push or (has_remote and _out(root, "rev-list", "--count", f"{remote}..HEAD") == "0"):
            return result
        done = _git(root, "push", "--quiet", "origin", f"HEAD:refs/heads/{branch}", check=False)
        if done.returncode == 0:
            result.pushed = True
            _git(root, "fetch", "--quiet", "origin", check=False)
            return result
        if re.search(r"non-fast-forward|fetch first|\[rejected\].*\(stale", done.stderr) and attempt < 2:
            continue
        result.refused = _refusal(done.stderr)
        if result.kept_branch is None:
            result.kept_branch = _keep_branch(root, "HEAD", clock)
        return result
    return result


def _refusal(stderr: str) -> str:
    if re.search(
        r"pre-receive hook declined|permission|denied|403|protected branch|not allowed|read.only",
        stderr,
        re.I,
    ):
        return "推送被拒绝：你对团队仓库只有读取权限（或该分支受保护），改动没有上传"
    return "推送失败：" + git_message(stderr)


def _pull(root: Path, remote: str, result: SyncResult, clock: Callable[[], dt.datetime]) -> None:
    head = _out(root, "rev-parse", "HEAD")
    theirs = _out(root, "rev-parse", remote)
    if _ok(root, "merge-base", "--is-ancestor", theirs, head):
        return  # nothing new from the team
    if _ok(root, "merge-base", "--is-ancestor", head, theirs):
        result.incoming += incoming_changes(root, head, theirs)
        _git(root, "merge", "--quiet", "--ff-only", theirs)
        return
    base = _out(root, "merge-base", head, theirs)
    result.incoming += incoming_changes(root, base, theirs)
    mine_paths = set(_changed_paths(root, base, head))
    theirs_paths = _changed_paths(root, base, theirs)
    # Work out every file first: nothing on disk changes until all of them are known.
    writes: dict[str, str | None] = {}
    kept_mine: dict[str, str] = {}
    for path in theirs_paths:
        their_text = _show(root, theirs, path)
        if path not in mine_paths:
            writes[path] = their_text
            continue
        my_text = _show(root, head, path)
        if my_text == their_text:
            continue
        merged = None
        if _is_book(path) and my_text is not None and their_text is not None:
            merged = merge_book(_show(root, base, path), my_text, their_text)
        if merged is None:  # not a book, deleted on one side, or unreadable: theirs, mine kept
            writes[path] = their_text
            result.conflicts.append(Conflict(path, path, "", ""))
        else:
            writes[path] = merged[0]
            result.conflicts += [dataclasses.replace(c, book=path) for c in merged[1]]
        if my_text is not None and (merged is None or merged[1]):
            kept_mine[path] = my_text
    if result.conflicts:
        result.kept_branch = _keep_branch(root, head, clock)
        from .store import _keep_backup

        for path, mine_text in kept_mine.items():
            if path.endswith(".toml"):
                try:
                    result.backups.append(_keep_backup(root / path, mine_text.encode("utf-8")))
                except OSError:
                    pass  # the branch holds it too
    # `-s ours` records the merge without touching a file; the merged files are written after.
    _git(root, *_identity(root), "merge", "--quiet", "--no-ff", "--no-commit", "-s", "ours", theirs)
    names = "、".join(c.id for c in result.conflicts)
    note = f"（冲突，保留团队版本：{names}；本地版本在 {result.kept_branch}）" if result.conflicts else ""
    try:
        for path, text in writes.items():
            target = root / path
            if text is None:
                _git(root, "rm", "--quiet", "--ignore-unmatch", "--", path)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            _git(root, "add", "--", path)
        _git(root, *_identity(root), "commit", "--quiet", "--no-verify", "-m", f"合并团队更新{note}")
    except (TeamError, OSError) as error:
        # Back to the local commit, files included: half a merge must not be left on disk.
        _git(root, "merge", "--abort", check=False)
        for path in writes:  # only the files this merge wrote; nothing else is touched
            if _show(root, head, path) is not None:
                _git(root, "checkout", "--quiet", head, "--", path, check=False)
            else:
                (root / path).unlink(missing_ok=True)
        if isinstance(error, TeamError):
            raise
        where = error.filename or root
        raise TeamError(f"无法写入 {where}：{error.strerror or error}；本地版本未改动") from None
