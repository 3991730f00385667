"""A private PostgreSQL cluster for the replica tests, which stop and restart it.

The machine's PostgreSQL serves every other test; stopping it would break them. This
one is initialised from the same binaries (`/usr/lib/postgresql/*/bin`) in a temporary
directory, listens on 127.0.0.1 on a free port (no Unix socket), trusts local
connections and skips fsync: it holds only what a test puts in it. As root (CI, the
development container) PostgreSQL refuses to run, so its commands run as `postgres`
through `runuser`.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

POSTGRES_BINARIES = "/usr/lib/postgresql"

# A password in every URL, although the cluster trusts everyone: the tests check that
# it never shows up in a log line.
PASSWORD = "replica-s3cret"


class ClusterUnavailable(RuntimeError):
    """No private cluster can be made here; the message says why."""


def find_binaries() -> Path:
    """The `bin` folder of the newest PostgreSQL installed; raises ClusterUnavailable."""
    candidates = sorted(
        (p for p in Path(POSTGRES_BINARIES).glob("*/bin") if (p / "initdb").is_file()),
        key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.name)] or [0],
    )
    if not candidates:
        raise ClusterUnavailable(f"no PostgreSQL server binaries under {POSTGRES_BINARIES}/*/bin")
    return candidates[-1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PrivateCluster:
    """One PostgreSQL server of our own: `start`, `stop` (fast: sessions are cut off)."""

    binaries: Path
    directory: Path
    port: int
    run_as: str | None  # the user PostgreSQL runs as (root may not), None: ourselves

    @classmethod
    def create(cls) -> PrivateCluster:
        """Initialise a cluster in a new temporary directory; raises ClusterUnavailable."""
        binaries = find_binaries()
        run_as = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise ClusterUnavailable("running as root and there is no postgres user") from None
            if shutil.which("runuser") is None:
                raise ClusterUnavailable("running as root and runuser is missing")
            run_as = "postgres"
        directory = Path(tempfile.mkdtemp(prefix="samverkan-replicas-pg-"))
        if run_as is not None:
            shutil.chown(directory, run_as)
        cluster = cls(binaries, directory, free_port(), run_as)
        try:
            cluster._run(
                "initdb", "-D", str(cluster.data), "-A", "trust", "-U", "postgres",
                "-E", "UTF8", "--no-sync",
            )  # fmt: skip
        except ClusterUnavailable:
            cluster.remove()
            raise
        return cluster

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def log_path(self) -> Path:
        return self.directory / "server.log"

    def url(self, database: str = "postgres") -> str:
        """An asyncpg URL of a database on this cluster (with the never-checked password)."""
        return f"postgresql+asyncpg://postgres:{PASSWORD}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        """Start the server and wait until it accepts connections.

        Prepared transactions are allowed (`hold_lock`): a lock one of them holds belongs
        to no session, so stopping the server does not release it before the sessions
        waiting for it are cut off, and it is still held after a restart.
        """
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_prepared_transactions=4"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-w", "-t", "60",
                  "-o", options, "start")

    def stop(self) -> None:
        """Stop the server now: open sessions are terminated, as in a restart or failover."""
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-m", "fast", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def remove(self) -> None:
        """Stop the server if it runs and delete the cluster's files."""
        if self.running():
            try:
                self.stop()
            except ClusterUnavailable:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.directory, ignore_errors=True)

    async def create_database(self) -> str:
        """A new empty database; returns its URL."""
        name = f"replicas_{uuid.uuid4().hex[:10]}"
        engine = create_async_engine(
            self.url(), isolation_level="AUTOCOMMIT", connect_args={"timeout": 10}
        )
        try:
            async with engine.connect() as connection:
                await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        finally:
            await engine.dispose()
        return make_url(self.url()).set(database=name).render_as_string(hide_password=False)

    async def hold_lock(self, database_url: str, statement: str, name: str) -> None:
        """Take a lock (`statement`, e.g. LOCK TABLE) in a prepared transaction `name`.

        The lock outlives every session and a restart: the server's shutdown cuts off the
        sessions waiting for it without ever granting it to them. `release_lock` ends it.
        """
        engine = create_async_engine(database_url, connect_args={"timeout": 10})
        try:
            async with engine.connect() as connection:
                await connection.exec_driver_sql(statement)
                await connection.exec_driver_sql(f"PREPARE TRANSACTION '{name}'")
                # PREPARE ended the session's transaction; this only tells SQLAlchemy so.
                await connection.rollback()
        finally:
            await engine.dispose()

    async def release_lock(self, database_url: str, name: str) -> None:
        """Roll back the prepared transaction `name` of `hold_lock`, freeing its lock."""
        engine = create_async_engine(
            database_url, isolation_level="AUTOCOMMIT", connect_args={"timeout": 10}
        )
        try:
            async with engine.connect() as connection:
                await connection.exec_driver_sql(f"ROLLBACK PREPARED '{name}'")
        finally:
            await engine.dispose()

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        command = [str(self.binaries / program), *args]
        if self.run_as is not None:
            command = ["runuser", "-u", self.run_as, "--", *command]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=90, cwd=self.directory
        )
        if check and result.returncode != 0:
            raise ClusterUnavailable(
                f"{program} failed ({result.returncode}): {result.stderr.strip()[-2000:]}"
            )
