"""What the app remembers between runs: the shop the agent chose last (F4 or the palette).

A nicety: a missing, unreadable or broken file is as if nothing was remembered, and a failed
write is not an error (the agent simply starts with the default shop next time)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .locations import state_file


def remembered_shop(path: Path | None = None) -> str | None:
    try:
        data = json.loads((path or state_file()).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    shop = data.get("shop") if isinstance(data, dict) else None
    return shop if isinstance(shop, str) and shop else None


def remember_shop(name: str, path: Path | None = None) -> None:
    target = path or state_file()
    temporary: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written whole then renamed: two windows switching shops never leave half a file.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".state-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump({"shop": name}, file, ensure_ascii=False)
        os.replace(temporary, target)
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
