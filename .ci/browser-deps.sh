#!/usr/bin/env bash
# Make sure the browser the end-to-end tests drive is installed: Debian's Chromium at
# /usr/bin/chromium (tests/e2e drive it with Playwright; Playwright's own browser download
# is never used, it cannot be had on machines without internet access).
#
# Without /usr/bin/chromium it installs Debian's `chromium` with apt-get when run as root,
# and otherwise says what to install.
#
# Outside CI a failure is not fatal: the reason is written to artifacts/.browser-unavailable
# and the tests that need the browser skip with it. With CI=true every failure is fatal.
set -euo pipefail
cd "$(dirname "$0")/.."

browser=/usr/bin/chromium
unavailable=artifacts/.browser-unavailable

in_ci() { case "${CI:-}" in true | TRUE | True | 1 | yes) return 0 ;; *) return 1 ;; esac; }

give_up() {
  echo "browser-deps: $1" >&2
  if in_ci; then exit 1; fi
  mkdir -p "$(dirname "$unavailable")"
  echo "$1" > "$unavailable"
  exit 0
}

if [ ! -x "$browser" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "browser-deps: $browser is missing; installing Debian's chromium (about a minute)" >&2
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; then
      give_up "apt-get could not install chromium; install it (Debian/Ubuntu: apt-get install chromium), then run: bash .ci/browser-deps.sh"
    fi
  else
    give_up "the end-to-end tests drive Chromium at $browser, which is not installed; install it (Debian: sudo apt-get install chromium), then run: bash .ci/browser-deps.sh"
  fi
fi

if ! "$browser" --version >/dev/null 2>&1; then
  give_up "$browser is installed but does not start ($browser --version failed); reinstall it, then run: bash .ci/browser-deps.sh"
fi

rm -f "$unavailable"  # the browser is here: an earlier reason to skip no longer holds
