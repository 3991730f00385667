"""Settings: defaults, the .env file under the real environment, and validation messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import (
    DEFAULT_ALLOWED_SERVICE_URL_HOSTS,
    DEFAULT_NETWORKS_DIR,
    Settings,
    SettingsError,
)


def test_defaults_are_local_mode_on_loopback():
    settings = Settings.from_env({}, env_file=None)

    assert settings.local_mode
    assert settings.host == "127.0.0.1"
    assert settings.port == 3978
    assert settings.database_url == "sqlite+aiosqlite:///samverkan.db"
    assert settings.default_network == "bestservice"
    assert settings.networks_dir == DEFAULT_NETWORKS_DIR
    assert settings.app_type == "MultiTenant"
    assert settings.log_level == "INFO"
    assert settings.scheduler_interval_seconds == 60
    assert settings.tenant_posts_per_second == 30.0
    assert settings.database_statement_timeout_seconds == 15.0


def test_the_database_statement_timeout_may_be_a_fraction_of_a_second():
    settings = Settings.from_env({"DATABASE_STATEMENT_TIMEOUT_SECONDS": "2.5"}, env_file=None)

    assert settings.database_statement_timeout_seconds == 2.5


def test_the_environment_wins_over_the_env_file(tmp_path: Path):
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=4000\nDEFAULT_NETWORK=erad\nHOST=0.0.0.0\n", encoding="utf-8")

    settings = Settings.from_env({"PORT": "5000"}, env_file=env_file)

    assert settings.port == 5000
    assert settings.default_network == "erad"
    assert settings.host == "0.0.0.0"


def test_a_missing_env_file_is_not_an_error(tmp_path: Path):
    settings = Settings.from_env({"PORT": "3979"}, env_file=tmp_path / "absent.env")

    assert settings.port == 3979


def test_an_app_registration_leaves_local_mode():
    settings = Settings.from_env(
        {
            "MicrosoftAppId": "00000000-0000-0000-0000-000000000001",
            "MicrosoftAppPassword": "secret",
            "MicrosoftAppType": "singletenant",
            "MicrosoftAppTenantId": "00000000-0000-0000-0000-0000000000aa",
            "NETWORKS_DIR": "/srv/networks",
            "LOG_LEVEL": "debug",
        },
        env_file=None,
    )

    assert not settings.local_mode
    assert settings.app_type == "SingleTenant"
    assert settings.networks_dir == Path("/srv/networks")
    assert settings.log_level == "DEBUG"
    assert "secret" not in repr(settings)


def test_validation_reports_every_problem_at_once():
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(
            {"PORT": "http", "MicrosoftAppType": "Federated", "LOG_LEVEL": "chatty"},
            env_file=None,
        )

    message = str(raised.value)
    assert len(raised.value.problems) == 3
    assert "PORT is 'http'" in message
    assert "MicrosoftAppType is 'Federated'" in message
    assert "LOG_LEVEL" in message
    assert ".env.example" in message


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        (
            {
                "MicrosoftAppId": "app",
                "MicrosoftAppPassword": "pw",
                "MicrosoftAppType": "SingleTenant",
            },
            "MicrosoftAppTenantId is required for MicrosoftAppType=SingleTenant",
        ),
        (
            {"MicrosoftAppId": "app"},
            "MicrosoftAppPassword is empty (required for MicrosoftAppType=MultiTenant)",
        ),
        (
            {
                "MicrosoftAppId": "app",
                "MicrosoftAppType": "SingleTenant",
                "MicrosoftAppTenantId": "t",
            },
            "MicrosoftAppPassword is empty (required for MicrosoftAppType=SingleTenant)",
        ),
        (
            {"MicrosoftAppId": "app", "MicrosoftAppType": "UserAssignedMSI"},
            "MicrosoftAppTenantId is required for MicrosoftAppType=UserAssignedMSI",
        ),
        ({"MicrosoftAppPassword": "pw"}, "MicrosoftAppId is empty"),
        ({"PORT": "70000"}, "expected a number from 0 to 65535"),
        ({"SCHEDULER_INTERVAL_SECONDS": "1"}, "expected 0 (off) or a number of seconds from 5"),
        ({"SCHEDULER_INTERVAL_SECONDS": "often"}, "SCHEDULER_INTERVAL_SECONDS is 'often'"),
        ({"OUTBOX_LEASE_SECONDS": "2"}, "OUTBOX_LEASE_SECONDS is '2'; expected a number of seconds"),
        ({"DATABASE_STATEMENT_TIMEOUT_SECONDS": "0"}, "DATABASE_STATEMENT_TIMEOUT_SECONDS is '0'"),
        ({"DATABASE_STATEMENT_TIMEOUT_SECONDS": "nan"}, "expected a number of seconds above 0"),
        ({"OUTBOX_RETRY_BASE_SECONDS": "soon"}, "OUTBOX_RETRY_BASE_SECONDS is 'soon'; expected"),
        ({"TENANT_POSTS_PER_SECOND": "0"}, "TENANT_POSTS_PER_SECOND is '0'; expected a number"),
        ({"TENANT_POSTS_PER_SECOND": "nan"}, "expected a number of posts a second from 0.1"),
        ({"AUDIT_RETENTION_DAYS": "0"}, "AUDIT_RETENTION_DAYS is '0'; expected a number of days"),
        ({"OUTBOX_RETENTION_DAYS": "7"}, "OUTBOX_RETENTION_DAYS is '7'; expected a number of days"),
        ({"FAILED_UPLOAD_RETENTION_DAYS": "x"}, "FAILED_UPLOAD_RETENTION_DAYS is 'x'; expected"),
        ({"GRAPH_RETRY_SECONDS": "90"}, "GRAPH_RETRY_SECONDS is '90'; expected a number of"),
        ({"MINUTES_RETRY_BASE_SECONDS": "0"}, "MINUTES_RETRY_BASE_SECONDS is '0'; expected"),
        (
            {"MINUTES_RETRY_BASE_SECONDS": "600", "MINUTES_RETRY_MAX_SECONDS": "60"},
            "MINUTES_RETRY_MAX_SECONDS is 60; expected at least MINUTES_RETRY_BASE_SECONDS (600)",
        ),
        ({"BOT_ENVIRONMENT": "production"}, "BOT_ENVIRONMENT=production needs a MicrosoftAppId"),
        ({"BOT_ENVIRONMENT": "staging"}, "BOT_ENVIRONMENT is 'staging'; expected one of local"),
        (
            {"ALLOWED_SERVICE_URL_HOSTS": "https://evil.example/, *.botframework.com"},
            "ALLOWED_SERVICE_URL_HOSTS has 'https://evil.example/'",
        ),
        ({"ALLOWED_SERVICE_URL_HOSTS": " , "}, "ALLOWED_SERVICE_URL_HOSTS has no host"),
    ],
)
def test_invalid_combinations_are_explained(environment: dict[str, str], expected: str):
    with pytest.raises(SettingsError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        Settings.from_env(environment, env_file=None)


def test_production_with_an_app_id_starts_and_the_allowed_hosts_are_read():
    settings = Settings.from_env(
        {
            "BOT_ENVIRONMENT": "Production",
            "MicrosoftAppId": "app",
            "MicrosoftAppPassword": "pw",
            "ALLOWED_SERVICE_URL_HOSTS": "smba.trafficmanager.net, *.Botframework.com",
        },
        env_file=None,
    )

    assert settings.environment == "production"
    assert settings.allowed_service_url_hosts == ("smba.trafficmanager.net", "*.botframework.com")
    assert Settings.from_env({}, env_file=None).allowed_service_url_hosts == (
        DEFAULT_ALLOWED_SERVICE_URL_HOSTS
    )


def test_managed_identity_needs_no_password():
    settings = Settings.from_env(
        {
            "MicrosoftAppId": "app",
            "MicrosoftAppType": "UserAssignedMSI",
            "MicrosoftAppTenantId": "tenant",
        },
        env_file=None,
    )

    assert settings.app_type == "UserAssignedMSI"
    assert not settings.local_mode


def test_env_example_documents_every_variable():
    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text(encoding="utf-8")
    variables = {
        line.split("=", 1)[0] for line in example.splitlines() if line and not line.startswith("#")
    }

    assert variables == {
        "MicrosoftAppId",
        "MicrosoftAppPassword",
        "MicrosoftAppType",
        "MicrosoftAppTenantId",
        "DATABASE_URL",
        "DATABASE_STATEMENT_TIMEOUT_SECONDS",
        "HOST",
        "PORT",
        "DEFAULT_NETWORK",
        "NETWORKS_DIR",
        "EXAMPLES_DIR",
        "LOG_LEVEL",
        "SCHEDULER_INTERVAL_SECONDS",
        "OUTBOX_LEASE_SECONDS",
        "OUTBOX_RETRY_BASE_SECONDS",
        "TENANT_POSTS_PER_SECOND",
        "AUDIT_RETENTION_DAYS",
        "OUTBOX_RETENTION_DAYS",
        "FAILED_UPLOAD_RETENTION_DAYS",
        "GRAPH_TENANT_ID",
        "GRAPH_CLIENT_ID",
        "GRAPH_CLIENT_SECRET",
        "GRAPH_CERTIFICATE_PATH",
        "GRAPH_BASE_URL",
        "GRAPH_RETRY_SECONDS",
        "MINUTES_RETRY_BASE_SECONDS",
        "MINUTES_RETRY_MAX_SECONDS",
        "MINUTES_MAX_MB",
        "MINUTES_TYPES",
        "MINUTES_REMINDER_DAYS",
        "MINUTES_REMINDER_SHIFT",
        "DATA_DIR",
        "BOT_ENVIRONMENT",
        "ALLOWED_SERVICE_URL_HOSTS",
        "CALENDAR_LINK_KEY",
        "PUBLIC_BASE_URL",
        "ALLOW_EMULATOR_TOKENS",
        "ALLOWED_FILE_HOSTS",
    }
    assert Settings.from_env({}, env_file=Path(__file__).resolve().parents[2] / ".env.example")


def test_calendar_links_need_a_long_key_and_a_plain_public_address():
    with pytest.raises(SettingsError) as raised:
        Settings.from_mapping(
            {"CALENDAR_LINK_KEY": "short", "PUBLIC_BASE_URL": "https://bot.example.se/?x=1"}
        )
    assert [p.split(";")[0] for p in raised.value.problems] == [
        "CALENDAR_LINK_KEY has 5 characters",
        "PUBLIC_BASE_URL is 'https://bot.example.se/?x=1'",
    ]
    assert "short" not in str(raised.value)  # a key is never echoed

    settings = Settings.from_mapping(
        {"CALENDAR_LINK_KEY": "k" * 32, "PUBLIC_BASE_URL": "https://bot.example.se/"}
    )
    assert settings.public_base_url == "https://bot.example.se"
    assert "k" * 32 not in repr(settings)


def test_graph_falls_back_to_the_bot_credentials_and_minutes_limits_are_checked():
    settings = Settings.from_mapping(
        {"MicrosoftAppId": "app", "MicrosoftAppPassword": "pw", "MINUTES_TYPES": "PDF, .odt"}
    )
    assert (settings.graph_client_id, settings.graph_client_secret) == ("app", "pw")
    assert settings.minutes_types == ("pdf", "odt")
    assert "pw" not in repr(settings)

    with pytest.raises(SettingsError, match="MINUTES_REMINDER_DAYS is '3,x'"):
        Settings.from_mapping({"MINUTES_REMINDER_DAYS": "3,x"})


def test_the_graph_and_upload_retry_pauses_are_read():
    settings = Settings.from_mapping(
        {"GRAPH_RETRY_SECONDS": "0.5", "MINUTES_RETRY_BASE_SECONDS": "10",
         "MINUTES_RETRY_MAX_SECONDS": "120"}
    )  # fmt: skip
    assert (settings.graph_retry_seconds, settings.minutes_retry_base_seconds,
            settings.minutes_retry_max_seconds) == (0.5, 10, 120)  # fmt: skip


def test_the_tenants_post_rate_is_read_as_a_number_of_posts_a_second():
    settings = Settings.from_mapping({"TENANT_POSTS_PER_SECOND": "12.5"})

    assert settings.tenant_posts_per_second == 12.5


def test_the_minutes_chases_shift_is_read_and_a_wrong_one_refused():
    assert Settings.from_mapping({}).minutes_reminder_shift == "next_working_day"
    chosen = Settings.from_mapping({"MINUTES_REMINDER_SHIFT": "Previous_Working_Day"})
    assert chosen.minutes_reminder_shift == "previous_working_day"

    with pytest.raises(SettingsError, match="MINUTES_REMINDER_SHIFT is 'saturday'; expected"):
        Settings.from_mapping({"MINUTES_REMINDER_SHIFT": "saturday"})


def test_a_graph_certificate_that_cannot_be_read_stops_the_bot_at_start(tmp_path):
    # The credential is made when Graph is first needed, after the bot serves; a wrong path
    # must still be told at start, not when the first minutes are filed.
    missing = tmp_path / "no-such-cert.pem"
    with pytest.raises(SettingsError) as raised:
        Settings.from_mapping({"GRAPH_CERTIFICATE_PATH": str(missing)})

    assert "GRAPH_CERTIFICATE_PATH" in str(raised.value) and "cannot be read" in str(raised.value)

    readable = tmp_path / "cert.pem"
    readable.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    assert Settings.from_mapping({"GRAPH_CERTIFICATE_PATH": str(readable)}).graph_certificate_path
