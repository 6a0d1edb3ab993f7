from __future__ import annotations

import uuid

from sqlalchemy import Select, func, select

from api.core.pagination import PageParams, paginate
from api.core.repository import Repository, TenantRepository
from api.models import ApiKey, Invitation, Membership, Organization, Role, User


class OrganizationRepository(Repository[Organization]):
    model = Organization


class MembershipRepository(TenantRepository[Membership]):
    model = Membership

    def _with_users(self) -> Select[Membership, User]:
        return (
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.organization_id == self.organization_id)
        )

    async def list_page(self, params: PageParams) -> tuple[list[tuple[Membership, User]], str | None]:
        memberships, cursor = await paginate(
            self.session, self.base_statement(), params, order_by=(Membership.id,), descending=False
        )
        users = {
            u.id: u
            for u in await self.session.scalars(select(User).where(User.id.in_([m.user_id for m in memberships])))
        }
        return [(m, users[m.user_id]) for m in memberships], cursor

    async def get_with_user(self, user_id: uuid.UUID, *, for_update: bool = False) -> tuple[Membership, User] | None:
        statement = self._with_users().where(Membership.user_id == user_id)
        if for_update:
            statement = statement.with_for_update(of=Membership)
        row = (await self.session.execute(statement)).first()
        return (row[0], row[1]) if row else None

    async def get_by_email(self, email: str) -> Membership | None:
        statement = self.base_statement().join(User, User.id == Membership.user_id).where(User.email == email.lower())
        result: Membership | None = await self.session.scalar(statement)
        return result

    async def count_owners(self) -> int:
        statement = (
            select(func.count())
            .select_from(Membership)
            .where(Membership.organization_id == self.organization_id, Membership.role == Role.owner)
        )
        return int(await self.session.scalar(statement) or 0)

    async def lock_owners(self) -> None:
        """Serialize changes that could remove the last owner (two owners demoting each other at once)."""
        await self.session.execute(self.base_statement().where(Membership.role == Role.owner).with_for_update())


class InvitationRepository(TenantRepository[Invitation]):
    model = Invitation

    async def list_page(self, params: PageParams) -> tuple[list[Invitation], str | None]:
        return await paginate(self.session, self.base_statement(), params, order_by=(Invitation.id,))

    async def pending_for_email(self, email: str) -> list[Invitation]:
        statement = self.base_statement().where(
            Invitation.email == email, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None)
        )
        return list((await self.session.scalars(statement)).all())


class InvitationLookupRepository(Repository[Invitation]):
    """Finds an invitation by its token, across tenants: the token names the workspace."""

    model = Invitation

    async def get_by_hash(self, token_hash: bytes, *, for_update: bool = False) -> Invitation | None:
        statement = select(Invitation).where(Invitation.token_hash == token_hash)
        if for_update:
            statement = statement.with_for_update()
        result: Invitation | None = await self.session.scalar(statement)
        return result


class ApiKeyRepository(TenantRepository[ApiKey]):
    model = ApiKey

    async def list_active_page(self, params: PageParams) -> tuple[list[ApiKey], str | None]:
        statement = self.base_statement().where(ApiKey.revoked_at.is_(None))
        return await paginate(self.session, statement, params, order_by=(ApiKey.id,))

    async def get_active(self, api_key_id: uuid.UUID) -> ApiKey | None:
        statement = self.base_statement().where(ApiKey.id == api_key_id, ApiKey.revoked_at.is_(None))
        result: ApiKey | None = await self.session.scalar(statement)
        return result
