"""The core never imports Textual: it keeps the CLI fast and the UI a thin layer."""

from __future__ import annotations

import subprocess
import sys


def test_core_does_not_import_textual() -> None:
    code = (
        "import sys, quickreply, quickreply.cli, quickreply.clipboard, quickreply.learned,"
        " quickreply.clipwatch, quickreply.textdiff, quickreply.usage;"
        "quickreply.load(quickreply.locations.bundled_phrasebooks()).search('发票');"
        "print('textual' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
