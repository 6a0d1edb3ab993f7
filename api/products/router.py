from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from api.auth.dependencies import AuthContext, MemberAccess, MemberIdempotency, ViewerAccess
from api.auth.exceptions import InsufficientRole
from api.core.config import Settings, get_settings
from api.core.errors import InvalidInput, NotAuthenticated, error_responses
from api.core.fetch import FETCH_ERRORS
from api.core.idempotency import IDEMPOTENCY_ERRORS, IdempotentRoute
from api.core.pagination import Page, PageQuery
from api.core.routing import get_session
from api.core.storage import Storage, get_storage
from api.media.images import IMAGE_ERRORS, ImageTooLarge
from api.models import ProductSource
from api.products.exceptions import (
    CategoryCycle,
    CategoryNotFound,
    CategorySlugTaken,
    PlanLimitReached,
    ProductImageNotFound,
    ProductNotFound,
    TooManyImages,
)
from api.products.repository import ProductFilters
from api.products.schemas import (
    CategoryOut,
    CreateCategoryRequest,
    CreateProductRequest,
    ImportImageRequest,
    ProductImageOut,
    ProductOut,
    SlotsOut,
    UpdateCategoryRequest,
    UpdateProductImageRequest,
    UpdateProductRequest,
)
from api.products.service import CategoryService, ProductService

router = APIRouter(route_class=IdempotentRoute)
TENANT = error_responses(NotAuthenticated, InsufficientRole)
PRODUCT = {**TENANT, **error_responses(ProductNotFound)}


class Catalog:
    """The catalog services for the caller's workspace, and how to sign file URLs for responses."""

    def __init__(self, ctx: AuthContext, session: AsyncSession, storage: Storage, settings: Settings) -> None:
        self.products = ProductService(session, ctx.organization_id, storage=storage, settings=settings)
        self.categories = CategoryService(session, ctx.organization_id)
        self.storage = storage
        self.ttl = settings.signed_url_ttl_seconds

    def sign(self, key: str) -> str:
        return self.storage.signed_url(key, self.ttl)


Session = Annotated[AsyncSession, Depends(get_session)]
StorageDep = Annotated[Storage, Depends(get_storage)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def _reader(ctx: ViewerAccess, session: Session, storage: StorageDep, settings: SettingsDep) -> Catalog:
    return Catalog(ctx, session, storage, settings)


def _writer(ctx: MemberAccess, session: Session, storage: StorageDep, settings: SettingsDep) -> Catalog:
    return Catalog(ctx, session, storage, settings)


Reader = Annotated[Catalog, Depends(_reader)]
Writer = Annotated[Catalog, Depends(_writer)]


# Products.


@router.get("/products/slots", tags=["products"], response_model=SlotsOut, responses=TENANT)
async def get_product_slots(catalog: Reader) -> SlotsOut:
    """Product slots: how many the plan includes, how many products (not archived) use, and how many are left."""
    slots = await catalog.products.slots()
    return SlotsOut(limit=slots.limit, used=slots.used, remaining=slots.remaining)


@router.get("/products", tags=["products"], response_model=Page[ProductOut], responses=TENANT)
async def list_products(
    catalog: Reader,
    page: PageQuery,
    query: Annotated[
        str | None, Query(max_length=200, description="Words to find in the name, SKU or description.")
    ] = None,
    category_id: Annotated[uuid.UUID | None, Query(description="Only products in this category.")] = None,
    source: Annotated[ProductSource | None, Query(description="Only uploaded or only imported products.")] = None,
    store_id: Annotated[uuid.UUID | None, Query(description="Only products imported from this store.")] = None,
    archived: Annotated[bool, Query(description="List archived products instead of active ones.")] = False,
    ids: Annotated[
        list[uuid.UUID] | None,
        Query(alias="id", max_length=200, description="Only these products (repeat `id`), archived ones included."),
    ] = None,
) -> Page[ProductOut]:
    """The workspace's products, newest first, with their images and categories."""
    filters = ProductFilters(
        ids=tuple(ids) if ids else None,
        query=query.strip() or None if query else None,
        category_id=category_id,
        source=source,
        store_id=store_id,
        archived=archived,
    )
    views, cursor = await catalog.products.list_page(filters, page)
    return Page(items=[ProductOut.of(v, catalog.sign) for v in views], next_cursor=cursor)


@router.post(
    "/products",
    tags=["products"],
    status_code=status.HTTP_201_CREATED,
    response_model=ProductOut,
    responses={**TENANT, **error_responses(PlanLimitReached, *IDEMPOTENCY_ERRORS)},
)
async def create_product(body: CreateProductRequest, catalog: Writer, idempotency: MemberIdempotency) -> ProductOut:
    """Create a product; uses one product slot (403 `plan_limit_reached` when none is left). With an
    `Idempotency-Key`, a retry returns the first product instead of creating a second."""
    return ProductOut.of(await catalog.products.create(body), catalog.sign)


@router.get("/products/{product_id}", tags=["products"], response_model=ProductOut, responses=PRODUCT)
async def get_product(product_id: uuid.UUID, catalog: Reader) -> ProductOut:
    """One product with its images (signed URLs) and categories."""
    return ProductOut.of(await catalog.products.get(product_id), catalog.sign)


@router.patch("/products/{product_id}", tags=["products"], response_model=ProductOut, responses=PRODUCT)
async def update_product(product_id: uuid.UUID, body: UpdateProductRequest, catalog: Writer) -> ProductOut:
    """Change a product's fields or categories; only the fields sent change."""
    return ProductOut.of(await catalog.products.update(product_id, body), catalog.sign)


@router.delete("/products/{product_id}", tags=["products"], response_model=ProductOut, responses=PRODUCT)
async def archive_product(product_id: uuid.UUID, catalog: Writer) -> ProductOut:
    """Archive a product: it keeps its images and frees its product slot; restore it any time."""
    return ProductOut.of(await catalog.products.archive(product_id), catalog.sign)


@router.post(
    "/products/{product_id}/restore",
    tags=["products"],
    response_model=ProductOut,
    responses={**PRODUCT, **error_responses(PlanLimitReached)},
)
async def restore_product(product_id: uuid.UUID, catalog: Writer) -> ProductOut:
    """Bring an archived product back; it uses a product slot again."""
    return ProductOut.of(await catalog.products.restore(product_id), catalog.sign)


# Images.

# The body is read by hand (a file or a URL, as multipart or JSON), so it is described here. Only the multipart
# form is listed: the generated TypeScript client picks JSON whenever it is offered, and the web app needs the
# form for files. `application/json` `{"url": ...}` is accepted all the same (see the description).
_IMAGE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "title": "UploadProductImage",
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "The image file."},
                        "url": {
                            "type": "string",
                            "maxLength": 2048,
                            "description": "Instead of a file: an http(s) URL to import the image from.",
                        },
                    },
                }
            },
        },
    }
}


async def _image_input(request: Request, max_bytes: int) -> tuple[bytes | None, str | None]:
    """The uploaded file's bytes, or the URL to import: multipart (`file` or `url`) or JSON (`{url}`)."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        async with request.form(max_files=1, max_fields=2) as form:
            upload, url = form.get("file"), form.get("url")
            if isinstance(upload, UploadFile):
                data = await upload.read(max_bytes + 1)
                if len(data) > max_bytes:
                    raise ImageTooLarge(f"The file is larger than {max_bytes // 1_048_576} MB.")
                if not data:
                    raise InvalidInput("file", "The file is empty.")
                return data, None
            if isinstance(url, str) and url.strip():
                return None, _validated(lambda: ImportImageRequest(url=url)).url
        raise InvalidInput("file", "Attach an image as `file`, or give a `url` to import.")
    body = await request.body()
    return None, _validated(lambda: ImportImageRequest.model_validate_json(body)).url


def _validated(build: Callable[[], ImportImageRequest]) -> ImportImageRequest:
    """Validation errors of a body read by hand answer 422 with field errors, like any other body."""
    try:
        return build()
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from exc


@router.post(
    "/products/{product_id}/images",
    tags=["products"],
    status_code=status.HTTP_201_CREATED,
    response_model=ProductImageOut,
    responses={**PRODUCT, **error_responses(TooManyImages, *IMAGE_ERRORS, *FETCH_ERRORS, *IDEMPOTENCY_ERRORS)},
    openapi_extra=_IMAGE_BODY,
)
async def add_product_image(
    product_id: uuid.UUID,
    request: Request,
    catalog: Writer,
    settings: SettingsDep,
    idempotency: MemberIdempotency,
) -> ProductImageOut:
    """Add an image: upload it (multipart `file`, up to 15 MB and 40 megapixels) or import it from a URL (multipart
    `url`, or a JSON body `{"url": "https://..."}`). JPEG, PNG, WebP, GIF (first frame) and AVIF are accepted; the
    image is re-encoded without metadata, EXIF orientation applied, and gets a WebP preview."""
    await catalog.products.ensure_exists(product_id)  # another workspace's product: 404 before the body is read
    data, url = await _image_input(request, settings.image_max_bytes)
    if data is not None:
        image = await catalog.products.add_image(product_id, data)
    else:
        assert url is not None
        image = await catalog.products.import_image(product_id, url)
    return ProductImageOut.of(image, catalog.sign)


@router.patch(
    "/products/{product_id}/images/{image_id}",
    tags=["products"],
    response_model=ProductImageOut,
    responses={**PRODUCT, **error_responses(ProductImageNotFound)},
)
async def update_product_image(
    product_id: uuid.UUID, image_id: uuid.UUID, body: UpdateProductImageRequest, catalog: Writer
) -> ProductImageOut:
    """Move an image to another position, or make it the primary image."""
    return ProductImageOut.of(await catalog.products.update_image(product_id, image_id, body), catalog.sign)


@router.delete(
    "/products/{product_id}/images/{image_id}",
    tags=["products"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**PRODUCT, **error_responses(ProductImageNotFound)},
)
async def delete_product_image(product_id: uuid.UUID, image_id: uuid.UUID, catalog: Writer) -> None:
    """Delete an image and its stored files; the next image becomes primary if this one was."""
    await catalog.products.delete_image(product_id, image_id)


# Categories.

CATEGORY = {**TENANT, **error_responses(CategoryNotFound)}


@router.get("/categories", tags=["categories"], response_model=Page[CategoryOut], responses=TENANT)
async def list_categories(catalog: Reader, page: PageQuery) -> Page[CategoryOut]:
    """The workspace's categories, by name, with how many products each holds."""
    views, cursor = await catalog.categories.list_page(page)
    return Page(items=[CategoryOut.of(v) for v in views], next_cursor=cursor)


@router.post(
    "/categories",
    tags=["categories"],
    status_code=status.HTTP_201_CREATED,
    response_model=CategoryOut,
    responses={**TENANT, **error_responses(CategorySlugTaken)},
)
async def create_category(body: CreateCategoryRequest, catalog: Writer) -> CategoryOut:
    """Create a category (the slug is made from the name unless given; it is unique in the workspace)."""
    return CategoryOut.of(await catalog.categories.create(body))


@router.get("/categories/{category_id}", tags=["categories"], response_model=CategoryOut, responses=CATEGORY)
async def get_category(category_id: uuid.UUID, catalog: Reader) -> CategoryOut:
    """One category."""
    return CategoryOut.of(await catalog.categories.get(category_id))


@router.patch(
    "/categories/{category_id}",
    tags=["categories"],
    response_model=CategoryOut,
    responses={**CATEGORY, **error_responses(CategorySlugTaken, CategoryCycle)},
)
async def update_category(category_id: uuid.UUID, body: UpdateCategoryRequest, catalog: Writer) -> CategoryOut:
    """Rename, re-slug or move a category, or change its generation settings; a category cannot go inside itself."""
    return CategoryOut.of(await catalog.categories.update(category_id, body))


@router.delete(
    "/categories/{category_id}",
    tags=["categories"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=CATEGORY,
)
async def delete_category(category_id: uuid.UUID, catalog: Writer) -> None:
    """Delete a category; its subcategories move to the top level and its products stay."""
    await catalog.categories.delete(category_id)
