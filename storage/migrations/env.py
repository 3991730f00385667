"""Alembic environment of the bot's database.

`storage.database.Database.migrate()` runs Alembic with an open connection in
`config.attributes["connection"]`. The `alembic` command line (see `storage.database`
for the commands) has none, so a connection is opened here from `-x url=...`,
`DATABASE_URL` or the default URL.
"""

from __future__ import annotations

import asyncio
import logging.config
import os

from alembic import context
from sqlalchemy import Connection, TypeDecorator
from sqlalchemy.ext.asyncio import create_async_engine

from storage.database import DEFAULT_DATABASE_URL
from storage.schema import Base


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    # Render our own column types as the SQL type they store, so that migrations
    # do not import application code that may change later.
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def _run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_from_url(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_migrations)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: give a database URL")

_connection = context.config.attributes.get("connection")
if _connection is not None:
    _run_migrations(_connection)
else:
    if context.config.config_file_name is not None:
        logging.config.fileConfig(context.config.config_file_name, disable_existing_loggers=False)
    _url = (
        context.get_x_argument(as_dictionary=True).get("url")
        or os.environ.get("DATABASE_URL")
        or DEFAULT_DATABASE_URL
    )
    asyncio.run(_run_from_url(_url))
