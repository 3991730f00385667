"""What an operator sees: correlation ids in the log, counters at /metrics, no secrets.

Logs are read as the operator reads them: `configure_logging` writes to a buffer in
the production format, and the tests read the lines. Deliveries go through the real
runner, worker and `ConnectorSender` to a loopback connector scripted to answer 201,
429, 500 or 403; turns go through the running app.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.adapter import create_adapter
from bot.metrics import MetricsEndpoint, TurnCounters
from bot.proactive import ConnectorSender
from observability.logs import QUIET_LOGGERS, configure_logging
from scheduler.runner import DeliveryRunner
from storage.database import Database
from storage.outbox import Outbox
from tests.bot.conftest import RunningBot, running_bot
from tests.bot.teams_activities import personal_message
from tests.bot.test_adapter_cache import TOKEN as OUTBOUND_TOKEN
from tests.bot.test_adapter_cache import StaticTokenFactory
from tests.bot.test_http_auth import APP_ID, SigningKeys, signing_keys  # noqa: F401 - fixture
from tests.scheduler.planned import (
    START,
    FixedClock,
    FixedPlanner,
    bind_team,
    delivery_runner,
    error,
    post,
)

# --- helpers ---------------------------------------------------------------------------


class LogBuffer:
    """Everything logged, formatted exactly as `serve` writes it to stderr."""

    def __init__(self) -> None:
        self.stream = io.StringIO()

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self, containing: str = "") -> list[str]:
        return [line for line in self.text.splitlines() if containing in line]

    def mark(self) -> int:
        return len(self.text.splitlines())

    def since(self, mark: int) -> list[str]:
        return self.text.splitlines()[mark:]


@pytest.fixture
def log_buffer(request) -> Iterator[LogBuffer]:
    """`configure_logging` at the level of the test's `log_level` param (INFO) into a buffer."""
    level = getattr(request, "param", "INFO")
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, {n: logging.getLogger(n).level for n in QUIET_LOGGERS})
    buffer = LogBuffer()
    configure_logging(level, stream=buffer.stream)
    yield buffer
    root.handlers[:], root.level, quiet = saved
    for name, quiet_level in quiet.items():
        logging.getLogger(name).setLevel(quiet_level)


def message(line: str) -> str:
    """The message of a log line: after `date time LEVEL logger: `, before the fields."""
    return re.match(r"^\S+ \S+ \S+ \S+: (.*?)(?= [a-z_]+=|$)", line)[1]


def fields(line: str) -> dict[str, str]:
    """The key=value fields of a log line (bare values only, enough for ids)."""
    return dict(re.findall(r" ([a-z_]+)=([^\s\"]+)", line))


SAMPLE = re.compile(
    r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)"
    r"(?:\{(?P<labels>[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\]|\\.)*\""
    r"(?:,[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\]|\\.)*\")*)\})?"
    r" (?P<value>[-+]?(?:[0-9.]+(?:e[-+]?[0-9]+)?|Inf|NaN))$"
)


def parse_exposition(text: str) -> dict[str, float]:
    """Prometheus text format 0.0.4, strictly: `{'name{labels}': value}`.

    Every sample must follow a `# TYPE` line of its family (counters end in `_total`),
    and every line must be a comment or a well-formed sample.
    """
    assert text.endswith("\n")
    types: dict[str, str] = {}
    samples: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert kind in ("counter", "gauge"), line
            assert name not in types, f"family {name} declared twice"
            types[name] = kind
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        name = match["name"]
        assert name in types, f"{name} has no # TYPE"
        if types[name] == "counter":
            assert name.endswith("_total"), name
        key = f"{name}{{{match['labels']}}}" if match["labels"] else name
        assert key not in samples, f"sample {key} twice"
        samples[key] = float(match["value"])
    return samples


async def scrape(runner: DeliveryRunner | None, outbox: Outbox) -> dict[str, float]:
    """GET /metrics of an app serving these counters, parsed."""
    endpoint = MetricsEndpoint(
        turns=TurnCounters(),
        deliveries=runner.counters if runner else None,
        outbox_counts=outbox.count_by_status,
    )
    app = web.Application()
    app.add_routes([web.get("/metrics", endpoint.handle)])
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/metrics")
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return parse_exposition(await response.text())


POST_COUNTERS = ("sent", "late", "retried", "held", "failed", "undeliverable")


def post_counts(metrics: dict[str, float]) -> dict[str, float]:
    return {name: metrics[f"samverkan_posts_{name}_total"] for name in POST_COUNTERS}


# --- counters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([], {"sent": 1}),
        ([(429, None, {"Retry-After": "2"})], {"retried": 1, "sent": 1}),
        ([(503, None, {})], {"retried": 1, "sent": 1}),
        ([(500, error("InternalServerError"), {})], {"failed": 1}),
        ([(403, error("Forbidden"), {})], {"failed": 1}),
        ([(403, error("BotNotInConversationRoster"), {})], {"undeliverable": 1}),
    ],
    ids=["201", "429-then-201", "503-then-201", "500", "403", "403-not-in-roster"],
)
async def test_post_counters_follow_what_the_connector_answered(
    sqlite_database, connector, sender, answers, expected
):
    clock = FixedClock()
    await bind_team(sqlite_database, connector.service_url)
    for status, body, headers in answers:
        connector.script(status, body, headers=headers)
    planner = FixedPlanner([post("agenda:1")])
    runner = delivery_runner(sqlite_database, sender, clock, [planner])

    await runner.tick(clock())
    clock.advance(minutes=1)  # past the Retry-After or the first backoff, not late yet
    await runner.tick(clock())

    metrics = await scrape(runner, Outbox(sqlite_database))
    assert post_counts(metrics) == {name: expected.get(name, 0) for name in POST_COUNTERS}
    assert len(connector.activities) == expected.get("sent", 0)
    status = (await Outbox(sqlite_database).get("agenda:1")).status
    assert metrics[f'samverkan_outbox_rows{{status="{status}"}}'] == 1


async def test_a_post_sent_an_hour_after_its_time_counts_as_sent_and_late(
    sqlite_database, connector, sender
):
    clock = FixedClock(START + timedelta(hours=1))
    await bind_team(sqlite_database, connector.service_url)
    posts = [post("agenda:1"), post("agenda:2", due_at=clock())]
    runner = delivery_runner(sqlite_database, sender, clock, [FixedPlanner(posts)])

    await runner.tick(clock())

    metrics = await scrape(runner, Outbox(sqlite_database))
    assert post_counts(metrics) == {**dict.fromkeys(POST_COUNTERS, 0), "sent": 2, "late": 1}
    assert metrics['samverkan_outbox_rows{status="late-sent"}'] == 1
    assert metrics['samverkan_outbox_rows{status="sent"}'] == 1


async def test_outbox_gauges_count_every_row_in_the_database_by_status(database):
    outbox = Outbox(database)
    now = START
    await outbox.enqueue(
        [
            post("due-now"),
            post("tomorrow", due_at=now + timedelta(days=1)),
            post("long-gone", due_at=now - timedelta(days=5)),  # past stale_after: stale
        ],
        now,
    )
    (claimed,) = await outbox.claim_due("replica-2", now, 10, timedelta(minutes=5))
    await outbox.mark_failed(claimed.key, "403 Forbidden", worker_id="replica-2")

    assert await outbox.count_by_status() == {"pending": 1, "failed": 1, "stale": 1}
    metrics = await scrape(None, outbox)
    assert {k: v for k, v in metrics.items() if k.startswith("samverkan_outbox_rows")} == {
        'samverkan_outbox_rows{status="pending"}': 1,
        'samverkan_outbox_rows{status="claimed"}': 0,
        'samverkan_outbox_rows{status="sent"}': 0,
        'samverkan_outbox_rows{status="late-sent"}': 0,
        'samverkan_outbox_rows{status="stale"}': 1,
        'samverkan_outbox_rows{status="superseded"}': 0,
        'samverkan_outbox_rows{status="failed"}': 1,
        'samverkan_outbox_rows{status="undeliverable"}': 0,
    }
    assert metrics["samverkan_database_up"] == 1
    # Without a scheduler in this process there are no post counters to show.
    assert not [k for k in metrics if k.startswith("samverkan_posts_")]


async def test_metrics_still_answer_when_the_database_is_gone(tmp_path):
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'no.db'}")
    try:
        metrics = await scrape(None, Outbox(database))
    finally:
        await database.close()
    assert metrics["samverkan_database_up"] == 0
    assert not [k for k in metrics if k.startswith("samverkan_outbox_rows")]


async def test_the_running_bot_counts_turns_by_outcome_at_metrics(bot: RunningBot, connector):
    status, _ = await bot.post(personal_message(connector.service_url, "hjälp"))
    assert status == 201
    assert (await bot.post_raw(b"{not json", "application/json"))[0] == 400
    assert (await bot.post_raw(b"hej", "text/plain"))[0] == 415
    async with bot.http.get(bot.messages_url) as response:
        assert response.status == 405

    async with bot.http.get(f"{bot.base_url}/metrics") as response:
        assert response.status == 200
        metrics = parse_exposition(await response.text())

    assert metrics['samverkan_turns_total{outcome="2xx"}'] == 1
    assert metrics['samverkan_turns_total{outcome="4xx"}'] == 3
    assert metrics['samverkan_turns_total{outcome="5xx"}'] == 0
    # The scheduler runs in this process: its counters and the outbox gauges are served.
    assert {f"samverkan_posts_{name}_total" for name in POST_COUNTERS} <= set(metrics)
    assert metrics["samverkan_database_up"] == 1
    assert 'samverkan_outbox_rows{status="pending"}' in metrics


# --- correlation ids ---------------------------------------------------------------------


async def test_every_line_of_a_turn_carries_the_same_turn_id_and_turns_differ(
    log_buffer: LogBuffer, bot: RunningBot, connector
):
    # The reply and the apology both fail: one turn logs three lines.
    connector.script(500, error("InternalServerError"))
    connector.script(500, error("InternalServerError"))
    failing = personal_message(connector.service_url, "hjälp")
    await bot.post(failing)
    mark = log_buffer.mark()
    await bot.post(personal_message(connector.service_url, "hjälp"))

    first = [line for line in log_buffer.lines() if f"activity_id={failing['id']}" in line]
    assert [message(line) for line in first] == [
        "turn failed",
        "could not send the apology",
        "turn",
    ]
    first_ids = {fields(line)["turn"] for line in first}
    assert len(first_ids) == 1
    second = [line for line in log_buffer.since(mark) if "turn=" in line]
    assert second and {fields(line)["turn"] for line in second}.isdisjoint(first_ids)
    assert len({fields(line)["turn"] for line in second}) == 1


async def test_every_line_of_a_send_carries_the_delivery_and_its_attempt(
    log_buffer: LogBuffer, sqlite_database, connector, sender
):
    clock = FixedClock()
    await bind_team(sqlite_database, connector.service_url)
    connector.script(429, error("Throttled"), headers={"Retry-After": "2"})
    planner = FixedPlanner([post("agenda:1")])
    runner = delivery_runner(sqlite_database, sender, clock, [planner])

    await runner.tick(clock())
    clock.advance(seconds=3)
    await runner.tick(clock())

    lines = log_buffer.lines("delivery=agenda:1")
    assert [message(line) for line in lines] == [
        "connector refused the post",  # the edge sender's line
        "throttled by Teams",
        "post sent",
    ]
    attempts = [fields(line)["attempt"] for line in lines]
    assert attempts[0] == attempts[1] != attempts[2]


# --- hygiene -------------------------------------------------------------------------------

MESSAGE_TEXT = "Vem bokar zebrafinkrummet 7731?"
CARD_TEXT = "Kolibri-dagordning 5521"
APP_PASSWORD = "Hemligt-Losen-Q7x2-kanelbulle"


@pytest.mark.parametrize("log_buffer", ["INFO", "DEBUG"], indirect=True)
async def test_no_message_text_card_token_or_password_reaches_the_log(
    log_buffer: LogBuffer,
    settings,
    signing_keys: SigningKeys,  # noqa: F811 - the imported fixture
    connector,
    sqlite_database,
):
    registered = dataclasses.replace(
        settings,
        app_id=APP_ID,
        app_password=APP_PASSWORD,
        allowed_service_url_hosts=("127.0.0.1",),
    )
    inbound_token = signing_keys.token(connector.service_url)
    async with running_bot(registered) as bot:
        answered = personal_message(
            connector.service_url, MESSAGE_TEXT, deliveryMode="expectReplies"
        )
        status, _ = await bot.post(answered, headers={"Authorization": f"Bearer {inbound_token}"})
        assert status == 200
        forged = personal_message(connector.service_url, MESSAGE_TEXT)
        status, _ = await bot.post(forged, headers={"Authorization": f"Bearer {inbound_token}x"})
        assert status == 401

    adapter = create_adapter(
        registered, credentials_factory=StaticTokenFactory(APP_ID, APP_PASSWORD)
    )
    try:
        clock = FixedClock()
        await bind_team(sqlite_database, connector.service_url)
        card = {
            "type": "AdaptiveCard",
            "version": "1.5",
            "body": [{"type": "TextBlock", "text": CARD_TEXT}],
        }
        posts = [post("agenda:1", text=CARD_TEXT, card=card), post("agenda:2", text=CARD_TEXT)]
        connector.script(500, {"error": {"code": "Boom", "message": f"echo {CARD_TEXT}"}})
        delivery = delivery_runner(
            sqlite_database, ConnectorSender(adapter), clock, [FixedPlanner(posts)]
        )
        await delivery.tick(clock())
    finally:
        await adapter.close()

    # What was sent did carry them: the test would notice if nothing had happened.
    assert [r.headers.get("Authorization") for r in connector.requests] == [
        f"Bearer {OUTBOUND_TOKEN}"
    ] * 2
    assert CARD_TEXT in connector.activities[0].visible_text
    assert log_buffer.lines("turn=") and log_buffer.lines("delivery=agenda:1")
    log = log_buffer.text
    for secret in (
        MESSAGE_TEXT,
        "zebrafink",
        CARD_TEXT,
        "Kolibri",
        inbound_token.split(".")[2][:16],  # the signature
        inbound_token.split(".")[1][:16],  # the claims
        OUTBOUND_TOKEN,
        APP_PASSWORD,
    ):
        assert secret not in log, f"{secret!r} is in the log"


def test_a_hostile_value_stays_on_its_own_line_and_cannot_forge_a_field(
    log_buffer: LogBuffer,
):
    logging.getLogger("samverkan").warning(
        "request rejected", extra={"code": "bad\n2026-01-01 INFO forged: turn=x", "ok": "plain"}
    )

    (line,) = log_buffer.lines("request rejected")
    assert line.endswith(' code="bad\\n2026-01-01 INFO forged: turn=x" ok=plain')
    assert log_buffer.lines("forged") == [line]
