from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.core.pagination import Page
from api.core.schemas import RequestModel, ResponseModel
from api.models import StoreConnection, StoreKind, StoreStatus


class ShopifyInstallRequest(RequestModel):
    shop: str = Field(description="The shop's domain, e.g. my-store.myshopify.com.", max_length=255)


class ShopifyInstallOut(ResponseModel):
    authorize_url: str


class WooCommerceAuthorizeRequest(RequestModel):
    site_url: str = Field(description="The WordPress site's address, e.g. https://shop.example.com.", max_length=255)


class WooCommerceAuthorizeOut(ResponseModel):
    authorize_url: str


class WooCommerceKeys(BaseModel):
    """What WooCommerce posts to the key callback after the merchant approves (its wc-auth flow). WooCommerce's
    body, not ours: fields it may add are ignored."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    key_id: int | None = None
    user_id: str = Field(max_length=200)
    consumer_key: str = Field(min_length=1, max_length=200)
    consumer_secret: str = Field(min_length=1, max_length=200)
    key_permissions: str = Field(max_length=20)


class StoreSandboxOut(ResponseModel):
    """Local runs only: the sandbox stores a newcomer can connect without any store of their own."""

    shopify_shop: str | None = Field(description="A shop domain the Shopify sandbox serves, when it stands in.")
    woocommerce_site_url: str | None = Field(description="The WooCommerce sandbox site, when one runs.")


class StoreOut(ResponseModel):
    """A connected store; its credentials never leave the server."""

    id: uuid.UUID
    kind: StoreKind
    shop_domain: str
    status: StoreStatus
    auto_sync: bool
    last_synced_at: datetime | None
    last_error: str | None
    webhook_topics: list[str] = Field(description="The store events Epox is subscribed to.")
    last_webhook_at: datetime | None = Field(description="When the store last sent a verified webhook.")
    created_at: datetime

    @classmethod
    def of(cls, connection: StoreConnection) -> StoreOut:
        return cls.model_validate(
            {
                **{name: getattr(connection, name) for name in cls.model_fields if name != "webhook_topics"},
                "webhook_topics": sorted(connection.webhook_ids),
            }
        )


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


class WebhookAck(ResponseModel):
    status: str
