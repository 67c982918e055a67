"""The installed ``gpath`` command, run as a subprocess against a real volume."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

from cli_support import GPATH, Remote, make_local_tree, run, tree_digest

from gpath import Volume


def cli_stat(url: str) -> dict[str, object]:
    """stat through the command (this process's metadata cache may be older)."""
    result: dict[str, object] = json.loads(run("stat", "--json", url).stdout)[0]
    return result


# -- usage, help, URLs -----------------------------------------------------------------------


def test_help_lists_every_subcommand() -> None:
    r = run("--help")
    assert r.returncode == 0
    for name in ("ls", "cat", "put", "get", "cp", "mv", "rm", "mkdir", "rmdir", "touch",
                 "truncate", "stat", "du", "df", "tail", "find", "xattr", "sync", "shell"):
        assert f"  {name} " in r.stdout


def test_python_dash_m_runs_the_same_command() -> None:
    proc = subprocess.run([sys.executable, "-m", "gpath", "--version"], capture_output=True,
                          text=True)
    assert (proc.returncode, proc.stdout) == (0, "gpath, version 0.1.0\n")


def test_usage_errors_exit_2() -> None:
    r = run("ls", "--no-such-flag")
    assert r.returncode == 2
    assert "Error: No such option '--no-such-flag'." in r.stderr
    assert run("no-such-command").returncode == 2
    assert run("truncate", "gluster://h/v/x").returncode == 2  # -s is required


def test_bad_url_is_a_usage_error() -> None:
    r = run("ls", "gluster://127.0.0.1")
    assert r.returncode == 2
    assert "no volume name in gluster URL: 'gluster://127.0.0.1'" in r.stderr
    r = run("stat", "gluster://127.0.0.1:99999/vol/x")
    assert r.returncode == 2
    assert "bad port '99999'" in r.stderr
    r = run("cat", "/etc/passwd")  # not a URL and no GPATH_URL
    assert r.returncode == 2
    assert "not a gluster URL: '/etc/passwd'" in r.stderr
    assert r.stdout == ""


def test_bad_option_form_is_a_usage_error() -> None:
    r = run("ls", "-o", "no-equals-sign", "gluster://127.0.0.1/gpath_single/")
    assert r.returncode == 2
    assert "expected [XLATOR:]KEY=VALUE" in r.stderr


def test_unknown_volume_is_an_operational_error() -> None:
    r = run("ls", "--timeout", "20", "gluster://127.0.0.1/gpath_no_such_volume/x")
    assert r.returncode == 1
    assert r.stderr.startswith(
        "gpath: cannot reach 'gluster://127.0.0.1/gpath_no_such_volume/x': "
    )
    assert r.stdout == ""


def test_refused_port_is_an_operational_error(remote: Remote) -> None:
    r = run("ls", "--port", "24099", "--timeout", "10", remote.url())
    assert r.returncode == 1
    assert r.stderr.startswith(f"gpath: cannot reach '{remote.url()}': ")


def test_several_servers_port_transport_and_log_options(remote: Remote, tmp_path: Path) -> None:
    remote.vol.mkdir(remote.p("d"))
    url = remote.url("d").replace("://127.0.0.1/", "://127.0.0.1,localhost/")
    log = tmp_path / "gfapi.log"
    r = run("ls", "--port", "24007", "--transport", "tcp", "--timeout", "20",
            "-o", "transport.socket.keepalive-time=20", "--log-level", "INFO",
            "--log-file", str(log), "-a", url)
    assert (r.returncode, r.stdout, r.stderr) == (0, ".\n..\n", "")
    assert log.stat().st_size > 0  # libgfapi logged its mount there


# -- errors as coreutils print them ----------------------------------------------------------


def test_missing_paths(remote: Remote) -> None:
    url = remote.url("nope")
    expected = {
        ("stat", url): f"gpath: cannot stat '{url}': No such file or directory\n",
        ("ls", url): f"gpath: cannot access '{url}': No such file or directory\n",
        ("cat", url): f"gpath: {url}: No such file or directory\n",
        ("rm", url): f"gpath: cannot remove '{url}': No such file or directory\n",
        ("rmdir", url): f"gpath: failed to remove '{url}': No such file or directory\n",
        ("get", url, "/tmp"): f"gpath: cannot stat '{url}': No such file or directory\n",
        ("xattr", "list", url): (
            f"gpath: cannot list attributes of '{url}': No such file or directory\n"
        ),
    }
    for args, message in expected.items():
        r = run(*args)
        assert (r.returncode, r.stdout, r.stderr) == (1, "", message), args
    assert run("rm", "-f", url).returncode == 0


def test_permission_errors(remote: Remote) -> None:
    remote.vol.mkdir(remote.p("private"), 0o700)
    (remote.vol.path(remote.p("private/secret"))).write_bytes(b"s")
    remote.vol.chmod(remote.p("private"), 0o700)
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", GPATH]
    url = remote.url("private/secret")
    proc = subprocess.run([*as_nobody, "cat", url], capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == f"gpath: {url}: Permission denied\n"
    proc = subprocess.run([*as_nobody, "mkdir", remote.url("private/d")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr == (
        f"gpath: cannot create directory '{remote.url('private/d')}': Permission denied\n"
    )


def test_existing_and_nonempty(remote: Remote) -> None:
    remote.vol.mkdir(remote.p("d"))
    remote.vol.path(remote.p("d/f")).write_bytes(b"")
    r = run("mkdir", remote.url("d"))
    assert (r.returncode, r.stderr) == (
        1, f"gpath: cannot create directory '{remote.url('d')}': File exists\n"
    )
    r = run("rmdir", remote.url("d"))
    assert (r.returncode, r.stderr) == (
        1, f"gpath: failed to remove '{remote.url('d')}': Directory not empty\n"
    )
    r = run("rm", remote.url("d"))
    assert (r.returncode, r.stderr) == (
        1, f"gpath: cannot remove '{remote.url('d')}': Is a directory\n")
    assert remote.vol.exists(remote.p("d/f"))


# -- namespace commands ----------------------------------------------------------------------


def test_mkdir_rmdir_touch_truncate_rm(remote: Remote) -> None:
    vol = remote.vol
    assert run("mkdir", "-p", remote.url("a/b/c"), remote.url("a/b")).returncode == 0
    assert vol.isdir(remote.p("a/b/c"))
    assert run("mkdir", "-m", "700", remote.url("m")).returncode == 0
    assert stat.S_IMODE(vol.stat(remote.p("m")).st_mode) == 0o700
    assert run("rmdir", remote.url("a/b/c")).returncode == 0
    assert run("ls", remote.url("a/b")).stdout == ""
    assert run("touch", remote.url("t")).returncode == 0
    assert vol.stat(remote.p("t")).st_size == 0
    vol.utime(remote.p("t"), (1_000_000, 1_000_000))
    assert run("touch", remote.url("t")).returncode == 0
    assert cli_stat(remote.url("t"))["mtime"] > time.time() - 60
    assert run("touch", "-c", remote.url("absent")).returncode == 0
    assert not vol.exists(remote.p("absent"))
    assert run("truncate", "-s", "1K", remote.url("t"), remote.url("new")).returncode == 0
    assert cli_stat(remote.url("t"))["size"] == 1024
    assert run("cat", remote.url("new")).stdout_bytes == b"\0" * 1024
    assert run("truncate", "-s", "5", remote.url("t")).returncode == 0
    assert cli_stat(remote.url("t"))["size"] == 5
    r = run("truncate", "-s", "lots", remote.url("t"))
    assert r.returncode == 2
    assert "invalid size: 'lots'" in r.stderr
    assert run("rm", remote.url("t"), remote.url("new")).returncode == 0
    assert run("rm", "-r", "-j", "4", remote.url("a")).returncode == 0
    assert run("ls", remote.url()).stdout == "m\n"


def test_ls_plain_long_all_recursive_human_and_dir(remote: Remote) -> None:
    vol = remote.vol
    vol.mkdir(remote.p("sub"))
    vol.path(remote.p("sub/inner.txt")).write_bytes(b"x" * 2048)
    vol.path(remote.p("b.txt")).write_bytes(b"hello")
    vol.path(remote.p(".hidden")).write_bytes(b"")
    vol.symlink("b.txt", remote.p("link"))
    r = run("ls", remote.url())
    assert (r.returncode, r.stdout) == (0, "b.txt\nlink\nsub\n")
    assert run("ls", "-a", remote.url()).stdout == ".\n..\n.hidden\nb.txt\nlink\nsub\n"
    total, *lines = run("ls", "-l", remote.url()).stdout.splitlines()
    assert total.startswith("total ")
    assert lines[0].startswith("-rw-r--r-- 1 root root")
    assert lines[0].split()[4] == "5" and lines[0].endswith(" b.txt")
    assert lines[1].startswith("lrwxrwxrwx") and lines[1].endswith(" link -> b.txt")
    assert lines[2].startswith("drwxr-xr-x") and lines[2].endswith(" sub")
    human = run("ls", "-l", "-h", remote.url("sub")).stdout.splitlines()
    assert human[1].split()[4] == "2.0K"
    r = run("ls", "-R", remote.url())
    assert r.stdout == (
        f"{remote.url()}:\nb.txt\nlink\nsub\n\n{remote.url()}/sub:\ninner.txt\n"
    )
    assert run("ls", "-d", remote.url("sub")).stdout == f"{remote.url('sub')}\n"
    assert run("ls", remote.url("b.txt")).stdout == f"{remote.url('b.txt')}\n"


def test_ls_and_stat_json(remote: Remote) -> None:
    vol = remote.vol
    vol.path(remote.p("f")).write_bytes(b"12345")
    vol.symlink("f", remote.p("l"))
    entries = json.loads(run("ls", "--json", remote.url()).stdout)
    assert [e["name"] for e in entries] == ["f", "l"]
    assert [e["url"] for e in entries] == [remote.url("f"), remote.url("l")]  # percent-encoded
    st = vol.lstat(remote.p("f"))
    f = entries[0]
    assert (f["type"], f["size"], f["mode"], f["permissions"]) == ("file", 5, 0o644, "-rw-r--r--")
    assert (f["inode"], f["mtime_ns"], f["uid"], f["nlink"]) == (
        st.st_ino, st.st_mtime_ns, st.st_uid, 1)
    assert (entries[1]["type"], entries[1]["target"]) == ("symlink", "f")
    records = json.loads(run("stat", "--json", remote.url("l"), remote.url("f")).stdout)
    assert [r["type"] for r in records] == ["symlink", "file"]
    followed = json.loads(run("stat", "-L", "--json", remote.url("l")).stdout)
    assert followed[0]["type"] == "file" and followed[0]["size"] == 5
    assert followed[0]["url"].endswith("/l")
    text = run("stat", remote.url("f")).stdout
    assert text.startswith(f"  File: '{remote.url('f')}'\n  Size: 5 ")
    assert "regular file" in text and "Access: (0644/-rw-r--r--)" in text


def test_du_and_df(remote: Remote) -> None:
    vol = remote.vol
    vol.mkdir(remote.p("d"))
    vol.path(remote.p("d/a")).write_bytes(b"a" * 10000)
    vol.path(remote.p("b")).write_bytes(b"b" * 3000)
    r = run("du", "-b", "-s", remote.url())
    total = sum(vol.lstat(remote.p(x)).st_size for x in ("", "d", "d/a", "b"))
    assert r.stdout == f"{total}\t{remote.url()}\n"
    r = run("du", "-b", remote.url())
    d_size = vol.lstat(remote.p("d")).st_size + 10000
    assert r.stdout.splitlines()[0] == f"{d_size}\t{remote.url('d')}"
    records = json.loads(run("du", "--json", "-s", remote.url()).stdout)
    blocks = sum(vol.lstat(remote.p(x)).st_blocks for x in ("", "d", "d/a", "b")) * 512
    assert records == [{"url": remote.url(), "path": remote.url(), "bytes": blocks}]
    assert run("du", "-s", "-h", remote.url()).stdout.split("\t")[0][-1] in "KM0123456789"
    df = json.loads(run("df", "--json", remote.url()).stdout)[0]
    sv = vol.statvfs("/")
    assert df["size"] == sv.f_blocks * sv.f_frsize
    assert df["inodes"] == sv.f_files
    assert df["volume"].endswith("/gpath_single/")
    lines = run("df", "-h", remote.url()).stdout.splitlines()
    assert lines[0].split() == ["Volume", "Size", "Used", "Avail", "Use%"]
    assert lines[1].split()[-1].endswith("%")


def test_find_name_and_type(remote: Remote) -> None:
    vol = remote.vol
    vol.mkdir(remote.p("d"))
    vol.path(remote.p("d/x.csv")).write_bytes(b"")
    vol.path(remote.p("y.csv")).write_bytes(b"")
    vol.path(remote.p("z.txt")).write_bytes(b"")
    vol.symlink("z.txt", remote.p("l.csv"))
    base = remote.url()
    r = run("find", base, "-name", "*.csv")
    assert r.stdout.splitlines() == [f"{base}/d/x.csv", f"{base}/l.csv", f"{base}/y.csv"]
    r = run("find", base, "-name", "*.csv", "-type", "f")
    assert r.stdout.splitlines() == [f"{base}/d/x.csv", f"{base}/y.csv"]
    assert run("find", base, "-type", "l").stdout.splitlines() == [f"{base}/l.csv"]
    assert run("find", base, "-type", "d").stdout.splitlines() == [base, f"{base}/d"]


def test_xattr_commands(remote: Remote) -> None:
    vol = remote.vol
    vol.path(remote.p("f")).write_bytes(b"")
    url = remote.url("f")
    assert run("xattr", "set", url, "user.color", "blue").returncode == 0
    assert run("xattr", "set", "--hex", url, "user.bin", "00ff").returncode == 0
    assert vol.getxattr(remote.p("f"), "user.bin") == b"\x00\xff"
    assert run("xattr", "get", url, "user.color").stdout == "blue\n"
    assert run("xattr", "get", url, "user.bin").stdout == "0x00ff\n"
    assert run("xattr", "get", "--raw", url, "user.bin").stdout_bytes == b"\x00\xff"
    assert run("xattr", "list", url).stdout.splitlines() == ["user.bin", "user.color"]
    assert run("xattr", "rm", url, "user.color").returncode == 0
    r = run("xattr", "get", url, "user.color")
    assert (r.returncode, r.stderr) == (
        1, f"gpath: cannot get attribute user.color of '{url}': No data available\n")


def test_gpath_url_sets_the_default_volume(remote: Remote) -> None:
    remote.vol.path(remote.p("f")).write_bytes(b"via default")
    env = {"GPATH_URL": str(remote.vol.root)}
    r = run("cat", remote.p("f"), env=env)
    assert (r.returncode, r.stdout) == (0, "via default")
    r = run("ls", remote.p(), env=env)
    assert r.stdout == "f\n"
    base = remote.url()
    r = run("ls", "f", env={"GPATH_URL": base})  # relative to GPATH_URL's directory
    assert r.stdout == "f\n"
    # cp, mv and sync read plain paths as local ones, ":PATH" as remote
    r = run("cp", ":" + remote.p("f"), ":" + remote.p("g"), env=env)
    assert (r.returncode, r.stderr) == (0, "")
    assert run("cat", remote.url("g")).stdout == "via default"
    r = run("mv", remote.p("f"), remote.p("h"), env=env)
    assert (r.returncode, r.stderr) == (
        1, f"gpath: cannot move '{remote.p('f')}': No such file or directory\n")


# -- cat, tail -------------------------------------------------------------------------------


def test_cat_and_tail(remote: Remote) -> None:
    vol = remote.vol
    body = "".join(f"line {i}\n" for i in range(1, 101))
    vol.path(remote.p("log")).write_text(body)
    vol.path(remote.p("two")).write_bytes(b"\xff\x00")
    r = run("cat", remote.url("log"), remote.url("two"))
    assert r.stdout_bytes == body.encode() + b"\xff\x00"
    assert run("tail", remote.url("log")).stdout == "".join(f"line {i}\n" for i in range(91, 101))
    assert run("tail", "-n", "2", remote.url("log")).stdout == "line 99\nline 100\n"
    assert run("tail", "-c", "4", remote.url("log")).stdout == "100\n"
    assert run("tail", "-n", "0", remote.url("log")).stdout == ""


def test_tail_follow_prints_appended_lines(remote: Remote) -> None:
    vol = remote.vol
    vol.path(remote.p("grow")).write_text("first\n")
    proc = subprocess.Popen([GPATH, "tail", "-f", "-s", "0.1", remote.url("grow")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"first\n"
        with vol.fopen(remote.p("grow"), "ab") as f:
            f.write(b"second\n")
        assert proc.stdout.readline() == b"second\n"
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130
    assert proc.stderr is not None and proc.stderr.read().strip() == b""


# -- transfers -------------------------------------------------------------------------------


def test_put_get_tree_round_trip_byte_for_byte(remote: Remote, tmp_path: Path) -> None:
    src = make_local_tree(tmp_path / "src")
    r = run("put", "-r", "-j", "4", str(src), remote.url())
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    assert sorted(remote.vol.listdir(remote.p("src"))) == sorted(os.listdir(src))
    r = run("get", "-r", remote.url("src"), str(tmp_path / "back"))
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    assert tree_digest(tmp_path / "back") == tree_digest(src)
    # no temporary names left behind on either side
    assert not list((tmp_path / "back").rglob("*.part"))
    assert run("find", remote.url("src"), "-name", "*.part").stdout == ""


def test_preserve_keeps_mode_times_and_xattrs(remote: Remote, tmp_path: Path) -> None:
    src = tmp_path / "f"
    src.write_bytes(b"data")
    os.chmod(src, 0o640)
    os.utime(src, ns=(1_600_000_000_123_456_789, 1_600_000_000_987_654_321))
    os.setxattr(src, "user.tag", b"kept")
    assert run("put", "-p", str(src), remote.url("f")).returncode == 0
    st = remote.vol.stat(remote.p("f"))
    assert (stat.S_IMODE(st.st_mode), st.st_mtime_ns) == (0o640, 1_600_000_000_987_654_321)
    assert remote.vol.getxattr(remote.p("f"), "user.tag") == b"kept"
    assert run("get", "-p", remote.url("f"), str(tmp_path / "g")).returncode == 0
    back = os.stat(tmp_path / "g")
    assert (stat.S_IMODE(back.st_mode), back.st_mtime_ns) == (0o640, 1_600_000_000_987_654_321)
    assert os.getxattr(tmp_path / "g", "user.tag") == b"kept"
    assert run("put", str(src), remote.url("plain")).returncode == 0
    assert remote.vol.stat(remote.p("plain")).st_mtime_ns != 1_600_000_000_987_654_321


def test_cp_any_direction_and_volume_to_volume(
    remote: Remote, tmp_path: Path, gluster_mount: object
) -> None:
    from gpath.testing.pytest_plugin import scratch_dir

    vol = remote.vol
    vol.path(remote.p("a")).write_bytes(b"A" * 5000)
    assert run("cp", remote.url("a"), remote.url("b")).returncode == 0
    assert vol.path(remote.p("b")).read_bytes() == b"A" * 5000
    assert run("cp", remote.url("a"), str(tmp_path / "a")).returncode == 0
    assert (tmp_path / "a").read_bytes() == b"A" * 5000
    (tmp_path / "c").write_bytes(b"C")
    vol.mkdir(remote.p("dir"))
    assert run("cp", str(tmp_path / "c"), remote.url("a"), remote.url("dir")).returncode == 0
    assert sorted(vol.listdir(remote.p("dir"))) == ["a", "c"]
    dist3: Volume = gluster_mount("gpath_dist3")  # type: ignore[operator]
    with scratch_dir(dist3, "cli-cp") as other:
        other_url = str(dist3.path(other)).replace(" ", "%20")
        r = run("cp", "-r", remote.url("dir"), other_url)
        assert (r.returncode, r.stderr) == (0, "")
        assert dist3.path(f"{other}/dir/a").read_bytes() == b"A" * 5000
    r = run("cp", remote.url("dir"), str(tmp_path / "nodir"))
    assert (r.returncode, r.stderr) == (
        1, f"gpath: -r not specified; omitting directory '{remote.url('dir')}'\n")
    r = run("cp", remote.url("a"), remote.url("b"), remote.url("c-missing"))
    assert (r.returncode, r.stderr) == (
        1, f"gpath: target '{remote.url('c-missing')}' is not a directory\n")
    r = run("cp", "-r", remote.url("dir"), remote.url("dir/inside"))
    assert r.returncode == 1 and "into itself" in r.stderr


def test_mv_rename_and_across(remote: Remote, tmp_path: Path) -> None:
    vol = remote.vol
    vol.path(remote.p("a")).write_bytes(b"moved")
    assert run("mv", remote.url("a"), remote.url("b")).returncode == 0
    # checked through the command: this process's metadata cache still knows "a"
    assert run("ls", remote.url()).stdout == "b\n"
    assert run("cat", remote.url("b")).stdout == "moved"
    assert run("mv", remote.url("b"), str(tmp_path / "local")).returncode == 0
    assert run("ls", remote.url()).stdout == ""
    assert (tmp_path / "local").read_bytes() == b"moved"
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "x").write_bytes(b"x")
    assert run("mv", str(tmp_path / "tree"), remote.url()).returncode == 0
    assert not (tmp_path / "tree").exists()
    assert vol.path(remote.p("tree/x")).read_bytes() == b"x"


def test_failed_file_does_not_stop_the_tree(remote: Remote, tmp_path: Path) -> None:
    vol = remote.vol
    vol.mkdir(remote.p("t"))
    for i in range(20):
        vol.path(remote.p(f"t/f{i:02}")).write_bytes(b"%d" % i)
    vol.symlink("nowhere", remote.p("t/broken"))  # followed by default: fails
    r = run("get", "-r", remote.url("t"), str(tmp_path / "t"))
    assert r.returncode == 1
    assert r.stderr == f"gpath: cannot copy '{remote.url('t')}/broken': No such file or directory\n"
    assert sorted(os.listdir(tmp_path / "t")) == [f"f{i:02}" for i in range(20)]


# The command's own peak RSS, read from /proc as it exits.  Not wait4()'s ru_maxrss: that
# also counts the test process's memory copied at fork(), before the command's exec().
PEAK_RSS = """
import atexit, os, sys
from gpath.cli import main
def report():
    with open("/proc/self/status") as status, open(os.environ["PEAK_RSS_FILE"], "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM:")).split()[1])
atexit.register(report)
sys.argv[0] = "gpath"
main()
"""


def _peak_rss_command(tmp_path: Path, *args: str) -> tuple[list[str], dict[str, str], Path]:
    report = tmp_path / f"peak-{args[0]}"
    env = {**os.environ, "PEAK_RSS_FILE": str(report)}
    return [sys.executable, "-c", PEAK_RSS, *args], env, report


def test_stdin_and_stdout_stream_in_bounded_memory(remote: Remote, tmp_path: Path) -> None:
    size = 160 << 20
    chunk = hashlib.sha256(b"seed").digest() * (1 << 15)  # 1 MiB
    argv, env, report = _peak_rss_command(tmp_path, "put", "-", remote.url("big"))
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env)
    assert proc.stdin is not None
    for _ in range(size // len(chunk)):
        proc.stdin.write(chunk)
    proc.stdin.close()
    assert proc.wait() == 0
    assert int(report.read_text()) < 100_000  # KiB: well below the 160 MiB streamed
    assert remote.vol.stat(remote.p("big")).st_size == size
    argv, env, report = _peak_rss_command(tmp_path, "get", remote.url("big"), "-")
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    digest = hashlib.sha256()
    while data := proc.stdout.read(1 << 20):
        digest.update(data)
    assert proc.wait() == 0
    assert int(report.read_text()) < 100_000
    expected = hashlib.sha256()
    for _ in range(size // len(chunk)):
        expected.update(chunk)
    assert digest.hexdigest() == expected.hexdigest()
    # a large file to local disk is read in parallel ranges: the same bytes
    assert run("get", remote.url("big"), str(tmp_path / "big")).returncode == 0
    local = hashlib.sha256()
    with open(tmp_path / "big", "rb") as f:
        while data := f.read(1 << 20):
            local.update(data)
    assert local.hexdigest() == expected.hexdigest()


def test_ctrl_c_leaves_no_partial_file(remote: Remote, tmp_path: Path) -> None:
    remote.vol.truncate  # noqa: B018 (the big file comes from a sparse truncate: fast to make)
    with remote.vol.fopen(remote.p("big"), "wb") as f:
        f.write(b"x" * (1 << 20))
        f.truncate(1 << 30)
    proc = subprocess.Popen([GPATH, "get", remote.url("big"), str(tmp_path / "big")],
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".big.*.part")) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert list(tmp_path.glob(".big.*.part")), "the copy never started"
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 130
    assert os.listdir(tmp_path) == []


def test_cat_into_a_closed_pipe_is_quiet(remote: Remote) -> None:
    remote.vol.path(remote.p("f")).write_bytes(b"line\n" * 400_000)
    proc = subprocess.run(f"'{GPATH}' cat '{remote.url('f')}' | head -n 1", shell=True,
                          capture_output=True, text=True, timeout=60)
    assert (proc.stdout, proc.stderr) == ("line\n", "")


# -- sync ------------------------------------------------------------------------------------


def test_sync_is_idempotent_and_deletes_only_when_asked(remote: Remote, tmp_path: Path) -> None:
    src = make_local_tree(tmp_path / "src")
    dst = remote.url("mirror")
    r = run("sync", str(src), dst)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    assert run("sync", "-v", str(src), dst).stdout == ""  # a second run copies nothing
    assert run("sync", "-v", "--checksum", str(src), dst).stdout == ""
    # back down again, also idempotent
    assert run("sync", dst, str(tmp_path / "down")).returncode == 0
    assert tree_digest(tmp_path / "down") == tree_digest(src)
    assert run("sync", "-v", dst, str(tmp_path / "down")).stdout == ""
    # a change, a deletion
    (src / "a.txt").write_bytes(b"changed!")
    os.unlink(src / "d1" / "empty")
    r = run("sync", "--delete", "--dry-run", str(src), dst)
    assert r.stdout.splitlines() == [f"delete {dst}/d1/empty", f"copy {dst}/a.txt"]
    assert remote.vol.exists(remote.p("mirror/d1/empty"))
    assert remote.vol.path(remote.p("mirror/a.txt")).read_bytes() != b"changed!"
    r = run("sync", str(src), dst)  # without --delete nothing is deleted
    assert remote.vol.exists(remote.p("mirror/d1/empty"))
    r = run("sync", "-v", "--delete", str(src), dst)
    assert r.stdout.splitlines() == [f"delete {dst}/d1/empty"]
    assert run("sync", "-v", "--delete", str(src), dst).stdout == ""
    assert run("sync", dst, str(tmp_path / "down2")).returncode == 0
    assert tree_digest(tmp_path / "down2") == tree_digest(src)


def test_sync_checksum_sees_same_size_same_time_changes(remote: Remote, tmp_path: Path) -> None:
    src = tmp_path / "s"
    src.mkdir()
    (src / "f").write_bytes(b"aaaa")
    dst = remote.url("m")
    assert run("sync", str(src), dst).returncode == 0
    mtime = os.stat(src / "f").st_mtime_ns
    (src / "f").write_bytes(b"bbbb")
    os.utime(src / "f", ns=(mtime, mtime))
    assert run("sync", "-v", str(src), dst).stdout == ""  # size+mtime: looks the same
    assert run("sync", "-v", "--checksum", str(src), dst).stdout == f"copy {dst}/f\n"
    assert remote.vol.path(remote.p("m/f")).read_bytes() == b"bbbb"


# -- completion ------------------------------------------------------------------------------


def test_shell_completion_scripts_and_answers() -> None:
    r = run(env={"_GPATH_COMPLETE": "bash_source"})
    assert r.returncode == 0 and "complete -o nosort -F _gpath_completion gpath" in r.stdout
    assert "compdef" in run(env={"_GPATH_COMPLETE": "zsh_source"}).stdout
    r = run(env={"_GPATH_COMPLETE": "bash_complete", "COMP_WORDS": "gpath sy", "COMP_CWORD": "1"})
    assert r.stdout.splitlines() == ["plain,sync"]
    r = run(env={"_GPATH_COMPLETE": "bash_complete", "COMP_WORDS": "gpath sync --del",
                 "COMP_CWORD": "2"})
    assert r.stdout.splitlines() == ["plain,--delete"]


def test_devices_and_symlinks_named_as_targets_are_written_through(
    remote: Remote, tmp_path: Path
) -> None:
    remote.vol.path(remote.p("f")).write_bytes(b"through")
    r = run("get", remote.url("f"), "/dev/null")
    assert (r.returncode, r.stderr) == (0, "")
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)
    assert not [n for n in os.listdir("/dev") if n.endswith(".part")]
    (tmp_path / "target").write_bytes(b"old")
    os.symlink("target", tmp_path / "link")
    assert run("get", remote.url("f"), str(tmp_path / "link")).returncode == 0
    assert os.path.islink(tmp_path / "link")
    assert (tmp_path / "target").read_bytes() == b"through"


def test_ctrl_c_in_a_tree_upload_leaves_only_complete_files(
    remote: Remote, tmp_path: Path
) -> None:
    src = tmp_path / "tree"
    src.mkdir()
    block = os.urandom(1 << 20)
    for i in range(48):
        (src / f"f{i:02}").write_bytes(block * 4)
    dest = remote.p("tree")
    proc = subprocess.Popen([GPATH, "put", "-r", "-j", "4", str(src), remote.url()],
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    # listings, not exists(): a negative lookup may be cached by this process's client
    while time.monotonic() < deadline:
        if "tree" in remote.vol.listdir(remote.p()) and remote.vol.listdir(dest):
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 130
    listing = json.loads(run("ls", "-a", "--json", remote.url("tree")).stdout)
    names = [e["name"] for e in listing if e["name"] not in (".", "..")]
    assert len(names) < 48, "the upload finished before Ctrl-C: make the tree larger"
    assert [n for n in names if n.startswith(".")] == []  # no temporary file left
    assert {e["size"] for e in listing if e["type"] == "file"} <= {4 << 20}
