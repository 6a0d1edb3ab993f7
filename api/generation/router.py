from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

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
from api.generation.registry import DEFAULT_PROVIDER, available_providers
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
)
from api.generation.service import Generation, GenerationService
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
    """What can be asked for: scene types, the bubble types with their presets, output options, and the providers
    configured here with what each supports."""
    providers = available_providers(settings)
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
                supports_video=provider.capabilities.supports_video,
                deterministic=provider.capabilities.deterministic,
            )
            for name, provider in providers.items()
        ],
        default_provider=DEFAULT_PROVIDER,
        max_variants=4,
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
    """Generate images: quotes the credits (1 per image at 1k/2k, 2 at 4k), holds them (402 when the balance is
    short), and starts a job with one item per image. You pay only for delivered images: each is captured when
    stored; failures and cancels release theirs. Follow progress at /jobs/{id}/events. With an
    `Idempotency-Key`, a retried request returns the first job."""
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
            ProductWithoutImages,
            ProviderNotAvailable,
            UnsupportedOption,
            InvalidGenerationSettings,
        ),
    },
)
async def quote_generation(body: GenerateRequest, studio: Writer, session: Session) -> QuoteOut:
    """What the same request to POST /generations would cost, checked the same way, and the balance to pay it."""
    plan = await studio.service.plan(body)
    balance = await CreditLedgerService(session).balance(studio.ctx.organization_id)
    return QuoteOut(
        credits=plan.quote.credits,
        breakdown=[CostLineOut.of(line) for line in plan.quote.breakdown],
        available=balance.available,
        cost_table_version=plan.quote.cost_table_version,
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
    return CollectionPage(
        items=[CollectionSummary.model_validate(row, from_attributes=True) for row in rows], next_cursor=cursor
    )


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
