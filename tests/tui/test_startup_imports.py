"""The first screen paints before the books load: what only the books need (the search index,
the cache, the TOML reader and writer, the fuzzy matcher, pinyin, the team patterns' `regex`)
is not imported with the app, only in the loading thread (issue 13: start-up ≤ 400 ms)."""

from __future__ import annotations

import subprocess
import sys

import pytest

LAZY = [
    "rapidfuzz",
    "pypinyin",
    "regex",
    "tomlkit",
    "tomli",
    "quickreply.search",
    "quickreply.search.index",
    "quickreply.cache",
    "quickreply.books",
    "quickreply.store",
    "quickreply.bookfile",
    "textual.widgets._text_area",
]


def imported_with(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def test_the_app_and_the_command_line_leave_the_books_modules_to_the_loading_thread() -> None:
    # What `python -m quickreply` imports before the app runs, and the empty first screen's
    # objects (the placeholder library, the send check without rules).
    loaded = imported_with(
        "import quickreply, quickreply.cli, quickreply.tui.app\n"
        "from quickreply.tui.app import make_app\n"
        "app = make_app(history=False, deferred=True)\n"
        "assert app.library.phrases == [] and app.search('退货', None, 20) == []"
    )
    assert "quickreply.tui.screens.search" in loaded  # the scan sees what was imported
    assert sorted(loaded & set(LAZY)) == []


def test_a_search_imports_them_and_the_package_still_exports_everything() -> None:
    loaded = imported_with(
        "import quickreply\n"
        "from quickreply import Hit, Library, Stage, load\n"
        "library = load(quickreply.locations.bundled_phrasebooks())\n"
        "hits = library.search('退货')\n"
        "assert hits and isinstance(hits[0], Hit) and isinstance(library, Library)\n"
        "assert sorted(quickreply.__all__) == sorted(n for n in quickreply.__all__ if hasattr(quickreply, n))"
    )
    assert {"quickreply.search.index", "rapidfuzz", "quickreply.books"} <= loaded


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    import quickreply
    import quickreply.library

    with pytest.raises(AttributeError):
        quickreply.no_such_name  # noqa: B018
    with pytest.raises(AttributeError):
        quickreply.library.no_such_name  # noqa: B018
