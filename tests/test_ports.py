"""Every store and outside service implements its port (`domain.ports`) as declared.

Nothing type-checks the code, so the check is made here: each method of a port exists
on its implementation, is a coroutine exactly when the port's is, and takes the same
parameters (names, kinds, defaults) with the same annotations and return annotation.
A method renamed, a parameter added, or a parameter typed apart (`kind: str` beside
`kind: ConversationKind`) fails, naming the port, the class and the method.
"""

from __future__ import annotations

import inspect
from typing import Any, Protocol

import pytest

from bot.graph import GraphFiles
from bot.proactive import ConnectorSender
from bot.team_owners import DirectoryPeople, GraphTeamOwners
from domain import ports
from storage.audit import AuditLog
from storage.calendar_tokens import CalendarTokenStore
from storage.conversations import ConversationStore
from storage.meetings import MeetingRepository
from storage.minutes import MinutesRepository
from storage.outbox import Outbox
from storage.registry_repository import RegistryRepository
from storage.send_budget import MemorySendBudget, SendBudgetStore
from storage.wheel_overrides import WheelOverrideStore

IMPLEMENTATIONS: list[tuple[type, type]] = [
    (ports.MeetingPort, MeetingRepository),
    (ports.OutboxPort, Outbox),
    (ports.ConversationPort, ConversationStore),
    (ports.MinutesPort, MinutesRepository),
    (ports.RegistryPort, RegistryRepository),
    (ports.AuditPort, AuditLog),
    (ports.WheelOverridePort, WheelOverrideStore),
    (ports.CalendarTokenPort, CalendarTokenStore),
    (ports.SendBudgetPort, SendBudgetStore),
    (ports.SendBudgetPort, MemorySendBudget),
    (ports.SenderPort, ConnectorSender),
    (ports.ChannelFilesPort, GraphFiles),
    (ports.TeamOwnersPort, GraphTeamOwners),
    (ports.PeopleDirectoryPort, DirectoryPeople),
]


def port_methods(port: type) -> dict[str, Any]:
    return {
        name: member
        for name, member in vars(port).items()
        if inspect.isfunction(member) and not name.startswith("_")
    }


def differences(port: type, implementation: type) -> list[str]:
    """How `implementation` departs from `port`; empty when it implements it."""
    found = []
    for name, declared in port_methods(port).items():
        where = f"{implementation.__name__}.{name} ({port.__name__})"
        actual = getattr(implementation, name, None)
        if actual is None or not callable(actual):
            found.append(f"{where}: missing")
            continue
        if inspect.iscoroutinefunction(declared) != inspect.iscoroutinefunction(actual):
            found.append(f"{where}: async in one and not the other")
        wanted, given = inspect.signature(declared), inspect.signature(actual)
        if wanted != given:
            found.append(f"{where}: {given} where the port says {wanted}")
    return found


def test_the_ports_are_protocols_declaring_methods():
    declared = [
        value
        for value in vars(ports).values()
        if isinstance(value, type) and value.__module__ == ports.__name__
    ]
    assert declared and all(Protocol in port.__mro__ for port in declared)
    assert all(port_methods(port) for port in declared)
    # Every port has an implementation held to it here.
    assert {port for port, _ in IMPLEMENTATIONS} == set(declared)


@pytest.mark.parametrize(
    ("port", "implementation"),
    IMPLEMENTATIONS,
    ids=[f"{port.__name__}-{impl.__name__}" for port, impl in IMPLEMENTATIONS],
)
def test_the_implementation_has_every_method_of_its_port(port, implementation):
    assert differences(port, implementation) == []


def test_a_parameter_typed_apart_from_the_port_is_found():
    """The check can fail: a store whose `kind` is a plain string, or lacks a method."""

    class LooseReferences:
        async def save_reference(
            self,
            reference: dict[str, Any],
            *,
            tenant_id: str | None,
            team_id: str | None,
            channel_id: str | None,
            kind: str,
            only_if_changed: bool = False,
            inputs: Any = None,
        ) -> None: ...

    found = differences(ports.ConversationPort, LooseReferences)

    assert any(
        line.startswith("LooseReferences.save_reference (ConversationPort): ")
        and "kind: 'str'" in line
        for line in found
    )
    assert "LooseReferences.binding_for (ConversationPort): missing" in found
