"""A scheduled post as it goes out: its countdown restated for the day it is sent, and the
note that it comes late when it is sent well after its time (after downtime).

The delivery worker calls `as_sent` just before it sends; the "utskick" overview uses
`format_when` for its lines.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from domain.posts import Countdown, PlannedPost
from domain.registry import Language
from texts import meetings as mt
from texts import minutes as xt
from texts import posts as pt
from texts.calendar import MONTHS, WEEKDAYS_SHORT
from views import cards

LOCAL_TIME = ZoneInfo("Europe/Stockholm")


def format_when(moment: datetime, language: Language) -> str:
    """A time as members read it, in Swedish time: "tis 12 mars 09:00"."""
    local = moment.astimezone(LOCAL_TIME)
    weekday = WEEKDAYS_SHORT.get(language)[local.weekday()]
    month = MONTHS.get(language)[local.month - 1]
    return f"{weekday} {local.day} {month} {local:%H:%M}"


def countdown_phrase(countdown: Countdown, today: date, language: Language) -> str:
    """What a countdown says on `today`: "om 3 dagar", "i dag", "3 dagar sedan mötet"."""
    if countdown.style == "since":
        return xt.days_since_meeting((today - countdown.day).days, language)
    return mt.days_until((countdown.day - today).days, language)


def as_sent(post: PlannedPost, now: datetime, *, late: bool) -> PlannedPost:
    """`post` as it goes out at `now`: its countdown true on the day it is sent, and the
    late note when it is `late`.

    The planner wrote the countdown for the day the post was due, in parentheses, in the
    text and the card (`Countdown.shown`); sent on another day, it is restated there.
    """
    if post.countdown is not None:
        today = now.astimezone(LOCAL_TIME).date()
        phrase = countdown_phrase(post.countdown, today, post.language)
        if phrase != post.countdown.shown:
            old, new = f"({post.countdown.shown})", f"({phrase})"
            post = replace(
                post,
                text=post.text.replace(old, new),
                card=_replaced(post.card, old, new) if post.card is not None else None,
                countdown=replace(post.countdown, shown=phrase),
            )
    return mark_late(post) if late else post


def _replaced(value: Any, old: str, new: str) -> Any:
    """`value` (a card's JSON) with `old` replaced by `new` in every string."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [_replaced(item, old, new) for item in value]
    if isinstance(value, dict):
        return {key: _replaced(item, old, new) for key, item in value.items()}
    return value


def mark_late(post: PlannedPost) -> PlannedPost:
    """The post with a note that it comes late, in its own language, in text and card."""
    note = pt.LATE_NOTE.get(post.language).format(
        when=format_when(post.due_at, post.language)
    )
    card = cards.with_footnote(post.card, note) if post.card is not None else None
    return replace(post, text=f"{post.text}\n\n{note}", card=card)
