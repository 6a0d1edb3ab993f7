"""What publishing refuses up front, with clear problem codes: unapproved, deleted or video assets, products not
from a store or of another store, disconnected stores, a second sync while one is in flight; the batch answers per
asset; only a failed sync can be retried."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from sqlalchemy import update

from api.core.time import utc_now
from api.models import Approval, Asset, AssetType, Product
from sandbox.catalog import PRODUCTS
from sandbox.shopify import ShopifySandbox
from sandbox.woocommerce import WooSandbox, product_id
from tests.helpers import Browser, assert_problem
from tests.stores.conftest import connect_shop, connect_woo
from tests.stores.publishing import import_products, make_assets, queued_sync_jobs, records


async def test_publish_refuses_what_cannot_be_published_with_clear_codes(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox, woo: WooSandbox
) -> None:
    store_id = await connect_shop(merchant, shopify)
    products = await import_products(store_app, merchant, store_id, [PRODUCTS[0].gid, PRODUCTS[1].gid])
    woo_id = await connect_woo(merchant, woo)
    [woo_product] = await import_products(store_app, merchant, woo_id, [str(product_id(5))])
    pending, approved, deleted = await make_assets(store_app, products, 3)
    [video] = await make_assets(store_app, [woo_product], 1, approval=Approval.approved, type_=AssetType.video)
    async with store_app.state.sessionmaker() as session, session.begin():
        await session.execute(update(Asset).where(Asset.id.in_([approved, deleted])).values(approval=Approval.approved))
        await session.execute(update(Asset).where(Asset.id == deleted).values(deleted_at=utc_now()))

    assert_problem(await merchant.post(f"/assets/{pending}/publish"), 409, "asset_not_approved")
    assert_problem(await merchant.post(f"/assets/{deleted}/publish"), 409, "asset_deleted")
    assert_problem(await merchant.post(f"/assets/{video}/publish"), 422, "video_not_supported")
    assert_problem(await merchant.post(f"/assets/{products[0].id}/publish"), 404, "asset_not_found")
    other_store = await merchant.post(f"/assets/{approved}/publish", json={"product_id": str(woo_product.id)})
    assert_problem(other_store, 422, "invalid_target_product")
    assert_problem(await merchant.post(f"/assets/{approved}/publish", json={"position": 0}), 422)
    assert_problem(await merchant.post(f"/assets/{approved}/publish", json={"organization_id": "x"}), 422)
    assert_problem(await merchant.delete(f"/assets/{approved}/publish"), 409, "asset_not_published")

    # Another product of the same store may be chosen; the same publish twice is one sync, not two.
    # (`approved` belongs to products[1]: make_assets spreads assets round-robin.)
    first = await merchant.post(f"/assets/{approved}/publish", json={"product_id": str(products[0].id)})
    assert first.status_code == 202, first.text
    body = first.json()
    assert (body["status"], body["action"], body["product_id"]) == ("pending", "publish", str(products[0].id))
    assert body["external_product_id"] == PRODUCTS[0].gid
    again = await merchant.post(f"/assets/{approved}/publish", json={"product_id": str(products[0].id)})
    assert again.json()["id"] == body["id"]
    assert len(await queued_sync_jobs(store_app)) == 1
    assert_problem(await merchant.post(f"/assets/{approved}/publish"), 409, "sync_in_progress")
    assert_problem(await merchant.delete(f"/assets/{approved}/publish"), 409, "sync_in_progress")
    assert_problem(await merchant.post(f"/sync-records/{body['id']}/retry"), 409, "sync_record_not_retryable")
    asset = (await merchant.get(f"/assets/{approved}")).json()
    assert asset["sync_state"] == "pending"
    listed = (await merchant.get(f"/assets/{approved}/sync-records")).json()
    assert [r["id"] for r in listed["items"]] == [body["id"]]

    # A product that came from no store, and a disconnected store.
    async with store_app.state.sessionmaker() as session, session.begin():
        await session.execute(update(Product).where(Product.id == products[0].id).values(store_connection_id=None))
    [unlinked] = await make_assets(store_app, products[:1], 1, approval=Approval.approved)
    assert_problem(await merchant.post(f"/assets/{unlinked}/publish"), 409, "product_not_linked")
    assert (await merchant.delete(f"/stores/{woo_id}")).status_code == 204
    [orphan] = await make_assets(store_app, [woo_product], 1, approval=Approval.approved)
    assert_problem(await merchant.post(f"/assets/{orphan}/publish"), 409, "product_not_linked")


async def test_batch_publish_answers_per_asset(store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox) -> None:
    store_id = await connect_shop(merchant, shopify)
    products = await import_products(store_app, merchant, store_id, [PRODUCTS[0].gid])
    ok_one, ok_two = await make_assets(store_app, products, 2, approval=Approval.approved)
    [pending] = await make_assets(store_app, products, 1)
    response = await merchant.post(
        "/assets/batch",
        json={"action": "publish", "asset_ids": [str(ok_one), str(pending), str(ok_two), str(ok_one)]},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["succeeded"], body["failed"]) == (2, 1)
    by_id = {item["asset_id"]: item for item in body["results"]}
    assert by_id[str(pending)]["error"]["code"] == "asset_not_approved"
    assert by_id[str(pending)]["sync_record_id"] is None
    [record] = await records(store_app, ok_one)
    assert by_id[str(ok_one)]["sync_record_id"] == str(record.id)
    assert record.status == "pending"
    assert len(await queued_sync_jobs(store_app)) == 2
    # The store's sync history lists them across assets; a status filter narrows it.
    history = (await merchant.get(f"/stores/{store_id}/sync-records")).json()["items"]
    assert sorted(r["asset_id"] for r in history) == sorted([str(ok_one), str(ok_two)])
    assert (await merchant.get(f"/stores/{store_id}/sync-records", params={"status": "failed"})).json()["items"] == []
    assert_problem(await merchant.get(f"/stores/{uuid.uuid4()}/sync-records"), 404, "store_not_found")
    assert_problem(await merchant.get(f"/stores/{store_id}/sync-records", params={"status": "lost"}), 422)
    too_many = await merchant.post("/assets/batch", json={"action": "publish", "asset_ids": [str(ok_one)] * 501})
    assert_problem(too_many, 422)
    # A product target means nothing to the other actions.
    mixed = await merchant.post(
        "/assets/batch", json={"action": "approve", "asset_ids": [str(ok_one)], "product_id": str(products[0].id)}
    )
    assert_problem(mixed, 422)
    assert_problem(await merchant.post("/assets/batch", json={"action": "publish", "asset_ids": []}), 422)
