from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, Field, StringConstraints

from api.core.schemas import RequestModel, ResponseModel
from api.credits.costs import CostLine, CostTable
from api.credits.repository import LotRow
from api.credits.service import EXPIRING_SOON_DAYS, MAX_AMOUNT, Balance, is_live
from api.models import ActorType, CreditEntry, CreditLot, EntryType, LotCategory, LotSource

Reason = Annotated[str, StringConstraints(min_length=1, max_length=500)]


class LotOut(ResponseModel):
    id: uuid.UUID
    source: LotSource
    category: LotCategory
    amount: int = Field(description="Credits granted.")
    remaining: int = Field(description="Not yet spent or expired (includes the held part).")
    held: int = Field(description="Reserved by running jobs.")
    available: int = Field(description="What this lot can still pay for new work (0 once it has expired).")
    effective_at: datetime
    expires_at: datetime | None
    priority: int
    reason: str | None
    created_at: datetime

    @classmethod
    def of(cls, lot: CreditLot | LotRow, now: datetime) -> LotOut:
        return cls(
            id=lot.id,
            source=lot.source,
            category=lot.category,
            amount=lot.amount,
            remaining=lot.remaining,
            held=lot.held,
            available=lot.remaining - lot.held if is_live(lot, now) else 0,
            effective_at=lot.effective_at,
            expires_at=lot.expires_at,
            priority=lot.priority,
            reason=lot.reason,
            created_at=lot.created_at,
        )


class ExpiringSoonOut(ResponseModel):
    credits: int = Field(description=f"Available credits that expire within {EXPIRING_SOON_DAYS} days.")
    first_expires_at: datetime | None
    window_days: int = EXPIRING_SOON_DAYS


class BalanceOut(ResponseModel):
    available: int = Field(description="What new work can use; negative only after a clawback shortfall.")
    held: int = Field(description="Reserved by running jobs; charged per delivered output, the rest returned.")
    total: int = Field(description="available + held.")
    shortfall: int = Field(description="Credits owed after a refunded or disputed payment; the next top-up pays it.")
    low_balance: bool = Field(
        description="Available is at or under the workspace's highest low-balance alert level (GET /usage/settings: "
        "percentages of the last top-up, by default 20%, and absolute credits), or nothing is left."
    )
    expiring_soon: ExpiringSoonOut
    lots: list[LotOut] = Field(description="Lots that still pay or hold credits, in draw-down order.")

    @classmethod
    def of(cls, balance: Balance) -> BalanceOut:
        return cls(
            available=balance.available,
            held=balance.held,
            total=balance.total,
            shortfall=balance.debt,
            low_balance=balance.low_balance,
            expiring_soon=ExpiringSoonOut(
                credits=balance.expiring_soon, first_expires_at=balance.expiring_soon_first_at
            ),
            lots=[LotOut.of(lot, balance.now) for lot in balance.lots],
        )


class AllocationOut(ResponseModel):
    lot_id: uuid.UUID
    amount: int = Field(description="Change to the lot's remaining credits.")
    held: int = Field(description="Change to the lot's held credits.")


class ActorOut(ResponseModel):
    type: ActorType
    user_id: uuid.UUID | None = Field(description="The member who did it (not shown for Epox support).")
    api_key_id: uuid.UUID | None


class EntryOut(ResponseModel):
    id: uuid.UUID
    type: EntryType
    amount: int = Field(description="Change to the total: negative for captures, expiries, clawbacks.")
    held_delta: int = Field(description="Change to the held credits: positive for holds.")
    available_after: int
    held_after: int
    reason: str | None
    job_id: uuid.UUID | None
    hold_id: uuid.UUID | None
    item_key: str | None
    lot_id: uuid.UUID | None
    reference: str | None
    actor: ActorOut
    allocations: list[AllocationOut]
    created_at: datetime

    @classmethod
    def of(cls, entry: CreditEntry) -> EntryOut:
        return cls(
            id=entry.id,
            type=entry.type,
            amount=entry.amount,
            held_delta=entry.held_delta,
            available_after=entry.available_after,
            held_after=entry.held_after,
            reason=entry.reason,
            job_id=entry.job_id,
            hold_id=entry.hold_id,
            item_key=entry.item_key,
            lot_id=entry.lot_id,
            reference=entry.reference,
            actor=ActorOut(
                type=entry.actor_type,
                user_id=entry.actor_user_id if entry.actor_type == ActorType.user else None,
                api_key_id=entry.actor_api_key_id,
            ),
            allocations=[AllocationOut.model_validate(a) for a in entry.allocations],
            created_at=entry.created_at,
        )


CSV_COLUMNS = (
    "created_at",
    "type",
    "amount",
    "held_delta",
    "available_after",
    "held_after",
    "reason",
    "job_id",
    "item_key",
    "hold_id",
    "lot_id",
    "reference",
    "actor_type",
    "id",
)


def _text(value: str | None) -> str:
    """Free text in a spreadsheet cell: a leading = + - @ would make it a formula, so quote it."""
    value = value or ""
    return f"'{value}" if value.startswith(("=", "+", "-", "@")) else value


def csv_row(entry: CreditEntry) -> list[Any]:
    return [
        entry.created_at.isoformat(),
        entry.type.value,
        entry.amount,
        entry.held_delta,
        entry.available_after,
        entry.held_after,
        _text(entry.reason),
        entry.job_id or "",
        _text(entry.item_key),
        entry.hold_id or "",
        entry.lot_id or "",
        _text(entry.reference),
        entry.actor_type.value,
        entry.id,
    ]


class CostRateOut(ResponseModel):
    operation: str
    parameter: str | None = Field(description="The request setting the price depends on, if any (quality, ...).")
    variant: str | None = Field(description="The value of that setting this price is for (4k, 1080p, ...).")
    credits: int
    unit: str


class CostTableOut(ResponseModel):
    version: int
    published_at: datetime
    rates: list[CostRateOut]

    @classmethod
    def of(cls, table: CostTable) -> CostTableOut:
        return cls(
            version=table.version,
            published_at=table.created_at,
            rates=[
                CostRateOut(
                    operation=r.operation,
                    parameter=r.parameter or None,
                    variant=r.variant or None,
                    credits=r.credits,
                    unit=r.unit,
                )
                for r in table.rates
            ],
        )


class CostLineOut(ResponseModel):
    operation: str
    parameter: str | None
    variant: str | None
    unit: str
    unit_credits: int
    quantity: int
    credits: int

    @classmethod
    def of(cls, line: CostLine) -> CostLineOut:
        return cls(
            operation=line.operation,
            parameter=line.parameter or None,
            variant=line.variant or None,
            unit=line.unit,
            unit_credits=line.unit_credits,
            quantity=line.quantity,
            credits=line.credits,
        )


class CreditGrantRequest(RequestModel):
    amount: int = Field(gt=0, le=MAX_AMOUNT)
    reason: Reason = Field(description="Shown to the merchant in their credit history and kept in the audit log.")
    expires_at: AwareDatetime | None = None


class CreditAdjustmentRequest(RequestModel):
    amount: int = Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, description="Credits to add (positive) or remove (negative).")
    reason: Reason = Field(description="Shown to the merchant in their credit history and kept in the audit log.")


class CreditGrantOut(ResponseModel):
    lot: LotOut
    entry: EntryOut
    available: int


class CreditAdjustmentOut(ResponseModel):
    entry: EntryOut
    available: int
