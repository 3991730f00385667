"""Team owners and directory people from the loopback Graph (tests/graph_fake.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.graph import GraphConfig, GraphDirectory
from bot.team_owners import DirectoryPeople, GraphTeamOwners, TeamNotKnown
from domain.filing import GraphForbidden, GraphUnavailable
from domain.registry import Person
from storage.conversations import ConversationStore
from storage.database import Database
from storage.minutes import MinutesRepository
from tests.graph_fake import GraphFake, Sleeps, StaticCredential

TEAM = "19:team@thread.tacv2"
GROUP = "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d"
OWNER, MEMBER, GUEST_OWNER = "owner-1", "member-1", "external-1"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
OTHER_TENANT = "0d2c8f6e-0000-4000-8000-0123456789ab"


@pytest.fixture
async def graph() -> AsyncIterator[GraphFake]:
    async with GraphFake(page_size=2) as fake:
        fake.add_member(GROUP, MEMBER, "Maja Medlem")
        fake.add_member(GROUP, GUEST_OWNER, "Extern Ägare", owner=True, tenant_id=OTHER_TENANT)
        fake.add_member(GROUP, OWNER, "Olle Ägare", owner=True, tenant_id=TENANT)
        yield fake


@pytest.fixture
def directory(graph: GraphFake) -> GraphDirectory:
    config = GraphConfig(
        tenant_id=TENANT, client_id="c", client_secret="s", base_url=graph.base_url, retries=1
    )
    return GraphDirectory(config, StaticCredential(), sleep=Sleeps())


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def bound_team(
    database: Database, *, group_id: str | None = GROUP, team: str = TEAM, network: str = "natet"
) -> None:
    store = ConversationStore(database)
    await store.save_reference(
        {"conversation": {"id": team}}, tenant_id=None, team_id=team, channel_id=team,
        kind="channel",
    )  # fmt: skip
    await store.set_binding(team, None, network, None)
    if group_id is not None:
        await MinutesRepository(database).remember_team(team, group_id, datetime.now(UTC))


def owners_of(database: Database, directory: GraphDirectory, clock: Clock) -> GraphTeamOwners:
    return GraphTeamOwners(
        directory, ConversationStore(database), MinutesRepository(database), clock=clock
    )


async def test_owners_come_from_every_page_and_are_kept_a_few_minutes(
    sqlite_database, directory, graph
):
    await bound_team(sqlite_database)
    clock = Clock()
    owners = owners_of(sqlite_database, directory, clock)

    assert await owners.is_team_owner("natet", OWNER)
    assert not await owners.is_team_owner("natet", MEMBER)
    # Graph lists members of other tenants as owners; they do not administer the network.
    assert not await owners.is_team_owner("natet", GUEST_OWNER)
    assert graph.count("GET", f"/teams/{GROUP}/members") == 2  # two pages, read once

    clock.now += 301
    assert await owners.is_team_owner("natet", OWNER)
    assert graph.count("GET", f"/teams/{GROUP}/members") == 4


async def test_a_refused_or_failing_lookup_raises_and_is_not_kept(
    sqlite_database, directory, graph
):
    await bound_team(sqlite_database)
    owners = owners_of(sqlite_database, directory, Clock())
    graph.fail("GET", "/members", 403, code="Forbidden")
    graph.fail("GET", "/members", 500, times=2)  # tried twice (retries=1), then given up

    with pytest.raises(GraphForbidden):
        await owners.is_team_owner("natet", OWNER)
    with pytest.raises(GraphUnavailable):
        await owners.is_team_owner("natet", OWNER)
    assert await owners.is_team_owner("natet", OWNER)


async def test_a_stalled_lookup_of_one_team_holds_up_no_other_team(
    sqlite_database, directory, graph
):
    other_team, other_group = "19:other@thread.tacv2", "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e"
    graph.add_member(other_group, "owner-2", "Åsa Ägare", owner=True, tenant_id=TENANT)
    await bound_team(sqlite_database)
    await bound_team(sqlite_database, team=other_team, group_id=other_group, network="andra")
    owners = owners_of(sqlite_database, directory, Clock())
    stalled = graph.hold("GET", f"/teams/{GROUP}/members")

    first = asyncio.create_task(owners.is_team_owner("natet", OWNER))
    while not graph.count("GET", f"/teams/{GROUP}/members"):
        await asyncio.sleep(0.01)
    # The other network's admin is answered while the first team's lookup hangs.
    assert await asyncio.wait_for(owners.is_team_owner("andra", "owner-2"), 5)
    assert not first.done()

    stalled.set()
    assert await asyncio.wait_for(first, 5)


async def test_a_network_without_a_team_or_its_group_id_has_no_owners_to_ask(
    sqlite_database, directory, graph
):
    owners = owners_of(sqlite_database, directory, Clock())
    with pytest.raises(TeamNotKnown, match="no team is bound"):
        await owners.is_team_owner("natet", OWNER)

    await bound_team(sqlite_database, group_id=None)
    with pytest.raises(TeamNotKnown, match="Microsoft 365 group"):
        await owners.is_team_owner("natet", OWNER)
    assert graph.count("GET", "/members") == 0


async def test_people_are_found_and_checked_with_only_their_work_details(directory, graph):
    graph.add_user("u-1", "Cecilia Ek", "cecilia.ek@kommun.example.se")
    graph.add_user("u-2", "Bo Berg")
    people = DirectoryPeople(directory)

    found = await people.search('cecilia "ek', 10)
    checked = await people.person("u-2")
    missing = await people.person("u-404")

    assert found == [Person("Cecilia Ek", "cecilia.ek@kommun.example.se", "u-1")]
    assert checked == Person("Bo Berg", None, "u-2")  # a sign-in name is not an e-mail
    assert missing is None
    search = next(r for r in graph.requests if r.path == "/v1.0/users")
    assert search.query["$search"] == '"displayName:cecilia ek" OR "mail:cecilia ek"'
    assert all("mobilePhone" not in r.query.get("$select", "") for r in graph.requests)
