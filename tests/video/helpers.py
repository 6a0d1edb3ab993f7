"""What the video tests share: a product with a studio photo, a started video job run by the worker, reading
stored clips, and MP4 inspection with PyAV and the file's own atoms (no ffprobe needed)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import av
from fastapi import FastAPI
from PIL import Image, ImageDraw

from api.core.storage import LocalStorage
from api.generation.video_media import top_level_atoms
from tests.helpers import Browser, worker_ctx
from workers.generation import edit_video, generate_videos


def product_photo(color: tuple[int, int, int] = (40, 90, 160)) -> bytes:
    """A studio shot: a rounded bottle on a plain white background."""
    image = Image.new("RGB", (320, 320), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((120, 60, 200, 280), radius=30, fill=color)
    draw.rectangle((145, 30, 175, 70), fill=(30, 30, 30))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


async def product(client: Browser, name: str = "Bottle") -> str:
    response = await client.post("/products", json={"name": name})
    assert response.status_code == 201, response.text
    product_id = str(response.json()["id"])
    files = {"file": ("bottle.png", product_photo(), "image/png")}
    uploaded = await client.post(f"/products/{product_id}/images", files=files)
    assert uploaded.status_code == 201, uploaded.text
    return product_id


async def start_video(client: Browser, **body: Any) -> dict[str, Any]:
    response = await client.post("/generations", json={"type": "video", **body})
    assert response.status_code == 202, response.text
    result: dict[str, Any] = response.json()
    return result


def video_ctx(app: FastAPI, **extra: Any) -> dict[str, Any]:
    return {**worker_ctx(app), **extra}


async def run_video_job(app: FastAPI, job_id: str, **extra: Any) -> None:
    await generate_videos(video_ctx(app, **extra), job_id)


async def run_video_edit(app: FastAPI, job_id: str) -> None:
    await edit_video(video_ctx(app), job_id)


async def stored(app: FastAPI, url: str) -> bytes:
    """The bytes a signed local-storage URL serves (read straight from storage)."""
    storage = app.state.storage
    assert isinstance(storage, LocalStorage)
    key = url.split("/files/", 1)[1].split("?", 1)[0]
    return await storage.get(key)


@dataclass(frozen=True)
class Mp4:
    codec: str
    width: int
    height: int
    pixel_format: str
    frames: int
    fps: float
    duration_s: float
    has_audio: bool
    atoms: list[str]

    @property
    def moov_first(self) -> bool:
        return "moov" in self.atoms and "mdat" in self.atoms and self.atoms.index("moov") < self.atoms.index("mdat")


def inspect_mp4(data: bytes) -> Mp4:
    """The first video stream as a player sees it: codec, size, pixel format, decoded frame count and rate."""
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        rate = float(stream.average_rate or 0)
        return Mp4(
            codec=stream.codec_context.name,
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            pixel_format=stream.codec_context.format.name,
            frames=frames,
            fps=rate,
            duration_s=frames / rate,
            has_audio=bool(container.streams.audio),
            atoms=top_level_atoms(data),
        )


def frames_rgb(data: bytes) -> list[Any]:
    with av.open(io.BytesIO(data)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
