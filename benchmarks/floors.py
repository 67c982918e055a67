"""What readfloor.py and statfloor.py share: interleaved rounds of fresh-process measurements
and their table of paired ratios."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from typing import Callable, Sequence


def run_rounds(impls: Sequence[str], rounds: int, measure: Callable[[str], float]) -> dict[str, list[float]]:
    """``measure(impl)`` for every implementation, interleaved and rotated every round."""
    values: dict[str, list[float]] = {impl: [] for impl in impls}
    for rnd in range(rounds):
        shift = rnd % len(impls)
        for impl in list(impls[shift:]) + list(impls[:shift]):
            values[impl].append(measure(impl))
    return values


def paired(values: dict[str, list[float]], impl: str, base: str) -> str:
    """Median (interquartile range) of the per-round ratios impl/base."""
    ratios = sorted(a / b for a, b in zip(values[impl], values[base]))
    quarter = len(ratios) // 4
    return f"{statistics.median(ratios):.3f} ({ratios[quarter]:.3f}-{ratios[-quarter - 1]:.3f})"


def print_table(values: dict[str, list[float]], unit: str, bases: Sequence[str]) -> None:
    rounds = len(next(iter(values.values())))
    print(f"{rounds} rounds; paired ratios: median (interquartile range)")
    print(f"{'impl':<11}{unit:>7}  " + "".join(f"{'vs ' + base:<21}" for base in bases))
    for impl, vals in values.items():
        print(f"{impl:<11}{statistics.median(vals):>7.0f}  "
              + "".join(f"{paired(values, impl, base):<21}" for base in bases))


def run_once(impl: str, c_argv: list[str], script: str, host: str, volname: str) -> float:
    """One measurement in a fresh process: cbench with *c_argv* for ``c``, else *script*'s
    worker for *impl* (its last output line is the value)."""
    argv = c_argv if impl == "c" else [sys.executable, script, "--worker", impl, host, volname]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    return float(json.loads(out)["value"] if impl == "c" else out)


def parse_args(argv: list[str], default_rounds: int) -> tuple[int, str, str]:
    """``[ROUNDS] [HOST VOLNAME]`` (default: gpath.testing's gpath_single)."""
    args = list(argv)
    rounds = int(args.pop(0)) if args and args[0].isdigit() else default_rounds
    host, volname = (args[0], args[1]) if len(args) == 2 else ("127.0.0.1", "gpath_single")
    return rounds, host, volname
