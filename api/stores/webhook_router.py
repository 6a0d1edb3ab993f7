from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.config import Settings, get_settings
from api.core.errors import error_responses
from api.core.routing import TransactionalRoute, get_session
from api.stores.schemas import WebhookAck
from api.stores.webhooks import InvalidWebhook, InvalidWebhookSignature, StoreWebhookService, UnknownWebhookTarget

router = APIRouter(prefix="/webhooks", tags=["webhooks"], route_class=TransactionalRoute)


@router.post("/shopify", response_model=WebhookAck, responses=error_responses(InvalidWebhookSignature, InvalidWebhook))
async def receive_shopify_webhook(
    request: Request,
    session: Annotated[AsyncSession, Depends(get_session)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> WebhookAck:
    """Public: Shopify webhooks, authenticated by their HMAC signature over the raw body."""
    body = await request.body()
    return WebhookAck(status=await StoreWebhookService(session, settings).receive_shopify(request.headers, body))


@router.post(
    "/woocommerce/{connection_id}",
    response_model=WebhookAck,
    responses=error_responses(InvalidWebhookSignature, InvalidWebhook, UnknownWebhookTarget),
)
async def receive_woocommerce_webhook(
    connection_id: uuid.UUID,
    request: Request,
    session: Annotated[AsyncSession, Depends(get_session)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> WebhookAck:
    """Public: a WooCommerce site's webhooks for one connection, authenticated by their HMAC signature."""
    body = await request.body()
    service = StoreWebhookService(session, settings)
    return WebhookAck(status=await service.receive_woocommerce(connection_id, request.headers, body))
