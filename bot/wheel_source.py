"""Fills the annual-wheel page (`views.wheel_page`) from the real wheel and meetings.

The page shows twelve months from the current one: every deadline of the network's
wheel (one mark per date, listing its channels), every failed check, and every planned
meeting, in the page's language. The texts are the same the chat and the posts use
(`views.meetings`), so a deadline reads alike everywhere.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from ipaddress import ip_address
from urllib.parse import quote, urlencode

from bot.settings import Settings
from bot.tab_pages import NetworkChoice
from domain.conversations import ChannelBinding
from domain.ports import MeetingPort, WheelOverridePort
from domain.recurrence import local, start_of_day
from domain.registry import Language
from domain.wheel import wheel_deadlines
from services.calendar_feed import CalendarLinks, feed_url, subscriptions_offered
from services.registry_snapshots import RegistrySnapshots
from views.meetings import (
    channel_name,
    deadline_problem,
    kind_name,
    meeting_what,
    responsible_title,
)
from views.wheel_page import WheelEntry, WheelPage

# Overdue checks from shortly before the window are still worth showing as "late".
_LOOKBACK = timedelta(days=60)


class WheelPages:
    """`load(network_key, language)` and `subscription` for `bot.wheel_routes.wheel_routes`,
    `tab_networks` for the channel tab's configuration page (`bot.tab_pages`)."""

    def __init__(
        self,
        snapshots: RegistrySnapshots,
        meetings: MeetingPort,
        *,
        default_network: str,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        overrides: WheelOverridePort | None = None,
        calendar_links: CalendarLinks | None = None,
        public_base_url: str = "",
        team_bindings: Callable[[str], Awaitable[Sequence[ChannelBinding]]] | None = None,
    ):
        self._snapshots = snapshots
        self._calendar_links = calendar_links
        self._public_base_url = public_base_url  # else the address the page was asked at
        self._team_bindings = team_bindings
        self._meetings = meetings
        self._overrides = overrides  # admins' changes to wheel entries
        self._default_network = default_network
        self._now = now

    async def subscription(self, token: str, network_key: str | None, base: str) -> str | None:
        """The subscription address a page's `?calendar=` token opens, if it is a live
        link of the page's network (the whole network's or one group's)."""
        if self._calendar_links is None:
            return None
        scope = await self._calendar_links.scope_of(token)
        if scope is None or scope.network_key != (network_key or self._default_network):
            return None
        return feed_url(self._public_base_url or base, token)

    async def tab_networks(
        self, team_id: str | None, language: Language
    ) -> tuple[list[NetworkChoice], str]:
        """The networks a channel tab may show, and the team's own network (the one the
        bot bound the team to; the default network for a team it does not know)."""
        registry, _ = await self._snapshots.current()
        choices = [NetworkChoice(n.key, n.name.get(language)) for n in registry.networks]
        chosen = self._default_network
        if team_id and self._team_bindings is not None:
            bindings = await self._team_bindings(team_id)
            if bindings:  # the team's own binding comes first
                chosen = bindings[0].network_key
        return choices, chosen

    async def load(self, network_key: str | None, language: Language) -> WheelPage:
        """The page for a network; raises `UnknownNetwork` (a LookupError: 404) if unknown."""
        registry, _ = await self._snapshots.current()
        network = registry.network(network_key or self._default_network)
        today = local(self._now()).date()
        year_start = today.replace(day=1)
        year_end = date(year_start.year + 1, year_start.month, 1) - timedelta(days=1)
        # Checks count a whole year's meetings, so read every year the window touches.
        stored = await self._meetings.meetings(
            network.key,
            start_of_day(date(year_start.year - 1, 1, 1)),
            start_of_day(date(year_end.year + 1, 1, 1)),
        )
        overrides = (
            await self._overrides.for_network(network.key) if self._overrides is not None else {}
        )
        entries = []
        for deadline in wheel_deadlines(
            network, stored, year_start - _LOOKBACK, year_end, overrides=overrides
        ):
            is_check = deadline.rule.check is not None
            problem = deadline_problem(network, deadline, language, names=False, markdown=False)
            entries.append(
                WheelEntry(
                    when=deadline.day,
                    title=deadline.rule.title.get(language),
                    detail=problem or deadline.rule.description.get(language),
                    channel_name=channel_name(network, deadline.channel, language),
                    role_title=responsible_title(network, deadline, language, markdown=False),
                    kind="check" if is_check else "deadline",
                    # A failed check is a problem until it is fixed; a plain deadline's
                    # completion is not tracked, so it is never flagged.
                    late=is_check and deadline.day <= today,
                )
            )
        for meeting in stored:
            when = local(meeting.starts_at).date()
            if not year_start <= when <= year_end:
                continue
            group = network.group(meeting.group_key).name.get(language)
            entries.append(
                WheelEntry(
                    when=when,
                    # "E-council meeting · The e-council": a space alone ran the two
                    # names together ("E-rådsmöte E-rådet").
                    title=f"{kind_name(network, meeting.kind).get(language)} · {group}",
                    detail=meeting_what(
                        network, meeting, language, group=False, place=False, markdown=False
                    ),
                    channel_name=group,
                    kind="meeting",
                    place=meeting.place or "",
                )
            )
        entries.sort(key=lambda entry: entry.when)
        return WheelPage(
            network_name=network.name.get(language),
            year_start=year_start,
            today=today,
            entries=entries,
            language=language,
            subscriptions_enabled=self.subscriptions_enabled,
        )

    @property
    def subscriptions_enabled(self) -> bool:
        """Whether "årshjul" in the chat hands out calendar subscription links, so the
        page may say how to get one."""
        return subscriptions_offered(self._calendar_links, self._public_base_url)


# The wheel's static tab, as `manifest/manifest.template.json` declares it.
WHEEL_TAB_ENTITY_ID = "arshjul"


def wheel_page_link(settings: Settings) -> Callable[[str, Language], str | None]:
    """Where people open a network's wheel page from chat, in a language; None: nowhere.

    In Teams (an app id), the default network's wheel is the app's "Årshjul" tab (a deep
    link; the Teams app's id is the bot's). The tab's address names no network, so it
    shows the default network's wheel only: any other network's link is the page at
    `PUBLIC_BASE_URL`, or none without it. In local mode: the page at `PUBLIC_BASE_URL`
    if set, else the one this process serves at its bound address; none while it is not
    bound to a port (port 0: the port is chosen when it binds).
    """

    def link(network_key: str, language: Language) -> str | None:
        query = urlencode({"network": network_key, "lang": language})
        if settings.app_id and network_key == settings.default_network:
            return (
                f"https://teams.microsoft.com/l/entity/{quote(settings.app_id)}/"
                f"{WHEEL_TAB_ENTITY_ID}"
            )
        if settings.public_base_url:
            return f"{settings.public_base_url}/wheel?{query}"
        if settings.app_id or not settings.port:
            return None
        return f"http://{_link_host(settings.host)}:{settings.port}/wheel?{query}"

    return link


def _link_host(host: str) -> str:
    """The host part of a URL that reaches a server bound to `host` from this machine."""
    if host in ("", "0.0.0.0"):  # every IPv4 address: loopback is one of them
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    try:
        address = ip_address(host)
    except ValueError:  # a name
        return host
    return f"[{address}]" if address.version == 6 else host
