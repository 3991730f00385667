"""The command line's schedule commands: `wheel`, `agenda` and `calendar`.

Their output is a contract that scripts outside this repository read, so it stays
stable: `wheel --json` is one JSON array of objects with at least `date`, `key`,
`title`, `network`, `group` and `kind`; `agenda --json` one object with `meeting` (its
`start` in ISO 8601) and `items` (the standing points, then the members' points);
`calendar` an RFC 5545 calendar. A mistake in the arguments (an unknown network or
group, a bad date) is one line on standard error and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TextIO

from bot.settings import Settings
from cli.commands import Wiring, cli_actor
from domain.agenda import Agenda
from domain.calendar_tokens import CalendarScope
from domain.recurrence import local
from domain.registry import Language, Network, RoleRegistry, UnknownGroup, UnknownNetwork
from services.calendar_feed import CalendarFeeds, CalendarLinkKeyMissing, CalendarLinks, is_base_url
from services.schedule import DueItem, Schedule

WHEEL_DAYS = 90  # `wheel` without --days
MAX_WHEEL_DAYS = 3660  # ten years: enough for any plan, and a bound on the work asked for
USAGE_ERROR = 2
LISTING_GC_THRESHOLD = 20_000  # new objects per young garbage collection (Python: 700)


class UsageError(ValueError):
    """A command-line argument that names nothing or is malformed; the message says which."""


@dataclass(frozen=True)
class Streams:
    """Where a command writes its output and its errors."""

    out: TextIO
    err: TextIO


def networks_for(
    registry: RoleRegistry, network_key: str | None, group_key: str | None
) -> list[tuple[Network, str | None]]:
    """The (network, group) pairs `--network`/`--group` name.

    No `--network`: every network, or with `--group` the one network that has that group.
    Raises `UsageError` for an unknown network or group, or a group several networks have.
    """
    if network_key is not None:
        network = _network(registry, network_key)
        if group_key is not None:
            _group(network, group_key)
        return [(network, group_key)]
    if group_key is None:
        return [(network, None) for network in registry.networks]
    having = [n for n in registry.networks if any(g.key == group_key for g in n.groups)]
    if not having:
        raise UsageError(f"unknown group {group_key!r}: no network has it")
    if len(having) > 1:
        keys = ", ".join(n.key for n in having)
        raise UsageError(f"group {group_key!r} is in several networks ({keys}): give --network")
    return [(having[0], group_key)]


def parse_day(value: str | None, option: str, default: date) -> date:
    """A YYYY-MM-DD argument, or `default` without one."""
    if value is None:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


async def wheel_command(
    registry: RoleRegistry,
    schedule: Schedule,
    streams: Streams,
    *,
    network_key: str | None,
    group_key: str | None,
    start: str | None,
    days: int | None,
    as_json: bool,
    language: Language,
    now: datetime,
) -> int:
    """`app.py wheel`: what is due in the window, soonest first."""
    try:
        check_window(start, days)
        scopes = networks_for(registry, network_key, group_key)
        first = parse_day(start, "--from", local(now).date())
        count = WHEEL_DAYS if days is None else days
    except UsageError as err:
        print(f"error: {err}", file=streams.err)
        return USAGE_ERROR
    last = first + timedelta(days=count - 1)
    items = []
    for network, group in scopes:
        items += await schedule.due(network, first, last, language, group_key=group)
    # Networks' lists merged: by day, meetings by time first, then deadlines (stable sort:
    # each network's wheel order is kept).
    items.sort(key=lambda item: (item.day, item.meeting is None, _clock(item)))
    # A year of a large registry is tens of thousands of lines: written in one go.
    if as_json:
        streams.out.write(json_array([i.as_json() for i in items]) + "\n")
        return 0
    lines = []
    for item in items:
        where = item.network_key + (f"/{item.group_key}" if item.group_key else "")
        clock = ""
        if item.meeting is not None:
            start = local(item.meeting.starts_at)
            clock = f"{start.hour:02d}.{start.minute:02d}"
        who = f" [{item.responsible}]" if item.responsible else ""
        lines.append(f"{item.day.isoformat()} {clock:<5}  {item.kind:<8}  {where:<24}  "
                     f"{item.title}{who}\n")  # fmt: skip
    streams.out.write("".join(lines))
    if not items:
        print(f"nothing due from {first.isoformat()} to {last.isoformat()}", file=streams.err)
    return 0


_FLAT = (str, int, float, bool, type(None))


def json_array(rows: list[dict[str, object]]) -> str:
    """`json.dumps(rows, ensure_ascii=False, indent=2)`, byte for byte, for a list of flat
    objects (values str, int, float, bool or None) such as `wheel --json`'s.

    The json module writes indented output with its pure-Python encoder; here each object
    is written by its C encoder (which does not indent) with separators that give the same
    lines, in about two thirds of the time. Anything else goes to `json.dumps` itself.
    """
    if not rows or not all(
        type(row) is dict and row and all(type(v) in _FLAT for v in row.values())
        for row in rows
    ):
        return json.dumps(rows, ensure_ascii=False, indent=2)
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",\n    ", ": ")).encode
    # encode(row) is '{"a": 1,\n    "b": 2}': its inside, between indented braces.
    return "[\n" + ",\n".join(f"  {{\n    {encode(row)[1:-1]}\n  }}" for row in rows) + "\n]"


def _clock(item: DueItem) -> time:
    return local(item.meeting.starts_at).time() if item.meeting is not None else time.min


async def agenda_command(
    registry: RoleRegistry,
    schedule: Schedule,
    streams: Streams,
    *,
    network_key: str,
    group_key: str,
    as_json: bool,
    language: Language,
    now: datetime,
) -> int:
    """`app.py agenda`: the group's next meeting and its agenda points in order."""
    try:
        network = _network(registry, network_key)
        _group(network, group_key)
    except UsageError as err:
        print(f"error: {err}", file=streams.err)
        return USAGE_ERROR
    agenda = await schedule.next_agenda(network, group_key, now)
    if as_json:
        print(json.dumps(agenda_json(network, group_key, agenda, language), ensure_ascii=False,
                         indent=2), file=streams.out)  # fmt: skip
        return 0
    if agenda is None:
        print(f"no meeting of {network_key}/{group_key} is planned", file=streams.out)
        return 0
    meeting = agenda.meeting
    start, end = local(meeting.starts_at), local(meeting.ends_at)
    print(f"{agenda.kind_name.get(language)} {agenda.group_name.get(language)} "
          f"{start:%Y-%m-%d %H.%M}–{end:%H.%M}", file=streams.out)  # fmt: skip
    if meeting.place or meeting.online_url:
        print(meeting.place or meeting.online_url, file=streams.out)
    for number, item in enumerate(_points(agenda, language), start=1):
        print(f"{number}. {item['text']}", file=streams.out)
    return 0


def agenda_json(
    network: Network, group_key: str, agenda: Agenda | None, language: Language
) -> dict[str, object]:
    """`agenda --json`: `meeting` (None when none is planned) and `items`, in order."""
    standing = [
        {"text": p.get(language), "source": "standing"}
        for p in network.agenda.standing_points
    ]
    if agenda is None:
        return {"network": network.key, "group": group_key, "meeting": None, "items": standing}
    meeting = agenda.meeting
    step = None
    if agenda.step is not None:
        step = {
            "number": meeting.step,
            "of": agenda.step_count,
            "title": agenda.step.title.get(language),
            "purpose": agenda.step.purpose.get(language),
            "homework": agenda.step.homework.get(language) or None,
        }
    return {
        "network": network.key,
        "group": group_key,
        "meeting": {
            "id": meeting.id,
            "start": local(meeting.starts_at).isoformat(),
            "end": local(meeting.ends_at).isoformat(),
            "kind": meeting.kind,
            "title": f"{agenda.kind_name.get(language)} {agenda.group_name.get(language)}",
            "mode": meeting.mode,
            "place": meeting.place,
            "online_url": meeting.online_url,
            "step": step,
        },
        "items": _points(agenda, language),
    }


def _points(agenda: Agenda, language: Language) -> list[dict[str, object]]:
    standing = [{"text": p.get(language), "source": "standing"} for p in agenda.standing_points]
    members = [
        {"text": item.text, "source": "member", "added_at": item.added_at.isoformat()}
        for item in agenda.items
    ]
    return standing + members


async def calendar_command(
    registry: RoleRegistry,
    feeds: CalendarFeeds,
    links: CalendarLinks,
    streams: Streams,
    *,
    network_key: str,
    group_key: str | None,
    out: str | None,
    link: bool,
    revoke: bool,
    base_url: str | None,
    language: Language,
    actor: str,
    now: datetime | None = None,
) -> int:
    """`app.py calendar`: write the feed, or print or revoke its subscription link."""
    now = now or datetime.now(UTC)
    try:
        network = _network(registry, network_key)
        if group_key is not None:
            _group(network, group_key)
        check_link_options(link, revoke, base_url)
    except UsageError as err:
        print(f"error: {err}", file=streams.err)
        return USAGE_ERROR
    scope = CalendarScope(network.key, group_key)
    if revoke:
        revoked = await links.revoke(scope, actor=actor, now=now)
        what = f"{network.key}/{group_key}" if group_key else network.key
        print(f"revoked {revoked} subscription link(s) of {what}", file=streams.out)
        return 0
    if link:
        try:
            url = await links.link(scope, base_url or "", actor=actor, now=now)
        except CalendarLinkKeyMissing as err:
            print(f"error: {err}", file=streams.err)
            return USAGE_ERROR
        print(url, file=streams.out)
        return 0
    body = await feeds.feed(scope, language)
    if out is None:
        streams.out.write(body.decode("utf-8"))
        streams.out.flush()
        return 0
    path = Path(out)
    try:
        path.write_bytes(body)
    except OSError as err:
        print(f"error: cannot write {path}: {err.strerror}", file=streams.err)
        return USAGE_ERROR
    print(f"wrote {path}", file=streams.err)
    return 0


def check_window(start: str | None, days: int | None) -> None:
    """`wheel`'s --from and --days, checked before anything is read; else `UsageError`."""
    parse_day(start, "--from", date.today())
    if days is not None and not 1 <= days <= MAX_WHEEL_DAYS:
        raise UsageError(f"--days {days} is not a number of days from 1 to {MAX_WHEEL_DAYS}")


def check_link_options(link: bool, revoke: bool, base_url: str | None) -> None:
    """`calendar`'s --link, --revoke and --base-url, checked before anything is read."""
    if link and revoke:
        raise UsageError("--link and --revoke exclude each other")
    if link and not base_url:
        raise UsageError("--link needs --base-url (the bot's public address)")
    if link:
        check_base_url(base_url or "")


def check_base_url(url: str) -> str:
    """`url` if it is an http(s) address with a host and no query; else `UsageError`."""
    if not is_base_url(url):
        raise UsageError(
            f"--base-url {url!r} is not the bot's public address (e.g. https://bot.example.se)"
        )
    return url


def _network(registry: RoleRegistry, key: str) -> Network:
    try:
        return registry.network(key)
    except UnknownNetwork as err:
        raise UsageError(str(err)) from None


def _group(network: Network, key: str) -> None:
    try:
        network.group(key)
    except UnknownGroup as err:
        raise UsageError(str(err)) from None


def schedule_cli(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
    """`wheel`, `agenda` and `calendar` (`cli.schedule`)."""
    try:  # what needs no database is refused before opening it
        if args.command == "wheel":
            check_window(args.start, args.days)
        if args.command == "calendar":
            check_link_options(args.link, args.revoke, args.base_url)
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        return USAGE_ERROR
    # The output is the data; start-up chatter would only be noise in it.
    logging.getLogger().setLevel(logging.WARNING)
    _fewer_collections()
    return asyncio.run(_schedule_command(settings, args, wiring))


def _fewer_collections() -> None:
    # A year of a large registry is ~36,000 meetings read and ~42,000 items listed, all
    # alive until written. With Python's defaults (a young collection per 700 new
    # objects, a full one each time the heap grew by a quarter) the collector walked them
    # and the ~160,000 objects of the imported modules again and again: a third of the
    # command's CPU. The modules' objects live as long as the command: frozen, they are
    # not walked; young collections come every 20,000 objects, as in `serve`. Objects
    # are still freed by reference counting at once; only cycles wait longer.
    gc.freeze()
    gc.set_threshold(LISTING_GC_THRESHOLD, *gc.get_threshold()[1:])


async def _schedule_command(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
    streams = Streams(out=sys.stdout, err=sys.stderr)
    async with wiring.open_services(settings) as services:
        registry = await services.registry.load()
        now = datetime.now(UTC)
        if args.command == "wheel":
            return await wheel_command(
                registry, services.schedule, streams,
                network_key=args.network, group_key=args.group, start=args.start,
                days=args.days, as_json=args.json, language=args.lang, now=now,
            )  # fmt: skip
        if args.command == "agenda":
            return await agenda_command(
                registry, services.schedule, streams,
                network_key=args.network, group_key=args.group, as_json=args.json,
                language=args.lang, now=now,
            )  # fmt: skip
        return await calendar_command(
            registry, services.calendar_feeds, services.calendar_links, streams,
            network_key=args.network, group_key=args.group, out=args.out, link=args.link,
            revoke=args.revoke, base_url=args.base_url, language=args.lang, actor=cli_actor(),
        )  # fmt: skip
