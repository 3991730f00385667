"""The planning sections of a network file (meetings, agenda, annual wheel): what loads,
what is refused with its place, and that files and the database give them back exactly."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from domain.registry import RoleRegistry
from storage.registry_files import RegistryFileError, dump, load_directory, load_file
from storage.registry_repository import RegistryRepository
from tests.scheduler.wheel_network import WHEEL_NETWORK, WHEEL_YAML
from tests.storage.registries import SHIPPED_NETWORKS


def test_the_planning_sections_load_with_their_defaults():
    network = WHEEL_NETWORK

    assert network.admins == ("pia@example.org",)
    assert [c.key for c in network.channels] == ["styrelsen"]
    assert [p.sv for p in network.agenda.standing_points] == ["Ekonomi", "Erfarenhetsutbyte"]
    assert network.agenda.reminder_days == (7, 1)
    assert [len(k.steps) for k in network.meeting_kinds] == [0, 0, 0, 2]
    assert network.meeting_kind("traff").steps[1].homework.sv == ""
    series = network.meetings[0]
    assert (series.start.isoformat(), series.end.isoformat()) == (
        "2027-03-09T10:00:00",
        "2027-03-09T16:00:00",
    )
    rules = {rule.key: rule for rule in network.wheel}
    assert rules["budget"].lead_days == (30, 7, 0)
    assert rules["budget"].shift == "previous_working_day"
    assert rules["julhalsning"].shift == "none"
    assert rules["fysiska"].lead_days == (0,)  # on the day, unless told otherwise


def test_planning_sections_survive_dump_and_load(tmp_path: Path):
    registry = RoleRegistry((WHEEL_NETWORK,))
    path = tmp_path / "export.yaml"
    path.write_text(dump(registry), encoding="utf-8")

    assert load_file(path) == registry
    assert dump(load_file(path)) == dump(registry)


async def test_no_post_on_the_day_and_the_agendas_shift_survive_files_and_the_database(
    tmp_path: Path, database
):
    changed = replace(
        WHEEL_NETWORK,
        agenda=replace(WHEEL_NETWORK.agenda, shift="next_working_day"),
        wheel=tuple(
            replace(rule, lead_days=(30, 7), on_the_day=False) if rule.key == "budget" else rule
            for rule in WHEEL_NETWORK.wheel
        ),
    )
    path = tmp_path / "export.yaml"
    path.write_text(dump(RoleRegistry((changed,))), encoding="utf-8")
    repository = RegistryRepository(database)
    await repository.replace_networks([changed])

    budget = next(rule for rule in load_file(path).networks[0].wheel if rule.key == "budget")
    assert (budget.on_the_day, budget.reminder_leads) == (False, (30, 7))
    assert load_file(path) == RoleRegistry((changed,)) == await repository.load()
    assert "on_the_day: false" in path.read_text(encoding="utf-8")
    # Without the opt-out a rule's reminders end on the day, whatever its lead days.
    assert replace(budget, on_the_day=True).reminder_leads == (30, 7, 0)


async def test_planning_sections_load_back_from_the_database_exactly(database):
    repository = RegistryRepository(database)
    shipped = load_directory(SHIPPED_NETWORKS)

    await repository.replace_networks([WHEEL_NETWORK, *shipped.networks])

    assert await repository.load() == RoleRegistry((WHEEL_NETWORK, *shipped.networks))


async def test_a_network_whose_planning_refers_to_nothing_is_not_stored(database):
    broken = replace(WHEEL_NETWORK, groups=WHEEL_NETWORK.groups[1:])  # its series need "alfa"

    with pytest.raises(ValueError, match="unknown group 'alfa'"):
        await RegistryRepository(database).replace_networks([broken])


def _changed(path: str, value: Any) -> dict[str, Any]:
    document = copy.deepcopy(yaml.safe_load(WHEEL_YAML))
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    target: Any = document
    for part in parents:
        target = target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return document


REFUSED = {
    "series in an unknown group": (
        "meetings.0.group",
        "gamma",
        "meetings[0].group",
        "unknown group 'gamma'",
    ),
    "series of an unknown kind": (
        "meetings.0.kind",
        "mötet",
        "meetings[0].kind",
        "unknown meeting kind",
    ),
    "not an RRULE": (
        "meetings.0.rrule",
        "FREQ=SOMETIMES",
        "meetings[0].rrule",
        "not an RFC 5545 RRULE",
    ),
    "too frequent": ("wheel.0.rrule", "FREQ=HOURLY", "wheel[0].rrule", "no more often"),
    "start off the rule": (
        "meetings.0.start",
        "2027-03-10T10:00",
        "meetings[0].start",
        "is not a date of",
    ),
    "no time of day": ("meetings.0.start", "2027-03-09", "meetings[0].start", "not a local time"),
    "ends before it starts": ("meetings.0.end", "2027-03-09T09:00", "meetings[0].end", "ends"),
    "unknown mode": ("meetings.0.mode", "teams", "meetings[0].mode", "physical, online, hybrid"),
    "not a link": ("meetings.1.online_url", "teams://x", "meetings[1].online_url", "http(s)"),
    "unknown target": ("wheel.0.target", "styrelse", "wheel[0].target", "did you mean 'styrelsen'"),
    "unknown responsible role": (
        "wheel.0.responsible",
        "kassor",
        "wheel[0].responsible",
        "unknown role",
    ),
    "no dates": ("wheel.0.rrule", ..., "wheel[0].rrule", "give either rrule"),
    "two date sources": (
        "wheel.0.relative_to",
        {"kind": "rad", "days": -14},
        "wheel[0].relative_to",
        "give either rrule",
    ),
    "check without its dates": ("wheel.4.rrule", ..., "wheel[4].rrule", "when to run"),
    "check with dates of its own": (
        "wheel.5.rrule",
        "FREQ=YEARLY",
        "wheel[5].rrule",
        "takes its dates from",
    ),
    "unknown check": (
        "wheel.4.check.type",
        "max_meetings",
        "wheel[4].check.type",
        "must be one of",
    ),
    "check type not text": (
        "wheel.4.check.type",
        ["min_meetings"],
        "wheel[4].check.type",
        "must be one of min_meetings, preceded_by, term_end, not ['min_meetings']",
    ),
    "check mode neither physical nor any": (
        "wheel.4.check.mode",
        "online",
        "wheel[4].check.mode",
        "must be 'physical' or 'any', not 'online'",
    ),
    "step past the last": (
        "wheel.3.relative_to.step",
        3,
        "wheel[3].relative_to.step",
        "has 2 steps",
    ),
    "negative lead time": ("wheel.0.lead_days", [7, -1], "wheel[0].lead_days[1]", "at least 0"),
    "lead time twice": ("wheel.0.lead_days", [7, 7], "wheel[0].lead_days", "given twice"),
    "unknown shift": (
        "wheel.0.shift",
        "nearest_working_day",
        "wheel[0].shift",
        "previous_working_day",
    ),
    "channel named like a group": ("channels.0.key", "alfa", "channels[0].key", "is taken"),
    "admin neither e-mail nor id": ("admins.0", "Pia Ek", "admins[0]", "neither a work e-mail"),
    "unknown agenda field": (
        "agenda.reminder",
        [7],
        "agenda.reminder",
        "did you mean 'reminder_days'",
    ),
}


@pytest.mark.parametrize(("path", "value", "place", "message"), REFUSED.values(), ids=REFUSED)
def test_a_wrong_planning_section_is_refused_naming_its_place(
    tmp_path: Path, path: str, value: Any, place: str, message: str
):
    file = tmp_path / "testnet.yaml"
    file.write_text(yaml.safe_dump(_changed(path, value), allow_unicode=True), encoding="utf-8")

    with pytest.raises(RegistryFileError) as error:
        load_file(file)

    assert any(
        problem.place == place and message in problem.message and problem.line is not None
        for problem in error.value.problems
    ), str(error.value)
