"""Entries are append-only: the application never updates or deletes one, and the database refuses to."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import delete, event, select, text, update
from sqlalchemy.exc import DBAPIError

from api.core.time import utc_now
from api.models import CreditEntry, Organization, User
from tests.credits.conftest import Ledger
from tests.helpers import Browser, signup
from workers.credits import expire_credit_lots, release_expired_holds, warn_expiring_credits

CHANGES_ENTRIES = re.compile(
    r"\b(UPDATE\s+credit_entries\b|DELETE\s+FROM\s+credit_entries\b|TRUNCATE\b[^;]*\bcredit_entries\b)", re.I
)


@contextmanager
def statements(app: FastAPI) -> Iterator[list[str]]:
    """Every SQL statement the app's engine sends while the block runs."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(app.state.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(app.state.engine.sync_engine, "before_cursor_execute", record)


async def test_the_application_never_updates_or_deletes_an_entry(
    app: FastAPI, browser: Browser, ledger: Ledger
) -> None:
    with statements(app) as seen:
        created = await signup(browser)
        org = uuid.UUID(created["organization"]["id"])
        async with app.state.sessionmaker() as session:
            await session.execute(
                update(User).where(User.email == created["user"]["email"]).values(is_platform_admin=True)
            )
            await session.commit()
        url = f"/admin/organizations/{org}"
        assert (await browser.post(f"{url}/credit-grants", json={"amount": 20, "reason": "x"})).status_code == 201
        assert (await browser.post(f"{url}/credit-adjustments", json={"amount": -1, "reason": "y"})).status_code == 201
        now = utc_now()
        pack = await ledger.grant(org, 10, expires_at=now + timedelta(days=3))
        first = await ledger.hold(org, 5)
        await ledger(lambda s: s.capture(org, first.id, "a", 2))
        await ledger(lambda s: s.release(org, first.id, item_key="b", amount=1))
        await ledger(lambda s: s.refund(org, first.id, "a"))
        await ledger(lambda s: s.release(org, first.id))
        second = await ledger.hold(org, 3, minutes=1)
        await ledger(lambda s: s.clawback(org, lot_id=pack, reason="Refunded", reference="re_1"))
        await ledger(lambda s: s.adjust(org, 40, reason="Goodwill"))
        ctx = {"sessionmaker": app.state.sessionmaker, "redis": app.state.arq, "settings": app.state.settings}
        await ledger(lambda s: s.expire_hold(org, second.id, now=now + timedelta(minutes=2)))
        await ledger(lambda s: s.expire_due(org, now=now + timedelta(days=40)))
        for step in (release_expired_holds, expire_credit_lots, warn_expiring_credits):
            await step(ctx)
        assert (await browser.get("/credits/entries", params={"format": "csv"})).status_code == 200
        assert await ledger.differences() == []

    async with app.state.sessionmaker() as session:
        types = set((await session.scalars(select(CreditEntry.type))).all())
    assert {t.value for t in types} == {"grant", "hold", "capture", "release", "refund", "expire", "adjust", "clawback"}
    assert any("INSERT INTO credit_entries" in s for s in seen)
    offending = [s for s in seen if CHANGES_ENTRIES.search(s)]
    assert offending == []


async def test_the_database_refuses_to_update_or_delete_an_entry(app: FastAPI, ledger: Ledger) -> None:
    org = await ledger.organization()
    await ledger.grant(org, 5)
    for statement in (
        update(CreditEntry).values(amount=500),
        update(CreditEntry).values(reason="rewritten history"),
        delete(CreditEntry),
    ):
        async with app.state.sessionmaker() as session:
            with pytest.raises(DBAPIError, match="append-only"):
                await session.execute(statement)
    assert await ledger.available(org) == 5


async def test_entries_go_only_with_their_organization(app: FastAPI, ledger: Ledger) -> None:
    org = await ledger.organization()
    await ledger.grant(org, 5)
    async with app.state.sessionmaker() as session:
        await session.execute(delete(Organization).where(Organization.id == org))  # the cascade is allowed
        await session.commit()
        remaining = await session.scalar(text("SELECT count(*) FROM credit_entries"))
    assert remaining == 0
