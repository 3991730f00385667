"""The command line: `python app.py COMMAND`, its parser and its exit statuses.

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

`main` parses the arguments, reads the settings and runs the command's handler
(`cli.commands`, `cli.schedule`) with the `Wiring` app.py hands in.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from bot.http import PortUnavailable
from bot.settings import Settings, SettingsError
from cli.commands import (
    Wiring,
    ask,
    audit_command,
    backup_command,
    chat,
    minutes_command,
    person_command,
    registry_command,
    restore_command,
)
from cli.schedule import schedule_cli
from manifest.package import add_package_arguments, main_package
from observability.logs import configure_logging
from storage.database import DatabaseUnavailable
from storage.registry_files import RegistryFileError

# How long `serve` keeps retrying a database that is not up yet.
DATABASE_WAIT_SECONDS = 120.0

def _serve(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
    return wiring.serve(settings, args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description="samverkan-bot: a Microsoft Teams bot for collaboration networks")
    commands = parser.add_subparsers(dest="command")

    serve_parser = commands.add_parser("serve", help="start the bot (default)")
    serve_parser.add_argument("--host", help="address to bind (default HOST or 127.0.0.1)")
    serve_parser.add_argument("--port", type=int, help="port (default PORT or 3978)")
    serve_parser.add_argument(
        "--wait-for-database", type=float, default=DATABASE_WAIT_SECONDS, metavar="SECONDS",
        help=f"keep retrying an unavailable database this long (default {DATABASE_WAIT_SECONDS:g})",
    )
    serve_parser.set_defaults(func=_serve)

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


CLOSED_PIPE = 141


def main(wiring: Wiring, argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit status says how it went (2: a usage or settings error,
    3: the database is unavailable, 4: a data file is wrong, 5: the port is taken, 141: the
    reader of its output went away)."""
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
        return args.func(settings, args, wiring)
    except DatabaseUnavailable as err:
        print(f"database unavailable: {err}", file=sys.stderr)
        return 3
    except RegistryFileError as err:
        print(f"registry file error: {err}", file=sys.stderr)
        return 4
    except PortUnavailable as err:
        print(err, file=sys.stderr)
        return 5
    except BrokenPipeError:
        # The reader stopped reading ("app.py ask < questions.txt | head -1"): stop quietly,
        # with the status a shell gives a process its pipe closed on (128 + SIGPIPE).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return CLOSED_PIPE
