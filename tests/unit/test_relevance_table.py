"""Buyer messages as typed in the chat rank the right reply first: the table in
tests/relevance_table.toml (benchmarks/relevance_bench.py prints it by kind), and the
mechanisms behind it on small books of their own."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import quickreply
from quickreply.search import SearchIndex

TABLE = Path(__file__).resolve().parent.parent / "relevance_table.toml"
TOP1_TARGET = 0.90
TOP3_TARGET = 0.98


def _cases() -> list[tuple[str, str, str]]:
    data = tomllib.loads(TABLE.read_text(encoding="utf-8"))
    return [(kind["name"], message, expected) for kind in data["kind"] for message, expected in kind["cases"]]


CASES = _cases()


def test_the_table_is_large_varied_and_names_real_replies(bundled: quickreply.Library) -> None:
    assert len(CASES) >= 100
    messages = [message for _, message, _ in CASES]
    assert len(set(messages)) == len(messages), "a message twice would count twice"
    kinds = {kind for kind, _, _ in CASES}
    for wanted in ("short", "typo", "particles", "courier", "damage", "off-platform", "invoice",
                   "payment", "stalled", "hurry", "stage", "question"):
        assert sum(1 for kind, _, _ in CASES if kind == wanted) >= 5, wanted
    assert len(kinds) >= 12
    ids = {phrase.id for phrase in bundled.phrases}
    assert {one for _, _, expected in CASES for one in expected.split("|")} <= ids


def test_targets_on_the_table(bundled: quickreply.Library) -> None:
    ranks: list[tuple[str, str, int | None]] = []
    for _, message, expected in CASES:
        ranked = [hit.phrase.id for hit in bundled.search(message)]
        wanted = expected.split("|")  # "a|b": either reply is right
        rank = next((position for position, found in enumerate(ranked, 1) if found in wanted), None)
        ranks.append((message, expected, rank))
    top1 = sum(1 for _, _, rank in ranks if rank == 1) / len(ranks)
    top3 = sum(1 for _, _, rank in ranks if rank is not None and rank <= 3) / len(ranks)
    misses = [f"{message} → {expected} (#{rank})" for message, expected, rank in ranks if rank != 1]
    assert top1 >= TOP1_TARGET, (top1, misses)
    assert top3 >= TOP3_TARGET, (top3, misses)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("还没寄出，能不能快点发货啊", "urge-ship"),
        ("快递三天了都没动", "logistics-no-update"),
        ("付不了款怎么办", "pay-failed"),
        ("包邮吗", "postage-rule"),
        ("我的订单什么时候发货", "ship-when"),
    ],
)
def test_the_misses_reported_in_the_issue_rank_first(
    bundled: quickreply.Library, message: str, expected: str
) -> None:
    assert bundled.search(message)[0].phrase.id == expected


# --- the mechanisms, each on a book made to isolate it ------------------------------------------

BOOK = '''
[book]
name = "测试"
stage = "{stage}"
'''


def _library(write_book, phrases: list[tuple[str, str, str, str]], synonyms: str = "") -> quickreply.Library:
    """phrases: (id, stage, title, text); each stage gets a book of its own."""
    by_stage: dict[str, list[str]] = {}
    for pid, stage, title, text in phrases:
        entry = f'[[phrase]]\nid = "{pid}"\ntitle = "{title}"\ntext = "{text}"\n'
        by_stage.setdefault(stage, []).append(entry)
    path = None
    for number, (stage, entries) in enumerate(by_stage.items()):
        path = write_book(f"{number}.toml", BOOK.format(stage=stage) + "\n".join(entries))
    if synonyms:
        write_book("synonyms.toml", synonyms)
    assert path is not None
    return quickreply.load(path.parent)


def _first(library: quickreply.Library, query: str) -> str:
    return library.search(query)[0].phrase.id


def test_a_homophone_typo_of_a_synonym_word_counts_as_the_word(write_book) -> None:
    library = _library(
        write_book,
        [("a", "in-sale", "寄件时间", "我们下午寄出。"), ("b", "in-sale", "售后须知", "有问题随时联系。")],
        '[[group]]\nwords = ["发货", "寄出"]\n',
    )
    assert _first(library, "什么时候发或呀") == "a"  # 发或 sounds like 发货, a synonym of 寄出
    # A rare reading does not make a typo: 直不 is not 支付 (不 reads fu only rarely).
    assert library.index._sound_of("发或") == ("发货", library.index.synonym_groups[0])
    assert library.index._sound_of("发和") is None  # he ≠ huo


def test_a_stage_cue_settles_two_replies_with_the_same_words(write_book) -> None:
    library = _library(
        write_book,
        [
            ("pre", "pre-sale", "什么时候发货", "下午四点前付款当天发货。"),
            ("in", "in-sale", "什么时候发货", "您的订单今天发货。"),
        ],
    )
    assert _first(library, "请问什么时候发货呀") == "pre"  # no cue: book order
    assert _first(library, "我的订单什么时候发货呀") == "in"
    assert _first(library, "我已经拍了什么时候发货呀") == "in"


def test_a_message_that_is_only_a_stage_cue_still_finds_replies(write_book) -> None:
    library = _library(
        write_book,
        [
            ("paid", "in-sale", "已付款确认", "您的订单付款成功了。"),
            ("other", "in-sale", "催发货", "已加急。"),
        ],
    )
    # 已经付款 is an in-sale cue and claims its characters; with nothing else to go on, its
    # words count after all.
    [first, *_] = library.search("我已经付款了")
    assert (first.phrase.id, first.reason) == ("paid", "message")


def test_a_question_word_refines_but_never_outweighs_the_subject(write_book) -> None:
    library = _library(
        write_book,
        [
            ("when-invoice", "in-sale", "发票什么时候开", "确认收货后开票。"),
            ("refund", "after-sale", "退款说明", "退款原路返回。"),
            ("refund-when", "after-sale", "退款什么时候到", "一般三天内到账。"),
        ],
    )
    # 什么时候 matches the invoice reply's title, but the subject is the refund.
    ranked = [hit.phrase.id for hit in library.search("退款什么时候能好啊")]
    assert ranked[:2] == ["refund-when", "refund"]
    assert "when-invoice" not in ranked[:2]


def test_a_word_inside_a_longer_synonym_of_another_group_does_not_count(write_book) -> None:
    library = _library(
        write_book,
        [
            ("insurance", "after-sale", "运费险理赔", "退货后自动赔付。"),
            ("postage", "pre-sale", "邮费说明", "首重十元。"),
        ],
        '[[group]]\nwords = ["运费", "邮费", "包邮"]\n[[group]]\nwords = ["运费险", "退货险"]\n',
    )
    assert _first(library, "包邮吗亲") == "postage"
    assert _first(library, "有退货险吗") == "insurance"


def test_multi_character_stopwords_leave_no_pairs(write_book) -> None:
    library = _library(
        write_book,
        [
            ("noise", "pre-sale", "不能退的情况", "定制商品不能退。"),
            ("hurry", "in-sale", "催发货", "已经加急。"),
        ],
        '[[group]]\nwords = ["催发货", "快点", "加急"]\n[stopwords]\nchars = "啊"\nwords = ["能不能"]\n',
    )
    # Without the stopword, 能不能 leaves the pair 不能, found in the other reply's title.
    assert _first(library, "能不能快点啊") == "hurry"


def test_the_buyers_own_word_beats_a_synonym_of_it(write_book) -> None:
    library = _library(
        write_book,
        [
            ("a", "in-sale", "几天能到", "一般三天。"),
            ("b", "in-sale", "多久能到", "一般三天。"),
        ],
        '[[group]]\nwords = ["多久", "几天"]\n',
    )
    assert _first(library, "亲多久能到呀") == "b"
    assert _first(library, "亲几天能到呀") == "a"


_CHARS = "发货寄出快递到哪了吗亲呗能不能退款运费险什么时候我的订单ab1 ，"


@settings(
    max_examples=150, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    groups=st.lists(st.lists(st.text(_CHARS, min_size=1, max_size=5), min_size=2, max_size=4), max_size=6),
    stopwords=st.lists(st.text(_CHARS, min_size=1, max_size=4), max_size=6),
    query=st.text(_CHARS, max_size=30),
)
def test_any_synonyms_and_message_rank_without_error(
    bundled: quickreply.Library, groups: list[list[str]], stopwords: list[str], query: str
) -> None:
    """Team synonym files are other people's data: overlapping, nested or odd words never break
    the message tier, and a message never outranks a title or text match."""
    index = SearchIndex(bundled.phrases, groups, stopwords)
    hits = index.search(query)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert all(hit.score < 500 for hit in hits if hit.reason == "message")
