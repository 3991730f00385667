"""What a user said and what the bot answers, as plain data.

The Teams edge (`bot/`) turns an activity into a `Turn`, the conversation logic in
`dialogs/` answers with `Reply` objects, and the edge turns those into activities.
The command line (`app.py ask`, `app.py chat`) uses the same types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from domain.registry import Assignment, Language

ConversationKind = Literal["personal", "channel", "groupChat"]


@dataclass(frozen=True)
class Turn:
    """One message to the bot, stripped of Teams types and of @mentions."""

    text: str
    kind: ConversationKind = "personal"
    network_key: str | None = None  # known from the channel's binding; None: the default
    group_key: str | None = None  # known from the channel's binding
    user_name: str | None = None
    locale: str | None = None  # the client's locale: a hint, the text decides
    user_id: str | None = None  # the channel's id of the sender (Teams: "29:…")
    user_aad_object_id: str | None = None  # the sender's Entra object id, when Teams gives it
    # A card submit's data when it names an `action` (add an agenda point, move a meeting).
    value: dict[str, Any] | None = None
    team_id: str | None = None  # the team of a channel message (Teams: "19:…@thread.tacv2")
    conversation_id: str | None = None  # where it was said (a personal chat: "a:…")

    @property
    def sender_id(self) -> str | None:
        """The Entra object id when Teams gave one (as admins are configured), else user_id."""
        return self.user_aad_object_id or self.user_id


@dataclass(frozen=True)
class ContactAnswer:
    """The structured result of a "who do I contact?" question.

    `roles` are the matched role keys, best first, and empty when the bot abstains.
    `holders` are the current holders of the first role in the group (or network)
    the answer is about; `deputies` likewise.
    """

    roles: tuple[str, ...]
    network_key: str
    group_key: str | None
    holders: tuple[Assignment, ...] = ()
    deputies: tuple[Assignment, ...] = ()


@dataclass(frozen=True)
class Reply:
    """One message from the bot: text always, an adaptive card where one helps."""

    text: str
    language: Language
    card: dict[str, Any] | None = None
    contact: ContactAnswer | None = None
    suggestions: tuple[str, ...] = field(default=())  # questions the user could ask next
