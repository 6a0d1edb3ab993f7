"""Expiry with a moved clock, and the reconciler's credit steps run twice at once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from api.core.time import utc_now
from api.credits.exceptions import InsufficientCredits
from api.models import CreditEntry, CreditHold, EntryType, HoldState
from tests.credits.conftest import Ledger
from tests.helpers import Browser, signup
from workers.credits import expire_credit_lots, release_expired_holds


def move_clock(monkeypatch: pytest.MonkeyPatch, to: datetime) -> None:
    """The app's one clock, as the service and the reconciler see it."""
    clock: Callable[[], datetime] = lambda: to  # noqa: E731
    for module in ("api.credits.service", "workers.credits"):
        monkeypatch.setattr(f"{module}.utc_now", clock)


async def entries_of(app: FastAPI, type_: EntryType) -> list[CreditEntry]:
    async with app.state.sessionmaker() as session:
        return list((await session.scalars(select(CreditEntry).where(CreditEntry.type == type_))).all())


def reconciler(app: FastAPI) -> dict[str, Any]:
    return {"sessionmaker": app.state.sessionmaker, "redis": app.state.arq, "settings": app.state.settings}


async def test_an_expired_lot_stops_counting_before_the_sweep_and_two_sweeps_write_one_entry(
    app: FastAPI, browser: Browser, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = await signup(browser)  # 10 trial credits, 30 days
    organization_id = uuid.UUID(created["organization"]["id"])
    now = utc_now()
    await ledger.grant(organization_id, 5, expires_at=now + timedelta(hours=1))
    assert (await browser.get("/credits/balance")).json()["available"] == 15

    later = now + timedelta(hours=1, minutes=1)
    move_clock(monkeypatch, later)
    balance = (await browser.get("/credits/balance")).json()
    assert (balance["available"], balance["total"]) == (10, 10)
    assert [lot["source"] for lot in balance["lots"]] == ["trial"]
    with pytest.raises(InsufficientCredits):
        await ledger.hold(organization_id, 11, now=later)
    assert await entries_of(app, EntryType.expire) == []

    results = await asyncio.gather(*(ledger(lambda s: s.expire_due(organization_id, now=later)) for _ in range(2)))
    assert sorted(len(written) for written in results) == [0, 1]
    [expired] = await entries_of(app, EntryType.expire)
    assert (expired.amount, expired.available_after) == (-5, 10)
    assert sorted(await asyncio.gather(*(expire_credit_lots(reconciler(app)) for _ in range(2)))) == [0, 0]
    history = (await browser.get("/credits/entries", params={"type": "expire"})).json()["items"]
    assert [(e["type"], e["amount"]) for e in history] == [("expire", -5)]
    assert await ledger.differences() == []


async def test_concurrent_reconcilers_expire_each_lot_once(
    app: FastAPI, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = utc_now()
    organizations = [await ledger.organization(f"Org {i}") for i in range(3)]
    for org in organizations:
        await ledger.grant(org, 4, expires_at=now + timedelta(minutes=5))
        await ledger.grant(org, 1)
    move_clock(monkeypatch, now + timedelta(minutes=6))
    counts = await asyncio.gather(*(expire_credit_lots(reconciler(app)) for _ in range(3)))
    assert sum(counts) == 3
    assert len(await entries_of(app, EntryType.expire)) == 3
    assert [await ledger.available(org, now=now + timedelta(minutes=6)) for org in organizations] == [1, 1, 1]
    assert await ledger.differences() == []


async def test_a_lot_reserved_by_a_running_job_expires_once_the_hold_is_settled(
    app: FastAPI, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = await ledger.organization()
    now = utc_now()
    await ledger.grant(org, 5, expires_at=now + timedelta(minutes=30))
    held = await ledger.hold(org, 2, minutes=120)
    later = now + timedelta(hours=1)
    assert await ledger(lambda s: s.expire_due(org, now=later)) == []  # the job still holds 2 of it
    balance = await ledger(lambda s: s.balance(org, now=later))
    assert (balance.available, balance.held) == (0, 2)
    await ledger(lambda s: s.capture(org, held.id, "a", 1, now=later))  # what was reserved can still be charged
    await ledger(lambda s: s.release(org, held.id, now=later))
    [expired] = await ledger(lambda s: s.expire_due(org, now=later))
    assert expired.amount == -4
    assert await ledger.differences() == []


async def test_a_hold_past_its_expiry_is_released_exactly_once_by_concurrent_reconcilers(
    app: FastAPI, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = await ledger.organization()
    await ledger.grant(org, 10)
    held = await ledger.hold(org, 4, minutes=10)  # the worker died: nobody captures or releases it
    assert await ledger.available(org) == 6
    assert await release_expired_holds(reconciler(app)) == 0  # not due yet

    move_clock(monkeypatch, utc_now() + timedelta(minutes=11))
    released = await asyncio.gather(*(release_expired_holds(reconciler(app)) for _ in range(3)))
    assert sum(released) == 1
    [release] = await entries_of(app, EntryType.release)
    assert (release.held_delta, release.hold_id) == (-4, held.id)
    async with app.state.sessionmaker() as session:
        hold = await session.get(CreditHold, held.id)
        assert hold is not None
        assert hold.state == HoldState.expired
        assert await session.scalar(select(func.count()).select_from(CreditEntry)) == 3
    assert await ledger.available(org) == 10
    assert await ledger.differences() == []
