"""Publishing a clip (acceptance 6): to Shopify through a VIDEO staged upload (a form POST of the target's fields
and the file), attached as product media, polled until READY; to WooCommerce, whose product API takes no videos, a
clear refusal that offers the download instead. Every document still validates against Shopify's schema
(tests/stores/test_shopify_sandbox.py)."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from sqlalchemy import update

from api.core.time import utc_now
from api.models import Approval, Asset, AssetSyncState, SyncStatus
from sandbox.catalog import PRODUCTS
from sandbox.shopify import ShopifySandbox
from sandbox.video_providers import render_clip
from sandbox.woocommerce import WooSandbox, product_id
from tests.helpers import Browser, assert_problem
from tests.stores.conftest import connect_shop, connect_woo
from tests.stores.publishing import import_products, make_assets, records, run_sync_jobs

SHOP = "sandbox-shop.myshopify.com"


async def as_approved_clip(app: FastAPI, asset_id: uuid.UUID, clip: bytes) -> None:
    """Turn a made asset into an approved video with a real MP4 in its original's place."""
    async with app.state.sessionmaker() as session, session.begin():
        asset = await session.get(Asset, asset_id)
        assert asset is not None
        await app.state.storage.put(asset.original_key.replace(".png", ".mp4"), clip, content_type="video/mp4")
        await session.execute(
            update(Asset)
            .where(Asset.id == asset_id)
            .values(
                type="video",
                original_key=asset.original_key.replace(".png", ".mp4"),
                content_type="video/mp4",
                size_bytes=len(clip),
                width=640,
                height=360,
                duration_ms=3000,
                fps=24.0,
                codec="h264",
                has_audio=False,
                approval=Approval.approved,
                approved_at=utc_now(),
            )
        )


async def test_a_clip_published_to_shopify_ends_with_its_media_ready(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    store_id = await connect_shop(merchant, shopify)
    [product] = await import_products(store_app, merchant, store_id, [PRODUCTS[0].gid])
    [asset_id] = await make_assets(store_app, [product], 1)
    clip = render_clip(None, 640, 360, 3, 24, audio=False)
    await as_approved_clip(store_app, asset_id, clip)

    response = await merchant.post(f"/assets/{asset_id}/publish")
    assert response.status_code == 202, response.text
    assert await run_sync_jobs(store_app) == 1

    [record] = await records(store_app, asset_id)
    assert record.status == SyncStatus.succeeded, (record.error_code, record.error_message)
    assert record.external_media_id is not None
    assert record.external_media_id.startswith("gid://shopify/Video/")
    [media] = shopify.added_media(SHOP)
    assert (media.kind, media.status, media.body) == ("VIDEO", "READY", clip)
    assert media.gid == record.external_media_id
    operations = [operation for shop, operation in shopify.calls if shop == SHOP]
    assert operations.count("staged_upload") == 1
    assert operations.index("EpoxStagedUploadsCreate") < operations.index("staged_upload")
    assert operations.index("staged_upload") < operations.index("EpoxProductMediaAttach")
    assert operations.count("EpoxMediaStatus") >= 3, "a video is processed over several reads"
    asset = (await merchant.get(f"/assets/{asset_id}")).json()
    assert (asset["sync_state"], asset["external_id"]) == (AssetSyncState.synced.value, record.external_media_id)

    # Unpublishing removes the video from the product again.
    await merchant.delete(f"/assets/{asset_id}/publish")
    await run_sync_jobs(store_app)
    assert shopify.added_media(SHOP) == []


async def test_a_clip_to_woocommerce_is_refused_with_the_download_offered(
    store_app: FastAPI, merchant: Browser, woo: WooSandbox
) -> None:
    woo_id = await connect_woo(merchant, woo)
    [product] = await import_products(store_app, merchant, woo_id, [str(product_id(5))])
    [asset_id] = await make_assets(store_app, [product], 1)
    await as_approved_clip(store_app, asset_id, render_clip(None, 640, 360, 3, 24, audio=False))
    body = assert_problem(await merchant.post(f"/assets/{asset_id}/publish"), 422, "video_not_supported")
    assert body["detail"] == "WooCommerce's product API takes no videos; download it instead."
    assert body["download_url"] == f"/api/v1/assets/{asset_id}/download"
    assert await records(store_app, asset_id) == []
    download = await merchant.get(body["download_url"].removeprefix("/api/v1"))
    assert download.status_code == 307
