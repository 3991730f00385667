"""Pages go out gzipped when the client takes gzip, and as they are when it does not.

Real requests over loopback to the bot's web app (`create_web_app`, the wheel page among
its routes): the raw bytes on the wire are read without the client's own decompression.
"""

from __future__ import annotations

import gzip
from datetime import date

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.adapter import create_adapter
from bot.compression import accepts_gzip
from bot.http import create_web_app
from bot.settings import Settings
from bot.wheel_routes import wheel_routes
from views.wheel_page import WheelEntry, WheelPage

ENTRIES = [
    WheelEntry(date(2026, 11, 19), "Årsmöte", "Budgeten beslutas.", "Allmänt", kind="meeting"),
    WheelEntry(date(2027, 3, 5), "Datainsamling nyckeltal", "Underlag till benchmarking.", "FoU"),
]


async def load_page(network: str | None, language: str) -> WheelPage:
    return WheelPage("Best Service", date(2026, 11, 1), date(2026, 11, 24), ENTRIES, language)


@pytest.fixture
async def http(tmp_path):
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", port=0)
    app = create_web_app(
        settings=settings,
        adapter=create_adapter(settings),
        bot=None,
        extra_routes=wheel_routes(load_page),
    )
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    # No Accept-Encoding unless a test sends one, and the body exactly as it came.
    async with aiohttp.ClientSession(
        base_url=str(server.make_url("")),
        auto_decompress=False,
        skip_auto_headers=["Accept-Encoding"],
    ) as session:
        yield session
    await server.close()


async def test_the_page_is_gzipped_for_a_client_that_accepts_gzip(http):
    async with http.get("/wheel", headers={"Accept-Encoding": "gzip, deflate, br"}) as response:
        assert response.status == 200
        raw = await response.read()
        headers = response.headers
    assert headers["Content-Encoding"] == "gzip"
    assert headers.getall("Vary") == ["Accept-Encoding"]
    assert int(headers["Content-Length"]) == len(raw)
    html = gzip.decompress(raw).decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Datainsamling nyckeltal" in html
    assert len(raw) * 3 < len(html.encode()), (len(raw), len(html))


@pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0", "deflate"])
async def test_the_page_is_sent_as_it_is_to_a_client_that_does_not(http, accept):
    headers = {"Accept-Encoding": accept} if accept is not None else {}
    async with http.get("/wheel", headers=headers) as response:
        assert response.status == 200
        raw = await response.read()
        assert "Content-Encoding" not in response.headers
        assert response.headers["Vary"] == "Accept-Encoding"
    assert raw.decode("utf-8").startswith("<!DOCTYPE html>")


async def test_json_answers_are_left_alone(http):
    async with http.get("/healthz", headers={"Accept-Encoding": "gzip"}) as response:
        assert response.status == 200
        assert "Content-Encoding" not in response.headers
        assert await response.read() == b'{"status": "ok"}'


@pytest.mark.parametrize(
    ("header", "gzip_ok"),
    [("gzip", True), ("GZIP;q=0.5", True), ("x-gzip", True), ("deflate, br", False),
     ("gzip;q=0", False), ("gzip; q=0.0", False), ("*", True), ("*;q=0", False),
     ("br, gzip;q=0, *", False), ("identity, *;q=0.1", True), ("", False),
     ("gzip;q=nonsense", False)],
)  # fmt: skip
def test_accept_encoding_is_read_with_its_q_values(header, gzip_ok):
    assert accepts_gzip(header) is gzip_ok
