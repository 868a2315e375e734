""""Updated since you last used it" on the command line (issue 12): ``render`` counts as a use,
``search --json`` says ``"updated": true`` once the book's text changed since, and
``--no-history`` neither records nor reads."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .test_cli import BOOK, SHOPS, assert_no_traceback, run

OLD = "亲，{shop_name}每天{cutoff}前付款当天发，您的订单{ship_day}发出。"
NEW = "亲，{shop_name}每天{cutoff}前付款当天发（顺丰次日达），您的订单{ship_day}发出。"


@pytest.fixture
def books(write_book) -> Path:
    write_book("shops.toml", SHOPS)
    return write_book("a.toml", BOOK).parent


def updated(books: Path, *options: str) -> dict[str, bool]:
    result = run("search", "", "-d", str(books), "--json", *options)
    assert result.returncode == 0, result.stderr
    return {row["id"]: row["updated"] for row in json.loads(result.stdout)}


def change_text(books: Path, old: str, new: str) -> None:
    path = books / "a.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def usage_file() -> Path:
    return Path(os.environ["QUICKREPLY_DATA_DIR"]) / "usage.sqlite3"


def test_render_records_and_search_says_updated_after_the_book_changes(books: Path) -> None:
    assert updated(books) == {"ship": False, "tracking": False}
    assert not usage_file().exists()  # a search alone creates no record
    assert run("render", "ship", "-d", str(books)).returncode == 0
    assert updated(books) == {"ship": False, "tracking": False}  # used as it is
    change_text(books, OLD, NEW)
    assert updated(books) == {"ship": True, "tracking": False}
    # The lead's wording goes back: nothing to tell any more.
    change_text(books, NEW, OLD)
    assert updated(books)["ship"] is False
    change_text(books, OLD, NEW)
    # Rendering the new text is using it: no longer updated.
    rendered = run("render", "ship", "-d", str(books))
    assert "顺丰次日达" in rendered.stdout
    assert updated(books)["ship"] is False


def test_the_template_is_kept_not_the_filled_reply(books: Path) -> None:
    """Another shop, another time, other values fill a different reply from the same template:
    that is not an update."""
    assert run("render", "tracking", "-d", str(books), "--set", "tracking_no=SF1").returncode == 0
    other = run("render", "tracking", "-d", str(books), "--set", "tracking_no=YT2", "--shop", "乙店")
    assert other.returncode == 0
    assert updated(books)["tracking"] is False
    change_text(books, "快递是{courier|中通}", "快递是{courier|圆通}")
    assert updated(books)["tracking"] is True


def test_a_render_that_fails_is_not_a_use(books: Path) -> None:
    assert run("render", "ship", "-d", str(books)).returncode == 0
    change_text(books, OLD, NEW)
    missing = run("render", "tracking", "-d", str(books))  # no tracking_no: nothing printed
    assert missing.returncode == 1
    change_text(books, "{tracking_no}", "{tracking_no}。")
    assert updated(books) == {"ship": True, "tracking": False}


@pytest.mark.parametrize("where", ["before", "after"])
def test_no_history_render_is_not_recorded(books: Path, where: str) -> None:
    options = ["--no-history", "render", "ship"] if where == "before" else ["render", "ship", "--no-history"]
    assert run(*options, "-d", str(books)).returncode == 0
    assert not usage_file().exists()
    assert run("render", "ship", "-d", str(books)).returncode == 0
    change_text(books, OLD, NEW)
    assert run(*options, "-d", str(books)).returncode == 0
    assert updated(books)["ship"] is True  # the --no-history render did not count


def test_no_history_search_reads_nothing(books: Path) -> None:
    assert run("render", "ship", "-d", str(books)).returncode == 0
    change_text(books, OLD, NEW)
    assert updated(books)["ship"] is True
    assert updated(books, "--no-history")["ship"] is False
    result = run("--no-history", "search", "", "-d", str(books), "--json")
    assert {row["id"]: row["updated"] for row in json.loads(result.stdout)}["ship"] is False


def test_a_broken_record_never_stops_render(books: Path) -> None:
    """The data folder is a file: the record cannot be made; render prints and says so once."""
    data = Path(os.environ["QUICKREPLY_DATA_DIR"])
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text("not a folder", encoding="utf-8")
    result = run("render", "ship", "-d", str(books))
    assert result.returncode == 0
    assert "每天16:00前付款当天发" in result.stdout
    assert result.stderr.count("使用记录不可用") == 1
    assert_no_traceback(result)
    assert updated(books) == {"ship": False, "tracking": False}
