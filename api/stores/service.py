"""Store connections: the Shopify install (OAuth with a single-use state), the workspace's connections, browsing
the store's products, and starting imports as jobs."""

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
from api.stores.credentials import open_credentials, revoke_credentials, seal_credentials
from api.stores.exceptions import (
    InvalidImportRequest,
    InvalidShopDomain,
    StoreAlreadyConnected,
    StoreConnectFailed,
    StoreNotActive,
    StoreNotConfigured,
    StoreNotFound,
    StoreRequestFailed,
)
from api.stores.repository import StoreConnectionRepository
from api.stores.schemas import ImportRequest, RemoteProductOut, UpdateStoreRequest
from api.stores.shopify import (
    PRODUCTS_QUERY,
    SHOP_DOMAIN,
    WEBHOOK_CREATE,
    WEBHOOK_TOPICS,
    ShopifyClient,
    ShopifyError,
    shop_base_url,
    verify_oauth_hmac,
)

logger = logging.getLogger("epox.stores")

IMPORT_TASK = "import_store_products"
# Shopify's callback timestamp must be recent; a replayed old callback is refused even with a valid HMAC.
CALLBACK_MAX_AGE_SECONDS = 24 * 3600
_STATE_KEY = "epox:shopify:oauth-state:"


def webhook_url(settings: Settings) -> str:
    return f"{settings.public_url.rstrip('/')}/api/v1/webhooks/shopify"


def callback_url(settings: Settings) -> str:
    return f"{settings.public_url.rstrip('/')}/api/v1/stores/shopify/callback"


def normalize_shop(shop: str) -> str:
    shop = shop.strip().lower()
    if not SHOP_DOMAIN.fullmatch(shop):
        raise InvalidShopDomain()
    return shop


def _sign_state(settings: Settings, nonce: str, shop: str) -> str:
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, f"shopify-state:{nonce}:{shop}".encode(), hashlib.sha256).hexdigest()[:32]


def _state_key(state: str) -> str:
    return _STATE_KEY + hashlib.sha256(state.encode()).hexdigest()


@dataclass(frozen=True)
class InstallState:
    organization_id: uuid.UUID
    user_id: uuid.UUID | None
    shop: str


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
        """Forget the connection and its token; imported products stay, unlinked from the store."""
        connection = await self.get(store_id, for_update=True)
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
        state = f"{nonce}.{_sign_state(self.settings, nonce, shop)}"
        record = {"organization_id": str(self.organization_id), "user_id": str(user_id or ""), "shop": shop}
        await redis.set(_state_key(state), json.dumps(record), ex=self.settings.oauth_state_ttl_seconds)
        query = urlencode(
            {
                "client_id": self.settings.shopify_client_id,
                "scope": self.settings.shopify_scopes,
                "redirect_uri": callback_url(self.settings),
                "state": state,
            }
        )
        return f"{shop_base_url(self.settings, shop)}/admin/oauth/authorize?{query}"

    # --- browsing and importing ---------------------------------------------------------------------------

    async def shopify_client(self, store_id: uuid.UUID) -> tuple[StoreConnection, ShopifyClient]:
        connection = await self.get(store_id)
        credentials = open_credentials(self.cipher, connection)
        if connection.status != StoreStatus.active or credentials is None:
            raise StoreNotActive()
        return connection, ShopifyClient(self.settings, connection.shop_domain, credentials["access_token"])

    async def remote_products(
        self, store_id: uuid.UUID, *, limit: int, cursor: str | None
    ) -> tuple[list[RemoteProductOut], str | None]:
        """A page of the store's products, straight from the store, with which ones are already imported."""
        _, client = await self.shopify_client(store_id)
        # End the read-only transaction before the remote call: nothing is held open while the store answers.
        await self.session.rollback()
        try:
            data = await client.graphql_with_retries(PRODUCTS_QUERY, {"first": limit, "after": cursor}, max_wait=5)
        except ShopifyError as exc:
            raise StoreRequestFailed("The store did not answer; try again shortly.") from exc
        page = data["products"]
        nodes: list[dict[str, Any]] = page["nodes"]
        imported = await self.connections.imported_products(store_id, [n["id"] for n in nodes])
        items = [
            RemoteProductOut(
                external_id=node["id"],
                title=node["title"],
                sku=(node["variants"]["nodes"] or [{}])[0].get("sku"),
                price=(node["variants"]["nodes"] or [{}])[0].get("price"),
                image_url=next((m["image"]["url"] for m in node["media"]["nodes"] if m.get("image")), None),
                image_count=sum(1 for m in node["media"]["nodes"] if m.get("image")),
                collections=[c["title"] for c in node["collections"]["nodes"]],
                imported_product_id=imported.get(node["id"]),
            )
            for node in nodes
        ]
        return items, page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None

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
        client = ShopifyClient(self.settings, shop)
        try:
            token, scopes = await client.exchange_code(code)
            client.access_token = token
            webhook_ids = await self._register_webhooks(client)
        except ShopifyError as exc:
            logger.warning("shopify install failed", extra={"shop": shop, "error": str(exc)})
            raise StoreConnectFailed("exchange_failed") from exc
        return await self._save(state, token, scopes, webhook_ids)

    async def _consume_state(self, state: str, shop: str) -> InstallState:
        nonce, _, signature = state.partition(".")
        if not nonce or not hmac.compare_digest(_sign_state(self.settings, nonce, shop), signature):
            raise StoreConnectFailed("invalid_state")
        raw = await self.redis.getdel(_state_key(state))  # single use, even under concurrent callbacks
        if raw is None:
            raise StoreConnectFailed("invalid_state")
        record = json.loads(raw)
        if record["shop"] != shop:
            raise StoreConnectFailed("invalid_state")
        user = record.get("user_id") or None
        return InstallState(uuid.UUID(record["organization_id"]), uuid.UUID(user) if user else None, shop)

    async def _register_webhooks(self, client: ShopifyClient) -> dict[str, str]:
        ids: dict[str, str] = {}
        for topic in WEBHOOK_TOPICS:
            variables = {"topic": topic, "webhookSubscription": {"uri": webhook_url(self.settings), "format": "JSON"}}
            data = await client.graphql_with_retries(WEBHOOK_CREATE, variables, max_wait=5)
            result = data["webhookSubscriptionCreate"]
            if result["userErrors"] or not result["webhookSubscription"]:
                raise ShopifyError(f"webhook {topic} refused: {result['userErrors']}", transient=False)
            ids[topic] = result["webhookSubscription"]["id"]
        return ids

    async def _save(self, state: InstallState, token: str, scopes: str, webhook_ids: dict[str, str]) -> StoreConnection:
        repository = StoreConnectionRepository(self.session, state.organization_id)
        connection = await repository.by_shop(StoreKind.shopify, state.shop, for_update=True)
        if connection is not None and connection.status == StoreStatus.active:
            raise StoreConnectFailed("already_connected")
        if connection is None:
            connection = StoreConnection(
                id=uuid.uuid4(),
                organization_id=state.organization_id,
                kind=StoreKind.shopify,
                shop_domain=state.shop,
                connected_by_user_id=state.user_id,
            )
        # A reinstall reuses the row, so products imported before stay linked to it.
        connection.status = StoreStatus.active
        connection.scopes = scopes
        connection.webhook_ids = webhook_ids
        connection.disconnected_at = None
        connection.last_error = None
        seal_credentials(self.cipher, connection, {"access_token": token})
        try:
            async with self.session.begin_nested():
                self.session.add(connection)
                await self.session.flush()
        except IntegrityError as exc:  # a concurrent callback for the same shop won
            raise StoreConnectFailed("already_connected") from exc
        return connection
