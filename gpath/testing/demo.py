"""The main job, shown end to end on a throwaway local volume (``python -m gpath.testing demo``).

Brings the volume up exactly as the test command does (:func:`gpath.testing.cluster.up`:
GlusterFS installed if missing, glusterd started if it is not running, the single-brick
volume created or reused), mounts it with gpath, makes a directory, writes and reads files
through :class:`gpath.GlusterPath`, lists them, cleans up, unmounts, and prints each step.
A glusterd the demo starts keeps running afterwards (``python -m gpath.testing down
--stop-glusterd`` stops it, and only it).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from gpath.testing import cluster

    parser = argparse.ArgumentParser(prog="python -m gpath.testing demo", description=__doc__)
    parser.add_argument(
        "--volume",
        default="gpath_single",
        choices=sorted(cluster.STANDARD_VOLUMES),
        help="harness volume to use (default: %(default)s)",
    )
    args = parser.parse_args(argv)

    from gpath import Volume

    started = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.2f}s] {message}", flush=True)

    glusterd_was_running = bool(cluster.glusterd_pids())
    if not glusterd_was_running:
        say("glusterd is not running; starting it")
    # The same call as `python -m gpath.testing up`: packages, glusterd, then the volume.
    (info,) = cluster.up([args.volume])
    if not glusterd_was_running:
        say(f"glusterd is running (pid {' '.join(map(str, cluster.glusterd_pids()))})")
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
        intact = data == bytes(range(256)) * 4096
        say(f"read back {len(data)} bytes from data.bin, intact: {intact}")

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
