"""The footer: the keys an agent needs, each with its label, at any width.

Textual's Footer lists every shown binding in binding order and cuts at the right edge: at
80 columns "F3" lost its label and F2/F4/F6 were gone. This one is compact, shows the keys in a
fixed order and, when they do not fit, leaves out the least needed first (FOOTER_KEYS), never
cutting one in half; the command palette key stays at the right.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

FOOTER_KEYS: dict[str, int] = {
    "app.palette": 3,  # drawn at the right edge whatever its place; first here: kept before ^N
    # The editor (a team lead's screen): saving and leaving first; its own keys before the app's.
    "editor.save": 1,
    "editor.close": 1,
    "editor.add": 1,
    "editor.duplicate": 2,
    "editor.delete": 2,
    "editor.undo": 2,
    "editor.move": 3,
    "editor.shops": 3,
    "editor.new-book": 3,
    "search.copy": 1,
    "search.clear": 1,
    "search.next-stage": 1,
    "search.next-variant": 3,
    "app.help": 1,
    "app.problems": 2,
    "app.edit": 1,
    "app.next-shop": 2,
    "app.stats": 2,
    "search.clipboard-watch": 4,
    "app.quit": 3,
}
"""Binding id → how much an agent needs it in the footer (1 most; dropped last, and among
equals the rightmost here first). Keys are shown in this order, the palette key (^P 命令) at the
right edge; a binding not listed comes after them, in binding order, as needed as 2. At 80
columns levels 1–2 and ^P fit in Chinese (the longer English labels leave ^P out, F1 lists it);
^N 换个说法 is also in the preview (说法 1/3（Ctrl+N 换一个）)."""
UNLISTED = 2


@dataclass(frozen=True)
class Item:
    binding: Binding
    enabled: bool
    tooltip: str
    display: str

    @property
    def width(self) -> int:
        """Cells in the compact footer: key, space, label, one cell of margin."""
        return cell_len(self.display) + 1 + cell_len(self.binding.description) + 1


def fit(items: list[Item], width: int) -> list[Item]:
    """The items to show in ``width`` cells, in their order: the least needed (then the
    rightmost) leave first until the rest fit."""
    order = {id(item): position for position, item in enumerate(items)}
    shown = list(items)
    by_need = sorted(items, key=lambda item: (_need(item.binding), order[id(item)]))
    while shown and sum(item.width for item in shown) > width:
        shown.remove(by_need.pop())
    return shown


def _need(binding: Binding) -> int:
    return FOOTER_KEYS.get(binding.id or "", UNLISTED)


def _position(binding: Binding, fallback: int) -> tuple[int, int]:
    ids = list(FOOTER_KEYS)
    return (ids.index(binding.id), 0) if binding.id in FOOTER_KEYS else (len(ids), fallback)


class KeyFooter(Footer):
    """A compact Footer that chooses its keys by width (see FOOTER_KEYS)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True)
        self._laid_out_width = 0

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        active = self.screen.active_bindings
        per_action: dict[str, Item] = {}
        for _, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in per_action:
                per_action[binding.action] = Item(
                    binding, enabled, tooltip, self.app.get_key_display(binding)
                )
        listed = sorted(enumerate(per_action.values()), key=lambda pair: _position(pair[1].binding, pair[0]))
        items = [item for _, item in listed]
        palette: Item | None = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            found = active.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _, binding, enabled, tooltip = found
                palette = Item(binding, enabled, tooltip, self.app.get_key_display(binding))
                # Its place in FOOTER_KEYS decides when it leaves; it is drawn at the right edge
                # (its border takes the cell of the others' margin).
                items = sorted([*items, palette], key=lambda item: _position(item.binding, len(items)))
        width = self.size.width or self.app.size.width
        self._laid_out_width = width
        shown = fit(items, width)
        if palette not in shown:
            palette = None
        for item in shown:
            if item is palette:
                continue
            yield FooterKey(
                item.binding.key,
                item.display,
                item.binding.description,
                item.binding.action,
                disabled=not item.enabled,
                tooltip=item.tooltip or item.binding.description,
            ).data_bind(compact=Footer.compact)
        if palette is not None:
            yield FooterKey(
                palette.binding.key,
                palette.display,
                palette.binding.description,
                palette.binding.action,
                classes="-command-palette",
                disabled=not palette.enabled,
                tooltip=palette.tooltip or palette.binding.description,
            )

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._laid_out_width and self._bindings_ready and self._laid_out_width:
            self.call_after_refresh(self.recompose)
