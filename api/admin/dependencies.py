from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.admin.exceptions import AdminOnly
from api.auth.dependencies import SESSION_COOKIE, Auth, SignedIn, get_current_user


async def hide_from_non_admins(request: Request, auth: Auth) -> None:
    """Runs before anything else on admin routes: whoever is not a signed-in platform admin (a merchant, an API
    key, nobody) gets the plain 404 of a path that does not exist, before CSRF or body checks reveal the route."""
    if request.headers.get("authorization"):
        raise AdminOnly()
    token = request.cookies.get(SESSION_COOKIE)
    found = await auth.authenticate_session(token) if token else None
    if found is None or not found[1].is_platform_admin:
        raise AdminOnly()


async def get_platform_admin_session(current: Annotated[SignedIn, Depends(get_current_user)]) -> SignedIn:
    if not current.user.is_platform_admin:
        raise AdminOnly()
    return current


PlatformAdminSession = Annotated[SignedIn, Depends(get_platform_admin_session)]
