"""What a workspace's plan allows in the catalog.

The seam billing replaces: until plans and subscriptions exist (design/domain.md, Plans), every workspace is on
the free trial, whose plan has 25 product slots. Billing will read the organization's current plan here; nothing
else in the catalog knows where the number comes from.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

FREE_TRIAL_PRODUCT_SLOTS = 25


async def product_slot_limit(session: AsyncSession, organization_id: uuid.UUID) -> int:
    """How many non-archived products the organization may have."""
    return FREE_TRIAL_PRODUCT_SLOTS
