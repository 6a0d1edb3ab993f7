from __future__ import annotations

import uuid
from typing import Any

from arq import Retry

from api.mail.service import deliver_email
from workers.session import task_session


async def send_email(ctx: dict[str, Any], message_id: str) -> None:
    """Deliver one outbox message; a sent message is skipped, so a duplicate delivery of the job is harmless."""
    async with task_session(ctx) as session:
        done = await deliver_email(session, uuid.UUID(message_id), ctx["settings"])
    if not done:  # SMTP refused it: try again later, the attempt is already recorded
        raise Retry(defer=30 * ctx.get("job_try", 1))
