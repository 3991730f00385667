"""A new kind of annual-wheel check is one class, one sentence and this test.

`PlaceBookedCheck` is made up here and shipped nowhere: "every meeting of a kind held in
person has a room, `days` before it". Registered in `CHECK_KINDS` and given its sentence
in `CHECK_PROBLEMS` (for this test only), the data files accept it, the wheel warns
where it fails, and the chat, the posts and the page say what it found, with no other
file changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import ClassVar

import pytest
import yaml

from domain.registry import Localized, Network
from domain.wheel import CheckScope, WheelDeadline, wheel_deadlines
from domain.wheel_checks import (
    CHECK_KINDS,
    CheckProblem,
    KindName,
    MeetingTime,
    Setting,
    WheelCheck,
)
from storage.registry_files import (
    RegistryFileError,
    load_file,
    load_network_document,
    planning_document,
    read_planning,
)
from tests.scheduler.wheel_network import WHEEL_YAML, meeting
from texts.meetings import CHECK_PROBLEMS
from views.meetings import deadline_problem


@dataclass(frozen=True)
class PlaceBookedCheck(WheelCheck):
    """Each meeting of `kind` held in person has a place, `days` before it."""

    key: ClassVar[str] = "place_booked"
    settings: ClassVar[tuple[Setting, ...]] = (
        Setting("kind", "meeting_kind"),
        Setting("days", "count"),
    )
    own_dates: ClassVar[bool] = True

    kind: str
    days: int

    def failing(self, scope: CheckScope) -> Iterable[WheelDeadline]:
        for found, day in scope.meetings.of_kind(self.kind):
            if found.mode != "online" and not found.place:
                for channel, group in scope.channels(found.group_key):
                    yield scope.deadline(
                        day - timedelta(days=self.days), channel, group, meeting=found
                    )

    def problem(self, deadline: WheelDeadline, *, names: bool) -> CheckProblem | None:
        assert deadline.meeting is not None
        return CheckProblem(
            "place_booked", {"kind": KindName(self.kind), "when": MeetingTime(deadline.meeting)}
        )


PLACE_BOOKED_TEXT = Localized(
    sv="Ingen lokal är bokad för {kind} {when}.",
    en="No room is booked for the {kind} {when}.",
)

RULE_YAML = """\
  - key: lokal
    title: {sv: Lokal bokad, en: Room booked}
    target: each_group
    check: {type: place_booked, kind: mote, days: 21}
    lead_days: [7]
"""


@pytest.fixture
def place_booked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The made-up kind registered, as a shipped one is, for this test only."""
    monkeypatch.setitem(CHECK_KINDS, PlaceBookedCheck.key, PlaceBookedCheck)
    monkeypatch.setitem(CHECK_PROBLEMS, "place_booked", PLACE_BOOKED_TEXT)


def network_with_rule() -> Network:
    return load_network_document(yaml.safe_load(WHEEL_YAML + RULE_YAML), "test network")


def test_a_new_kind_of_check_warns_before_each_meeting_without_a_room(place_booked):
    network = network_with_rule()
    meetings = [
        meeting(1, "alfa", "mote", "2027-03-16T10:00"),  # in person, no room: warned
        meeting(2, "beta", "mote", "2027-03-18T10:00", mode="online"),  # online: fine
        meeting(3, "beta", "mote", "2027-04-13T10:00", mode="hybrid"),  # hybrid, no room
    ]
    meetings.append(replace(meeting(4, "alfa", "mote", "2027-05-11T10:00"), place="Rum 1"))

    deadlines = [
        d
        for d in wheel_deadlines(network, meetings, date(2027, 1, 1), date(2027, 12, 31))
        if d.rule.key == "lokal"
    ]

    assert [(d.nominal, d.channel, d.meeting.id) for d in deadlines] == [
        (date(2027, 2, 23), "alfa", 1),
        (date(2027, 3, 23), "beta", 3),
    ]
    assert deadline_problem(network, deadlines[0], "sv") == (
        "Ingen lokal är bokad för gruppmöte tisdag 16 mars 2027 kl. 10.00–12.00."
    )
    assert deadline_problem(network, deadlines[1], "en", markdown=False) == (
        "No room is booked for the group meeting Tuesday 13 April 2027, 10:00–12:00."
    )


def test_the_data_files_read_and_write_the_new_kind_through_the_table(place_booked):
    network = network_with_rule()

    rule = network.wheel[-1]
    assert rule.check == PlaceBookedCheck(kind="mote", days=21)
    written = planning_document(network)
    assert written is not None
    assert written["wheel"][-1]["check"] == {"type": "place_booked", "kind": "mote", "days": 21}
    assert read_planning(written, network, "written").wheel == network.wheel


def test_a_wrong_setting_of_the_new_kind_names_the_file_line_and_field(place_booked, tmp_path):
    path = tmp_path / "testnet.yaml"
    path.write_text(
        WHEEL_YAML + RULE_YAML.replace("kind: mote, days: 21", "kind: moten, days: 0"),
        encoding="utf-8",
    )

    with pytest.raises(RegistryFileError) as error:
        load_file(path)

    line = (WHEEL_YAML + RULE_YAML).count("\n") - 1  # the check's line
    assert [str(p) for p in error.value.problems] == [
        f"{path}:{line}: wheel[7].check.kind: unknown meeting kind 'moten'; did you mean 'mote'?",
        f"{path}:{line}: wheel[7].check.days: must be at least 1, not 0",
    ]


def test_without_registration_the_data_files_do_not_know_the_kind():
    with pytest.raises(RegistryFileError) as error:
        network_with_rule()

    assert "must be one of min_meetings, preceded_by, term_end, not 'place_booked'" in str(
        error.value
    )
