"""How keys are named on screen: "F3", "Esc", "Tab", "^P", the same in the footer and in F1.

Textual shows bound keys as typed in BINDINGS ("f3", "escape"); agents read the keycaps.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.keys import format_key

NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "space": "Space",
    "backspace": "Backspace",
    "delete": "Del",
    "insert": "Ins",
    "home": "Home",
    "end": "End",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
}
MODIFIERS = {"shift": "Shift", "alt": "Alt", "meta": "Meta", "super": "Super", "hyper": "Hyper"}


def key_display(binding: Binding) -> str:
    """The keycap name of one bound key: ``f3`` → F3, ``ctrl+p`` → ^P, ``shift+tab`` → Shift+Tab."""
    if binding.key_display:
        return binding.key_display
    modifiers, key = binding.parse_key()
    if key in NAMES:
        name = NAMES[key]
    elif key[:1] == "f" and key[1:].isdigit():
        name = key.upper()
    else:
        name = format_key(key)
        name = name.upper() if len(name) == 1 else name
    if "ctrl" in modifiers:
        modifiers.remove("ctrl")
        name = f"^{name}"
    return "+".join([*(MODIFIERS.get(modifier, modifier) for modifier in modifiers), name])


def keys_display(binding: Binding) -> str:
    """All keys of a binding ("escape,f1,q" → "Esc / F1 / Q"), for the help screen."""
    keys = [key.strip() for key in binding.key.split(",") if key.strip()]
    return " / ".join(key_display(Binding(key, binding.action)) for key in keys)
