"""Low-balance alerts fire once per threshold on the way down and re-arm after a top-up; paid credits about
to expire are announced once. Both land in-app and in the email outbox, in the same transaction."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from api.core.time import utc_now
from api.models import EmailMessage, LotCategory, LotSource
from tests.credits.conftest import Ledger
from tests.helpers import Browser, signup
from workers.credits import warn_expiring_credits


async def notices(browser: Browser, kind: str) -> list[dict[str, Any]]:
    items = (await browser.get("/notifications", params={"limit": 200})).json()["items"]
    return [n for n in items if n["kind"] == kind]


async def email_subjects(app: FastAPI, to: str) -> list[str]:
    async with app.state.sessionmaker() as session:
        rows = await session.scalars(
            select(EmailMessage).where(EmailMessage.to_address == to).order_by(EmailMessage.id)
        )
        return [m.subject for m in rows]


async def test_a_threshold_crossed_twice_without_a_top_up_notifies_once_and_again_after_one(
    app: FastAPI, browser: Browser, ledger: Ledger
) -> None:
    created = await signup(browser)
    org, email = uuid.UUID(created["organization"]["id"]), created["user"]["email"]
    await ledger.grant(org, 100)  # the last top-up: thresholds at 20, 10 and 0 available
    await ledger.hold(org, 89)  # 110 -> 21: above every threshold
    assert await notices(browser, "low_balance") == []

    dip = await ledger.hold(org, 2)  # 21 -> 19: crosses 20%
    [first] = await notices(browser, "low_balance")
    assert first["title"] == "Credits running low: 19 left"
    assert first["data"] == {"available": 19, "threshold_percent": 20, "threshold": 20}

    await ledger(lambda service: service.release(org, dip.id))  # back to 21: a release is not a top-up
    await ledger.hold(org, 2)  # 19 again: crossed a second time without a top-up
    assert len(await notices(browser, "low_balance")) == 1

    await ledger.hold(org, 9)  # 10: the next threshold down fires on its own
    await ledger.hold(org, 10)  # 0: out of credits
    titles = [n["title"] for n in await notices(browser, "low_balance")]
    assert titles == ["You are out of credits", "Credits running low: 10 left", "Credits running low: 19 left"]

    await ledger.grant(org, 100)  # top-up: re-armed
    await ledger.hold(org, 81)  # 100 -> 19
    latest, *older = await notices(browser, "low_balance")
    assert (latest["title"], len(older)) == ("Credits running low: 19 left", 3)
    assert (await email_subjects(app, email)).count("Credits running low: 19 left") == 2
    assert await ledger.differences() == []


async def test_email_follows_the_members_preference_and_everyone_sees_the_notice(
    app: FastAPI, browser: Browser, ledger: Ledger
) -> None:
    created = await signup(browser)
    org, email = uuid.UUID(created["organization"]["id"]), created["user"]["email"]
    response = await browser.put("/notifications/preferences", json={"email": {"low_balance": False}})
    assert response.status_code == 200
    await ledger.hold(org, 10)  # the trial's 10 credits, all reserved: out of credits
    assert [n["title"] for n in await notices(browser, "low_balance")] == ["You are out of credits"]
    assert "You are out of credits" not in await email_subjects(app, email)


async def test_paid_credits_expiring_within_7_days_are_announced_once(
    app: FastAPI, browser: Browser, ledger: Ledger
) -> None:
    created = await signup(browser)
    org, email = uuid.UUID(created["organization"]["id"]), created["user"]["email"]
    now = utc_now()
    await ledger.grant(org, 30, expires_at=now + timedelta(days=5))
    await ledger.grant(org, 7, expires_at=now + timedelta(days=6), category=LotCategory.promotional)
    await ledger.grant(org, 40, expires_at=now + timedelta(days=20))
    ctx = {"sessionmaker": app.state.sessionmaker, "redis": app.state.arq, "settings": app.state.settings}
    assert await warn_expiring_credits(ctx) == 1
    assert await warn_expiring_credits(ctx) == 0
    [notice] = await notices(browser, "credits_expiring")
    assert notice["title"].startswith("30 paid credits expire on ")
    assert notice["data"]["credits"] == 30
    assert notice["title"] in await email_subjects(app, email)


async def test_a_small_goodwill_grant_re_arms_but_keeps_the_thresholds_of_the_last_top_up(
    browser: Browser, ledger: Ledger
) -> None:
    created = await signup(browser)
    org = uuid.UUID(created["organization"]["id"])
    await ledger.grant(org, 100)  # the last top-up: thresholds at 20 and 10 of 110 available
    await ledger.hold(org, 85)  # 25 left
    await ledger.grant(org, 1, category=LotCategory.promotional, source=LotSource.compensation)  # 26
    await ledger.hold(org, 7)  # 19: still 20% of the 100-credit top-up, not of the 1-credit grant
    [notice] = await notices(browser, "low_balance")
    assert notice["data"] == {"available": 19, "threshold_percent": 20, "threshold": 20}
