"""Start-up: from launching `app.py serve` to its first `/healthz` 200.

    .venv/bin/python bench/startup.py [--runs 5]

Each run starts the bot in local mode on a fresh SQLite file with the shipped networks
(so it migrates the database, seeds the registry and stores the meeting series, as a
first start does) and again on the same file (a restart), polls `/healthz` every 10 ms
and prints both times, their medians and the 1-minute load average. `--graph` gives the bot
Graph credentials, as a deployed bot has (it then loads msgraph-sdk before it serves).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# Graph credentials as a deployed bot has them (with --graph): it then loads and warms up
# msgraph-sdk before it serves. Nothing is sent to Graph while it starts.
GRAPH = {"GRAPH_TENANT_ID": "00000000-0000-4000-8000-000000000001",
         "GRAPH_CLIENT_ID": "00000000-0000-4000-8000-000000000002",
         "GRAPH_CLIENT_SECRET": "not-a-secret"}


def time_to_healthy(directory: Path, graph: bool = False) -> tuple[float, float]:
    """Seconds from launching `app.py serve` in `directory` to its first /healthz 200,
    and the CPU seconds the process used by then (what a busy machine does not move)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("Microsoft", "GRAPH_"))}
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{directory}/bot.db", LOG_LEVEL="WARNING",
               NETWORKS_DIR=str(ROOT / "data" / "networks"), DATA_DIR=str(directory / "files"))
    if graph:
        env.update(GRAPH)
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "serve", "--host", "127.0.0.1", "--port",
         str(port)], cwd=directory, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError("the bot exited before /healthz answered")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - began, _cpu_seconds(process.pid)
            except OSError:
                pass
            time.sleep(0.01)  # polling a port
    finally:
        process.terminate()
        process.wait(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--graph", action="store_true",
                        help="with Graph credentials, as deployed (msgraph-sdk loaded at start)")
    args = parser.parse_args()
    first, again = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as scratch:
            first.append(time_to_healthy(Path(scratch), args.graph))
            again.append(time_to_healthy(Path(scratch), args.graph))
        print(f"first start {first[-1][0]:.2f} s ({first[-1][1]:.2f} s CPU), restart "
              f"{again[-1][0]:.2f} s ({again[-1][1]:.2f} s CPU), load {os.getloadavg()[0]:.2f}",
              flush=True)
    print(f"median: first start {statistics.median(t for t, _ in first):.2f} s "
          f"({statistics.median(c for _, c in first):.2f} s CPU), restart "
          f"{statistics.median(t for t, _ in again):.2f} s "
          f"({statistics.median(c for _, c in again):.2f} s CPU); goal < 2 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
