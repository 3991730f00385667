"""Access to the npm packages the tests read (tests/node), installed by .ci/node-deps.sh.

A missing install is a failure that says to run the script, not a silent skip: a test
that quietly skips would hide an unvalidated manifest or card. Only when the packages
cannot be had at all (no Node.js, or the script recorded why it could not install them)
do the tests skip, with that exact reason, and in CI (CI=true) even that fails.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
NODE_MODULES = NODE_DIR / "node_modules"
LOCK = NODE_DIR / "package-lock.json"
# Both written by .ci/node-deps.sh: the hash of the lock it installed, or why it could not.
STAMP = NODE_MODULES / ".installed-package-lock"
UNAVAILABLE = NODE_MODULES / ".unavailable"

INSTALL_HINT = "run: bash .ci/node-deps.sh"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"true", "1", "yes"}


def _unavailable(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason} (CI=true: these tests must run in CI)")
    pytest.skip(reason)


def require_node_modules(*, needs_node: bool = False) -> Path:
    """tests/node/node_modules, installed from the current lock; fails or skips otherwise.

    `needs_node`: the caller also runs `node` itself (not only reads files).
    """
    lock_hash = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    installed = STAMP.read_text().strip() if STAMP.is_file() else None
    if installed != lock_hash:
        if UNAVAILABLE.is_file():
            _unavailable(UNAVAILABLE.read_text().strip())
        if shutil.which("node") is None or shutil.which("npm") is None:
            _unavailable(
                "Node.js and npm are not installed, so the npm packages in tests/node cannot be "
                "installed; install Node.js 18 or newer (run as root, the script does it), "
                f"then {INSTALL_HINT}"
            )
        if installed is None:
            pytest.fail(f"the npm packages in tests/node are not installed; {INSTALL_HINT}")
        pytest.fail(
            "tests/node/package-lock.json changed since its packages were installed; "
            + INSTALL_HINT
        )
    if needs_node and shutil.which("node") is None:
        _unavailable(
            "Node.js is not on PATH, though tests/node is installed; install Node.js 18 or newer"
        )
    return NODE_MODULES
