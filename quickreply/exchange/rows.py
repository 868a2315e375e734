"""One reply as one spreadsheet row, in the columns seller workbenches' quick-phrase sheets use
(分组, 快捷编码, 快捷短语) followed by ours, so that nothing is lost on the way back."""

from __future__ import annotations

import json

from ..model import Phrase
from ..schema import parts_text

COLUMNS = (
    "分组", "快捷编码", "快捷短语", "id", "title", "stage", "tags", "variants", "note", "expires",
    "starts",  # last: sheets exported before it still line up
)


def _list_cell(items: tuple[str, ...]) -> str:
    # JSON keeps any text intact (commas, 、, newlines); an empty list is an empty cell.
    return json.dumps(list(items), ensure_ascii=False) if items else ""


def phrase_row(
    phrase: Phrase, text: str | None = None, variants: tuple[str, ...] | None = None
) -> dict[str, str]:
    """``text``/``variants``: as exported (e.g. filled with a shop's values); default as written."""
    return {
        "分组": phrase.book,
        "快捷编码": " ".join(phrase.keys),
        # A sequence in one cell: its parts between lines holding only --- (read back as parts).
        "快捷短语": (parts_text(phrase.parts) if phrase.parts else phrase.text) if text is None else text,
        "id": phrase.id,
        "title": phrase.title,
        "stage": phrase.stage.value,
        "tags": _list_cell(phrase.tags),
        "variants": _list_cell(phrase.variants if variants is None else variants),
        "note": phrase.note,
        "expires": phrase.expires.isoformat() if phrase.expires else "",
        "starts": phrase.starts.isoformat() if phrase.starts else "",
    }
