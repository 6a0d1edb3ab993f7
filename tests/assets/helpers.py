"""Assets made the way the generation worker makes them (stored files + a row), and small readers."""

from __future__ import annotations

import io
import uuid
from typing import Any

from fastapi import FastAPI
from PIL import Image
from sqlalchemy import func, select

from api.core.storage import asset_key
from api.credits.service import CreditLedgerService
from api.models import Asset, AssetType
from tests.generation.test_generation_jobs import product_photo
from tests.helpers import Browser


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def gradient(width: int = 320, height: int = 240) -> bytes:
    """A colourful image whose every pixel differs from its neighbours (so crops and flips are visible)."""
    x = Image.linear_gradient("L").resize((width, height))
    y = Image.linear_gradient("L").rotate(90).resize((width, height))
    return png(Image.merge("RGB", (x, y, Image.new("L", (width, height), 90))))


async def organization_id(client: Browser) -> uuid.UUID:
    return uuid.UUID((await client.get("/organization")).json()["id"])


def asset_row(organization: uuid.UUID, asset_id: uuid.UUID | None = None, **fields: Any) -> Asset:
    """An image asset row as the generation worker writes it (files not stored); `fields` override the defaults."""
    asset_id = asset_id or uuid.uuid4()
    defaults: dict[str, Any] = {
        "type": AssetType.image,
        "original_key": asset_key(organization, asset_id, "original", "png"),
        "preview_key": asset_key(organization, asset_id, "preview", "webp"),
        "content_type": "image/png",
        "width": 8,
        "height": 8,
        "size_bytes": 1,
        "prompt": "",
        "settings": {},
        "scene_type": "studio",
        "aspect_ratio": "1:1",
        "quality": "1k",
        "provider": "local",
        "model": "epox-local-1",
        "seed": 1,
        "credits_charged": 1,
    }
    return Asset(id=asset_id, organization_id=organization, **{**defaults, **fields})


async def make_asset(
    app: FastAPI,
    organization: uuid.UUID,
    image: bytes | None = None,
    *,
    prompt: str = "A bottle on a table",
    **fields: Any,
) -> Asset:
    """A stored image asset of `organization` (default: the studio product photo the generation tests use)."""
    data = image if image is not None else product_photo()
    with Image.open(io.BytesIO(data)) as opened:
        width, height = opened.size
    asset_id = uuid.uuid4()
    original = asset_key(organization, asset_id, "original", "png")
    preview = asset_key(organization, asset_id, "preview", "webp")
    await app.state.storage.put(original, data, content_type="image/png")
    await app.state.storage.put(preview, data, content_type="image/webp")
    async with app.state.sessionmaker() as session:
        asset = asset_row(
            organization,
            asset_id,
            **{
                "original_key": original,
                "preview_key": preview,
                "width": width,
                "height": height,
                "size_bytes": len(data),
                "prompt": prompt,
                "settings": {"style": [{"value": "Modern", "source": "flow", "label": "This session"}]},
                "seed": 7,
                **fields,
            },
        )
        session.add(asset)
        await session.commit()
        await session.refresh(asset)
        return asset


async def balance(client: Browser) -> int:
    return int((await client.get("/credits/balance")).json()["available"])


async def verify_ledger(app: FastAPI) -> None:
    async with app.state.sessionmaker() as session:
        _, differences = await CreditLedgerService(session).verify()
    assert differences == []


async def count(app: FastAPI, model: type, *where: object) -> int:
    async with app.state.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def decode(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as opened:
        opened.load()
        return opened.copy()
