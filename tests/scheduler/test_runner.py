"""The runner end to end: planner → outbox → delivery at a loopback connector.

The planner here is a small real `Planner` over fixed posts (the meeting and wheel
planners are tested with their own modules).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from dialogs.conversation import CommandRequest
from dialogs.posts import PostsOverview
from domain.posts import PlannedPost
from domain.registry import Group, Localized, Network, RoleRegistry
from domain.turns import Turn
from scheduler.delivery import DeliveryWorker
from scheduler.runner import DeliveryRunner
from storage.conversations import ConversationStore
from storage.database import Database
from storage.outbox import Outbox
from tests.scheduler.planned import (
    LOGISTIK,
    START,
    FixedPlanner,
    bind_team,
    delivery_runner,
    general_post,
    post,
)

INTERVAL = timedelta(minutes=1)

BEST_SERVICE = Network(
    key="bestservice",
    name=Localized("Best Service", "Best Service"),
    groups=(Group("logistik", Localized("Logistik", "Logistics")),),
)


class BrokenPlanner:
    async def planned_posts(self, until: datetime) -> list[PlannedPost]:
        raise RuntimeError("the wheel file is unreadable")


async def test_a_tick_stores_what_is_due_soon_and_sends_what_is_due_now_once(
    database, connector, sender, clock
):
    await bind_team(database, connector.service_url)
    planner = FixedPlanner(
        [
            post("agenda:now"),
            post("agenda:in-30s", due_at=START + timedelta(seconds=30)),
            post("agenda:tomorrow", due_at=START + timedelta(days=1)),
        ]
    )
    running = delivery_runner(database, sender, clock, [planner])

    first = await running.tick(clock())
    again = await running.tick(clock())

    assert (first.planned, first.enqueued, first.delivery.sent) == (2, 2, ["agenda:now"])
    assert (again.enqueued, again.delivery.sent) == (0, [])
    assert [a.text for a in connector.activities] == ["Påminnelse agenda:now"]
    assert await Outbox(database).get("agenda:tomorrow") is None

    clock.advance(seconds=30)
    await running.tick(clock())
    assert [a.text for a in connector.activities] == [
        "Påminnelse agenda:now",
        "Påminnelse agenda:in-30s",
    ]


async def test_after_downtime_a_useful_post_goes_out_late_and_a_stale_one_is_only_listed(
    database, connector, sender, clock
):
    await bind_team(database, connector.service_url)
    planner = FixedPlanner(
        [
            # Due two hours ago, useful for a day: still worth sending.
            post("agenda:useful", due_at=START - timedelta(hours=2), stale_after=timedelta(days=1),
                 text="Dagordning inför mötet"),
            # Due three days ago, useful for a day: missed.
            post("agenda:missed", due_at=START - timedelta(days=3), stale_after=timedelta(days=1),
                 text="Påminnelse om mötet i måndags"),
        ]
    )

    report = await delivery_runner(database, sender, clock, [planner]).tick(clock())

    assert report.delivery.late == ["agenda:useful"]
    (sent,) = connector.activities
    assert (sent.conversation_id, sent.text) == (
        LOGISTIK,
        "Dagordning inför mötet\n\n_Skickas sent: det skulle ha kommit tors 12 mars 07:00._",
    )
    overview = PostsOverview(Outbox(database), [planner], clock)
    (reply,) = await overview.handle(_request("utskick", "sv"))
    assert (
        "**Skickade sent**\n- tors 12 mars 07:00 · Logistik · Dagordning inför mötet" in reply.text
    )
    assert (
        "**Missade (skickades inte)**\n- mån 9 mars 09:00 · Logistik · Påminnelse om mötet i "
        "måndags" in reply.text
    )


async def test_a_failing_planner_does_not_stop_the_others_posts(
    database, connector, sender, clock
):
    await bind_team(database, connector.service_url)
    planners = [BrokenPlanner(), FixedPlanner([general_post("wheel:budget")])]

    report = await delivery_runner(database, sender, clock, planners).tick(clock())

    assert report.delivery.sent == ["wheel:budget"]


async def test_the_scheduler_ticks_at_start_up_and_wakes_for_a_post_due_before_the_interval(
    sqlite_database: Database, connector, sender
):
    await bind_team(sqlite_database, connector.service_url)
    now = datetime.now(UTC)
    planner = FixedPlanner(
        [
            post("agenda:missed-while-down", due_at=now - timedelta(minutes=5)),
            post("agenda:soon", due_at=now + timedelta(seconds=1)),
        ]
    )
    worker = DeliveryWorker(
        outbox=Outbox(sqlite_database),
        channels=ConversationStore(sqlite_database),
        sender=sender,
        worker_id="replica-1",
    )
    running = DeliveryRunner(
        planners=[planner],
        outbox=Outbox(sqlite_database),
        worker=worker,
        interval=timedelta(hours=1),  # only the start-up tick and the wake-up can send
    )

    running.start()
    try:
        sent = await connector.wait_for_activities(2)
    finally:
        await running.stop()

    assert [a.text for a in sent] == ["Påminnelse agenda:missed-while-down",
                                      "Påminnelse agenda:soon"]


def _request(text: str, language: str) -> CommandRequest:
    return CommandRequest(
        turn=Turn(text=text),
        argument="",
        language=language,  # type: ignore[arg-type]
        network=BEST_SERVICE,
        registry=RoleRegistry((BEST_SERVICE,)),
        today=date(2026, 3, 12),
    )


async def test_the_runner_is_healthy_only_while_started_and_ticking(
    sqlite_database: Database, sender, clock
):
    running = delivery_runner(sqlite_database, sender, clock, [])
    assert not running.healthy(clock())  # not started

    running.start()
    try:
        assert running.healthy(clock())
        clock.advance(seconds=4 * INTERVAL.total_seconds())  # no tick for four intervals
        assert running.last_tick is None
        assert not running.healthy(clock())
    finally:
        await running.stop()
    assert not running.healthy(clock())
