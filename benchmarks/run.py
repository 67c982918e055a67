#!/usr/bin/env python3
"""gpath's benchmark suite (issue 5): the same workloads through C, gpath and the alternatives.

    python benchmarks/run.py            # full run (~45 min on the 2-core machines)
    python benchmarks/run.py --quick    # smaller data, fewer repetitions, under 3 minutes

Implementations, each in a process of its own, interleaved A B C A B C ... per workload:

``c``           benchmarks/cbench.c, the reference, linked with -lgfapi (built here)
``c2``          the same C program again, as if it were another implementation (the rows whose
                targets sit within 5 % of C): its ratio to ``c`` is this run's own resolution
``gpath``       gpath's low-level API (Volume, File)
``gpath.path``  gpath's pathlib-style GlusterPath
``fuse``        a FUSE mount of the same volume (``mount -t glusterfs``), plain os/open
``gfapi-py``    libgfapi-python (PyPI ``gfapi`` 1.2) in its own venv with an import shim
``naive``       a naive single-threaded loop on gpath's low-level API (the baseline of the
                tree targets only)
``cffi``        bare calls through gpath's compiled cffi module, none of gpath's Python
                around them (metadata and per-call rows only): the floor of any Python
                binding built on cffi

The volume ``gpath_bench`` (distribute, one brick) is created through the project's harness
and deleted at the end (``--keep-volume`` keeps it).  Results: a table on stdout, JSON in
benchmarks/results/, and (for full runs, or with ``--docs``) docs/benchmarks.md with the
plot docs/benchmarks-throughput.png.  Not part of the test suite.

Ratios are medians of per-round paired ratios ``impl / c`` (same round, adjacent in time),
so for rates (MiB/s, ops/s) above 1 is faster than C, for times (s, us, MiB of RSS) below 1
is better.  The parts: benchmarks/adapters.py (the worker, one measurement per process),
benchmarks/runner.py (environment and workloads), benchmarks/report.py (targets, table, JSON,
docs, plot); the prose of the page is in docs/design/benchmark-analysis.md and
docs/design/benchmark-targets.md.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import adapters
import report
from adapters import MIB, GpathAdapter, NaiveAdapter, PathAdapter, _pattern, _threads
from runner import BIN, CBENCH, IMPLS, VOLNAME, Bench, build_cbench, machine_info

# The command, and the names that readfloor.py, statfloor.py and threadfloor.py import from here.
__all__ = [
    "main",
    "BIN",
    "CBENCH",
    "MIB",
    "GpathAdapter",
    "NaiveAdapter",
    "PathAdapter",
    "_pattern",
    "_threads",
    "build_cbench",
]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="reduced sizes and rounds (< 3 min)")
    parser.add_argument(
        "--reps", type=int, default=0, help="interleaved rounds (default 5, quick 2)"
    )
    parser.add_argument(
        "--only", nargs="*", default=[], help="run workloads whose name contains one of these"
    )
    parser.add_argument(
        "--impls", nargs="*", default=list(IMPLS), help=f"implementations ({', '.join(IMPLS)})"
    )
    parser.add_argument(
        "--keep-volume", action="store_true", help=f"do not delete {VOLNAME} at the end"
    )
    parser.add_argument(
        "--docs", action="store_true", help="write docs/benchmarks.md even with --quick"
    )
    parser.add_argument("--no-docs", action="store_true", help="never write docs/benchmarks.md")
    parser.add_argument(
        "--report", metavar="JSON", help="re-render table, docs and plot from a results file"
    )
    parser.add_argument(
        "--worker", nargs=3, metavar=("IMPL", "WORKLOAD", "ARGS"), help=argparse.SUPPRESS
    )
    opts = parser.parse_args()
    if opts.worker:
        adapters.main(opts.worker)
        return
    if opts.report:
        payload = json.loads(Path(opts.report).read_text())
        opts.quick = payload["mode"] == "quick"
        opts.reps = payload["rounds"]
        b = Bench(opts)
        cmd = report.load_results(b, payload)
        table = report.print_table(b)
        ts = report.targets(b)
        report.print_targets(ts)
        if not opts.no_docs:
            report.write_page(b, ts, table, cmd)
        return
    if os.geteuid() != 0:
        raise SystemExit("run.py needs root (glusterd, volume creation, FUSE mount)")
    started = time.monotonic()
    b = Bench(opts)
    b.meta = machine_info()
    try:
        b.setup_env()
        b.run()
    finally:
        b.teardown_env()
    elapsed = time.monotonic() - started
    mode = "quick" if b.quick else "full"
    print(
        f"\ngpath benchmark ({mode}, {b.reps} rounds, {elapsed:.0f} s) on "
        f"{b.meta['nproc']} cores {b.meta['cpu']}, {b.meta['glusterfs']}\n"
    )
    for impl, reason in b.skipped.items():
        print(f"skipped {impl}: {reason}")
    table = report.print_table(b)
    ts = report.targets(b)
    report.print_targets(ts)
    cmd = "python benchmarks/run.py" + (" --quick" if b.quick else "")
    out = report.save_results(b, elapsed, ts, cmd)
    print(f"\nJSON: {out}")
    if (not b.quick or opts.docs) and not opts.no_docs:
        report.write_page(b, ts, table, cmd)


if __name__ == "__main__":
    main()
