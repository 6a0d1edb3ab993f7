"""All tables, imported here so Alembic and the app see one metadata."""

from api.models.auth import ApiKey, Invitation, TokenPurpose, UserSession, UserToken
from api.models.base import Base
from api.models.organization import Membership, Organization, Role
from api.models.outbox import AuditLog, EmailMessage
from api.models.user import User

__all__ = [
    "ApiKey",
    "AuditLog",
    "Base",
    "EmailMessage",
    "Invitation",
    "Membership",
    "Organization",
    "Role",
    "TokenPurpose",
    "User",
    "UserSession",
    "UserToken",
]
