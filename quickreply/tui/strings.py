"""Every string the UI shows, in one place: Chinese first, an English set beside it.

Use ``T.name`` in UI code. ``QUICKREPLY_LANG=en`` switches to English.
"""

from __future__ import annotations

import os
import re

# Placeholder names in Chinese live in the core (handbook exports use them too); re-exported.
from ..labels import PLACEHOLDER_LABELS as PLACEHOLDER_LABELS
from ..labels import placeholder_label as placeholder_label
from ..model import Stage
from ..sanitize import visible
from ..stats import ReportText


class _Texts:
    """A set of UI strings: the class attributes are the defaults (Chinese), keyword arguments
    replace them (English); read-only. Not a frozen dataclass: dataclass() compiles an __init__
    of some 300 parameters at every start, about 20 ms before the first frame."""

    def __init__(self, **texts: object) -> None:
        cls = type(self)
        fields = {name for base in cls.__mro__ for name in vars(base).get("__annotations__", {})}
        for name, text in texts.items():
            if name not in fields:  # a misspelt English field: an error at import, not Chinese text
                raise TypeError(f"{cls.__name__} has no string {name!r}")
            object.__setattr__(self, name, text)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")


class Strings(_Texts):
    app_title: str = "快捷回复"
    search_placeholder: str = "输入关键词、拼音、首字母或快捷编码…（粘贴买家原话也行）"
    all_stages: str = "全部"
    no_results: str = "没有找到匹配的回复。换个说法试试，或按 Esc 清空。"
    no_shop: str = "未设置店铺"
    ship_today: str = "{cutoff} 前付款今天发"
    ship_tomorrow: str = "已过 {cutoff}，明天发"
    no_cutoff: str = "未设截单时间"
    ship_past: str = "已过 {cutoff}，{ship}发"
    ship_not_today: str = "今天不发货，{ship}发"
    ship_calendar_broken: str = "发货日历有误，发货日需手填（F2 查看）"
    ship_closed: str = "{reason}至 {until}，{ship}起发货"
    ship_closed_open: str = "{reason}至 {until}"
    ship_upcoming: str = "；{upcoming}"
    copied: str = "已复制"
    history_off: str = "使用记录已关闭：{reason}。复制不受影响，只是本次不再记录常用回复。"
    copied_terminal: str = "系统剪贴板不可用，已请终端复制（OSC 52），未能确认：粘贴不出时请重新复制"
    copy_failed_title: str = "无法复制：请手动复制"
    copy_failed_hint: str = "剪贴板不可用（{reason}）。下面的文字已全选，可用终端的复制功能复制。Esc 关闭。"
    cannot_render: str = "这条回复的占位符格式有误，不能使用，请联系主管修改：{error}"
    fill_title: str = "补充本次会话的信息"
    fill_hint: str = "Enter 下一项 / 最后一项按 Enter 复制 · Esc 取消"
    fill_empty: str = "请填写 {name}"
    fill_hint_choices: str = (
        "↓↑ 选择 · 字母筛选（拼音）· 输入的汉字或数字按原样使用 · Enter 确定（最后一项即复制）· Esc 取消"
    )
    variant: str = "说法 {current}/{total}（Ctrl+N 换一个）"
    sequence_ready: str = "分 {total} 段发送：Enter 复制第 1 段"
    sequence_next: str = "{done}/{total} 已复制，Enter 复制下一段"
    sequence_done: str = "{total}/{total} 已复制，全部发完"
    problems_title: str = "短语书问题"
    problems_none: str = "没有问题。"
    problems_hint: str = "Esc 关闭"
    load_failed: str = "{count} 个载入错误，出错的部分没有载入（F2 查看）"
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
    key_stage: str = "阶段"
    key_stage_back: str = "上一阶段"
    key_variant: str = "换个说法"
    key_shop: str = "店铺"
    key_edit: str = "编辑"
    key_stats: str = "统计"
    key_help: str = "帮助"
    key_problems: str = "问题"
    key_quit: str = "退出"
    key_up: str = "上一条"
    key_down: str = "下一条"
    key_page_up: str = "上一页"
    key_page_down: str = "下一页"
    key_forget: str = "忘记学到的"
    learned_badge: str = "学"
    personal_badge: str = "个人"
    personal_note: str = "个人话术：只在本机，不会推送给团队"
    team_updated: str = "团队话术已更新 {count} 条"
    learned_forgotten: str = "已忘记「{title}」学到的 {count} 条买家说法"
    learned_nothing: str = "「{title}」没有学到的买家说法"
    learned_off: str = "使用记录已关闭（--no-history），没有学到的回答"
    command_shop: str = "切换店铺：{name}"
    command_shop_help: str = "用这个店铺的信息填充回复"
    # Copy guard: a reply the content rules flag as an error
    flagged_badge: str = "违规"
    flagged_heading: str = "此回复可能违规："
    # A reply whose text the team changed since this agent last used it
    updated_badge: str = "已更新"
    updated_heading: str = "已更新：划线为旧，高亮为新"
    guard_question: str = "此回复可能违规：{findings}，仍要复制？"
    guard_hint: str = "Enter / Y 仍要复制 · Esc / N 不复制"
    guard_yes: str = "仍要复制 (Y)"
    guard_no: str = "不复制 (N)"
    key_guard_yes: str = "仍要复制"
    key_guard_no: str = "不复制"
    # Clipboard watch (--watch, F7): a buyer's message copied in the chat becomes the query
    key_clipboard_watch: str = "监听剪贴板"
    clipboard_watching: str = "监听剪贴板"
    from_clipboard: str = "来自剪贴板"
    clipboard_watch_on: str = "已开始监听剪贴板：在聊天窗口复制买家的消息，这里就会搜索，Enter 复制回复"
    clipboard_watch_off: str = "已停止监听剪贴板"
    clipboard_watch_failed: str = (
        "读不出剪贴板，已停止监听：{reason}（SSH 等没有图形界面时无法监听；F7 重试）"
    )
    clipboard_not_replaced: str = (
        "剪贴板有新的买家消息，但搜索框里是你输入的内容，没有替换（按 Esc 清空后显示）"
    )
    # --- keys ---
    # Tooltips of the keys (shown on hover and in F1 help)
    tip_help: str = "显示全部快捷键（搜索框为空时也可按 ?）"
    tip_edit: str = "编辑短语书（主管用）"
    tip_stats: str = "使用统计：常用、没用过、搜了没复制"
    tip_problems: str = "短语书的错误和警告"
    tip_shop: str = "切换店铺（也可在命令面板 Ctrl+P 中选）"
    tip_quit: str = "退出快捷回复（有未保存的修改时先询问）"
    tip_copy: str = "复制选中的回复（缺信息时先询问）"
    tip_clear: str = "清空搜索框"
    tip_stage: str = "全部 → 售前 → 售中 → 售后"
    tip_stage_back: str = "反向切换阶段"
    tip_variant: str = "同一回复的其他说法"
    tip_forget: str = "选中的回复不再因学到的买家说法排在前面（忘记这些说法）"
    tip_up: str = "上一条结果"
    tip_down: str = "下一条结果"
    tip_page_up: str = "上一页结果"
    tip_page_down: str = "下一页结果"
    tip_clipboard_watch: str = "开/关：在聊天窗口复制买家的消息，这里自动搜索并选中最合适的回复（同 --watch）"
    tip_close: str = "关闭"
    tip_close_help: str = "关闭帮助"
    tip_close_stats: str = "关闭统计"
    tip_fill_cancel: str = "取消，不复制"
    tip_fill_down: str = "下一个选项（或下一项）"
    tip_fill_up: str = "上一个选项（或上一项）"
    tip_guard_yes: str = "仍要复制这条回复"
    tip_guard_no: str = "不复制，回到搜索框"
    tip_palette: str = "命令面板：切换店铺、统计、主题、截图……"
    key_close: str = "关闭"
    key_cancel: str = "取消"
    key_palette: str = "命令"
    # Stage names (the core's labels are Chinese; these follow the language)
    stage_pre_sale: str = "售前"
    stage_in_sale: str = "售中"
    stage_after_sale: str = "售后"
    # Quitting with unsaved edits
    quit_unsaved: str = "有未保存的修改，退出就会丢失。"
    quit_stay: str = "留下继续编辑"
    quit_anyway: str = "不保存，退出"
    usage_unavailable: str = "无法打开使用记录：{error}"
    # Statistics screen (F6)
    stats_title: str = "使用统计（本机）"
    stats_off: str = "使用记录已关闭（--no-history），没有统计。"
    stats_unreadable: str = "无法读取使用记录：{error}"
    stats_hint: str = "Esc 关闭 · 合并多位客服的记录：quickreply stats --merge 文件…"
    # Help screen (F1)
    help_app_keys: str = "所有界面"
    help_screen_keys: str = "本界面"
    # Command palette (Ctrl+P) and its system commands
    palette_placeholder: str = "搜索命令…"
    themes_placeholder: str = "搜索主题…"
    command_theme: str = "主题"
    command_theme_help: str = "更换界面配色"
    command_quit: str = "退出"
    command_quit_help: str = "退出快捷回复（有未保存的修改时先询问）"
    command_keys: str = "显示快捷键"
    command_keys_help: str = "列出本界面的全部快捷键（F1）"
    command_minimize: str = "还原"
    command_minimize_help: str = "恢复正常大小"
    command_screenshot: str = "截图"
    command_screenshot_help: str = "把当前屏幕存成 SVG 图片（存在当前文件夹）"
    command_problems: str = "短语书问题"
    command_problems_help: str = "短语书的错误和警告（F2）"
    command_edit: str = "编辑短语书"
    command_edit_help: str = "新建、修改、删除回复（F3，主管用）"
    command_stats: str = "使用统计"
    command_stats_help: str = "常用、没用过、搜了没复制（F6）"
    command_clipboard_watch: str = "监听剪贴板（开/关）"
    command_clipboard_watch_help: str = "在聊天窗口复制买家的消息，这里自动搜索（F7）"
    screenshot_saved: str = "截图已保存：{path}"
    screenshot_failed: str = "截图保存失败：{reason}"
    quit_how: str = "按 {key} 退出快捷回复"
    quit_how_title: str = "要退出吗？"
    # --- state ---
    load_failed_in: str = "{files}：{count}个载入错误，出错的部分没有载入（F2 查看）"
    shop_loading: str = "载入中…"
    preview_loading: str = "正在载入短语书，载入后马上显示结果（已输入的不会丢）"
    loading: str = "正在载入短语书…（可以先输入，载入后就搜索）"
    load_crashed: str = "无法载入短语书：{reason}"
    shops_kept: str = "{where} 有错误，仍在用上次的店铺设置（{shop}）：{error}"
    shops_broken: str = "{where} 有错误：{error}"
    # --- editor ---
    # The editor's panes: side by side from 100 columns, one at a time (tabs) below.
    editor_tab_tree: str = "短语书"
    editor_tab_form: str = "回复"
    editor_tab_preview: str = "预览"
    editor_tree_root: str = "短语书"
    editor_book_node: str = "{name}（{stage}）"
    # Field labels stay short (whole in a 38-cell column); what to write goes in the hint below.
    editor_label_id: str = "id"
    editor_hint_id: str = "小写字母、数字、连字符（Ctrl+U 删除光标前的内容）"
    editor_label_title: str = "标题"
    editor_label_stage: str = "阶段"
    editor_label_keys: str = "快捷编码"
    editor_hint_keys: str = "空格分隔"
    editor_label_tags: str = "标签"
    editor_hint_tags: str = "空格分隔"
    editor_label_text: str = "回复内容"
    editor_hint_text: str = "分几段发送（千牛里一条一条发）：段与段之间单独写一行 ---"
    editor_label_variants: str = "其他说法"
    editor_hint_variants: str = "每种说法之间单独写一行 ---"
    editor_label_note: str = "备注"
    editor_hint_note: str = "只给主管看"
    editor_label_starts: str = "开始日期"
    editor_hint_starts: str = "预售话术从这天起显示；YYYY-MM-DD，可空"
    editor_label_expires: str = "过期日期"
    editor_hint_expires: str = "活动话术；YYYY-MM-DD，可空"
    editor_stage_book: str = "跟随书的阶段"
    editor_preview_title: str = "预览（当前店铺）"
    editor_bad_date: str = "日期格式应为 2026-12-12"
    editor_no_preview: str = "（无法预览：{error}）"
    editor_deleted: str = "已删除 {id}（F9 撤销）"
    editor_delete_question: str = "删除回复「{title}」（{id}）？"
    editor_answer_delete: str = "删除"
    editor_answer_keep: str = "保留"
    editor_undone: str = "已撤销：{what}"
    editor_move_question: str = "移到哪本书？"
    editor_new_book_name: str = "新短语书{number}"
    editor_new_book_made: str = "已新建《{name}》：{file}（Ctrl+S 保存）"
    editor_save_failed: str = "保存失败，原文件未改动：{error}"
    editor_saved: str = "已保存 {file}"
    editor_leave_question: str = "有未保存的修改，离开就会丢失。"
    editor_answer_stay: str = "留下继续编辑"
    editor_answer_discard: str = "不保存，离开"
    editor_key_save: str = "保存本书"
    editor_tip_save: str = "保存当前回复所在的书"
    editor_key_add: str = "新回复"
    editor_tip_add: str = "在当前回复后新建一条"
    editor_key_duplicate: str = "复制一条"
    editor_tip_duplicate: str = "复制当前回复（新 id，快捷编码不复制）"
    editor_key_delete: str = "删除"
    editor_tip_delete: str = "删除当前回复（会先确认，可撤销）"
    editor_key_undo: str = "撤销"
    editor_tip_undo: str = "撤销新建、复制、删除、移动、排序"
    editor_key_up: str = "上移"
    editor_tip_up: str = "在书中上移"
    editor_key_down: str = "下移"
    editor_tip_down: str = "在书中下移"
    editor_key_move: str = "移到…"
    editor_tip_move: str = "移到另一本书"
    editor_key_shops: str = "店铺资料"
    editor_key_next_field: str = "下一项"
    editor_key_previous_field: str = "上一项"
    editor_key_open_reply: str = "打开回复（在目录中）"
    editor_key_tree_up: str = "上一条回复（在目录中）"
    editor_key_tree_down: str = "下一条回复（在目录中）"
    editor_tip_shops: str = "编辑 shops.toml 里的店铺信息"
    editor_key_new_book: str = "新书"
    editor_tip_new_book: str = "新建一本短语书"
    editor_key_close: str = "返回"
    editor_tip_close: str = "回到搜索（有未保存修改时先询问）"
    editor_key_next_pane: str = "下一栏"
    editor_tip_next_pane: str = "切换 短语书 / 回复 / 预览（窄屏时一次显示一栏）"
    editor_key_previous_pane: str = "上一栏"
    editor_tip_previous_pane: str = "反向切换 短语书 / 回复 / 预览"
    confirm_key_cancel: str = "取消"
    shops_title: str = "店铺信息：{path}"
    shops_hint: str = "Ctrl+S 检查并保存 · Esc 取消"
    shops_none: str = "至少需要一家带 shop_name 的店铺"
    shops_not_utf8: str = "文件不是 UTF-8 编码，请先另存为 UTF-8"
    shops_key_save: str = "保存店铺"
    shops_tip_save: str = "检查并保存 shops.toml"
    shops_key_cancel: str = "取消"
    shops_tip_cancel: str = "不保存，关闭"

    shops_template: str = (
        "# 每个 [[shop]] 一家店；shop_name 必填，每个键都是回复里可用的占位符。\n"
        '[[shop]]\nshop_name = "我的店铺"\ncutoff = "16:00"\n'
    )

ENGLISH = Strings(
    app_title="Quick replies",
    search_placeholder="Type words, pinyin, initials or a shortcut code… (or paste the buyer's message)",
    all_stages="All",
    no_results="No reply matches. Try other words, or press Esc to clear.",
    no_shop="no shop",
    ship_today="paid before {cutoff} ships today",
    ship_tomorrow="past {cutoff}, ships tomorrow",
    no_cutoff="no cutoff set",
    ship_past="past {cutoff}, ships {ship}",
    ship_not_today="no shipping today, ships {ship}",
    ship_calendar_broken="shipping calendar has an error: ship day asked for (F2)",
    ship_closed="{reason} until {until}, ships from {ship}",
    ship_closed_open="{reason} until {until}",
    ship_upcoming="; {upcoming}",
    copied="Copied",
    history_off="Usage history off: {reason}. Copying still works; this session's use is not recorded.",
    copied_terminal="No system clipboard; asked the terminal to copy (OSC 52), unconfirmed",
    copy_failed_title="Could not copy: copy by hand",
    copy_failed_hint=(
        "No clipboard ({reason}). The text below is selected; copy it with your terminal. Esc closes."
    ),
    cannot_render="This reply has malformed placeholders and cannot be used: {error}",
    fill_title="Fill in this chat's details",
    fill_hint="Enter: next field / copy on the last · Esc: cancel",
    fill_empty="Please fill in {name}",
    fill_hint_choices="↓↑ choose · letters filter · typed text or digits are used as typed · Enter takes it "
    "(copies on the last) · Esc: cancel",
    variant="Wording {current}/{total} (Ctrl+N for another)",
    sequence_ready="Sent in {total} messages: Enter copies the 1st",
    sequence_next="{done}/{total} copied, Enter copies the next",
    sequence_done="{total}/{total} copied, all sent",
    problems_title="Phrasebook problems",
    problems_none="No problems.",
    problems_hint="Esc closes",
    load_failed="{count} loading errors; what they affect was not loaded (F2)",
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
    key_forget="Forget learned",
    learned_badge="LEARNED",
    personal_badge="MINE",
    personal_note="Personal reply: on this computer only, never pushed to the team",
    team_updated="Team replies updated: {count}",
    learned_forgotten="Forgot {count} learned buyer wordings for “{title}”",
    learned_nothing="Nothing learned for “{title}”",
    learned_off="Usage history is off (--no-history): nothing learned",
    command_shop="Switch shop: {name}",
    command_shop_help="Fill replies with this shop's values",
    flagged_badge="RULE",
    flagged_heading="This reply may break platform rules:",
    updated_badge="UPDATED",
    updated_heading="Updated since you last used it: old struck out, new highlighted",
    guard_question="This reply may break platform rules: {findings}. Copy anyway?",
    guard_hint="Enter / Y copy anyway · Esc / N don't copy",
    guard_yes="Copy anyway (Y)",
    guard_no="Don't copy (N)",
    key_guard_yes="Copy anyway",
    key_guard_no="Don't copy",
    key_clipboard_watch="Watch clipboard",
    clipboard_watching="watching clipboard",
    from_clipboard="from clipboard",
    clipboard_watch_on="Watching the clipboard: copy a buyer's message in the chat, Enter copies the reply",
    clipboard_watch_off="Stopped watching the clipboard",
    clipboard_watch_failed=(
        "Cannot read the clipboard; stopped watching: {reason} (no GUI over SSH; F7 retries)"
    ),
    clipboard_not_replaced="A new buyer message is on the clipboard, but you are typing; not replaced "
    "(Esc shows it)",
    # --- keys ---
    tip_help="Show every key (or ? in the empty search box)",
    tip_edit="Edit the phrasebooks (for leads)",
    tip_stats="Usage: most used, never used, searched but not copied",
    tip_problems="Errors and warnings in the phrasebooks",
    tip_shop="Switch shop (also in the command palette, Ctrl+P)",
    tip_quit="Quit (asks first with unsaved edits)",
    tip_copy="Copy the selected reply (asks for missing details first)",
    tip_clear="Clear the search box",
    tip_stage="All → pre-sale → in-sale → after-sale",
    tip_stage_back="Previous stage",
    tip_variant="Another wording of the same reply",
    tip_forget="Stop ranking the selected reply first for learned buyer wordings (forget them)",
    tip_up="Previous result",
    tip_down="Next result",
    tip_page_up="Previous page of results",
    tip_page_down="Next page of results",
    tip_clipboard_watch="On/off: copy a buyer's message in the chat and it is searched here (like --watch)",
    tip_close="Close",
    tip_close_help="Close the help",
    tip_close_stats="Close the statistics",
    tip_fill_cancel="Cancel, copy nothing",
    tip_fill_down="Next choice (or next field)",
    tip_fill_up="Previous choice (or previous field)",
    tip_guard_yes="Copy this reply anyway",
    tip_guard_no="Don't copy; back to the search box",
    tip_palette="Command palette: shops, statistics, theme, screenshot…",
    key_close="Close",
    key_cancel="Cancel",
    key_palette="Commands",
    stage_pre_sale="Pre-sale",
    stage_in_sale="In-sale",
    stage_after_sale="After-sale",
    quit_unsaved="There are unsaved edits; quitting loses them.",
    quit_stay="Stay and keep editing",
    quit_anyway="Quit without saving",
    usage_unavailable="Cannot open the usage record: {error}",
    stats_title="Usage statistics (this computer)",
    stats_off="Usage history is off (--no-history): no statistics.",
    stats_unreadable="Cannot read the usage record: {error}",
    stats_hint="Esc closes · to merge several agents' records: quickreply stats --merge FILE…",
    help_app_keys="Everywhere",
    help_screen_keys="This screen",
    palette_placeholder="Search commands…",
    themes_placeholder="Search themes…",
    command_theme="Theme",
    command_theme_help="Change the colours",
    command_quit="Quit",
    command_quit_help="Quit (asks first with unsaved edits)",
    command_keys="Show keys",
    command_keys_help="List every key of this screen (F1)",
    command_minimize="Restore",
    command_minimize_help="Back to normal size",
    command_screenshot="Screenshot",
    command_screenshot_help="Save the screen as an SVG picture (in the current folder)",
    command_problems="Phrasebook problems",
    command_problems_help="Errors and warnings in the phrasebooks (F2)",
    command_edit="Edit phrasebooks",
    command_edit_help="Add, change, delete replies (F3, for leads)",
    command_stats="Usage statistics",
    command_stats_help="Most used, never used, searched but not copied (F6)",
    command_clipboard_watch="Watch clipboard (on/off)",
    command_clipboard_watch_help="Copy a buyer's message in the chat and it is searched here (F7)",
    screenshot_saved="Screenshot saved: {path}",
    screenshot_failed="Could not save the screenshot: {reason}",
    quit_how="Press {key} to quit",
    quit_how_title="Quit?",
    # --- state ---
    load_failed_in="{files}: {count} loading errors; what they affect was not loaded (F2)",
    shop_loading="loading…",
    preview_loading="Loading the phrasebooks; results appear as soon as they are in (what you typed is kept)",
    loading="Loading the phrasebooks… (type away: it is searched once they are in)",
    load_crashed="Cannot load the phrasebooks: {reason}",
    shops_kept="{where} has an error; still using the last good shops ({shop}): {error}",
    shops_broken="{where} has an error: {error}",
    # --- editor ---
    editor_tab_tree="Books",
    editor_tab_form="Reply",
    editor_tab_preview="Preview",
    editor_tree_root="Phrasebooks",
    editor_book_node="{name} ({stage})",
    editor_label_id="id",
    editor_hint_id="lowercase letters, digits, hyphens (Ctrl+U deletes left of the cursor)",
    editor_label_title="Title",
    editor_label_stage="Stage",
    editor_label_keys="Shortcut codes",
    editor_hint_keys="separated by spaces",
    editor_label_tags="Tags",
    editor_hint_tags="separated by spaces",
    editor_label_text="Reply",
    editor_hint_text="Sent in parts (one message each): a line with only --- between parts",
    editor_label_variants="Other wordings",
    editor_hint_variants="a line with only --- between wordings",
    editor_label_note="Note",
    editor_hint_note="for team leads only",
    editor_label_starts="Starts",
    editor_hint_starts="pre-sale replies show from this day; YYYY-MM-DD, may be empty",
    editor_label_expires="Expires",
    editor_hint_expires="campaign replies; YYYY-MM-DD, may be empty",
    editor_stage_book="book's stage",
    editor_preview_title="Preview (current shop)",
    editor_bad_date="Dates look like 2026-12-12",
    editor_no_preview="(cannot preview: {error})",
    editor_deleted="Deleted {id} (F9 undoes)",
    editor_delete_question="Delete the reply “{title}” ({id})?",
    editor_answer_delete="Delete",
    editor_answer_keep="Keep",
    editor_undone="Undone: {what}",
    editor_move_question="Move to which book?",
    editor_new_book_name="New book {number}",
    editor_new_book_made="Created “{name}”: {file} (Ctrl+S saves)",
    editor_save_failed="Not saved, the file is unchanged: {error}",
    editor_saved="Saved {file}",
    editor_leave_question="There are unsaved changes; leaving loses them.",
    editor_answer_stay="Stay and edit",
    editor_answer_discard="Leave without saving",
    editor_key_save="Save book",
    editor_tip_save="Save the book of the current reply",
    editor_key_add="New reply",
    editor_tip_add="Add a reply after the current one",
    editor_key_duplicate="Duplicate",
    editor_tip_duplicate="Duplicate the current reply (new id, shortcut codes not copied)",
    editor_key_delete="Delete",
    editor_tip_delete="Delete the current reply (asks first, can be undone)",
    editor_key_undo="Undo",
    editor_tip_undo="Undo new, duplicate, delete, move, reorder",
    editor_key_up="Move up",
    editor_tip_up="Move up within the book",
    editor_key_down="Move down",
    editor_tip_down="Move down within the book",
    editor_key_move="Move to…",
    editor_tip_move="Move to another book",
    editor_key_shops="Shop info",
    editor_key_next_field="Next field",
    editor_key_previous_field="Previous field",
    editor_key_open_reply="Open the reply (in the tree)",
    editor_key_tree_up="Previous reply (in the tree)",
    editor_key_tree_down="Next reply (in the tree)",
    editor_tip_shops="Edit the shops in shops.toml",
    editor_key_new_book="New book",
    editor_tip_new_book="Create a new phrasebook",
    editor_key_close="Back",
    editor_tip_close="Back to search (asks if there are unsaved changes)",
    editor_key_next_pane="Next pane",
    editor_tip_next_pane="Books / Reply / Preview (one at a time on narrow screens)",
    editor_key_previous_pane="Previous pane",
    editor_tip_previous_pane="Books / Reply / Preview, backwards",
    confirm_key_cancel="Cancel",
    shops_title="Shops: {path}",
    shops_hint="Ctrl+S checks and saves · Esc cancels",
    shops_none="At least one shop with a shop_name is needed",
    shops_not_utf8="The file is not UTF-8; save it as UTF-8 first",
    shops_key_save="Save shops",
    shops_tip_save="Check and save shops.toml",
    shops_key_cancel="Cancel",
    shops_tip_cancel="Close without saving",
    shops_template=(
        "# One [[shop]] per shop; shop_name is required, every key is a placeholder replies can use.\n"
        '[[shop]]\nshop_name = "My shop"\ncutoff = "16:00"\n'
    ),
)

T: Strings = ENGLISH if os.environ.get("QUICKREPLY_LANG", "").lower().startswith("en") else Strings()


STATS_ENGLISH = ReportText(
    copies="{count} copies in all",
    top="Most used replies:",
    nothing="(none recorded)",
    never_used="Never used ({count}; candidates for deletion):",
    no_copy="Searched but nothing copied (candidates for new replies):",
    by_stage="By stage:",
    by_hour="By hour:",
    learned="Learned answers (copied though search did not rank them first; stats --suggest shows wordings):",
    reply="{title} ({id})",
)
"""The statistics screen's words in English (the Chinese are the core's, quickreply/stats.py)."""


def report_text() -> ReportText:
    return STATS_ENGLISH if T is ENGLISH else ReportText()


def recorded_stage_name(value: str) -> str:
    """A stage value from a usage record (``pre-sale``) in the UI's language; one this version
    does not know is shown as recorded, escaped."""
    try:
        return stage_name(Stage(value))
    except ValueError:
        return visible(value)


def stage_name(stage: Stage | None) -> str:
    """售前/售中/售后 (Pre-sale… in English), 全部 for no stage: in the language of the UI."""
    if stage is None:
        return T.all_stages
    names = {
        Stage.PRE_SALE: T.stage_pre_sale,
        Stage.IN_SALE: T.stage_in_sale,
        Stage.AFTER_SALE: T.stage_after_sale,
    }
    return names[stage]


class MergeStrings(_Texts):
    """The editor when a colleague saved the same book first (see quickreply.merge)."""

    title: str = "《{book}》（{file}）在你打开后被同事改过"
    progress: str = "冲突 {current}/{total}：{id}"
    kind_both_changed: str = "你和同事都改了这条回复，改得不一样"
    kind_both_added: str = "你和同事都新建了这个 id，内容不同"
    kind_mine_deleted: str = "你删除了这条回复，同事改了它"
    kind_theirs_deleted: str = "同事删除了这条回复，你改了它"
    kind_no_base: str = "不知道打开时的版本，两边不一样"
    mine: str = "我的版本"
    theirs: str = "同事的版本（磁盘上现在的）"
    deleted: str = "（已删除）"
    empty: str = "（空）"
    differs: str = "≠ "
    book_stage: str = "跟随书的阶段"
    hint: str = (
        "M/1 保留我的 · T/2 保留同事的 · B/3 两条都保留（我的换新 id，重复的快捷编码去掉）"
        " · ← 上一条 · Esc 取消（不保存）"
    )
    key_mine: str = "保留我的"
    key_theirs: str = "保留同事的"
    key_both: str = "都保留"
    key_back: str = "上一条"
    key_cancel: str = "取消"
    auto_merged: str = "已自动合并："
    auto_nothing: str = "没有可自动合并的修改。"
    part_mine: str = "你改的 {count} 条"
    part_theirs: str = "同事改的 {count} 条"
    part_added_mine: str = "你新建的 {count} 条"
    part_added_theirs: str = "同事新建的 {count} 条"
    part_deleted_mine: str = "你删除的 {count} 条"
    part_deleted_theirs: str = "同事删除的 {count} 条"
    conflicts_left: str = "下面 {count} 条需要你来选。"
    saved: str = "已合并同事的修改并保存 {file}"
    copies: str = "两条都保留：{pairs}"
    dropped: str = "快捷编码已被同事的回复使用，从你的回复去掉：{pairs}"
    cancelled: str = "已取消合并：没有保存，你的修改还在"
    not_saved: str = "已按磁盘上的新版本合并，但还不能保存：{error}。改好后再按 Ctrl+S"
    unreadable: str = "{file} 现在无法读取，不能合并：{reason}。可重新载入（放弃你的修改）或取消"
    gone: str = "{file} 已在磁盘上被删除。"
    answer_reload: str = "重新载入（放弃我的修改）"
    answer_recreate: str = "按我的版本重新创建"
    answer_cancel: str = "取消"
    reloaded: str = "已重新载入（你的修改已放弃）"
    reload_failed: str = "无法重新载入：{error}"
    again: str = "{file} 又被改了，请再按一次 Ctrl+S"


MERGE_ENGLISH = MergeStrings(
    title="{book} ({file}) was changed by a colleague after you opened it",
    progress="Conflict {current}/{total}: {id}",
    kind_both_changed="You and a colleague both changed this reply, differently",
    kind_both_added="You and a colleague both added this id, with different content",
    kind_mine_deleted="You deleted this reply; a colleague changed it",
    kind_theirs_deleted="A colleague deleted this reply; you changed it",
    kind_no_base="The version you opened is unknown and the two sides differ",
    mine="Mine",
    theirs="Colleague's (on disk now)",
    deleted="(deleted)",
    empty="(empty)",
    differs="≠ ",
    book_stage="book's stage",
    hint="M/1 keep mine · T/2 keep theirs · B/3 keep both (mine gets a new id, taken codes dropped)"
    " · ← previous · Esc cancel (nothing saved)",
    key_mine="Keep mine",
    key_theirs="Keep theirs",
    key_both="Keep both",
    key_back="Previous",
    key_cancel="Cancel",
    auto_merged="Merged automatically: ",
    auto_nothing="Nothing to merge automatically.",
    part_mine="{count} changed by you",
    part_theirs="{count} changed by a colleague",
    part_added_mine="{count} added by you",
    part_added_theirs="{count} added by a colleague",
    part_deleted_mine="{count} deleted by you",
    part_deleted_theirs="{count} deleted by a colleague",
    conflicts_left="{count} need your choice below.",
    saved="Merged the colleague's changes and saved {file}",
    copies="Kept both: {pairs}",
    dropped="Codes now used by the colleague's replies, dropped from yours: {pairs}",
    cancelled="Merge cancelled: nothing saved, your edits are kept",
    not_saved="Merged onto the version on disk, but cannot save yet: {error}. Fix it and press Ctrl+S",
    unreadable="{file} cannot be read now, so it cannot be merged: {reason}. Reload (drops edits) or cancel",
    gone="{file} was deleted on disk.",
    answer_reload="Reload (drop my edits)",
    answer_recreate="Recreate it from my version",
    answer_cancel="Cancel",
    reloaded="Reloaded (your edits were dropped)",
    reload_failed="Cannot reload: {error}",
    again="{file} changed again; press Ctrl+S once more",
)

TM: MergeStrings = MERGE_ENGLISH if T is ENGLISH else MergeStrings()


_WEEKDAYS_EN = {
    "周一": "Mon",
    "周二": "Tue",
    "周三": "Wed",
    "周四": "Thu",
    "周五": "Fri",
    "周六": "Sat",
    "周日": "Sun",
}
_NEAR_DAYS_EN = {"今天": "today", "明天": "tomorrow", "后天": "the day after tomorrow"}


def ship_words(text: str) -> str:
    """The calendar's day words (今天, 明天, 周一（11月30日）: the core words them in Chinese, as
    replies use them) in the UI's language, for the status line."""
    if T is not ENGLISH:
        return text
    for chinese, english in {**_NEAR_DAYS_EN, **_WEEKDAYS_EN}.items():
        text = text.replace(chinese, english)
    text = re.sub(r"(\d+)月(\d+)日", r"\1/\2", text)
    return text.replace("（", " (").replace("）", ")")

