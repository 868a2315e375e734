"""Synthetic phrasebooks of any size, built from the bundled books' vocabulary.

Shared by the benchmarks. Deterministic (seeded) so figures compare across runs.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import tomli_w

import quickreply
from quickreply.locations import bundled_phrasebooks

STAGES = ["pre-sale", "in-sale", "after-sale"]


def _vocabulary() -> tuple[list[str], list[str]]:
    library = quickreply.load(bundled_phrasebooks())
    titles = [phrase.title for phrase in library.phrases]
    pieces: list[str] = []
    for phrase in library.phrases:
        pieces += [part for part in re.split(r"[，。！？、~\n：（）]", phrase.text) if len(part) >= 4]
    return titles, pieces


def write_corpus(directory: Path, size: int, *, books: int = 10, seed: int = 7) -> Path:
    """Write ``size`` phrases spread over ``books`` TOML files into ``directory``."""
    rng = random.Random(seed)
    titles, pieces = _vocabulary()
    directory.mkdir(parents=True, exist_ok=True)
    per_book = -(-size // books)
    number = 0
    for book in range(books):
        phrases = []
        for _ in range(min(per_book, size - number)):
            # A bundled title kept whole one time in five, else a new one from two random
            # stretches of reply text: real corpora of 10k replies do not repeat 90 titles.
            if rng.random() < 0.2:
                title = rng.choice(titles)
            else:
                first, second = rng.sample(pieces, 2)
                start = rng.randrange(len(first) - 1)
                title = first[start : start + rng.randint(2, 5)] + second[: rng.randint(2, 5)]
            text = "，".join(rng.sample(pieces, rng.randint(2, 4))) + "。"
            phrase = {
                "id": f"p{number}",
                "title": title,
                "text": text,
                "tags": [rng.choice(titles)[:2]],
            }
            if rng.random() < 0.3:
                phrase["keys"] = [f"k{number}"]
            phrases.append(phrase)
            number += 1
        data = {"book": {"name": f"合成{book}", "stage": STAGES[book % 3]}, "phrase": phrases}
        (directory / f"book{book:02}.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    return directory


def write_long_corpus(directory: Path, size: int, *, seed: int = 11) -> Path:
    """One book of ``size`` long replies (1,500–3,000 characters), a few of them near-copies."""
    rng = random.Random(seed)
    _titles, pieces = _vocabulary()
    directory.mkdir(parents=True, exist_ok=True)
    texts: list[str] = []
    for _ in range(size):
        if texts and rng.random() < 0.05:
            base = rng.choice(texts)
            where = rng.randrange(len(base))
            text = base[:where] + "改" + base[where + 1 :]
        else:
            text = ""
            target = rng.randint(1500, 3000)
            while len(text) < target:
                text += rng.choice(pieces) + "，"
        texts.append(text)
    phrases = [{"id": f"l{n}", "title": f"长回复{n}", "text": text} for n, text in enumerate(texts)]
    data = {"book": {"name": "长回复", "stage": "after-sale"}, "phrase": phrases}
    (directory / "long.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    return directory
