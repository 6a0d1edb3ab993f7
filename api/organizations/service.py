"""Workspaces: settings, members and their roles, invitations, API keys."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.service import record_audit
from api.auth.exceptions import InsufficientRole
from api.core.config import Settings
from api.core.pagination import PageParams
from api.core.security import hash_secret, new_secret
from api.core.time import utc_now
from api.mail.service import queue_email
from api.models import ApiKey, Invitation, Membership, Organization, Role, User
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
from api.organizations.repository import (
    ApiKeyRepository,
    InvitationLookupRepository,
    InvitationRepository,
    MembershipRepository,
    OrganizationRepository,
)
from api.organizations.schemas import InvitationStatus
from api.products.entitlements import check_api_access, check_seat_available

if TYPE_CHECKING:
    from api.auth.dependencies import AuthContext

API_KEY_PREFIX = "epox_"


def invitation_status(invitation: Invitation) -> InvitationStatus:
    if invitation.accepted_at is not None:
        return InvitationStatus.accepted
    if invitation.revoked_at is not None:
        return InvitationStatus.revoked
    if invitation.expires_at <= utc_now():
        return InvitationStatus.expired
    return InvitationStatus.pending


class OrganizationService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.organizations = OrganizationRepository(session)

    async def create_with_owner(self, owner: User, name: str) -> Organization:
        organization = await self.organizations.add(Organization(name=name))
        await MembershipRepository(self.session, organization.id).add(
            Membership(organization_id=organization.id, user_id=owner.id, role=Role.owner)
        )
        return organization

    async def get(self, ctx: AuthContext) -> Organization:
        organization = await self.organizations.get(ctx.organization_id)
        assert organization is not None  # the membership that authorized ctx references it
        return organization

    async def rename(self, ctx: AuthContext, name: str) -> Organization:
        organization = await self.get(ctx)
        before = {"name": organization.name}
        await self.organizations.update(organization, name=name)
        await self._audit(ctx, "organization.update", "organization", organization.id, before, {"name": name})
        return organization

    # Members.

    async def list_members(
        self, ctx: AuthContext, params: PageParams
    ) -> tuple[list[tuple[Membership, User]], str | None]:
        return await MembershipRepository(self.session, ctx.organization_id).list_page(params)

    async def change_role(self, ctx: AuthContext, user_id: uuid.UUID, role: Role) -> tuple[Membership, User]:
        members = MembershipRepository(self.session, ctx.organization_id)
        await members.lock_owners()
        found = await members.get_with_user(user_id, for_update=True)
        if found is None:
            raise MemberNotFound()
        membership, user = found
        self._check_can_manage(ctx, membership.role, role)
        if membership.role == Role.owner and role != Role.owner and await members.count_owners() <= 1:
            raise LastOwner("Make someone else an owner first.")
        before = {"role": membership.role.value}
        await members.update(membership, role=role)
        await self._audit(ctx, "member.role_change", "user", user_id, before, {"role": role.value})
        return membership, user

    async def remove_member(self, ctx: AuthContext, user_id: uuid.UUID) -> None:
        """Admins remove others; anyone may leave. The last owner can do neither."""
        members = MembershipRepository(self.session, ctx.organization_id)
        await members.lock_owners()
        found = await members.get_with_user(user_id, for_update=True)
        if found is None:
            raise MemberNotFound()
        membership, _ = found
        leaving = ctx.user is not None and ctx.user.id == user_id
        if not leaving:
            if not ctx.role.at_least(Role.admin):
                raise InsufficientRole("Only admins and owners can remove other members.")
            self._check_can_manage(ctx, membership.role, membership.role)
        if membership.role == Role.owner and await members.count_owners() <= 1:
            raise LastOwner("The last owner cannot leave. Make someone else an owner first.")
        await members.delete(membership)
        await self._audit(ctx, "member.remove", "user", user_id, {"role": membership.role.value}, None)

    # Invitations.

    async def list_invitations(self, ctx: AuthContext, params: PageParams) -> tuple[list[Invitation], str | None]:
        return await InvitationRepository(self.session, ctx.organization_id).list_page(params)

    async def invite(self, ctx: AuthContext, email: str, role: Role, settings: Settings) -> Invitation:
        email = email.lower()
        self._check_can_manage(ctx, role, role)
        if await MembershipRepository(self.session, ctx.organization_id).get_by_email(email) is not None:
            raise AlreadyMember(f"{email} is already a member of this workspace.")
        invitations = InvitationRepository(self.session, ctx.organization_id)
        now = utc_now()
        for previous in await invitations.pending_for_email(email):  # a new invitation replaces the old link
            previous.revoked_at = now
        await check_seat_available(self.session, ctx.organization_id)  # after revoking: a re-invite is no new seat
        token = new_secret()
        invitation = await invitations.add(
            Invitation(
                organization_id=ctx.organization_id,
                email=email,
                role=role,
                token_hash=hash_secret(token),
                invited_by_id=ctx.actor_user_id,
                expires_at=now + timedelta(days=settings.invitation_ttl_days),
            )
        )
        organization = await self.get(ctx)
        inviter = ctx.user.name if ctx.user else "An integration"
        await queue_email(
            self.session,
            to=email,
            subject=f"{inviter} invited you to {organization.name} on Epox",
            body=(
                f"{inviter} invited you to join the workspace {organization.name} on Epox as {role.value}.\n\n"
                f"Accept the invitation here (valid for {settings.invitation_ttl_days} days):\n\n"
                f"{settings.public_url}/invitations/accept?token={token}\n"
            ),
        )
        await self._audit(
            ctx, "invitation.create", "invitation", invitation.id, None, {"email": email, "role": role.value}
        )
        return invitation

    async def revoke_invitation(self, ctx: AuthContext, invitation_id: uuid.UUID) -> None:
        invitation = await InvitationRepository(self.session, ctx.organization_id).get(invitation_id, for_update=True)
        if invitation is None:
            raise InvitationNotFound()
        if invitation_status(invitation) != InvitationStatus.pending:
            raise InvitationUnusable("Only a pending invitation can be revoked.")
        invitation.revoked_at = utc_now()
        await self.session.flush()
        await self._audit(ctx, "invitation.revoke", "invitation", invitation.id, None, None)

    async def preview_invitation(self, token: str) -> tuple[Invitation, Organization, User | None]:
        invitation = await InvitationLookupRepository(self.session).get_by_hash(hash_secret(token))
        if invitation is None:
            raise InvitationNotFound("This invitation link is not valid.")
        organization = await self.organizations.get(invitation.organization_id)
        assert organization is not None
        inviter = await self.session.get(User, invitation.invited_by_id) if invitation.invited_by_id else None
        return invitation, organization, inviter

    async def accept_invitation(self, user: User, token: str) -> Membership:
        invitation = await InvitationLookupRepository(self.session).get_by_hash(hash_secret(token), for_update=True)
        if invitation is None:
            raise InvitationNotFound("This invitation link is not valid.")
        status = invitation_status(invitation)
        if status != InvitationStatus.pending:
            raise InvitationUnusable(f"This invitation is {status.value}. Ask for a new one.")
        if invitation.email != user.email:
            raise InvitationForAnotherEmail(
                f"This invitation was sent to {invitation.email}. Sign in with that address to accept it."
            )
        members = MembershipRepository(self.session, invitation.organization_id)
        if await members.get_with_user(user.id) is not None:
            raise AlreadyMember()
        now = utc_now()
        invitation.accepted_at = now
        user.email_verified_at = user.email_verified_at or now  # the link reached that mailbox
        membership = await members.add(
            Membership(organization_id=invitation.organization_id, user_id=user.id, role=invitation.role)
        )
        await record_audit(
            self.session,
            action="invitation.accept",
            target_type="invitation",
            target_id=invitation.id,
            organization_id=invitation.organization_id,
            actor_user_id=user.id,
            after={"role": invitation.role.value},
        )
        return membership

    # API keys.

    async def list_api_keys(self, ctx: AuthContext, params: PageParams) -> tuple[list[ApiKey], str | None]:
        return await ApiKeyRepository(self.session, ctx.organization_id).list_active_page(params)

    async def create_api_key(self, ctx: AuthContext, name: str, role: Role) -> tuple[ApiKey, str]:
        if role == Role.owner:
            raise RoleTooHigh("API keys can have the admin role at most.")
        self._check_can_manage(ctx, role, role)
        await check_api_access(self.session, ctx.organization_id)
        prefix = API_KEY_PREFIX + new_secret(6)[:8]
        secret = f"{prefix}_{new_secret(32)}"
        key = await ApiKeyRepository(self.session, ctx.organization_id).add(
            ApiKey(
                organization_id=ctx.organization_id,
                name=name,
                prefix=prefix,
                secret_hash=hash_secret(secret),
                role=role,
                created_by_id=ctx.actor_user_id,
            )
        )
        await self._audit(ctx, "api_key.create", "api_key", key.id, None, {"name": name, "role": role.value})
        return key, secret

    async def revoke_api_key(self, ctx: AuthContext, api_key_id: uuid.UUID) -> None:
        key = await ApiKeyRepository(self.session, ctx.organization_id).get_active(api_key_id)
        if key is None:
            raise ApiKeyNotFound()
        key.revoked_at = utc_now()
        await self.session.flush()
        await self._audit(ctx, "api_key.revoke", "api_key", key.id, None, None)

    # Internals.

    @staticmethod
    def _check_can_manage(ctx: AuthContext, current: Role, new: Role) -> None:
        """Only owners touch owners; nobody hands out a role above their own."""
        if (current == Role.owner or new == Role.owner) and ctx.role != Role.owner:
            raise RoleTooHigh("Only an owner can grant or change the owner role.")
        if not ctx.role.at_least(new):
            raise RoleTooHigh()

    async def _audit(
        self,
        ctx: AuthContext,
        action: str,
        target_type: str,
        target_id: uuid.UUID,
        before: dict[str, str] | None,
        after: dict[str, str] | None,
    ) -> None:
        await record_audit(
            self.session,
            action=action,
            target_type=target_type,
            target_id=target_id,
            organization_id=ctx.organization_id,
            actor_user_id=ctx.actor_user_id,
            actor_api_key_id=ctx.actor_api_key_id,
            before=before,
            after=after,
        )
