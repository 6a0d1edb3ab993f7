from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Annotated

from pydantic import EmailStr, StringConstraints

from api.core.schemas import RequestModel, ResponseModel
from api.models import Role


class UpdateOrganizationRequest(RequestModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]


class MemberOut(ResponseModel):
    user_id: uuid.UUID
    email: str
    name: str
    role: Role
    joined_at: datetime


class UpdateMemberRequest(RequestModel):
    role: Role


class InvitationStatus(enum.StrEnum):
    pending = "pending"
    accepted = "accepted"
    revoked = "revoked"
    expired = "expired"


class InvitationOut(ResponseModel):
    id: uuid.UUID
    email: str
    role: Role
    status: InvitationStatus
    expires_at: datetime
    created_at: datetime


class CreateInvitationRequest(RequestModel):
    email: EmailStr
    role: Role = Role.member


class InvitationPreview(ResponseModel):
    organization_name: str
    email: str
    role: Role
    inviter_name: str | None
    status: InvitationStatus


class AcceptInvitationRequest(RequestModel):
    token: Annotated[str, StringConstraints(min_length=10, max_length=200)]


class ApiKeyOut(ResponseModel):
    id: uuid.UUID
    name: str
    prefix: str
    role: Role
    created_at: datetime
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    secret: str


class CreateApiKeyRequest(RequestModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    role: Role = Role.member
