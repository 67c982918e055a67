#!/usr/bin/env bash
# The full test suite on a fresh Debian machine (this is what .ci/run runs): set up, start
# glusterd and the test volumes, run unit, functional, reliability and doc tests, then
# mypy --strict on the package and on the typing checks.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"

# A functional test must never skip silently because the server is missing.
export GPATH_REQUIRE_GLUSTER=1
"$PY" -m gpath.testing up

"$PY" -m pytest -p no:cacheprovider "$@"
"$PY" -m mypy --strict gpath tests/typing
echo "mypy --strict: gpath and tests/typing are clean"
