#!/usr/bin/env bash
# The main job on a fresh Debian machine: set up, start a throwaway local single-node
# GlusterFS volume, and use it through gpath (see gpath/testing/demo.py).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
exec "$PY" -m gpath.testing demo "$@"
