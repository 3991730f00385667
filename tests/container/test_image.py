"""The Containerfile, built and run as an IT department would: a volume for the data, the
organisation's own network files mounted read-only, a who-question through a loopback Bot
Connector, a CLI command with `exec`, and a new container on the same volume that keeps
everything."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp
import pytest

from bot.local_connector import LocalConnector
from domain.registry import Assignment, Localized, Network, Person, Role, RoleRegistry
from storage.registry_files import write_file
from tests.bot.teams_activities import personal_message
from tests.container.conftest import record
from tests.container.podman import Container, podman
from tests.e2e.processes import free_port

pytestmark = pytest.mark.container

KARIN = Person("Karin Provsson", email="karin.provsson@provkommun.example.se")
# A network of the organisation's own, not one of the shipped ones: its answer can only
# come from the mounted file (first container) or from the volume (second one).
OWN_NETWORK = Network(
    key="provkommun",
    name=Localized("Provkommunens nätverk", "The test municipality's network"),
    roles=(
        Role(
            "lokalansvarig",
            "network",
            Localized("Lokalansvarig", "Room officer"),
            Localized(("Bokar möteslokaler.",), ("Books meeting rooms.",)),
            synonyms=Localized(("lokal", "lokalbokning"), ("room booking",)),
        ),
    ),
    assignments=(Assignment("lokalansvarig", KARIN),),
)
QUESTION = "Vem bokar möteslokalen?"


def own_networks_folder(tmp_path: Path) -> Path:
    """A folder with the organisation's network file, readable by the container's user."""
    folder = tmp_path / "networks"
    folder.mkdir()
    write_file(RoleRegistry((OWN_NETWORK,)), folder / "provkommun.yaml")
    folder.chmod(0o755)
    (folder / "provkommun.yaml").chmod(0o644)
    return folder


async def ask(container: Container, connector: LocalConnector, http: aiohttp.ClientSession) -> str:
    """Send the who-question as a Teams personal-chat message; the reply's text."""
    already = len(connector.activities)
    activity = personal_message(connector.service_url, QUESTION)
    async with http.post(f"{container.base_url}/api/messages", json=activity) as response:
        assert response.status in (200, 201), await response.text()
    replies = await connector.wait_for_activities(already + 1, timeout=30)
    return replies[already].visible_text


async def timed(what: str, work, *arguments):
    """Run blocking `work` in a thread and record how long it took."""
    started = time.monotonic()
    result = await asyncio.to_thread(work, *arguments)
    record(what, f"{time.monotonic() - started:.1f} s")
    return result


async def test_the_image_serves_answers_runs_commands_and_keeps_its_data_on_the_volume(
    image: str, new_volume: Callable[[], str], tmp_path: Path
) -> None:
    volume = new_volume()
    networks = own_networks_folder(tmp_path)
    environment = {"DEFAULT_NETWORK": "provkommun", "SCHEDULER_INTERVAL_SECONDS": "0"}
    started: list[Container] = []
    try:
        async with LocalConnector() as connector, aiohttp.ClientSession() as http:
            first = Container.run(
                image,
                port=free_port(),
                volumes=[f"{volume}:/data", f"{networks}:/config/networks:ro"],
                environment={**environment, "NETWORKS_DIR": "/config/networks"},
            )
            started.append(first)
            await timed("first start to /healthz (migrate, seed)", first.wait_healthy)

            # The image's own HEALTHCHECK passes, and the bot does not run as root.
            await asyncio.to_thread(podman, "healthcheck", "run", first.name)
            assert (await asyncio.to_thread(first.exec, "id", "-u")).strip() != "0"

            assert "Karin Provsson" in await ask(first, connector, http)
            # The annual-wheel page, made from the view's files that the image must carry.
            async with http.get(f"{first.base_url}/wheel") as response:
                assert response.status == 200
                wheel = await response.text()
            assert "<h1>Provkommunens nätverk</h1>" in wheel
            assert "<style>\n:root{" in wheel and "addEventListener" in wheel
            export = ("python", "app.py", "person", "export", "--email", KARIN.email)
            exported = json.loads(await timed("exec app.py person export", first.exec, *export))
            assert exported["person"]["name"] == "Karin Provsson"

            # A new container on the same volume, without the mounted files: the shipped
            # networks are in its image, yet the registry on the volume is what it answers from.
            await asyncio.to_thread(first.stop)
            second = Container.run(
                image, port=free_port(), volumes=[f"{volume}:/data"], environment=environment
            )
            started.append(second)
            await timed("second start on the same volume to /healthz", second.wait_healthy)
            assert "Karin Provsson" in await ask(second, connector, http)
            exported = json.loads(await asyncio.to_thread(second.exec, *export))
            assert exported["person"]["name"] == "Karin Provsson"

            # A backup taken in the running container, as docs/deployment.md says...
            backup = ("python", "app.py", "backup", "/data/backup.tar.gz")
            await timed("exec app.py backup (while serving)", second.exec, *backup)
        # ...restores into a new, empty volume, where the registry is found again.
        restored = new_volume()
        output = await timed(
            "restore into a new volume and export from it", podman,
            "run", "--rm", "--network", "host", "-v", f"{restored}:/data",
            "-v", f"{volume}:/backups:ro", "--entrypoint", "sh", image, "-c",
            "python app.py restore /backups/backup.tar.gz && " + " ".join(export),
        )  # fmt: skip
        assert "restored schema" in output
        assert json.loads(output[output.index("{") :])["person"]["name"] == "Karin Provsson"
    finally:
        for container in started:
            await asyncio.to_thread(container.stop)
