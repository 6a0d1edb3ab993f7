from __future__ import annotations

from api.core.errors import Conflict, NotFound


class JobNotFound(NotFound):
    code, title = "job_not_found", "Job not found"


class JobNotCancelable(Conflict):
    code, title = "job_not_cancelable", "The job has already finished"
