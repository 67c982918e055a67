"""Local GlusterFS harness for gpath's tests, demos and benchmarks.

Everything here runs as root on a Debian machine and drives the real
``glusterd``/``gluster`` binaries.  It is deliberately stdlib-only so that it
can bootstrap a machine before the compiled binding even exists.

Safety model (the harness shares the machine with whatever else runs there):

* only volumes whose bricks live under ``STATE_DIR/bricks/<volname>/`` are
  ever stopped, deleted or wiped; anything else is refused;
* a ``glusterd`` is only stopped if the state dir records that this harness
  started it *and* the recorded pid still is that very process;
* processes are only signalled after their ``/proc/PID/cmdline`` proves they
  are the ``glusterfsd`` of the requested brick, through a pidfd so that a
  recycled pid can never be hit; pids ``<= 1`` are never signalled.

The harness is a package of small modules, one job each (``_types``, ``_config``, ``_xml``,
``_cli``, ``_procs``, ``_state``, ``_glusterd``, ``_volumes``, ``_faults``; and for a
cluster of several nodes on this machine ``_netns`` and ``_nodes``); this package
re-exports their names, so ``from gpath.testing.cluster import X`` keeps working.
"""

from __future__ import annotations

import sys
import types

from . import (
    _cli,
    _config,
    _faults,
    _glusterd,
    _netns,
    _nodes,
    _procs,
    _state,
    _types,
    _volumes,
    _xml,
)
from ._cli import (  # noqa: F401
    _gluster,
    _gluster_bin,
    _Result,
    _run,
)
from ._config import (  # noqa: F401
    _GLUSTERD_DOWN_MARKERS,
    _TRANSIENT_MARKERS,
    _VOLNAME_RE,
    BRICKS_ONLINE_TIMEOUT,
    DEFAULT_VOLUME_OPTIONS,
    GLFS_HEADER,
    GLUSTER_TIMEOUT,
    GLUSTERD_READY_TIMEOUT,
    LOCK_TIMEOUT,
    STANDARD_VOLUMES,
    STATE_DIR,
    SYSTEM_PACKAGES,
    _brick_path_is_ours,
    _bricks_root,
    _check_state_dir,
    _expected_brick_paths,
    _require_root,
    _validate_volname,
    _wipe_dir_under_bricks,
    brick_host,
    client_host,
)
from ._faults import (
    full_heal,
    heal,
    kill_brick,
    volume_reset,
    volume_set,
)
from ._glusterd import (  # noqa: F401
    _glusterd_answers,
    _glusterd_log_tail,
    _glusterd_record_matches,
    _missing_system_bits,
    _read_glusterd_record,
    _wait_glusterd_ready,
    ensure_glusterd,
    ensure_system_packages,
    stop_glusterd_if_ours,
)
from ._nodes import (
    NODE_COUNT,
    NODE_NETWORK,
    NODE_VOLUME_OPTIONS,
    NODE_VOLUMES,
    Node,
    NodeCluster,
    NodeLayout,
    NodeProcess,
    NodeVolume,
    nodes_down,
    nodes_up,
)
from ._procs import (  # noqa: F401
    _PROC,
    _arg_value,
    _check_pid_value,
    _pid_alive,
    _pidfd_open,
    _pids_with_comm,
    _proc_cmdline,
    _proc_comm,
    _proc_read,
    _proc_stat,
    _wait_pidfd_exit,
    glusterd_pids,
    signal_brick_process,
    verify_brick_process,
)
from ._state import (  # noqa: F401
    _forget_volume,
    _glusterd_record_file,
    _locked,
    _read_json,
    _record_volume,
    _state_file,
    _state_volumes,
    _thread_lock,
    _write_json,
    owned_volumes,
)

# Every name the single-module harness had, private ones included (tests reach them).
from ._types import (  # noqa: F401
    _LAYOUTS,
    BrickStatus,
    GlusterCommandError,
    GlusterVolume,
    HarnessError,
    Layout,
    VolumeInfo,
    VolumeSpec,
    _split_brick,
)
from ._volumes import (  # noqa: F401
    _bricks_intact,
    _bring_up,
    _create,
    _daemon_status,
    _destroy,
    _is_ours,
    _layout_matches,
    _require_ours,
    brick_pids,
    brick_status,
    delete_volume,
    ensure_volume,
    start_bricks,
    teardown,
    up,
    volume_info,
    volume_names,
    wait_bricks_online,
)
from ._xml import (  # noqa: F401
    _HEAL_ENTRIES_RE,
    _int_or,
    _safe_pid,
    _xml_op_error,
    parse_heal_info,
    parse_volume_info_xml,
    parse_volume_status_xml,
)

__all__ = [
    "BrickStatus",
    "DEFAULT_VOLUME_OPTIONS",
    "GlusterCommandError",
    "GlusterVolume",
    "HarnessError",
    "Layout",
    "STANDARD_VOLUMES",
    "STATE_DIR",
    "VolumeInfo",
    "VolumeSpec",
    "brick_host",
    "brick_pids",
    "brick_status",
    "client_host",
    "delete_volume",
    "ensure_glusterd",
    "ensure_system_packages",
    "ensure_volume",
    "full_heal",
    "glusterd_pids",
    "heal",
    "kill_brick",
    "owned_volumes",
    "parse_heal_info",
    "parse_volume_info_xml",
    "parse_volume_status_xml",
    "signal_brick_process",
    "start_bricks",
    "stop_glusterd_if_ours",
    "teardown",
    "up",
    "verify_brick_process",
    "volume_info",
    "volume_names",
    "volume_reset",
    "volume_set",
    "wait_bricks_online",
    # several nodes on this machine (network namespaces)
    "NODE_COUNT",
    "NODE_NETWORK",
    "NODE_VOLUMES",
    "NODE_VOLUME_OPTIONS",
    "Node",
    "NodeCluster",
    "NodeLayout",
    "NodeProcess",
    "NodeVolume",
    "nodes_down",
    "nodes_up",
]

_MODULES: tuple[types.ModuleType, ...] = (
    _types,
    _config,
    _xml,
    _cli,
    _procs,
    _state,
    _glusterd,
    _volumes,
    _faults,
    _netns,
    _nodes,
)
_MISSING = object()


class _Package(types.ModuleType):
    """This package; setting one of its names also rebinds it in the modules that use it."""

    def __setattr__(self, name: str, value: object) -> None:
        # monkeypatching cluster.X (as the tests do) must reach the code that calls X
        old = self.__dict__.get(name, _MISSING)
        if old is not _MISSING and not name.startswith("__"):
            for module in _MODULES:
                if module.__dict__.get(name, _MISSING) is old:
                    setattr(module, name, value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
