"""Scenario: the audit log through the running bot, read at the loopback connector.

The shipped bestservice network, with the sender (Anna, by her Entra object id) as its
admin, is served from a copy of the data files; a member who is not an admin is refused.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from tests.bot.teams_activities import USER, channel_message
from tests.bot.test_meeting_scenarios import bind_channel

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "networks"


@pytest.fixture
def settings(settings, tmp_path):
    networks = tmp_path / "networks"
    networks.mkdir()
    shutil.copy(SHIPPED / "bestservice.yaml", networks)
    with (networks / "bestservice.yaml").open("a", encoding="utf-8") as data_file:
        data_file.write(f"\nadmins: [{USER['aadObjectId']}]\n")
    return dataclasses.replace(settings, networks_dir=networks)


async def test_an_admin_reads_the_log_and_a_member_is_refused(bot, connector):
    await bind_channel(bot, "bestservice", "logistik")
    member = {**USER, "id": "29:member-bo", "name": "Bo", "aadObjectId": "aad-member-bo"}

    await bot.post(channel_message(connector.service_url, "logg"))
    await bot.post(channel_message(connector.service_url, "logg", **{"from": member}))

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
