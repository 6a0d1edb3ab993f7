"""Generation jobs: run each item through its provider, store the image, and charge for it, exactly once.

Items run side by side (at most `generation_concurrency` per job). One item ends in one short transaction that
writes its asset, captures its credits, records the provider call and the job's progress together: a worker
killed anywhere leaves an item either fully delivered and charged or not at all, and the next attempt runs only
the items not yet settled. A failed item releases its own credits in the same way; whatever the job still holds
when it ends is released with it (api/jobs/service.py). Provider calls and file writes happen between
transactions, never inside one.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import func, select

from api.assets.editor import aspect_label
from api.assets.service import EDITOR_MODEL
from api.core.errors import EpoxError
from api.core.storage import ImageVariant, StoredFileNotFound, asset_key
from api.credits.service import CreditLedgerService
from api.generation.providers.base import GeneratedImage, ImageRequest, ProviderError, UnsupportedOption
from api.generation.registry import get_provider, get_video_provider
from api.generation.service import items_to_run
from api.generation.video import (
    DEFAULT_VIDEO_POLICY,
    GeneratedVideo,
    VendorCall,
    VideoOptions,
    VideoPolicy,
    VideoRequest,
    resolution_label,
)
from api.jobs.service import JobService
from api.media.images import process_image
from api.models import Asset, AssetType, GenerationItem, ItemStatus, Job, ProviderCall
from workers.jobs import JobContext, JobStopped, PermanentJobError, run_job
from workers.session import task_session

logger = logging.getLogger("epox.generation")

# In-place retries of one item for retryable provider errors, before it fails (and releases its credits).
ITEM_ATTEMPTS = 3


async def generate_images(ctx: dict[str, Any], job_id: str) -> None:
    """arq task: run one delivery of a generation job (a duplicate delivery does nothing)."""
    await run_job(ctx, job_id, lambda job: GenerationRun(ctx, job).run())


class ItemFailed(Exception):
    def __init__(self, code: str, message: str, calls: list[ProviderCall]) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.calls = calls  # the provider calls made for it, recorded with the failure


class GenerationRun:
    operation = "image.generate"  # what its ProviderCall rows record
    output_name = "Image"  # what a failed item's release says was not delivered

    def __init__(self, ctx: dict[str, Any], job: JobContext) -> None:
        self.ctx = ctx
        self.run_ = job.run
        self.settings = ctx["settings"]
        self.storage = ctx["storage"]
        self.organization_id = job.run.organization_id
        self.slots = asyncio.Semaphore(self.settings.generation_concurrency)

    async def run(self) -> dict[str, Any]:
        async with task_session(self.ctx) as session:
            job = await session.get(Job, self.run_.id)
            assert job is not None
            # Paid outputs are held for; a job of free outputs (video edits) has no hold.
            self.hold_id = job.hold_id
            items = await items_to_run(session, self.run_.id)
        try:
            async with asyncio.TaskGroup() as group:  # one item stopping the job (canceled) stops the others
                for item in items:
                    group.create_task(self._item(item))
        except ExceptionGroup as failures:
            # Report one cause the way run_job understands it: a stop as a stop, anything else as it is.
            _, other = failures.split(JobStopped)
            if other is not None:
                raise other.exceptions[0] from failures
            raise JobStopped() from None
        async with task_session(self.ctx) as session:
            return await _result(session, self.run_.id)

    async def _item(self, item: GenerationItem) -> None:
        async with self.slots:
            try:
                await self._make(item)
            except ItemFailed as failure:
                await self._fail(item, failure.code, failure.message, failure.calls)

    async def _make(self, item: GenerationItem) -> None:
        """The item's output from its provider, stored and settled; `ItemFailed` when there is none."""
        image, calls = await self._produce(item)
        await self._deliver(item, image, calls)

    async def _produce(self, item: GenerationItem) -> tuple[GeneratedImage, list[ProviderCall]]:
        """The item's image from its provider (with its provider calls). Edits (workers/edits.py) override this
        and reuse the rest: delivery, capture, failure and release."""
        spec = item.request
        request = ImageRequest(
            product_images=[await self.storage.get(spec["base_image_key"])],
            reference_images=[await self.storage.get(key) for key in spec["reference_keys"]],
            prompt=spec["prompt"],
            scene=spec["scene"],
            scene_type=spec["scene_type"],
            aspect_ratio=spec["aspect_ratio"],
            quality=spec["quality"],
            seed=item.seed,
            variant=item.variant,
        )
        return await self._generate(item, request)

    async def _generate(self, item: GenerationItem, request: ImageRequest) -> tuple[GeneratedImage, list[ProviderCall]]:
        provider = get_provider(self.settings, item.request["provider"])
        return await self._with_retries(item, provider.name, lambda: provider.generate(request))

    async def _with_retries(
        self, item: GenerationItem, provider_name: str, call: Callable[[], Awaitable[GeneratedImage]]
    ) -> tuple[GeneratedImage, list[ProviderCall]]:
        """One provider call, retried in place for retryable errors; `ItemFailed` when it gives up."""
        calls: list[ProviderCall] = []
        for attempt in range(1, ITEM_ATTEMPTS + 1):
            try:
                image = await asyncio.wait_for(call(), self.settings.provider_timeout_seconds)
            except (ProviderError, TimeoutError) as exc:
                calls.append(self._failed_call(item, provider_name, exc))
                await _retry_or_fail(exc, attempt, calls, timed_out="The provider did not answer in time.")
                continue
            calls.append(
                self._call(item, provider_name, image.model, image.units, image.cost_micros, image.duration_ms)
            )
            return image, calls
        raise AssertionError("unreachable")

    def _failed_call(self, item: GenerationItem, provider: str, exc: ProviderError | TimeoutError) -> ProviderCall:
        """An attempt that failed before the provider said what it made."""
        return self._call(item, provider, "", 0, 0, 0, success=False, error_code=_error_code(exc))

    def _call(
        self,
        item: GenerationItem,
        provider: str,
        model: str,
        units: float,
        cost_micros: int,
        duration_ms: int,
        *,
        success: bool = True,
        error_code: str | None = None,
    ) -> ProviderCall:
        return ProviderCall(
            organization_id=self.organization_id,
            job_id=self.run_.id,
            item_id=item.id,
            provider=provider,
            model=model or "unknown",
            operation=self.operation,
            units=units,
            cost_micros=cost_micros,
            duration_ms=duration_ms,
            success=success,
            error_code=error_code,
        )

    async def _deliver(self, item: GenerationItem, image: GeneratedImage, calls: list[ProviderCall]) -> None:
        try:
            # The provider's bytes are checked and cleaned like any upload: a malformed answer fails the item.
            processed = await asyncio.to_thread(
                process_image,
                image.png,
                max_bytes=self.settings.generated_image_max_bytes,
                max_pixels=self.settings.image_max_pixels,
                preview_side=self.settings.image_preview_max_side,
            )
        except EpoxError as exc:
            message = f"The provider returned an unusable image: {exc.detail}"
            raise ItemFailed("invalid_provider_output", message, calls) from exc
        asset_id = uuid.uuid4()
        original = await self._store(
            asset_id, "original", processed.extension, processed.original, processed.content_type
        )
        preview = await self._store(asset_id, "preview", "webp", processed.preview, "image/webp")
        await self._settle_delivered(
            item,
            calls,
            asset_id,
            type=AssetType.image,
            original_key=original,
            preview_key=preview,
            content_type=processed.content_type,
            width=processed.width,
            height=processed.height,
            size_bytes=len(processed.original),
            aspect_ratio=item.request["aspect_ratio"],
            quality=item.request["quality"],
            model=image.model,
        )

    async def _store(
        self, asset_id: uuid.UUID, variant: ImageVariant, extension: str, data: bytes, content_type: str
    ) -> str:
        """One file of a new asset, stored under its key."""
        key = asset_key(self.organization_id, asset_id, variant, extension)
        await self.storage.put(key, data, content_type=content_type)
        return key

    async def _settle_delivered(
        self, item: GenerationItem, calls: list[ProviderCall], asset_id: uuid.UUID, **stored: Any
    ) -> None:
        """One transaction: the asset (its files are stored already, `stored` says what they are), the provider
        calls, the item settled, its credits captured and the job's progress; nothing if another delivery settled
        the item first."""
        spec = item.request
        async with task_session(self.ctx) as session:
            row = await self._lock(session, item)
            if row is None or row.status.settled:
                return  # another delivery of this job settled it first
            asset = Asset(
                id=asset_id,
                organization_id=self.organization_id,
                product_id=row.product_id,
                job_id=row.job_id,
                item_id=row.id,
                parent_asset_id=uuid.UUID(spec["parent_asset_id"]) if spec.get("parent_asset_id") else None,
                prompt=spec["prompt"],
                settings=spec["settings"],
                scene_type=spec["scene_type"],
                provider=spec["provider"],
                seed=row.seed,
                credits_charged=row.credits,
                **stored,
            )
            session.add(asset)
            session.add_all(calls)
            await session.flush()
            row.status, row.asset_id, row.attempts = ItemStatus.succeeded, asset.id, row.attempts + 1
            if self.hold_id is not None and row.credits > 0:
                await CreditLedgerService(session).capture(
                    self.organization_id, self.hold_id, str(row.position), row.credits
                )
            await self._progress(session, row, {"status": "succeeded", "asset_id": str(asset.id)})

    async def _fail(self, item: GenerationItem, code: str, message: str, calls: list[ProviderCall]) -> None:
        logger.warning("generation item failed", extra={"item_id": str(item.id), "code": code})
        async with task_session(self.ctx) as session:
            row = await self._lock(session, item)
            if row is None or row.status.settled:
                return
            row.status, row.error_code, row.error_message = ItemStatus.failed, code, message[:1000]
            row.attempts += 1
            session.add_all(calls)
            if self.hold_id is not None and row.credits > 0:
                await CreditLedgerService(session).release(
                    self.organization_id,
                    self.hold_id,
                    item_key=str(row.position),
                    amount=row.credits,
                    reason=f"{self.output_name} not delivered: {code}",
                )
            await self._progress(session, row, {"status": "failed", "error_code": code})

    async def _lock(self, session: Any, item: GenerationItem) -> GenerationItem | None:
        """Settling an item locks its job first, then the item (then the ledger, then the job again for progress):
        one order for every item of the job, so two finishing at once queue instead of deadlocking."""
        await session.get(Job, self.run_.id, with_for_update=True)
        row: GenerationItem | None = await session.get(GenerationItem, item.id, with_for_update=True)
        return row

    async def _progress(self, session: Any, row: GenerationItem, event: dict[str, Any]) -> None:
        """The job's counters from the items themselves (items finish in any order); a canceled job rolls the
        whole item back, so nothing is delivered or charged after a cancel."""
        counts = dict(
            (
                await session.execute(
                    select(GenerationItem.status, func.count())
                    .where(GenerationItem.job_id == row.job_id)
                    .group_by(GenerationItem.status)
                )
            ).all()
        )
        alive = await JobService(session).progress(
            self.run_,
            done=counts.get(ItemStatus.succeeded, 0),
            failed=counts.get(ItemStatus.failed, 0),
            item={"item_id": str(row.id), "position": row.position, "product_id": str(row.product_id), **event},
        )
        if not alive:
            raise JobStopped()


def _error_code(exc: ProviderError | TimeoutError) -> str:
    return exc.code if isinstance(exc, ProviderError) else "provider_timeout"


async def _retry_or_fail(
    exc: ProviderError | TimeoutError,
    attempt: int,
    calls: list[ProviderCall],
    *,
    timed_out: str,
    retry_timeout: bool = True,
) -> None:
    """After a failed provider attempt: wait before the next one (what the provider asked, else a growing
    backoff), or raise `ItemFailed` with the calls made when the error is final or the attempts are spent."""
    error = exc if isinstance(exc, ProviderError) else None
    retryable = error.retryable if error else retry_timeout
    if not retryable or attempt == ITEM_ATTEMPTS:
        raise ItemFailed(_error_code(exc), error.message if error else timed_out, calls) from exc
    wait = error.retry_after if error and error.retry_after is not None else 0.5 * 2 ** (attempt - 1)
    await asyncio.sleep(min(wait, 30.0))


async def _result(session: Any, job_id: uuid.UUID) -> dict[str, Any]:
    rows = (await session.scalars(select(GenerationItem).where(GenerationItem.job_id == job_id))).all()
    delivered = [row for row in rows if row.status == ItemStatus.succeeded]
    return {
        "delivered": len(delivered),
        "failed": sum(1 for row in rows if row.status == ItemStatus.failed),
        "credits_charged": sum(row.credits for row in delivered),
    }


# --- video clips ------------------------------------------------------------------------------------------------


async def generate_videos(ctx: dict[str, Any], job_id: str) -> None:
    """arq task (video queue): run one delivery of a video generation job (a duplicate delivery does nothing)."""
    await run_job(ctx, job_id, lambda job: VideoRun(ctx, job).run())


async def edit_video(ctx: dict[str, Any], job_id: str) -> None:
    """arq task (video queue): run one delivery of a video edit job (trim, reframe, mute; free)."""
    await run_job(ctx, job_id, lambda job: VideoEditRun(ctx, job).run())


class VideoRun(GenerationRun):
    """Clips instead of images: the same items, holds, captures and releases. A hosted model's clip takes
    minutes: while it waits, the adapter's heartbeat renews the job's lease and stops (canceling the vendor's
    operation) when the job was canceled. The clip is decoded and checked before it is stored with its poster
    (the asset's WebP preview) and a small preview clip."""

    operation = "video.generate"
    output_name = "Video"

    def __init__(self, ctx: dict[str, Any], job: JobContext) -> None:
        super().__init__(ctx, job)
        self.policy: VideoPolicy = ctx.get("video_policy") or DEFAULT_VIDEO_POLICY

    async def _make(self, item: GenerationItem) -> None:
        video, calls = await self._produce_video(item)
        await self._deliver_video(item, video, calls)

    async def _heartbeat(self) -> None:
        async with task_session(self.ctx) as session:
            alive = await JobService(session).progress(self.run_)
        if not alive:
            raise JobStopped()

    async def _produce_video(self, item: GenerationItem) -> tuple[GeneratedVideo, list[ProviderCall]]:
        spec = item.request
        try:
            provider = get_video_provider(self.settings, spec["provider"], self.policy)
        except EpoxError as exc:  # the provider was unconfigured since the request was accepted
            raise ItemFailed("provider_not_available", exc.detail, []) from exc
        try:
            still = await self.storage.get(spec["still_key"])
            compose = await self._compose(item) if provider.name == "local" else None
        except StoredFileNotFound as exc:
            raise ItemFailed("source_missing", "The image the clip starts from is no longer stored.", []) from exc
        request = VideoRequest(
            still=still, compose=compose, prompt=spec["prompt"], options=_options(spec), seed=item.seed
        )
        recorded: list[ProviderCall] = []
        for attempt in range(1, ITEM_ATTEMPTS + 1):
            calls: list[VendorCall] = []
            try:
                # The adapters keep their own deadline; this one only guards against a render that never ends.
                video = await asyncio.wait_for(
                    provider.generate_video(request, calls, self._heartbeat), self.policy.operation_timeout + 120
                )
            except (ProviderError, TimeoutError) as exc:
                recorded += [self._vendor_call(item, provider.name, call) for call in calls]
                if not calls:
                    recorded.append(self._failed_call(item, provider.name, exc))
                # A clip not made in time fails rather than being paid for again (providers/video_operations.py).
                await _retry_or_fail(
                    exc, attempt, recorded, timed_out="The video was not made in time.", retry_timeout=False
                )
                continue
            except UnsupportedOption as exc:  # the provider's options changed since the request was accepted
                raise ItemFailed("unsupported_option", exc.detail, recorded) from exc
            return video, recorded + [self._vendor_call(item, provider.name, call) for call in calls]
        raise AssertionError("unreachable")

    async def _compose(self, item: GenerationItem) -> ImageRequest | None:
        """How the local pipeline composes the still into layers (a product photo, or a still it composed)."""
        recipe = item.request.get("compose")
        if not recipe:
            return None
        return ImageRequest(
            product_images=[await self.storage.get(recipe["base_image_key"])],
            reference_images=[await self.storage.get(key) for key in recipe.get("reference_keys") or []],
            scene=recipe.get("scene") or {},
            scene_type=recipe.get("scene_type") or "studio",
            aspect_ratio=item.request["aspect_ratio"],
            quality="2k",
            seed=recipe["seed"] if recipe.get("seed") is not None else item.seed,
            variant=recipe["variant"] if recipe.get("variant") is not None else item.variant,
        )

    def _vendor_call(self, item: GenerationItem, provider: str, call: VendorCall) -> ProviderCall:
        row = self._call(
            item,
            provider,
            call.model,
            call.units,
            call.cost_micros,
            call.duration_ms,
            success=call.success,
            error_code=call.error_code,
        )
        row.operation = call.operation
        return row

    async def _deliver_video(self, item: GenerationItem, video: GeneratedVideo, calls: list[ProviderCall]) -> None:
        from api.generation import video_media  # PyAV: loaded by the worker only

        try:
            if video.preview_mp4 is not None and video.poster_webp is not None:
                stored = await asyncio.to_thread(video_media.finished, video.mp4, video.preview_mp4, video.poster_webp)
            else:
                stored = await asyncio.to_thread(video_media.store_ready, video.mp4)
        except video_media.InvalidVideo as exc:
            raise ItemFailed(
                "invalid_provider_output", f"The provider returned an unusable video: {exc}", calls
            ) from exc
        info = stored.info
        asset_id = uuid.uuid4()
        original = await self._store(asset_id, "original", "mp4", stored.mp4, "video/mp4")
        preview_clip = await self._store(asset_id, "preview", "mp4", stored.preview_mp4, "video/mp4")
        poster = await self._store(asset_id, "preview", "webp", stored.poster_webp, "image/webp")
        await self._settle_delivered(
            item,
            calls,
            asset_id,
            type=AssetType.video,
            original_key=original,
            preview_key=poster,
            preview_video_key=preview_clip,
            content_type="video/mp4",
            width=info.width,
            height=info.height,
            duration_ms=round(info.duration_s * 1000),
            fps=info.fps,
            codec=info.codec,
            has_audio=info.has_audio,
            size_bytes=info.size_bytes,
            aspect_ratio=aspect_label(info.width, info.height),
            quality=resolution_label(info.width, info.height),
            model=video.model,
        )


def _options(spec: dict[str, Any]) -> VideoOptions:
    return VideoOptions(
        aspect_ratio=spec["aspect_ratio"],
        resolution=spec["resolution"],
        duration_s=int(spec["duration_s"]),
        fps=int(spec["fps"]),
        camera_motion=spec["camera_motion"],
    )


class VideoEditRun(VideoRun):
    """Trim, reframe or mute one clip into a new asset (the source is only read). Free: no hold, nothing captured.
    A refused edit (a range the clip does not have) fails the job with its reason."""

    output_name = "Edited video"

    async def _produce_video(self, item: GenerationItem) -> tuple[GeneratedVideo, list[ProviderCall]]:
        from api.generation import video_media  # PyAV: loaded by the worker only

        spec = item.request
        try:
            source = await self.storage.get(spec["source_key"])
        except StoredFileNotFound as exc:
            raise ItemFailed("source_missing", "The clip to edit is no longer stored.", []) from exc
        params = spec["params"]
        started = time.perf_counter()
        try:
            if spec["operation"] == "trim":
                clip = await asyncio.to_thread(video_media.trim, source, params["start_s"], params["end_s"])
            elif spec["operation"] == "reframe":
                clip = await asyncio.to_thread(
                    video_media.reframe, source, params["aspect"], params["focus_x"], params["focus_y"]
                )
            else:
                clip = await asyncio.to_thread(video_media.mute, source)
        except video_media.InvalidVideo as exc:
            raise ItemFailed("invalid_edit", f"The clip could not be edited: {exc}", []) from exc
        elapsed = round((time.perf_counter() - started) * 1000)
        return GeneratedVideo(mp4=clip, model=EDITOR_MODEL, units=0.0, cost_micros=0, duration_ms=elapsed), []

    async def run(self) -> dict[str, Any]:
        result = await super().run()
        async with task_session(self.ctx) as session:
            item = await session.scalar(select(GenerationItem).where(GenerationItem.job_id == self.run_.id))
        assert item is not None
        if item.status == ItemStatus.failed:
            raise PermanentJobError(
                item.error_code or "edit_failed", item.error_message or "The edit failed.", result=result
            )
        return {**result, "asset_id": str(item.asset_id) if item.asset_id else None}
