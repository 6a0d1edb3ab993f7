"""The hosted image adapters (gemini, openai, fal) against loopback emulators of their vendors' HTTP APIs
(sandbox/ai_providers.py): the request each one sends, the image it returns, and how every kind of failure maps
onto the provider errors the worker acts on (retry later, refused, misconfigured, malformed). No database."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from PIL import Image, ImageDraw
from pydantic import SecretStr

from api.core.config import Settings
from api.generation.providers.base import (
    ImageProvider,
    ImageRequest,
    ProviderError,
    ProviderMisconfigured,
    ProviderRejected,
    ProviderRetryableError,
    UnsupportedOption,
)
from api.generation.providers.fal import FalImageProvider
from api.generation.providers.gemini import GeminiImageProvider
from api.generation.providers.http import Answer, parse_retry_after
from api.generation.providers.openai import OpenAIImageProvider
from api.generation.registry import available_providers
from sandbox.ai_providers import FalSandbox, GeminiSandbox, OpenAIImagesSandbox, _ImageSandbox
from sandbox.server import serve


def _photo(
    size: tuple[int, int] = (320, 240), colour: tuple[int, int, int] = (170, 60, 40), kind: str = "PNG"
) -> bytes:
    """A product on white: a coloured box with a darker base."""
    image = Image.new("RGB", size, (250, 250, 249))
    draw = ImageDraw.Draw(image)
    draw.rectangle((size[0] // 4, size[1] // 5, size[0] * 3 // 4, size[1] * 4 // 5), fill=colour)
    draw.rectangle((size[0] // 4, size[1] * 3 // 4, size[0] * 3 // 4, size[1] * 4 // 5), fill=(60, 40, 30))
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


PRODUCT = _photo()
REFERENCE = _photo((200, 200), (90, 120, 160), kind="JPEG")


def _request(**changes: Any) -> ImageRequest:
    fields: dict[str, Any] = {
        "product_images": [PRODUCT],
        "prompt": "A lifestyle photo of the product in a bright living room.",
        "scene_type": "living_room",
        "aspect_ratio": "1:1",
        "quality": "1k",
        "seed": 2**40 + 7,  # above 32 bits: the adapters fold it
        **changes,
    }
    return ImageRequest(**fields)


# --- the three sandboxes, served once, reset per test -----------------------------------------------------------


@pytest.fixture(scope="module")
def gemini_server() -> Iterator[GeminiSandbox]:
    with serve(GeminiSandbox()) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def openai_server() -> Iterator[OpenAIImagesSandbox]:
    with serve(OpenAIImagesSandbox()) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def fal_server() -> Iterator[FalSandbox]:
    with serve(FalSandbox()) as sandbox:
        yield sandbox


@pytest.fixture
def gemini(gemini_server: GeminiSandbox) -> Iterator[GeminiSandbox]:
    yield gemini_server
    gemini_server.reset()


@pytest.fixture
def openai(openai_server: OpenAIImagesSandbox) -> Iterator[OpenAIImagesSandbox]:
    yield openai_server
    openai_server.reset()


@pytest.fixture
def fal(fal_server: FalSandbox) -> Iterator[FalSandbox]:
    yield fal_server
    fal_server.reset()


@pytest.fixture
def sandboxes(gemini: GeminiSandbox, openai: OpenAIImagesSandbox, fal: FalSandbox) -> dict[str, _ImageSandbox]:
    return {"gemini": gemini, "openai": openai, "fal": fal}


@pytest.fixture
def settings(gemini: GeminiSandbox, openai: OpenAIImagesSandbox, fal: FalSandbox) -> Settings:
    """All three vendors configured against their sandboxes; fal's result files may be fetched on loopback."""
    return Settings(
        _env_file=None,  # the environment and .env of whoever runs the tests stay out
        env="test",
        provider_timeout_seconds=10.0,
        gemini_api_key=SecretStr(gemini.api_key),
        gemini_api_base_url=gemini.base_url,
        openai_api_key=SecretStr(openai.api_key),
        openai_api_base_url=openai.base_url,
        fal_api_key=SecretStr(fal.api_key),
        fal_api_base_url=fal.base_url,
        fetch_allowed_prefixes=[f"{fal.base_url}/files/"],
    )


PROVIDERS: dict[str, Callable[[Settings], ImageProvider]] = {
    "gemini": GeminiImageProvider,
    "openai": OpenAIImageProvider,
    "fal": FalImageProvider,
}
VENDORS = sorted(PROVIDERS)


@dataclass(frozen=True)
class Expected:
    model: str
    size: tuple[int, int]  # what the vendor makes for a 1:1 1k request
    cost_micros: int


EXPECTED = {
    "gemini": Expected("gemini-2.5-flash-image", (1024, 1024), 39_000),
    "openai": Expected("gpt-image-1", (1024, 1024), 167_000),
    "fal": Expected("fal-ai/flux-pro/kontext/multi", (1024, 1024), 40_000),
}


def _png_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        image.load()
        return image.size


# --- success ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("vendor", VENDORS)
async def test_success_returns_a_png_with_model_units_and_cost(
    vendor: str, settings: Settings, sandboxes: dict[str, _ImageSandbox]
) -> None:
    image = await PROVIDERS[vendor](settings).generate(_request(reference_images=[REFERENCE]))

    expected = EXPECTED[vendor]
    assert _png_size(image.png) == (image.width, image.height) == expected.size
    assert (image.model, image.units, image.cost_micros) == (expected.model, 1.0, expected.cost_micros)
    assert image.duration_ms >= 0
    assert len(sandboxes[vendor].calls) == 1


async def test_gemini_request_shape(settings: Settings, gemini: GeminiSandbox) -> None:
    image = await GeminiImageProvider(settings).generate(_request(aspect_ratio="16:9", reference_images=[REFERENCE]))

    assert (image.width, image.height) == (1344, 768)  # Google's size for 16:9, not our 1024x576
    [call] = gemini.calls
    assert call.path == "/v1beta/models/gemini-2.5-flash-image:generateContent"
    assert call.headers["x-goog-api-key"] == gemini.api_key
    assert "key=" not in call.path
    parts = call.body["contents"][0]["parts"]
    assert parts[0] == {"text": _request().prompt}
    assert [p["inline_data"]["mime_type"] for p in parts[1:]] == ["image/png", "image/jpeg"]
    config = call.body["generationConfig"]
    assert config["responseModalities"] == ["TEXT", "IMAGE"]
    assert config["imageConfig"] == {"aspectRatio": "16:9"}  # flash takes no imageSize
    assert config["seed"] == (2**40 + 7) % 2**31


async def test_gemini_pro_image_renders_2k_with_image_size(settings: Settings, gemini: GeminiSandbox) -> None:
    provider = GeminiImageProvider(settings.model_copy(update={"gemini_image_model": "gemini-3-pro-image-preview"}))
    assert provider.capabilities.qualities == {"1k", "2k", "4k"}

    image = await provider.generate(_request(quality="2k", aspect_ratio="4:5"))

    assert (image.width, image.height) == (1856, 2304)
    assert image.cost_micros == 134_000
    assert gemini.calls[0].body["generationConfig"]["imageConfig"] == {"aspectRatio": "4:5", "imageSize": "2K"}


async def test_openai_request_shape_and_actual_size(settings: Settings, openai: OpenAIImagesSandbox) -> None:
    image = await OpenAIImageProvider(settings).generate(_request(aspect_ratio="3:2", reference_images=[REFERENCE]))

    # The API's 3:2 size is 1536x1024, larger than our 1k: reported as it is, never resized behind anyone's back.
    assert (image.width, image.height) == (1536, 1024)
    assert image.cost_micros == 250_000
    [call] = openai.calls
    assert call.headers["authorization"] == f"Bearer {openai.api_key}"
    assert call.headers["content-type"].startswith("multipart/form-data")
    images = call.body.pop("image[]")
    assert [(i["content_type"], i["filename"]) for i in images] == [
        ("image/png", "image-0.png"),
        ("image/jpeg", "image-1.jpg"),
    ]
    assert call.body == {
        "model": "gpt-image-1",
        "prompt": _request().prompt,
        "size": "1536x1024",
        "quality": "high",
        "n": "1",
        "output_format": "png",
        "input_fidelity": "high",
    }


async def test_openai_mini_sends_no_input_fidelity(settings: Settings, openai: OpenAIImagesSandbox) -> None:
    update = {"openai_image_model": "gpt-image-1-mini", "openai_image_quality": "medium"}
    image = await OpenAIImageProvider(settings.model_copy(update=update)).generate(_request())

    assert (image.model, image.cost_micros) == ("gpt-image-1-mini", 11_000)
    assert "input_fidelity" not in openai.calls[0].body
    assert openai.calls[0].body["quality"] == "medium"


async def test_fal_request_shape_and_download(settings: Settings, fal: FalSandbox) -> None:
    image = await FalImageProvider(settings).generate(_request(aspect_ratio="16:9", reference_images=[REFERENCE]))

    assert (image.width, image.height) == (1360, 768)
    [call] = fal.calls
    assert call.path == "/fal-ai/flux-pro/kontext/multi"
    assert call.headers["authorization"] == f"Key {fal.api_key}"
    urls = call.body.pop("image_urls")
    assert [url.split(",", 1)[0] for url in urls] == ["data:image/png;base64", "data:image/jpeg;base64"]
    assert call.body == {
        "prompt": _request().prompt,
        "num_images": 1,
        "seed": (2**40 + 7) % 2**31,
        "aspect_ratio": "16:9",
        "output_format": "png",
    }
    assert len(fal.downloads) == 1


async def test_fal_seedream_asks_for_our_exact_size(settings: Settings, fal: FalSandbox) -> None:
    provider = FalImageProvider(settings.model_copy(update={"fal_image_model": "fal-ai/bytedance/seedream/v4/edit"}))
    assert "21:9" not in provider.capabilities.aspect_ratios
    assert provider.capabilities.qualities == {"2k", "4k"}

    image = await provider.generate(_request(aspect_ratio="4:5", quality="2k"))

    assert (image.width, image.height) == (1640, 2048)  # output_size("4:5", "2k")
    assert fal.calls[0].body["image_size"] == {"width": 1640, "height": 2048}
    assert "aspect_ratio" not in fal.calls[0].body
    assert "output_format" not in fal.calls[0].body


# --- failures --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("vendor", VENDORS)
async def test_rate_limit_is_retryable_after_the_vendors_wait(
    vendor: str, settings: Settings, sandboxes: dict[str, _ImageSandbox]
) -> None:
    sandbox = sandboxes[vendor]
    sandbox.rate_limit_next, sandbox.retry_after = 1, 3
    provider = PROVIDERS[vendor](settings)

    with pytest.raises(ProviderRetryableError) as raised:
        await provider.generate(_request())
    assert (raised.value.code, raised.value.retry_after) == ("rate_limited", 3.0)

    image = await provider.generate(_request())  # the worker waits and calls again
    assert image.width == EXPECTED[vendor].size[0]
    assert len(sandbox.calls) == 2


@pytest.mark.parametrize("status", [500, 503])
@pytest.mark.parametrize("vendor", VENDORS)
async def test_server_errors_are_retryable(
    vendor: str, status: int, settings: Settings, sandboxes: dict[str, _ImageSandbox]
) -> None:
    sandboxes[vendor].fail_next, sandboxes[vendor].fail_status = 1, status

    with pytest.raises(ProviderRetryableError) as raised:
        await PROVIDERS[vendor](settings).generate(_request())
    assert raised.value.retryable
    assert str(status) in raised.value.message


@pytest.mark.parametrize(
    ("vendor", "kind"),
    [("gemini", "prompt"), ("gemini", "image"), ("openai", "default"), ("fal", "default"), ("fal", "policy")],
)
async def test_safety_refusals_are_rejected(
    vendor: str, kind: str, settings: Settings, sandboxes: dict[str, _ImageSandbox]
) -> None:
    sandboxes[vendor].reject_next, sandboxes[vendor].reject_kind = 1, kind

    with pytest.raises(ProviderRejected) as raised:
        await PROVIDERS[vendor](settings).generate(_request())
    assert (raised.value.code, raised.value.retryable) == ("content_rejected", False)


async def test_gemini_answering_in_words_only_is_not_retried(settings: Settings, gemini: GeminiSandbox) -> None:
    gemini.reject_next, gemini.reject_kind = 1, "text"

    with pytest.raises(ProviderError) as raised:
        await GeminiImageProvider(settings).generate(_request())
    assert (raised.value.code, raised.value.retryable) == ("no_image", False)
    assert "describe it" in raised.value.message


@pytest.mark.parametrize(
    ("vendor", "kind"),
    [
        *[("gemini", kind) for kind in ("json", "fields", "base64", "image")],
        *[("openai", kind) for kind in ("json", "fields", "base64", "image")],
        *[("fal", kind) for kind in ("json", "fields", "image", "url")],
    ],
)
async def test_malformed_answers_fail_for_good(
    vendor: str, kind: str, settings: Settings, sandboxes: dict[str, _ImageSandbox]
) -> None:
    sandboxes[vendor].malformed_next, sandboxes[vendor].malformed_kind = 1, kind

    with pytest.raises(ProviderError) as raised:
        await PROVIDERS[vendor](settings).generate(_request())
    assert (raised.value.code, raised.value.retryable) == ("malformed_response", False)


@pytest.mark.parametrize("vendor", VENDORS)
async def test_timeout_is_retryable(vendor: str, settings: Settings, sandboxes: dict[str, _ImageSandbox]) -> None:
    sandboxes[vendor].slow_next, sandboxes[vendor].slow_seconds = 1, 1.0
    provider = PROVIDERS[vendor](settings.model_copy(update={"provider_timeout_seconds": 0.3}))

    with pytest.raises(ProviderRetryableError) as raised:
        await provider.generate(_request())
    assert raised.value.code == "provider_timeout"


@pytest.mark.parametrize("vendor", VENDORS)
async def test_bad_key_is_misconfigured_and_never_echoed(
    vendor: str, settings: Settings, sandboxes: dict[str, _ImageSandbox]
) -> None:
    wrong = "sk-wrong-key-0123456789"
    provider = PROVIDERS[vendor](settings.model_copy(update={f"{vendor}_api_key": SecretStr(wrong)}))

    with pytest.raises(ProviderMisconfigured) as raised:
        await provider.generate(_request())
    assert not raised.value.retryable
    assert wrong not in raised.value.message
    assert wrong[-4:] not in raised.value.message
    assert len(sandboxes[vendor].calls) == 1


async def test_openai_quota_is_misconfigured_not_retried(settings: Settings, openai: OpenAIImagesSandbox) -> None:
    openai.quota_next = 1  # a 429 that no wait fixes

    with pytest.raises(ProviderMisconfigured) as raised:
        await OpenAIImageProvider(settings).generate(_request())
    assert raised.value.code == "provider_quota"


@pytest.mark.parametrize(
    ("vendor", "model", "changes", "field"),
    [
        ("gemini", None, {"quality": "2k"}, "quality"),  # flash makes about 1 MP only
        ("openai", None, {"aspect_ratio": "16:9"}, "aspect_ratio"),
        ("openai", None, {"quality": "4k"}, "quality"),
        ("fal", None, {"aspect_ratio": "4:5"}, "aspect_ratio"),
        ("fal", "fal-ai/bytedance/seedream/v4/edit", {"aspect_ratio": "21:9", "quality": "2k"}, "aspect_ratio"),
        ("gemini", None, {"reference_images": [REFERENCE] * 3}, "reference_images"),
    ],
)
async def test_unsupported_options_are_refused_before_any_call(
    vendor: str,
    model: str | None,
    changes: dict[str, Any],
    field: str,
    settings: Settings,
    sandboxes: dict[str, _ImageSandbox],
) -> None:
    configured = settings.model_copy(update={f"{vendor}_image_model": model}) if model else settings

    with pytest.raises(UnsupportedOption) as raised:
        await PROVIDERS[vendor](configured).generate(_request(**changes))
    assert raised.value.field == field
    assert sandboxes[vendor].calls == []


@pytest.mark.parametrize("vendor", VENDORS)
async def test_unknown_model_is_misconfigured_before_any_call(
    vendor: str, settings: Settings, sandboxes: dict[str, _ImageSandbox]
) -> None:
    provider = PROVIDERS[vendor](settings.model_copy(update={f"{vendor}_image_model": "no-such-model"}))
    assert not provider.capabilities.aspect_ratios  # nothing offered in the UI either

    with pytest.raises(ProviderMisconfigured) as raised:
        await provider.generate(_request())
    assert raised.value.code == "unknown_model"
    assert sandboxes[vendor].calls == []


def test_registry_offers_a_hosted_provider_only_with_its_key(settings: Settings) -> None:
    assert set(available_providers(settings)) == {"local", "gemini", "openai", "fal"}
    without = settings.model_copy(
        update={"gemini_api_key": None, "openai_api_key": SecretStr(" "), "fal_api_key": None}
    )
    assert set(available_providers(without)) == {"local"}
    only_fal = without.model_copy(update={"fal_api_key": SecretStr("k")})
    assert isinstance(available_providers(only_fal)["fal"], FalImageProvider)


# --- the sandboxes refuse what their vendors refuse --------------------------------------------------------------


async def test_sandboxes_validate_requests_like_their_vendors(
    gemini: GeminiSandbox, openai: OpenAIImagesSandbox, fal: FalSandbox
) -> None:
    async with httpx.AsyncClient() as client:
        unknown_field = await client.post(
            f"{gemini.base_url}/v1beta/models/gemini-2.5-flash-image:generateContent",
            headers={"x-goog-api-key": gemini.api_key},
            json={"contents": [{"parts": [{"text": "hi"}]}], "generationConfig": {"imageConfig": {"size": "1K"}}},
        )
        assert unknown_field.status_code == 400
        assert unknown_field.json()["error"]["status"] == "INVALID_ARGUMENT"
        assert "Unknown name" in unknown_field.json()["error"]["message"]

        no_size_on_flash = await client.post(
            f"{gemini.base_url}/v1beta/models/gemini-2.5-flash-image:generateContent",
            headers={"x-goog-api-key": gemini.api_key},
            json={"contents": [{"parts": [{"text": "hi"}]}], "generationConfig": {"imageConfig": {"imageSize": "2K"}}},
        )
        assert no_size_on_flash.status_code == 400

        bad_size = await client.post(
            f"{openai.base_url}/v1/images/edits",
            headers={"Authorization": f"Bearer {openai.api_key}"},
            data={"model": "gpt-image-1", "prompt": "hi", "size": "512x512"},
            files=[("image[]", ("p.png", PRODUCT, "image/png"))],
        )
        assert bad_size.status_code == 400
        error = bad_size.json()["error"]
        assert (error["type"], error["param"], error["code"]) == ("invalid_request_error", "size", "invalid_value")

        not_an_image = await client.post(
            f"{openai.base_url}/v1/images/edits",
            headers={"Authorization": f"Bearer {openai.api_key}"},
            data={"model": "gpt-image-1", "prompt": "hi"},
            files=[("image[]", ("p.png", b"<html/>", "image/png"))],
        )
        assert not_an_image.json()["error"]["code"] == "invalid_image_file"

        extra = await client.post(
            f"{fal.base_url}/fal-ai/flux-pro/kontext/multi",
            headers={"Authorization": f"Key {fal.api_key}"},
            json={"prompt": "hi", "image_urls": ["https://example.com/a.png"], "aspect_ratio": "5:4"},
        )
        assert extra.status_code == 422
        assert extra.json()["detail"][0]["loc"] == ["body", "image_urls"]


# --- Retry-After parsing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "7"}, 7.0),
        ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0),  # a date in the past: no wait
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_parsing(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(Answer(429, httpx.Headers(headers), b"")) == expected
