"""Environment settings (also read from `.env`), validated so a mistake stops start-up with one clear line."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

# How to fix each setting, shown when it is missing or malformed.
HINTS = {
    "SLACK_BOT_TOKEN": "the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page",
    "SLACK_SIGNING_SECRET": "the Signing Secret from your Slack app's Basic Information page",
    "SLACK_APP_TOKEN": "an app-level token (xapp-…) with connections:write, for Socket Mode",
    "SLACK_API_URL": "the Web API base URL, e.g. https://slack.com/api/",
    "DATABASE_URL": "e.g. sqlite+aiosqlite:///firebreak.db or postgresql+asyncpg://user:pass@host/db",
    "PORT": "a TCP port between 1 and 65535",
    "FIREBREAK_CONFIG": "the path of the policy file (YAML)",
    "FIREBREAK_LOG_LEVEL": "DEBUG, INFO, WARNING or ERROR",
    "FIREBREAK_LOG_FORMAT": "text (the default) or json (one JSON object per line)",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = "sqlite+aiosqlite:///firebreak.db"
    port: int = Field(default=3000, ge=1, le=65535)
    firebreak_config: Path | None = None
    firebreak_log_level: str = "INFO"
    firebreak_log_format: str = "text"
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    firebreak_llm_model: str | None = None
    # Where senders and users reach this bot, e.g. https://firebreak.example.com: the base of the alert URLs shown
    # when an integration is added or its token rotated (issue 12), and of private on-call iCal feeds (issue 11).
    # Unset: a placeholder host the admin replaces.
    firebreak_public_url: str | None = None
    # Search: an OpenAI-compatible embedding model for similar incidents' semantic term (unset: text only).
    firebreak_embedding_model: str | None = None
    # Search: how often new timeline entries are indexed in the background (seconds; 0: only when searching).
    firebreak_search_index_interval: float = Field(default=1.0, ge=0)

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value():
            return None
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must start with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value():
            return None
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must start with xapp-")
        return value

    @field_validator("slack_signing_secret")
    @classmethod
    def _empty_secret(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value() else None

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        # slack_sdk joins method names onto the base URL, so it must end with a slash.
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        database = make_url(value).database
        if value.startswith("sqlite") and database and database != ":memory:":
            folder = Path(database).expanduser().resolve().parent
            if not folder.is_dir():
                raise ValueError(f"the folder {folder} does not exist")
        return value

    @field_validator("firebreak_log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value.upper()

    @field_validator("firebreak_log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        if value.lower() not in ("text", "json"):
            raise ValueError("must be text or json")
        return value.lower()

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def bot_token(self) -> str:
        assert self.slack_bot_token is not None, "check_slack() first"
        return self.slack_bot_token.get_secret_value()

    def check_slack(self) -> None:
        """What running the bot needs on top of what every command needs."""
        if self.slack_bot_token is None:
            raise MissingSlackTokens()
        if self.slack_signing_secret is None and not self.socket_mode:
            raise SettingsError(
                f"SLACK_SIGNING_SECRET is missing: set it to {HINTS['SLACK_SIGNING_SECRET']} "
                "(or set SLACK_APP_TOKEN to use Socket Mode)."
            )


class SettingsError(Exception):
    """One line naming the variable and how to fix it."""


class MissingSlackTokens(SettingsError):
    """No Slack app is configured yet: the user needs the set-up walk-through, not an error."""


def describe_validation_error(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        name = str(error["loc"][0]).upper() if error["loc"] else "SETTINGS"
        problem = "is missing" if error["type"] == "missing" else f"is invalid ({error['msg']})"
        lines.append(f"{name} {problem}: set it to {HINTS.get(name, 'a valid value')}.")
    return "\n".join(lines)


def load_settings() -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from None
    return settings
