from __future__ import annotations

from api.core.errors import BadRequest, Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied


class InvalidCredentials(NotAuthenticated):
    code, title = "invalid_credentials", "Invalid email or password"


class SessionRequired(PermissionDenied):
    code, title = "session_required", "This action needs a signed-in user, not an API key"


class CsrfFailed(PermissionDenied):
    code, title = "csrf_failed", "Missing or wrong CSRF token"


class InsufficientRole(PermissionDenied):
    code, title = "insufficient_role", "Your role does not allow this"


class NoWorkspace(PermissionDenied):
    code, title = "no_workspace", "You are not a member of any workspace"


class PlatformAdminRequired(PermissionDenied):
    code, title = "platform_admin_required", "Platform administrators only"


class EmailTaken(Conflict):
    code, title = "email_taken", "An account with this email already exists"

    def __init__(self) -> None:
        super().__init__(
            "An account with this email already exists. Sign in, or reset your password.",
            errors=[{"field": "email", "message": "An account with this email already exists.", "type": "taken"}],
        )


class InvalidToken(BadRequest):
    code, title = "invalid_token", "This link is invalid or has already been used"


class ExpiredToken(BadRequest):
    code, title = "token_expired", "This link has expired"


class WeakPassword(InvalidInput):
    code = "weak_password"


class OrganizationNotFound(NotFound):
    code, title = "organization_not_found", "Workspace not found"
