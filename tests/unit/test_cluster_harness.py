"""Tests of the local GlusterFS harness (gpath.testing.cluster).

Most tests are pure (parsing, refusal logic) and need no server.  Anything
that signals a process only ever signals a child this test spawned itself.
The last test drives the real harness and is skipped unless running as root
on a machine where the harness may install/start GlusterFS.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from gpath.testing import __main__ as cli
from gpath.testing import cluster
from gpath.testing.cluster import HarnessError

# Captured from GlusterFS 10.3 right after SIGKILLing brick b1 of a replica-3 volume.
STATUS_ONE_BRICK_DOWN = """\
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cliOutput>
  <opRet>0</opRet>
  <opErrno>0</opErrno>
  <opErrstr/>
  <volStatus>
    <volumes>
      <volume>
        <volName>gpath_tmp_a</volName>
        <nodeCount>4</nodeCount>
        <node>
          <hostname>vm</hostname>
          <path>/var/lib/gpath-testing/bricks/gpath_tmp_a/b0</path>
          <peerid>b703a474-c1ba-41c9-91ef-c238a0184dc0</peerid>
          <status>1</status>
          <port>49644</port>
          <ports><tcp>49644</tcp><rdma>N/A</rdma></ports>
          <pid>5851</pid>
        </node>
        <node>
          <hostname>vm</hostname>
          <path>/var/lib/gpath-testing/bricks/gpath_tmp_a/b1</path>
          <peerid>b703a474-c1ba-41c9-91ef-c238a0184dc0</peerid>
          <status>0</status>
          <port>N/A</port>
          <ports><tcp>N/A</tcp><rdma>N/A</rdma></ports>
          <pid>-1</pid>
        </node>
        <node>
          <hostname>vm</hostname>
          <path>/var/lib/gpath-testing/bricks/gpath_tmp_a/b2</path>
          <peerid>b703a474-c1ba-41c9-91ef-c238a0184dc0</peerid>
          <status>1</status>
          <port>53195</port>
          <ports><tcp>53195</tcp><rdma>N/A</rdma></ports>
          <pid>5883</pid>
        </node>
        <node>
          <hostname>Self-heal Daemon</hostname>
          <path>localhost</path>
          <peerid>b703a474-c1ba-41c9-91ef-c238a0184dc0</peerid>
          <status>1</status>
          <port>N/A</port>
          <ports><tcp>N/A</tcp><rdma>N/A</rdma></ports>
          <pid>5466</pid>
        </node>
        <tasks/>
      </volume>
    </volumes>
  </volStatus>
</cliOutput>
"""

# What 10.3 answers (with exit code 0!) for the status of a stopped volume.
STATUS_NOT_STARTED = """\
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cliOutput>
  <opRet>-1</opRet>
  <opErrno>30800</opErrno>
  <opErrstr>Volume gpath_tmp_a is not started</opErrstr>
  <cliOp>volStatus</cliOp>
  <output>Volume gpath_tmp_a is not started</output>
</cliOutput>
"""

INFO_SINGLE = """\
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cliOutput>
  <opRet>0</opRet>
  <opErrno>0</opErrno>
  <opErrstr/>
  <volInfo>
    <volumes>
      <volume>
        <name>gpath_single</name>
        <id>ce4f10b4-5cc3-4207-8a6c-35173143124f</id>
        <status>1</status>
        <statusStr>Started</statusStr>
        <brickCount>1</brickCount>
        <distCount>1</distCount>
        <replicaCount>1</replicaCount>
        <type>0</type>
        <typeStr>Distribute</typeStr>
        <bricks>
          <brick uuid="b703a474-c1ba-41c9-91ef-c238a0184dc0">vm:/var/lib/gpath-testing/bricks/gpath_single/b0<name>vm:/var/lib/gpath-testing/bricks/gpath_single/b0</name><hostUuid>b703a474-c1ba-41c9-91ef-c238a0184dc0</hostUuid><isArbiter>0</isArbiter></brick>
        </bricks>
        <optCount>2</optCount>
        <options>
          <option><name>network.ping-timeout</name><value>5</value></option>
          <option><name>nfs.disable</name><value>on</value></option>
        </options>
      </volume>
      <count>1</count>
    </volumes>
  </volInfo>
</cliOutput>
"""

HEAL_INFO_BRICK_DOWN = """\
Brick vm:/var/lib/gpath-testing/bricks/gpath_tmp_a/b0
/
Status: Connected
Number of entries: 1

Brick vm:/var/lib/gpath-testing/bricks/gpath_tmp_a/b1
Status: Transport endpoint is not connected
Number of entries: -

Brick vm:/var/lib/gpath-testing/bricks/gpath_tmp_a/b2
/
Status: Connected
Number of entries: 1
"""

HEAL_INFO_CLEAN = """\
Brick vm:/var/lib/gpath-testing/bricks/gpath_tmp_a/b0
Status: Connected
Number of entries: 0

Brick vm:/var/lib/gpath-testing/bricks/gpath_tmp_a/b1
Status: Connected
Number of entries: 0
"""

root_only = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")


# ---------------------------------------------------------------- parsing


def test_status_xml_offline_brick_has_no_pid() -> None:
    bricks, daemons = cluster.parse_volume_status_xml(STATUS_ONE_BRICK_DOWN)
    assert [b.pid for b in bricks] == [5851, None, 5883]
    assert [b.online for b in bricks] == [True, False, True]
    assert [b.port for b in bricks] == [49644, None, 53195]
    assert bricks[1].path == "/var/lib/gpath-testing/bricks/gpath_tmp_a/b1"
    assert [(d.host, d.online, d.pid) for d in daemons] == [("Self-heal Daemon", True, 5466)]


@pytest.mark.parametrize("status,pid", [("1", "-1"), ("1", "0"), ("1", "1"), ("1", "N/A"), ("0", "4242")])
def test_status_xml_never_yields_dangerous_or_offline_pids(status: str, pid: str) -> None:
    xml = STATUS_ONE_BRICK_DOWN.replace(
        "<status>1</status>\n          <port>49644</port>",
        f"<status>{status}</status>\n          <port>49644</port>",
    ).replace("<pid>5851</pid>", f"<pid>{pid}</pid>")
    bricks, _ = cluster.parse_volume_status_xml(xml)
    assert bricks[0].pid is None
    assert bricks[0].online is False


def test_status_xml_error_raises() -> None:
    with pytest.raises(HarnessError, match="not started"):
        cluster.parse_volume_status_xml(STATUS_NOT_STARTED)


def test_volume_info_xml() -> None:
    (vol,) = cluster.parse_volume_info_xml(INFO_SINGLE)
    assert vol.name == "gpath_single"
    assert vol.started and vol.type == "Distribute"
    assert vol.brick_count == 1 and vol.replica_count == 1
    assert vol.bricks == ("vm:/var/lib/gpath-testing/bricks/gpath_single/b0",)
    assert vol.brick_paths == ["/var/lib/gpath-testing/bricks/gpath_single/b0"]
    assert vol.options["network.ping-timeout"] == "5"


def test_heal_info_parsing() -> None:
    assert cluster.parse_heal_info(HEAL_INFO_CLEAN) == 0
    assert cluster.parse_heal_info(HEAL_INFO_BRICK_DOWN) is None  # "-" = unknown, not healed
    assert cluster.parse_heal_info(HEAL_INFO_CLEAN.replace("entries: 0", "entries: 7", 1)) == 7
    assert cluster.parse_heal_info("") is None


def test_brick_ownership_is_per_volume(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(cluster, "STATE_DIR", tmp_path)
    ours = str(tmp_path / "bricks" / "v1" / "b0")
    assert cluster._brick_path_is_ours("v1", ours)
    assert not cluster._brick_path_is_ours("v2", ours)  # another volume's brick dir
    assert not cluster._brick_path_is_ours("v1", "/srv/brick/b0")
    assert not cluster._brick_path_is_ours("v1", str(tmp_path / "bricks" / "v1" / ".." / "v2" / "b0"))
    with pytest.raises(HarnessError):
        cluster._wipe_dir_under_bricks(tmp_path)
    with pytest.raises(HarnessError):
        cluster._wipe_dir_under_bricks(tmp_path / "bricks")


# ---------------------------------------------------------------- signalling safety


@pytest.mark.parametrize("pid", [-1, 0, 1, True, "1234", None, 2.5])
def test_refuses_dangerous_pid_values(pid: object) -> None:
    with pytest.raises(HarnessError, match="refusing"):
        cluster.verify_brick_process(pid, "gpath_single")
    with pytest.raises(HarnessError, match="refusing"):
        cluster.signal_brick_process(pid, "gpath_single", signal.SIGCONT)


def test_refuses_process_that_is_not_this_volumes_glusterfsd() -> None:
    # Our own pid: rejected outright, and its cmdline (python) is not glusterfsd either.
    with pytest.raises(HarnessError, match="refusing"):
        cluster.verify_brick_process(os.getpid(), "gpath_single")
    with pytest.raises(HarnessError, match="refusing"):
        cluster.signal_brick_process(os.getpid(), "gpath_single", signal.SIGCONT)


def _fake_proc(root: Path, pid: int, argv: list[str], comm: str) -> None:
    d = root / str(pid)
    d.mkdir(parents=True)
    (d / "cmdline").write_bytes(b"".join(a.encode() + b"\0" for a in argv))
    (d / "comm").write_text(comm + "\n")


def test_verify_brick_process_against_fake_proc(tmp_path: Path) -> None:
    brick = "/var/lib/gpath-testing/bricks/gpath_rep3/b1"
    good = [
        "/usr/sbin/glusterfsd", "-s", "vm",
        "--volfile-id", "gpath_rep3.vm.var-lib-gpath-testing-bricks-gpath_rep3-b1",
        "--brick-name", brick,
    ]
    _fake_proc(tmp_path, 1000, good, "glusterfsd")
    _fake_proc(tmp_path, 1001, [*good[:4], "gpath_rep3x.vm.foo", *good[5:]], "glusterfsd")
    _fake_proc(tmp_path, 1002, ["/usr/sbin/glusterfs", *good[1:]], "glusterfs")
    _fake_proc(tmp_path, 1003, good, "bash")
    _fake_proc(tmp_path, 1004, ["/usr/sbin/glusterfsd", "-s", "vm"], "glusterfsd")

    assert cluster.verify_brick_process(1000, "gpath_rep3", brick, proc=tmp_path) == 1000
    with pytest.raises(HarnessError, match="not volume"):  # another volume
        cluster.verify_brick_process(1000, "gpath_rep", proc=tmp_path)
    with pytest.raises(HarnessError, match="serves brick"):  # another brick of the volume
        cluster.verify_brick_process(1000, "gpath_rep3", brick[:-1] + "2", proc=tmp_path)
    with pytest.raises(HarnessError, match="not volume"):
        cluster.verify_brick_process(1001, "gpath_rep3", proc=tmp_path)
    with pytest.raises(HarnessError, match="not glusterfsd"):  # e.g. a fuse client/shd
        cluster.verify_brick_process(1002, "gpath_rep3", proc=tmp_path)
    with pytest.raises(HarnessError, match="comm"):
        cluster.verify_brick_process(1003, "gpath_rep3", proc=tmp_path)
    with pytest.raises(HarnessError, match="not volume"):  # no --volfile-id at all
        cluster.verify_brick_process(1004, "gpath_rep3", proc=tmp_path)
    with pytest.raises(HarnessError, match="no such process"):
        cluster.verify_brick_process(1005, "gpath_rep3", proc=tmp_path)


@pytest.fixture
def fake_binary(tmp_path: Path) -> Iterator[types.SimpleNamespace]:
    """Spawn children of *this* test named glusterfsd/glusterd (a copy of bash)."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("needs bash")
    children: list[subprocess.Popen[bytes]] = []

    def spawn(name: str, *args: str) -> subprocess.Popen[bytes]:
        exe = tmp_path / name
        if not exe.exists():
            shutil.copy(bash, exe)
        # bash blocks in `read` on a pipe we hold: no grandchildren, no busy loop.
        p = subprocess.Popen([str(exe), "-c", "read -t 120 _", "fake", *args], stdin=subprocess.PIPE)
        children.append(p)
        return p

    yield types.SimpleNamespace(spawn=spawn)
    for p in children:
        if p.poll() is None:
            p.kill()
        p.wait(timeout=10)
        if p.stdin is not None:
            p.stdin.close()


def test_signal_brick_process_hits_only_the_verified_child(fake_binary: types.SimpleNamespace) -> None:
    brick = "/var/lib/gpath-testing/bricks/gpath_tmpfake/b0"
    args = ("--volfile-id", "gpath_tmpfake.vm.b0", "--brick-name", brick)
    victim = fake_binary.spawn("glusterfsd", *args)
    other = fake_binary.spawn("glusterfsd", "--volfile-id", "gpath_tmpother.vm.b0")

    with pytest.raises(HarnessError):
        cluster.signal_brick_process(other.pid, "gpath_tmpfake", signal.SIGKILL)
    with pytest.raises(HarnessError):
        cluster.signal_brick_process(victim.pid, "gpath_tmpfake", signal.SIGKILL, brick_path=brick + "x")
    time.sleep(0.1)
    assert victim.poll() is None and other.poll() is None

    t0 = time.monotonic()
    assert cluster.signal_brick_process(victim.pid, "gpath_tmpfake", signal.SIGKILL, brick_path=brick) == victim.pid
    assert time.monotonic() - t0 < 10
    assert victim.wait(timeout=5) == -signal.SIGKILL
    assert other.poll() is None


def test_kill_brick_refuses_bad_status_pids(monkeypatch: pytest.MonkeyPatch) -> None:
    vol = cluster.GlusterVolume(
        name="gpath_single", volume_id="x", status="Started", type="Distribute",
        brick_count=1, replica_count=1,
        bricks=("vm:/var/lib/gpath-testing/bricks/gpath_single/b0",), options={},
    )

    def forbidden(*_a: object, **_k: object) -> None:
        raise AssertionError("a signal was sent")

    monkeypatch.setattr(cluster, "_require_ours", lambda name: vol)
    monkeypatch.setattr(os, "kill", forbidden)
    monkeypatch.setattr(signal, "pidfd_send_signal", forbidden)
    for bad in (None, -1, 0, 1, os.getpid()):
        monkeypatch.setattr(cluster, "brick_pids", lambda name, bad=bad: [bad])
        with pytest.raises(HarnessError):
            cluster.kill_brick("gpath_single", 0)
    monkeypatch.setattr(cluster, "brick_pids", lambda name: [4242])
    with pytest.raises(HarnessError, match="no brick"):
        cluster.kill_brick("gpath_single", 1)


@root_only
def test_stop_glusterd_only_if_recorded_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_binary: types.SimpleNamespace
) -> None:
    state = tmp_path / "state"
    monkeypatch.setattr(cluster, "STATE_DIR", state)
    state.mkdir()
    record = state / "glusterd.json"

    def write_record(pid: int, starttime: int) -> None:
        cluster._write_json(record, {"pid": pid, "starttime": starttime})

    # nothing recorded -> nothing stopped
    assert cluster.stop_glusterd_if_ours() is False
    # recorded pid is not a glusterd (our own process) / pid 1 -> never signalled
    write_record(os.getpid(), 0)
    assert cluster.stop_glusterd_if_ours() is False and not record.exists()
    write_record(1, 0)
    assert cluster.stop_glusterd_if_ours() is False and not record.exists()

    fake = fake_binary.spawn("glusterd")
    deadline = time.monotonic() + 5
    while cluster._proc_comm(fake.pid) != "glusterd" and time.monotonic() < deadline:
        time.sleep(0.01)
    stat = cluster._proc_stat(fake.pid)
    assert stat is not None
    # a glusterd with the recorded pid but another start time (pid reuse) -> untouched
    write_record(fake.pid, stat[1] + 1)
    assert cluster.stop_glusterd_if_ours() is False
    assert fake.poll() is None
    # the very process we recorded -> stopped with SIGTERM
    write_record(fake.pid, stat[1])
    assert cluster.stop_glusterd_if_ours(timeout=10) is True
    assert fake.wait(timeout=5) == -signal.SIGTERM
    assert not record.exists()


# ---------------------------------------------------------------- CLI


def test_cli_parser_and_demo_dispatch(monkeypatch: pytest.MonkeyPatch) -> None:
    args = cli.build_parser().parse_args(["down", "--stop-glusterd", "gpath_tmp1"])
    assert args.stop_glusterd and args.volumes == ["gpath_tmp1"]

    seen: list[list[str]] = []
    demo = types.ModuleType("gpath.testing.demo")

    def demo_main() -> int:
        seen.append(list(sys.argv[1:]))
        return 3

    setattr(demo, "main", demo_main)
    monkeypatch.setitem(sys.modules, "gpath.testing.demo", demo)
    monkeypatch.setattr(sys, "argv", ["x"])
    assert cli.main(["demo", "--flag", "v"]) == 3
    assert seen == [["--flag", "v"]]


def test_cli_reports_harness_error_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(names: object = None) -> list[cluster.VolumeInfo]:
        raise HarnessError("first line\nsecond line")

    monkeypatch.setattr(cluster, "up", boom)
    assert cli.main(["up"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == "error: first line | second line"


# ---------------------------------------------------------------- functional


@root_only
@pytest.mark.skipif(shutil.which("apt-get") is None, reason="harness needs Debian/apt")
def test_up_single_is_idempotent(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="gpath.testing")
    first = cluster.up(["gpath_single"])
    vol1 = cluster.volume_info("gpath_single")
    pids1 = cluster.brick_pids("gpath_single")
    caplog.clear()

    second = cluster.up(["gpath_single"])
    vol2 = cluster.volume_info("gpath_single")
    pids2 = cluster.brick_pids("gpath_single")

    assert first == second
    (info,) = second
    assert info.name == "gpath_single" and info.layout == "distribute"
    assert info.bricks == (str(cluster.STATE_DIR / "bricks" / "gpath_single" / "b0"),)
    assert vol1 is not None and vol2 is not None
    assert vol2.volume_id == vol1.volume_id  # not recreated
    assert vol2.started and vol2.options.get("network.ping-timeout") == "5"
    assert pids2 == pids1 and all(p is not None and p > 1 for p in pids2)  # brick online, not restarted
    assert "reused volume gpath_single" in caplog.text
    assert "created" not in caplog.text and "started glusterd" not in caplog.text
    assert "gpath_single" in cluster.owned_volumes()
    assert cluster.glusterd_pids()
