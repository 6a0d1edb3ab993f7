"""Helpers for the ledger tests: organizations made directly in the database, one transaction per operation
(as a request or a task would run it), and the ledger's own consistency check after the fact."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TypeVar

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.core.time import utc_now
from api.credits.service import CreditLedgerService, HeldCredits
from api.models import LotCategory, LotSource, Organization

T = TypeVar("T")


class Ledger:
    """Runs each ledger operation in its own committed transaction; a raised error rolls it back."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def __call__(self, operation: Callable[[CreditLedgerService], Awaitable[T]]) -> T:
        async with self.sessions() as session:
            result = await operation(CreditLedgerService(session))
            await session.commit()
            return result

    async def organization(self, name: str = "Ledger Co") -> uuid.UUID:
        async with self.sessions() as session:
            organization = Organization(name=name)
            session.add(organization)
            await session.commit()
            return organization.id

    async def grant(
        self,
        organization_id: uuid.UUID,
        amount: int,
        *,
        category: LotCategory = LotCategory.paid,
        expires_at: datetime | None = None,
        priority: int = 0,
        now: datetime | None = None,
        source: LotSource | None = None,
    ) -> uuid.UUID:
        grant = await self(
            lambda ledger: ledger.grant(
                organization_id,
                amount,
                source=source or (LotSource.pack if category == LotCategory.paid else LotSource.promo),
                category=category,
                expires_at=expires_at,
                priority=priority,
                now=now,
            )
        )
        return grant.lot.id

    async def hold(
        self, organization_id: uuid.UUID, amount: int, *, now: datetime | None = None, minutes: int = 60
    ) -> HeldCredits:
        moment = now or utc_now()
        return await self(
            lambda ledger: ledger.hold(organization_id, amount, expires_at=moment + timedelta(minutes=minutes), now=now)
        )

    async def available(self, organization_id: uuid.UUID, *, now: datetime | None = None) -> int:
        return (await self(lambda ledger: ledger.balance(organization_id, now=now))).available

    async def differences(self) -> list[str]:
        _, differences = await self(lambda ledger: ledger.verify())
        return [str(d) for d in differences]


@pytest.fixture
def ledger(app: FastAPI) -> Ledger:
    return Ledger(app.state.sessionmaker)
