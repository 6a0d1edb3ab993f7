"""Platform admins for the admin tests: a signed-in user made admin the way `epox admin grant-admin` does."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select, update

from api.models import AuditLog, User
from tests.helpers import Browser, signup


async def make_admin(app: FastAPI, browser: Browser, **fields: Any) -> dict[str, Any]:
    created = await signup(browser, **fields)
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(
            update(User).where(User.id == uuid.UUID(created["user"]["id"])).values(is_platform_admin=True)
        )
    return created


async def audit_rows(app: FastAPI, action: str | None = None) -> list[AuditLog]:
    async with app.state.sessionmaker() as session:
        statement = select(AuditLog).order_by(AuditLog.created_at, AuditLog.id)
        if action is not None:
            statement = statement.where(AuditLog.action == action)
        return list((await session.scalars(statement)).all())
