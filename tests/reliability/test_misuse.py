"""R6: misuse never crashes the process.

libgfapi frees a ``glfs_fd_t`` in ``glfs_close`` and the whole mount in ``glfs_fini``; any
later call on them reads freed memory (a SIGSEGV after fini on 10.3).  gpath must turn
every such use into a Python exception.  Each scenario runs in a child interpreter, so a
crash fails that one test; the child prints what it observed and the test compares.
"""

from __future__ import annotations

import textwrap

import pytest

from _reliability import run_child


def test_closed_file_use_raises() -> None:
    run_child(
        """
        vol = mount()
        f = vol.fopen("/misuse-closed-file", "w+b")
        f.write(b"data")
        f.close()
        calls = {
            "read": lambda: f.read(), "read1": lambda: f.read(1), "write": lambda: f.write(b"x"),
            "pread": lambda: f.pread(1, 0), "pwrite": lambda: f.pwrite(b"x", 0),
            "readinto": lambda: f.readinto(bytearray(4)), "readline": lambda: f.readline(),
            "seek": lambda: f.seek(0), "tell": lambda: f.tell(), "fsync": lambda: f.fsync(),
            "fstat": lambda: f.fstat(), "ftruncate": lambda: f.ftruncate(0),
            "fchmod": lambda: f.fchmod(0o600), "dup": lambda: f.dup(),
            "fsetxattr": lambda: f.fsetxattr("user.a", b"b"), "lock": lambda: f.lock(),
            "fileno": lambda: f.fileno, "readable": lambda: f.readable(),
            "iter": lambda: next(iter(f)), "enter": lambda: f.__enter__(), "flush": lambda: f.flush(),
        }
        bad = []
        for name, call in calls.items():
            try:
                call()
                bad.append(name + ": no error")
            except ClosedError as exc:
                if not (isinstance(exc, ValueError) and exc.errno == errno.EBADF):
                    bad.append(name + ": " + repr(exc))
            except ValueError as exc:  # io's own closed-file check (iter, __enter__)
                if "closed" not in str(exc):
                    bad.append(name + ": " + repr(exc))
        out("bad:", bad)
        f.close(); f.close()
        out("closed:", f.closed)
        vol.unlink("/misuse-closed-file")
        os._exit(0)
        """
    ).check(["bad: []", "closed: True"])


def test_closed_dir_use_raises() -> None:
    run_child(
        """
        vol = mount()
        d = vol.opendir("/")
        d.close()
        for name, call in {"next": lambda: next(d), "batch": lambda: d.read_batch(),
                           "enter": lambda: d.__enter__()}.items():
            try:
                call()
                out(name, "no error")
            except ValueError as exc:
                out(name, type(exc).__name__, getattr(exc, "errno", None) == errno.EBADF)
        d.close(); d.close()
        it = vol.scandir("/")
        it.close()
        out("scandir after close:", list(it))
        it.close()
        os._exit(0)
        """
    ).check([
        "next ClosedError True",
        "batch ClosedError True",
        "enter ClosedError True",
        "scandir after close: []",
    ])


def test_unmounted_volume_use_raises() -> None:
    run_child(
        """
        vol = mount()
        vol.umount()
        results = []
        for name, call in {
            "listdir": lambda: vol.listdir("/"), "stat": lambda: vol.stat("/"),
            "fopen": lambda: vol.fopen("/x", "w"), "open_file": lambda: vol.open_file("/x"),
            "mkdir": lambda: vol.mkdir("/x"), "opendir": lambda: vol.opendir("/"),
            "scandir": lambda: vol.scandir("/"), "walk": lambda: list(vol.walk("/")),
            "getxattr": lambda: vol.getxattr("/", "user.x"), "volume_id": lambda: vol.get_volume_id(),
            "getcwd": lambda: vol.getcwd(), "setfsuid": lambda: vol.setfsuid(0),
            "exists": lambda: vol.exists("/"), "path": lambda: (vol / "x").stat(),
            "rmtree": lambda: vol.rmtree("/nonexistent-misuse"),
        }.items():
            try:
                call()
                results.append(name + ":ok?!")
            except VolumeNotMounted as exc:
                pass
            except Exception as exc:
                results.append(name + ":" + repr(exc))
        out("unexpected:", results)
        vol.umount(); vol.umount()
        out("mounted:", vol.mounted)
        # and it can be mounted again
        vol.mount(timeout=30)
        out("remounted:", vol.stat("/").st_mode != 0)
        os._exit(0)
        """
    ).check(["unexpected: []", "mounted: False", "remounted: True"])


def test_file_used_after_volume_unmounted() -> None:
    run_child(
        """
        vol = mount()
        f = vol.fopen("/misuse-after-umount", "wb")
        f.write(b"written before umount")
        d = vol.opendir("/")
        raw_fd = vol.open("/misuse-after-umount", os.O_RDONLY)  # a glfd no File adopted
        buffered = vol.open_file("/misuse-after-umount-2", "w")
        buffered.write("still in the Python buffer")
        vol.umount()
        out("closed:", f.closed, d.closed, buffered.closed)
        for name, call in {"write": lambda: f.write(b"x"), "read": lambda: f.read(),
                           "fstat": lambda: f.fstat(), "next": lambda: next(d),
                           "File(glfd)": lambda: gpath.File(raw_fd),
                           "buffered": lambda: buffered.write("x")}.items():
            try:
                call()
                out(name, "no error")
            except ValueError as exc:
                out(name, "ValueError")
        f.close(); d.close(); raw_fd.close(); buffered.close()
        # Everything written before umount() is on the bricks, buffered text included.
        vol.mount(timeout=30)
        with vol.fopen("/misuse-after-umount", "rb") as g:
            out("data:", g.read())
        with vol.open_file("/misuse-after-umount-2") as g:
            out("text:", g.read())
        vol.unlink("/misuse-after-umount"); vol.unlink("/misuse-after-umount-2")
        os._exit(0)
        """
    ).check([
        "closed: True True True",
        "write ValueError",
        "read ValueError",
        "fstat ValueError",
        "next ValueError",
        "File(glfd) ValueError",
        "buffered ValueError",
        "data: b'written before umount'",
        "text: still in the Python buffer",
    ])


def test_double_close_everything() -> None:
    run_child(
        """
        vol = mount()
        with vol.fopen("/misuse-double", "wb") as f:
            f.write(b"x")
            f.close()
            f.close()
        fd = vol.open("/misuse-double", os.O_RDONLY)
        fd.close(); fd.close()
        with vol.opendir("/") as d:
            d.close()
        d.close()
        t = vol.open_file("/misuse-double", "r")
        t.close(); t.close()
        dup_src = vol.fopen("/misuse-double", "rb")
        dup = dup_src.dup()
        dup_src.close(); out("dup still reads:", dup.read()); dup.close(); dup.close()
        vol.unlink("/misuse-double")
        with vol:
            pass  # __exit__ unmounts
        vol.umount()
        out("done", vol.mounted)
        os._exit(0)
        """
    ).check(["dup still reads: b'x'", "done False"])


def test_close_racing_read_in_another_thread() -> None:
    # close() must wait for a call in flight on the same glfd, and later calls must fail
    # cleanly; without the handle guard this is a use-after-free in libgfapi.
    result = run_child(
        """
        vol = mount()
        size = 16 * 1024 * 1024
        with vol.fopen("/misuse-race", "wb") as f:
            f.write(os.urandom(size))
        outcomes = {}
        for round_ in range(30):
            f = vol.fopen("/misuse-race", "r+b")
            started = threading.Event()
            def reader():
                started.set()
                try:
                    while True:
                        f.pread(size, 0)
                        f.read(1 << 20)
                        f.pwrite(b"y", 5)
                except Exception as exc:
                    outcomes[type(exc).__name__] = outcomes.get(type(exc).__name__, 0) + 1
            t = threading.Thread(target=reader)
            t.start()
            started.wait()
            time.sleep(0.001 * (round_ % 10))
            f.close()
            t.join(60)
            assert not t.is_alive()
        out("outcomes:", sorted(outcomes))
        vol.unlink("/misuse-race")
        os._exit(0)
        """
    )
    result.check(["outcomes: ['ClosedError']"])


def test_umount_with_open_files_flushes_and_closes() -> None:
    run_child(
        """
        vol = mount()
        files = []
        for i in range(8):
            f = vol.fopen(f"/misuse-open-{i}", "wb")
            f.write(bytes([i]) * 100000)  # accepted by write-behind, not necessarily sent
            files.append(f)
        d = vol.opendir("/")
        t0 = time.monotonic()
        vol.umount()
        out("umount returned; all closed:", all(f.closed for f in files) and d.closed)
        vol.mount(timeout=30)
        ok = all(vol.stat(f"/misuse-open-{i}").st_size == 100000 for i in range(8))
        with vol.fopen("/misuse-open-7", "rb") as g:
            ok = ok and g.read() == bytes([7]) * 100000
        out("data intact:", ok)
        for i in range(8):
            vol.unlink(f"/misuse-open-{i}")
        os._exit(0)
        """
    ).check(["umount returned; all closed: True", "data intact: True"])


def test_umount_racing_io_in_other_threads() -> None:
    # Threads keep opening, writing, listing and closing while another thread unmounts.
    # Every call either works or raises ClosedError/VolumeNotMounted; nothing crashes and
    # no handle is used after glfs_fini.
    run_child(
        """
        errors = {}
        lock = threading.Lock()
        for round_ in range(6):
            vol = mount()
            vol.makedirs("/misuse-umount-race", exist_ok=True)
            stop = threading.Event()
            def worker(n):
                i = 0
                while not stop.is_set():
                    try:
                        with vol.fopen(f"/misuse-umount-race/{n}-{i % 4}", "wb") as f:
                            f.write(b"z" * 65536)
                            f.fsync()
                        vol.listdir("/misuse-umount-race")
                        with vol.fopen(f"/misuse-umount-race/{n}-{i % 4}", "rb") as f:
                            f.read()
                            f.dup().close()
                        i += 1
                    except (ClosedError, VolumeNotMounted) as exc:
                        with lock:
                            errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                        if not vol.mounted:
                            return
                    except Exception as exc:
                        with lock:
                            errors[repr(exc)] = errors.get(repr(exc), 0) + 1
                        return
            threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
            for t in threads:
                t.start()
            time.sleep(0.2 + 0.05 * round_)
            try:
                vol.umount()
            except Exception as exc:  # a File closed by umount may report a write error
                errors["umount:" + type(exc).__name__] = 1
            stop.set()
            for t in threads:
                t.join(60)
        unexpected = sorted(k for k in errors if k not in ("ClosedError", "VolumeNotMounted"))
        out("unexpected:", unexpected)
        vol = mount()
        vol.rmtree("/misuse-umount-race")
        os._exit(0)
        """
    ).check(["unexpected: []"])


def test_garbage_collected_volume_and_files() -> None:
    # A mounted Volume and its open Files dropped without close/umount: finalizers only.
    run_child(
        """
        import gc, warnings
        warnings.simplefilter("ignore", ResourceWarning)
        def scope():
            vol = mount()
            f = vol.fopen("/misuse-gc", "wb")
            f.write(b"gc")
            d = vol.opendir("/")
            return None
        for _ in range(3):
            scope()
            gc.collect()
        vol = mount()
        with vol.fopen("/misuse-gc", "rb") as f:
            out("data:", f.read())
        vol.unlink("/misuse-gc")
        sys.exit(0)  # a full interpreter exit with the mount still up
        """
    ).check(["data: b'gc'"])


@pytest.mark.parametrize("how", ["exit", "exception"])
def test_interpreter_exit_with_open_files(how: str) -> None:
    result = run_child(
        f"""
        vol = mount()
        f = vol.fopen("/misuse-exit-{how}", "wb")
        f.write(b"bytes written just before the interpreter exits")
        out("exiting")
        if {how!r} == "exception":
            raise SystemExit(3)
        sys.exit(0)
        """
    )
    assert result.returncode == (3 if how == "exception" else 0), result.describe()
    assert result.lines == ["exiting"], result.describe()
    assert result.seconds < 30, result.describe()
    # The data reached the bricks (gpath closes open Files at exit).
    run_child(
        f"""
        vol = mount()
        with vol.fopen("/misuse-exit-{how}", "rb") as f:
            out(f.read())
        vol.unlink("/misuse-exit-{how}")
        os._exit(0)
        """
    ).check(["b'bytes written just before the interpreter exits'"])


# A libgfapi stand-in for the child scripts below: the real calls, with a delay injected
# around the named ones (only in threads named "slow"), to open the race windows wide.
SLOW_LIB = """
import gpath._mount, gpath.dir, gpath.file, gpath.volume
REAL = gpath.volume.lib
CALLS = []  # calls made by the "slow" thread
ORDER = []  # every close and fini, from any thread, in order
class SlowLib:
    def __init__(self, before=(), after=()):
        self.before, self.after = before, after
    def __getattr__(self, name):
        real = original = getattr(REAL, name)
        if name in ("glfs_close", "glfs_closedir", "glfs_fini"):
            def logged(*args):
                ORDER.append(name)
                return original(*args)
            if threading.current_thread().name != "slow":
                return logged
            real = logged
        if not callable(real) or threading.current_thread().name != "slow":
            return real
        def call(*args):
            CALLS.append(name)
            if name in self.before:
                time.sleep(0.5)
            ret = real(*args)
            if name in self.after:
                time.sleep(0.5)
            return ret
        return call
def install(**kw):
    lib = SlowLib(**kw)
    for module in (gpath._mount, gpath.dir, gpath.file, gpath.volume):
        module.lib = lib
def delay_registration():
    # 0.5 s between a new handle's C open and its registration with the mount
    for cls, name in ((gpath._mount.Mount, "register"),):
        def wrap(real):
            def delayed(*args, **kwargs):
                if threading.current_thread().name == "slow":
                    time.sleep(0.5)
                return real(*args, **kwargs)
            return delayed
        setattr(cls, name, wrap(getattr(cls, name)))
"""


def test_close_racing_umount() -> None:
    # umount() must wait for a close() running in another thread before it disconnects and
    # finalises the mount: otherwise the close flushes into a torn-down mount (ENOTCONN,
    # lost data) or reads freed memory (SIGSEGV, measured before the fix).
    run_child(
        SLOW_LIB
        + textwrap.dedent("""
        install(before=("glfs_close",))
        vol = mount()
        f = vol.fopen("/misuse-close-umount", "wb")
        f.write(b"w" * 100000)
        result = []
        def closer():
            try:
                f.close()
                result.append("closed")
            except Exception as exc:
                result.append(repr(exc))
        t = threading.Thread(target=closer, name="slow")
        t.start()
        time.sleep(0.1)  # the closer is inside close(), before glfs_close
        vol.umount(wait=True)
        out("umount waited:", result == ["closed"], ORDER[-1] == "glfs_fini")
        t.join()
        out("closer:", result)
        vol.mount(timeout=30)
        out("size:", vol.stat("/misuse-close-umount").st_size)
        vol.unlink("/misuse-close-umount")
        os._exit(0)
        """)
    ).check(["umount waited: True True", "closer: ['closed']", "size: 100000"])


@pytest.mark.parametrize("what", ["fopen", "opendir", "dup"])
def test_open_racing_umount(what: str) -> None:
    # The new handle comes back from C while umount() runs: umount() must either wait and
    # close it, or the opener must close it before glfs_fini, exactly once.
    result = run_child(
        SLOW_LIB
        + textwrap.dedent(f"""
        install()
        delay_registration()
        vol = mount()
        src = vol.fopen("/misuse-open-umount-src", "wb")
        outcome = []
        def opener():
            try:
                if {what!r} == "fopen":
                    vol.fopen("/misuse-open-umount", "wb")
                elif {what!r} == "opendir":
                    vol.opendir("/")
                else:
                    src.dup()
                outcome.append("opened")
            except (VolumeNotMounted, ClosedError) as exc:
                outcome.append(type(exc).__name__)
        t = threading.Thread(target=opener, name="slow")
        t.start()
        time.sleep(0.2)  # the C open has returned; registration is 0.3 s away
        vol.umount(wait=True)
        t.join()
        import gc; gc.collect()  # a half-made Dir/File must not close its handle again
        closes = [c for c in CALLS if c in ("glfs_close", "glfs_closedir")]
        out("outcome:", outcome, "closes:", len(closes))
        out("order:", ORDER[ORDER.index("glfs_fini"):])  # nothing closed after glfs_fini
        vol.mount(timeout=30)
        for p in ("/misuse-open-umount-src", "/misuse-open-umount"):
            if vol.exists(p):
                vol.unlink(p)
        os._exit(0)
        """)
    )
    result.check()
    # The new handle was closed exactly once, by whichever side owned it, and before fini.
    assert result.lines[0].endswith("closes: 1"), result.describe()
    assert result.lines[1] == "order: ['glfs_fini']", result.describe()


@pytest.mark.parametrize("volname", ["gpath_single", "gpath_dist3"])
def test_rename_and_link_into_a_missing_directory(volname: str) -> None:
    # libgfapi 10.3's glfs_rename of a file to "<missing dir>/name" is a SIGSEGV on a
    # single-brick volume (EINVAL/ESTALE/EIO elsewhere); gpath answers like os.rename.
    run_child(
        """
        vol = mount()
        d = "/misuse-rename-" + str(os.getpid())
        vol.mkdir(d)
        vol.fopen(d + "/file", "wb").close()
        vol.mkdir(d + "/dir")
        vol.symlink("nowhere", d + "/dangling")
        vol.symlink("dir", d + "/todir")
        cases = [
            ("rename", d + "/file", d + "/missing/x"),
            ("rename", d + "/file", d + "/missing/deeper/x"),
            ("rename", d + "/file", d + "/file/x"),
            ("rename", d + "/file", d + "/dangling/x"),
            ("rename", d + "/dir", d + "/missing/x"),
            ("replace", d + "/file", d + "/missing/x"),
            ("link", d + "/file", d + "/missing/x"),
            ("link", d + "/file", d + "/file/x"),
            ("replace", d + "/dir", d + "/file"),
            ("rename", d + "/file", d + "/file"),
            ("rename", d + "/file", d + "/todir/x"),
        ]
        for op, a, b in cases:
            try:
                getattr(vol, op)(a, b)
                out(op, b[len(d):], "ok")
            except OSError as exc:
                out(op, b[len(d):], errno.errorcode[exc.errno])
        vol.rmtree(d)
        os._exit(0)
        """,
        volname,
    ).check([
        "rename /missing/x ENOENT",
        "rename /missing/deeper/x ENOENT",
        "rename /file/x ENOTDIR",
        "rename /dangling/x ENOENT",
        "rename /missing/x ENOENT",
        "replace /missing/x ENOENT",
        "link /missing/x ENOENT",
        "link /file/x ENOTDIR",
        "replace /file ENOTDIR",
        "rename /file ok",
        "rename /todir/x ok",
    ])


def test_fork_with_open_files() -> None:
    # libgfapi's threads do not survive fork(): in the child every C call on the parent's
    # mount would wait forever (closing an inherited File hung, before gpath forgot them).
    # The child sees closed Files and unmounted Volumes; the parent carries on untouched.
    run_child(
        """
        import faulthandler
        vol = mount()
        raw = vol.fopen("/misuse-fork", "wb")
        raw.write(b"parent-")
        text = vol.open_file("/misuse-fork-text", "w")
        text.write("text")
        d = vol.opendir("/")
        glfd = vol.open("/misuse-fork", os.O_RDONLY)
        pid = os.fork()
        if pid == 0:
            faulthandler.dump_traceback_later(30, exit=True)  # a hang fails the parent's check
            seen = []
            calls = {
                "write": lambda: raw.write(b"child"), "tell": lambda: raw.tell(),
                "stat": lambda: vol.stat("/"), "opendir": lambda: vol.opendir("/"),
                "readdir": lambda: next(d), "close-text": text.close, "close-raw": raw.close,
                "close-dir": d.close, "close-glfd": glfd.close, "umount": vol.umount,
            }
            for name, call in calls.items():
                try:
                    call()
                    seen.append(name + ": ok")
                except Exception as exc:
                    seen.append(f"{name}: {type(exc).__name__}")
            out("child:", ", ".join(seen), "mounted:", vol.mounted, "closed:", raw.closed)
            sys.exit(0)  # a full interpreter exit: gpath's exit hook runs in the child too
        _, status = os.waitpid(pid, 0)
        out("child exit status:", status)
        raw.write(b"after")
        raw.close()
        text.close()
        d.close()
        glfd.close()
        with vol.fopen("/misuse-fork", "rb") as f:
            out("data:", f.read())
        with vol.open_file("/misuse-fork-text") as f:
            out("text:", f.read())
        vol.unlink("/misuse-fork")
        vol.unlink("/misuse-fork-text")
        os._exit(0)
        """
    ).check([
        "child: write: ClosedError, tell: ClosedError, stat: VolumeNotMounted, opendir: VolumeNotMounted, "
        "readdir: ClosedError, close-text: ok, close-raw: ok, close-dir: ok, close-glfd: ok, "
        "umount: ok mounted: False closed: True",
        "child exit status: 0",
        "data: b'parent-after'",
        "text: text",
    ])
