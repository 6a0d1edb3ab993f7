"""What a workspace's plan allows in the catalog: its product slots, read from the plan the organization is on
(plans are data, api/models/billing.py)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Organization, Plan


async def product_slot_limit(session: AsyncSession, organization_id: uuid.UUID) -> int:
    """How many non-archived products the organization may have."""
    statement = (
        select(Plan.product_slots)
        .join(Organization, Organization.plan_code == Plan.code)
        .where(Organization.id == organization_id)
    )
    return int(await session.scalar(statement) or 0)
