"""Video edits are new revisions and free (acceptance 3): a trim of [1.0 s, 3.5 s] is 2.5 s within a frame, a
reframe from 16:9 to 9:16 keeps the focus point in frame, a mute drops only the sound, and the original's row and
file never change. Edits the clip cannot take are refused with clear problems before any job starts."""

from __future__ import annotations

import hashlib
import io
import uuid
from fractions import Fraction
from typing import Any

import av
import numpy as np
from fastapi import FastAPI
from sqlalchemy import func, select

from api.core.storage import asset_key
from api.models import Asset, AssetType, Job
from sandbox.video_providers import render_clip
from tests.helpers import Browser, assert_problem, signup
from tests.video.helpers import frames_rgb, inspect_mp4, run_video_edit, stored

RED = (230, 30, 30)


def marked_clip(width: int = 1280, height: int = 720, seconds: int = 4, fps: int = 24) -> bytes:
    """Grey frames with a red square at 80% of the width, half the height: the point a reframe must keep."""
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(seconds * fps):
            picture = np.full((height, width, 3), 120, dtype=np.uint8)
            cx, cy = int(0.8 * width), height // 2
            picture[cy - 24 : cy + 24, cx - 24 : cx + 24] = RED
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, fps)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


async def video_asset(app: FastAPI, client: Browser, data: bytes, *, has_audio: bool = False) -> str:
    """A clip stored and recorded the way the video worker stores one."""
    me = (await client.get("/me")).json()
    organization_id = uuid.UUID(me["organization"]["id"])
    info = inspect_mp4(data)
    asset_id = uuid.uuid4()
    original = asset_key(organization_id, asset_id, "original", "mp4")
    poster = asset_key(organization_id, asset_id, "preview", "webp")
    await app.state.storage.put(original, data, content_type="video/mp4")
    await app.state.storage.put(poster, b"RIFF0000WEBP", content_type="image/webp")
    async with app.state.sessionmaker() as session:
        session.add(
            Asset(
                id=asset_id,
                organization_id=organization_id,
                type=AssetType.video,
                original_key=original,
                preview_key=poster,
                content_type="video/mp4",
                width=info.width,
                height=info.height,
                duration_ms=round(info.duration_s * 1000),
                fps=info.fps,
                codec=info.codec,
                has_audio=has_audio,
                size_bytes=len(data),
                prompt="a chair",
                settings={},
                scene_type="studio",
                aspect_ratio="16:9",
                quality="720p",
                provider="local",
                model="epox-local-video-1",
                seed=7,
                credits_charged=5,
            )
        )
        await session.commit()
    return str(asset_id)


async def edit(app: FastAPI, client: Browser, asset_id: str, operation: str, **params: Any) -> dict[str, Any]:
    response = await client.post(f"/assets/{asset_id}/edits", json={"operation": operation, "params": params})
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["credits_held"] == 0
    await run_video_edit(app, job["job"]["id"])
    finished = (await client.get(f"/jobs/{job['job']['id']}")).json()
    assert finished["status"] == "succeeded", finished
    result: dict[str, Any] = (await client.get(f"/assets/{finished['result']['asset_id']}")).json()
    return result


async def test_trim_reframe_and_mute_make_free_revisions_and_leave_the_original_intact(
    app: FastAPI, browser: Browser
) -> None:
    await signup(browser)
    source = marked_clip()
    asset_id = await video_asset(app, browser, source)
    before = (await browser.get(f"/assets/{asset_id}")).json()
    balance = (await browser.get("/credits/balance")).json()["available"]

    trimmed = await edit(app, browser, asset_id, "trim", start_s=1.0, end_s=3.5)
    clip = inspect_mp4(await stored(app, trimmed["original_url"]))
    assert abs(clip.duration_s - 2.5) <= 1 / 24
    assert clip.frames == 60
    assert clip.moov_first
    assert trimmed["duration_ms"] == 2500
    assert (trimmed["parent_id"], trimmed["edit"]["operation"]) == (asset_id, "trim")
    assert trimmed["credits_charged"] == 0

    reframed = await edit(app, browser, asset_id, "reframe", aspect="9:16", focus_x=0.8, focus_y=0.5)
    assert (reframed["width"], reframed["height"], reframed["aspect_ratio"]) == (404, 720, "9:16")
    for picture in frames_rgb(await stored(app, reframed["original_url"]))[::24]:
        red = (picture[..., 0] > 180) & (picture[..., 1] < 90) & (picture[..., 2] < 90)
        assert red.sum() > 1500, "the focus point (the red square) stays in frame"

    after = (await browser.get(f"/assets/{asset_id}")).json()
    assert {k: v for k, v in after.items() if not k.endswith("_url")} == {
        k: v for k, v in before.items() if not k.endswith("_url")
    }
    assert hashlib.sha256(await stored(app, after["original_url"])).digest() == hashlib.sha256(source).digest()
    assert (await browser.get("/credits/balance")).json()["available"] == balance
    revisions = (await browser.get(f"/assets/{asset_id}/revisions")).json()
    assert {item["id"] for item in revisions["items"]} == {asset_id, trimmed["id"], reframed["id"]}


async def test_mute_drops_the_sound_and_keeps_the_picture(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    source = render_clip(None, 640, 360, 3, 24, audio=True)
    asset_id = await video_asset(app, browser, source, has_audio=True)
    muted = await edit(app, browser, asset_id, "mute")
    data = await stored(app, muted["original_url"])
    clip = inspect_mp4(data)
    assert clip.has_audio is False
    assert muted["has_audio"] is False
    assert clip.frames == 72
    assert clip.moov_first
    trimmed = await edit(app, browser, asset_id, "trim", start_s=0.5, end_s=2.0)
    with av.open(io.BytesIO(await stored(app, trimmed["original_url"]))) as container:
        sound = container.streams.audio[0]
        seconds = sum(frame.samples for frame in container.decode(sound)) / sound.rate
    assert abs(seconds - 1.5) < 0.05, "the sound is cut with the picture"


async def test_edits_a_clip_cannot_take_are_refused(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    asset_id = await video_asset(app, browser, marked_clip(seconds=4))
    cases = [
        ("trim", {"start_s": 3.5, "end_s": 4.8}, "params.end_s"),
        ("trim", {"start_s": 1.0, "end_s": 1.5}, "params"),
        ("reframe", {"aspect": "16:9"}, "params.aspect"),
        ("reframe", {"aspect": "4:3"}, "params.aspect"),
        ("reframe", {"aspect": "9:16", "focus_x": 1.5}, "params.focus_x"),
        ("mute", {}, "operation"),
        ("crop", {"aspect": "1:1"}, "operation"),
    ]
    for operation, params, field in cases:
        response = await browser.post(f"/assets/{asset_id}/edits", json={"operation": operation, "params": params})
        body = assert_problem(response, 422, "invalid_edit")
        assert body["errors"][0]["field"] == field, body
    async with app.state.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Job)) == 0
