#!/usr/bin/env bash
# Idempotent set-up of a Debian machine for gpath: system packages, a virtualenv with gpath
# (its cffi extension compiled against the installed libgfapi) and the test extras.
# Sourced by scripts/demo.sh and scripts/test.sh; afterwards $PY is the venv's python.
#
# A second run is quick: the pip step is skipped while a stamp in the venv matches a hash
# of everything the install depends on (the build and packaging files, the C sources of
# the binding, this script, the venv's Python and the installed libgfapi version) and the
# compiled binding is in place.  pip's and apt's output goes to a log that is printed
# only if a step fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${GPATH_VENV:-$ROOT/.venv}"
DIST=gpath-glusterfs  # the distribution name; the import name is gpath
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore PIP_NO_INPUT=1

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

mkdir -p "$VENV"
LOG="$VENV/gpath-bootstrap.log"

# logged WHAT CMD...: run CMD with its output appended to $LOG; on failure print that
# output (its last 80 lines) and stop.
logged() {
    local what=$1 start
    shift
    start=$(($(stat -c %s "$LOG" 2>/dev/null || echo 0) + 1))
    printf '\n== %s: %s (%s)\n' "$what" "$*" "$(date -u +%FT%TZ)" >>"$LOG"
    if ! "$@" </dev/null >>"$LOG" 2>&1; then
        echo "gpath: $what failed; its output (all of it in $LOG):" >&2
        tail -c +"$start" "$LOG" | tail -n 80 >&2
        return 1
    fi
}

need_apt=()
command -v glusterd >/dev/null || need_apt+=(glusterfs-server)
command -v gluster >/dev/null || need_apt+=(glusterfs-cli)
[ -f /usr/include/glusterfs/api/glfs.h ] || need_apt+=(libglusterfs-dev)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
# glusterfs-api.pc requires uuid.pc, which libglusterfs-dev does not pull in (Debian 12)
pkg-config --exists uuid 2>/dev/null || need_apt+=(uuid-dev)
command -v gcc >/dev/null || need_apt+=(gcc)
[ -f /usr/include/stdio.h ] || need_apt+=(libc6-dev)
command -v openssl >/dev/null || need_apt+=(openssl)
command -v mount.glusterfs >/dev/null || need_apt+=(glusterfs-client)
# the multi-node test cluster (network namespaces), the CLI's terminal tests and benchmarks
command -v ip >/dev/null || need_apt+=(iproute2)
command -v tmux >/dev/null || need_apt+=(tmux)
command -v rsync >/dev/null || need_apt+=(rsync)
command -v python3 >/dev/null || need_apt+=(python3)
# venv (ensurepip) and the headers (Python.h) of the python3 that makes the venv
python3 -c 'import ensurepip, os, sys, sysconfig
sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
    2>/dev/null || need_apt+=(python3-venv python3-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "gpath: installing system packages: ${need_apt[*]}"
    logged "apt-get update" as_root apt-get update
    logged "apt-get install" as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y "${need_apt[@]}"
fi

# One bootstrap at a time per venv (the demo and the tests may start together).  The lock
# is released before the caller goes on: the fd must not leak into the demo or the tests.
exec 9>"$VENV/.gpath-bootstrap.lock"
flock 9

if [ -e "$VENV/pyvenv.cfg" ] && ! "$VENV/bin/python" -c '' 2>/dev/null; then
    # left by a Python that is gone: remake it (keeping this log and lock)
    rm -rf -- "$VENV/bin" "$VENV/include" "$VENV/lib" "$VENV/lib64" "$VENV/pyvenv.cfg"
fi
if [ ! -x "$VENV/bin/python" ]; then
    echo "gpath: creating the virtualenv $VENV"
    logged "python3 -m venv" python3 -m venv "$VENV"
fi
PY="$VENV/bin/python"

STAMP="$VENV/.gpath-install.stamp"
stamp_key() {
    (
        cd "$ROOT"
        sha256sum pyproject.toml setup.py gpath/_lowlevel/*.py gpath/_lowlevel/*.c \
            gpath/_lowlevel/*.h scripts/bootstrap.sh
        cat "$VENV/pyvenv.cfg"
        pkg-config --modversion glusterfs-api 2>/dev/null || echo "no glusterfs-api"
    ) | sha256sum | cut -d' ' -f1
}
installed() {
    local so dist
    so=$(compgen -G "$ROOT/gpath/_lowlevel/_glfs*.so") || return 1
    compgen -G "$ROOT/gpath/_lowlevel/_speedups*.so" >/dev/null || return 1
    dist=$(compgen -G "$VENV/lib/python3*/site-packages/${DIST//-/_}-*.dist-info") || return 1
    [ -n "$so" ] && [ -n "$dist" ]
}

key=$(stamp_key)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$key" ] && installed; then
    echo "gpath: $VENV is up to date ($DIST built in place; set-up skipped)"
else
    t0=$SECONDS
    echo "gpath: installing $DIST and its test extras into $VENV (compiling the" \
        "libgfapi binding; log: $LOG)"
    rm -f "$STAMP"
    logged "pip upgrade" "$PY" -m pip install --upgrade pip "setuptools>=77" wheel "cffi>=1.17"
    logged "pip install" "$PY" -m pip install -e "$ROOT[test]"
    # This project was installed as "gpath" before; that name belongs to another project.
    if "$PY" -I - "$ROOT" <<'EOF'
import json, sys
from importlib import metadata
from pathlib import Path
try:
    url = json.loads(metadata.distribution("gpath").read_text("direct_url.json") or "{}")
except metadata.PackageNotFoundError:
    sys.exit(1)
sys.exit(url.get("url") != Path(sys.argv[1]).as_uri())
EOF
    then
        logged "pip uninstall of the old name" "$PY" -m pip uninstall -y gpath
    fi
    # ... and setuptools left that name's metadata in the tree (found when the tree is on
    # sys.path, as with `python -m pytest` run from it)
    if grep -qx "Name: gpath" "$ROOT/gpath.egg-info/PKG-INFO" 2>/dev/null; then
        rm -rf -- "$ROOT/gpath.egg-info"
    fi
    echo "$key" >"$STAMP"
    echo "gpath: installed in $((SECONDS - t0)) s"
fi

flock -u 9
exec 9>&-
export PY ROOT
