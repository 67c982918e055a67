#!/usr/bin/env bash
# The main job on a fresh Debian machine: set up (scripts/bootstrap.sh), start glusterd and
# a throwaway local single-node GlusterFS volume through the test harness, exactly as the
# test command does (gpath.testing.cluster.up), and use it through gpath (see
# gpath/testing/demo.py).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
exec "$PY" -m gpath.testing demo "$@"
