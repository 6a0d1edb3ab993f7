"""The demo workspace `make run` seeds, so a first visit has something to sign in to."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.repository import UserRepository
from api.core.security import hash_password
from api.core.time import utc_now
from api.models import User
from api.organizations.service import OrganizationService

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "epox-demo-studio"  # noqa: S105 - a published local demo login, never created in production
DEMO_WORKSPACE = "Demo Furniture Co."


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    created: bool


async def seed_demo(session: AsyncSession) -> DemoLogin:
    """Create the demo user and workspace once; later runs leave them as they are."""
    users = UserRepository(session)
    if await users.get_by_email(DEMO_EMAIL) is not None:
        return DemoLogin(DEMO_EMAIL, DEMO_PASSWORD, created=False)
    user = await users.add(
        User(
            email=DEMO_EMAIL,
            name="Demo Merchant",
            password_hash=hash_password(DEMO_PASSWORD),
            email_verified_at=utc_now(),
        )
    )
    organization = await OrganizationService(session).create_with_owner(user, DEMO_WORKSPACE)
    user.last_organization_id = organization.id
    await session.flush()
    return DemoLogin(DEMO_EMAIL, DEMO_PASSWORD, created=True)
