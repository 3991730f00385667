"""Scheduled posts as plain data: what should appear in which channel (or personal chat),
and when.

The planners (standing-agenda reminders, annual-wheel deadlines, minutes chasers)
produce `PlannedPost` objects; the outbox (`storage.outbox`) stores each under its
deterministic `key` exactly once, and the delivery worker sends it to the channel's
stored conversation reference, or, for a post to one person (`Target.person`), to
their personal chat with the bot. Nothing here knows about Teams or SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, Protocol

from domain.registry import Language, Localized

GENERAL_CHANNEL = "general"  # the network team's General channel
# How the outbox records a post to a person that Teams will not deliver (`last_error`
# starts so): the app is not installed for them, or their chat is gone.
PERSONAL_CHAT_UNREACHABLE = "personal chat unreachable"

# What a scheduled post that named an erased person says instead, once sent or given up.
# The one user-facing sentence kept here rather than in `texts/`: storage writes it into
# the stored post inside the erasure's transaction (`storage.personal_data`), and storage
# sits below texts, so it may import only the domain.
CLEARED_POST = Localized(
    "[Inlägget rensat: det nämnde en person vars uppgifter har tagits bort.]",
    "[Post cleared: it named a person whose data has been erased.]",
)


@dataclass(frozen=True)
class Mention:
    """A person to @mention in a post: Teams needs their Entra object id."""

    name: str
    entra_object_id: str


@dataclass(frozen=True)
class Recipient:
    """One person a post goes to in their personal chat with the bot; Teams finds the
    chat (or the bot opens one) by their Entra object id."""

    name: str
    entra_object_id: str


@dataclass(frozen=True)
class Target:
    """Where a post goes: a channel of a network's team, or one person.

    `channel` is a group key (the group's channel), `GENERAL_CHANNEL`, or another channel
    key the network declares (e.g. the board's channel). With `person` the post goes to
    that person's personal chat instead; `channel` still says what it is about (the
    overview lists it there) and whose team's Teams service a new chat is opened through.
    """

    network_key: str
    channel: str
    person: Recipient | None = None


@dataclass(frozen=True)
class Countdown:
    """The days a post counts to (`until`: "om 3 dagar", "i dag") or from (`since`: "3
    dagar sedan mötet") `day`, as its text and card state it: `shown`, written for the
    local day the post is due.

    A post sent on another day (late, after downtime) has `shown` rewritten for the day it
    is sent (`dialogs.posts.as_sent`), so the count is true when it is read.
    """

    day: date
    shown: str
    style: Literal["until", "since"] = "until"


@dataclass(frozen=True)
class PlannedPost:
    """One post to one channel at one time.

    `key` is deterministic for the occurrence, the lead time and the channel (e.g.
    `agenda:bestservice:logistik:2026-03-12T10:00:7d`), so planning the same post twice,
    in two replicas or after a restart, finds the existing row instead of adding one.
    A post is sent from `due_at`; after `stale_after` it is no longer worth sending and is
    recorded as stale instead (shown in the overview, never posted late into the channel).
    A reminder with `superseded_by` (the key of the next, closer reminder of the same
    occurrence) goes stale because that one replaces it: it is recorded as superseded.
    """

    key: str
    target: Target
    due_at: datetime  # timezone-aware
    stale_after: datetime  # timezone-aware, >= due_at
    language: Language
    text: str  # the notification summary and the text for clients without cards
    card: dict[str, Any] | None = None
    mentions: tuple[Mention, ...] = ()
    kind: str = ""  # what planned it: "agenda", "wheel", "minutes", …
    countdown: Countdown | None = None
    superseded_by: str | None = None


class Planner(Protocol):
    """Something that knows which posts are due by a given time."""

    async def planned_posts(self, until: datetime) -> list[PlannedPost]:
        """Every post due at or before `until` that is not yet stale, or stale within the
        look-back the planner keeps (so a long outage is recorded, not forgotten)."""
        ...
