"""The report side of gpath's benchmark suite: targets, the table, JSON, docs and the plot.

The prose of docs/benchmarks.md lives in markdown beside the other design notes:
docs/design/benchmark-analysis.md becomes the page's Analysis section, and
docs/design/benchmark-targets.md holds why each target can be missed.  Everything after
``DOCS_MARKER`` in docs/benchmarks.md belongs to other benchmark scripts and is kept.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import statistics
from pathlib import Path
from typing import Any

from adapters import MIB
from runner import HERE, ROOT, VOLNAME, Bench, bs_label

RESULTS = HERE / "results"
DOCS = ROOT / "docs"
ANALYSIS_MD = DOCS / "design" / "benchmark-analysis.md"
TARGETS_MD = DOCS / "design" / "benchmark-targets.md"
DOCS_MARKER = "<!-- Sections below are written by other benchmark scripts; run.py keeps them. -->"


def _sections(path: Path) -> list[tuple[str, list[str]]]:
    """The ``## `` sections of a markdown file, as (heading, lines); the preamble is dropped."""
    out: list[tuple[str, list[str]]] = []
    for line in path.read_text().splitlines():
        if line.startswith("## "):
            out.append((line[3:], []))
        elif out:
            out[-1][1].append(line)
    return out


def load_why(path: Path = TARGETS_MD) -> dict[str, str]:
    """Target-id prefix -> why such a target can be missed (docs/design/benchmark-targets.md)."""
    why: dict[str, str] = {}
    for heading, lines in _sections(path):
        text = " ".join(line.strip() for line in lines if line.strip())
        for prefix in re.findall(r"`([^`]+)`", heading):
            why[prefix] = text
    return why


def load_analysis(path: Path = ANALYSIS_MD) -> str:
    """The page's Analysis section: the file from its first ``##`` heading, one level down."""
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("## "))
    return "\n".join("#" + line if line.startswith("## ") else line for line in lines[start:])


def _why(tid: str, why: dict[str, str]) -> str:
    for prefix in sorted(why, key=len, reverse=True):
        if tid.startswith(prefix):
            return why[prefix]
    return ""


def targets(b: Bench) -> list[dict[str, Any]]:
    """The issue's targets, evaluated from this run's paired ratios."""
    out: list[dict[str, Any]] = []

    def add(
        tid: str,
        text: str,
        measured: dict[str, float] | None,
        goal: float,
        how: str = ">=",
        detail: str = "",
    ) -> None:
        if measured is None:
            out.append(
                {
                    "id": tid,
                    "target": text,
                    "measured": None,
                    "met": None,
                    "detail": detail or "not measured",
                }
            )
            return
        value = measured["median"]
        met = value >= goal if how == ">=" else value <= goal
        out.append(
            {
                "id": tid,
                "target": text,
                "measured": measured,
                "met": met,
                "goal": goal,
                "how": how,
                "detail": detail,
            }
        )

    def control(name: str) -> list[str]:
        """The C program against itself in the row *name*: the run's own resolution there."""
        again = b.paired(name, "c2", "c")
        return [] if again is None else [f"C again: {again['median']:.3f}x C"]

    read_floor = b.paired("readinto 1M", "cffi", "c")
    for impl in ("gpath", "gpath.path"):
        for name in ("read 1M", "readinto 1M", "write 1M", "write 1M+fsync"):
            parts = (
                [f"bare cffi readinto: {read_floor['median']:.2f}x C"]
                if read_floor and "read" in name
                else []
            )
            add(
                f"seq-{impl}-{name}",
                f"{impl}: {name} >= 0.95x C",
                b.paired(name, impl, "c"),
                0.95,
                detail="; ".join(control(name) + parts),
            )
        add(
            f"buf4k-{impl}",
            f"{impl}: buffered 4 KiB reads >= 1.0x FUSE",
            b.paired("buffered read 4K", impl, "fuse"),
            1.0,
        )
    for name in ("create+write 4K+close", "stat", "unlink"):
        floor = b.paired(name, "cffi", "c")
        old_py = b.paired(name, "gfapi-py", "c")
        parts = control(name) + [
            f"{label}: {r['median']:.2f}x C"
            for label, r in (("bare cffi loop", floor), ("libgfapi-python", old_py))
            if r is not None
        ]
        add(
            f"meta-{name}",
            f"gpath: {name} >= 0.95x C",
            b.paired(name, "gpath", "c"),
            0.95,
            detail="; ".join(parts),
        )
    lk = f"{b.listing // 1000}k"
    tk = f"{b.tree[0] * b.tree[1] / 1000:g}k"
    add(
        "scandir",
        f"gpath: scandir {lk} >= 0.9x C readdirplus",
        b.paired(f"scandir+is_file {lk}", "gpath", "c"),
        0.9,
    )
    for op in ("stat", "create"):
        one, eight = b.entry(f"{op} x1 threads"), b.entry(f"{op} x8 threads")
        ratio = None
        if one and eight:
            ratio = _ratio_of_entries(eight, one, "gpath")
        c_ratio = _ratio_of_entries(eight, one, "c") if one and eight else None
        add(
            f"threads-{op}",
            f"gpath: {op} with 8 threads >= 2x its own 1 thread",
            ratio,
            2.0,
            detail="" if c_ratio is None else f"C: {c_ratio['median']:.2f}x with 8 threads",
        )
    add(
        "iterdir",
        "GlusterPath.iterdir()+is_file() >= 0.9x low-level scandir loop",
        b.paired(f"scandir+is_file {lk}", "gpath.path", "gpath"),
        0.9,
    )
    add(
        "iterdir-info",
        "(variant) GlusterPath.iterdir()+info.is_file() >= 0.9x low-level scandir loop",
        b.paired(f"iterdir+info.is_file {lk}", "gpath.path", "gpath"),
        0.9,
    )
    for name in ("rglob *.dat", f"rmtree {tk} files", f"copytree {tk} files"):
        tid = "tree-rglob" if name.startswith("rglob") else f"tree-{name}"
        add(
            tid,
            f"gpath.path: {name} >= 2x naive low-level loop",
            b.paired(name, "gpath.path", "naive"),
            2.0,
        )
    e = b.entry("trivial call (lseek CUR)")
    if e and e["impls"].get("gpath", {}).get("values"):
        diffs = [
            g - c
            for g, c in zip(e["impls"]["gpath"]["values"], e["impls"]["c"]["values"], strict=False)
            if g is not None and c is not None
        ]
        if diffs:
            add(
                "overhead",
                "gpath: trivial call <= 0.5 us above C",
                {"median": statistics.median(diffs), "min": min(diffs), "max": max(diffs)},
                0.5,
                "<=",
                detail="us above C",
            )
    for label, name in (
        ("read()", f"peak RSS read() {b.rss_size // MIB} MiB"),
        ("copy", f"peak RSS copy {b.rss_size // MIB} MiB"),
    ):
        v = b.med(name, "gpath")
        e2 = b.entry(name)
        goal = b.rss_size / MIB + 64 if label == "read()" else 64.0
        if v is not None and e2 is not None:
            vals = [x for x in e2["impls"]["gpath"]["values"] if x is not None]
            add(
                f"rss-{label}",
                f"gpath: peak RSS of {label} of {b.rss_size // MIB} MiB <= {goal:.0f} MiB",
                {"median": v, "min": min(vals), "max": max(vals)},
                goal,
                "<=",
                detail="MiB",
            )
    for name, goal in (("umount", 0.5), ("mount+write+umount+exit", 1.5)):
        e3 = b.entry(name)
        if e3 and "gpath" in e3["impls"]:
            s = e3["impls"]["gpath"]
            m = (
                {"median": s["median"], "min": s["min"], "max": s["max"]}
                if s["median"] is not None
                else None
            )
            add(f"life-{name}", f"gpath: {name} <= {goal} s", m, goal, "<=", detail="s")
    why = load_why()
    for t in out:
        t["why"] = _why(t["id"], why) if t["met"] is False else ""
    return out


def _ratio_of_entries(a: dict[str, Any], b: dict[str, Any], impl: str) -> dict[str, float] | None:
    x, y = a["impls"].get(impl, {}).get("values", []), b["impls"].get(impl, {}).get("values", [])
    ratios = [p / q for p, q in zip(x, y, strict=False) if p is not None and q]
    if not ratios:
        return None
    return {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios)}


def _fmt(v: float | None) -> str:
    if v is None:
        return "-"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    if abs(v) >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def table_rows(b: Bench) -> list[list[str]]:
    rows = []
    for e in b.results:
        for impl, s in e["impls"].items():
            r = s["ratio_vs_c"]
            ratio = (
                "-"
                if impl == "c" or r is None
                else f"{r['median']:.2f} ({r['min']:.2f}-{r['max']:.2f})"
            )
            if s["median"] is None:
                value, rng = "FAILED", _short_error(s["errors"])
            else:
                value = _fmt(s["median"])
                rng = f"{_fmt(s['min'])}-{_fmt(s['max'])}"
                if s["errors"]:
                    rng += f" ({len(s['errors'])} failed)"
            rows.append([e["name"], impl, value, rng, e["unit"], ratio])
    return rows


def _short_error(errors: list[str]) -> str:
    """The gist of a failure for the table (the JSON keeps the full text)."""
    text = (sorted(set(errors))[0] if errors else "failed").strip().rstrip(":").strip()
    for key in ("Segmentation", "signal", "Error:", "Error", "timed out"):
        at = text.find(key)
        if at >= 0:
            start = text.rfind("|", 0, at) + 1
            return text[start : start + 90].strip()
    return text[:90]


def print_table(b: Bench) -> str:
    head = ["workload", "impl", "median", "min-max", "unit", "ratio vs C (min-max)"]
    rows = table_rows(b)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=False)]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=False)),
        "  ".join("-" * w for w in widths),
    ]
    last = None
    for row in rows:
        if last is not None and row[0] != last:
            lines.append("")
        last = row[0]
        lines.append("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=False)))
    text = "\n".join(lines)
    print(text)
    return text


def _fmt_measured(t: dict[str, Any]) -> str:
    """A target's "median (min-max)", with a fourth digit where three would round a median
    that misses its goal onto the goal (1.9967 is not shown as "2" next to "no")."""
    m = t["measured"]
    if m is None:
        return "-"
    median = f"{m['median']:.3g}"
    if float(median) == t.get("goal") and m["median"] != t["goal"]:
        median = f"{m['median']:.4g}"
    return f"{median} ({m['min']:.3g}-{m['max']:.3g})"


def print_targets(ts: list[dict[str, Any]]) -> None:
    print("\nTargets:")
    for t in ts:
        state = "n/a " if t["met"] is None else ("MET " if t["met"] else "MISS")
        val = _fmt_measured(t)
        extra = "; ".join(
            x
            for x in (t.get("detail", ""), t.get("why", ""))
            if x and x not in ("s", "MiB", "us above C")
        )
        print(f"  {state} {t['target']:<70} measured {val}" + (f"  [{extra}]" if extra else ""))


def plot(b: Bench, path: Path) -> str | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed (pip install matplotlib): no plot"
    ops = [("write", "write {}"), ("read", "read {}"), ("readinto", "readinto {}")]
    labels = [bs_label(bs) for bs in b.blocks]
    impls = [
        i
        for i in ("c", "gpath", "gpath.path", "fuse", "gfapi-py")
        if i in b.opts.impls and i not in b.skipped
    ]
    fig, axes = plt.subplots(1, len(ops), figsize=(15, 4.8), sharey=True)
    width = 0.8 / max(len(impls), 1)
    for ax, (title, pattern) in zip(axes, ops, strict=False):
        for k, impl in enumerate(impls):
            vals = [b.med(pattern.format(lbl), impl) or 0 for lbl in labels]
            ax.bar([x + k * width for x in range(len(labels))], vals, width, label=impl)
        ax.set_xticks([x + width * (len(impls) - 1) / 2 for x in range(len(labels))], labels)
        ax.set_title(f"sequential {title} (raw, unbuffered)")
        ax.set_xlabel("block size")
        ax.set_yscale("log")
        ax.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel("MiB/s (median, log scale)")
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=len(impls), fontsize=9)
    fig.suptitle(f"gpath benchmark: throughput by implementation and block size ({b.meta['date']})")
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return None


def write_docs(b: Bench, ts: list[dict[str, Any]], table: str, cmd: str) -> None:
    m = b.meta
    lines = [
        "# Benchmarks",
        "",
        "Generated by `benchmarks/run.py` (issue 5); do not edit by hand: rerun "
        "`python benchmarks/run.py` (full, ~45 min) to refresh this page.  `--quick` runs a "
        "reduced set in under 3 minutes and leaves this page alone unless given `--docs`.  The "
        "Analysis and the reasons next to missed targets come from "
        "[design/benchmark-analysis.md](design/benchmark-analysis.md) and "
        "[design/benchmark-targets.md](design/benchmark-targets.md): edit them there.  The "
        "sections after the marker at the end are other benchmark scripts', which run.py keeps.",
        "",
        f"- Command: `{cmd}` ({'quick' if b.quick else 'full'} mode, {b.reps} interleaved rounds"
        + (
            ""
            if b.close_reps == b.reps
            else f", {b.close_reps} for the create/unlink rows, {b.tree_reps} for "
            f"rmtree/copytree and {b.fine_reps} for the 1 MiB reads and writes and stat, whose "
            "targets sit within a few per cent of their line"
        )
        + "; lifecycle workloads with a 10 s glfs_fini: "
        + ("1 round" if b.quick else "3 rounds")
        + ")",
        f"- Machine: {m['nproc']} cores, {m['cpu']}, {m['ram_gib']} GiB RAM, {m['glusterfs']}, "
        f"Linux {m['kernel']}, Python {m['python']}; {m['date']}",
        f"- Volume: `{VOLNAME}`, distribute over one brick on this machine (loopback), created by "
        "`gpath.testing.cluster.ensure_volume` and deleted afterwards",
        "- Each implementation runs each measurement in a process of its own; rounds interleave "
        "the implementations (A B C A B C ...).  `ratio vs C` is the median (min-max) of the "
        "per-round ratios implementation/C: above 1 is faster for rates, below 1 is better for "
        "times and memory.",
        f"- Sizes: sequential files {b.big // MIB} MiB (1 MiB reads: {b.fine_read_size // MIB} "
        f"MiB, 4 KiB blocks: {b.small4k // MIB} MiB); "
        f"{b.nfiles} small files; a "
        f"{b.listing}-entry directory; a tree of {b.tree[0]}x{b.tree[1]} 4 KiB files; RSS file "
        f"{b.rss_size // MIB} MiB.",
        "",
    ]
    if b.skipped:
        lines += (
            ["Implementations not run:", ""]
            + [f"- `{k}`: {v}" for k, v in b.skipped.items()]
            + [""]
        )
    lines += [
        "![throughput by implementation and block size](benchmarks-throughput.png)",
        "",
        "## Results",
        "",
        "| workload | impl | median | min-max | unit | ratio vs C (min-max) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in table_rows(b):
        lines.append("| " + " | ".join(c.replace("|", "/") for c in row) + " |")
    notes = [f"- **{e['name']}**: {e['note']}" for e in b.results if e.get("note")]
    if notes:
        lines += ["", "What each implementation does where it is not obvious:", ""] + notes
    lines += [
        "",
        "## Targets",
        "",
        "Ratios are paired per round; RSS in MiB, times in s.",
        "",
        "| target | measured (median, min-max) | met | why not / detail |",
        "| --- | --- | --- | --- |",
    ]
    for t in ts:
        val = _fmt_measured(t)
        state = "n/a" if t["met"] is None else ("yes" if t["met"] else "**no**")
        detail = (
            t.get("detail", "") if t.get("detail", "") not in ("s", "MiB", "us above C") else ""
        )
        why = "; ".join(x for x in (detail, t.get("why", "")) if x)
        lines.append(f"| {t['target']} | {val} | {state} | {why} |")
    lines += ["", "## Analysis", "", load_analysis().strip(), ""]
    page = DOCS / "benchmarks.md"
    kept = page.read_text().partition(DOCS_MARKER)[2] if page.exists() else ""
    page.write_text("\n".join(lines) + "\n" + DOCS_MARKER + kept.rstrip("\n") + "\n")


def save_results(b: Bench, seconds: float, ts: list[dict[str, Any]], cmd: str) -> Path:
    """Write this run's JSON to benchmarks/results/ (stamped, and as latest.json)."""
    RESULTS.mkdir(exist_ok=True)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    payload = {
        "meta": b.meta,
        "mode": "quick" if b.quick else "full",
        "rounds": b.reps,
        "seconds": seconds,
        "skipped": b.skipped,
        "results": b.results,
        "targets": ts,
        "command": cmd,
    }
    out = RESULTS / f"{stamp}{'-quick' if b.quick else ''}.json"
    out.write_text(json.dumps(payload, indent=1))
    (RESULTS / "latest.json").write_text(json.dumps(payload, indent=1))
    return out


def load_results(b: Bench, payload: dict[str, Any]) -> str:
    """Put a saved run into *b* (made with the run's mode and rounds); returns its command."""
    b.meta = payload["meta"]
    b.results, b.skipped = payload["results"], payload["skipped"]
    return str(payload.get("command", "python benchmarks/run.py"))


def write_page(b: Bench, ts: list[dict[str, Any]], table: str, cmd: str) -> None:
    """The plot, then docs/benchmarks.md (a plot that cannot be drawn is noted on the page)."""
    problem = plot(b, DOCS / "benchmarks-throughput.png")
    if problem:
        b.skipped["plot"] = problem
    write_docs(b, ts, table, cmd)
    print(f"docs: {DOCS / 'benchmarks.md'}")
