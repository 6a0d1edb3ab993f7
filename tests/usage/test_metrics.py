"""Prometheus metrics: credits held and captured counted when their transaction commits (not when it rolls
back), jobs by kind and status, queue depth."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from fastapi import FastAPI
from prometheus_client import REGISTRY

from api.core.time import utc_now
from api.credits.service import CreditLedgerService
from tests.credits.conftest import Ledger
from tests.helpers import Browser, signup


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_credit_movements_are_counted_once_committed(app: FastAPI, browser: Browser) -> None:
    org = uuid.UUID((await signup(browser))["organization"]["id"])
    ledger = Ledger(app.state.sessionmaker)
    held, captured = _value("epox_credits_total", movement="held"), _value("epox_credits_total", movement="captured")
    hold = await ledger.hold(org, 3)
    await ledger(lambda service: service.capture(org, hold.id, "0", 2))
    assert _value("epox_credits_total", movement="held") == held + 3
    assert _value("epox_credits_total", movement="captured") == captured + 2

    async with app.state.sessionmaker() as session:  # rolled back: not counted
        await CreditLedgerService(session).hold(org, 1, expires_at=utc_now() + timedelta(hours=1))
        await session.rollback()
    assert _value("epox_credits_total", movement="held") == held + 3

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        scraped = (await client.get("/metrics")).text
    assert 'epox_queue_depth{queue="epox:image"}' in scraped
    assert "epox_credits_total" in scraped


async def test_jobs_are_counted_by_kind_and_status(app: FastAPI, browser: Browser) -> None:
    from tests.jobs.helpers import create_job

    created = await signup(browser)
    before = _value("epox_jobs_total", kind="sync", status="queued")
    await create_job(app, str(created["organization"]["id"]))
    assert _value("epox_jobs_total", kind="sync", status="queued") == before + 1
