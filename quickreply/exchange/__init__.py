"""Sharing phrasebooks: export to and import from files other shops and tools read."""
