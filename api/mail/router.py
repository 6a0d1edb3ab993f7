from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.config import Settings, get_settings
from api.core.errors import NotFound, error_responses
from api.core.routing import TransactionalRoute, get_session
from api.mail.repository import EmailRepository
from api.mail.schemas import OutboxList, OutboxMessage

router = APIRouter(prefix="/dev", tags=["dev"], route_class=TransactionalRoute)


@router.get("/outbox", response_model=OutboxList, responses=error_responses(NotFound))
async def list_dev_outbox(
    session: Annotated[AsyncSession, Depends(get_session)],
    settings: Annotated[Settings, Depends(get_settings)],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> OutboxList:
    """Public, development only: the latest outgoing emails, so local sign-up flows can be completed."""
    if settings.is_production:
        raise NotFound()
    messages = await EmailRepository(session).latest(limit)
    return OutboxList(
        items=[
            OutboxMessage(
                id=m.id,
                to=m.to_address,
                subject=m.subject,
                body_text=m.body_text,
                created_at=m.created_at,
                sent_at=m.sent_at,
            )
            for m in messages
        ]
    )
