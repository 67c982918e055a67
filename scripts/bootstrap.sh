#!/usr/bin/env bash
# Idempotent set-up of a Debian machine for gpath: system packages, a virtualenv with gpath
# (its cffi extension compiled against the installed libgfapi) and the test extras.
# Sourced by scripts/demo.sh and scripts/test.sh; afterwards $PY is the venv's python.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${GPATH_VENV:-$ROOT/.venv}"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
command -v glusterd >/dev/null || need_apt+=(glusterfs-server)
command -v gluster >/dev/null || need_apt+=(glusterfs-cli)
[ -f /usr/include/glusterfs/api/glfs.h ] || need_apt+=(libglusterfs-dev)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
command -v gcc >/dev/null || need_apt+=(gcc)
command -v openssl >/dev/null || need_apt+=(openssl)
command -v mount.glusterfs >/dev/null || need_apt+=(glusterfs-client)
command -v python3 >/dev/null || need_apt+=(python3)
python3 -c 'import ensurepip, sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' 2>/dev/null \
    || need_apt+=(python3-venv python3-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "gpath: installing system packages: ${need_apt[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
PY="$VENV/bin/python"
"$PY" -m pip install -q --upgrade pip setuptools wheel cffi >/dev/null
"$PY" -m pip install -q -e "$ROOT[test]"
export PY ROOT
