"""Read-only support access: a platform admin opens a merchant's workspace for a limited time, with a reason.

The grant is bound to the admin's sign-in session. While it is live, workspace routes (`require_role`) see that
session as acting in the merchant's workspace, and every unsafe method is refused (403) before the endpoint runs.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import SupportAccessGrant


async def live_grant_for_session(
    session: AsyncSession, session_id: uuid.UUID, now: datetime
) -> SupportAccessGrant | None:
    statement = (
        select(SupportAccessGrant)
        .where(
            SupportAccessGrant.session_id == session_id,
            SupportAccessGrant.ended_at.is_(None),
            SupportAccessGrant.expires_at > now,
        )
        .order_by(SupportAccessGrant.created_at.desc())
        .limit(1)
    )
    result: SupportAccessGrant | None = await session.scalar(statement)
    return result


async def end_grants_for_session(session: AsyncSession, session_id: uuid.UUID, now: datetime) -> None:
    """One workspace at a time: opening another ends the session's earlier grants."""
    await session.execute(
        update(SupportAccessGrant)
        .where(SupportAccessGrant.session_id == session_id, SupportAccessGrant.ended_at.is_(None))
        .values(ended_at=now)
    )
