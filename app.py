"""samverkan-bot: composition root and command line.

    python app.py [serve]            start the bot (POST /api/messages, GET /healthz)
    python app.py ask [QUESTION]     answer "who do I contact?" questions (stdin if no QUESTION)
    python app.py chat               talk to the bot in the terminal, through the real adapter
    python app.py registry export|import FILE, registry reload
    python app.py package --app-id ID --host HOST --out FILE.zip   the Teams app package

This module only builds things and wires them together; the behaviour lives in
`bot/` (Teams edge), `dialogs/` (conversation logic) and `storage/` (database).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web

from bot.adapter import create_adapter
from bot.http import create_web_app
from bot.logs import configure_logging
from bot.proactive import ConnectorSender
from bot.settings import Settings, SettingsError
from bot.teams_bot import SamverkanBot
from bot.wheel_page import wheel_routes
from bot.wheel_source import WheelPages
from dialogs.conversation import Conversation, RegistrySnapshots
from dialogs.installation import TeamInstallations
from dialogs.meetings import MeetingDialogs
from dialogs.posts import POSTS_COMMAND, PostsOverview
from dialogs.turns import Reply, Turn
from manifest.package import add_package_arguments, main_package
from scheduler.delivery import DeliveryWorker, process_worker_id
from scheduler.planning import MeetingPlanner, sync_meeting_series
from scheduler.posts import Planner
from scheduler.runner import DeliveryRunner
from storage.changes import ChangeFeed
from storage.conversations import ConversationStore
from storage.database import Database, DatabaseUnavailable
from storage.meetings import MeetingRepository
from storage.outbox import Outbox
from storage.registry_files import RegistryFileError, load_directory, load_file, write_file
from storage.registry_repository import RegistryRepository

log = logging.getLogger("samverkan")


@dataclass(frozen=True)
class Services:
    """Everything the front ends share, built once per process."""

    database: Database
    registry: RegistryRepository
    conversation_store: ConversationStore
    conversation: Conversation
    outbox: Outbox
    planners: tuple[Planner, ...]
    installations: TeamInstallations
    meetings: MeetingRepository
    snapshots: RegistrySnapshots


@asynccontextmanager
async def open_services(settings: Settings) -> AsyncIterator[Services]:
    """Open the database (migrated, seeded with the configured networks on first start)."""
    database = Database(settings.database_url)
    changes = ChangeFeed(database)
    try:
        await database.migrate()
        await changes.start()
        registry = RegistryRepository(database, changes)
        if await registry.is_empty():
            networks = load_directory(settings.networks_dir).networks
            await registry.replace_networks(networks)
            log.info("registry seeded", extra={"networks": [n.key for n in networks]})
        snapshots = RegistrySnapshots(registry)
        store = ConversationStore(database, changes)
        outbox = Outbox(database)
        meetings = MeetingRepository(database)
        planners: tuple[Planner, ...] = (MeetingPlanner(registry, meetings),)
        await sync_meeting_series(await registry.load(), meetings, datetime.now(UTC))
        meeting_dialogs = MeetingDialogs(meetings)
        conversation = Conversation(
            snapshots,
            default_network=settings.default_network,
            commands=[
                *meeting_dialogs.commands(),
                (POSTS_COMMAND, PostsOverview(outbox, planners).handle),
            ],
            actions=meeting_dialogs.actions(),
        )
        installations = TeamInstallations(
            registry=snapshots,
            channels=store,
            outbox=outbox,
            default_network=settings.default_network,
        )
        yield Services(
            database=database,
            registry=registry,
            conversation_store=store,
            conversation=conversation,
            outbox=outbox,
            planners=planners,
            installations=installations,
            meetings=meetings,
            snapshots=snapshots,
        )
    finally:
        await changes.close()
        await database.close()


async def create_app(settings: Settings) -> web.Application:
    """The aiohttp application with the bot behind /api/messages and the scheduler.

    Closes its services on cleanup, after the scheduler has stopped.
    """
    resources = AsyncExitStack()
    services = await resources.enter_async_context(open_services(settings))
    adapter = create_adapter(settings)
    resources.push_async_callback(adapter.close)
    bot = SamverkanBot(services.conversation, services.conversation_store, services.installations)
    wheel_pages = WheelPages(
        services.snapshots, services.meetings, default_network=settings.default_network
    )
    app = create_web_app(
        settings=settings, adapter=adapter, bot=bot, extra_routes=wheel_routes(wheel_pages.load)
    )
    if settings.scheduler_interval_seconds:
        worker = DeliveryWorker(
            outbox=services.outbox,
            channels=services.conversation_store,
            sender=ConnectorSender(adapter),
            worker_id=process_worker_id(),
        )
        runner = DeliveryRunner(
            planners=services.planners,
            outbox=services.outbox,
            worker=worker,
            interval=timedelta(seconds=settings.scheduler_interval_seconds),
        )
        app.cleanup_ctx.append(runner.run_with_app)  # cleaned up before `close_services`

    async def close_services(_: web.Application) -> None:
        await resources.aclose()

    app.on_cleanup.append(close_services)
    return app


# --- command line ---------------------------------------------------------------------


def serve(settings: Settings, args: argparse.Namespace) -> int:
    host = args.host or settings.host
    port = args.port or settings.port
    if settings.local_mode:
        log.warning(
            "LOCAL MODE: MicrosoftAppId is empty, so /api/messages accepts unauthenticated "
            "requests from local clients only (Agents Playground, `app.py chat`). "
            "Set MicrosoftAppId/MicrosoftAppPassword before exposing this bot."
        )
    log.info("starting", extra={"url": f"http://{host}:{port}/api/messages"})
    web.run_app(create_app(settings), host=host, port=port, print=None)
    return 0


def ask(settings: Settings, args: argparse.Namespace) -> int:
    # Answers are the output; start-up chatter (migrations, seeding) would only be noise.
    logging.getLogger().setLevel(logging.WARNING)
    questions = [args.question] if args.question is not None else (l.rstrip("\n") for l in sys.stdin)
    return asyncio.run(_ask(settings, args, questions))


async def _ask(settings: Settings, args: argparse.Namespace, questions) -> int:
    async with open_services(settings) as services:
        for line in questions:
            try:
                turn = _turn_from_line(line, args)
            except ValueError as err:
                print(_format_error(str(err), args.json), flush=True)
                continue
            replies = await services.conversation.respond(turn)
            print(_format_reply(replies[0], turn, args.json), flush=True)
    return 0


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
        return one_line
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


def chat(settings: Settings, args: argparse.Namespace) -> int:
    from bot.chat import run_chat  # only the chat needs the local connector

    # The conversation is on stdout; only problems belong on the same terminal's stderr.
    logging.getLogger().setLevel(logging.WARNING)
    return asyncio.run(run_chat(settings, sys.stdin, sys.stdout, create_app=create_app))


def registry_command(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_registry_command(settings, args))


async def _registry_command(settings: Settings, args: argparse.Namespace) -> int:
    async with open_services(settings) as services:
        if args.action == "export":
            registry = await services.registry.load()
            write_file(registry, Path(args.file))
            print(f"exported {len(registry.networks)} networks to {args.file}")
            return 0
        source = Path(args.file) if args.action == "import" else settings.networks_dir
        imported = load_file(source) if source.is_file() else load_directory(source)
        await services.registry.replace_networks(imported.networks)
        print(f"imported {', '.join(imported.keys())} from {source}")
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command")

    serve_parser = commands.add_parser("serve", help="start the bot (default)")
    serve_parser.add_argument("--host", help="address to bind (default HOST or 127.0.0.1)")
    serve_parser.add_argument("--port", type=int, help="port (default PORT or 3978)")
    serve_parser.set_defaults(func=serve)

    ask_parser = commands.add_parser("ask", help='answer "who do I contact?" questions')
    ask_parser.add_argument("question", nargs="?", help="the question; stdin lines if omitted")
    ask_parser.add_argument("--network", default="bestservice", help="network key")
    ask_parser.add_argument("--group", help="group key within the network")
    ask_parser.add_argument("--json", action="store_true", help="one JSON object per answer")
    ask_parser.set_defaults(func=ask)

    chat_parser = commands.add_parser("chat", help="talk to the bot in this terminal")
    chat_parser.set_defaults(func=chat)

    registry_parser = commands.add_parser("registry", help="export, import or reload the registry")
    registry_actions = registry_parser.add_subparsers(dest="action", required=True)
    for action, help_text in (("export", "write the registry to a YAML file"),
                              ("import", "replace the networks in a YAML file or folder")):
        action_parser = registry_actions.add_parser(action, help=help_text)
        action_parser.add_argument("file", help="YAML file")
    registry_actions.add_parser("reload", help="re-import the configured networks folder")
    registry_parser.set_defaults(func=registry_command)

    package_parser = commands.add_parser("package", help="build the Teams app package (zip)")
    add_package_arguments(package_parser)
    # Built from its options only, never from settings: a broken .env must not stop it.
    package_parser.set_defaults(func=None, standalone=main_package)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        args = build_parser().parse_args(["serve", *(argv or [])])
    if getattr(args, "standalone", None):
        return args.standalone(args)
    try:
        settings = Settings.from_env()
    except SettingsError as err:
        print(f"configuration error: {err}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    try:
        return args.func(settings, args)
    except DatabaseUnavailable as err:
        print(f"database unavailable: {err}", file=sys.stderr)
        return 3
    except RegistryFileError as err:
        print(f"registry file error: {err}", file=sys.stderr)
        return 4


if __name__ == "__main__":
    sys.exit(main())
