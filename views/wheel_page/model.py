"""What the annual-wheel page shows, as plain data: the page and its dates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from domain.registry import Language

EntryKind = Literal["deadline", "meeting", "check"]
Theme = Literal["default", "dark", "contrast"]

KINDS: tuple[EntryKind, ...] = ("deadline", "meeting", "check")
THEMES: tuple[Theme, ...] = ("default", "dark", "contrast")
# The networks' data gives places as one free text, written in Swedish: on an English
# page it is marked `lang="sv"` so that a screen reader pronounces it as Swedish.
PLACE_LANGUAGE: Language = "sv"


@dataclass(frozen=True)
class WheelEntry:
    """One date on the wheel: a deadline, a meeting or a checkpoint.

    `title` is short (it is also shown in the ring's centre when it is next); `detail`
    says more. `channel_name` is the Teams channel the wheel posts it to and
    `role_title` the responsible role, both already in the page's language. `late` marks
    something that is due or past and not done: it is flagged wherever it is shown.
    `place` is where a meeting is held, as the data writes it: free text in
    `PLACE_LANGUAGE`, marked as such on a page in another language.
    """

    when: date
    title: str
    detail: str = ""
    channel_name: str = ""
    role_title: str | None = None
    kind: EntryKind = "deadline"
    late: bool = False
    place: str = ""


@dataclass(frozen=True)
class WheelPage:
    """What the page shows: a network's wheel for the twelve months from `year_start`.

    Only the month of `year_start` counts (the wheel starts on its first day). Entries in
    the twelve months are placed on the ring; earlier ones that are `late` are listed
    above the months as still overdue; any other entry outside the window is not shown.
    """

    network_name: str
    year_start: date
    today: date
    entries: Sequence[WheelEntry]
    language: Language = "sv"
    # The calendar feed's subscription address as the "Subscribe in Outlook" link opens
    # it (webcal://), shown only when the page was opened with that link's token (it is
    # no public address).
    subscribe_url: str | None = None
    # Whether the chat hands out subscription links at all (calendar links enabled and a
    # public address to put in them): only then does the page say how to get one.
    subscriptions_enabled: bool = False
