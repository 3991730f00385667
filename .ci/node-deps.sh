#!/usr/bin/env bash
# Install the npm packages the Python tests read offline (tests/node/package.json: Microsoft's
# Teams app manifest schemas, the Adaptive Cards parser and axe-core) into tests/node/node_modules.
#
# Runs `npm ci` only when tests/node/package-lock.json changed since the last install (a stamp
# inside node_modules records the lock's hash). Without Node.js it installs Debian's nodejs and
# npm when run as root, and otherwise says what to install.
#
# Outside CI a failed install is not fatal: the reason is written to node_modules/.unavailable
# and the tests that need these packages skip with it. With CI=true every failure is fatal.
set -euo pipefail
cd "$(dirname "$0")/.."

node_dir=tests/node
stamp="$node_dir/node_modules/.installed-package-lock"
unavailable="$node_dir/node_modules/.unavailable"

in_ci() { case "${CI:-}" in true | TRUE | True | 1 | yes) return 0 ;; *) return 1 ;; esac; }

give_up() {
  echo "node-deps: $1" >&2
  if in_ci; then exit 1; fi
  mkdir -p "$node_dir/node_modules"
  echo "$1" > "$unavailable"
  exit 0
}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "node-deps: Node.js or npm is missing; installing Debian's nodejs and npm" >&2
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }; then
      give_up "apt-get could not install nodejs and npm; install Node.js 18 or newer with npm, then run: bash .ci/node-deps.sh"
    fi
  else
    give_up "Node.js 18 or newer with npm is needed for the manifest and card tests and is not installed; install it (Debian/Ubuntu: sudo apt-get install nodejs npm), then run: bash .ci/node-deps.sh"
  fi
fi

rm -f "$unavailable"  # Node.js and npm are here: an earlier reason to skip no longer holds

want="$(sha256sum "$node_dir/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi

echo "node-deps: installing $node_dir/package-lock.json with npm ci" >&2
# --ignore-scripts: the tests only read these packages' files; no install script needs to run.
if ! npm ci --prefix "$node_dir" --ignore-scripts --no-audit --no-fund --loglevel=error; then
  give_up "npm ci --prefix $node_dir failed (is the npm registry reachable?); fix that, then run: bash .ci/node-deps.sh"
fi
echo "$want" > "$stamp"
