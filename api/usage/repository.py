"""Usage reads, from three rollups a trigger keeps in the same transaction as each ledger entry (never the entries):
`usage_totals` (15-minute buckets: time series in any time zone, at most 96 rows a day), `usage_daily` (per UTC
day and dimension value) and `usage_rollups` (15-minute buckets with every dimension, read only for the partial
UTC days at the edges of a local range)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import Date, and_, cast, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import (
    CreditAccount,
    CreditEntry,
    CreditHold,
    GenerationItem,
    Organization,
    Product,
    UsageDaily,
    UsageRollup,
    UsageTotal,
    User,
)

Dimension = Literal["day", "week", "month", "operation", "product", "member", "provider"]
# What a day, week or month can be broken down by (a stacked chart): the few-valued dimensions.
Split = Literal["operation", "provider"]


@dataclass(frozen=True)
class Window:
    """Local days start..end in `time_zone`: exactly the UTC instants [lower, upper) (15-minute aligned)."""

    time_zone: str
    start: date
    end: date
    lower: datetime
    upper: datetime


@dataclass(frozen=True)
class Period:
    """One local day, week or month of a window: its first local day and its UTC instants [lower, upper)."""

    start: date
    lower: datetime
    upper: datetime


@dataclass(frozen=True)
class UsageRow:
    key: Any
    captured: int
    refunded: int
    released: int
    captures: int
    refunds: int
    failed_items: int


def _sums(table: Any) -> list[Any]:
    return [
        func.coalesce(func.sum(table.captured), 0),
        func.coalesce(func.sum(table.refunded), 0),
        func.coalesce(func.sum(table.released), 0),
        func.coalesce(func.sum(table.captures), 0),
        func.coalesce(func.sum(table.refunds), 0),
        func.coalesce(func.sum(table.failed_items), 0),
    ]


def _row(row: Any) -> UsageRow:
    return UsageRow(row[0], int(row[1]), int(row[2]), int(row[3]), int(row[4]), int(row[5]), int(row[6]))


_FINE_COLUMN = {
    "operation": UsageRollup.operation,
    "product": UsageRollup.product_id,
    "member": UsageRollup.member_id,
    "provider": UsageRollup.provider,
}


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), UTC)


def _whole_utc_days(lower: datetime, upper: datetime) -> tuple[datetime, datetime] | None:
    """The whole UTC days inside [lower, upper) as [first midnight, last midnight), or None when there are none."""
    first = _midnight(lower.astimezone(UTC).date())
    if first < lower:
        first += timedelta(days=1)
    last = _midnight(upper.astimezone(UTC).date())
    return (first, last) if first < last else None


class UsageRepository:
    def __init__(self, session: AsyncSession, organization_id: uuid.UUID) -> None:
        self.session = session
        self.organization_id = organization_id

    async def periods(self, dimension: Dimension, window: Window) -> list[UsageRow]:
        """Sums per local day, week or month of the window, from the 15-minute totals (at most 96 rows a day)."""
        local = func.timezone(window.time_zone, UsageTotal.bucket_start)
        key = (cast(local, Date) if dimension == "day" else cast(func.date_trunc(dimension, local), Date)).label("key")
        statement = (
            select(key, *_sums(UsageTotal))
            .where(
                UsageTotal.organization_id == self.organization_id,
                UsageTotal.bucket_start >= window.lower,
                UsageTotal.bucket_start < window.upper,
            )
            .group_by(key)
        )
        return [_row(row) for row in (await self.session.execute(statement)).all()]

    async def period_parts(
        self, dimension: Dimension, split: Split, window: Window, periods: list[Period]
    ) -> list[tuple[date, UsageRow]]:
        """Sums per local period and operation (or provider), for stacked charts: (period start, row keyed by the
        split's value) pairs. Like `by_dimension`, per period: its whole UTC days from the daily rollup, the rest
        from the 15-minute one (so a UTC workspace's days, and most of any week or month, read one row per day)."""
        day_period: dict[date, date] = {}
        fine: list[tuple[datetime, datetime]] = []
        for period in periods:
            whole = _whole_utc_days(period.lower, period.upper)
            edges = [(period.lower, period.upper)]
            if whole is not None:
                first, last = whole
                day_period.update(
                    {(first + timedelta(days=n)).date(): period.start for n in range((last - first).days)}
                )
                edges = [(period.lower, first), (last, period.upper)]
            for lower, upper in edges:
                if lower >= upper:
                    continue
                if fine and fine[-1][1] == lower:  # contiguous with the previous edge: one range
                    fine[-1] = (fine[-1][0], upper)
                else:
                    fine.append((lower, upper))
        merged: dict[tuple[date, Any], list[int]] = {}

        def add(period_start: date, value: Any, sums: Any) -> None:
            target = merged.setdefault((period_start, value), [0] * 6)
            for index, amount in enumerate(sums):
                target[index] += int(amount)

        if day_period:
            daily = select(
                UsageDaily.day,
                UsageDaily.key,
                UsageDaily.captured,
                UsageDaily.refunded,
                UsageDaily.released,
                UsageDaily.captures,
                UsageDaily.refunds,
                UsageDaily.failed_items,
            ).where(
                UsageDaily.organization_id == self.organization_id,
                UsageDaily.dimension == split,
                UsageDaily.day >= min(day_period),
                UsageDaily.day <= max(day_period),
            )
            for row in (await self.session.execute(daily)).all():
                if row[0] in day_period:  # days holding a period boundary come from the 15-minute rollup
                    add(day_period[row[0]], row[1], row[2:])
        if fine:
            local = func.timezone(window.time_zone, UsageRollup.bucket_start)
            key = cast(local, Date) if dimension == "day" else cast(func.date_trunc(dimension, local), Date)
            column = _FINE_COLUMN[split]
            statement = (
                select(key, column, *_sums(UsageRollup))
                .where(
                    UsageRollup.organization_id == self.organization_id,
                    or_(*(and_(UsageRollup.bucket_start >= lo, UsageRollup.bucket_start < hi) for lo, hi in fine)),
                )
                .group_by(key, column)
            )
            for row in (await self.session.execute(statement)).all():
                add(row[0], row[1], row[2:])
        return [(start, UsageRow(value, *sums)) for (start, value), sums in merged.items()]

    async def by_dimension(self, dimension: Dimension, window: Window) -> list[UsageRow]:
        """Sums per operation, product, member or provider over the window's instants: whole UTC days from the
        daily rollup, the partial days at either edge from the 15-minute rollup."""
        lower, upper = window.lower, window.upper
        whole = _whole_utc_days(lower, upper)
        merged: dict[Any, list[int]] = {}
        if whole is not None:
            full_start, full_end = whole
            daily = (
                select(UsageDaily.key, *_sums(UsageDaily))
                .where(
                    UsageDaily.organization_id == self.organization_id,
                    UsageDaily.dimension == dimension,
                    UsageDaily.day >= full_start.date(),
                    UsageDaily.day < full_end.date(),
                )
                .group_by(UsageDaily.key)
            )
            for row in (await self.session.execute(daily)).all():
                key = row[0] or None
                if dimension in ("product", "member") and key is not None:
                    key = uuid.UUID(key)
                if dimension in ("operation", "provider"):
                    key = row[0]
                merged[key] = [int(value) for value in row[1:]]
            edges = [(lower, full_start), (full_end, upper)]
        else:
            edges = [(lower, upper)]
        column = _FINE_COLUMN[dimension]
        for start, end in edges:
            if start >= end:
                continue
            fine = (
                select(column, *_sums(UsageRollup))
                .where(
                    UsageRollup.organization_id == self.organization_id,
                    UsageRollup.bucket_start >= start,
                    UsageRollup.bucket_start < end,
                )
                .group_by(column)
            )
            for row in (await self.session.execute(fine)).all():
                sums = merged.setdefault(row[0], [0] * 6)
                for index, value in enumerate(row[1:]):
                    sums[index] += int(value)
        return [UsageRow(key, *sums) for key, sums in merged.items()]

    async def between(self, lower: datetime, upper: datetime) -> UsageRow:
        """Sums over the UTC instants [lower, upper) (the burn-rate window)."""
        statement = select(func.count(), *_sums(UsageTotal)).where(
            UsageTotal.organization_id == self.organization_id,
            UsageTotal.bucket_start >= lower,
            UsageTotal.bucket_start < upper,
        )
        row = (await self.session.execute(statement)).one()
        return _row(row)

    async def product_names(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not ids:
            return {}
        statement = select(Product.id, Product.name).where(
            Product.organization_id == self.organization_id, Product.id.in_(ids)
        )
        return {row[0]: row[1] for row in (await self.session.execute(statement)).all()}

    async def member_names(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not ids:
            return {}
        statement = select(User.id, User.name, User.email).where(User.id.in_(ids))
        return {row[0]: f"{row[1]} <{row[2]}>" for row in (await self.session.execute(statement)).all()}

    # Settings.

    async def organization(self, *, for_update: bool = False) -> Organization:
        statement = select(Organization).where(Organization.id == self.organization_id)
        if for_update:
            statement = statement.with_for_update()
        organization = (await self.session.scalars(statement)).one()
        return organization

    async def thresholds(self) -> tuple[list[int], list[int]]:
        row = (
            await self.session.execute(
                select(CreditAccount.low_balance_percents, CreditAccount.low_balance_absolute).where(
                    CreditAccount.organization_id == self.organization_id
                )
            )
        ).first()
        if row is None:
            return [20, 10, 0], []
        return list(row[0]), list(row[1])

    async def set_thresholds(self, percents: list[int], absolute: list[int], now: datetime) -> None:
        """The account row holds the thresholds (read with its lock by every balance change); created if missing.
        Thresholds already announced stay announced until the next top-up."""
        await self.session.execute(
            insert(CreditAccount)
            .values(
                organization_id=self.organization_id,
                created_at=now,
                updated_at=now,
                low_balance_percents=percents,
                low_balance_absolute=absolute,
            )
            .on_conflict_do_update(
                index_elements=[CreditAccount.organization_id],
                set_={"low_balance_percents": percents, "low_balance_absolute": absolute, "updated_at": now},
            )
        )

    async def set_time_zone(self, time_zone: str) -> None:
        await self.session.execute(
            update(Organization).where(Organization.id == self.organization_id).values(time_zone=time_zone)
        )

    # One job's money.

    async def job_entries(self, job_id: uuid.UUID) -> list[CreditEntry]:
        statement = (
            select(CreditEntry)
            .where(CreditEntry.organization_id == self.organization_id, CreditEntry.job_id == job_id)
            .order_by(CreditEntry.seq)
        )
        return list((await self.session.scalars(statement)).all())

    async def hold(self, hold_id: uuid.UUID) -> CreditHold | None:
        result: CreditHold | None = await self.session.scalar(
            select(CreditHold).where(CreditHold.organization_id == self.organization_id, CreditHold.id == hold_id)
        )
        return result

    async def items(self, job_id: uuid.UUID) -> list[GenerationItem]:
        statement = (
            select(GenerationItem)
            .where(GenerationItem.organization_id == self.organization_id, GenerationItem.job_id == job_id)
            .order_by(GenerationItem.position)
        )
        return list((await self.session.scalars(statement)).all())
