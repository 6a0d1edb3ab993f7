"""Platform admin routes. Registered with `hide_from_non_admins` (api/main.py), so anyone else - a merchant, an
API key, an anonymous client - gets the same 404 as for a path that does not exist."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from sqlalchemy.ext.asyncio import AsyncSession

from api.admin.dependencies import PlatformAdminSession
from api.admin.exceptions import JobAlreadyRetried, JobNotRetryable, SupportAccessNotFound
from api.admin.repository import AuditFilters, OrganizationSort
from api.admin.schemas import (
    AdminCostsOut,
    AdminJobOut,
    AdminMemberOut,
    AdminOrganizationDetailOut,
    AdminOrganizationOut,
    AdminStoreOut,
    AdminSubscriptionOut,
    AuditEntryOut,
    FailedItemOut,
    OperationMarginOut,
    ProviderCostOut,
    RetryJobOut,
    RetryJobRequest,
    SupportAccessOut,
    SupportAccessRequest,
)
from api.admin.service import AdminService, FailedJob
from api.auth.dependencies import PlatformAdminUser, ViewerAccess
from api.auth.exceptions import InsufficientRole, OrganizationNotFound
from api.core.config import Settings, get_settings
from api.core.errors import InvalidInput, NotAuthenticated, NotFound, error_responses
from api.core.pagination import Page, PageQuery
from api.core.routing import TransactionalRoute, get_session
from api.core.storage import Storage, get_storage
from api.credits.exceptions import InsufficientCredits
from api.credits.schemas import BalanceOut, EntryOut
from api.jobs.exceptions import JobNotFound
from api.jobs.schemas import JobOut
from api.models import SupportAccessGrant, User
from api.usage.exceptions import InvalidUsageQuery
from api.usage.schemas import UsageSummaryOut

router = APIRouter(prefix="/admin", tags=["admin"], route_class=TransactionalRoute)
# The merchant's side of support access: who looked into the workspace, why, and until when.
merchant_router = APIRouter(prefix="/organization", tags=["organization"], route_class=TransactionalRoute)
ADMIN = error_responses(NotFound)


def get_admin_service(session: Annotated[AsyncSession, Depends(get_session)]) -> AdminService:
    return AdminService(session)


Admin = Annotated[AdminService, Depends(get_admin_service)]


def _aware(name: str, value: datetime | None) -> None:
    if value is not None and value.tzinfo is None:
        raise InvalidInput(name, "Give a time zone, e.g. 2026-01-31T00:00:00Z.")


@router.get("/organizations", response_model=Page[AdminOrganizationOut], responses=ADMIN)
async def admin_list_organizations(
    admin: PlatformAdminUser,
    service: Admin,
    page: PageQuery,
    q: Annotated[str | None, Query(max_length=200, description="Name, member email or store domain contains")] = None,
    plan: Annotated[str | None, Query(max_length=40, description="Plan code")] = None,
    subscription_status: Annotated[str | None, Query(max_length=40, description="e.g. active, past_due")] = None,
    sort: Annotated[OrganizationSort, Query(description="created, name, usage (30 days) or balance")] = "created",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "desc",
) -> Page[AdminOrganizationOut]:
    """Platform admins: find workspaces by name, member email or store domain; filter by plan and subscription."""
    rows, cursor = await service.find_organizations(
        page, query=q, plan_code=plan, subscription_status=subscription_status, sort=sort, descending=order == "desc"
    )
    return Page(items=[_organization_out(row) for row in rows], next_cursor=cursor)


def _organization_out(row: object) -> AdminOrganizationOut:
    from api.admin.repository import OrganizationRow

    assert isinstance(row, OrganizationRow)
    organization = row.organization
    return AdminOrganizationOut(
        id=organization.id,
        name=organization.name,
        created_at=organization.created_at,
        member_count=row.member_count,
        plan_code=organization.plan_code,
        subscription_status=row.subscription_status,
        available=row.available,
        usage_30d=row.usage_30d,
    )


@router.get(
    "/organizations/{organization_id}",
    response_model=AdminOrganizationDetailOut,
    responses={**ADMIN, **error_responses(OrganizationNotFound)},
)
async def admin_get_organization(
    organization_id: uuid.UUID, admin: PlatformAdminUser, service: Admin
) -> AdminOrganizationDetailOut:
    """Platform admins: a workspace's plan, balance and lots, ledger, usage, members, stores and jobs."""
    detail = await service.organization(organization_id)
    return AdminOrganizationDetailOut(
        organization=_organization_out(detail.row),
        time_zone=detail.row.organization.time_zone,
        subscription=AdminSubscriptionOut.model_validate(detail.subscription) if detail.subscription else None,
        balance=BalanceOut.of(detail.balance),
        ledger=[EntryOut.of(entry) for entry in detail.ledger],
        usage=UsageSummaryOut.of(detail.usage),
        usage_by_operation=UsageSummaryOut.of(detail.usage_by_operation),
        members=[
            AdminMemberOut(user_id=user.id, email=user.email, name=user.name, role=m.role, joined_at=m.created_at)
            for m, user in detail.members
        ],
        stores=[AdminStoreOut.model_validate(store) for store in detail.stores],
        recent_jobs=[JobOut.of(job) for job in detail.recent_jobs],
        failed_jobs=[JobOut.of(job) for job in detail.failed_jobs],
        support_access=[_support_out(grant, user) for grant, user in detail.support_access],
    )


def _job_out(found: FailedJob) -> AdminJobOut:
    job = found.job
    return AdminJobOut(
        id=job.id,
        organization_id=job.organization_id,
        organization_name=found.organization_name,
        kind=job.kind,
        status=job.status,
        provider=job.params.get("provider"),
        attempts=job.attempts,
        max_attempts=job.max_attempts,
        error_code=job.error_code,
        error_message=job.error_message,
        progress_total=job.progress_total,
        progress_done=job.progress_done,
        progress_failed=job.progress_failed,
        created_at=job.created_at,
        finished_at=job.finished_at,
        failed_items=[
            FailedItemOut(
                id=item.id,
                position=item.position,
                product_id=item.product_id,
                attempts=item.attempts,
                credits=item.credits,
                error_code=item.error_code,
                error_message=item.error_message,
                prompt=item.request.get("prompt"),
                settings=item.request.get("settings"),
                provider=item.request.get("provider"),
            )
            for item in found.failed_items
        ],
        retried_by_job_id=found.retried_by,
    )


@router.get("/jobs", response_model=Page[AdminJobOut], responses=ADMIN)
async def admin_list_failed_jobs(
    admin: PlatformAdminUser,
    service: Admin,
    page: PageQuery,
    organization_id: Annotated[uuid.UUID | None, Query(description="Only this workspace's jobs.")] = None,
    include_partial: Annotated[bool, Query(description="Also jobs that finished with some failed items.")] = True,
) -> Page[AdminJobOut]:
    """Platform admins: failed jobs across all workspaces, with error, prompt, settings, provider and attempts."""
    found, cursor = await service.failed_jobs(page, organization_id=organization_id, include_partial=include_partial)
    return Page(items=[_job_out(job) for job in found], next_cursor=cursor)


@router.post(
    "/jobs/{job_id}/retry",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RetryJobOut,
    responses={
        **ADMIN,
        **error_responses(JobNotFound, JobNotRetryable, JobAlreadyRetried, InsufficientCredits),
    },
)
async def admin_retry_failed_items(
    job_id: uuid.UUID,
    body: RetryJobRequest,
    admin: PlatformAdminUser,
    service: Admin,
    settings: Annotated[Settings, Depends(get_settings)],
    storage: Annotated[Storage, Depends(get_storage)],
) -> RetryJobOut:
    """Platform admins: re-run only a finished job's failed items, as a new job with its own hold (audited)."""
    source_id, generation = await service.retry_failed_items(
        job_id, reason=body.reason, admin=admin, settings=settings, storage=storage
    )
    return RetryJobOut(
        source_job_id=source_id,
        job=JobOut.of(generation.job),
        retried_items=len(generation.items),
        credits_held=generation.credits_held,
    )


@router.get("/costs", response_model=AdminCostsOut, responses={**ADMIN, **error_responses(InvalidUsageQuery)})
async def admin_provider_costs(
    admin: PlatformAdminUser,
    service: Admin,
    start: Annotated[date | None, Query(alias="from", description="First UTC day (default: 30 days ago).")] = None,
    end: Annotated[date | None, Query(alias="to", description="Last UTC day, inclusive (default: today).")] = None,
    credit_value_micros: Annotated[
        int | None, Query(ge=1, le=100_000_000, description="Value of a credit (default: cheapest pack).")
    ] = None,
) -> AdminCostsOut:
    """Platform admins: provider spend by provider, model, operation and day, beside the credits captured for
    the same work (gross margin per operation)."""
    costs = await service.costs(start, end, credit_value_micros)
    return AdminCostsOut.model_validate(
        {
            "from": costs.start,
            "to": costs.end,
            "credit_value_micros": costs.credit_value_micros,
            "rows": [ProviderCostOut.model_validate(row, from_attributes=True) for row in costs.rows],
            "margins": [
                OperationMarginOut(
                    operation=m.operation,
                    provider_cost_micros=m.provider_cost_micros,
                    credits_captured=m.credits_captured,
                    delivered=m.delivered,
                    revenue_micros=m.revenue_micros,
                    gross_margin_micros=m.gross_margin_micros,
                    gross_margin_percent=m.gross_margin_percent,
                )
                for m in costs.margins
            ],
            "total_cost_micros": sum(row.cost_micros for row in costs.rows),
            "total_revenue_micros": sum(m.revenue_micros for m in costs.margins),
        }
    )


@router.get("/audit-log", response_model=Page[AuditEntryOut], responses=ADMIN)
async def admin_audit_log(
    admin: PlatformAdminUser,
    service: Admin,
    page: PageQuery,
    actor_user_id: Annotated[uuid.UUID | None, Query()] = None,
    actor_email: Annotated[str | None, Query(max_length=320, description="The acting user's email (exact).")] = None,
    organization_id: Annotated[uuid.UUID | None, Query()] = None,
    action: Annotated[str | None, Query(max_length=100, description="Action, or its prefix (credits.)")] = None,
    start: Annotated[datetime | None, Query(alias="from", description="From this time (inclusive).")] = None,
    end: Annotated[datetime | None, Query(alias="to", description="Until this time (exclusive).")] = None,
) -> Page[AuditEntryOut]:
    """Platform admins: the audit log, newest first, filtered by actor, workspace, action and time."""
    _aware("from", start)
    _aware("to", end)
    if start is not None and end is not None and start > end:
        raise InvalidInput("from", "`from` must be before `to`.")
    filters = AuditFilters(actor_user_id, organization_id, action, start, end, actor_email=actor_email)
    rows, cursor = await service.audit_log(filters, page)
    return Page(
        items=[
            AuditEntryOut(
                id=row.entry.id,
                organization_id=row.entry.organization_id,
                organization_name=row.organization_name,
                actor_user_id=row.entry.actor_user_id,
                actor_email=row.actor_email,
                actor_api_key_id=row.entry.actor_api_key_id,
                action=row.entry.action,
                target_type=row.entry.target_type,
                target_id=row.entry.target_id,
                before=row.entry.before,
                after=row.entry.after,
                created_at=row.entry.created_at,
            )
            for row in rows
        ],
        next_cursor=cursor,
    )


def _support_out(grant: SupportAccessGrant, admin: User) -> SupportAccessOut:
    from api.core.time import utc_now

    return SupportAccessOut(
        id=grant.id,
        organization_id=grant.organization_id,
        admin_user_id=grant.admin_user_id,
        admin_name=admin.name,
        admin_email=admin.email,
        reason=grant.reason,
        created_at=grant.created_at,
        expires_at=grant.expires_at,
        ended_at=grant.ended_at,
        active=grant.ended_at is None and grant.expires_at > utc_now(),
    )


@router.post(
    "/organizations/{organization_id}/support-access",
    status_code=status.HTTP_201_CREATED,
    response_model=SupportAccessOut,
    responses={**ADMIN, **error_responses(OrganizationNotFound)},
)
async def admin_open_support_access(
    organization_id: uuid.UUID, body: SupportAccessRequest, signed_in: PlatformAdminSession, service: Admin
) -> SupportAccessOut:
    """Platform admins: open a workspace read-only in this session for a limited time, with a reason (audited,
    shown to the merchant)."""
    grant, admin = await service.open_support_access(
        organization_id,
        admin=signed_in.user,
        session_id=signed_in.session.id,
        reason=body.reason,
        minutes=body.minutes,
    )
    return _support_out(grant, admin)


@router.post(
    "/support-access/{grant_id}/end",
    response_model=SupportAccessOut,
    responses={**ADMIN, **error_responses(SupportAccessNotFound)},
)
async def admin_end_support_access(grant_id: uuid.UUID, admin: PlatformAdminUser, service: Admin) -> SupportAccessOut:
    """Platform admins: end support access before it expires (audited)."""
    grant, owner = await service.end_support_access(grant_id, admin=admin)
    return _support_out(grant, owner)


@merchant_router.get(
    "/support-access",
    response_model=list[SupportAccessOut],
    responses=error_responses(NotAuthenticated, InsufficientRole),
)
async def list_support_access(
    ctx: ViewerAccess, session: Annotated[AsyncSession, Depends(get_session)], request: Request
) -> list[SupportAccessOut]:
    """Who from Epox support opened this workspace (read-only), why, and until when; the latest 20."""
    grants = await AdminService(session).support_access_for(ctx.organization_id)
    return [_support_out(grant, admin) for grant, admin in grants]
