"""Outgoing mail: written to the outbox inside the caller's transaction, delivered by the worker after commit.

With SMTP configured the worker sends it; without, the message stays in the outbox (listed on the dev page)
and is written to the log, so every flow can be completed locally.
"""

from __future__ import annotations

import logging
import uuid
from email.message import EmailMessage as MimeMessage

import aiosmtplib
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.config import Settings
from api.core.queue import DEFAULT_QUEUE, enqueue_after_commit
from api.core.time import utc_now
from api.mail.repository import EmailRepository
from api.models import EmailMessage

logger = logging.getLogger("epox.mail")

MAX_ATTEMPTS = 5


async def queue_email(session: AsyncSession, *, to: str, subject: str, body: str) -> EmailMessage:
    message = await EmailRepository(session).add(EmailMessage(to_address=to, subject=subject, body_text=body))
    enqueue_after_commit(session, "send_email", str(message.id), queue=DEFAULT_QUEUE, job_id=f"email:{message.id}")
    return message


async def deliver_email(session: AsyncSession, message_id: uuid.UUID, settings: Settings) -> bool:
    """Send one outbox message; safe to run twice (a sent message is skipped). True when it is done."""
    repository = EmailRepository(session)
    message = await repository.get(message_id, for_update=True)
    if message is None or message.sent_at is not None:
        return True
    if settings.smtp_host is None:
        logger.info(
            "email (no SMTP configured; kept in the outbox)",
            extra={"to": message.to_address, "subject": message.subject, "body": message.body_text},
        )
        await repository.update(message, sent_at=utc_now(), attempts=message.attempts + 1)
        return True
    mime = MimeMessage()
    mime["From"] = settings.mail_from
    mime["To"] = message.to_address
    mime["Subject"] = message.subject
    mime.set_content(message.body_text)
    try:
        await aiosmtplib.send(
            mime,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            start_tls=settings.smtp_starttls,
            timeout=20,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        await repository.update(message, attempts=message.attempts + 1, last_error=str(exc)[:1000])
        return message.attempts >= MAX_ATTEMPTS
    await repository.update(message, sent_at=utc_now(), attempts=message.attempts + 1, last_error=None)
    return True
