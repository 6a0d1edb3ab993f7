"""What a workspace's plan allows: product slots, seats, API access and concurrent jobs, read from the plan the
organization is on (plans are data, api/models/billing.py; billing moves `Organization.plan_code`)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.billing.exceptions import ApiAccessNotIncluded, SeatLimitReached
from api.billing.repository import BillingOrganizationRepository, EntitlementUsageRepository
from api.models import Organization, Plan


async def plan_of(session: AsyncSession, organization_id: uuid.UUID) -> Plan:
    statement = (
        select(Plan).join(Organization, Organization.plan_code == Plan.code).where(Organization.id == organization_id)
    )
    plan: Plan | None = await session.scalar(statement)
    assert plan is not None, "every organization is on a plan (the foreign key says so)"
    return plan


async def product_slot_limit(session: AsyncSession, organization_id: uuid.UUID) -> int:
    """How many non-archived products the organization may have."""
    statement = (
        select(Plan.product_slots)
        .join(Organization, Organization.plan_code == Plan.code)
        .where(Organization.id == organization_id)
    )
    return int(await session.scalar(statement) or 0)


async def check_seat_available(session: AsyncSession, organization_id: uuid.UUID) -> None:
    """Before inviting someone: members plus pending invitations stay within the plan's seats (403 otherwise)."""
    seats = (await plan_of(session, organization_id)).seats
    if seats is None:
        return
    await BillingOrganizationRepository(session).lock(organization_id)  # two invitations at once: one seat each
    used = await EntitlementUsageRepository(session, organization_id).seats_used()
    if used >= seats:
        raise SeatLimitReached(limit=seats, used=used)


async def check_api_access(session: AsyncSession, organization_id: uuid.UUID) -> None:
    """Before creating an API key: the plan must include API access (403 otherwise)."""
    if not (await plan_of(session, organization_id)).api_access:
        raise ApiAccessNotIncluded()


async def concurrent_job_limit(session: AsyncSession, organization_id: uuid.UUID) -> int:
    """How many generation jobs of the organization may run at once (the generation engine queues the rest)."""
    return (await plan_of(session, organization_id)).concurrent_jobs
