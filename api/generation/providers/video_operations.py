"""What the hosted video adapters (Veo, fal) share: long-running operations (`LongRunningVideoProvider`).

A clip takes minutes, so it is never one HTTP exchange: submit, then poll the operation's status with a growing
interval until it is done, then fetch the result and download the clip. Around that:

- every HTTP call is recorded as it happens (`recorded`), also the failed ones, for the ProviderCall rows;
- a status call that is throttled (429, honouring Retry-After) or fails transiently (5xx, timeout) is retried
  by the polling loop itself: the operation keeps running at the vendor, and submitting it again would pay twice;
- the whole operation has a deadline (`VideoPolicy.operation_timeout`); past it, or when the job is canceled
  (the heartbeat raises), the vendor's operation is canceled, best effort, and the error goes on;
- a timeout is not retried: a clip the vendor could not make in that time is reported as failed (and its credits
  released) rather than paid for again.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import ClassVar, Final, Generic, TypeVar

from pydantic import SecretStr

from api.core.config import Settings
from api.core.errors import EpoxError
from api.core.fetch import FetchPolicy, FetchTimedOut, FetchTooLarge, UrlNotAllowed, fetch_url
from api.generation.providers.base import ProviderError, ProviderRetryableError
from api.generation.providers.http import ProviderHttp, elapsed_ms, malformed
from api.generation.video import (
    GeneratedVideo,
    Heartbeat,
    VendorCall,
    VideoCapabilities,
    VideoPolicy,
    VideoRequest,
    looks_like_mp4,
    no_heartbeat,
    validate_video,
)

T = TypeVar("T")
Operation = TypeVar("Operation")  # how the vendor names a submitted operation
Done = TypeVar("Done")  # what its status says once the clip is made

MAX_VIDEO_BYTES: Final = 256 * 1_048_576  # a 10 s 1080p clip is 5-30 MB; the cap only stops a runaway answer


class VideoHttp(ProviderHttp):
    """ProviderHttp with room for a clip in one answer."""

    def __init__(self, settings: Settings, vendor: str) -> None:
        super().__init__(settings, vendor)
        self.max_bytes = MAX_VIDEO_BYTES


async def recorded(calls: list[VendorCall], operation: str, model: str, call: Callable[[], Awaitable[T]]) -> T:
    """Run one vendor call and record it (with the provider error's code when it fails)."""
    started = time.perf_counter()
    try:
        result = await call()
    except ProviderError as exc:
        calls.append(VendorCall(operation, model, elapsed_ms(started), success=False, error_code=exc.code))
        raise
    calls.append(VendorCall(operation, model, elapsed_ms(started)))
    return result


def operation_timeout(vendor: str, seconds: float) -> ProviderError:
    return ProviderError(
        f"{vendor} did not finish the video within {seconds:g} seconds; it was canceled and nothing is charged.",
        retryable=False,
        code="provider_timeout",
    )


async def wait_until_done(
    poll: Callable[[], Awaitable[T | None]],
    *,
    vendor: str,
    policy: VideoPolicy,
    heartbeat: Heartbeat,
    started: float,
) -> T:
    """Call `poll` (None: not done yet) with a growing interval until it answers, within the operation's deadline
    (counted from `started`, a `time.monotonic()`). Transient status failures wait and poll again."""
    deadline = started + policy.operation_timeout
    interval = policy.poll_interval
    last_beat = time.monotonic()
    while True:
        now = time.monotonic()
        if now >= deadline:
            raise operation_timeout(vendor, policy.operation_timeout)
        await asyncio.sleep(min(interval, deadline - now))
        if time.monotonic() - last_beat >= policy.heartbeat_every:
            await heartbeat()
            last_beat = time.monotonic()
        try:
            result = await poll()
        except ProviderRetryableError as exc:
            wait = exc.retry_after if exc.retry_after is not None else interval
            if wait > policy.max_retry_wait:
                raise
            # Wait out the throttle (at least what the vendor asked), then poll again.
            interval = max(wait, policy.poll_interval)
            continue
        if result is not None:
            return result
        interval = min(policy.max_poll, interval * policy.poll_backoff)


async def cancel_quietly(cancel: Callable[[], Awaitable[object]]) -> None:
    """Cancel the vendor's operation, never masking the error that made us cancel it."""
    try:
        await asyncio.shield(asyncio.wait_for(cancel(), 10))
    except (ProviderError, TimeoutError, asyncio.CancelledError):
        return


def checked_clip(data: bytes, vendor: str) -> bytes:
    """The downloaded bytes, if they at least start like an MP4 (the worker decodes them fully before storing)."""
    if not looks_like_mp4(data):
        raise malformed(f"{vendor}'s video is not an MP4 file")
    return data


class LongRunningVideoProvider(ABC, Generic[Operation, Done]):
    """A hosted image-to-video model: the operation's lifecycle (submit, poll, cancel on the way out, download,
    price), every step recorded as a VendorCall; each adapter says how its vendor is asked."""

    name: ClassVar[str]  # the provider's name in requests and ProviderCall rows
    vendor: ClassVar[str]  # how HTTP errors name the vendor (as its image adapter does)
    maker: ClassVar[str]  # how messages about the clip name who makes it ("Veo", "fal")
    model: ClassVar[str]
    video_capabilities: ClassVar[VideoCapabilities]

    def __init__(self, settings: Settings, policy: VideoPolicy, *, key: SecretStr | None) -> None:
        assert key is not None, f"the registry offers {self.name} only with a key"
        self._key = key
        self.http = VideoHttp(settings, self.vendor)
        self.fetch_policy = FetchPolicy.from_settings(settings)
        self.policy = policy

    async def generate_video(
        self, request: VideoRequest, calls: list[VendorCall], heartbeat: Heartbeat = no_heartbeat
    ) -> GeneratedVideo:
        validate_video(request.options, self.video_capabilities, self.name)
        started, clock = time.perf_counter(), time.monotonic()
        operation = await recorded(calls, "video.submit", self.model, lambda: self._submit(request))
        try:
            done = await wait_until_done(
                lambda: recorded(calls, "video.status", self.model, lambda: self._status(operation)),
                vendor=self.vendor,
                policy=self.policy,
                heartbeat=heartbeat,
                started=clock,
            )
        except BaseException:
            await cancel_quietly(lambda: recorded(calls, "video.cancel", self.model, lambda: self._cancel(operation)))
            raise
        url = await self._clip_url(operation, done, calls)
        clip = await recorded(calls, "video.download", self.model, lambda: self._download(url))
        seconds = float(request.options.duration_s)
        cost = self.price_micros(request)
        # The clip is what the vendor bills: its seconds and price go on the call that delivered it.
        calls[-1] = replace(calls[-1], units=seconds, cost_micros=cost)
        return GeneratedVideo(
            mp4=clip,
            model=self.model,
            units=seconds,
            cost_micros=cost,
            duration_ms=round((time.perf_counter() - started) * 1000),
        )

    @staticmethod
    @abstractmethod
    def price_micros(request: VideoRequest) -> int:
        """What the vendor charges for this clip, in micro-dollars."""

    @abstractmethod
    async def _submit(self, request: VideoRequest) -> Operation: ...

    @abstractmethod
    async def _status(self, operation: Operation) -> Done | None:
        """None while the operation runs."""

    @abstractmethod
    async def _cancel(self, operation: Operation) -> None: ...

    @abstractmethod
    async def _clip_url(self, operation: Operation, done: Done, calls: list[VendorCall]) -> str:
        """Where the finished clip is downloaded from (any call made for it recorded in `calls`)."""

    async def _download(self, url: str) -> bytes:
        """The clip's bytes, checked to be an MP4: from storage the vendor named (a URL someone else chose),
        through the SSRF-safe fetcher, never with our key."""
        try:
            fetched = await fetch_url(
                url, self.fetch_policy, max_bytes=MAX_VIDEO_BYTES, accept=("video/", "application/octet-stream")
            )
        except FetchTimedOut as exc:
            raise ProviderRetryableError(f"{self.maker}'s video download timed out.", code="provider_timeout") from exc
        except FetchTooLarge as exc:
            raise ProviderError(
                f"{self.maker}'s video is larger than we accept.", retryable=False, code="response_too_large"
            ) from exc
        except UrlNotAllowed as exc:
            raise malformed(f"the video URL cannot be downloaded ({exc.detail})") from exc
        except EpoxError as exc:
            raise ProviderRetryableError(f"{self.maker}'s video download failed: {exc.detail}") from exc
        return checked_clip(fetched.body, self.vendor)
