"""Usage for merchants: chartable series from the ledger (through the usage rollup), delivered and failed
counts, the burn rate with a projected run-out date, per-job cost breakdowns, and the alert settings.

Captures are shown net of refunds (a refund counts on the day it happened, like in the ledger); releases (credits
reserved and given back, e.g. for failed images) are shown apart and never count as usage.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.service import record_audit
from api.core.time import utc_now
from api.credits.service import CreditLedgerService
from api.jobs.service import JobService
from api.models import CreditEntry, EntryType, GenerationItem, Job, JobKind
from api.usage.exceptions import InvalidUsageQuery
from api.usage.repository import Dimension, Period, Split, UsageRepository, UsageRow, Window

MAX_RANGE_DAYS = 731  # two years, leap day included
DEFAULT_RANGE_DAYS = 30
BURN_WINDOW_DAYS = 14
TIME_DIMENSIONS = ("day", "week", "month")

# What the job kinds are called in the cost table (GET /credits/costs).
COST_OPERATION = {JobKind.edit: "ai_edit"}
OPERATION_LABELS = {
    "image": "Images",
    "video": "Videos",
    "edit": "AI edits",
    "upscale": "Upscales",
    "background_removal": "Background removal",
    "": "Other (no job)",
}


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidUsageQuery("tz", f"Unknown time zone {name!r}; use an IANA name such as Europe/Berlin.") from exc


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of a local day, in UTC (a DST gap at midnight starts the day at the gap's end)."""
    return datetime.combine(day, time(0), tz).astimezone(UTC)


@dataclass(frozen=True)
class Amounts:
    captured: int = 0
    refunded: int = 0
    released: int = 0
    captures: int = 0
    refunds: int = 0
    failed: int = 0

    @classmethod
    def of(cls, row: UsageRow) -> Amounts:
        return cls(row.captured, row.refunded, row.released, row.captures, row.refunds, row.failed_items)

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(
            self.captured + other.captured,
            self.refunded + other.refunded,
            self.released + other.released,
            self.captures + other.captures,
            self.refunds + other.refunds,
            self.failed + other.failed,
        )

    @property
    def net(self) -> int:
        return self.captured - self.refunded

    @property
    def delivered(self) -> int:
        return self.captures - self.refunds


@dataclass(frozen=True)
class SeriesPart:
    """One operation's (or provider's) share of a period, for stacked charts."""

    key: str | None
    label: str
    amounts: Amounts


@dataclass(frozen=True)
class SeriesPoint:
    key: str | None
    label: str
    period_start: date | None
    amounts: Amounts
    parts: tuple[SeriesPart, ...] = ()


@dataclass(frozen=True)
class Burn:
    window_days: int
    credits_per_day: float
    available: int
    days_left: float | None
    runs_out_on: date | None


@dataclass(frozen=True)
class UsageSummary:
    start: date
    end: date
    time_zone: str
    group_by: Dimension
    split_by: Split | None
    series: list[SeriesPoint]
    totals: Amounts
    by_operation: dict[str, Amounts]
    burn: Burn

    @property
    def failure_rate(self) -> float | None:
        attempts = self.totals.captures + self.totals.failed
        return round(self.totals.failed / attempts, 4) if attempts else None

    @property
    def average_credits_per_asset(self) -> float | None:
        delivered = self.totals.delivered
        return round(self.totals.net / delivered, 4) if delivered > 0 else None

    def delivered(self, operation: str) -> int:
        return self.by_operation.get(operation, Amounts()).delivered


@dataclass(frozen=True)
class CostLineView:
    operation: str
    parameter: str
    variant: str
    unit_credits: int
    quantity: int

    @property
    def credits(self) -> int:
        return self.unit_credits * self.quantity


@dataclass
class ItemCost:
    item_key: str
    position: int | None
    product_id: uuid.UUID | None
    status: str | None
    credits: int
    captured: int = 0
    released: int = 0
    refunded: int = 0


@dataclass
class JobCosts:
    job: Job
    quoted: int
    breakdown: list[CostLineView]
    items: list[ItemCost]
    captured: int = 0
    released: int = 0
    refunded: int = 0
    entries: list[CreditEntry] = field(default_factory=list)


@dataclass(frozen=True)
class UsageSettings:
    time_zone: str
    low_balance_percents: list[int]
    low_balance_absolute: list[int]


def _periods(dimension: Dimension, start: date, end: date) -> list[date]:
    """Every period start of the range, so a chart shows quiet days as zero."""
    if dimension == "day":
        return [start + timedelta(days=n) for n in range((end - start).days + 1)]
    if dimension == "week":
        first = start - timedelta(days=start.weekday())
        return [first + timedelta(weeks=n) for n in range((end - first).days // 7 + 1)]
    periods, cursor = [], start.replace(day=1)
    while cursor <= end:
        periods.append(cursor)
        cursor = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
    return periods


def _bounded_periods(dimension: Dimension, window: Window, info: ZoneInfo) -> list[Period]:
    """The window's local periods with their UTC instants; the first and last clipped to the window."""
    starts = _periods(dimension, window.start, window.end)
    bounds = [window.lower, *(local_midnight(day, info) for day in starts[1:]), window.upper]
    return [Period(day, bounds[n], bounds[n + 1]) for n, day in enumerate(starts)]


class UsageService:
    def __init__(self, session: AsyncSession, organization_id: uuid.UUID) -> None:
        self.session = session
        self.organization_id = organization_id
        self.usage = UsageRepository(session, organization_id)

    async def time_zone(self) -> str:
        return (await self.usage.organization()).time_zone

    async def summary(
        self,
        *,
        group_by: Dimension = "day",
        start: date | None = None,
        end: date | None = None,
        tz: str | None = None,
        split_by: Split | None = None,
        now: datetime | None = None,
    ) -> UsageSummary:
        if split_by is not None and group_by not in TIME_DIMENSIONS:
            raise InvalidUsageQuery("split_by", "Only a day, week or month series can be split.")
        now = now or utc_now()
        time_zone = tz or await self.time_zone()
        info = zone(time_zone)
        today = now.astimezone(info).date()
        end = end or (today if start is None else min(start + timedelta(days=DEFAULT_RANGE_DAYS - 1), today))
        start = start or end - timedelta(days=DEFAULT_RANGE_DAYS - 1)
        if start > end:
            raise InvalidUsageQuery("from", "`from` must be on or before `to`.")
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            raise InvalidUsageQuery("to", f"The range can cover at most two years ({MAX_RANGE_DAYS} days).")
        window = Window(
            time_zone, start, end, local_midnight(start, info), local_midnight(end + timedelta(days=1), info)
        )
        if group_by in TIME_DIMENSIONS:
            rows = await self.usage.periods(group_by, window)
        else:
            rows = await self.usage.by_dimension(group_by, window)
        operation_rows = rows if group_by == "operation" else await self.usage.by_dimension("operation", window)
        by_operation = {str(row.key): Amounts.of(row) for row in operation_rows}
        totals = sum(by_operation.values(), Amounts())
        series = await self._series(group_by, rows, start, end)
        if split_by is not None:
            periods = _bounded_periods(group_by, window, info)
            parts = await self.usage.period_parts(group_by, split_by, window, periods)
            series = _with_parts(series, split_by, parts)
        return UsageSummary(
            start, end, time_zone, group_by, split_by, series, totals, by_operation, await self.burn(now, info)
        )

    async def _series(self, dimension: Dimension, rows: list[UsageRow], start: date, end: date) -> list[SeriesPoint]:
        if dimension in TIME_DIMENSIONS:
            found = {row.key: Amounts.of(row) for row in rows}
            return [
                SeriesPoint(day.isoformat(), day.isoformat(), day, found.get(day, Amounts()))
                for day in _periods(dimension, start, end)
            ]
        labels: dict[uuid.UUID, str] = {}
        if dimension == "product":
            labels = await self.usage.product_names([row.key for row in rows if row.key is not None])
        elif dimension == "member":
            labels = await self.usage.member_names([row.key for row in rows if row.key is not None])
        points = [SeriesPoint(_key(row.key), _label(dimension, row.key, labels), None, Amounts.of(row)) for row in rows]
        return sorted(points, key=lambda point: (-point.amounts.net, point.label))

    async def burn(self, now: datetime, info: ZoneInfo) -> Burn:
        """Net credits used per day over the trailing 14 days, and when the available credits run out at that
        pace (None when nothing is being used)."""
        used = Amounts.of(await self.usage.between(now - timedelta(days=BURN_WINDOW_DAYS), now))
        per_day = max(used.net, 0) / BURN_WINDOW_DAYS
        available = (await CreditLedgerService(self.session).balance(self.organization_id, now=now)).available
        if per_day <= 0:
            return Burn(BURN_WINDOW_DAYS, 0.0, available, None, None)
        days_left = max(available, 0) / per_day
        runs_out = (now + timedelta(days=days_left)).astimezone(info).date()
        return Burn(BURN_WINDOW_DAYS, round(per_day, 4), available, round(days_left, 2), runs_out)

    # One job.

    async def job_costs(self, job_id: uuid.UUID) -> JobCosts:
        """What a job was quoted (operation x quantity x unit cost) and what each item captured, released and
        had refunded."""
        job = await JobService(self.session).get(self.organization_id, job_id)
        items = await self.usage.items(job.id)
        entries = await self.usage.job_entries(job.id)
        hold = await self.usage.hold(job.hold_id) if job.hold_id else None
        costs = JobCosts(job=job, quoted=hold.amount if hold else 0, breakdown=_breakdown(job, items), items=[])
        by_key: dict[str, ItemCost] = {
            str(item.position): ItemCost(
                str(item.position), item.position, item.product_id, item.status.value, item.credits
            )
            for item in items
        }
        for entry in entries:
            if entry.type == EntryType.capture:
                costs.captured += -entry.amount
            elif entry.type == EntryType.release:
                costs.released += -entry.held_delta
            elif entry.type == EntryType.refund:
                costs.refunded += entry.amount
            if entry.item_key is None or entry.type not in (EntryType.capture, EntryType.release, EntryType.refund):
                continue
            item = by_key.setdefault(entry.item_key, ItemCost(entry.item_key, None, None, None, 0))
            if entry.type == EntryType.capture:
                item.captured += -entry.amount
            elif entry.type == EntryType.release:
                item.released += -entry.held_delta
            else:
                item.refunded += entry.amount
        costs.items = sorted(by_key.values(), key=lambda i: (i.position is None, i.position or 0, i.item_key))
        costs.entries = entries
        return costs

    # Settings.

    async def settings(self) -> UsageSettings:
        percents, absolute = await self.usage.thresholds()
        return UsageSettings(await self.time_zone(), percents, absolute)

    async def update_settings(
        self,
        *,
        time_zone: str | None,
        low_balance_percents: list[int] | None,
        low_balance_absolute: list[int] | None,
        actor_user_id: uuid.UUID | None,
        actor_api_key_id: uuid.UUID | None,
    ) -> UsageSettings:
        before = await self.settings()
        if time_zone is not None:
            zone(time_zone)
        percents = sorted(set(low_balance_percents), reverse=True) if low_balance_percents is not None else None
        absolute = sorted(set(low_balance_absolute), reverse=True) if low_balance_absolute is not None else None
        if time_zone is not None and time_zone != before.time_zone:
            await self.usage.set_time_zone(time_zone)
        if percents is not None or absolute is not None:
            await self.usage.set_thresholds(
                percents if percents is not None else before.low_balance_percents,
                absolute if absolute is not None else before.low_balance_absolute,
                utc_now(),
            )
        after = UsageSettings(
            time_zone or before.time_zone,
            percents if percents is not None else before.low_balance_percents,
            absolute if absolute is not None else before.low_balance_absolute,
        )
        if after != before:
            await record_audit(
                self.session,
                action="usage.settings.update",
                target_type="organization",
                target_id=self.organization_id,
                organization_id=self.organization_id,
                actor_user_id=actor_user_id,
                actor_api_key_id=actor_api_key_id,
                before=before.__dict__,
                after=after.__dict__,
            )
        return after


def _key(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _label(dimension: Dimension, value: object, names: dict[uuid.UUID, str]) -> str:
    if dimension == "operation":
        return OPERATION_LABELS.get(str(value), str(value))
    if dimension == "provider":
        return str(value) or "None"
    if value is None:
        return "No product" if dimension == "product" else "API key or system"
    assert isinstance(value, uuid.UUID)
    return names.get(value, "Deleted" if dimension == "product" else "Former member")


def _with_parts(series: list[SeriesPoint], split: Split, rows: list[tuple[date, UsageRow]]) -> list[SeriesPoint]:
    """Each period with its operations (or providers); a quiet period has none."""
    parts: dict[date | None, list[SeriesPart]] = defaultdict(list)
    for period, row in rows:
        parts[period].append(SeriesPart(_key(row.key), _label(split, row.key, {}), Amounts.of(row)))
    return [
        replace(point, parts=tuple(sorted(parts.get(point.period_start, ()), key=lambda part: part.key or "")))
        for point in series
    ]


def _breakdown(job: Job, items: list[GenerationItem]) -> list[CostLineView]:
    """The quote, rebuilt from the items (each carries the unit cost it was quoted at and its quality)."""
    operation = COST_OPERATION.get(job.kind, job.kind.value)
    lines: dict[tuple[str, int], int] = defaultdict(int)
    for item in items:
        lines[(str(item.request.get("quality", "")), item.credits)] += 1
    parameter = "quality" if any(variant for variant, _ in lines) else ""
    return [
        CostLineView(operation, parameter, variant, unit, quantity)
        for (variant, unit), quantity in sorted(lines.items())
    ]
