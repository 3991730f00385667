"""Replicas of the bot as real `app.py serve` processes, and the connector they post to.

`Replica` is one `python app.py serve` on a free loopback port, in local mode, in a
temporary working directory (no developer `.env`), with its log in a file. The tests
talk to it over HTTP and end it with SIGKILL or SIGTERM, as an orchestrator would.

`RecordingConnector` is `bot.local_connector.LocalConnector` that also notes, for every
request, when it arrived and when it was answered, can hold each answer back (so a
fan-out takes a while and a replica can be killed with a post in flight) and can
answer with faults for a while (429 with Retry-After, 5xx).
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.local_connector import LocalConnector
from tests.replicas.cluster import free_port

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"

START_TIMEOUT_SECONDS = 60  # a loaded CI box starting three replicas at once is slow

# Settings every replica in these tests runs with: a tick every 5 s (the shortest
# allowed), a 10 s lease, so a dead replica's posts are taken over within the test, and
# a 1 s first retry pause, so minutes of connector faults fit in seconds.
REPLICA_ENVIRONMENT = {
    "SCHEDULER_INTERVAL_SECONDS": "5",
    "OUTBOX_LEASE_SECONDS": "10",
    "OUTBOX_RETRY_BASE_SECONDS": "1",
    "LOG_LEVEL": "INFO",
    "PYTHONUNBUFFERED": "1",
    "NETWORKS_DIR": str(ROOT / "data" / "networks"),
    "DEFAULT_NETWORK": "bestservice",
}


@dataclass
class Replica:
    """One `app.py serve` process."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @classmethod
    def spawn(
        cls,
        name: str,
        *,
        database_url: str,
        workdir: Path,
        extra_args: Sequence[str] = (),
        environment: dict[str, str] | None = None,
    ) -> Replica:
        """Start `app.py serve` (does not wait for it; see `wait_ready`)."""
        directory = workdir / name
        directory.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
        env.update(REPLICA_ENVIRONMENT)
        env.update(
            DATABASE_URL=database_url,
            DATA_DIR=str(directory / "files"),
            **(environment or {}),
        )
        port = free_port()
        log_path = directory / "serve.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, str(APP), "serve", "--host", "127.0.0.1", "--port", str(port),
                 *extra_args],
                cwd=directory,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        return cls(name, process, port, log_path)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    async def wait_ready(self, http: aiohttp.ClientSession, path: str = "/readyz") -> None:
        """Wait until GET `path` answers 200; fails with the log when the process exits."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT_SECONDS
        while True:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"{self.name} exited with {self.process.returncode} before {path} "
                    f"answered:\n{self.log_tail()}"
                )
            try:
                async with http.get(self.base_url + path) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if loop.time() > deadline:
                raise AssertionError(f"{self.name}: no 200 from {path}:\n{self.log_tail()}")
            await asyncio.sleep(0.1)  # polling a port: nothing to wait on but the next try

    async def wait_exit(self, timeout: float = 30) -> int:  # noqa: ASYNC109 - plain in tests
        """The exit status, once the process has ended."""
        return await asyncio.wait_for(asyncio.to_thread(self.process.wait), timeout)

    def kill(self) -> None:
        """SIGKILL: no clean-up, no finishing the current send."""
        self.process.send_signal(signal.SIGKILL)

    def stop(self) -> None:
        """End the process (SIGTERM, then SIGKILL) if it still runs."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(15)


@dataclass
class Arrival:
    """A POST of an activity as the connector saw it (times from the event loop's clock)."""

    text: str | None
    conversation_id: str
    arrived: float
    answered: float | None = None
    status: int | None = None


@dataclass
class Outage:
    """Fault answers for `seconds` from the first activity POST on, cycling `responses`."""

    seconds: float
    responses: itertools.cycle[tuple[int, dict[str, str]]]
    until: float | None = None  # set by the first POST


class RecordingConnector(LocalConnector):
    """A `LocalConnector` that times every activity POST and may delay or fail it.

    `answer_delay`: seconds each activity POST is held after the activity was accepted
    (recorded), before the answer goes back, as a slow Teams would.
    """

    def __init__(self, answer_delay: float = 0.0) -> None:
        super().__init__()
        self.answer_delay = answer_delay
        self.arrivals: list[Arrival] = []
        self._outage: Outage | None = None

    def fail_for(self, seconds: float, responses: Sequence[tuple[int, dict[str, str]]]) -> None:
        """From the next activity POST on, answer every one with `responses`, in turn,
        for `seconds`."""
        self._outage = Outage(seconds, itertools.cycle(responses))

    def delivered(self) -> Counter[str]:
        """How often each text was accepted (status 201), by text."""
        return Counter(a.text for a in self.arrivals if a.status == 201 and a.text is not None)

    def open_at(self, moment: float) -> list[Arrival]:
        """The POSTs that had arrived by `moment` and were not yet answered then."""
        return [
            a for a in self.arrivals
            if a.arrived <= moment and (a.answered is None or a.answered > moment)
        ]  # fmt: skip

    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.method != "POST" or "/activities" not in request.path:
            return await super()._dispatch(request)
        loop = asyncio.get_running_loop()
        conversation = request.match_info.get("tail", "").split("/")
        arrival = Arrival(None, conversation[2] if len(conversation) > 2 else "", loop.time())
        self.arrivals.append(arrival)
        outage = self._outage
        if outage is not None and outage.until is None:
            outage.until = arrival.arrived + outage.seconds
        if outage is not None and loop.time() < outage.until:
            try:
                body = json.loads(await request.read())
            except ValueError:
                body = None
            arrival.text = body.get("text") if isinstance(body, dict) else None
            status, headers = next(outage.responses)
            arrival.answered, arrival.status = loop.time(), status
            return web.json_response(
                {"error": {"code": "Faulted", "message": "a scripted fault"}},
                status=status,
                headers=headers,
            )
        token = _ARRIVAL.set(arrival)  # `_post_activity` notes the text
        try:
            response = await super()._dispatch(request)
        finally:
            _ARRIVAL.reset(token)
        if response.status == 201 and self.answer_delay:
            await asyncio.sleep(self.answer_delay)
        arrival.answered, arrival.status = loop.time(), response.status
        return response

    def _post_activity(self, conversation_id: str, reply_to: str | None, body: Any) -> web.Response:
        arrival = _ARRIVAL.get(None)
        if arrival is not None and isinstance(body, dict):
            arrival.text = body.get("text")
        return super()._post_activity(conversation_id, reply_to, body)


# The arrival of the activity POST being handled in this task.
_ARRIVAL: contextvars.ContextVar[Arrival] = contextvars.ContextVar("arrival")
