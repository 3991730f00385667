"""What a serving bot does not keep in memory: modules only migrations, commands or rare
pages need (bench/README.md, "Memory: what grows, and where it stops").

A bot is started as `app.py serve` starts it, on a new SQLite file (so it migrates and
seeds, as a first start does), and asked `/healthz`; then the modules it loaded are
listed. Alembic and Mako (and pygments, which Mako loads where it is installed) run in a
forked child that migrates (`storage.database.Database.migrate`); icalendar is loaded by
the first calendar feed, markdown by the privacy page, tarfile by `backup`/`restore`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from storage.database import MIGRATIONS_DIR
from tests.test_cli import APP

NOT_SERVING = ("alembic", "mako", "pygments", "icalendar", "markdown", "tarfile")

PROBE = f"""
import asyncio, json, sys
sys.path.insert(0, {str(Path(APP).parent)!r})
from aiohttp.test_utils import TestClient, TestServer
from app import serving_app
from bot.settings import Settings

async def main():
    settings = Settings.from_env()
    client = TestClient(TestServer(await serving_app(settings)))
    await client.start_server()
    try:
        health = await client.get("/healthz")
        assert health.status == 200, health.status
    finally:
        await client.close()

asyncio.run(main())
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}})))
"""


def test_a_serving_bot_migrates_without_keeping_alembic(tmp_path: Path):
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("Microsoft", "GRAPH_"))
    }
    environment.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        DATA_DIR=str(tmp_path / "files"),
        LOG_LEVEL="WARNING",
    )
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=tmp_path, text=True, capture_output=True,
        env=environment, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))

    assert loaded & set(NOT_SERVING) == set()
    # The child did migrate: the schema is at the newest revision.
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with sqlite3.connect(tmp_path / "bot.db") as database:
        (revision,) = database.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == ScriptDirectory.from_config(config).get_current_head()
