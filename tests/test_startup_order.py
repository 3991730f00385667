"""Start-up order, seen from outside: `app.py serve` as a process binds its port before
any scheduled work runs, and a port that is taken is one clear line and a non-zero exit,
before anything is opened, planned or posted."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.local_connector import LocalConnector
from storage.database import Database
from storage.outbox import Outbox
from tests.conftest import sqlite_url
from tests.scheduler.planned import LOGISTIK, bind_team, post
from tests.test_cli import APP, run_app

START_TIMEOUT_SECONDS = 60
QUIET_NETWORK = """\
key: bestservice
name: {sv: Best Service, en: Best Service}
groups:
  - key: logistik
    name: {sv: Logistik, en: Logistics}
roles:
  - key: ordforande
    scope: group
    title: {sv: Ordförande, en: Chair}
    duties: {sv: [], en: []}
"""


def _listening_port() -> socket.socket:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    return taken


def test_a_taken_port_is_one_clear_line_and_a_non_zero_exit_before_anything_runs(
    tmp_path: Path,
):
    with _listening_port() as taken:
        port = taken.getsockname()[1]
        result = run_app(tmp_path, "serve", "--port", str(port),
                         env={"SCHEDULER_INTERVAL_SECONDS": "5"})  # fmt: skip

    assert result.returncode == 5
    assert result.stderr.strip() == (
        f"cannot listen on 127.0.0.1:{port}: the address is already in use (is the bot "
        "running already?); choose another with --port or PORT"
    )
    assert result.stdout == ""
    assert not (tmp_path / "samverkan.db").exists()  # no database opened, nothing planned


def test_an_address_not_on_this_machine_is_one_clear_line(tmp_path: Path):
    # 192.0.2.1 is a documentation address (RFC 5737): no machine has it.
    result = run_app(tmp_path, "serve", "--port", "0", env={"HOST": "192.0.2.1"})

    assert result.returncode == 5
    assert result.stderr.strip() == "cannot listen on 192.0.2.1: no such address on this machine"
    assert not (tmp_path / "samverkan.db").exists()


def _ipv6_loopback_port() -> int | None:
    """A free port on ::1, or None where this machine has no IPv6 loopback."""
    if not socket.has_ipv6:
        return None
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
            return probe.getsockname()[1]
    except OSError:
        return None


def test_serve_on_an_ipv6_host_answers_health_checks_over_ipv6(tmp_path: Path):
    port = _ipv6_loopback_port()
    if port is None:
        pytest.skip("this machine has no IPv6 loopback (::1)")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
    environment.pop("DATABASE_URL", None)
    environment["HOST"] = "::1"
    process = subprocess.Popen(
        [sys.executable, APP, "serve", "--port", str(port)],
        cwd=tmp_path, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        health = None
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://[::1]:{port}/healthz", timeout=1) as r:
                    health = r.read()
                    break
            except OSError:
                time.sleep(0.2)
        assert health == b'{"status": "ok"}'
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert "Traceback" not in stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _accepts(port: int) -> bool:
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 0.5)
    except (OSError, TimeoutError):
        return False
    writer.close()
    return True


async def test_the_port_is_bound_before_housekeeping_planning_or_posting_runs(tmp_path: Path):
    database_path = tmp_path / "samverkan.db"
    database_url = sqlite_url(database_path)
    async with LocalConnector() as connector:
        database = Database(database_url)
        await database.migrate()
        await bind_team(database, connector.service_url)
        now = datetime.now(UTC)
        outbox = Outbox(database)
        # Due while the bot was down: its start-up tick sends it at once.
        await outbox.enqueue([post("agenda:waiting", due_at=now - timedelta(minutes=1))], now)
        # Missed long ago, past the outbox's retention: housekeeping at start purges it.
        long_ago = now - timedelta(days=400)
        await outbox.enqueue([post("agenda:long-ago", due_at=long_ago)], now)
        await database.close()

        # A network with nothing to plan: the waiting post is the only one to go out.
        networks = tmp_path / "networks"
        networks.mkdir()
        (networks / "bestservice.yaml").write_text(QUIET_NETWORK, encoding="utf-8")
        port = _free_port()
        environment = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
        environment.update(
            DATABASE_URL=database_url, SCHEDULER_INTERVAL_SECONDS="5", NETWORKS_DIR=str(networks)
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, APP, "serve", "--port", str(port),
            cwd=tmp_path, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            when_bound = None  # (post arrived, old row still there) when the port first accepted
            deadline = time.monotonic() + START_TIMEOUT_SECONDS
            while time.monotonic() < deadline and process.returncode is None:
                arrived = bool(connector.activities)  # read before trying the port
                if when_bound is None and await _accepts(port):
                    when_bound = (arrived, _stored(database_path, "agenda:long-ago"))
                if arrived and when_bound is not None:
                    break
                await asyncio.sleep(0.005)
            assert when_bound == (False, True)  # nothing sent, nothing purged before binding
            assert [(a.conversation_id, a.text) for a in connector.activities] == [
                (LOGISTIK, "Påminnelse agenda:waiting")
            ]
            assert not _stored(database_path, "agenda:long-ago")  # housekeeping ran, after
        finally:
            process.terminate()
            try:
                _, stderr = await asyncio.wait_for(process.communicate(), 30)
            except TimeoutError:
                process.kill()
                _, stderr = await process.communicate()
        assert b"Traceback" not in stderr


def _stored(database_path: Path, key: str) -> bool:
    """Whether the outbox holds `key`, read straight from the file the bot writes."""
    with closing(sqlite3.connect(database_path, timeout=10)) as connection:
        found = connection.execute("SELECT 1 FROM outbox WHERE key = ?", (key,)).fetchone()
    return found is not None
