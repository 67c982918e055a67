#!/usr/bin/env bash
# The full test suite on a fresh Debian machine (this is what .ci/run runs): set up, start
# glusterd and the test volumes, run unit, functional, reliability and doc tests, then
# ruff (lint, format check) on the package and mypy --strict on it and on the typing checks.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"

# A functional test must never skip silently because the server is missing.
export GPATH_REQUIRE_GLUSTER=1
"$PY" -m gpath.testing up

"$PY" -m pytest -p no:cacheprovider "$@"
"$PY" -m ruff check gpath
"$PY" -m ruff format --check gpath
echo "ruff: gpath is lint-clean and formatted"
"$PY" -m mypy --strict gpath tests/typing
echo "mypy --strict: gpath and tests/typing are clean"
