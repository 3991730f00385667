"""Meetings, agendas and the annual wheel in chat.

Commands (Swedish and English, by their leading words):
- "dagordning" / "agenda" [group]: the next meeting's agenda for the channel's group;
- "lägg till punkt …" / "add item …": a point on that agenda;
- "möten" / "meetings" [group]: the upcoming meetings, with forms for admins;
- "årshjul" / "wheel" [group] [window]: the coming dates of the annual wheel, by month,
  each deadline once (a year ahead, or the window asked for: "årshjul 90 dagar").

In a channel bound to a group the group is the channel's; elsewhere the argument may name
it ("dagordning logistik", "lägg till punkt logistik: budgeten"), and otherwise the bot
asks which group with a button per group.

Card actions (`{"action": ...}` submits): `agenda.add_item` (anyone), and for the
network's admins `meeting.add`, `meeting.move` and `meeting.cancel`; admins also get the
wheel card's edit buttons (`dialogs.wheel_admin`). An admin is someone
whose Entra object id is in the network's `admins`, or who holds a role in the registry
under an e-mail address listed there; others get a polite refusal.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from dialogs.conversation import (
    ActionHandler,
    ActionRequest,
    CommandHandler,
    CommandRequest,
    command_from_card,
)
from dialogs.wheel_admin import edit_button, entries_button
from domain.agenda import compose_agenda
from domain.calendar_tokens import CalendarScope
from domain.meetings import Meeting, MeetingDraft
from domain.ports import MeetingPort, WheelOverridePort
from domain.recurrence import aware, local, start_of_day
from domain.registry import MEETING_MODES, Group, Language, Localized, Network, RoleRegistry
from domain.turns import Reply, Turn
from domain.wheel import WheelDeadline, wheel_deadlines
from services.calendar_feed import CalendarLinks, subscriptions_offered, webcal_url
from services.groups import group_names, resolve_group
from services.intents import Command
from services.permissions import Permissions
from texts import meetings as mt
from texts.markdown import escape
from views import cards
from views.meetings import (
    channel_name,
    deadline_problem,
    meeting_what,
    meeting_when,
    responsible_holders,
    responsible_title,
    shift_note,
)

log = logging.getLogger(__name__)

AGENDA_COMMAND = Command(
    "agenda",
    Localized(
        sv=("dagordning", "dagordningen", "agenda", "agendan", "nästa möte"),
        en=("agenda", "the agenda", "next meeting"),
    ),
    Localized(
        sv="nästa mötes dagordning för gruppen",
        en="the next meeting's agenda for the group",
    ),
    topics=Localized(
        sv=("dagordning", "dagordningen", "agenda", "agendan", "föredragningslista*"),
        en=("agenda", "the agenda"),
    ),
    rank=20,
)
ADD_ITEM_COMMAND = Command(
    "agenda.add_item",
    Localized(
        sv=("lägg till punkt", "lägg till en punkt", "lägg till på dagordningen", "ny punkt"),
        en=("add item", "add an item", "add point", "add a point", "add agenda item"),
    ),
    Localized(
        sv="lägg till en punkt på nästa mötes dagordning",
        en="add an item to the next meeting's agenda",
    ),
    topics=Localized(
        sv=("dagordning", "dagordningen", "agenda", "agendan", "punkt"),
        en=("agenda", "item", "point"),
    ),
    rank=10,
    verbs=Localized(sv=("lägg till", "lägg upp", "sätt upp", "för upp"), en=("add", "put")),
)
MEETINGS_COMMAND = Command(
    "meetings",
    Localized(
        sv=("möten", "mötena", "kommande möten", "mötesplan"),
        en=("meetings", "upcoming meetings", "meeting plan"),
    ),
    Localized(
        sv="gruppens kommande möten",
        en="the group's upcoming meetings",
    ),
    topics=Localized(
        sv=("möte", "möten", "mötet", "mötena", "mötesplan*", "ses vi", "träffas vi",
            "nästa träff", "träffar", "träffarna"),
        en=("meeting", "meetings", "meet", "meet next", "upcoming meetings"),
    ),
    rank=90,  # the weakest topic: "meeting" accompanies most others
)
WHEEL_COMMAND = Command(
    "wheel",
    Localized(
        sv=("årshjul", "årshjulet", "deadlines"),
        en=("wheel", "annual wheel", "the wheel", "deadlines"),
    ),
    Localized(
        sv="årshjulets kommande datum",
        en="the annual wheel's coming dates",
    ),
    topics=Localized(sv=("årshjul*", "deadline*"), en=("wheel", "annual wheel", "deadline*")),
    rank=30,
)

WHEEL_DAYS = 365  # how far ahead "årshjul" looks unless asked for another window
MAX_WHEEL_DAYS = 3 * 365  # the longest window one may ask for
# How many deadlines it lists; a network's year has far fewer (Best Service about ten),
# so the rest is counted only when a long window is asked for.
WHEEL_ROWS = 30
_WINDOW = re.compile(
    r"(?P<count>\d{1,4})\s*(?P<unit>dagar|dag|days|day|d|veckor|vecka|weeks|week|"
    r"månader|månad|months|month|mån|år|years|year)?\b",
    re.IGNORECASE,
)
_UNIT_DAYS = {
    "vecka": 7, "veckor": 7, "week": 7, "weeks": 7,
    "månad": 30, "månader": 30, "mån": 30, "month": 30, "months": 30,
    "år": 365, "year": 365, "years": 365,
}  # fmt: skip
MEETING_ROWS = 8  # how many upcoming meetings "möten" lists (each has its own forms)
MEETINGS_AHEAD = timedelta(days=400)

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?$")


@dataclass(frozen=True)
class _Context:
    """What every handler needs: the turn, its language, network and registry."""

    turn: Turn
    language: Language
    network: Network
    registry: RoleRegistry


class MeetingDialogs:
    """The chat side of meetings: commands and card actions over a `MeetingPort`."""

    def __init__(
        self,
        meetings: MeetingPort,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        permissions: Permissions | None = None,
        wheel_overrides: WheelOverridePort | None = None,
        calendar_links: CalendarLinks | None = None,
        public_base_url: str = "",
        wheel_link: Callable[[str, Language], str | None] | None = None,
    ):
        self._meetings = meetings
        # Subscription links for the wheel card: only with a key and a public address.
        self._calendar_links = calendar_links
        self._public_base_url = public_base_url
        self._now = now
        self._permissions = permissions or Permissions()
        # Admins' changes to wheel entries; with them, admins get the wheel's edit buttons.
        self._wheel_overrides = wheel_overrides
        # Where the wheel page of a network is, in a language (for "N more" in "årshjul").
        self._wheel_link = wheel_link

    async def _may_administer(self, context: _Context) -> bool:
        return await self._permissions.may_administer(
            context.network, context.registry, context.turn
        )

    def commands(self) -> list[tuple[Command, CommandHandler]]:
        """The commands to register with the `Conversation`."""
        return [
            (AGENDA_COMMAND, self.agenda),
            (ADD_ITEM_COMMAND, self.add_item),
            (MEETINGS_COMMAND, self.meetings),
            (WHEEL_COMMAND, self.wheel),
        ]

    def actions(self) -> list[tuple[str, ActionHandler]]:
        """The card actions to register with the `Conversation`."""
        return [
            ("agenda.add_item", self.add_item_from_card),
            ("meeting.add", self.add_meeting),
            ("meeting.move", self.move_meeting),
            ("meeting.cancel", self.cancel_meeting),
            (cards.SHOW_AGENDA, self.agenda_from_card),
            (cards.SHOW_MEETINGS, self.meetings_from_card),
            (cards.SHOW_WHEEL, self.wheel_from_card),
        ]

    # --- commands ---

    async def agenda(self, request: CommandRequest) -> list[Reply]:
        """The agenda of the group's next meeting."""
        context = _context(request)
        group, _rest = _group(context, request)
        if group is None:
            return [_which_group(context, AGENDA_COMMAND)]
        meeting = await self._meetings.next_meeting(context.network.key, group.key, self._now())
        if meeting is None:
            return [_no_meeting(context, group)]
        return [await self._agenda_reply(context, meeting)]

    async def add_item(self, request: CommandRequest) -> list[Reply]:
        """Add the argument as a point on the group's next meeting's agenda."""
        context = _context(request)
        group, text = _group(context, request, content=True)
        if group is None:
            return [_which_group(context, AGENDA_COMMAND)]
        meeting = await self._meetings.next_meeting(context.network.key, group.key, self._now())
        if meeting is None:
            return [_no_meeting(context, group)]
        return await self._add_item(context, meeting, _item_text(text, group))

    async def meetings(self, request: CommandRequest) -> list[Reply]:
        """The upcoming meetings of the group, or of the whole network."""
        context = _context(request)
        group, _rest = _group(context, request)
        return [await self._meetings_reply(context, group)]

    async def wheel(self, request: CommandRequest) -> list[Reply]:
        """The coming dates of the annual wheel for the group, or the whole network.

        Each deadline once, with the channels it concerns, grouped by month, for the
        window asked for ("årshjul 90 dagar", a year by default); past `WHEEL_ROWS`
        rows the rest is counted and the wheel page linked.
        """
        context = _context(request)
        network, language = context.network, context.language
        group, rest = _group(context, request)
        days = _window_days(rest)
        now = self._now()
        today = local(now).date()
        end = today + timedelta(days=days)
        stored = await self._meetings.meetings(
            network.key,
            start_of_day(date(today.year, 1, 1)),
            start_of_day(date(end.year + 2, 1, 1)),
        )
        overrides = (
            await self._wheel_overrides.for_network(network.key)
            if self._wheel_overrides is not None
            else {}
        )
        deadlines = wheel_deadlines(
            network,
            stored,
            today,
            end,
            group_key=group.key if group else None,
            overrides=overrides,
        )
        entries = wheel_rows(network, deadlines, today, language, group=group)
        shown, hidden = entries[:WHEEL_ROWS], len(entries) - WHEEL_ROWS
        scope = _scope(network, group, language)
        title = mt.WHEEL_TITLE.get(language).format(scope=scope)
        empty = mt.NO_DEADLINES.get(language).format(
            scope=mt.in_sentence(scope, language), days=days
        )
        window = mt.WHEEL_WINDOW.get(language).format(
            start=mt.format_compact_day(today, language), end=mt.format_compact_day(end, language)
        )
        link = self._wheel_link(network.key, language) if self._wheel_link else None
        more = None
        if hidden > 0:
            more = (
                mt.WHEEL_MORE_LINKED.get(language).format(count=hidden, url=link)
                if link
                else mt.WHEEL_MORE.get(language).format(count=hidden)
            )
        sections = [f"**{title}**", window]
        for entry in shown:
            channels = f" ({entry.channels})" if entry.channels else ""
            line = f"- {entry.day}: {entry.what}{channels}"
            if sections[-1].startswith(f"**{entry.month}**"):
                sections[-1] += "\n" + line
            else:
                sections.append(f"**{entry.month}**\n{line}")
        sections += [part for part in (None if shown else empty, more) if part]
        text = "\n\n".join(sections)
        buttons = [
            cards.command_button(
                mt.MEETINGS_BUTTON.get(language),
                cards.SHOW_MEETINGS,
                network.key,
                group.key if group else None,
                language,
            )
        ]
        if hidden > 0 and link:
            buttons.append(cards.link_button(mt.WHEEL_PAGE_BUTTON.get(language), link))
        row_buttons = None
        if self._wheel_overrides is not None and await self._may_administer(context):
            row_buttons = [edit_button(network.key, e.rule_key, language) for e in shown]
            buttons.append(entries_button(network.key, language))
        note = None
        subscribe = await self._subscription(context, group)
        if subscribe is not None:
            buttons.append(
                cards.link_button(mt.SUBSCRIBE_BUTTON.get(language), webcal_url(subscribe))
            )
            note = mt.SUBSCRIBE_NOTE.get(language).format(url=subscribe)
        card = cards.wheel_card(
            title,
            [(e.month, e.day, e.what, e.details) for e in shown],
            language,
            empty=empty,
            buttons=buttons,
            row_buttons=row_buttons,
            intro=window,
            more=more,
            note=note,
        )
        return [Reply(text, language, card=card)]

    async def _subscription(self, context: _Context, group: Group | None) -> str | None:
        """The calendar subscription URL of the group (or network), made on first ask."""
        links = self._calendar_links
        if links is None or not subscriptions_offered(links, self._public_base_url):
            return None
        scope = CalendarScope(context.network.key, group.key if group else None)
        return await links.link(
            scope, self._public_base_url, actor=context.turn.sender_id, now=self._now()
        )

    # --- card actions ---

    async def agenda_from_card(self, request: ActionRequest) -> list[Reply]:
        """`agenda.show`: the agenda of the group a button names."""
        return await self.agenda(command_from_card(request))

    async def meetings_from_card(self, request: ActionRequest) -> list[Reply]:
        """`meetings.show`: the meetings of the group (or network) a button names."""
        return await self.meetings(command_from_card(request))

    async def wheel_from_card(self, request: ActionRequest) -> list[Reply]:
        """`wheel.show`: the annual wheel of the group (or network) a button names."""
        return await self.wheel(command_from_card(request))

    async def add_item_from_card(self, request: ActionRequest) -> list[Reply]:
        """`agenda.add_item`: the add-point form of an agenda card."""
        context = _action_context(request)
        meeting = await self._meetings.get(_int(request.value.get("meeting_id")) or -1)
        if meeting is None:
            return [Reply(mt.MEETING_GONE.get(context.language), context.language)]
        context = _for_meeting(context, meeting)
        return await self._add_item(context, meeting, str(request.value.get("text") or ""))

    async def add_meeting(self, request: ActionRequest) -> list[Reply]:
        """`meeting.add`: an admin's add-meeting form."""
        context = _action_context(request)
        network_key = request.value.get("network")
        if isinstance(network_key, str) and network_key in context.registry.keys():
            context = _with_network(context, context.registry.network(network_key))
        if not await self._may_administer(context):
            return [_refusal(context)]
        network, language, value = context.network, context.language, request.value
        problems = []
        group_key = value.get("group")
        if group_key not in [g.key for g in network.groups]:
            problems.append("group")
        kind = value.get("kind")
        if kind not in [k.key for k in network.meeting_kinds]:
            problems.append("kind")
        mode = value.get("mode") or "physical"
        if mode not in MEETING_MODES:
            problems.append("mode")
        times, time_problems = _times(value, "", self._now())
        online_url, url_problems = _online_url(value.get("online_url"))
        problems += time_problems + url_problems
        if problems:
            return [_form_problems(problems, language)]
        assert times is not None
        meeting = await self._meetings.add(
            MeetingDraft(
                network_key=network.key,
                group_key=group_key,  # type: ignore[arg-type]
                kind=kind,  # type: ignore[arg-type]
                starts_at=times[0],
                ends_at=times[1],
                mode=mode,
                place=_optional_text(value.get("place")),
                online_url=online_url,
            ),
            by=context.turn.sender_id,
            now=self._now(),
        )
        what = meeting_what(network, meeting, language, group=True)
        text = mt.MEETING_ADDED.get(language).format(
            what=what, when=meeting_when(meeting, language)
        )
        group = network.group(meeting.group_key)
        listing = await self._meetings_reply(context, group)
        return [Reply(text, language), listing]

    async def move_meeting(self, request: ActionRequest) -> list[Reply]:
        """`meeting.move`: an admin's move form of one meeting."""
        context, meeting, refusal = await self._admin_meeting(request)
        if refusal is not None:
            return refusal
        assert meeting is not None
        language, value = context.language, request.value
        suffix = f"_{meeting.id}"
        times, problems = _times(value, suffix, self._now())
        online_url, url_problems = _online_url(value.get(f"online_url{suffix}"))
        problems += url_problems
        if problems:
            return [_form_problems(problems, language)]
        assert times is not None
        moved = await self._meetings.move(
            meeting.id,
            times[0],
            times[1],
            place=_optional_text(value.get(f"place{suffix}")),
            online_url=online_url,
            by=context.turn.sender_id,
            now=self._now(),
        )
        assert moved is not None  # meetings are cancelled, never deleted, by the chat
        text = mt.MEETING_MOVED.get(language).format(when=meeting_when(moved, language))
        return [Reply(text, language), await self._agenda_reply(context, moved)]

    async def cancel_meeting(self, request: ActionRequest) -> list[Reply]:
        """`meeting.cancel`: an admin's confirmation to cancel one meeting."""
        context, meeting, refusal = await self._admin_meeting(request)
        if refusal is not None:
            return refusal
        assert meeting is not None
        await self._meetings.cancel(meeting.id, by=context.turn.sender_id, now=self._now())
        language = context.language
        text = mt.MEETING_CANCELLED.get(language).format(when=meeting_when(meeting, language))
        return [Reply(text, language)]

    # --- shared ---

    async def _admin_meeting(
        self, request: ActionRequest
    ) -> tuple[_Context, Meeting | None, list[Reply] | None]:
        """The meeting an admin action is about, or the reply that refuses the action."""
        context = _action_context(request)
        meeting = await self._meetings.get(_int(request.value.get("meeting_id")) or -1)
        if meeting is None or meeting.network_key not in context.registry.keys():
            return context, None, [Reply(mt.MEETING_GONE.get(context.language), context.language)]
        context = _for_meeting(context, meeting)
        if not await self._may_administer(context):
            return context, None, [_refusal(context)]
        if meeting.cancelled:
            text = mt.MEETING_CANCELLED_ALREADY.get(context.language)
            return (
                context,
                None,
                [
                    Reply(
                        text.format(when=meeting_when(meeting, context.language)), context.language
                    )
                ],
            )
        return context, meeting, None

    async def _add_item(self, context: _Context, meeting: Meeting, text: str) -> list[Reply]:
        language = context.language
        text = " ".join(text.split())
        when = meeting_when(meeting, language)
        if not text:
            return [Reply(mt.ITEM_EMPTY.get(language), language)]
        if len(text) > cards.AGENDA_ITEM_MAX_LENGTH:
            message = mt.ITEM_TOO_LONG.get(language).format(
                length=len(text), limit=cards.AGENDA_ITEM_MAX_LENGTH
            )
            return [Reply(message, language)]
        if meeting.cancelled:
            return [Reply(mt.MEETING_CANCELLED_ALREADY.get(language).format(when=when), language)]
        now = self._now()
        if meeting.ends_at <= now:
            return [Reply(mt.MEETING_PAST.get(language).format(when=when), language)]
        turn = context.turn
        await self._meetings.add_item(
            meeting.id, text, author_name=turn.user_name, author_id=turn.sender_id, now=now
        )
        confirmation = mt.ITEM_ADDED.get(language).format(text=escape(text), when=when)
        return [Reply(confirmation, language), await self._agenda_reply(context, meeting)]

    async def _agenda_reply(self, context: _Context, meeting: Meeting) -> Reply:
        items = await self._meetings.items([meeting.id])
        agenda = compose_agenda(context.network, meeting, items.get(meeting.id, []))
        language = context.language
        lines = [
            mt.AGENDA_TITLE.get(language).format(group=agenda.group_name.get(language)),
            meeting_when(meeting, language),
        ]
        points = [p.get(language) for p in agenda.standing_points] + [i.text for i in agenda.items]
        lines += [f"{n}. {point}" for n, point in enumerate(points, start=1)]
        card = cards.agenda_card(agenda, language)
        return Reply("\n".join(lines), language, card=card)

    async def _meetings_reply(self, context: _Context, group: Group | None) -> Reply:
        network, language = context.network, context.language
        now = self._now()
        upcoming = await self._meetings.meetings(
            network.key, now, now + MEETINGS_AHEAD, group_key=group.key if group else None
        )
        admin = await self._may_administer(context)
        listings = [
            cards.MeetingListing(
                meeting_id=m.id,
                when=meeting_when(m, language),
                what=meeting_what(network, m, language, group=group is None),
                date=local(m.starts_at).date().isoformat(),
                start=local(m.starts_at).strftime("%H:%M"),
                end=local(m.ends_at).strftime("%H:%M"),
                place=m.place or "",
                online_url=m.online_url or "",
            )
            for m in upcoming[:MEETING_ROWS]
        ]
        scope = _scope(network, group, language)
        title = mt.MEETINGS_TITLE.get(language).format(scope=scope)
        empty = mt.NO_MEETINGS.get(language).format(scope=mt.in_sentence(scope, language))
        form = None
        if admin and network.meeting_kinds and network.groups:
            form = cards.MeetingForm(
                network_key=network.key,
                groups=[(g.key, g.name.get(language)) for g in network.groups],
                kinds=[(k.key, k.name.get(language)) for k in network.meeting_kinds],
                group=group.key if group else None,
            )
        buttons = [
            cards.command_button(
                mt.WHEEL_BUTTON.get(language),
                cards.SHOW_WHEEL,
                network.key,
                group.key if group else None,
                language,
            )
        ]
        card = cards.meetings_card(
            title, listings, language, empty=empty, admin_form=form, buttons=buttons
        )
        text = (
            title
            + "\n\n"
            + ("\n".join(f"- {row.when}: {row.what}" for row in listings) if listings else empty)
        )
        return Reply(text, language, card=card)


def _context(request: CommandRequest) -> _Context:
    return _Context(request.turn, request.language, request.network, request.registry)


def _action_context(request: ActionRequest) -> _Context:
    return _Context(request.turn, request.language, request.network, request.registry)


def _with_network(context: _Context, network: Network) -> _Context:
    return _Context(context.turn, context.language, network, context.registry)


def _for_meeting(context: _Context, meeting: Meeting) -> _Context:
    if meeting.network_key in context.registry.keys():
        return _with_network(context, context.registry.network(meeting.network_key))
    return context


def _group(
    context: _Context, request: CommandRequest, *, content: bool = False
) -> tuple[Group | None, str]:
    """The group a command is about and the rest of its argument (`services.groups`);
    `content` for a command whose argument is an agenda point."""
    choice = resolve_group(
        context.network,
        argument=request.argument,
        channel_group=context.turn.group_key,
        named=request.group_key,
        chosen=request.chosen_group,
        content=content,
    )
    return choice.group, choice.rest


# How a sentence says where the point goes ("… på dagordningen", "to the agenda: …") and
# what it is ("en punkt om …", "an item:"): not part of the point itself.
_ON_THE_AGENDA = re.compile(
    r"\b(?:på|pa|till|to|on|onto)\s+(?:the\s+|next\s+|nästa\s+)?"
    r"(?:dagordningen|dagordning|agendan|agenda)\b\s*[:,.–-]?",
    re.IGNORECASE,
)
_A_POINT = re.compile(
    r"^(?:(?:en\s+|a\s+|an\s+)?(?:punkt|item|point)\b\s*)?(?:om\b|about\b)?\s*[:,.–-]?",
    re.IGNORECASE,
)
_QUOTES = "'\"”“‘’«»"


def _item_text(text: str, group: Group) -> str:
    """The agenda point a request names, without the words around it: "lägg till 'Ny
    upphandling' på dagordningen för Logistik" adds "Ny upphandling"."""
    text = _ON_THE_AGENDA.sub(" ", text)
    names = sorted(set(group_names(group)), key=len, reverse=True)
    named = "|".join(re.escape(n) for n in names)
    text = re.sub(rf"\b(?:för|for|i|in)\s+(?:the\s+)?(?:{named})\b(?:\s+group)?", " ", text,
                  flags=re.IGNORECASE)
    text = _A_POINT.sub("", " ".join(text.split())).strip(" :,.–-")
    if len(text) > 1 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return text


def _which_group(context: _Context, command: Command) -> Reply:
    """Which group? A button per group shows the command's answer for it; the reply
    suggests the same as questions one may type."""
    language, network = context.language, context.network
    word = command.words.get(language)[0]
    questions = tuple(f"{word} {g.name.get(language)}" for g in network.groups)
    example = questions[0] if questions else word
    text = mt.WHICH_GROUP.get(language).format(example=escape(example))
    buttons = [
        cards.command_button(question, cards.SHOW_AGENDA, network.key, g.key, language)
        for question, g in zip(questions, network.groups, strict=True)
    ]
    card = cards.suggestions_card(text, [], (), buttons=buttons)
    return Reply(text, language, card=card, suggestions=questions)


def _no_meeting(context: _Context, group: Group) -> Reply:
    language = context.language
    text = mt.NO_MEETING.get(language).format(
        group=escape(mt.in_sentence(group.name.get(language), language))
    )
    return Reply(text, language)


@dataclass(frozen=True)
class WheelRow:
    """One deadline as "årshjul" lists it, once for all the channels it concerns."""

    rule_key: str
    month: str  # "Oktober 2027": the heading it is listed under
    day: str  # "fre 29 okt. 2027"
    what: str
    channels: str  # "Logistik, Lokalvård", or "" when it is the listed group's own
    details: str  # the channels, what a check found, who is responsible, a shift


def wheel_rows(
    network: Network,
    deadlines: Sequence[WheelDeadline],
    today: date,
    language: Language,
    *,
    group: Group | None = None,
) -> list[WheelRow]:
    """The deadlines as rows (markdown: names and titles escaped), soonest first: one per rule, date (and meeting, for the
    rules tied to meetings), naming every channel it goes to and what each check found
    (a deadline for each group is one row, not one per group).

    Responsible: the holders when every channel has the same ones, else the role's title.
    """
    merged: dict[tuple[str, date, date, int | None], list[WheelDeadline]] = {}
    for deadline in deadlines:
        meeting = deadline.meeting.id if deadline.meeting is not None else None
        merged.setdefault(
            (deadline.rule.key, deadline.nominal, deadline.day, meeting), []
        ).append(deadline)
    rows = []
    for (rule_key, _nominal, day, _meeting), same in merged.items():
        first = same[0]
        problems = dict.fromkeys(deadline_problem(network, d, language) for d in same)
        problem = " ".join(p for p in problems if p) or None
        channels = list(
            dict.fromkeys(escape(channel_name(network, d.channel, language)) for d in same)
        )
        if group is not None and [d.channel for d in same] == [group.key]:
            channels = []  # the group's own channel: saying so on every row is noise
        holders = {
            tuple(escape(a.person.name) for a in responsible_holders(network, d, today))
            for d in same
        }
        names = ", ".join(holders.pop()) if len(holders) == 1 else ""
        who = names or responsible_title(network, first, language)
        details = [
            ", ".join(channels) if channels else None,
            problem.rstrip(".") if problem else None,  # the parts are joined with " · "
            f"{mt.RESPONSIBLE.get(language)}: {who}" if who else None,
            shift_note(first, language) or None,
        ]
        rows.append(
            WheelRow(
                rule_key=rule_key,
                month=mt.format_month(day, language),
                day=mt.format_compact_day(day, language),
                what=escape(first.rule.title.get(language)),
                channels=", ".join(channels),
                details=" · ".join(d for d in details if d),
            )
        )
    return rows


def _window_days(argument: str) -> int:
    """The days "årshjul" was asked to cover ("90 dagar", "6 månader", "2 år"), else
    `WHEEL_DAYS`; at most `MAX_WHEEL_DAYS`."""
    found = _WINDOW.search(argument)
    if found is None:
        return WHEEL_DAYS
    unit = (found.group("unit") or "").lower()
    count = int(found.group("count"))
    if not unit and count > MAX_WHEEL_DAYS:
        return WHEEL_DAYS  # "årshjul 2027" names a year, not a number of days
    days = count * _UNIT_DAYS.get(unit, 1)
    return max(1, min(days, MAX_WHEEL_DAYS))


def _scope(network: Network, group: Group | None, language: Language) -> str:
    """The group's (or network's) name, markdown-escaped for the texts it goes into."""
    return escape(group.name.get(language) if group is not None else network.name.get(language))


def _refusal(context: _Context) -> Reply:
    log.info(
        "meeting change refused: not an admin",
        extra={"network": context.network.key, "user": context.turn.sender_id},
    )
    return Reply(mt.NOT_ADMIN.get(context.language), context.language)


def _form_problems(problems: list[str], language: Language) -> Reply:
    listed = ", ".join(mt.FORM_PROBLEMS[p].get(language) for p in dict.fromkeys(problems))
    return Reply(mt.BAD_MEETING_FORM.get(language).format(problems=listed), language)


# The largest id a database row can have (PostgreSQL's integer); a submit naming a larger
# one names no row, and must not reach the database driver, which refuses to bind it.
MAX_ROW_ID = 2**31 - 1


def _int(value: Any) -> int | None:
    """A row id from a card's data (an int or a string of ASCII digits), else None."""
    if isinstance(value, str):
        digits = value.strip()
        # At most ten digits: Python refuses to read a number of thousands of them.
        value = int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 10 else None
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= MAX_ROW_ID else None


def _optional_text(value: Any) -> str | None:
    return " ".join(value.split()) or None if isinstance(value, str) else None


def _online_url(value: Any) -> tuple[str | None, list[str]]:
    url = _optional_text(value)
    if url is None:
        return None, []
    if not re.match(r"^https?://\S+$", url):
        return None, ["online_url"]
    return url, []


def _clock(value: Any) -> time | None:
    match = _CLOCK.match(value.strip()) if isinstance(value, str) else None
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    return time(int(match.group(1)), int(match.group(2)))


def _times(
    value: dict[str, Any], suffix: str, now: datetime
) -> tuple[tuple[datetime, datetime] | None, list[str]]:
    """Start and end (Stockholm) from a form's date and time inputs, or what is wrong."""
    problems = []
    try:
        day = date.fromisoformat(str(value.get(f"date{suffix}") or ""))
    except ValueError:
        day = None
        problems.append("date")
    start, end = _clock(value.get(f"start{suffix}")), _clock(value.get(f"end{suffix}"))
    if start is None:
        problems.append("start")
    if end is None or (start is not None and end <= start):
        problems.append("end")
    if problems or day is None or start is None or end is None:
        return None, problems
    starts_at = aware(datetime.combine(day, start))
    if starts_at < now:
        return None, ["past"]
    return (starts_at, aware(datetime.combine(day, end))), []
