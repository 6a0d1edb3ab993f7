"""The editor's live preview matches what the server makes: the real SPA's editor (frontend/src/features/assets/
adjust.ts, running in Chromium on a canvas) previews each adjustment of a test image, and the API applies the same
adjustment with Pillow and numpy (api/assets/editor.py). The two images may differ by less than 2/255 mean absolute
error per adjustment (acceptance 4); the measured error is printed."""

from __future__ import annotations

import base64
import io
import json
import uuid
from typing import Any

import httpx
import numpy as np
from PIL import Image

from api.core.config import Settings
from api.core.db import create_engine, create_sessionmaker
from api.core.storage import asset_key, create_storage
from api.models import Asset, AssetType
from tests.e2e.conftest import screenshot_path
from tests.helpers import unique_email

# One value per adjustment, well inside its range and large enough to change every pixel.
ADJUSTMENTS = {
    "exposure": 0.6,
    "brightness": -0.2,
    "contrast": 0.45,
    "saturation": -0.55,
    "warmth": 0.7,
    "sharpness": 1.4,
}
LIMIT = 2.0  # mean absolute error, in 0..255 units


def card_image(width: int = 384, height: int = 288) -> bytes:
    """Gradients in every channel, hard edges and fine noise: each adjustment (sharpening too) has work to do."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    red = x / (width - 1) * 255
    green = y / (height - 1) * 255
    blue = (np.sin(x / 17) * np.cos(y / 11) * 0.5 + 0.5) * 255
    image = np.stack([red, green, blue], axis=2)
    checker = ((x // 24 + y // 24) % 2 == 0)[..., None]
    image = np.where(checker & (y < height / 3)[..., None], 255 - image, image)
    noise = np.random.default_rng(9).integers(-24, 25, image.shape)
    pixels = np.clip(image + noise, 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(out, "PNG")
    return out.getvalue()


async def _store_asset(settings: Settings, organization_id: uuid.UUID, data: bytes) -> uuid.UUID:
    """An image asset of the workspace, stored the way the generation worker stores one."""
    with Image.open(io.BytesIO(data)) as opened:
        width, height = opened.size
    asset_id = uuid.uuid4()
    original = asset_key(organization_id, asset_id, "original", "png")
    preview = asset_key(organization_id, asset_id, "preview", "webp")
    storage = create_storage(settings)
    engine = create_engine(settings.database_url, pool_size=1, max_overflow=0)
    try:
        await storage.put(original, data, content_type="image/png")
        await storage.put(preview, data, content_type="image/webp")
        async with create_sessionmaker(engine)() as session:
            session.add(
                Asset(
                    id=asset_id,
                    organization_id=organization_id,
                    type=AssetType.image,
                    original_key=original,
                    preview_key=preview,
                    content_type="image/png",
                    width=width,
                    height=height,
                    size_bytes=len(data),
                    prompt="A test card for the editor",
                    settings={},
                    scene_type="studio",
                    aspect_ratio="4:3",
                    quality="1k",
                    provider="local",
                    model="epox-local-1",
                    seed=7,
                    credits_charged=0,
                )
            )
            await session.commit()
    finally:
        await engine.dispose()
        await storage.aclose()
    return asset_id


async def _api(page, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """The API as the signed-in browser calls it (its session cookie and CSRF token)."""
    cookies = {cookie["name"]: cookie["value"] for cookie in await page.context.cookies()}
    response = await page.request.fetch(
        f"/api/v1{path}",
        method=method,
        headers={"X-CSRF-Token": cookies.get("epox_csrf", ""), "Content-Type": "application/json"},
        data=json.dumps(body) if body is not None else None,
    )
    assert response.ok, f"{method} {path}: {response.status} {await response.text()}"
    return await response.json()


def _rgb(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as opened:
        return np.asarray(opened.convert("RGB"), dtype=np.float64)


async def test_live_preview_matches_the_server_for_every_adjustment(
    page, live_server: str, live_settings: Settings
) -> None:
    await page.goto("/signup")
    await page.get_by_label("Your name").fill("Noor Haddad")
    await page.get_by_label("Work email").fill(unique_email("editor"))
    await page.get_by_label("Password").fill("a lamp in the morning light")
    await page.get_by_role("button", name="Create account").click()
    await page.get_by_role("heading", name="Welcome", exact=False).wait_for()
    organization = await _api(page, "GET", "/organization")
    asset_id = await _store_asset(live_settings, uuid.UUID(organization["id"]), card_image())

    # The editor, opened from the asset's preview, on its Adjust tool.
    await page.goto("/assets")
    await page.get_by_role("list", name="Assets").get_by_role("button", name="Open", exact=False).first.click()
    await page.get_by_role("dialog").get_by_role("button", name="Edit", exact=True).click()
    editor = page.get_by_role("dialog", name="Edit image")
    await editor.get_by_role("button", name="Adjust", exact=True).click()
    preview = editor.get_by_role("img", name="Live preview")
    await preview.wait_for()

    errors: dict[str, float] = {}
    for name, value in ADJUSTMENTS.items():
        field = editor.get_by_label(f"{name.capitalize()} value")
        await field.fill(str(value))
        # The canvas says what it shows once it is drawn.
        await page.wait_for_function(
            "([canvas, want]) => canvas.dataset.rendered === want",
            arg=[await preview.element_handle(), "adjust:" + json.dumps({name: value}, separators=(",", ":"))],
        )
        data_url = await preview.evaluate("canvas => canvas.toDataURL('image/png')")
        previewed = _rgb(base64.b64decode(data_url.split(",", 1)[1]))
        if name == "sharpness":
            await page.screenshot(path=screenshot_path("editor-adjust"))

        made = await _api(page, "POST", f"/assets/{asset_id}/edits", {"operation": "adjust", "params": {name: value}})
        async with httpx.AsyncClient(base_url=live_server) as client:
            server = _rgb((await client.get(made["original_url"])).content)

        assert previewed.shape == server.shape, (name, previewed.shape, server.shape)
        errors[name] = float(np.abs(previewed - server).mean())
        print(f"{name} {value:+}: preview vs server mean absolute error {errors[name]:.4f} / 255")
        await field.fill("0")  # one adjustment at a time

    for name, error in errors.items():
        assert error < LIMIT, f"{name}: the preview differs from the server by {error:.3f}/255 on average"
