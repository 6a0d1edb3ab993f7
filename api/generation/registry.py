"""Which image providers this deployment offers: `local` always (no key needed); the hosted ones when their key is
configured. The one place that turns a provider name into an implementation."""

from __future__ import annotations

from pydantic import SecretStr

from api.core.config import Settings
from api.generation.exceptions import ProviderNotAvailable
from api.generation.providers.base import ImageProvider
from api.generation.providers.fal import FalImageProvider
from api.generation.providers.gemini import GeminiImageProvider
from api.generation.providers.local import LocalImageProvider
from api.generation.providers.openai import OpenAIImageProvider

DEFAULT_PROVIDER = "local"


def available_providers(settings: Settings) -> dict[str, ImageProvider]:
    providers: dict[str, ImageProvider] = {"local": LocalImageProvider()}
    if _is_set(settings.gemini_api_key):
        providers["gemini"] = GeminiImageProvider(settings)
    if _is_set(settings.openai_api_key):
        providers["openai"] = OpenAIImageProvider(settings)
    if _is_set(settings.fal_api_key):
        providers["fal"] = FalImageProvider(settings)
    return providers


def _is_set(key: SecretStr | None) -> bool:
    """An empty variable (`EPOX_OPENAI_API_KEY=`) counts as unset, not as a key that every call will fail with."""
    return key is not None and bool(key.get_secret_value().strip())


def get_provider(settings: Settings, name: str | None) -> ImageProvider:
    providers = available_providers(settings)
    chosen = name or DEFAULT_PROVIDER
    if chosen not in providers:
        offered = ", ".join(sorted(providers))
        raise ProviderNotAvailable(f"The {chosen!r} provider is not configured here; choose one of: {offered}.")
    return providers[chosen]
