"""Minutes in chat: "protokoll" / "minutes" shows what is filed and what is missing.

In a group's channel (or with a group named: "protokoll logistik") the reply lists the
group's past meetings and their minutes; in the General channel or a personal chat it
is the roll-up of every group of the network, as the board sees it. The card action
`minutes.upload` (the asking card's button) explains how to send the file.

A file sent to the bot arrives as the action `minutes.file` (`name`, `url`, and `shared`
for a file posted in a channel, whose `url` is its SharePoint link); only the Teams edge
makes that action, from a real attachment. `MinutesInbox` finds the group (the
channel's, or in a personal chat the one the sender is secretary of) and the meeting
(the only past one without minutes), fetches the file (a shared one through Graph: a
copy is filed under the minutes' name) and files it; when it came in a personal chat
the group's channel hears of it too (`MinutesFiler.announce`), and the chat is
remembered so that, if SharePoint is down and the upload resumes later, the sender
hears there.

When several meetings lack minutes the file is fetched at once and kept
(`MinutesRepository.add_received`), and a card asks which meeting: its buttons
(`minutes.pick`) carry the kept file's random id and a meeting id, never an address, so
a forged submit cannot make the bot fetch anything. Only the sender may pick (their
Teams ids), in the same group, within `RECEIVED_FILE_LIFETIME`; the file is filed from
what was kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any
from datetime import UTC, datetime, timedelta

from dialogs import cards
from dialogs import meeting_texts as mt
from dialogs import minutes_texts as xt
from dialogs.conversation import (
    ActionHandler,
    ActionRequest,
    CommandHandler,
    CommandRequest,
    named_group,
)
from dialogs.intents import Command
from dialogs.markdown import escape
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
    personal_reach,
    too_large_file,
)
from scheduler.recurrence import local
from storage.meetings import Meeting, MeetingRepository
from storage.minutes import MinutesRepository, ReceivedFile
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
    topics=Localized(sv=("protokoll*", "protokol*", "mötesprotokoll*"), en=("minutes",)),
    rank=15,
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
        group = named_group(network, request.argument) or (
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
            reply = group_reply(network, groups[0], language, self._rules.status_days)
            if personal_reach(network, group.key, self._rules, request.today):
                return [reply]
            # Without a secretary the bot can reach personally, only the channel is asked.
            note = xt.CHANNEL_ONLY.get(language)
            return [replace(reply, text=f"{reply.text}\n\n{note}",
                            card=_with_note(reply.card, note))]  # fmt: skip
        return [rollup_reply(network, groups, language)]

    async def how_to_upload(self, request: ActionRequest) -> list[Reply]:
        """What to do with the asking card's upload button: send the file to the bot."""
        return [Reply(xt.HOW_TO_UPLOAD.get(request.language), request.language)]


def group_reply(network: Network, group: GroupMinutes, language: Language, days: int) -> Reply:
    """One group's past meetings and the state of their minutes."""
    name = escape(network.group(group.group_key).name.get(language))
    title = xt.STATUS_TITLE.get(language).format(scope=name)
    lines = []
    for item in reversed(group.meetings):  # newest first
        day = mt.format_short_day(local(item.meeting.starts_at).date(), language)
        state = _STATES[item.state].get(language)
        if item.minutes is not None:
            state += f" – [{escape(item.minutes.path.rpartition('/')[2])}]({item.minutes.web_url})"
        lines.append(xt.STATUS_LINE.get(language).format(day=day, state=state))
    if not lines:
        lines = [xt.STATUS_NONE.get(language).format(days=days)]
    return Reply(
        f"{title}\n\n" + "\n".join(lines), language, card=cards.notice_card(title, [], lines, [])
    )


def rollup_reply(network: Network, groups: list[GroupMinutes], language: Language) -> Reply:
    """Every group of the network: how many minutes are filed and which are missing."""
    title = xt.ROLLUP_TITLE.get(language).format(network=escape(network.name.get(language)))
    lines = []
    for group in groups:
        missing = ", ".join(
            mt.format_short_day(local(m.meeting.starts_at).date(), language) for m in group.missing
        )
        lines.append(
            xt.ROLLUP_LINE.get(language).format(
                group=escape(network.group(group.group_key).name.get(language)),
                filed=sum(1 for m in group.meetings if m.state == "filed"),
                total=len(group.meetings),
                missing=xt.ROLLUP_MISSING.get(language).format(days=missing) if missing else "",
            )
        )
    return Reply(
        f"{title}\n\n" + "\n".join(lines), language, card=cards.notice_card(title, [], lines, [])
    )


def _with_note(card: dict[str, Any] | None, note: str) -> dict[str, Any] | None:
    if card is None:
        return None
    return {**card, "body": [*card.get("body", []), cards.text_block(note, isSubtle=True)]}


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
        read_shared: Callable[[str, int], Awaitable[bytes]] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self._filer = filer
        self._meetings = meetings
        self._minutes = minutes
        self._download = download
        self._read_shared = read_shared
        self._now = now

    def actions(self) -> list[tuple[str, ActionHandler]]:
        """The card actions to register with the `Conversation`."""
        return [(FILE_ACTION, self.received), (PICK_ACTION, self.picked)]

    async def received(self, request: ActionRequest) -> list[Reply]:
        """A file sent (only ever from a real Teams attachment, `bot.teams_bot`): check it,
        find its group and meeting, fetch it and file it. When several meetings lack
        minutes it is fetched now and kept, and the sender picks the meeting (`picked`)."""
        language, network, turn = request.language, request.network, request.turn
        name, url = str(request.value.get("name") or ""), str(request.value.get("url") or "")
        shared = request.value.get("shared") is True
        rules = self._filer.rules
        try:
            check_file(name, None, rules)
        except RejectedFile as refused:
            return [Reply(refused.text(language), language)]
        group = _sender_group(request, rules)
        if group is None:
            return [Reply(xt.WHICH_GROUP.get(language), language)]
        candidates = await self._candidates(network, group)
        if not candidates:
            text = xt.NO_MEETING.get(language).format(group=escape(group.name.get(language)))
            return [Reply(text, language)]
        try:
            fetch = self._read_shared if shared else self._download
            if fetch is None:
                raise DownloadFailed("shared files cannot be read without Graph")
            content = await fetch(url, rules.max_bytes)
            check_file(name, content, rules)
            if len(candidates) > 1:
                # The download link expires within the hour, and a card must never carry
                # it (a forged submit would make the bot fetch any address): keep the file
                # and let the card name it by a random id.
                kept = await self._minutes.add_received(
                    network_key=network.key,
                    group_key=group.key,
                    file_name=name,
                    content=content,
                    sha256=hashlib.sha256(content).hexdigest(),
                    sender_id=turn.user_id,
                    sender_aad_object_id=turn.user_aad_object_id,
                    sender_name=turn.user_name,
                    conversation_id=turn.conversation_id,
                    language=language,
                    now=self._now(),
                )
                return [_pick_reply(kept, candidates, language)]
            outcome = await self._filer.receive(
                candidates[0],
                name,
                content,
                by=turn.user_name,
                language=language,
                # A personal chat hears later if SharePoint is down now (`MinutesFiler`).
                reply_to=turn.conversation_id if turn.kind == "personal" else None,
            )
        except DownloadFailed:
            failed = xt.SHARED_UNREADABLE if shared else xt.DOWNLOAD_FAILED
            return [Reply(failed.get(language), language)]
        except FileTooLarge as too_large:
            refused = too_large_file(too_large.size, rules.max_bytes)
            return [Reply(refused.text(language), language)]
        except RejectedFile as refused:
            return [Reply(refused.text(language), language)]
        await self._filer.announce(outcome, in_channel=turn.kind == "channel")
        return [Reply(outcome.message, language)]

    async def picked(self, request: ActionRequest) -> list[Reply]:
        """The meeting picked on the card for a kept file: only its sender may pick, in
        its group; the file is filed from what the bot kept, nothing is fetched."""
        language, network, turn = request.language, request.network, request.turn
        now = self._now()
        file_id = request.value.get("file")
        # A card from before the file was kept by id (it named a URL) finds nothing here.
        kept = (
            await self._minutes.received(file_id, now=now)
            if isinstance(file_id, str) and 0 < len(file_id) <= 64
            else None
        )
        if kept is None:
            return [Reply(xt.PICK_UNKNOWN.get(language), language)]
        if not kept.sent_by(turn.user_id, turn.user_aad_object_id):
            return [Reply(xt.PICK_NOT_SENDER.get(language), language)]
        group = _sender_group(request, self._filer.rules)
        if group is None or (network.key, group.key) != (kept.network_key, kept.group_key):
            return [Reply(xt.PICK_ELSEWHERE.get(language), language)]
        candidates = await self._candidates(network, group)
        picked = request.value.get("meeting_id")
        meeting = next((m for m in candidates if type(picked) is int and m.id == picked), None)
        if meeting is None:
            if not candidates:
                text = xt.NO_MEETING.get(language).format(group=escape(group.name.get(language)))
                return [Reply(text, language)]
            # Filed meanwhile, or not one of the group's: the meetings still open.
            return [_pick_reply(kept, candidates, language)]
        taken = await self._minutes.take_received(kept.id, now=now)
        if taken is None:  # a second click, or another replica, was first
            return [Reply(xt.PICK_UNKNOWN.get(language), language)]
        kept, content = taken
        try:
            outcome = await self._filer.receive(
                meeting,
                kept.file_name,
                content,
                by=kept.sender_name,
                language=language,
                reply_to=turn.conversation_id if turn.kind == "personal" else None,
            )
        except RejectedFile as refused:  # checked when it arrived; the rules may differ now
            await self._minutes.finish_received(kept.id)
            return [Reply(refused.text(language), language)]
        except BaseException:
            # Not kept as a pending upload (the database failed, …): the sender may pick again.
            await self._minutes.release_received(kept.id)
            raise
        # Only now, with the file safely a pending upload, is the received copy dropped.
        await self._minutes.finish_received(kept.id)
        await self._filer.announce(outcome, in_channel=turn.kind == "channel")
        return [Reply(outcome.message, language)]

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


def _pick_reply(kept: ReceivedFile, candidates: list[Meeting], language: Language) -> Reply:
    """The card asking which meeting a kept file belongs to; its buttons name the file by
    its id only."""
    title = xt.PICK_MEETING.get(language).format(name=escape(kept.file_name))
    choices = [
        (
            mt.format_short_day(local(m.starts_at).date(), language),
            {"action": PICK_ACTION, "file": kept.id, "meeting_id": m.id, "lang": language},
        )
        for m in candidates[:PICK_CHOICES]
    ]
    return Reply(title, language, card=cards.minutes_pick_card(title, choices))


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
