"""Fuzzing the inputs users and other shops hand us (issue 9, finding 4).

Random bytes and random TOML-ish text as a book, shops.toml, synonyms.toml and rules.toml;
random templates for the renderer; random bytes as CSV/JSON/XLSX for the importers; and the
CLI run on random books in a subprocess. What must hold for every input: no traceback (only
our own exceptions and findings), no hang (in-process cases have a hypothesis deadline, CLI
cases a subprocess timeout), and no control byte (ESC, BEL, C1) in anything printed.

Part of the normal suite, so README's test command (and CI) runs it: a bounded number of
examples, derandomized so a run is repeatable, no example database written into the repo.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import quickreply
from quickreply.exchange import importing
from quickreply.placeholders import check_usage
from quickreply.rules import check_all, load_rules
from quickreply.template import MalformedTemplateError, MissingValuesError, parse, render

EXAMPLES = int(os.environ.get("QUICKREPLY_FUZZ_EXAMPLES", "150"))
"""Examples per in-process test; raise it for a deeper run (QUICKREPLY_FUZZ_EXAMPLES=5000)."""
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=dt.timedelta(seconds=20),  # generous: a slow shared machine, never a hang
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CLI_SETTINGS = settings(
    SETTINGS, max_examples=max(12, EXAMPLES // 12), deadline=None
)  # the subprocess has its timeout
CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")
"""Bytes that must never reach a terminal: C0 controls but tab and newline (and CR, which
Windows-style output may hold), DEL, and C1 controls as UTF-8."""

# Pieces of the grammar we read, mixed with what breaks parsers: quotes, escapes, control
# characters as TOML escapes, braces, full-width braces, bidi overrides, deep nesting.
FRAGMENTS = [
    "[book]\n",
    'name = "书"\n',
    'stage = "售前"\n',
    'stage = "after-sale"\n',
    "[[phrase]]\n",
    'id = "a"\n',
    'id = "b"\n',
    'title = "发货"\n',
    'text = "亲，{shop_name}今天{cutoff|16:00}前发货"\n',
    'text = """\n多行\n"""\n',
    'text = "\\u001b]52;c;cm0gLXJmIH4=\\u0007"\n',
    'text = "\\u202e反转"\n',
    'variants = ["亲", "{x"]\n',
    'keys = ["fh", "fh"]\n',
    "expires = 2026-01-01\n",
    "expires = 5\n",
    "[[shop]]\n",
    'shop_name = "甲店"\n',
    "[[rule]]\n",
    'id = "r"\n',
    'words = ["转账"]\n',
    "pattern = '(a|aa)+$'\n",
    "pattern = '['\n",
    'message = "不行"\n',
    'groups = [["发货", "发出"]]\n',
    "[[group]]\n",
    "[tracking_no]\n",
    '["订单号"]\n',
    "fresh = true\n",
    'fresh = "yes"\n',
    'choices = ["5元", "\\u001b[31m"]\n',
    "choices = []\n",
    'label = "\\u202e单号"\n',
    "{",
    "}",
    "{{",
    "｛名｝",
    "=",
    '"',
    "'",
    "\\",
    "\n",
    "#",
    "[",
    "]",
    "\x00",
    "\ufeff",
    "[" * 40,
]
toml_ish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=25).map("".join)
FILES = ["a.toml", "shops.toml", "synonyms.toml", "rules.toml", "placeholders.toml"]


def _write(directory: Path, name: str, data: bytes | str) -> None:
    path = directory / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", errors="surrogatepass")
    else:
        path.write_bytes(data)


@SETTINGS
@given(
    name=st.sampled_from(FILES),
    data=st.one_of(st.binary(max_size=400), toml_ish),
    book=toml_ish,
)
def test_fuzz_loader_never_raises(name: str, data: bytes | str, book: str) -> None:
    """Any file a folder may hold loads into findings; check runs on whatever loaded."""
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        _write(directory, "base.toml", book)
        _write(directory, name, data)
        library = quickreply.load(directory, clock=lambda: dt.datetime(2026, 11, 23, 14, 0))
        rules, _problems = load_rules(library.directories)
        check_all(library.phrases, library.shops, rules)
        check_usage(library.placeholders, library.phrases)
        for spec in library.placeholders.declared.values():
            for text in (spec.title, *spec.choices):  # cleaned at load, like reply text
                assert "\x1b" not in text and "\u202e" not in text
        for phrase in library.phrases:
            for problem in library.problems:
                assert isinstance(problem.format(), str)
            for text in phrase.wordings:
                assert "\x1b" not in text and "\x07" not in text  # cleaned at load


values = st.dictionaries(st.text(max_size=6), st.text(max_size=12), max_size=4)


@SETTINGS
@given(template=st.one_of(st.text(max_size=80), toml_ish), shop=values, chat=values)
def test_fuzz_renderer_raises_only_its_own_errors(
    template: str, shop: dict[str, str], chat: dict[str, str]
) -> None:
    parsed = parse(template)
    try:
        filled = render(parsed, [("chat", chat), ("shop", shop)])
    except (MalformedTemplateError, MissingValuesError) as error:
        assert str(error)
        return
    assert isinstance(filled.text, str)


def _xlsx_with(cells: list[str]) -> bytes:
    """A minimal XLSX whose shared strings are ``cells``: fuzzing inside the zip, not the zip."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook()
    sheet = workbook.active
    for row, cell in enumerate(cells, 1):
        value = ILLEGAL_CHARACTERS_RE.sub("", cell)  # what a spreadsheet program could save
        sheet.cell(row=row, column=1, value=value[:200])
        sheet.cell(row=row, column=2, value=value[::-1][:200])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


importable = st.one_of(
    st.tuples(st.sampled_from([".csv", ".json", ".xlsx", ".toml", ".txt"]), st.binary(max_size=600)),
    st.tuples(
        st.sampled_from([".csv", ".json", ".toml"]), toml_ish.map(lambda s: s.encode("utf-8", "replace"))
    ),
    st.tuples(
        st.just(".csv"),
        st.lists(st.lists(st.text(max_size=10), max_size=5), max_size=6).map(
            lambda rows: "\n".join(",".join(row) for row in rows).encode("gbk", "replace")
        ),
    ),
    st.tuples(
        st.just(".xlsx"),
        st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=20), max_size=6).map(
            lambda cells: _xlsx_with(["分组", *cells])
        ),
    ),
)


@SETTINGS
@given(item=importable)
def test_fuzz_importers_raise_only_their_own_errors(item: tuple[str, bytes]) -> None:
    suffix, data = item
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / f"in{suffix}"
        path.write_bytes(data)
        try:
            reading = importing.read_file(path)
        except importing.ImportError_ as error:
            assert str(error)
            return
        importing.plan(reading, [])


def test_fuzz_xlsx_helper_makes_real_workbooks() -> None:
    """The XLSX strategy must produce zips the importer opens, or it fuzzes nothing."""
    assert zipfile.is_zipfile(io.BytesIO(_xlsx_with(["分组", "快捷短语"])))


def _run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "quickreply", *args],
        capture_output=True,
        timeout=60,  # a hang fails the test instead of holding the suite
        env={**os.environ, "QUICKREPLY_NO_OSC52": "1", "DISPLAY": "", "WAYLAND_DISPLAY": ""},
        start_new_session=True,
    )


@CLI_SETTINGS
@given(book=toml_ish, shops=st.one_of(toml_ish, st.binary(max_size=100)), query=st.text(max_size=8))
def test_fuzz_cli_outputs_hold_no_traceback_and_no_control_bytes(
    book: str, shops: str | bytes, query: str
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        _write(directory, "a.toml", book)
        _write(directory, "shops.toml", shops)
        query = query.replace("\x00", "") or "发货"
        runs = [
            _run("check", "-d", scratch),
            _run("check", "-d", scratch, "--format", "json"),
            _run("search", query, "-d", scratch),
            _run("render", "a", "-d", scratch, "--set", f"x={query}"),
            _run("export", "-d", scratch, "--format", "md", "-o", "-"),
        ]
        for result in runs:
            for stream in (result.stdout, result.stderr):
                assert b"Traceback" not in stream, stream.decode("utf-8", "replace")
                assert CONTROL.search(stream) is None, stream[:400]
            assert result.returncode in (0, 1, 2, 3), result.stderr.decode("utf-8", "replace")
