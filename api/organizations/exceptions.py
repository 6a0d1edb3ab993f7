from __future__ import annotations

from api.core.errors import BadRequest, Conflict, NotFound, PermissionDenied


class MemberNotFound(NotFound):
    code, title = "member_not_found", "Member not found"


class InvitationNotFound(NotFound):
    code, title = "invitation_not_found", "Invitation not found"


class ApiKeyNotFound(NotFound):
    code, title = "api_key_not_found", "API key not found"


class LastOwner(Conflict):
    code, title = "last_owner", "A workspace needs at least one owner"


class AlreadyMember(Conflict):
    code, title = "already_member", "Already a member of this workspace"


class RoleTooHigh(PermissionDenied):
    code, title = "role_too_high", "You cannot give a role above your own"


class InvitationUnusable(BadRequest):
    code, title = "invitation_unusable", "This invitation can no longer be used"


class InvitationForAnotherEmail(PermissionDenied):
    code, title = "invitation_email_mismatch", "This invitation was sent to another email address"
