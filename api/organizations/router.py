from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.dependencies import AdminAccess, Auth, CurrentUser, ViewerAccess
from api.auth.exceptions import InsufficientRole
from api.auth.schemas import Me, OrganizationOut
from api.billing.exceptions import ApiAccessNotIncluded, SeatLimitReached
from api.core.config import Settings, get_settings
from api.core.errors import NotAuthenticated, error_responses
from api.core.pagination import Page, PageQuery
from api.core.routing import TransactionalRoute, get_session
from api.models import Invitation, Membership, User
from api.organizations.exceptions import (
    AlreadyMember,
    ApiKeyNotFound,
    InvitationForAnotherEmail,
    InvitationNotFound,
    InvitationUnusable,
    LastOwner,
    MemberNotFound,
    RoleTooHigh,
)
from api.organizations.schemas import (
    AcceptInvitationRequest,
    ApiKeyCreated,
    ApiKeyOut,
    CreateApiKeyRequest,
    CreateInvitationRequest,
    InvitationOut,
    InvitationPreview,
    MemberOut,
    UpdateMemberRequest,
    UpdateOrganizationRequest,
)
from api.organizations.service import OrganizationService, invitation_status

router = APIRouter(route_class=TransactionalRoute)
TENANT = error_responses(NotAuthenticated, InsufficientRole)


def get_organization_service(session: Annotated[AsyncSession, Depends(get_session)]) -> OrganizationService:
    return OrganizationService(session)


Organizations = Annotated[OrganizationService, Depends(get_organization_service)]


def _member(membership: Membership, user: User) -> MemberOut:
    return MemberOut(
        user_id=user.id,
        email=user.email,
        name=user.name,
        role=membership.role,
        joined_at=membership.created_at,
    )


def _invitation(invitation: Invitation) -> InvitationOut:
    return InvitationOut(
        id=invitation.id,
        email=invitation.email,
        role=invitation.role,
        status=invitation_status(invitation),
        expires_at=invitation.expires_at,
        created_at=invitation.created_at,
    )


@router.get("/organization", tags=["organization"], response_model=OrganizationOut, responses=TENANT)
async def get_organization(ctx: ViewerAccess, organizations: Organizations) -> OrganizationOut:
    """The active workspace."""
    return OrganizationOut.model_validate(await organizations.get(ctx))


@router.patch("/organization", tags=["organization"], response_model=OrganizationOut, responses=TENANT)
async def update_organization(
    body: UpdateOrganizationRequest, ctx: AdminAccess, organizations: Organizations
) -> OrganizationOut:
    """Rename the workspace (admins and owners)."""
    return OrganizationOut.model_validate(await organizations.rename(ctx, body.name))


@router.get("/organization/members", tags=["members"], response_model=Page[MemberOut], responses=TENANT)
async def list_members(ctx: ViewerAccess, organizations: Organizations, page: PageQuery) -> Page[MemberOut]:
    """The workspace's members with their roles."""
    rows, cursor = await organizations.list_members(ctx, page)
    return Page(items=[_member(m, u) for m, u in rows], next_cursor=cursor)


@router.patch(
    "/organization/members/{user_id}",
    tags=["members"],
    response_model=MemberOut,
    responses={**TENANT, **error_responses(MemberNotFound, LastOwner, RoleTooHigh)},
)
async def update_member(
    user_id: uuid.UUID, body: UpdateMemberRequest, ctx: AdminAccess, organizations: Organizations
) -> MemberOut:
    """Change a member's role (only owners grant or take away the owner role)."""
    return _member(*await organizations.change_role(ctx, user_id, body.role))


@router.delete(
    "/organization/members/{user_id}",
    tags=["members"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**TENANT, **error_responses(MemberNotFound, LastOwner, RoleTooHigh)},
)
async def remove_member(user_id: uuid.UUID, ctx: ViewerAccess, organizations: Organizations) -> None:
    """Remove a member (admins), or leave the workspace yourself; the last owner cannot go."""
    await organizations.remove_member(ctx, user_id)


@router.get("/organization/invitations", tags=["members"], response_model=Page[InvitationOut], responses=TENANT)
async def list_invitations(ctx: AdminAccess, organizations: Organizations, page: PageQuery) -> Page[InvitationOut]:
    """Invitations sent from this workspace, newest first."""
    rows, cursor = await organizations.list_invitations(ctx, page)
    return Page(items=[_invitation(i) for i in rows], next_cursor=cursor)


@router.post(
    "/organization/invitations",
    tags=["members"],
    status_code=status.HTTP_201_CREATED,
    response_model=InvitationOut,
    responses={**TENANT, **error_responses(AlreadyMember, RoleTooHigh, SeatLimitReached)},
)
async def create_invitation(
    body: CreateInvitationRequest,
    ctx: AdminAccess,
    organizations: Organizations,
    settings: Annotated[Settings, Depends(get_settings)],
) -> InvitationOut:
    """Invite someone by email; the link is valid for 7 days and replaces an earlier pending one."""
    return _invitation(await organizations.invite(ctx, str(body.email), body.role, settings))


@router.delete(
    "/organization/invitations/{invitation_id}",
    tags=["members"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**TENANT, **error_responses(InvitationNotFound, InvitationUnusable)},
)
async def revoke_invitation(invitation_id: uuid.UUID, ctx: AdminAccess, organizations: Organizations) -> None:
    """Revoke a pending invitation; its link stops working."""
    await organizations.revoke_invitation(ctx, invitation_id)


@router.get(
    "/invitations/preview",
    tags=["members"],
    response_model=InvitationPreview,
    responses=error_responses(InvitationNotFound),
)
async def preview_invitation(
    organizations: Organizations, token: Annotated[str, Query(min_length=10, max_length=200)]
) -> InvitationPreview:
    """Public: what an invitation link is for (workspace, email, role), to show before accepting."""
    invitation, organization, inviter = await organizations.preview_invitation(token)
    return InvitationPreview(
        organization_name=organization.name,
        email=invitation.email,
        role=invitation.role,
        inviter_name=inviter.name if inviter else None,
        status=invitation_status(invitation),
    )


@router.post(
    "/invitations/accept",
    tags=["members"],
    response_model=Me,
    responses=error_responses(
        NotAuthenticated, InvitationNotFound, InvitationUnusable, InvitationForAnotherEmail, AlreadyMember
    ),
)
async def accept_invitation(
    body: AcceptInvitationRequest, current: CurrentUser, organizations: Organizations, auth: Auth
) -> Me:
    """Join the workspace an invitation is for, as the signed-in user it was sent to; switches to it."""
    membership = await organizations.accept_invitation(current.user, body.token)
    await auth.set_active_organization(current.user, current.session, membership.organization_id)
    return Me.of(await auth.me(current.user, current.session))


@router.get("/organization/api-keys", tags=["api-keys"], response_model=Page[ApiKeyOut], responses=TENANT)
async def list_api_keys(ctx: AdminAccess, organizations: Organizations, page: PageQuery) -> Page[ApiKeyOut]:
    """Active API keys (prefix, name, role, last use); secrets are never shown again."""
    rows, cursor = await organizations.list_api_keys(ctx, page)
    return Page(items=[ApiKeyOut.model_validate(k) for k in rows], next_cursor=cursor)


@router.post(
    "/organization/api-keys",
    tags=["api-keys"],
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
    responses={**TENANT, **error_responses(RoleTooHigh, ApiAccessNotIncluded)},
)
async def create_api_key(body: CreateApiKeyRequest, ctx: AdminAccess, organizations: Organizations) -> ApiKeyCreated:
    """Create an API key for integrations; the secret is in this response only."""
    key, secret = await organizations.create_api_key(ctx, body.name, body.role)
    return ApiKeyCreated(**ApiKeyOut.model_validate(key).model_dump(), secret=secret)


@router.delete(
    "/organization/api-keys/{api_key_id}",
    tags=["api-keys"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**TENANT, **error_responses(ApiKeyNotFound)},
)
async def revoke_api_key(api_key_id: uuid.UUID, ctx: AdminAccess, organizations: Organizations) -> None:
    """Revoke an API key; requests with it are refused from now on."""
    await organizations.revoke_api_key(ctx, api_key_id)
