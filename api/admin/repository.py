from __future__ import annotations

from sqlalchemy import func, select

from api.core.pagination import PageParams, paginate
from api.core.repository import Repository
from api.models import Membership, Organization, User


class AdminOrganizationRepository(Repository[Organization]):
    model = Organization

    async def search_page(self, query: str | None, params: PageParams) -> tuple[list[Organization], str | None]:
        statement = self.base_statement()
        if query:
            pattern = f"%{query.lower()}%"
            owners = (
                select(Membership.organization_id)
                .join(User, User.id == Membership.user_id)
                .where(func.lower(User.email).like(pattern))
            )
            statement = statement.where(func.lower(Organization.name).like(pattern) | Organization.id.in_(owners))
        return await paginate(self.session, statement, params, order_by=(Organization.id,))

    async def member_counts(self, organizations: list[Organization]) -> dict[object, int]:
        statement = (
            select(Membership.organization_id, func.count())
            .where(Membership.organization_id.in_([o.id for o in organizations]))
            .group_by(Membership.organization_id)
        )
        return {org_id: int(count) for org_id, count in (await self.session.execute(statement)).all()}
