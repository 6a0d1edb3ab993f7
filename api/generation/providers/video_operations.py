"""What the hosted video adapters (Veo, fal) share: long-running operations.

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
from collections.abc import Awaitable, Callable
from typing import Final, TypeVar

from api.core.config import Settings
from api.generation.providers.base import ProviderError, ProviderRetryableError
from api.generation.providers.http import ProviderHttp, elapsed_ms, malformed
from api.generation.video import Heartbeat, VendorCall, VideoPolicy, looks_like_mp4

T = TypeVar("T")

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
