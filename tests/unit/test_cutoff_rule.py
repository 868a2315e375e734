"""``cutoff-mismatch``: a reply that writes its shipping cutoff out (16点前付款当天发) where a
shop ships by another time. Which times are recognised, which near misses are not, and the
comparison with each shop's set of cutoffs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from quickreply.model import Phrase, Severity, Shop, Stage
from quickreply.rules import CUTOFF_MISMATCH, check_all, check_cutoffs, promised_cutoffs, shop_cutoffs


def t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


@pytest.mark.parametrize(
    ("text", "written", "times"),
    [
        ("16点前付款当天发", "16点", {"16:00"}),
        ("亲，16:00前付款的订单当天发出哦", "16:00", {"16:00"}),
        ("16：30前付款今天发走", "16：30", {"16:30"}),  # full-width colon from a Chinese IME
        ("16点之前付款，当天就给您发货", "16点", {"16:00"}),
        ("16点以前拍下的当日发出", "16点", {"16:00"}),
        ("下午4点之前拍下的订单，今天就能给您发出", "下午4点", {"16:00"}),
        ("下午四点半前付款当天发货", "下午四点半", {"16:30"}),
        ("十六点前付款当日发货", "十六点", {"16:00"}),
        ("晚上8点前下单今天发", "晚上8点", {"20:00"}),
        ("中午12点前付款当天发", "中午12点", {"12:00"}),
        ("中午1点前付款当天发", "中午1点", {"13:00"}),
        ("4点前付款当天发", "4点", {"04:00", "16:00"}),  # bare 4点: either, never a false alarm
        ("4点30分前下单今天发", "4点30分", {"04:30", "16:30"}),
        ("工作日9:00-16:00前付款当天发", "16:00", {"16:00"}),  # not 00-16
        ("16点以后付款的次日发出", "16点", {"16:00"}),  # the same cutoff, from the other side
        ("16点后下单第二天发货", "16点", {"16:00"}),
        ("每天发货截止时间是下午4点", "下午4点", {"16:00"}),
        ("发货截止16:30", "16:30", {"16:30"}),
    ],
)
def test_written_cutoffs_are_recognised(text: str, written: str, times: set[str]) -> None:
    (found,) = promised_cutoffs(text)
    assert found.written == written
    assert found.times == {t(time) for time in times}
    assert text[found.offset :].startswith(written)


@pytest.mark.parametrize(
    "text",
    [
        "客服在线到22点",
        "客服在线时间9:00-23:00，有问题随时找我",
        "22点前都有客服在线，今天发的快递明天到",  # a time, a 今天发, but no order between them
        "48小时内发货",
        "付款后24小时内发出",
        "您的订单今天16点前发出",  # when this parcel leaves, not a cutoff
        "16点前回复您",
        "亲，{cutoff}前付款当天发",
        "预售商品12月12日付尾款，15天内发货",
        "16点前付款，明天就能到",  # an arrival promise: not this check's business
        "",
    ],
)
def test_near_misses_are_not_promises(text: str) -> None:
    assert promised_cutoffs(text) == []


def phrase(text: str, *, variants: tuple[str, ...] = (), parts: tuple[str, ...] = ()) -> Phrase:
    return Phrase(
        "ship",
        "发货时间",
        text,
        Stage.IN_SALE,
        "书",
        variants=variants,
        parts=parts,
        source=Path("a.toml"),
        line=5,
        field_lines=(("text", 8), ("variants", 11), ("parts", 8)),
    )


SHOPS = [
    Shop("海鲜旗舰店", {"shop_name": "海鲜旗舰店", "cutoff": "14:00"}),
    Shop("家居店", {"shop_name": "家居店", "cutoff": "16:00"}),
    Shop("没有截止时间的店", {"shop_name": "没有截止时间的店"}),
]


def test_each_shop_whose_cutoff_differs_is_named() -> None:
    (finding,) = check_cutoffs([phrase("亲，\n16点前付款当天发")], shop_cutoffs(SHOPS))
    assert (finding.file, finding.line, finding.code, finding.severity) == (
        Path("a.toml"),
        9,  # the second line of the text
        CUTOFF_MISMATCH,
        Severity.WARNING,
    )
    assert finding.phrase == "ship"
    assert "「16点」" in finding.message and "「海鲜旗舰店」的截止时间是 14:00" in finding.message
    assert "家居店" not in finding.message and "{cutoff}" in finding.message


def test_a_time_every_shop_has_is_fine() -> None:
    assert check_cutoffs([phrase("16点前付款当天发")], {"家居店": {t("16:00")}}) == []
    assert check_cutoffs([phrase("下午4点前付款当天发")], shop_cutoffs(SHOPS[1:])) == []


def test_without_any_shop_cutoff_there_is_nothing_to_compare() -> None:
    assert check_cutoffs([phrase("16点前付款当天发")], shop_cutoffs(SHOPS[2:])) == []
    assert check_cutoffs([phrase("16点前付款当天发")], {}) == []


def test_a_set_of_cutoffs_per_shop_is_compared() -> None:
    """Per-weekday cutoffs give a shop several times: one written time is false on the days
    of the others (only {cutoff}, today's, is always right); one time for every day is fine."""
    cutoffs = {"海鲜旗舰店": frozenset({t("14:00"), t("12:00")})}
    (finding,) = check_cutoffs([phrase("12点前付款当天发")], cutoffs)
    assert "12:00/14:00" in finding.message
    (finding,) = check_cutoffs([phrase("16点前付款当天发")], cutoffs)
    assert "12:00/14:00" in finding.message
    assert check_cutoffs([phrase("12点前付款当天发")], {"店": frozenset({t("12:00")})}) == []


def test_variants_and_parts_are_checked_at_their_own_line() -> None:
    reply = phrase("亲，{cutoff}前付款当天发", variants=("16点前付款当天发",))
    found = check_cutoffs([reply], shop_cutoffs(SHOPS))
    assert [finding.line for finding in found] == [11]
    parts = ("亲，您好", "16点前付款当天发")
    found = check_cutoffs([phrase("\n".join(parts), parts=parts)], shop_cutoffs(SHOPS))
    assert [finding.line for finding in found] == [9]


def test_check_all_runs_it_and_the_bundled_books_pass(bundled) -> None:
    findings = check_all([phrase("16点前付款当天发")], SHOPS, [])
    assert [f.code for f in findings if f.code == CUTOFF_MISMATCH] == [CUTOFF_MISMATCH]
    # The bundled replies say {cutoff}: whatever a shop's cutoff, nothing to warn about.
    shops = [Shop("早店", {"shop_name": "早店", "cutoff": "09:00"})]
    assert check_cutoffs(bundled.phrases, shop_cutoffs(shops)) == []


def test_per_weekday_cutoffs_make_any_written_time_wrong_on_some_day() -> None:
    """A shop shipping by 14:00 on weekdays and 12:00 on Saturday: 14点前付款当天发 is false on
    Saturdays, 12点前… on weekdays; only {cutoff} (today's cutoff) is right every day."""
    from quickreply.calendar import ShipCalendar

    calendar = ShipCalendar(cutoff=dt.time(14, 0), cutoffs={5: dt.time(12, 0)})
    shop = Shop("海鲜店", {"shop_name": "海鲜店", "cutoff": "14:00"}, calendar=calendar)
    assert shop_cutoffs([shop]) == {"海鲜店": frozenset({dt.time(14, 0), dt.time(12, 0)})}
    phrases = [
        Phrase("weekday", "截单", "14点前付款当天发", Stage.PRE_SALE, "书", source=Path("a.toml")),
        Phrase("saturday", "周六截单", "12点前付款当天发", Stage.PRE_SALE, "书", source=Path("a.toml")),
        Phrase("placeholder", "截单", "{cutoff}前付款当天发", Stage.PRE_SALE, "书", source=Path("a.toml")),
    ]
    found = check_cutoffs(phrases, shop_cutoffs([shop]))
    assert [finding.phrase for finding in found] == ["weekday", "saturday"]
    assert "12:00/14:00" in found[0].message
