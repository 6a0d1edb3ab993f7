"""Who is calling: a signed-in user (session cookie) or an integration (API key), and in which workspace.

Typed dependencies for routes: `CurrentUser` (a person, any workspace), `ViewerAccess` / `MemberAccess` /
`AdminAccess` / `OwnerAccess` (the active workspace with at least that role), `PlatformAdminUser`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from api.admin.exceptions import SupportAccessReadOnly
from api.admin.support_access import live_grant_for_session
from api.auth.exceptions import (
    CsrfFailed,
    InsufficientRole,
    NoWorkspace,
    PlatformAdminRequired,
    SessionRequired,
)
from api.auth.service import AuthService
from api.core.config import Settings, get_settings
from api.core.errors import NotAuthenticated
from api.core.idempotency import Guard, idempotent
from api.core.routing import get_session
from api.core.security import constant_time_equals
from api.core.time import utc_now
from api.models import ApiKey, Role, User, UserSession

SESSION_COOKIE = "epox_session"
CSRF_COOKIE = "epox_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_redis(request: Request) -> Redis:
    redis: Redis = request.app.state.arq
    return redis


def get_auth_service(
    session: Annotated[AsyncSession, Depends(get_session)],
    settings: Annotated[Settings, Depends(get_settings)],
    redis: Annotated[Redis, Depends(get_redis)],
) -> AuthService:
    return AuthService(session, settings, redis)


Auth = Annotated[AuthService, Depends(get_auth_service)]


@dataclass(frozen=True)
class Principal:
    """Exactly one of (user + session) or api_key is set."""

    user: User | None = None
    session: UserSession | None = None
    api_key: ApiKey | None = None


@dataclass(frozen=True)
class AuthContext:
    """The caller acting in one workspace with one role."""

    organization_id: uuid.UUID
    role: Role
    user: User | None
    api_key: ApiKey | None

    @property
    def actor_user_id(self) -> uuid.UUID | None:
        return self.user.id if self.user else None

    @property
    def actor_api_key_id(self) -> uuid.UUID | None:
        return self.api_key.id if self.api_key else None


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def get_optional_principal(request: Request, auth: Auth) -> Principal | None:
    """Public endpoints that behave differently when signed in use this one."""
    secret = _bearer(request)
    if secret is not None:  # a key wins, and cookies are then ignored (so no CSRF applies)
        key = await auth.authenticate_api_key(secret)
        if key is None:
            raise NotAuthenticated("The API key is not valid or has been revoked.")
        return Principal(api_key=key)
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    found = await auth.authenticate_session(token)
    if found is None:
        return None
    if request.method not in SAFE_METHODS:
        cookie, header = request.cookies.get(CSRF_COOKIE, ""), request.headers.get(CSRF_HEADER, "")
        if not cookie or not header or not constant_time_equals(cookie, header):
            raise CsrfFailed("Send the epox_csrf cookie's value in the X-CSRF-Token header.")
    session_row, user = found
    return Principal(user=user, session=session_row)


OptionalPrincipal = Annotated[Principal | None, Depends(get_optional_principal)]


async def get_principal(principal: OptionalPrincipal) -> Principal:
    if principal is None:
        raise NotAuthenticated("Sign in, or send an API key as `Authorization: Bearer <key>`.")
    return principal


@dataclass(frozen=True)
class SignedIn:
    user: User
    session: UserSession


async def get_current_user(principal: Annotated[Principal, Depends(get_principal)]) -> SignedIn:
    if principal.user is None or principal.session is None:
        raise SessionRequired()
    return SignedIn(principal.user, principal.session)


CurrentUser = Annotated[SignedIn, Depends(get_current_user)]


def require_role(minimum: Role) -> object:
    async def dependency(
        request: Request, principal: Annotated[Principal, Depends(get_principal)], auth: Auth
    ) -> AuthContext:
        if principal.api_key is not None:
            key = principal.api_key
            context = AuthContext(key.organization_id, key.role, None, key)
        else:
            assert principal.user is not None
            assert principal.session is not None
            grant = (
                await live_grant_for_session(auth.session, principal.session.id, utc_now())
                if principal.user.is_platform_admin
                else None
            )
            if grant is not None:
                # Support access (api/admin/support_access.py): sees what the owner sees, changes nothing.
                if request.method not in SAFE_METHODS:
                    raise SupportAccessReadOnly("Support access is read-only; nothing in this workspace can change.")
                return AuthContext(grant.organization_id, Role.owner, principal.user, None)
            membership = await auth.active_membership(principal.user, principal.session)
            if membership is None:
                raise NoWorkspace()
            context = AuthContext(membership.organization_id, membership.role, principal.user, None)
        if not context.role.at_least(minimum):
            raise InsufficientRole(f"This needs the {minimum.value} role or higher; you are {context.role.value}.")
        return context

    return Depends(dependency)


ViewerAccess = Annotated[AuthContext, require_role(Role.viewer)]
MemberAccess = Annotated[AuthContext, require_role(Role.member)]
AdminAccess = Annotated[AuthContext, require_role(Role.admin)]
OwnerAccess = Annotated[AuthContext, require_role(Role.owner)]


async def get_platform_admin(current: CurrentUser) -> User:
    if not current.user.is_platform_admin:
        raise PlatformAdminRequired()
    return current.user


PlatformAdminUser = Annotated[User, Depends(get_platform_admin)]


def workspace_scope(ctx: MemberAccess) -> uuid.UUID:
    """Idempotency keys sent by members belong to their workspace."""
    return ctx.organization_id


# `Idempotency-Key` on member writes (routers using `IdempotentRoute`).
MemberIdempotency = Annotated[Guard | None, idempotent(workspace_scope)]
