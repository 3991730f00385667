"""Scheduled posts as plain data: what should appear in which channel (or personal chat),
and when.

The planners (standing-agenda reminders, annual-wheel deadlines, minutes chasers)
produce `PlannedPost` objects; the outbox (`storage.outbox`) stores each under its
deterministic `key` exactly once, and the delivery worker sends it to the channel's
stored conversation reference, or, for a post to one person (`Target.person`), to
their personal chat with the bot. Nothing here knows about Teams or SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Literal, Protocol

from domain.recurrence import local
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


PostKeyKind = Literal[
    "agenda", "wheel", "minutes-ask", "minutes-reminder", "minutes-notice", "minutes-admin"
]

# The occurrence of a meeting as keys name it: its local start to the minute.
_START_FORMAT = "%Y-%m-%dT%H:%M"
_PART = r"[^:]+"
_START = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"
_DAY = r"\d{4}-\d{2}-\d{2}"
_LEAD = r"(?P<lead_days>-?\d+)d"
_PERSON = r"(?::to:(?P<person>.+))?"
_PATTERNS: dict[PostKeyKind, re.Pattern[str]] = {
    "agenda": re.compile(
        rf"agenda:(?P<network>{_PART}):(?P<group>{_PART}):(?P<occurrence>{_START}):{_LEAD}{_PERSON}"
    ),
    "wheel": re.compile(
        rf"wheel:(?P<network>{_PART}):(?P<rule>{_PART}):(?P<occurrence>{_DAY}):{_LEAD}"
        rf":(?P<channel>{_PART}){_PERSON}"
    ),
    "minutes-ask": re.compile(
        rf"minutes-ask:(?P<network>{_PART}):(?P<group>{_PART}):(?P<occurrence>{_START}){_PERSON}"
    ),
    "minutes-reminder": re.compile(
        rf"minutes-reminder:(?P<network>{_PART}):(?P<group>{_PART}):(?P<occurrence>{_START})"
        rf":{_LEAD}{_PERSON}"
    ),
    "minutes-admin": re.compile(rf"minutes-admin:(?P<network>{_PART}):(?P<occurrence>{_DAY})"),
    "minutes-notice": re.compile(
        rf"minutes-(?P<state>[a-z]+):(?P<meeting_id>\d+):(?P<upload>{_PART})"
        r"(?P<to_sender>:to-sender)?"
    ),
}


@dataclass(frozen=True)
class PostKey:
    """The outbox key of a post: the one definition of every key format and prefix.

    A key is deterministic for what the post is about, its lead time and where it goes, so
    planning a post twice (two replicas, a restart) finds the stored row. Keys are stored:
    a format never changes, or rows already in the outbox would be planned again. Built by
    the named constructors, read back by `parse`, written by `str()`:

    - `agenda:{network}:{group}:{start}:{lead}d`: a standing-agenda reminder, `start`
      the meeting's local start to the minute (`2026-03-12T10:00`), `lead` the days before;
    - `wheel:{network}:{rule}:{nominal date}:{lead}d:{channel}`: an annual-wheel reminder;
    - `minutes-ask:{network}:{group}:{start}`: the request for a meeting's minutes;
    - `minutes-reminder:{network}:{group}:{start}:{days}d`: its chasers, days after;
    - `minutes-{state}:{meeting id}:{upload}[:to-sender]`: what became of a file sent;
    - `minutes-admin:{network}:{day}`: a filing problem for the admins, once a day;

    and any of the first four with `:to:{entra object id}` for one person's copy.
    """

    kind: PostKeyKind
    network: str = ""  # the network's key; "" only for a filing notice (its meeting names it)
    group: str | None = None  # agenda and minutes posts: the meeting's group
    rule: str | None = None  # wheel: the rule's key
    occurrence: str = ""  # a meeting's local start, a wheel date or a day, as the key has it
    lead_days: int | None = None  # agenda, wheel, minutes reminders
    channel: str | None = None  # wheel: the channel it goes to
    person: str | None = None  # a copy for one person: their Entra object id
    state: str | None = None  # a filing notice: filed, waiting, failed, refused
    meeting_id: int | None = None  # a filing notice
    upload: str | None = None  # a filing notice: `PendingUpload.key`
    to_sender: bool = False  # a filing notice's copy for its sender

    @classmethod
    def agenda(
        cls, network: str, group: str, starts_at: datetime, lead_days: int
    ) -> PostKey:
        """The reminder of a meeting's agenda, `lead_days` before it."""
        return cls("agenda", network, group, occurrence=_start(starts_at), lead_days=lead_days)

    @classmethod
    def wheel(
        cls, network: str, rule: str, nominal: date, lead_days: int, channel: str
    ) -> PostKey:
        """The reminder of an annual-wheel deadline (its `nominal` date, before any shift)
        in `channel`, `lead_days` before it."""
        return cls(
            "wheel", network, rule=rule, occurrence=nominal.isoformat(), lead_days=lead_days,
            channel=channel,
        )  # fmt: skip

    @classmethod
    def minutes_ask(cls, network: str, group: str, starts_at: datetime) -> PostKey:
        """The request for a meeting's minutes as it ends."""
        return cls("minutes-ask", network, group, occurrence=_start(starts_at))

    @classmethod
    def minutes_reminder(
        cls, network: str, group: str, starts_at: datetime, lead_days: int
    ) -> PostKey:
        """A chaser of a meeting's minutes, `lead_days` after the meeting."""
        return cls(
            "minutes-reminder", network, group, occurrence=_start(starts_at), lead_days=lead_days
        )

    @classmethod
    def minutes_notice(
        cls, state: str, meeting_id: int, upload: str | None, *, to_sender: bool = False
    ) -> PostKey:
        """What became of a file sent as a meeting's minutes (`state`), once per pending
        upload; `to_sender`: the copy to its sender's personal chat."""
        return cls(
            "minutes-notice", state=state, meeting_id=meeting_id, upload=f"{upload}",
            to_sender=to_sender,
        )  # fmt: skip

    @classmethod
    def minutes_admin(cls, network: str, day: date) -> PostKey:
        """A filing problem the network's admins must fix, at most once on `day`."""
        return cls("minutes-admin", network, occurrence=day.isoformat())

    @staticmethod
    def wheel_rule_prefix(network: str, rule: str) -> str:
        """What the keys of every reminder of one wheel rule start with (to withdraw them
        when an admin changes the rule)."""
        return f"wheel:{network}:{rule}:"

    @classmethod
    def parse(cls, text: str) -> PostKey:
        """The key `text` is, as `str()` wrote it; ValueError when it is none."""
        for kind, pattern in _PATTERNS.items():
            found = pattern.fullmatch(text)
            if found is None:
                continue
            parts = found.groupdict()
            lead, meeting_id = parts.get("lead_days"), parts.get("meeting_id")
            return cls(
                kind,
                network=parts.get("network") or "",
                group=parts.get("group"),
                rule=parts.get("rule"),
                occurrence=parts.get("occurrence") or "",
                lead_days=int(lead) if lead is not None else None,
                channel=parts.get("channel"),
                person=parts.get("person"),
                state=parts.get("state"),
                meeting_id=int(meeting_id) if meeting_id is not None else None,
                upload=parts.get("upload"),
                to_sender=bool(parts.get("to_sender")),
            )
        raise ValueError(f"not a post key: {text[:80]!r}")

    def to(self, person: str) -> PostKey:
        """This post's copy for one person (their Entra object id)."""
        return replace(self, person=person)

    def with_lead(self, lead_days: int) -> PostKey:
        """The same occurrence's reminder `lead_days` from it (the one superseding this)."""
        return replace(self, lead_days=lead_days)

    def __str__(self) -> str:
        if self.kind == "minutes-notice":
            text = f"minutes-{self.state}:{self.meeting_id}:{self.upload}"
            return text + (":to-sender" if self.to_sender else "")
        if self.kind == "agenda":
            text = f"agenda:{self.network}:{self.group}:{self.occurrence}:{self.lead_days}d"
        elif self.kind == "wheel":
            text = (
                f"wheel:{self.network}:{self.rule}:{self.occurrence}:{self.lead_days}d"
                f":{self.channel}"
            )
        elif self.kind == "minutes-reminder":
            text = (
                f"minutes-reminder:{self.network}:{self.group}:{self.occurrence}"
                f":{self.lead_days}d"
            )
        else:  # minutes-ask, minutes-admin
            place = f"{self.group}:" if self.group is not None else ""
            text = f"{self.kind}:{self.network}:{place}{self.occurrence}"
        return text + (f":to:{self.person}" if self.person is not None else "")


def _start(starts_at: datetime) -> str:
    return local(starts_at).strftime(_START_FORMAT)


@dataclass(frozen=True)
class PlannedPost:
    """One post to one channel at one time.

    `key` is deterministic for the occurrence, the lead time and the channel (`str()` of
    a `PostKey`, e.g. `agenda:bestservice:logistik:2026-03-12T10:00:7d`), so planning the
    same post twice, in two replicas or after a restart, finds the existing row instead of
    adding one.
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
    superseded_by: str | None = None  # `str()` of a `PostKey`


class Planner(Protocol):
    """Something that knows which posts are due by a given time."""

    async def planned_posts(self, until: datetime) -> list[PlannedPost]:
        """Every post due at or before `until` that is not yet stale, or stale within the
        look-back the planner keeps (so a long outage is recorded, not forgotten)."""
        ...
