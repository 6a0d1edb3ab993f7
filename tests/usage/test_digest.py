"""Acceptance 5: the weekly digest with a moved clock: one per organization per week, with two workers running
the cron at the same moment; nothing for a week that has not ended, nothing twice."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from sqlalchemy import func, select

from api.models import EmailMessage, Notification, UsageDigest
from tests.credits.conftest import Ledger
from tests.helpers import Browser, make_browser, signup, worker_ctx
from workers.digest import send_weekly_digests

MONDAY = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)  # a Monday morning, after the week of 24 Feb - 2 Mar


async def _count(app: FastAPI, model: type, *where: object) -> int:
    async with app.state.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


async def test_one_digest_per_organization_per_week_with_two_workers(app: FastAPI, browser: Browser) -> None:
    shops = []
    for name in ("Digest One", "Digest Two", "Digest Three"):
        async with make_browser(app) as client:
            shops.append(uuid.UUID((await signup(client, organization_name=name))["organization"]["id"]))
    ledger = Ledger(app.state.sessionmaker)
    from sqlalchemy import update

    from api.models import Organization

    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(update(Organization).values(created_at=MONDAY - timedelta(days=60)))
        await session.execute(
            update(Organization).where(Organization.id == shops[1]).values(time_zone="Pacific/Kiritimati")
        )
    for org in shops[:2]:
        await ledger.grant(org, 100, now=MONDAY - timedelta(days=10))
        hold = await ledger.hold(org, 3, now=MONDAY - timedelta(days=3))
        await ledger(lambda s, o=org, h=hold: s.capture(o, h.id, "0", 2, now=MONDAY - timedelta(days=3)))
        await ledger(lambda s, o=org, h=hold: s.release(o, h.id, now=MONDAY - timedelta(days=3)))
    ctx = worker_ctx(app)

    before_week_end = MONDAY - timedelta(days=1)  # Sunday: the week before that ended too, nothing in it
    sent = await asyncio.gather(*(send_weekly_digests(ctx, now=before_week_end) for _ in range(2)))
    assert sum(sent) == 3
    assert await _count(app, Notification, Notification.kind == "weekly_digest") == 0, "quiet weeks mail nothing"

    sent = await asyncio.gather(*(send_weekly_digests(ctx, now=MONDAY) for _ in range(2)))
    assert sum(sent) == 3, "each organization's week once, whichever worker got there first"
    again = await asyncio.gather(*(send_weekly_digests(ctx, now=MONDAY + timedelta(hours=h)) for h in (1, 30)))
    assert sum(again) == 0
    assert await _count(app, UsageDigest) == 6
    notices = await _count(app, Notification, Notification.kind == "weekly_digest")
    assert notices == 2, "one notice per member of the two active organizations"
    async with app.state.sessionmaker() as session:
        subjects = (
            await session.scalars(select(EmailMessage.subject).where(EmailMessage.subject.like("Your week%")))
        ).all()
    assert sorted(subjects) == ["Your week in Epox: 2 credits, 0 images, 0 videos"] * 2

    next_week = await asyncio.gather(*(send_weekly_digests(ctx, now=MONDAY + timedelta(days=7)) for _ in range(2)))
    assert sum(next_week) == 3
    assert await _count(app, UsageDigest) == 9
