"""Reviewing assets and making revisions of them.

Review: pin, favorite and approve (who and when are recorded) with optimistic concurrency (every change bumps
`version`; a write naming an older one is refused with 412, never applied over the newer state); the trash (soft
delete, restore within `TRASH_DAYS` days, then the reconciler removes the files and the row:
workers/cron.py `purge_trashed_assets`); batches of up to 500 ids done with one set-based UPDATE, answering per
asset.

Revisions: an edit never changes its source. Instant operations (crop, resize, rotate, flip, adjust; free) run
here with Pillow (api/assets/editor.py) and answer the new asset at once. AI operations (instruction edit,
upscale, background removal) are priced by the cost table, held like a generation, and run as a one-item job on
the image queue (workers/edits.py), which reuses the generation worker's delivery: the asset is stored and the
item captured in one transaction, or the item fails and its credits are released. Video edits (trim, reframe,
mute; free) are checked here against the clip and run the same way as a one-item job on the video queue, with
nothing held (workers/generation.py `VideoEditRun`).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import io
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from PIL import Image
from pydantic import ValidationError
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from api.assets import editor
from api.assets.exceptions import (
    AssetDeleted,
    AssetNotFound,
    InvalidEdit,
    RestoreWindowPassed,
    VersionConflict,
    VersionRequired,
)
from api.assets.repository import AssetFilters, AssetRepository, AssetState
from api.assets.schemas import (
    EDIT_KEY,
    INSTANT_OPERATIONS,
    MIN_TRIM_SECONDS,
    PARAMS,
    TRASH_DAYS,
    TRASH_RETENTION,
    VIDEO_OPERATIONS,
    AiEditParams,
    BatchAction,
    BatchError,
    BatchResult,
    CropParams,
    EditRequest,
    FlipParams,
    ReframeParams,
    ResizeParams,
    RotateParams,
    TrimParams,
    UpscaleParams,
)
from api.core.config import Settings
from api.core.errors import InvalidInput
from api.core.pagination import PageParams, paginate
from api.core.queue import IMAGE_QUEUE, VIDEO_QUEUE
from api.core.storage import Storage, asset_key, validate_key
from api.core.time import utc_now
from api.credits.service import CreditLedgerService
from api.generation.exceptions import ProviderNotAvailable
from api.generation.providers.base import (
    QUALITY_LONG_SIDE,
    EditOperation,
    ImageEditor,
    editor_for,
    supports_edit,
)
from api.generation.registry import get_provider
from api.jobs.service import Creator, JobService
from api.models import Approval, Asset, AssetType, GenerationItem, Job, JobKind, Organization

EDIT_TASK = "edit_asset"
EDITOR_PROVIDER, EDITOR_MODEL = "editor", "epox-editor-1"
EDIT_TIMEOUT_SECONDS = 300
EDIT_ATTEMPTS = 3
HOLD_MARGIN = timedelta(minutes=30)
MAX_MASK_BYTES = 6 * 1_048_576

# The cost table's operation for each edit (design/domain.md, cost table; flip is priced like rotate: free).
COST_OPERATION: dict[str, str] = {
    "crop": "crop",
    "resize": "resize",
    "rotate": "rotate",
    "flip": "rotate",
    "adjust": "adjust",
    "ai_edit": "ai_edit",
    "upscale": "upscale",
    "remove_background": "background_removal",
    # Video edits are free: a trim is the cost table's own "trim"; a reframe crops; a mute is a cut of the sound.
    "trim": "trim",
    "reframe": "crop",
    "mute": "trim",
}
VIDEO_EDIT_TASK = "edit_video"
VIDEO_EDIT_TIMEOUT_SECONDS = 600
JOB_KIND: dict[str, JobKind] = {
    "ai_edit": JobKind.edit,
    "upscale": JobKind.upscale,
    "remove_background": JobKind.background_removal,
}


async def on_approved(
    session: AsyncSession,
    organization_id: uuid.UUID,
    asset_ids: Sequence[uuid.UUID],
    *,
    approved_by_user_id: uuid.UUID | None,
) -> None:
    """The hook for what approval sets off. Called once per PATCH or batch, inside the request's transaction, with
    the assets that have just become approved (never with ones that already were).

    Store publishing plugs in here: when the product's store connection has auto-sync on, the sync jobs are created
    (api/stores/publish.py `auto_publish`; assets that cannot be published are skipped, never failing the approval)."""
    from api.stores.publish import auto_publish  # the store domain builds on assets, not the other way round

    await auto_publish(session, None, organization_id, asset_ids)


@dataclass(frozen=True)
class EditJob:
    job: Job
    source: Asset
    operation: str
    credits_held: int


def parse_if_match(value: str | None) -> int | None:
    """The version an `If-Match` header names (`"3"`, `W/"3"`); -1 for one that cannot match any version."""
    if value is None:
        return None
    tag = value.strip()
    if tag.startswith("W/"):
        tag = tag[2:]
    tag = tag.strip('"')
    return int(tag) if tag.isdigit() else -1


def etag(asset: Asset) -> str:
    return f'"{asset.version}"'


class AssetService:
    def __init__(
        self, session: AsyncSession, organization_id: uuid.UUID, *, settings: Settings, storage: Storage
    ) -> None:
        self.session = session
        self.organization_id = organization_id
        self.settings = settings
        self.storage = storage
        self.assets = AssetRepository(session, organization_id)

    # --- reading -----------------------------------------------------------------------------------------------

    async def get(self, asset_id: uuid.UUID) -> Asset:
        """The asset, also when it is in the trash (until it is purged)."""
        found = await self.assets.get(asset_id)
        if found is None:
            raise AssetNotFound()
        return found

    async def live(self, asset_id: uuid.UUID) -> Asset:
        """The asset, not in the trash (409 when it is: restore it first)."""
        found = await self.get(asset_id)
        if found.deleted_at is not None:
            raise AssetDeleted()
        return found

    async def search(self, filters: AssetFilters, params: PageParams) -> tuple[list[Asset], str | None]:
        statement = self.assets.library(filters)
        return await paginate(self.session, statement, params, order_by=(Asset.created_at, Asset.id))

    async def revisions(self, asset_id: uuid.UUID) -> tuple[uuid.UUID, list[Asset]]:
        await self.get(asset_id)
        chain = await self.assets.chain(asset_id)
        root = next((asset for asset in chain if asset.parent_asset_id is None), chain[0])
        return root.id, [asset for asset in chain if asset.deleted_at is None or asset.id == asset_id]

    async def download_key(self, asset_id: uuid.UUID, format: Literal["original", "webp"]) -> str:
        asset = await self.live(asset_id)
        return asset.original_key if format == "original" else asset.preview_key

    # --- review ------------------------------------------------------------------------------------------------

    async def update(
        self,
        asset_id: uuid.UUID,
        changes: dict[str, Any],
        *,
        version: int | None,
        if_match: str | None,
        user_id: uuid.UUID | None,
        now: datetime | None = None,
    ) -> Asset:
        """Change pinned / favorite / approval, only if the asset is still at the version the caller read."""
        current = await self.live(asset_id)
        expected = _expected_version(version, if_match)
        values: dict[str, Any] = {}
        for name in ("pinned", "favorite"):
            if changes.get(name) is not None and changes[name] != getattr(current, name):
                values[name] = changes[name]
        approval: Approval | None = changes.get("approval")
        if approval is not None and approval != current.approval:
            decided = approval != Approval.pending
            values.update(
                approval=approval,
                approved_by_user_id=user_id if decided else None,
                approved_at=(now or utc_now()) if decided else None,
            )
        if not values:
            if expected != current.version:
                raise VersionConflict(current.version)
            return current
        updated = await self.assets.update_versioned(asset_id, expected, values)
        if updated is None:
            fresh = await self._fresh(asset_id)
            raise VersionConflict(fresh.version)
        if values.get("approval") == Approval.approved:
            await on_approved(self.session, self.organization_id, [updated.id], approved_by_user_id=user_id)
        return updated

    async def _fresh(self, asset_id: uuid.UUID) -> Asset:
        self.session.expire_all()
        found = await self.get(asset_id)
        if found.deleted_at is not None:
            raise AssetDeleted()
        return found

    async def delete(self, asset_id: uuid.UUID, *, now: datetime | None = None) -> None:
        """To the trash (restorable for `TRASH_DAYS` days); deleting a trashed asset again changes nothing."""
        await self.get(asset_id)
        await self.assets.update_many([asset_id], {"deleted_at": now or utc_now()}, Asset.deleted_at.is_(None))

    async def restore(self, asset_id: uuid.UUID, *, now: datetime | None = None) -> Asset:
        asset = await self.get(asset_id)
        if asset.deleted_at is None:
            return asset
        cutoff = (now or utc_now()) - TRASH_RETENTION
        changed = await self.assets.update_many([asset_id], {"deleted_at": None}, Asset.deleted_at >= cutoff)
        if not changed:
            raise RestoreWindowPassed(f"Assets can be restored for {TRASH_DAYS} days after deletion.")
        self.session.expire_all()
        return await self.get(asset_id)

    async def batch(
        self,
        action: BatchAction,
        asset_ids: Sequence[uuid.UUID],
        *,
        creator: Creator,
        product_id: uuid.UUID | None = None,
        now: datetime | None = None,
    ) -> list[BatchResult]:
        """One action on up to 500 assets: one read of their state, one UPDATE of those it changes, and a result
        per asset (unknown ids, another workspace's ids, trashed ones are reported, not skipped silently)."""
        if action == BatchAction.publish:
            return await self._publish_many(asset_ids, product_id, creator)
        user_id = creator.user_id
        now = now or utc_now()
        ids = list(dict.fromkeys(asset_ids))
        states = await self.assets.states(ids)
        rule = _batch_rule(action, user_id, now)
        errors: dict[uuid.UUID, BatchError] = {}
        eligible: list[uuid.UUID] = []
        for asset_id in ids:
            state = states.get(asset_id)
            error = _missing() if state is None else rule.refuse(state)
            if error is not None:
                errors[asset_id] = error
            else:
                eligible.append(asset_id)
        pending = [asset_id for asset_id in eligible if not rule.done(states[asset_id])]
        changed = set(await self.assets.update_many(pending, rule.values, *rule.conditions))
        for asset_id in pending:
            if asset_id not in changed:  # changed by someone else between the read and the update
                errors[asset_id] = BatchError(code="conflict", detail="The asset changed meanwhile; try it again.")
        if action == BatchAction.approve and changed:
            await on_approved(
                self.session, self.organization_id, [i for i in pending if i in changed], approved_by_user_id=user_id
            )
        return [BatchResult(asset_id=i, ok=i not in errors, error=errors.get(i)) for i in ids]

    async def _publish_many(
        self, asset_ids: Sequence[uuid.UUID], product_id: uuid.UUID | None, creator: Creator
    ) -> list[BatchResult]:
        """A sync job per asset through store publishing, each refused one with the code its single publish gives."""
        from api.stores.publish import PublishOptions, PublishService  # the store domain builds on assets

        publisher = PublishService(self.session, self.organization_id, self.settings)
        outcomes = await publisher.publish_many(asset_ids, PublishOptions(product_id=product_id), creator)
        return [
            BatchResult(
                asset_id=outcome.asset_id,
                ok=outcome.error is None,
                error=BatchError(code=outcome.error.code, detail=outcome.error.detail) if outcome.error else None,
                sync_record_id=outcome.record.id if outcome.record else None,
            )
            for outcome in outcomes
        ]

    # --- edits -------------------------------------------------------------------------------------------------

    async def edit(self, asset_id: uuid.UUID, request: EditRequest, creator: Creator) -> Asset | EditJob:
        source = await self.live(asset_id)
        params = _parse_params(request.operation, request.params)
        if source.type == AssetType.video:
            if request.operation not in VIDEO_OPERATIONS:
                raise InvalidEdit("operation", "A video can be trimmed, reframed or muted.")
            return await self._video_edit(source, request.operation, params, creator)
        if request.operation in VIDEO_OPERATIONS:
            raise InvalidEdit("operation", f"{request.operation} is a video edit; this asset is an image.")
        if request.operation in INSTANT_OPERATIONS:
            return await self._instant(source, request.operation, params)
        return await self._ai(source, request, params, creator)

    async def _instant(self, source: Asset, operation: str, params: Any) -> Asset:
        data = await self.storage.get(source.original_key)
        try:
            encoded = await asyncio.to_thread(
                _apply_instant, data, operation, params, source.content_type, self.settings.image_preview_max_side
            )
        except editor.EditRefused as exc:
            raise InvalidEdit(exc.field, exc.message) from exc
        asset_id = uuid.uuid4()
        original = asset_key(self.organization_id, asset_id, "original", encoded.extension)
        preview = asset_key(self.organization_id, asset_id, "preview", "webp")
        await self.storage.put(original, encoded.original, content_type=encoded.content_type)
        await self.storage.put(preview, encoded.preview, content_type="image/webp")
        asset = Asset(
            id=asset_id,
            organization_id=self.organization_id,
            type=AssetType.image,
            product_id=source.product_id,
            parent_asset_id=source.id,
            original_key=original,
            preview_key=preview,
            content_type=encoded.content_type,
            width=encoded.width,
            height=encoded.height,
            size_bytes=len(encoded.original),
            prompt=source.prompt,
            settings=_revision_settings(source, operation, params.model_dump(mode="json")),
            scene_type=source.scene_type,
            aspect_ratio=editor.aspect_label(encoded.width, encoded.height),
            quality=editor.quality_label(encoded.width, encoded.height),
            provider=EDITOR_PROVIDER,
            model=EDITOR_MODEL,
            seed=source.seed,
            credits_charged=0,
        )
        self.session.add(asset)
        await self.session.flush()
        await self.session.refresh(asset)
        return asset

    async def _ai(self, source: Asset, request: EditRequest, params: Any, creator: Creator) -> EditJob:
        operation: EditOperation = request.operation  # type: ignore[assignment]  # not instant: an AI operation
        provider = await self._edit_provider(request.provider, operation)
        cost_params: dict[str, object] = {}
        quality = source.quality
        if isinstance(params, UpscaleParams):
            target = QUALITY_LONG_SIDE[params.quality]
            if max(source.width, source.height) >= target:
                raise InvalidEdit(
                    "params.quality",
                    f"The image is already {max(source.width, source.height)} px on its long side; "
                    f"upscaling to {params.quality} would not make it larger.",
                )
            cost_params["quality"] = quality = params.quality
        mask = await asyncio.to_thread(_decode_mask, params.mask) if isinstance(params, AiEditParams) else None
        quote = (await CreditLedgerService(self.session).cost_table()).quote(COST_OPERATION[operation], cost_params)
        job = await JobService(self.session).create(
            self.organization_id,
            kind=JOB_KIND[operation],
            task=EDIT_TASK,
            queue=IMAGE_QUEUE,
            params={"operation": operation, "asset_id": str(source.id), "provider": provider.name},
            created_by=creator,
            max_attempts=EDIT_ATTEMPTS,
            timeout_seconds=EDIT_TIMEOUT_SECONDS,
            total=1,
        )
        held = await CreditLedgerService(self.session).hold(
            self.organization_id,
            quote.credits,
            expires_at=utc_now() + timedelta(seconds=EDIT_TIMEOUT_SECONDS * EDIT_ATTEMPTS) + HOLD_MARGIN,
            job_id=job.id,
            cost_table_version=quote.cost_table_version,
            reason=f"AI edit: {operation}",
        )
        job.hold_id = held.id
        mask_key = None
        if mask is not None:
            mask_key = validate_key(f"org/{self.organization_id}/edits/{job.id}/mask.png")
            await self.storage.put(mask_key, mask, content_type="image/png")
        recorded = params.model_dump(mode="json", exclude={"mask"})
        if mask is not None:
            recorded["mask"] = True
        self.session.add(
            GenerationItem(
                organization_id=self.organization_id,
                job_id=job.id,
                position=0,
                product_id=source.product_id,
                variant=0,
                seed=source.seed or secrets.randbelow(2**31),
                credits=quote.credits,
                request={
                    # What workers/edits.py needs to run the edit ...
                    "provider": provider.name,
                    "operation": operation,
                    "source_key": source.original_key,
                    "mask_key": mask_key,
                    "instruction": params.instruction if isinstance(params, AiEditParams) else "",
                    "target_quality": params.quality if isinstance(params, UpscaleParams) else None,
                    # ... and what workers/generation.py writes on the delivered asset.
                    "parent_asset_id": str(source.id),
                    "prompt": source.prompt,
                    "settings": _revision_settings(source, operation, recorded),
                    "scene_type": source.scene_type,
                    "aspect_ratio": source.aspect_ratio,
                    "quality": quality,
                },
            )
        )
        await self.session.flush()
        return EditJob(job=job, source=source, operation=operation, credits_held=quote.credits)

    async def _video_edit(self, source: Asset, operation: str, params: Any, creator: Creator) -> EditJob:
        """Trim, reframe or mute a clip: checked against the clip now, done by the video worker (PyAV stays out of
        the web process) as a one-item job without a hold (free), answered 202 like the AI edits."""
        recorded = params.model_dump(mode="json")
        aspect_ratio = source.aspect_ratio
        if isinstance(params, TrimParams):
            recorded = _check_trim(source, params)
        elif isinstance(params, ReframeParams):
            if params.aspect == source.aspect_ratio:
                raise InvalidEdit("params.aspect", f"The clip is {source.aspect_ratio} already; choose another ratio.")
            aspect_ratio = params.aspect
        elif not source.has_audio:
            raise InvalidEdit("operation", "The clip has no sound to mute.")
        job = await JobService(self.session).create(
            self.organization_id,
            kind=JobKind.edit,
            task=VIDEO_EDIT_TASK,
            queue=VIDEO_QUEUE,
            params={"operation": operation, "asset_id": str(source.id), "provider": EDITOR_PROVIDER},
            created_by=creator,
            max_attempts=EDIT_ATTEMPTS,
            timeout_seconds=VIDEO_EDIT_TIMEOUT_SECONDS,
            total=1,
        )
        self.session.add(
            GenerationItem(
                organization_id=self.organization_id,
                job_id=job.id,
                position=0,
                product_id=source.product_id,
                variant=0,
                seed=source.seed,
                credits=0,
                request={
                    # What the video worker (workers/generation.py, VideoEditRun) needs to cut the clip ...
                    "kind": "video_edit",
                    "provider": EDITOR_PROVIDER,
                    "operation": operation,
                    "source_key": source.original_key,
                    "params": recorded,
                    # ... and what it writes on the delivered asset.
                    "parent_asset_id": str(source.id),
                    "prompt": source.prompt,
                    "settings": _revision_settings(source, operation, recorded),
                    "scene_type": source.scene_type,
                    "aspect_ratio": aspect_ratio,
                },
            )
        )
        await self.session.flush()
        return EditJob(job=job, source=source, operation=operation, credits_held=0)

    async def _edit_provider(self, requested: str | None, operation: EditOperation) -> ImageEditor:
        """The named provider (refused when it cannot do this edit); else the workspace's provider when it can,
        else the built-in local one."""
        if requested:
            return editor_for(get_provider(self.settings, requested), operation)
        organization = await self.session.get(Organization, self.organization_id)
        assert organization is not None
        try:
            default = get_provider(self.settings, organization.default_provider)
        except ProviderNotAvailable:
            default = get_provider(self.settings, "local")
        if supports_edit(default, operation):
            return editor_for(default, operation)
        return editor_for(get_provider(self.settings, "local"), operation)


# --- helpers ---------------------------------------------------------------------------------------------------


def _check_trim(source: Asset, params: TrimParams) -> dict[str, Any]:
    """A trim inside the clip and at least a second long once its ends are on frames; what is recorded."""
    duration = (source.duration_ms or 0) / 1000
    fps = source.fps or 0.0
    if params.end_s > duration + 1e-6:
        raise InvalidEdit("params.end_s", f"The clip is {duration:g} s long; end_s must be at most that.")
    if fps <= 0:
        raise InvalidEdit("operation", "The clip has no frame rate recorded; it cannot be trimmed.")
    first, end = round(params.start_s * fps), min(round(params.end_s * fps), round(duration * fps))
    if (end - first) / fps < MIN_TRIM_SECONDS - 1e-6:
        raise InvalidEdit("params.end_s", f"The trimmed clip must be at least {MIN_TRIM_SECONDS:g} s long.")
    return {"start_s": first / fps, "end_s": end / fps}


def _expected_version(version: int | None, if_match: str | None) -> int:
    from_header = parse_if_match(if_match)
    if from_header is None and version is None:
        raise VersionRequired()
    if from_header is not None and version is not None and from_header != version:
        raise InvalidInput("version", "If-Match and version name different versions; send one.")
    expected = from_header if from_header is not None else version
    assert expected is not None
    return expected


def _missing() -> BatchError:
    return BatchError(code="asset_not_found", detail="No such asset in this workspace.")


@dataclass(frozen=True)
class _BatchRule:
    """What an action writes, which assets it refuses, which already are as asked (ok, unchanged), and the SQL
    condition that keeps the UPDATE from touching those."""

    values: dict[str, Any]
    conditions: tuple[ColumnElement[bool], ...]
    done: Callable[[AssetState], bool]
    refuse: Callable[[AssetState], BatchError | None]


def _refuse_trashed(state: AssetState) -> BatchError | None:
    if state.deleted_at is not None:
        return BatchError(code="asset_deleted", detail="The asset is in the trash: restore it first.")
    return None


def _batch_rule(action: BatchAction, user_id: uuid.UUID | None, now: datetime) -> _BatchRule:
    live = Asset.deleted_at.is_(None)
    if action in (BatchAction.approve, BatchAction.reject):
        approval = Approval.approved if action == BatchAction.approve else Approval.rejected
        return _BatchRule(
            {"approval": approval, "approved_by_user_id": user_id, "approved_at": now},
            (live, Asset.approval != approval),
            lambda state: state.approval == approval,
            _refuse_trashed,
        )
    flags = {
        BatchAction.pin: ("pinned", True),
        BatchAction.unpin: ("pinned", False),
        BatchAction.favorite: ("favorite", True),
        BatchAction.unfavorite: ("favorite", False),
    }
    if action in flags:
        name, value = flags[action]
        column = Asset.pinned if name == "pinned" else Asset.favorite
        return _BatchRule(
            {name: value},
            (live, column.is_not(value)),
            lambda state: getattr(state, name) is value,
            _refuse_trashed,
        )
    if action == BatchAction.delete:
        return _BatchRule({"deleted_at": now}, (live,), lambda state: state.deleted_at is not None, lambda state: None)
    cutoff = now - TRASH_RETENTION

    def too_late(state: AssetState) -> BatchError | None:
        if state.deleted_at is not None and state.deleted_at < cutoff:
            return BatchError(
                code="restore_window_passed", detail=f"Assets can be restored for {TRASH_DAYS} days after deletion."
            )
        return None

    return _BatchRule(
        {"deleted_at": None}, (Asset.deleted_at >= cutoff,), lambda state: state.deleted_at is None, too_late
    )


def _parse_params(operation: str, raw: dict[str, Any]) -> Any:
    try:
        return PARAMS[operation].model_validate(raw)
    except ValidationError as exc:
        errors = [
            {
                "field": ".".join(["params", *(str(part) for part in error["loc"])]),
                "message": error["msg"],
                "type": error["type"],
            }
            for error in exc.errors()
        ]
        first = errors[0]
        problem = InvalidEdit(first["field"], f"{first['field']}: {first['message']}")
        problem.extra["errors"] = errors
        raise problem from exc


def _revision_settings(source: Asset, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    settings = {key: value for key, value in source.settings.items() if key != EDIT_KEY}
    return {**settings, EDIT_KEY: {"operation": operation, "params": params}}


def _apply_instant(data: bytes, operation: str, params: Any, content_type: str, preview_side: int) -> editor.Encoded:
    image = editor.open_image(data)
    if isinstance(params, CropParams):
        if params.aspect is not None:
            box = editor.aspect_box(image.width, image.height, params.aspect)
        else:
            box = (params.x or 0, params.y or 0, params.width or 0, params.height or 0)  # all set: CropParams checks
        result = editor.crop(image, box)
    elif isinstance(params, ResizeParams):
        result = editor.resize(image, editor.resize_size(image.width, image.height, params.width, params.height))
    elif isinstance(params, RotateParams):
        result = editor.rotate(image, params.degrees)
    elif isinstance(params, FlipParams):
        result = editor.flip(image, params.direction)
    else:
        result = editor.adjust(image, editor.Adjustments(**params.model_dump()))
    assert operation in INSTANT_OPERATIONS
    return editor.encode(result, content_type, preview_side)


def _decode_mask(encoded: str | None) -> bytes | None:
    """The mask as PNG bytes, checked to be a readable image of sane size (blocking: run in a thread)."""
    if encoded is None:
        return None
    try:
        data = base64.b64decode(encoded.split(",", 1)[-1], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidEdit("params.mask", "The mask must be a base64-encoded PNG.") from exc
    if len(data) > MAX_MASK_BYTES:
        raise InvalidEdit("params.mask", "The mask is larger than 6 MB.")
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as opened:
            if opened.width * opened.height > 40_000_000:
                raise InvalidEdit("params.mask", "The mask has too many pixels.")
            opened.load()
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidEdit("params.mask", "The mask must be a base64-encoded PNG.") from exc
    return data
