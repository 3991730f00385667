"""Outages around a running `app.py serve`: PostgreSQL restarted, down at start, and a Bot
Connector failing for a while.

What an operator and Teams should see: a database outage answers `/api/messages` with
503 and Retry-After (Teams sends the activity again), logs one WARNING line per request
and never the password, and the bot reconnects by itself; a database that is not up yet
is waited for; a connector answering 429 and 5xx gets every post once it recovers, at
the pace it asked for.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text as sql

from storage.database import Database
from tests.bot.teams_activities import TENANT_ID, personal_message
from tests.replicas.channels import bind_channels, enqueue_due_posts, rows
from tests.replicas.cluster import PASSWORD, PrivateCluster
from tests.replicas.processes import Arrival, RecordingConnector, Replica

pytestmark = pytest.mark.replicas

QUESTION = "Vem bokar möteslokalen?"
OUTAGE_SECONDS = 3  # the connector's
HOLD = "replicas-hold"  # the prepared transaction holding a lock across the restart
FEED_LOST = "change feed disconnected"  # storage.changes' WARNING


def chat(service_url: str, name: str) -> dict[str, Any]:
    """A question in a personal chat the bot has not seen before."""
    activity = personal_message(service_url, QUESTION)
    activity["conversation"] = {
        "id": f"a:{name}", "conversationType": "personal", "tenantId": TENANT_ID
    }
    return activity


async def post(
    http: aiohttp.ClientSession, replica: Replica, activity: dict[str, Any]
) -> tuple[int, dict[str, str], Any]:
    async with http.post(replica.base_url + "/api/messages", json=activity) as response:
        body = await response.json(content_type=None) if await response.read() else None
        return response.status, dict(response.headers), body


async def wait_for(condition: Callable[[], Any], what: str, seconds: float = 30) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not await condition():
        assert loop.time() < deadline, f"no {what} within {seconds} s"
        await asyncio.sleep(0.1)  # polling state another process changes


async def test_a_database_restart_answers_503_meanwhile_and_the_bot_reconnects_by_itself(
    private_cluster: PrivateCluster,
    cluster_database_url: str,
    connector: RecordingConnector,
    http: aiohttp.ClientSession,
    spawn: Callable[..., Replica],
):
    replica = spawn("replica", database_url=cluster_database_url)
    await replica.wait_ready(http)

    async def feed_up() -> bool:
        return "following database changes" in replica.log()

    await wait_for(feed_up, "change feed listening")  # so "before" is remembered as written
    status, _, _ = await post(http, replica, chat(connector.service_url, "before"))
    assert status == 201
    await connector.wait_for_activities(1, timeout=15)

    # A turn in flight when the server goes down: its write waits on a lock that a
    # prepared transaction holds. Such a lock belongs to no session, so the shutdown
    # cannot free it before it cuts the waiting turn off. (A lock held by a session of
    # the test's own was freed when that session was cut off, and under load the turn
    # then sometimes committed before its own session was: a correct 201, and no outage.)
    await private_cluster.hold_lock(
        cluster_database_url, "LOCK TABLE conversation_reference IN EXCLUSIVE MODE", HOLD
    )
    in_flight = asyncio.create_task(post(http, replica, chat(connector.service_url, "in-flight")))
    watcher = Database(cluster_database_url)
    try:

        async def turn_waits() -> bool:
            waiting = (
                "SELECT count(*) FROM pg_locks WHERE NOT granted"
                " AND relation = 'conversation_reference'::regclass"
            )
            async with watcher.snapshot() as session:
                return bool(await session.scalar(sql(waiting)))

        await wait_for(turn_waits, "turn waiting on the lock")
    finally:
        await watcher.close()
    feed_losses = replica.log().count(FEED_LOST)
    await asyncio.to_thread(private_cluster.stop)

    status, headers, body = await in_flight
    assert (status, headers.get("Retry-After")) == (503, "5"), (body, replica.log_tail())
    assert body["error"]["code"] == "database_unavailable"
    # A new turn while the server is down: the same, and the replica says it is not ready.
    status, headers, body = await post(http, replica, chat(connector.service_url, "down"))
    assert (status, headers.get("Retry-After")) == (503, "5"), (body, replica.log_tail())
    async with http.get(replica.base_url + "/readyz") as response:
        assert response.status == 503
        assert (await response.json())["database"] == "unavailable"
    async with http.get(replica.base_url + "/healthz") as response:
        assert response.status == 200, "alive: no restart of the bot needed"
    # A conversation the bot knows, once it has noticed that its change feed is gone: its
    # caches (reference written, registry revision) are no longer trusted, so it asks
    # the database, and gets the same answer. (Until the feed notices, a moment, a turn
    # needing nothing but cached state is answered from it: nobody can write meanwhile.)

    async def feed_down() -> bool:
        return replica.log().count(FEED_LOST) > feed_losses

    await wait_for(feed_down, "change feed noticing the outage")
    status, headers, body = await post(http, replica, chat(connector.service_url, "before"))
    assert (status, headers.get("Retry-After")) == (503, "5"), (body, replica.log_tail())

    await asyncio.to_thread(private_cluster.start)
    await private_cluster.release_lock(cluster_database_url, HOLD)
    # Teams sends the refused activities again: the first tries after the restart succeed.
    for name in ("in-flight", "down", "before"):
        status, _, body = await post(http, replica, chat(connector.service_url, name))
        assert status == 201, body
    await connector.wait_for_activities(4, timeout=15)
    await replica.wait_ready(http)

    # The scheduler carries on: a post enqueued now is delivered by the next tick.
    database = Database(cluster_database_url)
    try:
        await bind_channels(database, connector.service_url, 1)
        (key,) = await enqueue_due_posts(database, "after-restart", 1)

        async def delivered() -> bool:
            return key in connector.delivered()

        await wait_for(delivered, "scheduled post after the restart")
    finally:
        await database.close()

    log = replica.log()
    assert log.count("database unavailable: answered 503") == 3, replica.log_tail()
    assert "turn failed" not in log and "activity failed" not in log
    assert PASSWORD not in log
    assert replica.process.poll() is None


async def test_serve_waits_for_a_database_that_is_down_and_comes_up_when_it_appears(
    private_cluster: PrivateCluster,
    cluster_database_url: str,
    http: aiohttp.ClientSession,
    spawn: Callable[..., Replica],
):
    await asyncio.to_thread(private_cluster.stop)

    # Started together: one gives up after 1.5 s, the other waits up to a minute.
    impatient = spawn(
        "impatient", database_url=cluster_database_url, extra_args=["--wait-for-database", "1.5"]
    )
    patient = spawn(
        "patient", database_url=cluster_database_url, extra_args=["--wait-for-database", "60"]
    )
    assert await impatient.wait_exit() == 3
    log = impatient.log()
    warnings = [line for line in log.splitlines() if "retrying in" in line]
    # On a quiet machine the tries at 0 s and 1 s are retried and the third, at 1.5 s, is the
    # last; on a busy one a slow first connect attempt can use up the budget sooner. What must
    # hold either way: at least one WARNING per retry, never more than the budget allows.
    assert 1 <= len(warnings) <= 2, log
    assert all(" WARNING " in line and "ConnectionRefusedError" in line for line in warnings)
    assert f"postgres:***@127.0.0.1:{private_cluster.port}/" in warnings[0]
    assert "database unavailable: cannot use database" in log
    assert "Traceback" not in log and PASSWORD not in log

    async def warned() -> bool:
        return "retrying in" in patient.log()

    await wait_for(warned, "warning about the database")
    await asyncio.to_thread(private_cluster.start)
    await patient.wait_ready(http)
    log = patient.log()
    assert "Traceback" not in log and PASSWORD not in log
    assert all(" WARNING " in line for line in log.splitlines() if "retrying in" in line)


async def test_a_connector_failing_for_a_while_gets_every_post_once_without_a_storm(
    cluster_database_url: str,
    connector: RecordingConnector,
    http: aiohttp.ClientSession,
    spawn: Callable[..., Replica],
):
    # Minutes of 429 and 5xx, compressed into seconds, with the first retry pause at 1 s
    # (OUTBOX_RETRY_BASE_SECONDS) instead of 30 s.
    faults = [(429, {"Retry-After": "2"}), (503, {}), (502, {}), (504, {})]
    connector.fail_for(OUTAGE_SECONDS, faults)
    database = Database(cluster_database_url)
    try:
        # Due before the replica starts: its start-up tick sends them.
        await database.migrate()
        await bind_channels(database, connector.service_url, 4)
        keys = await enqueue_due_posts(database, "faults", 4)
        replica = spawn("replica", database_url=cluster_database_url)
        await replica.wait_ready(http)

        async def all_sent() -> bool:
            entries = await rows(database, keys)
            return {entry.status for entry in entries.values()} == {"sent"}

        await wait_for(all_sent, "delivery of every post after the outage", seconds=45)
    finally:
        await database.close()

    assert connector.delivered() == {key: 1 for key in keys}
    tries: dict[str, list[Arrival]] = defaultdict(list)
    for arrival in connector.arrivals:
        tries[arrival.text].append(arrival)
    refused = [a for a in connector.arrivals if a.status != 201]
    assert refused, "the outage was met"
    # No storm: each post waited Retry-After after a 429 and at least half the first
    # retry pause after a 5xx (the jitter's floor), so the outage allows a few tries each.
    for key in keys:
        for earlier, later in zip(tries[key], tries[key][1:], strict=False):
            floor = 2.0 if earlier.status == 429 else 0.5
            assert later.arrived - earlier.answered >= floor - 0.05, (key, earlier, later)
    assert len(refused) <= len(keys) * (OUTAGE_SECONDS / 0.5 + 1)
