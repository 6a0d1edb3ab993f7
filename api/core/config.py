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

    # File storage: the local filesystem (default, under `data_dir/storage`) or an S3-compatible bucket.
    storage_backend: Literal["local", "s3"] = "local"
    storage_root: Path | None = None
    s3_endpoint_url: str | None = None
    s3_bucket: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    signed_url_ttl_seconds: int = Field(default=3600, ge=60, le=7 * 24 * 3600)

    # Product images: upload caps (design/reliability.md, upload bombs).
    image_max_bytes: int = 15 * 1_048_576
    image_max_pixels: int = 40_000_000
    image_preview_max_side: int = 1024

    # Server-side downloads (api/core/fetch.py). `fetch_allowed_prefixes` lists exact URL prefixes of local
    # sandbox emulators that may be fetched although they are on loopback; it is ignored in production.
    fetch_timeout_seconds: float = 20.0
    fetch_max_redirects: int = 3
    fetch_allowed_prefixes: list[str] = Field(default_factory=list)

    # Keyring for secrets at rest (api/core/crypto.py): key id -> base64url 32-byte key, and the id new
    # ciphertexts use. Without a ring, one key is derived from `secret_key`. Rotate by adding a key, making it
    # current, running `epox stores rotate-keys`, then dropping the old one.
    credential_keys: dict[str, SecretStr] = Field(default_factory=dict)
    credential_key_id: str | None = None

    # Shopify app credentials. Without them (`epox run` locally, tests) the loopback sandbox stands in for Shopify:
    # `shopify_api_base_url` then points at it, and shop URLs become `<base>/<shop>`.
    shopify_client_id: str | None = None
    shopify_client_secret: SecretStr | None = None
    shopify_scopes: str = "read_products,write_products"
    shopify_api_base_url: str | None = None
    # Generation: images of one job made side by side, how long one provider call may take, and the largest
    # image a provider may return (4k PNGs are big).
    generation_concurrency: int = 2
    # Each worker process serves its own Prometheus /metrics here when a port is set (credits, jobs, provider
    # calls counted in that process); the API serves its own on /metrics.
    worker_metrics_host: str = "127.0.0.1"
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)
    provider_timeout_seconds: float = 120.0
    generated_image_max_bytes: int = 64 * 1_048_576
    # Hosted image providers (api/generation/providers/): each is offered once its key is set. The base URLs
    # are the vendors' own; tests point them at the loopback emulators in sandbox/ai_providers.py. The models
    # must be ones the adapters know (their capabilities and price estimates are per model).
    gemini_api_key: SecretStr | None = None
    gemini_api_base_url: str = "https://generativelanguage.googleapis.com"
    gemini_image_model: str = "gemini-2.5-flash-image"
    openai_api_key: SecretStr | None = None
    openai_api_base_url: str = "https://api.openai.com"
    openai_image_model: str = "gpt-image-1"
    openai_image_quality: Literal["low", "medium", "high"] = "high"  # OpenAI's rendering effort, not our 1k/2k/4k
    fal_api_key: SecretStr | None = None
    fal_api_base_url: str = "https://fal.run"  # the synchronous run endpoint (not the queue)
    fal_image_model: str = "fal-ai/flux-pro/kontext/multi"
    # The local run's WooCommerce sandbox site (offered on the Store page); never set in production.
    woocommerce_sandbox_site: str | None = None
    store_import_page_size: int = Field(default=25, ge=1, le=250)
    oauth_state_ttl_seconds: int = 600

    # Stripe. Without a secret key, billing endpoints that need Stripe answer 503 (plans and packs still list);
    # `stripe_api_base_url` points the SDK at the loopback sandbox (`epox run`, tests), never set in production.
    stripe_secret_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    stripe_api_base_url: str | None = None
    stripe_webhook_tolerance_seconds: int = Field(default=300, ge=1)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def cookie_secure(self) -> bool:
        """Secure cookies everywhere but plain-http local development and tests."""
        return self.is_production or self.public_url.startswith("https://")

    @property
    def resolved_storage_root(self) -> Path:
        return self.storage_root or self.data_dir / "storage"

    @property
    def fetch_allowlist(self) -> tuple[str, ...]:
        """Sandbox prefixes the fetcher may reach on private addresses: never any in production."""
        return () if self.is_production else tuple(self.fetch_allowed_prefixes)

    @model_validator(mode="after")
    def _production_needs_real_secrets(self) -> Settings:
        if self.is_production and self.secret_key.get_secret_value() == DEV_SECRET:
            raise ValueError("EPOX_SECRET_KEY must be set in production")
        if self.credential_keys and (self.credential_key_id or "") not in self.credential_keys:
            raise ValueError("EPOX_CREDENTIAL_KEY_ID must name one of EPOX_CREDENTIAL_KEYS")
        if self.storage_backend == "s3" and not (
            self.s3_endpoint_url and self.s3_bucket and self.s3_access_key_id and self.s3_secret_access_key
        ):
            raise ValueError(
                "EPOX_STORAGE_BACKEND=s3 needs EPOX_S3_ENDPOINT_URL, EPOX_S3_BUCKET, EPOX_S3_ACCESS_KEY_ID "
                "and EPOX_S3_SECRET_ACCESS_KEY"
            )
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
