"""What the hosted adapters (gemini, openai, fal) share: one HTTP exchange under the provider deadline with a cap
on the answer's size, the transport and status errors every vendor has in common, Retry-After parsing, and the
check that the bytes that came back really are an image.

Nothing here logs: requests carry API keys in headers, and vendor messages can echo parts of a key back, so an
error message built here holds our own words plus, for non-auth failures, the vendor's message cut short.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import io
import json
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Final

import httpx
from PIL import Image

from api.core.config import Settings
from api.generation.providers.base import (
    ImageRequest,
    ProviderError,
    ProviderMisconfigured,
    ProviderRetryableError,
)

IMAGE_FORMATS: Final = frozenset({"PNG", "JPEG", "WEBP"})
# Hosted models take 32-bit seeds at most (Gemini's is an int32); ours go up to 2**63, so they are folded.
SEED_RANGE: Final = 2**31
MAX_VENDOR_MESSAGE: Final = 300  # error text ends up on the item and in front of the merchant
JSON_OVERHEAD: Final = 1_048_576  # room beside the base64 image in a JSON answer


@dataclass(frozen=True)
class Answer:
    status: int
    headers: httpx.Headers
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object; anything else is a malformed answer."""
        try:
            data = json.loads(self.body)
        except ValueError as exc:
            raise malformed("the body is not JSON") from exc
        if not isinstance(data, dict):
            raise malformed("the body is not a JSON object")
        return data

    def error_body(self) -> dict[str, Any]:
        """An error answer's JSON object, or {} (proxies and load balancers answer HTML)."""
        try:
            data = json.loads(self.body)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}


class ProviderHttp:
    """One adapter's HTTP side: the deadline and size cap from Settings, and transport errors as ProviderErrors."""

    def __init__(self, settings: Settings, vendor: str) -> None:
        self.vendor = vendor
        self.timeout = settings.provider_timeout_seconds
        # Images come back base64-encoded inside JSON: 4/3 of the largest image we accept, plus the envelope.
        self.max_bytes = settings.generated_image_max_bytes * 4 // 3 + JSON_OVERHEAD

    @asynccontextmanager
    async def deadline(self) -> AsyncIterator[None]:
        """One deadline for the whole call (the request, and any download after it), ending in a retryable
        `provider_timeout`: the worker's own `wait_for` has the same budget and the same outcome, this one keeps
        the adapter safe to call without it."""
        try:
            async with asyncio.timeout(self.timeout):
                yield
        except TimeoutError as exc:
            raise ProviderRetryableError(
                f"{self.vendor} did not answer within {self.timeout:g} seconds.", code="provider_timeout"
            ) from exc

    async def send(self, method: str, url: str, **kwargs: Any) -> Answer:
        """One request; the answer is read up to `max_bytes` whatever its status."""
        try:
            # No redirects: an API that redirects a POST is not one to follow with our key. A proxy from the
            # environment (HTTPS_PROXY) is honoured, as the vendors' own SDKs do.
            async with (
                httpx.AsyncClient(timeout=self.timeout, follow_redirects=False) as client,
                client.stream(method, url, **kwargs) as response,
            ):
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise ProviderError(
                            f"{self.vendor} answered more than {self.max_bytes // 1_048_576} MB.",
                            retryable=False,
                            code="response_too_large",
                        )
                return Answer(response.status_code, response.headers, bytes(body))
        except httpx.TimeoutException as exc:
            raise ProviderRetryableError(f"{self.vendor} did not answer in time.", code="provider_timeout") from exc
        except httpx.TransportError as exc:
            raise ProviderRetryableError(f"{self.vendor} could not be reached.", code="provider_unreachable") from exc


def status_error(vendor: str, answer: Answer, message: str, *, retry_after: float | None = None) -> ProviderError:
    """The error for a failed answer no vendor-specific rule claimed: auth problems need an operator, rate
    limits and server errors pass with time, anything else (a 4xx about our request) will fail again."""
    if answer.status in (401, 403):
        # Never the vendor's text here: auth errors can quote part of the key.
        return ProviderMisconfigured(f"{vendor} refused the API key (HTTP {answer.status}); check its configuration.")
    detail = f"{vendor} answered HTTP {answer.status}: {shorten(message) or 'no details'}"
    if answer.status == 429:
        return ProviderRetryableError(detail, code="rate_limited", retry_after=retry_after or parse_retry_after(answer))
    if answer.status == 408 or answer.status >= 500:
        return ProviderRetryableError(detail, retry_after=retry_after or parse_retry_after(answer))
    return ProviderError(detail, retryable=False, code="provider_bad_request")


def parse_retry_after(answer: Answer) -> float | None:
    """Seconds to wait from `retry-after-ms` (OpenAI) or `Retry-After` (seconds or an HTTP date)."""
    headers = answer.headers
    milliseconds = _number(headers.get("retry-after-ms"))
    if milliseconds is not None:
        return milliseconds / 1000
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _number(value)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _number(value: str | None) -> float | None:
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and number >= 0 else None


def shorten(message: object) -> str:
    text = " ".join(str(message).split()) if message else ""
    return text if len(text) <= MAX_VENDOR_MESSAGE else text[: MAX_VENDOR_MESSAGE - 1] + "…"


def malformed(detail: str) -> ProviderError:
    """An answer we cannot use. Not retried: a vendor that answers out of contract will most likely do it again,
    and every attempt may be billed."""
    return ProviderError(f"The provider's answer is malformed: {detail}.", retryable=False, code="malformed_response")


def pick(data: Mapping[str, Any], *path: str | int) -> Any:
    """`data[path[0]][path[1]]...`, or a malformed-answer error naming the first missing step."""
    current: Any = data
    for step in path:
        try:
            current = current[step]
        except (KeyError, IndexError, TypeError) as exc:
            raise malformed(f"no {'.'.join(str(s) for s in path)}") from exc
    return current


def decode_base64(data: object) -> bytes:
    if not isinstance(data, str) or not data:
        raise malformed("the image data is not a base64 string")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise malformed("the image data is not valid base64") from exc


def data_uri(image: bytes) -> str:
    return f"data:{image_mime_type(image)};base64,{base64.b64encode(image).decode('ascii')}"


def image_mime_type(image: bytes) -> str:
    """The type of an input image from its magic bytes (our stored originals are JPEG, PNG or WebP)."""
    if image.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if image.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if image[:4] == b"RIFF" and image[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


def image_size(image: bytes) -> tuple[int, int]:
    """Width and height of a returned image, after checking it is a whole PNG, JPEG or WebP (CPU-bound: run it
    in a thread). The worker decodes it fully later; this catches the answers that are not images at all."""
    try:
        with Image.open(io.BytesIO(image)) as opened:
            kind, size = opened.format, opened.size
            opened.verify()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise malformed("the returned bytes are not a readable image") from exc
    if kind not in IMAGE_FORMATS:
        raise malformed(f"the returned image is {kind}, not PNG, JPEG or WebP")
    return size


async def checked_size(image: bytes) -> tuple[int, int]:
    return await asyncio.to_thread(image_size, image)


def provider_seed(request: ImageRequest) -> int:
    return provider_seed_value(request.seed)


def provider_seed_value(seed: int) -> int:
    return seed % SEED_RANGE


def elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
