"""Holds under real concurrency: separate database connections racing for one account's balance."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api import cli
from api.core.config import Settings, get_settings
from api.core.db import create_engine, create_sessionmaker
from api.core.time import utc_now
from api.credits.exceptions import InsufficientCredits
from api.credits.service import CreditLedgerService
from tests.credits.conftest import Ledger

CONNECTIONS = 200
BALANCE = 50
REPETITIONS = 20


@pytest.fixture
async def connections(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A pool of 200 connections of its own (the server allows 300), so every hold has a connection."""
    engine = create_engine(settings.database_url or "", pool_size=CONNECTIONS, max_overflow=0)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


async def test_200_concurrent_holds_on_a_balance_of_50_exactly_50_succeed(
    app: FastAPI,
    ledger: Ledger,
    connections: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
) -> None:
    expires_at = utc_now() + timedelta(hours=1)

    async def hold(organization_id: uuid.UUID, start: asyncio.Event) -> dict[str, int] | None:
        """None when the hold was made, else the refusal's `required` and `available`."""
        await start.wait()
        async with connections() as session:
            try:
                await CreditLedgerService(session).hold(organization_id, 1, expires_at=expires_at)
            except InsufficientCredits as refused:
                return dict(refused.extra)
            await session.commit()
            return None

    for _ in range(REPETITIONS):
        org = await ledger.organization()
        await ledger.grant(org, BALANCE)
        start = asyncio.Event()
        tasks = [asyncio.create_task(hold(org, start)) for _ in range(CONNECTIONS)]
        await asyncio.sleep(0)
        start.set()
        results = await asyncio.gather(*tasks)
        assert results.count(None) == BALANCE
        assert [r for r in results if r is not None] == [{"required": 1, "available": 0}] * (CONNECTIONS - BALANCE)
        balance = await ledger(lambda service, o=org: service.balance(o))
        assert (balance.available, balance.held, balance.total) == (0, BALANCE, BALANCE)
        assert await ledger.differences() == []

    monkeypatch.setenv("DATABASE_URL", settings.database_url or "")
    monkeypatch.setenv("REDIS_URL", settings.redis_url or "")
    get_settings.cache_clear()
    try:
        assert await asyncio.to_thread(cli.main, ["credits", "verify"]) == 0
    finally:
        get_settings.cache_clear()
    assert f"{REPETITIONS} credit account(s) checked" in capsys.readouterr().out
