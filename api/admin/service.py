"""Support tools for platform administrators (callers are checked by the router: non-admins get 404).

Every write here is audited with what it changed, before and after.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from api.admin.exceptions import SupportAccessNotFound
from api.admin.repository import (
    AdminAuditRepository,
    AdminCostRepository,
    AdminJobRepository,
    AdminOrganizationRepository,
    AuditFilters,
    JobFilters,
    OrganizationRow,
    OrganizationSort,
    ProviderCostRow,
)
from api.admin.support_access import end_grants_for_session
from api.audit.service import record_audit
from api.auth.exceptions import OrganizationNotFound
from api.core.config import Settings
from api.core.pagination import PageParams
from api.core.storage import Storage
from api.core.time import utc_now
from api.credits.service import Balance, CreditLedgerService
from api.generation.service import Generation, GenerationService
from api.jobs.exceptions import JobNotFound
from api.models import (
    AuditLog,
    CreditEntry,
    GenerationItem,
    Job,
    Membership,
    Organization,
    StoreConnection,
    Subscription,
    SupportAccessGrant,
    User,
)
from api.usage.exceptions import InvalidUsageQuery
from api.usage.service import MAX_RANGE_DAYS, UsageService, UsageSummary

DEFAULT_CREDIT_VALUE_MICROS = 100_000  # $0.10 when no pack is for sale
DETAIL_ENTRIES = 50
DETAIL_JOBS = 20


@dataclass(frozen=True)
class OrganizationDetail:
    row: OrganizationRow
    subscription: Subscription | None
    balance: Balance
    ledger: list[CreditEntry]
    usage: UsageSummary
    usage_by_operation: UsageSummary
    members: list[tuple[Membership, User]]
    stores: list[StoreConnection]
    recent_jobs: list[Job]
    failed_jobs: list[Job]
    support_access: list[tuple[SupportAccessGrant, User]]


@dataclass(frozen=True)
class AuditRow:
    entry: AuditLog
    actor_email: str | None
    organization_name: str | None


@dataclass(frozen=True)
class FailedJob:
    job: Job
    organization_name: str
    failed_items: list[GenerationItem]
    retried_by: uuid.UUID | None


@dataclass(frozen=True)
class Margin:
    operation: str
    provider_cost_micros: int
    credits_captured: int
    delivered: int
    revenue_micros: int

    @property
    def gross_margin_micros(self) -> int:
        return self.revenue_micros - self.provider_cost_micros

    @property
    def gross_margin_percent(self) -> float | None:
        return round(100 * self.gross_margin_micros / self.revenue_micros, 2) if self.revenue_micros else None


@dataclass(frozen=True)
class Costs:
    start: date
    end: date
    credit_value_micros: int
    rows: list[ProviderCostRow]
    margins: list[Margin]


def utc_day_range(start: date | None, end: date | None, now: datetime, default_days: int = 30) -> tuple[date, date]:
    end = end or now.astimezone(UTC).date()
    start = start or end - timedelta(days=default_days - 1)
    if start > end:
        raise InvalidUsageQuery("from", "`from` must be on or before `to`.")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise InvalidUsageQuery("to", f"The range can cover at most two years ({MAX_RANGE_DAYS} days).")
    return start, end


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), UTC)


class AdminService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.organizations = AdminOrganizationRepository(session)
        self.jobs = AdminJobRepository(session)

    async def find_organizations(
        self,
        params: PageParams,
        *,
        query: str | None = None,
        plan_code: str | None = None,
        subscription_status: str | None = None,
        sort: OrganizationSort = "created",
        descending: bool = True,
    ) -> tuple[list[OrganizationRow], str | None]:
        return await self.organizations.search(
            query=query,
            plan_code=plan_code,
            subscription_status=subscription_status,
            sort=sort,
            descending=descending,
            params=params,
            now=utc_now(),
        )

    async def organization(self, organization_id: uuid.UUID) -> OrganizationDetail:
        organization = await self.organizations.get(organization_id)
        if organization is None:
            raise OrganizationNotFound()
        row = await self._row(organization)
        usage = UsageService(self.session, organization_id)
        return OrganizationDetail(
            row=row,
            subscription=await self.organizations.subscription(organization_id),
            balance=await CreditLedgerService(self.session).balance(organization_id),
            ledger=await self.organizations.recent_entries(organization_id, DETAIL_ENTRIES),
            usage=await usage.summary(group_by="day"),
            usage_by_operation=await usage.summary(group_by="operation"),
            members=await self.organizations.members(organization_id),
            stores=await self.organizations.stores(organization_id),
            recent_jobs=await self.organizations.recent_jobs(organization_id, DETAIL_JOBS),
            failed_jobs=await self.organizations.recent_jobs(organization_id, DETAIL_JOBS, failed=True),
            support_access=await self.organizations.support_grants(organization_id),
        )

    async def _row(self, organization: Organization) -> OrganizationRow:
        rows, _ = await self.organizations.search(
            query=None,
            plan_code=None,
            subscription_status=None,
            sort="created",
            descending=True,
            params=PageParams(limit=1, cursor=None),
            now=utc_now(),
            only=organization.id,
        )
        return rows[0]

    # Jobs.

    async def failed_jobs(
        self, params: PageParams, *, organization_id: uuid.UUID | None = None, include_partial: bool = True
    ) -> tuple[list[FailedJob], str | None]:
        jobs, cursor = await self.jobs.failed_page(JobFilters(organization_id, include_partial), params)
        ids = [job.id for job in jobs]
        items = await self.jobs.failed_items(ids)
        retries = await self.jobs.retries(ids)
        names = await self.jobs.organization_names(list({job.organization_id for job in jobs}))
        return [
            FailedJob(job, names.get(job.organization_id, ""), items.get(job.id, []), retries.get(job.id))
            for job in jobs
        ], cursor

    async def retry_failed_items(
        self, job_id: uuid.UUID, *, reason: str, admin: User, settings: Settings, storage: Storage
    ) -> tuple[uuid.UUID, Generation]:
        job = await self.jobs.get(job_id)
        if job is None:
            raise JobNotFound()
        generation = await GenerationService(
            self.session, job.organization_id, settings=settings, storage=storage
        ).retry_failed(job_id, reason=reason, admin_user_id=admin.id)
        await record_audit(
            self.session,
            action="jobs.retry_failed_items",
            target_type="job",
            target_id=job_id,
            organization_id=job.organization_id,
            actor_user_id=admin.id,
            before={"status": job.status.value, "failed_items": len(generation.items), "retried_by_job_id": None},
            after={
                "retried_by_job_id": str(generation.job.id),
                "items": len(generation.items),
                "credits_held": generation.credits_held,
                "reason": reason,
            },
        )
        return job_id, generation

    # Costs.

    async def costs(self, start: date | None, end: date | None, credit_value_micros: int | None) -> Costs:
        start, end = utc_day_range(start, end, utc_now())
        lower, upper = _midnight(start), _midnight(end + timedelta(days=1))
        repository = AdminCostRepository(self.session)
        value = credit_value_micros or await repository.credit_value_micros() or DEFAULT_CREDIT_VALUE_MICROS
        rows = await repository.provider_costs(lower, upper)
        captured = await repository.captured_by_operation(start, end)
        spend: dict[str, int] = {}
        for row in rows:
            spend[row.job_kind] = spend.get(row.job_kind, 0) + row.cost_micros
        margins = [
            Margin(
                operation=operation,
                provider_cost_micros=spend.get(operation, 0),
                credits_captured=captured.get(operation, (0, 0))[0],
                delivered=captured.get(operation, (0, 0))[1],
                revenue_micros=captured.get(operation, (0, 0))[0] * value,
            )
            for operation in sorted(set(spend) | set(captured))
        ]
        return Costs(start, end, value, rows, margins)

    # Audit log.

    async def audit_log(self, filters: AuditFilters, params: PageParams) -> tuple[list[AuditRow], str | None]:
        """A page of the audit log, with the actor's email and the workspace's name beside their ids."""
        repository = AdminAuditRepository(self.session)
        entries, cursor = await repository.page(filters, params)
        emails = await repository.user_emails(list({e.actor_user_id for e in entries if e.actor_user_id}))
        names = await repository.organization_names(list({e.organization_id for e in entries if e.organization_id}))
        return [
            AuditRow(
                entry,
                emails.get(entry.actor_user_id) if entry.actor_user_id else None,
                names.get(entry.organization_id) if entry.organization_id else None,
            )
            for entry in entries
        ], cursor

    # Support access.

    async def open_support_access(
        self, organization_id: uuid.UUID, *, admin: User, session_id: uuid.UUID, reason: str, minutes: int
    ) -> tuple[SupportAccessGrant, User]:
        if await self.organizations.get(organization_id) is None:
            raise OrganizationNotFound()
        now = utc_now()
        await end_grants_for_session(self.session, session_id, now)
        grant = SupportAccessGrant(
            organization_id=organization_id,
            admin_user_id=admin.id,
            session_id=session_id,
            reason=reason,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        self.session.add(grant)
        await self.session.flush()
        await record_audit(
            self.session,
            action="support_access.open",
            target_type="support_access",
            target_id=grant.id,
            organization_id=organization_id,
            actor_user_id=admin.id,
            before={"support_access": None},
            after={"support_access": str(grant.id), "reason": reason, "expires_at": grant.expires_at.isoformat()},
        )
        return grant, admin

    async def end_support_access(self, grant_id: uuid.UUID, *, admin: User) -> tuple[SupportAccessGrant, User]:
        grant = await self.session.get(SupportAccessGrant, grant_id, with_for_update=True)
        if grant is None:
            raise SupportAccessNotFound()
        if grant.ended_at is None:
            now = utc_now()
            before = {"ended_at": None, "expires_at": grant.expires_at.isoformat()}
            grant.ended_at = min(now, grant.expires_at)
            await self.session.flush()
            await record_audit(
                self.session,
                action="support_access.end",
                target_type="support_access",
                target_id=grant.id,
                organization_id=grant.organization_id,
                actor_user_id=admin.id,
                before=before,
                after={"ended_at": grant.ended_at.isoformat(), "expires_at": grant.expires_at.isoformat()},
            )
        owner = await self.session.get(User, grant.admin_user_id)
        assert owner is not None
        return grant, owner

    async def support_access_for(self, organization_id: uuid.UUID) -> list[tuple[SupportAccessGrant, User]]:
        return await self.organizations.support_grants(organization_id)
