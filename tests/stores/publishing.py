"""Shared steps of the publishing tests: imported store products, generated assets with real stored PNGs, approving
them (with auto-sync), and running the sync jobs the way the sync worker would."""

from __future__ import annotations

import asyncio
import io
import uuid
from typing import Any

from arq import Retry
from fastapi import FastAPI
from PIL import Image
from sqlalchemy import select, update

from api.core.storage import asset_key
from api.core.time import utc_now
from api.models import Approval, Asset, AssetType, Job, Product, StoreConnection, SyncRecord
from tests.assets.helpers import asset_row
from tests.helpers import Browser, worker_ctx
from workers.jobs import reconcile_jobs
from workers.publish import PublishPolicy, publish_asset
from workers.store_sync import import_store_products

# Every wait short: the sandboxes answer at once, and processing takes a poll or two.
FAST = PublishPolicy(
    attempts=3,
    base_delay=0.01,
    max_delay=0.05,
    max_wait=5.0,
    job_base_delay=0.01,
    poll_interval=0.01,
    poll_timeout=5.0,
    lock_timeout=30.0,
)


def sync_ctx(app: FastAPI, policy: PublishPolicy = FAST) -> dict[str, Any]:
    return {**worker_ctx(app), "publish_policy": policy}


def png(seed: int, side: int = 64) -> bytes:
    image = Image.new("RGB", (side, side), (seed * 37 % 256, seed * 91 % 256, seed * 53 % 256))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


async def import_products(app: FastAPI, client: Browser, store_id: str, external_ids: list[str]) -> list[Product]:
    """The store's products in the catalog, linked to the store (through the real import job)."""
    response = await client.post(f"/stores/{store_id}/imports", json={"external_ids": external_ids})
    assert response.status_code == 202, response.text
    await import_store_products(worker_ctx(app), response.json()["id"])
    await app.state.arq.flushdb()
    async with app.state.sessionmaker() as session:
        rows = (await session.scalars(select(Product).where(Product.external_id.in_(external_ids)))).all()
    by_external = {row.external_id: row for row in rows}
    return [by_external[external_id] for external_id in external_ids]


async def make_assets(
    app: FastAPI,
    products: list[Product],
    count: int,
    *,
    approval: Approval = Approval.pending,
    type_: AssetType = AssetType.image,
) -> list[uuid.UUID]:
    """`count` assets spread over `products` round-robin, each with its own PNG in storage (as the generation
    worker stores them)."""
    storage = app.state.storage
    ids: list[uuid.UUID] = []
    async with app.state.sessionmaker() as session:
        for index in range(count):
            product = products[index % len(products)]
            asset_id = uuid.uuid4()
            body = png(index)
            original = asset_key(product.organization_id, asset_id, "original", "png")
            preview = asset_key(product.organization_id, asset_id, "preview", "webp")
            await storage.put(original, body, content_type="image/png")
            await storage.put(preview, body, content_type="image/webp")
            session.add(
                asset_row(
                    product.organization_id,
                    asset_id,
                    type=type_,
                    product_id=product.id,
                    width=64,
                    height=64,
                    size_bytes=len(body),
                    prompt="a sofa in a sunny room",
                    scene_type="lifestyle",
                    seed=index,
                    approval=approval,
                    approved_at=utc_now() if approval == Approval.approved else None,
                )
            )
            ids.append(asset_id)
        await session.commit()
    return ids


async def approve(client: Browser, asset_ids: list[uuid.UUID]) -> None:
    """Approve through the review API's batch endpoint (its approval hook runs auto-sync)."""
    response = await client.post("/assets/batch", json={"action": "approve", "asset_ids": [str(i) for i in asset_ids]})
    assert response.status_code == 200, response.text
    assert response.json()["failed"] == 0, response.text


async def queued_sync_jobs(app: FastAPI) -> list[str]:
    jobs = await app.state.arq.queued_jobs(queue_name="epox:sync")
    return [str(job.args[0]) for job in jobs if job.function == "publish_asset"]


async def run_sync_jobs(
    app: FastAPI, *, workers: int = 2, policy: PublishPolicy = FAST, max_deliveries: int = 20
) -> int:
    """Run every queued publish job as the sync queue would, `workers` at a time; an attempt that asks for a retry
    (arq's Retry) is delivered again at once. How many jobs ran."""
    job_ids = await queued_sync_jobs(app)
    await app.state.arq.flushdb()
    ctx = sync_ctx(app, policy)
    slots = asyncio.Semaphore(workers)

    async def deliver(job_id: str) -> None:
        async with slots:
            for _ in range(max_deliveries):
                try:
                    await publish_asset(ctx, job_id)
                    return
                except Retry:
                    continue

    await asyncio.gather(*(deliver(job_id) for job_id in job_ids))
    return len(job_ids)


async def assets(app: FastAPI, ids: list[uuid.UUID]) -> list[Asset]:
    async with app.state.sessionmaker() as session:
        rows = {a.id: a for a in (await session.scalars(select(Asset).where(Asset.id.in_(ids)))).all()}
    return [rows[i] for i in ids]


async def records(app: FastAPI, asset_id: uuid.UUID) -> list[SyncRecord]:
    async with app.state.sessionmaker() as session:
        statement = select(SyncRecord).where(SyncRecord.asset_id == asset_id).order_by(SyncRecord.created_at)
        return list((await session.scalars(statement)).all())


async def connection(app: FastAPI, store_id: str) -> StoreConnection:
    async with app.state.sessionmaker() as session:
        row: StoreConnection | None = await session.get(StoreConnection, uuid.UUID(store_id))
        assert row is not None
        return row


async def revive_dead_attempts(app: FastAPI) -> int:
    """A worker died mid-job: its lease runs out and the reconciler queues the job again."""
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(update(Job).where(Job.status == "running").values(deadline_at=utc_now()))
    return await reconcile_jobs(worker_ctx(app))
