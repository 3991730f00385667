"""Backing up and restoring a SQLite deployment: the database and the files in `DATA_DIR`.

A backup is one gzip-compressed tar file:

    manifest.json            what is inside: format, when, schema revision, row counts,
                             and for every member its size and SHA-256
    database.sqlite3         a consistent copy made with SQLite's online backup API, so the
                             bot may go on serving (and writing) while it is taken
    files/pending/<name>     the received minutes files waiting for SharePoint
    files/received/<name>    the fetched files waiting for their sender to pick a meeting

Only the files the copied database refers to are taken: a file is written before its row
exists and removed after its row is gone, so a file the copy needs can disappear only if
the upload finished after the copy was made; then the copy is made again.

`restore` writes the backup into a location that holds nothing yet (no database file, an
empty or missing `DATA_DIR`), checking every member against the manifest first, and points
the waiting files' rows at their new place. On PostgreSQL both refuse and say which
`pg_dump`/`pg_restore` commands to use instead (`postgres_commands`).
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from storage.database import MIGRATIONS_DIR
from storage.schema import PendingUploadRow, ReceivedFileRow

FORMAT = "samverkan-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = "database.sqlite3"
FILES_PREFIX = "files"
# Tables whose rows may keep their bytes in DATA_DIR (`data_path`) instead of the database.
FILE_TABLES = (PendingUploadRow.__tablename__, ReceivedFileRow.__tablename__)
COPY_ATTEMPTS = 5  # copies made again when a waiting file went away meanwhile
BUSY_TIMEOUT_MS = 30_000  # how long the copy waits for a writer's lock
ACTIONS = {"backup": "back it up", "restore": "restore it"}


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds (also what `restore` restored)."""

    path: Path
    revision: str | None
    rows: dict[str, int]
    files: int


def back_up(database_url: str, data_dir: Path | None, target: Path) -> BackupSummary:
    """Write a backup of the SQLite database at `database_url` and its waiting files to
    `target`, which must not exist yet. Safe while the bot runs."""
    source = sqlite_path(database_url, "backup")
    if not source.is_file():
        raise BackupError(f"there is no database at {source} (DATABASE_URL); nothing to back up")
    if target.exists():
        raise BackupError(f"{target} exists already; a backup never overwrites a file")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as scratch:
        work = Path(scratch)
        copy = work / DATABASE_MEMBER
        files = _consistent_copy(source, copy, work)
        revision, rows = _describe(copy)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "source": {"database": str(source), "data_dir": str(data_dir) if data_dir else None},
            "revision": revision,
            "rows": rows,
            "database": _member(copy, DATABASE_MEMBER),
            "files": [
                {**_member(work / name, name), "table": table, "id": row_id, "data_path": old}
                for name, table, row_id, old in files
            ],
        }
        partial = target.with_name(target.name + ".part")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
                archive.add(copy, DATABASE_MEMBER)
                for name, *_ in files:
                    archive.add(work / name, name)
            partial.replace(target)  # never a half-written file under the backup's name
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupSummary(target, revision, rows, len(files))


def restore(backup: Path, database_url: str, data_dir: Path | None) -> BackupSummary:
    """Restore `backup` into the database `database_url` names and `data_dir`, both of
    which must hold nothing yet. Every member is checked before anything is written."""
    target = sqlite_path(database_url, "restore")
    if not backup.is_file():
        raise BackupError(f"{backup} is not a file")
    taken = [p for p in (target, *_sqlite_companions(target)) if p.exists() and p.stat().st_size]
    if taken:
        raise BackupError(
            f"{taken[0]} exists and is not empty; restore only into a new location "
            "(set DATABASE_URL to a new file), so nothing is overwritten"
        )
    with _open_backup(backup) as archive:
        manifest = _read_manifest(archive, backup)
        migrations = ScriptDirectory(str(MIGRATIONS_DIR))
        known = {script.revision for script in migrations.walk_revisions()}
        if manifest["revision"] is not None and manifest["revision"] not in known:
            raise BackupError(
                f"{backup} is from a newer version of the bot (schema {manifest['revision']}); "
                "restore it with that version or a later one"
            )
        files = manifest["files"]
        if files and data_dir is None:
            raise BackupError(
                f"the backup holds {len(files)} waiting files; set DATA_DIR to an empty folder "
                "for them"
            )
        if data_dir is not None and data_dir.exists() and any(data_dir.iterdir()):
            raise BackupError(
                f"DATA_DIR {data_dir} is not empty; restore only into an empty folder"
            )
        contents = {
            entry["name"]: _checked_member(archive, entry, backup)
            for entry in (manifest["database"], *files)
        }
    target.parent.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    partial = target.with_name(target.name + ".restoring")
    try:
        partial.write_bytes(contents[manifest["database"]["name"]])
        written.append(partial)
        moved = {}
        for entry in files:
            assert data_dir is not None  # checked above
            place = data_dir.joinpath(*PurePosixPath(entry["name"]).parts[1:])
            place.parent.mkdir(parents=True, exist_ok=True)
            place.write_bytes(contents[entry["name"]])
            written.append(place)
            moved[(entry["table"], entry["id"])] = str(place)
        with closing(sqlite3.connect(partial)) as connection, connection:
            for (table, row_id), place in moved.items():
                connection.execute(
                    f"UPDATE {table} SET data_path = ? WHERE id = ?",  # noqa: S608 - our names
                    (place, row_id),
                )
        partial.replace(target)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return BackupSummary(target, manifest["revision"], manifest["rows"], len(files))


def sqlite_path(database_url: str, action: str) -> Path:
    """The SQLite file `database_url` names; on PostgreSQL a `BackupError` with the
    `pg_dump`/`pg_restore` commands to use instead."""
    try:
        url = make_url(database_url)
    except ArgumentError as err:
        raise BackupError(f"DATABASE_URL is not a database URL ({err})") from None
    if url.get_backend_name() == "postgresql":
        raise BackupError(
            f"DATABASE_URL is PostgreSQL: {ACTIONS[action]} with PostgreSQL's own tools "
            f"(or the server's point-in-time restore):\n{postgres_commands(database_url)}"
        )
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(f"{action} works on a SQLite file or PostgreSQL, not {database_url!r}")
    return Path(url.database)


def postgres_commands(database_url: str) -> str:
    """The commands that back up and restore the PostgreSQL database `database_url` names
    (the password is left to PGPASSWORD or ~/.pgpass)."""
    url = make_url(database_url)
    user = f"{url.username}@" if url.username else ""
    port = f":{url.port}" if url.port else ""
    ssl = "?sslmode=require" if url.query.get("ssl") or url.query.get("sslmode") else ""
    server = f"postgresql://{user}{url.host or 'localhost'}{port}"
    database = url.database or "samverkan"
    return (
        f'  pg_dump --format=custom --no-owner --file=samverkan.dump "{server}/{database}{ssl}"\n'
        f"  # restore into a new, empty database:\n"
        f'  createdb --maintenance-db="{server}/postgres{ssl}" samverkan_restored\n'
        f'  pg_restore --no-owner --exit-on-error --dbname="{server}/samverkan_restored{ssl}" '
        f"samverkan.dump"
    )


# --- the copy -----------------------------------------------------------------------------


def _consistent_copy(source: Path, copy: Path, work: Path) -> list[tuple[str, str, int, str]]:
    """Copy the database to `copy` and the files its rows name into `work/files/...`;
    returns (member name, table, row id, data_path) per file."""
    missing: list[str] = []
    for attempt in range(COPY_ATTEMPTS):
        copy.unlink(missing_ok=True)
        shutil.rmtree(work / FILES_PREFIX, ignore_errors=True)
        with closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)) as live:
            with closing(sqlite3.connect(copy)) as snapshot:
                live.backup(snapshot)
                # One self-contained file: no -wal beside it.
                snapshot.execute("PRAGMA journal_mode = DELETE")
                (check,) = snapshot.execute("PRAGMA integrity_check").fetchone()
                if check != "ok":
                    raise BackupError(f"the database at {source} is damaged: {check}")
                references = list(_file_references(snapshot))
        files, missing = [], []
        for table, row_id, data_path in references:
            original = Path(data_path)
            name = f"{FILES_PREFIX}/{original.parent.name}/{original.name}"
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copyfile(original, work / name)
            except FileNotFoundError:
                missing.append(data_path)
                continue
            files.append((name, table, row_id, data_path))
        if not missing:
            return files
        time.sleep(0.2 * (attempt + 1))  # an upload just finished: copy again
    raise BackupError(
        f"files the database refers to are missing from DATA_DIR: {', '.join(missing)}"
    )


def _file_references(connection: sqlite3.Connection) -> Iterator[tuple[str, int | str, str]]:
    present = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    for table in FILE_TABLES:
        if table in present:
            yield from connection.execute(
                f"SELECT '{table}', id, data_path FROM {table} "  # noqa: S608 - our names
                "WHERE data_path IS NOT NULL ORDER BY id"
            )


def _describe(copy: Path) -> tuple[str | None, dict[str, int]]:
    """The copy's schema revision and the number of rows in each table."""
    with closing(sqlite3.connect(copy)) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        rows = {
            table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in tables
        }
        revision = None
        if "alembic_version" in tables:
            found = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = found[0] if found else None
    rows.pop("alembic_version", None)
    return revision, rows


def _member(path: Path, name: str) -> dict[str, object]:
    content = path.read_bytes()
    return {"name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(time.time())
    archive.addfile(info, io.BytesIO(content))


# --- reading a backup ---------------------------------------------------------------------


@contextmanager
def _open_backup(backup: Path) -> Iterator[tarfile.TarFile]:
    try:
        archive = tarfile.open(backup, "r:gz")
    except (tarfile.TarError, OSError) as err:
        raise BackupError(f"{backup} is not a backup made by `app.py backup` ({err})") from None
    with archive:
        yield archive


def _read_manifest(archive: tarfile.TarFile, backup: Path) -> dict:
    try:
        manifest = json.loads(_read(archive, MANIFEST))
    except (KeyError, ValueError):
        raise BackupError(f"{backup} has no readable {MANIFEST}; it is not a backup") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{backup} is not a backup made by `app.py backup`")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"{backup} is a backup of format version {manifest.get('version')}; this version "
            f"reads {VERSION}"
        )
    for entry in manifest["files"]:
        parts = PurePosixPath(entry["name"]).parts
        if (
            len(parts) != 3
            or parts[0] != FILES_PREFIX
            or any(part in ("", ".", "..") for part in parts)
            or entry["table"] not in FILE_TABLES
        ):
            raise BackupError(f"{backup} names a file it may not restore: {entry['name']!r}")
    return manifest


def _checked_member(archive: tarfile.TarFile, entry: dict, backup: Path) -> bytes:
    try:
        content = _read(archive, entry["name"])
    except KeyError:
        raise BackupError(f"{backup} lacks {entry['name']}: the backup is incomplete") from None
    if len(content) != entry["size"] or hashlib.sha256(content).hexdigest() != entry["sha256"]:
        raise BackupError(f"{entry['name']} in {backup} is damaged (its checksum differs)")
    return content


def _read(archive: tarfile.TarFile, name: str) -> bytes:
    member = archive.getmember(name)  # KeyError if absent
    extracted = archive.extractfile(member) if member.isfile() else None
    if extracted is None:
        raise KeyError(name)
    return extracted.read()


def _sqlite_companions(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")
