"""Wheel overrides stored, audited, reset; an entry's waiting reminders withdrawn."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.wheel_overrides import WheelOverride
from storage.audit import AuditLog
from storage.outbox import Outbox
from storage.wheel_overrides import WheelOverrideStore
from tests.scheduler.planned import post

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


async def test_an_override_is_stored_replaced_and_reset_with_audit_entries(database):
    store = WheelOverrideStore(database)
    first = WheelOverride("bestservice", "budget", months=(11,), day=15, paused_years=(2027,))

    await store.save(first, actor="aad-admin", now=NOW, before={"rrule": "a"}, after={"rrule": "b"})
    await store.save(
        WheelOverride("bestservice", "budget", lead_days=(14, 0)),
        actor="aad-admin",
        now=NOW,
        before={"rrule": "b"},
        after={"rrule": "c"},
    )
    await store.save(WheelOverride("erad", "kallelse_eradsmote", offset_days=-21),
                     actor=None, now=NOW, before={}, after={"relative_days": -21})  # fmt: skip

    stored = await store.for_network("bestservice")
    assert list(stored) == ["budget"]
    assert stored["budget"].lead_days == (14, 0)
    assert stored["budget"].months is None and stored["budget"].paused_years == ()
    assert stored["budget"].updated_at == NOW
    assert (await store.all())["erad"]["kallelse_eradsmote"].offset_days == -21

    assert await store.reset(
        "bestservice", "budget", actor="aad-admin", now=NOW, before={"x": 1}, after={"x": 0}
    )
    assert not await store.reset(
        "bestservice", "budget", actor="aad-admin", now=NOW, before={}, after={}
    )
    assert await store.for_network("bestservice") == {}

    entries = await AuditLog(database).entries(network_key="bestservice")
    assert [(e.action, e.subject, e.before, e.after) for e in reversed(entries)] == [
        ("wheel.override", "wheel budget", {"rrule": "a"}, {"rrule": "b"}),
        ("wheel.override", "wheel budget", {"rrule": "b"}, {"rrule": "c"}),
        ("wheel.reset", "wheel budget", {"x": 1}, {"x": 0}),
    ]


async def test_an_empty_override_removes_the_stored_one(database):
    store = WheelOverrideStore(database)
    await store.save(WheelOverride("bestservice", "budget", day=2), actor=None, now=NOW,
                     before={}, after={})  # fmt: skip

    await store.save(WheelOverride("bestservice", "budget"), actor=None, now=NOW,
                     before={}, after={})  # fmt: skip

    assert await store.all() == {}


async def test_withdrawing_an_entry_leaves_claimed_and_other_entries_alone(database):
    outbox = Outbox(database)
    pending = "wheel:bestservice:budget:2027-11-01:7d:logistik"
    being_sent = "wheel:bestservice:budget:2027-11-01:0d:logistik"
    others = [
        "wheel:bestservice:budgetx:2027-11-01:0d:logistik",  # another entry, same start
        "wheel:bestservice:budget_2:2027-11-01:0d:logistik",  # "_" is no wildcard here
    ]
    await outbox.enqueue([post(being_sent, due_at=NOW - timedelta(minutes=1))], NOW)
    await outbox.enqueue([post(key, due_at=NOW) for key in [pending, *others]], NOW)
    (claimed,) = await outbox.claim_due("worker", NOW, 1, timedelta(minutes=5))
    assert claimed.key == being_sent

    withdrawn = await outbox.withdraw_pending("wheel:bestservice:budget:")

    assert withdrawn == 1
    assert await outbox.get(pending) is None
    assert (await outbox.get(being_sent)).status == "claimed"
    for key in others:
        assert (await outbox.get(key)).status == "pending"
