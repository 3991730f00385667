"""Files are fetched only from Microsoft's file hosts, only on the Teams channel.

Over real HTTP: the running bot with a loopback Bot Connector and Graph (which serves the
download links, on 127.0.0.1, the one file host these tests allow); and `download` itself
against loopback file servers that redirect or stream without end.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web

from bot.cards import edge_text
from bot.file_hosts import MAX_REDIRECTS, FileHostRefused, FileHosts
from bot.files import download
from bot.settings import DEFAULT_ALLOWED_FILE_HOSTS, Settings
from domain.minutes import DownloadFailed, FileTooLarge
from tests.bot.test_minutes_scenarios import (  # noqa: F401 - fixtures
    PDF,
    TODAY,
    add_meeting,
    file_message,
    graph,
    minutes_bot,
)

LOOPBACK_ONLY = FileHosts(("127.0.0.1",), https_only=False)


@dataclasses.dataclass
class FileServer:
    """A loopback server: `/file` (PDF), `/redirect?to=URL`, `/loop` (to itself) and
    `/endless` (a body that never ends)."""

    base_url: str
    endless_chunks_sent: int = 0
    requests: list[str] = dataclasses.field(default_factory=list)


@pytest.fixture
async def file_server() -> AsyncIterator[FileServer]:
    server = FileServer("")

    async def file(request: web.Request) -> web.Response:
        server.requests.append(request.path)
        return web.Response(body=PDF)

    async def redirect(request: web.Request) -> web.Response:
        server.requests.append(request.path)
        raise web.HTTPFound(request.query["to"])

    async def loop(request: web.Request) -> web.Response:
        server.requests.append(request.path)
        raise web.HTTPFound("/loop")

    async def endless(request: web.Request) -> web.StreamResponse:
        server.requests.append(request.path)
        response = web.StreamResponse()  # chunked: no length announced
        await response.prepare(request)
        chunk = b"x" * 65536
        for _ in range(2_000):  # 128 MiB at most, so the test ends whatever happens
            await response.write(chunk)
            server.endless_chunks_sent += 1
        return response

    app = web.Application()
    app.add_routes(
        [
            web.get("/file", file),
            web.get("/redirect", redirect),
            web.get("/loop", loop),
            web.get("/endless", endless),
        ]
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    server.base_url = f"http://{host}:{port}"
    yield server
    await runner.cleanup()


# --- download, over loopback HTTP ------------------------------------------------------


async def test_a_file_on_an_allowed_host_is_downloaded(file_server):
    assert await download(f"{file_server.base_url}/file", 1024, hosts=LOOPBACK_ONLY) == PDF


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:{port}/file",  # loopback, but not a listed host
        "http://127.0.0.2:{port}/file",
        "http://user@127.0.0.1:{port}/file",
        "file:///etc/passwd",
        "ftp://127.0.0.1:{port}/file",
    ],
)
async def test_a_file_off_the_list_is_refused_without_a_request(file_server, url):
    port = file_server.base_url.rsplit(":", 1)[1]

    with pytest.raises(FileHostRefused):
        await download(url.format(port=port), 1024, hosts=LOOPBACK_ONLY)

    assert file_server.requests == []


async def test_a_redirect_off_the_list_is_not_followed(file_server):
    port = file_server.base_url.rsplit(":", 1)[1]
    url = f"{file_server.base_url}/redirect?to=http://localhost:{port}/file"

    with pytest.raises(FileHostRefused):
        await download(url, 1024, hosts=LOOPBACK_ONLY)

    assert file_server.requests == ["/redirect"]  # the target was never asked


async def test_a_redirect_within_the_list_is_followed(file_server):
    url = f"{file_server.base_url}/redirect?to=/redirect%3Fto%3D/file"

    assert await download(url, 1024, hosts=LOOPBACK_ONLY) == PDF
    assert file_server.requests == ["/redirect", "/redirect", "/file"]


async def test_endless_redirects_give_up(file_server):
    with pytest.raises(DownloadFailed, match="too many redirects"):
        await download(f"{file_server.base_url}/loop", 1024, hosts=LOOPBACK_ONLY)

    assert file_server.requests == ["/loop"] * (MAX_REDIRECTS + 1)


async def test_the_size_limit_stops_a_stream_that_announces_no_length(file_server):
    with pytest.raises(FileTooLarge) as too_large:
        await download(f"{file_server.base_url}/endless", 1024 * 1024, hosts=LOOPBACK_ONLY)

    assert 1024 * 1024 < too_large.value.size <= 1024 * 1024 + 65536
    await asyncio.sleep(0.2)
    # The bot hung up: the server could not write the 2,000 chunks it meant to.
    assert file_server.endless_chunks_sent < 2_000


def test_the_defaults_are_microsofts_file_hosts_over_https():
    hosts = FileHosts.from_settings(Settings(app_id="app", app_password="secret"))

    assert hosts.patterns == DEFAULT_ALLOWED_FILE_HOSTS
    assert hosts.allows("https://contoso-my.sharepoint.com/personal/a/download.aspx?x=1")
    assert hosts.allows("https://graph.microsoft.com/v1.0/drives/x/items/y/content")
    assert not hosts.allows("http://contoso-my.sharepoint.com/personal/a/download.aspx")
    assert not hosts.allows("https://sharepoint.com.evil.example/x")
    assert not hosts.allows("https://contoso.sharepoint.com@evil.example/x")
    assert not hosts.allows("https://127.0.0.1/x")


def test_the_file_hosts_setting_is_read_and_checked():
    settings = Settings.from_mapping({"ALLOWED_FILE_HOSTS": "*.SharePoint.com, files.example"})
    assert settings.allowed_file_hosts == ("*.sharepoint.com", "files.example")
    with pytest.raises(ValueError, match="ALLOWED_FILE_HOSTS"):
        Settings.from_mapping({"ALLOWED_FILE_HOSTS": "https://files.example/"})


# --- through the running bot -----------------------------------------------------------


async def test_a_file_link_off_the_list_gets_a_refusal_and_nothing_is_fetched(
    minutes_bot, connector, graph
):
    await add_meeting(minutes_bot, TODAY - timedelta(days=2))
    activity = file_message(connector, graph, "Protokoll.pdf", PDF)
    link = activity["attachments"][0]["content"]["downloadUrl"]
    activity["attachments"][0]["content"]["downloadUrl"] = link.replace("127.0.0.1", "localhost")

    status, _ = await minutes_bot.post(activity)

    assert status == 201
    (reply,) = await connector.wait_for_activities(1)
    assert reply.visible_text == edge_text("file_refused", "sv")
    assert not any(r.path.startswith("/download/") for r in graph.requests)
    assert graph.paths() == []


async def test_a_file_sent_outside_teams_gets_a_refusal_in_english(minutes_bot, connector, graph):
    await add_meeting(minutes_bot, TODAY - timedelta(days=2))
    activity = file_message(connector, graph, "Protokoll.pdf", PDF)
    activity.update(channelId="webchat", text="Here are the minutes", locale="en-US")

    status, _ = await minutes_bot.post(activity)

    assert status == 201
    (reply,) = await connector.wait_for_activities(1)
    assert reply.visible_text == edge_text("file_refused", "en")
    assert not any(r.path.startswith("/download/") for r in graph.requests)


async def test_a_shared_file_off_sharepoint_is_refused_without_asking_graph(
    minutes_bot, connector, graph
):
    await add_meeting(minutes_bot, TODAY - timedelta(days=2))
    activity = file_message(connector, graph, "p.pdf", PDF)
    activity["attachments"] = [
        {"contentType": "reference", "contentUrl": "https://evil.example/p.pdf", "name": "p.pdf"}
    ]
    requests_before = len(graph.requests)

    await minutes_bot.post(activity)

    (reply,) = await connector.wait_for_activities(1)
    assert reply.visible_text == edge_text("file_refused", "sv")
    assert graph.requests[requests_before:] == []
