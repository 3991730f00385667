"""samverkan-bot: composition root and command line.

    python app.py [serve]            start the bot (POST /api/messages, GET /healthz, /readyz,
                                     /metrics)
    python app.py ask [QUESTION]     answer "who do I contact?" questions (stdin if no QUESTION)
    python app.py chat               talk to the bot in the terminal, through the real adapter
    python app.py registry export|import FILE, registry reload
    python app.py audit [--network KEY] [--since DATE] [--json]   the audit log
    python app.py person export|erase --email A|--entra-id ID|--name N   a person's data (GDPR)
    python app.py package --app-id ID --host HOST --out FILE.zip   the Teams app package
    python app.py minutes status [--network KEY] [--group KEY] [--json]   minutes filed/missing
    python app.py minutes upload --group KEY --meeting YYYY-MM-DD FILE [--replace]   file minutes
    python app.py wheel [--network KEY] [--group KEY] [--from DATE] [--days N] [--json]
    python app.py agenda --network KEY --group KEY [--json]   the next meeting's agenda
    python app.py calendar --network KEY [--group KEY] [--out FILE | --link --base-url URL
                           | --revoke]   the calendar feed (RFC 5545) and its subscription link
    python app.py backup FILE        a consistent backup of a SQLite deployment, while it runs
    python app.py restore FILE       a backup into a new, empty location

This module only builds things and wires them together; the behaviour lives in
`bot/` (Teams edge), `dialogs/` (conversation logic) and `storage/` (database).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import getpass
import json
import logging
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path

from aiohttp import web
from azure.core.credentials_async import AsyncTokenCredential

from bot.adapter import SamverkanAdapter, create_adapter
from bot.calendar_routes import calendar_routes
from bot.file_hosts import FileHosts
from bot.files import SharedFileReader, download
from bot.graph import GraphConfig, GraphDirectory, GraphFiles, credential_for
from bot.http import PortUnavailable, ReadinessCheck, create_web_app, listening_sockets
from bot.metrics import MetricsEndpoint, TurnCounters
from bot.proactive import ConnectorSender
from bot.settings import Settings, SettingsError
from bot.tab_pages import tab_routes
from bot.team_owners import DirectoryPeople, GraphTeamOwners
from bot.teams_bot import SamverkanBot
from bot.wheel_page import wheel_routes
from bot.wheel_source import WheelPages, wheel_page_link
from cli.schedule import (
    USAGE_ERROR,
    Streams,
    UsageError,
    agenda_command,
    calendar_command,
    check_link_options,
    check_window,
    wheel_command,
)
from dialogs.admin import AuditDialogs, actor_name, describe
from dialogs.conversation import Conversation
from dialogs.installation import TeamInstallations
from dialogs.meetings import MeetingDialogs
from dialogs.minutes import MinutesDialogs, MinutesInbox
from dialogs.posts import POSTS_COMMAND, PostsOverview
from dialogs.roles_admin import RolesAdminDialogs
from dialogs.wheel_admin import WheelAdmin
from domain.posts import Planner
from domain.recurrence import STOCKHOLM
from domain.registry import Person, RoleRegistry, UnknownGroup, UnknownNetwork
from domain.turns import Reply, Turn
from manifest.package import add_package_arguments, main_package
from observability.logs import configure_logging
from scheduler.delivery import DeliveryWorker, RetryPolicy, process_worker_id, sends_within
from scheduler.housekeeping import Housekeeping, RetentionPeriods
from scheduler.runner import DeliveryRunner
from services.calendar_feed import CalendarFeeds, CalendarLinks
from services.minutes import (
    AlreadyFiled,
    MinutesChaser,
    MinutesFiler,
    MinutesRules,
    RejectedFile,
    StoredChannels,
    UploadRetry,
    day_range,
    minutes_status,
)
from services.permissions import Permissions
from services.planning import MeetingPlanner, sync_meeting_series
from services.registry_snapshots import RegistrySnapshots
from services.schedule import Schedule
from storage.audit import AuditLog
from storage.backup import BackupError, back_up, restore
from storage.calendar_tokens import CalendarTokenStore
from storage.changes import ChangeFeed
from storage.conversations import ConversationStore
from storage.database import Database, DatabaseUnavailable, retry_while_unavailable
from storage.meetings import MeetingRepository
from storage.minutes import MinutesRepository
from storage.outbox import Outbox
from storage.personal_data import PersonalData, PersonKey
from storage.registry_files import RegistryFileError, load_directory, load_file, write_file
from storage.registry_repository import RegistryRepository
from storage.send_budget import SendBudgetStore
from storage.wheel_overrides import WheelOverrideStore
from texts.markdown import plain_text
from texts.minutes import CLI_REPLACE_HINT

log = logging.getLogger("samverkan")

# How long `serve` keeps trying a database that is not up yet (e.g. started with it).
DATABASE_WAIT_SECONDS = 120.0

# New container objects (net of those freed) that start a young garbage collection in
# `serve`; Python's default is 700 (see `_freeze_startup_objects`).
YOUNG_GC_THRESHOLD = 20_000


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
    audit_log: AuditLog
    minutes: MinutesFiler
    housekeeping: Housekeeping
    roles_admin: RolesAdminDialogs
    wheel_overrides: WheelOverrideStore
    schedule: Schedule
    calendar_feeds: CalendarFeeds
    calendar_links: CalendarLinks


@asynccontextmanager
async def open_services(
    settings: Settings,
    *,
    graph_credential: AsyncTokenCredential | None = None,
    team_owners_from_graph: bool = False,
) -> AsyncIterator[Services]:
    """Open the database (migrated, seeded with the configured networks on first start).

    `graph_credential` replaces the one the settings describe (tests: a static token).
    `team_owners_from_graph`: a team's owners may administer its network (asked of
    Graph, in the running bot); otherwise, as on the command line, only configured admins.
    """
    database = Database(
        settings.database_url, statement_timeout=settings.database_statement_timeout_seconds
    )
    changes = ChangeFeed(database)
    resources = AsyncExitStack()
    try:
        await database.migrate()
        await changes.start()
        registry = RegistryRepository(database, changes)
        async with database.startup_lock():  # replicas starting together seed once
            if await registry.is_empty():
                networks = load_directory(settings.networks_dir).networks
                await registry.replace_networks(networks, action="registry.seed")
                log.info("registry seeded", extra={"networks": [n.key for n in networks]})
        audit_log = AuditLog(database)
        snapshots = RegistrySnapshots(registry)
        store = ConversationStore(database, changes)
        outbox = Outbox(database)
        meetings = MeetingRepository(database)
        minutes_repository = MinutesRepository(database, settings.data_dir)
        housekeeping = Housekeeping(
            audit_log=audit_log,
            outbox=outbox,
            uploads=minutes_repository,
            retention=retention_from(settings),
        )
        await housekeeping.run(datetime.now(UTC))  # and daily in a running bot
        minutes_rules = minutes_rules_from(settings)
        wheel_overrides = WheelOverrideStore(database)
        planners: tuple[Planner, ...] = (
            MeetingPlanner(registry, meetings, overrides=wheel_overrides),
            MinutesChaser(registry, meetings, minutes_repository, rules=minutes_rules),
        )
        graph_config = graph_config_from(settings)
        graph_files: GraphFiles | None = None
        graph_directory: GraphDirectory | None = None
        if graph_config.configured:
            credential = graph_credential or credential_for(graph_config)
            graph_files = GraphFiles(graph_config, credential)
            resources.push_async_callback(graph_files.close)  # closes the credential too
            graph_directory = GraphDirectory(graph_config, credential)
        team_owners = (
            GraphTeamOwners(graph_directory, store, minutes_repository)
            if graph_directory is not None and team_owners_from_graph
            else None
        )
        permissions = Permissions(team_owners)
        roles_admin = RolesAdminDialogs(
            snapshots,
            registry,
            default_network=settings.default_network,
            permissions=permissions,
            directory=DirectoryPeople(graph_directory) if graph_directory is not None else None,
        )
        minutes = MinutesFiler(
            minutes=minutes_repository,
            meetings=meetings,
            registry=registry,
            channels=StoredChannels(store, minutes_repository),
            files=graph_files,
            outbox=outbox,
            rules=minutes_rules,
            simple_upload_limit=graph_config.simple_upload_limit,
            download=partial(download, hosts=FileHosts.from_settings(settings)),
            read_shared=SharedFileReader(graph_files),
            retry=upload_retry_from(settings),
            worker_id=process_worker_id(),
        )
        minutes_dialogs = MinutesDialogs(meetings, minutes_repository, minutes_rules)
        minutes_inbox = MinutesInbox(minutes, meetings, minutes_repository)
        await sync_meeting_series(await registry.load(), meetings, datetime.now(UTC))
        calendar_links = CalendarLinks(
            CalendarTokenStore(database), settings.calendar_link_key.encode() or None
        )
        meeting_dialogs = MeetingDialogs(
            meetings,
            permissions=permissions,
            wheel_overrides=wheel_overrides,
            calendar_links=calendar_links,
            public_base_url=settings.public_base_url,
            wheel_link=wheel_page_link(settings),
        )
        wheel_admin = WheelAdmin(wheel_overrides, meetings, outbox, permissions=permissions)
        schedule = Schedule(meetings, wheel_overrides)
        installations = TeamInstallations(
            registry=snapshots,
            channels=store,
            outbox=outbox,
            default_network=settings.default_network,
            permissions=permissions,
        )
        conversation = Conversation(
            snapshots,
            default_network=settings.default_network,
            commands=[
                *meeting_dialogs.commands(),
                *AuditDialogs(audit_log, permissions=permissions).commands(),
                *roles_admin.commands(),
                *installations.commands(),
                *minutes_dialogs.commands(),
                (POSTS_COMMAND, PostsOverview(outbox, planners).handle),
            ],
            actions=[
                *meeting_dialogs.actions(),
                *minutes_dialogs.actions(),
                *minutes_inbox.actions(),
                *roles_admin.actions(),
                *installations.actions(),
                *wheel_admin.actions(),
            ],
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
            audit_log=audit_log,
            minutes=minutes,
            housekeeping=housekeeping,
            roles_admin=roles_admin,
            wheel_overrides=wheel_overrides,
            schedule=schedule,
            calendar_feeds=CalendarFeeds(snapshots, schedule),
            calendar_links=calendar_links,
        )
    finally:
        await resources.aclose()
        await changes.close()
        await database.close()


def graph_config_from(settings: Settings) -> GraphConfig:
    """The Graph edge's configuration from the settings."""
    return GraphConfig(
        tenant_id=settings.graph_tenant_id,
        client_id=settings.graph_client_id,
        client_secret=settings.graph_client_secret,
        certificate_path=settings.graph_certificate_path,
        base_url=settings.graph_base_url,
        backoff_seconds=settings.graph_retry_seconds,
    )


def upload_retry_from(settings: Settings) -> UploadRetry:
    """The pauses between tries of a received file's upload, from the settings."""
    return UploadRetry(
        base=timedelta(seconds=settings.minutes_retry_base_seconds),
        cap=timedelta(seconds=settings.minutes_retry_max_seconds),
    )


def delivery_worker_from(
    settings: Settings, services: Services, adapter: SamverkanAdapter
) -> DeliveryWorker:
    """This process's outbox worker: lease, retry pause and the tenant's shared rate from
    the settings."""
    lease = timedelta(seconds=settings.outbox_lease_seconds)
    send_timeout, batch_size = sends_within(lease)
    return DeliveryWorker(
        outbox=services.outbox,
        channels=services.conversation_store,
        sender=ConnectorSender(adapter, timeout=send_timeout.total_seconds()),
        worker_id=process_worker_id(),
        retry=RetryPolicy(base=timedelta(seconds=settings.outbox_retry_base_seconds)),
        batch_size=batch_size,
        lease=lease,
        send_timeout=send_timeout,
        budget=SendBudgetStore(services.database, settings.tenant_posts_per_second),
    )


def retention_from(settings: Settings) -> RetentionPeriods:
    """How long records with personal data are kept, from the settings."""
    return RetentionPeriods(
        audit_log=timedelta(days=settings.audit_retention_days),
        outbox=timedelta(days=settings.outbox_retention_days),
        failed_uploads=timedelta(days=settings.failed_upload_retention_days),
    )


def minutes_rules_from(settings: Settings) -> MinutesRules:
    """What minutes files are accepted and when they are chased, from the settings."""
    return MinutesRules(
        max_bytes=settings.minutes_max_mb * 1024 * 1024,
        allowed_types=settings.minutes_types,
        reminder_days=settings.minutes_reminder_days,
        reminder_shift=settings.minutes_reminder_shift,
    )


async def create_app(
    settings: Settings, *, graph_credential: AsyncTokenCredential | None = None
) -> web.Application:
    """The aiohttp application with the bot behind /api/messages and the scheduler.

    Closes its services on cleanup, after the scheduler has stopped.
    """
    resources = AsyncExitStack()
    services = await resources.enter_async_context(
        open_services(settings, graph_credential=graph_credential, team_owners_from_graph=True)
    )
    adapter = create_adapter(settings)
    resources.push_async_callback(adapter.close)
    bot = SamverkanBot(
        services.conversation,
        services.conversation_store,
        services.installations,
        services.minutes.minutes_repository,
        people=services.roles_admin,
        file_hosts=FileHosts.from_settings(settings),
    )
    wheel_pages = WheelPages(
        services.snapshots,
        services.meetings,
        default_network=settings.default_network,
        overrides=services.wheel_overrides,
        calendar_links=services.calendar_links,
        public_base_url=settings.public_base_url,
        team_bindings=services.conversation_store.bindings_for_team,
    )
    runner: DeliveryRunner | None = None
    if settings.scheduler_interval_seconds:
        worker = delivery_worker_from(settings, services, adapter)
        runner = DeliveryRunner(
            planners=services.planners,
            outbox=services.outbox,
            worker=worker,
            interval=timedelta(seconds=settings.scheduler_interval_seconds),
            housekeeping=services.housekeeping,
        )
    turn_counters = TurnCounters()
    metrics = MetricsEndpoint(
        turns=turn_counters,
        deliveries=runner.counters if runner is not None else None,
        outbox_counts=services.outbox.count_by_status,
    )
    app = create_web_app(
        settings=settings,
        adapter=adapter,
        bot=bot,
        extra_routes=[
            *wheel_routes(wheel_pages.load, wheel_pages.subscription),
            *tab_routes(wheel_pages.tab_networks),
            *calendar_routes(services.calendar_links, services.calendar_feeds),
            web.get("/metrics", metrics.handle),
        ],
        readiness=ReadinessCheck(ping=services.database.ping, scheduler=runner),
        turn_counters=turn_counters,
    )
    if runner is not None:
        app.cleanup_ctx.append(runner.run_with_app)  # cleaned up before `close_services`
        # A filing notice goes out at once, not at the next interval.
        services.minutes.on_posts = runner.deliver_soon

    async def file_minutes(_: web.Application) -> AsyncIterator[None]:
        services.minutes.warm_up()  # before the site takes requests
        task = asyncio.create_task(services.minutes.work_forever())
        yield
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task

    app.cleanup_ctx.append(file_minutes)

    async def close_services(_: web.Application) -> None:
        await resources.aclose()

    app.on_cleanup.append(close_services)
    return app


async def serving_app(
    settings: Settings, *, wait_for_database: float = DATABASE_WAIT_SECONDS
) -> web.Application:
    """`create_app` as `serve` runs it: objects alive at startup frozen out of the GC.

    A database that is unavailable is tried again, with growing pauses, for up to
    `wait_for_database` seconds.
    """
    app = await retry_while_unavailable(
        lambda: create_app(settings), give_up_after=wait_for_database
    )
    app.on_startup.append(_freeze_startup_objects)
    return app


async def _freeze_startup_objects(_: web.Application) -> None:
    # About 160,000 objects (modules, the SDKs) live as long as the process, and every full
    # garbage collection walked them all on the event loop: 40-100 ms in which no turn
    # moves, most of the p99 in bench/turns.py. Frozen, a collection walks newer objects.
    gc.collect()
    gc.freeze()
    # With 16 turns in flight, the ~700 objects that start a young collection are mostly
    # the live turns' own: each collection walked and promoted them, and the older
    # generations' collections followed, ~35 µs of CPU per turn (bench/README.md). Freed
    # objects are freed by reference counting whatever this says; only cycles wait longer.
    gc.set_threshold(YOUNG_GC_THRESHOLD, *gc.get_threshold()[1:])


# --- command line ---------------------------------------------------------------------


def serve(settings: Settings, args: argparse.Namespace) -> int:
    host = args.host or settings.host
    port = args.port or settings.port
    # Bound before the app is built: nothing is planned or posted by a bot that cannot serve.
    sockets = listening_sockets(host, port)
    bound_port = sockets[0].getsockname()[1]
    # The wheel-page links the bot gives name the address it really listens on.
    settings = settings.bound_to(host, bound_port)
    if settings.local_mode:
        log.warning(
            "LOCAL MODE: MicrosoftAppId is empty, so /api/messages accepts unauthenticated "
            "requests from local clients only (Agents Playground, `app.py chat`). "
            "Set MicrosoftAppId/MicrosoftAppPassword before exposing this bot."
        )
    url_host = f"[{host}]" if ":" in host else host  # an IPv6 address in a URL
    log.info("starting", extra={"url": f"http://{url_host}:{bound_port}/api/messages"})
    web.run_app(
        serving_app(settings, wait_for_database=args.wait_for_database),
        sock=sockets,
        print=None,
    )
    return 0


def ask(settings: Settings, args: argparse.Namespace) -> int:
    # Answers are the output; start-up chatter (migrations, seeding) would only be noise.
    logging.getLogger().setLevel(logging.WARNING)
    args.network = args.network or settings.default_network
    if args.question is not None:
        questions = [args.question]
    else:
        questions = (line.rstrip("\n") for line in sys.stdin)
    return asyncio.run(_ask(settings, args, questions))


async def _ask(settings: Settings, args: argparse.Namespace, questions) -> int:
    async with open_services(settings) as services:
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


def cli_actor() -> str:
    """Who the audit log names for a change made from the command line."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name, e.g. a container's numeric user
        return "cli:unknown"


def audit_command(settings: Settings, args: argparse.Namespace) -> int:
    # The output is the data; start-up chatter would only be noise in it.
    logging.getLogger().setLevel(logging.WARNING)
    return asyncio.run(_audit_command(settings, args))


async def _audit_command(settings: Settings, args: argparse.Namespace) -> int:
    since = None
    if args.since:
        try:
            since = datetime.fromisoformat(args.since)
        except ValueError:
            print(f"--since {args.since!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
            return 2
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
    async with open_services(settings) as services:
        entries = await services.audit_log.entries(network_key=args.network, since=since)
        registry = await services.registry.load()
    for entry in reversed(entries):  # oldest first, as a log reads
        if args.json:
            line = {**entry.as_json(), "actor_name": actor_name(entry.actor, registry, "en")}
            print(json.dumps(line, ensure_ascii=False))
        else:
            print(describe(entry, registry, "en"))
    return 0


def person_command(settings: Settings, args: argparse.Namespace) -> int:
    # The output is the data; start-up chatter would only be noise in it.
    logging.getLogger().setLevel(logging.WARNING)
    return asyncio.run(_person_command(settings, args))


async def _person_command(settings: Settings, args: argparse.Namespace) -> int:
    key = person_key(args)
    async with open_services(settings) as services:
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


def minutes_command(settings: Settings, args: argparse.Namespace) -> int:
    # The output is the data; start-up chatter would only be noise in it.
    logging.getLogger().setLevel(logging.WARNING)
    return asyncio.run(_minutes_command(settings, args))


async def _minutes_command(
    settings: Settings,
    args: argparse.Namespace,
    *,
    graph_credential: AsyncTokenCredential | None = None,
) -> int:
    async with open_services(settings, graph_credential=graph_credential) as services:
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
        print(refused.text("en"), file=sys.stderr)
        return 2
    except AlreadyFiled as filed:
        print(f"{filed.message}\n{CLI_REPLACE_HINT.en}", file=sys.stderr)
        return 4
    print(outcome.message)
    if outcome.admin_message:
        print(outcome.admin_message, file=sys.stderr)
    return 0 if outcome.minutes is not None else 5


def schedule_cli(settings: Settings, args: argparse.Namespace) -> int:
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
    return asyncio.run(_schedule_command(settings, args))


async def _schedule_command(settings: Settings, args: argparse.Namespace) -> int:
    streams = Streams(out=sys.stdout, err=sys.stderr)
    async with open_services(settings) as services:
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


def backup_command(settings: Settings, args: argparse.Namespace) -> int:
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


def restore_command(settings: Settings, args: argparse.Namespace) -> int:
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command")

    serve_parser = commands.add_parser("serve", help="start the bot (default)")
    serve_parser.add_argument("--host", help="address to bind (default HOST or 127.0.0.1)")
    serve_parser.add_argument("--port", type=int, help="port (default PORT or 3978)")
    serve_parser.add_argument(
        "--wait-for-database", type=float, default=DATABASE_WAIT_SECONDS, metavar="SECONDS",
        help=f"keep retrying an unavailable database this long (default {DATABASE_WAIT_SECONDS:g})",
    )
    serve_parser.set_defaults(func=serve)

    ask_parser = commands.add_parser("ask", help='answer "who do I contact?" questions')
    ask_parser.add_argument("question", nargs="?", help="the question; stdin lines if omitted")
    ask_parser.add_argument("--network", help="network key (default: DEFAULT_NETWORK)")
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

    audit_parser = commands.add_parser("audit", help="show the audit log, oldest first")
    audit_parser.add_argument("--network", help="only this network's entries")
    audit_parser.add_argument("--since", help="only entries from this date (YYYY-MM-DD) on")
    audit_parser.add_argument("--json", action="store_true", help="one JSON object per entry")
    audit_parser.set_defaults(func=audit_command)

    person_parser = commands.add_parser("person", help="export or erase a person's data")
    person_actions = person_parser.add_subparsers(dest="action", required=True)
    for action, help_text in (
        ("export", "print everything stored about the person as JSON"),
        ("erase", "remove the person from the registry and their data everywhere"),
    ):
        action_parser = person_actions.add_parser(action, help=help_text)
        named = action_parser.add_mutually_exclusive_group(required=True)
        named.add_argument("--email", help="the person's work e-mail")
        named.add_argument("--entra-id", help="the person's Entra object id")
        named.add_argument(
            "--name", help="the person's name (several people so named: listed, none chosen)"
        )
    person_parser.set_defaults(func=person_command)

    minutes_parser = commands.add_parser("minutes", help="meeting minutes in SharePoint")
    minutes_actions = minutes_parser.add_subparsers(dest="action", required=True)
    status_parser = minutes_actions.add_parser("status", help="filed and missing minutes")
    status_parser.add_argument("--network", help="network key (default DEFAULT_NETWORK)")
    status_parser.add_argument("--group", help="only this group")
    status_parser.add_argument("--json", action="store_true", help="one JSON object per meeting")
    upload_parser = minutes_actions.add_parser("upload", help="file a meeting's minutes")
    upload_parser.add_argument("--network", help="network key (default DEFAULT_NETWORK)")
    upload_parser.add_argument("--group", required=True, help="group key")
    upload_parser.add_argument("--meeting", required=True, help="the meeting's date, YYYY-MM-DD")
    upload_parser.add_argument("file", help="the minutes file")
    upload_parser.add_argument(
        "--replace",
        action="store_true",
        help="the meeting's minutes are filed: upload this as their new version",
    )
    minutes_parser.set_defaults(func=minutes_command)

    wheel_parser = commands.add_parser("wheel", help="what the annual wheel has due, soonest first")
    wheel_parser.add_argument("--network", help="network key (default: every network)")
    wheel_parser.add_argument("--group", help="only what concerns this group")
    wheel_parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD",
                              help="first day (default: today)")  # fmt: skip
    wheel_parser.add_argument("--days", type=int, help="days in the window (default 90)")
    wheel_parser.add_argument("--json", action="store_true", help="one JSON array")
    agenda_parser = commands.add_parser("agenda", help="the agenda of a group's next meeting")
    agenda_parser.add_argument("--network", required=True, help="network key")
    agenda_parser.add_argument("--group", required=True, help="group key")
    agenda_parser.add_argument("--json", action="store_true", help="one JSON object")
    calendar_parser = commands.add_parser(
        "calendar", help="the calendar feed (iCalendar) of a network or group, or its link"
    )
    calendar_parser.add_argument("--network", required=True, help="network key")
    calendar_parser.add_argument("--group", help="only this group (default: the whole network)")
    calendar_parser.add_argument("--out", metavar="FILE", help="write here (default: stdout)")
    calendar_parser.add_argument(
        "--link", action="store_true", help="print the subscription URL (made if there is none)"
    )
    calendar_parser.add_argument(
        "--base-url", metavar="URL", help="the bot's public address, for --link"
    )
    calendar_parser.add_argument(
        "--revoke", action="store_true",
        help="revoke the subscription link; --link then makes a new one",
    )  # fmt: skip
    for schedule_parser in (wheel_parser, agenda_parser, calendar_parser):
        schedule_parser.add_argument("--lang", choices=("sv", "en"), default="sv",
                                     help="language of the texts (default sv)")  # fmt: skip
        schedule_parser.set_defaults(func=schedule_cli)

    backup_parser = commands.add_parser(
        "backup", help="back up the SQLite database and the files waiting in DATA_DIR"
    )
    backup_parser.add_argument("file", help="the backup file to write (.tar.gz; must not exist)")
    backup_parser.set_defaults(func=backup_command)
    restore_parser = commands.add_parser(
        "restore", help="restore a backup into an empty DATABASE_URL file and DATA_DIR"
    )
    restore_parser.add_argument("file", help="a file written by `backup`")
    restore_parser.set_defaults(func=restore_command)

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
    except PortUnavailable as err:
        print(err, file=sys.stderr)
        return 5


if __name__ == "__main__":
    sys.exit(main())
