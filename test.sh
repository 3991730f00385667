#!/usr/bin/env bash
# Install what the tests need into .venv and run them. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
source .ci/lib.sh
ensure_venv requirements-test.lock
bash .ci/node-deps.sh   # npm packages some tests read: Teams manifest schemas, Adaptive Cards parser
exec .venv/bin/python -m pytest "$@"
