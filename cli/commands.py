"""The command line's commands, one handler per command: `ask`, `chat`, `registry`, `audit`,
`person`, `minutes` and `backup`/`restore` (`wheel`, `agenda` and `calendar` are
`cli.schedule`).

Every handler takes the settings, the parsed arguments and the `Wiring` app.py hands in:
the handlers open the same services the bot serves with, but never build them.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import sys
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from azure.core.credentials_async import AsyncTokenCredential

from bot.chat import AppFactory, run_chat
from bot.settings import Settings
from dialogs.admin import actor_name, describe
from domain.personal_data import PersonKey
from domain.recurrence import STOCKHOLM
from domain.minutes import RejectedFile
from domain.registry import Person, RoleRegistry, UnknownGroup, UnknownNetwork
from domain.turns import Reply, Turn
from services.minutes import AlreadyFiled, day_range, minutes_status
from storage.personal_data import PersonalData
from storage.registry_files import load_directory, load_file, write_file
from texts.markdown import plain_text
from texts.minutes import CLI_REPLACE_HINT, refusal

# The services app.py builds (`app.Services`): typed loosely here, because only the
# composition root knows the concrete objects, and this layer must not import it.
Services = Any


@dataclass(frozen=True)
class Wiring:
    """What the composition root lends the command line: how to open the services, build
    the web app (the terminal chat runs it) and serve."""

    open_services: Callable[..., AbstractAsyncContextManager[Services]]
    create_app: AppFactory
    serve: Callable[[Settings, argparse.Namespace], int]


def cli_actor() -> str:
    """Who the audit log names for a change made from the command line."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name, e.g. a container's numeric user
        return "cli:unknown"


def ask(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
    # Answers are the output; start-up chatter (migrations, seeding) would only be noise.
    logging.getLogger().setLevel(logging.WARNING)
    args.network = args.network or settings.default_network
    if args.question is not None:
        questions = [args.question]
    else:
        questions = (line.rstrip("\n") for line in sys.stdin)
    return asyncio.run(_ask(settings, args, questions, wiring))


async def _ask(settings: Settings, args: argparse.Namespace, questions, wiring: Wiring) -> int:
    async with wiring.open_services(settings) as services:
        registry, _ = await services.snapshots.current()
        problem = _unknown_place(registry, args.network, args.group)
        if problem is not None:
            print(f"error: {problem}", file=sys.stderr)
            return 2
        status = 0
        for line in questions:
            try:
                turn = _turn_from_line(line, args)
                problem = _unknown_place(registry, turn.network_key, turn.group_key)
                if problem is not None:
                    raise ValueError(problem)
            except ValueError as err:
                # One answer line per question line still: the error takes this line's place.
                print(f"error: {err}", file=sys.stderr)
                print(_format_error(str(err), args.json), flush=True)
                status = 1
                continue
            replies = await services.conversation.respond(turn)
            print(_format_reply(replies[0], turn, args.json), flush=True)
    return status


def _unknown_place(registry: RoleRegistry, network_key: str | None, group_key: str | None):
    """What is wrong with a network and group given on the command line, or None."""
    if not registry.networks:
        return None  # the conversation says so itself
    try:
        network = registry.network(network_key or "")
        if group_key is not None:
            network.group(group_key)
    except UnknownNetwork as err:
        return f"unknown network {err.key!r}; known: {', '.join(err.known)}"
    except UnknownGroup as err:
        known = ", ".join(g.key for g in network.groups)
        return f"unknown group {err.key!r} in {network.key}; known: {known}"
    return None


def _turn_from_line(line: str, args: argparse.Namespace) -> Turn:
    """A question line: plain text, or a JSON object {"q", "network", "group"}."""
    network, group, text = args.network, args.group, line
    if line.lstrip().startswith("{"):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(f"not a valid JSON question line: {err.msg}") from err
        if not isinstance(obj, dict) or not isinstance(obj.get("q"), str):
            raise ValueError('a JSON question line needs a string field "q"')
        text = obj["q"]
        network = obj.get("network") or network
        group = obj.get("group") or group
    return Turn(text=text, network_key=network, group_key=group)


def _format_reply(reply: Reply, turn: Turn, as_json: bool) -> str:
    one_line = " ".join(part.strip() for part in reply.text.splitlines() if part.strip())
    if not as_json:
        return plain_text(one_line)
    contact = reply.contact
    holders = [
        {
            "name": a.person.name,
            "email": a.person.email,
            "entra_object_id": a.person.entra_object_id,
            "group": a.group_key,
            "deputy": a.deputy,
        }
        for a in ((contact.holders + contact.deputies) if contact else ())
    ]
    return json.dumps(
        {
            "question": turn.text,
            "roles": list(contact.roles) if contact else [],
            "answer": one_line,
            "holders": holders,
            "network": contact.network_key if contact else turn.network_key,
            "group": contact.group_key if contact else turn.group_key,
            "language": reply.language,
        },
        ensure_ascii=False,
    )


def _format_error(message: str, as_json: bool) -> str:
    if as_json:
        return json.dumps({"roles": [], "answer": message, "holders": [], "error": message},
                          ensure_ascii=False)
    return f"error: {message}"


def chat(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
    # The conversation is on stdout; only problems belong on the same terminal's stderr.
    logging.getLogger().setLevel(logging.WARNING)
    return asyncio.run(run_chat(settings, sys.stdin, sys.stdout, create_app=wiring.create_app))


def registry_command(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
    return asyncio.run(_registry_command(settings, args, wiring))


async def _registry_command(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
    async with wiring.open_services(settings) as services:
        if args.action == "export":
            registry = await services.registry.load()
            write_file(registry, Path(args.file))
            print(f"exported {len(registry.networks)} networks to {args.file}")
            # Admins' wheel changes live in the database, not in data files: say so, so an
            # export is never mistaken for everything (they survive import and reload).
            overrides = await services.wheel_overrides.all()
            changed = [f"{n}/{rule}" for n, rules in overrides.items() for rule in rules]
            if changed:
                print(
                    f"note: {len(changed)} annual-wheel entries changed by admins are kept in "
                    f"the database, not in {args.file}: {', '.join(changed)}",
                    file=sys.stderr,
                )
            return 0
        source = Path(args.file) if args.action == "import" else settings.networks_dir
        imported = load_file(source) if source.is_file() else load_directory(source)
        await services.registry.replace_networks(
            imported.networks, actor=cli_actor(), action=f"registry.{args.action}"
        )
        print(f"imported {', '.join(imported.keys())} from {source}")
        return 0


def audit_command(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
    # The output is the data; start-up chatter would only be noise in it.
    logging.getLogger().setLevel(logging.WARNING)
    return asyncio.run(_audit_command(settings, args, wiring))


async def _audit_command(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
    since = None
    if args.since:
        try:
            since = datetime.fromisoformat(args.since)
        except ValueError:
            print(f"--since {args.since!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
            return 2
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
    async with wiring.open_services(settings) as services:
        entries = await services.audit_log.entries(network_key=args.network, since=since)
        registry = await services.registry.load()
    for entry in reversed(entries):  # oldest first, as a log reads
        if args.json:
            line = {**entry.as_json(), "actor_name": actor_name(entry.actor, registry, "en")}
            print(json.dumps(line, ensure_ascii=False))
        else:
            print(describe(entry, registry, "en"))
    return 0


def person_command(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
    # The output is the data; start-up chatter would only be noise in it.
    logging.getLogger().setLevel(logging.WARNING)
    return asyncio.run(_person_command(settings, args, wiring))


async def _person_command(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
    key = person_key(args)
    async with wiring.open_services(settings) as services:
        personal_data = PersonalData(services.database)
        people = await personal_data.find(key)
        if len(people) > 1:
            # A shared name: which of them is meant must be said by e-mail or object id.
            print(
                f"{len(people)} people are named {key.value!r}; nothing was "
                f"{'exported' if args.action == 'export' else 'erased'}. Name one of them "
                "by --email or --entra-id:",
                file=sys.stderr,
            )
            for person in people:
                print(f"  {describe_person(person)}", file=sys.stderr)
            return 2
        if args.action == "export":
            exported = await personal_data.export(key)
            print(json.dumps(exported, ensure_ascii=False, indent=2))
            return 0
        erasure = await personal_data.erase(key, actor=cli_actor(), now=datetime.now(UTC))
    print(f"erased {key.describe()}: {json.dumps(erasure.as_json())}")
    needles = {key.value, *(i for p in people for i in (p.email, p.entra_object_id) if i)}
    if any(_in_data_files(settings.networks_dir, needle) for needle in needles):
        # The data files are the registry's source: a reload would bring the person back.
        print(
            f"warning: {key.value} is still in the data files in {settings.networks_dir}; "
            "remove them there before the next `registry reload`",
            file=sys.stderr,
        )
    return 0


def person_key(args: argparse.Namespace) -> PersonKey:
    """The person the command line names: by --email, --entra-id or --name."""
    if args.email is not None:
        return PersonKey("email", args.email)
    if args.entra_id is not None:
        return PersonKey("entra_object_id", args.entra_id)
    return PersonKey("name", args.name)


def describe_person(person: Person) -> str:
    """`Name <e-mail> (entra id)`, what of it is known, for listing people on a terminal."""
    parts = [person.name]
    if person.email:
        parts.append(f"<{person.email}>")
    if person.entra_object_id:
        parts.append(f"(--entra-id {person.entra_object_id})")
    if len(parts) == 1:
        parts.append("(registered by name only)")
    return " ".join(parts)


def _in_data_files(folder: Path, needle: str) -> bool:
    if not folder.is_dir():
        return False
    wanted = needle.casefold()
    return any(wanted in path.read_text(encoding="utf-8").casefold()
               for path in sorted(folder.glob("*.y*ml")))


def minutes_command(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
    # The output is the data; start-up chatter would only be noise in it.
    logging.getLogger().setLevel(logging.WARNING)
    return asyncio.run(_minutes_command(settings, args, wiring))


async def _minutes_command(
    settings: Settings,
    args: argparse.Namespace,
    wiring: Wiring,
    *,
    graph_credential: AsyncTokenCredential | None = None,
) -> int:
    async with wiring.open_services(settings, graph_credential=graph_credential) as services:
        registry = await services.registry.load()
        network_key = args.network or settings.default_network
        try:
            network = registry.network(network_key)
            if args.group:
                network.group(args.group)
        except KeyError as err:
            print(str(err).strip("'\""), file=sys.stderr)
            return 2
        if args.action == "status":
            return await _minutes_status(services, network, args)
        return await _minutes_upload(services, network, args)


async def _minutes_status(services: Services, network, args: argparse.Namespace) -> int:
    groups = await minutes_status(
        network,
        services.meetings,
        services.minutes.minutes_repository,
        datetime.now(UTC),
        days=services.minutes.rules.status_days,
        group_key=args.group,
    )
    for group in groups:
        for item in group.meetings:
            day = item.meeting.starts_at.astimezone(STOCKHOLM).date().isoformat()
            if args.json:
                line = {
                    "network": network.key,
                    "group": group.group_key,
                    "meeting_id": item.meeting.id,
                    "date": day,
                    "state": item.state,
                    "web_url": item.minutes.web_url if item.minutes else None,
                    "path": item.minutes.path if item.minutes else None,
                    "size": item.minutes.size if item.minutes else None,
                    "sha256": item.minutes.sha256 if item.minutes else None,
                    "version": item.minutes.version if item.minutes else None,
                }
                print(json.dumps(line, ensure_ascii=False))
            else:
                where = f" {item.minutes.web_url}" if item.minutes else ""
                print(f"{group.group_key} {day} {item.state}{where}")
    return 0


async def _minutes_upload(services: Services, network, args: argparse.Namespace) -> int:
    if not args.group:
        print("--group is required", file=sys.stderr)
        return 2
    try:
        day = date.fromisoformat(args.meeting)
    except ValueError:
        print(f"--meeting {args.meeting!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
        return 2
    start, end = day_range(day)
    meetings = await services.meetings.meetings(network.key, start, end, group_key=args.group)
    if len(meetings) != 1:
        print(f"{len(meetings)} meetings of {args.group} on {day}; expected one", file=sys.stderr)
        return 2
    path = Path(args.file)
    try:
        content = await asyncio.to_thread(path.read_bytes)
    except OSError as err:
        print(f"cannot read {path}: {err.strerror}", file=sys.stderr)
        return 2
    try:
        outcome = await services.minutes.receive(
            meetings[0], path.name, content, by=cli_actor(), language="en", replace=args.replace
        )
    except RejectedFile as refused:
        print(refusal(refused, "en"), file=sys.stderr)
        return 2
    except AlreadyFiled as filed:
        print(f"{filed.message}\n{CLI_REPLACE_HINT.en}", file=sys.stderr)
        return 4
    print(outcome.message)
    if outcome.admin_message:
        print(outcome.admin_message, file=sys.stderr)
    return 0 if outcome.minutes is not None else 5


def backup_command(settings: Settings, args: argparse.Namespace, _: Wiring) -> int:
    from storage.backup import BackupError, back_up  # tarfile and Alembic's scripts: not a bot's

    try:
        summary = back_up(settings.database_url, settings.data_dir, Path(args.file))
    except BackupError as err:
        print(f"backup: {err}", file=sys.stderr)
        return 2
    print(
        f"backed up schema {summary.revision}, {sum(summary.rows.values())} rows and "
        f"{summary.files} waiting files to {summary.path}"
    )
    return 0


def restore_command(settings: Settings, args: argparse.Namespace, _: Wiring) -> int:
    from storage.backup import BackupError, restore

    try:
        summary = restore(Path(args.file), settings.database_url, settings.data_dir)
    except BackupError as err:
        print(f"restore: {err}", file=sys.stderr)
        return 2
    print(
        f"restored schema {summary.revision}, {sum(summary.rows.values())} rows and "
        f"{summary.files} waiting files into {summary.path}"
        + (f" and {settings.data_dir}" if summary.files else "")
    )
    return 0
