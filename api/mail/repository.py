from __future__ import annotations

import uuid
from datetime import datetime

from api.core.repository import Repository
from api.models import EmailMessage


class EmailRepository(Repository[EmailMessage]):
    model = EmailMessage

    async def latest(self, limit: int) -> list[EmailMessage]:
        statement = self.base_statement().order_by(EmailMessage.id.desc()).limit(limit)
        return list((await self.session.scalars(statement)).all())

    async def unsent_ids(self, *, created_before: datetime, max_attempts: int, limit: int) -> list[uuid.UUID]:
        statement = (
            self.base_statement()
            .with_only_columns(EmailMessage.id)
            .where(
                EmailMessage.sent_at.is_(None),
                EmailMessage.attempts < max_attempts,
                EmailMessage.created_at < created_before,
            )
            .order_by(EmailMessage.id)
            .limit(limit)
        )
        return list((await self.session.scalars(statement)).all())
