"""Entra object ids in either case: a registry file may write a GUID in upper case, Teams
gives it in lower case; the outbox treats them as the same person."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import update

from domain.posts import PlannedPost, Recipient
from storage.database import Database
from storage.outbox import Outbox
from storage.schema import OutboxRow
from tests.scheduler.planned import START, post

LEASE = timedelta(minutes=5)
REGISTRY_ID = "6B1E3F3A-2C1D-4E5F-8A9B-0C1D2E3F4A5B"  # as a data file may write it
TEAMS_ID = REGISTRY_ID.lower()  # as Teams sends it when they install the app


def to_anna(key: str) -> PlannedPost:
    planned = post(key)
    return replace(planned, target=replace(planned.target, person=Recipient("Anna", REGISTRY_ID)))


async def park_undeliverable(outbox: Outbox, planned: PlannedPost) -> None:
    await outbox.enqueue([planned], START)
    (entry,) = await outbox.claim_due("w1", START, 10, LEASE)
    await outbox.mark_undeliverable(entry.key, "personal chat unreachable", worker_id="w1")


async def test_a_post_to_an_upper_case_registry_id_is_requeued_by_the_teams_id(
    database: Database,
) -> None:
    outbox = Outbox(database)
    await park_undeliverable(outbox, to_anna(f"wheel:to:{REGISTRY_ID}"))

    later = START + timedelta(hours=1)
    assert await outbox.requeue_undeliverable_to_person(TEAMS_ID, later) == 1

    (requeued,) = await outbox.claim_due("w1", later, 10, LEASE)
    assert requeued.key == f"wheel:to:{REGISTRY_ID}"
    assert requeued.post.target.person == Recipient("Anna", TEAMS_ID)


async def test_a_row_stored_with_an_upper_case_id_before_folding_is_requeued_too(
    database: Database,
) -> None:
    outbox = Outbox(database)
    await park_undeliverable(outbox, to_anna("wheel:old"))
    async with database.transaction() as session:  # as written before ids were folded
        await session.execute(
            update(OutboxRow)
            .where(OutboxRow.key == "wheel:old")
            .values(person_entra_object_id=REGISTRY_ID)
        )

    assert await outbox.requeue_undeliverable_to_person(TEAMS_ID, START) == 1

    stored = await outbox.get("wheel:old")
    assert stored is not None and stored.status == "pending"
