"""The command line as outside scripts use it: real processes, a fresh working directory.

`app.py ask` is a contract other tools rely on (one answer line per question line,
`--json` objects with roles/answer/holders), so it is tested exactly as they call it.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import aiohttp
import pytest
import yaml

from bot.local_connector import LocalConnector
from tests.bot.teams_activities import personal_message

REPO = Path(__file__).resolve().parent.parent
APP = str(REPO / "app.py")


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A fresh working directory: the default SQLite file is created here."""
    return tmp_path


def run_app(workdir: Path, *args: str, stdin: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
    environment.pop("DATABASE_URL", None)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, APP, *args], cwd=workdir, input=stdin, text=True,
        capture_output=True, env=environment, timeout=120,
    )


def test_ask_answers_the_member_register_question_on_a_fresh_directory(workdir):
    result = run_app(workdir, "ask", "Vem ansvarar för medlemsregistret?")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert "Medlemsansvarig" in lines[0]
    assert (workdir / "samverkan.db").exists()  # the default database, seeded on first use


def test_networks_files_are_read_to_seed_a_new_database_and_not_again(workdir):
    networks = workdir / "networks"
    shutil.copytree(REPO / "data" / "networks", networks)
    env = {"NETWORKS_DIR": str(networks)}
    first = run_app(workdir, "ask", "Vem ansvarar för medlemsregistret?", env=env)
    assert first.returncode == 0, first.stderr
    # Broken after the first start: the seeded database is what the bot answers from.
    (networks / "broken.yaml").write_text("key: [not, a, network\n", encoding="utf-8")

    again = run_app(workdir, "ask", "Vem ansvarar för medlemsregistret?", env=env)

    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout
    assert again.stderr == ""


def test_ask_json_names_the_role_and_its_holder(workdir):
    result = run_app(workdir, "ask", "vem är processledare?", "--network", "erad", "--json")

    answer = json.loads(result.stdout)
    assert answer["roles"][0] == "processledare"
    assert answer["holders"][0]["name"] == "Sara Herrman"
    assert "Sara Herrman" in answer["answer"]


def test_ask_reads_stdin_and_writes_exactly_one_line_per_question_line(workdir):
    questions = [
        "Vem bokar möteslokalen?",
        json.dumps({"q": "who keeps the budget?", "group": "logistik"}),
        "{not json",
        "",
        "Vad är klockan?",
        json.dumps({"q": "vem är ordförande?", "network": "nosuchnetwork"}),
        json.dumps({"q": "who is the chair?", "network": "erad"}),
    ]
    result = run_app(workdir, "ask", "--json", stdin="\n".join(questions) + "\n")

    assert result.returncode == 1  # every line answered, but one named an unknown network
    assert "nosuchnetwork" in result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == len(questions)
    assert all({"roles", "answer", "holders"} <= set(a) for a in answers)
    booking, budget, bad_json, empty, off_topic, unknown, chair = answers
    assert booking["roles"][0] == "motesansvarig" and booking["language"] == "sv"
    assert budget["roles"][0] == "ekonomiansvarig" and budget["group"] == "logistik"
    assert budget["language"] == "en"
    assert bad_json["roles"] == [] and "JSON" in bad_json["error"]
    assert empty["roles"] == []
    assert off_topic["roles"] == []  # abstains instead of guessing
    assert unknown["roles"] == [] and "nosuchnetwork" in unknown["answer"]
    assert chair["roles"][0] == "ordforande" and "Henrik Röste" in chair["answer"]


def test_ask_stops_quietly_when_its_reader_goes_away(workdir):
    # "app.py ask < questions.txt | head -1": the pipe closes after the first answer.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
    environment.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, APP, "ask"], cwd=workdir, env=environment, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    process.stdin.write("vem är sekreterare?\n" * 2000)
    process.stdin.close()
    first = process.stdout.readline()
    process.stdout.close()
    status = process.wait(timeout=120)
    errors = process.stderr.read()

    assert "Sekreterare" in first
    assert status == 141
    assert "Traceback" not in errors and "BrokenPipe" not in errors


def test_ask_plain_text_from_stdin_keeps_one_line_per_answer(workdir):
    result = run_app(workdir, "ask", stdin="Hej\nVem är sekreterare?\n")

    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Hej!")
    assert "Sekreterare" in lines[1]


@pytest.mark.parametrize(("args", "named"), [
    (("--network", "nosuchnetwork"), "nosuchnetwork"),
    (("--group", "nosuchgroup"), "nosuchgroup"),
])
def test_ask_exits_non_zero_with_a_message_on_stderr_for_an_unknown_network_or_group(
    workdir, args, named
):
    result = run_app(workdir, "ask", "vem är sekreterare?", *args)

    assert result.returncode != 0
    assert result.stdout == ""
    assert named in result.stderr and "known: " in result.stderr


def test_ask_plain_output_is_plain_text_not_markdown(workdir):
    result = run_app(workdir, "ask", "--network", "erad",
                     stdin="vem är processledare?\nvilka sitter i beredningen?\n")

    assert result.returncode == 0, result.stderr
    leader, preparation = result.stdout.splitlines()
    assert leader.startswith("Processledare i Fyrbodals e-råd: Sara Herrman.")
    assert "Uppgift: " in leader
    assert "**" not in result.stdout and "_" not in result.stdout
    # A composite role's members, one line of output still.
    assert preparation.startswith(
        "Beredning i Fyrbodals e-råd består av: - Ordförande: Henrik Röste"
    )


def test_registry_export_import_round_trips_and_import_changes_answers(workdir):
    exported = workdir / "registry.yaml"
    assert run_app(workdir, "registry", "export", str(exported)).returncode == 0
    document = yaml.safe_load(exported.read_text(encoding="utf-8"))
    assert [n["key"] for n in document["networks"]] == [
        "arbetsgrupp", "bestservice", "erad", "lansprojekt"]

    # A coordinator registers the Logistik secretary and imports the file back.
    bestservice = next(n for n in document["networks"] if n["key"] == "bestservice")
    bestservice.setdefault("holders", []).append(
        {"role": "sekreterare", "group": "logistik", "name": "Maja Lund",
         "email": "maja.lund@region.example"})
    exported.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
    imported = run_app(workdir, "registry", "import", str(exported))
    assert imported.returncode == 0, imported.stderr

    answer = json.loads(run_app(workdir, "ask", "vem är sekreterare?", "--group", "logistik",
                                "--json").stdout)
    assert answer["holders"] == [{"name": "Maja Lund", "email": "maja.lund@region.example",
                                  "entra_object_id": None, "group": "logistik", "deputy": False}]

    # export -> import -> export gives the same file, holder included.
    first, second = workdir / "first.yaml", workdir / "second.yaml"
    run_app(workdir, "registry", "export", str(first))
    run_app(workdir, "registry", "import", str(first))
    run_app(workdir, "registry", "export", str(second))
    assert "Maja Lund" in first.read_text(encoding="utf-8")
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


def test_registry_import_of_a_broken_file_says_where_and_changes_nothing(workdir):
    broken = workdir / "broken.yaml"
    broken.write_text("key: bestservice\nname: {sv: Best Service, en: Best Service}\n"
                      "roles:\n  - key: ordforande\n    scope: everywhere\n", encoding="utf-8")
    before = run_app(workdir, "ask", "vem är sekreterare?", "--json").stdout

    result = run_app(workdir, "registry", "import", str(broken))

    assert result.returncode != 0
    assert "broken.yaml" in result.stderr and "scope" in result.stderr
    assert run_app(workdir, "ask", "vem är sekreterare?", "--json").stdout == before


def test_an_invalid_setting_stops_the_bot_with_a_clear_message(workdir):
    result = run_app(workdir, "ask", "hej", env={"PORT": "not-a-port"})

    assert result.returncode == 2
    assert "PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_is_a_clear_error_not_a_traceback(workdir):
    result = run_app(workdir, "ask", "hej",
                     env={"DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none"})

    assert result.returncode == 3
    assert "database unavailable" in result.stderr
    assert "Traceback" not in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_starts_in_local_mode_says_so_and_answers_health_checks(workdir):
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
    environment.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, APP, "serve", "--port", str(port)],
        cwd=workdir, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        health = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    health = json.loads(r.read())
                    break
            except OSError:
                time.sleep(0.2)
        assert health == {"status": "ok"}
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert "LOCAL MODE" in stderr


def test_imports_show_in_the_audit_log_and_a_person_can_be_exported_and_erased(workdir):
    exported = workdir / "registry.yaml"
    run_app(workdir, "registry", "export", str(exported))
    document = yaml.safe_load(exported.read_text(encoding="utf-8"))
    bestservice = next(n for n in document["networks"] if n["key"] == "bestservice")
    bestservice.setdefault("holders", []).append({"role": "sekreterare", "group": "logistik",
                                   "name": "Maja Lund", "email": "maja.lund@region.example"})
    exported.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    assert run_app(workdir, "registry", "import", str(exported)).returncode == 0

    audit = run_app(workdir, "audit", "--network", "bestservice", "--json")
    assert audit.returncode == 0, audit.stderr
    seeded, imported = [json.loads(line) for line in audit.stdout.splitlines()]
    assert (seeded["action"], seeded["actor"]) == ("registry.seed", "system")
    assert imported["action"] == "registry.import" and imported["actor"].startswith("cli:")
    assert imported["after"] == {"holders": ["sekreterare/logistik: Maja Lund "
                                             "<maja.lund@region.example>"]}

    export = run_app(workdir, "person", "export", "--email", "maja.lund@region.example")
    assert json.loads(export.stdout)["roles"][0]["group"] == "logistik"

    erase = run_app(workdir, "person", "erase", "--email", "maja.lund@region.example")
    assert erase.returncode == 0, erase.stderr
    assert '"roles": 1' in erase.stdout
    after = run_app(workdir, "audit", "--json").stdout
    assert "Maja" not in after and '"action": "person.erase"' in after
    assert json.loads(run_app(workdir, "person", "export", "--email",
                              "maja.lund@region.example").stdout)["roles"] == []


def test_serve_retries_an_unreachable_database_then_exits_with_a_clear_error(workdir):
    started = time.monotonic()
    result = run_app(workdir, "serve", "--port", str(_free_port()), "--wait-for-database", "2.5",
                     env={"DATABASE_URL": "postgresql+asyncpg://nobody:s3cret@127.0.0.1:1/none"})

    assert result.returncode == 3
    assert time.monotonic() - started >= 2.5
    warnings = [line for line in result.stderr.splitlines() if "retrying in" in line]
    # Tries at 0 s and 1 s are retried; the third, at 2.5 s, is the last.
    assert len(warnings) == 2, result.stderr
    assert "nobody:***@127.0.0.1:1/none" in warnings[0] and "ConnectionRefusedError" in warnings[0]
    assert "attempt 1" in warnings[0] and "attempt 2" in warnings[1]
    assert "database unavailable" in result.stderr
    assert "Traceback" not in result.stderr and "s3cret" not in result.stderr


def test_serve_links_the_wheel_page_at_the_address_it_listens_on(workdir):
    # --host/--port override HOST/PORT: the wheel-page link the bot gives must name the
    # address it really listens on, not PORT's.
    networks = workdir / "networks"
    shutil.copytree(REPO / "data" / "networks", networks)
    data_file = networks / "bestservice.yaml"
    document = yaml.safe_load(data_file.read_text(encoding="utf-8"))
    document["wheel"].append({  # a weekly deadline: more rows than "årshjul" shows
        "key": "veckorapport", "title": {"sv": "Veckorapport", "en": "Weekly report"},
        "responsible": "styrelsens_kontaktperson", "target": "styrelsen",
        "rrule": "FREQ=WEEKLY;BYDAY=MO", "lead_days": [0],
    })  # fmt: skip
    data_file.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    port, unused = _free_port(), _free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
    environment.pop("DATABASE_URL", None)
    environment.update({"NETWORKS_DIR": str(networks), "PORT": str(unused),
                        "DEFAULT_NETWORK": "bestservice", "PUBLIC_BASE_URL": ""})  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, APP, "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=workdir, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        reply = asyncio.run(_say_to_bot(port, "årshjul"))
        link = re.search(r"http://[^\s()\]\"]+/wheel\?[^\s()\]\"]+", reply)
        assert link is not None, reply
        assert link.group(0) == f"http://127.0.0.1:{port}/wheel?network=bestservice&lang=sv"
        with urllib.request.urlopen(link.group(0), timeout=10) as response:
            assert response.status == 200
            assert "<h1>Best Service</h1>" in response.read().decode()
    finally:
        process.terminate()
        process.communicate(timeout=30)


async def _say_to_bot(port: int, text: str) -> str:
    """What the bot at `port` answers a personal-chat message, its card included, as JSON."""
    async with LocalConnector() as connector, aiohttp.ClientSession() as http:
        activity = personal_message(connector.service_url, text)
        async with http.post(f"http://127.0.0.1:{port}/api/messages", json=activity) as response:
            assert response.status < 300, await response.text()
        (reply,) = await connector.wait_for_activities(1, timeout=30)
    return json.dumps([reply.text, reply.attachments], ensure_ascii=False)


def test_ask_without_network_asks_the_configured_default_network(workdir):
    # A deployment whose only network is not the sample's bestservice.
    networks = workdir / "networks"
    networks.mkdir()
    shutil.copy(REPO / "data" / "networks" / "arbetsgrupp.yaml", networks)

    result = run_app(workdir, "ask", "Vem är föredragande?",
                     env={"NETWORKS_DIR": str(networks), "DEFAULT_NETWORK": "arbetsgrupp"})

    assert result.returncode == 0, result.stderr
    assert "Kansliet" in result.stdout


def test_ask_answers_with_the_example_questions_of_examples_dir(workdir):
    """A deployment's own labelled questions steer answers told like them; a broken example
    file stops the command with the file and the line, rather than being skipped."""
    (workdir / "empty").mkdir()
    examples = workdir / "examples"
    examples.mkdir()
    (examples / "bestservice.yaml").write_text(
        "network: bestservice\n"
        "examples:\n"
        "  - {question: 'vi behöver ett större mötesrum, vem ringer jag?', roles: [ordforande]}\n"
        "  - {question: 'ett större mötesrum till hösten, vem ringer jag?', roles: [ordforande]}\n"
        "  - {question: 'vem ska jag ringa om ett större mötesrum?', roles: [ordforande]}\n",
        encoding="utf-8",
    )
    question = ["ask", "vi behöver ett större mötesrum till hösten, vem ska jag ringa?",
                "--network", "bestservice",
                "--group", "logistik", "--json"]

    plain = run_app(workdir, *question, env={"EXAMPLES_DIR": str(workdir / "empty")})
    steered = run_app(workdir, *question, env={"EXAMPLES_DIR": str(examples)})

    assert json.loads(plain.stdout)["roles"][0] == "motesansvarig", plain.stderr
    assert json.loads(steered.stdout)["roles"][0] == "ordforande", steered.stderr

    (examples / "broken.yaml").write_text("examples: [\n", encoding="utf-8")
    broken = run_app(workdir, *question, env={"EXAMPLES_DIR": str(examples)})

    assert broken.returncode != 0
    assert "broken.yaml:2" in broken.stderr and "not valid YAML" in broken.stderr
