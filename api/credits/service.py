"""The credit ledger (design/ledger.md).

Every method that moves credits runs in the caller's transaction and starts by locking the organization's
account row (`SELECT ... FOR UPDATE`), so balance changes of one organization happen one after the other and
each one sees the committed result of the previous one. Nothing here commits: the route or task does, right
after, which keeps every balance change one short transaction.

Balances are derived from the lots: `held` is what open holds reserve, `available` what live lots have left
beyond that (minus an unpaid clawback shortfall), `total` the two together. A lot that is past its expiry stops
counting at once, before the sweep writes its expiry entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.service import record_audit
from api.auth.exceptions import OrganizationNotFound
from api.core.errors import InvalidInput
from api.core.ids import uuid7
from api.core.metrics import count_held
from api.core.pagination import PageParams
from api.core.time import utc_now
from api.credits.costs import CostTable, Quote
from api.credits.exceptions import (
    AdjustmentExceedsAvailable,
    CaptureNotFound,
    ExceedsHold,
    ExternalReferenceInUse,
    HoldNotFound,
    HoldNotOpen,
    IdempotencyKeyConflict,
    InsufficientCredits,
    ItemAlreadySettled,
    LotNotFound,
)
from api.credits.repository import (
    AccountState,
    CostTableRepository,
    CreditAccountRepository,
    CreditEntryRepository,
    CreditHoldRepository,
    CreditLotRepository,
    Difference,
    EntryFilters,
    LedgerAuditRepository,
    LotRow,
    Pin,
)
from api.models import (
    ActorType,
    CreditAccount,
    CreditEntry,
    CreditHold,
    CreditHoldAllocation,
    CreditLot,
    EntryType,
    HoldState,
    LotCategory,
    LotSource,
)
from api.notifications.service import NotificationService
from api.organizations.repository import OrganizationRepository
from api.products.entitlements import plan_of

# Lots whose size sets the low-balance thresholds (ledger.md: percentages of the last allotment).
_ALERT_BASE_SOURCES = frozenset({LotSource.trial, LotSource.allotment, LotSource.pack})


class Caller(Protocol):
    """Who is calling (an `AuthContext`): a member or an API key."""

    @property
    def actor_user_id(self) -> uuid.UUID | None: ...
    @property
    def actor_api_key_id(self) -> uuid.UUID | None: ...


MAX_AMOUNT = 1_000_000  # per operation; anything larger is a typo or an attack
COMPENSATION_DAYS = 30  # refunds into lots that expired meanwhile land in a lot this short-lived
EXPIRING_SOON_DAYS = 7

DRAW_DOWN_DESCRIPTION = (
    "Credits are drawn from lots in a fixed order: the lot that expires soonest first (lots that never expire "
    "last), then promotional before paid, then the lower priority number, then the oldest, then by id."
)


@dataclass(frozen=True)
class Actor:
    """Who moved credits, as shown in the merchant's history."""

    type: ActorType = ActorType.system
    user_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None

    @classmethod
    def of(cls, ctx: Caller) -> Actor:
        if ctx.actor_api_key_id is not None:
            return cls(ActorType.api_key, api_key_id=ctx.actor_api_key_id)
        return cls(ActorType.user, user_id=ctx.actor_user_id)

    @classmethod
    def platform_admin(cls, user_id: uuid.UUID) -> Actor:
        return cls(ActorType.platform_admin, user_id=user_id)


SYSTEM = Actor()


# A lot as the ledger math sees it: an ORM `CreditLot` when an operation changes it, or a read-only `LotRow`
# (the hold path and balance reads, which skip the ORM for speed).
LotState = CreditLot | LotRow
L = TypeVar("L", CreditLot, LotRow)


def draw_down_key(lot: LotState) -> tuple[Any, ...]:
    """The published draw-down order as a sort key (SQL twins: `repository.DRAW_DOWN_ORDER` and the window in
    `repository._RESERVE`; the state-machine test checks the hold path against this order)."""
    return (
        lot.expires_at is None,
        lot.expires_at or datetime.max.replace(tzinfo=lot.created_at.tzinfo),
        lot.category != LotCategory.promotional,
        lot.priority,
        lot.created_at,
        lot.id,
    )


def is_live(lot: LotState, now: datetime) -> bool:
    """Whether the lot pays for new holds: effective, not past its expiry, not swept."""
    return lot.effective_at <= now and (lot.expires_at is None or lot.expires_at > now) and lot.expired_at is None


@dataclass
class Snapshot(Generic[L]):
    """The account's lots with credits left, read under the account lock; operations that change lots update
    them in memory too, so the entry records the balances after it."""

    organization_id: uuid.UUID
    lots: list[L]
    debt: int
    now: datetime

    @property
    def held(self) -> int:
        return sum(lot.held for lot in self.lots)

    @property
    def spendable(self) -> list[L]:
        """Live lots with unreserved credits, in draw-down order."""
        return sorted(
            (lot for lot in self.lots if lot.remaining > lot.held and is_live(lot, self.now)), key=draw_down_key
        )

    @property
    def available(self) -> int:
        return sum(lot.remaining - lot.held for lot in self.spendable) - self.debt

    @property
    def total(self) -> int:
        return self.available + self.held

    def expiring_before(self, until: datetime) -> list[L]:
        return [lot for lot in self.spendable if lot.expires_at is not None and lot.expires_at <= until]

    def find(self, lot_id: uuid.UUID) -> L | None:
        return next((lot for lot in self.lots if lot.id == lot_id), None)


@dataclass(frozen=True)
class Balance:
    available: int
    held: int
    total: int
    debt: int
    lots: list[LotRow]
    expiring_soon: int
    expiring_soon_first_at: datetime | None
    low_balance: bool
    now: datetime


@dataclass(frozen=True)
class HeldCredits:
    """A hold as created: what the caller (a job) keeps to capture and release against."""

    id: uuid.UUID
    organization_id: uuid.UUID
    amount: int
    expires_at: datetime
    job_id: uuid.UUID | None
    cost_table_version: int | None
    pins: tuple[Pin, ...]  # the lots it is reserved on, in draw-down order
    available_after: int


@dataclass(frozen=True)
class Grant:
    lot: CreditLot
    entry: CreditEntry
    created: bool


@dataclass
class _Moves:
    """Per-lot movements of one entry: change to `remaining` and to `held`."""

    allocations: list[dict[str, Any]] = field(default_factory=list)

    def add(self, lot: CreditLot, *, amount: int = 0, held: int = 0) -> None:
        self.allocations.append({"lot_id": str(lot.id), "amount": amount, "held": held})


def check_amount(amount: int, field_name: str = "amount") -> None:
    if amount <= 0:
        raise InvalidInput(field_name, "The amount must be a positive whole number of credits.")
    if amount > MAX_AMOUNT:
        raise InvalidInput(field_name, f"The amount cannot exceed {MAX_AMOUNT:,} credits.")


def low_balance_level(base: int | None, percents: Sequence[int], absolute: Sequence[int]) -> int:
    """The highest of the organization's alert levels (percentages of the last top-up, absolute credits), the
    levels `_alert_low_balance` announces: available at or under it is a low balance (0 always is)."""
    return max([(base or 0) * percent // 100 for percent in percents] + [*absolute, 0])


def _check_reason(reason: str | None) -> str:
    if reason is None or not reason.strip():
        raise InvalidInput("reason", "Say why: the reason is shown to the merchant and kept in the audit log.")
    return reason.strip()


class CreditLedgerService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.accounts = CreditAccountRepository(session)

    # Reads.

    async def balance(self, organization_id: uuid.UUID, *, now: datetime | None = None) -> Balance:
        now = now or utc_now()
        debt, base, lots = await self.accounts.balance_rows(organization_id)
        # The alert settings (not in the balance read's columns); no account yet means the default thresholds.
        account = await self.session.get(CreditAccount, organization_id, populate_existing=True)
        percents, absolute = (account.low_balance_percents, account.low_balance_absolute) if account else ([], [])
        snapshot = Snapshot(organization_id, lots, debt, now)
        expiring = snapshot.expiring_before(now + timedelta(days=EXPIRING_SOON_DAYS))
        available = snapshot.available
        return Balance(
            available=available,
            held=snapshot.held,
            total=snapshot.total,
            debt=snapshot.debt,
            lots=sorted((lot for lot in snapshot.lots if lot.held > 0 or is_live(lot, now)), key=draw_down_key),
            expiring_soon=sum(lot.remaining - lot.held for lot in expiring),
            expiring_soon_first_at=min((lot.expires_at for lot in expiring if lot.expires_at), default=None),
            low_balance=available <= low_balance_level(base, percents, absolute),
            now=now,
        )

    async def entries(
        self, organization_id: uuid.UUID, filters: EntryFilters, params: PageParams
    ) -> tuple[list[CreditEntry], str | None]:
        return await CreditEntryRepository(self.session, organization_id).page(filters, params)

    async def export_entries(
        self, organization_id: uuid.UUID, filters: EntryFilters, *, after_seq: int, limit: int
    ) -> list[CreditEntry]:
        return await CreditEntryRepository(self.session, organization_id).batch_after(filters, after_seq, limit)

    async def verify(self) -> tuple[int, list[Difference]]:
        """Recompute every account from its entries, lots and holds: (accounts checked, differences)."""
        audit = LedgerAuditRepository(self.session)
        return await audit.count_accounts(), await audit.differences()

    async def cost_table(self) -> CostTable:
        costs = CostTableRepository(self.session)
        version = await costs.current_version()
        assert version is not None, "the migration seeds cost table version 1"
        return CostTable(version.version, version.created_at, await costs.rates(version.version))

    async def quote(self, operation: str, params: Mapping[str, object] | None = None) -> Quote:
        return (await self.cost_table()).quote(operation, params)

    # Grants.

    async def grant(
        self,
        organization_id: uuid.UUID,
        amount: int,
        *,
        source: LotSource,
        category: LotCategory,
        reason: str | None = None,
        expires_at: datetime | None = None,
        effective_at: datetime | None = None,
        priority: int = 0,
        external_reference: str | None = None,
        idempotency_key: str | None = None,
        actor: Actor = SYSTEM,
        now: datetime | None = None,
    ) -> Grant:
        """A new lot. Once per `external_reference` (invoice, checkout session): a repeat returns the first grant.
        A grant is a top-up: it first settles any clawback shortfall and re-arms the low-balance alerts."""
        now = now or utc_now()
        check_amount(amount)
        effective_at = effective_at or now
        if expires_at is not None and expires_at <= effective_at:
            raise InvalidInput("expires_at", "The expiry must be after the credits become effective.")
        account = await self.accounts.lock(organization_id)
        lots = CreditLotRepository(self.session, organization_id)
        entries = CreditEntryRepository(self.session, organization_id)
        if external_reference is not None:
            existing = await lots.get_by_reference(external_reference)
            if existing is not None:
                first = await entries.grant_of(existing.id)
                assert first is not None
                return Grant(existing, first, created=False)
            if await lots.reference_used_elsewhere(external_reference):
                raise ExternalReferenceInUse(f"{external_reference} was already granted to another workspace.")
        if idempotency_key is not None:
            replay = await self._replay(entries, idempotency_key, EntryType.grant, amount)
            if replay is not None:
                lot = await lots.get(replay.lot_id) if replay.lot_id else None
                assert lot is not None
                return Grant(lot, replay, created=False)
        snapshot = await self._snapshot(organization_id, account, now)
        lot = CreditLot(
            id=uuid7(),
            organization_id=organization_id,
            source=source,
            category=category,
            amount=amount,
            remaining=amount,
            held=0,
            effective_at=effective_at,
            expires_at=expires_at,
            priority=priority,
            external_reference=external_reference,
            reason=reason,
            granted_by_user_id=actor.user_id if actor.type == ActorType.platform_admin else None,
            created_at=now,
        )
        entry = await self._add_lot(
            account, snapshot, lot, EntryType.grant, actor=actor, idempotency_key=idempotency_key
        )
        return Grant(lot, entry, created=True)

    async def grant_trial(self, organization_id: uuid.UUID, *, now: datetime | None = None) -> Grant | None:
        """The free trial of the workspace's plan (its `trial_credits` for `trial_days`), once per organization;
        None when the plan has no trial."""
        now = now or utc_now()
        terms = await plan_of(self.session, organization_id)
        if terms.trial_credits <= 0:
            return None
        grant = await self.grant(
            organization_id,
            terms.trial_credits,
            source=LotSource.trial,
            category=LotCategory.promotional,
            reason="Free trial",
            expires_at=now + timedelta(days=terms.trial_days),
            external_reference=f"trial:{organization_id}",
            now=now,
        )
        if grant.created:
            await NotificationService(self.session).notify_organization(
                organization_id,
                "credits_granted",
                title=f"Welcome: {terms.trial_credits} free credits",
                body=(
                    f"Your free trial includes {terms.trial_credits} credits, valid until "
                    f"{grant.lot.expires_at:%d %B %Y}. One credit makes one image at 1k or 2k quality."
                ),
                data={"lot_id": str(grant.lot.id), "amount": terms.trial_credits},
                email=False,  # the sign-up already sends the verification email
            )
        return grant

    async def admin_grant(
        self,
        organization_id: uuid.UUID,
        amount: int,
        *,
        reason: str | None,
        admin_user_id: uuid.UUID,
        expires_at: datetime | None = None,
        idempotency_key: str | None = None,
        now: datetime | None = None,
    ) -> Grant:
        """Support's goodwill grant: a promotional lot, with the reason shown to the merchant; audited."""
        reason = _check_reason(reason)
        now = now or utc_now()
        if expires_at is not None and expires_at <= now:
            raise InvalidInput("expires_at", "The expiry must be in the future.")
        await self._require_organization(organization_id)
        before = (await self.balance(organization_id, now=now)).available
        grant = await self.grant(
            organization_id,
            amount,
            source=LotSource.promo,
            category=LotCategory.promotional,
            reason=reason,
            expires_at=expires_at,
            idempotency_key=idempotency_key,
            actor=Actor.platform_admin(admin_user_id),
            now=now,
        )
        if grant.created:
            await record_audit(
                self.session,
                action="credits.grant",
                target_type="credit_lot",
                target_id=grant.lot.id,
                organization_id=organization_id,
                actor_user_id=admin_user_id,
                before={"available": before},
                after={
                    "amount": amount,
                    "reason": reason,
                    "expires_at": expires_at.isoformat() if expires_at else None,
                    "entry_id": str(grant.entry.id),
                    "available": grant.entry.available_after,
                },
            )
            until = f", valid until {expires_at:%d %B %Y}" if expires_at else ""
            await NotificationService(self.session).notify_organization(
                organization_id,
                "credits_granted",
                title=f"Epox support added {amount} credits",
                body=f"Epox support added {amount} credits to your workspace{until}. Reason: {reason}",
                data={"lot_id": str(grant.lot.id), "amount": amount},
            )
        return grant

    # Holds.

    async def hold(
        self,
        organization_id: uuid.UUID,
        amount: int,
        *,
        expires_at: datetime,
        job_id: uuid.UUID | None = None,
        cost_table_version: int | None = None,
        idempotency_key: str | None = None,
        reason: str | None = None,
        actor: Actor = SYSTEM,
        now: datetime | None = None,
    ) -> HeldCredits:
        """Reserve `amount` credits, pinned to lots in draw-down order; 402 when fewer are available.
        `expires_at` is the job's deadline plus a margin: past it the reconciler releases the hold.

        The hot path of every credit-consuming request: after the lock, one statement reads the lots, checks
        the availability and writes the hold, its allocations, the lots' held credits and the entry."""
        now = now or utc_now()
        check_amount(amount)
        if expires_at <= now:
            raise InvalidInput("expires_at", "A hold must expire in the future.")
        account = await self.accounts.lock(organization_id)
        holds = CreditHoldRepository(self.session, organization_id)
        if idempotency_key is not None:
            replay = await self._replay(
                CreditEntryRepository(self.session, organization_id), idempotency_key, EntryType.hold, amount
            )
            if replay is not None:
                assert replay.hold_id is not None
                return await self._held(holds, replay)
        hold_id = uuid7()
        reservation = await holds.reserve(
            hold_id=hold_id,
            entry_id=uuid7(),
            amount=amount,
            debt=account.debt,
            expires_at=expires_at,
            job_id=job_id,
            cost_table_version=cost_table_version,
            idempotency_key=idempotency_key,
            reason=reason,
            actor_type=actor.type,
            actor_user_id=actor.user_id,
            actor_api_key_id=actor.api_key_id,
            now=now,
        )
        available = reservation.available_before
        if not reservation.pins:
            raise InsufficientCredits(required=amount, available=available)
        count_held(self.session, amount)
        held = HeldCredits(
            id=hold_id,
            organization_id=organization_id,
            amount=amount,
            expires_at=expires_at,
            job_id=job_id,
            cost_table_version=cost_table_version,
            pins=reservation.pins,
            available_after=available - amount,
        )
        await self._alert_low_balance(account, available, held.available_after, now)
        return held

    async def _held(self, holds: CreditHoldRepository, entry: CreditEntry) -> HeldCredits:
        assert entry.hold_id is not None
        hold = await holds.get(entry.hold_id)
        assert hold is not None
        return HeldCredits(
            id=hold.id,
            organization_id=hold.organization_id,
            amount=hold.amount,
            expires_at=hold.expires_at,
            job_id=hold.job_id,
            cost_table_version=hold.cost_table_version,
            pins=tuple(Pin(a.lot_id, a.amount) for a in await holds.allocations(hold.id)),
            available_after=entry.available_after,
        )

    async def capture(
        self,
        organization_id: uuid.UUID,
        hold_id: uuid.UUID,
        item_key: str,
        amount: int,
        *,
        actor: Actor = SYSTEM,
        now: datetime | None = None,
    ) -> CreditEntry:
        """Charge `amount` of the hold for one delivered output. Once per (hold, item): a repeat returns the
        first capture. Consumes the hold's lots in the order they were reserved."""
        now = now or utc_now()
        check_amount(amount)
        account = await self.accounts.lock(organization_id)
        hold, allocations, settled = await self._hold(organization_id, hold_id, item_key)
        existing = settled.get(EntryType.capture)
        if existing is not None:
            if existing.amount != -amount:
                raise ItemAlreadySettled(f"Item {item_key!r} was already captured for {-existing.amount} credits.")
            return existing
        if EntryType.release in settled:
            raise ItemAlreadySettled(f"Item {item_key!r} was released; it cannot be captured.")
        if hold.state != HoldState.open:
            raise HoldNotOpen(f"This hold is {hold.state.value}; nothing can be captured from it.")
        if amount > hold.remaining:
            raise ExceedsHold(amount, hold.remaining)
        snapshot = await self._snapshot(organization_id, account, now)
        moves, need = _Moves(), amount
        for allocation in allocations:
            take = min(need, allocation.remaining)
            if take == 0:
                continue
            lot = snapshot.find(allocation.lot_id)
            assert lot is not None, "a lot with held credits has credits remaining"
            allocation.captured += take
            lot.remaining -= take
            lot.held -= take
            moves.add(lot, amount=-take, held=-take)
            need -= take
            if need == 0:
                break
        hold.captured += amount
        self._close_if_settled(hold, now)
        entry = await self._entry(
            snapshot,
            EntryType.capture,
            amount=-amount,
            held_delta=-amount,
            moves=moves,
            hold=hold,
            item_key=item_key,
            actor=actor,
        )
        await self.session.flush()
        return entry

    async def release(
        self,
        organization_id: uuid.UUID,
        hold_id: uuid.UUID,
        *,
        item_key: str | None = None,
        amount: int | None = None,
        reason: str | None = None,
        actor: Actor = SYSTEM,
        now: datetime | None = None,
    ) -> CreditEntry:
        """Give back what the hold reserves: for one failed item (`item_key` + `amount`), or everything still
        reserved (no item), which closes the hold. Once per (hold, item): a repeat returns the first release."""
        return await self._release(
            organization_id, hold_id, item_key=item_key, amount=amount, reason=reason, actor=actor, now=now
        )

    async def expire_hold(
        self, organization_id: uuid.UUID, hold_id: uuid.UUID, *, now: datetime | None = None
    ) -> CreditEntry | None:
        """The reconciler's release of a hold past its expiry; None when it is no longer open or not yet due."""
        now = now or utc_now()
        await self.accounts.lock(organization_id)
        found = await CreditHoldRepository(self.session, organization_id).get_fresh(hold_id)
        if found is None:
            raise HoldNotFound()
        if found.state != HoldState.open or found.expires_at > now:
            return None
        return await self._release(
            organization_id, hold_id, reason="The hold expired before its job finished.", expired=True, now=now
        )

    async def _release(
        self,
        organization_id: uuid.UUID,
        hold_id: uuid.UUID,
        *,
        item_key: str | None = None,
        amount: int | None = None,
        reason: str | None = None,
        actor: Actor = SYSTEM,
        expired: bool = False,
        now: datetime | None = None,
    ) -> CreditEntry:
        now = now or utc_now()
        if item_key is not None and amount is None:
            raise InvalidInput("amount", "Say how many credits of the item to release.")
        if amount is not None:
            check_amount(amount)
        account = await self.accounts.lock(organization_id)
        hold, allocations, settled = await self._hold(organization_id, hold_id, item_key)
        existing = settled.get(EntryType.release)
        if existing is not None:
            if amount is not None and existing.held_delta != -amount:
                raise ItemAlreadySettled(f"Item {item_key!r} was already released for {-existing.held_delta} credits.")
            return existing
        if item_key is not None and EntryType.capture in settled:
            raise ItemAlreadySettled(f"Item {item_key!r} was captured; it cannot be released.")
        if hold.state != HoldState.open:
            raise HoldNotOpen(f"This hold is {hold.state.value}; there is nothing left to release.")
        amount = hold.remaining if amount is None else amount
        if amount > hold.remaining:
            raise ExceedsHold(amount, hold.remaining)
        snapshot = await self._snapshot(organization_id, account, now)
        moves, need = _Moves(), amount
        # The latest-reserved lots go back first, so what stays reserved is what would have been spent first.
        for allocation in reversed(allocations):
            take = min(need, allocation.remaining)
            if take == 0:
                continue
            lot = snapshot.find(allocation.lot_id)
            assert lot is not None, "a lot with held credits has credits remaining"
            allocation.released += take
            lot.held -= take
            moves.add(lot, held=-take)
            need -= take
            if need == 0:
                break
        hold.released += amount
        self._close_if_settled(hold, now, expired=expired)
        entry = await self._entry(
            snapshot,
            EntryType.release,
            amount=0,
            held_delta=-amount,
            moves=moves,
            hold=hold,
            item_key=item_key,
            reason=reason,
            actor=actor,
        )
        await self.session.flush()
        return entry

    async def refund(
        self,
        organization_id: uuid.UUID,
        hold_id: uuid.UUID,
        item_key: str,
        *,
        reason: str | None = None,
        actor: Actor = SYSTEM,
        now: datetime | None = None,
    ) -> CreditEntry:
        """Return a captured item's credits to the lots that paid for it, once. Credits whose lot has expired
        meanwhile go into a compensation lot that expires in 30 days."""
        now = now or utc_now()
        account = await self.accounts.lock(organization_id)
        hold, _, settled = await self._hold(organization_id, hold_id, item_key)
        capture = settled.get(EntryType.capture)
        if capture is None:
            raise CaptureNotFound(f"Item {item_key!r} of this hold was never captured.")
        if EntryType.refund in settled:
            return settled[EntryType.refund]
        snapshot = await self._snapshot(organization_id, account, now)
        paid_by = [(uuid.UUID(a["lot_id"]), -int(a["amount"])) for a in capture.allocations if a["amount"]]
        missing = [lot_id for lot_id, _ in paid_by if snapshot.find(lot_id) is None]
        spent = await CreditLotRepository(self.session, organization_id).get_many(missing) if missing else {}
        moves, compensation, any_paid = _Moves(), 0, False
        for lot_id, credits in paid_by:
            lot = snapshot.find(lot_id) or spent[lot_id]
            if is_live(lot, now):
                lot.remaining += credits
                moves.add(lot, amount=credits)
                if lot not in snapshot.lots:
                    snapshot.lots.append(lot)
            else:
                compensation += credits
                any_paid = any_paid or lot.category == LotCategory.paid
        if compensation:
            lot = CreditLot(
                id=uuid7(),
                organization_id=organization_id,
                source=LotSource.compensation,
                category=LotCategory.paid if any_paid else LotCategory.promotional,
                amount=compensation,
                remaining=compensation,
                held=0,
                effective_at=now,
                expires_at=now + timedelta(days=COMPENSATION_DAYS),
                priority=0,
                reason="Refund of credits whose lot has expired",
                created_at=now,
            )
            self.session.add(lot)
            snapshot.lots.append(lot)
            moves.add(lot, amount=compensation)
        entry = await self._entry(
            snapshot,
            EntryType.refund,
            amount=-capture.amount,
            held_delta=0,
            moves=moves,
            hold=hold,
            item_key=item_key,
            reason=reason,
            actor=actor,
        )
        await self.session.flush()
        return entry

    # Expiry.

    async def expire_due(self, organization_id: uuid.UUID, *, now: datetime | None = None) -> list[CreditEntry]:
        """Write one expiry entry per lot past its expiry (once per lot, safe to run concurrently). A lot that
        open holds still reserve credits on waits until they are captured or released."""
        now = now or utc_now()
        account = await self.accounts.lock(organization_id)
        snapshot = await self._snapshot(organization_id, account, now)
        due = [
            lot
            for lot in snapshot.lots
            if lot.expires_at is not None and lot.expires_at <= now and lot.held == 0 and lot.expired_at is None
        ]
        written = []
        for lot in due:
            credits = lot.remaining
            lot.remaining = 0
            lot.expired_at = now
            moves = _Moves()
            moves.add(lot, amount=-credits)
            written.append(
                await self._entry(
                    snapshot,
                    EntryType.expire,
                    amount=-credits,
                    held_delta=0,
                    moves=moves,
                    lot=lot,
                    reason=f"Credits granted on {lot.created_at:%d %B %Y} expired.",
                )
            )
        if written:
            # The credits stopped counting at their expiry; this is the first time anyone looks.
            expired = sum(-entry.amount for entry in written)
            await self._alert_low_balance(account, snapshot.available + expired, snapshot.available, now)
            await self.session.flush()
        return written

    async def warn_expiring(self, organization_id: uuid.UUID, *, now: datetime | None = None) -> int:
        """Tell the workspace once per lot when paid credits will expire within 7 days; the credits warned about."""
        now = now or utc_now()
        await self.accounts.lock(organization_id)
        lots = await CreditLotRepository(self.session, organization_id).with_remaining()
        snapshot = Snapshot(organization_id, lots, 0, now)
        due = [
            lot
            for lot in snapshot.expiring_before(now + timedelta(days=EXPIRING_SOON_DAYS))
            if lot.category == LotCategory.paid and lot.expiry_warned_at is None
        ]
        if not due:
            return 0
        credits = sum(lot.remaining - lot.held for lot in due)
        first = min(lot.expires_at for lot in due if lot.expires_at is not None)
        for lot in due:
            lot.expiry_warned_at = now
        await NotificationService(self.session).notify_organization(
            organization_id,
            "credits_expiring",
            title=f"{credits} paid credits expire on {first:%d %B %Y}",
            body=(
                f"{credits} of your paid credits expire within {EXPIRING_SOON_DAYS} days, the first on "
                f"{first:%d %B %Y}. Credits that expire soonest are always spent first."
            ),
            data={"credits": credits, "first_expires_at": first.isoformat(), "lot_ids": [str(lot.id) for lot in due]},
        )
        await self.session.flush()
        return credits

    # Corrections.

    async def adjust(
        self,
        organization_id: uuid.UUID,
        amount: int,
        *,
        reason: str | None,
        actor: Actor = SYSTEM,
        idempotency_key: str | None = None,
        now: datetime | None = None,
    ) -> CreditEntry:
        """Correct the balance by a signed amount, with a reason. Adding makes a paid lot that never expires;
        removing draws down like a hold and is refused (409) when it would take available below zero."""
        now = now or utc_now()
        reason = _check_reason(reason)
        if amount == 0:
            raise InvalidInput("amount", "The adjustment must add or remove at least one credit.")
        check_amount(abs(amount))
        account = await self.accounts.lock(organization_id)
        entries = CreditEntryRepository(self.session, organization_id)
        if idempotency_key is not None:
            replay = await self._replay(entries, idempotency_key, EntryType.adjust, amount)
            if replay is not None:
                return replay
        snapshot = await self._snapshot(organization_id, account, now)
        if amount > 0:
            lot = CreditLot(
                id=uuid7(),
                organization_id=organization_id,
                source=LotSource.adjustment,
                category=LotCategory.paid,
                amount=amount,
                remaining=amount,
                held=0,
                effective_at=now,
                priority=0,
                reason=reason,
                granted_by_user_id=actor.user_id if actor.type == ActorType.platform_admin else None,
                created_at=now,
            )
            return await self._add_lot(
                account, snapshot, lot, EntryType.adjust, actor=actor, idempotency_key=idempotency_key
            )
        before = snapshot.available
        if before < -amount:
            raise AdjustmentExceedsAvailable(-amount, before)
        moves = self._take_free(snapshot.spendable, -amount)
        entry = await self._entry(
            snapshot,
            EntryType.adjust,
            amount=amount,
            held_delta=0,
            moves=moves,
            reason=reason,
            actor=actor,
            idempotency_key=idempotency_key,
        )
        await self._alert_low_balance(account, before, snapshot.available, now)
        await self.session.flush()
        return entry

    async def admin_adjust(
        self,
        organization_id: uuid.UUID,
        amount: int,
        *,
        reason: str | None,
        admin_user_id: uuid.UUID,
        now: datetime | None = None,
    ) -> CreditEntry:
        """Support's correction, with the reason shown to the merchant; audited."""
        reason = _check_reason(reason)
        await self._require_organization(organization_id)
        before = (await self.balance(organization_id, now=now)).available
        entry = await self.adjust(
            organization_id, amount, reason=reason, actor=Actor.platform_admin(admin_user_id), now=now
        )
        await record_audit(
            self.session,
            action="credits.adjust",
            target_type="organization",
            target_id=organization_id,
            organization_id=organization_id,
            actor_user_id=admin_user_id,
            before={"available": before},
            after={"amount": amount, "reason": reason, "entry_id": str(entry.id), "available": entry.available_after},
        )
        return entry

    async def clawback(
        self,
        organization_id: uuid.UUID,
        *,
        reason: str,
        lot_id: uuid.UUID | None = None,
        amount: int | None = None,
        reference: str | None = None,
        idempotency_key: str | None = None,
        actor: Actor = SYSTEM,
        now: datetime | None = None,
    ) -> CreditEntry | None:
        """Take credits back after a money refund or a lost dispute: by default a lot's unspent credits. They
        come from that lot first, then from the others in draw-down order; what is still missing (credits
        reserved by running jobs, or already spent) becomes a shortfall: negative available that blocks new
        holds until a top-up settles it. None when there was nothing left to take."""
        now = now or utc_now()
        if lot_id is None and amount is None:
            raise InvalidInput("amount", "Name the lot to claw back, or an amount.")
        if amount is not None:
            check_amount(amount)
        account = await self.accounts.lock(organization_id)
        entries = CreditEntryRepository(self.session, organization_id)
        if idempotency_key is not None:
            replay = await entries.by_idempotency_key(idempotency_key)
            if replay is not None:
                if replay.type != EntryType.clawback:
                    raise IdempotencyKeyConflict("This idempotency key was used for another operation.")
                return replay
        snapshot = await self._snapshot(organization_id, account, now)
        before = snapshot.available
        spendable = snapshot.spendable
        if lot_id is not None:
            lot = snapshot.find(lot_id) or await CreditLotRepository(self.session, organization_id).get(lot_id)
            if lot is None:
                raise LotNotFound()
            amount = lot.remaining if amount is None else amount
            spendable = sorted(spendable, key=lambda candidate: candidate.id != lot_id)  # stable: rest keep order
        assert amount is not None
        if amount == 0:
            return None
        taken = min(amount, sum(lot.remaining - lot.held for lot in spendable))
        moves = self._take_free(spendable, taken)
        if taken < amount:
            account.debt += amount - taken
            snapshot.debt = account.debt
            await self.accounts.save(account)
        entry = await self._entry(
            snapshot,
            EntryType.clawback,
            amount=-amount,
            held_delta=0,
            moves=moves,
            lot=snapshot.find(lot_id) if lot_id else None,
            reference=reference,
            reason=reason,
            actor=actor,
            idempotency_key=idempotency_key,
        )
        await self._alert_low_balance(account, before, snapshot.available, now)
        await self.session.flush()
        return entry

    # Internals.

    async def _require_organization(self, organization_id: uuid.UUID) -> None:
        if await OrganizationRepository(self.session).get(organization_id) is None:
            raise OrganizationNotFound()

    async def _snapshot(self, organization_id: uuid.UUID, account: AccountState, now: datetime) -> Snapshot[CreditLot]:
        lots = await CreditLotRepository(self.session, organization_id).with_remaining()
        return Snapshot(organization_id, lots, account.debt, now)

    async def _hold(
        self, organization_id: uuid.UUID, hold_id: uuid.UUID, item_key: str | None
    ) -> tuple[CreditHold, list[CreditHoldAllocation], dict[EntryType, CreditEntry]]:
        """The hold with its allocations (in reservation order), and the capture / release / refund entries
        already written for (hold, item); 404 for an unknown hold or another organization's."""
        found = await CreditHoldRepository(self.session, organization_id).get_with_allocations(hold_id)
        if found is None:
            raise HoldNotFound()
        hold, allocations = found
        settled = await CreditEntryRepository(self.session, organization_id).for_item(hold_id, item_key)
        return hold, allocations, settled

    @staticmethod
    async def _replay(entries: CreditEntryRepository, key: str, type_: EntryType, amount: int) -> CreditEntry | None:
        entry = await entries.by_idempotency_key(key)
        if entry is None:
            return None
        if (
            entry.type != type_
            or (type_ == EntryType.hold and entry.held_delta != amount)
            or (type_ != EntryType.hold and entry.amount != amount)
        ):
            raise IdempotencyKeyConflict("This idempotency key was used for a different operation.")
        return entry

    @staticmethod
    def _close_if_settled(hold: CreditHold, now: datetime, *, expired: bool = False) -> None:
        if hold.remaining > 0:
            return
        hold.closed_at = now
        if expired:
            hold.state = HoldState.expired
        else:
            hold.state = HoldState.captured if hold.captured > 0 else HoldState.released

    @staticmethod
    def _take_free(lots: Sequence[CreditLot], amount: int) -> _Moves:
        """Consume unreserved credits from `lots` in the given order (the caller checked there are enough)."""
        moves, need = _Moves(), amount
        for lot in lots:
            if need == 0:
                break
            take = min(need, lot.remaining - lot.held)
            if take > 0:
                lot.remaining -= take
                moves.add(lot, amount=-take)
                need -= take
        assert need == 0
        return moves

    async def _add_lot(
        self,
        account: AccountState,
        snapshot: Snapshot[CreditLot],
        lot: CreditLot,
        type_: EntryType,
        *,
        actor: Actor,
        idempotency_key: str | None,
    ) -> CreditEntry:
        """A top-up: the new lot first pays off a clawback shortfall, then re-arms the low-balance alerts.

        Thresholds are percentages of the last real top-up (trial, allotment or pack): a small goodwill or
        compensation grant re-arms the alerts but must not shrink their base to almost nothing."""
        settled = min(account.debt, lot.amount)
        lot.remaining -= settled
        sizes_base = lot.source in _ALERT_BASE_SOURCES or account.low_balance_base is None
        base = lot.amount if sizes_base else account.low_balance_base
        if (
            settled
            or account.low_balance_base != base
            or account.low_balance_alerted
            or account.low_balance_alerted_absolute
        ):
            account.debt -= settled
            account.low_balance_base = base
            account.low_balance_alerted = []
            account.low_balance_alerted_absolute = []
            await self.accounts.save(account)
        snapshot.debt = account.debt
        self.session.add(lot)
        snapshot.lots.append(lot)
        moves = _Moves()
        moves.add(lot, amount=lot.remaining)
        entry = await self._entry(
            snapshot,
            type_,
            amount=lot.amount,
            held_delta=0,
            moves=moves,
            lot=lot,
            reference=lot.external_reference,
            reason=lot.reason,
            actor=actor,
            idempotency_key=idempotency_key,
        )
        await self.session.flush()  # a concurrent grant with the same external reference fails here, in the service
        return entry

    async def _entry(
        self,
        snapshot: Snapshot[CreditLot],
        type_: EntryType,
        *,
        amount: int,
        held_delta: int,
        moves: _Moves,
        hold: CreditHold | None = None,
        lot: CreditLot | None = None,
        item_key: str | None = None,
        reference: str | None = None,
        reason: str | None = None,
        actor: Actor = SYSTEM,
        idempotency_key: str | None = None,
    ) -> CreditEntry:
        entry = CreditEntry(
            organization_id=snapshot.organization_id,
            **self._entry_values(
                type_,
                amount=amount,
                held_delta=held_delta,
                available_after=snapshot.available,
                held_after=snapshot.held,
                allocations=moves.allocations,
                lot_id=lot.id if lot else None,
                hold_id=hold.id if hold else None,
                job_id=hold.job_id if hold else None,
                item_key=item_key,
                reference=reference,
                idempotency_key=idempotency_key,
                reason=reason,
                actor=actor,
                now=snapshot.now,
            ),
        )
        self.session.add(entry)
        return entry

    @staticmethod
    def _entry_values(
        type_: EntryType,
        *,
        amount: int,
        held_delta: int,
        available_after: int,
        held_after: int,
        allocations: list[dict[str, Any]],
        now: datetime,
        actor: Actor,
        lot_id: uuid.UUID | None = None,
        hold_id: uuid.UUID | None = None,
        job_id: uuid.UUID | None = None,
        item_key: str | None = None,
        reference: str | None = None,
        idempotency_key: str | None = None,
        reason: str | None = None,
    ) -> dict[str, Any]:
        """The columns of an entry, except its organization."""
        return {
            "id": uuid7(),
            "type": type_,
            "amount": amount,
            "held_delta": held_delta,
            "available_after": available_after,
            "held_after": held_after,
            "allocations": allocations,
            "lot_id": lot_id,
            "hold_id": hold_id,
            "job_id": job_id,
            "item_key": item_key,
            "reference": reference,
            "idempotency_key": idempotency_key,
            "reason": reason,
            "actor_type": actor.type,
            "actor_user_id": actor.user_id,
            "actor_api_key_id": actor.api_key_id,
            "created_at": now,
        }

    async def _alert_low_balance(self, account: AccountState, before: int, after: int, now: datetime) -> None:
        """Announce each threshold once when available falls through it; only a top-up re-arms them. Thresholds
        are the organization's settings: percentages of the last top-up and absolute credit levels."""
        if after >= before:
            return
        base = account.low_balance_base or 0
        crossed_percents = [
            (percent, base * percent // 100)
            for percent in account.low_balance_percents
            if before > base * percent // 100 >= after and percent not in account.low_balance_alerted
        ]
        crossed_absolute = [
            value
            for value in account.low_balance_absolute
            if before > value >= after and value not in account.low_balance_alerted_absolute
        ]
        if not crossed_percents and not crossed_absolute:
            return
        account.low_balance_alerted = sorted(
            {*account.low_balance_alerted, *(p for p, _ in crossed_percents)}, reverse=True
        )
        account.low_balance_alerted_absolute = sorted(
            {*account.low_balance_alerted_absolute, *crossed_absolute}, reverse=True
        )
        await self.accounts.save(account)
        # One notice for the lowest level crossed.
        candidates: list[tuple[int, int | None]] = [(value, percent) for percent, value in crossed_percents]
        candidates += [(value, None) for value in crossed_absolute]
        value, percent = min(candidates, key=lambda pair: (pair[0], pair[1] is None, pair[1] or 0))
        if value == 0:
            title = "You are out of credits" if after == 0 else f"Your credit balance is {after}"
            body = "New generations are paused until you buy credits or change your plan."
        elif percent is not None:
            title = f"Credits running low: {after} left"
            body = (
                f"You have {after} credits available, under {percent}% of your last top-up of {base}. "
                "Buy a credit pack or change your plan to keep generating."
            )
        else:
            title = f"Credits running low: {after} left"
            body = (
                f"You have {after} credits available, at or under your alert level of {value}. "
                "Buy a credit pack or change your plan to keep generating."
            )
        await NotificationService(self.session).notify_organization(
            account.organization_id,
            "low_balance",
            title=title,
            body=body,
            data={"available": after, "threshold_percent": percent, "threshold": value},
        )
