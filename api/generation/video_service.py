"""Starting a video generation: the same rules as images (api/generation/service.py), for clips.

A request names products (each clip starts from the product's photo, composed into its scene by the local
pipeline, or sent as it is to a hosted model) or one image asset of this workspace (the clip starts from that
still; a still the local provider composed is composed again from its stored recipe, so its layers can move
apart). Its settings go through the same cascade as images, including the video options (resolution, duration,
frame rate, camera motion); every option is checked against the provider before anything is held. Credits are
quoted from the cost table (video: per clip, by resolution), held with the job like images' (GenerationService.start),
and captured per delivered clip by the worker.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.assets.exceptions import AssetNotFound
from api.assets.repository import AssetRepository
from api.core.config import Settings
from api.credits.costs import Quote
from api.credits.service import CreditLedgerService
from api.generation.exceptions import InvalidGenerationSettings
from api.generation.prompt import build_video_prompt
from api.generation.registry import get_video_provider
from api.generation.schemas import GenerateRequest
from api.generation.settings import CascadeLevel, Level, ResolvedSettings, resolve
from api.generation.video import (
    CAMERA_MOTIONS,
    DEFAULT_DURATION_S,
    DEFAULT_FPS,
    DEFAULT_MOTION,
    DEFAULT_RESOLUTION,
    DEFAULT_VIDEO_ASPECT,
    FRAME_RATES,
    MAX_DURATION_S,
    MIN_DURATION_S,
    RESOLUTIONS,
    VIDEO_ASPECT_RATIOS,
    CameraMotion,
    Resolution,
    VideoOptions,
    validate_video,
)
from api.models import Asset, AssetType, GenerationItem, Organization

GENERATE_VIDEO_TASK = "generate_videos"
# A clip from a hosted model can take minutes; the job's lease and the hold cover that many per clip.
SECONDS_PER_CLIP = 900
LOCAL_PROVIDER = "local"


@dataclass(frozen=True)
class PlannedClip:
    """One product's (or the source still's) clips: resolved settings, prompt, options and where the still is."""

    product_id: uuid.UUID | None
    settings: ResolvedSettings
    scene_type: str
    options: VideoOptions
    prompt: str
    still_key: str
    # How the local pipeline composes the still into layers (None: the still is used as it is).
    compose: dict[str, Any] | None
    source_asset_id: uuid.UUID | None

    def request(self, provider: str) -> dict[str, Any]:
        """What the worker sends the provider for each of its clips (GenerationItem.request)."""
        options = self.options
        return {
            "kind": "video",
            "provider": provider,
            "still_key": self.still_key,
            "compose": self.compose,
            "source_asset_id": str(self.source_asset_id) if self.source_asset_id else None,
            "prompt": self.prompt,
            "settings": self.settings.to_json(),
            "scene_type": self.scene_type,
            "aspect_ratio": options.aspect_ratio,
            "resolution": options.resolution,
            "duration_s": options.duration_s,
            "fps": options.fps,
            "camera_motion": options.camera_motion,
        }


@dataclass(frozen=True)
class VideoPlan:
    provider: str
    clips: list[PlannedClip]
    variants: int
    quote: Quote


REQUEST_LABEL = "This request"  # the label of the request's own level in the cascade (service.py)


def _option(settings: ResolvedSettings, name: str, allowed: tuple[Any, ...], default: Any) -> Any:
    """A resolved video option as its type. A value this request sent that clips cannot take is refused; one
    inherited from a saved level (an image default such as 4:3) yields the video default, since nobody chose it
    for a clip."""
    found = settings.options.get(name)
    if found is None:
        return default
    value: Any = found.value
    if isinstance(default, int):
        value = int(value) if value.isdigit() else None
    if value in allowed:
        return value
    if found.level == Level.flow and found.label == REQUEST_LABEL:
        choices = ", ".join(str(a) for a in allowed)
        raise InvalidGenerationSettings(f"settings.{name}", f"Videos take {choices}, not {found.value!r}.")
    return default


def video_options(settings: ResolvedSettings) -> VideoOptions:
    aspect: str = _option(settings, "aspect_ratio", VIDEO_ASPECT_RATIOS, DEFAULT_VIDEO_ASPECT)
    resolution: Resolution = _option(settings, "resolution", RESOLUTIONS, DEFAULT_RESOLUTION)
    durations = tuple(range(MIN_DURATION_S, MAX_DURATION_S + 1))
    duration: int = _option(settings, "duration_s", durations, DEFAULT_DURATION_S)
    fps: int = _option(settings, "fps", FRAME_RATES, DEFAULT_FPS)
    motion: CameraMotion = _option(settings, "camera_motion", CAMERA_MOTIONS, DEFAULT_MOTION)
    return VideoOptions(aspect_ratio=aspect, resolution=resolution, duration_s=duration, fps=fps, camera_motion=motion)


class VideoGenerations:
    """The video half of GenerationService: it uses that service's product targets and cascade."""

    def __init__(self, session: AsyncSession, organization_id: uuid.UUID, settings: Settings) -> None:
        self.session = session
        self.organization_id = organization_id
        self.settings = settings

    async def source_asset(self, asset_id: uuid.UUID) -> Asset:
        asset = await AssetRepository(self.session, self.organization_id).get(asset_id)
        if asset is None or asset.deleted_at is not None:
            raise AssetNotFound()
        if asset.type != AssetType.image:
            raise InvalidGenerationSettings("source_asset_id", "Choose an image: a clip starts from a still.")
        return asset

    async def recipe(self, asset: Asset) -> dict[str, Any] | None:
        """How the local provider composed this still, when it did (and it was not edited since): its item's
        request and seed, to compose the same still again in layers."""
        if asset.provider != LOCAL_PROVIDER or asset.item_id is None or asset.parent_asset_id is not None:
            return None
        item = await self.session.get(GenerationItem, asset.item_id)
        if item is None or item.organization_id != self.organization_id:
            return None
        spec = item.request
        if spec.get("kind") == "video" or not spec.get("base_image_key"):
            return None
        return {
            "base_image_key": spec["base_image_key"],
            "reference_keys": spec.get("reference_keys") or [],
            "scene": spec.get("scene") or {},
            "scene_type": spec.get("scene_type") or asset.scene_type,
            "seed": item.seed,
            "variant": item.variant,
        }

    def clip(
        self,
        settings: ResolvedSettings,
        *,
        scene_type: str,
        product_id: uuid.UUID | None,
        still_key: str,
        compose: dict[str, Any] | None,
        source_asset_id: uuid.UUID | None,
    ) -> PlannedClip:
        options = video_options(settings)
        prompt = build_video_prompt(
            settings,
            scene_type=scene_type,
            aspect_ratio=options.aspect_ratio,
            camera_motion=options.camera_motion,
            duration_s=options.duration_s,
            user_prompt=settings.option("prompt"),
        )
        return PlannedClip(product_id, settings, scene_type, options, prompt, still_key, compose, source_asset_id)

    async def source_clip(self, organization: Organization, request_level: CascadeLevel, asset: Asset) -> PlannedClip:
        """The clip of one image asset: the workspace's settings and this request's (the asset's own scene is in
        its pixels already)."""
        settings = resolve(
            [CascadeLevel(Level.organization, organization.name, organization.generation_settings), request_level]
        )
        recipe = await self.recipe(asset)
        return self.clip(
            settings,
            scene_type=asset.scene_type,
            product_id=asset.product_id,
            still_key=asset.original_key,
            compose=recipe,
            source_asset_id=asset.id,
        )

    async def quote(self, provider_name: str, clips: list[PlannedClip], variants: int) -> VideoPlan:
        provider = get_video_provider(self.settings, provider_name)
        for clip in clips:
            validate_video(clip.options, provider.video_capabilities, provider.name)
        table = await CreditLedgerService(self.session).cost_table()
        quote = table.quote_many([("video", {"resolution": c.options.resolution, "quantity": variants}) for c in clips])
        return VideoPlan(provider.name, clips, variants, quote)


def check_image_request(data: GenerateRequest) -> None:
    """An image request carrying video-only fields is refused rather than half-read."""
    if data.source_asset_id is not None:
        raise InvalidGenerationSettings("source_asset_id", 'A source image is for videos: send type "video".')
    for name in ("resolution", "duration_s", "fps", "camera_motion"):
        if getattr(data.settings, name) is not None:
            raise InvalidGenerationSettings(f"settings.{name}", f'{name} is a video option: send type "video".')


def check_video_request(data: GenerateRequest) -> None:
    if data.source_asset_id is not None and (data.product_ids or data.flow_id or data.collection_id):
        raise InvalidGenerationSettings(
            "source_asset_id", "Animate either a source image or products, a flow or a collection, not both."
        )
    if data.settings.quality is not None:
        raise InvalidGenerationSettings("settings.quality", "Videos take a resolution (720p or 1080p), not a quality.")
    if data.settings.reference_image_ids:
        raise InvalidGenerationSettings("settings.reference_image_ids", "Videos take no reference images.")
