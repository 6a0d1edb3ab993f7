"""Store imports: page through the store's products and write each one into the catalog.

Each product is one short transaction that writes the product, its images and categories *and* the job's
progress and checkpoint together, so a worker killed anywhere resumes after the last committed product and a
product is never imported twice. Downloads and store calls happen between transactions, never inside one. The
platform (Shopify or WooCommerce) is behind `StoreClient`: the cursor in the checkpoint is whatever it pages by.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any, TypeVar

from api.core.errors import EpoxError
from api.core.fetch import FetchPolicy, fetch_url
from api.core.ids import uuid7
from api.core.queue import SYNC_QUEUE, enqueue_after_commit
from api.core.time import utc_now
from api.jobs.service import JobService
from api.media.images import CONTENT_TYPES, ProcessedImage, process_image
from api.products.exceptions import PlanLimitReached
from api.stores.clients import store_client
from api.stores.exceptions import StoreNotActive, StoreNotFound
from api.stores.importer import StoreImportService
from api.stores.platform import ProductPage, RemoteImage, RemoteProduct, StoreApiError, StoreClient
from api.stores.repository import StoreWebhookEventRepository
from api.stores.webhooks import WEBHOOK_TASK, StoreWebhookService
from workers.jobs import JobContext, JobStopped, PermanentJobError, TransientJobError, run_job
from workers.session import task_session

logger = logging.getLogger("epox.stores")
T = TypeVar("T")

IMAGE_ACCEPT = (*CONTENT_TYPES.values(), "image/", "application/octet-stream", "binary/octet-stream")


async def import_store_products(ctx: dict[str, Any], job_id: str) -> None:
    """arq task: run one delivery of an import job (a duplicate delivery does nothing)."""
    await run_job(ctx, job_id, lambda job: StoreImport(ctx, job).run())


class StoreImport:
    def __init__(self, ctx: dict[str, Any], job: JobContext) -> None:
        self.ctx = ctx
        self.job = job
        self.run_ = job.run
        self.settings = ctx["settings"]
        self.storage = ctx["storage"]
        self.organization_id = job.run.organization_id
        self.store_id = uuid.UUID(job.run.params["store_id"])
        # Resume where the last committed product left off.
        self.state: dict[str, Any] = {
            "after": None,
            "skip": 0,
            "created": 0,
            "updated": 0,
            "failed": 0,
            "images": 0,
            "image_failures": 0,
            **job.run.checkpoint,
        }

    def _service(self, session: Any) -> StoreImportService:
        return StoreImportService(session, self.organization_id, settings=self.settings, storage=self.storage)

    async def _call(self, call: Awaitable[T]) -> T:
        try:
            return await call
        except StoreApiError as exc:
            if exc.transient:  # waited out a few times already: let the job retry later, from its checkpoint
                raise TransientJobError(str(exc), retry_after=exc.retry_after) from exc
            raise PermanentJobError("store_request_failed", str(exc), result=self._result()) from exc

    def _result(self, stopped: str | None = None) -> dict[str, Any]:
        result = {k: self.state[k] for k in ("created", "updated", "failed", "images", "image_failures")}
        result["stopped"] = stopped
        return result

    async def run(self) -> dict[str, Any]:
        async with task_session(self.ctx) as session:
            try:
                connection, credentials = await self._service(session).active_connection(self.store_id)
            except (StoreNotFound, StoreNotActive) as exc:
                raise PermanentJobError("store_not_active", "The store is not connected.") from exc
            client: StoreClient = store_client(self.settings, connection, credentials)
        external_ids = self.run_.params.get("external_ids")
        if not self.run_.progress_total:
            await self.job.progress(total=await self._call(client.count_products(external_ids)))
        page_size = self.settings.store_import_page_size
        while True:
            page: ProductPage = await self._call(
                client.product_page(limit=page_size, cursor=self.state["after"], external_ids=external_ids)
            )
            for index, remote in enumerate(page.products):
                if index < self.state["skip"]:
                    continue
                if not await self._import_one(remote, index):
                    await self._mark_synced()  # what fit is imported; the page shows when, and why it stopped
                    return self._result(stopped="slot_limit")
            if page.next_cursor is None:
                break
            self.state = {**self.state, "after": page.next_cursor, "skip": 0}
            await self.job.progress(checkpoint=self.state)
        await self._mark_synced()
        return self._result()

    async def _mark_synced(self) -> None:
        async with task_session(self.ctx) as session:
            await self._service(session).mark_synced(self.store_id, utc_now())

    async def _download(self, image: RemoteImage) -> ProcessedImage | None:
        try:
            fetched = await fetch_url(
                image.url,
                FetchPolicy.from_settings(self.settings),
                max_bytes=self.settings.image_max_bytes,
                accept=IMAGE_ACCEPT,
            )
            return await asyncio.to_thread(
                process_image,
                fetched.body,
                max_bytes=self.settings.image_max_bytes,
                max_pixels=self.settings.image_max_pixels,
                preview_side=self.settings.image_preview_max_side,
            )
        except EpoxError as exc:
            logger.warning("store image skipped", extra={"url": image.url, "code": exc.code})
            return None

    async def _import_one(self, remote: RemoteProduct, index: int) -> bool:
        """Import one product; False when the plan's product slots are used up."""
        async with task_session(self.ctx) as session:
            known = await self._service(session).known_images(self.store_id, remote.external_id)
        # A product's images download and process side by side (decoding runs in threads), kept in store order.
        wanted = [image for image in remote.images if image.external_id not in known]
        downloads = await asyncio.gather(*(self._download(image) for image in wanted))
        images = [(image, processed) for image, processed in zip(wanted, downloads, strict=True) if processed]
        image_failures = len(wanted) - len(images)
        state = dict(self.state)
        try:
            async with task_session(self.ctx) as session:
                created = await self._service(session).upsert(self.store_id, remote, images)
                state["created" if created else "updated"] += 1
                state["images"] += len(images)
                state["image_failures"] += image_failures
                state["skip"] = index + 1
                alive = await JobService(session).progress(
                    self.run_,
                    done=state["created"] + state["updated"],
                    failed=state["failed"],
                    checkpoint=state,
                    item={"external_id": remote.external_id, "title": remote.title, "created": created},
                )
                if not alive:  # canceled: roll this product back with the progress it would have recorded
                    raise JobStopped()
        except PlanLimitReached:
            return False
        self.state = state
        return True


async def handle_store_webhook(ctx: dict[str, Any], event_id: str) -> None:
    """arq task: apply one stored store webhook (already processed → nothing happens)."""
    async with task_session(ctx) as session:
        await StoreWebhookService(session, ctx["settings"]).handle(uuid.UUID(event_id))


# A stored webhook still unhandled after this long lost its job; the reconciler sends it again.
WEBHOOK_GRACE = timedelta(minutes=2)


async def requeue_store_webhooks(ctx: dict[str, Any]) -> int:
    async with task_session(ctx) as session:
        ids = await StoreWebhookEventRepository(session).unprocessed_ids(utc_now() - WEBHOOK_GRACE, 500)
        for event_id in ids:
            # A fresh id per sweep: arq refuses an id whose previous result it still remembers.
            enqueue_after_commit(
                session, WEBHOOK_TASK, str(event_id), queue=SYNC_QUEUE, job_id=f"webhook:{event_id}:{uuid7()}"
            )
    return len(ids)
