"""Test data for minutes: a network with a secretary and a chair, a meeting, a filer."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.graph import CHUNK_UNIT, GraphConfig, GraphFiles
from domain.meetings import Meeting, MeetingDraft
from domain.minutes import MinutesRules
from domain.registry import Assignment, Group, Localized, Network, Person, Role, RoleRegistry
from services.minutes import MinutesFiler
from storage.meetings import MeetingRepository
from storage.minutes import MinutesRepository
from storage.outbox import Outbox
from tests.graph_fake import GraphFake, Sleeps, StaticCredential

TEAM, CHANNEL = "team-1", "19:alfa@thread.tacv2"
SECRETARY = Person("Sam Sekreterare", entra_object_id="00000000-0000-0000-0000-00000000000a")
CHAIR = Person("Olga Ordförande", entra_object_id="00000000-0000-0000-0000-00000000000b")
# The meeting ends 11:00 Stockholm time on Thursday 12 March 2026.
MEETING_START = datetime(2026, 3, 12, 8, 0, tzinfo=UTC)
MEETING_END = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)


def _role(key: str, sv: str, en: str) -> Role:
    return Role(key, "group", Localized(sv, en), Localized((), ()))


NETWORK = Network(
    key="natet",
    name=Localized("Nätet", "The network"),
    groups=(Group("alfa", Localized("Alfa", "Alpha")), Group("beta", Localized("Beta", "Beta"))),
    roles=(
        _role("sekreterare", "Sekreterare", "Secretary"),
        _role("ordforande", "Ordförande", "Chair"),
    ),
    assignments=(
        Assignment("sekreterare", SECRETARY, group_key="alfa"),
        Assignment("ordforande", CHAIR, group_key="alfa"),
    ),
)
# Beta's secretary is in the registry by name only: no Entra object id to reach them by.
WITH_BETA = replace(
    NETWORK,
    assignments=(*NETWORK.assignments,
                 Assignment("sekreterare", Person("Nils Utan"), group_key="beta")),
)  # fmt: skip


class StaticRegistry:
    """A registry source that always has one network: the test network unless told."""

    def __init__(self, network: Network = NETWORK):
        self._network = network

    async def revision(self) -> int:
        return 1

    async def load(self) -> RoleRegistry:
        return RoleRegistry((self._network,))


class OneChannel:
    """Every group's channel is the test channel."""

    async def channel_of(self, network_key: str, group_key: str) -> tuple[str, str] | None:
        return TEAM, CHANNEL

    async def personal_recipient(self, conversation_id: str) -> None:
        return None  # no personal chats here: the scenario tests cover them


async def add_meeting(database, group: str = "alfa") -> Meeting:
    return await MeetingRepository(database).add(
        MeetingDraft("natet", group, "mote", MEETING_START, MEETING_END),
        by=None,
        now=MEETING_START,
    )


def graph_files(graph: GraphFake, sleeps: Sleeps | None = None) -> GraphFiles:
    config = GraphConfig(
        tenant_id="t",
        client_id="c",
        client_secret="s",
        base_url=graph.base_url,
        chunk_size=CHUNK_UNIT,
        retries=1,
    )
    return GraphFiles(config, StaticCredential(), sleep=sleeps or Sleeps())


def filer(database, files: GraphFiles | None, **rules: object) -> MinutesFiler:
    return MinutesFiler(
        minutes=MinutesRepository(database),
        meetings=MeetingRepository(database),
        registry=StaticRegistry(),
        channels=OneChannel(),
        files=files,
        outbox=Outbox(database),
        rules=MinutesRules(**rules),
        simple_upload_limit=CHUNK_UNIT,
        now=lambda: MEETING_END,
    )
