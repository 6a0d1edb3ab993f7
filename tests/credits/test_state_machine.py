"""Acceptance 1: a hypothesis state machine over grant / hold / capture / release / refund / expire / adjust /
clawback, against the real service and database, next to a small model of the rules in design/ledger.md.

After every step: the service agrees with the model (balances, and which lots each hold was pinned to: the
published draw-down order), `verify` finds the entries, lots and holds consistent, no lot is below zero or
over-held, available is negative only after a clawback, and no hold is over-captured. Every refused operation
must be refused by the model for the same reason, and every accepted one accepted.

Speed (25,000 steps): an engine of its own without pre-ping, a fresh organization per example (the previous
one deleted with its rows, which is cheaper than truncating), invariant reads on an autocommit connection, and
a service that needs one round trip for a balance and one for the whole consistency check.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from api.core.config import Settings
from api.core.db import create_sessionmaker
from api.core.errors import EpoxError
from api.credits.exceptions import (
    AdjustmentExceedsAvailable,
    CaptureNotFound,
    ExceedsHold,
    HoldNotOpen,
    InsufficientCredits,
    ItemAlreadySettled,
)
from api.credits.repository import LedgerAuditRepository
from api.credits.service import COMPENSATION_DAYS, CreditLedgerService
from api.models import LotCategory, LotSource, Organization

EXAMPLES = 500
STEPS = 50
START = datetime(2031, 1, 1, tzinfo=UTC)
NEVER = datetime.max.replace(tzinfo=UTC)
ITEMS = ("a", "b", "c", "d")
T = TypeVar("T")


@dataclass
class Lot:
    id: uuid.UUID
    category: LotCategory
    remaining: int
    expires_at: datetime | None
    priority: int
    created_at: datetime
    held: int = 0
    swept: bool = False

    def live(self, now: datetime) -> bool:
        return (self.expires_at is None or self.expires_at > now) and not self.swept

    @property
    def free(self) -> int:
        return self.remaining - self.held

    def order(self) -> tuple[Any, ...]:
        """design/ledger.md: soonest-expiring first (never last), promotional before paid, priority, oldest, id."""
        return (
            self.expires_at or NEVER,
            self.category != LotCategory.promotional,
            self.priority,
            self.created_at,
            self.id,
        )


@dataclass
class Pin:
    lot: Lot
    amount: int
    captured: int = 0
    released: int = 0

    @property
    def remaining(self) -> int:
        return self.amount - self.captured - self.released


@dataclass
class Hold:
    id: uuid.UUID
    amount: int
    expires_at: datetime
    pins: list[Pin]
    captured: int = 0
    released: int = 0
    state: str = "open"
    captures: dict[str, tuple[int, list[tuple[Lot, int]]]] = field(default_factory=dict)
    releases: dict[str | None, int] = field(default_factory=dict)
    refunded: set[str] = field(default_factory=set)

    @property
    def remaining(self) -> int:
        return self.amount - self.captured - self.released


class Harness:
    """The database side: its own event loop and engine, and a fresh organization per example (the previous one
    is deleted, its ledger rows with it), so every step works on a handful of rows."""

    def __init__(self, database_url: str) -> None:
        self.runner = asyncio.Runner()
        # No pre-ping: every step opens a session, and the ping would be one more round trip each time.
        self.engine = create_async_engine(database_url, pool_size=3, max_overflow=0)
        self.sessions: async_sessionmaker[AsyncSession] = create_sessionmaker(self.engine)
        self.reader = self.run(self._reader())
        self.organization_id: uuid.UUID | None = None

    def run(self, coroutine: Awaitable[T]) -> T:
        return self.runner.run(coroutine)  # type: ignore[arg-type]

    async def _reader(self) -> AsyncSession:
        """For the invariants: reads only, so autocommit (no BEGIN / COMMIT round trips)."""
        connection = await self.engine.connect()
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        return AsyncSession(bind=connection, expire_on_commit=False)

    def reset(self) -> uuid.UUID:
        async def reset() -> uuid.UUID:
            async with self.sessions() as session:
                if self.organization_id is not None:
                    await session.execute(delete(Organization).where(Organization.id == self.organization_id))
                organization = Organization(name="State machine")
                session.add(organization)
                await session.commit()
                return organization.id

        self.organization_id = self.run(reset())
        return self.organization_id

    def call(self, operation: Callable[[CreditLedgerService], Awaitable[T]]) -> T:
        async def transaction() -> T:
            async with self.sessions() as session:
                result = await operation(CreditLedgerService(session))
                await session.commit()
                return result

        return self.run(transaction())

    def close(self) -> None:
        async def close() -> None:
            connection = self.reader.bind
            await self.reader.close()
            await connection.close()  # type: ignore[union-attr]
            await self.engine.dispose()

        self.run(close())
        self.runner.close()


class LedgerMachine(RuleBasedStateMachine):
    harness: ClassVar[Harness]

    def __init__(self) -> None:
        super().__init__()
        self.org = self.harness.reset()
        self.now = START
        self.lots: dict[uuid.UUID, Lot] = {}
        self.holds: dict[uuid.UUID, Hold] = {}
        self.debt = 0

    # The model.

    def spendable(self) -> list[Lot]:
        return sorted((lot for lot in self.lots.values() if lot.free > 0 and lot.live(self.now)), key=Lot.order)

    @property
    def available(self) -> int:
        return sum(lot.free for lot in self.spendable()) - self.debt

    @property
    def held(self) -> int:
        return sum(lot.held for lot in self.lots.values())

    def take_free(self, lots: list[Lot], amount: int) -> None:
        for lot in lots:
            take = min(amount, lot.free)
            lot.remaining -= take
            amount -= take
        assert amount == 0

    def add_lot(self, lot: Lot, *, top_up: bool) -> None:
        if top_up:
            settled = min(self.debt, lot.remaining)
            lot.remaining -= settled
            self.debt -= settled
        self.lots[lot.id] = lot

    def expect(
        self, operation: Callable[[CreditLedgerService], Awaitable[T]], refusal: type[EpoxError] | None
    ) -> T | None:
        """Run it; the service must refuse exactly when (and how) the model does."""
        result: T | None = None
        error: EpoxError | None = None
        try:
            result = self.harness.call(operation)
        except EpoxError as refused:
            error = refused
        expected = refusal.__name__ if refusal else "success"
        outcome = type(error).__name__ if error else "success"
        assert outcome == expected, f"expected {expected}, got {error!r}"
        return result

    def pick_hold(self, data: st.DataObject) -> Hold:
        return data.draw(st.sampled_from(sorted(self.holds.values(), key=lambda h: h.id)), label="hold")

    # Rules.

    @rule(
        amount=st.integers(1, 30),
        category=st.sampled_from(LotCategory),
        expires_in_hours=st.none() | st.integers(1, 72),
        priority=st.integers(0, 2),
    )
    def grant(self, amount: int, category: LotCategory, expires_in_hours: int | None, priority: int) -> None:
        expires_at = self.now + timedelta(hours=expires_in_hours) if expires_in_hours else None
        grant = self.expect(
            lambda s: s.grant(
                self.org,
                amount,
                source=LotSource.pack,
                category=category,
                expires_at=expires_at,
                priority=priority,
                now=self.now,
            ),
            None,
        )
        assert grant is not None
        self.add_lot(Lot(grant.lot.id, category, amount, expires_at, priority, self.now), top_up=True)

    @rule(amount=st.integers(1, 25), minutes=st.integers(30, 48 * 60))
    def hold(self, amount: int, minutes: int) -> None:
        expires_at = self.now + timedelta(minutes=minutes)
        enough = self.available >= amount
        held = self.expect(
            lambda s: s.hold(self.org, amount, expires_at=expires_at, now=self.now),
            None if enough else InsufficientCredits,
        )
        if held is None:
            return
        pins, need = [], amount
        for lot in self.spendable():
            take = min(need, lot.free)
            lot.held += take
            pins.append(Pin(lot, take))
            need -= take
            if need == 0:
                break
        assert [(p.lot_id, p.credits) for p in held.pins] == [(p.lot.id, p.amount) for p in pins], "draw-down order"
        self.holds[held.id] = Hold(held.id, amount, expires_at, pins)

    @precondition(lambda self: self.holds)
    @rule(data=st.data(), item=st.sampled_from(ITEMS), amount=st.integers(1, 6))
    def capture(self, data: st.DataObject, item: str, amount: int) -> None:
        hold = self.pick_hold(data)
        refusal: type[EpoxError] | None = None
        if item in hold.captures:
            refusal = None if hold.captures[item][0] == amount else ItemAlreadySettled
        elif item in hold.releases:
            refusal = ItemAlreadySettled
        elif hold.state != "open":
            refusal = HoldNotOpen
        elif amount > hold.remaining:
            refusal = ExceedsHold
        entry = self.expect(lambda s: s.capture(self.org, hold.id, item, amount, now=self.now), refusal)
        if entry is None or item in hold.captures:
            return
        paid_by, need = [], amount
        for pin in hold.pins:
            take = min(need, pin.remaining)
            if take:
                pin.captured += take
                pin.lot.remaining -= take
                pin.lot.held -= take
                paid_by.append((pin.lot, take))
                need -= take
        hold.captured += amount
        hold.captures[item] = (amount, paid_by)
        self.close_if_settled(hold)

    @precondition(lambda self: self.holds)
    @rule(data=st.data(), item=st.none() | st.sampled_from(ITEMS), amount=st.integers(1, 6))
    def release(self, data: st.DataObject, item: str | None, amount: int) -> None:
        hold = self.pick_hold(data)
        refusal: type[EpoxError] | None = None
        repeat = item in hold.releases
        if repeat:
            refusal = None if item is None or hold.releases[item] == amount else ItemAlreadySettled
        elif item is not None and item in hold.captures:
            refusal = ItemAlreadySettled
        elif hold.state != "open":
            refusal = HoldNotOpen
        elif item is not None and amount > hold.remaining:
            refusal = ExceedsHold
        entry = self.expect(
            lambda s: s.release(self.org, hold.id, item_key=item, amount=amount if item else None, now=self.now),
            refusal,
        )
        if entry is not None and not repeat:
            self.release_in_model(hold, item, amount if item else hold.remaining)

    def release_in_model(self, hold: Hold, item: str | None, amount: int, *, expired: bool = False) -> None:
        need = amount
        for pin in reversed(hold.pins):
            take = min(need, pin.remaining)
            pin.released += take
            pin.lot.held -= take
            need -= take
        hold.released += amount
        hold.releases[item] = amount
        self.close_if_settled(hold, expired=expired)

    @staticmethod
    def close_if_settled(hold: Hold, *, expired: bool = False) -> None:
        if hold.remaining == 0:
            hold.state = "expired" if expired else ("captured" if hold.captured else "released")

    @precondition(lambda self: self.holds)
    @rule(data=st.data(), item=st.sampled_from(ITEMS))
    def refund(self, data: st.DataObject, item: str) -> None:
        hold = self.pick_hold(data)
        refusal = None if item in hold.captures else CaptureNotFound
        entry = self.expect(lambda s: s.refund(self.org, hold.id, item, reason="Broken", now=self.now), refusal)
        if entry is None or item in hold.refunded:
            return
        hold.refunded.add(item)
        compensation, paid = 0, False
        for lot, credits in hold.captures[item][1]:
            if lot.live(self.now):
                lot.remaining += credits
            else:
                compensation += credits
                paid = paid or lot.category == LotCategory.paid
        if compensation:
            [new_id] = {uuid.UUID(a["lot_id"]) for a in entry.allocations} - self.lots.keys()
            category = LotCategory.paid if paid else LotCategory.promotional
            expires_at = self.now + timedelta(days=COMPENSATION_DAYS)
            self.add_lot(Lot(new_id, category, compensation, expires_at, 0, self.now), top_up=False)

    @rule(hours=st.integers(1, 96))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule()
    def sweep_expired_lots(self) -> None:
        written = self.expect(lambda s: s.expire_due(self.org, now=self.now), None)
        due = [
            lot
            for lot in self.lots.values()
            if lot.expires_at is not None and lot.expires_at <= self.now and lot.held == 0 and lot.remaining > 0
            if not lot.swept
        ]
        assert written is not None
        assert sorted(e.lot_id for e in written) == sorted(lot.id for lot in due)  # type: ignore[type-var]
        for lot in due:
            lot.remaining, lot.swept = 0, True

    @rule()
    def release_expired_holds(self) -> None:
        for hold in sorted((h for h in self.holds.values() if h.state == "open"), key=lambda h: h.id):
            due = hold.expires_at <= self.now
            entry = self.expect(lambda s, h=hold: s.expire_hold(self.org, h.id, now=self.now), None)
            assert (entry is not None) == due
            if due:
                self.release_in_model(hold, None, hold.remaining, expired=True)

    @rule(amount=st.integers(-20, 20).filter(bool))
    def adjust(self, amount: int) -> None:
        refusal = AdjustmentExceedsAvailable if amount < 0 and self.available < -amount else None
        entry = self.expect(lambda s: s.adjust(self.org, amount, reason="Correction", now=self.now), refusal)
        if entry is None:
            return
        if amount > 0:
            assert entry.lot_id is not None
            self.add_lot(Lot(entry.lot_id, LotCategory.paid, amount, None, 0, self.now), top_up=True)
        else:
            self.take_free(self.spendable(), -amount)

    @rule(data=st.data(), amount=st.none() | st.integers(1, 20))
    def clawback(self, data: st.DataObject, amount: int | None) -> None:
        lot = data.draw(st.sampled_from(sorted(self.lots.values(), key=Lot.order)), label="lot") if self.lots else None
        if lot is None and amount is None:
            amount = 1
        lot_id = lot.id if lot is not None and (amount is None or data.draw(st.booleans(), label="named")) else None
        entry = self.expect(
            lambda s: s.clawback(self.org, lot_id=lot_id, amount=amount, reason="Refunded", now=self.now), None
        )
        amount = amount if amount is not None else (lot.remaining if lot is not None else 0)
        if amount == 0:
            assert entry is None
            return
        spendable = self.spendable()
        if lot_id is not None:
            spendable.sort(key=lambda candidate: candidate.id != lot_id)
        taken = min(amount, sum(candidate.free for candidate in spendable))
        self.take_free(spendable, taken)
        self.debt += amount - taken

    # Invariants, after every step.

    @invariant()
    def agrees_with_the_model_and_the_entries(self) -> None:
        async def read() -> tuple[Any, list[Any]]:
            session = self.harness.reader
            balance = await CreditLedgerService(session).balance(self.org, now=self.now)
            return balance, await LedgerAuditRepository(session).differences()

        balance, differences = self.harness.run(read())
        assert differences == [], [str(d) for d in differences]
        assert (balance.available, balance.held, balance.debt) == (self.available, self.held, self.debt)
        assert balance.total == self.available + self.held
        assert {lot.id: (lot.remaining, lot.held) for lot in balance.lots} == {
            lot.id: (lot.remaining, lot.held)
            for lot in self.lots.values()
            if lot.remaining > 0 and (lot.held > 0 or lot.live(self.now))
        }
        assert all(0 <= lot.held <= lot.remaining for lot in self.lots.values()), "no lot below zero or over-held"
        assert balance.available >= 0 or self.debt > 0, "available is negative only after a clawback"
        for hold in self.holds.values():
            assert 0 <= hold.captured <= hold.captured + hold.released <= hold.amount, "never over-captured"


@pytest.fixture
def harness(migrated: Settings) -> Iterator[Harness]:
    machine_harness = Harness(migrated.database_url or "")
    try:
        yield machine_harness
    finally:
        machine_harness.close()


def test_the_ledger_keeps_its_invariants_under_any_sequence_of_operations(harness: Harness) -> None:
    LedgerMachine.harness = harness
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
