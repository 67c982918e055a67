"""gpath's pytest plugin as another project uses it: a child pytest (``pytester``, in a
subprocess, with the plugin loaded from its ``pytest11`` entry point) runs a small test
module against a volume chosen by ``--gluster-volume``, ``GPATH_TEST_VOLUME`` or nothing.

The child's conftest replaces the local harness (``gpath.testing.cluster.up`` and the
helpers it calls) with a spy that records the call and raises, so a child test that gets
a volume proves the harness was not used.
"""

from __future__ import annotations

import pytest

from gpath.testing.cluster import VolumeInfo, client_host
from gpath.testing.pytest_plugin import (
    ENV_LOCAL,
    ENV_REQUIRE,
    ENV_VOLUME,
    VolumeTarget,
    parse_volume_target,
)

pytest_plugins = ["pytester"]

SPY_CONFTEST = """
import pytest
from gpath.testing import cluster

HARNESS_CALLS = []

def _spy(name):
    def refuse(*args, **kwargs):
        HARNESS_CALLS.append(name)
        raise RuntimeError(f"harness spy: cluster.{name}() called")
    return refuse

for _name in ("up", "ensure_system_packages", "ensure_glusterd", "ensure_volume"):
    setattr(cluster, _name, _spy(_name))

@pytest.fixture
def harness_calls():
    return HARNESS_CALLS
"""

USER_TESTS = """
def test_write_and_read(gluster_tmp_path, harness_calls):
    f = gluster_tmp_path / "greeting.txt"
    f.write_text("héllo from a plugin user")
    assert f.read_text() == "héllo from a plugin user"
    assert harness_calls == []

def test_tmpdir_on_the_volume(gluster_volume, gluster_tmpdir, harness_calls):
    assert gluster_volume.volname == "gpath_single"
    assert gluster_volume.isdir(gluster_tmpdir)
    assert harness_calls == []
"""

CHILD_ARGS = ("-p", "no:cacheprovider", "-rs")


@pytest.fixture
def child(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A project using the fixtures, in an environment that configures nothing."""
    for name in (ENV_VOLUME, ENV_LOCAL, ENV_REQUIRE, "CI"):
        monkeypatch.delenv(name, raising=False)
    pytester.makeini("[pytest]\n")  # the child's own rootdir: none of gpath's options
    pytester.makeconftest(SPY_CONFTEST)
    pytester.makepyfile(test_user=USER_TESTS)
    return pytester


@pytest.fixture
def single(gluster_volumes: dict[str, VolumeInfo]) -> str:
    """``HOST/gpath_single`` of the local test volume, brought up by this (outer) run."""
    return f"{client_host()}/gpath_single"


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(*CHILD_ARGS, *args, timeout=180)


def test_nothing_configured_skips_with_how_to(child: pytest.Pytester) -> None:
    result = run(child)
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(
        ["*no GlusterFS volume configured*--gluster-volume HOST/VOLUME*GPATH_TEST_VOLUME*"]
    )
    result.stdout.fnmatch_lines(["*--gluster-local*"])
    assert "gpath: gluster_* fixtures" not in result.stdout.str()


def test_nothing_configured_fails_when_required(
    child: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_REQUIRE, "1")
    result = run(child)
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*no GlusterFS volume configured*not skipping*"])


def test_local_volumes_only_when_asked(child: pytest.Pytester) -> None:
    # Asked for, the local volumes come from the harness (here the spy, which refuses).
    result = run(child, "--gluster-local")
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(
        ["*gluster_* fixtures on the throwaway local volumes*", "*harness spy: cluster.up()*"]
    )


def test_volume_option_uses_the_existing_volume(child: pytest.Pytester, single: str) -> None:
    result = run(child, "--gluster-volume", single)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"*gluster_* fixtures on {single} (from --gluster-volume*"])


@pytest.mark.parametrize("servers", ["{host}", "{host}:24007,localhost"])
def test_volume_environment_variable(
    child: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, single: str, servers: str
) -> None:
    value = single.replace(client_host(), servers.format(host=client_host()))
    monkeypatch.setenv(ENV_VOLUME, value)
    monkeypatch.setenv(ENV_LOCAL, "0")
    result = run(child)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"*(from {ENV_VOLUME}=*"])


def test_option_beats_environment(
    child: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, single: str
) -> None:
    monkeypatch.setenv(ENV_VOLUME, f"{client_host()}/no_such_volume")
    result = run(child, "--gluster-local", "--gluster-volume", single)
    result.assert_outcomes(passed=2)


def test_unreachable_configured_volume_is_an_error(
    child: pytest.Pytester, single: str
) -> None:
    result = run(child, "--gluster-volume", f"{client_host()}/no_such_volume")
    result.assert_outcomes(errors=2)


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--gluster-volume", "nohost"], {}, "--gluster-volume 'nohost': no volume name"),
        (["--gluster-volume", "/vol"], {}, "--gluster-volume '/vol': no host"),
        ([], {ENV_VOLUME: "nohost"}, f"{ENV_VOLUME}='nohost': no volume name"),
        ([], {ENV_VOLUME: "/vol"}, f"{ENV_VOLUME}='/vol': no host"),
        ([], {ENV_LOCAL: "maybe"}, f"{ENV_LOCAL}='maybe': expected 1 or 0"),
    ],
)
def test_bad_value_is_a_usage_error(
    child: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = run(child, *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.str()
    if ENV_LOCAL not in env:
        assert "expected HOST/VOLUME, HOST:PORT/VOLUME or HOST1,HOST2/VOLUME" in (
            result.stderr.str()
        )


# -- the HOST/VOLUME syntax, in-process ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1/gpath_single", VolumeTarget(("127.0.0.1",), "gpath_single")),
        ("server:24008/data", VolumeTarget(("server",), "data", 24008)),
        ("h1,h2/v", VolumeTarget(("h1", "h2"), "v")),
        ("h1:24008,h2:24008/v", VolumeTarget(("h1", "h2"), "v", 24008)),
        ("[::1]/v", VolumeTarget(("::1",), "v")),
        ("[fe80::1]:24008/v/", VolumeTarget(("fe80::1",), "v", 24008)),
        ("gluster://h/v", VolumeTarget(("h",), "v")),
        (" h/v.x-1 ", VolumeTarget(("h",), "v.x-1")),
    ],
)
def test_parse_volume_target(text: str, expected: VolumeTarget) -> None:
    assert parse_volume_target(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("nohost", "no volume name"),
        ("h/", "no volume name"),
        ("/vol", "no host"),
        ("h1,,h2/v", "no host"),
        ("h:port/v", "bad port"),
        ("h:0/v", "bad port"),
        ("h:70000/v", "bad port"),
        ("::1/v", "needs brackets"),
        ("[::1/v", "unclosed"),
        ("[::1]x/v", "unexpected"),
        ("h/v/sub", "bad volume name"),
        ("h/v w", "bad volume name"),
        ("h1:24008,h2/v", "different ports"),
    ],
)
def test_parse_volume_target_rejects(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_volume_target(text)


@pytest.mark.parametrize(
    ("target", "text"),
    [
        (VolumeTarget(("h",), "v"), "h/v"),
        (VolumeTarget(("h1", "::1"), "v", 24008), "h1:24008,[::1]:24008/v"),
    ],
)
def test_volume_target_str_round_trips(target: VolumeTarget, text: str) -> None:
    assert str(target) == text
    assert parse_volume_target(text) == target
