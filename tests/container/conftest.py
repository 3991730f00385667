"""Fixtures for the container tests: the base image, the built image, a volume.

No container registry is reachable where the tests run, so the base image is made from
Debian's packages by `.ci/container-deps.sh` (kept in podman's storage for later runs) and
the Containerfile is built on it. Without podman (or root to make the base) the tests are
skipped with the reason, except when `CI` is set to a true value: then they fail, as the
PostgreSQL tests do (`tests/conftest.py`). The figures measured (base, build, starts, image
size) are printed at the end of the run.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import running_in_ci
from tests.container.podman import DEPS_SCRIPT, ROOT, UNAVAILABLE, build_image, image_size, podman

# What the run measured, printed in the terminal summary: (what, figure).
FIGURES: list[tuple[str, str]] = []


def record(what: str, figure: str) -> None:
    """Note a measured figure for the summary at the end of the run."""
    FIGURES.append((what, figure))


def _unavailable(reason: str) -> None:
    if running_in_ci():
        pytest.fail(f"{reason}; CI is set, so this is a failure, not a skip")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def base_image() -> str:
    """The base image's name: made from Debian's packages on first use, then reused."""
    started = time.monotonic()
    result = subprocess.run(
        ["bash", str(DEPS_SCRIPT)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if result.returncode != 0:
        _unavailable(f"{DEPS_SCRIPT.name} failed: {result.stderr.strip()[-2000:]}")
    if not result.stdout.strip():
        _unavailable(UNAVAILABLE.read_text().strip() if UNAVAILABLE.exists() else result.stderr)
    how = "made now" if "made" in result.stderr else "cached"
    record(f"base image ({how})", f"{time.monotonic() - started:.0f} s")
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def image(base_image: str) -> str:
    """The Containerfile built on the base image: its image id."""
    started = time.monotonic()
    image_id = build_image(base_image)
    record("podman build", f"{time.monotonic() - started:.0f} s")
    record("image size", f"{image_size(image_id) / 1e6:.0f} MB")
    return image_id


@pytest.fixture
def new_volume() -> Iterator[Callable[[], str]]:
    """Make new named volumes (`new_volume()` is the name); all are removed after the test."""
    made: list[str] = []

    def make() -> str:
        name = f"samverkan-test-{uuid.uuid4().hex[:12]}"
        podman("volume", "create", name)
        made.append(name)
        return name

    yield make
    for name in made:
        podman("volume", "rm", "--force", name)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not FIGURES:
        return
    load = os.getloadavg()[0]
    terminalreporter.section("container image")
    for what, figure in FIGURES:
        terminalreporter.write_line(f"{what}: {figure}")
    terminalreporter.write_line(f"1-minute load average at the end: {load:.2f}")
