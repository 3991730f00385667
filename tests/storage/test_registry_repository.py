"""The registry in the database, on SQLite and on PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from domain.registry import Assignment, Localized, Network, Person, RoleRegistry
from storage.database import Database
from storage.registry_files import load_directory
from storage.registry_repository import RegistryRepository
from storage.schema import PersonRow
from tests.storage.registries import (
    SAMPLE_NETWORK,
    SARA,
    SHIPPED_NETWORKS,
    minimal_network,
    registries,
)


@pytest.fixture
def repository(database: Database) -> RegistryRepository:
    return RegistryRepository(database)


async def stored_persons(database: Database) -> list[tuple[str, str | None, str | None]]:
    """Every person row: what the database keeps about people."""
    async with database.snapshot() as session:
        rows = await session.execute(
            select(PersonRow.name, PersonRow.email, PersonRow.entra_object_id).order_by(
                PersonRow.name
            )
        )
        return [tuple(row) for row in rows]


async def test_a_new_database_has_an_empty_registry_at_revision_zero(
    repository: RegistryRepository,
) -> None:
    assert await repository.is_empty()
    assert await repository.revision() == 0
    assert await repository.load() == RoleRegistry()


async def test_the_shipped_networks_load_back_exactly(repository: RegistryRepository) -> None:
    shipped = load_directory(SHIPPED_NETWORKS)

    await repository.replace_networks(shipped.networks)

    assert not await repository.is_empty()
    assert await repository.load() == shipped


async def test_terms_deputies_and_empty_fields_load_back_exactly(
    repository: RegistryRepository,
) -> None:
    bare = Network(
        key="bare",
        name=Localized("Bar", "Bare"),
        roles=(replace(SAMPLE_NETWORK.roles[1], ask_instead=()),),
        assignments=(Assignment("styrelsen", Person("Ingen Kontakt")),),
    )

    await repository.replace_networks([SAMPLE_NETWORK, bare])

    assert await repository.load() == RoleRegistry((SAMPLE_NETWORK, bare))


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(registry=registries())
async def test_any_valid_registry_loads_back_exactly(
    repository: RegistryRepository, registry: RoleRegistry
) -> None:
    for network in (await repository.load()).networks:  # left by the previous example
        await repository.delete_network(network.key)

    await repository.replace_networks(registry.networks)

    assert await repository.load() == registry


async def test_every_write_moves_the_revision_on(repository: RegistryRepository) -> None:
    await repository.replace_networks([SAMPLE_NETWORK])
    after_first_write = await repository.revision()
    await repository.replace_networks([SAMPLE_NETWORK])
    after_second_write = await repository.revision()
    await repository.delete_network("testnet")
    after_delete = await repository.revision()

    assert 0 < after_first_write < after_second_write < after_delete


async def test_a_refused_or_empty_write_leaves_the_revision(repository: RegistryRepository) -> None:
    await repository.replace_networks([SAMPLE_NETWORK])
    revision = await repository.revision()
    held_in_unknown_group = replace(
        SAMPLE_NETWORK,
        assignments=(Assignment("ordforande", SARA, group_key="gamma"),),
    )

    with pytest.raises(ValueError, match="unknown group 'gamma'"):
        await repository.replace_networks([held_in_unknown_group])
    assert not await repository.delete_network("no_such_network")

    assert await repository.revision() == revision
    assert await repository.load() == RoleRegistry((SAMPLE_NETWORK,))


async def test_replacing_a_network_leaves_the_others_as_they_were(
    repository: RegistryRepository,
) -> None:
    first = minimal_network("first", Person("Anna"))
    last = minimal_network("last", Person("Bertil"))
    await repository.replace_networks([first, SAMPLE_NETWORK, last])
    fewer = replace(
        SAMPLE_NETWORK,
        groups=SAMPLE_NETWORK.groups[1:],
        roles=SAMPLE_NETWORK.roles[1:],
        assignments=SAMPLE_NETWORK.assignments[2:],
        description=Localized("", ""),
    )

    await repository.replace_networks([fewer, minimal_network("new")])

    # The replaced network keeps its place; a new one comes last.
    assert await repository.load() == RoleRegistry((first, fewer, last, minimal_network("new")))


async def test_deleting_a_network_deletes_its_holders_and_nothing_else(
    repository: RegistryRepository, database: Database
) -> None:
    await repository.replace_networks(
        [SAMPLE_NETWORK, minimal_network("other", SARA, Person("Bertil"))]
    )

    assert await repository.delete_network("testnet")

    assert await repository.load() == RoleRegistry(
        (minimal_network("other", SARA, Person("Bertil")),)
    )
    assert await stored_persons(database) == [
        ("Bertil", None, None),
        ("Sara Herrman", "sara@example.org", None),
    ]


async def test_people_no_longer_holding_a_role_are_forgotten(
    repository: RegistryRepository, database: Database
) -> None:
    await repository.replace_networks([minimal_network("net", SARA, Person("Bertil"))])

    await repository.replace_networks([minimal_network("net", Person("Bertil"))])

    assert await stored_persons(database) == [("Bertil", None, None)]


async def test_one_person_holding_roles_in_two_networks_is_stored_once(
    repository: RegistryRepository, database: Database
) -> None:
    sara = Person("Sara Herrman", "SARA@example.org")
    await repository.replace_networks([minimal_network("a", SARA)])
    await repository.replace_networks([minimal_network("b", sara)])

    # Same e-mail in any case: one person, whose details are the ones written last.
    assert await stored_persons(database) == [("Sara Herrman", "SARA@example.org", None)]
    assert await repository.load() == RoleRegistry(
        (minimal_network("a", sara), minimal_network("b", sara))
    )

    # Correcting her name in one network corrects it in the other.
    renamed = Person("Sara Herrman-Ek", "sara@example.org")
    await repository.replace_networks([minimal_network("b", renamed)])

    assert await repository.load() == RoleRegistry(
        (minimal_network("a", renamed), minimal_network("b", renamed))
    )


async def test_people_are_told_apart_by_email_then_entra_id_then_name(
    repository: RegistryRepository, database: Database
) -> None:
    entra_id = "0f8fad5b-d9cb-469f-a165-70867728950e"
    await repository.replace_networks(
        [
            minimal_network(
                "a", Person("Anna Ek", "anna@a.se"), Person("Olle"), Person("Åsa", None, entra_id)
            )
        ]
    )
    await repository.replace_networks(
        [
            minimal_network(
                "b", Person("Anna Ek", "anna@b.se"), Person("Olle"), Person("Åsa Ö", None, entra_id)
            )
        ]
    )

    assert await stored_persons(database) == [
        ("Anna Ek", "anna@a.se", None),
        ("Anna Ek", "anna@b.se", None),
        ("Olle", None, None),
        ("Åsa Ö", None, entra_id),
    ]


async def test_two_stored_people_that_turn_out_to_be_one_are_merged(
    repository: RegistryRepository, database: Database
) -> None:
    entra_id = "0f8fad5b-d9cb-469f-a165-70867728950e"
    await repository.replace_networks(
        [
            minimal_network("a", Person("Anna", "anna@a.se")),
            minimal_network("b", Person("Anna", None, entra_id)),
        ]
    )

    anna = Person("Anna Ek", "anna@a.se", entra_id)
    await repository.replace_networks([minimal_network("c", anna)])

    assert await stored_persons(database) == [("Anna Ek", "anna@a.se", entra_id)]
    assert await repository.load() == RoleRegistry(
        (minimal_network("a", anna), minimal_network("b", anna), minimal_network("c", anna))
    )


async def test_one_person_given_two_ways_in_one_write_is_refused(
    repository: RegistryRepository,
) -> None:
    with pytest.raises(ValueError, match="same person"):
        await repository.replace_networks(
            [minimal_network("a", SARA), minimal_network("b", replace(SARA, name="Sara H."))]
        )

    assert await repository.revision() == 0
    assert await repository.load() == RoleRegistry()


@pytest.mark.parametrize(
    "network, message",
    [
        (replace(SAMPLE_NETWORK, roles=SAMPLE_NETWORK.roles[1:]), "unknown role 'ordforande'"),
        (replace(SAMPLE_NETWORK, groups=SAMPLE_NETWORK.groups * 2), "group key twice"),
    ],
    ids=["unknown role", "duplicate group"],
)
async def test_a_network_the_tables_cannot_hold_is_refused(
    repository: RegistryRepository, network: Network, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        await repository.replace_networks([network])

    assert await repository.is_empty()
