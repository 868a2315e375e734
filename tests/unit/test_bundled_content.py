"""The bundled books read well with the default shop, and every value they ask for has a name
an agent understands."""

from __future__ import annotations

import pytest

from quickreply.template import parse
from quickreply.tui.strings import PLACEHOLDER_LABELS, placeholder_label


def test_regression_size_advice_reads_naturally_without_height_and_weight(bundled) -> None:
    """Empty height/weight rendered "根据您的身高和的体重"."""
    bare = bundled.render("size-advice", values={"size": "M"}).text
    assert bare.startswith("亲，根据您的身高、体重，这款建议您选M码")
    given = bundled.render("size-advice", values={"size": "L", "height": "175cm", "weight": "70kg"}).text
    assert given.startswith("亲，根据您的身高175cm、体重70kg，这款建议您选L码")


def test_regression_invoice_yes_breaks_lines_between_sentences(bundled) -> None:
    """The line break fell after "税号，", in the middle of a sentence."""
    lines = bundled.render("invoice-yes").text.split("\n")
    assert len(lines) == 2
    assert all(line.endswith("。") for line in lines)


def test_multiline_replies_break_only_after_a_sentence(bundled) -> None:
    for phrase in bundled.phrases:
        for wording in phrase.wordings:
            for line in wording.split("\n")[:-1]:
                assert line.rstrip()[-1:] in "。！？~", (phrase.id, line)


def test_regression_every_bundled_placeholder_has_a_label(bundled) -> None:
    """The fill form asked for a raw "invoice_days"."""
    names = {
        slot.name
        for phrase in bundled.phrases
        for wording in phrase.wordings
        for slot in parse(wording).slots
    }
    names |= {name for shop in bundled.shops for name in shop.values}
    assert sorted(names - PLACEHOLDER_LABELS.keys()) == []


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("invoice_days", "发票寄出工作日数（invoice_days）"),
        ("gift_name", "赠品名称（gift_name）"),  # a team's own name, guessed from its words
        ("event_start_date", "活动开始日期（event_start_date）"),
        ("zzz_days", "zzz_days"),  # a word we do not know: shown as written, never half-guessed
        ("发票天数", "发票天数"),  # Chinese names read as they are
    ],
)
def test_placeholder_labels(name: str, label: str) -> None:
    assert placeholder_label(name) == label
