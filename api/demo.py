"""The demo workspace `make run` seeds, so a first visit has something to sign in to and a catalog to try."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from api import demo_images
from api.auth.repository import UserRepository
from api.core.config import Settings
from api.core.security import hash_password
from api.core.storage import Storage
from api.core.time import utc_now
from api.models import User
from api.organizations.service import OrganizationService
from api.products.exceptions import PlanLimitReached
from api.products.repository import CategoryRepository, ProductRepository
from api.products.schemas import CreateCategoryRequest, CreateProductRequest
from api.products.service import CategoryService, ProductService

logger = logging.getLogger("epox.demo")

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "epox-demo-studio"  # noqa: S105 - a published local demo login, never created in production
DEMO_WORKSPACE = "Demo Furniture Co."


@dataclass(frozen=True)
class DemoProduct:
    name: str
    description: str
    sku: str
    price_minor: int
    category: str
    shot: Callable[[demo_images.Canvas], None]


DEMO_CATEGORIES = ("Seating", "Lighting", "Tables", "Decor", "Rugs")
DEMO_PRODUCTS = (
    DemoProduct(
        "Sage velvet sofa",
        "Three-seat sofa in soft sage velvet with rounded arms and walnut legs.",
        "DEMO-SOFA-01",
        129900,
        "Seating",
        demo_images.sofa,
    ),
    DemoProduct(
        "Mustard lounge armchair",
        "Deep lounge chair in mustard bouclé, a generous seat on tapered dark legs.",
        "DEMO-ARM-02",
        64900,
        "Seating",
        demo_images.armchair,
    ),
    DemoProduct(
        "Brass floor lamp",
        "Slim brushed-brass floor lamp with a cream linen shade and a warm glow.",
        "DEMO-LAMP-03",
        18900,
        "Lighting",
        demo_images.lamp,
    ),
    DemoProduct(
        "Walnut side table",
        "Round side table in oiled walnut on three splayed legs.",
        "DEMO-TBL-04",
        24900,
        "Tables",
        demo_images.side_table,
    ),
    DemoProduct(
        "Terracotta vase",
        "Hand-thrown terracotta vase with a matte finish, shown with dried branches.",
        "DEMO-VASE-05",
        5900,
        "Decor",
        demo_images.vase,
    ),
    DemoProduct(
        "Kilim wool rug",
        "Flat-woven wool rug in rust and cream with a diamond border and fringed ends.",
        "DEMO-RUG-06",
        39900,
        "Rugs",
        demo_images.rug,
    ),
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    created: bool


async def seed_demo(
    session: AsyncSession, *, storage: Storage | None = None, settings: Settings | None = None
) -> DemoLogin:
    """Create the demo user and workspace once; later runs leave them as they are. With storage and settings, also
    make sure the sample catalog is there (each product and image only once, however often this runs)."""
    users = UserRepository(session)
    user = await users.get_by_email(DEMO_EMAIL)
    created = user is None
    if user is None:
        user = await users.add(
            User(
                email=DEMO_EMAIL,
                name="Demo Merchant",
                password_hash=hash_password(DEMO_PASSWORD),
                email_verified_at=utc_now(),
            )
        )
        organization = await OrganizationService(session).create_with_owner(user, DEMO_WORKSPACE)
        user.last_organization_id = organization.id
        await session.flush()
    if storage is not None and settings is not None and user.last_organization_id is not None:
        await seed_demo_catalog(session, user.last_organization_id, storage, settings)
    return DemoLogin(DEMO_EMAIL, DEMO_PASSWORD, created=created)


async def seed_demo_catalog(
    session: AsyncSession, organization_id: uuid.UUID, storage: Storage, settings: Settings
) -> int:
    """The six sample products with their pictures; returns how many were added this time."""
    categories = CategoryService(session, organization_id)
    category_ids: dict[str, uuid.UUID] = {}
    for name in DEMO_CATEGORIES:
        slug = name.lower()
        existing = await CategoryRepository(session, organization_id).get_by_slug(slug)
        category = existing or (await categories.create(CreateCategoryRequest(name=name, slug=slug))).category
        category_ids[name] = category.id

    products = ProductService(session, organization_id, storage=storage, settings=settings)
    added = 0
    for sample in DEMO_PRODUCTS:
        existing_product = await ProductRepository(session, organization_id).get_by_name(sample.name)
        if existing_product is not None:
            view = await products.get(existing_product.id)
            if view.images:
                continue
            product_id = existing_product.id
        else:
            try:
                view = await products.create(
                    CreateProductRequest(
                        name=sample.name,
                        description=sample.description,
                        sku=sample.sku,
                        price_minor=sample.price_minor,
                        currency="USD",
                        category_ids=[category_ids[sample.category]],
                    )
                )
            except PlanLimitReached:  # someone filled the demo workspace: leave it as it is
                logger.info("demo catalog not completed: no product slot left")
                break
            product_id = view.product.id
            added += 1
        picture = await asyncio.to_thread(demo_images.product_shot, sample.shot)
        await products.add_image(product_id, picture)
    return added
