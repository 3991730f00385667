"""The adapter is built from Settings for every app type, offline."""

from __future__ import annotations

import pytest
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity

from bot.adapter import create_adapter, on_turn_error
from bot.settings import Settings


@pytest.mark.parametrize(
    "environment",
    [
        {},
        {"MicrosoftAppId": "app", "MicrosoftAppPassword": "pw"},
        {
            "MicrosoftAppId": "app",
            "MicrosoftAppPassword": "pw",
            "MicrosoftAppType": "SingleTenant",
            "MicrosoftAppTenantId": "tenant",
        },
        {
            "MicrosoftAppId": "app",
            "MicrosoftAppType": "UserAssignedMSI",
            "MicrosoftAppTenantId": "tenant",
        },
    ],
    ids=["local", "MultiTenant", "SingleTenant", "UserAssignedMSI"],
)
async def test_every_valid_configuration_builds_an_adapter(environment):
    settings = Settings.from_env(environment, env_file=None)

    adapter = create_adapter(settings)

    assert isinstance(adapter, CloudAdapter)
    assert adapter.on_turn_error is on_turn_error
    # Without a token only local mode lets a request in.
    activity = Activity(type="message", channel_id="msteams", service_url="http://127.0.0.1/")
    if settings.local_mode:
        result = await adapter.bot_framework_authentication.authenticate_request(activity, "")
        assert result.claims_identity.is_authenticated
    else:
        with pytest.raises(PermissionError):
            await adapter.bot_framework_authentication.authenticate_request(activity, "")
