#!/usr/bin/env bash
# Install what the tests need into .venv and run them. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
source .ci/lib.sh
ensure_venv requirements-test.lock
exec .venv/bin/python -m pytest "$@"
