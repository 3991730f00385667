"""The Bot Framework adapter, built from `Settings`, and the one turn error handler.

`create_adapter` is the only place that turns our settings into Bot Framework
configuration. The error handler is the single place where a failed turn is logged
and explained to the user.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from types import SimpleNamespace

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity, ActivityTypes

from bot.cards import edge_text, text_activity
from bot.settings import Settings
from bot.teams_bot import turn_language

logger = logging.getLogger(__name__)


def sdk_configuration(settings: Settings) -> SimpleNamespace:
    """The configuration object `ConfigurationBotFrameworkAuthentication` reads attributes from."""
    return SimpleNamespace(
        APP_ID=settings.app_id,
        APP_PASSWORD=settings.app_password,
        APP_TYPE=settings.app_type,
        APP_TENANTID=settings.app_tenant_id,
    )


def create_adapter(settings: Settings) -> CloudAdapter:
    """A `CloudAdapter` authenticating as the configured app (or anonymously in local mode)."""
    authentication = ConfigurationBotFrameworkAuthentication(
        sdk_configuration(settings), logger=logging.getLogger("botframework")
    )
    adapter = CloudAdapter(authentication)
    adapter.on_turn_error = on_turn_error
    return adapter


async def on_turn_error(context: TurnContext, error: Exception) -> None:
    """Log a failed turn and tell the user, in their language, that it failed.

    The log names the activity (its id is the correlation id) and the error, never the
    message text. Invokes get an invoke response of 500 instead of a chat message,
    because the client is waiting for that response, not for a message.
    """
    activity = context.activity
    conversation = activity.conversation
    logger.error(
        "turn failed",
        exc_info=error,
        extra={
            "activity_id": activity.id,
            "activity_type": activity.type,
            "channel": activity.channel_id,
            "conversation_type": conversation.conversation_type if conversation else None,
            "error": type(error).__name__,
        },
    )
    try:
        if activity.type == ActivityTypes.invoke:
            await context.send_activity(
                Activity(
                    type=ActivityTypes.invoke_response,
                    value=InvokeResponse(status=int(HTTPStatus.INTERNAL_SERVER_ERROR)),
                )
            )
        elif activity.type == ActivityTypes.message:
            language = turn_language(activity)
            await context.send_activity(text_activity(edge_text("apology", language)))
    except Exception as apology_error:  # noqa: BLE001 - the handler must not raise in turn
        # Usually the connector itself is down; the first log line already has the cause.
        logger.error(
            "could not send the apology",
            extra={"activity_id": activity.id, "error": type(apology_error).__name__},
        )
