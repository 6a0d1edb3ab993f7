"""Video jobs from the API to the stored clip (acceptance 1 and 2): the local provider's MP4 is H.264, yuv420p,
the requested size, frame count and length, with its index first; a clip holds 8 credits at 1080p (5 at 720p),
captures them only on delivery, releases them when the render fails, and a short balance gets 402 with the
amounts."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import func, select

from api.credits.service import CreditLedgerService
from api.generation.providers.base import ProviderRejected
from api.generation.providers.local_video import LocalVideoProvider
from api.generation.video import VideoPolicy, VideoRequest
from api.models import Asset, Job, ProviderCall
from sandbox.server import serve
from sandbox.video_providers import VeoSandbox
from tests.helpers import Browser, assert_problem, new_browser, signup, worker_ctx
from tests.video.helpers import inspect_mp4, product, run_video_job, start_video, stored
from workers.generation import generate_images

TRIAL_CREDITS = 10
FAST = VideoPolicy(operation_timeout=30.0, poll_interval=0.02, max_poll=0.1, heartbeat_every=0.05)


@pytest.fixture(scope="module")
def veo_server() -> Iterator[VeoSandbox]:
    with serve(VeoSandbox()) as sandbox:
        yield sandbox


@pytest.fixture
def veo(veo_server: VeoSandbox) -> Iterator[VeoSandbox]:
    yield veo_server
    veo_server.reset()


def configure_veo(app: FastAPI, monkeypatch: pytest.MonkeyPatch, veo: VeoSandbox) -> None:
    """The app's Gemini key and base URL pointed at the Veo sandbox (its storage may be fetched on loopback)."""
    settings = app.state.settings
    monkeypatch.setattr(settings, "gemini_api_key", SecretStr(veo.api_key))
    monkeypatch.setattr(settings, "gemini_api_base_url", veo.base_url)
    monkeypatch.setattr(settings, "fetch_allowed_prefixes", [f"{veo.base_url}/storage/"])


async def _count(app: FastAPI, model: type, *where: object) -> int:
    async with app.state.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


async def _verify(app: FastAPI) -> None:
    async with app.state.sessionmaker() as session:
        _, differences = await CreditLedgerService(session).verify()
    assert differences == []


async def _balance(client: Browser) -> int:
    return int((await client.get("/credits/balance")).json()["available"])


@pytest.mark.parametrize(("aspect", "size"), [("16:9", (1920, 1080)), ("9:16", (1080, 1920)), ("1:1", (1080, 1080))])
async def test_local_1080p_six_seconds_at_30_fps_is_h264_yuv420p_with_the_index_first(
    app: FastAPI, browser: Browser, aspect: str, size: tuple[int, int]
) -> None:
    await signup(browser)
    product_id = await product(browser)
    settings = {"aspect_ratio": aspect, "resolution": "1080p", "duration_s": 6, "fps": 30, "camera_motion": "parallax"}
    quote = await browser.post(
        "/generations/quote", json={"type": "video", "product_ids": [product_id], "settings": settings}
    )
    assert quote.status_code == 200, quote.text
    assert quote.json()["credits"] == 8
    assert quote.json()["breakdown"][0]["variant"] == "1080p"
    started = await start_video(browser, product_ids=[product_id], settings=settings)
    assert started["credits_held"] == 8
    assert started["job"]["kind"] == "video"
    assert await _balance(browser) == TRIAL_CREDITS - 8

    await run_video_job(app, started["job"]["id"])

    done = (await browser.get(f"/generations/{started['job']['id']}")).json()
    assert done["job"]["status"] == "succeeded", done
    assert done["job"]["result"] == {"delivered": 1, "failed": 0, "credits_charged": 8}
    assert await _balance(browser) == TRIAL_CREDITS - 8
    asset = (await browser.get(f"/assets/{done['items'][0]['asset_id']}")).json()
    assert asset["type"] == "video"
    assert (asset["width"], asset["height"]) == size
    assert asset["duration_ms"] == 6000
    assert (asset["fps"], asset["codec"], asset["has_audio"]) == (30.0, "h264", False)
    assert asset["content_type"] == "video/mp4"
    clip = inspect_mp4(await stored(app, asset["original_url"]))
    assert (clip.codec, clip.width, clip.height, clip.pixel_format) == ("h264", *size, "yuv420p")
    assert clip.frames == 180
    assert abs(clip.duration_s - 6.0) <= 1 / 30
    assert clip.moov_first, clip.atoms
    assert asset["size_bytes"] == len(await stored(app, asset["original_url"]))
    preview = inspect_mp4(await stored(app, asset["preview_video_url"]))
    assert min(preview.width, preview.height) == 360
    assert preview.frames == 180
    assert preview.moov_first
    poster = await stored(app, asset["poster_url"])
    assert poster[:4] == b"RIFF"
    assert poster[8:12] == b"WEBP"


async def test_a_merchant_with_7_credits_gets_402_with_the_amounts(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    product_id = await product(browser)
    spent = await browser.post("/generations", json={"product_ids": [product_id], "variants": 3})
    assert spent.status_code == 202, spent.text
    assert await _balance(browser) == 7
    settings = {"resolution": "1080p"}
    short = await browser.post(
        "/generations", json={"type": "video", "product_ids": [product_id], "settings": settings}
    )
    body = assert_problem(short, 402, "insufficient_credits")
    assert (body["required"], body["available"]) == (8, 7)
    cheaper = await start_video(browser, product_ids=[product_id], settings={"resolution": "720p", "duration_s": 3})
    assert cheaper["credits_held"] == 5


async def test_a_failed_render_releases_the_clips_credits(
    app: FastAPI, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    await signup(browser)
    product_id = await product(browser)

    async def refuse(self: object, request: VideoRequest, calls: list[object], heartbeat: object = None) -> None:
        raise ProviderRejected("The scene was refused.")

    monkeypatch.setattr(LocalVideoProvider, "generate_video", refuse)
    started = await start_video(browser, product_ids=[product_id], settings={"resolution": "1080p", "duration_s": 3})
    assert await _balance(browser) == TRIAL_CREDITS - 8
    await run_video_job(app, started["job"]["id"])
    done = (await browser.get(f"/generations/{started['job']['id']}")).json()
    assert done["job"]["result"] == {"delivered": 0, "failed": 1, "credits_charged": 0}
    assert (done["items"][0]["status"], done["items"][0]["error_code"]) == ("failed", "content_rejected")
    assert await _balance(browser) == TRIAL_CREDITS
    entries = (await browser.get("/credits/entries")).json()["items"]
    assert [e["type"] for e in entries if e["type"] in {"capture", "release"}] == ["release"]
    assert await _count(app, Asset) == 0
    await _verify(app)


async def test_bad_video_requests_are_refused_up_front(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    product_id = await product(browser)
    base = {"type": "video", "product_ids": [product_id]}
    cases = [
        ({"settings": {"duration_s": 11}}, "settings.duration_s"),
        ({"settings": {"duration_s": 2}}, "settings.duration_s"),
        ({"settings": {"fps": 25}}, "settings.fps"),
        ({"settings": {"camera_motion": "zoom"}}, "settings.camera_motion"),
        ({"settings": {"resolution": "4k"}}, "settings.resolution"),
        ({"settings": {"aspect_ratio": "4:3"}}, "settings.aspect_ratio"),
        ({"settings": {"quality": "2k"}}, "settings.quality"),
        ({"provider": "gemini"}, None),
    ]
    for extra, field in cases:
        response = await browser.post("/generations", json={**base, **extra})
        body = assert_problem(response, 422)
        if field is not None:
            assert body["errors"][0]["field"] == field, body
    image_with_duration = await browser.post(
        "/generations", json={"product_ids": [product_id], "settings": {"fps": 24}}
    )
    assert assert_problem(image_with_duration, 422)["errors"][0]["field"] == "settings.fps"
    # A source must be an image of this workspace.
    missing = await browser.post("/generations", json={"type": "video", "source_asset_id": str(uuid.uuid4())})
    assert_problem(missing, 404, "asset_not_found")
    assert await _balance(browser) == TRIAL_CREDITS
    assert await _count(app, Job) == 0


async def test_a_clip_of_another_workspaces_image_is_not_found(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    product_id = await product(browser)
    image_job = (await browser.post("/generations", json={"product_ids": [product_id]})).json()
    await generate_images(worker_ctx(app), image_job["job"]["id"])
    [image] = (await browser.get("/assets", params={"job_id": image_job["job"]["id"]})).json()["items"]
    async with new_browser(app) as other:
        await signup(other)
        response = await other.post("/generations", json={"type": "video", "source_asset_id": image["id"]})
        assert_problem(response, 404, "asset_not_found")
    # Its own workspace animates it: the local still is composed again in layers from its recipe.
    quote = await browser.post("/generations/quote", json={"type": "video", "source_asset_id": image["id"]})
    assert quote.json()["credits"] == 5
    started = await start_video(
        browser, source_asset_id=image["id"], settings={"duration_s": 3, "aspect_ratio": "1:1", "camera_motion": "pan"}
    )
    await run_video_job(app, started["job"]["id"])
    done = (await browser.get(f"/generations/{started['job']['id']}")).json()
    assert done["items"][0]["status"] == "succeeded", done
    clip = (await browser.get(f"/assets/{done['items'][0]['asset_id']}")).json()
    assert (clip["width"], clip["height"], clip["duration_ms"], clip["product_id"]) == (720, 720, 3000, product_id)
    video_source = await browser.post("/generations", json={"type": "video", "source_asset_id": clip["id"]})
    assert assert_problem(video_source, 422)["errors"][0]["field"] == "source_asset_id"


async def test_a_veo_clip_is_stored_index_first_with_its_sound_and_every_call_recorded(
    app: FastAPI, browser: Browser, monkeypatch: pytest.MonkeyPatch, veo: VeoSandbox
) -> None:
    configure_veo(app, monkeypatch, veo)
    await signup(browser)
    product_id = await product(browser)
    veo.polls_to_finish = 3
    settings = {"duration_s": 4, "aspect_ratio": "9:16", "camera_motion": "pull_out"}
    started = await start_video(browser, product_ids=[product_id], provider="gemini", settings=settings)
    await run_video_job(app, started["job"]["id"], video_policy=FAST)
    done = (await browser.get(f"/generations/{started['job']['id']}")).json()
    assert done["job"]["result"] == {"delivered": 1, "failed": 0, "credits_charged": 5}, done
    asset = (await browser.get(f"/assets/{done['items'][0]['asset_id']}")).json()
    assert (asset["width"], asset["height"], asset["fps"], asset["has_audio"]) == (720, 1280, 24.0, True)
    assert (asset["provider"], asset["model"]) == ("gemini", "veo-3.1-fast-generate-preview")
    clip = inspect_mp4(await stored(app, asset["original_url"]))
    assert clip.moov_first, "Veo's clip (index at the end) was remuxed index-first"
    assert "Camera: a slow, eased pull back" in veo.calls[0].body["instances"][0]["prompt"]
    async with app.state.sessionmaker() as session:
        operations = (await session.scalars(select(ProviderCall.operation).order_by(ProviderCall.created_at))).all()
        cost = await session.scalar(select(func.sum(ProviderCall.cost_micros)))
    assert operations.count("video.status") == 3
    assert {"video.submit", "video.download"} <= set(operations)
    assert cost == 4 * 150_000


async def test_a_veo_operation_that_times_out_fails_the_item_and_releases_its_credits(
    app: FastAPI, browser: Browser, monkeypatch: pytest.MonkeyPatch, veo: VeoSandbox
) -> None:
    configure_veo(app, monkeypatch, veo)
    await signup(browser)
    product_id = await product(browser)
    veo.never_finish = True
    started = await start_video(browser, product_ids=[product_id], provider="gemini", settings={"duration_s": 4})
    assert await _balance(browser) == TRIAL_CREDITS - 5
    policy = VideoPolicy(operation_timeout=0.5, poll_interval=0.05, max_poll=0.1, heartbeat_every=0.2)
    await run_video_job(app, started["job"]["id"], video_policy=policy)
    done = (await browser.get(f"/generations/{started['job']['id']}")).json()
    assert (done["items"][0]["status"], done["items"][0]["error_code"]) == ("failed", "provider_timeout")
    assert done["job"]["result"]["failed"] == 1
    assert await _balance(browser) == TRIAL_CREDITS
    assert len(veo.canceled) == 1
    assert await _count(app, ProviderCall, ProviderCall.operation == "video.cancel") == 1
    await _verify(app)
