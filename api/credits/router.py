from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.dependencies import PlatformAdminUser, ViewerAccess
from api.auth.exceptions import InsufficientRole, OrganizationNotFound, PlatformAdminRequired
from api.core.errors import InvalidInput, NotAuthenticated, error_responses
from api.core.idempotency import IDEMPOTENCY_ERRORS, Guard, IdempotentRoute, idempotent
from api.core.pagination import Page, PageQuery
from api.core.routing import TransactionalRoute, get_session
from api.credits.exceptions import AdjustmentExceedsAvailable
from api.credits.repository import EntryFilters
from api.credits.schemas import (
    CSV_COLUMNS,
    BalanceOut,
    CostTableOut,
    CreditAdjustmentOut,
    CreditAdjustmentRequest,
    CreditGrantOut,
    CreditGrantRequest,
    EntryOut,
    LotOut,
    csv_row,
)
from api.credits.service import DRAW_DOWN_DESCRIPTION, CreditLedgerService
from api.models import EntryType

router = APIRouter(prefix="/credits", tags=["credits"], route_class=TransactionalRoute)
admin_router = APIRouter(prefix="/admin", tags=["admin"], route_class=IdempotentRoute)
TENANT = error_responses(NotAuthenticated, InsufficientRole)
ADMIN = error_responses(NotAuthenticated, PlatformAdminRequired, OrganizationNotFound, *IDEMPOTENCY_ERRORS)
EXPORT_BATCH = 1000
EXPORT_MAX_ROWS = 100_000


def get_ledger(session: Annotated[AsyncSession, Depends(get_session)]) -> CreditLedgerService:
    return CreditLedgerService(session)


Ledger = Annotated[CreditLedgerService, Depends(get_ledger)]


@router.get(
    "/balance",
    response_model=BalanceOut,
    responses=TENANT,
    description=f"The workspace's credits: available, held by running jobs, expiring soon, and the lots behind "
    f"them.\n\n{DRAW_DOWN_DESCRIPTION} Lots that have expired stop counting at once, and credits held by a "
    "running job stay reserved for it.",
)
async def get_credit_balance(ctx: ViewerAccess, ledger: Ledger) -> BalanceOut:
    """The workspace's credits: available, held, expiring soon, and the lots behind them."""
    return BalanceOut.of(await ledger.balance(ctx.organization_id))


@router.get(
    "/entries",
    response_model=Page[EntryOut],
    responses={
        **TENANT,
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "The entries (JSON or CSV)"},
    },
)
async def list_credit_entries(
    ctx: ViewerAccess,
    ledger: Ledger,
    page: PageQuery,
    type_: Annotated[list[EntryType] | None, Query(alias="type", description="Only these entry types.")] = None,
    start: Annotated[datetime | None, Query(alias="from", description="From this time (inclusive).")] = None,
    end: Annotated[datetime | None, Query(alias="to", description="Until this time (exclusive).")] = None,
    job_id: Annotated[uuid.UUID | None, Query(description="Only the entries of this job.")] = None,
    format_: Annotated[
        Literal["json", "csv"], Query(alias="format", description="`csv` downloads every matching entry.")
    ] = "json",
) -> Page[EntryOut] | Response:
    """The workspace's credit history, newest first (`format=csv` exports all matching entries, oldest first)."""
    for name, value in (("from", start), ("to", end)):
        if value is not None and value.tzinfo is None:
            raise InvalidInput(name, "Give a time zone, e.g. 2026-01-31T00:00:00Z.")
    filters = EntryFilters(types=tuple(type_ or ()), start=start, end=end, job_id=job_id)
    if format_ == "csv":
        return await _csv_export(ledger, ctx.organization_id, filters)
    rows, cursor = await ledger.entries(ctx.organization_id, filters, page)
    return Page(items=[EntryOut.of(e) for e in rows], next_cursor=cursor)


async def _csv_export(ledger: CreditLedgerService, organization_id: uuid.UUID, filters: EntryFilters) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    after, written = 0, 0
    while written < EXPORT_MAX_ROWS:
        batch = await ledger.export_entries(organization_id, filters, after_seq=after, limit=EXPORT_BATCH)
        writer.writerows(csv_row(entry) for entry in batch)
        written += len(batch)
        if len(batch) < EXPORT_BATCH:
            break
        after = batch[-1].seq
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="credit-history.csv"'},
    )


@router.get("/costs", response_model=CostTableOut)
async def get_credit_costs(ledger: Ledger) -> CostTableOut:
    """Public: what each operation costs in credits (the current cost table and its version)."""
    return CostTableOut.of(await ledger.cost_table())


def admin_scope(organization_id: uuid.UUID, admin: PlatformAdminUser) -> uuid.UUID:
    """Idempotency keys of admin actions belong to the organization acted on."""
    return organization_id


AdminIdempotency = Annotated[Guard | None, idempotent(admin_scope)]


@admin_router.post(
    "/organizations/{organization_id}/credit-grants",
    status_code=status.HTTP_201_CREATED,
    response_model=CreditGrantOut,
    responses=ADMIN,
)
async def admin_grant_credits(
    organization_id: uuid.UUID,
    body: CreditGrantRequest,
    admin: PlatformAdminUser,
    ledger: Ledger,
    idempotency: AdminIdempotency,
) -> CreditGrantOut:
    """Platform admins: grant promotional credits with a reason (shown to the merchant, audited)."""
    grant = await ledger.admin_grant(
        organization_id, body.amount, reason=body.reason, expires_at=body.expires_at, admin_user_id=admin.id
    )
    balance = await ledger.balance(organization_id)
    return CreditGrantOut(
        lot=LotOut.of(grant.lot, balance.now), entry=EntryOut.of(grant.entry), available=balance.available
    )


@admin_router.post(
    "/organizations/{organization_id}/credit-adjustments",
    status_code=status.HTTP_201_CREATED,
    response_model=CreditAdjustmentOut,
    responses={**ADMIN, **error_responses(AdjustmentExceedsAvailable, *IDEMPOTENCY_ERRORS)},
)
async def admin_adjust_credits(
    organization_id: uuid.UUID,
    body: CreditAdjustmentRequest,
    admin: PlatformAdminUser,
    ledger: Ledger,
    idempotency: AdminIdempotency,
) -> CreditAdjustmentOut:
    """Platform admins: add or remove credits with a reason; removing below zero available is refused."""
    entry = await ledger.admin_adjust(organization_id, body.amount, reason=body.reason, admin_user_id=admin.id)
    balance = await ledger.balance(organization_id)
    return CreditAdjustmentOut(entry=EntryOut.of(entry), available=balance.available)
