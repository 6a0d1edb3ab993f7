"""Publishing to the WooCommerce sandbox: 200 approved assets with auto-sync become exactly 200 new product images,
every image the products had before keeps its place and id, and publishing again adds none; concurrent publishes
to one product never lose each other's image; faults end synced once or failed with their reason; removal keeps the
other images; an image removed in wp-admin turns the asset back to not_synced."""

from __future__ import annotations

import uuid

from fastapi import FastAPI

from api.models import Approval, AssetSyncState, Product, StoreStatus, SyncStatus
from api.stores.publish import marker
from sandbox.catalog import IMAGES_PER_PRODUCT, PRODUCTS
from sandbox.woocommerce import WooSandbox, image_id, product_id
from tests.helpers import Browser, make_browser
from tests.stores.conftest import connect_woo, run_queued_webhooks
from tests.stores.publishing import (
    approve,
    assets,
    connection,
    import_products,
    make_assets,
    records,
    run_sync_jobs,
)

SITE = "sandbox-store"


async def _setup(
    app: FastAPI, merchant: Browser, woo: WooSandbox, numbers: tuple[int, ...] = (0, 1, 2, 3)
) -> tuple[str, list[Product]]:
    store_id = await connect_woo(merchant, woo, SITE)
    products = await import_products(app, merchant, store_id, [str(product_id(n)) for n in numbers])
    return store_id, products


def _images(woo: WooSandbox, number: int) -> list[dict[str, object]]:
    return woo.product_images(SITE, PRODUCTS[number])


def _ours(woo: WooSandbox, asset_id: uuid.UUID) -> list[int]:
    return [int(str(i["id"])) for i in woo.added_images(SITE) if i["name"] == marker(asset_id)]


async def test_200_approved_assets_become_200_images_keeping_every_existing_one_and_again_none(
    store_app: FastAPI, merchant: Browser, woo: WooSandbox
) -> None:
    store_id, products = await _setup(store_app, merchant, woo)
    assert (await merchant.patch(f"/stores/{store_id}", json={"auto_sync": True})).status_code == 200
    ids = await make_assets(store_app, products, 200)
    await approve(merchant, ids)
    assert await run_sync_jobs(store_app) == 200

    synced = await assets(store_app, ids)
    assert {a.sync_state for a in synced} == {AssetSyncState.synced}
    assert len(woo.added_images(SITE)) == 200
    assert sorted(a.external_id or "" for a in synced) == sorted(str(i["id"]) for i in woo.added_images(SITE))
    for number in range(4):
        images = _images(woo, number)
        assert len(images) == IMAGES_PER_PRODUCT + 50
        # The product's own images are all still there, first, with their ids.
        assert [i["id"] for i in images[:IMAGES_PER_PRODUCT]] == [image_id(number, p) for p in range(3)]
    # WooCommerce downloads the image from a signed link to the stored original.
    assert all("/original.png" in str(i["src"]) for i in woo.added_images(SITE))

    again = await merchant.post("/assets/batch", json={"action": "publish", "asset_ids": [str(i) for i in ids]})
    assert again.json()["succeeded"] == 200
    await run_sync_jobs(store_app)
    assert len(woo.added_images(SITE)) == 200
    assert woo.site(SITE).images_added == 200
    assert [len(_images(woo, n)) for n in range(4)] == [53, 53, 53, 53]


async def test_concurrent_publishes_to_one_product_never_drop_each_others_image(
    store_app: FastAPI, merchant: Browser, woo: WooSandbox
) -> None:
    """WooCommerce replaces the whole image list on each update: without one sync at a time per product, two
    read-modify-writes would overwrite each other."""
    _, products = await _setup(store_app, merchant, woo, (0,))
    ids = await make_assets(store_app, products, 12, approval=Approval.approved)
    response = await merchant.post("/assets/batch", json={"action": "publish", "asset_ids": [str(i) for i in ids]})
    assert response.json()["succeeded"] == 12
    await run_sync_jobs(store_app, workers=6)
    assert len(_images(woo, 0)) == IMAGES_PER_PRODUCT + 12
    assert all(len(_ours(woo, i)) == 1 for i in ids)


async def test_store_faults_end_synced_once_or_failed_with_their_reason(
    store_app: FastAPI, merchant: Browser, woo: WooSandbox
) -> None:
    store_id, products = await _setup(store_app, merchant, woo, (0, 1))
    flaky, gone, rejected, revoked = await make_assets(store_app, products, 4, approval=Approval.approved)

    await merchant.post(f"/assets/{flaky}/publish", json={"position": 1, "alt": "Oak sofa"})
    woo.rate_limit_next, woo.retry_after, woo.fail_next = 1, 1, 1
    await run_sync_jobs(store_app)
    [asset] = await assets(store_app, [flaky])
    assert asset.sync_state == AssetSyncState.synced
    assert _ours(woo, flaky) == [int(asset.external_id or 0)]
    first = _images(woo, 0)[0]
    assert (first["id"], first["alt"]) == (int(asset.external_id or 0), "Oak sofa")

    woo.delete_product(SITE, 1)
    await merchant.post(f"/assets/{gone}/publish")
    woo.reject_images = 1
    await merchant.post(f"/assets/{rejected}/publish")
    await run_sync_jobs(store_app, workers=1)
    assert [(r.status, r.error_code) for r in await records(store_app, gone)] == [
        (SyncStatus.failed, "remote_product_not_found")
    ]
    assert [(r.status, r.error_code) for r in await records(store_app, rejected)] == [
        (SyncStatus.failed, "image_rejected")
    ]
    assert len(_images(woo, 0)) == IMAGES_PER_PRODUCT + 1

    woo.revoke_keys(SITE)
    await merchant.post(f"/assets/{revoked}/publish")
    await run_sync_jobs(store_app)
    assert [r.error_code for r in await records(store_app, revoked)] == ["store_token_revoked"]
    assert (await connection(store_app, store_id)).status == StoreStatus.error


async def test_unpublish_keeps_the_other_images_and_a_removal_in_wp_admin_marks_not_synced(
    store_app: FastAPI, merchant: Browser, woo: WooSandbox
) -> None:
    _, products = await _setup(store_app, merchant, woo, (0,))
    removed, edited, kept = await make_assets(store_app, products, 3, approval=Approval.approved)
    await merchant.post(
        "/assets/batch", json={"action": "publish", "asset_ids": [str(removed), str(edited), str(kept)]}
    )
    await run_sync_jobs(store_app)
    assert len(_images(woo, 0)) == IMAGES_PER_PRODUCT + 3

    assert (await merchant.delete(f"/assets/{removed}/publish")).status_code == 202
    await run_sync_jobs(store_app)
    assert _ours(woo, removed) == []
    ids = [i["id"] for i in _images(woo, 0)]
    assert ids[:IMAGES_PER_PRODUCT] == [image_id(0, p) for p in range(3)]
    assert len(ids) == IMAGES_PER_PRODUCT + 2
    assert (await assets(store_app, [removed]))[0].sync_state == AssetSyncState.not_synced

    [image] = _ours(woo, edited)
    woo.remove_image_outside(SITE, 0, image)
    async with make_browser(store_app) as anonymous:
        assert await woo.send_webhook(SITE, "product.updated", 0, client=anonymous) == 200
    assert await run_queued_webhooks(store_app) == 1
    edited_asset, kept_asset = await assets(store_app, [edited, kept])
    assert edited_asset.sync_state == AssetSyncState.not_synced
    assert kept_asset.sync_state == AssetSyncState.synced
