"""Settings from the environment or `.env`. The token is a secret: never logged or printed."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.shards import Shards
from storage.url import parse_database_url

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+")


def _database_url(value: str) -> str:
    parse_database_url(value)
    return value.strip()


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line that names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
    )

    discord_token: SecretStr | None = None
    database_url: Annotated[str, AfterValidator(_database_url)] = "sqlite:///data/netgain.db"
    # Connections each process keeps to PostgreSQL (SQLite keeps its own few).
    database_pool_size: Annotated[int, Field(ge=1, le=100)] = 10
    dev_guild_id: Annotated[int, Field(gt=0)] | None = None
    log_level: LogLevel = "INFO"
    # How often each process looks for digests and reminders that a stopped process left
    # half-done (their claim's lease ran out), to finish them.
    claim_sweep_seconds: Annotated[int, Field(ge=5, le=86_400)] = 30
    # How often each process reads the schedules from the database, so a change made through
    # another process (its servers' /setup, a member's /me) reaches this one's jobs.
    settings_poll_seconds: Annotated[int, Field(ge=5, le=86_400)] = 30
    # Discord's gateway sharding: how many shards the bot has in all, and which of them this
    # process runs ("0,1"; all of them when unset). Several processes, each with its own
    # SHARD_IDS, share one PostgreSQL database.
    shard_count: Annotated[int, Field(ge=1, le=10_000)] = 1
    shard_ids: str | None = None

    @field_validator("shard_ids")
    @classmethod
    def _shard_list(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = [part.strip() for part in value.split(",")]
        if not all(part.isdigit() for part in parts):
            raise ValueError("must be shard numbers separated by commas, like 0,1")
        if len(set(parts)) != len(parts):
            raise ValueError("names a shard twice")
        return ",".join(parts)

    @model_validator(mode="after")
    def _shards_exist(self) -> Settings:
        outside = [n for n in self.shards.ids or () if n >= self.shard_count]
        if outside:
            raise ValueError(
                f"SHARD_IDS names shard {outside[0]}, but SHARD_COUNT is {self.shard_count}"
                f" (shards are numbered 0 to {self.shard_count - 1})"
            )
        return self

    @property
    def shards(self) -> Shards:
        ids = None if self.shard_ids is None else tuple(int(n) for n in self.shard_ids.split(","))
        return Shards(self.shard_count, ids)

    @field_validator("discord_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        token = value.get_secret_value().strip()
        if token.lower().startswith("bot "):
            raise ValueError("drop the leading 'Bot ': paste the token alone")
        if not _TOKEN_SHAPE.fullmatch(token):
            raise ValueError(
                "does not look like a bot token (three dot-separated parts); copy it again "
                "from the Developer Portal, Bot page, Reset Token"
            )
        return SecretStr(token)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    def require_token(self) -> str:
        if self.discord_token is None:
            raise SettingsError(
                "DISCORD_TOKEN is not set: put your bot token in .env or the environment "
                "(README, 'Connect to Discord')"
            )
        return self.discord_token.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation failure into one line per bad setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        lines = []
        for problem in error.errors(include_input=False, include_url=False):
            name = str(problem["loc"][0]).upper() if problem["loc"] else "settings"
            message = str(problem["msg"]).removeprefix("Value error, ")
            lines.append(f"{name} is invalid: {message}" if problem["loc"] else message)
        raise SettingsError("\n".join(lines)) from None
