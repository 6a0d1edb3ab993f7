"""Publishing to the Shopify sandbox: 200 approved assets with auto-sync end as exactly 200 new media and publishing
them again adds none; every store fault ends synced once or failed with its reason, never two media for one asset;
removal; and a media deleted in the Shopify admin turns the asset back to not_synced."""

from __future__ import annotations

import time
import uuid

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from api.models import Approval, AssetSyncState, Notification, Product, StoreStatus, SyncStatus
from api.stores.publish import marker
from sandbox.catalog import PRODUCTS
from sandbox.shopify import ShopifySandbox
from tests.helpers import Browser, make_browser
from tests.stores.conftest import connect_shop, run_queued_webhooks
from tests.stores.publishing import (
    FAST,
    approve,
    assets,
    connection,
    import_products,
    make_assets,
    records,
    revive_dead_attempts,
    run_sync_jobs,
)
from workers.publish import AssetSync

SHOP = "sandbox-shop.myshopify.com"
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


async def _setup(
    app: FastAPI, merchant: Browser, shopify: ShopifySandbox, numbers: tuple[int, ...] = (0, 1, 2, 3)
) -> tuple[str, list[Product]]:
    store_id = await connect_shop(merchant, shopify)
    products = await import_products(app, merchant, store_id, [PRODUCTS[n].gid for n in numbers])
    return store_id, products


async def _publish(client: Browser, asset_id: uuid.UUID, **body: object) -> dict[str, object]:
    response = await client.post(f"/assets/{asset_id}/publish", json=body or None)
    assert response.status_code == 202, response.text
    data: dict[str, object] = response.json()
    return data


def _ours(shopify: ShopifySandbox, asset_id: uuid.UUID) -> list[str]:
    return [m.gid for m in shopify.added_media(SHOP) if marker(asset_id) in m.alt]


async def test_200_approved_assets_with_auto_sync_become_exactly_200_media_and_again_none(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    store_id, products = await _setup(store_app, merchant, shopify)
    assert (await merchant.patch(f"/stores/{store_id}", json={"auto_sync": True})).status_code == 200
    ids = await make_assets(store_app, products, 200)

    await approve(merchant, ids)
    assert await run_sync_jobs(store_app) == 200

    synced = await assets(store_app, ids)
    assert {a.sync_state for a in synced} == {AssetSyncState.synced}
    added = shopify.added_media(SHOP)
    assert len(added) == 200
    assert {m.status for m in added} == {"READY"}
    assert sorted(a.external_id or "" for a in synced) == sorted(m.gid for m in added)
    for asset in synced[:5]:
        assert _ours(shopify, asset.id) == [asset.external_id]
    # Each product got its 50, after its own three images; the uploaded bytes are the stored PNGs.
    assert [len(shopify.product_media(SHOP, PRODUCTS[n].legacy_id)) for n in range(4)] == [53, 53, 53, 53]
    assert all(m.body is not None and m.body.startswith(b"\x89PNG") for m in added)

    again = await merchant.post("/assets/batch", json={"action": "publish", "asset_ids": [str(i) for i in ids]})
    assert again.status_code == 200, again.text
    assert again.json()["succeeded"] == 200
    assert await run_sync_jobs(store_app) == 200
    assert len(shopify.added_media(SHOP)) == 200
    assert shopify.shop(SHOP).media_created == 200
    assert {a.sync_state for a in await assets(store_app, ids)} == {AssetSyncState.synced}


async def test_429_with_retry_after_then_500_then_success_publishes_once(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    _, products = await _setup(store_app, merchant, shopify, (0,))
    [asset_id] = await make_assets(store_app, products, 1, approval=Approval.approved)
    await _publish(merchant, asset_id, alt="Oak sofa by the window", position=1)
    shopify.rate_limit_next, shopify.retry_after, shopify.fail_next = 1, 1, 1
    started = time.monotonic()
    await run_sync_jobs(store_app)
    assert time.monotonic() - started >= 1.0  # Retry-After was honoured
    [asset] = await assets(store_app, [asset_id])
    assert asset.sync_state == AssetSyncState.synced
    assert _ours(shopify, asset_id) == [asset.external_id]
    media = shopify.product_media(SHOP, PRODUCTS[0].legacy_id)
    assert media[0].gid == asset.external_id  # position 1
    assert media[0].alt.startswith("Oak sofa by the window")
    [record] = await records(store_app, asset_id)
    assert (record.status, record.attempts, record.external_media_id) == (SyncStatus.succeeded, 1, asset.external_id)

    # Shopify's cost throttle (THROTTLED with the bucket's state) is waited out the same way.
    [second] = await make_assets(store_app, products, 1, approval=Approval.approved)
    await _publish(merchant, second)
    shopify.throttle_next = 1
    await run_sync_jobs(store_app)
    assert (await assets(store_app, [second]))[0].sync_state == AssetSyncState.synced
    assert len(_ours(shopify, second)) == 1


async def test_faults_that_retrying_cannot_fix_fail_at_once_with_their_reason(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    store_id, products = await _setup(store_app, merchant, shopify, (0, 1))
    gone, rejected, revoked = await make_assets(store_app, products, 3, approval=Approval.approved)

    shopify.delete_product(SHOP, 0)
    await _publish(merchant, gone)
    shopify.reject_next = 1
    await _publish(merchant, rejected)
    await run_sync_jobs(store_app, workers=1)
    [record] = await records(store_app, gone)
    assert (record.status, record.error_code, record.attempts) == (SyncStatus.failed, "remote_product_not_found", 1)
    [asset] = await assets(store_app, [gone])
    assert asset.sync_state == AssetSyncState.failed
    assert asset.sync_error
    assert "remote_product_not_found" in asset.sync_error
    [record] = await records(store_app, rejected)
    assert (record.status, record.error_code) == (SyncStatus.failed, "image_rejected")
    assert shopify.added_media(SHOP) == []  # the failed media was removed again

    listed = (await merchant.get(f"/assets/{rejected}/sync-records")).json()["items"]
    assert listed[0]["error_code"] == "image_rejected"
    assert listed[0]["retryable"] is True

    shopify.uninstall(SHOP)
    await _publish(merchant, revoked)
    await run_sync_jobs(store_app)
    [record] = await records(store_app, revoked)
    assert (record.status, record.error_code) == (SyncStatus.failed, "store_token_revoked")
    store = await connection(store_app, store_id)
    assert store.status == StoreStatus.error
    assert store.last_error
    async with store_app.state.sessionmaker() as session:
        kinds = (await session.scalars(select(Notification.kind))).all()
    assert list(kinds).count("store_connection_error") == 1  # one notice per member, not one per failed sync
    notices = (await merchant.get("/notifications")).json()["items"]
    assert notices[0]["kind"] == "store_connection_error"
    # The store is no longer connected: publishing is refused up front.
    response = await merchant.post(f"/assets/{revoked}/publish")
    assert response.status_code == 409
    assert response.json()["code"] == "store_not_active"


async def test_5xx_until_the_limit_fails_with_the_reason_and_retry_publishes_once(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    _, products = await _setup(store_app, merchant, shopify, (0,))
    [asset_id] = await make_assets(store_app, products, 1, approval=Approval.approved)
    record_id = (await _publish(merchant, asset_id))["id"]
    shopify.fail_next = 10_000
    await run_sync_jobs(store_app)
    [record] = await records(store_app, asset_id)
    assert (record.status, record.error_code) == (SyncStatus.failed, "store_unavailable")
    assert record.attempts == 6
    assert "Gave up after 6 attempts" in (record.error_message or "")
    assert (await assets(store_app, [asset_id]))[0].sync_state == AssetSyncState.failed

    shopify.fail_next = 0
    retried = await merchant.post(f"/sync-records/{record_id}/retry")
    assert retried.status_code == 202, retried.text
    assert retried.json()["status"] == "pending"
    again = await merchant.post(f"/sync-records/{record_id}/retry")
    assert again.status_code == 409
    await run_sync_jobs(store_app)
    [record] = await records(store_app, asset_id)
    assert record.status == SyncStatus.succeeded
    assert len(_ours(shopify, asset_id)) == 1


class Killed(BaseException):
    """The worker process dies here (not an exception any handler would catch)."""


async def test_a_worker_killed_between_upload_and_attach_resumes_without_a_second_upload_or_media(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, products = await _setup(store_app, merchant, shopify, (0,))
    [asset_id] = await make_assets(store_app, products, 1, approval=Approval.approved)
    await _publish(merchant, asset_id)
    checkpoint = AssetSync._checkpoint

    async def die_after_upload(self: AssetSync, values: dict[str, object]) -> None:
        await checkpoint(self, values)
        if "resource_url" in values:
            raise Killed()

    monkeypatch.setattr(AssetSync, "_checkpoint", die_after_upload)
    with pytest.raises(Killed):
        await run_sync_jobs(store_app)
    [record] = await records(store_app, asset_id)
    assert record.status == SyncStatus.running
    assert record.state["resource_url"]
    assert shopify.added_media(SHOP) == []
    monkeypatch.setattr(AssetSync, "_checkpoint", checkpoint)

    assert await revive_dead_attempts(store_app) == 1
    await run_sync_jobs(store_app)
    [record] = await records(store_app, asset_id)
    assert (record.status, record.attempts) == (SyncStatus.succeeded, 2)
    assert len(_ours(shopify, asset_id)) == 1
    assert len(shopify.shop(SHOP).staged) == 1  # resumed from the checkpoint: no second upload


async def test_a_worker_killed_after_attach_adopts_the_media_instead_of_adding_another(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.stores.shopify import ShopifyClient

    _, products = await _setup(store_app, merchant, shopify, (0,))
    [asset_id] = await make_assets(store_app, products, 1, approval=Approval.approved)
    await _publish(merchant, asset_id)
    add_media = ShopifyClient.add_media

    async def die_after_attach(self: ShopifyClient, *args: object) -> str | None:
        await add_media(self, *args)  # type: ignore[arg-type]
        raise Killed()

    monkeypatch.setattr(ShopifyClient, "add_media", die_after_attach)
    with pytest.raises(Killed):
        await run_sync_jobs(store_app)
    monkeypatch.setattr(ShopifyClient, "add_media", add_media)
    assert len(_ours(shopify, asset_id)) == 1
    await revive_dead_attempts(store_app)
    await run_sync_jobs(store_app)
    [asset] = await assets(store_app, [asset_id])
    assert asset.sync_state == AssetSyncState.synced
    assert _ours(shopify, asset_id) == [asset.external_id]
    assert shopify.shop(SHOP).media_created == 1


async def test_unpublish_removes_the_media_and_a_removal_in_shopify_marks_the_asset_not_synced(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    _, products = await _setup(store_app, merchant, shopify, (0,))
    kept, removed, edited = await make_assets(store_app, products, 3, approval=Approval.approved)
    response = await merchant.post(
        "/assets/batch", json={"action": "publish", "asset_ids": [str(kept), str(removed), str(edited)]}
    )
    assert response.json()["succeeded"] == 3
    await run_sync_jobs(store_app)

    deleted = await merchant.delete(f"/assets/{removed}/publish")
    assert deleted.status_code == 202, deleted.text
    assert deleted.json()["action"] == "unpublish"
    await run_sync_jobs(store_app)
    [asset] = await assets(store_app, [removed])
    assert (asset.sync_state, asset.external_id) == (AssetSyncState.not_synced, None)
    assert _ours(shopify, removed) == []
    assert len(shopify.added_media(SHOP)) == 2
    again = await merchant.delete(f"/assets/{removed}/publish")
    assert again.status_code == 409
    assert again.json()["code"] == "asset_not_published"

    # The merchant deletes one image in the Shopify admin; Shopify sends products/update without it.
    [gid] = _ours(shopify, edited)
    assert shopify.remove_media_outside(SHOP, gid) is not None
    payload = shopify.product_payload(SHOP, 0)
    async with make_browser(store_app) as anonymous:
        sent = await shopify.send_webhook(anonymous, "/webhooks/shopify", SHOP, "products/update", payload)
        assert sent.status_code == 200, sent.text
    assert await run_queued_webhooks(store_app) == 1
    edited_asset, kept_asset = await assets(store_app, [edited, kept])
    assert edited_asset.sync_state == AssetSyncState.not_synced
    assert edited_asset.sync_error
    assert "removed_in_store" in edited_asset.sync_error
    assert kept_asset.sync_state == AssetSyncState.synced  # still listed in the payload

    # Publishing it again puts it back, once.
    await _publish(merchant, edited)
    await run_sync_jobs(store_app)
    assert len(_ours(shopify, edited)) == 1
    async with store_app.state.sessionmaker() as session:
        count = select(func.count()).select_from(Notification).where(Notification.kind == "store_connection_error")
        assert await session.scalar(count) == 0


async def test_publishing_waits_for_one_sync_per_product(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    """Ten workers on ten assets of one product: each sync holds the product's lock while it talks to the store, so
    the marker checks and attaches never interleave and every asset ends with exactly one media."""
    _, products = await _setup(store_app, merchant, shopify, (0,))
    ids = await make_assets(store_app, products, 10, approval=Approval.approved)
    response = await merchant.post("/assets/batch", json={"action": "publish", "asset_ids": [str(i) for i in ids]})
    assert response.json()["succeeded"] == 10
    await run_sync_jobs(store_app, workers=10, policy=FAST)
    assert len(shopify.added_media(SHOP)) == 10
    assert all(len(_ours(shopify, i)) == 1 for i in ids)
