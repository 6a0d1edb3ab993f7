from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from api.core.pagination import Page
from api.core.schemas import RequestModel, ResponseModel
from api.credits.schemas import CostLineOut
from api.generation.prompt import MAX_USER_PROMPT
from api.generation.settings import MAX_VALUE_LENGTH, BubbleType
from api.generation.video import MAX_DURATION_S, MIN_DURATION_S, CameraMotion, Resolution
from api.jobs.schemas import JobOut
from api.models import GenerationItem, ItemStatus, Job, JobStatus

Quality = Literal["1k", "2k", "4k"]


class BubbleIn(RequestModel):
    """One scene bubble: a preset or your own words (`value` wins when both are given)."""

    type: BubbleType
    preset: str | None = Field(default=None, max_length=MAX_VALUE_LENGTH)
    value: str | None = Field(default=None, max_length=MAX_VALUE_LENGTH)


class GenerationSettingsIn(RequestModel):
    """This request's settings: every field optional; what is left out comes from the cascade (workspace,
    category, product) or the defaults (1:1, 1k, the product's first scene type or studio)."""

    aspect_ratio: str | None = Field(default=None, max_length=10, examples=["16:9"])
    quality: Quality | None = None
    scene_type: str | None = Field(default=None, max_length=50)
    bubbles: list[BubbleIn] = Field(default_factory=list, max_length=40)
    prompt: str | None = Field(default=None, max_length=MAX_USER_PROMPT, description="Extra direction in words.")
    reference_image_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=4, description="Product images of this workspace whose look to borrow."
    )
    base_image_id: uuid.UUID | None = Field(
        default=None, description="Which product photo to start from (one product only); default: its primary."
    )
    # Videos only (type "video"); from the cascade when left out, else 720p, 6 s, 24 fps, push_in.
    resolution: Resolution | None = Field(default=None, description="Videos: 720p (5 credits) or 1080p (8 credits).")
    duration_s: int | None = Field(
        default=None, ge=MIN_DURATION_S, le=MAX_DURATION_S, description="Videos: length in whole seconds."
    )
    fps: Literal[24, 30] | None = Field(default=None, description="Videos: frames per second.")
    camera_motion: CameraMotion | None = Field(
        default=None, description="Videos: static, push_in, pull_out, pan or parallax (orbit-like)."
    )


class GenerateRequest(RequestModel):
    """Images (the default) of products, a flow or a collection; or videos (`type: "video"`) of products or of one
    image asset of this workspace (`source_asset_id`). Video aspect ratios: 16:9, 9:16, 1:1, 4:5."""

    type: Literal["image", "video"] = Field(default="image", description="What to make: images or video clips.")
    product_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=50, description="The products to show (or give a flow or a collection)."
    )
    source_asset_id: uuid.UUID | None = Field(
        default=None, description="Videos: an image asset of this workspace to animate, instead of products."
    )
    flow_id: uuid.UUID | None = Field(default=None, description="Generate a saved flow (its product and settings).")
    collection_id: uuid.UUID | None = Field(default=None, description="Generate every product of a collection.")
    settings: GenerationSettingsIn = Field(default_factory=GenerationSettingsIn)
    variants: int = Field(default=1, ge=1, le=4, description="Images (or clips) per product.")
    provider: str | None = Field(default=None, max_length=50, description="Default: the workspace's provider.")


class GenerationDefaults(RequestModel):
    """The workspace's first level of the settings cascade, and its provider."""

    settings: dict[str, Any] = Field(
        default_factory=dict, description="A settings document: {bubbles, scene_type, aspect_ratio, quality, prompt}."
    )
    provider: str = Field(default="local", max_length=50)


class GenerationDefaultsOut(ResponseModel):
    settings: dict[str, Any]
    provider: str


class QuoteOut(ResponseModel):
    credits: int
    breakdown: list[CostLineOut]
    available: int
    cost_table_version: int


class GenerationItemOut(ResponseModel):
    id: uuid.UUID
    position: int
    product_id: uuid.UUID | None
    variant: int
    status: ItemStatus
    credits: int
    asset_id: uuid.UUID | None
    error_code: str | None
    error_message: str | None

    @classmethod
    def of(cls, item: GenerationItem, job: Job) -> GenerationItemOut:
        status = item.status
        # Items a canceled or dead job never reached are shown as what they became: not made, not charged.
        if job.status.terminal and not status.settled:
            status = ItemStatus.canceled if job.status == JobStatus.canceled else ItemStatus.failed
        return cls(
            id=item.id,
            position=item.position,
            product_id=item.product_id,
            variant=item.variant,
            status=status,
            credits=item.credits,
            asset_id=item.asset_id,
            error_code=item.error_code,
            error_message=item.error_message,
        )


class GenerationOut(ResponseModel):
    job: JobOut
    credits_held: int
    items: list[GenerationItemOut]


class OptionOut(ResponseModel):
    value: str
    label: str


class BubbleOptionOut(ResponseModel):
    type: str
    label: str
    additive: bool
    presets: list[str]


class ProviderOptionOut(ResponseModel):
    name: str
    aspect_ratios: list[str]
    qualities: list[str]
    max_reference_images: int
    supports_video: bool
    deterministic: bool


class VideoProviderOptionOut(ResponseModel):
    """What one provider can make as video (anything else is refused with 422 before credits are held)."""

    name: str
    aspect_ratios: list[str]
    resolutions: list[str]
    durations: list[int] = Field(description="Clip lengths in whole seconds it can make.")
    durations_by_resolution: dict[str, list[int]] = Field(
        description="Resolutions it makes at some lengths only (Veo: 1080p at 8 s)."
    )
    frame_rates: list[int]
    camera_motions: list[str]
    deterministic: bool


class VideoOptionsOut(ResponseModel):
    aspect_ratios: list[str]
    resolutions: list[str]
    min_duration_s: int
    max_duration_s: int
    frame_rates: list[int]
    camera_motions: list[OptionOut]
    defaults: dict[str, Any] = Field(description="What a request leaves out: resolution, duration_s, fps, motion.")
    providers: list[VideoProviderOptionOut]


class GenerationOptionsOut(ResponseModel):
    scene_types: list[OptionOut]
    bubbles: list[BubbleOptionOut]
    aspect_ratios: list[str]
    qualities: list[str]
    providers: list[ProviderOptionOut]
    default_provider: str
    max_variants: int
    video: VideoOptionsOut


class SectionIn(RequestModel):
    name: str = Field(min_length=1, max_length=120)
    category_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    scene_types: list[str] = Field(default_factory=list, max_length=20)
    settings: dict[str, Any] = Field(default_factory=dict, description="A settings document for matching products.")


class SectionOut(ResponseModel):
    name: str
    category_ids: list[uuid.UUID]
    scene_types: list[str]
    settings: dict[str, Any]


class CreateCollectionRequest(RequestModel):
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=5000)
    settings: dict[str, Any] = Field(default_factory=dict, description="Shared settings (a settings document).")
    sections: list[SectionIn] = Field(default_factory=list, max_length=20)
    product_ids: list[uuid.UUID] = Field(default_factory=list, max_length=200)


class UpdateCollectionRequest(RequestModel):
    """Only the fields sent change; `product_ids` replaces the set (kept products keep their flows)."""

    name: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=5000)
    settings: dict[str, Any] | None = None
    sections: list[SectionIn] | None = Field(default=None, max_length=20)
    product_ids: list[uuid.UUID] | None = Field(default=None, max_length=200)


class FlowOut(ResponseModel):
    id: uuid.UUID
    product_id: uuid.UUID
    collection_id: uuid.UUID | None
    name: str
    base_image_id: uuid.UUID | None
    settings: dict[str, Any]
    last_job_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class FlowPage(Page[FlowOut]):
    pass


class CollectionOut(ResponseModel):
    id: uuid.UUID
    name: str
    description: str
    settings: dict[str, Any]
    sections: list[SectionOut]
    flows: list[FlowOut]
    last_job_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class CollectionSummary(ResponseModel):
    id: uuid.UUID
    name: str
    description: str
    product_count: int = Field(description="Products in the collection (one flow each).")
    last_job_id: uuid.UUID | None
    last_job: JobOut | None = Field(description="The last run: its status and progress.")
    created_at: datetime
    updated_at: datetime


class CollectionPage(Page[CollectionSummary]):
    pass


class CreateFlowRequest(RequestModel):
    product_id: uuid.UUID
    name: str | None = Field(default=None, min_length=1, max_length=120)
    base_image_id: uuid.UUID | None = None
    settings: dict[str, Any] = Field(default_factory=dict, description="A settings document for this session.")


class UpdateFlowRequest(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    base_image_id: uuid.UUID | None = None
    settings: dict[str, Any] | None = None


class GenerateSavedRequest(RequestModel):
    """Generate a saved flow or collection; `settings` here override its saved ones for this run only."""

    settings: GenerationSettingsIn = Field(default_factory=GenerationSettingsIn)
    variants: int = Field(default=1, ge=1, le=4)
    provider: str | None = Field(default=None, max_length=50)

    def for_target(
        self, *, flow_id: uuid.UUID | None = None, collection_id: uuid.UUID | None = None
    ) -> GenerateRequest:
        """The same request as POST /generations would take for this flow or collection."""
        return GenerateRequest(
            flow_id=flow_id,
            collection_id=collection_id,
            settings=self.settings,
            variants=self.variants,
            provider=self.provider,
        )
