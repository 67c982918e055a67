"""``gpath shell`` and the progress display, driven in a real terminal (tmux)."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cli_support import GPATH, Remote

TMUX = shutil.which("tmux")


class Terminal:
    """A detached tmux session running one command; keys in, screen text out."""

    def __init__(self, command: str, home: Path) -> None:
        assert TMUX, "tmux is needed (Debian package 'tmux')"
        self.name = f"gpath-cli-{uuid.uuid4().hex[:8]}"
        subprocess.run(
            [TMUX, "new-session", "-d", "-s", self.name, "-x", "160", "-y", "40",
             # the wrapping shell ignores Ctrl-C (gpath sets its own handler), so it stays
             f"trap '' INT; env HOME={home} XDG_STATE_HOME={home} {command}; echo EXIT=$?; "
             "sleep 60"],
            check=True,
        )

    def keys(self, *keys: str) -> None:
        subprocess.run([TMUX, "send-keys", "-t", self.name, *keys], check=True)

    def screen(self) -> str:
        return subprocess.run([TMUX, "capture-pane", "-p", "-t", self.name], check=True,
                              capture_output=True, text=True).stdout

    def wait_for(self, test: Callable[[str], bool], timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if test(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"screen never matched; it shows:\n{text}")
            time.sleep(0.05)

    def close(self) -> None:
        subprocess.run([TMUX, "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Callable[[str], Terminal]]:
    opened: list[Terminal] = []

    def start(command: str) -> Terminal:
        opened.append(Terminal(command, tmp_path))
        return opened[-1]

    yield start
    for t in opened:
        t.close()


def test_shell_ls_cd_completion_cat_history(remote: Remote, terminal: Callable[[str], Terminal],
                                            tmp_path: Path) -> None:
    vol = remote.vol
    vol.mkdir(remote.p("reports"))
    vol.path(remote.p("reports/quarterly.csv")).write_text("a,b\n1,2\n")
    vol.path(remote.p("notes.txt")).write_text("hello\n")
    (tmp_path / "up.txt").write_text("uploaded\n")
    t = terminal(f"sh -c 'cd {tmp_path} && exec {GPATH} shell {remote.url()}'")
    prompt = f"gpath:{remote.path}>"  # tmux drops the trailing space
    t.wait_for(lambda s: prompt in s)
    t.keys("ls -l", "Enter")
    t.wait_for(lambda s: " notes.txt" in s and " reports" in s)
    t.keys("cd rep", "Tab")  # completes the remote directory name
    t.wait_for(lambda s: f"{prompt} cd reports/" in s)
    t.keys("Enter")
    t.keys("cat qu", "Tab")
    t.wait_for(lambda s: "cat quarterly.csv" in s)
    t.keys("Enter")
    screen = t.wait_for(lambda s: "1,2" in s)
    assert "a,b\n1,2\n" in screen
    t.keys("pwd", "Enter")
    t.wait_for(lambda s: remote.url("reports").replace("%C3%A9", "é").replace(
        "%E2%9C%93", "✓") in s)
    t.keys("find . -name '*.csv'", "Enter")
    t.wait_for(lambda s: "/reports/quarterly.csv" in s.replace("\n", ""))
    t.keys("put up.txt", "Enter")
    t.keys("ls", "Enter")
    t.wait_for(lambda s: "\nup.txt" in s or "up.txt\n" in s)
    t.keys("cat nothing-here", "Enter")
    # long lines wrap on the screen
    t.wait_for(lambda s: "nothing-here: No such file or directory" in s.replace("\n", ""))
    t.keys("Up", "Up")  # history: the command before the failed cat
    here = prompt.replace(remote.path, remote.path + "/reports")
    t.wait_for(lambda s: s.rstrip().endswith(f"{here} ls"))
    t.keys("C-u", "tail -f quarterly.csv", "Enter")
    t.wait_for(lambda s: s.count("1,2") == 2)
    t.keys("C-c")  # ends tail -f, not the shell
    t.wait_for(lambda s: s.rstrip().endswith(here))
    t.keys("get quarterly.csv", "Enter")  # a transfer after Ctrl-C works
    deadline = time.monotonic() + 30
    while not (tmp_path / "quarterly.csv").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (tmp_path / "quarterly.csv").read_text() == "a,b\n1,2\n"
    t.keys("exit", "Enter")
    t.wait_for(lambda s: "EXIT=0" in s)
    assert vol.path(remote.p("reports/up.txt")).read_text() == "uploaded\n"
    assert "ls -l" in (tmp_path / "gpath_history").read_text()


def test_progress_display_on_a_terminal(remote: Remote, terminal: Callable[[str], Terminal],
                                        tmp_path: Path) -> None:
    with remote.vol.fopen(remote.p("big"), "wb") as f:
        f.truncate(320 << 20)
    t = terminal(f"{GPATH} get -j 2 {remote.url('big')} {tmp_path / 'big'}")
    screen = t.wait_for(lambda s: "MiB" in s and "B/s" in s and "ETA" in s)
    line = next(x for x in screen.splitlines() if "MiB" in x)
    assert line.startswith("get ") and "/320.0 MiB" in line and "/1 files" in line
    assert "B/s ETA 0:" in line  # the rate and the time left
    screen = t.wait_for(lambda s: "EXIT=0" in s, timeout=120)
    assert "320.0/320.0 MiB" in screen and "1/1 files" in screen
    assert (tmp_path / "big").stat().st_size == 320 << 20
    remote.vol.path(remote.p("small")).write_bytes(b"s" * 100_000)
    t2 = terminal(f"{GPATH} get --no-progress {remote.url('small')} {tmp_path / 'small'}")
    screen = t2.wait_for(lambda s: "EXIT=0" in s, timeout=120)
    assert "KiB" not in screen and "files" not in screen


def test_no_progress_on_a_pipe_unless_asked(remote: Remote, tmp_path: Path) -> None:
    remote.vol.path(remote.p("f")).write_bytes(b"x" * 100_000)
    proc = subprocess.run([GPATH, "get", remote.url("f"), str(tmp_path / "f")],
                          capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    proc = subprocess.run([GPATH, "get", "--progress", remote.url("f"), str(tmp_path / "g")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout == ""
    assert "97.7/97.7 KiB" in proc.stderr and "1/1 files" in proc.stderr
