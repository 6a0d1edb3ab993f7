"""OpenAI's GPT Image models through the Images API (`POST /v1/images/edits`).

The product photo and the references go up as `image[]` files of one multipart form with the prompt; the image
comes back base64-encoded in `data[0].b64_json`. The API makes three sizes only (1024x1024, 1536x1024,
1024x1536), so we offer the three ratios they are, at our 1k tier; note that a 3:2 or 2:3 image is 1536 px on
its long side, which is reported as it is. OpenAI's own `quality` (low/medium/high rendering effort) is a
setting (`openai_image_quality`), not our 1k/2k/4k.

Errors are `{"error": {"message", "type", "param", "code"}}`: a safety refusal is a 400 `moderation_blocked`;
a 429 is either a rate limit (wait `retry-after`) or `insufficient_quota` (billing: an operator has to act).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from api.core.config import Settings
from api.generation.providers.base import (
    GeneratedImage,
    ImageRequest,
    ProviderCapabilities,
    ProviderError,
    ProviderMisconfigured,
    ProviderRejected,
    validate,
)
from api.generation.providers.http import (
    Answer,
    ProviderHttp,
    checked_size,
    decode_base64,
    elapsed_ms,
    image_mime_type,
    pick,
    shorten,
    status_error,
)

VENDOR = "OpenAI"
OpenAIQuality = Literal["low", "medium", "high"]

# Our ratio -> the API's `size`. Nothing else can be made without cropping, which would be a visible change.
SIZES: Final[Mapping[str, str]] = {"1:1": "1024x1024", "3:2": "1536x1024", "2:3": "1024x1536"}
MAX_INPUT_IMAGES: Final = 16  # gpt-image-1 takes up to 16 images per edit


@dataclass(frozen=True)
class OpenAIModel:
    # ESTIMATE per output image in micro-dollars by (quality, square or not), see below.
    price_micros: Mapping[tuple[OpenAIQuality, bool], int]
    input_fidelity: bool  # takes `input_fidelity=high`: keeps the input product's details (faces, logos, textures)


# Price per image: an ESTIMATE from OpenAI's published per-image prices for the output image alone (input text and
# image tokens, more with high input fidelity, are billed on top and not counted here).
MODELS: Final[Mapping[str, OpenAIModel]] = {
    "gpt-image-1": OpenAIModel(
        {
            ("low", True): 11_000,
            ("low", False): 16_000,
            ("medium", True): 42_000,
            ("medium", False): 63_000,
            ("high", True): 167_000,
            ("high", False): 250_000,
        },
        input_fidelity=True,
    ),
    "gpt-image-1-mini": OpenAIModel(
        {
            ("low", True): 5_000,
            ("low", False): 6_000,
            ("medium", True): 11_000,
            ("medium", False): 15_000,
            ("high", True): 36_000,
            ("high", False): 52_000,
        },
        input_fidelity=False,
    ),
}

REFUSAL_CODES: Final = frozenset({"moderation_blocked", "content_policy_violation"})
QUOTA_CODES: Final = frozenset({"insufficient_quota", "billing_hard_limit_reached", "billing_not_active"})


class OpenAIImageProvider:
    name = "openai"

    def __init__(self, settings: Settings) -> None:
        assert settings.openai_api_key is not None, "the registry offers openai only with a key"
        self._key = settings.openai_api_key
        self.model = settings.openai_image_model
        self.quality: OpenAIQuality = settings.openai_image_quality
        self.spec = MODELS.get(self.model)
        self.url = f"{settings.openai_api_base_url.rstrip('/')}/v1/images/edits"
        self.http = ProviderHttp(settings, VENDOR)
        self.capabilities = ProviderCapabilities(
            aspect_ratios=frozenset(SIZES) if self.spec else frozenset(),
            qualities=frozenset({"1k"}) if self.spec else frozenset(),
            max_product_images=4,
            max_reference_images=MAX_INPUT_IMAGES - 4,
        )

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        spec = self.spec
        if spec is None:
            raise ProviderMisconfigured(
                f"EPOX_OPENAI_IMAGE_MODEL={self.model!r} is not a model this adapter knows ({', '.join(MODELS)}).",
                code="unknown_model",
            )
        validate(request, self.capabilities)
        fields, files = self.form(request, spec)
        started = time.perf_counter()
        async with self.http.deadline():
            answer = await self.http.send(
                "POST",
                self.url,
                data=fields,
                files=files,
                headers={"Authorization": f"Bearer {self._key.get_secret_value()}"},
            )
        if not answer.ok:
            raise self._error(answer)
        image = decode_base64(pick(answer.json_object(), "data", 0, "b64_json"))
        width, height = await checked_size(image)
        return GeneratedImage(
            png=image,
            width=width,
            height=height,
            model=self.model,
            units=1.0,
            cost_micros=spec.price_micros[(self.quality, request.aspect_ratio == "1:1")],
            duration_ms=elapsed_ms(started),
        )

    def form(
        self, request: ImageRequest, spec: OpenAIModel
    ) -> tuple[dict[str, str], list[tuple[str, tuple[str, bytes, str]]]]:
        """The multipart fields and the `image[]` files (product photos first, then references)."""
        fields = {
            "model": self.model,
            "prompt": request.prompt,
            "size": SIZES[request.aspect_ratio],
            "quality": self.quality,
            "n": "1",
            "output_format": "png",
        }
        if spec.input_fidelity:
            fields["input_fidelity"] = "high"  # the product must stay exactly as photographed
        files = []
        for index, photo in enumerate([*request.product_images, *request.reference_images]):
            mime_type = image_mime_type(photo)
            extension = mime_type.removeprefix("image/").replace("jpeg", "jpg")
            files.append(("image[]", (f"image-{index}.{extension}", photo, mime_type)))
        return fields, files

    def _error(self, answer: Answer) -> ProviderError:
        error = answer.error_body().get("error")
        error = error if isinstance(error, dict) else {}
        code, message = error.get("code"), str(error.get("message") or "")
        if code in REFUSAL_CODES:
            return ProviderRejected(f"OpenAI's safety system refused this request: {shorten(message)}")
        if code in QUOTA_CODES:  # a 429 that waiting does not fix
            return ProviderMisconfigured(f"OpenAI refused for billing: {shorten(message)}", code="provider_quota")
        if code == "model_not_found" or answer.status == 404:
            return ProviderMisconfigured(
                f"OpenAI does not offer {self.model!r} here: {shorten(message)}", code="unknown_model"
            )
        return status_error(VENDOR, answer, message)
