# Shared set-up for start.sh, test.sh and .ci/run. Source it; do not run it.
# ensure_venv LOCKFILE: create .venv with Python >= 3.11 and install LOCKFILE into it,
# skipping the install when the lock file has not changed since the last one.

find_python() {
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "samverkan-bot needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
  return 1
}

ensure_venv() {
  local lock="$1" python stamp
  if [ ! -x .venv/bin/python ]; then
    python=$(find_python)
    echo "Creating .venv with $("$python" --version)" >&2
    "$python" -m venv .venv
  fi
  stamp=".venv/.installed-$(basename "$lock")"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$(sha256sum "$lock" | cut -d' ' -f1)" ]; then
    echo "Installing $lock into .venv (first run takes about a minute)" >&2
    # This machine's pip config names local mirror folders that may be absent: hide that noise.
    .venv/bin/python -m pip install --disable-pip-version-check -q -r "$lock" \
      2> >(grep -v "neither a file nor a directory" >&2)
    sha256sum "$lock" | cut -d' ' -f1 > "$stamp"
  fi
}
