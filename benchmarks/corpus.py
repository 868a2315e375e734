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


# Things a shop sells and series marks, to vary the titles of recombined replies: a real
# book of 100k replies is many shops' or products' copies of the same few hundred answers.
_PRODUCTS = (
    "连衣裙", "羽绒服", "牛仔裤", "卫衣", "衬衫", "运动鞋", "帆布鞋", "保温杯", "蓝牙耳机",
    "充电宝", "数据线", "手机壳", "床上四件套", "枕头", "毛巾", "洗面奶", "面膜", "口红",
    "香水", "猫粮", "狗粮", "奶粉", "纸尿裤", "儿童玩具", "书包", "行李箱", "雨伞", "台灯",
    "电饭煲", "空气炸锅", "茶叶", "坚果礼盒", "月饼", "大闸蟹", "车载支架", "瑜伽垫", "钓鱼竿",
)
_MARKS = ("", "", "", "（新款）", "（大促）", "-旗舰店", "·直播间", "（老客）", "（英文）", "2")


def _bundled_phrases() -> list[tuple[str, dict[str, object]]]:
    """(stage, phrase table) of every bundled reply, read as written (text, variants, tags)."""
    import tomllib

    phrases: list[tuple[str, dict[str, object]]] = []
    for path in sorted(bundled_phrasebooks().glob("0*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        stage = data["book"]["stage"]
        phrases += [(phrase.get("stage", stage), phrase) for phrase in data["phrase"] if "text" in phrase]
    return phrases


def write_phrasebook_corpus(directory: Path, size: int, *, books: int = 12, seed: int = 13) -> Path:
    """A second corpus shape: ``size`` replies recombined from the bundled books' real ones.

    Each reply is a real bundled reply (title, text, variants, tags) for one product or
    channel: its title carries the product one time in two and a series mark now and then,
    its text sometimes gains a sentence of another reply, its codes get a number. So titles
    repeat with small differences and common words (发票, 退货, 快递) sit in thousands of
    titles — unlike write_corpus, whose titles are random stretches of text."""
    rng = random.Random(seed)
    bundled = _bundled_phrases()
    sentences = [
        part
        for _stage, phrase in bundled
        for part in re.split(r"(?<=[。！？~])", str(phrase["text"]))
        if len(part) >= 6
    ]
    directory.mkdir(parents=True, exist_ok=True)
    by_stage: dict[str, list[dict[str, object]]] = {stage: [] for stage in STAGES}
    for number in range(size):
        stage, base = rng.choice(bundled)
        product = rng.choice(_PRODUCTS)
        title = str(base["title"])
        if rng.random() < 0.5:
            title = f"{product}{title}" if rng.random() < 0.5 else f"{title}（{product}）"
        title += rng.choice(_MARKS)
        text = str(base["text"])
        if rng.random() < 0.3:
            text += rng.choice(sentences)
        phrase: dict[str, object] = {"id": f"r{number}", "title": title, "text": text}
        tags = list(base.get("tags", []))  # type: ignore[call-overload]
        if rng.random() < 0.5:
            tags.append(product)
        phrase["tags"] = tags
        keys = list(base.get("keys", []))  # type: ignore[call-overload]
        if keys and rng.random() < 0.3:
            phrase["keys"] = [f"{keys[0]}{number}"]
        if "variants" in base and rng.random() < 0.5:
            phrase["variants"] = base["variants"]
        by_stage[stage].append(phrase)
    per_stage = max(1, books // len(STAGES))
    for stage, phrases in by_stage.items():
        chunk = -(-len(phrases) // per_stage) if phrases else 0
        for part in range(per_stage):
            piece = phrases[part * chunk : (part + 1) * chunk]
            if not piece:
                continue
            data = {"book": {"name": f"重组{stage}{part}", "stage": stage}, "phrase": piece}
            (directory / f"{stage}-{part:02}.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    return directory
