"""Minutes in chat: "protokoll" / "minutes" shows what is filed and what is missing.

In a group's channel (or with a group named: "protokoll logistik") the reply lists the
group's past meetings and their minutes; in the General channel or a personal chat it
is the roll-up of every group of the network, as the board sees it. The card action
`minutes.upload` (the asking card's button) explains how to send the file.

A file sent to the bot arrives as the action `minutes.file` (`name`, `url`); `MinutesInbox`
finds the group (the channel's, or in a personal chat the one the sender is secretary
of) and the meeting (the only past one without minutes, else a card to pick one:
`minutes.pick`), fetches the file and files it; when it came in a personal chat the
group's channel hears of it too (`MinutesFiler.announce`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from dialogs import cards
from dialogs import meeting_texts as mt
from dialogs import minutes_texts as xt
from dialogs.conversation import ActionHandler, ActionRequest, CommandHandler, CommandRequest
from dialogs.intents import Command
from dialogs.text import fold
from dialogs.turns import Reply
from scheduler.minutes import (
    DownloadFailed,
    FileTooLarge,
    GroupMinutes,
    MinutesFiler,
    MinutesRules,
    RejectedFile,
    check_file,
    minutes_status,
    too_large_file,
)
from scheduler.recurrence import local
from storage.meetings import Meeting, MeetingRepository
from storage.minutes import MinutesRepository
from storage.registry import Group, Language, Localized, Network

MINUTES_COMMAND = Command(
    "minutes",
    Localized(
        sv=("protokoll", "protokollet", "protokollen", "mötesprotokoll"),
        en=("minutes", "the minutes", "meeting minutes"),
    ),
    Localized(
        sv="vilka mötesprotokoll som är sparade och vilka som saknas",
        en="which meeting minutes are filed and which are missing",
    ),
)

_STATES = {"filed": xt.STATUS_FILED, "missing": xt.STATUS_MISSING, "uploading": xt.STATUS_UPLOADING}


class MinutesDialogs:
    """The chat side of minutes over the meetings and minutes repositories."""

    def __init__(
        self,
        meetings: MeetingRepository,
        minutes: MinutesRepository,
        rules: MinutesRules,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self._meetings = meetings
        self._minutes = minutes
        self._rules = rules
        self._now = now

    def commands(self) -> list[tuple[Command, CommandHandler]]:
        """The commands to register with the `Conversation`."""
        return [(MINUTES_COMMAND, self.status)]

    def actions(self) -> list[tuple[str, ActionHandler]]:
        """The card actions to register with the `Conversation`."""
        return [("minutes.upload", self.how_to_upload)]

    async def status(self, request: CommandRequest) -> list[Reply]:
        """The group's minutes, or every group's in the General channel and personal chat."""
        network, language = request.network, request.language
        group = _named_group(network, request.argument) or (
            network.group(request.turn.group_key) if request.turn.group_key else None
        )
        groups = await minutes_status(
            network,
            self._meetings,
            self._minutes,
            self._now(),
            days=self._rules.status_days,
            group_key=group.key if group else None,
        )
        if group is not None:
            return [group_reply(network, groups[0], language, self._rules.status_days)]
        return [rollup_reply(network, groups, language)]

    async def how_to_upload(self, request: ActionRequest) -> list[Reply]:
        """What to do with the asking card's upload button: send the file to the bot."""
        return [Reply(xt.HOW_TO_UPLOAD.get(request.language), request.language)]


def group_reply(network: Network, group: GroupMinutes, language: Language, days: int) -> Reply:
    """One group's past meetings and the state of their minutes."""
    name = network.group(group.group_key).name.get(language)
    title = xt.STATUS_TITLE.get(language).format(scope=name)
    lines = []
    for item in reversed(group.meetings):  # newest first
        day = mt.format_short_day(local(item.meeting.starts_at).date(), language)
        state = _STATES[item.state].get(language)
        if item.minutes is not None:
            state += f" – [{item.minutes.path.rpartition('/')[2]}]({item.minutes.web_url})"
        lines.append(xt.STATUS_LINE.get(language).format(day=day, state=state))
    if not lines:
        lines = [xt.STATUS_NONE.get(language).format(days=days)]
    return Reply(
        f"{title}\n\n" + "\n".join(lines), language, card=cards.notice_card(title, [], lines, [])
    )


def rollup_reply(network: Network, groups: list[GroupMinutes], language: Language) -> Reply:
    """Every group of the network: how many minutes are filed and which are missing."""
    title = xt.ROLLUP_TITLE.get(language).format(network=network.name.get(language))
    lines = []
    for group in groups:
        missing = ", ".join(
            mt.format_short_day(local(m.meeting.starts_at).date(), language) for m in group.missing
        )
        lines.append(
            xt.ROLLUP_LINE.get(language).format(
                group=network.group(group.group_key).name.get(language),
                filed=sum(1 for m in group.meetings if m.state == "filed"),
                total=len(group.meetings),
                missing=xt.ROLLUP_MISSING.get(language).format(days=missing) if missing else "",
            )
        )
    return Reply(
        f"{title}\n\n" + "\n".join(lines), language, card=cards.notice_card(title, [], lines, [])
    )


def _named_group(network: Network, argument: str) -> Group | None:
    wanted = fold(argument.strip())
    if not wanted:
        return None
    for group in network.groups:
        if wanted in {fold(n) for n in (group.key, group.name.sv, group.name.en, *group.aliases)}:
            return group
    return None


FILE_ACTION = "minutes.file"
PICK_ACTION = "minutes.pick"
PICK_CHOICES = 5  # meetings offered on the picking card, newest first


class MinutesInbox:
    """Files sent to the bot: which meeting they belong to, and filing them."""

    def __init__(
        self,
        filer: MinutesFiler,
        meetings: MeetingRepository,
        minutes: MinutesRepository,
        download: Callable[[str, int], Awaitable[bytes]],
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self._filer = filer
        self._meetings = meetings
        self._minutes = minutes
        self._download = download
        self._now = now

    def actions(self) -> list[tuple[str, ActionHandler]]:
        """The card actions to register with the `Conversation`."""
        return [(FILE_ACTION, self.received), (PICK_ACTION, self.received)]

    async def received(self, request: ActionRequest) -> list[Reply]:
        """A file (or the meeting picked for it): check, place, fetch and file it."""
        language, network, turn = request.language, request.network, request.turn
        name, url = str(request.value.get("name") or ""), str(request.value.get("url") or "")
        rules = self._filer.rules
        try:
            check_file(name, None, rules)
        except RejectedFile as refused:
            return [Reply(refused.text(language), language)]
        group = _sender_group(request, rules)
        if group is None:
            return [Reply(xt.WHICH_GROUP.get(language), language)]
        meeting = await self._meeting(request, group)
        if meeting is None:
            candidates = await self._candidates(network, group)
            if not candidates:
                text = xt.NO_MEETING.get(language).format(group=group.name.get(language))
                return [Reply(text, language)]
            title = xt.PICK_MEETING.get(language).format(name=name)
            choices = [
                (
                    mt.format_short_day(local(m.starts_at).date(), language),
                    {"action": PICK_ACTION, "meeting_id": m.id, "name": name, "url": url,
                     "lang": language},
                )
                for m in candidates[:PICK_CHOICES]
            ]  # fmt: skip
            return [Reply(title, language, card=cards.minutes_pick_card(title, choices))]
        try:
            content = await self._download(url, rules.max_bytes)
            outcome = await self._filer.receive(
                meeting, name, content, by=turn.user_name, language=language
            )
        except DownloadFailed:
            return [Reply(xt.DOWNLOAD_FAILED.get(language), language)]
        except FileTooLarge as too_large:
            refused = too_large_file(too_large.size, rules.max_bytes)
            return [Reply(refused.text(language), language)]
        except RejectedFile as refused:
            return [Reply(refused.text(language), language)]
        await self._filer.announce(outcome, in_channel=request.turn.kind == "channel")
        return [Reply(outcome.message, language)]

    async def _meeting(self, request: ActionRequest, group: Group) -> Meeting | None:
        """The meeting picked, or the only past one of the group without minutes."""
        picked = request.value.get("meeting_id")
        if isinstance(picked, int):
            meeting = await self._meetings.get(picked)
            if meeting is not None and meeting.group_key == group.key:
                return meeting
        candidates = await self._candidates(request.network, group)
        return candidates[0] if len(candidates) == 1 else None

    async def _candidates(self, network: Network, group: Group) -> list[Meeting]:
        """The group's past meetings without minutes, newest first."""
        now = self._now()
        days = self._filer.rules.status_days
        past = [
            m
            for m in await self._meetings.meetings(
                network.key, now - timedelta(days=days), now, group_key=group.key
            )
            if m.ends_at <= now
        ]
        filed = await self._minutes.minutes(m.id for m in past)
        return sorted((m for m in past if m.id not in filed), key=lambda m: m.starts_at)[::-1]


def _sender_group(request: ActionRequest, rules: MinutesRules) -> Group | None:
    """The channel's group, else the one group the sender is secretary of."""
    network, turn = request.network, request.turn
    if turn.group_key is not None:
        return network.group(turn.group_key)
    sender = turn.user_aad_object_id
    if not sender:
        return None
    groups = {
        a.group_key
        for a in network.assignments
        if a.role_key == rules.secretary_role
        and a.person.entra_object_id == sender
        and a.group_key is not None
        and a.is_current(request.today)
    }
    return network.group(groups.pop()) if len(groups) == 1 else None
