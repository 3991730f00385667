"""Scenario: the audit log through the running bot, read at the loopback connector.

The shipped bestservice network, with the sender (Anna, by her Entra object id) as its
admin, is served from a copy of the data files; a member who is not an admin is refused.
"""

from __future__ import annotations

import dataclasses

import pytest

from tests.bot.conftest import shipped_networks
from tests.bot.teams_activities import MEMBER, channel_message
from tests.bot.test_meeting_scenarios import bind_channel

@pytest.fixture
def settings(settings, tmp_path):
    networks = shipped_networks(tmp_path, ["bestservice.yaml"])
    return dataclasses.replace(settings, networks_dir=networks)


async def test_an_admin_reads_the_log_and_a_member_is_refused(bot, connector):
    await bind_channel(bot, "bestservice", "logistik")
    await bot.post(channel_message(connector.service_url, "logg"))
    await bot.post(channel_message(connector.service_url, "logg", **{"from": MEMBER}))

    admin_reply, member_reply = await connector.wait_for_activities(2)
    admin_lines = admin_reply.visible_text.splitlines()
    assert admin_lines[0] == "**Senaste ändringarna i Best Service**"
    assert any(
        "Teams: kopplade en kanal" in line and "group: logistik" in line for line in admin_lines
    )
    assert any("boten: läste in registret" in line for line in admin_lines)
    assert member_reply.visible_text.startswith(
        "Tyvärr, ändringsloggen kan bara nätverkets administratörer se."
    )
