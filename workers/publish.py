"""The sync worker: push one approved asset to its store product, or remove it again.

One job per `SyncRecord`. The worker opens the connection's credentials itself, takes the store product's lock
(api/stores/publish.py: one sync at a time per remote product), and then:

- publish: looks for media already carrying the asset's marker (a resumed or repeated publish adopts it, never
  adds a second), else adds it (Shopify: staged upload → productUpdate(media:); WooCommerce: the product's image
  list with every existing image kept by id), and waits until the store reports it ready or failed;
- unpublish: removes every image of the product carrying the marker (or the recorded id).

Checkpoints (the staged upload's resource URL, the media id) are committed on the record between steps, so a worker
killed anywhere resumes where it stopped. Throttling (429 + Retry-After, Shopify's THROTTLED), 5xx and timeouts are
retried in place with exponential backoff and jitter, then by the job with a longer backoff, up to
`PUBLISH_MAX_ATTEMPTS`; after that, and at once for what retrying cannot fix (the product is gone, the token was
revoked, the store rejected the image), the sync fails with its reason on the record and on the asset.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NoReturn, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from api.core.crypto import CredentialCipher
from api.core.time import utc_now
from api.jobs.service import JobService
from api.models import (
    Approval,
    AssetSyncState,
    Job,
    JobStatus,
    Role,
    StoreConnection,
    StoreKind,
    StoreStatus,
    SyncAction,
    SyncRecord,
    SyncStatus,
)
from api.notifications.service import NotificationService
from api.stores.clients import store_client
from api.stores.credentials import open_credentials
from api.stores.platform import (
    MediaRejected,
    MediaState,
    MediaUpload,
    RemoteMedia,
    RemoteProductNotFound,
    StoreApiError,
    StoreClient,
    StoreUnauthorized,
)
from api.stores.publish import (
    PUBLISH_MAX_ATTEMPTS,
    RemoteProductBusy,
    marker,
    remote_product_lock,
)
from api.stores.publish_repository import (
    PublishAssetRepository,
    PublishProductRepository,
    SyncRecordRepository,
    SyncScanRepository,
)
from workers.jobs import JobContext, JobStopped, PermanentJobError, TransientJobError, run_job
from workers.session import task_session

logger = logging.getLogger("epox.stores.publish")
T = TypeVar("T")

_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "video/mp4": "mp4"}


@dataclass(frozen=True)
class PublishPolicy:
    """How patient a sync is. Tests and the benchmark pass a faster one in the worker context."""

    attempts: int = 4  # store calls tried in place per job attempt
    base_delay: float = 0.5  # in-place backoff: base · 2^(n-1), with jitter, capped at max_delay
    max_delay: float = 8.0
    max_wait: float = 30.0  # a Retry-After longer than this is not slept: the job retries later instead
    job_base_delay: float = 10.0  # between job attempts: base · 2^(n-1), with jitter, capped at 10 minutes
    poll_interval: float = 1.0  # waiting for Shopify to process the media: first wait, then 1.5 times longer, up to 5 s
    poll_timeout: float = 120.0  # still processing after this: the job retries later (and polls again)
    lock_timeout: float = 120.0  # waiting for another sync of the same product


DEFAULT_POLICY = PublishPolicy()


def policy_of(ctx: dict[str, Any]) -> PublishPolicy:
    policy: PublishPolicy = ctx.get("publish_policy") or DEFAULT_POLICY
    return policy


def jittered(seconds: float) -> float:
    """Full-range jitter in [½, 1] of the delay, so syncs that failed together do not come back together."""
    return seconds * random.uniform(0.5, 1.0)


class StoreStillFailing(Exception):
    """A transient store failure outlasted the in-place retries; `wait` is how long to wait before the next try."""

    def __init__(self, error: StoreApiError, wait: float) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait = wait


class Failed(Exception):
    """The sync fails for good with this reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


async def publish_asset(ctx: dict[str, Any], job_id: str) -> None:
    """arq task: run one delivery of a sync job (a duplicate delivery does nothing)."""
    await run_job(ctx, job_id, lambda job: AssetSync(ctx, job).run())


@dataclass(frozen=True)
class Snapshot:
    """What the store calls need, read in one short transaction before any of them."""

    action: SyncAction
    connection_id: uuid.UUID
    kind: StoreKind
    shop_domain: str
    credentials: dict[str, str]
    external_product_id: str
    asset_id: uuid.UUID
    original_key: str
    content_type: str
    size: int
    alt: str
    position: int | None
    media_id: str | None  # the record's (unpublish: the asset's media)
    state: dict[str, Any]


class AssetSync:
    def __init__(self, ctx: dict[str, Any], job: JobContext) -> None:
        self.ctx = ctx
        self.job = job
        self.settings = ctx["settings"]
        self.storage = ctx["storage"]
        self.policy = policy_of(ctx)
        self.organization_id = job.run.organization_id
        self.record_id = uuid.UUID(job.run.params["sync_record_id"])

    def _records(self, session: Any) -> SyncRecordRepository:
        return SyncRecordRepository(session, self.organization_id)

    async def run(self) -> dict[str, Any]:
        snapshot = await self._begin()
        if snapshot is None:
            return {"skipped": True}
        try:
            try:
                async with remote_product_lock(
                    self.ctx["sessionmaker"],
                    snapshot.connection_id,
                    snapshot.external_product_id,
                    wait_seconds=self.policy.lock_timeout,
                ):
                    client = store_client(self.settings, self._connection(snapshot), snapshot.credentials)
                    media_id: str | None
                    if snapshot.action == SyncAction.publish:
                        media_id = await self._publish(client, snapshot)
                    else:
                        media_id = await self._unpublish(client, snapshot)
            except StoreUnauthorized as exc:
                await self._revoked(snapshot, str(exc))
                message = "The store refused Epox's access token; reconnect the store."
                raise Failed("store_token_revoked", message) from exc
            except RemoteProductNotFound as exc:
                raise Failed("remote_product_not_found", "The product no longer exists in the store.") from exc
            except MediaRejected as exc:
                raise Failed("image_rejected", f"The store rejected the image: {exc}") from exc
            except StoreApiError as exc:  # not transient: a refusal retrying cannot change
                raise Failed("store_rejected", f"The store refused the request: {exc}") from exc
        except Failed as failure:
            await self._fail(failure.code, failure.message)
            raise PermanentJobError(failure.code, failure.message) from failure
        except (StoreStillFailing, RemoteProductBusy) as exc:
            await self._transient(exc)
        await self._succeed(snapshot, media_id)
        return {"action": snapshot.action.value, "external_media_id": media_id}

    # --- transactions ---------------------------------------------------------------------------------------

    async def _begin(self) -> Snapshot | None:
        """Claim the record for this attempt and read what the store calls need; checks that can fail at once.
        None: nothing to do (the record is gone, settled, or belongs to a newer job)."""
        async with task_session(self.ctx) as session:
            record = await self._records(session).get(self.record_id, for_update=True)
            if record is None or record.status in (SyncStatus.succeeded, SyncStatus.failed):
                return None
            if record.job_id != self.job.run.id:
                return None
            asset = await PublishAssetRepository(session, self.organization_id).get(record.asset_id, for_update=True)
            connection = (
                await session.get(StoreConnection, record.store_connection_id) if record.store_connection_id else None
            )
            record.status = SyncStatus.running
            record.attempts += 1
            record.started_at = record.started_at or utc_now()
            credentials = (
                open_credentials(CredentialCipher.from_settings(self.settings), connection) if connection else None
            )
            failure: tuple[str, str] | None = None
            if asset is None:
                failure = ("asset_not_found", "The asset no longer exists.")
            elif connection is None or connection.status != StoreStatus.active or credentials is None:
                failure = ("store_not_active", "The store is not connected.")
            elif record.external_product_id is None:
                failure = ("remote_product_not_found", "The sync names no store product.")
            elif record.action == SyncAction.publish and asset.deleted_at is not None:
                failure = ("asset_deleted", "The asset was deleted before it could be published.")
            elif record.action == SyncAction.publish and asset.approval != Approval.approved:
                failure = ("asset_not_approved", "The asset is no longer approved.")
            products = PublishProductRepository(session, self.organization_id)
            product = await products.get(record.product_id) if record.product_id and failure is None else None
        if failure is not None:
            await self._fail(*failure)
            raise PermanentJobError(*failure)
        assert asset is not None
        assert connection is not None
        assert credentials is not None
        assert record.external_product_id is not None
        request = dict(record.state.get("request") or {})
        return Snapshot(
            action=record.action,
            connection_id=connection.id,
            kind=connection.kind,
            shop_domain=connection.shop_domain,
            credentials=credentials,
            external_product_id=record.external_product_id,
            asset_id=asset.id,
            original_key=asset.original_key,
            content_type=asset.content_type,
            size=asset.size_bytes,
            alt=str(request.get("alt") or (product.name if product else "") or "")[:400],
            position=request.get("position"),
            media_id=record.external_media_id if record.action == SyncAction.unpublish else None,
            state=dict(record.state),
        )

    @staticmethod
    def _connection(snapshot: Snapshot) -> StoreConnection:
        return StoreConnection(id=snapshot.connection_id, kind=snapshot.kind, shop_domain=snapshot.shop_domain)

    async def _checkpoint(self, values: dict[str, Any]) -> None:
        """Commit progress on the record before the next store call (refused if this attempt was superseded)."""
        async with task_session(self.ctx) as session:
            record = await self._records(session).get(self.record_id, for_update=True)
            if record is None or record.status != SyncStatus.running or record.job_id != self.job.run.id:
                raise JobStopped()
            record.state = {**record.state, **values}
            if "media_id" in values:
                record.external_media_id = values["media_id"]

    async def _succeed(self, snapshot: Snapshot, media_id: str | None) -> None:
        async with task_session(self.ctx) as session:
            record = await self._records(session).get(self.record_id, for_update=True)
            asset = await PublishAssetRepository(session, self.organization_id).get(snapshot.asset_id, for_update=True)
            if record is None or record.job_id != self.job.run.id:
                raise JobStopped()
            record.status = SyncStatus.succeeded
            record.finished_at = utc_now()
            record.error_code = record.error_message = None
            record.external_media_id = media_id
            if asset is not None:
                if snapshot.action == SyncAction.publish:
                    asset.sync_state = AssetSyncState.synced
                    asset.external_id = media_id
                    asset.store_connection_id = snapshot.connection_id
                else:
                    asset.sync_state = AssetSyncState.not_synced
                    asset.external_id = None
                asset.sync_error = None
            await JobService(session).progress(self.job.run, done=1, total=1)

    async def _fail(self, code: str, message: str) -> None:
        async with task_session(self.ctx) as session:
            await settle_failed(session, self.organization_id, self.record_id, code, message)

    async def _transient(self, exc: StoreStillFailing | RemoteProductBusy) -> NoReturn:
        """Another job attempt later, or, on the last one, the sync fails with what kept going wrong."""
        if isinstance(exc, StoreStillFailing):
            code, message = _transient_reason(exc.error), str(exc.error)
            wait = exc.wait
        else:
            code, message = "remote_product_busy", "Another sync of the same store product took too long."
            wait = 0.0
        if self.job.run.attempt >= PUBLISH_MAX_ATTEMPTS:
            message = f"Gave up after {self.job.run.attempt} attempts: {message}"
            await self._fail(code, message)
            raise PermanentJobError(code, message)
        async with task_session(self.ctx) as session:  # back to pending: the job will run it again
            record = await self._records(session).get(self.record_id, for_update=True)
            if record is not None and record.job_id == self.job.run.id and record.status == SyncStatus.running:
                record.status = SyncStatus.pending
                record.error_code, record.error_message = code, message[:1000]
        backoff = jittered(min(600.0, self.policy.job_base_delay * 2 ** (self.job.run.attempt - 1)))
        raise TransientJobError(message, retry_after=max(wait, backoff))

    async def _revoked(self, snapshot: Snapshot, detail: str) -> None:
        """The token was refused: the connection goes to `error` (once) and the owners hear about it."""
        async with task_session(self.ctx) as session:
            connection = await session.get(StoreConnection, snapshot.connection_id, with_for_update=True)
            if connection is None or connection.status == StoreStatus.error:
                return
            connection.status = StoreStatus.error
            connection.last_error = f"{detail} Publishing stopped; reconnect the store."[:1000]
            await NotificationService(session).notify_organization(
                connection.organization_id,
                "store_connection_error",
                title=f"Reconnect {connection.shop_domain}",
                body=(
                    f"{connection.shop_domain} refused Epox's access (the app was removed or its key revoked). "
                    "Publishing to it has stopped; reconnect the store on the Store page."
                ),
                data={"store_id": str(connection.id)},
                email_roles={Role.owner},
            )

    # --- the store calls ------------------------------------------------------------------------------------

    async def _retrying(self, call: Callable[[], Awaitable[T]]) -> T:
        """`call`, retried in place on throttling, 5xx and timeouts: exponential backoff with jitter, never less
        than the store's Retry-After (or Shopify's throttle estimate)."""
        for attempt in range(1, self.policy.attempts + 1):
            try:
                return await call()
            except StoreApiError as exc:
                if not exc.transient:
                    raise
                wait = jittered(min(self.policy.max_delay, self.policy.base_delay * 2 ** (attempt - 1)))
                if exc.retry_after is not None:
                    wait = max(wait, exc.retry_after * random.uniform(1.0, 1.1))
                if attempt == self.policy.attempts or wait > self.policy.max_wait:
                    raise StoreStillFailing(exc, wait) from exc
                logger.info("store call retried", extra={"record": str(self.record_id), "wait": round(wait, 2)})
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")

    def _upload(self, snapshot: Snapshot) -> MediaUpload:
        mark = marker(snapshot.asset_id)
        extension = _EXTENSIONS.get(snapshot.content_type, "png")
        ttl = max(self.settings.signed_url_ttl_seconds, 3600)
        return MediaUpload(
            marker=mark,
            filename=f"{mark}.{extension}",
            content_type=snapshot.content_type,
            size=snapshot.size,
            alt=snapshot.alt,
            load=lambda: self.storage.get(snapshot.original_key),
            source_url=lambda: self.storage.signed_url(snapshot.original_key, ttl),
            position=snapshot.position,
        )

    async def _publish(self, client: StoreClient, snapshot: Snapshot) -> str:
        upload = self._upload(snapshot)
        state = dict(snapshot.state)
        product_id = snapshot.external_product_id

        async def save(values: dict[str, Any]) -> None:
            state.update(values)
            await self._checkpoint(values)

        async def find_or_add() -> str:
            ours = [m for m in await client.product_media(product_id) if m.carries(upload.marker)]
            if state.get("media_id") and any(m.external_id == state["media_id"] for m in ours):
                return str(state["media_id"])
            if ours:  # an earlier attempt attached it (maybe without living to record it): adopt, never add
                for extra in ours[1:]:
                    await client.remove_media(product_id, extra.external_id)
                return ours[0].external_id
            added = await client.add_media(product_id, upload, state, save)
            if added is None:
                found = [m for m in await client.product_media(product_id) if m.carries(upload.marker)]
                if not found:
                    raise StoreApiError("The store did not show the new image yet.", transient=True)
                added = found[0].external_id
            return added

        while True:
            media_id = await self._retrying(find_or_add)
            if state.get("media_id") != media_id:
                await save({"media_id": media_id, "attached_at": utc_now().isoformat()})
            media = await self._wait_ready(client, media_id)
            if media is None:  # removed in the store while processing: add it again
                await save({"media_id": None, "resource_url": None})
                continue
            if media.state == MediaState.failed:
                await self._retrying(functools.partial(client.remove_media, product_id, media_id))
                await save({"media_id": None, "resource_url": None})
                raise MediaRejected(media.error or "The store could not process the image.")
            return media_id

    async def _wait_ready(self, client: StoreClient, media_id: str) -> RemoteMedia | None:
        """Poll until the store has processed the media (READY or FAILED); None if it disappeared meanwhile."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.policy.poll_timeout
        interval = self.policy.poll_interval
        while True:
            found = [
                m for m in await self._retrying(lambda: client.media_status([media_id])) if m.external_id == media_id
            ]
            if not found:
                return None
            if found[0].state != MediaState.processing:
                return found[0]
            if loop.time() + interval > deadline:
                error = StoreApiError("The store is still processing the image.", transient=True)
                raise StoreStillFailing(error, self.policy.poll_interval)
            await asyncio.sleep(interval)
            interval = min(5.0, interval * 1.5)

    async def _unpublish(self, client: StoreClient, snapshot: Snapshot) -> str | None:
        mark = marker(snapshot.asset_id)
        product_id = snapshot.external_product_id

        async def remove() -> str | None:
            try:
                media = await client.product_media(product_id)
            except RemoteProductNotFound:
                return snapshot.media_id  # the product is gone, and its images with it
            ours = [m.external_id for m in media if m.external_id == snapshot.media_id or m.carries(mark)]
            for media_id in ours:
                await client.remove_media(product_id, media_id)
            return snapshot.media_id or (ours[0] if ours else None)

        return await self._retrying(remove)


def _transient_reason(error: StoreApiError) -> str:
    if error.status == 429 or error.retry_after is not None:
        return "store_rate_limited"
    if error.status >= 500:
        return "store_unavailable"
    return "store_unreachable"


async def settle_failed(
    session: AsyncSession, organization_id: uuid.UUID, record_id: uuid.UUID, code: str, message: str
) -> None:
    """The record fails with its reason, and the asset shows it (unless a newer sync of the asset took over)."""
    record = await SyncRecordRepository(session, organization_id).get(record_id, for_update=True)
    if record is None or record.status in (SyncStatus.succeeded, SyncStatus.failed):
        return
    record.status = SyncStatus.failed
    record.error_code, record.error_message = code, message[:1000]
    record.finished_at = utc_now()
    asset = await PublishAssetRepository(session, organization_id).get(record.asset_id, for_update=True)
    if asset is not None and asset.sync_state == AssetSyncState.pending:
        asset.sync_state = AssetSyncState.failed
        asset.sync_error = f"{code}: {message}"[:1000]


# A sync whose job ended without the record being settled (the worker died on its last attempt, or the job was
# canceled) is failed by the reconciler after this long.
SETTLE_GRACE = timedelta(minutes=2)


async def settle_orphaned_syncs(ctx: dict[str, Any]) -> int:
    """Reconciler step: records still pending/running whose job is finished get that job's outcome."""
    async with task_session(ctx) as session:
        ids = await SyncScanRepository(session).unsettled_ids(utc_now() - SETTLE_GRACE, 500)
    settled = 0
    for record_id in ids:
        async with task_session(ctx) as session:
            record = await session.get(SyncRecord, record_id)
            job = await session.get(Job, record.job_id) if record is not None and record.job_id else None
            if record is None or (job is not None and not job.status.terminal):
                continue
            if job is not None and job.status == JobStatus.succeeded:
                continue  # the task settles the record before finishing the job; nothing to repair
            code = (job.error_code if job else None) or "sync_lost"
            message = (job.error_message if job else None) or "The sync's job was lost."
            await settle_failed(session, record.organization_id, record.id, code, message)
            settled += 1
    return settled
