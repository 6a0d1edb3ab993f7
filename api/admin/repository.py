"""Cross-tenant reads for platform admins (callers are checked by the router). Admin lists are small and
filtered, so the sorted organization list pages by offset; feeds that grow (failed jobs, audit log) by keyset."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Date, String, and_, cast, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.errors import InvalidInput
from api.core.pagination import PageParams, paginate
from api.core.repository import Repository
from api.models import (
    AuditLog,
    CreditAccount,
    CreditEntry,
    CreditLot,
    CreditPack,
    GenerationItem,
    ItemStatus,
    Job,
    JobRetry,
    JobStatus,
    Membership,
    Organization,
    ProviderCall,
    StoreConnection,
    Subscription,
    SupportAccessGrant,
    UsageDaily,
    UsageTotal,
    User,
)

OrganizationSort = Literal["created", "name", "usage", "balance"]
USAGE_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class OrganizationRow:
    organization: Organization
    member_count: int
    subscription_status: str | None
    available: int
    usage_30d: int


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        value = int(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("cursor", "The cursor is not valid for this list.") from exc
    if value < 0:
        raise InvalidInput("cursor", "The cursor is not valid for this list.")
    return value


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode()).decode().rstrip("=")


class AdminOrganizationRepository(Repository[Organization]):
    model = Organization

    async def search(
        self,
        *,
        query: str | None,
        plan_code: str | None,
        subscription_status: str | None,
        sort: OrganizationSort,
        descending: bool,
        params: PageParams,
        now: datetime,
        only: uuid.UUID | None = None,
    ) -> tuple[list[OrganizationRow], str | None]:
        members = (
            select(func.count())
            .where(Membership.organization_id == Organization.id)
            .correlate(Organization)
            .scalar_subquery()
        )
        status = (
            select(Subscription.status)
            .where(Subscription.organization_id == Organization.id)
            .order_by(Subscription.created_at.desc())
            .limit(1)
            .correlate(Organization)
            .scalar_subquery()
        )
        free = (
            select(func.coalesce(func.sum(CreditLot.remaining - CreditLot.held), 0))
            .where(
                CreditLot.organization_id == Organization.id,
                CreditLot.remaining > CreditLot.held,
                CreditLot.effective_at <= now,
                or_(CreditLot.expires_at.is_(None), CreditLot.expires_at > now),
                CreditLot.expired_at.is_(None),
            )
            .correlate(Organization)
            .scalar_subquery()
        )
        debt = (
            select(func.coalesce(func.max(CreditAccount.debt), 0))
            .where(CreditAccount.organization_id == Organization.id)
            .correlate(Organization)
            .scalar_subquery()
        )
        usage = (
            select(func.coalesce(func.sum(UsageTotal.captured - UsageTotal.refunded), 0))
            .where(UsageTotal.organization_id == Organization.id, UsageTotal.bucket_start >= now - USAGE_WINDOW)
            .correlate(Organization)
            .scalar_subquery()
        )
        available = (free - debt).label("available")
        statement = select(Organization, members.label("members"), status.label("status"), available, usage)
        if query:
            pattern = f"%{query.lower()}%"
            by_email = (
                select(Membership.organization_id)
                .join(User, User.id == Membership.user_id)
                .where(func.lower(User.email).like(pattern))
            )
            by_store = select(StoreConnection.organization_id).where(
                func.lower(StoreConnection.shop_domain).like(pattern)
            )
            statement = statement.where(
                or_(
                    func.lower(Organization.name).like(pattern),
                    Organization.id.in_(by_email),
                    Organization.id.in_(by_store),
                )
            )
        if only is not None:
            statement = statement.where(Organization.id == only)
        if plan_code:
            statement = statement.where(Organization.plan_code == plan_code)
        if subscription_status:
            statement = statement.where(status == subscription_status)
        key: Any = {
            "created": Organization.created_at,
            "name": Organization.name,
            "usage": usage,
            "balance": available,
        }[sort]
        ordering = [key.desc() if descending else key.asc(), Organization.id.desc() if descending else Organization.id]
        offset = _offset(params.cursor)
        rows = (await self.session.execute(statement.order_by(*ordering).offset(offset).limit(params.limit + 1))).all()
        result = [OrganizationRow(row[0], int(row[1]), row[2], int(row[3]), int(row[4])) for row in rows]
        if len(result) <= params.limit:
            return result, None
        return result[: params.limit], _cursor(offset + params.limit)

    async def members(self, organization_id: uuid.UUID) -> list[tuple[Membership, User]]:
        statement = (
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.organization_id == organization_id)
            .order_by(Membership.created_at)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(statement)).all()]

    async def stores(self, organization_id: uuid.UUID) -> list[StoreConnection]:
        statement = select(StoreConnection).where(StoreConnection.organization_id == organization_id)
        return list((await self.session.scalars(statement.order_by(StoreConnection.created_at))).all())

    async def subscription(self, organization_id: uuid.UUID) -> Subscription | None:
        statement = (
            select(Subscription)
            .where(Subscription.organization_id == organization_id)
            .order_by(Subscription.created_at.desc())
            .limit(1)
        )
        result: Subscription | None = await self.session.scalar(statement)
        return result

    async def recent_entries(self, organization_id: uuid.UUID, limit: int) -> list[CreditEntry]:
        statement = (
            select(CreditEntry)
            .where(CreditEntry.organization_id == organization_id)
            .order_by(CreditEntry.seq.desc())
            .limit(limit)
        )
        return list((await self.session.scalars(statement)).all())

    async def recent_jobs(self, organization_id: uuid.UUID, limit: int, *, failed: bool = False) -> list[Job]:
        statement = select(Job).where(Job.organization_id == organization_id)
        if failed:
            statement = statement.where(Job.status == JobStatus.failed)
        statement = statement.order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)
        return list((await self.session.scalars(statement)).all())

    async def support_grants(
        self, organization_id: uuid.UUID, limit: int = 20
    ) -> list[tuple[SupportAccessGrant, User]]:
        statement = (
            select(SupportAccessGrant, User)
            .join(User, User.id == SupportAccessGrant.admin_user_id)
            .where(SupportAccessGrant.organization_id == organization_id)
            .order_by(SupportAccessGrant.created_at.desc())
            .limit(limit)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(statement)).all()]


@dataclass(frozen=True)
class JobFilters:
    organization_id: uuid.UUID | None = None
    include_partial: bool = True


class AdminJobRepository(Repository[Job]):
    model = Job

    async def failed_page(self, filters: JobFilters, params: PageParams) -> tuple[list[Job], str | None]:
        """Jobs that failed, or finished with failed items, newest first."""
        has_failed_items = exists().where(GenerationItem.job_id == Job.id, GenerationItem.status == ItemStatus.failed)
        condition = Job.status == JobStatus.failed
        if filters.include_partial:
            condition = or_(
                condition, and_(Job.status.in_([JobStatus.succeeded, JobStatus.canceled]), has_failed_items)
            )
        statement = select(Job).where(condition)
        if filters.organization_id is not None:
            statement = statement.where(Job.organization_id == filters.organization_id)
        return await paginate(self.session, statement, params, order_by=(Job.created_at, Job.id))

    async def failed_items(self, job_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[GenerationItem]]:
        if not job_ids:
            return {}
        statement = (
            select(GenerationItem)
            .where(GenerationItem.job_id.in_(job_ids), GenerationItem.status == ItemStatus.failed)
            .order_by(GenerationItem.position)
        )
        found: dict[uuid.UUID, list[GenerationItem]] = {}
        for item in (await self.session.scalars(statement)).all():
            found.setdefault(item.job_id, []).append(item)
        return found

    async def retries(self, job_ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        if not job_ids:
            return {}
        statement = select(JobRetry.source_job_id, JobRetry.retry_job_id).where(JobRetry.source_job_id.in_(job_ids))
        return {row[0]: row[1] for row in (await self.session.execute(statement)).all()}

    async def organization_names(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not ids:
            return {}
        statement = select(Organization.id, Organization.name).where(Organization.id.in_(ids))
        return {row[0]: row[1] for row in (await self.session.execute(statement)).all()}


@dataclass(frozen=True)
class AuditFilters:
    actor_user_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    action: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    actor_email: str | None = None


class AdminAuditRepository(Repository[AuditLog]):
    model = AuditLog

    async def page(self, filters: AuditFilters, params: PageParams) -> tuple[list[AuditLog], str | None]:
        statement = select(AuditLog)
        if filters.actor_user_id is not None:
            statement = statement.where(AuditLog.actor_user_id == filters.actor_user_id)
        if filters.actor_email:
            by_email = select(User.id).where(func.lower(User.email) == filters.actor_email.lower())
            statement = statement.where(AuditLog.actor_user_id.in_(by_email))
        if filters.organization_id is not None:
            statement = statement.where(AuditLog.organization_id == filters.organization_id)
        if filters.action:
            statement = statement.where(AuditLog.action.startswith(filters.action, autoescape=True))
        if filters.start is not None:
            statement = statement.where(AuditLog.created_at >= filters.start)
        if filters.end is not None:
            statement = statement.where(AuditLog.created_at < filters.end)
        return await paginate(self.session, statement, params, order_by=(AuditLog.created_at, AuditLog.id))

    async def user_emails(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not ids:
            return {}
        statement = select(User.id, User.email).where(User.id.in_(ids))
        return {row[0]: row[1] for row in (await self.session.execute(statement)).all()}

    async def organization_names(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not ids:
            return {}
        statement = select(Organization.id, Organization.name).where(Organization.id.in_(ids))
        return {row[0]: row[1] for row in (await self.session.execute(statement)).all()}


@dataclass(frozen=True)
class ProviderCostRow:
    provider: str
    model: str
    operation: str
    job_kind: str
    day: date
    calls: int
    failed_calls: int
    cost_micros: int
    average_duration_ms: int


class AdminCostRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def provider_costs(self, lower: datetime, upper: datetime) -> list[ProviderCostRow]:
        day = cast(func.timezone("UTC", ProviderCall.created_at), Date).label("day")
        job_kind = func.coalesce(cast(Job.kind, String), "").label("job_kind")
        statement = (
            select(
                ProviderCall.provider,
                ProviderCall.model,
                ProviderCall.operation,
                job_kind,
                day,
                func.count(),
                func.count().filter(ProviderCall.success.is_(False)),
                func.coalesce(func.sum(ProviderCall.cost_micros), 0),
                func.coalesce(func.avg(ProviderCall.duration_ms), 0),
            )
            .select_from(ProviderCall)
            .outerjoin(Job, Job.id == ProviderCall.job_id)
            .where(ProviderCall.created_at >= lower, ProviderCall.created_at < upper)
            .group_by(ProviderCall.provider, ProviderCall.model, ProviderCall.operation, job_kind, day)
            .order_by(day, ProviderCall.provider, ProviderCall.model, ProviderCall.operation)
        )
        return [
            ProviderCostRow(r[0], r[1], r[2], r[3], r[4], int(r[5]), int(r[6]), int(r[7]), round(float(r[8])))
            for r in (await self.session.execute(statement)).all()
        ]

    async def captured_by_operation(self, start: date, end: date) -> dict[str, tuple[int, int]]:
        """Net credits captured and outputs delivered per operation (job kind) over UTC days, all organizations."""
        statement = (
            select(
                UsageDaily.key,
                func.coalesce(func.sum(UsageDaily.captured - UsageDaily.refunded), 0),
                func.coalesce(func.sum(UsageDaily.captures - UsageDaily.refunds), 0),
            )
            .where(UsageDaily.dimension == "operation", UsageDaily.day >= start, UsageDaily.day <= end)
            .group_by(UsageDaily.key)
        )
        return {row[0]: (int(row[1]), int(row[2])) for row in (await self.session.execute(statement)).all()}

    async def credit_value_micros(self) -> int | None:
        """What a credit sells for at the cheapest purchasable pack (micro-units of its currency)."""
        statement = select(func.min(CreditPack.price_cents * 10_000 / CreditPack.credits)).where(
            CreditPack.purchasable.is_(True), CreditPack.credits > 0
        )
        value = await self.session.scalar(statement)
        return int(value) if value is not None else None
