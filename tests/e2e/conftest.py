"""Real clients for the e2e tests: headless Chromium (Playwright), the bot, the Agents Playground.

Chromium is Debian's /usr/bin/chromium, installed by .ci/browser-deps.sh (Playwright's own
browser download is never used). The npm packages (the Playground, the Adaptive Cards
renderer, axe-core) come from tests/node, installed by .ci/node-deps.sh. When one of them cannot be
had, the tests skip with the reason the script recorded; with CI=true that is a failure.

Everything a test leaves to look at goes under artifacts/ (gitignored): screenshots of each
conversation step in artifacts/e2e/, of each card in artifacts/cards/, and the bot's and
the Playground's logs in artifacts/e2e/.

Playwright's sync API keeps an event loop running in this thread while `browser` is open
(package scope: it closes before the tests outside tests/e2e run). So tests here are plain
functions; run coroutines on a thread of their own (see test_cards_rendered.collection).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.processes import ARTIFACTS, RunningProcess, start_bot, start_playground
from tests.manifest.node_deps import in_ci, require_node_modules

CHROMIUM = Path("/usr/bin/chromium")
# Written by .ci/browser-deps.sh when it could not install Chromium.
BROWSER_UNAVAILABLE = ARTIFACTS / ".browser-unavailable"
# What the machine notes ask of Chromium here: no GPU, no sandbox as root, and no
# background connections (the network is closed; they would only fail and slow start-up).
# Playwright adds --headless and a new empty --user-data-dir itself.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}


def _unavailable(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason} (CI=true: the e2e tests must run in CI)")
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    """Headless Debian Chromium driven by Playwright, shared by the e2e tests."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable(
            "the Python package playwright is not installed in .venv; run ./test.sh "
            "(it installs requirements-test.lock)"
        )
    if not CHROMIUM.is_file():
        if BROWSER_UNAVAILABLE.is_file():
            _unavailable(BROWSER_UNAVAILABLE.read_text(encoding="utf-8").strip())
        _unavailable(f"{CHROMIUM} is not installed; run: bash .ci/browser-deps.sh")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="package")
def e2e_artifacts() -> Path:
    """artifacts/e2e/, emptied: what this run leaves to look at."""
    path = ARTIFACTS / "e2e"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


@pytest.fixture(scope="package")
def bot_process(
    e2e_artifacts: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningProcess]:
    """`app.py serve` on a free loopback port, local mode, new SQLite database, shipped data."""
    bot = start_bot(workdir=tmp_path_factory.mktemp("bot"), log_path=e2e_artifacts / "bot.log")
    try:
        yield bot
    finally:
        bot.stop()


@pytest.fixture(scope="package")
def playground_process(
    bot_process: RunningProcess, e2e_artifacts: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningProcess]:
    """The Agents Playground (Teams channel) pointed at the bot, on a free port."""
    require_node_modules(needs_node=True)
    workdir = tmp_path_factory.mktemp("playground")
    playground = start_playground(
        bot_port=bot_process.port, workdir=workdir, log_path=e2e_artifacts / "playground.log"
    )
    try:
        yield playground
    finally:
        playground.stop()
        # The Playground's own log (connections to the bot, warnings) lands in its workdir.
        own_log = workdir / "devTools/m365agentsplayground.log"
        if own_log.is_file():
            shutil.copyfile(own_log, e2e_artifacts / "playground-devtools.log")


_LOOPBACK = re.compile(r"^https?://(127\.0\.0\.1|localhost)(:\d+)?/")


@pytest.fixture(scope="package")
def playground_page(browser, playground_process: RunningProcess) -> Iterator[object]:
    """The Playground's page, loaded. Requests off this machine (the Playground asks a CDN
    for fonts and animations) are refused at once instead of timing out."""
    context = browser.new_context(viewport=VIEWPORT, locale="sv-SE")
    context.route(lambda url: not _LOOPBACK.match(url), lambda route: route.abort())
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{playground_process.port}/")
    try:
        yield page
    finally:
        context.close()
