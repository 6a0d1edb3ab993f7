"""Store connections: the Shopify install (OAuth with a single-use state), the WooCommerce key flow (wc-auth
with a signed, expiring, single-use `user_id` nonce), the workspace's connections, browsing the store's
products, and starting imports as jobs."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from redis.asyncio import Redis
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.config import Settings
from api.core.crypto import CredentialCipher
from api.core.queue import SYNC_QUEUE
from api.jobs.service import Creator, JobService
from api.models import Job, JobKind, StoreConnection, StoreKind, StoreStatus
from api.stores.clients import store_client
from api.stores.credentials import open_credentials, revoke_credentials, seal_credentials
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
from api.stores.platform import StoreApiError, StoreClient
from api.stores.repository import StoreConnectionRepository
from api.stores.schemas import ImportRequest, RemoteProductOut, UpdateStoreRequest, WooCommerceKeys
from api.stores.shopify import SHOP_DOMAIN, ShopifyClient, shop_base_url, verify_oauth_hmac
from api.stores.woocommerce import InvalidSiteUrl as SiteUrlRule
from api.stores.woocommerce import WooCommerceClient, normalize_site_url

logger = logging.getLogger("epox.stores")

IMPORT_TASK = "import_store_products"
# Shopify's callback timestamp must be recent; a replayed old callback is refused even with a valid HMAC.
CALLBACK_MAX_AGE_SECONDS = 24 * 3600
_STATE_KEY = "epox:shopify:oauth-state:"
_WOO_NONCE_KEY = "epox:woocommerce:auth-nonce:"


def _api_url(settings: Settings, path: str) -> str:
    return f"{settings.public_url.rstrip('/')}/api/v1/{path}"


def webhook_url(settings: Settings) -> str:
    return _api_url(settings, "webhooks/shopify")


def callback_url(settings: Settings) -> str:
    return _api_url(settings, "stores/shopify/callback")


def woocommerce_webhook_url(settings: Settings, connection_id: uuid.UUID) -> str:
    return _api_url(settings, f"webhooks/woocommerce/{connection_id}")


def normalize_shop(shop: str) -> str:
    shop = shop.strip().lower()
    if not SHOP_DOMAIN.fullmatch(shop):
        raise InvalidShopDomain()
    return shop


def _sign(settings: Settings, purpose: str, *parts: str) -> str:
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, ":".join((purpose, *parts)).encode(), hashlib.sha256).hexdigest()[:32]


def _state_key(prefix: str, state: str) -> str:
    return prefix + hashlib.sha256(state.encode()).hexdigest()


@dataclass(frozen=True)
class InstallState:
    """Who started connecting which store: kept server-side under the single-use state or nonce."""

    organization_id: uuid.UUID
    user_id: uuid.UUID | None
    shop: str

    def dump(self) -> str:
        return json.dumps(
            {"organization_id": str(self.organization_id), "user_id": str(self.user_id or ""), "shop": self.shop}
        )

    @classmethod
    def load(cls, raw: str | bytes) -> InstallState:
        record = json.loads(raw)
        user = record.get("user_id") or None
        return cls(uuid.UUID(record["organization_id"]), uuid.UUID(user) if user else None, record["shop"])


async def _take_state(redis: Redis, prefix: str, state: str) -> InstallState | None:
    raw = await redis.getdel(_state_key(prefix, state))  # single use, even under concurrent callbacks
    return InstallState.load(raw) if raw is not None else None


async def activate_connection(
    session: AsyncSession,
    cipher: CredentialCipher,
    state: InstallState,
    kind: StoreKind,
    *,
    connection_id: uuid.UUID,
    credentials: dict[str, str],
    scopes: str,
    webhook_ids: dict[str, str],
) -> StoreConnection:
    """Store a verified connection (encrypted credentials, webhook ids). A reconnect reuses the store's row, so
    products imported before stay linked to it; an active row, or one a concurrent callback just wrote, is a
    conflict."""
    repository = StoreConnectionRepository(session, state.organization_id)
    connection = await repository.by_shop(kind, state.shop, for_update=True)
    if connection is not None and (connection.status == StoreStatus.active or connection.id != connection_id):
        raise StoreConnectFailed("already_connected")
    if connection is None:
        connection = StoreConnection(
            id=connection_id,
            organization_id=state.organization_id,
            kind=kind,
            shop_domain=state.shop,
            connected_by_user_id=state.user_id,
        )
    connection.status = StoreStatus.active
    connection.scopes = scopes
    connection.webhook_ids = webhook_ids
    connection.disconnected_at = None
    connection.last_error = None
    seal_credentials(cipher, connection, credentials)
    try:
        async with session.begin_nested():
            session.add(connection)
            await session.flush()
    except IntegrityError as exc:  # a concurrent callback for the same store won
        raise StoreConnectFailed("already_connected") from exc
    return connection


class StoreService:
    def __init__(self, session: AsyncSession, organization_id: uuid.UUID, settings: Settings) -> None:
        self.session = session
        self.organization_id = organization_id
        self.settings = settings
        self.cipher = CredentialCipher.from_settings(settings)
        self.connections = StoreConnectionRepository(session, organization_id)

    async def all(self) -> list[StoreConnection]:
        return await self.connections.all()

    async def get(self, store_id: uuid.UUID, *, for_update: bool = False) -> StoreConnection:
        connection = await self.connections.get(store_id, for_update=for_update)
        if connection is None:
            raise StoreNotFound()
        return connection

    async def update(self, store_id: uuid.UUID, data: UpdateStoreRequest) -> StoreConnection:
        connection = await self.get(store_id, for_update=True)
        if data.auto_sync is not None:
            connection.auto_sync = data.auto_sync
        await self.session.flush()
        return connection

    async def remove(self, store_id: uuid.UUID) -> None:
        """Remove our webhooks from the store, then forget the connection and its credentials; imported products
        stay, unlinked from the store. A store that does not answer cannot block a disconnect: its webhooks then
        reach a connection that no longer exists and are refused."""
        connection = await self.get(store_id, for_update=True)
        credentials = open_credentials(self.cipher, connection)
        if connection.status == StoreStatus.active and credentials is not None and connection.webhook_ids:
            try:
                await store_client(self.settings, connection, credentials, max_wait=5).remove_webhooks(
                    connection.webhook_ids
                )
            except StoreApiError as exc:
                logger.warning("store webhooks not removed", extra={"store_id": str(store_id), "error": str(exc)})
        revoke_credentials(connection)
        await self.connections.delete(connection)

    # --- Shopify install ----------------------------------------------------------------------------------

    async def start_shopify_install(self, shop: str, user_id: uuid.UUID | None, redis: Redis) -> str:
        """The URL to send the merchant to; the `state` in it is signed, stored server-side, used once."""
        if not self.settings.shopify_client_id or not self.settings.shopify_client_secret:
            raise StoreNotConfigured("Shopify app credentials are not configured.")
        shop = normalize_shop(shop)
        existing = await self.connections.by_shop(StoreKind.shopify, shop)
        if existing is not None and existing.status == StoreStatus.active:
            raise StoreAlreadyConnected()
        nonce = secrets.token_urlsafe(24)
        state = f"{nonce}.{_sign(self.settings, 'shopify-state', nonce, shop)}"
        record = InstallState(self.organization_id, user_id, shop).dump()
        await redis.set(_state_key(_STATE_KEY, state), record, ex=self.settings.oauth_state_ttl_seconds)
        query = urlencode(
            {
                "client_id": self.settings.shopify_client_id,
                "scope": self.settings.shopify_scopes,
                "redirect_uri": callback_url(self.settings),
                "state": state,
            }
        )
        return f"{shop_base_url(self.settings, shop)}/admin/oauth/authorize?{query}"

    # --- WooCommerce key flow -----------------------------------------------------------------------------

    async def start_woocommerce_authorize(self, site_url: str, user_id: uuid.UUID | None, redis: Redis) -> str:
        """The store's wc-auth URL; its `user_id` is our nonce: signed, stored server-side, expiring, used once."""
        try:
            site = normalize_site_url(self.settings, site_url)
        except SiteUrlRule as exc:
            raise InvalidSiteUrl(str(exc)) from exc
        existing = await self.connections.by_shop(StoreKind.woocommerce, site)
        if existing is not None and existing.status == StoreStatus.active:
            raise StoreAlreadyConnected()
        nonce, issued = secrets.token_urlsafe(24), str(int(time.time()))
        user_param = f"{nonce}.{issued}.{_sign(self.settings, 'woocommerce-auth', nonce, issued)}"
        record = InstallState(self.organization_id, user_id, site).dump()
        await redis.set(_state_key(_WOO_NONCE_KEY, user_param), record, ex=self.settings.oauth_state_ttl_seconds)
        query = urlencode(
            {
                "app_name": "Epox",
                "scope": "read_write",
                "user_id": user_param,
                "return_url": _api_url(self.settings, "stores/woocommerce/return"),
                "callback_url": _api_url(self.settings, "stores/woocommerce/callback"),
            }
        )
        return f"{site}/wc-auth/v1/authorize?{query}"

    # --- browsing and importing ---------------------------------------------------------------------------

    async def client(self, store_id: uuid.UUID, *, max_wait: float = 30.0) -> tuple[StoreConnection, StoreClient]:
        connection = await self.get(store_id)
        credentials = open_credentials(self.cipher, connection)
        if connection.status != StoreStatus.active or credentials is None:
            raise StoreNotActive()
        return connection, store_client(self.settings, connection, credentials, max_wait=max_wait)

    async def remote_products(
        self, store_id: uuid.UUID, *, limit: int, cursor: str | None
    ) -> tuple[list[RemoteProductOut], str | None]:
        """A page of the store's products, straight from the store, with which ones are already imported."""
        _, client = await self.client(store_id, max_wait=5)
        # End the read-only transaction before the remote call: nothing is held open while the store answers.
        await self.session.rollback()
        try:
            page = await client.product_page(limit=limit, cursor=cursor)
        except StoreApiError as exc:
            raise StoreRequestFailed("The store did not answer; try again shortly.") from exc
        imported = await self.connections.imported_products(store_id, [p.external_id for p in page.products])
        items = [
            RemoteProductOut(
                external_id=product.external_id,
                title=product.title,
                sku=product.sku,
                price=product.price,
                image_url=product.images[0].url if product.images else None,
                image_count=len(product.images),
                collections=[title for _, _, title in product.collections],
                imported_product_id=imported.get(product.external_id),
            )
            for product in page.products
        ]
        return items, page.next_cursor

    async def start_import(
        self, store_id: uuid.UUID, data: ImportRequest, created_by: Creator, idempotency_key: str | None = None
    ) -> Job:
        connection = await self.get(store_id)
        if bool(data.external_ids) == data.all:
            raise InvalidImportRequest("external_ids", "Give either external_ids or all=true.")
        if connection.status != StoreStatus.active:
            raise StoreNotActive()
        params: dict[str, Any] = {"store_id": str(connection.id), "all": data.all}
        if data.external_ids:
            params["external_ids"] = list(dict.fromkeys(data.external_ids))
        return await JobService(self.session).create(
            self.organization_id,
            kind=JobKind.import_,
            task=IMPORT_TASK,
            queue=SYNC_QUEUE,
            params=params,
            created_by=created_by,
            idempotency_key=idempotency_key,
            max_attempts=5,
            timeout_seconds=300,
            total=len(params.get("external_ids", [])),
        )


class ShopifyInstallService:
    """The public OAuth callback: nothing here trusts the caller until the HMAC and the state check out."""

    def __init__(self, session: AsyncSession, settings: Settings, redis: Redis) -> None:
        self.session = session
        self.settings = settings
        self.redis = redis
        self.cipher = CredentialCipher.from_settings(settings)

    async def complete(self, params: dict[str, str]) -> StoreConnection:
        """Verify, exchange the code, register webhooks, then store the encrypted token. Every check and remote
        call happens before the first write, so a failure anywhere stores nothing."""
        secret = self.settings.shopify_client_secret
        if not secret or not self.settings.shopify_client_id:
            raise StoreConnectFailed("not_configured")
        if not verify_oauth_hmac(secret.get_secret_value(), params):
            raise StoreConnectFailed("invalid_hmac")
        try:
            age = abs(time.time() - int(params.get("timestamp", "")))
        except ValueError as exc:
            raise StoreConnectFailed("invalid_request") from exc
        if age > CALLBACK_MAX_AGE_SECONDS:
            raise StoreConnectFailed("expired")
        shop = params.get("shop", "")
        if not SHOP_DOMAIN.fullmatch(shop):
            raise StoreConnectFailed("invalid_shop")
        state = await self._consume_state(params.get("state", ""), shop)
        code = params.get("code", "")
        if not code:
            raise StoreConnectFailed("invalid_request")
        client = ShopifyClient(self.settings, shop, max_wait=5)
        try:
            token, scopes = await client.exchange_code(code)
            client.access_token = token
            webhook_ids = await client.register_webhooks(webhook_url(self.settings))
        except StoreApiError as exc:
            logger.warning("shopify install failed", extra={"shop": shop, "error": str(exc)})
            raise StoreConnectFailed("exchange_failed") from exc
        connection_id = await _connection_id(self.session, state, StoreKind.shopify)
        return await activate_connection(
            self.session,
            self.cipher,
            state,
            StoreKind.shopify,
            connection_id=connection_id,
            credentials={"access_token": token},
            scopes=scopes,
            webhook_ids=webhook_ids,
        )

    async def _consume_state(self, state: str, shop: str) -> InstallState:
        nonce, _, signature = state.partition(".")
        if not nonce or not hmac.compare_digest(_sign(self.settings, "shopify-state", nonce, shop), signature):
            raise StoreConnectFailed("invalid_state")
        install = await _take_state(self.redis, _STATE_KEY, state)
        if install is None or install.shop != shop:
            raise StoreConnectFailed("invalid_state")
        return install


async def _connection_id(session: AsyncSession, state: InstallState, kind: StoreKind) -> uuid.UUID:
    """The row a (re)connect will write: the store's earlier row, so its products stay linked, or a new id."""
    existing = await StoreConnectionRepository(session, state.organization_id).by_shop(kind, state.shop)
    return existing.id if existing is not None else uuid.uuid4()


class WooCommerceKeyService:
    """The public key callback: WooCommerce posts the merchant's new API key here, server to server. Nothing in it
    is trusted until the nonce checks out; the key is tried and the webhooks created before anything is stored."""

    def __init__(self, session: AsyncSession, settings: Settings, redis: Redis) -> None:
        self.session = session
        self.settings = settings
        self.redis = redis
        self.cipher = CredentialCipher.from_settings(settings)

    async def complete(self, keys: WooCommerceKeys) -> StoreConnection:
        state = await self._consume_nonce(keys.user_id)
        if keys.key_permissions != "read_write":
            raise StoreConnectFailed("insufficient_permissions")
        connection_id = await _connection_id(self.session, state, StoreKind.woocommerce)
        client = WooCommerceClient(self.settings, state.shop, keys.consumer_key, keys.consumer_secret, max_wait=5)
        webhook_secret = secrets.token_urlsafe(32)
        try:
            await client.count_products(None)  # the key really opens the store's API
            webhook_ids = await client.register_webhooks(
                woocommerce_webhook_url(self.settings, connection_id), webhook_secret
            )
        except StoreApiError as exc:
            logger.warning("woocommerce connect failed", extra={"site": state.shop, "error": str(exc)})
            raise StoreConnectFailed("key_check_failed") from exc
        return await activate_connection(
            self.session,
            self.cipher,
            state,
            StoreKind.woocommerce,
            connection_id=connection_id,
            credentials={
                "consumer_key": keys.consumer_key,
                "consumer_secret": keys.consumer_secret,
                "webhook_secret": webhook_secret,
            },
            scopes=keys.key_permissions,
            webhook_ids=webhook_ids,
        )

    async def _consume_nonce(self, user_param: str) -> InstallState:
        nonce, _, rest = user_param.partition(".")
        issued, _, signature = rest.partition(".")
        expected = _sign(self.settings, "woocommerce-auth", nonce, issued)
        if not nonce or not issued.isdigit() or not hmac.compare_digest(expected, signature):
            raise StoreConnectFailed("invalid_nonce")
        if time.time() - int(issued) > self.settings.oauth_state_ttl_seconds:
            raise StoreConnectFailed("expired")
        state = await _take_state(self.redis, _WOO_NONCE_KEY, user_param)
        if state is None:  # unknown, expired from Redis, or used already
            raise StoreConnectFailed("invalid_nonce")
        return state
