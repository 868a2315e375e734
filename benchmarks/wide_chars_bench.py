"""Cost of the wide-character compositor fix (quickreply/tui/wide_chars.py) per frame.

    python benchmarks/wide_chars_bench.py [--frames 300]

Renders the search screen and the editor at 200×50 with the bundled books, a full frame and a
partial one (the focused widget and the footer repainted, as after a keystroke), with the fix
and with Textual's own methods, and prints milliseconds per frame. Figures on a shared
2-core machine vary by ±25% from run to run.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import time
from collections.abc import Callable

from textual._compositor import Compositor

from quickreply.locations import bundled_phrasebooks
from quickreply.tui import wide_chars
from quickreply.tui.app import make_app


def textual_methods() -> tuple[Callable[..., object], Callable[..., object]]:
    """Textual's unpatched methods, from a fresh copy of its module."""
    spec = importlib.util.find_spec("textual._compositor")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Compositor._render_chops, module.Compositor.render_partial_update


async def measure(frames: int) -> None:
    original = textual_methods()
    patched = (wide_chars._render_chops, wide_chars._render_partial_update)
    app = make_app([bundled_phrasebooks()], history=False, watch=False)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        for screen_name in ("search", "editor"):
            if screen_name == "editor":
                await pilot.press("f3")
                await pilot.pause()
            compositor = app.screen._compositor
            focused = app.screen.focused or app.screen
            footer = app.screen.query_one("Footer")
            for name, (chops, partial) in (("fixed", patched), ("textual", original)):
                Compositor._render_chops = chops  # type: ignore[method-assign,assignment]
                Compositor.render_partial_update = partial  # type: ignore[method-assign,assignment]
                start = time.perf_counter()
                for _ in range(frames):
                    compositor._render_chops(compositor.size.region, lambda y: True)
                full = (time.perf_counter() - start) / frames * 1000
                start = time.perf_counter()
                for _ in range(frames):
                    compositor._dirty_regions.update((focused.region, footer.region))
                    compositor.render_partial_update()
                part = (time.perf_counter() - start) / frames * 1000
                print(f"{screen_name:7} {name:8} full frame {full:6.2f} ms   partial frame {part:6.2f} ms")
            Compositor._render_chops, Compositor.render_partial_update = patched  # type: ignore[method-assign,assignment]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300)
    asyncio.run(measure(parser.parse_args().frames))


if __name__ == "__main__":
    main()
