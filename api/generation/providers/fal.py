"""Hosted image models on fal through the synchronous run endpoint (`POST https://fal.run/<model id>`).

The photos go up as data URIs in `image_urls` (product first, then references); the model answers with
`images[].url`, a file on fal's CDN that is then downloaded through the SSRF-safe fetcher with the image size
cap (a URL someone else chose is never fetched blindly). Each model takes its own inputs: some an
`aspect_ratio`, some an exact `image_size`; the table below says which, and what each can honour.

The synchronous endpoint holds the connection until the image is ready, so the provider deadline covers the
whole run (the queue endpoint would need polling for no gain at one image per call).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from api.core.config import Settings
from api.core.errors import EpoxError
from api.core.fetch import FetchPolicy, FetchTimedOut, FetchTooLarge, UrlNotAllowed, fetch_url
from api.generation.providers.base import (
    ASPECT_RATIOS,
    GeneratedImage,
    ImageRequest,
    ProviderCapabilities,
    ProviderError,
    ProviderMisconfigured,
    ProviderRejected,
    ProviderRetryableError,
    Quality,
    output_size,
    validate,
)
from api.generation.providers.http import (
    Answer,
    ProviderHttp,
    checked_size,
    data_uri,
    elapsed_ms,
    malformed,
    pick,
    provider_seed,
    shorten,
    status_error,
)

VENDOR = "fal"


@dataclass(frozen=True)
class FalModel:
    size_by: Literal["aspect_ratio", "image_size"]  # `aspect_ratio: "16:9"` or `image_size: {width, height}`
    aspect_ratios: frozenset[str]
    qualities: frozenset[Quality]
    max_product_images: int
    max_reference_images: int
    price_micros: int  # ESTIMATE per output image, see below
    output_format: bool = False  # takes `output_format: "png"`


# Price per image in micro-dollars: an ESTIMATE from the prices on each model's fal page (per image, any size).
MODELS: Final[Mapping[str, FalModel]] = {
    # FLUX.1 Kontext [pro], several input images: about 1 MP in its nine ratios (no 4:5), so our 1k only.
    "fal-ai/flux-pro/kontext/multi": FalModel(
        size_by="aspect_ratio",
        aspect_ratios=frozenset({"21:9", "16:9", "4:3", "3:2", "1:1", "2:3", "3:4", "9:16"}),
        qualities=frozenset({"1k"}),
        max_product_images=1,
        max_reference_images=3,
        price_micros=40_000,
        output_format=True,
    ),
    # ByteDance Seedream 4.0 edit: our exact size, but both sides must be 1024-4096 px, so 2k and 4k only, and
    # no 21:9 (880 px high at 2k). Up to 10 input images.
    "fal-ai/bytedance/seedream/v4/edit": FalModel(
        size_by="image_size",
        aspect_ratios=frozenset(ASPECT_RATIOS) - {"21:9"},
        qualities=frozenset({"2k", "4k"}),
        max_product_images=4,
        max_reference_images=6,
        price_micros=30_000,
    ),
}


class FalImageProvider:
    name = "fal"

    def __init__(self, settings: Settings) -> None:
        assert settings.fal_api_key is not None, "the registry offers fal only with a key"
        self._key = settings.fal_api_key
        self.model = settings.fal_image_model
        self.spec = MODELS.get(self.model)
        self.url = f"{settings.fal_api_base_url.rstrip('/')}/{self.model}"
        self.http = ProviderHttp(settings, VENDOR)
        self.fetch_policy = FetchPolicy.from_settings(settings)
        self.max_image_bytes = settings.generated_image_max_bytes
        spec = self.spec
        self.capabilities = ProviderCapabilities(
            aspect_ratios=spec.aspect_ratios & frozenset(ASPECT_RATIOS) if spec else frozenset(),
            qualities=spec.qualities if spec else frozenset(),
            max_product_images=spec.max_product_images if spec else 1,
            max_reference_images=spec.max_reference_images if spec else 0,
        )

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        spec = self.spec
        if spec is None:
            raise ProviderMisconfigured(
                f"EPOX_FAL_IMAGE_MODEL={self.model!r} is not a model this adapter knows ({', '.join(MODELS)}).",
                code="unknown_model",
            )
        validate(request, self.capabilities)
        body = self.body(request, spec)
        started = time.perf_counter()
        async with self.http.deadline():
            answer = await self.http.send(
                "POST", self.url, json=body, headers={"Authorization": f"Key {self._key.get_secret_value()}"}
            )
            if not answer.ok:
                raise self._error(answer)
            image = await self._download(_image_url(answer.json_object()))
        width, height = await checked_size(image)
        return GeneratedImage(
            png=image,
            width=width,
            height=height,
            model=self.model,
            units=1.0,
            cost_micros=spec.price_micros,
            duration_ms=elapsed_ms(started),
        )

    def body(self, request: ImageRequest, spec: FalModel) -> dict[str, Any]:
        body: dict[str, Any] = {
            "prompt": request.prompt,
            "image_urls": [data_uri(photo) for photo in [*request.product_images, *request.reference_images]],
            "num_images": 1,
            "seed": provider_seed(request),
        }
        if spec.size_by == "aspect_ratio":
            body["aspect_ratio"] = request.aspect_ratio
        else:
            width, height = output_size(request.aspect_ratio, request.quality)
            body["image_size"] = {"width": width, "height": height}
        if spec.output_format:
            body["output_format"] = "png"
        return body

    async def _download(self, url: str) -> bytes:
        try:
            fetched = await fetch_url(url, self.fetch_policy, max_bytes=self.max_image_bytes)
        except FetchTimedOut as exc:
            raise ProviderRetryableError("fal's image download timed out.", code="provider_timeout") from exc
        except FetchTooLarge as exc:
            raise ProviderError(
                "fal's image is larger than we accept.", retryable=False, code="response_too_large"
            ) from exc
        except UrlNotAllowed as exc:
            raise malformed(f"the image URL cannot be downloaded ({exc.detail})") from exc
        except EpoxError as exc:  # FetchFailed: the CDN is unreachable or answered an error for now
            raise ProviderRetryableError(f"fal's image download failed: {exc.detail}") from exc
        return fetched.body

    def _error(self, answer: Answer) -> ProviderError:
        return fal_error(answer, self.model)


def fal_error(answer: Answer, model: str) -> ProviderError:
    """A failed fal answer as a provider error (shared by the image and the video adapter)."""
    detail = answer.error_body().get("detail")
    # Validation errors are FastAPI-style: a list of {loc, msg, type}; other errors a plain string.
    problems = [d for d in detail if isinstance(d, dict)] if isinstance(detail, list) else []
    if any(d.get("type") == "content_policy_violation" for d in problems):
        return ProviderRejected("fal's safety checker refused this request.")
    if answer.status == 404:
        return ProviderMisconfigured(f"fal has no model {model!r}.", code="unknown_model")
    if problems:
        first = problems[0]
        location = ".".join(str(part) for part in first.get("loc") or [])
        return status_error(VENDOR, answer, f"{location}: {first.get('msg')}")
    return status_error(VENDOR, answer, shorten(detail))


def _image_url(data: dict[str, Any]) -> str:
    flags = data.get("has_nsfw_concepts")
    # Flagged images come back blacked out rather than as an error.
    if isinstance(flags, list) and any(flags):
        raise ProviderRejected("fal's safety checker flagged the generated image.")
    url = pick(data, "images", 0, "url")
    if not isinstance(url, str) or not url:
        raise malformed("images[0].url is not a URL")
    return url
