"""Which image and video providers this deployment offers: `local` always (no key needed); the hosted ones when
their key is configured. The one place that turns a provider name into an implementation."""

from __future__ import annotations

from pydantic import SecretStr

from api.core.config import Settings
from api.generation.exceptions import ProviderNotAvailable
from api.generation.providers.base import ImageProvider
from api.generation.providers.fal import FalImageProvider
from api.generation.providers.fal_video import FalVideoProvider
from api.generation.providers.gemini import GeminiImageProvider
from api.generation.providers.gemini_video import GeminiVideoProvider
from api.generation.providers.local import LocalImageProvider
from api.generation.providers.local_video import LocalVideoProvider
from api.generation.providers.openai import OpenAIImageProvider
from api.generation.video import DEFAULT_VIDEO_POLICY, VideoPolicy, VideoProvider

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


def available_video_providers(
    settings: Settings, policy: VideoPolicy = DEFAULT_VIDEO_POLICY
) -> dict[str, VideoProvider]:
    """The video providers: local always, Veo with a Gemini key, Seedance with a fal key (OpenAI makes no video)."""
    providers: dict[str, VideoProvider] = {"local": LocalVideoProvider()}
    if _is_set(settings.gemini_api_key):
        providers["gemini"] = GeminiVideoProvider(settings, policy)
    if _is_set(settings.fal_api_key):
        providers["fal"] = FalVideoProvider(settings, policy)
    return providers


def get_video_provider(
    settings: Settings, name: str | None, policy: VideoPolicy = DEFAULT_VIDEO_POLICY
) -> VideoProvider:
    providers = available_video_providers(settings, policy)
    chosen = name or DEFAULT_PROVIDER
    if chosen not in providers:
        offered = ", ".join(sorted(providers))
        raise ProviderNotAvailable(f"The {chosen!r} provider makes no videos here; choose one of: {offered}.")
    return providers[chosen]
