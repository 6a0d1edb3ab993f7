from __future__ import annotations

from api.core.errors import Conflict, NotFound, PermissionDenied


class AdminOnly(NotFound):
    """Admin routes answer a non-admin exactly like a path that does not exist."""


class SupportAccessReadOnly(PermissionDenied):
    code, title = "support_access_read_only", "Support access is read-only"


class SupportAccessNotFound(NotFound):
    code, title = "support_access_not_found", "Support access not found"


class JobNotRetryable(Conflict):
    code, title = "job_not_retryable", "This job has no failed items to retry"


class JobAlreadyRetried(Conflict):
    code, title = "job_already_retried", "The failed items of this job were already retried"
