"""Google's Veo through the Generative Language API: a long-running operation.

1. `POST /v1beta/models/{model}:predictLongRunning` with one instance (the prompt and the first frame as
   `image: {bytesBase64Encoded, mimeType}`) and `parameters` (aspectRatio, resolution, durationSeconds,
   personGeneration, seed, sampleCount 1); the answer is an operation `{name}`.
2. `GET /v1beta/{name}` until `done`; then either `error` (a google.rpc.Status) or
   `response.generateVideoResponse.generatedSamples[0].video.uri`. Clips the safety filters removed are counted
   in `raiMediaFilteredCount` with their reasons, and the samples are missing.
3. `GET {uri}` with the API key (only ever to the API's own host), following at most one redirect through the
   SSRF-safe fetcher, without the key.
4. On cancel or timeout: `POST /v1beta/{name}:cancel`.

Veo makes 16:9 and 9:16 clips at 24 fps, 4, 6 or 8 seconds long (1080p at 8 s only). Camera motion is asked for
in the prompt (the prompt builder says it in words); anything else is refused before any credits are held.
"""

from __future__ import annotations

import base64
from typing import Any, Final

from api.core.config import Settings
from api.generation.providers.base import ProviderError, ProviderRejected, ProviderRetryableError
from api.generation.providers.gemini import VENDOR, gemini_error
from api.generation.providers.http import Answer, image_mime_type, malformed, pick, shorten
from api.generation.providers.video_operations import LongRunningVideoProvider, checked_clip
from api.generation.video import CAMERA_MOTIONS, VendorCall, VideoCapabilities, VideoPolicy, VideoRequest

API_VERSION = "v1beta"
MODEL: Final = "veo-3.1-fast-generate-preview"
# Price per second of video in micro-dollars: an ESTIMATE from Google's published paid-tier price for Veo 3.1 Fast
# with sound ($0.15 per second).
PRICE_PER_SECOND_MICROS: Final = 150_000
# google.rpc.Code values a finished operation can carry that mean "this request will not work", by number.
_REFUSED_CODES: Final = {3: "INVALID_ARGUMENT", 7: "PERMISSION_DENIED", 9: "FAILED_PRECONDITION"}
_RETRYABLE_CODES: Final = {4: "DEADLINE_EXCEEDED", 8: "RESOURCE_EXHAUSTED", 13: "INTERNAL", 14: "UNAVAILABLE"}

CAPABILITIES: Final = VideoCapabilities(
    aspect_ratios=frozenset({"16:9", "9:16"}),
    resolutions=frozenset({"720p", "1080p"}),
    durations=frozenset({4, 6, 8}),
    frame_rates=frozenset({24}),
    camera_motions=frozenset(CAMERA_MOTIONS),
    durations_by_resolution={"1080p": frozenset({8})},
)


class GeminiVideoProvider(LongRunningVideoProvider[str, str]):
    name = "gemini"
    vendor = VENDOR
    maker = "Veo"
    model = MODEL
    video_capabilities = CAPABILITIES

    def __init__(self, settings: Settings, policy: VideoPolicy) -> None:
        super().__init__(settings, policy, key=settings.gemini_api_key)
        self.base = f"{settings.gemini_api_base_url.rstrip('/')}/{API_VERSION}"

    @property
    def _headers(self) -> dict[str, str]:
        return {"x-goog-api-key": self._key.get_secret_value()}

    @staticmethod
    def price_micros(request: VideoRequest) -> int:
        return PRICE_PER_SECOND_MICROS * request.options.duration_s

    def body(self, request: VideoRequest) -> dict[str, Any]:
        options = request.options
        return {
            "instances": [
                {
                    "prompt": request.prompt,
                    "image": {
                        "bytesBase64Encoded": base64.b64encode(request.still).decode("ascii"),
                        "mimeType": image_mime_type(request.still),
                    },
                }
            ],
            "parameters": {
                "aspectRatio": options.aspect_ratio,
                "resolution": options.resolution,
                "durationSeconds": options.duration_s,
                "sampleCount": 1,
                "seed": request.seed % 2**32,
                # Image-to-video takes "allow_adult" only; people are described, never required, by our prompt.
                "personGeneration": "allow_adult",
            },
        }

    async def _send(self, method: str, url: str, **kwargs: Any) -> Answer:
        async with self.http.deadline():
            return await self.http.send(method, url, headers=self._headers, **kwargs)

    async def _submit(self, request: VideoRequest) -> str:
        answer = await self._send(
            "POST", f"{self.base}/models/{self.model}:predictLongRunning", json=self.body(request)
        )
        if not answer.ok:
            raise gemini_error(answer, self.model, "predictLongRunning")
        name = answer.json_object().get("name")
        if not isinstance(name, str) or "/operations/" not in name or ".." in name:
            raise malformed("the operation has no name")
        return name

    async def _status(self, name: str) -> str | None:
        """The clip's URI once the operation is done; None while it runs."""
        answer = await self._send("GET", f"{self.base}/{name}")
        if not answer.ok:
            raise gemini_error(answer, self.model, "operations.get")
        operation = answer.json_object()
        if not operation.get("done"):
            return None
        error = operation.get("error")
        if isinstance(error, dict):
            raise _operation_error(error)
        response = pick(operation, "response", "generateVideoResponse")
        if not isinstance(response, dict):
            raise malformed("generateVideoResponse is not an object")
        samples = response.get("generatedSamples") or []
        if not samples and response.get("raiMediaFilteredCount"):
            reasons = "; ".join(str(r) for r in response.get("raiMediaFilteredReasons") or []) or "safety filters"
            raise ProviderRejected(f"Veo's safety filters removed the video: {shorten(reasons)}")
        uri = pick({"samples": samples}, "samples", 0, "video", "uri")
        if not isinstance(uri, str) or not uri:
            raise malformed("the video has no uri")
        return uri

    async def _clip_url(self, name: str, uri: str, calls: list[VendorCall]) -> str:
        return uri  # the finished operation names its clip

    async def _download(self, uri: str) -> bytes:
        if not uri.startswith(f"{self.base}/"):
            raise malformed("the video uri is not on the API's host")
        answer = await self._send("GET", uri)
        if answer.status in (301, 302, 303, 307, 308):
            # The file's bytes live on storage the API redirects to: fetched without our key, SSRF-checked.
            location = answer.headers.get("location")
            if not location:
                raise malformed("the video redirect has no location")
            return await super()._download(location)
        if not answer.ok:
            raise gemini_error(answer, self.model, "files.download")
        return checked_clip(answer.body, VENDOR)

    async def _cancel(self, name: str) -> None:
        answer = await self._send("POST", f"{self.base}/{name}:cancel", json={})
        if not answer.ok and answer.status != 404:
            raise gemini_error(answer, self.model, "operations.cancel")


def _operation_error(error: dict[str, Any]) -> ProviderError:
    """A finished operation's google.rpc.Status as a provider error."""
    code = error.get("code")
    message = shorten(error.get("message")) or "no details"
    if code in _RETRYABLE_CODES:
        return ProviderRetryableError(f"Veo could not make the video now ({_RETRYABLE_CODES[code]}): {message}")
    if code in _REFUSED_CODES and "safety" in message.lower():
        return ProviderRejected(f"Veo refused the video: {message}")
    name = _REFUSED_CODES.get(code, str(code)) if isinstance(code, int) else "UNKNOWN"
    return ProviderError(f"Veo could not make the video ({name}): {message}", retryable=False, code="provider_failed")
