"""The weekly usage digest cron step (api/usage/digest.py): safe on every worker at once, one digest per
organization and week."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.core.time import utc_now
from api.usage.digest import DigestRepository, send_digest
from workers.session import task_session


async def send_weekly_digests(ctx: dict[str, Any], *, now: datetime | None = None) -> int:
    """Send the digests that are due (a batch per run); each in its own short transaction."""
    now = now or utc_now()
    async with task_session(ctx) as session:
        due = await DigestRepository(session).due(now)
    sent = 0
    for digest in due:
        async with task_session(ctx) as session:
            sent += await send_digest(session, digest, now)
    return sent
