"""Keep Chinese characters whole where one widget is drawn over others (toasts, dialogs, menus).

The bug (Textual 8.2.8, upstream issue Textualize/textual#6357): the compositor cuts every
screen line at each edge of *every* visible widget, including widgets hidden under a toast
or a dialog, and divides each widget's line at those cuts before choosing which widget shows
in each piece. A Chinese character takes two cells; when a cut falls between its two cells,
``Segment.divide`` cannot keep half of it and puts two spaces there. So a toast over the
editor showed "有错      复不能保存" and "已保   01-presale.toml": the characters lost were
exactly those lying across the edge of a pane, a scrollbar or a text area underneath.

The fix: a widget's line is divided only where the widget in front changes. Pieces the same
widget wins side by side stay one piece, kept in the first of them; the others get an empty
piece, so a widget further back does not claim them. Partial updates (the usual frame) then
need each piece's real end and spans that start and end on piece edges, so a piece is never
cut inside a character when written (the terminal would blank the whole character).

``install()`` replaces two methods of Textual's private ``Compositor``; the Pilot test
tests/tui/test_wide_chars.py renders a Chinese toast over the editor and fails if the text is
not whole, so a Textual upgrade that changes these internals is caught there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip

_EMPTY = Strip([], 0)
_installed = False


def _render_chops(
    self: Compositor, crop: Region, is_rendered_line: Callable[[int], bool]
) -> Sequence[Mapping[int, Strip]]:
    """Textual's ``Compositor._render_chops``, dividing a line only where its owner changes."""
    cuts = self.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
    empty = _EMPTY
    for region, clip, strips in self._get_renders(crop):
        render_region = region.intersection(clip)
        render_x = render_region.x
        first_cut, last_cut = render_region.column_span
        for y, strip in zip(render_region.line_range, strips, strict=False):
            if not is_rendered_line(y):
                continue
            chops_line = chops[y]
            starts = [cut for cut in cuts[y] if last_cut > cut >= first_cut]
            if not starts:
                continue
            # Widgets are painted front to back: a piece already filled belongs to one in front.
            free = [chops_line[cut] is None for cut in starts]
            if all(free):  # the usual case: nothing in front of this line of the widget
                chops_line[starts[0]] = strip
                for cut in starts[1:]:
                    chops_line[cut] = empty  # kept whole in the first piece
                continue
            # A run of pieces this widget wins side by side is cut only at its two ends.
            firsts = [i for i in range(len(starts)) if i == 0 or free[i] != free[i - 1]]
            ends = [starts[i] - render_x for i in firsts[1:]] + [last_cut - render_x]
            for first, piece in zip(firsts, strip.divide(ends), strict=False):
                if free[first]:
                    chops_line[starts[first]] = piece
            for index, cut in enumerate(starts):
                if free[index] and chops_line[cut] is None:
                    chops_line[cut] = empty  # inside a run kept whole in its first piece
    return chops  # type: ignore[return-value]  # every piece is filled: the screen is behind all


def _render_partial_update(self: Compositor) -> ChopsUpdate | None:
    """Textual's ``render_partial_update`` with piece ends taken from the pieces (a run kept
    whole is wider than its first cut), and each span widened to whole pieces."""
    screen_region = self.size.region
    update_regions = self._dirty_regions.copy()
    self._dirty_regions.clear()
    if not update_regions:
        return None
    crop = Region.from_union(list(update_regions)).intersection(screen_region)
    spans = list(self._regions_to_spans(update_regions))
    is_rendered_line = {y for y, _, _ in spans}.__contains__
    chops = _render_chops(self, crop, is_rendered_line)
    cuts = self.cuts
    chop_ends: list[list[int]] = [[] for _ in chops]  # only the lines in a span are read
    for y in {y for y, _, _ in spans}:
        line_cuts = cuts[y]
        # An empty piece (inside a run) ends where it starts: nothing is written for it.
        chop_ends[y] = [
            line_cuts[index + 1] if strip is None else x + strip.cell_length
            for index, (x, strip) in enumerate(chops[y].items())
        ]
    widened: list[tuple[int, int, int]] = []
    for y, x1, x2 in spans:
        start, end = x1, x2
        for x, piece_end in zip(chops[y], chop_ends[y], strict=False):
            if x <= x1 < piece_end:
                start = min(start, x)
            if x < x2 <= piece_end:
                end = max(end, piece_end)
        widened.append((y, start, end))
    return ChopsUpdate(chops, widened, chop_ends)


def install() -> None:
    """Patch Textual's compositor (once per process); see the module docstring."""
    global _installed
    if _installed:
        return
    Compositor._render_chops = _render_chops  # type: ignore[method-assign,assignment]
    Compositor.render_partial_update = _render_partial_update  # type: ignore[method-assign]
    _installed = True
