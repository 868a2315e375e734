"""The clipboard watch's decisions (quickreply.clipwatch), with a fake clipboard."""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quickreply import clipboard
from quickreply.clipboard import ClipboardUnavailable
from quickreply.clipwatch import MAX_CHARS, ClipboardWatch, KnownReplies, as_query, looks_like_buyer_message
from quickreply.library import Library, load
from quickreply.locations import bundled_phrasebooks

REPLIES = [
    "亲，可以开发票的，请在订单备注里写上发票抬头和税号。",
    "亲，您的订单{order_no}已经发出，快递单号是{tracking_no}，请注意查收。",
    "{greeting|亲}，感谢您的耐心等待！",
    "{a}的{b}",  # almost all placeholder: must not claim every message holding 的
    "{anything}",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("还没寄出，能不能快点发货啊", True),  # a buyer's question
        ("能开发票吗", True),
        ("好的", True),  # short words found inside replies are still buyers' words
        ("在吗\n我的订单什么时候发货", True),  # several lines, as chats copy
        ("  发票  ", True),
        ("SF1234567890", False),  # no Han: an order or tracking number copied for a form
        ("https://item.taobao.com/item.htm?id=1", False),
        ("", False),
        ("   \n ", False),
        ("好" * MAX_CHARS, True),
        ("好" * (MAX_CHARS + 1), False),  # a product description, not a chat message
        (REPLIES[0], False),  # a reply of ours
        (REPLIES[0].replace("。", "。\r\n"), False),  # re-wrapped by the chat window
        ("亲，您的订单 8812345 已经发出，快递单号是SF99，请注意查收。", False),  # filled in
        ("小美，感谢您的耐心等待！", False),  # placeholder at the start
        ("亲，感谢您的耐心等待！", False),  # the placeholder's default
        ("请在订单备注里写上发票抬头和税号", False),  # a whole sentence of a reply
        ("我买的东西的颜色不对", True),  # holds 的, like "{a}的{b}"
    ],
)
def test_looks_like_buyer_message(text: str, expected: bool) -> None:
    assert looks_like_buyer_message(text, REPLIES) is expected


def test_every_bundled_reply_is_recognised_once_filled() -> None:
    """Each wording of each bundled reply, rendered with the first shop and sample values, is ours."""
    library: Library = load(bundled_phrasebooks())
    known = KnownReplies(w for phrase in library.phrases for w in phrase.wordings)
    samples = {"order_no": "2026112312345", "tracking_no": "SF1402934", "size": "L", "product": "四件套"}
    shop = library.shop()
    for phrase in library.phrases:
        for variant in range(len(phrase.wordings)):
            names = library.missing(phrase, shop=shop, variant=variant)
            values = {name: samples.get(name, "某某") for name in names}
            text = library.render(phrase, shop=shop, values=values, variant=variant).text
            assert not looks_like_buyer_message(text, known), (phrase.id, variant)


def test_adversarial_template_is_linear() -> None:
    """Many adjacent placeholders would make a regex of .*? backtrack; glob matching does not."""
    template = "{a}" + "".join(f"好{{p{i}}}" for i in range(40)) + "！"
    known = KnownReplies([template])
    assert known.is_reply("好" * 60 + "!") is False
    assert known.is_reply("好" * 60 + "！") is True


def test_as_query_cleans_and_joins_lines() -> None:
    assert as_query("在吗\r\n  什么时候发货\u202e\x1b]52;c;eA==\x07") == "在吗 什么时候发货"


class FakeClipboard:
    def __init__(self, text: str = "") -> None:
        self.text = text
        self.error: Exception | None = None

    def __call__(self) -> str:
        if self.error is not None:
            raise self.error
        return self.text


def watch_with(board: FakeClipboard) -> ClipboardWatch:
    return ClipboardWatch(board)


KNOWN = KnownReplies(REPLIES)


def test_what_was_there_before_the_watch_is_not_new() -> None:
    board = FakeClipboard("还没发货吗")
    watch = watch_with(board)
    assert watch.poll(KNOWN) is None  # the baseline
    assert watch.poll(KNOWN) is None
    board.text = "能开发票吗"
    assert watch.poll(KNOWN) == "能开发票吗"
    assert watch.poll(KNOWN) is None  # seen
    assert watch.looks == 4


def test_restart_takes_a_new_baseline() -> None:
    board = FakeClipboard("")
    watch = watch_with(board)
    watch.poll(KNOWN)
    watch.restart()
    board.text = "能开发票吗"
    assert watch.poll(KNOWN) is None


def test_own_copies_are_never_taken_back() -> None:
    """Even one that looks like a buyer's message (a reply edited since, a short one)."""
    board = FakeClipboard("")
    watch = watch_with(board)
    watch.poll(KNOWN)
    watch.note_own_copy("好的，马上为您处理")
    board.text = "好的，马上为您处理\n"  # the clipboard added a line end
    assert watch.poll(KNOWN) is None
    board.text = "好的，那我等等"
    assert watch.poll(KNOWN) == "好的，那我等等"


def test_the_same_message_again_after_something_else_is_new() -> None:
    board = FakeClipboard("")
    watch = watch_with(board)
    watch.poll(KNOWN)
    board.text = "在吗"
    assert watch.poll(KNOWN) == "在吗"
    board.text = REPLIES[0]
    assert watch.poll(KNOWN) is None
    board.text = "在吗"
    assert watch.poll(KNOWN) == "在吗"


def test_unreadable_clipboard_raises_to_the_caller() -> None:
    board = FakeClipboard("")
    board.error = ClipboardUnavailable("xclip 读不出剪贴板（退出码 1）Error: Can't open display: :9")
    with pytest.raises(ClipboardUnavailable):
        watch_with(board).poll(KNOWN)


def test_short_templates_with_placeholders_claim_nothing() -> None:
    """亲，{x} would otherwise swallow every buyer message that starts with 亲."""
    known = KnownReplies(["亲，{x}", "好的"])
    assert looks_like_buyer_message("亲，在吗", known)
    assert not looks_like_buyer_message("好的", known)  # a whole reply without placeholders


# --- reading the real clipboard: empty is not unreadable ----------------------------------------


@pytest.fixture
def fake_xclip(tmp_path, monkeypatch: pytest.MonkeyPatch):
    def install(script: str) -> None:
        folder = tmp_path / "bin"
        folder.mkdir(exist_ok=True)
        program = folder / "xclip"
        program.write_text(script)
        program.chmod(0o755)
        monkeypatch.setenv("PATH", f"{folder}:{os.environ['PATH']}")
        monkeypatch.setenv("DISPLAY", ":99")
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)

    return install


def test_an_empty_clipboard_reads_as_no_text(fake_xclip) -> None:
    """xclip -o on an empty clipboard (or one holding an image) fails with "target STRING not
    available": the watch must keep going, not stop as if there were no X server."""
    fake_xclip("#!/bin/sh\necho 'Error: target STRING not available' >&2\nexit 1\n")
    assert clipboard.peek_system() == ""


def test_no_x_server_is_unreadable(fake_xclip) -> None:
    fake_xclip("#!/bin/sh\necho \"Error: Can't open display: :99\" >&2\nexit 1\n")
    with pytest.raises(ClipboardUnavailable, match="open display"):
        clipboard.peek_system()


def test_no_display_at_all_is_unreadable_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """SSH without X: pyperclip's ten lines of advice become one."""
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(ClipboardUnavailable) as raised:
        clipboard.peek_system()
    assert "\n" not in str(raised.value) and str(raised.value)


def test_an_own_copy_no_book_holds_is_still_skipped() -> None:
    """A reply edited (or deleted) since it was copied is no longer a known reply."""
    board = FakeClipboard("")
    watch = watch_with(board)
    watch.poll(KNOWN)
    watch.note_own_copy("亲，今天下单明天就发哦")
    board.text = "亲，今天下单明天就发哦"
    assert looks_like_buyer_message(board.text, KNOWN)
    assert watch.poll(KnownReplies([])) is None


@given(
    pieces=st.lists(st.text(alphabet="ab的", min_size=1, max_size=3), max_size=4),
    open_start=st.booleans(),
    open_end=st.booleans(),
    text=st.text(alphabet="ab的", max_size=10),
)
def test_glob_matching_agrees_with_a_regex(
    pieces: list[str], open_start: bool, open_end: bool, text: str
) -> None:
    """The linear matcher answers as ``re.fullmatch`` with ``.*`` for each placeholder would."""
    from quickreply.clipwatch import _Pattern

    pattern = _Pattern(tuple(pieces), open_start, open_end, sum(map(len, pieces)), True)
    regex = ".*".join(re.escape(piece) for piece in pieces)
    regex = "(?s)" + (".*" if open_start else "") + regex + (".*" if open_end else "")
    if not pieces:
        regex = "(?s).*" if open_start or open_end else ""
    assert pattern.matches(text) is bool(re.fullmatch(regex, text))
