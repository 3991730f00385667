"""msgraph-sdk is loaded by the processes that use Graph, and only by them.

Importing it costs about 30 MiB and 0.3 s; a bot or command without Graph credentials
(local mode, a network's own scripts) never calls Graph, and one with them loads it while
it starts, and loads the request builders and models in a thread while it serves
(`bot.graph.GraphFiles.warm_up`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.test_cli import APP

# Runs `app.py ask …` as the command line does, then says whether msgraph was imported.
PROBE = f"""
import runpy, sys
sys.path.insert(0, {str(Path(APP).parent)!r})
sys.argv = [{APP!r}, "ask", "--json", "vem är ordförande?"]
try:
    runpy.run_path({APP!r}, run_name="__main__")
except SystemExit as stop:
    assert not stop.code, stop.code
print("msgraph loaded" if "msgraph" in sys.modules else "msgraph not loaded")
"""


def _ask(workdir: Path, **graph: str) -> str:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("Microsoft", "GRAPH_"))
    }
    environment.pop("DATABASE_URL", None)
    environment.update(graph)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=workdir, text=True, capture_output=True,
        env=environment, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_a_command_without_graph_credentials_does_not_load_msgraph(tmp_path: Path):
    assert _ask(tmp_path) == "msgraph not loaded"


def test_a_command_with_graph_credentials_loads_msgraph_as_it_starts(tmp_path: Path):
    configured = _ask(
        tmp_path,
        GRAPH_TENANT_ID="00000000-0000-4000-8000-000000000001",
        GRAPH_CLIENT_ID="00000000-0000-4000-8000-000000000002",
        GRAPH_CLIENT_SECRET="not-a-secret",
    )
    assert configured == "msgraph loaded"
