"""The weekly usage digest: once per organization and local week (Monday to Sunday in the workspace's time
zone), sent after the week ends. Every worker runs the cron; the `usage_digests` primary key decides who sends:
the digest row, the in-app notices and the emails are written in one transaction, and a second worker's insert
of the same (organization, week) waits for the first and then does nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Date, cast, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Organization, Role, UsageDigest
from api.notifications.service import NotificationService
from api.usage.service import UsageService

DIGEST_BATCH = 200
ALL_ROLES = (Role.owner, Role.admin, Role.member, Role.viewer)


@dataclass(frozen=True)
class DueDigest:
    organization_id: uuid.UUID
    time_zone: str
    week_start: date


class DigestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def due(self, now: datetime, limit: int = DIGEST_BATCH) -> list[DueDigest]:
        """Organizations whose last full local week has no digest yet (and that existed before it ended)."""
        this_week = func.date_trunc("week", func.timezone(Organization.time_zone, now))
        last_week = cast(this_week - timedelta(days=7), Date)
        sent = (
            select(UsageDigest.organization_id)
            .where(UsageDigest.organization_id == Organization.id, UsageDigest.week_start == last_week)
            .exists()
        )
        statement = (
            select(Organization.id, Organization.time_zone, last_week)
            .where(~sent, Organization.created_at < func.timezone(Organization.time_zone, this_week))
            .order_by(Organization.id)
            .limit(limit)
        )
        return [DueDigest(row[0], row[1], row[2]) for row in (await self.session.execute(statement)).all()]

    async def claim(self, digest: DueDigest, now: datetime, summary: dict[str, object]) -> bool:
        """Record the digest; False when another worker recorded it first."""
        inserted = await self.session.scalar(
            insert(UsageDigest)
            .values(organization_id=digest.organization_id, week_start=digest.week_start, sent_at=now, summary=summary)
            .on_conflict_do_nothing()
            .returning(UsageDigest.organization_id)
        )
        return inserted is not None


async def send_digest(session: AsyncSession, digest: DueDigest, now: datetime) -> bool:
    """Write one organization's digest for one week (with its notices and emails); False if it already exists."""
    end = digest.week_start + timedelta(days=6)
    summary = await UsageService(session, digest.organization_id).summary(
        group_by="operation", start=digest.week_start, end=end, tz=digest.time_zone, now=now
    )
    totals = summary.totals
    images, videos = summary.delivered("image"), summary.delivered("video")
    active = bool(totals.captures or totals.refunds or totals.failed or totals.released)
    record: dict[str, object] = {
        "net": totals.net,
        "captured": totals.captured,
        "refunded": totals.refunded,
        "released": totals.released,
        "delivered_images": images,
        "delivered_videos": videos,
        "failed": totals.failed,
        "available": summary.burn.available,
        "notified": active,
    }
    if not await DigestRepository(session).claim(digest, now, record):
        return False
    if not active:
        return True  # nothing happened that week: recorded, not mailed
    runs_out = (
        f" At the pace of the last {summary.burn.window_days} days they last until about "
        f"{summary.burn.runs_out_on:%d %B %Y}."
        if summary.burn.runs_out_on
        else ""
    )
    rate = f"{summary.failure_rate:.0%}" if summary.failure_rate is not None else "0%"
    await NotificationService(session).notify_organization(
        digest.organization_id,
        "weekly_digest",
        title=f"Your week in Epox: {totals.net} credits, {images} images, {videos} videos",
        body=(
            f"Week of {digest.week_start:%d %B %Y}: {totals.net} credits used for {images} images and {videos} "
            f"videos delivered; {totals.failed} outputs failed ({rate}) and their {totals.released} reserved "
            f"credits went back. You have {summary.burn.available} credits available.{runs_out}"
        ),
        data={"week_start": digest.week_start.isoformat(), **record},
        email_roles=ALL_ROLES,
    )
    return True
