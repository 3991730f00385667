"""Stopping the runner while a tick is sending: the tick finishes and records its send.

APScheduler's shutdown cancels a coroutine job that is still running; a tick cut off
between Teams accepting a post and the row being marked sent would leave the row
claimed, and the takeover would post it twice.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.posts import PlannedPost
from scheduler.delivery import DeliveryWorker
from scheduler.runner import DeliveryRunner
from storage.conversations import ConversationStore
from storage.outbox import Outbox
from tests.scheduler.planned import FixedPlanner, bind_team, post


class SlowSender:
    """Sends through the real sender once the test lets it (a connector taking its time)."""

    def __init__(self, sender: Any):
        self._sender = sender
        self.started = asyncio.Event()
        self.may_finish = asyncio.Event()

    async def send(self, reference: dict[str, Any], planned: PlannedPost) -> str:
        self.started.set()
        await self.may_finish.wait()
        return await self._sender.send(reference, planned)


async def test_stopping_during_a_send_lets_the_tick_record_it(sqlite_database, connector, sender):
    await bind_team(sqlite_database, connector.service_url)
    slow = SlowSender(sender)
    outbox = Outbox(sqlite_database)
    runner = DeliveryRunner(
        planners=[FixedPlanner([post("agenda:1", due_at=datetime.now(UTC))])],
        outbox=outbox,
        worker=DeliveryWorker(
            outbox=outbox,
            channels=ConversationStore(sqlite_database),
            sender=slow,
            worker_id="replica-1",
        ),
        interval=timedelta(minutes=1),
    )
    runner.start()
    await asyncio.wait_for(slow.started.wait(), 10)

    stopping = asyncio.create_task(runner.stop())
    await asyncio.sleep(0.05)  # let stop() reach its wait before the send finishes
    assert not stopping.done()
    slow.may_finish.set()
    await asyncio.wait_for(stopping, 10)

    assert [a.text for a in connector.activities] == ["Påminnelse agenda:1"]
    assert (await outbox.get("agenda:1")).status == "sent"
    assert runner.counters.sent == 1
