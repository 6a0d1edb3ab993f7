"""Google's Gemini image models through the Generative Language API (`generateContent`).

One request per image: the prompt and the photos (product first, then references) as parts of one user turn,
`responseModalities` asking for an image, and `imageConfig` for the aspect ratio (and, on models that take it,
the 1K/2K/4K size). The image comes back base64-encoded in a candidate's `inlineData` part.

Refusals come two ways: the whole prompt blocked (`promptFeedback.blockReason`, no candidates) or a candidate
stopped for a safety reason (`finishReason`); both are `ProviderRejected`. Google puts the wait of a 429 in the
error's `RetryInfo` detail rather than in a header.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from api.core.config import Settings
from api.generation.providers.base import (
    ASPECT_RATIOS,
    GeneratedImage,
    ImageRequest,
    ProviderCapabilities,
    ProviderError,
    ProviderMisconfigured,
    ProviderRejected,
    Quality,
    validate,
)
from api.generation.providers.http import (
    Answer,
    ProviderHttp,
    checked_size,
    decode_base64,
    elapsed_ms,
    image_mime_type,
    malformed,
    pick,
    provider_seed,
    shorten,
    status_error,
)

VENDOR = "Gemini"
API_VERSION = "v1beta"

# The ratios Google documents for its image models, of which we offer all but 5:4.
GEMINI_ASPECT_RATIOS: Final = frozenset({"1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"})


@dataclass(frozen=True)
class GeminiModel:
    qualities: frozenset[Quality]
    takes_image_size: bool  # `imageConfig.imageSize` ("1K", "2K", "4K"); the others make about 1 MP only
    max_product_images: int
    max_reference_images: int
    price_micros: Mapping[Quality, int]  # ESTIMATE per output image, see below


# Price per image in micro-dollars: an ESTIMATE from Google's published paid-tier prices, output image only (the
# prompt and input photos add a fraction of a cent). 2.5 Flash Image bills 1290 output tokens at $30 per million
# ($0.039); 3 Pro Image lists $0.134 per 1K/2K image and $0.24 per 4K image.
MODELS: Final[Mapping[str, GeminiModel]] = {
    # About 1 MP at every ratio (1024x1024, 1344x768...): only our 1k. Google advises at most 3 input images.
    "gemini-2.5-flash-image": GeminiModel(frozenset({"1k"}), False, 1, 2, {"1k": 39_000}),
    "gemini-2.5-flash-image-preview": GeminiModel(frozenset({"1k"}), False, 1, 2, {"1k": 39_000}),
    # Takes up to 14 input images and renders 1K, 2K or 4K.
    "gemini-3-pro-image-preview": GeminiModel(
        frozenset({"1k", "2k", "4k"}), True, 4, 10, {"1k": 134_000, "2k": 134_000, "4k": 240_000}
    ),
}

# `promptFeedback.blockReason` (any value) and these candidate `finishReason`s mean the content was refused.
REFUSED_FINISH_REASONS: Final = frozenset(
    {
        "SAFETY",
        "PROHIBITED_CONTENT",
        "BLOCKLIST",
        "SPII",
        "RECITATION",
        "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT",
        "IMAGE_RECITATION",
    }
)
NO_CAPABILITIES: Final = ProviderCapabilities(aspect_ratios=frozenset(), qualities=frozenset())


class GeminiImageProvider:
    name = "gemini"

    def __init__(self, settings: Settings) -> None:
        assert settings.gemini_api_key is not None, "the registry offers gemini only with a key"
        self._key = settings.gemini_api_key
        self.model = settings.gemini_image_model
        self.spec = MODELS.get(self.model)
        self.url = f"{settings.gemini_api_base_url.rstrip('/')}/{API_VERSION}/models/{self.model}:generateContent"
        self.http = ProviderHttp(settings, VENDOR)
        self.capabilities = NO_CAPABILITIES
        if self.spec is not None:
            self.capabilities = ProviderCapabilities(
                aspect_ratios=GEMINI_ASPECT_RATIOS & frozenset(ASPECT_RATIOS),
                qualities=self.spec.qualities,
                max_product_images=self.spec.max_product_images,
                max_reference_images=self.spec.max_reference_images,
            )

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        spec = self.spec
        if spec is None:
            raise ProviderMisconfigured(
                f"EPOX_GEMINI_IMAGE_MODEL={self.model!r} is not a model this adapter knows ({', '.join(MODELS)}).",
                code="unknown_model",
            )
        validate(request, self.capabilities)
        body = self.body(request, spec)
        started = time.perf_counter()
        async with self.http.deadline():
            answer = await self.http.send(
                "POST", self.url, json=body, headers={"x-goog-api-key": self._key.get_secret_value()}
            )
        if not answer.ok:
            raise self._error(answer)
        image = _image(answer.json_object())
        width, height = await checked_size(image)
        return GeneratedImage(
            png=image,  # PNG in practice; JPEG or WebP pass too (the worker re-encodes what it stores)
            width=width,
            height=height,
            model=self.model,
            units=1.0,
            cost_micros=spec.price_micros[request.quality],
            duration_ms=elapsed_ms(started),
        )

    def body(self, request: ImageRequest, spec: GeminiModel) -> dict[str, Any]:
        parts: list[dict[str, Any]] = [{"text": request.prompt}] if request.prompt.strip() else []
        for photo in [*request.product_images, *request.reference_images]:
            encoded = base64.b64encode(photo).decode("ascii")
            parts.append({"inline_data": {"mime_type": image_mime_type(photo), "data": encoded}})
        image_config: dict[str, str] = {"aspectRatio": request.aspect_ratio}
        if spec.takes_image_size:
            image_config["imageSize"] = request.quality.upper()  # "2k" -> "2K": Google wants the capital K
        return {
            "contents": [{"role": "user", "parts": parts}],
            "generationConfig": {
                "responseModalities": ["TEXT", "IMAGE"],
                "imageConfig": image_config,
                "seed": provider_seed(request),
            },
        }

    def _error(self, answer: Answer) -> ProviderError:
        return gemini_error(answer, self.model, "generateContent")


def gemini_error(answer: Answer, model: str, method: str) -> ProviderError:
    """A failed Generative Language API answer as a provider error (shared by the image and the Veo adapter)."""
    error = answer.error_body().get("error")
    error = error if isinstance(error, dict) else {}
    status, message = error.get("status"), error.get("message")
    details = [d for d in error.get("details") or [] if isinstance(d, dict)]
    # A wrong key is a 400 INVALID_ARGUMENT whose ErrorInfo says API_KEY_INVALID, not a 401.
    if any(d.get("reason") == "API_KEY_INVALID" for d in details) or status in {
        "UNAUTHENTICATED",
        "PERMISSION_DENIED",
    }:
        return ProviderMisconfigured("Gemini refused the API key; check EPOX_GEMINI_API_KEY.")
    if answer.status == 404:
        return ProviderMisconfigured(
            f"Gemini does not offer {model!r} for {method}: {shorten(message)}", code="unknown_model"
        )
    if status == "FAILED_PRECONDITION":  # billing not enabled, or the API is not offered in the region
        return ProviderMisconfigured(f"Gemini cannot serve this project: {shorten(message)}")
    return status_error(VENDOR, answer, str(message or ""), retry_after=_retry_delay(details))


def _image(data: dict[str, Any]) -> bytes:
    feedback = data.get("promptFeedback")
    if isinstance(feedback, dict) and feedback.get("blockReason"):
        raise ProviderRejected(f"Gemini refused the prompt ({feedback['blockReason']}).")
    candidate = pick(data, "candidates", 0)
    if not isinstance(candidate, dict):
        raise malformed("the candidate is not an object")
    reason = candidate.get("finishReason")
    if reason in REFUSED_FINISH_REASONS:
        raise ProviderRejected(f"Gemini refused to make this image ({reason}).")
    content = candidate.get("content")
    parts = content.get("parts") if isinstance(content, dict) else None
    parts = parts if isinstance(parts, list) else []
    # Thinking models may show interim images (`thought: true`); the last image outside the thoughts is the result.
    images = [
        part.get("inlineData") or part.get("inline_data")
        for part in parts
        if isinstance(part, dict) and not part.get("thought")
    ]
    found = [inline for inline in images if isinstance(inline, dict)]
    if found:
        return decode_base64(found[-1].get("data"))
    text = " ".join(str(part.get("text")) for part in parts if isinstance(part, dict) and part.get("text"))
    # The model chose to answer in words only (often a soft refusal); asking again costs and rarely helps.
    raise ProviderError(
        f"Gemini answered without an image ({reason or 'no reason given'}): {shorten(text) or 'no text'}",
        retryable=False,
        code="no_image",
    )


def _retry_delay(details: list[dict[str, Any]]) -> float | None:
    """The wait from a `google.rpc.RetryInfo` detail: a protobuf Duration in JSON, e.g. "37s" or "0.5s"."""
    for detail in details:
        if str(detail.get("@type", "")).endswith("google.rpc.RetryInfo"):
            delay = str(detail.get("retryDelay", ""))
            try:
                return max(0.0, float(delay.removesuffix("s")))
            except ValueError:
                return None
    return None
