"""Acceptance 1: for random ledger histories across a DST change, every usage series sums exactly to the
ledger's totals per operation and per local day (captures net of refunds, releases apart).

The series come from the rollup the ledger's trigger keeps; the expectation is recomputed here from the entries
themselves, with Python's zoneinfo deciding each entry's local day."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from api.core.config import Settings
from api.core.db import create_sessionmaker
from api.credits.service import CreditLedgerService
from api.models import CreditEntry, EntryType, GenerationItem, Job, JobKind, LotCategory, LotSource, Organization
from api.usage.service import Amounts, UsageService

# Zones and one of their DST changes (UTC instants): spring forward, fall back, a half-hour DST shift, no DST.
TRANSITIONS = {
    "Europe/Berlin": datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    "America/New_York": datetime(2026, 11, 1, 6, 0, tzinfo=UTC),
    "Australia/Lord_Howe": datetime(2026, 4, 4, 15, 0, tzinfo=UTC),
    "Asia/Kolkata": datetime(2026, 6, 1, 18, 30, tzinfo=UTC),
}
WINDOW_MINUTES = 3 * 24 * 60

item_plan = st.tuples(
    st.sampled_from(["capture", "release", "open"]),
    st.integers(min_value=0, max_value=36 * 60),  # minutes after the hold
    st.booleans(),  # refunded later (captures only)
    st.integers(min_value=1, max_value=24 * 60),  # minutes from capture to refund
)
job_plan = st.tuples(
    st.sampled_from([JobKind.image, JobKind.video, JobKind.upscale]),
    st.sampled_from(["local", "gemini"]),
    st.sampled_from([1, 2, 5]),
    st.integers(min_value=-WINDOW_MINUTES, max_value=WINDOW_MINUTES),  # hold time around the transition
    st.lists(item_plan, min_size=1, max_size=4),
    st.booleans(),  # the job ends (its remaining hold released)
)
history = st.tuples(st.sampled_from(sorted(TRANSITIONS)), st.lists(job_plan, min_size=1, max_size=5))


class Runner:
    """Its own event loop and engine: hypothesis drives a plain function, many examples in a row."""

    def __init__(self, url: str) -> None:
        self.loop = asyncio.Runner()
        self.engine = self.loop.run(self._engine(url))
        self.sessions: async_sessionmaker[AsyncSession] = create_sessionmaker(self.engine)

    @staticmethod
    async def _engine(url: str) -> Any:
        return create_async_engine(url, pool_size=2)

    def run(self, coroutine: Any) -> Any:
        return self.loop.run(coroutine)

    def close(self) -> None:
        self.loop.run(self.engine.dispose())
        self.loop.close()


@pytest.fixture(scope="module")
def runner(migrated: Settings) -> Iterator[Runner]:
    found = Runner(migrated.database_url or "")
    yield found
    found.close()


async def _play(sessions: async_sessionmaker[AsyncSession], zone_name: str, jobs: list[Any]) -> uuid.UUID:
    transition = TRANSITIONS[zone_name]
    start = transition - timedelta(days=5)
    async with sessions() as session:
        organization = Organization(name="Usage property", time_zone=zone_name)
        session.add(organization)
        await session.flush()
        org = organization.id
        await CreditLedgerService(session).grant(
            org, 100_000, source=LotSource.pack, category=LotCategory.paid, now=start
        )
        await session.commit()
    for kind, provider, unit, offset, items, ends in jobs:
        held_at = transition + timedelta(minutes=offset)
        async with sessions() as session:
            job = Job(organization_id=org, kind=kind, task="t", queue="q", params={"provider": provider})
            session.add(job)
            await session.flush()
            session.add_all(
                GenerationItem(
                    organization_id=org, job_id=job.id, position=n, variant=0, seed=1, credits=unit, request={}
                )
                for n in range(len(items))
            )
            await session.flush()
            hold = await CreditLedgerService(session).hold(
                org, unit * len(items), expires_at=held_at + timedelta(days=30), job_id=job.id, now=held_at
            )
            await session.commit()
        last = held_at
        for position, (outcome, after, refunded, refund_after) in enumerate(items):
            at = held_at + timedelta(minutes=after)
            last = max(last, at)
            async with sessions() as session:
                ledger = CreditLedgerService(session)
                if outcome == "capture":
                    await ledger.capture(org, hold.id, str(position), unit, now=at)
                    if refunded:
                        refund_at = at + timedelta(minutes=refund_after)
                        last = max(last, refund_at)
                        await ledger.refund(org, hold.id, str(position), now=refund_at)
                elif outcome == "release":
                    await ledger.release(org, hold.id, item_key=str(position), amount=unit, now=at)
                await session.commit()
        if ends and any(outcome == "open" for outcome, *_ in items):
            async with sessions() as session:
                await CreditLedgerService(session).release(org, hold.id, now=last + timedelta(minutes=5))
                await session.commit()
    return org


async def _check(sessions: async_sessionmaker[AsyncSession], org: uuid.UUID, zone_name: str) -> None:
    async with sessions() as session:
        kinds = dict((await session.execute(select(Job.id, Job.kind).where(Job.organization_id == org))).all())
        entries = (
            await session.scalars(
                select(CreditEntry).where(
                    CreditEntry.organization_id == org,
                    CreditEntry.type.in_([EntryType.capture, EntryType.refund, EntryType.release]),
                )
            )
        ).all()
        for tz in (zone_name, "UTC"):
            info = ZoneInfo(tz)
            per_day: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
            per_operation: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
            per_day_operation: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0, 0, 0])
            for entry in entries:
                sums = [
                    -entry.amount if entry.type == EntryType.capture else 0,
                    entry.amount if entry.type == EntryType.refund else 0,
                    -entry.held_delta if entry.type == EntryType.release else 0,
                ]
                day = entry.created_at.astimezone(info).date()
                operation = kinds[entry.job_id].value if entry.job_id else ""
                for target in (per_day[day], per_operation[operation], per_day_operation[(day, operation)]):
                    for index, value in enumerate(sums):
                        target[index] += value
            if not per_day:  # only open holds: nothing settled, so every series is empty and every total zero
                today = datetime.now(info).date()
                empty = await UsageService(session, org).summary(group_by="operation", start=today, end=today, tz=tz)
                assert [empty.totals.captured, empty.totals.refunded, empty.totals.released] == [0, 0, 0]
                continue
            first, last = min(per_day), max(per_day)
            service = UsageService(session, org)
            by_day = await service.summary(
                group_by="day", start=first, end=last, tz=tz if tz != zone_name else None, split_by="operation"
            )
            got_days = {
                point.period_start: [point.amounts.captured, point.amounts.refunded, point.amounts.released]
                for point in by_day.series
                if point.amounts.captured or point.amounts.refunded or point.amounts.released
            }
            want_days = {day: sums for day, sums in per_day.items() if any(sums)}
            assert got_days == want_days, tz
            assert len(by_day.series) == (last - first).days + 1  # every local day, quiet ones as zero
            # The stacked chart's parts: each local day per operation, adding up to the day.
            got_parts = {
                (point.period_start, part.key or ""): [
                    part.amounts.captured,
                    part.amounts.refunded,
                    part.amounts.released,
                ]
                for point in by_day.series
                for part in point.parts
            }
            assert got_parts == dict(per_day_operation), tz
            for point in by_day.series:
                assert sum((part.amounts for part in point.parts), Amounts()) == point.amounts
            by_operation = await service.summary(group_by="operation", start=first, end=last, tz=tz)
            got_operations = {
                point.key or "": [point.amounts.captured, point.amounts.refunded, point.amounts.released]
                for point in by_operation.series
            }
            assert got_operations == dict(per_operation), tz
            total = [sum(s[i] for s in per_day.values()) for i in range(3)]
            for summary in (by_day, by_operation):
                assert [summary.totals.captured, summary.totals.refunded, summary.totals.released] == total
                assert summary.totals.net == total[0] - total[1]
            for dimension in ("week", "month", "provider", "member", "product"):
                other = await service.summary(group_by=dimension, start=first, end=last, tz=tz)  # type: ignore[arg-type]
                assert sum(p.amounts.net for p in other.series) == total[0] - total[1], dimension
                assert sum(p.amounts.released for p in other.series) == total[2], dimension
            for period in ("week", "month"):  # parts mix whole UTC days (daily rollup) and boundary days (15-minute)
                stacked = await service.summary(group_by=period, start=first, end=last, tz=tz, split_by="operation")  # type: ignore[arg-type]
                for point in stacked.series:
                    assert sum((part.amounts for part in point.parts), Amounts()) == point.amounts, (period, tz)
                got_per_operation: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
                for point in stacked.series:
                    for part in point.parts:
                        sums = [part.amounts.captured, part.amounts.refunded, part.amounts.released]
                        got_per_operation[part.key or ""] = [
                            a + b for a, b in zip(got_per_operation[part.key or ""], sums, strict=True)
                        ]
                assert dict(got_per_operation) == dict(per_operation), (period, tz)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=history)
def test_usage_series_sum_to_the_ledger_per_operation_and_local_day(runner: Runner, plan: Any) -> None:
    zone_name, jobs = plan
    org = runner.run(_play(runner.sessions, zone_name, jobs))
    runner.run(_check(runner.sessions, org, zone_name))
