"""The bot and the Agents Playground as real processes on loopback ports, for the e2e tests.

Each runs in its own process group, in a temporary working directory (so neither reads a
developer's `.env` or Playground configuration), with its output in a log file under
artifacts/e2e/. `stop()` ends the whole group: SIGTERM, then SIGKILL if it lingers.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"  # gitignored: what the e2e tests leave to look at
PLAYGROUND_CLI = ROOT / "tests/node/node_modules/@microsoft/m365agentsplayground/cli.js"

START_TIMEOUT_SECONDS = 60  # first start migrates and seeds the database; a loaded CI box is slow
_LISTENING = re.compile(r"Listening on (\d+)")


class ProcessFailed(RuntimeError):
    """A process did not come up; the message says why and where its log is."""


@dataclass
class RunningProcess:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    port: int

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 10) -> None:
        """End the process and everything it started (its process group)."""
        if self.process.poll() is None:
            _signal_group(self.process, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(self.process, signal.SIGKILL)
                self.process.wait(timeout)

    def fail(self, what: str) -> ProcessFailed:
        return ProcessFailed(
            f"{self.name} {what}; its log is {self.log_path}, ending with:\n{self.log_tail()}"
        )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_bot(*, workdir: Path, log_path: Path) -> RunningProcess:
    """`app.py serve` in local mode on a free port, with a new SQLite database in `workdir`.

    Returns once GET /healthz answers.
    """
    port = free_port()
    env = {
        **os.environ,
        "MicrosoftAppId": "",  # local mode: the Playground sends no token
        "MicrosoftAppPassword": "",
        "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'e2e.db'}",
        "NETWORKS_DIR": str(ROOT / "data/networks"),
        "DEFAULT_NETWORK": "bestservice",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, str(ROOT / "app.py"), "serve", "--host", "127.0.0.1"]
    bot = _spawn("the bot (app.py serve)", command + ["--port", str(port)], workdir, env, log_path)
    bot.port = port
    _wait_until(bot, lambda: _http_ok(f"http://127.0.0.1:{port}/healthz"), "GET /healthz")
    return bot


def start_playground(*, bot_port: int, workdir: Path, log_path: Path) -> RunningProcess:
    """The Agents Playground talking to the bot, Teams channel, on a free port.

    The Playground takes another port by itself when the one asked for is taken, so the
    port is read from its "Listening on N" line, not assumed.
    """
    command = [
        "node",
        str(PLAYGROUND_CLI),
        "--app-endpoint", f"http://127.0.0.1:{bot_port}/api/messages",
        "--channel-id", "msteams",
        "--disable-telemetry",
        "--port", str(free_port()),
    ]  # fmt: skip
    playground = _spawn("the Agents Playground", command, workdir, dict(os.environ), log_path)

    def listening() -> bool:
        match = _LISTENING.search(log_path.read_text(encoding="utf-8", errors="replace"))
        if match:
            playground.port = int(match.group(1))
        return bool(match) and _http_ok(f"http://127.0.0.1:{playground.port}/")

    _wait_until(playground, listening, 'its "Listening on PORT" line and its page')
    return playground


def _spawn(
    name: str, command: list[str], workdir: Path, env: dict[str, str], log_path: Path
) -> RunningProcess:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, ended as a whole
        )
    return RunningProcess(name, process, log_path, port=0)


def _wait_until(running: RunningProcess, ready: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not ready():
        if running.process.poll() is not None:
            raise running.fail(f"exited with status {running.process.returncode} before {what}")
        if time.monotonic() > deadline:
            running.stop()
            raise running.fail(f"did not give {what} within {START_TIMEOUT_SECONDS} s")
        time.sleep(0.1)  # polling a condition: nothing to wait on but the next try


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
