from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from api.core.pagination import Page
from api.core.schemas import ResponseModel
from api.models import Job, JobKind, JobStatus


class JobProgress(ResponseModel):
    done: int
    failed: int
    total: int
    percent: int


class JobError(ResponseModel):
    code: str
    message: str


class JobOut(ResponseModel):
    id: uuid.UUID
    kind: JobKind
    status: JobStatus
    progress: JobProgress
    params: dict[str, Any]
    result: dict[str, Any] | None
    error: JobError | None
    attempts: int
    max_attempts: int
    created_by_user_id: uuid.UUID | None
    created_by_api_key_id: uuid.UUID | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, job: Job) -> JobOut:
        # A retry in flight keeps its last error on the row; clients see an error only once the job ended.
        error = (
            JobError(code=job.error_code, message=job.error_message or "")
            if job.error_code and job.status in (JobStatus.failed, JobStatus.canceled)
            else None
        )
        return cls(
            id=job.id,
            kind=job.kind,
            status=job.status,
            progress=JobProgress(
                done=job.progress_done, failed=job.progress_failed, total=job.progress_total, percent=job.percent
            ),
            params=job.params,
            result=job.result,
            error=error,
            attempts=job.attempts,
            max_attempts=job.max_attempts,
            created_by_user_id=job.created_by_user_id,
            created_by_api_key_id=job.created_by_api_key_id,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
        )


class JobPage(Page[JobOut]):
    pass
