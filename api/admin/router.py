from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession

from api.admin.schemas import AdminOrganizationOut
from api.admin.service import AdminService
from api.auth.dependencies import PlatformAdminUser
from api.auth.exceptions import PlatformAdminRequired
from api.core.errors import NotAuthenticated, error_responses
from api.core.pagination import Page, PageQuery
from api.core.routing import TransactionalRoute, get_session

router = APIRouter(prefix="/admin", tags=["admin"], route_class=TransactionalRoute)


def get_admin_service(session: Annotated[AsyncSession, Depends(get_session)]) -> AdminService:
    return AdminService(session)


@router.get(
    "/organizations",
    response_model=Page[AdminOrganizationOut],
    responses=error_responses(NotAuthenticated, PlatformAdminRequired),
)
async def admin_list_organizations(
    admin: PlatformAdminUser,
    service: Annotated[AdminService, Depends(get_admin_service)],
    page: PageQuery,
    q: Annotated[str | None, Query(max_length=200, description="Name or member email contains")] = None,
) -> Page[AdminOrganizationOut]:
    """Platform admins: find workspaces by name or by a member's email."""
    items, cursor = await service.find_organizations(q, page)
    return Page(items=items, next_cursor=cursor)
