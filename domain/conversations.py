"""Teams conversations the bot keeps a reference to, and the channels bound to networks.

Plain data: `storage.conversations` keeps them; the Teams edge turns a reference (a
JSON dict) into Bot Framework objects. `reference_user_ids` and `personal_user` read
the user a reference names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.turns import ConversationKind


@dataclass(frozen=True)
class StoredReference:
    """A saved conversation reference with what the bot knows about its conversation."""

    conversation_id: str
    reference: dict[str, Any]
    tenant_id: str | None
    team_id: str | None
    channel_id: str | None
    kind: ConversationKind
    updated_at: datetime
    active: bool = True  # False once Teams said the bot is no longer there


@dataclass(frozen=True)
class ChannelBinding:
    """A stored binding: a team's channel (or with `channel_id` None, the whole team)."""

    team_id: str
    channel_id: str | None
    network_key: str
    group_key: str | None


@dataclass(frozen=True)
class PersonalUser:
    """The user of a personal chat as its reference names them."""

    entra_object_id: str  # lower-case: Teams' casing varies
    name: str


def personal_user(reference: dict[str, Any]) -> PersonalUser | None:
    """The user of a personal chat's reference; None when Teams gave no Entra object id."""
    user = reference.get("user")
    if not isinstance(user, dict):
        return None
    object_id = user.get("aadObjectId")
    if not isinstance(object_id, str) or not object_id:
        return None
    return PersonalUser(object_id.lower()[:64], str(user.get("name") or ""))


def reference_user_ids(reference: dict[str, Any]) -> set[str]:
    """The ids a reference gives its user: the Teams user id and the Entra object id."""
    user = reference.get("user") if isinstance(reference, dict) else None
    if not isinstance(user, dict):
        return set()
    ids = (user.get("id"), user.get("aadObjectId"), user.get("aad_object_id"))
    return {i for i in ids if isinstance(i, str) and i}
