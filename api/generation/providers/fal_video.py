"""A hosted image-to-video model on fal (ByteDance Seedance 1.0 Pro) through fal's queue API.

1. `POST {queue}/{model id}` with the model's input (prompt, the first frame as a data URI in `image_url`,
   aspect_ratio, resolution, duration, camera_fixed, seed); the answer names the request (`request_id`) and
   its `status_url`, `response_url` and `cancel_url`.
2. `GET status_url` until `status` is `COMPLETED` (before that `IN_QUEUE` with a `queue_position`, or
   `IN_PROGRESS`).
3. `GET response_url`: the model's output, `{"video": {"url", "content_type", ...}, "seed"}`, or the model's
   error (FastAPI-style `detail`, e.g. a content-policy refusal).
4. The video URL (fal's CDN, a URL someone else chose) is downloaded through the SSRF-safe fetcher.
5. On cancel or timeout: `PUT cancel_url`.

The key travels only to the queue's own host: status, result and cancel URLs that point elsewhere are refused
as malformed. The queue lives on its own host (`queue.fal.run`) beside the synchronous one (`fal.run`); a base
URL that is not fal's own (the loopback sandbox) serves both.

Seedance makes 16:9, 9:16 and 1:1 (no 4:5) at 720p or 1080p, 3 to 10 seconds here, at 24 fps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

from api.core.config import Settings
from api.generation.providers.fal import VENDOR, fal_error
from api.generation.providers.http import Answer, data_uri, malformed, pick, provider_seed_value, shorten
from api.generation.providers.video_operations import LongRunningVideoProvider, recorded
from api.generation.video import CAMERA_MOTIONS, VendorCall, VideoCapabilities, VideoPolicy, VideoRequest

MODEL: Final = "fal-ai/bytedance/seedance/v1/pro/image-to-video"
# Price in micro-dollars: an ESTIMATE from the model's fal page, $2.50 per million video tokens, where tokens are
# width x height x 24 fps x seconds / 1024 (about $0.62 for 5 s of 1080p).
PRICE_PER_MILLION_TOKENS_MICROS: Final = 2_500_000
OUTPUT_FPS: Final = 24
CAPABILITIES: Final = VideoCapabilities(
    aspect_ratios=frozenset({"16:9", "9:16", "1:1"}),
    resolutions=frozenset({"720p", "1080p"}),
    durations=frozenset(range(3, 11)),
    frame_rates=frozenset({OUTPUT_FPS}),
    camera_motions=frozenset(CAMERA_MOTIONS),
)


def queue_base_url(run_base_url: str) -> str:
    """fal's queue host beside its run host (`https://fal.run` -> `https://queue.fal.run`); another base (the
    sandbox) serves the queue itself."""
    parts = urlsplit(run_base_url.rstrip("/"))
    if parts.hostname == "fal.run":
        return urlunsplit((parts.scheme, "queue.fal.run", parts.path, "", ""))
    return run_base_url.rstrip("/")


@dataclass(frozen=True)
class QueuedRequest:
    request_id: str
    status_url: str
    response_url: str
    cancel_url: str


class FalVideoProvider(LongRunningVideoProvider[QueuedRequest, bool]):
    name = "fal"
    vendor = VENDOR
    maker = "fal"
    model = MODEL
    video_capabilities = CAPABILITIES

    def __init__(self, settings: Settings, policy: VideoPolicy) -> None:
        super().__init__(settings, policy, key=settings.fal_api_key)
        self.queue = queue_base_url(settings.fal_api_base_url)

    @staticmethod
    def price_micros(request: VideoRequest) -> int:
        width, height = request.options.size
        tokens = width * height * OUTPUT_FPS * request.options.duration_s / 1024
        return round(tokens * PRICE_PER_MILLION_TOKENS_MICROS / 1_000_000)

    def body(self, request: VideoRequest) -> dict[str, Any]:
        options = request.options
        return {
            "prompt": request.prompt,
            "image_url": data_uri(request.still),
            "aspect_ratio": options.aspect_ratio,
            "resolution": options.resolution,
            "duration": str(options.duration_s),
            # A static camera is the model's own switch; the other motions are asked for in the prompt.
            "camera_fixed": options.camera_motion == "static",
            "seed": provider_seed_value(request.seed),
            "enable_safety_checker": True,
        }

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Key {self._key.get_secret_value()}"}

    async def _send(self, method: str, url: str, **kwargs: Any) -> Answer:
        if not url.startswith(f"{self.queue}/"):
            raise malformed("fal named a URL outside its queue")
        async with self.http.deadline():
            return await self.http.send(method, url, headers=self._headers, **kwargs)

    async def _submit(self, request: VideoRequest) -> QueuedRequest:
        answer = await self._send("POST", f"{self.queue}/{self.model}", json=self.body(request))
        if not answer.ok:
            raise fal_error(answer, self.model)
        data = answer.json_object()
        fields = {name: data.get(name) for name in ("request_id", "status_url", "response_url", "cancel_url")}
        if not all(isinstance(value, str) and value for value in fields.values()):
            raise malformed("the queued request has no request_id and URLs")
        return QueuedRequest(**fields)  # type: ignore[arg-type]

    async def _status(self, queued: QueuedRequest) -> bool | None:
        answer = await self._send("GET", queued.status_url)
        if not answer.ok:
            raise fal_error(answer, self.model)
        status = answer.json_object().get("status")
        if status == "COMPLETED":
            return True
        if status in ("IN_QUEUE", "IN_PROGRESS"):
            return None
        raise malformed(f"unknown queue status {shorten(status)!r}")

    async def _clip_url(self, queued: QueuedRequest, done: bool, calls: list[VendorCall]) -> str:
        return await recorded(calls, "video.result", self.model, lambda: self._result(queued))

    async def _result(self, queued: QueuedRequest) -> str:
        answer = await self._send("GET", queued.response_url)
        if not answer.ok:
            raise fal_error(answer, self.model)
        url = pick(answer.json_object(), "video", "url")
        if not isinstance(url, str) or not url:
            raise malformed("video.url is not a URL")
        return url

    async def _cancel(self, queued: QueuedRequest) -> None:
        answer = await self._send("PUT", queued.cancel_url)
        # 400 ALREADY_COMPLETED: nothing left to cancel.
        if not answer.ok and answer.status != 400:
            raise fal_error(answer, self.model)
