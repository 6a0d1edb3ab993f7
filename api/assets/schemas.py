from __future__ import annotations

import enum
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from api.assets import editor
from api.core.pagination import Page
from api.core.schemas import RequestModel, ResponseModel
from api.jobs.schemas import JobOut
from api.models import Approval, Asset, AssetSyncState, AssetType

MAX_BATCH = 500
TRASH_DAYS = 30
TRASH_RETENTION = timedelta(days=TRASH_DAYS)
EDIT_KEY = "edit"  # where a revision records its edit, inside the stored settings document


class EditInfo(ResponseModel):
    operation: str
    params: dict[str, Any]


class AssetOut(ResponseModel):
    id: uuid.UUID
    type: AssetType
    product_id: uuid.UUID | None
    product_ids: list[uuid.UUID] = Field(description="The products the asset shows.")
    job_id: uuid.UUID | None
    parent_asset_id: uuid.UUID | None
    parent_id: uuid.UUID | None = Field(description="The asset this one is an edit of (same as parent_asset_id).")
    edit: EditInfo | None = Field(description="For a revision: the edit that made it from its parent.")
    width: int
    height: int
    duration_ms: int | None = Field(description="Videos: length in milliseconds (null for images).")
    fps: float | None = Field(description="Videos: frames per second.")
    codec: str | None = Field(description='Videos: the video codec ("h264").')
    has_audio: bool | None = Field(description="Videos: whether the clip has a sound track (mute removes it).")
    content_type: str
    size_bytes: int
    prompt: str
    settings: dict[str, Any] = Field(description="Each bubble's resolved values with the level they came from.")
    scene_type: str
    aspect_ratio: str
    quality: str
    provider: str
    model: str
    seed: int
    credits_charged: int
    pinned: bool
    favorite: bool
    approval: Approval
    approved_by_user_id: uuid.UUID | None = Field(description="Who approved or rejected it (null for an API key).")
    approved_at: datetime | None = Field(description="When it was approved or rejected.")
    sync_state: AssetSyncState
    sync_error: str | None
    external_id: str | None
    version: int = Field(description="Bumped by every change; send it back (or the ETag) to PATCH.")
    deleted_at: datetime | None = Field(description="When it went to the trash (null when it is not there).")
    purge_at: datetime | None = Field(description="When a trashed asset and its files are removed for good.")
    preview_url: str = Field(description="Signed, time-limited URL of the WebP preview (a video's poster frame).")
    original_url: str = Field(
        description="Signed, time-limited URL of the original (PNG, JPEG or WebP; MP4 for a video, served with "
        "HTTP Range support for seeking)."
    )
    poster_url: str | None = Field(description="Videos: the poster frame (WebP), shown before playing.")
    preview_video_url: str | None = Field(description="Videos: a small MP4 of the clip for grids and hovering.")
    created_at: datetime

    @classmethod
    def of(cls, asset: Asset, sign: Callable[[str], str]) -> AssetOut:
        settings = dict(asset.settings)
        edit = settings.pop(EDIT_KEY, None)
        return cls(
            id=asset.id,
            type=asset.type,
            product_id=asset.product_id,
            product_ids=[asset.product_id] if asset.product_id is not None else [],
            job_id=asset.job_id,
            parent_asset_id=asset.parent_asset_id,
            parent_id=asset.parent_asset_id,
            edit=EditInfo(**edit) if isinstance(edit, dict) else None,
            width=asset.width,
            height=asset.height,
            duration_ms=asset.duration_ms,
            fps=asset.fps,
            codec=asset.codec,
            has_audio=asset.has_audio,
            content_type=asset.content_type,
            size_bytes=asset.size_bytes,
            prompt=asset.prompt,
            settings=settings,
            scene_type=asset.scene_type,
            aspect_ratio=asset.aspect_ratio,
            quality=asset.quality,
            provider=asset.provider,
            model=asset.model,
            seed=asset.seed,
            credits_charged=asset.credits_charged,
            pinned=asset.pinned,
            favorite=asset.favorite,
            approval=asset.approval,
            approved_by_user_id=asset.approved_by_user_id,
            approved_at=asset.approved_at,
            sync_state=asset.sync_state,
            sync_error=asset.sync_error,
            external_id=asset.external_id,
            version=asset.version,
            deleted_at=asset.deleted_at,
            purge_at=asset.deleted_at + TRASH_RETENTION if asset.deleted_at is not None else None,
            preview_url=sign(asset.preview_key),
            original_url=sign(asset.original_key),
            poster_url=sign(asset.preview_key) if asset.type == AssetType.video else None,
            preview_video_url=sign(asset.preview_video_key) if asset.preview_video_key else None,
            created_at=asset.created_at,
        )


class AssetPage(Page[AssetOut]):
    pass


class RevisionsOut(ResponseModel):
    root_id: uuid.UUID = Field(description="The first asset of the chain (the generated one).")
    items: list[AssetOut] = Field(description="The root and every edit made from it or its edits, oldest first.")


class UpdateAssetRequest(RequestModel):
    """Only the fields sent change. Name the version you read: `version` here or the ETag as `If-Match`."""

    pinned: bool | None = None
    favorite: bool | None = None
    approval: Approval | None = None
    version: int | None = Field(default=None, ge=1, description="The version you read (or send If-Match).")


class BatchAction(enum.StrEnum):
    approve = "approve"
    reject = "reject"
    pin = "pin"
    unpin = "unpin"
    favorite = "favorite"
    unfavorite = "unfavorite"
    delete = "delete"
    restore = "restore"
    publish = "publish"  # to each asset's store product (or `product_id`): one sync job per asset


class BatchRequest(RequestModel):
    action: BatchAction
    asset_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_BATCH, description=f"Up to {MAX_BATCH} ids.")
    product_id: uuid.UUID | None = Field(
        default=None, description="`publish` only: publish every asset to this store product instead of its own."
    )

    @model_validator(mode="after")
    def _product_only_for_publish(self) -> BatchRequest:
        if self.product_id is not None and self.action != BatchAction.publish:
            raise ValueError("product_id goes with the publish action only")
        return self


class BatchError(ResponseModel):
    code: str
    detail: str


class BatchResult(ResponseModel):
    asset_id: uuid.UUID
    ok: bool
    error: BatchError | None = None
    sync_record_id: uuid.UUID | None = Field(
        default=None, description="`publish`: the sync queued for the asset (GET /assets/{id}/sync-records)."
    )


class BatchOut(ResponseModel):
    action: BatchAction
    succeeded: int
    failed: int
    results: list[BatchResult] = Field(description="One per distinct id, in the order sent.")


EditOperationName = Literal[
    "crop", "resize", "rotate", "flip", "adjust", "ai_edit", "upscale", "remove_background", "trim", "reframe", "mute"
]
INSTANT_OPERATIONS = frozenset({"crop", "resize", "rotate", "flip", "adjust"})
VIDEO_OPERATIONS = frozenset({"trim", "reframe", "mute"})  # free, run as jobs on the video queue (202)


class EditRequest(RequestModel):
    """`params` depend on the operation (GET /assets/edit-options describes them):

    - crop: {x, y, width, height} in pixels, or {aspect: "4:5"} for the largest centred box of that ratio
    - resize: {width?, height?}: one keeps the aspect, both fit inside that box; only smaller
    - rotate: {degrees: 90|180|270} clockwise; flip: {direction: horizontal|vertical}
    - adjust: {exposure?, brightness?, contrast?, saturation?, warmth?, sharpness?} (formulas in edit-options)
    - ai_edit: {instruction, mask?} (mask: base64 PNG, white where the image may change) — 1 credit
    - upscale: {quality: "2k"|"4k"} — 1 or 2 credits; remove_background: {} — 1 credit

    Videos (free, 202 with a job; the clip is re-cut into a new asset):

    - trim: {start_s, end_s} in seconds, cut on the nearest frames; at least 1 s, inside the clip
    - reframe: {aspect: "16:9"|"9:16"|"1:1"|"4:5", focus_x?, focus_y?}: the largest box of that ratio, centred
      on the focus point (fractions of the width and height, default the centre) as far as the frame allows
    - mute: {}: the same picture without its sound track
    """

    operation: EditOperationName
    params: dict[str, Any] = Field(default_factory=dict)
    provider: str | None = Field(
        default=None,
        max_length=50,
        description="AI operations: default the workspace's provider if it can, else local.",
    )


class EditJobOut(ResponseModel):
    job: JobOut
    source_asset_id: uuid.UUID
    operation: str
    credits_held: int


# --- per-operation parameters (validated by the service; errors are reported as params.<field>) --------------


class _Params(RequestModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class CropParams(_Params):
    x: int | None = Field(default=None, ge=-100_000, le=100_000)
    y: int | None = Field(default=None, ge=-100_000, le=100_000)
    width: int | None = Field(default=None, ge=-100_000, le=100_000)
    height: int | None = Field(default=None, ge=-100_000, le=100_000)
    aspect: str | None = Field(default=None, max_length=10, examples=["4:5"], description="One of the aspect presets.")

    @model_validator(mode="after")
    def _one_way(self) -> CropParams:
        box = (self.x, self.y, self.width, self.height)
        if self.aspect is None and any(v is None for v in box):
            raise ValueError("give x, y, width and height, or an aspect")
        if self.aspect is not None and any(v is not None for v in box):
            raise ValueError("give either a box or an aspect, not both")
        return self


class ResizeParams(_Params):
    width: int | None = Field(default=None, ge=1, le=16_384)
    height: int | None = Field(default=None, ge=1, le=16_384)

    @model_validator(mode="after")
    def _some(self) -> ResizeParams:
        if self.width is None and self.height is None:
            raise ValueError("give a width, a height, or both")
        return self


class RotateParams(_Params):
    degrees: Literal[90, 180, 270]


class FlipParams(_Params):
    direction: Literal["horizontal", "vertical"]


def _range(name: str) -> Any:
    low, high = editor.RANGES[name]
    return Field(default=0.0, ge=low, le=high)


class AdjustParams(_Params):
    exposure: float = _range("exposure")
    brightness: float = _range("brightness")
    contrast: float = _range("contrast")
    saturation: float = _range("saturation")
    warmth: float = _range("warmth")
    sharpness: float = _range("sharpness")

    @model_validator(mode="after")
    def _something(self) -> AdjustParams:
        if all(getattr(self, name) == 0 for name in editor.ORDER):
            raise ValueError("nothing to adjust: every value is 0")
        return self


MAX_MASK_CHARS = 8_000_000  # base64 of a 6 MB PNG


class AiEditParams(_Params):
    instruction: str = Field(min_length=1, max_length=500)
    mask: str | None = Field(default=None, max_length=MAX_MASK_CHARS, description="Base64 PNG, white = may change.")


class UpscaleParams(_Params):
    quality: Literal["2k", "4k"]


class RemoveBackgroundParams(_Params):
    pass


MIN_TRIM_SECONDS = 1.0
VIDEO_ASPECTS = ("16:9", "9:16", "1:1", "4:5")


class TrimParams(_Params):
    start_s: float = Field(ge=0, le=3600, description="Where the new clip starts, in seconds.")
    end_s: float = Field(gt=0, le=3600, description="Where it ends, in seconds (after start_s).")

    @model_validator(mode="after")
    def _ordered(self) -> TrimParams:
        if self.end_s - self.start_s < MIN_TRIM_SECONDS:
            raise ValueError(f"end_s must be at least {MIN_TRIM_SECONDS:g} s after start_s")
        return self


class ReframeParams(_Params):
    aspect: Literal["16:9", "9:16", "1:1", "4:5"] = Field(description="The new aspect ratio.")
    focus_x: float = Field(default=0.5, ge=0, le=1, description="The point to keep in frame, from the left (0..1).")
    focus_y: float = Field(default=0.5, ge=0, le=1, description="The point to keep in frame, from the top (0..1).")


class MuteParams(_Params):
    pass


PARAMS: dict[str, type[_Params]] = {
    "crop": CropParams,
    "resize": ResizeParams,
    "rotate": RotateParams,
    "flip": FlipParams,
    "adjust": AdjustParams,
    "ai_edit": AiEditParams,
    "upscale": UpscaleParams,
    "remove_background": RemoveBackgroundParams,
    "trim": TrimParams,
    "reframe": ReframeParams,
    "mute": MuteParams,
}


class EditOperationOut(ResponseModel):
    name: str
    instant: bool = Field(
        description="Instant (201, a new asset now, free) or a job (202: AI edits, paid; video edits, free)."
    )
    cost_operation: str = Field(description="The cost table's operation (GET /credits/costs).")
    params_schema: dict[str, Any] = Field(description="JSON schema of `params`.")


class EditOptionsOut(ResponseModel):
    operations: list[EditOperationOut]
    aspect_presets: list[str]
    adjustments: dict[str, Any] = Field(description="The adjustment formulas, exactly as the server computes them.")
