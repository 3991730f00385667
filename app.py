"""samverkan-bot: the composition root.

It builds the settings, the database and repositories, the services, the scheduler and
the web app (`/api/messages`, health, metrics, pages) and wires them together; the
command line (`cli/`) gets what it needs through `cli.commands.Wiring`. No behaviour
lives here, and nothing imports this module. `python app.py --help` lists the commands;
docs/architecture.md shows the layers.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from aiohttp import web
from azure.core.credentials_async import AsyncTokenCredential

from bot.adapter import SamverkanAdapter, create_adapter
from bot.calendar_routes import calendar_routes
from bot.file_hosts import FileHosts
from bot.files import SharedFileReader, download
from bot.graph_clients import DeferredDirectory, DeferredFiles, GraphClients
from bot.graph_config import GraphConfig
from bot.http import ReadinessCheck, create_web_app, listening_sockets
from bot.metrics import MetricsEndpoint, TurnCounters
from bot.proactive import ConnectorSender
from bot.settings import Settings
from bot.tab_pages import tab_routes
from bot.team_owners import DirectoryPeople, GraphTeamOwners
from bot.teams_bot import SamverkanBot
from bot.wheel_routes import wheel_routes
from bot.wheel_source import WheelPages, wheel_page_link
from cli import main as command_line
from cli.commands import Wiring
from cli.main import DATABASE_WAIT_SECONDS
from dialogs.admin import AuditDialogs
from dialogs.conversation import Conversation
from dialogs.installation import TeamInstallations
from dialogs.meetings import MeetingDialogs
from dialogs.minutes import MinutesDialogs, MinutesInbox
from dialogs.posts import POSTS_COMMAND, PostsOverview
from dialogs.roles_admin import RolesAdminDialogs
from dialogs.wheel_admin import WheelAdmin
from domain.minutes import MinutesRules
from domain.posts import Planner
from scheduler.delivery import DeliveryWorker, RetryPolicy, process_worker_id, sends_within
from scheduler.housekeeping import Housekeeping, RetentionPeriods
from scheduler.runner import DeliveryRunner
from services.calendar_feed import CalendarFeeds, CalendarLinks
from services.minutes import (
    MinutesChaser,
    MinutesFiler,
    StoredChannels,
    UploadRetry,
)
from services.permissions import Permissions
from services.planning import MeetingPlanner, sync_meeting_series
from services.registry_snapshots import RegistrySnapshots
from services.schedule import Schedule
from storage.audit import AuditLog
from storage.calendar_tokens import CalendarTokenStore
from storage.changes import ChangeFeed
from storage.conversations import ConversationStore
from storage.database import Database, retry_while_unavailable
from storage.meetings import MeetingRepository
from storage.minutes import MinutesRepository
from storage.outbox import Outbox
from storage.registry_files import load_directory, load_examples
from storage.registry_repository import RegistryRepository
from storage.send_budget import SendBudgetStore
from storage.wheel_overrides import WheelOverrideStore

log = logging.getLogger("samverkan")

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
    # A first start seeds the registry with the configured networks: they are read in a
    # thread while the database migrates (in a child process: `Database.migrate`). A
    # restart does not use them, nor hear of a file that does not load.
    reading = asyncio.ensure_future(asyncio.to_thread(load_directory, settings.networks_dir))
    reading.add_done_callback(lambda done: done.cancelled() or done.exception())
    # So are the example questions (some four thousand, 0.1-0.2 s of parsing); a broken file
    # still stops the start, when they are awaited below.
    reading_examples = asyncio.ensure_future(
        asyncio.to_thread(load_examples, settings.examples_dir)
    )
    reading_examples.add_done_callback(lambda done: done.cancelled() or done.exception())
    try:
        await database.migrate()
        await changes.start()
        registry = RegistryRepository(database, changes)
        async with database.startup_lock():  # replicas starting together seed once
            if await registry.is_empty():
                networks = (await reading).networks
                await registry.replace_networks(networks, action="registry.seed")
                log.info("registry seeded", extra={"networks": [n.key for n in networks]})
        audit_log = AuditLog(database)
        snapshots = RegistrySnapshots(registry, await reading_examples)
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
        graph_files: DeferredFiles | None = None
        graph_directory: DeferredDirectory | None = None
        if graph_config.configured:
            # Built on first need (msgraph-sdk, 0.3 s to import): a serving bot builds them
            # in its warm-up thread after it answers (`warm_then_file`), a command when it
            # first calls Graph; a call made before then waits for them.
            graph_clients = GraphClients(graph_config, graph_credential)
            resources.push_async_callback(graph_clients.close)
            graph_files = DeferredFiles(graph_clients)
            graph_directory = DeferredDirectory(graph_clients)
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
        reading.cancel()  # stops waiting, if the networks were never needed; no-op if read
        reading_examples.cancel()  # the same, if the start failed before they were awaited
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
    settings: Settings,
    *,
    graph_credential: AsyncTokenCredential | None = None,
    once_warm: Callable[[], None] | None = None,
) -> web.Application:
    """The aiohttp application with the bot behind /api/messages and the scheduler.

    `once_warm` is called on the event loop when what the first upload needs is loaded
    (or failed to load), before the filing worker starts. Closes its services on
    cleanup, after the scheduler has stopped.
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
        task = asyncio.create_task(warm_then_file())
        yield
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task

    async def warm_then_file() -> None:
        # Loading what the first upload needs (msgraph-sdk, the Graph clients, their request
        # builders and models: `bot.graph_clients`) is over a second of CPU. A thread does
        # it while the site starts serving, so turns are answered from the start and the
        # event loop is never held by it; the filing worker, the one user of Graph at
        # start-up, begins once it is done.
        started = time.perf_counter()
        try:
            await asyncio.to_thread(services.minutes.warm_up)
        except Exception:  # noqa: BLE001 - the first upload loads what it needs itself
            log.exception("loading what the first upload needs failed")
        else:
            log.info("filing ready", extra={"seconds": round(time.perf_counter() - started, 2)})
        if once_warm is not None:
            once_warm()
        await services.minutes.work_forever()

    app.cleanup_ctx.append(file_minutes)

    async def close_services(_: web.Application) -> None:
        await resources.aclose()

    app.on_cleanup.append(close_services)
    return app


async def serving_app(
    settings: Settings, *, wait_for_database: float = DATABASE_WAIT_SECONDS
) -> web.Application:
    """`create_app` as `serve` runs it: objects alive at startup frozen out of the GC,
    and what its warm-up loaded once it is warm.

    A database that is unavailable is tried again, with growing pauses, for up to
    `wait_for_database` seconds.
    """
    app = await retry_while_unavailable(
        lambda: create_app(settings, once_warm=_freeze_warm_up_objects),
        give_up_after=wait_for_database,
    )
    app.on_startup.append(_freeze_startup_objects)
    return app


async def _freeze_startup_objects(_: web.Application) -> None:
    # About 160,000 objects (modules, the SDKs) live as long as the process, and every full
    # garbage collection walked them all on the event loop: 40-100 ms in which no turn
    # moves, most of the p99 in bench/turns.py. Frozen, a collection walks newer objects.
    # Frozen without a collection first: it found ~20 unreachable objects, for ~90 ms on
    # the way to the first /healthz (bench/README.md, "Start-up").
    gc.freeze()
    # With 16 turns in flight, the ~700 objects that start a young collection are mostly
    # the live turns' own: each collection walked and promoted them, and the older
    # generations' collections followed, ~35 µs of CPU per turn (bench/README.md). Freed
    # objects are freed by reference counting whatever this says; only cycles wait longer.
    gc.set_threshold(YOUNG_GC_THRESHOLD, *gc.get_threshold()[1:])


def _freeze_warm_up_objects() -> None:
    # What the warm-up loaded (with Graph, msgraph-sdk's modules and models) lives as long
    # as the process too; the collection walks only what is newer than the startup freeze.
    gc.collect()
    gc.freeze()


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


def wiring() -> Wiring:
    """What the command line needs of this composition."""
    return Wiring(open_services=open_services, create_app=create_app, serve=serve)


def main(argv: Sequence[str] | None = None) -> int:
    """`python app.py COMMAND`: the command line (`cli.main`), wired to this composition."""
    return command_line.main(wiring(), argv)


if __name__ == "__main__":
    sys.exit(main())
