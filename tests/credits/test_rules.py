"""The ledger's rules (design/ledger.md), one test per rule, through `CreditLedgerService`."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from api.core.errors import InvalidInput
from api.core.time import utc_now
from api.credits.exceptions import (
    AdjustmentExceedsAvailable,
    CaptureNotFound,
    ExceedsHold,
    ExternalReferenceInUse,
    HoldNotFound,
    HoldNotOpen,
    IdempotencyKeyConflict,
    InsufficientCredits,
    InvalidCostParameter,
    ItemAlreadySettled,
    UnknownOperation,
)
from api.credits.service import MAX_AMOUNT
from api.models import CreditEntry, CreditHold, CreditLot, EntryType, HoldState, LotCategory, LotSource
from tests.credits.conftest import Ledger


async def entry_count(ledger: Ledger) -> int:
    async with ledger.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(CreditEntry)) or 0)


async def lot(ledger: Ledger, lot_id: uuid.UUID) -> CreditLot:
    async with ledger.sessions() as session:
        found = await session.get(CreditLot, lot_id)
        assert found is not None
        return found


async def hold_row(ledger: Ledger, hold_id: uuid.UUID) -> CreditHold:
    async with ledger.sessions() as session:
        found = await session.get(CreditHold, hold_id)
        assert found is not None
        return found


async def test_draw_down_order_is_soonest_expiring_then_promotional_then_priority_then_oldest(ledger: Ledger) -> None:
    org = await ledger.organization()
    now = utc_now()
    never_paid = await ledger.grant(org, 1)
    never_promo = await ledger.grant(org, 1, category=LotCategory.promotional)
    late_paid = await ledger.grant(org, 1, expires_at=now + timedelta(days=9))
    soon_paid_priority_2 = await ledger.grant(org, 1, expires_at=now + timedelta(days=3), priority=2)
    soon_paid_priority_1 = await ledger.grant(org, 1, expires_at=now + timedelta(days=3), priority=1)
    soon_promo = await ledger.grant(org, 1, category=LotCategory.promotional, expires_at=now + timedelta(days=3))
    never_paid_younger = await ledger.grant(org, 1)

    expected = [
        soon_promo,
        soon_paid_priority_1,
        soon_paid_priority_2,
        late_paid,
        never_promo,
        never_paid,
        never_paid_younger,
    ]
    balance = await ledger(lambda service: service.balance(org))
    assert [lot.id for lot in balance.lots] == expected
    spent = [(await ledger.hold(org, 1)).pins[0].lot_id for _ in expected]
    assert spent == expected


async def test_a_hold_spans_lots_in_draw_down_order(ledger: Ledger) -> None:
    org = await ledger.organization()
    first = await ledger.grant(org, 2, expires_at=utc_now() + timedelta(days=1))
    second = await ledger.grant(org, 5)
    held = await ledger.hold(org, 4)
    assert [(pin.lot_id, pin.credits) for pin in held.pins] == [(first, 2), (second, 2)]
    balance = await ledger(lambda service: service.balance(org))
    assert (balance.available, balance.held, balance.total) == (3, 4, 7)


async def test_a_hold_beyond_available_is_refused_with_required_and_available_and_writes_nothing(
    ledger: Ledger,
) -> None:
    org = await ledger.organization()
    await ledger.grant(org, 3)
    before = await entry_count(ledger)
    with pytest.raises(InsufficientCredits) as refused:
        await ledger.hold(org, 4)
    assert refused.value.extra == {"required": 4, "available": 3}
    assert refused.value.status == 402
    assert await entry_count(ledger) == before


@pytest.mark.parametrize("amount", [0, -1, MAX_AMOUNT + 1])
async def test_bad_amounts_are_refused_and_write_nothing(ledger: Ledger, amount: int) -> None:
    org = await ledger.organization()
    await ledger.grant(org, 10)
    held = await ledger.hold(org, 2)
    before = await entry_count(ledger)
    with pytest.raises(InvalidInput):
        await ledger.hold(org, amount)
    with pytest.raises(InvalidInput):
        await ledger.grant(org, amount)
    with pytest.raises(InvalidInput):
        await ledger(lambda service: service.capture(org, held.id, "a", amount))
    with pytest.raises(InvalidInput):
        await ledger(lambda service: service.release(org, held.id, item_key="a", amount=amount))
    adjustment = -(MAX_AMOUNT + 1) if amount == -1 else amount  # removing credits is allowed, up to the cap
    with pytest.raises(InvalidInput):
        await ledger(lambda service: service.adjust(org, adjustment, reason="typo"))
    assert await entry_count(ledger) == before


async def test_capture_is_once_per_item_and_never_exceeds_the_hold(ledger: Ledger) -> None:
    org = await ledger.organization()
    await ledger.grant(org, 10)
    held = await ledger.hold(org, 3)
    first = await ledger(lambda service: service.capture(org, held.id, "image-1", 1))
    again = await ledger(lambda service: service.capture(org, held.id, "image-1", 1))
    assert again.id == first.id
    with pytest.raises(ItemAlreadySettled):
        await ledger(lambda service: service.capture(org, held.id, "image-1", 2))
    with pytest.raises(ExceedsHold) as exceeded:
        await ledger(lambda service: service.capture(org, held.id, "image-2", 3))
    assert exceeded.value.extra == {"requested": 3, "remaining": 2}
    await ledger(lambda service: service.capture(org, held.id, "image-2", 2))
    hold = await hold_row(ledger, held.id)
    assert (hold.state, hold.captured) == (HoldState.captured, 3)
    with pytest.raises(HoldNotOpen):
        await ledger(lambda service: service.capture(org, held.id, "image-3", 1))
    balance = await ledger(lambda service: service.balance(org))
    assert (balance.available, balance.held, balance.total) == (7, 0, 7)
    assert await ledger.differences() == []


async def test_release_after_capture_and_capture_after_release_are_refused(ledger: Ledger) -> None:
    org = await ledger.organization()
    await ledger.grant(org, 10)
    captured = await ledger.hold(org, 2)
    await ledger(lambda service: service.capture(org, captured.id, "a", 2))
    with pytest.raises(HoldNotOpen):
        await ledger(lambda service: service.release(org, captured.id))

    released = await ledger.hold(org, 2)
    first = await ledger(lambda service: service.release(org, released.id))
    assert (await ledger(lambda service: service.release(org, released.id))).id == first.id  # idempotent
    with pytest.raises(HoldNotOpen):
        await ledger(lambda service: service.capture(org, released.id, "a", 1))

    mixed = await ledger.hold(org, 3)
    await ledger(lambda service: service.capture(org, mixed.id, "a", 1))
    with pytest.raises(ItemAlreadySettled):
        await ledger(lambda service: service.release(org, mixed.id, item_key="a", amount=1))
    await ledger(lambda service: service.release(org, mixed.id, item_key="b", amount=1))
    with pytest.raises(ItemAlreadySettled):
        await ledger(lambda service: service.capture(org, mixed.id, "b", 1))
    with pytest.raises(ExceedsHold):
        await ledger(lambda service: service.release(org, mixed.id, item_key="c", amount=2))
    await ledger(lambda service: service.release(org, mixed.id))  # the rest: closes the hold
    hold = await hold_row(ledger, mixed.id)
    assert (hold.state, hold.captured, hold.released) == (HoldState.captured, 1, 2)
    assert await ledger.available(org) == 7
    assert await ledger.differences() == []


async def test_unknown_holds_and_other_tenants_holds_are_not_found(ledger: Ledger) -> None:
    org, other = await ledger.organization(), await ledger.organization("Other")
    await ledger.grant(org, 5)
    held = await ledger.hold(org, 1)
    for organization_id, hold_id in ((org, uuid.uuid4()), (other, held.id)):
        with pytest.raises(HoldNotFound):
            await ledger(lambda service, o=organization_id, h=hold_id: service.capture(o, h, "a", 1))
        with pytest.raises(HoldNotFound):
            await ledger(lambda service, o=organization_id, h=hold_id: service.release(o, h))


async def test_refund_returns_credits_to_the_lots_that_paid_once(ledger: Ledger) -> None:
    org = await ledger.organization()
    paid = await ledger.grant(org, 5)
    held = await ledger.hold(org, 2)
    await ledger(lambda service: service.capture(org, held.id, "a", 2))
    assert (await lot(ledger, paid)).remaining == 3
    refund = await ledger(lambda service: service.refund(org, held.id, "a", reason="Broken image"))
    again = await ledger(lambda service: service.refund(org, held.id, "a", reason="Broken image"))
    assert again.id == refund.id
    assert refund.amount == 2
    assert refund.allocations == [{"lot_id": str(paid), "amount": 2, "held": 0}]
    assert (await lot(ledger, paid)).remaining == 5
    with pytest.raises(CaptureNotFound):
        await ledger(lambda service: service.refund(org, held.id, "never-captured"))
    assert await ledger.differences() == []


async def test_refund_after_the_lot_expired_goes_into_a_short_lived_compensation_lot(ledger: Ledger) -> None:
    org = await ledger.organization()
    now = utc_now()
    expiring = await ledger.grant(org, 3, expires_at=now + timedelta(hours=1))
    held = await ledger.hold(org, 2)
    await ledger(lambda service: service.capture(org, held.id, "a", 2))
    later = now + timedelta(hours=2)
    await ledger(lambda service: service.expire_due(org, now=later))
    refund = await ledger(lambda service: service.refund(org, held.id, "a", now=later))
    [allocation] = refund.allocations
    assert allocation["lot_id"] != str(expiring)
    compensation = await lot(ledger, uuid.UUID(allocation["lot_id"]))
    assert compensation.source == LotSource.compensation
    assert compensation.category == LotCategory.paid
    assert compensation.expires_at == later + timedelta(days=30)
    assert await ledger.available(org, now=later) == 2
    assert await ledger.differences() == []


async def test_a_clawback_shortfall_is_negative_available_that_blocks_holds_until_a_top_up(ledger: Ledger) -> None:
    org = await ledger.organization()
    pack = await ledger.grant(org, 10)
    held = await ledger.hold(org, 8)  # a running job reserves most of the pack
    await ledger(lambda service: service.clawback(org, lot_id=pack, reason="Payment refunded", reference="re_1"))
    balance = await ledger(lambda service: service.balance(org))
    assert (balance.available, balance.held, balance.debt) == (-8, 8, 8)
    with pytest.raises(InsufficientCredits):
        await ledger.hold(org, 1)
    # The job still delivers what it reserved.
    await ledger(lambda service: service.capture(org, held.id, "a", 8))
    assert await ledger.available(org) == -8
    await ledger.grant(org, 20)  # the top-up pays the shortfall first
    balance = await ledger(lambda service: service.balance(org))
    assert (balance.available, balance.debt) == (12, 0)
    await ledger.hold(org, 12)
    assert await ledger.differences() == []


async def test_adjustments_never_take_available_below_zero(ledger: Ledger) -> None:
    org = await ledger.organization()
    await ledger.grant(org, 5)
    await ledger.hold(org, 2)
    with pytest.raises(AdjustmentExceedsAvailable) as refused:
        await ledger(lambda service: service.adjust(org, -4, reason="Duplicate grant"))
    assert refused.value.extra == {"available": 3}
    entry = await ledger(lambda service: service.adjust(org, -3, reason="Duplicate grant"))
    assert (entry.type, entry.amount, entry.available_after) == (EntryType.adjust, -3, 0)
    with pytest.raises(InvalidInput):
        await ledger(lambda service: service.adjust(org, 5, reason=" "))
    await ledger(lambda service: service.adjust(org, 5, reason="Goodwill"))
    assert await ledger.available(org) == 5
    assert await ledger.differences() == []


async def test_one_lot_per_external_reference(ledger: Ledger) -> None:
    org = await ledger.organization()

    async def grant(service):  # type: ignore[no-untyped-def]
        return await service.grant(
            org, 100, source=LotSource.allotment, category=LotCategory.paid, external_reference="in_123"
        )

    first, second = await ledger(grant), await ledger(grant)
    assert first.created
    assert not second.created
    assert second.lot.id == first.lot.id
    assert await ledger.available(org) == 100


async def test_a_reference_already_paid_to_another_workspace_is_a_conflict(ledger: Ledger) -> None:
    first_org, second_org = await ledger.organization(), await ledger.organization()
    await ledger(
        lambda service: service.grant(
            first_org, 100, source=LotSource.pack, category=LotCategory.paid, external_reference="cs_1"
        )
    )
    with pytest.raises(ExternalReferenceInUse):
        await ledger(
            lambda service: service.grant(
                second_org, 100, source=LotSource.pack, category=LotCategory.paid, external_reference="cs_1"
            )
        )
    assert await ledger.available(second_org) == 0


async def test_the_same_idempotency_key_is_one_hold(ledger: Ledger) -> None:
    org = await ledger.organization()
    await ledger.grant(org, 10)
    expires = utc_now() + timedelta(hours=1)
    holds = [
        await ledger(lambda service: service.hold(org, 2, expires_at=expires, idempotency_key="gen-1"))
        for _ in range(3)
    ]
    assert len({h.id for h in holds}) == 1
    assert await ledger.available(org) == 8
    with pytest.raises(IdempotencyKeyConflict):
        await ledger(lambda service: service.hold(org, 3, expires_at=expires, idempotency_key="gen-1"))


async def test_concurrent_grant_and_spend_on_a_brand_new_account_lose_nothing(ledger: Ledger) -> None:
    for _ in range(5):
        org = await ledger.organization()
        results = await asyncio.gather(
            *(ledger.grant(org, 1) for _ in range(10)),
            *(ledger.hold(org, 1) for _ in range(10)),
            return_exceptions=True,
        )
        held = sum(1 for r in results[10:] if not isinstance(r, BaseException))
        assert all(not isinstance(r, BaseException) or isinstance(r, InsufficientCredits) for r in results)
        balance = await ledger(lambda service, o=org: service.balance(o))
        assert (balance.total, balance.held, balance.available) == (10, held, 10 - held)
    assert await ledger.differences() == []


async def test_quotes_come_from_the_cost_table(ledger: Ledger) -> None:
    quote = await ledger(lambda service: service.quote("image", {"quality": "4k", "quantity": 3}))
    assert (quote.credits, quote.cost_table_version) == (6, 1)
    assert (await ledger(lambda service: service.quote("video", {"resolution": "1080p"}))).credits == 8
    assert (await ledger(lambda service: service.quote("crop"))).credits == 0
    with pytest.raises(UnknownOperation):
        await ledger(lambda service: service.quote("teleport"))
    with pytest.raises(InvalidCostParameter):
        await ledger(lambda service: service.quote("image", {"quality": "8k"}))
    with pytest.raises(InvalidCostParameter):
        await ledger(lambda service: service.quote("image", {"quality": "1k", "quantity": 0}))
