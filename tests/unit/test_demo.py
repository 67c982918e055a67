"""The demo (``bash scripts/demo.sh`` -> ``python -m gpath.testing demo``) brings its volume up
exactly as the test command does, starting glusterd when none runs.

No real GlusterFS is touched: the harness's system-package, volume and mount steps are
replaced, and the "glusterd" the harness starts is a fake one (a shell script that
daemonizes like glusterd) in a temporary state directory, stopped again through the
harness's own ``stop_glusterd_if_ours``.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import gpath
from gpath.testing import __main__ as cli
from gpath.testing import cluster, demo
from gpath.testing.cluster import HarnessError

root_only = pytest.mark.skipif(os.geteuid() != 0, reason="the harness lock needs root")

# Daemonizes like glusterd: the parent exits 0 once the child (comm "glusterd", as the
# script's name) has written its pid to the -p file; the child waits on a fifo that
# never delivers, so it lives until it is signalled (or for at most a minute).
FAKE_GLUSTERD = """\
#!/bin/bash
[ "$1" = -p ] || exit 2
pidfile=$2
mkfifo "$pidfile.fifo" || exit 3
( echo "$BASHPID" > "$pidfile.tmp" && mv "$pidfile.tmp" "$pidfile"
  read -r -t 60 _ <> "$pidfile.fifo" ) </dev/null >/dev/null 2>&1 &
exit 0
"""
# Answers `gluster --mode=script volume list` (the harness's readiness probe).
FAKE_GLUSTER = """\
#!/bin/bash
echo "No volumes present in cluster"
"""


class Stop(Exception):
    """Raised by the fake Volume: the demo got as far as mounting."""


def _write_exe(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[object]]:
    """The harness with fake binaries and a private state dir; yields the steps taken."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    _write_exe(bindir / "glusterd", FAKE_GLUSTERD)
    _write_exe(bindir / "gluster", FAKE_GLUSTER)
    state = tmp_path / "state"
    state.mkdir()
    monkeypatch.setattr(cluster, "STATE_DIR", state)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")

    real_pids = cluster.glusterd_pids

    def fake_glusterd_pids() -> list[int]:
        # Only our fake counts: the machine's own glusterd (if any) is invisible here.
        ours = str(bindir / "glusterd")
        return [p for p in real_pids() if ours in (cluster._proc_cmdline(p) or [])]

    steps: list[object] = []
    real_ensure_glusterd = cluster.ensure_glusterd

    def ensure_glusterd(timeout: float = cluster.GLUSTERD_READY_TIMEOUT) -> bool:
        started = real_ensure_glusterd(timeout)
        steps.append(("glusterd", "started" if started else "was running"))
        return started

    def ensure_volume(
        name: str, layout: cluster.Layout, bricks: int, options: object = None
    ) -> cluster.VolumeInfo:
        steps.append(("volume", name, layout, bricks))
        paths = tuple(f"{state}/bricks/{name}/b{i}" for i in range(bricks))
        return cluster.VolumeInfo(name=name, host="vm", bricks=paths, layout=layout)

    class FakeVolume:
        def __init__(self, host: str, name: str, *args: object, **kwargs: object) -> None:
            steps.append(("mount", host, name))
            raise Stop

    monkeypatch.setattr(cluster, "glusterd_pids", fake_glusterd_pids)
    monkeypatch.setattr(cluster, "ensure_system_packages", lambda: steps.append("packages"))
    monkeypatch.setattr(cluster, "ensure_glusterd", ensure_glusterd)
    monkeypatch.setattr(cluster, "ensure_volume", ensure_volume)
    monkeypatch.setattr(gpath, "Volume", FakeVolume)
    try:
        yield steps
    finally:
        for pid in fake_glusterd_pids():  # only ever our own fake
            os.kill(pid, 15)


@root_only
def test_demo_starts_glusterd_when_none_runs(
    harness: list[object], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cluster.glusterd_pids() == []
    with pytest.raises(Stop):
        demo.main([])
    assert harness == [
        "packages",
        ("glusterd", "started"),
        ("volume", "gpath_single", "distribute", 1),
        ("mount", cluster.client_host(), "gpath_single"),
    ]
    (pid,) = cluster.glusterd_pids()
    out = capsys.readouterr().out
    assert "glusterd is not running; starting it" in out
    assert f"glusterd is running (pid {pid})" in out
    assert "volume 'gpath_single' is up" in out
    # recorded as ours, so the harness (and only the harness) may stop it again
    assert cluster.stop_glusterd_if_ours(timeout=10) is True
    assert cluster.glusterd_pids() == []


@root_only
def test_demo_reuses_a_running_glusterd(
    harness: list[object], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cluster.ensure_glusterd() is True  # the one "already running"
    harness.clear()
    with pytest.raises(Stop):
        demo.main(["--volume", "gpath_rep3"])
    assert harness == [
        "packages",
        ("glusterd", "was running"),
        ("volume", "gpath_rep3", "replicate", 3),
        ("mount", cluster.client_host(), "gpath_rep3"),
    ]
    assert len(cluster.glusterd_pids()) == 1
    assert "starting it" not in capsys.readouterr().out


@root_only
def test_demo_cli_reports_a_glusterd_that_will_not_start(
    harness: list[object],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _write_exe(tmp_path / "bin" / "glusterd", "#!/bin/bash\necho 'no way' >&2\nexit 1\n")
    monkeypatch.setattr(sys, "argv", ["python -m gpath.testing"])
    assert cli.main(["demo"]) == 1
    assert harness == ["packages"]  # neither a volume nor a mount was attempted
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "glusterd exited with 1" in err


def test_demo_rejects_unknown_volumes_before_touching_the_cluster(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def forbidden(*_a: object, **_k: object) -> list[cluster.VolumeInfo]:
        raise AssertionError("the cluster was touched")

    monkeypatch.setattr(cluster, "up", forbidden)
    with pytest.raises(SystemExit) as exc:
        demo.main(["--volume", "not_a_harness_volume"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
