"""quickreply: quick replies for e-commerce customer service.

The core (this package minus ``quickreply.tui``) never imports Textual.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .library import Library, load
    from .model import Book, Phrase, Problem, Severity, Shop, Stage
    from .search import Hit
    from .template import Filled, MalformedTemplateError, MissingValuesError

__all__ = [
    "Book",
    "Filled",
    "Hit",
    "Library",
    "MalformedTemplateError",
    "MissingValuesError",
    "Phrase",
    "Problem",
    "Severity",
    "Shop",
    "Stage",
    "load",
]

# Where each re-export lives. Imported on first use (PEP 562): ``python -m quickreply`` imports
# this package first, and the search index's modules (rapidfuzz, pypinyin …) are not needed
# before the first screen paints.
_HOMES = {
    "Library": "library",
    "load": "library",
    "Book": "model",
    "Phrase": "model",
    "Problem": "model",
    "Severity": "model",
    "Shop": "model",
    "Stage": "model",
    "Hit": "search",
    "Filled": "template",
    "MalformedTemplateError": "template",
    "MissingValuesError": "template",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
