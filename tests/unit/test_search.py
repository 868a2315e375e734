"""Search relevance on the bundled books: every way agents search finds the right reply."""

from __future__ import annotations

import datetime as dt

import pytest

import quickreply
from quickreply.model import Stage

# (query, expected id, within the top N). One row per kind of query the product promises.
RELEVANCE = [
    ("发票", "invoice-yes", 3),  # Chinese keyword
    ("fp", "invoice-yes", 1),  # exact shortcut code ranks first
    ("FP", "invoice-yes", 1),  # codes are case-insensitive
    ("ｆｐ", "invoice-yes", 1),  # full-width letters
    ("yfx", "return-insurance", 1),
    ("fapiao", "invoice-yes", 3),  # full pinyin
    ("kaifapiao", "invoice-yes", 1),
    ("fhsj", "ship-time-presale", 1),  # initials (and its code)
    ("fhsj", "presale-ship-date", 2),  # initials of 发货时间 in a title
    ("退h", "return-received", 3),  # mixed: character then initial
    ("退huo", "return-received", 3),  # mixed: character then pinyin
    ("發票", "invoice-yes", 3),  # traditional finds simplified
    ("運費險", "return-insurance", 1),
    ("发漂", "invoice-yes", 3),  # homophone typo
    ("运废险", "return-insurance", 1),
    ("fapaio", "invoice-yes", 5),  # pinyin typo
    ("zhengpin", "genuine", 1),
    ("tuikuan", "refund-when", 3),
    ("退款多久", "refund-when", 1),
    ("差评", "bad-review-contact", 3),
    ("色差", "color-difference", 1),
    ("运费险", "return-insurance", 1),
    # A buyer's message pasted whole.
    ("我已经付款了,什么时候能到啊?", "arrival-days", 3),
    ("我已经付款了，什么时候能到啊？", "arrival-days", 3),  # full-width punctuation
    ("东西坏了怎么办", "damaged-parcel", 3),  # 坏了 / 破损 synonyms
    ("钱什么时候退给我", "refund-when", 3),  # 钱 / 退款
    ("寄出要多久", "ship-when", 3),  # 寄出 / 发货
    ("你们是正品吗", "genuine", 1),
    ("快递一直不更新", "logistics-no-update", 1),
    ("收到的颜色和图片不一样", "color-difference", 1),
    ("我想退掉这个东西", "return-7day", 3),
    ("能不能便宜一点", "price-no-discount", 1),
    ("包裹显示签收了但是我没收到", "signed-not-received", 1),
    ("亲在吗", "greet-welcome", 1),
    ("我要投诉你们", "complaint-calm", 1),
    ("可以开发漂吗", "invoice-yes", 1),
]


@pytest.mark.parametrize(("query", "expected", "top"), RELEVANCE)
def test_relevance(bundled: quickreply.Library, query: str, expected: str, top: int) -> None:
    ranked = [hit.phrase.id for hit in bundled.search(query, limit=10)]
    assert expected in ranked[:top], f"{query!r}: {ranked[:top]}"


def test_title_matches_rank_above_body_matches(bundled: quickreply.Library) -> None:
    hits = bundled.search("退款")
    reasons = [hit.reason for hit in hits]
    assert reasons[0] == "title"
    assert "text" in reasons and reasons.index("text") > reasons.index("title")
    assert hits == sorted(hits, key=lambda hit: -hit.score)


def test_matched_characters_are_reported(bundled: quickreply.Library) -> None:
    hit = bundled.search("发票")[0]
    (start, end), *_ = hit.title_spans
    assert hit.phrase.title[start:end] == "发票"
    pinyin = next(h for h in bundled.search("kaifapiao") if h.phrase.id == "invoice-yes")
    assert [pinyin.phrase.title[a:b] for a, b in pinyin.title_spans] == ["开发票"]
    traditional = next(h for h in bundled.search("發票") if h.phrase.id == "invoice-yes")
    assert [traditional.phrase.title[a:b] for a, b in traditional.title_spans] == ["发票"]
    body = next(h for h in bundled.search("防伪标签") if h.phrase.id == "genuine")
    assert [body.phrase.text[a:b] for a, b in body.text_spans] == ["防伪标签"]


def test_stage_filter(bundled: quickreply.Library) -> None:
    hits = bundled.search("发货", stage="售后", limit=50)
    assert hits and all(hit.phrase.stage is Stage.AFTER_SALE for hit in hits)
    assert all(hit.phrase.stage is Stage.IN_SALE for hit in bundled.search("fp", stage=Stage.IN_SALE))


def test_expired_event_replies_stop_showing(bundled: quickreply.Library) -> None:
    later = quickreply.load(bundled.directories[0], clock=lambda: dt.datetime(2026, 12, 13, 9, 0))
    assert [h.phrase.id for h in bundled.search("s12")] == ["double-twelve"]
    assert "double-twelve" not in [h.phrase.id for h in later.search("双十二")]
    assert later.search("双十二", include_expired=True)[0].phrase.id == "double-twelve"


def test_empty_query_lists_everything_most_used_first(bundled: quickreply.Library) -> None:
    assert len(bundled.search("", limit=1000)) == len(bundled.phrases)  # none expired on 11-23
    hits = bundled.search("", usage={"refund-when": 1.0, "fp": 1.0}, limit=3)
    assert hits[0].phrase.id == "refund-when"


def test_usage_breaks_ties_only(bundled: quickreply.Library) -> None:
    plain = [h.phrase.id for h in bundled.search("发票")]
    boosted = [h.phrase.id for h in bundled.search("发票", usage={"invoice-yes": 1.0})]
    assert plain.index("invoice-yes") > 0
    assert boosted.index("invoice-yes") == 0
    # ...but never lifts a weak match over an exact shortcut code.
    assert bundled.search("fp", usage={"invoice-when": 1.0})[0].phrase.id == "invoice-yes"


def test_control_characters_never_reach_the_index(write_book) -> None:
    path = write_book(
        "a.toml",
        '[book]\nname = "书"\nstage = "pre-sale"\n[[phrase]]\nid = "z"\ntitle = "发\\u200b货"\ntext = "x"\n',
    )
    assert quickreply.load(path.parent).search("发货")[0].phrase.id == "z"


def test_nothing_found_is_an_empty_list(bundled: quickreply.Library) -> None:
    assert bundled.search("qqqqqqqqzzzz") == []
    assert [h.phrase.id for h in bundled.search("   ，。")] == [h.phrase.id for h in bundled.search("")]
