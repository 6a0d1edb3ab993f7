"""The credit ledger's reconciler steps. Each finds due work with one read, then does it one organization (or
hold) at a time in its own short transaction under that account's lock, so it is idempotent and safe to run on
several workers at once: the second runner finds the work done and writes nothing."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.core.idempotency import IdempotencyRepository
from api.core.time import utc_now
from api.credits.repository import LedgerScanRepository
from api.credits.service import EXPIRING_SOON_DAYS, CreditLedgerService
from workers.session import task_session

logger = logging.getLogger("epox.reconciler")

BATCH = 500


async def _each(
    ctx: dict[str, Any], items: list[Any], work: Callable[[AsyncSession, Any], Awaitable[int]], step: str
) -> int:
    """Run `work` per item in its own transaction; one failing item is logged and does not stop the rest."""
    done = 0
    for item in items:
        try:
            async with task_session(ctx) as session:
                done += await work(session, item)
        except Exception:
            logger.exception("reconcile item failed", extra={"step": step, "item": str(item)})
    return done


async def release_expired_holds(ctx: dict[str, Any]) -> int:
    """Holds past their expiry (the job died or overran) are released, exactly once."""
    now = utc_now()
    async with task_session(ctx) as session:
        due = await LedgerScanRepository(session).expired_open_holds(now, BATCH)

    async def release(session: AsyncSession, item: tuple[uuid.UUID, uuid.UUID]) -> int:
        organization_id, hold_id = item
        return int(await CreditLedgerService(session).expire_hold(organization_id, hold_id, now=now) is not None)

    return await _each(ctx, due, release, "release_expired_holds")


async def expire_credit_lots(ctx: dict[str, Any]) -> int:
    """One expiry entry per lot past its expiry (balances already ignore such lots; this writes the history)."""
    now = utc_now()
    async with task_session(ctx) as session:
        due = await LedgerScanRepository(session).organizations_with_expired_lots(now, BATCH)

    async def expire(session: AsyncSession, organization_id: uuid.UUID) -> int:
        return len(await CreditLedgerService(session).expire_due(organization_id, now=now))

    return await _each(ctx, due, expire, "expire_credit_lots")


async def warn_expiring_credits(ctx: dict[str, Any]) -> int:
    """ "Paid credits expire in 7 days", once per lot."""
    now = utc_now()
    async with task_session(ctx) as session:
        due = await LedgerScanRepository(session).organizations_with_paid_credits_expiring(
            now, now + timedelta(days=EXPIRING_SOON_DAYS), BATCH
        )

    async def warn(session: AsyncSession, organization_id: uuid.UUID) -> int:
        return int(await CreditLedgerService(session).warn_expiring(organization_id, now=now) > 0)

    return await _each(ctx, due, warn, "warn_expiring_credits")


async def purge_idempotency_records(ctx: dict[str, Any]) -> int:
    """Stored Idempotency-Key responses older than their 24 hours."""
    async with task_session(ctx) as session:
        return await IdempotencyRepository(session).purge_expired(utc_now(), 5000)


CREDIT_RECONCILE_STEPS = [release_expired_holds, expire_credit_lots, warn_expiring_credits, purge_idempotency_records]
