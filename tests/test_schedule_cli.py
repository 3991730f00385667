"""`app.py wheel`, `agenda` and `calendar` as outside scripts run them: real processes on a
fresh working directory (a new SQLite database, seeded with the shipped networks).

Their output is a contract (README, "Command line"): these tests read it the way a
script or a calendar app would.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from icalendar import Calendar

from storage.database import Database
from storage.meetings import MeetingRepository
from tests.conftest import sqlite_url
from tests.test_cli import APP, REPO, _free_port, run_app

KEY = {"CALENDAR_LINK_KEY": "test-key-" + "x" * 32}


def shipped(network: str) -> dict:
    return yaml.safe_load((REPO / "data" / "networks" / f"{network}.yaml").read_text("utf-8"))


def test_wheel_json_lists_a_years_dates_soonest_first_on_a_fresh_database(tmp_path):
    result = run_app(tmp_path, "wheel", "--network", "bestservice", "--from", "2027-01-01",
                     "--days", "365", "--json")  # fmt: skip

    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert items, "a year of Best Service has dates"
    for item in items:
        assert {"date", "key", "title", "network", "group", "kind"} <= set(item)
        assert item["network"] == "bestservice"
        assert item["kind"] in {"deadline", "check", "meeting"}
        assert date(2027, 1, 1) <= date.fromisoformat(item["date"]) <= date(2027, 12, 31)
    days = [item["date"] for item in items]
    assert days == sorted(days)
    assert len({item["key"] for item in items}) == len(items)
    rule_keys = {rule["key"] for rule in shipped("bestservice")["wheel"]}
    deadlines = [i for i in items if i["kind"] == "deadline"]
    assert {i["key"].split(":")[1] for i in deadlines} <= rule_keys
    # The board's date concerns the whole network: no group.
    assert any(i["group"] is None and i["channel"] == "styrelsen" for i in deadlines)
    assert any(i["group"] == "logistik" for i in deadlines)
    assert any(i["kind"] == "meeting" and i["start"].startswith(i["date"]) for i in items)


def test_wheel_narrows_to_a_group_and_finds_its_network_and_reads_plainly(tmp_path):
    result = run_app(tmp_path, "wheel", "--group", "logistik", "--from", "2027-01-01",
                     "--days", "365", "--json")  # fmt: skip

    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert items and {i["network"] for i in items} == {"bestservice"}
    assert {i["group"] for i in items} <= {"logistik", None}

    text = run_app(tmp_path, "wheel", "--network", "bestservice", "--group", "logistik",
                   "--from", "2027-01-01", "--days", "365")  # fmt: skip
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert len(lines) == len(items)
    assert all(line.startswith(i["date"]) and i["title"] in line for line, i in zip(lines, items))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["wheel", "--network", "nosuch"], "unknown network 'nosuch'"),
        (["wheel", "--network", "erad", "--group", "logistik"], "unknown group 'logistik'"),
        (["wheel", "--from", "2027-02-30"], "--from '2027-02-30' is not a date"),
        (["agenda", "--network", "bestservice", "--group", "nosuch"], "unknown group 'nosuch'"),
        (["calendar", "--network", "bestservice", "--link", "--base-url", "bot.example.se"],
         "--base-url 'bot.example.se'"),
    ],
)
def test_a_wrong_argument_is_one_clear_line_and_a_non_zero_exit(tmp_path, args, message):
    result = run_app(tmp_path, *args, env=KEY)

    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_agenda_json_is_the_next_meeting_with_standing_points_then_members_items(tmp_path):
    first = run_app(tmp_path, "agenda", "--network", "bestservice", "--group", "logistik",
                    "--json")  # fmt: skip
    assert first.returncode == 0, first.stderr
    agenda = json.loads(first.stdout)
    start = datetime.fromisoformat(agenda["meeting"]["start"])
    assert start.tzinfo is not None and start > datetime.now(start.tzinfo)
    standing = [point["sv"] for point in shipped("bestservice")["agenda"]["standing_points"]]
    assert [item["text"] for item in agenda["items"]] == standing

    asyncio.run(_add_item(tmp_path, agenda["meeting"]["id"], "Nya städrutiner"))
    second = json.loads(run_app(tmp_path, "agenda", "--network", "bestservice", "--group",
                                "logistik", "--json").stdout)  # fmt: skip
    assert [item["text"] for item in second["items"]] == [*standing, "Nya städrutiner"]
    assert second["items"][-1]["source"] == "member"

    text = run_app(tmp_path, "agenda", "--network", "bestservice", "--group", "logistik")
    assert text.stdout.splitlines()[-1] == f"{len(standing) + 1}. Nya städrutiner"


async def _add_item(workdir: Path, meeting_id: int, text: str) -> None:
    database = Database(sqlite_url(workdir / "samverkan.db"))
    try:
        added = await MeetingRepository(database).add_item(
            meeting_id, text, author_name="Test", author_id="test", now=datetime.now().astimezone()
        )
        assert added is not None
    finally:
        await database.close()


def test_calendar_writes_the_same_uids_on_every_run_to_stdout_and_to_a_file(tmp_path):
    first = run_app(tmp_path, "calendar", "--network", "bestservice")
    assert first.returncode == 0, first.stderr
    calendar = Calendar.from_ical(first.stdout)
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Stockholm"
    events = calendar.walk("VEVENT")
    meetings = [e for e in events if isinstance(e.decoded("DTSTART"), datetime)]
    deadlines = [e for e in events if not isinstance(e.decoded("DTSTART"), datetime)]
    assert meetings and deadlines
    assert all(e["DTSTART"].params["TZID"] == "Europe/Stockholm" for e in meetings)
    today = date.today()
    assert all(
        today - timedelta(days=31) <= e.decoded("DTSTART") <= today + timedelta(days=366)
        for e in deadlines
    )

    out = tmp_path / "bestservice.ics"
    second = run_app(tmp_path, "calendar", "--network", "bestservice", "--out", str(out))
    assert second.returncode == 0 and second.stdout == ""
    again = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert sorted(str(e["UID"]) for e in again) == sorted(str(e["UID"]) for e in events)


def test_a_subscription_link_is_served_a_wrong_token_refused_and_a_revoked_one_too(tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    made = run_app(tmp_path, "calendar", "--network", "bestservice", "--group", "logistik",
                   "--link", "--base-url", base, env=KEY)  # fmt: skip
    assert made.returncode == 0, made.stderr
    (url,) = made.stdout.splitlines()
    assert url.startswith(f"{base}/calendar/") and url.endswith(".ics")
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert token not in (tmp_path / "samverkan.db").read_bytes().decode("latin-1")
    again = run_app(tmp_path, "calendar", "--network", "bestservice", "--group", "logistik",
                    "--link", "--base-url", base, env=KEY)  # fmt: skip
    assert again.stdout.strip() == url  # shown again, not replaced

    with _serving(tmp_path, port):
        status, content_type, body = _get(url)
        assert (status, content_type) == (200, "text/calendar")
        etag = _headers(url)["ETag"]
        assert _get(url, {"If-None-Match": etag})[0] == 304  # nothing changed since
        events = Calendar.from_ical(body).walk("VEVENT")
        assert any("Logistik" in str(e["SUMMARY"]) for e in events)
        wrong = url.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
        assert _get(wrong)[0] == 404
        assert _get(f"{base}/calendar/.ics")[0] == 404

        revoked = run_app(tmp_path, "calendar", "--network", "bestservice", "--group",
                          "logistik", "--revoke", env=KEY)  # fmt: skip
        assert revoked.returncode == 0, revoked.stderr
        assert _get(url)[0] == 404  # at once, without a restart
        renewed = run_app(tmp_path, "calendar", "--network", "bestservice", "--group",
                          "logistik", "--link", "--base-url", base, env=KEY)  # fmt: skip
        assert renewed.stdout.strip() != url
        assert _get(renewed.stdout.strip())[0] == 200


class _serving:
    """`app.py serve` on `port` in `workdir` until the block ends."""

    def __init__(self, workdir: Path, port: int):
        self.workdir, self.port = workdir, port

    def __enter__(self) -> subprocess.Popen[str]:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
        environment.pop("DATABASE_URL", None)
        environment.update(KEY, SCHEDULER_INTERVAL_SECONDS="0")
        self.process = subprocess.Popen(
            [sys.executable, APP, "serve", "--port", str(self.port)], cwd=self.workdir,
            env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                return self.process
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise AssertionError("the bot did not start")

    def __exit__(self, *_: object) -> None:
        self.process.terminate()
        self.process.communicate(timeout=30)


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str | None, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get_content_type(), err.read()


def _headers(url: str) -> dict[str, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return dict(response.headers)
