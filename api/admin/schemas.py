from __future__ import annotations

import uuid
from datetime import datetime

from api.core.schemas import ResponseModel


class AdminOrganizationOut(ResponseModel):
    id: uuid.UUID
    name: str
    created_at: datetime
    member_count: int
