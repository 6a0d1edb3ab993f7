"""The one place that reads the environment: every setting the app has, typed."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEV_SECRET = "dev-only-secret-change-me-in-production-0123456789"  # noqa: S105 - refused in production below


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EPOX_", env_file=".env", extra="ignore")

    env: Literal["local", "test", "production"] = "local"
    database_url: str | None = Field(default=None, validation_alias=AliasChoices("DATABASE_URL"))
    redis_url: str | None = Field(default=None, validation_alias=AliasChoices("REDIS_URL"))
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    public_url: str = "http://127.0.0.1:8000"
    data_dir: Path = PROJECT_ROOT / ".data"
    frontend_dist: Path = PROJECT_ROOT / "frontend" / "dist"
    log_level: str = "INFO"
    log_json: bool = True

    # Sessions, tokens and keys.
    session_ttl_days: int = 30
    email_verification_ttl_hours: int = 48
    password_reset_ttl_minutes: int = 60
    invitation_ttl_days: int = 7

    # Request limits.
    max_json_body_bytes: int = 1_048_576
    max_upload_body_bytes: int = 16 * 1_048_576

    # Rate limits: (attempts, window seconds) per client address.
    login_failures_per_minute: int = 10
    signups_per_hour: int = 20
    password_resets_per_hour: int = 5
    verifications_per_minute: int = 10

    # Email: SMTP when a host is set, otherwise the outbox table and the log only.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    mail_from: str = "Epox <no-reply@epox.local>"

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def cookie_secure(self) -> bool:
        """Secure cookies everywhere but plain-http local development and tests."""
        return self.is_production or self.public_url.startswith("https://")

    @model_validator(mode="after")
    def _production_needs_real_secrets(self) -> Settings:
        if self.is_production and self.secret_key.get_secret_value() == DEV_SECRET:
            raise ValueError("EPOX_SECRET_KEY must be set in production")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
