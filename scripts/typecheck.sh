#!/usr/bin/env bash
# Type-checks the package: mypy, strict, on src/dramalens ([tool.mypy] in pyproject.toml).
# Extra arguments go to mypy (e.g. a file). Sets up .venv with the test extras if mypy is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/mypy ] || bash scripts/setup.sh --test
exec .venv/bin/mypy "$@"
