#!/usr/bin/env bash
# Install what the bot needs into .venv and start it (on SQLite, with the shipped networks).
# Extra arguments go to `app.py serve`, e.g. ./start.sh --port 3979
set -euo pipefail
cd "$(dirname "$0")"
source .ci/lib.sh
ensure_venv requirements.lock
exec .venv/bin/python app.py serve "$@"
