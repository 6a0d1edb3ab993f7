from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from api.core.schemas import RequestModel, ResponseModel
from api.credits.schemas import BalanceOut, EntryOut
from api.jobs.schemas import JobOut
from api.models import JobKind, JobStatus, Role, StoreKind, StoreStatus
from api.usage.schemas import UsageSummaryOut

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class AdminOrganizationOut(ResponseModel):
    id: uuid.UUID
    name: str
    created_at: datetime
    member_count: int
    plan_code: str
    subscription_status: str | None
    available: int = Field(description="Available credits now.")
    usage_30d: int = Field(description="Net credits used over the last 30 days.")


class AdminSubscriptionOut(ResponseModel):
    id: uuid.UUID
    status: str
    plan_code: str
    interval: str
    current_period_start: datetime
    current_period_end: datetime
    cancel_at_period_end: bool


class AdminMemberOut(ResponseModel):
    user_id: uuid.UUID
    email: str
    name: str
    role: Role
    joined_at: datetime


class AdminStoreOut(ResponseModel):
    id: uuid.UUID
    kind: StoreKind
    shop_domain: str
    status: StoreStatus
    last_synced_at: datetime | None


class SupportAccessOut(ResponseModel):
    id: uuid.UUID
    organization_id: uuid.UUID
    admin_user_id: uuid.UUID
    admin_name: str
    admin_email: str
    reason: str
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    active: bool


class AdminOrganizationDetailOut(ResponseModel):
    organization: AdminOrganizationOut
    time_zone: str
    subscription: AdminSubscriptionOut | None
    balance: BalanceOut
    ledger: list[EntryOut] = Field(description="The latest 50 entries, newest first.")
    usage: UsageSummaryOut = Field(description="The last 30 days per local day.")
    usage_by_operation: UsageSummaryOut
    members: list[AdminMemberOut]
    stores: list[AdminStoreOut]
    recent_jobs: list[JobOut]
    failed_jobs: list[JobOut]
    support_access: list[SupportAccessOut]


class FailedItemOut(ResponseModel):
    id: uuid.UUID
    position: int
    product_id: uuid.UUID | None
    attempts: int
    credits: int
    error_code: str | None
    error_message: str | None
    prompt: str | None
    settings: dict[str, Any] | None
    provider: str | None


class AdminJobOut(ResponseModel):
    id: uuid.UUID
    organization_id: uuid.UUID
    organization_name: str
    kind: JobKind
    status: JobStatus
    provider: str | None
    attempts: int
    max_attempts: int
    error_code: str | None
    error_message: str | None
    progress_total: int
    progress_done: int
    progress_failed: int
    created_at: datetime
    finished_at: datetime | None
    failed_items: list[FailedItemOut]
    retried_by_job_id: uuid.UUID | None = Field(description="The job that re-ran its failed items, if any.")


class RetryJobRequest(RequestModel):
    reason: Reason


class RetryJobOut(ResponseModel):
    source_job_id: uuid.UUID
    job: JobOut
    retried_items: int
    credits_held: int


class ProviderCostOut(ResponseModel):
    day: date
    provider: str
    model: str
    operation: str = Field(description="The provider operation (e.g. image.generate).")
    job_kind: str = Field(description="The kind of job the calls were made for ('' when none).")
    calls: int
    failed_calls: int
    cost_micros: int = Field(description="Provider spend in millionths of a US dollar.")
    average_duration_ms: int


class OperationMarginOut(ResponseModel):
    operation: str = Field(description="Job kind (image, video, ...).")
    provider_cost_micros: int
    credits_captured: int = Field(description="Net credits captured for the same work over the same days.")
    delivered: int
    revenue_micros: int = Field(description="credits_captured x credit value.")
    gross_margin_micros: int
    gross_margin_percent: float | None


class AdminCostsOut(ResponseModel):
    from_: date = Field(alias="from")
    to: date
    credit_value_micros: int = Field(description="What one credit is valued at (the cheapest pack's price).")
    rows: list[ProviderCostOut]
    margins: list[OperationMarginOut]
    total_cost_micros: int
    total_revenue_micros: int


class AuditEntryOut(ResponseModel):
    id: uuid.UUID
    organization_id: uuid.UUID | None
    organization_name: str | None = Field(description="The workspace's current name.")
    actor_user_id: uuid.UUID | None
    actor_email: str | None = Field(description="The acting user's current email.")
    actor_api_key_id: uuid.UUID | None
    action: str
    target_type: str
    target_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    created_at: datetime


class SupportAccessRequest(RequestModel):
    reason: Reason
    minutes: int = Field(default=60, ge=5, le=240, description="How long the access lasts (at most 4 hours).")
