"""Three replicas on one PostgreSQL database act as one bot; one is SIGKILLed mid fan-out.

The guarantees under test (`scheduler.delivery`, docs/deployment.md): a conversation may
jump between replicas from one turn to the next, and what one turn stored the next
sees; every scheduled post reaches Teams, and at most once, except a post the killed
replica had in flight, that is, sent and not yet recorded, which may arrive twice.
(One test, because starting three processes is most of its cost.)
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from storage.audit import AuditLog
from storage.conversations import ConversationStore
from storage.database import Database
from tests.bot.teams_activities import CHANNEL_ID, TEAM_ID, USER, channel_message
from tests.replicas.channels import bind_channels, enqueue_due_posts, rows
from tests.replicas.processes import RecordingConnector, Replica

pytestmark = pytest.mark.replicas

CHANNELS = 60
KILL_AFTER = 12  # posts accepted before the kill: the fan-out is under way


async def converse_across(
    replicas: list[Replica], http: aiohttp.ClientSession, connector: RecordingConnector
) -> None:
    """Ask for the agenda at one replica, add a point at the next, see it at the third."""

    async def post(replica: Replica, activity: dict[str, Any]) -> None:
        async with http.post(replica.base_url + "/api/messages", json=activity) as response:
            assert response.status == 201, (replica.name, await response.text())

    first, second, third = replicas
    await post(first, channel_message(connector.service_url, "dagordning"))
    (agenda,) = await connector.wait_for_activities(1, timeout=15)
    (card,) = [a["content"] for a in agenda.attachments]
    submit = card["actions"][0]["card"]["actions"][0]["data"]
    # Teams sends the button's data merged with the form's input, and no text.
    click = channel_message(connector.service_url, "", value={**submit, "text": "Nya vagnar"})
    click.pop("text")
    await post(second, click)
    await connector.wait_for_activities(3, timeout=15)  # the confirmation and the updated card
    await post(third, channel_message(connector.service_url, "dagordning"))
    *_, again = await connector.wait_for_activities(4, timeout=15)
    assert f"6. Nya vagnar (från {USER['name']})" in again.visible_text


async def test_replicas_share_turns_and_a_killed_one_mid_fan_out_loses_and_repeats_nothing(
    cluster_database_url: str,
    connector: RecordingConnector,
    http: aiohttp.ClientSession,
    spawn: Callable[..., Replica],
):
    # Each answer is held back, so a fan-out of 60 posts takes seconds and a send is
    # almost always in flight.
    connector.answer_delay = 0.3
    # Started together on an empty database: they migrate and seed it one after another.
    replicas = [spawn(f"replica-{n}", database_url=cluster_database_url) for n in range(3)]
    await asyncio.gather(*(replica.wait_ready(http) for replica in replicas))
    by_pid = {replica.pid: replica for replica in replicas}

    database = Database(cluster_database_url)
    try:
        entries = await AuditLog(database).entries()
        seeded = Counter(e.network_key for e in entries if e.action == "registry.seed")
        assert seeded and set(seeded.values()) == {1}, f"seeded more than once: {seeded}"
        store = ConversationStore(database)
        await store.set_binding(TEAM_ID, CHANNEL_ID, "bestservice", "logistik")
        await converse_across(replicas, http, connector)

        await bind_channels(database, connector.service_url, CHANNELS)
        keys = await enqueue_due_posts(database, "fanout", CHANNELS)

        def delivered_keys() -> Counter[str]:
            return Counter({k: n for k, n in connector.delivered().items() if k in keys})

        # Kill the replica that holds the claim of a post whose answer is still pending.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        victim = None
        while victim is None:
            assert loop.time() < deadline, f"no fan-out under way: {delivered_keys()}"
            pending = [a for a in connector.open_at(loop.time()) if a.text in keys]
            if len(delivered_keys()) >= KILL_AFTER and pending:
                entry = (await rows(database, [pending[0].text]))[pending[0].text]
                if entry.status == "claimed" and entry.claimed_by:
                    victim = by_pid[int(entry.claimed_by.split(":")[1])]
                    killed_at = loop.time()
                    victim.kill()
                    break
            await asyncio.sleep(0.01)  # polling the connector's record
        assert await victim.wait_exit() == -9
        open_at_kill = {a.text for a in connector.open_at(killed_at)}
        arrived_before_kill = {a.text for a in connector.arrivals if a.arrived <= killed_at}
        # What the dead replica held: claimed rows that no live worker will record now.
        held_by_victim = {
            key
            for key, entry in (await rows(database, keys)).items()
            if entry.status == "claimed" and f":{victim.pid}:" in (entry.claimed_by or "")
        }
        # The documented window: a post the victim had sent (Teams has it) but not recorded.
        in_flight = held_by_victim & arrived_before_kill

        # The two survivors finish the fan-out, taking over the victim's claims after the lease.
        deadline = loop.time() + 45
        while set(delivered_keys()) < set(keys):
            missing = sorted(set(keys) - set(delivered_keys()))
            assert loop.time() < deadline, f"never delivered: {missing}"
            await asyncio.sleep(0.1)  # waiting for the survivors' next ticks
        while {e.status for e in (await rows(database, keys)).values()} != {"sent"}:
            assert loop.time() < deadline, "rows not recorded as sent"
            await asyncio.sleep(0.1)
    finally:
        await database.close()

    delivered = delivered_keys()
    repeated = {key for key, count in delivered.items() if count > 1}
    assert set(delivered) == set(keys), "every planned post reached the connector"
    assert repeated <= in_flight, (
        f"repeated {sorted(repeated)}, but in flight at the kill were only {sorted(in_flight)}"
    )
    assert all(delivered[key] <= 2 for key in keys)
    # The victim sent one post at a time: at most one can have been in flight.
    assert len(in_flight) <= 1, (in_flight, f"open at the connector: {sorted(open_at_kill)}")
    # Its other claims were never attempted by it, and were sent exactly once afterwards.
    assert all(delivered[key] == 1 for key in held_by_victim - in_flight)
    survivors = [r for r in replicas if r is not victim]
    assert all(r.process.poll() is None for r in survivors)
    takeovers = "".join(r.log() for r in survivors).count("claim expired: taking over")
    assert takeovers == len(held_by_victim), "each of the victim's claims was taken over once"
