"""The Graph edge against a loopback fake of Graph REST (tests/graph_fake.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.graph import CHUNK_UNIT, GraphConfig, GraphFiles, scopes_for
from domain.filing import (
    GraphCredentialsRejected,
    GraphForbidden,
    GraphUnavailable,
    NameTaken,
    UploadState,
)
from tests.graph_fake import GraphFake, Sleeps, StaticCredential

TEAM, CHANNEL = "team-1", "19:chan@thread.tacv2"


@pytest.fixture
async def graph() -> AsyncIterator[GraphFake]:
    async with GraphFake() as fake:
        fake.add_channel(TEAM, CHANNEL)
        yield fake


def files_for(graph: GraphFake, sleeps: Sleeps | None = None, **config: object) -> GraphFiles:
    settings = GraphConfig(
        tenant_id="t",
        client_id="c",
        client_secret="s",
        base_url=graph.base_url,
        chunk_size=CHUNK_UNIT,
        simple_upload_limit=CHUNK_UNIT,
        **config,
    )
    return GraphFiles(settings, StaticCredential(), sleep=sleeps or Sleeps())


@pytest.fixture
async def files(graph) -> AsyncIterator[GraphFiles]:
    client = files_for(graph)
    yield client
    await client.close()


async def test_a_small_file_lands_in_a_new_folder_of_the_channel(graph, files):
    channel = await files.channel_folder(TEAM, CHANNEL)
    folder = await files.ensure_folder(channel, ["Protokoll", "2026"])

    uploaded = await files.upload_small(folder, "2026-03-12 Alfa protokoll.pdf", b"%PDF minutes")

    assert graph.paths() == ["General/Protokoll/2026/2026-03-12 Alfa protokoll.pdf"]
    assert (uploaded.size, uploaded.name) == (12, "2026-03-12 Alfa protokoll.pdf")
    assert uploaded.web_url.startswith("https://")
    # A second time the folders exist already and are reused.
    assert await files.ensure_folder(channel, ["Protokoll", "2026"]) == folder


async def test_an_existing_name_is_refused_not_overwritten(graph, files):
    channel = await files.channel_folder(TEAM, CHANNEL)
    graph.add_file(graph.file_at("General"), "prot.pdf", b"someone else's")

    with pytest.raises(NameTaken):
        await files.upload_small(channel, "prot.pdf", b"mine")
    with pytest.raises(NameTaken):
        await files.start_session(channel, "PROT.pdf")

    assert graph.file_at("General/prot.pdf").content == b"someone else's"


async def test_names_are_read_through_every_page(graph, files):
    channel = await files.channel_folder(TEAM, CHANNEL)
    for n in range(5):
        graph.add_file(graph.file_at("General"), f"F{n}.pdf")

    assert await files.names(channel) == {f"f{n}.pdf" for n in range(5)}
    assert graph.count("GET", "/children") == 3  # pages of two


async def test_a_large_file_resumes_from_the_expected_range_after_a_fault(graph):
    sleeps = Sleeps()
    files = files_for(graph, sleeps)
    content = bytes(range(256)) * (CHUNK_UNIT * 3 // 256) + b"tail"
    channel = await files.channel_folder(TEAM, CHANNEL)
    state = await files.start_session(channel, "big.pdf")
    seen: list[UploadState] = []

    async def progress(now: UploadState) -> None:
        seen.append(now)
        if len(seen) == 1:
            # The second chunk is stored but its answer lost; the retry is refused once.
            graph.fail("PUT", "/upload/", 503, accept=True)
            graph.fail("PUT", "/upload/", 503)

    uploaded = await files.upload_chunks(channel, state, content, progress)

    assert graph.file_at("General/big.pdf").content == content
    assert uploaded.size == len(content)
    offsets = [s.next_offset for s in seen]
    assert offsets[0] == CHUNK_UNIT and 2 * CHUNK_UNIT in offsets
    assert graph.count("GET", "/upload/") >= 1  # asked the session where to go on
    assert len(sleeps.delays) == 2
    await files.close()


async def test_an_upload_interrupted_by_a_restart_goes_on_where_it_stopped(graph):
    content = b"a" * (CHUNK_UNIT * 2 + 10)
    first = files_for(graph)
    channel = await first.channel_folder(TEAM, CHANNEL)
    state = await first.start_session(channel, "big.pdf")
    saved: list[UploadState] = []

    async def crash_after_first_chunk(now: UploadState) -> None:
        saved.append(now)
        raise RuntimeError("process killed")

    with pytest.raises(RuntimeError):
        await first.upload_chunks(channel, state, content, crash_after_first_chunk)
    await first.close()

    second = files_for(graph)
    offset = await second.session_offset(saved[-1].upload_url)
    assert offset == CHUNK_UNIT

    async def ignore(now: UploadState) -> None:
        pass

    await second.upload_chunks(channel, UploadState(state.upload_url, offset), content, ignore)
    assert graph.file_at("General/big.pdf").content == content
    await second.close()


async def test_throttling_is_waited_out_as_retry_after_says(graph, files):
    graph.fail("GET", "/filesFolder", 429, headers={"Retry-After": "1"})

    channel = await files.channel_folder(TEAM, CHANNEL)

    assert channel.item_id
    assert graph.count("GET", "/filesFolder") == 2


async def test_server_errors_are_retried_with_backoff_then_reported(graph):
    sleeps = Sleeps()
    files = files_for(graph, sleeps, retries=2, backoff_seconds=1)
    graph.fail("GET", "/filesFolder", 500, times=3)

    with pytest.raises(GraphUnavailable):
        await files.channel_folder(TEAM, CHANNEL)

    assert sleeps.delays == [1, 2]
    await files.close()


async def test_a_missing_permission_and_refused_credentials_are_told_apart(graph, files):
    graph.fail("GET", "/filesFolder", 403, code="accessDenied")
    with pytest.raises(GraphForbidden):
        await files.channel_folder(TEAM, CHANNEL)

    refused = GraphFiles(
        GraphConfig(base_url=graph.base_url), StaticCredential(refuse=True), sleep=Sleeps()
    )
    with pytest.raises(GraphCredentialsRejected, match="expired"):
        await refused.channel_folder(TEAM, CHANNEL)
    await refused.close()


async def test_replacing_makes_a_new_version_of_the_same_file_small_or_large(graph, files):
    channel = await files.channel_folder(TEAM, CHANNEL)
    name = "2026-03-12 Alfa protokoll.pdf"
    first = await files.upload_small(channel, name, b"%PDF first")
    assert await files.version(first) == "1.0"

    second = await files.upload_small(channel, name, b"%PDF second", replace=True)
    large = b"%PDF-" + bytes(CHUNK_UNIT + 10)
    state = await files.start_session(channel, name, replace=True)
    third = await files.upload_chunks(channel, state, large, on_progress=_ignore)

    assert first.item_id == second.item_id == third.item_id
    assert await files.version(third) == "3.0"
    assert graph.paths() == [f"General/{name}"]
    assert graph.file_at(f"General/{name}").versions == [b"%PDF first", b"%PDF second", large]
    with pytest.raises(NameTaken):  # without `replace` nothing is overwritten
        await files.upload_small(channel, name, b"%PDF fourth")
    # The conflict behaviour Graph was sent, as the SDK put it on the wire.
    puts = [r for r in graph.requests if r.method == "PUT" and r.path.endswith("/content")]
    assert [r.query["@microsoft.graph.conflictBehavior"] for r in puts] == [
        "fail", "replace", "fail"
    ]


async def _ignore(_: UploadState) -> None:
    pass


def test_a_sovereign_cloud_gets_a_token_for_its_own_graph_host():
    assert scopes_for(GraphConfig()) == ["https://graph.microsoft.com/.default"]
    assert scopes_for(GraphConfig(base_url="https://graph.microsoft.us/v1.0")) == [
        "https://graph.microsoft.us/.default"
    ]
    assert scopes_for(
        GraphConfig(base_url="https://microsoftgraph.chinacloudapi.cn/v1.0")
    ) == ["https://microsoftgraph.chinacloudapi.cn/.default"]
