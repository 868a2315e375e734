"""Content rules: each catches what it must, and leaves the near miss alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from quickreply.model import Phrase, Severity, Shop, Stage
from quickreply.rules import check_all, check_phrase, load_rules

RULES, RULE_PROBLEMS = load_rules([])


def fired(text: str, title: str = "标题") -> set[str]:
    phrase = Phrase("p", title, text, Stage.PRE_SALE, "书", source=Path("a.toml"), line=3)
    return {finding.code for finding in check_phrase(phrase, RULES)}


# (rule, a reply it must catch, a near miss it must leave alone)
CASES = [
    ("phone-number", "有问题打我电话 13812345678", "您的订单号是 202611231381234567800 请核对"),
    ("phone-number", "座机 021-62345678 找我", "价格是 1380 元，数量 12345 件"),
    ("qq-wechat", "加我 QQ：123456789 详聊", "QQ 音乐的会员也送"),
    ("qq-wechat", "微信号 shop_service01", "微信支付也可以在平台里用"),
    ("off-platform-contact", "有事加我微信吧", "请在平台聊天里联系我们"),
    ("url", "优惠详情见 https://example.com/sale", "满 100 减 20，活动页面里能看到"),
    ("url", "上 www.shop-outlet.cn 看看", "规格：1.5 米 x 2.0 米"),
    ("off-platform-payment", "直接转账给我，便宜 10 块", "为了资金安全，我们不支持转账，请在平台付款"),
    ("absolute-claim", "这是全网最低价，质量绝对没问题", "您最好先拍张照片发给我"),
    ("absolute-claim", "销量第一的爆款", "第一次购买的亲可以领券"),
    ("absolute-claim", "国家级品质，100%纯棉", "纯棉含量见吊牌"),
    ("exact-arrival", "放心，明天一定到", "一般 2-3 天能到，具体以物流为准"),
    ("exact-arrival", "保证 25 号送到", "预计 25 号左右发出"),
    ("rude", "我说过了，自己看详情页", "我再跟您说一下，详情页里也有写"),
    ("rude", "爱买不买", "买不买都没关系，有问题随时问"),
    ("blame-product", "一分钱一分货嘛", "给您补发一件新的"),
    ("markup-text", "满100减20[/活动]", "满100减20（活动价）"),
    ("markup-text", "[@click=app.quit]点我[/]", "点击页面上的领券按钮"),
]


@pytest.mark.parametrize(("rule", "caught", "near_miss"), CASES)
def test_rule_catches_and_spares(rule: str, caught: str, near_miss: str) -> None:
    assert rule in fired(caught)
    assert rule not in fired(near_miss)


def test_bank_card_needs_luhn_and_context() -> None:
    assert "bank-card" in fired("银行卡号 6222 0212 3456 7890 128")  # passes Luhn
    assert "bank-card" not in fired("订单号 622202123456789012")  # no card context
    assert "bank-card" not in fired("银行卡号 6222021234567890129")  # fails Luhn


def test_placeholders_are_not_words() -> None:
    assert fired("您的单号是{tracking_no}，{ship_day}发出") == set()


def test_too_long() -> None:
    assert "too-long" in fired("亲" * 301)
    assert "too-long" not in fired("亲" * 300)


def test_finding_points_at_the_line_inside_multiline_text() -> None:
    phrase = Phrase(
        "p",
        "标题",
        "第一行\n第二行\n加我微信吧",
        Stage.PRE_SALE,
        "书",
        source=Path("a.toml"),
        line=3,
        field_lines=(("text", 6),),
    )
    (finding,) = check_phrase(phrase, RULES)
    assert (finding.line, finding.code, finding.phrase) == (8, "off-platform-contact", "p")
    assert finding.format() == "a.toml:8: [off-platform-contact] p: 错误：引导买家到平台外联系或交易"


def test_per_chat_values_and_near_duplicates() -> None:
    phrases = [
        Phrase("a", "一", "亲，订单{order_no}已经发出，请注意查收哦", Stage.IN_SALE, "书"),
        Phrase("b", "二", "亲，订单{order_no}已经发出，请注意查收哦~", Stage.IN_SALE, "书"),
        Phrase("c", "三", "{shop_name}欢迎您，{today}有活动 {coupon|10元}", Stage.IN_SALE, "书"),
    ]
    findings = {
        (f.phrase, f.code, f.severity) for f in check_all(phrases, [Shop("店", {"shop_name": "店"})], RULES)
    }
    assert ("a", "per-chat-value", Severity.INFO) in findings
    assert ("b", "near-duplicate", Severity.WARNING) in findings
    assert not any(phrase == "c" for phrase, _, _ in findings)


def test_team_rules_add_and_override(tmp_path: Path) -> None:
    (tmp_path / "rules.toml").write_text(
        '[[rule]]\nid = "no-flash-sale"\nwords = ["秒杀"]\nseverity = "error"\n'
        'message = "本店不做秒杀活动"\n\n'
        '[[rule]]\nid = "markup-text"\npattern = "\\\\[/"\nseverity = "info"\nmessage = "提示一下"\n\n'
        '[[rule]]\nid = "Bad Id"\nwords = ["x"]\nmessage = "m"\n',
        encoding="utf-8",
    )
    rules, problems = load_rules([tmp_path])
    by_id = {rule.id: rule for rule in rules}
    assert by_id["no-flash-sale"].words == ("秒杀",)
    assert by_id["markup-text"].severity is Severity.INFO
    assert [p.code for p in problems] == ["schema"]


def test_bundled_rules_load_cleanly_and_bundled_books_pass(bundled) -> None:
    assert RULE_PROBLEMS == []
    findings = check_all(bundled.phrases, bundled.shops, RULES)
    assert [f.format() for f in findings if f.severity is not Severity.INFO] == []
