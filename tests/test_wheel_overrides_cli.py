"""`registry export`, `import` and `reload` with an annual-wheel entry changed by an admin:
the override is not written into the file, the export says so, and it outlives an import."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import yaml

from domain.wheel_overrides import WheelOverride
from storage.database import Database
from storage.wheel_overrides import WheelOverrideStore
from tests.test_cli import run_app, workdir  # noqa: F401 - the fixture


async def _override(url: str) -> None:
    database = Database(url)
    try:
        await WheelOverrideStore(database).save(
            WheelOverride("bestservice", "budget", months=(10,), day=15),
            actor="aad-admin",
            now=datetime.now(UTC),
            before={},
            after={},
        )
    finally:
        await database.close()


async def _stored(url: str) -> dict:
    database = Database(url)
    try:
        return await WheelOverrideStore(database).all()
    finally:
        await database.close()


def test_an_export_names_the_overrides_it_leaves_out_and_an_import_keeps_them(
    workdir,  # noqa: F811 - the fixture imported above
):
    assert run_app(workdir, "ask", "hej").returncode == 0  # creates and seeds the database
    url = f"sqlite+aiosqlite:///{workdir / 'samverkan.db'}"
    asyncio.run(_override(url))
    exported = workdir / "registry.yaml"

    result = run_app(workdir, "registry", "export", str(exported))

    assert result.returncode == 0, result.stderr
    assert (
        "note: 1 annual-wheel entries changed by admins are kept in the database, not in "
        f"{exported}: bestservice/budget" in result.stderr
    )
    document = yaml.safe_load(exported.read_text(encoding="utf-8"))
    bestservice = next(n for n in document["networks"] if n["key"] == "bestservice")
    budget = next(rule for rule in bestservice["wheel"] if rule["key"] == "budget")
    assert budget["rrule"] == "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=1"  # the file's rule

    assert run_app(workdir, "registry", "import", str(exported)).returncode == 0
    assert asyncio.run(_stored(url))["bestservice"]["budget"].day == 15
