from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from api.assets.exceptions import AssetNotFound
from api.auth.dependencies import AdminAccess, AuthContext, MemberAccess, MemberIdempotency, ViewerAccess
from api.auth.exceptions import InsufficientRole
from api.core.config import Settings, get_settings
from api.core.errors import NotAuthenticated, error_responses
from api.core.idempotency import IDEMPOTENCY_ERRORS, IdempotentRoute
from api.core.pagination import PageQuery
from api.core.routing import get_session
from api.core.storage import Storage, get_storage
from api.credits.exceptions import InsufficientCredits
from api.credits.schemas import CostLineOut
from api.credits.service import CreditLedgerService
from api.generation import settings as bubbles
from api.generation.exceptions import (
    GenerationNotFound,
    InvalidGenerationSettings,
    ProductWithoutImages,
    ProviderNotAvailable,
)
from api.generation.providers.base import ASPECT_RATIOS, QUALITIES, SCENE_TYPES, UnsupportedOption
from api.generation.registry import DEFAULT_PROVIDER, available_providers, available_video_providers
from api.generation.saved import CollectionNotFound, FlowNotFound
from api.generation.schemas import (
    BubbleOptionOut,
    CollectionOut,
    CollectionPage,
    CollectionSummary,
    CreateCollectionRequest,
    CreateFlowRequest,
    FlowOut,
    FlowPage,
    GenerateRequest,
    GenerateSavedRequest,
    GenerationDefaults,
    GenerationDefaultsOut,
    GenerationItemOut,
    GenerationOptionsOut,
    GenerationOut,
    OptionOut,
    ProviderOptionOut,
    QuoteOut,
    SectionOut,
    UpdateCollectionRequest,
    UpdateFlowRequest,
    VideoOptionsOut,
    VideoProviderOptionOut,
)
from api.generation.service import Generation, GenerationService
from api.generation.video import (
    CAMERA_MOTION_LABELS,
    CAMERA_MOTIONS,
    FRAME_RATES,
    MAX_DURATION_S,
    MIN_DURATION_S,
    RESOLUTIONS,
    VIDEO_ASPECT_RATIOS,
    VideoOptions,
    VideoProvider,
)
from api.jobs.schemas import JobOut
from api.jobs.service import Creator
from api.models import Collection, Flow
from api.products.exceptions import ProductImageNotFound, ProductNotFound

router = APIRouter(route_class=IdempotentRoute)
TENANT = error_responses(NotAuthenticated, InsufficientRole)


class Studio:
    """The generation service for the caller's workspace, and how to sign file URLs for responses."""

    def __init__(self, ctx: AuthContext, session: AsyncSession, storage: Storage, settings: Settings) -> None:
        self.service = GenerationService(session, ctx.organization_id, settings=settings, storage=storage)
        self.storage = storage
        self.ttl = settings.signed_url_ttl_seconds
        self.ctx = ctx

    def sign(self, key: str) -> str:
        return self.storage.signed_url(key, self.ttl)


Session = Annotated[AsyncSession, Depends(get_session)]
StorageDep = Annotated[Storage, Depends(get_storage)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def _reader(ctx: ViewerAccess, session: Session, storage: StorageDep, settings: SettingsDep) -> Studio:
    return Studio(ctx, session, storage, settings)


def _writer(ctx: MemberAccess, session: Session, storage: StorageDep, settings: SettingsDep) -> Studio:
    return Studio(ctx, session, storage, settings)


Reader = Annotated[Studio, Depends(_reader)]
Writer = Annotated[Studio, Depends(_writer)]


def _out(generation: Generation) -> GenerationOut:
    job = generation.job
    return GenerationOut(
        job=JobOut.of(job),
        credits_held=generation.credits_held,
        items=[GenerationItemOut.of(item, job) for item in generation.items],
    )


@router.get("/generation/options", tags=["generation"], response_model=GenerationOptionsOut, responses=TENANT)
async def generation_options(ctx: ViewerAccess, settings: SettingsDep) -> GenerationOptionsOut:
    """What can be asked for: scene types, the bubble types with their presets, output options, the providers
    configured here with what each supports, and the video options with what each video provider makes."""
    providers = available_providers(settings)
    video_providers = available_video_providers(settings)
    return GenerationOptionsOut(
        scene_types=[OptionOut(value=value, label=label) for value, label in SCENE_TYPES.items()],
        bubbles=[BubbleOptionOut(**option) for option in bubbles.options()],
        aspect_ratios=list(ASPECT_RATIOS),
        qualities=list(QUALITIES),
        providers=[
            ProviderOptionOut(
                name=name,
                aspect_ratios=[r for r in ASPECT_RATIOS if r in provider.capabilities.aspect_ratios],
                qualities=[q for q in QUALITIES if q in provider.capabilities.qualities],
                max_reference_images=provider.capabilities.max_reference_images,
                supports_video=name in video_providers,
                deterministic=provider.capabilities.deterministic,
            )
            for name, provider in providers.items()
        ],
        default_provider=DEFAULT_PROVIDER,
        max_variants=4,
        video=_video_options(available_video_providers(settings)),
    )


def _video_options(providers: dict[str, VideoProvider]) -> VideoOptionsOut:
    defaults = VideoOptions()
    return VideoOptionsOut(
        aspect_ratios=list(VIDEO_ASPECT_RATIOS),
        resolutions=list(RESOLUTIONS),
        min_duration_s=MIN_DURATION_S,
        max_duration_s=MAX_DURATION_S,
        frame_rates=list(FRAME_RATES),
        camera_motions=[OptionOut(value=value, label=CAMERA_MOTION_LABELS[value]) for value in CAMERA_MOTIONS],
        defaults={
            "aspect_ratio": defaults.aspect_ratio,
            "resolution": defaults.resolution,
            "duration_s": defaults.duration_s,
            "fps": defaults.fps,
            "camera_motion": defaults.camera_motion,
        },
        providers=[
            VideoProviderOptionOut(
                name=name,
                aspect_ratios=[r for r in VIDEO_ASPECT_RATIOS if r in caps.aspect_ratios],
                resolutions=[r for r in RESOLUTIONS if r in caps.resolutions],
                durations=sorted(caps.durations),
                durations_by_resolution={r: sorted(d) for r, d in caps.durations_by_resolution.items()},
                frame_rates=sorted(caps.frame_rates),
                camera_motions=[m for m in CAMERA_MOTIONS if m in caps.camera_motions],
                deterministic=caps.deterministic,
            )
            for name, caps in ((name, provider.video_capabilities) for name, provider in providers.items())
        ],
    )


@router.get("/generation/defaults", tags=["generation"], response_model=GenerationDefaultsOut, responses=TENANT)
async def get_generation_defaults(studio: Reader) -> GenerationDefaultsOut:
    """The workspace's default settings (the first level of the cascade) and provider."""
    organization = await studio.service.defaults()
    return GenerationDefaultsOut(settings=organization.generation_settings, provider=organization.default_provider)


@router.put(
    "/generation/defaults",
    tags=["generation"],
    response_model=GenerationDefaultsOut,
    responses={**TENANT, **error_responses(InvalidGenerationSettings, ProviderNotAvailable)},
)
async def set_generation_defaults(
    body: GenerationDefaults, ctx: AdminAccess, session: Session, storage: StorageDep, settings: SettingsDep
) -> GenerationDefaultsOut:
    """Set the workspace's default settings and provider (admins): every product and category builds on them."""
    organization = await Studio(ctx, session, storage, settings).service.set_defaults(body)
    return GenerationDefaultsOut(settings=organization.generation_settings, provider=organization.default_provider)


@router.post(
    "/generations",
    tags=["generation"],
    status_code=status.HTTP_202_ACCEPTED,
    response_model=GenerationOut,
    responses={
        **TENANT,
        **error_responses(
            ProductNotFound,
            ProductImageNotFound,
            AssetNotFound,
            ProductWithoutImages,
            ProviderNotAvailable,
            UnsupportedOption,
            InvalidGenerationSettings,
            InsufficientCredits,
            *IDEMPOTENCY_ERRORS,
        ),
    },
)
async def start_generation(body: GenerateRequest, studio: Writer, idempotency: MemberIdempotency) -> GenerationOut:
    """Generate images, or video clips with `type: "video"`: quotes the credits (1 per image at 1k/2k, 2 at 4k;
    5 per clip at 720p, 8 at 1080p), holds them (402 when the balance is short, with `required` and `available`),
    and starts a job with one item per image or clip. Clips come from products or from one image asset
    (`source_asset_id`), with settings.resolution, duration_s (3-10), fps (24|30), camera_motion and
    aspect_ratio (16:9, 9:16, 1:1, 4:5), each checked against the provider (GET /generation/options, `video`).
    You pay only for what is delivered: each output is captured when stored; failures and cancels release
    theirs. Follow progress at /jobs/{id}/events. With an `Idempotency-Key`, a retried request returns the
    first job."""
    creator = Creator.of(studio.ctx)
    return _out(await studio.service.start(body, creator))


@router.post(
    "/generations/quote",
    tags=["generation"],
    response_model=QuoteOut,
    responses={
        **TENANT,
        **error_responses(
            ProductNotFound,
            ProductImageNotFound,
            AssetNotFound,
            ProductWithoutImages,
            ProviderNotAvailable,
            UnsupportedOption,
            InvalidGenerationSettings,
        ),
    },
)
async def quote_generation(body: GenerateRequest, studio: Writer, session: Session) -> QuoteOut:
    """What the same request to POST /generations would cost (images or video clips), checked the same way, and
    the balance to pay it."""
    quote = await studio.service.quote(body)
    balance = await CreditLedgerService(session).balance(studio.ctx.organization_id)
    return QuoteOut(
        credits=quote.credits,
        breakdown=[CostLineOut.of(line) for line in quote.breakdown],
        available=balance.available,
        cost_table_version=quote.cost_table_version,
    )


@router.get(
    "/generations/{job_id}",
    tags=["generation"],
    response_model=GenerationOut,
    responses={**TENANT, **error_responses(GenerationNotFound)},
)
async def get_generation(job_id: uuid.UUID, studio: Reader) -> GenerationOut:
    """A generation job with each item's status, error and delivered asset."""
    return _out(await studio.service.get(job_id))


# --- flows and collections (saved studio sessions) -----------------------------------------------------------

SAVED_ERRORS = error_responses(ProductNotFound, ProductImageNotFound, InvalidGenerationSettings)
GENERATE_ERRORS = error_responses(
    ProductImageNotFound,
    ProductWithoutImages,
    ProviderNotAvailable,
    UnsupportedOption,
    InvalidGenerationSettings,
    InsufficientCredits,
    *IDEMPOTENCY_ERRORS,
)


def _flow_out(flow: Flow) -> FlowOut:
    return FlowOut.model_validate(flow, from_attributes=True)


async def _collection_out(studio: Studio, collection: Collection) -> CollectionOut:
    flows = await studio.service.saved.flows_of(collection.id)
    return CollectionOut(
        id=collection.id,
        name=collection.name,
        description=collection.description,
        settings=collection.settings,
        sections=[SectionOut.model_validate(section) for section in collection.sections],
        flows=[_flow_out(flow) for flow in flows],
        last_job_id=collection.last_job_id,
        created_at=collection.created_at,
        updated_at=collection.updated_at,
    )


@router.get("/flows", tags=["flows"], response_model=FlowPage, responses=TENANT)
async def list_flows(
    studio: Reader, page: PageQuery, product_id: Annotated[uuid.UUID | None, Query()] = None
) -> FlowPage:
    """Saved single-product studio sessions (not the ones inside collections), newest first."""
    rows, cursor = await studio.service.saved.list_flows(page, product_id)
    return FlowPage(items=[_flow_out(row) for row in rows], next_cursor=cursor)


@router.post("/flows", tags=["flows"], status_code=201, response_model=FlowOut, responses={**TENANT, **SAVED_ERRORS})
async def create_flow(body: CreateFlowRequest, studio: Writer) -> FlowOut:
    """Save a product's studio session: scene type, base photo and settings, to generate again later."""
    flow = await studio.service.saved.create_flow(body.product_id, body.name, body.base_image_id, body.settings)
    return _flow_out(flow)


@router.get(
    "/flows/{flow_id}", tags=["flows"], response_model=FlowOut, responses={**TENANT, **error_responses(FlowNotFound)}
)
async def get_flow(flow_id: uuid.UUID, studio: Reader) -> FlowOut:
    """One saved flow with its settings and last job."""
    return _flow_out(await studio.service.saved.flow(flow_id))


@router.patch(
    "/flows/{flow_id}",
    tags=["flows"],
    response_model=FlowOut,
    responses={**TENANT, **SAVED_ERRORS, **error_responses(FlowNotFound)},
)
async def update_flow(flow_id: uuid.UUID, body: UpdateFlowRequest, studio: Writer) -> FlowOut:
    """Change a flow's name, base photo or settings (only the fields sent)."""
    return _flow_out(await studio.service.saved.update_flow(flow_id, body.model_dump(exclude_unset=True)))


@router.delete(
    "/flows/{flow_id}", tags=["flows"], status_code=204, responses={**TENANT, **error_responses(FlowNotFound)}
)
async def delete_flow(flow_id: uuid.UUID, studio: Writer) -> Response:
    """Delete a flow; the images it made stay with the product."""
    await studio.service.saved.delete_flow(flow_id)
    return Response(status_code=204)


@router.post(
    "/flows/{flow_id}/generate",
    tags=["flows"],
    status_code=status.HTTP_202_ACCEPTED,
    response_model=GenerationOut,
    responses={**TENANT, **GENERATE_ERRORS, **error_responses(FlowNotFound)},
)
async def generate_flow(
    flow_id: uuid.UUID, body: GenerateSavedRequest, studio: Writer, idempotency: MemberIdempotency
) -> GenerationOut:
    """Generate a saved flow: its product with its settings (and this request's overrides)."""
    return _out(await studio.service.start(body.for_target(flow_id=flow_id), Creator.of(studio.ctx)))


@router.get("/collections", tags=["collections"], response_model=CollectionPage, responses=TENANT)
async def list_collections(studio: Reader, page: PageQuery) -> CollectionPage:
    """The workspace's collections, newest first."""
    rows, cursor = await studio.service.saved.list_collections(page)
    counts, jobs = await studio.service.saved.collection_facts(rows)
    items = [
        CollectionSummary(
            id=row.id,
            name=row.name,
            description=row.description,
            product_count=counts.get(row.id, 0),
            last_job_id=row.last_job_id,
            last_job=JobOut.of(jobs[row.last_job_id]) if row.last_job_id in jobs else None,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )
        for row in rows
    ]
    return CollectionPage(items=items, next_cursor=cursor)


@router.post(
    "/collections",
    tags=["collections"],
    status_code=201,
    response_model=CollectionOut,
    responses={**TENANT, **SAVED_ERRORS},
)
async def create_collection(body: CreateCollectionRequest, studio: Writer) -> CollectionOut:
    """A collection of products with shared settings and per-category sections; one flow per product."""
    collection = await studio.service.saved.create_collection(
        body.name,
        body.description,
        body.settings,
        [section.model_dump() for section in body.sections],
        body.product_ids,
    )
    return await _collection_out(studio, collection)


@router.get(
    "/collections/{collection_id}",
    tags=["collections"],
    response_model=CollectionOut,
    responses={**TENANT, **error_responses(CollectionNotFound)},
)
async def get_collection(collection_id: uuid.UUID, studio: Reader) -> CollectionOut:
    """One collection with its sections and a flow per product."""
    return await _collection_out(studio, await studio.service.saved.collection(collection_id))


@router.patch(
    "/collections/{collection_id}",
    tags=["collections"],
    response_model=CollectionOut,
    responses={**TENANT, **SAVED_ERRORS, **error_responses(CollectionNotFound)},
)
async def update_collection(collection_id: uuid.UUID, body: UpdateCollectionRequest, studio: Writer) -> CollectionOut:
    """Change a collection (only the fields sent); `product_ids` replaces its products, kept ones keep their flow."""
    changes = body.model_dump(exclude_unset=True)
    if body.sections is not None:
        changes["sections"] = [section.model_dump() for section in body.sections]
    return await _collection_out(studio, await studio.service.saved.update_collection(collection_id, changes))


@router.delete(
    "/collections/{collection_id}",
    tags=["collections"],
    status_code=204,
    responses={**TENANT, **error_responses(CollectionNotFound)},
)
async def delete_collection(collection_id: uuid.UUID, studio: Writer) -> Response:
    """Delete a collection and its flows; generated images stay with their products."""
    await studio.service.saved.delete_collection(collection_id)
    return Response(status_code=204)


@router.post(
    "/collections/{collection_id}/generate",
    tags=["collections"],
    status_code=status.HTTP_202_ACCEPTED,
    response_model=GenerationOut,
    responses={**TENANT, **GENERATE_ERRORS, **error_responses(CollectionNotFound)},
)
async def generate_collection(
    collection_id: uuid.UUID, body: GenerateSavedRequest, studio: Writer, idempotency: MemberIdempotency
) -> GenerationOut:
    """Generate every product of the collection in one job: one quote and hold for all, per-product progress."""
    return _out(await studio.service.start(body.for_target(collection_id=collection_id), Creator.of(studio.ctx)))
