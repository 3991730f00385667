"""`bot.graph_clients`: the Graph clients built on first need, one credential for both."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.graph_clients import DeferredDirectory, DeferredFiles, GraphClients
from bot.graph_config import GraphConfig
from domain.filing import GraphCredentialsRejected
from tests.graph_fake import GraphFake, StaticCredential

TEAM, CHANNEL = "team-1", "19:channel-1@thread.tacv2"


class CountedCredential(StaticCredential):
    closed = 0

    async def close(self) -> None:
        self.closed += 1


async def test_calls_made_together_before_anything_is_built_share_one_build():
    credential = CountedCredential()
    async with GraphFake() as graph:
        graph.add_channel(TEAM, CHANNEL)
        graph.add_user("4f6b1a2e-0000-4000-8000-000000000001", "Ada Lindqvist", "ada@example.se")
        clients = GraphClients(GraphConfig(base_url=graph.base_url), credential)
        files, directory = DeferredFiles(clients), DeferredDirectory(clients)

        folder, user = await asyncio.gather(
            files.channel_folder(TEAM, CHANNEL),
            directory.user("4f6b1a2e-0000-4000-8000-000000000001"),
        )
        assert folder.item_id and user is not None and user.name == "Ada Lindqvist"
        assert await clients.ready() is await clients.ready()
        await clients.close()
    assert credential.closed == 1


async def test_a_credential_never_used_is_closed_all_the_same():
    credential = CountedCredential()
    await GraphClients(GraphConfig(), credential).close()
    assert credential.closed == 1


async def test_an_unreadable_certificate_is_a_refused_credential_when_graph_is_called(
    tmp_path: Path,
):
    config = GraphConfig(
        tenant_id="t", client_id="c", certificate_path=tmp_path / "missing.pem"
    )
    with pytest.raises(GraphCredentialsRejected):
        await DeferredDirectory(GraphClients(config)).team_owner_ids("group")
