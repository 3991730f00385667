"""How meetings and wheel deadlines read, for the chat and for the scheduled posts alike.

Small pure functions from plain data to sentences in Swedish or English, so a deadline
says the same in the channel post and in the chat's "årshjul" list.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from domain.meetings import Meeting
from domain.posts import GENERAL_CHANNEL
from domain.recurrence import holiday_name, local
from domain.registry import Assignment, Language, Localized, Network
from domain.wheel import WheelDeadline
from domain.wheel_checks import (
    Day,
    KindName,
    MeetingTime,
    Names,
    RoleTitle,
    Scope,
    SentenceValue,
)
from texts import meetings as mt
from texts.markdown import escape


def _plain(text: str) -> str:
    return text


def _quoting(markdown: bool):
    """How a value from the data goes into a sentence: escaped for Teams' markdown in chat
    and posts, as it is for what is not markdown (the page, the calendar feed, the CLI)."""
    return escape if markdown else _plain


def channel_name(network: Network, channel: str, language: Language) -> str:
    """A post target's channel as people see it: a group's name, General, or another
    channel the network declares; its key when the data no longer has it."""
    if channel == GENERAL_CHANNEL:
        return mt.GENERAL_CHANNEL_NAME.get(language)
    for named in (*network.groups, *network.channels):
        if named.key == channel:
            return named.name.get(language)
    return channel


def meeting_when(meeting: Meeting, language: Language) -> str:
    """`tisdag 16 mars 2027 kl. 10.00–16.00`."""
    return mt.format_span(local(meeting.starts_at), local(meeting.ends_at), language)


def kind_name(network: Network, kind_key: str) -> Localized[str]:
    """A meeting kind's name; its key when the data file no longer has it."""
    kind = next((k for k in network.meeting_kinds if k.key == kind_key), None)
    return kind.name if kind is not None else Localized(kind_key, kind_key)


def meeting_what(
    network: Network,
    meeting: Meeting,
    language: Language,
    *,
    group: bool,
    place: bool = True,
    markdown: bool = True,
) -> str:
    """`Expertgruppsmöte 2 av 6, fysiskt möte · Logistik · Konferensrum A` (markdown, or
    plain text with `markdown=False`).

    `place=False` leaves the place out, for a caller that shows it apart.
    """
    escape = _quoting(markdown)
    name = escape(kind_name(network, meeting.kind).get(language))
    kind = next((k for k in network.meeting_kinds if k.key == meeting.kind), None)
    if kind is not None and kind.steps and meeting.step is not None:
        name += f" {meeting.step}/{len(kind.steps)}"
    parts = [f"{name}, {mt.MODES[meeting.mode].get(language)}"]
    if group:
        parts.append(escape(network.group(meeting.group_key).name.get(language)))
    if place and meeting.place:
        parts.append(escape(meeting.place))
    return " · ".join(parts)


def responsible_holders(
    network: Network, deadline: WheelDeadline, day: date
) -> tuple[Assignment, ...]:
    """Who to name for a deadline on `day`: the current holders of the responsible role
    (in the deadline's group for a group role), or for a term-end check without a
    responsible role the holders whose term ends."""
    role_key = deadline.rule.responsible
    if role_key is None:
        return deadline.holders
    if network.role(role_key).scope == "group" and deadline.group_key is None:
        return ()
    return network.holders(role_key, deadline.group_key, day)


def responsible_title(
    network: Network, deadline: WheelDeadline, language: Language, *, markdown: bool = True
) -> str | None:
    """The responsible role's title in `language` (markdown-escaped unless `markdown=False`),
    or None."""
    if deadline.rule.responsible is None:
        return None
    return _quoting(markdown)(network.role(deadline.rule.responsible).title.get(language))


def deadline_problem(
    network: Network,
    deadline: WheelDeadline,
    language: Language,
    *,
    names: bool = True,
    markdown: bool = True,
) -> str | None:
    """What a failed check found, as a sentence (markdown, or plain text with
    `markdown=False`); None for a plain deadline.

    `names=False` leaves people out (role titles only), for what is served without sign-in.
    """
    check = deadline.rule.check
    problem = check.problem(deadline, names=names) if check is not None else None
    if problem is not None:
        escape = _quoting(markdown)
        values = {
            name: _sentence_value(network, value, language, escape)
            for name, value in problem.values.items()
        }
        return mt.CHECK_PROBLEMS[problem.text].get(language).format(**values)
    if deadline.meeting is not None:
        return mt.RELATIVE_TO_MEETING.get(language).format(
            when=meeting_when(deadline.meeting, language)
        )
    return None


def _sentence_value(
    network: Network, value: SentenceValue, language: Language, escape: Callable[[str], str]
) -> object:
    """A value a check's sentence mentions, as it reads in `language`; what comes from the
    data files quoted with `escape`."""
    match value:
        case Scope(group_key=None):
            return escape(network.name.get(language))
        case Scope(group_key=group_key):
            return escape(network.group(group_key).name.get(language))
        case KindName(key=key):
            return escape(kind_name(network, key).get(language).lower())
        case RoleTitle(key=key):
            return escape(network.role(key).title.get(language).lower())
        case MeetingTime(meeting=meeting):
            return meeting_when(meeting, language)
        case Day(day=day):
            return mt.format_day(day, language)
        case Names(holders=holders):
            return ", ".join(escape(a.person.name) for a in holders)
        case str():
            return escape(value)
    return value


def shift_note(deadline: WheelDeadline, language: Language) -> str:
    """`(flyttat från torsdag 31 december 2026, som är nyårsafton)`, `(moved from Sunday
    31 October 2027)`, or "" if not moved."""
    if deadline.day == deadline.nominal:
        return ""
    day = mt.format_day(deadline.nominal, language)
    holiday = holiday_name(deadline.nominal, language)
    if holiday is None:  # a weekend: the weekday already says so
        return mt.SHIFTED.get(language).format(day=day)
    if language == "sv" and not holiday.startswith("Sveriges"):
        holiday = holiday[0].lower() + holiday[1:]  # Swedish writes holidays in lower case
    return mt.SHIFTED_HOLIDAY.get(language).format(day=day, holiday=holiday)
