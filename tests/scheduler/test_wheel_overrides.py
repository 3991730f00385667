"""Admins' changes to wheel entries as the wheel and the planner apply them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain.recurrence import STOCKHOLM
from domain.wheel import effective_rules, wheel_deadlines, yearly_date
from domain.wheel_overrides import NO_RESPONSIBLE, WheelOverride
from services.planning import MeetingPlanner
from storage.meetings import MeetingRepository
from storage.registry_repository import RegistryRepository
from storage.wheel_overrides import WheelOverrideStore
from tests.scheduler.wheel_network import WHEEL_NETWORK, meeting


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


def budget_days(overrides=None, start=date(2027, 1, 1), end=date(2028, 12, 31)):
    return sorted(
        {
            (d.nominal, d.day)
            for d in wheel_deadlines(WHEEL_NETWORK, [], start, end, overrides=overrides)
            if d.rule.key == "budget"
        }
    )


def test_a_new_day_and_month_moves_the_entry_and_its_keys():
    moved = {"budget": WheelOverride("testnet", "budget", months=(11,), day=15)}

    deadlines = [
        d
        for d in wheel_deadlines(
            WHEEL_NETWORK, [], date(2027, 1, 1), date(2027, 12, 31), overrides=moved
        )
        if d.rule.key == "budget"
    ]

    assert {d.key for d in deadlines} == {
        "testnet:budget:2027-11-15:alfa",
        "testnet:budget:2027-11-15:beta",
        "testnet:budget:2027-11-15:beredning",
    }
    assert budget_days() == [
        (date(2027, 10, 31), date(2027, 10, 29)),  # a Sunday: the Friday before
        (date(2028, 10, 31), date(2028, 10, 31)),
    ]


def test_the_last_day_of_several_months_is_kept_as_people_say_it():
    override = {"budget": WheelOverride("testnet", "budget", months=(2, 6), day=-1)}

    (rule,) = [r for r in effective_rules(WHEEL_NETWORK, override) if r.key == "budget"]

    assert yearly_date(rule) == ((2, 6), -1)
    assert [n for n, _ in budget_days(override, end=date(2027, 12, 31))] == [
        date(2027, 2, 28),
        date(2027, 6, 30),
    ]


def test_a_paused_year_has_no_dates_and_other_years_keep_theirs():
    paused = {"budget": WheelOverride("testnet", "budget", paused_years=(2027,))}

    assert [n for n, _ in budget_days(paused)] == [date(2028, 10, 31)]


def test_a_relative_entry_takes_its_new_offset_and_lead_days_target_and_role_change():
    council = [meeting(1, "alfa", "rad", "2027-05-20T10:00")]
    override = {
        "kallelse": WheelOverride(
            "testnet",
            "kallelse",
            offset_days=-21,
            lead_days=(5,),
            target="styrelsen",
            responsible=NO_RESPONSIBLE,
        )
    }

    (deadline,) = [
        d
        for d in wheel_deadlines(
            WHEEL_NETWORK, council, date(2027, 1, 1), date(2027, 12, 31), overrides=override
        )
        if d.rule.key == "kallelse"
    ]

    assert deadline.nominal == date(2027, 4, 29)
    assert deadline.channel == "styrelsen"
    assert deadline.rule.lead_days == (5,)
    assert deadline.rule.responsible is None


def test_an_override_naming_what_the_network_no_longer_has_falls_back_to_the_file():
    stale = {"budget": WheelOverride("testnet", "budget", target="gone", responsible="gone")}

    (rule,) = [r for r in effective_rules(WHEEL_NETWORK, stale) if r.key == "budget"]

    assert (rule.target, rule.responsible) == ("each_group", "ordforande")


async def test_the_next_planning_pass_plans_the_changed_date(sqlite_database):
    registry = RegistryRepository(sqlite_database)
    await registry.replace_networks([WHEEL_NETWORK])
    store = WheelOverrideStore(sqlite_database)
    planner = MeetingPlanner(
        registry, MeetingRepository(sqlite_database), lookback=timedelta(days=1), overrides=store
    )
    before = {p.key for p in await planner.planned_posts(local("2027-10-22T09:00"))}
    assert "wheel:testnet:budget:2027-10-31:7d:alfa" in before

    await store.save(
        WheelOverride("testnet", "budget", months=(11,), day=5, lead_days=(7,)),
        actor="admin",
        now=local("2027-10-20T12:00"),
        before={},
        after={},
    )
    after = {p.key: p for p in await planner.planned_posts(local("2027-10-29T09:00"))}

    assert not any(":budget:2027-10-31:" in key for key in after)
    post = after["wheel:testnet:budget:2027-11-05:7d:alfa"]
    assert post.due_at == local("2027-10-29T09:00")
    assert "fredag 5 november 2027" in post.text
