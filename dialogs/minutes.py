"""Minutes in chat: "protokoll" / "minutes" shows what is filed and what is missing.

In a group's channel (or with a group named: "protokoll logistik") the reply lists the
group's past meetings and their minutes; in the General channel or a personal chat it
is the roll-up of every group of the network, as the board sees it. The card action
`minutes.upload` (the asking card's button) explains how to send the file.

A file sent to the bot arrives as the action `minutes.file` (`name`, `url`, and `shared`
for a file posted in a channel, whose `url` is its SharePoint link); only the Teams edge
makes that action, from a real attachment. `MinutesInbox` finds the group (the
channel's, or in a personal chat the one the sender is secretary of) and the meeting
(the only past one without minutes), keeps the file as a pending upload that names the
link, and answers at once ("received, filing it in Alpha's folder …"); the filer fetches
and files it in the background (a shared one is read through Graph and filed as a copy
under the minutes' name) and tells the sender's personal chat and the channel what
became of it (`MinutesFiler`). A corrected file for a meeting whose file still waits
replaces it, and the reply says so.

When the group's latest meeting is filed already, a card asks "Replace the filed
minutes? SharePoint keeps the old version" (`minutes.replace`); the file is fetched
meanwhile, and on "Replace" filed as a new version of the same file. The card names the
waiting file by a random token; only its sender may answer, within
`RECEIVED_FILE_LIFETIME`.

When several meetings lack minutes the file is kept (`MinutesRepository.add_received`)
and fetched in the background at once, and a card asks which meeting: its buttons
(`minutes.pick`) carry the kept file's random id and a meeting id, never an address, so
a forged submit cannot make the bot fetch anything. Only the sender may pick (their
Teams ids), in the same group, within `RECEIVED_FILE_LIFETIME`; the file is filed from
what was kept (or, if fetching it failed, from its link, by the filer).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from dialogs.conversation import (
    ActionHandler,
    ActionRequest,
    CommandHandler,
    CommandRequest,
)
from domain.meetings import Meeting
from domain.minutes import (
    RECEIVED_FILE_LIFETIME,
    Minutes,
    MinutesRules,
    PendingUpload,
    ReceivedFile,
    RejectedFile,
    check_file,
)
from domain.ports import MeetingPort, MinutesPort
from domain.recurrence import local
from domain.registry import Group, Language, Localized, Network
from domain.turns import Reply
from services.groups import resolve_group
from services.intents import Command
from services.minutes import (
    GroupMinutes,
    MinutesFiler,
    minutes_status,
    personal_reach,
)
from texts import meetings as mt
from texts import minutes as xt
from texts.markdown import escape
from views import cards

log = logging.getLogger(__name__)

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
        meetings: MeetingPort,
        minutes: MinutesPort,
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
        group = request.group(only_group=False)  # every group's minutes, not the only group's
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
REPLACE_ACTION = "minutes.replace"
PICK_CHOICES = 5  # meetings offered on the picking card, newest first


class MinutesInbox:
    """Files sent to the bot: which meeting they belong to, and handing them to the
    filer, which files them in the background (`MinutesFiler.accept`): the turn answers
    at once, whatever Graph does."""

    def __init__(
        self,
        filer: MinutesFiler,
        meetings: MeetingPort,
        minutes: MinutesPort,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self._filer = filer
        self._meetings = meetings
        self._minutes = minutes
        self._now = now
        self._prefetching: set[asyncio.Task[None]] = set()

    def actions(self) -> list[tuple[str, ActionHandler]]:
        """The card actions to register with the `Conversation`."""
        return [
            (FILE_ACTION, self.received),
            (PICK_ACTION, self.picked),
            (REPLACE_ACTION, self.replace_answered),
        ]

    async def received(self, request: ActionRequest) -> list[Reply]:
        """A file sent (only ever from a real Teams attachment, `bot.teams_bot`): check its
        name, find its group and meeting, and keep it as a pending upload; the reply says
        it is being filed. When several meetings lack minutes it is kept by its link and
        fetched in the background, and the sender picks the meeting (`picked`); when the
        meeting's minutes are filed, a card asks whether the file replaces them
        (`replace_answered`). Nothing is fetched or uploaded inside the turn."""
        language, network, turn = request.language, request.network, request.turn
        name, url = str(request.value.get("name") or ""), str(request.value.get("url") or "")
        shared = request.value.get("shared") is True
        rules = self._filer.rules
        try:
            check_file(name, None, rules)
        except RejectedFile as refused:
            return [Reply(xt.refusal(refused, language), language)]
        group = _sender_group(request, rules)
        if group is None:
            return [Reply(xt.WHICH_GROUP.get(language), language)]
        candidates = await self._candidates(network, group)
        sender = {
            "by": turn.user_name,
            "language": language,
            # A personal chat hears there what became of the file (`MinutesFiler.announce`).
            "reply_to": turn.conversation_id if turn.kind == "personal" else None,
            "sender_id": turn.user_id,
            "sender_aad_object_id": turn.user_aad_object_id,
        }
        if len(candidates) == 1:
            pending, replaced = await self._filer.accept(
                candidates[0], name, download_url=url, shared=shared, **sender
            )
            return [_received_reply(network, candidates[0], pending.file_name, replaced, language)]
        if not candidates:
            last = await self._last_filed(network, group)
            if last is None:
                text = xt.NO_MEETING.get(language).format(group=escape(group.name.get(language)))
                return [Reply(text, language)]
            meeting, filed = last
            pending, _ = await self._filer.accept(
                meeting, name, download_url=url, shared=shared, confirm_first=True, **sender
            )
            return [_replace_reply(network, meeting, filed, pending, language)]
        # The card must never carry the link (a forged submit would make the bot fetch
        # any address): the file is kept under a random id the card names, and fetched
        # in the background now, since the link expires within the hour.
        kept = await self._minutes.add_received(
            network_key=network.key,
            group_key=group.key,
            file_name=name,
            content=None,
            download_url=url,
            shared=shared,
            sha256="",
            sender_id=turn.user_id,
            sender_aad_object_id=turn.user_aad_object_id,
            sender_name=turn.user_name,
            conversation_id=turn.conversation_id,
            language=language,
            now=self._now(),
        )
        task = asyncio.create_task(self._prefetch(kept))
        self._prefetching.add(task)  # a reference, so the task is not collected midway
        task.add_done_callback(self._prefetching.discard)
        return [_pick_reply(kept, candidates, language)]

    async def _prefetch(self, kept: ReceivedFile) -> None:
        """Fetch a file waiting for its meeting and keep its bytes. Best effort: if this
        fails (or the process stops first) the pick files it from its link, as a pending
        upload the filer fetches, and the sender hears if that fails too."""
        assert kept.download_url is not None
        try:
            content = await self._filer.fetch(kept.download_url, kept.shared)
            await self._minutes.store_received(kept.id, content)
        except Exception as error:  # noqa: BLE001 - the pick falls back to the link
            log.warning("fetching a file that waits for its meeting failed",
                        extra={"error": type(error).__name__})  # fmt: skip

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
            pending, replaced = await self._filer.accept(
                meeting,
                kept.file_name,
                content=content,
                download_url=kept.download_url,
                shared=kept.shared,
                by=kept.sender_name,
                language=language,
                reply_to=turn.conversation_id if turn.kind == "personal" else None,
                sender_id=kept.sender_id,
                sender_aad_object_id=kept.sender_aad_object_id,
            )
        except RejectedFile as refused:  # checked when it arrived; the rules may differ now
            await self._minutes.finish_received(kept.id)
            return [Reply(xt.refusal(refused, language), language)]
        except BaseException:
            # Not kept as a pending upload (the database failed, …): the sender may pick again.
            await self._minutes.release_received(kept.id)
            raise
        # Only now, with the file safely a pending upload, is the received copy dropped.
        await self._minutes.finish_received(kept.id)
        return [_received_reply(network, meeting, pending.file_name, replaced, language)]

    async def replace_answered(self, request: ActionRequest) -> list[Reply]:
        """The sender's answer on the card asking whether a file replaces filed minutes:
        replace (filed as a new version in the background) or keep (the file is dropped).
        Only the sender may answer, once, within `RECEIVED_FILE_LIFETIME`."""
        language, turn = request.language, request.turn
        token = request.value.get("upload")
        held = (
            await self._minutes.held(token)
            if isinstance(token, str) and 0 < len(token) <= 64
            else None
        )
        if (
            held is None
            or not held.awaiting_confirmation
            or held.created_at <= self._now() - RECEIVED_FILE_LIFETIME
        ):
            return [Reply(xt.REPLACE_UNKNOWN.get(language), language)]
        if not held.sent_by(turn.user_id, turn.user_aad_object_id):
            return [Reply(xt.REPLACE_NOT_SENDER.get(language), language)]
        if request.value.get("replace") is not True:
            await self._minutes.discard(held.id)
            kept_text = xt.REPLACE_KEPT.get(language).format(name=escape(held.file_name))
            return [Reply(kept_text, language)]
        if held.state == "failed" or not await self._minutes.confirm(held.id, now=self._now()):
            # The file could not be fetched (the sender heard why), or a second click.
            return [Reply(xt.REPLACE_UNKNOWN.get(language), language)]
        self._filer.notify()
        meeting = await self._meetings.get(held.meeting_id)
        assert meeting is not None  # pending uploads go with their meeting (cascade)
        day = mt.format_short_day(local(meeting.starts_at).date(), language)
        name = request.network.group(meeting.group_key).name.get(language)
        group = escape(mt.in_sentence(name, language))
        text = xt.RECEIVED_AS_VERSION.get(language).format(
            name=escape(held.file_name), group=group, day=day
        )
        return [Reply(text, language)]

    async def _candidates(self, network: Network, group: Group) -> list[Meeting]:
        """The group's past meetings without minutes, newest first."""
        past = await self._past(network, group)
        filed = await self._minutes.minutes(m.id for m in past)
        return [m for m in past if m.id not in filed]

    async def _last_filed(self, network: Network, group: Group) -> tuple[Meeting, Minutes] | None:
        """The group's latest past meeting and its filed minutes, if it has any."""
        past = await self._past(network, group)
        filed = await self._minutes.minutes(m.id for m in past[:1])
        return (past[0], filed[past[0].id]) if past and past[0].id in filed else None

    async def _past(self, network: Network, group: Group) -> list[Meeting]:
        """The group's meetings that ended within `status_days`, newest first."""
        now = self._now()
        days = self._filer.rules.status_days
        past = [
            m
            for m in await self._meetings.meetings(
                network.key, now - timedelta(days=days), now, group_key=group.key
            )
            if m.ends_at <= now
        ]
        return sorted(past, key=lambda m: m.starts_at, reverse=True)


def _received_reply(
    network: Network, meeting: Meeting, file_name: str, replaced: list[str], language: Language
) -> Reply:
    """"Received, I'm filing it in Alpha's folder …", and which waiting file it replaces."""
    group = mt.in_sentence(network.group(meeting.group_key).name.get(language), language)
    day = mt.format_short_day(local(meeting.starts_at).date(), language)
    text = xt.RECEIVED.get(language).format(
        name=escape(file_name), group_of=escape(genitive(group, language)), day=day
    )
    if replaced:
        names = ", ".join(escape(name) for name in replaced)
        text += " " + xt.REPLACES_WAITING.get(language).format(names=names)
    return Reply(text, language)


def _replace_reply(
    network: Network, meeting: Meeting, filed: Minutes, pending: PendingUpload, language: Language
) -> Reply:
    """The card asking whether a file replaces the meeting's filed minutes; its buttons
    name the waiting file by its random token only."""
    group = escape(mt.in_sentence(network.group(meeting.group_key).name.get(language), language))
    day = mt.format_short_day(local(meeting.starts_at).date(), language)
    title = xt.REPLACE_TITLE.get(language)
    facts = xt.ALREADY_FILED.get(language).format(
        group=group, day=day, name=escape(filed.path.rpartition("/")[2]), url=filed.web_url
    )
    question = xt.REPLACE_WITH.get(language).format(name=escape(pending.file_name))
    data = {"action": REPLACE_ACTION, "upload": pending.token, "lang": language}
    card = cards.minutes_replace_card(
        title,
        [facts, question],
        [
            (xt.REPLACE_BUTTON.get(language), {**data, "replace": True}),
            (xt.KEEP_BUTTON.get(language), {**data, "replace": False}),
        ],
    )
    return Reply(f"{title}\n\n{facts}\n\n{question}", language, card=card)


def genitive(name: str, language: Language) -> str:
    """A group's name as owner: "Logistiks", "VNS" (Swedish: no s after s, x or z);
    "Logistik's" (English)."""
    if language == "en":
        return f"{name}'" if name.endswith("s") else f"{name}'s"
    return name if name[-1:].lower() in ("s", "x", "z") else f"{name}s"


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
    """The group a file sent is the minutes of (`services.groups`): the channel's, else
    the one group the sender is secretary of, else the network's only group."""
    network, turn = request.network, request.turn
    sender = turn.user_aad_object_id
    secretary_of = {
        a.group_key
        for a in network.assignments
        if sender
        and a.role_key == rules.secretary_role
        and a.person.entra_object_id == sender
        and a.group_key is not None
        and a.is_current(request.today)
    }
    return resolve_group(network, channel_group=turn.group_key, sender_groups=secretary_of).group
