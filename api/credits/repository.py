from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from sqlalchemy import (
    DateTime,
    Integer,
    Select,
    String,
    Table,
    and_,
    bindparam,
    case,
    exists,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import UUID, insert

from api.core.pagination import PageParams, paginate
from api.core.repository import Repository, TenantRepository
from api.core.time import utc_now
from api.models import (
    ActorType,
    CreditAccount,
    CreditCost,
    CreditCostVersion,
    CreditEntry,
    CreditHold,
    CreditHoldAllocation,
    CreditLot,
    EntryType,
    HoldState,
    LotCategory,
    LotSource,
)

# The published draw-down order (design/ledger.md): soonest-expiring first with lots that never expire last,
# promotional before paid, lower priority number, oldest, then id.
DRAW_DOWN_ORDER = (
    CreditLot.expires_at.asc().nulls_last(),
    case((CreditLot.category == LotCategory.promotional, 0), else_=1),
    CreditLot.priority.asc(),
    CreditLot.created_at.asc(),
    CreditLot.id.asc(),
)


@dataclass(frozen=True)
class LotRow:
    """A lot as read for the hold path and balance views: plain values, no ORM identity map."""

    id: uuid.UUID
    source: LotSource
    category: LotCategory
    amount: int
    remaining: int
    held: int
    effective_at: datetime
    expires_at: datetime | None
    expired_at: datetime | None
    priority: int
    reason: str | None
    created_at: datetime


@dataclass(frozen=True)
class Pin:
    """The part of a new hold reserved on one lot."""

    lot_id: uuid.UUID
    credits: int


# The hold path in one statement (run right after the account lock, so it sees everything committed before):
# pick the live lots in the published draw-down order (the Python twin is `service.draw_down_key`), check the
# availability, and - only when there is enough - write the hold, its allocations, the lots' `held` and the
# entry. One round trip inside the lock instead of three is what keeps one busy account fast. Data-modifying
# CTEs all see the statement's snapshot, taken after the lock was granted.
_RESERVE = text(
    """
WITH spendable AS (
    SELECT id,
           remaining - held AS free,
           row_number() OVER draw_down - 1 AS position,
           coalesce(sum(remaining - held) OVER (draw_down ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
               AS free_before
    FROM credit_lots
    WHERE organization_id = :organization_id
      AND remaining > held
      AND effective_at <= :now
      AND (expires_at IS NULL OR expires_at > :now)
      AND expired_at IS NULL
    WINDOW draw_down AS (ORDER BY expires_at ASC NULLS LAST, category <> 'promotional', priority, created_at, id)
),
balance AS (
    SELECT (SELECT coalesce(sum(free), 0) FROM spendable) - :debt AS available,
           (SELECT coalesce(sum(held), 0) FROM credit_lots
             WHERE organization_id = :organization_id AND remaining > 0 AND held > 0) AS held
),
pins AS (
    SELECT spendable.id AS lot_id, least(free, :amount - free_before) AS credits, position
    FROM spendable, balance
    WHERE free_before < :amount AND balance.available >= :amount
),
new_hold AS (
    INSERT INTO credit_holds
        (id, organization_id, amount, captured, released, state, expires_at, job_id, cost_table_version,
         created_at)
    SELECT :hold_id, :organization_id, :amount, 0, 0, 'open', :expires_at, :job_id, :cost_table_version, :now
    FROM balance WHERE available >= :amount
),
new_allocations AS (
    INSERT INTO credit_hold_allocations (hold_id, lot_id, position, amount, captured, released)
    SELECT :hold_id, lot_id, position, credits, 0, 0 FROM pins
),
held_lots AS (
    UPDATE credit_lots SET held = credit_lots.held + pins.credits FROM pins WHERE credit_lots.id = pins.lot_id
),
new_entry AS (
    INSERT INTO credit_entries
        (id, organization_id, type, amount, held_delta, available_after, held_after, allocations, hold_id, job_id,
         idempotency_key, reason, actor_type, actor_user_id, actor_api_key_id, created_at)
    SELECT :entry_id, :organization_id, 'hold', 0, :amount, available - :amount, held + :amount,
           (SELECT jsonb_agg(jsonb_build_object('lot_id', lot_id, 'amount', 0, 'held', credits) ORDER BY position)
              FROM pins),
           :hold_id, :job_id, :idempotency_key, :reason, CAST(:actor_type AS credit_actor_type), :actor_user_id,
           :actor_api_key_id, :now
    FROM balance WHERE available >= :amount
)
SELECT available, held,
       (SELECT coalesce(jsonb_agg(jsonb_build_array(lot_id, credits) ORDER BY position), '[]') FROM pins) AS pins
FROM balance
"""
).bindparams(
    bindparam("organization_id", type_=UUID(as_uuid=True)),
    bindparam("hold_id", type_=UUID(as_uuid=True)),
    bindparam("entry_id", type_=UUID(as_uuid=True)),
    bindparam("job_id", type_=UUID(as_uuid=True)),
    bindparam("actor_user_id", type_=UUID(as_uuid=True)),
    bindparam("actor_api_key_id", type_=UUID(as_uuid=True)),
    bindparam("now", type_=DateTime(timezone=True)),
    bindparam("expires_at", type_=DateTime(timezone=True)),
    bindparam("amount", type_=Integer),
    bindparam("debt", type_=Integer),
    bindparam("cost_table_version", type_=Integer),
    bindparam("idempotency_key", type_=String),
    bindparam("reason", type_=String),
    bindparam("actor_type", type_=String),
)


@dataclass(frozen=True)
class Reservation:
    """What `reserve()` found and, when `pins` is not empty, wrote."""

    available_before: int
    held_before: int
    pins: tuple[Pin, ...]


@dataclass
class AccountState:
    """The locked account row as plain values; the service changes them and calls `save()`."""

    organization_id: uuid.UUID
    debt: int
    low_balance_base: int | None
    low_balance_alerted: list[int]
    low_balance_percents: list[int] = field(default_factory=lambda: [20, 10, 0])
    low_balance_absolute: list[int] = field(default_factory=list)
    low_balance_alerted_absolute: list[int] = field(default_factory=list)


_ACCOUNTS = cast(Table, CreditAccount.__table__)
_READ_ACCOUNT = select(
    _ACCOUNTS.c.organization_id,
    _ACCOUNTS.c.debt,
    _ACCOUNTS.c.low_balance_base,
    _ACCOUNTS.c.low_balance_alerted,
    _ACCOUNTS.c.low_balance_percents,
    _ACCOUNTS.c.low_balance_absolute,
    _ACCOUNTS.c.low_balance_alerted_absolute,
).where(_ACCOUNTS.c.organization_id == bindparam("account_organization_id"))
_LOCK_ACCOUNT = _READ_ACCOUNT.with_for_update()
_SAVE_ACCOUNT = (
    update(_ACCOUNTS)
    .where(_ACCOUNTS.c.organization_id == bindparam("account_organization_id"))
    .values(
        debt=bindparam("new_debt"),
        low_balance_base=bindparam("new_low_balance_base"),
        low_balance_alerted=bindparam("new_low_balance_alerted"),
        low_balance_alerted_absolute=bindparam("new_low_balance_alerted_absolute"),
        updated_at=bindparam("now"),
    )
)


_LOTS = cast(Table, CreditLot.__table__)
# A balance in one round trip: the account and its lots with credits left (no lots: one row of NULL lot columns).
_BALANCE = (
    select(_ACCOUNTS.c.debt, _ACCOUNTS.c.low_balance_base, *(_LOTS.c[name] for name in LotRow.__dataclass_fields__))
    .select_from(
        _ACCOUNTS.outerjoin(_LOTS, and_(_LOTS.c.organization_id == _ACCOUNTS.c.organization_id, _LOTS.c.remaining > 0))
    )
    .where(_ACCOUNTS.c.organization_id == bindparam("account_organization_id"))
)


class CreditAccountRepository(Repository[CreditAccount]):
    model = CreditAccount

    async def lock(self, organization_id: uuid.UUID) -> AccountState:
        """The account row, locked `FOR UPDATE` until the transaction ends; created first if missing.

        `INSERT ... ON CONFLICT DO NOTHING` makes creation race-free: of two first writers one inserts, the other
        waits for it and then locks the same row."""
        row = await self._select_for_update(organization_id)
        if row is None:
            now = utc_now()
            await self.session.execute(
                insert(_ACCOUNTS)
                .values(organization_id=organization_id, created_at=now, updated_at=now)
                .on_conflict_do_nothing()
            )
            row = await self._select_for_update(organization_id)
        assert row is not None
        return row

    async def _select_for_update(self, organization_id: uuid.UUID) -> AccountState | None:
        row = (await self.session.execute(_LOCK_ACCOUNT, {"account_organization_id": organization_id})).first()
        if row is None:
            return None
        return AccountState(row[0], row[1], row[2], list(row[3]), list(row[4]), list(row[5]), list(row[6]))

    async def save(self, account: AccountState) -> None:
        await self.session.execute(
            _SAVE_ACCOUNT,
            {
                "account_organization_id": account.organization_id,
                "new_debt": account.debt,
                "new_low_balance_base": account.low_balance_base,
                "new_low_balance_alerted": account.low_balance_alerted,
                "new_low_balance_alerted_absolute": account.low_balance_alerted_absolute,
                "now": utc_now(),
            },
        )

    async def balance_rows(self, organization_id: uuid.UUID) -> tuple[int, int | None, list[LotRow]]:
        """Without locking, for reads: (clawback shortfall, last top-up, lots with credits left, unordered)."""
        rows = (await self.session.execute(_BALANCE, {"account_organization_id": organization_id})).all()
        if not rows:  # no account yet, hence no lots either (every grant creates the account first)
            return 0, None, []
        return rows[0][0], rows[0][1], [LotRow(*row[2:]) for row in rows if row[2] is not None]


# Statements every ledger operation runs, built once: building a statement costs more CPU than sending it, and
# these run while the account is locked. Parameter names are not column names (an UPDATE would take those as
# extra SET values).
_TENANT = bindparam("tenant_id", type_=UUID(as_uuid=True))
_LOTS_WITH_REMAINING = (
    select(CreditLot)
    .where(CreditLot.organization_id == _TENANT, CreditLot.remaining > 0)
    .order_by(*DRAW_DOWN_ORDER)
    .execution_options(populate_existing=True)
)
_HOLD = (
    select(CreditHold)
    .where(CreditHold.organization_id == _TENANT, CreditHold.id == bindparam("wanted_hold_id"))
    .execution_options(populate_existing=True)
)
_HOLD_WITH_ALLOCATIONS = (
    select(CreditHold, CreditHoldAllocation)
    .join(CreditHoldAllocation, CreditHoldAllocation.hold_id == CreditHold.id)
    .where(CreditHold.organization_id == _TENANT, CreditHold.id == bindparam("wanted_hold_id"))
    .order_by(CreditHoldAllocation.position)
    .execution_options(populate_existing=True)
)
_ALLOCATIONS = (
    select(CreditHoldAllocation)
    .where(CreditHoldAllocation.hold_id == bindparam("wanted_hold_id"))
    .order_by(CreditHoldAllocation.position)
    .execution_options(populate_existing=True)
)
_ENTRIES_FOR_ITEM = select(CreditEntry).where(
    CreditEntry.organization_id == _TENANT,
    CreditEntry.hold_id == bindparam("wanted_hold_id"),
    CreditEntry.type.in_([EntryType.capture, EntryType.release, EntryType.refund]),
    CreditEntry.item_key.is_not_distinct_from(bindparam("wanted_item_key", type_=String)),
)
_GRANT_ENTRY = select(CreditEntry).where(
    CreditEntry.organization_id == _TENANT,
    CreditEntry.lot_id == bindparam("wanted_lot_id"),
    CreditEntry.type.in_([EntryType.grant, EntryType.adjust]),
)
_ENTRY_BY_KEY = select(CreditEntry).where(
    CreditEntry.organization_id == _TENANT, CreditEntry.idempotency_key == bindparam("wanted_key")
)


class CreditLotRepository(TenantRepository[CreditLot]):
    model = CreditLot

    async def with_remaining(self) -> list[CreditLot]:
        """Every lot with credits left (live, expired-but-unswept, or held), in draw-down order."""
        return list((await self.session.scalars(_LOTS_WITH_REMAINING, {"tenant_id": self.organization_id})).all())

    async def get_many(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, CreditLot]:
        statement = self.base_statement().where(CreditLot.id.in_(ids)).execution_options(populate_existing=True)
        return {lot.id: lot for lot in await self.session.scalars(statement)}

    async def get_by_reference(self, reference: str) -> CreditLot | None:
        result: CreditLot | None = await self.session.scalar(
            self.base_statement().where(CreditLot.external_reference == reference)
        )
        return result

    async def reference_used_elsewhere(self, reference: str) -> bool:
        """Whether another organization's lot carries this reference (references are unique platform-wide)."""
        statement = select(
            exists().where(CreditLot.external_reference == reference, CreditLot.organization_id != self.organization_id)
        )
        return bool(await self.session.scalar(statement))


class CreditHoldRepository(TenantRepository[CreditHold]):
    model = CreditHold

    async def get_fresh(self, hold_id: uuid.UUID) -> CreditHold | None:
        """The hold as committed (not an older copy this session loaded before)."""
        result: CreditHold | None = await self.session.scalar(
            _HOLD, {"tenant_id": self.organization_id, "wanted_hold_id": hold_id}
        )
        return result

    async def reserve(
        self,
        *,
        hold_id: uuid.UUID,
        entry_id: uuid.UUID,
        amount: int,
        debt: int,
        expires_at: datetime,
        job_id: uuid.UUID | None,
        cost_table_version: int | None,
        idempotency_key: str | None,
        reason: str | None,
        actor_type: ActorType,
        actor_user_id: uuid.UUID | None,
        actor_api_key_id: uuid.UUID | None,
        now: datetime,
    ) -> Reservation:
        """Create the hold with its allocations and entry if `amount` credits are available (call it holding
        the account lock); either way, the balance before it. See `_RESERVE`."""
        row = (
            await self.session.execute(
                _RESERVE,
                {
                    "organization_id": self.organization_id,
                    "hold_id": hold_id,
                    "entry_id": entry_id,
                    "amount": amount,
                    "debt": debt,
                    "expires_at": expires_at,
                    "job_id": job_id,
                    "cost_table_version": cost_table_version,
                    "idempotency_key": idempotency_key,
                    "reason": reason,
                    "actor_type": actor_type.value,
                    "actor_user_id": actor_user_id,
                    "actor_api_key_id": actor_api_key_id,
                    "now": now,
                },
            )
        ).one()
        pins = json.loads(row.pins) if isinstance(row.pins, str) else row.pins
        return Reservation(
            int(row.available), int(row.held), tuple(Pin(uuid.UUID(lot_id), credits) for lot_id, credits in pins)
        )

    async def get_with_allocations(self, hold_id: uuid.UUID) -> tuple[CreditHold, list[CreditHoldAllocation]] | None:
        """The hold as committed, with its allocations in reservation order, in one round trip."""
        rows = (
            await self.session.execute(
                _HOLD_WITH_ALLOCATIONS, {"tenant_id": self.organization_id, "wanted_hold_id": hold_id}
            )
        ).all()
        return (rows[0][0], [row[1] for row in rows]) if rows else None

    async def allocations(self, hold_id: uuid.UUID) -> list[CreditHoldAllocation]:
        """A hold's lots in the order they were reserved (call only for a hold of this organization)."""
        return list((await self.session.scalars(_ALLOCATIONS, {"wanted_hold_id": hold_id})).all())


class CreditEntryRepository(TenantRepository[CreditEntry]):
    model = CreditEntry

    async def for_item(self, hold_id: uuid.UUID, item_key: str | None) -> dict[EntryType, CreditEntry]:
        """The capture, release and refund entries of (hold, item); a missing item is the item-less release."""
        params = {"tenant_id": self.organization_id, "wanted_hold_id": hold_id, "wanted_item_key": item_key}
        return {entry.type: entry for entry in await self.session.scalars(_ENTRIES_FOR_ITEM, params)}

    async def grant_of(self, lot_id: uuid.UUID) -> CreditEntry | None:
        result: CreditEntry | None = await self.session.scalar(
            _GRANT_ENTRY, {"tenant_id": self.organization_id, "wanted_lot_id": lot_id}
        )
        return result

    async def by_idempotency_key(self, key: str) -> CreditEntry | None:
        result: CreditEntry | None = await self.session.scalar(
            _ENTRY_BY_KEY, {"tenant_id": self.organization_id, "wanted_key": key}
        )
        return result

    def filtered(self, filters: EntryFilters) -> Select[CreditEntry]:
        statement = self.base_statement()
        if filters.types:
            statement = statement.where(CreditEntry.type.in_(filters.types))
        if filters.start is not None:
            statement = statement.where(CreditEntry.created_at >= filters.start)
        if filters.end is not None:
            statement = statement.where(CreditEntry.created_at < filters.end)
        if filters.job_id is not None:
            statement = statement.where(CreditEntry.job_id == filters.job_id)
        return statement

    async def page(self, filters: EntryFilters, params: PageParams) -> tuple[list[CreditEntry], str | None]:
        return await paginate(self.session, self.filtered(filters), params, order_by=(CreditEntry.seq,))

    async def batch_after(self, filters: EntryFilters, after_seq: int, limit: int) -> list[CreditEntry]:
        """Oldest first, for exports: the next `limit` entries after `after_seq`."""
        statement = (
            self.filtered(filters).where(CreditEntry.seq > after_seq).order_by(CreditEntry.seq.asc()).limit(limit)
        )
        return list((await self.session.scalars(statement)).all())


@dataclass(frozen=True)
class EntryFilters:
    types: Sequence[EntryType] = ()
    start: datetime | None = None
    end: datetime | None = None
    job_id: uuid.UUID | None = None


class LedgerScanRepository(Repository[CreditLot]):
    """Cross-tenant reads for the reconciler: which organizations have work due. The work itself is done per
    organization by the service, under that account's lock."""

    model = CreditLot

    async def organizations_with_expired_lots(self, now: datetime, limit: int) -> list[uuid.UUID]:
        statement = (
            select(CreditLot.organization_id)
            .where(
                CreditLot.remaining > 0,
                CreditLot.held == 0,
                CreditLot.expires_at <= now,
                CreditLot.expired_at.is_(None),
            )
            .group_by(CreditLot.organization_id)
            .limit(limit)
        )
        return list((await self.session.scalars(statement)).all())

    async def organizations_with_paid_credits_expiring(
        self, now: datetime, until: datetime, limit: int
    ) -> list[uuid.UUID]:
        statement = (
            select(CreditLot.organization_id)
            .where(
                CreditLot.category == LotCategory.paid,
                CreditLot.remaining > CreditLot.held,
                CreditLot.expires_at > now,
                CreditLot.expires_at <= until,
                CreditLot.expiry_warned_at.is_(None),
            )
            .group_by(CreditLot.organization_id)
            .limit(limit)
        )
        return list((await self.session.scalars(statement)).all())

    async def expired_open_holds(self, now: datetime, limit: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
        statement = (
            select(CreditHold.organization_id, CreditHold.id)
            .where(CreditHold.state == HoldState.open, CreditHold.expires_at <= now)
            .order_by(CreditHold.expires_at)
            .limit(limit)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(statement)).all()]


class CostTableRepository(Repository[CreditCostVersion]):
    model = CreditCostVersion

    async def current_version(self) -> CreditCostVersion | None:
        result: CreditCostVersion | None = await self.session.scalar(
            select(CreditCostVersion).order_by(CreditCostVersion.version.desc()).limit(1)
        )
        return result

    async def rates(self, version: int) -> list[CreditCost]:
        statement = (
            select(CreditCost)
            .where(CreditCost.version == version)
            .order_by(CreditCost.operation, CreditCost.parameter, CreditCost.variant)
        )
        return list((await self.session.scalars(statement)).all())

    async def next_version_number(self) -> int:
        return int(await self.session.scalar(select(func.coalesce(func.max(CreditCostVersion.version), 0))) or 0) + 1


# `epox credits verify`: every check compares one stored number with the same number derived another way, across
# all accounts. Each query returns (organization_id, subject, derived, stored) for every disagreement.
_CHECKS: dict[str, str] = {
    "total: sum of entries vs lots remaining minus shortfall": """
        WITH accounts AS (
            SELECT organization_id FROM credit_accounts
            UNION SELECT organization_id FROM credit_lots
            UNION SELECT organization_id FROM credit_entries
        ),
        entries AS (SELECT organization_id, sum(amount) AS total, sum(held_delta) AS held
                    FROM credit_entries GROUP BY organization_id),
        lots AS (SELECT organization_id, sum(remaining) AS remaining, sum(held) AS held
                 FROM credit_lots GROUP BY organization_id)
        SELECT a.organization_id, 'account', coalesce(e.total, 0),
               coalesce(l.remaining, 0) - coalesce(c.debt, 0)
        FROM accounts a
        LEFT JOIN entries e USING (organization_id)
        LEFT JOIN lots l USING (organization_id)
        LEFT JOIN credit_accounts c USING (organization_id)
        WHERE coalesce(e.total, 0) <> coalesce(l.remaining, 0) - coalesce(c.debt, 0)
    """,
    "held: sum of entries vs lots held": """
        WITH entries AS (SELECT organization_id, sum(held_delta) AS held FROM credit_entries GROUP BY 1),
        lots AS (SELECT organization_id, sum(held) AS held FROM credit_lots GROUP BY 1)
        SELECT organization_id, 'account', coalesce(e.held, 0), coalesce(l.held, 0)
        FROM entries e FULL JOIN lots l USING (organization_id)
        WHERE coalesce(e.held, 0) <> coalesce(l.held, 0)
    """,
    "held: open holds vs lots held": """
        WITH holds AS (SELECT organization_id, sum(amount - captured - released) AS held
                       FROM credit_holds WHERE state = 'open' GROUP BY 1),
        lots AS (SELECT organization_id, sum(held) AS held FROM credit_lots GROUP BY 1)
        SELECT organization_id, 'account', coalesce(h.held, 0), coalesce(l.held, 0)
        FROM holds h FULL JOIN lots l USING (organization_id)
        WHERE coalesce(h.held, 0) <> coalesce(l.held, 0)
    """,
    "lot remaining: entry allocations vs lot": """
        WITH moved AS (
            SELECT a.lot_id, sum(a.amount) AS amount, sum(a.held) AS held
            FROM credit_entries e, jsonb_to_recordset(e.allocations) AS a(lot_id uuid, amount int, held int)
            GROUP BY a.lot_id
        )
        SELECT l.organization_id, 'lot ' || l.id, coalesce(m.amount, 0), l.remaining
        FROM credit_lots l LEFT JOIN moved m ON m.lot_id = l.id
        WHERE coalesce(m.amount, 0) <> l.remaining
    """,
    "lot held: entry allocations vs lot": """
        WITH moved AS (
            SELECT a.lot_id, sum(a.held) AS held
            FROM credit_entries e, jsonb_to_recordset(e.allocations) AS a(lot_id uuid, amount int, held int)
            GROUP BY a.lot_id
        )
        SELECT l.organization_id, 'lot ' || l.id, coalesce(m.held, 0), l.held
        FROM credit_lots l LEFT JOIN moved m ON m.lot_id = l.id
        WHERE coalesce(m.held, 0) <> l.held
    """,
    "lot held: open hold allocations vs lot": """
        WITH reserved AS (
            SELECT a.lot_id, sum(a.amount - a.captured - a.released) AS held
            FROM credit_hold_allocations a JOIN credit_holds h ON h.id = a.hold_id
            WHERE h.state = 'open' GROUP BY a.lot_id
        )
        SELECT l.organization_id, 'lot ' || l.id, coalesce(r.held, 0), l.held
        FROM credit_lots l LEFT JOIN reserved r ON r.lot_id = l.id
        WHERE coalesce(r.held, 0) <> l.held
    """,
    "hold captured: capture entries vs hold": """
        WITH captured AS (SELECT hold_id, -sum(amount) AS credits FROM credit_entries
                          WHERE type = 'capture' GROUP BY hold_id)
        SELECT h.organization_id, 'hold ' || h.id, coalesce(c.credits, 0), h.captured
        FROM credit_holds h LEFT JOIN captured c ON c.hold_id = h.id
        WHERE coalesce(c.credits, 0) <> h.captured
    """,
    "hold released: release entries vs hold": """
        WITH released AS (SELECT hold_id, -sum(held_delta) AS credits FROM credit_entries
                          WHERE type = 'release' GROUP BY hold_id)
        SELECT h.organization_id, 'hold ' || h.id, coalesce(r.credits, 0), h.released
        FROM credit_holds h LEFT JOIN released r ON r.hold_id = h.id
        WHERE coalesce(r.credits, 0) <> h.released
    """,
    "hold amount: hold entry vs hold": """
        SELECT h.organization_id, 'hold ' || h.id, coalesce(e.held_delta, 0), h.amount
        FROM credit_holds h LEFT JOIN credit_entries e ON e.hold_id = h.id AND e.type = 'hold'
        WHERE coalesce(e.held_delta, 0) <> h.amount
    """,
    "hold settled: allocations vs hold": """
        WITH settled AS (SELECT hold_id, sum(amount) AS amount, sum(captured) AS captured,
                                sum(released) AS released
                         FROM credit_hold_allocations GROUP BY hold_id)
        SELECT h.organization_id, 'hold ' || h.id || ' ' || kind, derived, stored
        FROM credit_holds h JOIN settled s ON s.hold_id = h.id,
        LATERAL (VALUES ('amount', s.amount, h.amount), ('captured', s.captured, h.captured),
                        ('released', s.released, h.released)) AS v(kind, derived, stored)
        WHERE derived <> stored
    """,
}


# One round trip for all checks (the state-machine test runs them after every step).
_ALL_CHECKS = text(
    "\nUNION ALL\n".join(
        f"(SELECT '{check}' AS check_name, * FROM ({sql}) AS differences)"  # noqa: S608 - constants, no input
        for check, sql in _CHECKS.items()
    )
)


@dataclass(frozen=True)
class Difference:
    check: str
    organization_id: uuid.UUID
    subject: str
    derived: int
    stored: int

    def __str__(self) -> str:
        return (
            f"organization {self.organization_id}, {self.subject}: {self.check}: "
            f"derived {self.derived}, stored {self.stored}"
        )


class LedgerAuditRepository(Repository[CreditEntry]):
    model = CreditEntry

    async def differences(self) -> list[Difference]:
        rows = (await self.session.execute(_ALL_CHECKS)).all()
        return [
            Difference(check, org, subject, int(derived), int(stored)) for check, org, subject, derived, stored in rows
        ]

    async def count_accounts(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(CreditAccount)) or 0)
