from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from api.core.pagination import Page
from api.core.schemas import RequestModel, ResponseModel
from api.models import StoreKind, StoreStatus


class ShopifyInstallRequest(RequestModel):
    shop: str = Field(description="The shop's domain, e.g. my-store.myshopify.com.", max_length=255)


class ShopifyInstallOut(ResponseModel):
    authorize_url: str


class StoreOut(ResponseModel):
    """A connected store; its credentials never leave the server."""

    id: uuid.UUID
    kind: StoreKind
    shop_domain: str
    status: StoreStatus
    auto_sync: bool
    last_synced_at: datetime | None
    last_error: str | None
    created_at: datetime


class StoreList(ResponseModel):
    items: list[StoreOut]


class UpdateStoreRequest(RequestModel):
    auto_sync: bool | None = Field(default=None, description="Push approved images to the store automatically.")


class RemoteProductOut(ResponseModel):
    external_id: str
    title: str
    sku: str | None
    price: str | None
    image_url: str | None
    image_count: int
    collections: list[str]
    imported_product_id: uuid.UUID | None


class RemoteProductPage(Page[RemoteProductOut]):
    pass


class ImportRequest(RequestModel):
    external_ids: list[str] | None = Field(
        default=None,
        min_length=1,
        max_length=250,
        description="Store product ids to import (e.g. from the browse list).",
    )
    all: bool = Field(default=False, description="Import every product in the store.")
