"""The calendar feed: a network's (or group's) meetings and wheel deadlines as iCalendar.

`render_feed` writes an RFC 5545 calendar (with the `icalendar` package) that Outlook
and other calendars subscribe to: each meeting a timed event in Europe/Stockholm (with
its VTIMEZONE) with the place or online link and the agenda, each annual-wheel deadline
or failed check an all-day event with what is due and the responsible role. A UID is
made from what does not change when the thing moves (the meeting's id, the deadline's
key), so a calendar that reads the feed again updates its copy instead of adding one; a
moved meeting raises its SEQUENCE, a cancelled one stays in the feed as
STATUS:CANCELLED until it is `DAYS_BACK` days old, so subscribed calendars drop it.

Subscription links (`CalendarLinks`): `/calendar/<token>.ics`, one live token per
network or group. The token is 256 bits derived with HMAC-SHA256 from a key kept
outside the database (`CALENDAR_LINK_KEY`) and the link's generation; only its SHA-256
is stored (`storage.calendar_tokens`). So the bot can show the same link again (in the
wheel card, on the command line) without keeping it, a copy of the database opens no
calendar, revoking a link makes the next one a new token, and changing the key revokes
every link at once.

Nothing in the feed names a person: it is served to whoever holds the link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit


from domain.agenda import compose_agenda
from domain.calendar_tokens import CalendarScope
from domain.meetings import AgendaItem
from domain.ports import CalendarTokenPort
from domain.recurrence import STOCKHOLM, local
from domain.registry import Language, Network
from services.registry_snapshots import RegistrySnapshots
from services.schedule import DueItem, Schedule
from texts import calendar_feed as cft
from texts import meetings as mt
from views.meetings import meeting_when

if TYPE_CHECKING:
    from icalendar import Event

DAYS_BACK = 30  # past meetings and deadlines kept in the feed (and cancelled ones shown)
DAYS_AHEAD = 365

MEDIA_TYPE = "text/calendar"
FEED_PATH = "/calendar/{token}.ics"

_UID_DOMAIN = "samverkan-bot"
_PRODID = "-//Samverkan//samverkan-bot//SV"
# How often subscribed calendars should read the feed again (Outlook reads it at its own
# pace, often every few hours; others honour these hints).
_REFRESH = timedelta(hours=1)

_TOKEN_BYTES = 32  # 256 bits
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # 32 bytes, base64url without padding


def _text(name: str, language: Language, **values: object) -> str:
    text = cft.TEXTS[name].get(language)
    return text.format(**values) if values else text


def feed_window(now: datetime) -> tuple[date, date]:
    """The days a feed covers: from `DAYS_BACK` days ago to `DAYS_AHEAD` days ahead."""
    today = local(now).date()
    return today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD)


def scope_name(network: Network, group_key: str | None, language: Language) -> str:
    """`Best Service` or `Best Service – Logistik`."""
    name = network.name.get(language)
    if group_key is None:
        return name
    return f"{name} – {network.group(group_key).name.get(language)}"


def render_feed(
    network: Network,
    group_key: str | None,
    items: Sequence[DueItem],
    agenda_items: Mapping[int, Sequence[AgendaItem]],
    language: Language,
    now: datetime,
) -> bytes:
    """The calendar of `items` (meetings, cancelled ones included, and deadlines).

    `agenda_items` are the members' points of each meeting, by meeting id.
    """
    # icalendar (171 modules, ~2.6 MiB) only in a process that is asked for a feed.
    from icalendar import Calendar, vDuration

    scope = scope_name(network, group_key, language)
    calendar = Calendar()
    calendar.add("prodid", _PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _text("name", language, scope=scope))
    calendar.add("x-wr-caldesc", _text("description", language, scope=scope))
    calendar.add("x-wr-timezone", STOCKHOLM.key)
    calendar.add("refresh-interval", _REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(_REFRESH))
    stamp = now.astimezone(UTC).replace(microsecond=0)
    for item in items:
        if item.meeting is not None:
            event = _meeting_event(network, item, agenda_items, language)
        else:
            event = _deadline_event(group_key, item, language)
        event.add("dtstamp", stamp)
        calendar.add_component(event)
    # The VTIMEZONE of Europe/Stockholm from tzdata, with the transitions around the feed's
    # dates only (the library's default lists every one from 1970 to 2038).
    days = [item.day for item in items] or [local(now).date()]
    calendar.add_missing_timezones(
        first_date=min(days) - timedelta(days=366), last_date=max(days) + timedelta(days=366)
    )
    return calendar.to_ical()


def uid(key: str) -> str:
    """An event's UID from a stable key (a meeting's or a deadline's)."""
    return f"{key.replace(':', '-')}@{_UID_DOMAIN}"


def _meeting_event(
    network: Network,
    item: DueItem,
    agenda_items: Mapping[int, Sequence[AgendaItem]],
    language: Language,
) -> Event:
    from icalendar import Event

    meeting = item.meeting
    assert meeting is not None
    event = Event()
    event.add("uid", uid(item.key))
    event.add("sequence", meeting.sequence)
    summary = item.title
    if meeting.cancelled:
        summary = f"{_text('cancelled', language)}: {summary}"
    event.add("summary", summary)
    event.add("dtstart", meeting.starts_at.astimezone(STOCKHOLM))
    event.add("dtend", meeting.ends_at.astimezone(STOCKHOLM))
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    if meeting.place or meeting.online_url:
        event.add("location", meeting.place or meeting.online_url)
    if meeting.online_url:
        event.add("url", meeting.online_url)
    if meeting.updated_at is not None:
        event.add("last-modified", meeting.updated_at.astimezone(UTC).replace(microsecond=0))
    event.add("categories", [_text("category_meeting", language)])
    agenda = compose_agenda(network, meeting, agenda_items.get(meeting.id, ()))
    lines = [item.detail, meeting_when(meeting, language)]
    if meeting.online_url:
        lines.append(f"{_text('online', language)}: {meeting.online_url}")
    if agenda.step is not None:
        lines += ["", f"{agenda.step.title.get(language)}: {agenda.step.purpose.get(language)}"]
        homework = agenda.step.homework.get(language)
        if homework:
            lines.append(f"{_text('homework', language)}: {homework}")
    points = [p.get(language) for p in agenda.standing_points] + [i.text for i in agenda.items]
    if points:
        lines += ["", f"{_text('agenda', language)}:"]
        lines += [f"{number}. {point}" for number, point in enumerate(points, start=1)]
    event.add("description", "\n".join(lines))
    return event


def _deadline_event(group_key: str | None, item: DueItem, language: Language) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", uid(item.key))
    event.add("sequence", 0)
    title = item.title
    if group_key is None and item.group_key is not None and item.channel_name:
        title += f" ({item.channel_name})"
    event.add("summary", title)
    event.add("dtstart", item.day)
    event.add("dtend", item.day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    event.add("status", "CONFIRMED")
    event.add("categories", [_text("category_wheel", language)])
    lines = [item.detail] if item.detail else []
    if item.responsible:
        lines.append(f"{mt.RESPONSIBLE.get(language)}: {item.responsible}")
    if item.channel_name:
        lines.append(f"{_text('channel', language)}: {item.channel_name}")
    event.add("description", "\n".join(lines))
    return event


class CalendarFeeds:
    """Builds the feed of a network or group from the registry, meetings and wheel."""

    def __init__(
        self,
        snapshots: RegistrySnapshots,
        schedule: Schedule,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self._snapshots = snapshots
        self._schedule = schedule
        self._now = now

    async def network(self, network_key: str) -> Network:
        """The network; raises `LookupError` (`UnknownNetwork`) if there is none."""
        registry, _ = await self._snapshots.current()
        return registry.network(network_key)

    async def feed(self, scope: CalendarScope, language: Language = "sv") -> bytes:
        """The scope's calendar now; raises `LookupError` for an unknown network or group."""
        network = await self.network(scope.network_key)
        if scope.group_key is not None:
            network.group(scope.group_key)  # KeyError (a LookupError) if unknown
        now = self._now()
        start, end = feed_window(now)
        items = await self._schedule.due(
            network, start, end, language, group_key=scope.group_key, include_cancelled=True
        )
        meeting_ids = [item.meeting.id for item in items if item.meeting is not None]
        agenda_items = await self._schedule.meetings.items(meeting_ids)
        return render_feed(network, scope.group_key, items, agenda_items, language, now)


def subscriptions_offered(links: CalendarLinks | None, public_base_url: str) -> bool:
    """Whether the chat hands out subscription links: only with links enabled (a key)
    and a public address to put in them."""
    return links is not None and links.enabled and bool(public_base_url)


class CalendarLinkKeyMissing(RuntimeError):
    """Subscription links need `CALENDAR_LINK_KEY`, and it is not set."""


class CalendarLinks:
    """Subscription links: made on demand, shown again from the key, revoked by scope."""

    def __init__(self, store: CalendarTokenPort, key: bytes | None):
        self._store = store
        self._key = key

    @property
    def enabled(self) -> bool:
        """Whether links can be made (a key is configured)."""
        return bool(self._key)

    async def link(
        self, scope: CalendarScope, base_url: str, *, actor: str | None, now: datetime
    ) -> str:
        """The scope's subscription URL under `base_url`, made now if it has none."""
        current = await self._store.current(scope)
        if current is None:
            generation = await self._store.next_generation(scope)
            token = self._token(scope, generation)
            current = await self._store.add(
                scope, generation, token_hash(token), actor=actor, now=now
            )
        return feed_url(base_url, self._token(scope, current.generation))

    async def revoke(self, scope: CalendarScope, *, actor: str | None, now: datetime) -> int:
        """Revoke the scope's link; returns how many live links there were."""
        return await self._store.revoke(scope, actor=actor, now=now)

    async def scope_of(self, token: str) -> CalendarScope | None:
        """The scope a token opens; None for a malformed, unknown or revoked one."""
        if not _TOKEN.match(token):
            return None
        return await self._store.scope_of(token_hash(token))

    def _token(self, scope: CalendarScope, generation: int) -> str:
        if not self._key:
            raise CalendarLinkKeyMissing(
                "calendar links need CALENDAR_LINK_KEY (at least 32 random characters, e.g. "
                "from `python -c \"import secrets; print(secrets.token_urlsafe(32))\"`)"
            )
        message = "\0".join(
            ("calendar", scope.network_key, scope.group_key or "", str(generation))
        ).encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()[:_TOKEN_BYTES]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def feed_url(base_url: str, token: str) -> str:
    """`https://host/calendar/<token>.ics` under `base_url`."""
    return base_url.rstrip("/") + FEED_PATH.format(token=token)


def is_base_url(url: str) -> bool:
    """Whether `url` can carry links: http(s), a host, no query or fragment (a path may)."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not (
        parts.query or parts.fragment or any(c.isspace() for c in url)
    )


def webcal_url(url: str) -> str:
    """The same address as `webcal://`, which opens a calendar app to subscribe."""
    return re.sub(r"^https?://", "webcal://", url)
