"""The Veo and fal video adapters against loopback emulators of their vendors' long-running APIs
(sandbox/video_providers.py), acceptance 5: a clip delivered, a slow operation polled to completion, a 429 waited
out (on submit and while polling), a timeout that cancels the vendor's operation and fails without retrying, and
refusals and malformed answers mapped onto the errors the worker acts on. Every call is recorded."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from PIL import Image
from pydantic import SecretStr

from api.core.config import Settings
from api.generation.providers.base import ProviderError, ProviderRejected, UnsupportedOption
from api.generation.providers.fal_video import FalVideoProvider, queue_base_url
from api.generation.providers.gemini_video import GeminiVideoProvider
from api.generation.video import VendorCall, VideoOptions, VideoPolicy, VideoProvider, VideoRequest
from api.generation.video_media import probe
from sandbox.server import serve
from sandbox.video_providers import FalQueueSandbox, VeoSandbox

FAST = VideoPolicy(operation_timeout=20.0, poll_interval=0.02, poll_backoff=1.5, max_poll=0.1, heartbeat_every=0.05)


def _still() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 180), (180, 90, 40)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def veo_server() -> Iterator[VeoSandbox]:
    with serve(VeoSandbox()) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def fal_server() -> Iterator[FalQueueSandbox]:
    with serve(FalQueueSandbox()) as sandbox:
        yield sandbox


@pytest.fixture
def veo(veo_server: VeoSandbox) -> Iterator[VeoSandbox]:
    yield veo_server
    veo_server.reset()


@pytest.fixture
def fal(fal_server: FalQueueSandbox) -> Iterator[FalQueueSandbox]:
    yield fal_server
    fal_server.reset()


def _settings(veo: VeoSandbox, fal: FalQueueSandbox) -> Settings:
    return Settings(
        _env_file=None,
        env="test",
        provider_timeout_seconds=10.0,
        gemini_api_key=SecretStr(veo.api_key),
        gemini_api_base_url=veo.base_url,
        fal_api_key=SecretStr(fal.api_key),
        fal_api_base_url=fal.base_url,
        fetch_allowed_prefixes=[f"{veo.base_url}/storage/", f"{fal.base_url}/files/"],
    )


def _providers(veo: VeoSandbox, fal: FalQueueSandbox, policy: VideoPolicy = FAST) -> dict[str, VideoProvider]:
    settings = _settings(veo, fal)
    return {"gemini": GeminiVideoProvider(settings, policy), "fal": FalVideoProvider(settings, policy)}


REQUEST = VideoRequest(
    still=_still(),
    prompt="A slow push in towards the chair.",
    options=VideoOptions(aspect_ratio="16:9", resolution="720p", duration_s=4, fps=24, camera_motion="push_in"),
    seed=2**40 + 5,
)


@pytest.mark.parametrize("vendor", ["gemini", "fal"])
async def test_a_clip_is_submitted_polled_and_downloaded(vendor: str, veo: VeoSandbox, fal: FalQueueSandbox) -> None:
    provider = _providers(veo, fal)[vendor]
    calls: list[VendorCall] = []
    video = await provider.generate_video(REQUEST, calls)
    info = probe(video.mp4)
    assert (info.width, info.height, info.codec) == (1280, 720, "h264")
    assert abs(info.duration_s - 4.0) <= 1 / 24
    assert video.units == 4.0
    assert video.cost_micros > 0
    assert next(c.operation for c in calls) == "video.submit"
    assert calls[-1].operation == "video.download"
    assert calls[-1].cost_micros == video.cost_micros
    assert all(c.success for c in calls)
    body = (veo if vendor == "gemini" else fal).calls[0].body
    if vendor == "gemini":
        assert body["parameters"] == {
            "aspectRatio": "16:9",
            "resolution": "720p",
            "durationSeconds": 4,
            "sampleCount": 1,
            "seed": (2**40 + 5) % 2**32,
            "personGeneration": "allow_adult",
        }
        assert veo.downloads, "the file was fetched from storage after the API's redirect"
    else:
        assert (body["aspect_ratio"], body["resolution"], body["duration"], body["camera_fixed"]) == (
            "16:9",
            "720p",
            "4",
            False,
        )
        assert body["image_url"].startswith("data:image/png;base64,")


@pytest.mark.parametrize("vendor", ["gemini", "fal"])
async def test_a_slow_operation_is_polled_to_completion(vendor: str, veo: VeoSandbox, fal: FalQueueSandbox) -> None:
    sandbox = veo if vendor == "gemini" else fal
    sandbox.polls_to_finish = 6
    beats: list[int] = []

    async def heartbeat() -> None:
        beats.append(1)

    calls: list[VendorCall] = []
    await _providers(veo, fal)[vendor].generate_video(REQUEST, calls, heartbeat)
    assert sum(1 for c in calls if c.operation == "video.status") == 6
    assert beats, "the job's lease was renewed while waiting"


@pytest.mark.parametrize("vendor", ["gemini", "fal"])
async def test_429_is_waited_out_on_submit_and_while_polling(
    vendor: str, veo: VeoSandbox, fal: FalQueueSandbox
) -> None:
    sandbox = veo if vendor == "gemini" else fal
    sandbox.rate_limit_next, sandbox.retry_after = 1, 1
    provider = _providers(veo, fal)[vendor]
    with pytest.raises(ProviderError) as refused:
        await provider.generate_video(REQUEST, [])
    assert (refused.value.code, refused.value.retryable, refused.value.retry_after) == ("rate_limited", True, 1.0)
    # While polling: the status call is throttled, the loop waits Retry-After and polls again, never resubmits.
    sandbox.reset()
    sandbox.polls_to_finish = 2
    calls: list[VendorCall] = []
    original = sandbox._gate

    def throttle_first_status(request: object) -> None:
        polling = any(part in str(getattr(request, "url", "")) for part in ("status", "operations"))
        if polling and not any(c.operation == "video.status" and not c.success for c in calls):
            sandbox.rate_limit_next = 1
        original(request)  # type: ignore[arg-type]

    sandbox._gate = throttle_first_status  # type: ignore[method-assign]
    try:
        video = await provider.generate_video(REQUEST, calls)
    finally:
        sandbox._gate = original  # type: ignore[method-assign]
    assert video.mp4
    assert [c.error_code for c in calls if not c.success] == ["rate_limited"]
    assert sum(1 for c in calls if c.operation == "video.submit") == 1


@pytest.mark.parametrize("vendor", ["gemini", "fal"])
async def test_an_operation_past_its_deadline_is_canceled_and_fails_without_retry(
    vendor: str, veo: VeoSandbox, fal: FalQueueSandbox
) -> None:
    sandbox = veo if vendor == "gemini" else fal
    sandbox.never_finish = True
    policy = VideoPolicy(operation_timeout=0.4, poll_interval=0.02, max_poll=0.05, heartbeat_every=0.1)
    calls: list[VendorCall] = []
    with pytest.raises(ProviderError) as failed:
        await _providers(veo, fal, policy)[vendor].generate_video(REQUEST, calls)
    assert (failed.value.code, failed.value.retryable) == ("provider_timeout", False)
    assert len(sandbox.canceled) == 1
    assert calls[-1].operation == "video.cancel"


@pytest.mark.parametrize("vendor", ["gemini", "fal"])
async def test_refusals_and_malformed_results_are_not_retried(
    vendor: str, veo: VeoSandbox, fal: FalQueueSandbox
) -> None:
    sandbox = veo if vendor == "gemini" else fal
    provider = _providers(veo, fal)[vendor]
    sandbox.reject_next = 1
    with pytest.raises(ProviderRejected):
        await provider.generate_video(REQUEST, [])
    sandbox.malformed_next = 1
    with pytest.raises(ProviderError) as malformed:
        await provider.generate_video(REQUEST, [])
    assert (malformed.value.code, malformed.value.retryable) == ("malformed_response", False)


async def test_options_a_vendor_cannot_make_are_refused_before_any_call(veo: VeoSandbox, fal: FalQueueSandbox) -> None:
    providers = _providers(veo, fal)
    cases = [
        ("gemini", VideoOptions(aspect_ratio="1:1"), "settings.aspect_ratio"),
        ("gemini", VideoOptions(resolution="1080p", duration_s=6), "settings.duration_s"),
        ("gemini", VideoOptions(duration_s=4, fps=30), "settings.fps"),
        ("fal", VideoOptions(aspect_ratio="4:5"), "settings.aspect_ratio"),
    ]
    for vendor, options, field in cases:
        with pytest.raises(UnsupportedOption) as refused:
            await providers[vendor].generate_video(VideoRequest(still=_still(), options=options), [])
        assert refused.value.field == field
    assert veo.calls == []
    assert fal.calls == []


def test_the_queue_host_sits_beside_the_run_host() -> None:
    assert queue_base_url("https://fal.run") == "https://queue.fal.run"
    assert queue_base_url("http://127.0.0.1:9000/") == "http://127.0.0.1:9000"
