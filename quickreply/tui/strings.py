"""Every string the UI shows, in one place: Chinese first, an English set beside it.

Use ``T.name`` in UI code. ``QUICKREPLY_LANG=en`` switches to English.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Strings:
    app_title: str = "快捷回复"
    search_placeholder: str = "输入关键词、拼音、首字母或快捷编码…（粘贴买家原话也行）"
    all_stages: str = "全部"
    no_results: str = "没有找到匹配的回复。换个说法试试，或按 Esc 清空。"
    no_shop: str = "未设置店铺"
    ship_today: str = "{cutoff} 前付款今天发"
    ship_tomorrow: str = "已过 {cutoff}，明天发"
    no_cutoff: str = "未设截单时间"
    copied: str = "已复制"
    copied_terminal: str = "已通过终端复制（OSC 52）：系统剪贴板不可用"
    copy_failed_title: str = "无法复制：请手动复制"
    copy_failed_hint: str = "剪贴板不可用（{reason}）。下面的文字已全选，可用终端的复制功能复制。Esc 关闭。"
    cannot_render: str = "这条回复的占位符格式有误，不能使用，请联系主管修改：{error}"
    fill_title: str = "补充本次会话的信息"
    fill_hint: str = "Enter 下一项 / 最后一项按 Enter 复制 · Esc 取消"
    fill_empty: str = "请填写 {name}"
    variant: str = "说法 {current}/{total}（Ctrl+N 换一个）"
    problems_title: str = "短语书问题"
    problems_none: str = "没有问题。"
    problems_hint: str = "Esc 关闭"
    load_failed: str = "{count} 个短语书错误，相关回复未载入（F2 查看）"
    reloaded: str = "短语书已更新"
    shop_switched: str = "当前店铺：{name}"
    help_title: str = "快捷键"
    help_hint: str = "Esc 关闭 · 搜索：汉字、拼音（fapiao）、首字母（fhsj）、快捷编码、繁体都可以"
    preview_empty: str = "（选中一条回复后在这里预览）"
    legend: str = "店铺取值  会话取值  缺少的信息"
    source_shop: str = "店铺"
    # Bindings (descriptions shown in the footer and the help screen)
    key_copy: str = "复制"
    key_clear: str = "清空"
    key_stage: str = "切换阶段"
    key_stage_back: str = "上一阶段"
    key_variant: str = "换个说法"
    key_shop: str = "切换店铺"
    key_edit: str = "编辑"
    key_stats: str = "统计"
    key_help: str = "帮助"
    key_problems: str = "问题"
    key_quit: str = "退出"
    key_up: str = "上一条"
    key_down: str = "下一条"
    key_page_up: str = "上一页"
    key_page_down: str = "下一页"
    command_shop: str = "切换店铺：{name}"
    command_shop_help: str = "用这个店铺的信息填充回复"


# How the fill form names the values agents are asked for; unknown names are shown as written.
PLACEHOLDER_LABELS: dict[str, str] = {
    "order_no": "订单号",
    "tracking_no": "快递单号",
    "buyer": "买家昵称",
    "product": "商品名称",
    "size": "尺码",
    "height": "身高",
    "weight": "体重",
    "compensation": "补偿内容",
    "coupon": "优惠券",
    "restock_days": "补货天数",
    "promise_time": "承诺处理时间",
    "event_name": "活动名称",
    "event_end": "活动结束时间",
    "presale_ship": "预售发货时间",
    "courier": "快递公司",
    "cutoff": "截单时间",
    "ship_day": "发货日（今天/明天）",
}


def placeholder_label(name: str) -> str:
    label = PLACEHOLDER_LABELS.get(name)
    return f"{label}（{name}）" if label else name


ENGLISH = Strings(
    app_title="Quick replies",
    search_placeholder="Type words, pinyin, initials or a shortcut code… (or paste the buyer's message)",
    all_stages="All",
    no_results="No reply matches. Try other words, or press Esc to clear.",
    no_shop="no shop",
    ship_today="paid before {cutoff} ships today",
    ship_tomorrow="past {cutoff}, ships tomorrow",
    no_cutoff="no cutoff set",
    copied="Copied",
    copied_terminal="Copied through the terminal (OSC 52): no system clipboard",
    copy_failed_title="Could not copy: copy by hand",
    copy_failed_hint=(
        "No clipboard ({reason}). The text below is selected; copy it with your terminal. Esc closes."
    ),
    cannot_render="This reply has malformed placeholders and cannot be used: {error}",
    fill_title="Fill in this chat's details",
    fill_hint="Enter: next field / copy on the last · Esc: cancel",
    fill_empty="Please fill in {name}",
    variant="Wording {current}/{total} (Ctrl+N for another)",
    problems_title="Phrasebook problems",
    problems_none="No problems.",
    problems_hint="Esc closes",
    load_failed="{count} phrasebook errors; affected replies not loaded (F2)",
    reloaded="Phrasebooks updated",
    shop_switched="Shop: {name}",
    help_title="Keys",
    help_hint="Esc closes · search by characters, pinyin, initials, codes, traditional",
    preview_empty="(select a reply to preview it here)",
    legend="shop value  chat value  missing",
    source_shop="shop",
    key_copy="Copy",
    key_clear="Clear",
    key_stage="Stage",
    key_stage_back="Prev stage",
    key_variant="Other wording",
    key_shop="Shop",
    key_edit="Edit",
    key_stats="Stats",
    key_help="Help",
    key_problems="Problems",
    key_quit="Quit",
    key_up="Up",
    key_down="Down",
    key_page_up="Page up",
    key_page_down="Page down",
    command_shop="Switch shop: {name}",
    command_shop_help="Fill replies with this shop's values",
)

T: Strings = ENGLISH if os.environ.get("QUICKREPLY_LANG", "").lower().startswith("en") else Strings()
