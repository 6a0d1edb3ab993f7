from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.dependencies import AdminAccess, ViewerAccess
from api.auth.exceptions import InsufficientRole
from api.core.errors import NotAuthenticated, error_responses
from api.core.routing import TransactionalRoute, get_session
from api.jobs.exceptions import JobNotFound
from api.usage.exceptions import InvalidUsageQuery
from api.usage.repository import Dimension, Split
from api.usage.schemas import JobCostsOut, UpdateUsageSettingsRequest, UsageSettingsOut, UsageSummaryOut
from api.usage.service import UsageService

router = APIRouter(prefix="/usage", tags=["usage"], route_class=TransactionalRoute)
TENANT = error_responses(NotAuthenticated, InsufficientRole)


def get_usage(session: Annotated[AsyncSession, Depends(get_session)], ctx: ViewerAccess) -> UsageService:
    return UsageService(session, ctx.organization_id)


Usage = Annotated[UsageService, Depends(get_usage)]


@router.get("/summary", response_model=UsageSummaryOut, responses={**TENANT, **error_responses(InvalidUsageQuery)})
async def get_usage_summary(
    ctx: ViewerAccess,
    usage: Usage,
    start: Annotated[date | None, Query(alias="from", description="First local day (default: 30 days ago).")] = None,
    end: Annotated[date | None, Query(alias="to", description="Last local day, inclusive (default: today).")] = None,
    group_by: Annotated[Dimension, Query(description="Series per period or per dimension.")] = "day",
    tz: Annotated[str | None, Query(max_length=64, description="IANA zone (default: the workspace's).")] = None,
    split_by: Annotated[
        Split | None, Query(description="Day, week and month series only: each period per operation or provider.")
    ] = None,
) -> UsageSummaryOut:
    """Credits used, as chart series: captures net of refunds, releases apart, delivered and failed outputs, and
    the burn rate with a projected run-out date (ranges up to two years)."""
    return UsageSummaryOut.of(await usage.summary(group_by=group_by, start=start, end=end, tz=tz, split_by=split_by))


@router.get("/jobs/{job_id}", response_model=JobCostsOut, responses={**TENANT, **error_responses(JobNotFound)})
async def get_job_costs(job_id: uuid.UUID, ctx: ViewerAccess, usage: Usage) -> JobCostsOut:
    """One job's cost: the quote (operation x quantity x unit cost) and what each item captured and released."""
    return JobCostsOut.of(await usage.job_costs(job_id))


@router.get("/settings", response_model=UsageSettingsOut, responses=TENANT)
async def get_usage_settings(ctx: ViewerAccess, usage: Usage) -> UsageSettingsOut:
    """The workspace's time zone for usage days and digests, and its low-balance alert thresholds."""
    return UsageSettingsOut.of(await usage.settings())


@router.put("/settings", response_model=UsageSettingsOut, responses={**TENANT, **error_responses(InvalidUsageQuery)})
async def update_usage_settings(
    body: UpdateUsageSettingsRequest,
    ctx: AdminAccess,
    session: Annotated[AsyncSession, Depends(get_session)],
) -> UsageSettingsOut:
    """Set the time zone and the low-balance thresholds (percent of the last top-up, absolute credits); admins."""
    service = UsageService(session, ctx.organization_id)
    return UsageSettingsOut.of(
        await service.update_settings(
            time_zone=body.time_zone,
            low_balance_percents=body.low_balance_percents,
            low_balance_absolute=body.low_balance_absolute,
            actor_user_id=ctx.actor_user_id,
            actor_api_key_id=ctx.actor_api_key_id,
        )
    )
