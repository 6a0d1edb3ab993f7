from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from api.admin.repository import AdminOrganizationRepository
from api.admin.schemas import AdminOrganizationOut
from api.core.pagination import PageParams


class AdminService:
    """Support tools for platform administrators (callers are checked by the `PlatformAdminUser` dependency)."""

    def __init__(self, session: AsyncSession) -> None:
        self.organizations = AdminOrganizationRepository(session)

    async def find_organizations(
        self, query: str | None, params: PageParams
    ) -> tuple[list[AdminOrganizationOut], str | None]:
        rows, cursor = await self.organizations.search_page(query, params)
        counts = await self.organizations.member_counts(rows)
        items = [
            AdminOrganizationOut(id=o.id, name=o.name, created_at=o.created_at, member_count=counts.get(o.id, 0))
            for o in rows
        ]
        return items, cursor
