"""Chinese-aware search: folding (full-width, 繁简, case), pinyin, synonyms and the index."""

from .index import Hit, SearchIndex

__all__ = ["Hit", "SearchIndex"]
