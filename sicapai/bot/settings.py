"""One settings object for the whole process, read from the environment and `.env`.

Kept in one place so that the CLI, the Telegram adapter and the tests agree on what a
deployment is configured with, and so that a bad value fails early with one clear line.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from sicapai.handlers.texts.cli import unknown_time_zone


class Settings(BaseSettings):
    """Deployment settings; every field maps to an upper-case environment variable."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(default="sqlite:///sicapai.db")
    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_bot_username: str | None = None
    sicapai_tz: str = "Asia/Makassar"
    sicapai_tahun: int | None = None
    sicapai_files_dir: Path = Path("bukti")
    sicapai_output_dir: Path = Path("sicapai-keluaran")  # charts and exports of `sicapai chat`
    # worker processes for conversation turns in `sicapai run` (0: threads in the bot's process)
    sicapai_turn_workers: int = Field(default=2, ge=0, le=32)
    # processes that draw charts in `sicapai run` (0: a thread in the bot's process)
    sicapai_chart_workers: int = Field(default=2, ge=0, le=16)
    # the largest evidence file accepted, in MB (a platform may allow less: Telegram 20)
    sicapai_evidence_mb: int = Field(default=20, ge=1, le=100)

    # the WhatsApp Business Cloud API (Meta): `sicapai run` starts the channel when the token
    # is set; the other fields come from the Meta app and its WhatsApp Manager
    whatsapp_token: SecretStr | None = None
    whatsapp_phone_number_id: str = ""
    whatsapp_business_account_id: str = ""
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_api_url: str = "https://graph.facebook.com/v24.0"
    whatsapp_business_number: str = ""  # digits with the country code, for wa.me invite links
    whatsapp_reminder_template: str = ""
    whatsapp_notice_template: str = ""
    whatsapp_template_language: str = "id"
    # Meta's messaging tier: people outside their 24 hours reached a day (0: not kept)
    whatsapp_messaging_limit: int = Field(default=250, ge=0)
    # SiCapai's own web server: the WhatsApp webhook and /healthz
    sicapai_http_host: str = "127.0.0.1"
    sicapai_http_port: int = Field(default=8080, ge=0, le=65535)

    @field_validator("sicapai_tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(unknown_time_zone(value)) from exc
        return value

    @field_validator(
        "telegram_bot_token",
        "telegram_bot_username",
        "whatsapp_token",
        "whatsapp_app_secret",
        "whatsapp_verify_token",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("sicapai_tahun", mode="before")
    @classmethod
    def _empty_year_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def token(self) -> str | None:
        """The bot token in clear, for the one place that needs it (never log this)."""
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None

    @property
    def whatsapp(self) -> str | None:
        """The WhatsApp access token in clear, for the one place that needs it."""
        return self.whatsapp_token.get_secret_value() if self.whatsapp_token else None

    @property
    def whatsapp_number(self) -> str:
        """The business number as wa.me wants it: digits only, with the country code."""
        return "".join(ch for ch in self.whatsapp_business_number if ch.isdigit())
