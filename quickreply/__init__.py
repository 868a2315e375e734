"""quickreply: quick replies for e-commerce customer service.

The core (this package minus ``quickreply.tui``) never imports Textual.
"""

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
