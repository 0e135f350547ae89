#!/usr/bin/env bash
# Refreshes the lock files in requirements/ from pyproject.toml: the one command to run after
# changing a dependency (commit the .lock files with it). Pass --upgrade to move every package
# to its newest allowed version; without it uv keeps the versions already locked.
#   requirements/run.lock   core dependencies            (scripts/setup.sh)
#   requirements/test.lock  core + test + dask extras    (scripts/setup.sh --test, scripts/test.sh, .ci/run)
# Universal (any OS, Python 3.11+), with hashes, resolved on PyPI by uv.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
UV_VERSION=0.13.9
tools=.venv-lock  # uv in a venv of its own, so the project's .venv stays exactly as the lock says
if [ ! -x "$tools/bin/uv" ] || [ "$("$tools/bin/uv" --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  "$PY" -m venv "$tools"
  "$tools/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION"
fi
mkdir -p requirements
common=(--universal --python-version 3.11 --generate-hashes --quiet
        --custom-compile-command "bash scripts/lock.sh" --default-index https://pypi.org/simple)
"$tools/bin/uv" pip compile pyproject.toml "${common[@]}" "$@" -o requirements/run.lock
"$tools/bin/uv" pip compile pyproject.toml --extra test --extra dask "${common[@]}" "$@" -o requirements/test.lock
echo "locked: $(grep -c '^[a-zA-Z]' requirements/run.lock) run, $(grep -c '^[a-zA-Z]' requirements/test.lock) test packages"
