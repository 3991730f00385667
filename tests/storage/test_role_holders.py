"""One role's holders changed in one write, as the administration cards do: on SQLite and
PostgreSQL, with the revision, the audit entry and nothing else touched."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.registry import Assignment, Person, UnknownGroup, UnknownNetwork
from storage.audit import AuditLog
from storage.database import Database
from storage.registry_repository import HoldersChanged, RegistryRepository
from tests.storage.registries import SAMPLE_NETWORK, SARA
from tests.storage.test_registry_repository import stored_persons

CECILIA = Person("Cecilia Ek", email="cecilia@example.org", entra_object_id="c-1")
OLLE = Person("Olle Ek")
ASA = SAMPLE_NETWORK.assignments[2]  # the board, network-wide


@pytest.fixture
async def repository(database: Database) -> RegistryRepository:
    repository = RegistryRepository(database)
    await repository.replace_networks([SAMPLE_NETWORK])
    return repository


def chair(person: Person, **fields) -> Assignment:
    return Assignment("ordforande", person, group_key="alfa", **fields)


async def role_entries(database: Database):
    return [e for e in await AuditLog(database).entries() if e.action == "roles.set"]


async def test_a_new_holder_is_stored_in_the_roles_place_with_an_audit_entry(
    repository: RegistryRepository, database: Database
):
    before = SAMPLE_NETWORK.assignments[:2]
    revision = await repository.revision()
    holders = (*before, chair(CECILIA, term_start=date(2027, 1, 1)))

    changed = await repository.set_role_holders(
        "testnet", "ordforande", "alfa", holders, actor="aad-admin", expected=before
    )

    assert changed
    assert await repository.revision() > revision
    network = (await repository.load()).network("testnet")
    # The network's order is kept: the chair's holders, then the board.
    assert network.assignments == (*holders, ASA)
    (entry,) = await role_entries(database)
    assert (entry.actor, entry.network_key, entry.subject) == (
        "aad-admin",
        "testnet",
        "role ordforande in alfa",
    )
    assert entry.before == {
        "holders": [
            "ordforande/alfa: Sara Herrman <sara@example.org> 2026-01-01–2026-12-31",
            "ordforande/alfa: Olle Ek (deputy)",
        ]
    }
    assert entry.after["holders"][2] == (
        "ordforande/alfa: Cecilia Ek <cecilia@example.org> 2027-01-01–"
    )


async def test_a_person_removed_from_their_only_role_is_not_kept(
    repository: RegistryRepository, database: Database
):
    await repository.set_role_holders("testnet", "ordforande", "alfa", [], actor="aad-admin")

    network = (await repository.load()).network("testnet")
    assert network.assignments == (ASA,)
    assert [name for name, _, _ in await stored_persons(database)] == ["Åsa Öberg"]


async def test_a_network_role_changes_without_touching_the_groups_roles(
    repository: RegistryRepository,
):
    await repository.set_role_holders(
        "testnet", "styrelsen", None, [replace(ASA, deputy=True)], actor="aad-admin"
    )

    network = (await repository.load()).network("testnet")
    assert network.assignments == (*SAMPLE_NETWORK.assignments[:2], replace(ASA, deputy=True))


async def test_the_same_holders_again_change_nothing(
    repository: RegistryRepository, database: Database
):
    changed = await repository.set_role_holders(
        "testnet", "ordforande", "alfa", SAMPLE_NETWORK.assignments[:2], actor="aad-admin"
    )

    assert not changed
    assert await role_entries(database) == []


async def test_holders_changed_since_they_were_read_are_not_overwritten(
    repository: RegistryRepository, database: Database
):
    shown = SAMPLE_NETWORK.assignments[:2]
    await repository.set_role_holders(
        "testnet", "ordforande", "alfa", [chair(CECILIA)], actor="aad-first"
    )

    with pytest.raises(HoldersChanged) as changed:
        await repository.set_role_holders(
            "testnet", "ordforande", "alfa", shown[:1], actor="aad-second", expected=shown
        )

    assert changed.value.current == (chair(CECILIA),)
    network = (await repository.load()).network("testnet")
    assert network.assignments == (chair(CECILIA), ASA)
    assert [e.actor for e in await role_entries(database)] == ["aad-first"]


@pytest.mark.parametrize(
    ("role", "group", "holders", "error"),
    [
        ("ordforande", "alfa", [chair(OLLE, term_start=date(2026, 6, 1),
                                      term_end=date(2026, 5, 31))], ValueError),
        ("kassor", "alfa", [], ValueError),
        ("ordforande", "gamma", [], UnknownGroup),
        ("ordforande", None, [], ValueError),
        ("styrelsen", "alfa", [], ValueError),
        ("ordforande", "alfa", [Assignment("styrelsen", OLLE)], ValueError),
    ],
)  # fmt: skip
async def test_a_change_that_does_not_fit_the_network_writes_nothing(
    repository: RegistryRepository, database: Database, role, group, holders, error
):
    revision = await repository.revision()

    with pytest.raises(error):
        await repository.set_role_holders("testnet", role, group, holders, actor="aad-admin")

    assert await repository.revision() == revision
    assert (await repository.load()).network("testnet") == SAMPLE_NETWORK
    assert await role_entries(database) == []


async def test_an_unknown_network_is_named(repository: RegistryRepository):
    with pytest.raises(UnknownNetwork, match="nonet"):
        await repository.set_role_holders("nonet", "ordforande", "alfa", [], actor=None)


async def test_a_new_holder_who_is_a_known_person_keeps_one_person_row(
    repository: RegistryRepository, database: Database
):
    # Sara, picked again for the board, with the details the directory gives.
    sara = replace(SARA, name="Sara Herrman-Ek")

    await repository.set_role_holders(
        "testnet", "styrelsen", None, [ASA, Assignment("styrelsen", sara)], actor="aad-admin"
    )

    network = (await repository.load()).network("testnet")
    assert [a.person.name for a in network.assignments] == [
        "Sara Herrman-Ek", "Olle Ek", "Åsa Öberg", "Sara Herrman-Ek"
    ]  # fmt: skip
