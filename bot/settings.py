"""The bot's settings, read once at start from the environment and an optional `.env` file.

The Bot Framework variables keep Bot Framework's own names (`MicrosoftAppId`,
`MicrosoftAppPassword`, `MicrosoftAppTenantId`, `MicrosoftAppType`) so that values
copied from the Azure portal or an existing bot's configuration work unchanged.
Every variable is documented in `.env.example`.

Validation collects every problem before failing, so one start tells the operator
everything that is wrong instead of one thing at a time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, TypeVar

from dotenv import dotenv_values

from domain.registry import SHIFT_POLICIES, ShiftPolicy
from services.calendar_feed import is_base_url

N = TypeVar("N", int, float)  # a setting that is a number

AppType = Literal["MultiTenant", "SingleTenant", "UserAssignedMSI"]
APP_TYPES: tuple[AppType, ...] = ("MultiTenant", "SingleTenant", "UserAssignedMSI")

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_NETWORKS_DIR = REPOSITORY_ROOT / "data" / "networks"
DEFAULT_EXAMPLES_DIR = REPOSITORY_ROOT / "data" / "examples"

# The shortest CALENDAR_LINK_KEY accepted: 32 characters of `secrets.token_urlsafe` are
# about 190 bits, more than the 128 a subscription token must resist.
CALENDAR_LINK_KEY_MIN = 32

_LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")

BotEnvironment = Literal["local", "production"]
BOT_ENVIRONMENTS: tuple[BotEnvironment, ...] = ("local", "production")

# Where the bot may send its token: the Bot Framework channel service (public and US
# government clouds) and the Teams connectors (public `smba.trafficmanager.net`, and the
# GCC, GCC High and DoD endpoints Microsoft lists as `TeamsServiceEndpoints`). Not
# `*.trafficmanager.net`: any Azure customer can create a name under it.
DEFAULT_ALLOWED_SERVICE_URL_HOSTS: tuple[str, ...] = (
    "smba.trafficmanager.net",
    "*.botframework.com",
    "*.botframework.us",
    "*.botframework.azure.us",
    "smba.infra.gcc.teams.microsoft.com",
    "smba.infra.gov.teams.microsoft.us",
    "smba.infra.dod.teams.microsoft.us",
)

# Where the bot may fetch a file sent to it from: SharePoint and OneDrive for Business
# (Teams' download links, public, US government GCC High and DoD, 21Vianet), consumer
# OneDrive, and Microsoft Graph's own hosts (a download may be answered from Graph).
DEFAULT_ALLOWED_FILE_HOSTS: tuple[str, ...] = (
    "*.sharepoint.com",
    "*.sharepoint.us",
    "*.sharepoint-mil.us",
    "*.sharepoint.cn",
    "*.1drv.com",
    "graph.microsoft.com",
    "graph.microsoft.us",
    "dod-graph.microsoft.us",
    "microsoftgraph.chinacloudapi.cn",
)


class SettingsError(ValueError):
    """The configuration is unusable; `problems` lists every reason, one per entry."""

    def __init__(self, problems: list[str]):
        self.problems = tuple(problems)
        super().__init__(
            "invalid configuration:\n"
            + "\n".join(f"  - {problem}" for problem in problems)
            + "\nSee .env.example for every variable and its meaning."
        )


@dataclass(frozen=True)
class Settings:
    """Everything the process needs to know about its environment.

    `app_password` is excluded from `repr` so that logging a `Settings` never leaks it.
    """

    app_id: str = ""
    app_password: str = field(default="", repr=False)
    app_tenant_id: str = ""
    app_type: AppType = "MultiTenant"
    database_url: str = "sqlite+aiosqlite:///samverkan.db"
    # The longest a PostgreSQL statement may run or wait for a lock (storage.database).
    database_statement_timeout_seconds: float = 15.0
    host: str = "127.0.0.1"
    port: int = 3978
    default_network: str = "bestservice"
    networks_dir: Path = DEFAULT_NETWORKS_DIR
    # Labelled example questions that help answer "who do I contact?" (read at every start).
    examples_dir: Path = DEFAULT_EXAMPLES_DIR
    log_level: str = "INFO"
    scheduler_interval_seconds: int = 60  # 0: this process sends no scheduled posts
    # How long a claimed outbox row stays this replica's before another may take it over
    # (the replica died), and the first pause before retrying a post Teams failed on.
    outbox_lease_seconds: int = 300
    outbox_retry_base_seconds: int = 30
    # Scheduled posts a second for the whole tenant, all replicas together (Teams allows
    # an app about 30-50 a second per tenant).
    tenant_posts_per_second: float = 30.0
    audit_retention_days: int = 730  # audit entries older than this are purged daily
    outbox_retention_days: int = 180  # finished scheduled posts, days after they went stale
    failed_upload_retention_days: int = 90  # received files given up on, days untouched
    # Microsoft Graph (minutes in SharePoint), app-only; empty ids fall back to the bot's.
    graph_tenant_id: str = ""
    graph_client_id: str = ""
    graph_client_secret: str = field(default="", repr=False)
    graph_certificate_path: Path | None = None
    graph_base_url: str = "https://graph.microsoft.com/v1.0"
    graph_retry_seconds: float = 2.0  # first pause before retrying Graph (5xx); doubles
    # The first pause before a received file's upload is tried again in the background,
    # doubled with every try up to the cap (with jitter).
    minutes_retry_base_seconds: int = 30
    minutes_retry_max_seconds: int = 900
    minutes_max_mb: int = 50
    minutes_types: tuple[str, ...] = ("pdf", "docx", "doc", "odt", "rtf")
    minutes_reminder_days: tuple[int, ...] = (3, 7)
    # Where a reminder day on a weekend or Swedish holiday moves.
    minutes_reminder_shift: ShiftPolicy = "next_working_day"
    data_dir: Path | None = None  # received files wait here (else in the database)
    environment: BotEnvironment = "local"  # production refuses to start without an app id
    # Hosts a token may be sent to ("*.example.com": any subdomain); not checked in local mode.
    allowed_service_url_hosts: tuple[str, ...] = DEFAULT_ALLOWED_SERVICE_URL_HOSTS
    # Calendar subscription links: the key their tokens are derived from (never stored in
    # the database), and the public address the links (and the wheel card) point at.
    calendar_link_key: str = field(default="", repr=False)
    public_base_url: str = ""
    # Production refuses the Bot Framework Emulator's tokens unless this allows them.
    allow_emulator_tokens: bool = False
    # Hosts a file sent to the bot may be fetched from (and redirected to); same patterns.
    allowed_file_hosts: tuple[str, ...] = DEFAULT_ALLOWED_FILE_HOSTS

    @property
    def local_mode(self) -> bool:
        """True without an app id: no tokens checked or sent (Playground, terminal chat, tests)."""
        return not self.app_id

    def bound_to(self, host: str, port: int) -> Settings:
        """These settings with the address the server actually listens on (command-line
        overrides, the port the system chose for 0), for what names that address."""
        return replace(self, host=host, port=port)

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] = os.environ,
        env_file: str | os.PathLike[str] | None = ".env",
    ) -> Settings:
        """Build the settings from `env_file` (if it exists) overlaid by `environ`.

        The real environment wins over the file, so a deployment can override a
        developer's `.env` without editing it. Raises `SettingsError` listing every
        problem found.
        """
        values: dict[str, str] = {}
        if env_file is not None and Path(env_file).is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(environ)
        return cls.from_mapping(values)

    @classmethod
    def from_mapping(cls, values: Mapping[str, str]) -> Settings:
        """Build and validate the settings from one flat mapping of variable names to strings."""
        problems: list[str] = []

        def text(name: str, default: str = "") -> str:
            return (values.get(name) or default).strip()

        def number(name: str, default: N, accepted: Callable[[N], bool], expected: str) -> N:
            """The variable as a number of `default`'s type, or `default` and a problem."""
            raw = text(name, str(default))
            try:
                value = type(default)(raw)
            except ValueError:
                value = None
            if value is not None and accepted(value):
                return value
            problems.append(f"{name} is {raw!r}; expected {expected}")
            return default

        app_id = text("MicrosoftAppId")
        app_password = values.get("MicrosoftAppPassword") or ""
        app_tenant_id = text("MicrosoftAppTenantId")

        raw_app_type = text("MicrosoftAppType", "MultiTenant")
        # The SDK compares app types case-insensitively; accept what it accepts, store one spelling.
        app_type = next((t for t in APP_TYPES if t.lower() == raw_app_type.lower()), None)
        if app_type is None:
            problems.append(
                f"MicrosoftAppType is {raw_app_type!r}; expected one of {', '.join(APP_TYPES)}"
            )
            app_type = "MultiTenant"

        if app_id:
            if app_type in ("MultiTenant", "SingleTenant") and not app_password:
                problems.append(
                    f"MicrosoftAppId is set but MicrosoftAppPassword is empty "
                    f"(required for MicrosoftAppType={app_type})"
                )
            if app_type in ("SingleTenant", "UserAssignedMSI") and not app_tenant_id:
                problems.append(f"MicrosoftAppTenantId is required for MicrosoftAppType={app_type}")
        else:
            if app_password:
                problems.append(
                    "MicrosoftAppPassword is set but MicrosoftAppId is empty; set both "
                    "(Azure) or neither (local mode)"
                )
            if app_type != "MultiTenant":
                problems.append(
                    f"MicrosoftAppType={app_type} needs a MicrosoftAppId; leave both empty "
                    "for local mode"
                )

        raw_environment = text("BOT_ENVIRONMENT", "local").lower()
        environment = next((e for e in BOT_ENVIRONMENTS if e == raw_environment), None)
        if environment is None:
            problems.append(
                f"BOT_ENVIRONMENT is {raw_environment!r}; expected one of "
                f"{', '.join(BOT_ENVIRONMENTS)}"
            )
            environment = "local"
        elif environment == "production" and not app_id:
            problems.append(
                "BOT_ENVIRONMENT=production needs a MicrosoftAppId: without one no inbound "
                "token is checked (local mode)"
            )

        def hosts(name: str, default: tuple[str, ...], examples: str) -> tuple[str, ...]:
            raw_hosts = text(name)
            if not raw_hosts:
                return default
            patterns = tuple(part.strip().lower() for part in raw_hosts.split(",") if part.strip())
            bad = [p for p in patterns if not _is_host_pattern(p)]
            if bad or not patterns:
                problems.append(
                    f"{name} has {', '.join(map(repr, bad)) or 'no host'}; "
                    f"expected host names such as {examples}"
                )
            return patterns

        allowed_service_url_hosts = hosts(
            "ALLOWED_SERVICE_URL_HOSTS",
            DEFAULT_ALLOWED_SERVICE_URL_HOSTS,
            "smba.trafficmanager.net or *.botframework.com",
        )
        allowed_file_hosts = hosts(
            "ALLOWED_FILE_HOSTS", DEFAULT_ALLOWED_FILE_HOSTS, "*.sharepoint.com"
        )

        raw_allow_emulator = text("ALLOW_EMULATOR_TOKENS", "false").lower()
        if raw_allow_emulator not in ("true", "false"):
            problems.append(
                f"ALLOW_EMULATOR_TOKENS is {raw_allow_emulator!r}; expected true or false"
            )

        port = number("PORT", 3978, lambda p: 0 <= p <= 65535, "a number from 0 to 65535")

        host = text("HOST", "127.0.0.1")
        default_network = text("DEFAULT_NETWORK", "bestservice")
        if not default_network:
            problems.append("DEFAULT_NETWORK is empty; expected a network key such as bestservice")

        raw_networks_dir = text("NETWORKS_DIR")
        networks_dir = Path(raw_networks_dir) if raw_networks_dir else DEFAULT_NETWORKS_DIR
        raw_examples_dir = text("EXAMPLES_DIR")
        examples_dir = Path(raw_examples_dir) if raw_examples_dir else DEFAULT_EXAMPLES_DIR

        log_level = text("LOG_LEVEL", "INFO").upper()
        if log_level not in _LOG_LEVELS:
            problems.append(f"LOG_LEVEL is {log_level!r}; expected one of {', '.join(_LOG_LEVELS)}")

        database_url = text("DATABASE_URL", "sqlite+aiosqlite:///samverkan.db")

        database_statement_timeout_seconds = number(
            "DATABASE_STATEMENT_TIMEOUT_SECONDS",
            15.0,
            lambda seconds: 0 < seconds <= 3600,
            "a number of seconds above 0, at most 3600",
        )
        scheduler_interval_seconds = number(
            "SCHEDULER_INTERVAL_SECONDS",
            60,
            lambda seconds: seconds == 0 or 5 <= seconds <= 3600,
            "0 (off) or a number of seconds from 5 to 3600",
        )
        def seconds(name: str, default: int, lowest: int, highest: int) -> int:
            return number(
                name,
                default,
                lambda value: lowest <= value <= highest,
                f"a number of seconds from {lowest} to {highest}",
            )

        outbox_lease_seconds = seconds("OUTBOX_LEASE_SECONDS", 300, 5, 3600)
        outbox_retry_base_seconds = seconds("OUTBOX_RETRY_BASE_SECONDS", 30, 1, 3600)
        tenant_posts_per_second = number(
            "TENANT_POSTS_PER_SECOND",
            30.0,
            lambda rate: 0.1 <= rate <= 1000,
            "a number of posts a second from 0.1 to 1000",
        )

        graph_retry_seconds = number(
            "GRAPH_RETRY_SECONDS",
            2.0,
            lambda value: 0 <= value <= 60,
            "a number of seconds from 0 to 60",
        )
        minutes_retry_base_seconds = seconds("MINUTES_RETRY_BASE_SECONDS", 30, 1, 3600)
        minutes_retry_max_seconds = seconds("MINUTES_RETRY_MAX_SECONDS", 900, 1, 86400)
        if minutes_retry_max_seconds < minutes_retry_base_seconds:
            problems.append(
                f"MINUTES_RETRY_MAX_SECONDS is {minutes_retry_max_seconds}; expected at least "
                f"MINUTES_RETRY_BASE_SECONDS ({minutes_retry_base_seconds})"
            )

        def days(name: str, default: int, least: int) -> int:
            return number(name, default, lambda d: d >= least, f"a number of days, {least} or more")

        audit_retention_days = days("AUDIT_RETENTION_DAYS", 730, 1)
        # Posts are re-planned for a week after they go stale (scheduler.housekeeping).
        outbox_retention_days = days("OUTBOX_RETENTION_DAYS", 180, 30)
        failed_upload_retention_days = days("FAILED_UPLOAD_RETENTION_DAYS", 90, 1)

        minutes_numbers: dict[str, tuple[int, ...]] = {}
        for name, default in (
            ("MINUTES_MAX_MB", "50"),
            ("MINUTES_REMINDER_DAYS", "3,7"),
        ):
            raw = text(name, default)
            try:
                numbers = tuple(int(part) for part in raw.split(",") if part.strip())
                if not numbers or min(numbers) < 1:
                    raise ValueError
                minutes_numbers[name] = numbers
            except ValueError:
                problems.append(f"{name} is {raw!r}; expected whole numbers, 1 or more")
                minutes_numbers[name] = tuple(int(n) for n in default.split(","))
        minutes_types = tuple(
            part.strip().lstrip(".").lower()
            for part in text("MINUTES_TYPES", "pdf,docx,doc,odt,rtf").split(",")
            if part.strip()
        )
        raw_shift = text("MINUTES_REMINDER_SHIFT", "next_working_day").lower()
        minutes_reminder_shift = next((p for p in SHIFT_POLICIES if p == raw_shift), None)
        if minutes_reminder_shift is None:
            problems.append(
                f"MINUTES_REMINDER_SHIFT is {raw_shift!r}; expected one of "
                f"{', '.join(SHIFT_POLICIES)}"
            )
            minutes_reminder_shift = "next_working_day"
        raw_certificate = text("GRAPH_CERTIFICATE_PATH")
        if raw_certificate:
            # Checked here because the credential is made only when Graph is first needed,
            # after the bot serves: a wrong path should stop it at start, not at filing.
            try:
                with open(raw_certificate, "rb"):
                    pass
            except OSError as error:
                problems.append(
                    f"GRAPH_CERTIFICATE_PATH is {raw_certificate!r}; it cannot be read "
                    f"({error.strerror or error}); expected a PEM file with the app's "
                    "certificate and private key"
                )

        calendar_link_key = values.get("CALENDAR_LINK_KEY") or ""
        if calendar_link_key and len(calendar_link_key.strip()) < CALENDAR_LINK_KEY_MIN:
            problems.append(
                f"CALENDAR_LINK_KEY has {len(calendar_link_key.strip())} characters; expected "
                f"at least {CALENDAR_LINK_KEY_MIN} random ones (e.g. from `python -c \"import "
                "secrets; print(secrets.token_urlsafe(32))\"`)"
            )
        public_base_url = text("PUBLIC_BASE_URL").rstrip("/")
        if public_base_url and not is_base_url(public_base_url):
            problems.append(
                f"PUBLIC_BASE_URL is {public_base_url!r}; expected the bot's public address "
                "such as https://bot.example.se (no query or fragment)"
            )
        raw_data_dir = text("DATA_DIR")

        if problems:
            raise SettingsError(problems)
        return cls(
            app_id=app_id,
            app_password=app_password,
            app_tenant_id=app_tenant_id,
            app_type=app_type,
            database_url=database_url,
            database_statement_timeout_seconds=database_statement_timeout_seconds,
            host=host,
            port=port,
            default_network=default_network,
            networks_dir=networks_dir,
            examples_dir=examples_dir,
            log_level=log_level,
            scheduler_interval_seconds=scheduler_interval_seconds,
            outbox_lease_seconds=outbox_lease_seconds,
            outbox_retry_base_seconds=outbox_retry_base_seconds,
            tenant_posts_per_second=tenant_posts_per_second,
            audit_retention_days=audit_retention_days,
            outbox_retention_days=outbox_retention_days,
            failed_upload_retention_days=failed_upload_retention_days,
            graph_tenant_id=text("GRAPH_TENANT_ID") or app_tenant_id,
            graph_client_id=text("GRAPH_CLIENT_ID") or app_id,
            graph_client_secret=values.get("GRAPH_CLIENT_SECRET") or app_password,
            graph_certificate_path=Path(raw_certificate) if raw_certificate else None,
            graph_base_url=text("GRAPH_BASE_URL", "https://graph.microsoft.com/v1.0"),
            graph_retry_seconds=graph_retry_seconds,
            minutes_retry_base_seconds=minutes_retry_base_seconds,
            minutes_retry_max_seconds=minutes_retry_max_seconds,
            minutes_max_mb=minutes_numbers["MINUTES_MAX_MB"][0],
            minutes_types=minutes_types,
            minutes_reminder_days=minutes_numbers["MINUTES_REMINDER_DAYS"],
            minutes_reminder_shift=minutes_reminder_shift,
            data_dir=Path(raw_data_dir) if raw_data_dir else None,
            environment=environment,
            allowed_service_url_hosts=allowed_service_url_hosts,
            calendar_link_key=calendar_link_key.strip(),
            public_base_url=public_base_url,
            allowed_file_hosts=allowed_file_hosts,
            allow_emulator_tokens=raw_allow_emulator == "true",
        )


def _is_host_pattern(pattern: str) -> bool:
    """A host name or address, optionally after one leading `*.`; no scheme, port or path."""
    host = pattern.removeprefix("*.")
    return bool(host) and all(c.isalnum() or c in ".-" for c in host)


def host_allowed(host: str, patterns: tuple[str, ...]) -> bool:
    """True if `host` is one that `patterns` names (`*.example.com`: any subdomain of
    example.com, not example.com itself)."""
    host = host.lower().rstrip(".")
    return any(
        host.endswith(pattern[1:]) if pattern.startswith("*.") else host == pattern
        for pattern in patterns
    )
