"""Opening and migrating the database; what happens when it is not there."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from domain.registry import RoleRegistry
from storage.database import Database, DatabaseUnavailable
from storage.registry_repository import RegistryRepository
from storage.schema import Base
from tests.storage.registries import SAMPLE_NETWORK

REPOSITORY = Path(__file__).resolve().parents[2]


async def schema_differences(database: Database) -> list[object]:
    """What Alembic would change to make the database match `storage.schema`."""
    async with database.snapshot() as session:
        return await session.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync.connection()), Base.metadata
            )
        )


async def test_the_migrated_database_matches_the_models(database: Database) -> None:
    assert await schema_differences(database) == []


async def test_migrating_again_keeps_the_data(database: Database) -> None:
    await RegistryRepository(database).replace_networks([SAMPLE_NETWORK])

    await database.migrate()

    assert await RegistryRepository(database).load() == RoleRegistry((SAMPLE_NETWORK,))


async def test_a_new_sqlite_file_is_created_and_migrated(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'new.db'}")
    try:
        await database.migrate()
        await RegistryRepository(database).replace_networks([SAMPLE_NETWORK])
        assert await RegistryRepository(database).load() == RoleRegistry((SAMPLE_NETWORK,))
    finally:
        await database.close()


async def test_sqlite_connections_enforce_foreign_keys_and_wait_for_writers(
    sqlite_database: Database,
) -> None:
    async with sqlite_database.snapshot() as session:
        settings = [
            (await session.execute(text(f"PRAGMA {name}"))).scalar()
            for name in ("foreign_keys", "journal_mode", "busy_timeout")
        ]
    assert settings == [1, "wal", 5000]


async def migrate_in_processes(url: str, count: int) -> list[str]:
    """Start `count` processes that migrate `url` at the same moment; their error output."""
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "import asyncio, sys; from storage.database import Database; "
            "asyncio.run(Database(sys.argv[1]).migrate())",
            url,
            cwd=REPOSITORY,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(count)
    ]
    # A generous guard: a migration that waits for a lock forever must fail, not hang.
    outputs = await asyncio.wait_for(
        asyncio.gather(*(process.communicate() for process in processes)), timeout=60
    )
    return [
        stderr.decode() if process.returncode else ""
        for process, (_, stderr) in zip(processes, outputs, strict=True)
    ]


@pytest.mark.postgres
async def test_two_replicas_starting_at_once_both_migrate(empty_postgres_url: str) -> None:
    assert await migrate_in_processes(empty_postgres_url, 2) == ["", ""]

    database = Database(empty_postgres_url)
    try:
        assert await schema_differences(database) == []
    finally:
        await database.close()


async def test_two_processes_on_one_sqlite_file_both_migrate(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"

    assert await migrate_in_processes(url, 2) == ["", ""]

    database = Database(url)
    try:
        assert await schema_differences(database) == []
    finally:
        await database.close()


async def test_an_unreachable_server_is_reported_without_the_password() -> None:
    database = Database("postgresql+asyncpg://postgres:s3cret@127.0.0.1:1/samverkan")

    with pytest.raises(DatabaseUnavailable) as error:
        await database.migrate()

    message = str(error.value)
    assert message.startswith(
        "cannot use database postgresql+asyncpg://postgres:***@127.0.0.1:1/samverkan: "
    )
    assert "ConnectionRefusedError" in message
    assert "s3cret" not in message
    await database.close()


async def test_an_unopenable_sqlite_file_is_reported(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'missing-folder' / 'x.db'}")
    threads = set(threading.enumerate())

    with pytest.raises(DatabaseUnavailable, match="unable to open database file"):
        await database.migrate()
    await database.close()

    # No aiosqlite worker thread left to report to this test's loop after it closed
    # ("RuntimeError: Event loop is closed" in a later test).
    assert set(threading.enumerate()) - threads == set()


@pytest.mark.parametrize(
    "url", ["mysql+aiomysql://bot@db/samverkan", "sqlite:///x.db", "samverkan.db"]
)
def test_an_unsupported_url_is_refused_at_once(url: str) -> None:
    with pytest.raises(DatabaseUnavailable, match="URL"):
        Database(url)


def test_the_documented_alembic_commands_find_no_missing_migration(tmp_path: Path) -> None:
    """The commands in `storage.database`'s docstring work, and the models need no new migration."""
    alembic = [
        str(Path(sys.executable).parent / "alembic"),
        "-c",
        "storage/migrations/alembic.ini",
        "-x",
        f"url=sqlite+aiosqlite:///{tmp_path / 'scratch.db'}",
    ]
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    for command in (["upgrade", "head"], ["check"]):
        result = subprocess.run(
            alembic + command, cwd=REPOSITORY, env=environment, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
    assert "No new upgrade operations detected" in result.stdout + result.stderr


async def test_ping_answers_on_a_working_database_and_raises_on_an_unreachable_one(
    sqlite_database: Database,
) -> None:
    await sqlite_database.ping()

    unreachable = Database("postgresql+asyncpg://postgres:s3cret@127.0.0.1:1/samverkan")
    with pytest.raises(DatabaseUnavailable, match="ConnectionRefusedError") as error:
        await unreachable.ping()
    assert "s3cret" not in str(error.value)
    await unreachable.close()


async def test_a_migration_failing_in_its_child_process_is_raised_here(tmp_path: Path) -> None:
    # Alembic runs in a forked child (`Database.migrate`): its error, with the child's
    # traceback, reaches the caller.
    url = f"sqlite+aiosqlite:///{tmp_path / 'ahead.db'}"
    written = Database(url)
    try:
        await written.migrate()
        async with written.transaction() as session:
            await session.execute(text("UPDATE alembic_version SET version_num = 'from_later'"))
    finally:
        await written.close()  # closed: the next migration runs in a child
    database = Database(url)
    try:
        with pytest.raises(RuntimeError, match="Can't locate revision identified by 'from_later'"):
            await database.migrate()
    finally:
        await database.close()


async def test_a_sqlite_file_this_process_has_open_is_migrated_here(tmp_path: Path) -> None:
    # A fork would copy SQLite's record of this process's locks into the child, where it
    # is wrong ("database is locked"): the file is migrated in this process instead.
    url = f"sqlite+aiosqlite:///{tmp_path / 'open.db'}"
    holder, other = Database(url), Database(url)
    try:
        assert not holder._open_in_this_process()  # a new file: the child migrates it
        await holder.migrate()
        async with holder.transaction() as session:  # a pooled connection stays open
            await session.execute(text("SELECT 1"))
        assert other._open_in_this_process()
        await other.migrate()
        assert await schema_differences(other) == []
    finally:
        await holder.close()
        await other.close()
