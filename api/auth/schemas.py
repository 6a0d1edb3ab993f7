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


class Me(ResponseModel):
    user: UserOut
    organization: OrganizationOut | None
    role: Role | None
    memberships: list[MembershipOut]

    @classmethod
    def of(cls, view: MeView) -> Me:
        active = view.active
        return cls(
            user=UserOut.model_validate(view.user),
            organization=OrganizationOut.model_validate(active.organization) if active else None,
            role=active.role if active else None,
            memberships=[
                MembershipOut(organization=OrganizationOut.model_validate(w.organization), role=w.role)
                for w in view.memberships
            ],
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
