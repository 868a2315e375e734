"""What placeholders are called in Chinese, for the fill form and for handbooks (no UI here)."""

from __future__ import annotations

# How the fill form and the handbooks name the values a reply needs. Every placeholder the bundled books
# use has one (tests/unit/test_labels.py walks them); a team's own names are guessed from their
# English words (invoice_days → 发票天数), else shown as written — Chinese names read as they are.
PLACEHOLDER_LABELS: dict[str, str] = {
    # per chat
    "order_no": "订单号",
    "tracking_no": "快递单号",
    "buyer": "买家昵称",
    "product": "商品名称",
    "size": "尺码",
    "height": "身高",
    "weight": "体重",
    "compensation": "补偿内容",
    "restock_days": "补货天数",
    "promise_time": "承诺处理时间",
    "event_name": "活动名称",
    "event_end": "活动结束时间",
    "presale_ship": "预售发货时间",
    # per shop (shops.toml)
    "shop_name": "店铺名称",
    "courier": "快递公司",
    "remote_courier": "偏远地区快递",
    "cutoff": "截单时间",
    "delivery_days": "到货天数",
    "first_kg_fee": "首重运费",
    "extra_kg_fee": "续重每公斤运费",
    "invoice_days": "发票寄出工作日数",
    "return_days": "无理由退货天数",
    "exchange_days": "换货天数",
    "refund_hours": "运费险赔付小时数",
    "coupon": "优惠券",
    "service_hours": "客服在线时间",
    # built in (filled by quickreply itself)
    "ship_day": "发货日（今天、明天或具体日期）",
    "ship_date": "发货日期",
    "today": "今天日期",
    "now": "现在时间",
}

_WORDS: dict[str, str] = {
    "order": "订单",
    "no": "号",
    "number": "号",
    "tracking": "快递",
    "invoice": "发票",
    "return": "退货",
    "exchange": "换货",
    "refund": "退款",
    "shop": "店铺",
    "store": "店铺",
    "buyer": "买家",
    "customer": "买家",
    "product": "商品",
    "item": "商品",
    "gift": "赠品",
    "event": "活动",
    "coupon": "优惠券",
    "price": "价格",
    "amount": "金额",
    "fee": "费用",
    "postage": "运费",
    "discount": "优惠",
    "size": "尺码",
    "color": "颜色",
    "count": "数量",
    "address": "地址",
    "name": "名称",
    "phone": "电话",
    "start": "开始",
    "end": "结束",
    "date": "日期",
    "day": "日",
    "days": "天数",
    "hours": "小时数",
    "time": "时间",
    "deadline": "截止时间",
    "link": "链接",
    "code": "码",
    "reason": "原因",
    "courier": "快递",
    "ship": "发货",
    "delivery": "到货",
    "warranty": "保修",
    "compensation": "补偿",
}


def chinese_name(name: str) -> str | None:
    """订单号 for order_no; a name without a label is guessed from its English words
    (invoice_days → 发票天数); None when there is no Chinese for it."""
    label = PLACEHOLDER_LABELS.get(name)
    base, plus, days = name.partition("+")
    if label is None and plus and days.isdigit() and base in ("today", "ship_date"):
        return f"{PLACEHOLDER_LABELS[base]}后{int(days)}天"  # ship_date+3: 发货日期后3天
    if label is None and name.isascii():
        words = [_WORDS.get(word) for word in name.lower().split("_") if word]
        if words and all(words):
            label = "".join(word for word in words if word)
    return label


def placeholder_label(name: str) -> str:
    """``订单号（order_no）`` for the fill form; a name with no Chinese is shown as is."""
    label = chinese_name(name)
    return f"{label}（{name}）" if label else name
