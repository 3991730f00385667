#!/usr/bin/env bash
# Install what the tests need into .venv and run them. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
source .ci/lib.sh
ensure_venv requirements-test.lock
bash .ci/node-deps.sh      # npm packages: Teams manifest schemas, Adaptive Cards, Agents Playground
bash .ci/browser-deps.sh   # Debian's Chromium for tests/e2e (Playwright drives it; no browser download)
exec .venv/bin/python -m pytest "$@"
