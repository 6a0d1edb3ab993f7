from __future__ import annotations

import uuid
from datetime import datetime

from api.core.schemas import ResponseModel


class OutboxMessage(ResponseModel):
    id: uuid.UUID
    to: str
    subject: str
    body_text: str
    created_at: datetime
    sent_at: datetime | None


class OutboxList(ResponseModel):
    items: list[OutboxMessage]
