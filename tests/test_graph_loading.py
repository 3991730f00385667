"""msgraph-sdk is loaded when Graph is first needed, never on the way to the first answer.

Importing it and building the clients costs about 30 MiB and 0.3 s; a bot or command
without Graph credentials never loads it, a command with them loads it when it first
calls Graph, and a serving bot with them loads it in its warm-up thread after it has
started serving (`bot.graph_clients`), so `/healthz` and turns do not wait for it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.test_cli import APP

ROOT = str(Path(APP).parent)

# Runs `app.py ask …` as the command line does, then says whether msgraph was imported.
PROBE = f"""
import runpy, sys
sys.path.insert(0, {ROOT!r})
sys.argv = [{APP!r}, "ask", "--json", "vem är ordförande?"]
try:
    runpy.run_path({APP!r}, run_name="__main__")
except SystemExit as stop:
    assert not stop.code, stop.code
print("msgraph loaded" if "msgraph" in sys.modules else "msgraph not loaded")
"""

# Serves the bot with the loopback Graph while every import of msgraph is held back (on
# the event loop's thread it is only noted: holding it there would stop the bot), asks
# `/healthz` and sends minutes, then lets msgraph load and waits for the minutes to be
# filed. Prints what it saw as JSON.
SERVING_PROBE = f"""
import asyncio, json, sys, threading
from datetime import timedelta
sys.path.insert(0, {ROOT!r})

released = threading.Event()
on_the_event_loop = []

class HoldMsgraph:
    def find_spec(self, name, path=None, target=None):
        if name == "msgraph" and not released.is_set():
            if threading.current_thread() is threading.main_thread():
                on_the_event_loop.append(name)
            else:
                released.wait()
        return None

sys.meta_path.insert(0, HoldMsgraph())

from pathlib import Path
from bot.local_connector import LocalConnector
from storage.conversations import ConversationStore
from storage.database import Database
from tests.bot.conftest import running_bot
from tests.bot.teams_activities import CHANNEL_ID, TEAM_ID
from tests.bot.test_minutes_scenarios import (
    GROUP_ID, PDF, RECEIVED, TODAY, add_meeting, file_message, filed, minutes_settings,
    remember_group_id,
)
from tests.graph_fake import GraphFake, StaticCredential

async def bind_alfa(bot):
    database = Database(bot.settings.database_url)
    store = ConversationStore(database)
    await store.save_reference(
        {{"conversation": {{"id": CHANNEL_ID}}, "serviceUrl": "http://127.0.0.1:1"}},
        tenant_id=None, team_id=TEAM_ID, channel_id=CHANNEL_ID, kind="channel",
    )
    await store.set_binding(TEAM_ID, CHANNEL_ID, "natet", "alfa")
    await database.close()

async def main():
    seen = {{}}
    async with GraphFake() as graph, LocalConnector() as connector:
        graph.add_channel(GROUP_ID, CHANNEL_ID, name="Alfa")
        settings = minutes_settings(Path.cwd(), graph)
        async with running_bot(settings, StaticCredential()) as bot:
            async with bot.http.get(bot.base_url + "/healthz") as health:
                seen["healthz"] = health.status
            seen["msgraph at /healthz"] = "msgraph" in sys.modules
            await bind_alfa(bot)
            day = TODAY - timedelta(days=2)
            meeting_id = await add_meeting(bot, day)
            await remember_group_id(bot)
            status, _ = await bot.post(file_message(connector, graph, "Protokoll.pdf", PDF))
            (reply,) = await connector.wait_for_activities(1, timeout=30)
            seen["reply"] = status, reply.visible_text.startswith(RECEIVED)
            seen["msgraph at the reply"] = "msgraph" in sys.modules
            released.set()
            await filed(bot, meeting_id, timeout=60)
            path = f"Alfa/Protokoll/{{day.year}}/{{day.isoformat()}} Alfa protokoll.pdf"
            seen["filed"] = graph.file_at(path).content == PDF
    seen["msgraph imported on the event loop"] = bool(on_the_event_loop)
    print(json.dumps(seen))

asyncio.run(main())
"""


def _run(probe: str, workdir: Path, **graph: str) -> str:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("Microsoft", "GRAPH_"))
    }
    environment.pop("DATABASE_URL", None)
    environment.update(graph)
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=workdir, text=True, capture_output=True,
        env=environment, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_a_command_without_graph_credentials_does_not_load_msgraph(tmp_path: Path):
    assert _run(PROBE, tmp_path) == "msgraph not loaded"


def test_a_command_with_graph_credentials_that_does_not_call_graph_does_not_load_it(
    tmp_path: Path,
):
    configured = _run(
        PROBE,
        tmp_path,
        GRAPH_TENANT_ID="00000000-0000-4000-8000-000000000001",
        GRAPH_CLIENT_ID="00000000-0000-4000-8000-000000000002",
        GRAPH_CLIENT_SECRET="not-a-secret",
    )
    assert configured == "msgraph not loaded"


def test_a_bot_with_graph_answers_before_msgraph_is_loaded_and_files_minutes_after(
    tmp_path: Path,
):
    seen = json.loads(_run(SERVING_PROBE, tmp_path))

    assert seen == {
        "healthz": 200,
        "msgraph at /healthz": False,
        # The file is taken at once; filing it waits for Graph, it does not fail.
        "reply": [201, True],
        "msgraph at the reply": False,
        "filed": True,
        "msgraph imported on the event loop": False,
    }
