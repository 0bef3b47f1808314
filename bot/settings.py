"""All settings, from the environment and `.env` (see `.env.example`)."""

from __future__ import annotations

import re
import secrets
from datetime import time, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

import knowledge_base
from handlers.context import Privacy, TrainingSettings
from handlers.hours import WorkingHours
from knowledge_base.embedding import DEFAULT_MODEL
from knowledge_base.holder import MeaningSettings

SHIPPED_ARTICLES = Path(knowledge_base.__file__).parent / "articles"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        env_ignore_empty=True,  # `TELEGRAM_BOT_TOKEN=` in .env means "not set"
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_mode: Literal["polling", "webhook"] = "polling"
    # Messages a second over all chats (Telegram's limit is about 30; paid broadcasts allow
    # more); 0 = no pacing at all, for a local test server or a benchmark of the bot itself.
    telegram_messages_per_second: int = Field(default=30, ge=0, le=1000)
    webhook_base_url: str | None = None
    # Telegram allows 1–256 characters of A–Z, a–z, 0–9, _ and - in the secret token.
    webhook_secret: SecretStr = Field(default_factory=lambda: SecretStr(secrets.token_urlsafe(32)))
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_path: str = "/telegram/webhook"
    staff_chat_id: int | None = None
    # off = the bot runs without the librarians' group: it never offers a librarian nor
    # takes appeals (both are handled there).
    librarians: bool = True

    viber_auth_token: SecretStr | None = None
    viber_bot_name: str | None = None
    viber_api_url: str = "https://chatapi.viber.com/pa"
    # Viber bills messages a bot starts more than 24 h after the person's last message
    # (bots created since February 2024): false = such messages are not sent at all.
    viber_proactive_messages: bool = True

    database_path: Path = Path("data/reception.sqlite3")
    knowledge_base_dir: Path = SHIPPED_ARTICLES
    # The meaning model beside the word search (on|off), and which model: a built-in
    # name or package.module:factory (see knowledge_base/embedding.py).
    semantic_search: bool = True
    semantic_model: str = DEFAULT_MODEL
    timezone: str = "Europe/Kyiv"
    # When librarians answer: the bot promises "within the hour" only then.
    library_hours: str = "mon-sat 09:00-18:00"
    # Working hours a question may wait before its card is re-posted to the staff chat.
    ticket_repost_hours: float = Field(default=2.0, gt=0)
    # Messages one resident may send a minute; over it they are told once, then not
    # answered until the minute passes. 0 = no limit.
    rate_limit_per_minute: int = Field(default=20, ge=0)
    # Training: hours the first in line has to confirm a freed seat before it passes on.
    booking_confirm_hours: float = Field(default=12.0, gt=0)
    # The day-before reminder's local time (HH:MM) and the hours-before one's lead time.
    reminder_day_before_at: str = "10:00"
    reminder_hours_before: float = Field(default=2.0, gt=0, le=24)
    # Seats and places in line one person may hold for sessions not yet begun.
    max_upcoming_bookings: int = Field(default=3, ge=1)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # Who holds residents' data and where they write about it: shown in /privacy.
    privacy_controller: str | None = Field(default=None, max_length=300)
    privacy_email: str | None = None
    # How long records are kept before they are anonymised (see handlers/privacy/rules.py).
    retention_questions_days: int = Field(default=365, ge=1)
    retention_tickets_days: int = Field(default=365, ge=1)
    # The archive rules keep appeals 5 full years after the case ends: never less.
    retention_appeals_years: int = Field(default=5, ge=5, le=75)
    # Nightly copies of the database: the folder (default `backups/` beside the database)
    # and how many are kept; 0 = no nightly copy.
    backup_dir: Path | None = None
    backup_copies: int = Field(default=7, ge=0, le=366)

    @field_validator("telegram_api_url", "viber_api_url", "webhook_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            bot_id, _, secret = value.get_secret_value().partition(":")
            if not bot_id.isdigit() or not secret:
                raise ValueError("must look like 123456789:ABC… (as BotFather gives it)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr) -> SecretStr:
        raw = value.get_secret_value()
        allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        if not 1 <= len(raw) <= 256 or not set(raw) <= allowed:
            raise ValueError("1–256 characters of A–Z, a–z, 0–9, _ and - only")
        return value

    @field_validator("privacy_controller")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        if value is not None and ("\n" in value or not value.strip()):
            raise ValueError("one line: the name and postal address of the data controller")
        return value.strip() if value else value

    @field_validator("privacy_email")
    @classmethod
    def _email_shape(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ValueError("must be an e-mail address, e.g. privacy@library.mk.ua")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone (e.g. Europe/Kyiv)") from None
        return value

    @field_validator("library_hours")
    @classmethod
    def _hours_shape(cls, value: str) -> str:
        WorkingHours.parse(value, ZoneInfo("UTC"))
        return value

    @field_validator("reminder_day_before_at")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        hours, _, minutes = value.partition(":")
        ok = hours.isdigit() and minutes.isdigit() and len(minutes) == 2
        if not ok or not (0 <= int(hours) <= 23 and 0 <= int(minutes) <= 59):
            raise ValueError("a time of day as HH:MM, e.g. 10:00")
        return value

    @property
    def training(self) -> TrainingSettings:
        hours, _, minutes = self.reminder_day_before_at.partition(":")
        return TrainingSettings(
            confirm_within=timedelta(hours=self.booking_confirm_hours),
            day_before_at=time(int(hours), int(minutes)),
            hours_before=timedelta(hours=self.reminder_hours_before),
            max_upcoming=self.max_upcoming_bookings,
        )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def hours(self) -> WorkingHours:
        return WorkingHours.parse(self.library_hours, self.tz)

    @property
    def meaning(self) -> MeaningSettings | None:
        """Meaning search, its vectors cached beside the database; None when it is off."""
        if not self.semantic_search:
            return None
        cache = self.database_path.parent / "kb-vectors.sqlite3"
        return MeaningSettings(cache_path=cache, model=self.semantic_model)

    @property
    def backups(self) -> Path:
        return self.backup_dir or self.database_path.parent / "backups"

    @property
    def privacy(self) -> Privacy:
        return Privacy(
            controller=self.privacy_controller,
            email=self.privacy_email,
            questions_kept=timedelta(days=self.retention_questions_days),
            tickets_kept=timedelta(days=self.retention_tickets_days),
            appeals_kept_years=self.retention_appeals_years,
            database=self.database_path,
            backup_dir=self.backups if self.backup_copies else None,
            backup_copies=self.backup_copies,
        )

    @property
    def drafts_dir(self) -> Path:
        return self.knowledge_base_dir / "_drafts"

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram_bot_token is not None

    @property
    def viber_enabled(self) -> bool:
        return self.viber_auth_token is not None

    def problems(self) -> list[str]:
        """Combinations that are each valid alone but do not work together."""
        found = []
        if self.telegram_mode == "webhook" and self.telegram_enabled and not self.webhook_base_url:
            found.append("WEBHOOK_BASE_URL: required when TELEGRAM_MODE=webhook")
        if self.viber_enabled and not self.webhook_base_url:
            found.append(
                "WEBHOOK_BASE_URL: required when VIBER_AUTH_TOKEN is set"
                " (Viber has no polling: it calls a public HTTPS address)"
            )
        if self.librarians and self.viber_enabled and not self.telegram_enabled:
            found.append(
                "TELEGRAM_BOT_TOKEN: required for the librarians' Telegram group, where"
                " Viber residents' questions and appeals are handled (or LIBRARIANS=off)"
            )
        elif self.librarians and self.telegram_enabled and not self.staff_chat_id:
            found.append(
                "STAFF_CHAT_ID: required: the librarians' Telegram group (add the bot there"
                " and send /chatid), or LIBRARIANS=off to run without librarians"
            )
        return found


def describe_errors(error: ValidationError) -> list[str]:
    """One readable line per bad setting, named as in the environment."""
    lines = []
    for item in error.errors():
        name = "_".join(str(part) for part in item["loc"][:1]).upper() or "SETTINGS"
        message = item["msg"].removeprefix("Value error, ")
        lines.append(f"{name}: {message}")
    return lines
