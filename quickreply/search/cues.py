"""Words in a buyer's message that say how to read it rather than what it is about.

Question words (多久, 几天, 什么时候…) say which kind of answer is wanted: a reply about the
same subject that also answers "when" fits better, but they must never outweigh the subject
itself. Stage cues (我的订单, 已经付款…) say where in the sale the buyer is: "我的订单什么时候
发货" has already ordered, so the in-sale reply fits better than the pre-sale one with the
same words.
"""

from __future__ import annotations

from ..model import Stage

QUESTION_WORDS = frozenset(
    {
        "多久", "几天", "什么时候", "多长时间", "啥时候", "何时", "多少天", "几号", "哪天",
        "几点", "哪里", "在哪", "到哪", "哪儿", "在哪儿", "哪家", "哪个", "怎么", "如何", "怎样",
    }
)
"""A synonym group holding one of these is a question: it refines, it is not a subject."""

QUESTION_BONUS = 0.25
"""A reply holding the question word in its title weighs this much more (less in its text)."""

STAGE_CUES: dict[Stage, tuple[str, ...]] = {
    Stage.PRE_SALE: (
        "现在拍", "现在下单", "现在买", "今天拍", "今天下单", "今天买", "如果拍", "如果买",
        "要是拍", "要是买", "想买", "打算买", "准备买",
    ),
    Stage.IN_SALE: (
        "我的订单", "我拍的", "我买的", "我下的单", "已经拍了", "已经拍", "拍了", "已拍", "已经付款",
        "已付款", "付过款", "付了款", "已经下单", "下单了", "订单号", "我的快递", "我的包裹", "这单",
    ),
    Stage.AFTER_SALE: (
        "收到了", "到货了", "签收了", "寄回", "退回去", "用了", "穿了", "洗了",
    ),
}
"""Phrases that place the buyer in a stage; replies of that stage weigh a little more."""

STAGE_FACTOR = 1.12
"""Enough to settle two replies that match equally, not to lift a poorer match over a good one."""
