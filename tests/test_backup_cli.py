"""`app.py backup` and `app.py restore` as an operator runs them: against a bot that is
serving (a real `app.py serve` process, answering messages while the backup is taken),
then into a fresh directory, where the registry, the outbox, the stored conversations
and the files waiting for SharePoint must all be found again."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import sys
import tarfile
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from app import wiring
from bot.local_connector import LocalConnector
from bot.settings import Settings
from cli.main import build_parser
from storage.conversations import ConversationStore
from storage.database import Database
from storage.meetings import MeetingRepository
from storage.minutes import MinutesRepository
from storage.outbox import Outbox
from storage.registry_repository import RegistryRepository
from tests.bot.teams_activities import PERSONAL_CONVERSATION_ID, personal_message
from tests.conftest import sqlite_url, until
from tests.replicas.processes import APP, Replica

MINUTES = b"%PDF-1.7\n" + os.urandom(4096)  # what a secretary sent, waiting for SharePoint
RECEIVED = b"PK\x03\x04" + os.urandom(2048)  # a file waiting for its sender to pick a meeting


async def run_app(directory: Path, *arguments: str, **environment: str) -> tuple[int, str, str]:
    """`python app.py ARGUMENTS` in `directory`; (exit status, stdout, stderr)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
    env.update(environment)
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(APP), *arguments, cwd=directory, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, out.decode(), err.decode()


@pytest.fixture
async def serving(tmp_path: Path) -> AsyncIterator[tuple[Replica, str, Path]]:
    """A bot serving on SQLite with DATA_DIR (scheduler on): (process, database URL, DATA_DIR)."""
    url = sqlite_url(tmp_path / "live" / "samverkan.db")
    bot = Replica.spawn("live", database_url=url, workdir=tmp_path)
    try:
        async with aiohttp.ClientSession() as http:
            await bot.wait_ready(http)
        yield bot, url, tmp_path / "live" / "files"
    finally:
        bot.stop()


async def test_a_backup_of_a_serving_bot_restores_registry_outbox_and_waiting_files(
    serving: tuple[Replica, str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bot, live_url, live_files = serving
    live = Database(live_url)
    minutes = MinutesRepository(live, live_files)
    now = datetime.now(UTC)
    try:
        outbox = Outbox(live)
        # The scheduler's first tick plans the annual wheel's posts into the outbox.
        for _ in range(300):
            planned = await outbox.overview("bestservice", now - timedelta(days=800))
            if planned:
                break
            await asyncio.sleep(0.1)
        assert planned, f"the serving bot planned no posts:\n{bot.log_tail()}"
        (meeting, *_) = await MeetingRepository(live).meetings(
            "bestservice", now - timedelta(days=400), now + timedelta(days=400)
        )
        pending, _ = await minutes.add_pending(
            meeting_id=meeting.id, file_name="protokoll.pdf", target_path="Protokoll/x.pdf",
            content=MINUTES, sha256=hashlib.sha256(MINUTES).hexdigest(),
            uploaded_by="Anna Lindqvist", language="sv", reply_conversation_id=None, now=now,
        )  # fmt: skip
        received = await minutes.add_received(
            network_key="bestservice", group_key="logistik", file_name="protokoll.docx",
            content=RECEIVED, sha256=hashlib.sha256(RECEIVED).hexdigest(),
            sender_id="29:1aBcD-user-anna", sender_aad_object_id=None,
            sender_name="Anna Lindqvist", conversation_id=None, language="sv", now=now,
        )  # fmt: skip
        registry = await RegistryRepository(live).load()
        keys = {entry.key for entry in planned}

        async with LocalConnector() as connector, aiohttp.ClientSession() as http:

            async def talk() -> None:
                """Who-questions the whole time the backup runs: the bot writes meanwhile."""
                while True:
                    activity = personal_message(connector.service_url, "Vem bokar lokalen?")
                    async with http.post(f"{bot.base_url}/api/messages", json=activity) as answer:
                        assert answer.status in (200, 201)

            talking = asyncio.create_task(talk())
            await until(lambda: len(connector.activities) >= 1, timeout=30)
            status, out, err = await run_app(
                tmp_path, "backup", str(tmp_path / "samverkan-backup.tar.gz"),
                DATABASE_URL=live_url, DATA_DIR=str(live_files),
            )  # fmt: skip
            talking.cancel()
            answered_meanwhile = len(connector.activities)
        assert status == 0, err
        assert "2 waiting files" in out
        assert answered_meanwhile > 1  # the bot went on answering while it was backed up
    finally:
        await live.close()

    fresh = tmp_path / "fresh"
    fresh_url = sqlite_url(fresh / "samverkan.db")
    status, err = cli(
        capsys, "restore", str(tmp_path / "samverkan-backup.tar.gz"),
        DATABASE_URL=fresh_url, DATA_DIR=str(fresh / "files"),
    )  # fmt: skip
    assert status == 0, err

    restored = Database(fresh_url)
    try:
        await restored.migrate()  # what the bot does at start: already at head, a no-op
        assert await RegistryRepository(restored).load() == registry
        restored_keys = {e.key for e in await Outbox(restored).overview(
            "bestservice", now - timedelta(days=800))}  # fmt: skip
        assert keys <= restored_keys
        assert await ConversationStore(restored).get_reference(PERSONAL_CONVERSATION_ID)
        files = MinutesRepository(restored, fresh / "files")
        assert await files.content(pending.id) == MINUTES
        taken = await files.take_received(received.id, now=datetime.now(UTC))
        assert taken is not None and taken[1] == RECEIVED
        # The waiting files were copied into the new DATA_DIR, not read from the old one.
        assert sorted(p.read_bytes() for p in (fresh / "files").rglob("*") if p.is_file()) == (
            sorted([MINUTES, RECEIVED])
        )
    finally:
        await restored.close()


def cli(capsys: pytest.CaptureFixture[str], *argv: str, **environment: str) -> tuple[int, str]:
    """An `app.py` command run in this process with these settings: (status, stderr)."""
    args = build_parser().parse_args(argv)
    status = args.func(Settings.from_mapping(environment), args, wiring())
    return status, capsys.readouterr().err


@pytest.fixture
async def backup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A backup of a new, migrated SQLite database."""
    source = Database(sqlite_url(tmp_path / "source.db"))
    await source.migrate()
    await source.close()
    path = tmp_path / "backup.tar.gz"
    assert cli(capsys, "backup", str(path), DATABASE_URL=source.url)[0] == 0
    return path


def test_restore_refuses_a_location_that_holds_data_and_changes_nothing(
    backup: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "in-use.db"
    target.write_bytes(b"someone's database")
    status, err = cli(capsys, "restore", str(backup), DATABASE_URL=sqlite_url(target))
    assert status == 2
    assert "in-use.db exists and is not empty" in err
    assert target.read_bytes() == b"someone's database"

    data_dir = tmp_path / "files"
    data_dir.mkdir()
    (data_dir / "kept.pdf").write_bytes(b"kept")
    status, err = cli(
        capsys, "restore", str(backup),
        DATABASE_URL=sqlite_url(tmp_path / "new.db"), DATA_DIR=str(data_dir),
    )  # fmt: skip
    assert status == 2
    assert "is not empty" in err
    assert not (tmp_path / "new.db").exists()
    assert [p.name for p in data_dir.iterdir()] == ["kept.pdf"]

    # A backup is never written over an existing file.
    source = sqlite_url(tmp_path / "source.db")
    status, err = cli(capsys, "backup", str(backup), DATABASE_URL=source)
    assert status == 2 and "exists already" in err


def test_restore_refuses_a_damaged_or_foreign_file(
    backup: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with tarfile.open(backup) as archive:
        members = {m.name: archive.extractfile(m).read() for m in archive.getmembers()}

    def rewritten(name: str, change: Callable[[str, bytes], bytes]) -> Path:
        """The backup again, each member's bytes passed through `change`."""
        path = tmp_path / name
        with tarfile.open(path, "w:gz") as archive:
            for member, content in members.items():
                content = change(member, content)
                info = tarfile.TarInfo(member)
                info.size = len(content)
                archive.addfile(info, io.BytesIO(content))
        return path

    damaged = rewritten(
        "damaged.tar.gz",
        lambda name, content: content[:-1] + bytes([content[-1] ^ 1])
        if name == "database.sqlite3" else content,
    )  # fmt: skip
    newer = rewritten(
        "newer.tar.gz",
        lambda name, content: content.replace(b'"revision": "00', b'"revision": "99')
        if name == "manifest.json" else content,
    )  # fmt: skip
    foreign = tmp_path / "notes.txt"
    foreign.write_text("not a backup")

    for file, expected in (
        (damaged, "is damaged"),
        (foreign, "is not a backup"),
        (newer, "is from a newer version of the bot"),
    ):
        target = tmp_path / f"restored-{file.stem}.db"
        status, err = cli(capsys, "restore", str(file), DATABASE_URL=sqlite_url(target))
        assert status == 2 and expected in err, err
        assert not target.exists()


def test_backup_on_postgresql_names_the_pg_dump_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql+asyncpg://samverkan:secret@db.example.se:5432/samverkan?ssl=require"
    status, err = cli(capsys, "backup", str(tmp_path / "x.tar.gz"), DATABASE_URL=url)

    assert status == 2
    assert (
        "pg_dump --format=custom --no-owner --file=samverkan.dump "
        '"postgresql://samverkan@db.example.se:5432/samverkan?sslmode=require"'
    ) in err
    assert "pg_restore" in err and "secret" not in err
    assert not (tmp_path / "x.tar.gz").exists()
