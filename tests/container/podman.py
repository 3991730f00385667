"""The Containerfile built and run with podman, as the container tests use it.

Every podman command runs with `CONTAINERS_CONF=.ci/containers.conf` (what podman needs in
a sandbox without systemd or cgroup delegation) and `--network host`, so a container that
binds 127.0.0.1 is reachable from the tests, and the bot in it reaches the tests' loopback
connector, with nothing exposed beyond the machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTAINERS_CONF = ROOT / ".ci" / "containers.conf"
DEPS_SCRIPT = ROOT / ".ci" / "container-deps.sh"
UNAVAILABLE = ROOT / "artifacts" / ".container-unavailable"
IMAGE_TAG = "localhost/samverkan-bot:tests"  # kept, so the next build reuses its layers

START_TIMEOUT_SECONDS = 120  # first start migrates and seeds; a loaded CI box is slow


class PodmanFailed(RuntimeError):
    """A podman command failed; the message holds its output."""


def podman(*arguments: str, timeout: float = 600) -> str:  # noqa: ASYNC109 - plain in tests
    """Run `podman ARGUMENTS` and return its standard output; raise `PodmanFailed` if it fails."""
    environment = {**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF)}
    result = subprocess.run(
        ["podman", *arguments], capture_output=True, text=True, env=environment,
        timeout=timeout, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise PodmanFailed(
            f"podman {' '.join(arguments)} exited with {result.returncode}:\n"
            f"{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    return result.stdout


def build_image(base_image: str) -> str:
    """Build the repository's Containerfile on `base_image`; returns the image id."""
    iid_file = ROOT / "artifacts" / "container" / f"{uuid.uuid4().hex}.iid"
    iid_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        podman(
            "build", "--format", "docker",  # podman's default OCI format drops HEALTHCHECK
            "--network", "host", "--build-arg", f"BASE_IMAGE={base_image}",
            "--iidfile", str(iid_file), "-t", IMAGE_TAG, "-f", str(ROOT / "Containerfile"),
            str(ROOT),
        )  # fmt: skip
        return iid_file.read_text().strip()
    finally:
        iid_file.unlink(missing_ok=True)


def image_size(image: str) -> int:
    """The image's size in bytes, as podman counts it (all layers)."""
    return int(podman("image", "inspect", "--format", "{{.Size}}", image).strip())


@dataclass
class Container:
    """One running container of the image, named uniquely."""

    name: str
    port: int

    @classmethod
    def run(
        cls,
        image: str,
        *,
        port: int,
        volumes: Sequence[str],
        environment: Mapping[str, str],
    ) -> Container:
        """`podman run -d` the image listening on 127.0.0.1:`port` with these `-v` volumes."""
        name = f"samverkan-test-{uuid.uuid4().hex[:12]}"
        options = [f"--volume={volume}" for volume in volumes]
        for key, value in {"HOST": "127.0.0.1", "PORT": str(port), **environment}.items():
            options.append(f"--env={key}={value}")
        # No systemd here to run the healthcheck on a timer: the tests run it themselves.
        podman("run", "-d", "--name", name, "--network", "host", "--health-interval=disable",
               *options, image)  # fmt: skip
        return cls(name, port)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def exec(self, *command: str) -> str:
        """`podman exec` in the running container; its standard output."""
        return podman("exec", self.name, *command, timeout=120)

    def logs(self) -> str:
        try:
            return podman("logs", "--tail", "40", self.name, timeout=30)
        except PodmanFailed as err:
            return str(err)

    def running(self) -> bool:
        state = podman("inspect", "--format", "{{json .State}}", self.name, timeout=30)
        return bool(json.loads(state).get("Running"))

    def wait_healthy(self) -> None:
        """Wait until GET /healthz answers 200; fail with the log if the container stops."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if not self.running():
                raise AssertionError(f"{self.name} stopped before /healthz:\n{self.logs()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: no /healthz in time:\n{self.logs()}")
            time.sleep(0.2)  # polling a port: nothing to wait on but the next try

    def stop(self) -> None:
        """Stop (SIGTERM, as an orchestrator does) and remove the container."""
        podman("rm", "--force", "--time", "20", self.name, timeout=60)
