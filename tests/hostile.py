"""A phrasebook folder written by an attacker: every place a name or message can come from holds
terminal escape sequences (OSC 52 sets the clipboard, OSC 0 the window title), an 8-bit CSI, a
bidi override and a Textual markup action. Shared by the CLI and the TUI boundary tests."""

from __future__ import annotations

from pathlib import Path

from quickreply.usage import UsageLog

OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"  # sets the clipboard to "rm -rf ~"
TITLE = "\x1b]0;pwned\x07"
CSI8 = "\x9b31m"
BIDI = "\u202e"
MARKUP = "[@click=app.quit]x[/]"
PAYLOAD = OSC52 + TITLE + CSI8 + BIDI + MARKUP
FILE_PAYLOAD = (OSC52 + TITLE + CSI8 + BIDI + MARKUP).replace("/", "")  # no / in a file name
FORBIDDEN = ("\x1b", "\x07", "\x9b", BIDI)
"""What must never reach a terminal, a clipboard or an exported file."""


def leaks(text: str) -> list[str]:
    """The forbidden characters found in ``text``, as escapes (empty: clean)."""
    return [repr(char) for char in FORBIDDEN if char in text]


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string: control characters as \\u escapes, as an attacker would."""
    body = "".join(
        char if char.isprintable() and char not in '"\\' else f"\\u{ord(char):04x}" for char in text
    )
    return f'"{body}"'


def write_hostile_books(directory: Path) -> Path:
    """Books, shops, rules and synonyms with the payload in every name and message. The second
    shop's name holds U+202E and U+009B as raw characters (TOML allows them in a string)."""
    directory.mkdir(parents=True, exist_ok=True)
    payload = toml_string(PAYLOAD)
    (directory / f"{FILE_PAYLOAD}.toml").write_text(
        f"""[book]
name = {payload}
stage = "pre-sale"

[[phrase]]
id = "hello"
title = {toml_string("问候" + PAYLOAD)}
keys = ["hi"]
text = {toml_string("亲，您好 " + PAYLOAD)}
""",
        encoding="utf-8",
    )
    # Its name cleans to nothing: the book is named after the (hostile) file.
    (directory / f"\u200b{FILE_PAYLOAD}\x9b.toml").write_text(
        """[book]
name = "\\u200b"
stage = "pre-sale"

[[phrase]]
id = "bye"
title = "再见"
keys = ["bb"]
text = "再见，订单 {order_no} 已发货"
""",
        encoding="utf-8",
    )
    (directory / "broken.toml").write_text(f"[book]\nname = {payload}\nstage = {payload}\n", encoding="utf-8")
    (directory / "shops.toml").write_text(
        f"""[[shop]]
shop_name = {toml_string("店" + PAYLOAD)}
{payload} = [1]
{toml_string(PAYLOAD + "k")} = "v"

[[shop]]
shop_name = "第二家\u202e\x9b"
""",
        encoding="utf-8",
    )
    (directory / "rules.toml").write_text(
        f"""[[rule]]
id = "hostile"
words = ["您好"]
severity = "error"
message = {payload}
""",
        encoding="utf-8",
    )
    (directory / "synonyms.toml").write_text(f'[[group]]\nwords = [{payload}, "发货"]\n', encoding="utf-8")
    return directory


def record_hostile_usage(path: Path | None = None) -> None:
    """Usage records whose ids, stages, stored queries and learned wordings hold the payload."""
    log = UsageLog(path)
    try:
        log.record(phrase="hello", book=PAYLOAD, stage=PAYLOAD, shop=PAYLOAD, query=PAYLOAD)
        log.record(phrase=PAYLOAD, book=PAYLOAD, stage="pre-sale", shop=PAYLOAD, query=PAYLOAD)
        log.record_miss(PAYLOAD)
        # Learned answers: a buyer wording holding the payload, for a reply and for a hostile id.
        log.record_learned("快递没动" + PAYLOAD, "bye")
        log.record_learned("快递没动" + PAYLOAD, PAYLOAD)
    finally:
        log.close()
