from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from api.core.schemas import RequestModel, ResponseModel
from api.models import EntryType, JobKind, JobStatus
from api.usage.service import Amounts, Burn, JobCosts, SeriesPart, SeriesPoint, UsageSettings, UsageSummary


class UsageAmountsOut(ResponseModel):
    captured: int = Field(description="Credits charged for delivered outputs.")
    refunded: int = Field(description="Credits given back for delivered outputs later refunded.")
    net: int = Field(description="captured - refunded: what the period actually cost.")
    released: int = Field(description="Credits reserved and returned unused (failed or canceled work); not usage.")
    delivered: int = Field(description="Outputs delivered and not refunded.")
    failed: int = Field(description="Outputs that failed (their credits were released).")

    @classmethod
    def of(cls, amounts: Amounts) -> UsageAmountsOut:
        return cls(
            captured=amounts.captured,
            refunded=amounts.refunded,
            net=amounts.net,
            released=amounts.released,
            delivered=amounts.delivered,
            failed=amounts.failed,
        )


class UsagePartOut(UsageAmountsOut):
    key: str | None = Field(description="The operation or provider (null: entries without a job).")
    label: str

    @classmethod
    def of_part(cls, part: SeriesPart) -> UsagePartOut:
        return cls(key=part.key, label=part.label, **UsageAmountsOut.of(part.amounts).model_dump())


class UsagePointOut(UsageAmountsOut):
    key: str | None = Field(description="Period start (YYYY-MM-DD), operation, product id, member id or provider.")
    label: str
    period_start: date | None = Field(description="For day, week and month series: the local period's first day.")
    parts: list[UsagePartOut] = Field(
        description="With `split_by`: the period per operation or provider (they add up to the period's amounts)."
    )

    @classmethod
    def of_point(cls, point: SeriesPoint) -> UsagePointOut:
        return cls(
            key=point.key,
            label=point.label,
            period_start=point.period_start,
            parts=[UsagePartOut.of_part(part) for part in point.parts],
            **UsageAmountsOut.of(point.amounts).model_dump(),
        )


class UsageTotalsOut(UsageAmountsOut):
    delivered_images: int
    delivered_videos: int
    failure_rate: float | None = Field(description="failed / (delivered + failed); null when nothing ran.")
    average_credits_per_asset: float | None = Field(description="net / delivered; null when nothing was delivered.")


class BurnOut(ResponseModel):
    window_days: int = Field(description="The trailing window the rate is measured over.")
    credits_per_day: float = Field(description="Net credits used per day over the window.")
    available: int
    days_left: float | None = Field(description="At this pace; null when nothing is being used.")
    runs_out_on: date | None = Field(description="Projected local date the available credits run out.")

    @classmethod
    def of(cls, burn: Burn) -> BurnOut:
        return cls(
            window_days=burn.window_days,
            credits_per_day=burn.credits_per_day,
            available=burn.available,
            days_left=burn.days_left,
            runs_out_on=burn.runs_out_on,
        )


class UsageSummaryOut(ResponseModel):
    from_: date = Field(alias="from")
    to: date
    time_zone: str
    group_by: str
    split_by: str | None
    series: list[UsagePointOut]
    totals: UsageTotalsOut
    burn: BurnOut

    @classmethod
    def of(cls, summary: UsageSummary) -> UsageSummaryOut:
        totals = summary.totals
        return cls.model_validate(
            {
                "from": summary.start,
                "to": summary.end,
                "time_zone": summary.time_zone,
                "group_by": summary.group_by,
                "split_by": summary.split_by,
                "series": [UsagePointOut.of_point(point) for point in summary.series],
                "totals": UsageTotalsOut(
                    **UsageAmountsOut.of(totals).model_dump(),
                    delivered_images=summary.delivered("image"),
                    delivered_videos=summary.delivered("video"),
                    failure_rate=summary.failure_rate,
                    average_credits_per_asset=summary.average_credits_per_asset,
                ),
                "burn": BurnOut.of(summary.burn),
            }
        )


class CostLineOut(ResponseModel):
    operation: str
    parameter: str
    variant: str
    unit_credits: int
    quantity: int
    credits: int


class ItemCostOut(ResponseModel):
    item_key: str
    position: int | None
    product_id: uuid.UUID | None
    status: str | None
    credits: int = Field(description="What delivering the item costs (its quoted unit cost).")
    captured: int
    released: int
    refunded: int


class JobEntryOut(ResponseModel):
    id: uuid.UUID
    type: EntryType
    amount: int
    held_delta: int
    item_key: str | None
    reason: str | None
    created_at: datetime


class JobCostsOut(ResponseModel):
    job_id: uuid.UUID
    kind: JobKind
    status: JobStatus
    quoted: int = Field(description="Credits held when the job started (the quote).")
    captured: int
    released: int
    refunded: int
    breakdown: list[CostLineOut] = Field(description="The quote: operation x quantity x unit cost.")
    items: list[ItemCostOut]
    entries: list[JobEntryOut]

    @classmethod
    def of(cls, costs: JobCosts) -> JobCostsOut:
        return cls(
            job_id=costs.job.id,
            kind=costs.job.kind,
            status=costs.job.status,
            quoted=costs.quoted,
            captured=costs.captured,
            released=costs.released,
            refunded=costs.refunded,
            breakdown=[
                CostLineOut(
                    operation=line.operation,
                    parameter=line.parameter,
                    variant=line.variant,
                    unit_credits=line.unit_credits,
                    quantity=line.quantity,
                    credits=line.credits,
                )
                for line in costs.breakdown
            ],
            items=[ItemCostOut.model_validate(item, from_attributes=True) for item in costs.items],
            entries=[JobEntryOut.model_validate(entry) for entry in costs.entries],
        )


Percent = Annotated[int, Field(ge=0, le=100)]
Credits = Annotated[int, Field(ge=0, le=1_000_000)]


class UsageSettingsOut(ResponseModel):
    time_zone: str = Field(description="IANA time zone of usage days and the weekly digest.")
    low_balance_percents: list[int] = Field(description="Alert when available falls under these % of the last top-up.")
    low_balance_absolute: list[int] = Field(description="Alert when available falls to these credit levels.")

    @classmethod
    def of(cls, settings: UsageSettings) -> UsageSettingsOut:
        return cls(
            time_zone=settings.time_zone,
            low_balance_percents=settings.low_balance_percents,
            low_balance_absolute=settings.low_balance_absolute,
        )


class UpdateUsageSettingsRequest(RequestModel):
    time_zone: str | None = Field(default=None, max_length=64)
    low_balance_percents: list[Percent] | None = Field(default=None, max_length=5)
    low_balance_absolute: list[Credits] | None = Field(default=None, max_length=5)
