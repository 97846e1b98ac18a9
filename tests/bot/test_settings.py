"""Settings come from the environment or .env; a bad one stops start-up with one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings
from storage.url import PostgresTarget, parse_database_url

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "MTA0NTY3ODkwMTIzNDU2Nzg5.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789AB"
NAMES = ("DISCORD_TOKEN", "DATABASE_URL", "DEV_GUILD_ID", "LOG_LEVEL")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)


def test_the_sample_env_file_loads_and_documents_every_setting() -> None:
    sample = ROOT / ".env.example"
    settings = load_settings(_env_file=sample)
    assert settings.discord_token is None
    assert settings.database_url == "sqlite:///data/netgain.db"
    assert settings.dev_guild_id is None
    assert settings.log_level == "INFO"
    lines = sample.read_text().splitlines()
    for name in Settings.model_fields:
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{name.upper()}="))
        assert lines[index - 1].startswith("#"), f"{name.upper()} has no comment above it"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_URL", "sqlite:////var/lib/netgain/netgain.db")
    monkeypatch.setenv("DEV_GUILD_ID", "123456789012345678")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    settings = load_settings(_env_file=None)
    assert settings.require_token() == TOKEN
    assert settings.dev_guild_id == 123456789012345678
    assert settings.log_level == "DEBUG"
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.model_dump())


def test_a_missing_token_names_the_setting() -> None:
    with pytest.raises(SettingsError, match=r"^DISCORD_TOKEN is not set: put your bot token"):
        load_settings(_env_file=None).require_token()


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DATABASE_URL", "data/netgain.db", "DATABASE_URL is invalid: must look like sqlite:///"),
        ("DATABASE_URL", "sqlite:///", "DATABASE_URL is invalid: needs a file name"),
        (
            "DATABASE_URL",
            "postgresql://localhost",
            "DATABASE_URL is invalid: needs a database name after the host",
        ),
        ("DEV_GUILD_ID", "my-server", "DEV_GUILD_ID is invalid: Input should be a valid integer"),
        ("DEV_GUILD_ID", "-4", "DEV_GUILD_ID is invalid: Input should be greater than 0"),
        ("LOG_LEVEL", "verbose", "LOG_LEVEL is invalid: Input should be 'DEBUG'"),
        ("DISCORD_TOKEN", "Bot " + TOKEN, "DISCORD_TOKEN is invalid: drop the leading 'Bot '"),
        ("DISCORD_TOKEN", "not a token", "DISCORD_TOKEN is invalid: does not look like a bot"),
    ],
)
def test_a_malformed_setting_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings(_env_file=None)
    message = str(raised.value)
    assert message.startswith(expected)
    assert "\n" not in message
    assert TOKEN not in message


def test_empty_values_mean_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEV_GUILD_ID", "")
    monkeypatch.setenv("DATABASE_URL", "")
    settings = load_settings(_env_file=None)
    assert settings.dev_guild_id is None
    assert settings.database_url == "sqlite:///data/netgain.db"


def test_database_urls_for_relative_and_absolute_paths() -> None:
    assert parse_database_url("sqlite:///data/netgain.db").path == Path("data/netgain.db")
    assert parse_database_url("sqlite:////abs/path.db").path == Path("/abs/path.db")


def test_postgresql_urls_name_a_host_and_a_database_and_are_never_echoed() -> None:
    assert parse_database_url("postgres://netgain:s3cret@db.internal:5432/netgain") == (
        PostgresTarget("postgresql://netgain:s3cret@db.internal:5432/netgain")
    )
    assert parse_database_url("postgresql://db/netgain") == PostgresTarget(
        "postgresql://db/netgain"
    )
    for wrong in ("postgresql://netgain:s3cret@db.internal:5432/", "postgresql:///netgain"):
        with pytest.raises(ValueError, match="needs a") as refused:
            parse_database_url(wrong)
        assert "s3cret" not in str(refused.value)
