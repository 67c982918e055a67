"""The main job, shown end to end on a throwaway local volume (``python -m gpath.testing demo``).

Starts glusterd and the single-brick volume through the harness if needed, mounts it with
gpath, makes a directory, writes and reads files through :class:`gpath.GlusterPath`, lists
them, cleans up, unmounts, and prints each step.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gpath.testing demo", description=__doc__)
    parser.add_argument("--volume", default="gpath_single", help="harness volume to use")
    args = parser.parse_args(argv)

    from gpath import Volume
    from gpath.testing import cluster

    started = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.2f}s] {message}", flush=True)

    spec = cluster.STANDARD_VOLUMES[args.volume]
    info = cluster.ensure_volume(args.volume, spec.layout, spec.bricks)
    say(f"local GlusterFS volume {info.name!r} is up (bricks: {', '.join(info.bricks)})")

    with Volume(cluster.client_host(), args.volume) as vol:
        say(f"mounted through libgfapi: {vol!r}, volume id {vol.get_volume_id()}")
        top = vol.root / f"gpath-demo-{os.getpid()}"
        top.mkdir()
        say(f"made directory {top}")

        report = top / "reports" / "2026" / "summary.txt"
        report.parent.mkdir(parents=True)
        report.write_text("Winter is coming.\n", encoding="utf-8")
        (top / "data.bin").write_bytes(bytes(range(256)) * 4096)
        say(f"wrote {report.path!r} and {(top / 'data.bin').path!r}")

        say(f"read back: {report.read_text(encoding='utf-8')!r}")
        data = (top / "data.bin").read_bytes()
        say(f"read back {len(data)} bytes from data.bin, intact: {data == bytes(range(256)) * 4096}")

        for path in sorted(top.rglob("*")):
            kind = "dir " if path.is_dir() else "file"
            size = path.stat().st_size if path.is_file() else 0
            say(f"  {kind} {path.relative_to(top)}  {size} bytes")

        top.rmtree()
        say(f"removed {top.path!r}; exists now: {top.exists()}")
    say("unmounted; done")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
