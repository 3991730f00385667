"""Delivering outbox rows to a loopback Bot Connector: once, in order, within Teams' limits.

Every test sends through the real `ConnectorSender` over HTTP to a `LocalConnector` and
reads the result where a user would see it (the connector) and where an operator would
(the outbox row). The clock is fixed and moved by hand; nothing sleeps.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.adapter import create_adapter
from bot.local_connector import LocalConnector
from bot.proactive import ConnectorSender
from bot.settings import Settings
from scheduler.delivery import RetryPolicy
from storage.database import Database
from storage.outbox import Outbox
from tests.replicas.channels import NETWORK, bind_channels
from tests.scheduler.planned import (
    LOGISTIK,
    MALTIDER,
    START,
    TEAM,
    bind_team,
    error,
    general_post,
    post,
    worker,
)

LEASE = timedelta(minutes=5)


async def status_of(database: Database, key: str) -> tuple[str, int, str | None]:
    entry = await Outbox(database).get(key)
    assert entry is not None
    return entry.status, entry.attempts, entry.last_error


def texts_at(connector: LocalConnector) -> list[str]:
    return [activity.text or activity.activity.get("summary") for activity in connector.activities]


async def test_due_posts_go_to_their_channels_once_and_the_activity_id_is_recorded(
    database, connector, sender, clock
):
    await bind_team(database, connector.service_url)
    await Outbox(database).enqueue(
        [post("agenda:logistik"), general_post("wheel:budget"),
         post("agenda:later", due_at=START + timedelta(hours=1))],
        START,
    )
    delivery = worker(database, sender, clock)

    report = await delivery.deliver_due(clock())
    await delivery.deliver_due(clock())  # a second tick finds nothing to send

    assert sorted(report.sent) == ["agenda:logistik", "wheel:budget"]
    assert sorted((a.conversation_id, a.text) for a in connector.activities) == [
        (TEAM, "Påminnelse wheel:budget"),
        (LOGISTIK, "Påminnelse agenda:logistik"),
    ]
    assert all(a.reply_to_id is None for a in connector.activities)  # new threads
    sent = await Outbox(database).get("agenda:logistik")
    assert sent is not None
    (logistik_post,) = [a for a in connector.activities if a.conversation_id == LOGISTIK]
    assert (sent.status, sent.activity_id, sent.conversation_id, sent.late) == (
        "sent",
        logistik_post.id,
        LOGISTIK,
        False,
    )
    assert (await status_of(database, "agenda:later"))[0] == "pending"


async def test_two_replicas_send_every_post_exactly_once(database, connector, clock):
    await bind_team(database, connector.service_url)
    keys = [f"agenda:{channel}:{n:02}" for channel in ("logistik", "maltider") for n in range(12)]
    await Outbox(database).enqueue(
        [post(key, key.split(":")[1]) for key in keys]
        + [general_post(f"wheel:{n:02}") for n in range(12)],
        START,
    )
    second = Database(database.url)
    adapters = [create_adapter(Settings()) for _ in range(2)]
    try:
        replicas = [
            worker(database, ConnectorSender(adapters[0]), clock, "replica-1"),
            worker(second, ConnectorSender(adapters[1]), clock, "replica-2"),
        ]
        for _ in range(6):  # ticks a second apart until the rate limits let everything out
            await asyncio.gather(*(replica.deliver_due(clock()) for replica in replicas))
            clock.advance(seconds=1)
    finally:
        await second.close()
        for adapter in adapters:
            await adapter.close()

    sent = [a.text for a in connector.activities]
    assert sorted(sent) == sorted(f"Påminnelse {key}" for key in keys + [
        f"wheel:{n:02}" for n in range(12)
    ])
    assert len(set(sent)) == len(sent) == 36


async def test_a_claim_of_a_dead_worker_is_taken_over_after_its_lease(
    database, connector, sender, clock
):
    await bind_team(database, connector.service_url)
    await Outbox(database).enqueue([post("agenda:1")], START)
    # A replica claims the row and dies before sending or recording anything.
    await Outbox(database).claim_due("dead-replica", clock(), 10, LEASE)
    survivor = worker(database, sender, clock, "replica-2")

    await survivor.deliver_due(clock())
    assert connector.activities == []

    clock.advance(minutes=5)
    await survivor.deliver_due(clock())

    assert texts_at(connector) == ["Påminnelse agenda:1"]
    status, attempts, error = await status_of(database, "agenda:1")
    assert (status, attempts) == ("sent", 2)
    assert error == "lease of dead-replica expired; delivery unknown"


async def test_throttling_waits_for_retry_after_without_using_up_a_try(
    database, connector, sender, clock
):
    await bind_team(database, connector.service_url)
    await Outbox(database).enqueue([post("agenda:1")], START)
    connector.script(429, error("Throttled"), headers={"Retry-After": "7"})
    delivery = worker(database, sender, clock)

    await delivery.deliver_due(clock())
    assert await status_of(database, "agenda:1") == ("pending", 0, "429 Throttled retry-after=7")

    clock.advance(seconds=6)
    await delivery.deliver_due(clock())
    assert connector.activities == [] and len(connector.requests) == 1

    clock.advance(seconds=1)
    await delivery.deliver_due(clock())
    assert texts_at(connector) == ["Påminnelse agenda:1"]
    assert (await status_of(database, "agenda:1"))[:2] == ("sent", 1)


async def test_a_503_is_retried_after_a_backoff_and_then_sent(database, connector, sender, clock):
    await bind_team(database, connector.service_url)
    await Outbox(database).enqueue([post("agenda:1")], START)
    connector.script(503, error("ServiceUnavailable"))
    delivery = worker(database, sender, clock, retry=RetryPolicy(base=timedelta(seconds=30)))

    await delivery.deliver_due(clock())

    entry = await Outbox(database).get("agenda:1")
    assert entry is not None
    assert (entry.status, entry.attempts, entry.last_error) == (
        "pending",
        1,
        "503 ServiceUnavailable",
    )
    wait = entry.next_attempt_at - START
    assert timedelta(seconds=15) <= wait <= timedelta(seconds=30)  # jittered, never at once

    clock.now = entry.next_attempt_at - timedelta(seconds=1)
    await delivery.deliver_due(clock())
    assert connector.activities == []

    clock.now = entry.next_attempt_at
    await delivery.deliver_due(clock())
    assert texts_at(connector) == ["Påminnelse agenda:1"]
    assert (await status_of(database, "agenda:1"))[:2] == ("sent", 2)


async def test_transient_errors_give_up_after_the_last_attempt(database, connector, sender, clock):
    await bind_team(database, connector.service_url)
    await Outbox(database).enqueue([post("agenda:1")], START)
    connector.script(502, error("BadGateway"))
    connector.script(504, error("GatewayTimeout"))
    delivery = worker(database, sender, clock, retry=RetryPolicy(max_attempts=2))

    await delivery.deliver_due(clock())
    clock.advance(hours=1)
    await delivery.deliver_due(clock())
    clock.advance(hours=1)
    await delivery.deliver_due(clock())

    assert connector.activities == [] and len(connector.requests) == 2
    assert await status_of(database, "agenda:1") == (
        "failed",
        2,
        "504 GatewayTimeout; gave up after 2 attempts",
    )


@pytest.mark.parametrize(
    ("status", "code"),
    [(400, "BadArgument"), (401, "Unauthorized"), (413, "MessageSizeTooBig"),
     (500, "InternalServerError")],
)
async def test_errors_teams_says_not_to_retry_fail_at_once(
    database, connector, sender, clock, status, code
):
    await bind_team(database, connector.service_url)
    await Outbox(database).enqueue([post("agenda:1")], START)
    connector.script(status, error(code))
    delivery = worker(database, sender, clock)

    await delivery.deliver_due(clock())
    clock.advance(hours=1)
    await delivery.deliver_due(clock())

    assert len(connector.requests) == 1
    assert await status_of(database, "agenda:1") == ("failed", 1, f"{status} {code}")


async def test_bot_removed_from_the_team_parks_its_posts_until_it_is_reinstalled(
    database, connector, sender, clock
):
    store = await bind_team(database, connector.service_url)
    outbox = Outbox(database)
    await outbox.enqueue([post("agenda:1"), post("agenda:2", "maltider")], START)
    connector.script(403, error("BotNotInConversationRoster"))
    delivery = worker(database, sender, clock)

    await delivery.deliver_due(clock())

    assert connector.activities == [] and len(connector.requests) == 1  # not tried again
    assert await status_of(database, "agenda:1") == (
        "undeliverable", 1, "403 BotNotInConversationRoster"
    )
    assert (await status_of(database, "agenda:2"))[::2] == ("undeliverable", "channel inactive")
    logistik = await store.channel_reference("bestservice", "logistik")
    assert logistik is not None and not logistik.active

    # Reinstalled an hour later: references active again, parked posts requeued.
    clock.advance(hours=1)
    await store.set_team_active(TEAM, True)
    await outbox.requeue_undeliverable("bestservice", clock())
    await delivery.deliver_due(clock())

    assert sorted(a.conversation_id for a in connector.activities) == [LOGISTIK, MALTIDER]
    assert (await status_of(database, "agenda:1"))[0] == "late-sent"


async def test_a_deleted_channel_parks_only_its_own_posts(database, connector, sender, clock):
    store = await bind_team(database, connector.service_url)
    await Outbox(database).enqueue([post("agenda:1"), general_post("wheel:1")], START)
    connector.script(404, error("ConversationNotFound"))
    delivery = worker(database, sender, clock)

    await delivery.deliver_due(clock())

    assert (await status_of(database, "agenda:1"))[0] == "undeliverable"
    assert (await status_of(database, "wheel:1"))[0] == "sent"
    logistik = await store.channel_reference("bestservice", "logistik")
    general = await store.channel_reference("bestservice", None)
    assert logistik is not None and not logistik.active
    assert general is not None and general.active


async def test_a_post_for_a_network_without_a_channel_is_undeliverable(
    database, connector, sender, clock
):
    await bind_team(database, connector.service_url)
    await Outbox(database).enqueue([general_post("erad:1", network="erad")], START)

    await worker(database, sender, clock).deliver_due(clock())

    assert connector.requests == []
    assert await status_of(database, "erad:1") == ("undeliverable", 1, "no channel bound")


async def test_the_eighth_post_to_one_thread_within_a_second_waits(
    database, connector, sender, clock
):
    await bind_team(database, connector.service_url)
    await Outbox(database).enqueue([post(f"agenda:{n}") for n in range(8)], START)
    delivery = worker(database, sender, clock)

    first = await delivery.deliver_due(clock())

    assert len(connector.activities) == 7
    (held,) = first.held
    entry = await Outbox(database).get(held)
    assert entry is not None
    assert (entry.status, entry.attempts, entry.next_attempt_at) == (
        "pending",
        0,
        START + timedelta(seconds=1),
    )

    # The seven went out a tenant spacing (1/30 s) apart; a second after the first, not before.
    clock.now = START + timedelta(milliseconds=999)
    await delivery.deliver_due(clock())
    assert len(connector.activities) == 7

    clock.advance(milliseconds=1)
    await delivery.deliver_due(clock())
    assert len(connector.activities) == 8


async def test_a_missed_post_still_useful_is_sent_once_and_marked_late(
    database, connector, sender, clock
):
    await bind_team(database, connector.service_url)
    # The bot was down from 05:00 to 08:00; the reminder was due at 06:00.
    await Outbox(database).enqueue(
        [post("agenda:1", due_at=START - timedelta(hours=2), language="en",
              text="Agenda for Thursday")],
        START,
    )

    report = await worker(database, sender, clock).deliver_due(clock())

    assert report.late == ["agenda:1"]
    (sent,) = connector.activities
    assert sent.text == "Agenda for Thursday\n\n_Sent late: it was due Thu 12 March 07:00._"
    assert (await status_of(database, "agenda:1"))[0] == "late-sent"


async def test_a_429_in_a_fan_out_holds_the_rest_of_the_batch_until_retry_after(
    database, connector, sender, clock
):
    """Slots the worker reserved for the rest of its batch are given up on a 429: none of
    the batch goes out while Retry-After lasts, and afterwards all of it at the rate."""
    await bind_channels(database, connector.service_url, 12)
    outbox = Outbox(database)
    delivery = worker(database, sender, clock)
    await outbox.enqueue([post("warm-up", "kanal-000", network=NETWORK, text="warm-up")], START)
    assert (await delivery.deliver_due(clock())).sent == ["warm-up"]
    keys = [f"fanout-{n:03d}" for n in range(1, 12)]
    await outbox.enqueue(
        [post(key, f"kanal-{n:03d}", network=NETWORK, text=key) for n, key in enumerate(keys, 1)],
        clock(),
    )
    connector.script(429, error("Throttled"), headers={"Retry-After": "2"})

    throttled = await delivery.deliver_due(clock())

    assert throttled.sent == [] and throttled.retried == ["fanout-001"]
    assert texts_at(connector) == ["warm-up"] and len(connector.requests) == 2
    retry_at = clock()  # the 429 came at the first send's slot: the clock stands there
    waiting = [await outbox.get(key) for key in keys]
    assert all(e is not None and e.status == "pending" for e in waiting)
    assert min(e.next_attempt_at for e in waiting if e) >= retry_at + timedelta(seconds=2)

    clock.advance(seconds=2)
    resumed = await delivery.deliver_due(clock())

    assert sorted(resumed.sent) == keys
    assert sorted(texts_at(connector)) == sorted(["warm-up", *keys])
    sent_at = sorted(e.sent_at for e in [await outbox.get(key) for key in keys] if e and e.sent_at)
    assert sent_at[0] >= retry_at + timedelta(seconds=2)
    assert all(b - a >= timedelta(seconds=1 / 30) - timedelta(microseconds=1)
               for a, b in zip(sent_at, sent_at[1:]))  # fmt: skip
