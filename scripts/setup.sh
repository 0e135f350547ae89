#!/usr/bin/env bash
# Creates .venv and installs dramalens into it from the lock: requirements/run.lock, or
# requirements/test.lock (test and dask extras too) when called with --test. The versions and
# hashes in the lock are installed exactly; refresh them with `bash scripts/lock.sh`.
# Idempotent: a second run only checks that everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
lock=requirements/run.lock
[ "${1:-}" = "--test" ] && lock=requirements/test.lock
pip=(.venv/bin/python -m pip install -q --disable-pip-version-check)
"${pip[@]}" --require-hashes -r "$lock"
# The package itself, editable; its dependencies are exactly the lock's.
"${pip[@]}" --no-deps -e .
