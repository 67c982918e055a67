"""``python -m gpath.testing {up,down,status,nodes,demo}``: drive the local test clusters."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from . import cluster
from .cluster import HarnessError


def _cmd_up(args: argparse.Namespace) -> int:
    infos = cluster.up(args.volumes or None)
    for info in infos:
        print(f"{info.name}\t{info.layout}\t{cluster.client_host()}\t{' '.join(info.brick_specs)}")
    return 0


def _cmd_down(args: argparse.Namespace) -> int:
    if args.volumes:
        for name in args.volumes:
            deleted = cluster.delete_volume(name)
            print(f"{name}\t{'deleted' if deleted else 'absent'}")
        if args.stop_glusterd:
            cluster.stop_glusterd_if_ours()
    else:
        for name in cluster.teardown(stop_glusterd=args.stop_glusterd):
            print(f"{name}\tdeleted")
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    pids = cluster.glusterd_pids()
    if not pids:
        print("glusterd: not running")
        return 0
    print(f"glusterd: pid {' '.join(map(str, pids))}")
    ours = set(cluster.owned_volumes())
    names = args.volumes or cluster.volume_names()
    for name in names:
        vol = cluster.volume_info(name)
        if vol is None:
            print(f"{name}: absent")
            continue
        mark = "ours" if name in ours else "foreign"
        print(f"{name}: {vol.status} {vol.type} x{vol.brick_count} ({mark})")
        for b in cluster.brick_status(name):
            state = f"online pid {b.pid}" if b.online else "OFFLINE"
            print(f"  {b.host}:{b.path}\t{state}")
    return 0


def _cmd_nodes(args: argparse.Namespace) -> int:
    nodes = cluster.NodeCluster()
    if args.action == "up":
        for name, vol in nodes.up().items():
            print(f"{name}\t{vol.layout}\t{','.join(vol.hosts)}\t{' '.join(vol.brick_specs)}")
    elif args.action == "down":
        nodes.down()
        print("node cluster removed")
    elif args.action == "status":
        print("\n".join(nodes.status()))
    elif args.node is None:
        raise HarnessError(f"nodes {args.action} needs a node number (1..{len(nodes.nodes)})")
    elif args.action == "stop":
        print(f"node {args.node}: killed pids {nodes.stop_node(args.node)}")
    elif args.action == "start":
        print(f"node {args.node}: started in {nodes.start_node(args.node):.1f}s")
    elif args.action == "freeze":
        pids = nodes.freeze_node(args.node, args.seconds)
        print(f"node {args.node}: pids {pids} frozen for {args.seconds:g}s, then thawed")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    # --- demo hook -------------------------------------------------------
    # gpath.testing.demo is written separately; import it lazily so that the
    # harness CLI works without it (and without the compiled binding).
    try:
        mod = importlib.import_module("gpath.testing.demo")
    except ModuleNotFoundError as exc:
        if exc.name != "gpath.testing.demo":
            raise
        raise HarnessError("gpath.testing.demo is not available (not written yet?)") from None
    main = getattr(mod, "main", None)
    if not callable(main):
        raise HarnessError("gpath.testing.demo has no main()")
    sys.argv = [f"{sys.argv[0]} demo", *args.rest]
    rc = main()
    return rc if isinstance(rc, int) else 0
    # --- end demo hook ---------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m gpath.testing", description=__doc__)
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("up", help="install/start GlusterFS and ensure test volumes")
    s.add_argument("volumes", nargs="*", help=f"default: {' '.join(cluster.STANDARD_VOLUMES)}")
    s.set_defaults(func=_cmd_up)
    s = sub.add_parser("down", help="delete our test volumes")
    s.add_argument(
        "--stop-glusterd", action="store_true", help="also stop glusterd if we started it"
    )
    s.add_argument("volumes", nargs="*", help="default: all volumes owned by the harness")
    s.set_defaults(func=_cmd_down)
    s = sub.add_parser("status", help="show volumes and brick pids")
    s.add_argument("volumes", nargs="*")
    s.set_defaults(func=_cmd_status)
    s = sub.add_parser("nodes", help="the 3-node cluster in network namespaces")
    s.add_argument("action", choices=("up", "down", "status", "stop", "start", "freeze"))
    s.add_argument("node", nargs="?", type=int, help="node number for stop/start/freeze")
    s.add_argument("--seconds", type=float, default=10.0, help="freeze length (default 10)")
    s.set_defaults(func=_cmd_nodes)
    s = sub.add_parser("demo", help="run gpath.testing.demo.main()")
    s.add_argument("rest", nargs=argparse.REMAINDER)
    s.set_defaults(func=_cmd_demo)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # argparse's REMAINDER drops leading options ("demo --x"), so hand
    # everything after "demo" to the demo verbatim.
    head = 0
    while head < len(argv) and argv[head] in ("-v", "--verbose"):
        head += 1
    if head < len(argv) and argv[head] == "demo":
        args = build_parser().parse_args(argv[: head + 1])
        args.rest = argv[head + 1 :]
    else:
        args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="gpath.testing: %(message)s",
    )
    try:
        rc = args.func(args)
        return rc if isinstance(rc, int) else 0
    except HarnessError as exc:
        print("error: " + " | ".join(str(exc).splitlines()), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
