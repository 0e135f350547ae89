#!/usr/bin/env bash
# Sets up everything the tests need and runs them: the venv from requirements/test.lock, Debian's
# chromium and a CJK font for the browser tests (when we are root with apt-get), the type checker
# (mypy --strict on src/, [tool.mypy] in pyproject.toml), then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
if { ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wenquanyi; } && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei) >/dev/null 2>&1 \
    || echo "warning: could not install chromium; browser tests will be skipped" >&2
fi
bash scripts/setup.sh --test
.venv/bin/mypy
exec .venv/bin/python -m pytest -q -n 2 "$@"
