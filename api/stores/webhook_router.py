from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.config import Settings, get_settings
from api.core.errors import error_responses
from api.core.routing import TransactionalRoute, get_session
from api.core.schemas import ResponseModel
from api.stores.webhooks import InvalidWebhook, InvalidWebhookSignature, ShopifyWebhookService

router = APIRouter(prefix="/webhooks", tags=["webhooks"], route_class=TransactionalRoute)


class WebhookAck(ResponseModel):
    status: str


@router.post("/shopify", response_model=WebhookAck, responses=error_responses(InvalidWebhookSignature, InvalidWebhook))
async def receive_shopify_webhook(
    request: Request,
    session: Annotated[AsyncSession, Depends(get_session)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> WebhookAck:
    """Public: Shopify webhooks, authenticated by their HMAC signature over the raw body."""
    body = await request.body()
    return WebhookAck(status=await ShopifyWebhookService(session, settings).receive(request.headers, body))
