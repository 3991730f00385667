"""The audit log's retention: `AUDIT_RETENTION_DAYS` applies every time the bot (or a CLI
command) opens its services, and removes the old entries only."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from app import open_services
from bot.settings import Settings
from storage.meetings import MeetingDraft


async def test_opening_the_services_purges_entries_older_than_the_retention(tmp_path):
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", scheduler_interval_seconds=0
    )
    now = datetime.now(UTC)
    async with open_services(settings) as services:
        for days_ago in (40, 20):
            start = now + timedelta(days=1)
            draft = MeetingDraft(
                "bestservice", "logistik", "expertgruppsmote", start, start + timedelta(hours=1)
            )
            await services.meetings.add(
                draft, by=f"aad-{days_ago}", now=now - timedelta(days=days_ago)
            )
        assert {e.actor for e in await services.audit_log.entries()} >= {"aad-40", "aad-20"}

    async with open_services(replace(settings, audit_retention_days=30)) as services:
        actors = {e.actor for e in await services.audit_log.entries()}

    assert "aad-20" in actors and "aad-40" not in actors
    assert "system" in actors  # the seeding at first start, moments ago
