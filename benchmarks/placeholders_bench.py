"""What placeholders.toml costs: loading it, filtering choices per keystroke, a pattern check.

    python benchmarks/placeholders_bench.py [--names 500] [--choices 50]

Prints figures only (no pass/fail): the form filters on every keystroke and checks a pattern
on every Enter, so both must stay far below a frame (16 ms); loading is paid once per start
and per live reload.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def best_of(runs: int, action: Callable[[], object]) -> float:
    """Median milliseconds of ``runs`` calls (a shared machine: the median, not the mean)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--names", type=int, default=500, help="tables in the synthetic file")
    parser.add_argument("--choices", type=int, default=50, help="choices of the filtered field")
    args = parser.parse_args()

    from quickreply.locations import bundled_phrasebooks
    from quickreply.placeholders import load_placeholders

    bundled = bundled_phrasebooks()
    load_placeholders([bundled])  # imports regex and the pinyin table once, as the app does
    print(f"bundled placeholders.toml load: {best_of(20, lambda: load_placeholders([bundled])):.2f} ms")

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        tables = [
            f'[name_{n}]\nlabel = "值{n}"\nfresh = {"true" if n % 2 else "false"}\n'
            f'pattern = "^[A-Za-z0-9]{{8,20}}$"\nchoices = ["{n}元", "{n + 1}元红包"]\n'
            for n in range(args.names)
        ]
        (folder / "placeholders.toml").write_text("\n".join(tables), encoding="utf-8")
        took = best_of(5, lambda: load_placeholders([folder]))
        print(f"{args.names} tables, each with a pattern and choices: {took:.1f} ms")

    choices = [f"{n}元{'红包' if n % 2 else '无门槛券'}" for n in range(1, args.choices + 1)]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        listed = ", ".join(f'"{choice}"' for choice in choices)
        text = f'[amount]\nchoices = [{listed}]\npattern = "^\\\\d+元.*$"\n'
        (folder / "placeholders.toml").write_text(text, encoding="utf-8")
        specs, problems = load_placeholders([folder])
        assert not problems, problems
        spec = specs.spec("amount")
        for typed in ("", "1", "红", "hb", "hongbao"):
            took = best_of(200, lambda typed=typed: spec.filter(typed))
            print(f"filter {len(choices)} choices by {typed!r:10}: {took * 1000:.0f} µs")
        print(f"pattern check on Enter: {best_of(1000, lambda: spec.problem('10元红包')) * 1000:.0f} µs")


if __name__ == "__main__":
    main()
