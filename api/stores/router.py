from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import RedirectResponse
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.dependencies import AdminAccess, AuthContext, MemberAccess, MemberIdempotency, ViewerAccess, get_redis
from api.auth.exceptions import InsufficientRole
from api.core.config import Settings, get_settings
from api.core.errors import NotAuthenticated, error_responses
from api.core.idempotency import IDEMPOTENCY_ERRORS, IdempotentRoute
from api.core.pagination import PageQuery
from api.core.routing import get_session
from api.jobs.schemas import JobOut
from api.jobs.service import Creator
from api.stores.exceptions import (
    InvalidImportRequest,
    InvalidShopDomain,
    InvalidSiteUrl,
    StoreAlreadyConnected,
    StoreConnectFailed,
    StoreNotActive,
    StoreNotConfigured,
    StoreNotFound,
    StoreRequestFailed,
)
from api.stores.schemas import (
    ImportRequest,
    RemoteProductPage,
    ShopifyInstallOut,
    ShopifyInstallRequest,
    StoreList,
    StoreOut,
    StoreSandboxOut,
    UpdateStoreRequest,
    WebhookAck,
    WooCommerceAuthorizeOut,
    WooCommerceAuthorizeRequest,
    WooCommerceKeys,
)
from api.stores.service import ShopifyInstallService, StoreService, WooCommerceKeyService

router = APIRouter(prefix="/stores", tags=["stores"], route_class=IdempotentRoute)
TENANT = error_responses(NotAuthenticated, InsufficientRole)
STORE = {**TENANT, **error_responses(StoreNotFound)}

# Any `<name>.myshopify.com` works against the Shopify sandbox; this is the one the Store page suggests.
SANDBOX_SHOP = "sandbox-shop.myshopify.com"

Session = Annotated[AsyncSession, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RedisDep = Annotated[Redis, Depends(get_redis)]


def _stores(ctx: AuthContext, session: AsyncSession, settings: Settings) -> StoreService:
    return StoreService(session, ctx.organization_id, settings)


@router.post(
    "/shopify/install",
    response_model=ShopifyInstallOut,
    responses={**TENANT, **error_responses(InvalidShopDomain, StoreAlreadyConnected, StoreNotConfigured)},
)
async def start_shopify_install(
    body: ShopifyInstallRequest, ctx: AdminAccess, session: Session, settings: SettingsDep, redis: RedisDep
) -> ShopifyInstallOut:
    """Start connecting a Shopify store: send the merchant to the returned URL to approve the app."""
    url = await _stores(ctx, session, settings).start_shopify_install(body.shop, ctx.actor_user_id, redis)
    return ShopifyInstallOut(authorize_url=url)


@router.get("/shopify/callback", status_code=status.HTTP_303_SEE_OTHER, response_class=RedirectResponse)
async def shopify_callback(request: Request, session: Session, settings: SettingsDep, redis: RedisDep) -> Response:
    """Public: where Shopify sends the merchant back after approving; redirects to the web app's store page."""
    params = dict(request.query_params)
    target = f"{settings.public_url.rstrip('/')}/store"
    try:
        connection = await ShopifyInstallService(session, settings, redis).complete(params)
    except StoreConnectFailed as exc:
        # Roll back here too: the route commits whatever the handler leaves when it returns normally.
        await session.rollback()
        return RedirectResponse(f"{target}?{urlencode({'error': exc.reason})}", status_code=303)
    return RedirectResponse(f"{target}?{urlencode({'connected': connection.shop_domain})}", status_code=303)


@router.post(
    "/woocommerce/authorize",
    response_model=WooCommerceAuthorizeOut,
    responses={**TENANT, **error_responses(InvalidSiteUrl, StoreAlreadyConnected)},
)
async def start_woocommerce_authorize(
    body: WooCommerceAuthorizeRequest, ctx: AdminAccess, session: Session, settings: SettingsDep, redis: RedisDep
) -> WooCommerceAuthorizeOut:
    """Start connecting a WooCommerce store: send the merchant to the returned URL on their site to approve
    the API key; WooCommerce then posts the key to the callback and brings the merchant back to the Store page."""
    url = await _stores(ctx, session, settings).start_woocommerce_authorize(body.site_url, ctx.actor_user_id, redis)
    return WooCommerceAuthorizeOut(authorize_url=url)


@router.post("/woocommerce/callback", response_model=WebhookAck, responses=error_responses(StoreConnectFailed))
async def woocommerce_callback(
    body: WooCommerceKeys, session: Session, settings: SettingsDep, redis: RedisDep
) -> WebhookAck:
    """Public, server to server: WooCommerce posts the approved key here; its `user_id` must be our unused nonce."""
    await WooCommerceKeyService(session, settings, redis).complete(body)
    return WebhookAck(status="connected")


@router.get("/woocommerce/return", status_code=status.HTTP_303_SEE_OTHER, response_class=RedirectResponse)
async def woocommerce_return(settings: SettingsDep, success: str = "0") -> Response:
    """Public: where WooCommerce sends the merchant back (after posting the key when approved)."""
    outcome = "connected" if success == "1" else "denied"
    return RedirectResponse(f"{settings.public_url.rstrip('/')}/store?woocommerce={outcome}", status_code=303)


@router.get("/sandbox", response_model=StoreSandboxOut, responses=TENANT)
async def get_store_sandbox(ctx: ViewerAccess, settings: SettingsDep) -> StoreSandboxOut:
    """The sandbox stores of a local run (both null in production): offered as "Connect a sandbox store"."""
    local = not settings.is_production
    return StoreSandboxOut(
        shopify_shop=SANDBOX_SHOP if local and settings.shopify_api_base_url else None,
        woocommerce_site_url=settings.woocommerce_sandbox_site if local else None,
    )


@router.get("", response_model=StoreList, responses=TENANT)
async def list_stores(ctx: ViewerAccess, session: Session, settings: SettingsDep) -> StoreList:
    """The workspace's connected stores."""
    rows = await _stores(ctx, session, settings).all()
    return StoreList(items=[StoreOut.of(row) for row in rows])


@router.patch("/{store_id}", response_model=StoreOut, responses=STORE)
async def update_store(
    store_id: uuid.UUID, body: UpdateStoreRequest, ctx: AdminAccess, session: Session, settings: SettingsDep
) -> StoreOut:
    """Change a connection's settings (auto-sync)."""
    return StoreOut.of(await _stores(ctx, session, settings).update(store_id, body))


@router.delete("/{store_id}", status_code=status.HTTP_204_NO_CONTENT, responses=STORE)
async def delete_store(store_id: uuid.UUID, ctx: AdminAccess, session: Session, settings: SettingsDep) -> Response:
    """Disconnect a store and forget its token; imported products stay in the catalog."""
    await _stores(ctx, session, settings).remove(store_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{store_id}/remote-products",
    response_model=RemoteProductPage,
    responses={**STORE, **error_responses(StoreNotActive, StoreRequestFailed)},
)
async def list_remote_products(
    store_id: uuid.UUID, ctx: MemberAccess, session: Session, settings: SettingsDep, page: PageQuery
) -> RemoteProductPage:
    """Browse the store's products (live from the store), marking the ones already imported."""
    items, cursor = await _stores(ctx, session, settings).remote_products(
        store_id, limit=min(page.limit, 100), cursor=page.cursor
    )
    return RemoteProductPage(items=items, next_cursor=cursor)


@router.post(
    "/{store_id}/imports",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobOut,
    responses={**STORE, **error_responses(StoreNotActive, InvalidImportRequest, *IDEMPOTENCY_ERRORS)},
)
async def import_store_products(
    store_id: uuid.UUID,
    body: ImportRequest,
    ctx: MemberAccess,
    session: Session,
    settings: SettingsDep,
    idempotency: MemberIdempotency,
) -> JobOut:
    """Import products from the store as a job; follow it at /jobs/{id} or its events stream. With an
    `Idempotency-Key`, a retry returns the first job instead of starting a second import."""
    job = await _stores(ctx, session, settings).start_import(store_id, body, Creator.of(ctx))
    return JobOut.of(job)
