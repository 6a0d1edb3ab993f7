"""Starting a generation: validate everything up front, resolve each product's settings and prompt, quote and hold
the credits, then write the job and one item per requested image, all in the request's transaction (the job is
sent to the worker only after it commits). (Assets are read and reviewed in api/assets/.)

Nothing is charged here: the hold reserves the quote; the worker captures one item's credits when its image is
stored and releases the rest (api/jobs/service.py releases whatever a job still reserves when it ends).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.admin.exceptions import JobAlreadyRetried, JobNotRetryable
from api.core.config import Settings
from api.core.queue import IMAGE_QUEUE, VIDEO_QUEUE
from api.core.repository import TenantRepository
from api.core.storage import Storage
from api.core.time import utc_now
from api.credits.costs import Quote
from api.credits.service import CreditLedgerService
from api.generation.exceptions import (
    GenerationNotFound,
    InvalidGenerationSettings,
    ProductWithoutImages,
)
from api.generation.prompt import build_prompt
from api.generation.providers.base import MAX_SEED, QUALITIES, ImageRequest, Quality, UnsupportedOption, validate
from api.generation.registry import DEFAULT_PROVIDER, available_video_providers, get_provider
from api.generation.saved import SavedSessions
from api.generation.schemas import GenerateRequest, GenerationDefaults
from api.generation.settings import (
    CascadeLevel,
    InvalidSettings,
    Level,
    ResolvedSettings,
    category_levels,
    normalize,
    resolve,
)
from api.generation.video_service import (
    GENERATE_VIDEO_TASK,
    REQUEST_LABEL,
    SECONDS_PER_CLIP,
    VideoGenerations,
    VideoPlan,
    check_image_request,
    check_video_request,
)
from api.jobs.repository import JobRepository
from api.jobs.service import Creator, JobService
from api.models import (
    Collection,
    CreditHold,
    Flow,
    GenerationItem,
    ItemStatus,
    Job,
    JobKind,
    JobRetry,
    Organization,
    ProductImage,
)
from api.products.exceptions import ProductImageNotFound
from api.products.repository import ProductImageRepository
from api.products.service import ProductService, ProductView

GENERATE_TASK = "generate_images"
# A hold outlives its job's deadline by this much before the credits reconciler may release it on its own.
HOLD_MARGIN = timedelta(minutes=30)
SECONDS_PER_IMAGE = 90
GENERATION_KINDS = frozenset({JobKind.image, JobKind.video})  # what GET /generations/{id} shows


class GenerationItemRepository(TenantRepository[GenerationItem]):
    model = GenerationItem

    async def for_job(self, job_id: uuid.UUID) -> list[GenerationItem]:
        statement = self.base_statement().where(GenerationItem.job_id == job_id).order_by(GenerationItem.position)
        return list((await self.session.scalars(statement)).all())


def _quality(value: str) -> Quality:
    for quality in QUALITIES:
        if quality == value:
            return quality
    raise UnsupportedOption("quality", f"Quality {value!r} is not one of {', '.join(QUALITIES)}.")


SavedLevels = Callable[[set[uuid.UUID], str | None], list[CascadeLevel]]


def flow_levels(flow: Flow | None) -> SavedLevels:
    def levels(category_ids: set[uuid.UUID], scene_type: str | None) -> list[CascadeLevel]:
        return [CascadeLevel(Level.flow, flow.name, flow.settings)] if flow is not None else []

    return levels


def collection_levels(collection: Collection, flow: Flow) -> SavedLevels:
    """The collection's general settings, then each section matching the product (one of the section's categories,
    and its scene types when it names any), then the product's flow."""

    def levels(category_ids: set[uuid.UUID], scene_type: str | None) -> list[CascadeLevel]:
        result = [CascadeLevel(Level.collection, collection.name, collection.settings)]
        for section in collection.sections:
            in_category = not section["category_ids"] or bool(
                category_ids & {uuid.UUID(c) for c in section["category_ids"]}
            )
            in_scene = not section["scene_types"] or (scene_type is not None and scene_type in section["scene_types"])
            if in_category and in_scene:
                label = f"{collection.name} · {section['name']}"
                result.append(CascadeLevel(Level.collection_section, label, section["settings"]))
        return [*result, *flow_levels(flow)(category_ids, scene_type)]

    return levels


@dataclass(frozen=True)
class Target:
    view: ProductView
    levels: SavedLevels
    flow: Flow | None


@dataclass(frozen=True)
class PlannedProduct:
    """One product's resolved settings, prompt and base photo, and what each of its images costs."""

    view: ProductView
    settings: ResolvedSettings
    scene_type: str
    aspect_ratio: str
    quality: Quality
    prompt: str
    base_image: ProductImage
    flow: Flow | None

    def request(self, provider: str, references: list[str]) -> dict[str, Any]:
        """What the worker sends the provider for each of its images (GenerationItem.request)."""
        return {
            "provider": provider,
            "base_image_key": self.base_image.original_key,
            "reference_keys": references,
            "prompt": self.prompt,
            "scene": self.settings.as_scene(),
            "settings": self.settings.to_json(),
            "scene_type": self.scene_type,
            "aspect_ratio": self.aspect_ratio,
            "quality": self.quality,
        }


@dataclass(frozen=True)
class Plan:
    provider: str
    products: list[PlannedProduct]
    variants: int
    references: list[str]
    quote: Quote


@dataclass(frozen=True)
class Generation:
    job: Job
    items: list[GenerationItem]
    credits_held: int


class GenerationService:
    def __init__(
        self, session: AsyncSession, organization_id: uuid.UUID, *, settings: Settings, storage: Storage
    ) -> None:
        self.session = session
        self.organization_id = organization_id
        self.settings = settings
        self.products = ProductService(session, organization_id, storage=storage, settings=settings)
        self.saved = SavedSessions(session, organization_id)
        self.items = GenerationItemRepository(session, organization_id)

    async def quote(self, data: GenerateRequest) -> Quote:
        """What `start` would hold for this request (images or videos), everything checked the same way."""
        if data.type == "video":
            return (await self.plan_video(data)).quote
        return (await self.plan(data)).quote

    def _request_level(self, data: GenerateRequest) -> CascadeLevel:
        request_document = data.settings.model_dump(
            mode="json", exclude_none=True, exclude={"reference_image_ids", "base_image_id"}
        )
        try:
            return CascadeLevel(Level.flow, REQUEST_LABEL, normalize(request_document))
        except InvalidSettings as exc:
            raise InvalidGenerationSettings(f"settings.{exc.path}", exc.message) from exc

    async def plan(self, data: GenerateRequest) -> Plan:
        """Everything checked, resolved and priced, nothing written: what `quote` shows and `start` holds."""
        check_image_request(data)
        organization = await self.session.get(Organization, self.organization_id)
        assert organization is not None
        provider = get_provider(self.settings, data.provider or organization.default_provider)
        request_level = self._request_level(data)
        targets = await self._targets(data)
        if data.settings.base_image_id is not None and len(targets) > 1:
            raise InvalidGenerationSettings(
                "settings.base_image_id", "A base image can be chosen for one product at a time."
            )
        references = await self._reference_keys(data.settings.reference_image_ids)
        planned = [
            self._plan_product(organization, target, request_level, data.settings.base_image_id) for target in targets
        ]
        for product in planned:  # every option checked against the provider before anything is held or written
            validate(
                ImageRequest(
                    product_images=[b""],
                    reference_images=[b""] * len(references),
                    scene_type=product.scene_type,
                    aspect_ratio=product.aspect_ratio,
                    quality=product.quality,
                ),
                provider.capabilities,
            )
        table = await CreditLedgerService(self.session).cost_table()
        quote = table.quote_many([("image", {"quality": p.quality, "quantity": data.variants}) for p in planned])
        return Plan(provider.name, planned, data.variants, references, quote)

    async def _targets(self, data: GenerateRequest) -> list[Target]:
        """The products to generate and the saved levels above the request's own: a collection's general settings
        and matching sections, then a flow's settings."""
        if data.collection_id is not None:
            collection = await self.saved.collection(data.collection_id)
            flows = await self.saved.flows_of(collection.id)
            if not flows:
                raise InvalidGenerationSettings("collection_id", "The collection has no products yet.")
            return [Target(await self.products.get(f.product_id), collection_levels(collection, f), f) for f in flows]
        if data.flow_id is not None:
            flow = await self.saved.flow(data.flow_id)
            return [Target(await self.products.get(flow.product_id), flow_levels(flow), flow)]
        if not data.product_ids:
            raise InvalidGenerationSettings("product_ids", "Name the products, a flow or a collection to generate.")
        return [
            Target(await self.products.get(pid), flow_levels(None), None) for pid in dict.fromkeys(data.product_ids)
        ]

    async def plan_video(self, data: GenerateRequest) -> VideoPlan:
        """A video request checked, resolved and priced (api/generation/video_service.py), nothing written."""
        check_video_request(data)
        organization = await self.session.get(Organization, self.organization_id)
        assert organization is not None
        videos = VideoGenerations(self.session, self.organization_id, self.settings)
        # Named providers must make video; the workspace's default is used when it does, else the local one.
        provider = data.provider or organization.default_provider
        if not data.provider and provider not in available_video_providers(self.settings):
            provider = DEFAULT_PROVIDER
        request_level = self._request_level(data)
        if data.source_asset_id is not None:
            source = await videos.source_asset(data.source_asset_id)
            clips = [await videos.source_clip(organization, request_level, source)]
        else:
            clips = []
            for target in await self._targets(data):
                settings, scene_type = self._resolved(organization, target, request_level)
                chosen = data.settings.base_image_id or (target.flow.base_image_id if target.flow else None)
                base = self._base_image(target.view, chosen)
                compose = {
                    "base_image_key": base.original_key,
                    "reference_keys": [],
                    "scene": settings.as_scene(),
                    "scene_type": scene_type,
                }
                clips.append(
                    videos.clip(
                        settings,
                        scene_type=scene_type,
                        product_id=target.view.product.id,
                        still_key=base.original_key,
                        compose=compose,
                        source_asset_id=None,
                    )
                )
        return await videos.quote(provider, clips, data.variants)

    def _resolved(
        self, organization: Organization, target: Target, request_level: CascadeLevel
    ) -> tuple[ResolvedSettings, str]:
        """A product's settings through the cascade, and its scene type."""
        view = target.view
        if not view.images:
            raise ProductWithoutImages(view.product.name)
        # The scene type decides which category-by-scene settings and sections apply: resolved first without them.
        first = resolve(self._cascade(organization, target, None, request_level))
        scene_type = first.option("scene_type") or next(iter(view.product.scene_types), None) or "studio"
        return resolve(self._cascade(organization, target, scene_type, request_level)), scene_type

    def _plan_product(
        self,
        organization: Organization,
        target: Target,
        request_level: CascadeLevel,
        base_image_id: uuid.UUID | None,
    ) -> PlannedProduct:
        view = target.view
        settings, scene_type = self._resolved(organization, target, request_level)
        aspect_ratio = settings.option("aspect_ratio") or "1:1"
        chosen = base_image_id or (target.flow.base_image_id if target.flow is not None else None)
        return PlannedProduct(
            view=view,
            settings=settings,
            scene_type=scene_type,
            aspect_ratio=aspect_ratio,
            quality=_quality(settings.option("quality") or "1k"),
            prompt=build_prompt(
                settings, scene_type=scene_type, aspect_ratio=aspect_ratio, user_prompt=settings.option("prompt")
            ),
            base_image=self._base_image(view, chosen),
            flow=target.flow,
        )

    async def start(self, data: GenerateRequest, created_by: Creator) -> Generation:
        if data.type == "video":
            video = await self.plan_video(data)
            clips = [(clip.product_id, clip.request(video.provider)) for clip in video.clips]
            source = str(data.source_asset_id) if data.source_asset_id else None
            job, items = await self._start_job(JobKind.video, data, video, clips, created_by, source_asset_id=source)
            await self._link_saved(data, job)
            return Generation(job, items, video.quote.credits)
        plan = await self.plan(data)
        images = [(p.view.product.id, p.request(plan.provider, plan.references)) for p in plan.products]
        job, items = await self._start_job(JobKind.image, data, plan, images, created_by)
        if data.collection_id is not None:
            (await self.saved.collection(data.collection_id, for_update=True)).last_job_id = job.id
        for planned in plan.products:
            if planned.flow is not None:
                planned.flow.last_job_id = job.id
        return Generation(job, items, plan.quote.credits)

    async def _start_job(
        self,
        kind: JobKind,
        data: GenerateRequest,
        plan: Plan | VideoPlan,
        outputs: Sequence[tuple[uuid.UUID | None, dict[str, Any]]],
        created_by: Creator,
        **origin: str | None,
    ) -> tuple[Job, list[GenerationItem]]:
        """The job with its credits held, and `variants` items of each planned output (its product, and what the
        worker asks its provider for) in order, each with its own seed and the credits of its quote line."""
        count = len(outputs) * plan.variants
        job = await self._held_job(
            kind,
            count,
            plan.quote.credits,
            cost_table_version=plan.quote.cost_table_version,
            params={
                "product_ids": [str(product_id) for product_id, _ in outputs if product_id is not None],
                "variants": plan.variants,
                "provider": plan.provider,
                # Where it came from: the asset library filters by collection (api/assets/repository.py).
                "collection_id": str(data.collection_id) if data.collection_id else None,
                "flow_id": str(data.flow_id) if data.flow_id else None,
                **origin,
            },
            created_by=created_by,
            reason=f"{count} {'video clip' if kind == JobKind.video else 'image'}(s)",
        )
        items: list[GenerationItem] = []
        for (product_id, request), line in zip(outputs, plan.quote.breakdown, strict=True):
            for variant in range(plan.variants):
                item = GenerationItem(
                    organization_id=self.organization_id,
                    job_id=job.id,
                    position=len(items),
                    product_id=product_id,
                    variant=variant,
                    seed=secrets.randbelow(MAX_SEED),
                    credits=line.unit_credits,
                    request=request,
                )
                self.session.add(item)
                items.append(item)
        await self.session.flush()
        return job, items

    async def _held_job(
        self,
        kind: JobKind,
        count: int,
        credits: int,
        *,
        cost_table_version: int | None,
        params: dict[str, Any],
        created_by: Creator,
        reason: str,
    ) -> Job:
        """A generation job of `count` images or clips, with `credits` held for it: its lease covers every one,
        and the hold outlives every attempt."""
        video = kind == JobKind.video
        timeout = (120 + SECONDS_PER_CLIP * count) if video else (60 + SECONDS_PER_IMAGE * count)
        job = await JobService(self.session).create(
            self.organization_id,
            kind=kind,
            task=GENERATE_VIDEO_TASK if video else GENERATE_TASK,
            queue=VIDEO_QUEUE if video else IMAGE_QUEUE,
            params=params,
            created_by=created_by,
            max_attempts=3,
            timeout_seconds=timeout,
            total=count,
        )
        held = await CreditLedgerService(self.session).hold(
            self.organization_id,
            credits,
            expires_at=utc_now() + timedelta(seconds=timeout * job.max_attempts) + HOLD_MARGIN,
            job_id=job.id,
            cost_table_version=cost_table_version,
            reason=reason,
        )
        job.hold_id = held.id
        return job

    async def _link_saved(self, data: GenerateRequest, job: Job) -> None:
        """A saved flow or collection remembers its latest job."""
        if data.collection_id is not None:
            (await self.saved.collection(data.collection_id, for_update=True)).last_job_id = job.id
        if data.flow_id is not None:
            (await self.saved.flow(data.flow_id)).last_job_id = job.id

    def _cascade(
        self, organization: Organization, target: Target, scene_type: str | None, request_level: CascadeLevel
    ) -> list[CascadeLevel]:
        view = target.view
        primary = next((category for link, category in view.categories if link.is_primary), None)
        category = (primary.name, primary.generation_settings) if primary is not None else None
        category_ids = {category.id for _, category in view.categories}
        return [
            CascadeLevel(Level.organization, organization.name, organization.generation_settings),
            *category_levels(category, scene_type),
            CascadeLevel(Level.product, view.product.name, view.product.generation_settings),
            *target.levels(category_ids, scene_type),
            request_level,
        ]

    @staticmethod
    def _base_image(view: ProductView, image_id: uuid.UUID | None) -> ProductImage:
        if image_id is None:
            return next((image for image in view.images if image.is_primary), view.images[0])
        for image in view.images:
            if image.id == image_id:
                return image
        raise ProductImageNotFound("The base image is not one of the product's photos.")

    async def _reference_keys(self, image_ids: Sequence[uuid.UUID]) -> list[str]:
        if not image_ids:
            return []
        repository = ProductImageRepository(self.session, self.organization_id)
        found = {
            image.id: image.original_key
            for image in (await self.session.scalars(repository.base_statement().where(ProductImage.id.in_(image_ids))))
        }
        missing = [str(i) for i in image_ids if i not in found]
        if missing:
            raise ProductImageNotFound(f"Reference image(s) not found: {', '.join(missing)}.")
        return [found[i] for i in image_ids]

    async def defaults(self) -> Organization:
        organization = await self.session.get(Organization, self.organization_id)
        assert organization is not None
        return organization

    async def set_defaults(self, data: GenerationDefaults) -> Organization:
        provider = get_provider(self.settings, data.provider)
        try:
            document = normalize(data.settings)
        except InvalidSettings as exc:
            raise InvalidGenerationSettings(f"settings.{exc.path}", exc.message) from exc
        organization = await self.session.get(Organization, self.organization_id, with_for_update=True)
        assert organization is not None
        organization.generation_settings = document
        organization.default_provider = provider.name
        await self.session.flush()
        return organization

    async def retry_failed(self, job_id: uuid.UUID, *, reason: str, admin_user_id: uuid.UUID | None) -> Generation:
        """Run a finished job's failed items again, and only those: a new job with copies of them (same product,
        settings, prompt and seed) and a new hold for exactly their credits, so each delivered copy is captured
        once on the new hold and the rest released as usual. Once per job (the source row is locked and the
        retry recorded under a unique key); a retry job that fails again can be retried itself."""
        source = await JobRepository(self.session, self.organization_id).get(job_id, for_update=True)
        if source is None or source.kind not in GENERATION_KINDS:
            raise GenerationNotFound()
        if not source.status.terminal:
            raise JobNotRetryable(f"The job is still {source.status.value}; retry it once it has finished.")
        failed = [item for item in await self.items.for_job(source.id) if item.status == ItemStatus.failed]
        if not failed:
            raise JobNotRetryable(f"The job {source.status.value} without failed items; there is nothing to retry.")
        earlier = await self.session.scalar(select(JobRetry).where(JobRetry.source_job_id == source.id))
        if earlier is not None:
            raise JobAlreadyRetried(
                "These failed items were already retried; retry that job if it failed too.",
                retry_job_id=str(earlier.retry_job_id),
            )
        count, credits = len(failed), sum(item.credits for item in failed)
        source_hold = await self.session.get(CreditHold, source.hold_id) if source.hold_id else None
        job = await self._held_job(
            source.kind,
            count,
            credits,
            cost_table_version=source_hold.cost_table_version if source_hold else None,
            params={**source.params, "retry_of": str(source.id)},
            created_by=Creator(source.created_by_user_id, source.created_by_api_key_id),
            reason=f"Retry of {count} failed {'clip' if source.kind == JobKind.video else 'image'}(s)",
        )
        items = [
            GenerationItem(
                organization_id=self.organization_id,
                job_id=job.id,
                position=position,
                product_id=item.product_id,
                variant=item.variant,
                seed=item.seed,
                credits=item.credits,
                request=item.request,
            )
            for position, item in enumerate(failed)
        ]
        self.session.add_all(items)
        self.session.add(
            JobRetry(
                organization_id=self.organization_id,
                source_job_id=source.id,
                retry_job_id=job.id,
                item_ids=[str(item.id) for item in failed],
                admin_user_id=admin_user_id,
                reason=reason,
            )
        )
        await self.session.flush()
        return Generation(job, items, credits)

    async def get(self, job_id: uuid.UUID) -> Generation:
        job = await JobService(self.session).get(self.organization_id, job_id)
        if job.kind not in GENERATION_KINDS:
            raise GenerationNotFound()
        items = await self.items.for_job(job.id)
        return Generation(job, items, sum(item.credits for item in items))


async def items_to_run(session: AsyncSession, job_id: uuid.UUID) -> list[GenerationItem]:
    """The job's items not yet settled, in order (a retried attempt skips what is already delivered)."""
    statement = select(GenerationItem).where(GenerationItem.job_id == job_id).order_by(GenerationItem.position)
    return [item for item in (await session.scalars(statement)).all() if not item.status.settled]
