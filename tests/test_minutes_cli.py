"""`app.py minutes status|upload` as an operator runs them, against a loopback Graph."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from app import wiring
from bot.settings import Settings
from cli.commands import _minutes_command
from cli.main import build_parser
from domain.meetings import MeetingDraft
from domain.recurrence import STOCKHOLM
from storage.database import Database
from storage.meetings import MeetingRepository
from storage.minutes import MinutesRepository
from tests.graph_fake import GraphFake, StaticCredential
from tests.scheduler.planned import LOGISTIK, TEAM, bind_team

REPO = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.7 protokoll"
GROUP_ID = "0d9b1c2e-3f4a-4b5c-8d6e-7f8a9b0c1d2e"  # the team's Microsoft 365 group id
# A week ago: `minutes status` looks at the recent past of the real clock.
DAY = date.today() - timedelta(days=7)


@pytest.fixture
async def graph() -> AsyncIterator[GraphFake]:
    async with GraphFake() as fake:
        fake.add_channel(GROUP_ID, LOGISTIK, name="Logistik")
        yield fake


def settings_for(workdir: Path, graph: GraphFake) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{workdir / 'bot.db'}",
        graph_tenant_id="tenant",
        graph_client_id="client",
        graph_client_secret="secret",
        graph_base_url=graph.base_url,
    )


async def run_minutes(workdir: Path, graph: GraphFake, capsys, *args: str) -> tuple[int, str]:
    """`app.py minutes ...` in this process, signed in to the fake Graph."""
    code = await _minutes_command(
        settings_for(workdir, graph),
        build_parser().parse_args(["minutes", *args]),
        wiring(),
        graph_credential=StaticCredential(),
    )
    return code, capsys.readouterr().out


async def bot_with_a_meeting(workdir: Path, graph: GraphFake, capsys) -> None:
    """The bot's database in `workdir`, migrated and seeded by a first command, with the
    team bound, its Logistik channel's files folder known and a past meeting of Logistik."""
    assert (await run_minutes(workdir, graph, capsys, "status"))[0] == 0  # migrate and seed
    database = Database(f"sqlite+aiosqlite:///{workdir / 'bot.db'}")
    try:
        await bind_team(database, "http://127.0.0.1:1")
        await MinutesRepository(database).remember_team(TEAM, GROUP_ID, datetime.now(UTC))
        await seed_meeting(database)
    finally:
        # Closed on this test's loop: a pooled connection left open would be closed by the
        # garbage collector later, reporting to a loop that is gone by then.
        await database.close()


async def test_uploading_from_the_command_line_files_the_minutes_and_status_shows_them(
    tmp_path, graph, capsys
):
    await bot_with_a_meeting(tmp_path, graph, capsys)
    (tmp_path / "Protokoll mars.pdf").write_bytes(PDF)

    code, out = await run_minutes(
        tmp_path, graph, capsys, "upload", "--group", "logistik", "--meeting", DAY.isoformat(),
        str(tmp_path / "Protokoll mars.pdf"),
    )  # fmt: skip

    assert code == 0, out
    assert "filed" in out
    name = f"{DAY.isoformat()} Logistik protokoll.pdf"
    assert graph.file_at(f"Logistik/Protokoll/{DAY.year}/{name}").content == PDF

    code, out = await run_minutes(
        tmp_path, graph, capsys, "status", "--group", "logistik", "--json"
    )
    rows = [json.loads(line) for line in out.splitlines()]
    filed = [row for row in rows if row["date"] == DAY.isoformat()]
    assert filed[0]["state"] == "filed" and filed[0]["path"].endswith(name)


async def test_a_filed_meeting_is_refused_without_replace_and_versioned_with_it(
    tmp_path, graph, capsys
):
    await bot_with_a_meeting(tmp_path, graph, capsys)
    first, corrected = tmp_path / "Protokoll.pdf", tmp_path / "Protokoll rättat.pdf"
    first.write_bytes(PDF)
    corrected.write_bytes(PDF + b" rattat")
    upload = ["upload", "--group", "logistik", "--meeting", DAY.isoformat()]
    assert (await run_minutes(tmp_path, graph, capsys, *upload, str(first)))[0] == 0
    name = f"Logistik/Protokoll/{DAY.year}/{DAY.isoformat()} Logistik protokoll.pdf"

    # Without --replace: refused like in chat, nothing uploaded, the record untouched.
    code = await _minutes_command(
        settings_for(tmp_path, graph),
        build_parser().parse_args(["minutes", *upload, str(corrected)]),
        wiring(),
        graph_credential=StaticCredential(),
    )
    refusal = capsys.readouterr().err
    assert code == 4
    assert "already filed" in refusal and "--replace" in refusal
    assert graph.file_at(name).versions == [PDF]

    # With --replace: a new version of the same file, never a "(2)" copy.
    code, out = await run_minutes(tmp_path, graph, capsys, *upload, "--replace", str(corrected))

    assert code == 0, out
    assert "version 2.0" in out
    assert graph.paths() == [name]
    assert graph.file_at(name).versions == [PDF, PDF + b" rattat"]
    code, out = await run_minutes(tmp_path, graph, capsys, "status", "--group", "logistik",
                                  "--json")  # fmt: skip
    (row,) = [json.loads(line) for line in out.splitlines()
              if json.loads(line)["date"] == DAY.isoformat()]  # fmt: skip
    assert (row["state"], row["size"], row["version"]) == ("filed", len(PDF) + 7, "2.0")


def test_a_file_of_a_type_not_allowed_is_refused_by_the_real_process(tmp_path):
    (tmp_path / "notes.exe").write_bytes(b"MZ")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
    environment["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    asyncio.run(seed_meeting_in(environment["DATABASE_URL"]))

    result = subprocess.run(
        [sys.executable, str(REPO / "app.py"), "minutes", "upload", "--group", "logistik",
         "--meeting", DAY.isoformat(), "notes.exe"],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert result.returncode == 2
    assert "Files of type .exe are not accepted as minutes" in result.stderr


async def seed_meeting_in(url: str) -> None:
    """`seed_meeting` through a database opened and closed on the running loop."""
    database = Database(url)
    try:
        await seed_meeting(database)
    finally:
        await database.close()


async def seed_meeting(database: Database) -> None:
    await database.migrate()
    await MeetingRepository(database).add(
        MeetingDraft(
            "bestservice",
            "logistik",
            "arbetsmote",
            datetime.combine(DAY, time(9), STOCKHOLM),
            datetime.combine(DAY, time(11), STOCKHOLM),
        ),
        by=None,
        now=datetime.now(UTC),
    )
    await database.close()
