from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from pydantic import EmailStr, Field, StringConstraints

from api.core.schemas import RequestModel, ResponseModel
from api.models import Role

if TYPE_CHECKING:
    from api.auth.service import MeView

Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
WorkspaceName = Annotated[str, StringConstraints(min_length=1, max_length=120)]
# Length only here; the strength rules (common passwords, minimum length) live in the service.
Password = Annotated[str, Field(min_length=1, max_length=256)]
Token = Annotated[str, StringConstraints(min_length=10, max_length=200)]


class UserOut(ResponseModel):
    id: uuid.UUID
    email: str
    name: str
    email_verified: bool
    is_platform_admin: bool
    created_at: datetime


class OrganizationOut(ResponseModel):
    id: uuid.UUID
    name: str
    created_at: datetime


class MembershipOut(ResponseModel):
    organization: OrganizationOut
    role: Role


class AuthSession(ResponseModel):
    user: UserOut
    organization: OrganizationOut | None


class SupportAccessSession(ResponseModel):
    id: uuid.UUID
    organization_id: uuid.UUID
    reason: str
    expires_at: datetime


class Me(ResponseModel):
    user: UserOut
    organization: OrganizationOut | None = Field(
        description="The workspace requests act in: the active membership's, or the one support access opened."
    )
    role: Role | None = Field(description="Your role there; `viewer` during support access (nothing can change).")
    memberships: list[MembershipOut]
    support_access: SupportAccessSession | None = Field(
        default=None, description="A platform admin's live read-only support access to another workspace."
    )

    @classmethod
    def of(cls, view: MeView) -> Me:
        active, support = view.active, view.support
        # During support access, what the admin sees is the merchant's workspace, read-only.
        organization = support.organization if support else active.organization if active else None
        role = Role.viewer if support else active.role if active else None
        return cls(
            user=UserOut.model_validate(view.user),
            organization=OrganizationOut.model_validate(organization) if organization else None,
            role=role,
            memberships=[
                MembershipOut(organization=OrganizationOut.model_validate(w.organization), role=w.role)
                for w in view.memberships
            ],
            support_access=SupportAccessSession(
                id=support.grant.id,
                organization_id=support.grant.organization_id,
                reason=support.grant.reason,
                expires_at=support.grant.expires_at,
            )
            if support
            else None,
        )


class SignupRequest(RequestModel):
    email: EmailStr
    password: Password
    name: Name
    organization_name: WorkspaceName | None = None


class LoginRequest(RequestModel):
    email: EmailStr
    password: Password


class VerifyEmailRequest(RequestModel):
    token: Token


class PasswordResetRequest(RequestModel):
    email: EmailStr


class PasswordResetConfirm(RequestModel):
    token: Token
    password: Password


class UpdateMeRequest(RequestModel):
    name: Name


class ChangePasswordRequest(RequestModel):
    current_password: Password
    new_password: Password


class SetActiveOrganizationRequest(RequestModel):
    organization_id: uuid.UUID
