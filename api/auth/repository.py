from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update

from api.core.repository import Repository
from api.models import ApiKey, Membership, Organization, TokenPurpose, User, UserSession, UserToken


class UserRepository(Repository[User]):
    model = User

    async def get_by_email(self, email: str) -> User | None:
        user: User | None = await self.session.scalar(select(User).where(User.email == email.lower()))
        return user


class UserSessionRepository(Repository[UserSession]):
    model = UserSession

    async def get_live_by_hash(self, token_hash: bytes, now: datetime) -> UserSession | None:
        statement = select(UserSession).where(
            UserSession.token_hash == token_hash,
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > now,
        )
        result: UserSession | None = await self.session.scalar(statement)
        return result

    async def revoke_all_for_user(self, user_id: uuid.UUID, now: datetime, *, keep: uuid.UUID | None = None) -> None:
        statement = (
            update(UserSession)
            .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        if keep is not None:
            statement = statement.where(UserSession.id != keep)
        await self.session.execute(statement)


class UserTokenRepository(Repository[UserToken]):
    model = UserToken

    async def get_by_hash_for_update(self, token_hash: bytes, purpose: TokenPurpose) -> UserToken | None:
        statement = (
            select(UserToken).where(UserToken.token_hash == token_hash, UserToken.purpose == purpose).with_for_update()
        )
        result: UserToken | None = await self.session.scalar(statement)
        return result

    async def use_all_for_user(self, user_id: uuid.UUID, purpose: TokenPurpose, now: datetime) -> None:
        """Burn every outstanding token of this kind (a new one, or a completed flow, voids the old links)."""
        await self.session.execute(
            update(UserToken)
            .where(UserToken.user_id == user_id, UserToken.purpose == purpose, UserToken.used_at.is_(None))
            .values(used_at=now)
        )


class ApiKeyLookupRepository(Repository[ApiKey]):
    """Finds a key by its secret across tenants: the key itself names the tenant."""

    model = ApiKey

    async def get_active_by_hash(self, secret_hash: bytes) -> ApiKey | None:
        statement = select(ApiKey).where(ApiKey.secret_hash == secret_hash, ApiKey.revoked_at.is_(None))
        result: ApiKey | None = await self.session.scalar(statement)
        return result

    async def touch(self, key: ApiKey, now: datetime, *, min_interval_s: int = 60) -> None:
        """Record use at most once a minute, so a busy integration does not serialize on the key's row."""
        if key.last_used_at is None or (now - key.last_used_at).total_seconds() >= min_interval_s:
            await self.session.execute(update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now))


class MembershipLookupRepository(Repository[Membership]):
    """A user's memberships across organizations (for sign-in and the workspace switcher)."""

    model = Membership

    async def get_for(self, user_id: uuid.UUID, organization_id: uuid.UUID) -> Membership | None:
        statement = select(Membership).where(
            Membership.user_id == user_id, Membership.organization_id == organization_id
        )
        result: Membership | None = await self.session.scalar(statement)
        return result

    async def list_for_user(self, user_id: uuid.UUID) -> list[tuple[Membership, Organization]]:
        statement = (
            select(Membership, Organization)
            .join(Organization, Organization.id == Membership.organization_id)
            .where(Membership.user_id == user_id)
            .order_by(Membership.created_at, Membership.id)
        )
        return [(m, o) for m, o in (await self.session.execute(statement)).all()]
