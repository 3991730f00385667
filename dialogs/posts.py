"""Scheduled posts as members see them: the "utskick" overview and the late-post note.

`PostsOverview` answers the command "utskick" / "posts": for the network the message is
about, the next planned posts, posts waiting for another try, posts that went out late,
posts that were missed (stale: never posted, because they were no longer useful when
the bot could send them), reminders a newer one replaced (superseded: after downtime
only the newest reminder of a deadline goes out) and posts that could not be sent, with
the reason in words.

How a post reads as it goes out (its countdown restated, the late note) is `views.posts`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from domain.outbox import OutboxEntry
from domain.ports import OutboxPort
from domain.posts import PERSONAL_CHAT_UNREACHABLE, PlannedPost, Planner
from domain.registry import Language, Localized
from domain.turns import Reply
from services.intents import Command
from texts import posts as pt
from texts.markdown import escape
from views import cards
from views.meetings import channel_name
from views.posts import format_when

if TYPE_CHECKING:  # for the annotation only: the conversation imports much more
    from dialogs.conversation import CommandRequest


POSTS_COMMAND = Command(
    "posts",
    Localized(
        sv=("utskick", "schemalagda utskick", "visa utskick"),
        en=("posts", "scheduled posts", "show posts"),
    ),
    Localized(
        sv="vad boten ska posta och vad som har missats",
        en="what the bot will post and what was missed",
    ),
    topics=Localized(
        sv=("utskick*", "inlägg", "inläggen", "schemalagda*"), en=("posts", "scheduled posts")
    ),
    rank=40,
)

# How far ahead the overview looks. A planner lists what is due by `until` and not stale
# before `until` minus its look-back, so asking for more than its look-back ahead would
# leave out near posts that go stale soon: keep this within the planners' look-back
# (the meeting planner keeps 7 days).
UPCOMING_DAYS = 7
HISTORY_DAYS = 30  # how far back it lists late, missed and failed posts
MAX_LINES = 8  # per section; the rest is counted


@dataclass(frozen=True)
class _Line:
    due_at: datetime
    text: str


class PostsOverview:
    """The "utskick" / "posts" command."""

    def __init__(
        self,
        outbox: OutboxPort,
        planners: Sequence[Planner],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self._outbox = outbox
        self._planners = tuple(planners)
        self._clock = clock

    async def handle(self, request: CommandRequest) -> list[Reply]:
        """The overview of the request's network, in the request's language."""
        now = self._clock()
        language = request.language
        network = request.network
        entries = await self._outbox.overview(network.key, now - timedelta(days=HISTORY_DAYS))
        stored = {entry.key for entry in entries}
        planned = [
            post
            for planner in self._planners
            for post in await planner.planned_posts(now + timedelta(days=UPCOMING_DAYS))
            if post.target.network_key == network.key
            and post.due_at > now
            and post.key not in stored
        ]

        def line(post: PlannedPost, detail: str = "") -> _Line:
            channel = escape(channel_name(network, post.target.channel, language))
            if post.target.person is not None:
                channel += " · " + pt.OVERVIEW["personally"].get(language).format(
                    name=escape(post.target.person.name)
                )
            summary = _summary(post.text)
            parts = [format_when(post.due_at, language), channel, summary]
            return _Line(post.due_at, " · ".join(parts) + (f" — {detail}" if detail else ""))

        upcoming = [line(post) for post in planned]
        retrying: list[_Line] = []
        late: list[_Line] = []
        missed: list[_Line] = []
        superseded: list[_Line] = []
        failed: list[_Line] = []
        for entry in entries:
            post = entry.post
            if entry.status in ("pending", "claimed"):
                if entry.last_error is None:  # not tried yet, or being sent right now
                    upcoming.append(line(post))
                else:
                    detail = pt.OVERVIEW["retry_at"].get(language).format(
                        when=format_when(entry.next_attempt_at, language),
                        error=escape(entry.last_error or "–"),
                    )
                    retrying.append(line(post, detail))
            elif entry.status == "late-sent" and entry.sent_at is not None:
                sent = pt.OVERVIEW["sent_at"].get(language).format(
                    when=format_when(entry.sent_at, language)
                )
                late.append(line(post, sent))
            elif entry.status == "stale":
                missed.append(line(post))
            elif entry.status == "superseded":
                superseded.append(line(post))
            elif entry.status in ("failed", "undeliverable"):
                failed.append(line(post, _reason(entry, language)))

        sections = [
            (pt.OVERVIEW[name].get(language), _limited(lines, language))
            for name, lines in (
                ("upcoming", upcoming),
                ("retrying", retrying),
                ("late", late),
                ("missed", missed),
                ("superseded", superseded),
                ("failed", failed),
            )
            if lines
        ]
        title = pt.OVERVIEW["title"].get(language).format(
            network=escape(network.name.get(language))
        )
        if not sections:
            empty = pt.OVERVIEW["nothing"].get(language).format(days=UPCOMING_DAYS)
            return [Reply(f"**{title}**\n\n{empty}", language, card=cards.posts_overview_card(
                title, [], empty))]
        text = f"**{title}**" + "".join(
            f"\n\n**{heading}**\n" + "\n".join(f"- {item}" for item in items)
            for heading, items in sections
        )
        return [Reply(text, language, card=cards.posts_overview_card(title, sections, None))]


def _limited(lines: list[_Line], language: Language) -> list[str]:
    ordered = [line.text for line in sorted(lines, key=lambda line: line.due_at)]
    if len(ordered) <= MAX_LINES:
        return ordered
    rest = len(ordered) - MAX_LINES
    return ordered[:MAX_LINES] + [pt.OVERVIEW["more"].get(language).format(count=rest)]


# A backslash escape in a post's markdown (`\*`): the character it stands for.
_ESCAPED = re.compile(r"\\(.)")


def _summary(text: str, limit: int = 80) -> str:
    """A post's first line as plain words, cut at `limit`, escaped again for markdown (a
    cut could split the post's own formatting or escapes)."""
    first = next((part.strip() for part in text.splitlines() if part.strip()), "")
    first = _ESCAPED.sub(r"\1", first.replace("**", "").replace("_", ""))
    first = first if len(first) <= limit else first[: limit - 1].rstrip() + "…"
    return escape(first)


def _reason(entry: OutboxEntry, language: Language) -> str:
    """Why a post could not be sent, in words a member can act on."""
    error = entry.last_error or ""
    if entry.status == "undeliverable" and error.startswith(PERSONAL_CHAT_UNREACHABLE):
        person = entry.post.target.person
        name = escape(person.name) if person is not None else "–"
        return pt.OVERVIEW["no_personal_chat"].get(language).format(name=name)
    if entry.status == "undeliverable":
        if error.startswith("no channel"):
            return pt.OVERVIEW["no_channel"].get(language)
        return pt.OVERVIEW["gone"].get(language)
    return pt.OVERVIEW["refused"].get(language).format(error=escape(error))
