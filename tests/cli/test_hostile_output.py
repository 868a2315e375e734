"""Every command, run as a user runs it, on a folder whose file names, book names, shop keys and
names, rule messages, synonyms and stored queries all hold terminal escape sequences: not one
ESC, BEL, C1 control or bidi override reaches stdout, stderr or an exported file."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.hostile import FILE_PAYLOAD, PAYLOAD, leaks, record_hostile_usage, write_hostile_books

FORBIDDEN_BYTES = tuple(char.encode("utf-8") for char in ("\x1b", "\x07", "\x9b", "\u202e"))


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """Bytes, not text: the test looks at exactly what a terminal would receive."""
    return subprocess.run(
        [sys.executable, "-m", "quickreply", *map(str, args)],
        capture_output=True,
        env={**os.environ, "QUICKREPLY_NO_OSC52": "1"},
        cwd=cwd,
        timeout=120,
        check=False,
    )


def assert_clean(result: subprocess.CompletedProcess[bytes]) -> None:
    for name, data in (("stdout", result.stdout), ("stderr", result.stderr)):
        assert not [raw for raw in FORBIDDEN_BYTES if raw in data], (name, data[:2000])
        assert b"Traceback" not in data, data.decode("utf-8", "replace")


def assert_file_clean(path: Path) -> None:
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as workbook:
            for member in workbook.namelist():
                assert not leaks(workbook.read(member).decode("utf-8")), member
        return
    data = path.read_bytes()
    assert not [raw for raw in FORBIDDEN_BYTES if raw in data], data[:2000]


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    books = write_hostile_books(tmp_path / "books")
    record_hostile_usage()  # the default usage database (QUICKREPLY_DATA_DIR of this test)
    return books


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["check", "--format", "json"],
        ["search", "您好"],
        ["search", "--json", "您好"],
        ["search", PAYLOAD],
        ["render", "hello"],
        ["render", "bye"],  # missing value: the error path
        ["render", "nope" + PAYLOAD],  # unknown id: quoted back
        ["--shop", "店" + PAYLOAD, "check"],  # unknown shop: names the shops there are
        ["restore", "hello", "--list"],
        ["restore", "bye", "--list"],
        ["export", "-o", "-", "--format", "md"],
        ["export", "-o", "-", "--format", "json"],
    ],
)
def test_every_command_keeps_escape_sequences_from_the_terminal(hostile: Path, command: list[str]) -> None:
    """File names, shop keys, rule messages and stored queries were printed as they were: in tmux
    with set-clipboard on, `check` set the clipboard to the attacker's text."""
    result = run(*command, "-d", hostile)
    assert_clean(result)


def test_regression_check_shows_the_hostile_names_as_escapes(hostile: Path) -> None:
    result = run("check", "-d", hostile)
    out = result.stdout.decode("utf-8")
    # The file name as a reader can see it: something is there, and it does nothing.
    assert "/\\x1b]52;c;cm0gLXJmIH4=\\x07\\x1b]0;pwned\\x07\\x9b31m\\u202e[@click=app.quit]x[].toml:" in out
    assert "[@click=app.quit]x" in out  # and markup-looking text as it is
    assert result.returncode == 1  # broken.toml


def test_regression_check_json_escapes_what_json_dumps_leaves(hostile: Path) -> None:
    """json.dumps escapes U+0000–U+001F but printed C1 controls and U+202E raw."""
    import json

    result = run("check", "--format", "json", "-d", hostile)
    assert_clean(result)
    rows = json.loads(result.stdout)
    assert any(FILE_PAYLOAD in row["file"] for row in rows)  # the data itself is intact


@pytest.mark.parametrize("fmt", ["toml", "json", "csv", "xlsx", "sogou", "md", "html"])
def test_every_export_format_holds_no_escape_sequences(hostile: Path, tmp_path: Path, fmt: str) -> None:
    """A book named after a hostile file, shop key names and values: exported files must be as
    clean as the terminal (xlsx used to fail on them with IllegalCharacterError)."""
    target = tmp_path / f"out.{fmt}"
    result = run("export", "-d", hostile, "-o", target, "--format", fmt)
    assert_clean(result)
    assert result.returncode == 0, result.stderr.decode()
    assert_file_clean(target)


def test_regression_export_to_a_hostile_file_name(hostile: Path, tmp_path: Path) -> None:
    """`已导出 … 到 {output}` quoted the output file name as it was."""
    target = tmp_path / f"{FILE_PAYLOAD}.md"
    result = run("export", "-d", hostile, "-o", target)
    assert_clean(result)
    assert target.is_file()


@pytest.mark.parametrize("dry_run", [True, False])
def test_regression_import_of_a_hostile_file(hostile: Path, tmp_path: Path, dry_run: bool) -> None:
    """import prints the plan (ids, titles, book names), the target folder and the file written."""
    bundle = tmp_path / f"{FILE_PAYLOAD}.toml"
    assert run("export", "-d", hostile, "-o", bundle, "--format", "toml").returncode == 0
    into = tmp_path / f"into{FILE_PAYLOAD}"
    into.mkdir()
    result = run("import", bundle, "--into", into, *(["--dry-run"] if dry_run else []))
    assert_clean(result)
    assert result.returncode == 0, result.stderr.decode()
    if not dry_run:
        for written in into.iterdir():
            assert_file_clean(written)


def test_import_of_an_unreadable_hostile_file_is_clean(tmp_path: Path) -> None:
    source = tmp_path / f"{FILE_PAYLOAD}.csv"
    source.write_bytes(b"\xff\xfe\x00garbage")
    into = tmp_path / "into"
    into.mkdir()
    assert_clean(run("import", source, "--into", into))


@pytest.mark.parametrize(
    "flags", [[], ["--json"], ["--csv"], ["--suggest"], ["--suggest", "--json"], ["--suggest", "--csv"]]
)
def test_regression_stats_shows_stored_queries_escaped(hostile: Path, flags: list[str]) -> None:
    """Queries pasted from buyers' messages are stored and were printed as they were."""
    result = run("stats", "-d", hostile, *flags)
    assert_clean(result)
    assert result.returncode == 0


def test_regression_stats_merge_of_a_hostile_database(hostile: Path, tmp_path: Path) -> None:
    other = tmp_path / f"{FILE_PAYLOAD}.sqlite3"
    record_hostile_usage(other)
    assert_clean(run("stats", "-d", hostile, "--merge", other))
    broken = tmp_path / f"broken{FILE_PAYLOAD}.sqlite3"
    broken.write_bytes(b"not a database")
    assert_clean(run("stats", "-d", hostile, "--merge", broken))


def test_regression_restore_list_of_a_hostile_book(hostile: Path) -> None:
    """`{path} 还没有备份` quoted the book's file name as it was."""
    book = hostile / f"{FILE_PAYLOAD}.toml"
    result = run("restore", book, "--list")
    assert_clean(result)
    assert result.returncode == 1


def test_regression_non_utf8_file_name_is_shown_not_a_traceback(tmp_path: Path) -> None:
    """A file name that is not UTF-8 decodes to lone surrogates; printing them raised
    UnicodeEncodeError."""
    books = tmp_path / "books"
    books.mkdir()
    (books / os.fsdecode(b"\xff\x1b]0;t\x07.toml")).write_text("[book]\nname = 1\n", encoding="utf-8")
    result = run("check", "-d", books)
    assert_clean(result)
    assert b"\\udcff\\x1b]0;t\\x07.toml" in result.stdout


def test_argparse_errors_pass_the_boundary(tmp_path: Path) -> None:
    """argparse quotes a bad value back (`invalid choice: …`): it is printed through the boundary."""
    assert_clean(run("check", "--format", PAYLOAD))
