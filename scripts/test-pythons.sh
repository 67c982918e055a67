#!/usr/bin/env bash
# Run gpath's unit and functional tests on every CPython 3.10+ found on this machine (on
# PATH as python3.1x, and under pyenv).  Not part of CI, which uses one interpreter.
#
# For each interpreter: a venv in $GPATH_PYTHONS_DIR (default /tmp/gpath-pythons), a
# regular (non-editable) `pip install .[test]` built from a copy of this tree, so nothing
# in the tree itself is rebuilt, and the tests run from a copy of tests/ and docs/ that
# has no gpath/ next to it, so they import the installed package.  glusterd and the local
# test volumes must be up (`python -m gpath.testing up`).
#
#   bash scripts/test-pythons.sh                 # every interpreter found
#   bash scripts/test-pythons.sh 3.10 3.13       # only these versions
#   bash scripts/test-pythons.sh -- -k docs      # extra arguments go to pytest
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${GPATH_PYTHONS_DIR:-/tmp/gpath-pythons}"
WANTED=()
PYTEST_ARGS=()
while (($#)); do
    if [[ "$1" == "--" ]]; then
        shift
        PYTEST_ARGS=("$@")
        break
    fi
    WANTED+=("$1")
    shift
done

# Interpreters, one per minor version (the first found wins).
declare -A FOUND=()
candidates=()
for minor in $(seq 10 19); do
    candidates+=("$(command -v "python3.$minor" 2>/dev/null || true)")
done
candidates+=("${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1*/bin/python3)
for exe in "${candidates[@]}"; do
    [[ -n "$exe" && -x "$exe" ]] || continue
    version="$("$exe" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" ||
        continue
    [[ "$version" =~ ^3\.1[0-9]$ && -z "${FOUND[$version]:-}" ]] || continue
    FOUND[$version]="$exe"
done
if ((${#FOUND[@]} == 0)); then
    echo "no python3.10 or later found" >&2
    exit 1
fi

mkdir -p "$WORK"
# Sources for building: the tree as it is now, without build products or the git store.
rm -rf "$WORK/src"
mkdir -p "$WORK/src"
tar -C "$ROOT" --exclude=./.git --exclude=./.venv --exclude=./build --exclude='*.egg-info' \
    --exclude='*.so' --exclude=__pycache__ -cf - . | tar -C "$WORK/src" -xf -
# What the tests read: everything but the package itself.
rm -rf "$WORK/run"
mkdir -p "$WORK/run/main"
cp -a "$WORK/src/." "$WORK/run/main/"
# Only the build script's folder stays (a test runs it): with no gpath/__init__.py there,
# the folder can never shadow the installed package.
find "$WORK/run/main/gpath" -mindepth 1 -maxdepth 1 ! -name _lowlevel -exec rm -rf {} +
if [[ -d "$ROOT/../shared" ]]; then
    ln -s "$(cd "$ROOT/../shared" && pwd)" "$WORK/run/shared"
fi

declare -A RESULT=()
status=0
for version in $(printf '%s\n' "${!FOUND[@]}" | sort -V); do
    if ((${#WANTED[@]})) && [[ " ${WANTED[*]} " != *" $version "* ]]; then
        continue
    fi
    exe="${FOUND[$version]}"
    venv="$WORK/py$version"
    echo "=== Python $version ($exe)"
    if [[ ! -x "$venv/bin/python" ]]; then
        "$exe" -m venv "$venv" || { RESULT[$version]="no venv"; status=1; continue; }
    fi
    # pip builds and reinstalls a local directory every time, even at the same version.
    if ! "$venv/bin/python" -m pip install -q "$WORK/src[test]"; then
        RESULT[$version]="install failed"
        status=1
        continue
    fi
    (
        cd "$WORK/run/main" || exit 1
        unset PYTHONPATH
        where="$("$venv/bin/python" -c 'import gpath; print(gpath.__file__)')" || exit 1
        echo "gpath from $where"
        GPATH_REQUIRE_GLUSTER=1 "$venv/bin/pytest" -p no:cacheprovider -q \
            tests/unit tests/functional "${PYTEST_ARGS[@]}"
    )
    rc=$?
    if ((rc == 0)); then
        RESULT[$version]="passed"
    else
        RESULT[$version]="FAILED (exit $rc)"
        status=1
    fi
done

echo
echo "=== Summary"
for version in $(printf '%s\n' "${!RESULT[@]}" | sort -V); do
    echo "Python $version: ${RESULT[$version]}"
done
exit "$status"
